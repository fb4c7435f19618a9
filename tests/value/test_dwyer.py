"""Dwyer's retention and migration models: Berger & Nasr's closed forms against hand computations.

Berger & Nasr (1998)'s own numerical examples could not be retrieved with the search tool (only
the paper's abstract and introduction are stored), so every value below is derived by hand from
the paper's formulas, as each comment shows, and the migration example uses the purchase
probabilities of the recency example of Pfeifer & Carraway (2000) (p = .30, .20, .15, .05,
margin 40, promotion 4, d = 20%), checked against a brute-force enumeration of purchase paths.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import ParameterError
from crmmine.value import DwyerMigration, DwyerRetention, migration_clv, retention_clv


def test_case1_by_hand():
    # CLV = GC sum_{i=0}^{n} r^i/(1+d)^i - M sum_{i=1}^{n} r^(i-1)/(1+d)^(i-0.5)
    # GC=100, M=20, r=.8, d=.2, n=2: 100 (1 + .8/1.2 + .64/1.44) - 20 (1.2^-.5 + .8 x 1.2^-1.5)
    expected = 100 * (1 + 0.8 / 1.2 + 0.64 / 1.44) - 20 * (1.2**-0.5 + 0.8 * 1.2**-1.5)
    assert expected == pytest.approx(180.682, abs=1e-3)
    assert retention_clv(100, 0.8, horizon=2, annual_discount_rate=0.2, cost=20) == pytest.approx(expected)


def test_case1_infinite_horizon_is_the_limit_of_the_geometric_sums():
    # n -> infinity: GC (1+d)/(1+d-r) - M (1+d)^0.5 / (1+d-r)
    gc, m, r, d = 260.0, 50.0, 0.75, 0.2
    closed = gc * (1 + d) / (1 + d - r) - m * (1 + d) ** 0.5 / (1 + d - r)
    assert retention_clv(gc, r, horizon=None, annual_discount_rate=d, cost=m) == pytest.approx(closed)
    assert retention_clv(gc, r, horizon=400, annual_discount_rate=d, cost=m) == pytest.approx(closed)


def test_case2_purchase_cycle_of_two_years_discounts_per_cycle():
    # Berger & Nasr's Case 2: a purchase every p years is Case 1 with the rate per cycle (1+d)^p - 1.
    d2 = 1.2**2 - 1
    expected = 100 * (1 + 0.6 / (1 + d2) + 0.36 / (1 + d2) ** 2)
    assert retention_clv(100, 0.6, horizon=2, annual_discount_rate=0.2, period="2Y") == pytest.approx(
        expected
    )


def test_case3_margin_and_retention_varying_with_time():
    margins = [50.0, 80.0, 120.0, 130.0]
    rets = [0.5, 0.7, 0.9]
    surv = np.cumprod([1.0, *rets])
    expected = sum(g * s / 1.1**i for i, (g, s) in enumerate(zip(margins, surv, strict=True)))
    assert retention_clv(margins, rets, horizon=3, annual_discount_rate=0.1) == pytest.approx(expected)


def _brute_force_migration(p, gc, cost, d, horizon):
    """Sum over every buy / no-buy path of `horizon` periods from recency 1 (hand enumeration)."""
    k_max = len(p)
    total = 0.0
    for path in itertools.product([0, 1], repeat=horizon):
        prob, value, rec = 1.0, 0.0, 1
        for t, buy in enumerate(path):
            if rec > k_max:  # lost for good: no purchase, no cost
                if buy:
                    prob = 0.0
                    break
                continue
            pk = p[rec - 1]
            prob *= pk if buy else 1 - pk
            value += (gc * buy - cost) / (1 + d) ** t
            rec = 1 if buy else rec + 1
        total += prob * value
    return total


def test_case5_migration_against_path_enumeration():
    p, gc, cost, d = [0.30, 0.20, 0.15, 0.05], 40.0, 4.0, 0.20
    finite = migration_clv(p, gc, cost=cost, horizon=10, annual_discount_rate=d)
    assert finite["R1"] == pytest.approx(_brute_force_migration(p, gc, cost, d, 10), rel=1e-12)
    infinite = migration_clv(p, gc, cost=cost, annual_discount_rate=d)
    assert infinite["R1"] == pytest.approx(
        migration_clv(p, gc, cost=cost, horizon=300, annual_discount_rate=d)["R1"]
    )
    # values fall with recency; a customer who just bought earns GC now plus R1 next period
    assert infinite["R1"] > infinite["R2"] > infinite["R3"]
    assert infinite["just bought"] == pytest.approx(gc + infinite["R1"] / (1 + d))
    # linear system by hand for one state: V = p GC - M + (p V + (1-p) 0)/(1+d)
    one = migration_clv([0.4], 10.0, cost=1.0, annual_discount_rate=0.25)
    assert one["R1"] == pytest.approx((0.4 * 10 - 1) / (1 - 0.4 / 1.25))


def test_dwyer_retention_from_a_log_by_hand():
    # Yearly periods back from 2020-12-31: 2018, 2019, 2020 (roughly). Customer 1 buys every year
    # (retained), customer 2 skips 2019 (lost for good), customer 3 starts in 2019 and skips 2020.
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3],
            "date": pd.to_datetime(
                ["2018-03-01", "2019-03-01", "2020-03-01", "2018-05-01", "2020-05-01", "2019-06-01"]
            ),
            "amount": [10.0, 10.0, 10.0, 20.0, 20.0, 5.0],
        }
    )
    before = tx.copy()
    m = DwyerRetention(horizon=2, annual_discount_rate=0.1).fit(tx, as_of="2020-12-31")
    pd.testing.assert_frame_equal(tx, before)
    # age 1: cohort 2018 had 2 customers, 1 retained; cohort 2019 had 1, 0 retained -> 1/3
    # age 2: cohort 2018 had 1 retained at age 1, still retained at age 2 -> 1/1
    assert m.retention_.tolist() == pytest.approx([1 / 3, 1.0])
    assert m.margin_by_age_.tolist() == pytest.approx([(10 + 20 + 5) / 3, 10.0, 10.0])
    # customer 1 is at age 2; beyond the data the last retention (1) and margin (10) carry on:
    # value = 10/1.1 + 10/1.21
    assert m.values_.loc[1, "value"] == pytest.approx(10 / 1.1 + 10 / 1.21)
    assert m.values_.loc[[2, 3], "value"].tolist() == [0.0, 0.0]
    assert m.cohorts_.loc[0].tolist()[:3] == [2, 1, 1]


def test_dwyer_migration_counts_match_a_plain_loop():
    rng = np.random.default_rng(3)
    n = 80
    tx = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 20, n),
            "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(rng.integers(0, 720, n), unit="D"),
            "amount": rng.uniform(5, 50, n),
        }
    )
    m = DwyerMigration(period="90D", lost_after=3).fit(tx, as_of="2020-12-31")
    end = pd.Timestamp("2020-12-31")
    back = ((end - tx["date"].dt.normalize()).dt.days // 90).to_numpy()
    n_per = back.max() + 1
    at_risk = np.zeros(3)
    bought = np.zeros(3)
    for _, g in tx.assign(col=n_per - 1 - back).groupby("customer_id"):  # brute force per customer
        periods = set(g["col"])
        last = None
        for t in range(n_per):
            if last is not None and 1 <= t - last <= 3:
                at_risk[t - last - 1] += 1
                bought[t - last - 1] += t in periods
            if t in periods:
                last = t
    assert m.purchase_probabilities_["at_risk"].tolist() == at_risk.tolist()
    assert m.purchase_probabilities_["purchases"].tolist() == bought.tolist()
    assert set(m.values_.index) == set(tx["customer_id"])


def test_bad_parameters():
    with pytest.raises(ParameterError, match="retention"):
        retention_clv(100, 1.5, horizon=3)
    with pytest.raises(ParameterError, match="horizon=None"):
        retention_clv(100, 1.0, horizon=None)
    with pytest.raises(ParameterError, match="purchase_probabilities"):
        migration_clv([0.2, 1.2], 10.0)


@pytest.mark.parametrize("cls", [DwyerRetention, DwyerMigration])
def test_estimator_contract(cls):
    from sklearn.base import clone

    from crmmine.errors import NotFittedError

    model = cls(period="M")
    assert clone(model).get_params() == model.get_params()
    assert repr(model).startswith(f"{cls.__name__}(")
    with pytest.raises(NotFittedError):
        model.predict()
    with pytest.raises(ParameterError, match="annual_discount_rate"):
        cls(annual_discount_rate=-2).fit(
            pd.DataFrame({"customer_id": [1], "date": [pd.Timestamp("2020-01-01")], "amount": [1.0]})
        )
