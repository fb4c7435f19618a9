"""The fitting method: curves recover a known geometric decay; holdout against BTYD."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.value import BGNBD, GammaGamma, ValueCurves, curve_holdout_validation


def _geometric_log(level=100.0, ratio=0.8, n_per=8, per_cohort=50):
    """Every cohort customer spends level x ratio^(k-1) at age k >= 1 (and 10 at age 0), in 30-day periods."""
    as_of = pd.Timestamp("2021-01-01")
    rows = []
    for c in range(n_per):
        for i in range(per_cohort):
            cid = f"{c}-{i}"
            for k in range(0, n_per - c):
                day = as_of - pd.Timedelta(days=30 * (n_per - 1 - c - k) + 5)
                rows.append((cid, day, 10.0 if k == 0 else level * ratio ** (k - 1)))
    tx = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    return tx, as_of


def test_recovers_a_geometric_curve_and_forecasts_it():
    tx, as_of = _geometric_log()
    m = ValueCurves(period=30, horizon=3, annual_discount_rate=0.0).fit(tx, as_of=as_of)
    own = m.cohort_curves_[~m.cohort_curves_["pooled"]]
    assert np.allclose(own["level"], 100.0, rtol=1e-6)
    assert np.allclose(own["ratio"], 0.8, rtol=1e-6)
    # a customer of age A is forecast 100 (0.8^A + 0.8^(A+1) + 0.8^(A+2))
    v = m.values_
    expected = 100 * (0.8 ** v["age"] + 0.8 ** (v["age"] + 1) + 0.8 ** (v["age"] + 2))
    assert np.allclose(v["cohort_value"], expected, rtol=1e-6)
    old = v["age"] >= 1
    assert np.allclose(v.loc[old, "customer_value"], expected[old], rtol=1e-6)
    assert len(v) == tx["customer_id"].nunique()


def test_customer_level_is_least_squares_on_her_own_periods():
    tx, as_of = _geometric_log()
    # double one customer's spend after acquisition: her level doubles, the cohort's barely moves
    mask = (tx["customer_id"] == "0-0") & (tx["amount"] != 10.0)
    tx.loc[mask, "amount"] *= 2
    m = ValueCurves(period=30, horizon=2).fit(tx, as_of=as_of)
    # her cohort's mean is scaled by 51/50 at every age, so its ratio stays 0.8 and her level is
    # sum_k 200 x 0.8^(k-1) x 0.8^(k-1) / sum_k 0.8^(2(k-1)) = 200
    assert m.cohort_curves_.loc[0, "ratio"] == pytest.approx(0.8, rel=1e-6)
    assert m.cohort_curves_.loc[0, "level"] == pytest.approx(100.0 * 51 / 50, rel=1e-6)
    assert m.values_.loc["0-0", "level"] == pytest.approx(200.0, rel=1e-6)
    assert m.values_.loc["0-1", "level"] == pytest.approx(100.0, rel=1e-6)


def test_holdout_validation_on_the_sample():
    tx, _ = cm.datasets.load_online_retail_clean()
    cal, hold = cm.calibration_holdout(tx, "2011-06-30", "2011-12-09", time_unit="W", count="days")
    model = BGNBD.from_params(r=0.9, alpha=11.6, a=0.05, b=2.0)  # fixed: the sample's own fit is degenerate
    spend = GammaGamma.from_params(p=2.1, q=3.9, gamma=530.0)
    res = curve_holdout_validation(
        tx, cal, hold, model, spend, calibration_end="2011-06-30", observation_end="2011-12-09", period="M"
    )
    table = res.summary()
    assert set(table.index) == {"btyd", "cohort_curve", "customer_curve"}
    assert np.allclose(table["actual"], hold["spend"].sum())
    pred = res.to_frame()
    assert pred.index.equals(cal.index)
    assert np.allclose(
        pred["btyd"], model.expected_purchases(cal, hold["duration"].iloc[0]) * spend.expected_spend(cal)
    )
    assert (pred[["cohort_curve", "customer_curve"]] >= 0).all().all()


def test_estimator_contract():
    from sklearn.base import clone

    from crmmine.errors import NotFittedError, ParameterError

    model = ValueCurves(period="Q", horizon=4)
    assert clone(model).get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        model.predict()
    with pytest.raises(ParameterError, match="min_periods"):
        ValueCurves(min_periods=1).fit(_geometric_log()[0])
