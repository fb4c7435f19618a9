"""Migration-model CLV: closed form vs brute force, and transition estimation vs a plain count."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import ParameterError
from crmmine.value import MarkovCLV


def test_two_state_closed_form_by_hand():
    # Two states (buy / not): P = [[p, 1-p], [q, 1-q]], reward m in the buy state, discount d.
    # By hand: V0 = m + d (p V0 + (1-p) V1), V1 = d (q V0 + (1-q) V1)
    # => V1 = d q V0 / (1 - d (1-q)), V0 = m / (1 - d p - d^2 (1-p) q / (1 - d (1-q))).
    p, q, m, rate = 0.6, 0.2, 100.0, 0.1
    d = 1 / (1 + rate)
    v0 = m / (1 - d * p - d * d * (1 - p) * q / (1 - d * (1 - q)))
    v1 = d * q * v0 / (1 - d * (1 - q))
    model = MarkovCLV(period="Y", annual_discount_rate=rate)
    got = model.values(np.array([[p, 1 - p], [q, 1 - q]]), np.array([m, 0.0]))
    assert np.allclose(got, [v0, v1])


def test_pfeifer_carraway_recency_chain_infinite_equals_long_finite_sum():
    # The recency-state structure of Pfeifer & Carraway (2000): from recency state i a customer
    # buys with probability p_i (back to state 1) or moves to i + 1; the last state is absorbing.
    p = [0.3, 0.2, 0.15, 0.05]
    P = np.zeros((5, 5))
    for i, pi in enumerate(p):
        P[i, 0] = pi
        P[i, i + 1] = 1 - pi
    P[4, 4] = 1.0
    rewards = np.array([40.0 - 4, -4, -4, -4, 0])
    infinite = MarkovCLV(period="Y", annual_discount_rate=0.2).values(P, rewards)
    finite = MarkovCLV(period="Y", annual_discount_rate=0.2, horizon=2000).values(P, rewards)
    assert np.allclose(infinite, finite)
    assert infinite[0] > infinite[1] > infinite[4] == 0


def test_transition_counts_match_a_plain_loop():
    rng = np.random.default_rng(0)
    n = 60
    tx = pd.DataFrame(
        {
            "customer_id": rng.integers(0, 15, n),
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 700, n), unit="D"),
            "amount": rng.uniform(5, 50, n),
        }
    )
    model = MarkovCLV(period="90D", n_states=4, annual_discount_rate=0.05, empty_states="lapse")
    model.fit(tx, as_of="2021-12-01")
    start = tx["date"].min().normalize()
    # as_of is inclusive: the data of 2021-12-01 are history, so the grid ends the day after
    n_periods = int((pd.Timestamp("2021-12-02") - start).days // 90)
    expected = np.zeros((4, 4))
    for _, g in tx.groupby("customer_id"):  # brute force, one customer at a time
        periods = set(((g["date"] - start).dt.days // 90).tolist())
        state, seq = None, []
        for t in range(n_periods):
            if t in periods:
                state = 0
            elif state is not None:
                state = min(state + 1, 3)
            seq.append(state)
        for a, b in itertools.pairwise(seq):
            if a is not None:
                expected[a, b] += 1
    assert np.array_equal(model.transition_counts_.to_numpy(), expected)
    assert np.allclose(model.transition_matrix_.sum(axis=1), 1.0)
    assert set(model.predict().index) == set(tx["customer_id"])


def test_undiscounted_infinite_value_is_refused():
    P = np.array([[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ParameterError, match="annual_discount_rate"):
        MarkovCLV(annual_discount_rate=0.0).values(P, np.array([1.0, 0.0]))
