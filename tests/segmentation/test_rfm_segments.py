"""RFM scores (ties), segment tables (validation, presets) and the fitted scorer."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.errors import ParameterError, SchemaError
from crmmine.segmentation import PRESETS, RFMScorer, SegmentTable, rfm_scores, rfm_segments


def _summary(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    orders = rng.geometric(0.45, n)  # about 45% of customers have exactly one order
    return pd.DataFrame(
        {
            "since_last": rng.integers(0, 365, n).astype(float),
            "orders": orders,
            "monetary": rng.gamma(2.0, 100.0, n) * orders,
        },
        index=pd.Index(np.arange(1000, 1000 + n), name="customer_id"),
    )


def test_rank_scores_give_equal_groups_despite_heavy_ties():
    s = _summary()
    share_tied = (s["orders"] == 1).mean()
    assert share_tied > 1 / 3  # the case: a third or more share one value
    scores = rfm_scores(s, bins=5, method="rank")
    sizes = scores["F"].value_counts()
    assert sizes.max() - sizes.min() <= 1
    assert scores.attrs["notes"] == []


def test_edge_scores_keep_ties_together_and_say_groups_are_unequal():
    s = _summary()
    scores = rfm_scores(s, bins=5, method="edges")
    ones = scores.loc[s["orders"] == 1, "F"]
    assert ones.nunique() == 1  # tied customers share one score
    sizes = scores.attrs["group_sizes"]["F"]
    assert sizes.max() - sizes.min() > 1
    assert any(note.startswith("F:") for note in scores.attrs["notes"])


def test_recency_is_reversed_and_code_is_built():
    s = pd.DataFrame({"since_last": [1.0, 100.0], "orders": [3, 1], "monetary": [10.0, 5.0]})
    out = rfm_scores(s, bins=2)
    assert out["R"].tolist() == [2, 1]
    assert out["rfm_code"].tolist() == ["222", "111"]
    assert out["rfm_score"].tolist() == [6, 3]


def test_fitted_scorer_scores_new_customers_on_the_learned_edges():
    base = _summary(seed=1)
    scorer = RFMScorer(bins=5, method="edges").fit(base)
    new = _summary(n=500, seed=2)
    scored = scorer.transform(new)
    # scoring a customer alone or within the new batch gives the same score
    single = scorer.transform(new.iloc[[7]])
    assert scored.iloc[7][["R", "F", "M"]].tolist() == single.iloc[0][["R", "F", "M"]].tolist()
    # a bigger spender never scores lower
    ordered = scored.assign(m=new["monetary"]).sort_values("m")
    assert ordered["M"].is_monotonic_increasing


def test_bad_input():
    s = _summary()
    with pytest.raises(SchemaError, match="did you mean"):
        rfm_scores(s.rename(columns={"orders": "order"}))
    with pytest.raises(ParameterError):
        rfm_scores(s, bins=1)
    bad = s.copy()
    bad.loc[bad.index[:2], "monetary"] = np.nan
    with pytest.raises(Exception, match="2 rows"):
        rfm_scores(bad)


def test_table_validation_catches_overlap_and_gap():
    overlapping = SegmentTable([{"name": "a", "R": (1, 3)}, {"name": "b", "R": (3, 5)}])
    assert len(overlapping.report.overlaps) == 25  # R = 3 with any F, M
    assert overlapping.report.gaps.empty
    gappy = SegmentTable([{"name": "a", "R": (1, 2)}, {"name": "b", "R": (4, 5)}])
    assert len(gappy.report.gaps) == 25
    assert set(gappy.report.gaps["R"]) == {3}
    shadowed = SegmentTable([{"name": "wide", "R": (1, 5)}, {"name": "narrow", "R": (2, 2)}])
    assert shadowed.report.unreachable == ["narrow"]
    with pytest.raises(ParameterError):
        SegmentTable([{"name": "bad", "R": (0, 6)}])


def test_presets_and_the_putler_finding():
    assert PRESETS["rf_grid"]().report.ok
    assert PRESETS["eight"]().report.ok
    putler = PRESETS["putler"]().report
    # As commonly published, under first-match evaluation these segments can never be assigned:
    assert set(putler.unreachable) == {"Recent customers", "Promising", "Can't lose them", "Lost"}
    assert len(putler.gaps) > 0 and len(putler.overlaps) > 0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 30), st.floats(0.0, 1e5)), min_size=5, max_size=80
    ),
    st.sampled_from(["rank", "edges"]),
    st.sampled_from(sorted(PRESETS)),
)
def test_every_customer_gets_one_score_and_one_segment(rows, method, preset):
    s = pd.DataFrame(rows, columns=["since_last", "orders", "monetary"])
    before = s.copy()
    scores = rfm_scores(s, method=method)
    seg = rfm_segments(scores, preset)
    pd.testing.assert_frame_equal(s, before)
    assert scores.index.equals(s.index) and seg.index.equals(s.index)
    assert scores[["R", "F", "M"]].isin(range(1, 6)).all().all()
    assert seg.notna().all()
