"""Lifecycle stages and clustering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmmine as cm
from crmmine.segmentation import STAGES, cluster_customers, lifecycle_stages


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


def test_stage_rules():
    weekly = [(1, d) for d in pd.date_range("2020-01-01", "2020-12-25", freq="7D")]  # steady: mature
    speeding = [(2, d) for d in pd.date_range("2020-01-01", "2020-06-01", freq="60D")] + [
        (2, d) for d in pd.date_range("2020-07-10", "2020-12-28", freq="7D")
    ]  # growing
    gone = [(3, "2020-01-01"), (3, "2020-01-10"), (3, "2020-01-20")]  # lost
    fresh = [(4, "2020-12-01")]  # new
    tx = _tx(weekly + speeding + gone + fresh)
    out = lifecycle_stages(tx, as_of="2021-01-01", customers=pd.Index([1, 2, 3, 4, 5]))
    assert out.loc[[1, 2, 3, 4, 5], "stage"].astype(str).tolist() == [
        "mature",
        "growing",
        "lost",
        "new",
        "prospect",
    ]
    assert out.loc[3, "typical_gap"] == pytest.approx(9.5)


def test_rows_after_as_of_are_ignored_and_counted():
    tx = _tx([(1, "2020-01-01"), (1, "2020-03-01"), (1, "2021-05-01")])
    out = lifecycle_stages(tx, as_of="2021-01-01")
    assert out.attrs["ignored_after_as_of"] == 1
    assert out.loc[1, "purchase_days"] == 2


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 700)), min_size=1, max_size=100))
def test_every_customer_gets_exactly_one_stage(rows):
    tx = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
        }
    )
    out = lifecycle_stages(tx, as_of="2022-01-01", customers=pd.Index(range(1, 25)))
    assert sorted(out.index) == list(range(1, 25))
    assert out["stage"].isin(STAGES).all()


@pytest.fixture(scope="module")
def sample_summary():
    tx, _ = cm.datasets.load_online_retail_clean()
    return cm.customer_summary(tx, as_of=tx["date"].max().normalize(), time_unit="W")


def test_clustering_is_deterministic_and_relabelled(sample_summary):
    a = cluster_customers(sample_summary, k=4, n_seeds=2, random_state=0)
    b = cluster_customers(sample_summary, k=4, n_seeds=2, random_state=0)
    pd.testing.assert_series_equal(a.labels, b.labels)
    other = cluster_customers(sample_summary, k=4, n_seeds=2, random_state=11)
    # cluster 0 is the highest-spending group whatever the seed
    means = sample_summary["monetary"].groupby(other.labels).mean()
    assert means.idxmax() == 0 and means.is_monotonic_decreasing
    overlap = (a.labels == 0) & (other.labels == 0)
    assert overlap.sum() / max((a.labels == 0).sum(), 1) > 0.8
    assert a.profile["customers"].sum() == len(sample_summary)
    assert np.isclose(a.profile["share_of_revenue"].sum(), 1.0)


def test_auto_k_reports_all_criteria(sample_summary):
    res = cluster_customers(sample_summary, k="auto", k_range=range(2, 6), n_seeds=3, random_state=0)
    assert list(res.scores.columns) == ["silhouette", "calinski_harabasz", "davies_bouldin"]
    assert res.k == res.scores["silhouette"].idxmax()
    assert 0 <= res.stability <= 1
    assert "cluster 0" in res.summary()
