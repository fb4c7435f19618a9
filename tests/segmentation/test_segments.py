"""Segment tables: validation, presets, names in two locales."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import PRESETS, SegmentTable, rfm_scores, rfm_segments


def test_table_validation_catches_overlap_and_gap():
    overlapping = SegmentTable([{"name": "a", "R": (1, 3)}, {"name": "b", "R": (3, 5)}])
    assert len(overlapping.report.overlaps) == 25  # R = 3 with any F, M
    assert overlapping.report.gaps.empty
    gappy = SegmentTable([{"name": "a", "R": (1, 2)}, {"name": "b", "R": (4, 5)}])
    assert len(gappy.report.gaps) == 25
    assert set(gappy.report.gaps["R"]) == {3}
    shadowed = SegmentTable([{"name": "wide", "R": (1, 5)}, {"name": "narrow", "R": (2, 2)}])
    assert shadowed.report.unreachable == ["narrow"]
    assert shadowed.report.summary().loc["unreachable segments", "count"] == 1
    assert set(gappy.report.to_frame()["kind"]) == {"gap"}
    with pytest.raises(ParameterError, match="not within"):
        SegmentTable([{"name": "bad", "R": (0, 6)}])
    with pytest.raises(ParameterError, match="unknown keys"):
        SegmentTable([{"name": "bad", "recency": (1, 2)}])


def test_presets_and_the_putler_finding():
    assert PRESETS["rf_grid"]().report.ok
    assert PRESETS["eight"]().report.ok
    putler = PRESETS["putler"]().report
    # As commonly published, under first-match evaluation these segments can never be assigned:
    assert set(putler.unreachable) == {"Recent customers", "Promising", "Can't lose them", "Lost"}
    assert len(putler.gaps) > 0 and len(putler.overlaps) > 0
    assert repr(PRESETS["putler"]()) == "SegmentTable(rules=11, bins=5, problems=82)"
    assert repr(PRESETS["eight"]()) == "SegmentTable(rules=8, bins=5, problems=0)"


def test_eight_class_model_in_chinese_keeps_codes():
    # The eight RFM classes of the Chinese CRM texts: R, F, M each above (4-5) or below (1-3).
    scores = pd.DataFrame(
        {"R": [5, 5, 1, 1, 5, 5, 1, 1], "F": [5, 1, 5, 1, 5, 1, 5, 1], "M": [5, 5, 5, 5, 1, 1, 1, 1]},
        index=list("abcdefgh"),
    )
    en = rfm_segments(scores, "eight")
    zh = rfm_segments(scores, "eight", locale="zh")
    assert zh.tolist() == [
        "重要价值客户",
        "重要发展客户",
        "重要保持客户",
        "重要挽留客户",
        "一般价值客户",
        "一般发展客户",
        "一般保持客户",
        "一般挽留客户",
    ]
    assert en.tolist()[0] == "Important value"
    assert (en.cat.codes == zh.cat.codes).all()
    assert zh.attrs == {"preset": "eight"}


def test_bad_scores_are_refused():
    with pytest.raises(DataError, match=r"(?s)column 'F'.*Fix: pass the output of rfm_scores"):
        rfm_segments(pd.DataFrame({"R": [1, 2], "F": [1.5, 2], "M": [1, 1]}))
    with pytest.raises(ParameterError, match="bins=5"):
        rfm_segments(pd.DataFrame({"R": [1, 7], "F": [1, 2], "M": [1, 1]}))
    with pytest.raises(ParameterError, match="unknown preset"):
        rfm_segments(pd.DataFrame({"R": [1], "F": [1], "M": [1]}), "nine")
    with pytest.raises(ParameterError, match="locale"):
        rfm_segments(pd.DataFrame({"R": [1], "F": [1], "M": [1]}), locale="fr")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 30), st.floats(0.0, 1e5)), min_size=5, max_size=80
    ),
    st.sampled_from(["rank", "edges"]),
    st.sampled_from(sorted(PRESETS)),
)
def test_every_customer_gets_one_segment(rows, method, preset):
    s = pd.DataFrame(rows, columns=["since_last", "orders", "monetary"])
    seg = rfm_segments(rfm_scores(s, method=method), preset)
    assert seg.index.equals(s.index) and seg.notna().all()
    assert np.isin(seg.astype(str), list(seg.cat.categories)).all()


def test_table_plot_labels_every_cell():
    import matplotlib

    ax = PRESETS["rf_grid"]().plot()
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 25 and "Champions" in texts and not any(t.endswith("*") for t in texts)
    putler = PRESETS["putler"]().plot()
    assert any(t.get_text().endswith("*") for t in putler.texts)  # putler's names depend on M
    matplotlib.pyplot.close("all")
