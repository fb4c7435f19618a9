"""Migration-model CLV: closed form vs brute force, and transition estimation vs a plain count."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import DataWarning, ParameterError
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


def test_pfeifer_carraway_numerical_example_by_hand():
    # Pfeifer & Carraway (2000), J. Interactive Marketing 14(2), 43-55, the recency example: a
    # customer who last bought 1, 2, 3, 4 periods ago buys again with probability .30, .20, .15, .05
    # and never after that (state 5 absorbing); a purchase contributes NC = $40, each mailing to a
    # non-lapsed customer costs M = $4, the discount rate is d = 20% per period, and the current
    # period's reward counts undiscounted: V = (I - P / (1 + d))^-1 R with R = (36, -4, -4, -4, 0).
    # The paper's own table of results could not be retrieved here, so the values below are derived
    # by hand from these inputs by back-substitution (V_i = A_i + B_i V_1), exact in fractions:
    from fractions import Fraction as F

    p = [F(30, 100), F(20, 100), F(15, 100), F(5, 100)]
    d = 1 / F(12, 10)
    A4, B4 = F(-4), d * p[3]
    A3, B3 = -4 + d * (1 - p[2]) * A4, d * p[2] + d * (1 - p[2]) * B4
    A2, B2 = -4 + d * (1 - p[1]) * A3, d * p[1] + d * (1 - p[1]) * B3
    V1 = (36 + d * (1 - p[0]) * A2) / (1 - d * p[0] - d * (1 - p[0]) * B2)
    by_hand = [float(v) for v in (V1, A2 + B2 * V1, A3 + B3 * V1, A4 + B4 * V1, 0)]
    assert round(by_hand[0], 2) == 52.32  # V1 = $52.32: a newly acquired customer's lifetime value
    P = np.zeros((5, 5))
    for i, pi in enumerate(p):
        P[i, 0], P[i, i + 1] = float(pi), float(1 - pi)
    P[4, 4] = 1.0
    # one period = one year here, so the annual rate is the per-period rate
    model = MarkovCLV.from_matrix(P, [36.0, -4.0, -4.0, -4.0, 0.0], period="Y", annual_discount_rate=0.2)
    np.testing.assert_allclose(model.state_values_.to_numpy(), by_hand, rtol=1e-12)
    # the same with quarterly periods needs the quarterly rate 1.2 ** (1/4) - 1, not 0.2 / 4
    quarterly = MarkovCLV.from_matrix(P, [36.0, -4, -4, -4, 0], period="Q", annual_discount_rate=0.2)
    assert quarterly.period_discount_rate_ == pytest.approx(1.2**0.25 - 1, rel=1e-12)


def test_state_with_no_transitions_is_not_silently_worth_zero():
    # Issue 13 item 7: on the embedded sample with period="Q" the states R3 and R4+ are never seen
    # with a following quarter; they used to become absorbing with value 0 without a word.
    import crmmine as cm
    from crmmine.errors import DataError, DataWarning

    tx, _ = cm.datasets.load_online_retail_clean()
    with pytest.raises(
        DataError, match=r"(?s)R3, R4\+ have no observed transition.*Fix: use a shorter period"
    ):
        MarkovCLV(period="Q", annual_discount_rate=0.1).fit(tx)
    with pytest.warns(DataWarning) as caught:  # also: customers first seen after the last quarter
        lapsed = MarkovCLV(period="Q", annual_discount_rate=0.1, empty_states="lapse").fit(tx)
    assert any(re.search(r"R3, R4\+.*lapsed for good", str(w.message)) for w in caught)
    assert lapsed.empty_states_ == ["R3", "R4+"] and lapsed.warnings_
    # The ten customers first seen in the partial last month (after 2011-11-30) have no state in
    # the last complete month: they used to be labelled R4+ (lapsed) and valued as such.
    late_warning = r"10 customers .* after the last complete period \(ending 2011-11-30\)"
    with pytest.warns(DataWarning, match=late_warning):
        monthly = MarkovCLV(period="M", annual_discount_rate=0.1).fit(tx)
    assert monthly.empty_states_ == [] and (monthly.transition_counts_.sum(axis=1) > 0).all()
    values = monthly.predict()
    assert set(values.index) == set(tx["customer_id"])
    first = tx.groupby("customer_id")["date"].min()
    late = first.index[first.dt.normalize() > pd.Timestamp("2011-11-30")]
    assert len(late) == 10
    assert values.loc[late, ["state", "value"]].isna().all().all()
    assert values.drop(index=late)["value"].notna().all()


def test_state_specific_spend_and_cost():
    P = np.array([[0.5, 0.5, 0.0], [0.3, 0.0, 0.7], [0.1, 0.0, 0.9]])
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3, 3, 3, 4, 5, 5],
            "date": pd.to_datetime(
                [
                    "2020-01-05",
                    "2020-02-10",
                    "2020-01-20",
                    "2020-04-01",
                    "2020-01-02",
                    "2020-03-02",
                    "2020-05-20",
                    "2020-06-01",
                    "2020-01-03",
                    "2020-04-15",
                ]
            ),
            "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 4.0, 6.0, 3.0, 7.0, 9.0],
        }
    )
    late = r"1 customers \(e.g. \[4\]\) first bought after the last complete period"  # 2020-06-01
    with pytest.warns(DataWarning, match=late):
        base = MarkovCLV(period="M", n_states=3, annual_discount_rate=0.1, cost=1.0).fit(tx)
    assert base.states_.isna().tolist() == [False, False, False, True, False]
    mean_spend = base.mean_spend_
    assert base.rewards_.tolist() == pytest.approx([mean_spend - 1.0, -1.0, 0.0])
    with pytest.warns(DataWarning, match=late):
        specific = MarkovCLV(
            period="M",
            n_states=3,
            annual_discount_rate=0.1,
            margin=0.5,
            spend={"R0": 40.0, "R1": 6.0},
            cost=[2.0, 1.0, 0.5],
        ).fit(tx)
    assert specific.rewards_.tolist() == pytest.approx([0.5 * 40 - 2.0, 0.5 * 6 - 1.0, -0.5])
    # values follow from the fitted chain and the state-specific rewards
    expected = np.linalg.solve(
        np.eye(3) - specific.transition_matrix_.to_numpy() / (1 + specific.period_discount_rate_),
        specific.rewards_.to_numpy(),
    )
    np.testing.assert_allclose(specific.state_values_, expected, rtol=1e-12)
    with pytest.raises(ParameterError, match="unknown states"):
        MarkovCLV(period="M", n_states=3, spend={"R9": 1.0}).fit(tx)
    with pytest.raises(ParameterError, match="one per state"):
        MarkovCLV(period="M", n_states=3, spend=[1.0, 2.0]).fit(tx)
    assert MarkovCLV.from_matrix(P, [1.0, 0.0, 0.0], annual_discount_rate=0.1).state_values_.iloc[0] > 1


def test_predict_on_new_transactions_uses_the_fitted_chain():
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3, 3],
            "date": pd.to_datetime(
                ["2020-01-05", "2020-02-10", "2020-01-20", "2020-03-01", "2020-01-02", "2020-04-02"]
            ),
            "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 4.0],
        }
    )
    model = MarkovCLV(period="M", n_states=3, annual_discount_rate=0.1, empty_states="lapse")
    with pytest.warns(UserWarning):
        model.fit(tx, as_of="2020-05-31")
    later = model.predict(tx.rename(columns={"customer_id": "cid"}), customer_id="cid", as_of="2020-06-30")
    assert later.index.name == "cid"
    assert (later["value"] == model.state_values_.reindex(later["state"]).to_numpy()).all()


def test_customers_without_a_state_are_not_valued_as_lapsed():
    # Customer 3 first buys after as_of: state[-1] was -1, which indexed the last label, so she was
    # reported in R1+ (lapsed) with that state's value. Now her state and value are missing, with a
    # DataWarning naming her; the others keep the state of the last complete month.
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3],
            "date": pd.to_datetime(
                ["2020-01-05", "2020-02-10", "2020-04-20", "2020-01-20", "2020-02-25", "2020-06-15"]
            ),
            "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 4.0],
        }
    )
    before = tx.copy()
    model = MarkovCLV(period="M", n_states=2, annual_discount_rate=0.1)
    with pytest.warns(DataWarning, match=r"1 customers \(e.g. \[3\]\) first bought after"):
        model.fit(tx, as_of="2020-05-31")
    values = model.predict()
    assert list(values.index) == [1, 2, 3]
    assert values.loc[3].isna().all()
    # by hand: months start 2020-01-05; month 4 (2020-04-05 .. 2020-05-04) is the last complete one
    assert values.loc[1, "state"] == "R0" and values.loc[2, "state"] == "R1+"
    pd.testing.assert_frame_equal(tx, before)
