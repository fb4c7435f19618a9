"""Repository-wide pytest set-up: stable display options for doctests, no GUI backend."""

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _display_options():
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        yield
