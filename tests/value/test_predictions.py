"""Peers' predictions (issue 13, item 8): conditional PMF, P(alive) at a future time, arrays of t.

Reference values:
- Pareto/NBD conditional PMF: lifetimes 0.11.3
  ``ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time`` (equation 16 of Fader &
  Hardie's note 028), evaluated here on the published CDNOW parameters.
- BG/NBD and MBG/NBD: given alive at T a customer's future is a new customer's with updated
  parameters; the new-customer PMF is lifetimes' ``probability_of_n_purchases_up_to_time``.
- P(alive at T + t): numerical integration of E[exp(-lambda p t)] over the posterior (hand check).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from crmmine.errors import DataError, ParameterError
from crmmine.value import BGBB, BGNBD, MBGNBD, ParetoNBD

BG = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}  # FHL (2005) on CDNOW
PNBD = {"r": 0.5533, "alpha": 10.5786, "s": 0.6061, "beta": 11.6689}
MBG = {"r": 0.525, "alpha": 6.183, "a": 0.891, "b": 1.614}
BB = {"alpha": 1.204, "beta": 0.750, "gamma": 0.657, "delta": 2.783}  # FHS (2010) donations


def test_pareto_conditional_pmf_matches_lifetimes(cdnow_summary):
    lifetimes = pytest.importorskip("lifetimes")
    assert lifetimes.__version__ == "0.11.3"
    model = ParetoNBD.from_params(**PNBD)
    fitter = model.to_lifetimes()
    sub = cdnow_summary.iloc[::25]
    for n in (0, 1, 2, 5):
        for t in (1.0, 10.0, 39.0):
            ours = model.conditional_purchase_pmf(sub, n, t).to_numpy()
            theirs = np.array(
                [
                    fitter.conditional_probability_of_n_purchases_up_to_time(n, t, f, r, T)
                    for f, r, T in sub[["frequency", "recency", "T"]].to_numpy()
                ]
            )
            np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("cls,params,b_shift", [(BGNBD, BG, 0.0), (MBGNBD, MBG, 1.0)])
def test_bg_conditional_pmf_is_p_alive_times_updated_new_customer_pmf(cls, params, b_shift):
    lifetimes = pytest.importorskip("lifetimes")
    model = cls.from_params(**params)
    one = pd.DataFrame({"frequency": [2, 0, 7], "recency": [30.43, 0.0, 20.0], "T": [38.86, 10.0, 38.86]})
    alive = model.p_alive(one).to_numpy()
    for i, (x, _, T) in enumerate(one.to_numpy()):
        updated = lifetimes.BetaGeoFitter()
        updated.params_ = pd.Series(
            {
                "r": params["r"] + x,
                "alpha": params["alpha"] + T,
                "a": params["a"],
                "b": params["b"] + x + b_shift,
            }
        )
        for n in (0, 1, 3):
            want = alive[i] * updated.probability_of_n_purchases_up_to_time(13.0, n) + (1 - alive[i]) * (
                n == 0
            )
            got = model.conditional_purchase_pmf(one.iloc[[i]], n, 13.0).iloc[0]
            assert got == pytest.approx(float(want), rel=1e-10)


@pytest.mark.parametrize(
    "cls,params", [(BGNBD, BG), (MBGNBD, MBG), (ParetoNBD, PNBD)], ids=["BGNBD", "MBGNBD", "ParetoNBD"]
)
def test_conditional_pmf_sums_to_one_and_has_the_conditional_mean(cls, params, cdnow_summary):
    model = cls.from_params(**params)
    sub = cdnow_summary.iloc[::60]
    table = model.conditional_purchase_pmf(sub, list(range(150)), 39.0)
    assert list(table.columns[:3]) == [0, 1, 2] and table.columns.name == "n"
    np.testing.assert_allclose(table.sum(axis=1), 1.0, atol=1e-9)
    mean = (table * np.arange(150)).sum(axis=1)
    np.testing.assert_allclose(mean, model.expected_purchases(sub, 39.0), rtol=1e-6)
    # a brand-new customer (x = 0, T = 0): the conditional PMF is the new-customer PMF
    new = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [0.0]})
    np.testing.assert_allclose(
        model.conditional_purchase_pmf(new, [0, 1, 2], 20.0).to_numpy()[0],
        model.purchase_pmf(np.arange(3), 20.0),
        rtol=1e-9,
    )


def test_bgbb_conditional_pmf_sums_to_one_and_has_the_conditional_mean(donations):
    model = BGBB.from_params(**BB)
    table = model.conditional_purchase_pmf(donations, list(range(6)), 5)
    np.testing.assert_allclose(table.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(
        (table * np.arange(6)).sum(axis=1), model.expected_purchases(donations, 5), rtol=1e-10
    )


def _posterior_survival(r, alpha, a, b, t):
    """E[exp(-lambda p t)] with lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b), by quadrature."""

    def inner(p):
        return (alpha / (alpha + p * t)) ** r * stats.beta.pdf(p, a, b)  # E over lambda in closed form

    return integrate.quad(inner, 0, 1, epsabs=1e-13, limit=200)[0]


def test_p_alive_at_a_future_time_bg_models():
    one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
    for cls, params, shift in ((BGNBD, BG, 0.0), (MBGNBD, MBG, 1.0)):
        model = cls.from_params(**params)
        now = float(model.p_alive(one).iloc[0])
        later = model.p_alive(one, [0, 13, 52])
        assert list(later.columns) == [0, 13, 52]
        for t in (13, 52):
            want = now * _posterior_survival(
                params["r"] + 2, params["alpha"] + 38.86, params["a"], params["b"] + 2 + shift, t
            )
            assert later.loc[0, t] == pytest.approx(want, rel=1e-9)
    # a one-time buyer of BG/NBD is alive now (no drop-out chance yet) but not for sure later
    fresh = pd.DataFrame({"frequency": [0], "recency": [0.0], "T": [10.0]})
    bg = BGNBD.from_params(**BG)
    assert bg.p_alive(fresh).iloc[0] == 1.0 and bg.p_alive(fresh, 52).iloc[0] < 1.0


def test_p_alive_at_a_future_time_pareto_and_bgbb(donations):
    model = ParetoNBD.from_params(**PNBD)
    one = pd.DataFrame({"frequency": [3], "recency": [20.0], "T": [38.86]})
    now = float(model.p_alive(one).iloc[0])
    # alive at T: mu ~ Gamma(s, beta + T), P(no death in t) = E[exp(-mu t)]
    want = integrate.quad(
        lambda mu: np.exp(-mu * 26.0) * stats.gamma.pdf(mu, PNBD["s"], scale=1 / (PNBD["beta"] + 38.86)),
        0,
        np.inf,
    )[0]
    assert float(model.p_alive(one, 26.0).iloc[0]) == pytest.approx(now * want, rel=1e-9)
    bb = BGBB.from_params(**BB)
    # P(alive at opportunity n + 1 + t) uses B(gamma, delta + n + 1 + t) (FHS 2010, eq. 11 shifted)
    table = bb.p_alive(donations, [0, 1, 4])
    assert (np.diff(table.to_numpy(), axis=1) <= 0).all()
    np.testing.assert_allclose(table[0], bb.p_alive(donations))


def test_array_t_gives_a_customer_by_t_table(cdnow_summary):
    model = BGNBD.from_params(**BG)
    one = cdnow_summary.iloc[[0]]
    # several t for one customer: was a numpy broadcast error
    table = model.expected_purchases(one, [10, 20, 39])
    assert table.shape == (1, 3) and list(table.columns) == [10, 20, 39]
    assert table.index.equals(one.index)
    for t in (10, 20, 39):
        assert table.loc[one.index[0], t] == pytest.approx(float(model.expected_purchases(one, t).iloc[0]))
    assert (np.diff(table.to_numpy(), axis=1) > 0).all()
    many = model.expected_purchases(cdnow_summary, np.array([1.0, 2.0]))
    assert many.shape == (len(cdnow_summary), 2)


def test_series_t_is_matched_on_the_index(cdnow_summary):
    model = BGNBD.from_params(**BG)
    sub = cdnow_summary.iloc[:5]
    horizons = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=sub.index)[::-1]  # another order, same ids
    got = model.expected_purchases(sub, horizons)
    for cid in sub.index:
        assert got.loc[cid] == pytest.approx(
            float(model.expected_purchases(sub.loc[[cid]], horizons.loc[cid]).iloc[0])
        )
    with pytest.raises(DataError, match="same ids"):
        model.expected_purchases(sub, horizons.iloc[:3])


def test_bad_n_and_t_are_refused(cdnow_summary):
    model = BGNBD.from_params(**BG)
    sub = cdnow_summary.iloc[:3]
    with pytest.raises(ParameterError, match="not both"):
        model.conditional_purchase_pmf(sub, [0, 1], [1.0, 2.0])
    with pytest.raises(ParameterError, match="whole numbers"):
        model.conditional_purchase_pmf(sub, 1.5, 1.0)
    with pytest.raises(ParameterError, match=">= 0"):
        model.expected_purchases(sub, -1.0)
    with pytest.raises(ParameterError, match="opportunities"):
        BGBB.from_params(**BB).expected_purchases(
            pd.DataFrame({"frequency": [1], "recency": [1], "periods": [2]}), 1.5
        )
