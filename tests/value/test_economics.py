"""What CLV is for: new-customer CLV, maximum acquisition cost, retention budget."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import DataError, ParameterError
from crmmine.value import (
    BGNBD,
    GammaGamma,
    ShiftedBetaGeometric,
    max_acquisition_cost,
    new_customer_clv,
    retention_budget,
)

CDNOW = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}


def test_new_customer_clv_btyd_by_hand():
    # margin x mean spend x (1 + sum_k (E[X(k)] - E[X(k-1)]) / (1+d)^k), weekly steps over 52 weeks
    bg = BGNBD.from_params(**CDNOW, time_unit="W")
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)  # Fader, Hardie & Lee (2005b)
    mean_spend = 6.25 * 15.44 / (3.74 - 1)
    d = 1.1 ** (7 / 365.25) - 1
    cum = bg.expected_purchases_new(np.arange(1, 53, dtype=float))
    per = np.diff(np.concatenate([[0.0], cum]))
    expected = 0.3 * mean_spend * (1 + np.sum(per / (1 + d) ** np.arange(1, 53)))
    got = new_customer_clv(bg, gg, horizon=52, annual_discount_rate=0.1, margin=0.3)
    assert got == pytest.approx(expected)
    repeat_only = new_customer_clv(
        bg, gg, horizon=52, annual_discount_rate=0.1, margin=0.3, include_first_purchase=False
    )
    assert got - repeat_only == pytest.approx(0.3 * mean_spend)


def test_new_customer_clv_contractual_is_margin_times_del():
    sbg = ShiftedBetaGeometric.from_params(0.668, 3.806, period="Y")
    assert new_customer_clv(sbg, margin=100.0, annual_discount_rate=0.1) == pytest.approx(
        100 * sbg.discounted_expected_lifetime(0.1)
    )


def test_new_customer_clv_needs_a_unit_for_annual_rates():
    with pytest.raises(ParameterError, match="time unit"):
        new_customer_clv(BGNBD.from_params(**CDNOW), 10.0, horizon=52, annual_discount_rate=0.1)


def test_max_acquisition_cost_by_channel():
    v = pd.Series([100.0, 300.0, 50.0, 70.0], index=list("abcd"))
    ch = pd.Series(["web", "store", "web", "store"], index=list("dcba"))  # aligned by id
    out = max_acquisition_cost(v, ch, target_return=0.25, conversion_rate={"web": 0.1, "store": 0.02})
    # web = {b: 300, d: 70}? no: ch maps d->web, c->store, b->web, a->store
    assert out.loc["web", "mean_clv"] == pytest.approx((300 + 70) / 2)
    assert out.loc["store", "mean_clv"] == pytest.approx((100 + 50) / 2)
    assert out.loc["web", "max_cost"] == pytest.approx(185 / 1.25)
    assert out.loc["web", "max_cost_per_prospect"] == pytest.approx(0.1 * 185 / 1.25)
    with pytest.raises(DataError, match="no rate for groups"):
        max_acquisition_cost(v, ch, conversion_rate={"web": 0.1})


def test_retention_budget_aligns_and_selects():
    v = pd.Series([100.0, 300.0, 50.0], index=["a", "b", "c"])
    churn = pd.Series([0.1, 0.5, 0.9], index=["c", "b", "a"])
    out = retention_budget(v, churn_probability=churn, budget=10, cost_per_customer=5)
    assert out.index.tolist() == ["b", "a", "c"]  # 150, 90, 5
    assert out["value_at_risk"].tolist() == pytest.approx([150.0, 90.0, 5.0])
    assert out["selected"].tolist() == [True, True, False]
    assert out["cumulative_value_at_risk"].iloc[-1] == pytest.approx(245.0)
    alive = retention_budget(v, p_alive=1 - churn, top_n=1)
    assert alive["value_at_risk"].tolist() == pytest.approx([150.0, 90.0, 5.0])
    assert alive["selected"].sum() == 1
