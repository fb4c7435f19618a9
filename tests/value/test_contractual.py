"""Shifted-beta-geometric model: the published estimates of Fader & Hardie (2007), DEL/DERL."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special
from sklearn.base import clone

from crmmine.errors import BoundaryFitWarning, DataError, NotFittedError
from crmmine.value import ShiftedBetaGeometric, subscription_lifetimes, survivors_from_subscriptions

# Fader, P. S. and Hardie, B. G. S. (2007). How to project customer retention. Journal of
# Interactive Marketing 21(1), 76-90: survivor counts of two cohorts of 1,000 customers over
# years 0-7, and their maximum-likelihood estimates (regular alpha 0.704, beta 1.182; high
# end alpha 0.668, beta 3.806). The same pairs are the reference values of pymc-marketing's
# sBG notebook (ref_val = {"highend": [0.668, 3.806], "regular": [0.704, 1.182]}).
REGULAR = [1000, 631, 468, 382, 326, 289, 262, 241]
HIGH_END = [1000, 869, 743, 653, 593, 551, 517, 491]


@pytest.mark.parametrize(
    ("counts", "alpha", "beta", "loglik"),
    [(REGULAR, 0.704, 1.182, -1680.27), (HIGH_END, 0.668, 3.806, -1611.16)],
)
def test_published_estimates(counts, alpha, beta, loglik):
    model = ShiftedBetaGeometric(period="Y").fit(counts)
    assert model.params_["alpha"] == pytest.approx(alpha, abs=5e-4)
    assert model.params_["beta"] == pytest.approx(beta, abs=5e-4)
    # log-likelihood at the optimum, the paper's objective (sum over customers)
    assert model.log_likelihood_ == pytest.approx(loglik, abs=0.01)
    assert model.warnings_ == []


def test_log_likelihood_by_hand_at_alpha_beta_one():
    # By hand at alpha = beta = 1: P(T = t) = 1 / (t (t + 1)), S(t) = 1 / (t + 1), so
    # LL = sum_t lost_t log(1 / (t (t + 1))) + n_7 log(1 / 8).
    lost = -np.diff(REGULAR)
    t = np.arange(1, 8)
    expected = float(lost @ np.log(1 / (t * (t + 1))) + REGULAR[-1] * np.log(1 / 8))
    model = ShiftedBetaGeometric.from_params(1.0, 1.0, period="Y")
    probs = model.churn_probability(t)
    assert np.allclose(probs, 1 / (t * (t + 1)))
    assert float(lost @ np.log(probs) + REGULAR[-1] * np.log(model.survival(7))) == pytest.approx(expected)


def test_retention_and_survival_formulas():
    model = ShiftedBetaGeometric.from_params(0.704, 1.182, period="Y")
    t = np.arange(1, 13)
    r = model.retention_rate(t)
    assert np.allclose(r, (1.182 + t - 1) / (0.704 + 1.182 + t - 1))
    # S(t) is the product of the retention rates, and S(t-1) - S(t) = P(T = t)
    assert np.allclose(model.survival(t), np.cumprod(r))
    s = model.survival(np.arange(0, 13))
    assert np.allclose(-np.diff(s), model.churn_probability(t))


def test_observed_curves_are_the_counts():
    model = ShiftedBetaGeometric(period="Y").fit(REGULAR)
    table = model.curves(12)
    assert np.allclose(table["observed_survival"].iloc[:8], np.array(REGULAR) / 1000)
    assert np.isnan(table["observed_survival"].iloc[8])
    assert table["retention"].iloc[1:].is_monotonic_increasing  # heterogeneity: retention rises


def test_multi_cohort_subscription_table():
    # Fader & Hardie's note "Fitting the sBG model to multi-cohort data" (brucehardie.com, note 017):
    # four cohorts of 10,000 with survivors [10000, 8000, 6480, 5307, 4391], [.., 5307], [.., 6480],
    # [10000, 8000]; estimates alpha 3.80, beta 15.19 (as reproduced in the public sBG
    # implementation of JD Maturen, shifted_beta_geometric.py test()).
    cohorts = [[10000, 8000, 6480, 5307, 4391], [10000, 8000, 6480, 5307], [10000, 8000, 6480], [10000, 8000]]
    as_of = pd.Timestamp("2024-01-01")
    rows = []
    for surv in cohorts:
        start = as_of - pd.DateOffset(years=len(surv) - 1)
        lost = -np.diff(surv)
        for t, n in enumerate(lost, start=1):
            rows.append((start, start + pd.DateOffset(years=t) - pd.Timedelta(days=1), n))
        rows.append((start, pd.NaT, surv[-1]))
    groups = pd.DataFrame(rows, columns=["start", "end", "n"])
    subs = groups.loc[groups.index.repeat(groups["n"]), ["start", "end"]].reset_index(drop=True)
    subs.insert(0, "customer_id", np.arange(len(subs)))
    model = ShiftedBetaGeometric(period="Y").fit(subs, as_of=as_of)
    assert model.params_["alpha"] == pytest.approx(3.80, abs=0.01)
    assert model.params_["beta"] == pytest.approx(15.19, abs=0.02)
    assert model.n_obs_ == 40000


def test_subscription_table_equals_survivor_counts():
    # One cohort written as a subscription table gives exactly the survivor-count fit.
    lost = -np.diff(REGULAR)
    start = pd.Timestamp("2010-01-01")
    periods = np.repeat(np.arange(1, 8), lost)
    ends = [start + pd.DateOffset(years=int(p)) - pd.Timedelta(days=1) for p in periods]
    subs = pd.DataFrame(
        {
            "id": np.arange(1000),
            "since": start,
            "until": pd.to_datetime(ends + [pd.NaT] * REGULAR[-1]),
        }
    )
    before = subs.copy()
    model = ShiftedBetaGeometric(period="Y").fit(
        subs, as_of="2017-06-30", customer_id="id", start="since", end="until"
    )
    pd.testing.assert_frame_equal(subs, before)  # input not modified
    ref = ShiftedBetaGeometric(period="Y").fit(REGULAR)
    assert np.allclose(model.params_, ref.params_, rtol=1e-5)
    life = subscription_lifetimes(
        subs, period="Y", as_of="2017-06-30", columns={"customer_id": "id", "start": "since", "end": "until"}
    )
    assert survivors_from_subscriptions(life).tolist() == REGULAR


def test_derl_against_the_series_and_del_identity():
    # DERL(n) = sum_{t >= n} S(t) / S(n - 1) / (1 + d)^(t - n) (Fader & Hardie 2010, definition),
    # summed by brute force to 5,000 terms; DEL = sum_{t >= 0} S(t) / (1 + d)^t = 1 + DERL(1) / (1 + d).
    a, b, d = 0.668, 3.806, 0.10
    model = ShiftedBetaGeometric.from_params(a, b, period="Y")
    t = np.arange(0, 5000)
    log_s = special.betaln(a, b + t) - special.betaln(a, b)
    for n in (1, 2, 5, 10):
        k = t[t >= n]
        brute = np.sum(np.exp(log_s[k] - log_s[n - 1]) / (1 + d) ** (k - n))
        assert float(model.derl(n, annual_discount_rate=d)) == pytest.approx(brute, rel=1e-9)
    dell = model.discounted_expected_lifetime(d)
    assert dell == pytest.approx(np.sum(np.exp(log_s) / (1 + d) ** t), rel=1e-9)
    assert dell == pytest.approx(1 + float(model.derl(1, annual_discount_rate=d)) / (1 + d), rel=1e-12)


def test_homogeneous_limit_is_the_geometric_closed_form():
    # As alpha, beta grow with alpha / (alpha + beta) = 0.2 fixed, retention is constant r = 0.8 and
    # DERL tends to r / (1 + d - r) x (1 + d) ... i.e. sum_{k>=0} r^(k+1) / (1+d)^k = r (1+d) / (1+d-r).
    r, d = 0.8, 0.1
    model = ShiftedBetaGeometric.from_params(0.2e7, 0.8e7, period="Y")
    assert float(model.derl(3, annual_discount_rate=d)) == pytest.approx(r * (1 + d) / (1 + d - r), rel=1e-5)


def test_monthly_period_discounts_by_compounding():
    model = ShiftedBetaGeometric.from_params(0.7, 1.2, period="M")
    monthly = (1.1) ** (1 / 12) - 1
    t = np.arange(0, 20000)
    log_s = special.betaln(0.7, 1.2 + t) - special.betaln(0.7, 1.2)
    assert model.discounted_expected_lifetime(0.10) == pytest.approx(
        np.sum(np.exp(log_s) / (1 + monthly) ** t), rel=1e-8
    )


def test_derl_per_subscriber_covers_everyone_and_zero_for_churned():
    subs = pd.DataFrame(
        {
            "customer_id": ["a", "b", "c"],
            "start": pd.to_datetime(["2020-01-01"] * 3),
            "end": pd.to_datetime(["2020-05-10", None, None]),
        }
    )
    model = ShiftedBetaGeometric.from_params(0.7, 1.2, period="M")
    out = model.derl(subs, annual_discount_rate=0.1, as_of="2020-12-31")
    assert out.index.tolist() == ["a", "b", "c"]
    assert out["a"] == 0.0
    # b and c have made 11 renewals: they face their 12th
    assert out["b"] == pytest.approx(float(model.derl(12, annual_discount_rate=0.1)))


def test_boundary_warning_when_heterogeneity_collapses():
    # Exactly geometric survivors (retention 0.5 every period): no heterogeneity to learn.
    with pytest.warns(BoundaryFitWarning, match="heterogeneity collapsed"):
        model = ShiftedBetaGeometric(period="Y").fit([1024, 512, 256, 128, 64, 32])
    assert model.warnings_ and "BoundaryFitWarning" in model.warnings_[0]
    assert "heterogeneity collapsed" in model.summary()["warning"].iloc[0]


def test_wald_intervals_on_the_log_scale_are_positive():
    model = ShiftedBetaGeometric(period="Y").fit([100, 60, 45, 40])
    table = model.summary()
    assert (table["lower 95%"] > 0).all()
    assert (table["lower 95%"] < table["coef"]).all() and (table["coef"] < table["upper 95%"]).all()


def test_estimator_contract():
    model = ShiftedBetaGeometric(period="Q")
    with pytest.raises(NotFittedError):
        model.survival(1)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert "ShiftedBetaGeometric(period='Q')" in repr(model)
    fitted = ShiftedBetaGeometric(period="Y", warm_start=[0.7, 1.2]).fit(REGULAR)
    assert fitted.params_["alpha"] == pytest.approx(0.704, abs=5e-4)


def test_nothing_to_learn_raises():
    with pytest.raises(DataError, match="no subscriber churned"):
        ShiftedBetaGeometric().fit([100, 100, 100])
    with pytest.raises(DataError, match="first renewal"):
        ShiftedBetaGeometric().fit([100, 0])


def test_plot_returns_axes():
    import matplotlib

    matplotlib.use("Agg")
    ax = ShiftedBetaGeometric(period="Y").fit(HIGH_END).plot()
    assert ax.get_title().startswith("Survival")


def test_survivors_stop_at_the_last_renewal_observed_for_active_subscribers():
    # One annual cohort from 2010-01-01 observed to 2012-06-30: the two active subscribers have
    # renewed twice (2011, 2012); subscriber 4 cancelled during 2012 (3 paid periods). By hand:
    # n_0 = 4, n_1 = 3 (subscriber 1 paid one period), n_2 = 3. n_3 (renewal on 2013-01-01) is
    # not observed for the active subscribers; it used to be reported as 2, counting them as renewed.
    subs = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "start": ["2010-01-01"] * 4,
            "end": ["2010-12-31", None, None, "2012-03-31"],
        }
    )
    life = subscription_lifetimes(subs, period="Y", as_of="2012-06-30")
    assert life["periods"].tolist() == [1, 2, 2, 3]
    assert survivors_from_subscriptions(life).tolist() == [4, 3, 3]
    assert survivors_from_subscriptions(life, n_periods=1).tolist() == [4, 3]


def test_survivors_of_a_fully_churned_cohort_may_run_past_the_last_loss():
    # Everyone churned: every later count is known to be 0.
    life = pd.DataFrame({"periods": [1, 2], "churned": [True, True]})
    assert survivors_from_subscriptions(life).tolist() == [2, 1, 0]
    assert survivors_from_subscriptions(life, n_periods=4).tolist() == [2, 1, 0, 0, 0]
