"""Simulation from every model (issue 13, item 8): reproducible, and consistent with the model.

Two checks that could fail: fitting the model on its own simulated customers recovers the
parameters within three standard errors, and the share of simulated customers still alive
equals the model's mean P(alive) given their simulated histories (E[alive | history] = P(alive)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import ParameterError
from crmmine.value import BGBB, BGNBD, MBGNBD, GammaGamma, MarkovCLV, ParetoNBD

CASES = [
    (BGNBD, {"r": 0.25, "alpha": 4.0, "a": 0.8, "b": 2.5}),
    (MBGNBD, {"r": 0.5, "alpha": 6.0, "a": 0.9, "b": 1.6}),
    (ParetoNBD, {"r": 0.55, "alpha": 10.5, "s": 0.6, "beta": 11.7}),
]


@pytest.mark.parametrize("cls,params", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_refit_on_simulated_customers_recovers_the_parameters(cls, params):
    truth = cls.from_params(**params, time_unit="W")
    ages = np.random.default_rng(1).uniform(20.0, 60.0, 20_000).round(1)
    sim = truth.simulate(ages, random_state=11)
    assert sim.index.name == "customer_id" and len(sim) == 20_000
    assert (sim["recency"] <= sim["T"]).all() and ((sim["frequency"] == 0) == (sim["recency"] == 0)).all()
    fitted = cls().fit(sim[["frequency", "recency", "T"]])
    z = (fitted.params_ - pd.Series(params)) / fitted.standard_errors_
    assert (z.abs() < 3).all(), z
    # E[alive | history] = P(alive): compare the shares (binomial standard error ~0.3%)
    p = truth.p_alive(sim)
    assert abs(sim["alive"].mean() - p.mean()) < 4 * np.sqrt((p * (1 - p)).sum()) / len(sim)


def test_bgbb_simulation_recovers_the_donations_parameters():
    truth = BGBB.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    sim = truth.simulate(6, n_customers=20_000, random_state=5)
    assert list(sim.columns) == ["frequency", "recency", "periods", "alive"]
    assert ((sim["frequency"] <= sim["recency"]) & (sim["recency"] <= 6)).all()
    fitted = BGBB().fit(sim)
    z = (fitted.params_ - truth.params_) / fitted.standard_errors_
    assert (z.abs() < 3).all(), z
    p = truth.p_alive(sim)  # P(alive at opportunity 7); the simulation's alive flag is the same event
    assert abs(sim["alive"].mean() - p.mean()) < 4 * np.sqrt((p * (1 - p)).sum()) / len(sim)


def test_gammagamma_simulation_recovers_the_parameters():
    truth = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    freq = pd.Series(np.random.default_rng(2).integers(0, 12, 30_000), name="frequency")
    sim = truth.simulate(freq, random_state=3)
    assert sim.index.equals(freq.index)
    assert (sim.loc[freq == 0, "repeat_monetary_mean"] == 0).all()
    fitted = GammaGamma().fit(sim)
    z = (fitted.params_ - truth.params_) / fitted.standard_errors_
    assert (z.abs() < 3).all(), z


def test_markov_simulation_averages_to_the_state_value():
    p = [0.3, 0.2, 0.15, 0.05]
    P = np.zeros((5, 5))
    for i, pi in enumerate(p):
        P[i, 0], P[i, i + 1] = pi, 1 - pi
    P[4, 4] = 1.0
    model = MarkovCLV.from_matrix(P, [36.0, -4, -4, -4, 0], period="Y", annual_discount_rate=0.2, horizon=30)
    sim = model.simulate(30, n_customers=40_000, random_state=0)
    assert sim.shape == (40_000, 32) and (sim[0] == "R0").all()
    se = sim["discounted_reward"].std() / np.sqrt(len(sim))
    assert abs(sim["discounted_reward"].mean() - model.state_values_["R0"]) < 4 * se


@pytest.mark.parametrize("cls,params", CASES, ids=lambda c: getattr(c, "__name__", ""))
def test_simulation_is_reproducible(cls, params):
    model = cls.from_params(**params)
    a = model.simulate(30.0, n_customers=500, random_state=7)
    b = model.simulate(30.0, n_customers=500, random_state=7)
    pd.testing.assert_frame_equal(a, b)
    assert not model.simulate(30.0, n_customers=500, random_state=8).equals(a)
    gen = model.simulate(30.0, n_customers=500, random_state=np.random.default_rng(7))
    pd.testing.assert_frame_equal(gen, a)


def test_simulation_arguments_are_checked():
    model = BGNBD.from_params(r=0.25, alpha=4.0, a=0.8, b=2.5)
    with pytest.raises(ParameterError, match="n_customers"):
        model.simulate(30.0)
    with pytest.raises(ParameterError, match="n_customers"):
        model.simulate([10.0, 20.0], n_customers=3)
    with pytest.raises(ParameterError, match=">= 0"):
        model.simulate([10.0, -1.0])
    with pytest.raises(ParameterError, match="random_state"):
        model.simulate(30.0, n_customers=5, random_state="seed")
    with pytest.raises(ParameterError, match="whole numbers"):
        BGBB.from_params(alpha=1.0, beta=1.0, gamma=1.0, delta=1.0).simulate(2.5, n_customers=3)
