"""Every table survives concat, merge and slicing (no tables in attrs, no number from attrs),
and every result object follows the shared protocol."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import ParameterError
from crmmine.segmentation import (
    PRESETS,
    abc_tiers,
    assign_actions,
    cluster_customers,
    cluster_mixed,
    concentration,
    count_tiers,
    customer_profile,
    customer_pyramid,
    lifecycle_stages,
    lifecycle_transitions,
    rfm_group_sizes,
    rfm_scores,
    rfm_segments,
    stage_actions,
    tier_summary,
    value_matrix,
    value_tiers,
)

_SCALARS = (str, int, float, bool, np.integer, np.floating, pd.Timestamp, type(None))


@pytest.fixture(scope="module")
def data():
    tx, _ = cm.datasets.load_online_retail_clean()
    summary = cm.customer_summary(tx, as_of=tx["date"].max().normalize(), time_unit="W")
    return tx, summary


def _outputs(tx, summary):
    scores = rfm_scores(summary)
    stages = lifecycle_stages(tx, preset="texts5")
    frame = summary.assign(region=np.where(summary["orders"] > 2, "east", "west"))
    yield "rfm_scores", scores
    yield "rfm_segments", rfm_segments(scores)
    yield "abc_tiers", abc_tiers(summary)
    yield "count_tiers", count_tiers(summary)
    yield "tier_summary", tier_summary(abc_tiers(summary))
    yield "rfm_group_sizes", rfm_group_sizes(scores)
    yield (
        "value_tiers",
        value_tiers(frame, {"monetary": 1, "region": 1}, points={"region": {"east": 1, "west": 0}}),
    )
    yield "customer_pyramid", customer_pyramid(summary, profit="monetary")
    yield "value_matrix", value_matrix(summary, "orders", "monetary_mean")
    yield "lifecycle_stages", stages
    yield "assign_actions", assign_actions(stages)
    yield "stage_actions", stage_actions()
    yield "customer_profile", customer_profile(summary, "orders")
    yield "lifecycle_transitions", lifecycle_transitions(tx, ["2011-10-01", "2011-12-01"]).to_frame()
    yield "cluster_customers", cluster_customers(summary, n_clusters=3, n_seeds=1).to_frame()
    yield "cluster_mixed", cluster_mixed(frame, ["monetary"], ["region"], n_clusters=2, n_seeds=1).to_frame()


def test_every_table_survives_concat_merge_and_slicing(data):
    tx, summary = data
    for name, out in _outputs(tx, summary):
        for key, value in out.attrs.items():
            ok = isinstance(value, _SCALARS) or (
                isinstance(value, tuple) and all(isinstance(v, _SCALARS) for v in value)
            )
            assert ok, f"{name}: attrs[{key!r}] is a {type(value).__name__}"
        both = pd.concat([out.head(3), out.tail(3)])
        assert len(both) == min(6, 2 * len(out)), name
        if isinstance(out, pd.DataFrame):
            merged = out.head(5).merge(out.head(5), left_index=True, right_index=True, suffixes=("", "_2"))
            assert len(merged) == min(5, len(out)), name
        assert out.iloc[1:4].shape[0] == min(3, max(len(out) - 1, 0)), name


def test_no_number_depends_on_attrs(data):
    _, summary = data
    scores = rfm_scores(summary)
    bare = scores.copy()
    bare.attrs = {}
    pd.testing.assert_series_equal(rfm_segments(bare), rfm_segments(scores))
    pd.testing.assert_frame_equal(rfm_group_sizes(bare), rfm_group_sizes(scores))
    part = pd.concat([scores.head(10), scores.tail(10)])
    assert rfm_group_sizes(part).to_numpy().sum() == 60
    tiers = abc_tiers(summary)
    assert tier_summary(tiers.head(20))["customers"].sum() == 20


def test_results_follow_the_protocol(data):
    tx, summary = data
    results = [
        cluster_customers(summary, n_clusters=3, n_seeds=1),
        concentration(summary["monetary"]),
        PRESETS["putler"](),
        PRESETS["putler"]().report,
        lifecycle_transitions(tx, ["2011-10-01", "2011-12-01"]),
    ]
    for res in results:
        assert isinstance(res.to_frame(), pd.DataFrame)
        assert isinstance(res.summary(), pd.DataFrame)
        text = repr(res)
        assert "\n" not in text and len(text) < 200 and text.startswith(type(res).__name__ + "(")
        assert str(res) == text
        assert "<table" in res._repr_html_()
        try:
            ax = res.plot()
        except ParameterError as exc:
            assert "has no plot" in str(exc)
        else:
            assert isinstance(ax, matplotlib.axes.Axes)
    matplotlib.pyplot.close("all")
