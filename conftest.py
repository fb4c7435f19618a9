"""Repository-wide pytest set-up: stable display options for doctests, no GUI backend.

Tests run in two xdist workers on two cores; OpenMP libraries (scikit-learn's gradient boosting)
would each start one thread per core and spin against each other, which made a 0.2 s fit take
20 s. One OpenMP thread per worker keeps both cores busy without oversubscription.
"""

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _display_options():
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        yield
