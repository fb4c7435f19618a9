"""Labels and leakage-safe features from transactions; retention and win-back lists."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.churn import (
    ChurnModel,
    churn_features,
    churn_labels,
    evaluate,
    retention_list,
    rolling_snapshots,
    winback_list,
)
from crmmine.errors import DataError

CUTOFF = pd.Timestamp("2011-09-01")


@pytest.fixture(scope="module")
def sample_tx():
    tx, _ = cm.datasets.load_online_retail_clean()
    return tx


def test_features_never_read_the_cutoff_or_later(sample_tx):
    base = churn_features(sample_tx, CUTOFF)
    # Perturb every row at or after the cutoff (amounts, items, customers) and append new rows there.
    later = sample_tx["date"] >= CUTOFF
    poisoned = sample_tx.copy()
    poisoned.loc[later, "amount"] = poisoned.loc[later, "amount"] * 1000 + 7
    poisoned.loc[later, "item"] = "X"
    poisoned.loc[later, "customer_id"] = (
        poisoned.loc[later, "customer_id"].sample(frac=1, random_state=0).to_numpy()
    )
    extra = sample_tx[~later].head(50).assign(date=CUTOFF, amount=1e6)
    poisoned = pd.concat([poisoned, extra], ignore_index=True)
    again = churn_features(poisoned, CUTOFF)
    pd.testing.assert_frame_equal(base, again)


def test_labels_only_known_customers(sample_tx):
    labels = churn_labels(sample_tx, CUTOFF, "90D")
    known = sample_tx.loc[sample_tx["date"] < CUTOFF, "customer_id"].unique()
    assert set(labels.index) == set(known)
    came_back = sample_tx.loc[
        (sample_tx["date"] >= CUTOFF) & (sample_tx["date"] < CUTOFF + pd.Timedelta(days=90)), "customer_id"
    ].unique()
    assert labels[labels == 0].index.isin(came_back).all()
    assert not labels[labels == 1].index.isin(came_back).any()
    with pytest.raises(DataError, match="before the end of the labelling window"):
        churn_labels(sample_tx, "2011-11-01", "90D")


def test_online_retail_model_on_a_later_window(sample_tx):
    # train on the snapshot at 2011-06-01 (labels: June-August), test on 2011-09-01 (Sept-Nov)
    train = rolling_snapshots(sample_tx, ["2011-06-01"], "90D")
    test = rolling_snapshots(sample_tx, ["2011-09-01"], "90D")
    cols = [c for c in train.columns if c not in ("churn", "cutoff")]
    model = ChurnModel("logistic", random_state=0).fit(train[cols], train["churn"])
    res = evaluate(test["churn"], model.predict_proba(test[cols]))
    assert res.measures["auc"] > 0.70
    assert res.measures["top_decile_lift"] > 1.5


def test_features_with_a_btyd_model(sample_tx):
    from crmmine.value import BGNBD

    before = sample_tx[sample_tx["date"] < CUTOFF]
    summary = cm.customer_summary(before, as_of=CUTOFF, time_unit="W")
    model = BGNBD().fit(summary)
    feats = churn_features(sample_tx, CUTOFF, btyd_model=model)
    assert feats["p_alive"].between(0, 1).all()
    assert np.allclose(feats["p_alive"], model.p_alive(summary.reindex(feats.index)))


def test_retention_budget_and_winback():
    risk = pd.Series([0.9, 0.5, 0.1, 0.8], index=list("abcd"))
    value = pd.Series([500.0, 400.0, 1000.0, 5.0], index=list("abcd"))
    full = retention_list(risk, value)
    assert "d" not in full.index  # gain 0.8*0.3*(5-10) - 1 < 0
    assert full["expected_gain"].is_monotonic_decreasing
    cheap = retention_list(risk, value, budget=full["expected_cost"].iloc[0] + 1e-9)
    assert len(cheap) == 1 and cheap.attrs["cut_by_budget"] == len(full) - 1
    lost = pd.Series([True, False, True, True], index=list("abcd"))
    wb = winback_list(lost, value)
    assert wb.index.tolist() == ["c", "a", "d"] and wb["action"].notna().all()


@pytest.mark.parametrize("name", ["churn_telco.py", "churn_online_retail.py"])
def test_examples_run(shared_data, name, run_example):
    assert "AUC" in run_example(name)
