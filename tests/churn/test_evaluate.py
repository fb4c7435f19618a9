"""MP and EMPC against hand computations and numerical integration; CLV per customer; alignment."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmmine.churn import empc, evaluate, maximum_profit, roc_convex_hull
from crmmine.classification import gains_table
from crmmine.errors import DataError


def test_mp_by_hand():
    # 10 customers, 3 churners. Scores rank: C C N C N N N N N N (C = churner).
    y = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    p = np.linspace(1.0, 0.1, 10)
    # Defaults of Verbeke et al. (2012) / Verbraken et al. (2013): CLV 200, d 10, f 1, gamma 0.3.
    # Profit of targeting the top k: per targeted churner 200*(0.3*0.95 - 0.005) = 56, per
    # targeted non-churner -(10 + 1) = -11 (delta + phi = 0.055 of CLV); divided by N = 10.
    by_hand = [0, 56, 112, 101, 157, 146, 135, 124, 113, 102, 91]
    mp, frac = maximum_profit(y, p)
    assert mp == pytest.approx(max(by_hand) / 10)  # target the top 4: 15.7 per customer
    assert frac == pytest.approx(0.4)


def test_empc_by_hand():
    y = np.array([1, 1, 0, 1, 0, 0, 0, 0, 0, 0])
    p = np.linspace(1.0, 0.1, 10)
    # ROC convex hull vertices: (fpr, tpr) = (0,0), (0, 2/3), (1/7, 1), (1, 1)
    hull = roc_convex_hull(y, p)
    assert np.allclose(hull[["fpr", "tpr"]].to_numpy(), [[0, 0], [0, 2 / 3], [1 / 7, 1], [1, 1]])
    # profit at vertex i: 200*(gamma*A_i - B_i), pi1 = 0.3, pi0 = 0.7
    A = 0.95 * 0.3 * np.array([0, 2 / 3, 1, 1])
    B = 0.005 * 0.3 * np.array([0, 2 / 3, 1, 1]) + 0.055 * 0.7 * np.array([0, 0, 1 / 7, 1])
    g1 = (B[1] - B[0]) / (A[1] - A[0])  # vertex 1 beats 0 above this gamma
    g2 = (B[2] - B[1]) / (A[2] - A[1])  # vertex 2 beats 1 above this gamma; vertex 3 never wins
    beta = stats.beta(6, 14)
    beta1 = stats.beta(7, 14)

    def part(i, lo, hi):
        prob = beta.cdf(hi) - beta.cdf(lo)
        mean = 0.3 * (beta1.cdf(hi) - beta1.cdf(lo))
        return 200 * (A[i] * mean - B[i] * prob)

    expected = part(1, g1, g2) + part(2, g2, 1.0)
    value, frac = empc(y, p)
    assert value == pytest.approx(expected, rel=1e-12)
    assert frac == pytest.approx((beta.cdf(g2) - beta.cdf(g1)) * 0.2 + (1 - beta.cdf(g2)) * 0.4, rel=1e-12)


def test_empc_by_numerical_integration():
    rng = np.random.default_rng(0)
    y = rng.binomial(1, 0.2, 400)
    p = y * 0.3 + rng.uniform(0, 1, 400)
    value, _ = empc(y, p)
    grid = np.linspace(1e-6, 1 - 1e-6, 4001)
    best = np.array([maximum_profit(y, p, gamma=g)[0] for g in grid[::20]])
    numeric = np.trapezoid(best * stats.beta(6, 14).pdf(grid[::20]), grid[::20])
    assert value == pytest.approx(numeric, rel=2e-3)


def test_gains_and_evaluate():
    y = np.r_[np.ones(20), np.zeros(80)].astype(int)
    p = np.r_[np.linspace(1, 0.8, 20), np.linspace(0.7, 0, 80)]
    g = gains_table(y, p)
    assert g["lift"].iloc[0] == pytest.approx(5.0)
    assert g["cum_positives_share"].iloc[-1] == pytest.approx(1.0)
    res = evaluate(y, p)
    assert res.measures["auc"] == pytest.approx(1.0)
    assert res.measures["top_decile_lift"] == pytest.approx(5.0)
    assert res.summary().loc["empc", "value"] == res.measures["empc"]
    assert res.to_frame() is res.gains
    assert "ChurnEvaluation(auc=1" in repr(res)
    with pytest.raises(DataError, match="one class"):
        evaluate([0, 0, 0], [0.1, 0.2, 0.3])


def _brute_force_profit(y, p, clv, gamma, d=10.0, f=1.0):
    """Best profit per customer over every cut-off, customer by customer (no formula)."""
    order = np.argsort(-p, kind="stable")
    best = 0.0
    for k in range(1, len(y) + 1):
        if k < len(y) and p[order[k]] == p[order[k - 1]]:
            continue  # ties are targeted together
        t = order[:k]
        kept = (gamma * (clv[t] - d)) * y[t]  # a targeted churner accepts with probability gamma
        paid = d * (1 - y[t])  # a targeted non-churner takes the incentive
        best = max(best, float(np.sum(kept - paid - f)) / len(y))
    return best


def test_clv_per_customer_mp_and_empc():
    rng = np.random.default_rng(3)
    n = 60
    y = rng.binomial(1, 0.3, n)
    p = np.round(y * 0.4 + rng.uniform(0, 1, n), 2)  # rounding makes ties
    clv = rng.gamma(2.0, 150.0, n)
    ids = [f"c{i}" for i in range(n)]
    ys, ps, cs = pd.Series(y, index=ids), pd.Series(p, index=ids), pd.Series(clv, index=ids)
    for gamma in (0.1, 0.3, 0.7):
        mp, _ = maximum_profit(ys, ps, clv=cs.iloc[::-1], gamma=gamma)  # CLV matched by id
        assert mp == pytest.approx(_brute_force_profit(y, p, clv, gamma), rel=1e-12)
    # EMPC = E over gamma ~ Beta(6, 14) of the best profit: numerical integration
    grid = np.linspace(0, 1, 2001)
    best = np.array([_brute_force_profit(y, p, clv, g) for g in grid[::4]])
    numeric = np.trapezoid(best * stats.beta(6, 14).pdf(grid[::4]), grid[::4])
    assert empc(ys, ps, clv=cs)[0] == pytest.approx(numeric, rel=2e-3)
    # one CLV for everyone as a Series gives the published constant-CLV measures
    assert empc(ys, ps, clv=pd.Series(200.0, index=ids))[0] == pytest.approx(empc(y, p)[0], rel=1e-12)
    with pytest.raises(DataError, match="same ids"):
        evaluate(ys, ps, clv=cs.iloc[:-1])


def test_evaluate_aligns_labels_and_scores_on_their_index():
    # issue 10: evaluate on reversed labels reported AUC 0.46 instead of 0.74
    rng = np.random.default_rng(0)
    ids = pd.Index([f"c{i}" for i in range(300)], name="customer_id")
    y = pd.Series(rng.binomial(1, 0.3, 300), index=ids)
    p = pd.Series(y * 0.5 + rng.uniform(0, 1, 300), index=ids)
    straight = evaluate(y, p)
    reversed_ = evaluate(y.iloc[::-1], p)
    assert reversed_.measures == pytest.approx(straight.measures, rel=1e-12, nan_ok=True)
    assert straight.measures["auc"] > 0.7
    with pytest.raises(DataError, match="same ids"):
        evaluate(y.set_axis(ids[::-1].str.upper()), p)
