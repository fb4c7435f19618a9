"""Gamma-Gamma: the q constraint and the fit on individual transaction values (issue 13, item 8).

References: Fader & Hardie (2013), "The Gamma-Gamma model of monetary value" (note 025) for the
individual-level model; lifetimes 0.11.3 ``GammaGammaFitter(q_constraint=True)`` for the constraint.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from crmmine.errors import CRMMineWarning, DataError, DataWarning, ParameterError
from crmmine.value import GammaGamma


def _transactions(truth: dict, n: int, seed: int) -> pd.DataFrame:
    """Customers with 1 + x purchase days; the repeat values are Gamma(p, nu), nu ~ Gamma(q, gamma)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 10, n)
    nu = rng.gamma(truth["q"], 1.0 / truth["gamma"], n)
    rows = np.repeat(np.arange(n), x + 1)
    day = np.concatenate([np.arange(k + 1) for k in x])
    values = rng.gamma(truth["p"], 1.0 / nu[rows])
    return pd.DataFrame(
        {
            "customer_id": rows,
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(day * 3, unit="D"),
            "amount": values,
        }
    )


def test_individual_likelihood_equals_the_integral_over_nu():
    # one customer with three repeat values: integrate prod Gamma(z | p, nu) Gamma(nu | q, gamma) d nu
    p, q, g = 2.5, 3.0, 20.0
    z = np.array([12.0, 7.5, 20.0])
    integrand = lambda nu: np.prod(stats.gamma.pdf(z, p, scale=1 / nu)) * stats.gamma.pdf(nu, q, scale=1 / g)  # noqa: E731
    want = np.log(integrate.quad(integrand, 0, np.inf, epsabs=1e-30, limit=200)[0])
    cols = {
        "frequency": np.array([3.0]),
        "total": np.array([z.sum()]),
        "log_total": np.array([np.log(z).sum()]),
    }
    assert float(GammaGamma()._loglik(np.array([p, q, g]), cols)[0]) == pytest.approx(want, rel=1e-9)


def test_fit_on_transactions_recovers_the_parameters():
    truth = {"p": 3.0, "q": 4.0, "gamma": 30.0}
    tx = _transactions(truth, 8000, seed=4)
    model = GammaGamma().fit_transactions(tx)
    assert model.fitted_on_ == "transactions"
    assert model.n_excluded_ == int((tx.groupby("customer_id").size() == 1).sum())
    z = (model.params_ - pd.Series(truth)) / model.standard_errors_
    assert (z.abs() < 3).all(), z
    # the individual values pin down p better than their means do
    repeat = tx[tx.groupby("customer_id").cumcount() > 0]
    per = repeat.groupby("customer_id")["amount"].agg(["size", "mean"])
    summary = pd.DataFrame({"frequency": per["size"], "repeat_monetary_mean": per["mean"]})
    on_means = GammaGamma().fit(summary)
    assert model.standard_errors_["p"] < on_means.standard_errors_["p"]


def test_transactions_on_one_day_are_one_purchase():
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 1, 2, 2, 3],
            "date": pd.to_datetime(
                [
                    "2020-01-01",
                    "2020-01-05",
                    "2020-01-05",
                    "2020-02-01",
                    "2020-01-03",
                    "2020-01-09",
                    "2020-01-01",
                ]
            ),
            "amount": [5.0, 10.0, 2.0, 4.0, 3.0, 6.0, 9.0],
        }
    )
    model = GammaGamma(n_starts=1, max_iter=50)
    cols = {}

    def capture(data):
        cols.update(data.columns)
        raise StopIteration

    model._fit_compressed = capture
    with pytest.raises(StopIteration):
        model.fit_transactions(tx)
    order = np.argsort(cols["frequency"])
    # customer 2: one repeat day worth 6; customer 1: days worth 12 (10 + 2) and 4; customer 3: none
    assert cols["frequency"][order].tolist() == [1.0, 2.0]
    assert cols["total"][order].tolist() == [6.0, 16.0]
    assert cols["log_total"][order] == pytest.approx([np.log(6.0), np.log(12.0) + np.log(4.0)])


def test_q_constraint_keeps_the_population_mean_finite():
    # means whose spread across customers needs q < 1 without the constraint
    rng = np.random.default_rng(0)
    f = rng.integers(1, 6, 3000)
    spend = rng.pareto(0.8, 3000) * 10 + 1
    s = pd.DataFrame({"frequency": f, "repeat_monetary_mean": spend})
    with pytest.warns(CRMMineWarning, match=r"q = .* <= 1.*q_constraint=True"):
        free = GammaGamma().fit(s)
    assert free.params_["q"] <= 1 and free.expected_spend_new() == np.inf
    with pytest.raises(ParameterError, match="q_constraint=True"):
        free.expected_spend(s.assign(frequency=0))
    constrained = GammaGamma(q_constraint=True).fit(s)
    assert constrained.params_["q"] > 1
    assert constrained.log_likelihood_ <= free.log_likelihood_ + 1e-9
    assert np.isfinite(constrained.expected_spend(s.assign(frequency=0))).all()


def test_q_constraint_does_not_move_an_interior_optimum(cdnow_summary_monetary):
    free = GammaGamma().fit(cdnow_summary_monetary, spend="monetary_value")
    constrained = GammaGamma(q_constraint=True).fit(cdnow_summary_monetary, spend="monetary_value")
    np.testing.assert_allclose(constrained.params_, free.params_, rtol=1e-5)


def test_nonpositive_policy_on_transactions():
    tx = _transactions({"p": 3.0, "q": 4.0, "gamma": 30.0}, 300, seed=1)
    repeat_rows = tx.index[tx.groupby("customer_id").cumcount() > 0]
    bad = tx.copy()
    bad.loc[repeat_rows[:2], "amount"] = 0.0
    with pytest.warns(DataWarning, match="zero or negative spend"):
        model = GammaGamma().fit_transactions(bad)
    assert model.n_excluded_nonpositive_ == bad.loc[repeat_rows[:2], "customer_id"].nunique()
    with pytest.raises(DataError, match=r"(?s)'amount'.*zero or negative spend.*Fix"):
        GammaGamma(nonpositive="raise").fit_transactions(bad)
    pd.testing.assert_frame_equal(
        bad.loc[~bad.index.isin(repeat_rows[:2])], tx.loc[~tx.index.isin(repeat_rows[:2])]
    )
