"""RFM, ABC, count and value tiers, concentration and lifecycle stages give pandas' numbers in every
engine, computed there (output follows input)."""

from __future__ import annotations

import narwhals as nw
import numpy as np
import pandas as pd

from crmmine.segmentation import (
    Override,
    RFMScorer,
    abc_tiers,
    concentration,
    count_tiers,
    customer_pyramid,
    lifecycle_stages,
    rfm_group_sizes,
    rfm_scores,
    rfm_segments,
    tier_summary,
    value_tiers,
)
from tests.scale.conftest import AS_OF, assert_same, collected, table

SCORES = ("R", "F", "M", "rfm_code", "rfm_score")


def variants(engine, cases: list) -> list:
    """Every case on the in-process engines; the first only on Spark (a Spark job costs a second)."""
    return cases[:1] if engine.spark else cases


def test_rfm(engine, shared_summary):
    s = table(engine, shared_summary)
    # the tie rule of the pandas path, 1 + floor(bins * b / n), b = customers strictly below
    ref = rfm_scores(shared_summary)
    assert ref.attrs["notes"]  # the fixture has ties that make groups unequal
    scores = rfm_scores(s)
    assert_same(collected(engine, scores), ref, exact=SCORES)
    for preset, locale in variants(engine, [("eight", "zh"), ("rf_grid", "en")]):
        got = collected(engine, rfm_segments(scores, preset, locale=locale))
        assert_same(got, rfm_segments(ref, preset, locale=locale), exact=("segment",))
    if engine.spark:
        return
    assert rfm_group_sizes(scores).equals(rfm_group_sizes(ref))
    assert_same(collected(engine, rfm_scores(s, bins=4, method="edges")),
                rfm_scores(shared_summary, bins=4, method="edges"), exact=SCORES)
    # a scorer fitted in the engine learns pandas' boundaries
    fitted = RFMScorer().fit(s)
    expected = RFMScorer().fit(shared_summary)
    for dim in ("R", "F", "M"):
        np.testing.assert_array_equal(fitted.edges_[dim], expected.edges_[dim])
    assert fitted.group_sizes_.equals(expected.group_sizes_)


def test_tiers_and_concentration(engine, shared_summary):
    s = table(engine, shared_summary)
    for ties in variants(engine, ["down", "up"]):
        ref = abc_tiers(shared_summary, ties=ties)
        got = abc_tiers(s, ties=ties)
        assert_same(collected(engine, got), ref, exact=("rank", "tier"))
        if not engine.spark:
            assert_same(tier_summary(got), tier_summary(ref), exact=("customers",))
        assert_same(collected(engine, count_tiers(s, ties=ties)), count_tiers(shared_summary, ties=ties),
                    exact=("tier",))
    c, ref = concentration(s, column="monetary"), concentration(shared_summary["monetary"])
    assert (c.n, c.values) == (ref.n, None)
    fractions = (0.01, 0.05, 0.1, 0.2, 0.5)
    np.testing.assert_allclose([c.gini, c.total] + [c.top_share(f) for f in fractions],
                               [ref.gini, ref.total] + [ref.top_share(f) for f in fractions], rtol=1e-9)
    curve = ref.lorenz()
    np.testing.assert_allclose(c.curve["value_share"], curve["value_share"].to_numpy()[c.curve["customers"]],
                               rtol=1e-9)


def test_value_tiers(engine, shared_summary):
    frame = shared_summary.assign(region=np.where(shared_summary["orders"] % 2 == 0, "east", "west"))
    s = table(engine, frame)
    cases = [
        {"weights": {"monetary": 1.0, "region": 0.5}, "points": {"region": {"east": 1.0, "west": 0.0}},
         "scale": "minmax", "cutoffs": (("A", 0.6), ("B", 0.3), ("C", None))},
        {"weights": {"orders": 1.0}, "scale": "points", "ties": "up", "shares": (("A", 0.25), ("B", 0.75)),
         "overrides": [Override(nw.col("monetary") > 400, "A", "big spender"),
                       Override(nw.col("grade_by_score") == "B", "A", "floor", mode="at_least")]},
        {"weights": {"monetary": 0.6, "orders": 0.4}},
    ]
    for kwargs in variants(engine, cases):
        assert_same(collected(engine, value_tiers(s, **kwargs)), value_tiers(frame, **kwargs),
                    exact=("grade_by_score", "grade", "override"))
    profit = frame.assign(profit=frame["monetary"] - 60.0)
    if not engine.spark:
        assert_same(collected(engine, customer_pyramid(table(engine, profit))), customer_pyramid(profit),
                    exact=("grade_by_score", "grade", "override"))


def test_lifecycle(engine, shared_tx):
    tx = table(engine, shared_tx, index=False)
    for kwargs in variants(engine, [{"preset": "texts5", "locale": "zh", "customers": ["C9998", "C9999"]},
                                    {"as_of": AS_OF - pd.Timedelta(days=200)}]):
        assert_same(collected(engine, lifecycle_stages(tx, **kwargs)), lifecycle_stages(shared_tx, **kwargs),
                    exact=("stage", "detail_stage", "purchase_days", "days_since_last"))
