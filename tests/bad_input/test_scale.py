"""Bad input on engine tables (issue 12): the checks run inside polars and DuckDB and raise the
same crmmine errors as pandas, naming the column, showing the customer ids, counting the rows
and saying the fix; the pandas table the engine table came from is not modified."""

from __future__ import annotations

import warnings

import narwhals as nw
import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import make_meter_readings, meter_features
from crmmine.churn import churn_features, churn_labels
from crmmine.errors import DataError, DataWarning, ParameterError
from crmmine.segmentation import (
    Override,
    concentration,
    lifecycle_stages,
    rfm_segments,
    value_tiers,
)
from crmmine.value import BGNBD, GammaGamma, clv

duckdb = pytest.importorskip("duckdb")
pl = pytest.importorskip("polars")

ENGINES = {"polars": lambda f: pl.from_pandas(f), "duckdb": lambda f: duckdb.from_df(f.copy())}


def _summary() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [11, 12, 13, 14, 15, 16],
        "frequency": [2, 0, 5, 1, 0, 3],
        "recency": [30.4, 0.0, 35.0, 2.0, 0.0, 12.0],
        "T": [38.9, 20.0, 38.9, 10.0, 5.0, 30.0],
        "monetary": [120.0, 10.0, 300.0, 40.0, 8.0, 90.0],
        "repeat_monetary_mean": [20.0, 0.0, 35.0, 12.0, 0.0, 18.0],
        "region": ["e", "w", "e", "n", "w", "e"],
    })


def _tx() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 1, 2, 2, 3, 3],
        "date": pd.to_datetime(["2020-01-05", "2020-03-01", "2020-01-20", "2020-04-01", "2020-02-02",
                                "2020-06-20"]),
        "amount": [10.0, 20.0, 5.0, 8.0, 4.0, 6.0],
    })


def _raises(make, frame, error, *patterns):
    before = frame.copy()
    for name, to_engine in ENGINES.items():
        with pytest.raises(error) as info:
            make(to_engine(frame))
        for pattern in patterns:
            assert pd.Series([str(info.value)]).str.contains(pattern, regex=True).all(), name
    pd.testing.assert_frame_equal(frame, before)


def test_override_as_text_on_an_engine_table():
    _raises(lambda t: value_tiers(t, {"monetary": 1.0}, overrides=[Override("monetary > 100", "A")]),
            _summary(), ParameterError, "narwhals expression", r"Fix: .*nw\.col")


def test_category_without_points():
    points = {"region": {"e": 1, "w": 0}}
    _raises(lambda t: value_tiers(t, {"monetary": 1.0, "region": 1.0}, points=points),
            _summary(), DataError, "column 'region': 1 row with categories without points", r"\bn\b",
            "Fix: add them to points")


def test_override_undefined_for_some_customers():
    frame = _summary().assign(vip=[1.0, None, 0.0, 1.0, 0.0, 0.0])
    rule = Override(nw.col("vip") > 0, "A", "vip")
    _raises(lambda t: value_tiers(t, {"monetary": 1.0}, overrides=[rule]),
            frame, DataError, "column 'vip': 1 row with an undefined", "Fix: fill the columns")


def test_fractional_rfm_scores():
    scores = pd.DataFrame({"customer_id": [1, 2, 3], "R": [1, 2, 3], "F": [1.0, 2.5, 3.0], "M": [1, 1, 1]})
    _raises(rfm_segments, scores, DataError, r"column 'F': 1 row with scores that are missing, fractional",
            "Fix: pass the output of rfm_scores")


def test_concentration_needs_a_column_and_non_negative_values():
    _raises(lambda t: concentration(t), _summary(), ParameterError, "needs column=", "Fix: pass column=")
    frame = _summary().assign(monetary=[1.0, -2.0, 3.0, 4.0, 5.0, 6.0])
    _raises(lambda t: concentration(t, column="monetary"), frame, DataError,
            "column 'monetary': 1 row with missing, non-numeric, infinite or negative",
            "Fix: concentration needs")


def test_text_dates_and_missing_ids_in_transactions():
    text = _tx().assign(date=lambda d: d["date"].dt.strftime("%Y-%m-%d"))
    _raises(lambda t: lifecycle_stages(t), text, DataError, "column 'date'", "not dates",
            "Fix: parse the dates")
    missing = _tx().astype({"customer_id": "float64"})
    missing.loc[2, "customer_id"] = np.nan
    for call in (lambda t: churn_labels(t, "2020-02-28", "60D"), lambda t: churn_features(t, "2020-02-28")):
        _raises(call, missing, DataError, "column 'customer_id': 1 row with missing customer ids",
                "Fix: clean")


def test_btyd_on_engine_tables():
    model = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    _raises(lambda t: clv(model, None, t, horizon=10, n_bootstrap=5), _summary(), ParameterError,
            "n_bootstrap", "Fix: pass n_bootstrap=0")
    bad = _summary().assign(repeat_monetary_mean=[20.0, 0.0, -5.0, 12.0, 0.0, 18.0])
    _raises(lambda t: GammaGamma(nonpositive="raise").fit(t), bad, DataError,
            "column 'repeat_monetary_mean': 1 row with zero or negative spend", r"\b13\b", "Fix:")
    with warnings.catch_warnings(record=True) as caught:  # and a boundary warning: 4 customers only
        warnings.simplefilter("always")
        GammaGamma(nonpositive="drop").fit(pl.from_pandas(bad))
    assert any(issubclass(w.category, DataWarning)
               and "1 customer with repeat purchases but zero or negative spend" in str(w.message)
               for w in caught)


def test_duplicated_meter_days():
    readings = make_meter_readings(12, 70, random_state=0).readings
    twice = pd.concat([readings, readings.iloc[:3]], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # no feeder problems here; only the duplicates raise
        _raises(lambda t: meter_features(t), twice, DataError,
                "column 'customer_id, date': 6 rows with several", "Fix: keep one reading per meter and day")
