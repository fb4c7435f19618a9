"""Clustering on numeric features: choice of the number of clusters, stability, names that
agree with the clusters' own numbers, the result protocol."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import cluster_customers

_SIGN_WORDS = {
    "since_last": {1: "lapsed", -1: "recent"},
    "frequency": {1: "frequent", -1: "occasional"},
    "monetary": {1: "high-spend", -1: "low-spend"},
}


def assert_names_agree(result):
    """Every word of every name says what the profile's medians say against everyone's median."""
    for _, row in result.profile.iterrows():
        for feature in result.features:
            sign = int(np.sign(row[feature] - result.overall[feature]))
            words = _SIGN_WORDS.get(feature, {1: f"high {feature}", -1: f"low {feature}"})
            expected = words.get(sign, f"typical {feature}")
            assert expected in row["name"], (row["name"], feature, row[feature], result.overall[feature])


@pytest.fixture(scope="module")
def sample_summary():
    tx, _ = cm.datasets.load_online_retail_clean()
    return cm.customer_summary(tx, as_of=tx["date"].max().normalize(), time_unit="W")


def test_clustering_is_deterministic_and_relabelled(sample_summary):
    a = cluster_customers(sample_summary, n_clusters=4, n_seeds=2, random_state=0)
    b = cluster_customers(sample_summary, n_clusters=4, n_seeds=2, random_state=0)
    pd.testing.assert_series_equal(a.labels, b.labels)
    other = cluster_customers(sample_summary, n_clusters=4, n_seeds=2, random_state=11)
    means = sample_summary["monetary"].groupby(other.labels).mean()
    assert means.idxmax() == 0 and means.is_monotonic_decreasing
    overlap = (a.labels == 0) & (other.labels == 0)
    assert overlap.sum() / max((a.labels == 0).sum(), 1) > 0.8
    assert a.profile["customers"].sum() == len(sample_summary)
    assert np.isclose(a.profile["share_of_revenue"].sum(), 1.0)
    gen = cluster_customers(sample_summary, n_clusters=4, n_seeds=2, random_state=np.random.default_rng(5))
    assert gen.n_clusters == 4


def test_names_never_contradict_the_numbers(sample_summary):
    # issue 10: a cluster with since_last 67 weeks, above the median, was named "recent"
    for k in (2, 3, 5):
        res = cluster_customers(sample_summary, n_clusters=k, n_seeds=1, random_state=0)
        assert_names_agree(res)
        assert res.profile["name"].is_unique
    zh = cluster_customers(sample_summary, n_clusters=2, n_seeds=1, random_state=0, locale="zh")
    assert "近期活跃" in zh.profile.loc[0, "name"] or "久未购买" in zh.profile.loc[0, "name"]


def test_choice_of_the_number_of_clusters_and_the_result_protocol(sample_summary):
    res = cluster_customers(sample_summary, n_clusters_range=range(2, 6), n_seeds=3, random_state=0, n_jobs=1)
    assert list(res.scores.columns) == ["silhouette", "calinski_harabasz", "davies_bouldin"]
    assert res.n_clusters == res.scores["silhouette"].idxmax()
    assert 0 <= res.stability <= 1
    assert res.summary().equals(res.profile)
    frame = res.to_frame()
    assert frame.index.equals(sample_summary.index) and list(frame.columns) == ["cluster", "name"]
    assert repr(res).startswith("ClusterResult(method='kmeans', n_clusters=")
    assert "<table" in res._repr_html_()
    assert isinstance(res.plot(), matplotlib.axes.Axes)


def test_bad_input(sample_summary):
    with pytest.raises(ParameterError, match="number of clusters must be between 2"):
        cluster_customers(sample_summary.head(5), n_clusters_range=range(2, 9))
    with pytest.raises(ParameterError, match="'method' of cluster_customers"):
        cluster_customers(sample_summary, method="dbscan")
    with pytest.raises(DataError, match="hardly vary"):
        cluster_customers(pd.DataFrame({"a": [1.0] * 20, "monetary": [2.0] * 20}), ["a", "monetary"])
