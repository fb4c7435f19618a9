"""Customer profiles and segmentation plots."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

import crmmine as cm
from crmmine.segmentation import (
    cluster_customers,
    customer_profile,
    plot_cluster_profiles,
    plot_pareto,
    plot_rf_heatmap,
    plot_segments,
    rfm_scores,
    rfm_segments,
)


@pytest.fixture(scope="module")
def sample():
    tx, _ = cm.datasets.load_online_retail_clean()
    summary = cm.customer_summary(tx, as_of=tx["date"].max().normalize(), time_unit="W")
    return summary


def test_profile_accounts_for_every_customer_and_all_revenue(sample):
    summary = sample
    s = summary.assign(region=np.where(summary.index.to_numpy() % 3 == 0, None, "UK"))
    prof = customer_profile(s, "region")
    assert prof.loc["Total", "customers"] == len(s)
    assert prof.loc["Total", "revenue"] == pytest.approx(s["monetary"].sum())
    assert prof.drop(index="Total")["share_of_revenue"].sum() == pytest.approx(1.0)
    assert "(missing)" in prof.index
    segments = rfm_segments(rfm_scores(summary))
    by_segment = customer_profile(summary, segments)
    assert by_segment.drop(index="Total")["customers"].sum() == len(summary)


def test_plots_return_axes(sample):
    summary = sample
    scores = rfm_scores(summary)
    segments = rfm_segments(scores)
    clusters = cluster_customers(summary, n_clusters=3, n_seeds=2, random_state=0)
    for ax in (
        plot_rf_heatmap(scores, summary),
        plot_segments(segments, summary),
        plot_pareto(summary["monetary"]),
        plot_cluster_profiles(clusters),
    ):
        assert isinstance(ax, matplotlib.axes.Axes)
    cells = plot_rf_heatmap(scores, summary).texts
    assert sum(int(t.get_text().replace(",", "")) for t in cells) == len(summary)
