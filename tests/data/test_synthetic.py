"""The synthetic generator: determinism, ground truth consistency, planted structure."""

import numpy as np
import pandas as pd
import pytest

import crmmine as cm


def test_deterministic_for_a_seed():
    a = cm.make_transactions(500, random_state=3, n_items=60, n_anomalies=3)
    b = cm.make_transactions(500, random_state=3, n_items=60, n_anomalies=3)
    pd.testing.assert_frame_equal(a.transactions, b.transactions)
    c = cm.make_transactions(500, random_state=4)
    assert not c.transactions["amount"].equals(a.transactions["amount"])


def test_ground_truth_is_consistent():
    sim = cm.make_transactions(3000, random_state=0)
    tx = sim.transactions
    assert tx["customer_id"].nunique() == 3000
    s = cm.customer_summary(tx, as_of=sim.observation_end, time_unit="W")
    first = sim.customers["first_purchase"].dt.normalize()
    assert (s["first_purchase"] == first.reindex(s.index)).all()
    dead = ~sim.customers["alive"]
    # a customer who dropped out made no purchase after the dropout date
    last = s["last_purchase"].reindex(sim.customers.index[dead])
    assert (last <= sim.customers.loc[dead, "dropout_date"].dt.normalize()).all()
    # mean order value matches the Gamma-Gamma mean p / nu (law of large numbers, loose)
    expected = (sim.params["spend"]["p"] / sim.customers["spend_nu"]).mean()
    assert tx.groupby("customer_id")["amount"].mean().mean() == pytest.approx(expected, rel=0.1)


def test_bgnbd_repeat_rate_matches_theory():
    # E[X(t)] for a new BG/NBD customer (Fader, Hardie & Lee 2005, eq. 7) at t = horizon,
    # averaged over the uniform acquisition times, against the simulated mean repeat count.
    from scipy.special import hyp2f1

    sim = cm.make_transactions(40_000, random_state=1)
    p = sim.params["purchase"]
    r, alpha, a, b = p["r"], p["alpha"], p["a"], p["b"]
    t = 78.0 - np.linspace(0, 12, 2001)
    z = t / (alpha + t)
    ex = (a + b - 1) / (a - 1) * (1 - ((alpha / (alpha + t)) ** r) * hyp2f1(r, b, a + b - 1, z))
    observed = sim.transactions.groupby("customer_id").size().mean() - 1
    assert observed == pytest.approx(ex.mean(), rel=0.05)


def test_baskets_and_anomalies_planted():
    sim = cm.make_transactions(2000, random_state=2, n_items=80, n_anomalies=4)
    tx = sim.transactions
    assert {"item", "quantity"} <= set(tx.columns)
    assert not tx.duplicated(["order_id", "item"]).any()
    rule = sim.planted_rules.iloc[0]
    baskets = tx.groupby("order_id")["item"].agg(set)
    has_a = baskets.map(lambda s: rule["antecedent"] in s)
    conf = baskets[has_a].map(lambda s: rule["consequent"] in s).mean()
    assert conf >= rule["probability"] - 0.1
    assert len(sim.anomalies) == 4


def test_bad_parameters():
    with pytest.raises(cm.ParameterError):
        cm.make_transactions(0)
    with pytest.raises(cm.ParameterError):
        cm.make_transactions(10, purchase_params={"r": -1})
