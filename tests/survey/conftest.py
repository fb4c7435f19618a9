"""The mobi survey from the vendored copy, and the reference values beside it."""

import json
from pathlib import Path

import pandas as pd
import pytest

from crmmine.datasets import load_mobi

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def mobi() -> pd.DataFrame:
    return load_mobi(DATA / "mobi.csv")


@pytest.fixture(scope="session")
def seminr() -> dict:
    """seminr's published test fixtures (source and model in the file)."""
    return json.loads((DATA / "seminr_reference.json").read_text())


@pytest.fixture(scope="session")
def plspm_python() -> dict:
    """Python plspm 0.5.7 numbers, from benchmarks/plspm_reference.py."""
    return json.loads((DATA / "plspm_python_reference.json").read_text())
