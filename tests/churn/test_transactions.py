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

AS_OF = pd.Timestamp("2011-08-31")


@pytest.fixture(scope="module")
def sample_tx():
    tx, _ = cm.datasets.load_online_retail_clean()
    return tx


def test_features_never_read_after_as_of(sample_tx):
    base = churn_features(sample_tx, AS_OF)
    # Perturb every row after as_of (amounts, items, customers) and append new rows there.
    later = sample_tx["date"] > AS_OF + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    poisoned = sample_tx.copy()
    poisoned.loc[later, "amount"] = poisoned.loc[later, "amount"] * 1000 + 7
    poisoned.loc[later, "item"] = "X"
    poisoned.loc[later, "customer_id"] = (
        poisoned.loc[later, "customer_id"].sample(frac=1, random_state=0).to_numpy()
    )
    extra = sample_tx[~later].head(50).assign(date=AS_OF + pd.Timedelta(days=1), amount=1e6)
    poisoned = pd.concat([poisoned, extra], ignore_index=True)
    again = churn_features(poisoned, AS_OF)
    pd.testing.assert_frame_equal(base, again)


def test_a_purchase_on_as_of_is_history(sample_tx):
    # a purchase at 23:00 on as_of counts as history (recency 0, in the 30-day window), one at
    # 00:00 the next day is the future (it makes the customer active in the label window)
    row = sample_tx.iloc[[0]]
    tx = pd.concat(
        [
            sample_tx,
            row.assign(customer_id=-1, date=AS_OF + pd.Timedelta(hours=23), order_id="n1"),
            row.assign(customer_id=-1, date=AS_OF + pd.Timedelta(days=1), order_id="n2"),
        ],
        ignore_index=True,
    )
    feats = churn_features(tx, AS_OF)
    assert feats.loc[-1, "recency_days"] == 0 and feats.loc[-1, "orders_30d"] == 1
    assert churn_labels(tx, as_of=AS_OF, horizon=90).loc[-1] == 0


def test_labels_only_known_customers(sample_tx):
    labels = churn_labels(sample_tx, AS_OF, "90D")
    day = sample_tx["date"].dt.normalize()
    known = sample_tx.loc[day <= AS_OF, "customer_id"].unique()
    assert set(labels.index) == set(known)
    came_back = sample_tx.loc[(day > AS_OF) & (day <= AS_OF + pd.Timedelta(days=90)), "customer_id"].unique()
    assert labels[labels == 0].index.isin(came_back).all()
    assert not labels[labels == 1].index.isin(came_back).any()
    # the same window written three ways: a number in days, in weeks, a string
    assert churn_labels(sample_tx, AS_OF, 90).equals(labels)
    assert churn_labels(sample_tx, AS_OF, 13, time_unit="W").equals(churn_labels(sample_tx, AS_OF, "91D"))
    with pytest.raises(DataError, match="before the end of the labelling window"):
        churn_labels(sample_tx, "2011-10-31", "90D")


def test_columns_mapping_and_other_backends(sample_tx):
    renamed = sample_tx.rename(columns={"customer_id": "CustomerID", "date": "InvoiceDate"})
    a = churn_labels(renamed, AS_OF, columns={"customer_id": "CustomerID"}, date="InvoiceDate")
    assert a.index.name == "CustomerID" and a.equals(churn_labels(sample_tx, AS_OF).rename_axis("CustomerID"))
    polars = pytest.importorskip("polars")
    feats = churn_features(polars.from_pandas(sample_tx), AS_OF)
    assert isinstance(feats, polars.DataFrame) and feats.columns[0] == "customer_id"
    expected = churn_features(sample_tx, AS_OF)
    assert np.allclose(feats["recency_days"].to_numpy(), expected["recency_days"].to_numpy())


def test_online_retail_model_on_a_later_window(sample_tx):
    # train on the snapshot of 2011-05-31 (labels: June-August), test on 2011-08-31 (Sept-Nov)
    train = rolling_snapshots(sample_tx, ["2011-05-31"], "90D")
    test = rolling_snapshots(sample_tx, "2011-08-31", "90D")
    assert train.index.names == ["as_of", "customer_id"]
    cols = [c for c in train.columns if c not in ("churn", "as_of")]
    model = ChurnModel("logistic", random_state=0).fit(train[cols], train["churn"])
    res = evaluate(test["churn"], model.predict_positive(test[cols]))
    assert res.measures["auc"] > 0.70
    assert res.measures["top_decile_lift"] > 1.5


def test_features_with_a_btyd_model(sample_tx):
    from crmmine.value import BGNBD

    before = sample_tx[sample_tx["date"] < AS_OF + pd.Timedelta(days=1)]
    summary = cm.customer_summary(before, as_of=AS_OF, time_unit="W")
    # published CDNOW parameters (Fader, Hardie and Lee 2005): a fit on this 9-month sample
    # collapses to the NBD (BoundaryFitWarning), which says nothing about the features' plumbing
    model = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    feats = churn_features(sample_tx, AS_OF, btyd_model=model)
    assert feats["p_alive"].between(0, 1).all()
    assert np.allclose(feats["p_alive"], model.p_alive(summary.reindex(feats.index)))
    assert np.allclose(
        feats["expected_purchases_90d"], model.expected_purchases(summary.reindex(feats.index), 90 / 7)
    )


def test_features_with_a_btyd_model_on_a_log_with_returns():
    # returns kept in the log (clean_transactions(returns="net")): the summary behind the BTYD
    # features raised with customer_summary's error before churn_features took returns=
    from crmmine.value import BGNBD

    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3],
            "order_id": [1, 2, 3, 4, 5, 6],
            "amount": [10.0, 20.0, -5.0, 5.0, 7.0, 8.0],
            "date": pd.to_datetime(
                ["2020-01-01", "2020-01-11", "2020-01-12", "2020-02-01", "2020-02-10", "2020-02-20"]
            ),
        }
    )
    before = tx.copy()
    model = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    with pytest.raises(DataError, match=r"(?s)column 'amount': 1 row.*returns='net'"):
        churn_features(tx, "2020-02-29", btyd_model=model)
    feats = churn_features(tx, "2020-02-29", btyd_model=model, returns="net")
    summary = cm.customer_summary(tx, as_of="2020-02-29", time_unit="W", returns="net")
    pd.testing.assert_series_equal(feats["p_alive"], model.p_alive(summary).reindex(feats.index),
                                   check_names=False)
    assert feats.loc[1, "returns_share"] == pytest.approx(5.0 / 30.0)
    # without a BTYD model the returns are only a feature, whatever the policy
    pd.testing.assert_frame_equal(churn_features(tx, "2020-02-29"),
                                  churn_features(tx, "2020-02-29", returns="net"))
    snaps = rolling_snapshots(tx, ["2020-01-31"], "20D", btyd_model=model, returns="net")
    assert snaps["p_alive"].between(0, 1).all()
    pd.testing.assert_frame_equal(tx, before)


def test_retention_budget_aligned_values_and_winback():
    risk = pd.Series([0.9, 0.5, 0.1, 0.8], index=list("abcd"))
    value = pd.Series([500.0, 400.0, 1000.0, 5.0], index=list("abcd"))
    full = retention_list(risk, value)
    assert "d" not in full.index  # gain 0.8*0.3*(5-10) - 1 < 0
    assert full["expected_gain"].is_monotonic_decreasing
    assert full.attrs["considered"] == 4 and full.attrs["excluded_non_positive_gain"] == 1
    # values in another order, same ids: the same list
    pd.testing.assert_frame_equal(retention_list(risk, value.iloc[::-1]), full)
    cheap = retention_list(risk, value, budget=full["expected_cost"].iloc[0] + 1e-9)
    assert len(cheap) == 1 and cheap.attrs["cut_by_budget_or_top_n"] == len(full) - 1
    assert retention_list(risk, value, top_n=2).index.tolist() == full.index[:2].tolist()
    lost = pd.Series([True, False, True, True], index=list("abcd"))
    wb = winback_list(lost, value)
    assert wb.index.tolist() == ["c", "a", "d"] and wb["action"].notna().all()
    assert winback_list(lost.astype(int), value).equals(wb)


@pytest.mark.parametrize("name", ["churn_telco.py", "churn_online_retail.py"])
def test_examples_run(shared_data, name, run_example):
    assert "AUC" in run_example(name)
