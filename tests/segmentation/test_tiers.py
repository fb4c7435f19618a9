"""Grading: weighted value tiers (shares, cut-offs, ties, points, overrides, presets),
the customer pyramid and the n x m value matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import (
    GRADE_PRESETS,
    Override,
    concentration,
    count_tiers,
    customer_pyramid,
    tier_summary,
    value_matrix,
    value_tiers,
)


def _frame():
    return pd.DataFrame(
        {
            "revenue": [100, 90, 80, 10, 5],
            "influence": [0, 0, 0, 10, 9],
            "annual_sales": [100, 90, 80, 10, 5e6],
        }
    )


def test_weights_shares_and_overrides():
    f = _frame()
    revenue_only = value_tiers(f, {"revenue": 1.0}, shares=(("A", 0.4), ("B", 0.6)))
    assert revenue_only["grade"].astype(str).tolist() == ["A", "A", "B", "B", "B"]
    influence_heavy = value_tiers(f, {"revenue": 0.2, "influence": 0.8}, shares=(("A", 0.4), ("B", 0.6)))
    assert influence_heavy["grade"].astype(str).tolist()[3] == "A"
    forced = value_tiers(
        f,
        {"revenue": 1.0},
        shares=(("A", 0.4), ("B", 0.6)),
        overrides=[
            Override("annual_sales > 1e6", "A", "key account"),
            Override(lambda d: d["revenue"] > 0, "B", "catch-all"),
        ],
    )
    assert forced.loc[4, "grade"] == "A" and forced.loc[4, "override"] == "key account"
    assert forced.loc[4, "grade_by_score"] == "B"
    assert (forced.loc[:3, "override"] == "catch-all").all()
    with pytest.raises(ParameterError, match="cannot be evaluated"):
        value_tiers(f, {"revenue": 1.0}, overrides=[Override("no_such_column > 1", "A")])


def test_equal_scores_are_always_in_one_grade():
    # issue 13: two customers at score 0.667 got A and B. Scores here: 1.0, 0.667, 0.667, 0.333 ...
    f = pd.DataFrame({"v": [3.0, 2.0, 2.0, 1.0, 1.0, 1.0]})
    down = value_tiers(f, {"v": 1.0}, shares=(("A", 0.34), ("B", 0.66)), scale="minmax")
    up = value_tiers(f, {"v": 1.0}, shares=(("A", 0.34), ("B", 0.66)), scale="minmax", ties="up")
    assert down["grade"].astype(str).tolist() == ["A", "B", "B", "B", "B", "B"]
    assert up["grade"].astype(str).tolist() == ["A", "A", "A", "B", "B", "B"]
    # ties="down": the top grade never holds more than its share; "up": never less
    assert (down["grade"] == "A").mean() <= 0.34 <= (up["grade"] == "A").mean()


def test_absolute_cutoffs_and_the_six_types_preset():
    f = pd.DataFrame({"score_in": np.linspace(0, 1, 11)})
    out = value_tiers(f, {"score_in": 1.0}, cutoffs=(("A", 0.8), ("B", 0.5), ("C", None)), scale="points")
    assert out["grade"].astype(str).tolist() == ["C"] * 5 + ["B"] * 3 + ["A"] * 3
    six = value_tiers(f, {"score_in": 1.0}, preset="six_types", scale="minmax")
    # ten-point bands: >= 0.9 A, >= 0.8 B, >= 0.7 C, >= 0.6 D, >= 0.5 E, below F
    assert six["grade"].astype(str).tolist() == ["F"] * 5 + ["E", "D", "C", "B", "A", "A"]
    assert list(six["grade"].cat.categories) == list("ABCDEF")
    assert GRADE_PRESETS["six_types"]["cutoffs"][0] == ("A", 0.9)
    with pytest.raises(ParameterError, match="strictly decreasing"):
        value_tiers(f, {"score_in": 1.0}, cutoffs=(("A", 0.5), ("B", 0.8), ("C", None)))
    with pytest.raises(ParameterError, match="one of shares, cutoffs or preset"):
        value_tiers(f, {"score_in": 1.0}, preset="six_types", cutoffs=(("A", 0.5), ("B", None)))


def test_categorical_points_and_an_override_on_the_score():
    f = pd.DataFrame(
        {
            "revenue": [900, 500, 100, 50, 20],
            "region": ["east", "west", "east", "west", "north"],
            "industry": ["retail", "bank", "bank", "retail", "bank"],
        }
    )
    out = value_tiers(
        f,
        {"region": 1.0, "industry": 1.0, "revenue": 1.0},
        points={"region": {"east": 10, "west": 5, "north": 0}, "industry": {"bank": 20, "retail": 10}},
        cutoffs=(("A", 150), ("B", 60), ("C", None)),
        scale="points",
        overrides=[Override("score < 100 and region == 'east'", "B", "east floor", mode="at_least")],
    )
    # points: 900+10+10, 500+5+20, 100+10+20, 50+5+10, 20+0+20
    assert out["score"].tolist() == [920.0, 525.0, 130.0, 65.0, 40.0]
    assert out["grade"].astype(str).tolist() == ["A", "A", "B", "B", "C"]
    with pytest.raises(DataError, match=r"(?s)column 'region'.*categories without points \(south\).*Fix"):
        value_tiers(
            f.assign(region=["east", "south", "east", "west", "north"]),
            {"region": 1.0},
            points={"region": {"east": 10, "west": 5, "north": 0}},
        )


def test_override_modes():
    f = pd.DataFrame(
        {"v": [10.0, 5.0, 1.0], "bad_debt": [True, False, False], "partner": [False, False, True]}
    )
    out = value_tiers(
        f,
        {"v": 1.0},
        cutoffs=(("A", 8), ("B", 4), ("C", None)),
        scale="points",
        overrides=[
            Override("bad_debt", "C", "bad debt", mode="at_most"),
            Override("partner", "B", "partner", mode="at_least"),
        ],
    )
    assert out["grade"].astype(str).tolist() == ["C", "B", "B"]
    assert out["override"].tolist() == ["bad debt", "", "partner"]
    with pytest.raises(ParameterError, match="not one of"):
        value_tiers(f, {"v": 1.0}, overrides=[Override("partner", "Z")])


def test_customer_pyramid():
    # Zeithaml, Rust & Lemon (2001): lead = customers who cost money; the rest by profitability
    f = pd.DataFrame({"profit": [900.0, 400, 300, 120, 50, 20, 10, 5, -15, -40]})
    out = customer_pyramid(f)
    assert out["grade"].astype(str).tolist() == ["platinum"] * 2 + ["gold"] * 3 + ["iron"] * 3 + ["lead"] * 2
    assert list(out["grade"].cat.categories) == ["platinum", "gold", "iron", "lead"]
    zh = customer_pyramid(f, locale="zh")
    assert zh["grade"].iloc[0] == "铂金客户" and (zh["grade"].cat.codes == out["grade"].cat.codes).all()
    kept = customer_pyramid(
        f.assign(strategic=[False] * 9 + [True]),
        overrides=[Override("strategic", "iron", "strategic account")],
    )
    assert kept.loc[9, "grade"] == "iron" and kept.loc[8, "grade"] == "lead"
    assert tier_summary(out, tier="grade", value="score")["customers"].tolist() == [2, 3, 3, 2]


def test_value_matrix_two_by_two_and_n_by_m():
    f = pd.DataFrame({"x": [1, 9, 1, 9], "y": [1, 1, 9, 9]})
    out = value_matrix(f, "x", "y", x_cuts=[5], y_cuts=[5])
    assert out["cell"].tolist() == ["Low priority", "Develop", "Maintain", "Stars"]
    g = pd.DataFrame({"value": [1, 2, 3, 4, 5, 6], "loyalty": [6, 5, 4, 3, 2, 1], "vip": [0, 0, 0, 0, 0, 1]})
    grades = [["C", "C", "B"], ["C", "B", "A"], ["B", "A", "A"]]
    m = value_matrix(
        g, "value", "loyalty", x_cuts=3, y_cuts=3, cells=grades, overrides=[Override("vip == 1", "A", "VIP")]
    )
    assert m["x_level"].tolist() == [0, 0, 1, 1, 2, 2] and m["y_level"].tolist() == [2, 2, 1, 1, 0, 0]
    assert m["cell_by_matrix"].tolist() == ["B", "B", "B", "B", "B", "B"]
    assert m["cell"].tolist() == ["B", "B", "B", "B", "B", "A"]
    assert list(m["cell"].cat.categories) == ["A", "B", "C"]
    with pytest.raises(ParameterError, match="3 rows"):
        value_matrix(g, "value", "loyalty", x_cuts=3, y_cuts=3, cells=[["A", "B"], ["C", "D"]])
    with pytest.raises(ParameterError, match="pass cells"):
        value_matrix(g, "value", "loyalty", x_cuts=3)
    zh = value_matrix(f, "x", "y", x_cuts=[5], y_cuts=[5], locale="zh")
    assert zh["cell"].tolist() == ["低优先级客户", "发展客户", "维持客户", "明星客户"]


def _hamilton(shares, n):
    """Largest-remainder (Hamilton) apportionment written out with fractions, better tier first
    on equal remainders: the reference for the tier sizes."""
    from fractions import Fraction

    quotas = [Fraction(str(s)) * n for s in shares]
    sizes = [int(q) for q in quotas]
    left = n - sum(sizes)
    order = sorted(range(len(shares)), key=lambda i: (-(quotas[i] - sizes[i]), i))
    for i in order[:left]:
        sizes[i] += 1
    return sizes


@pytest.mark.parametrize("n", [5, 7, 25, 29])
def test_tier_sizes_follow_the_largest_remainder_rule_whatever_the_parity(n):
    # 5 customers at 0.2 / 0.3 / 0.5: quotas 1 / 1.5 / 2.5; half-to-even rounding of the
    # cumulative bounds gave the middle tier 1 customer (1 / 1 / 3), and 2 at n = 7
    values = pd.DataFrame({"monetary": np.arange(n, 0, -1, dtype=float)})
    expected = _hamilton((0.2, 0.3, 0.5), n)
    counted = count_tiers(values)["tier"].value_counts(sort=False).tolist()
    graded = value_tiers(values, {"monetary": 1.0})["grade"].value_counts(sort=False).tolist()
    pyramid = customer_pyramid(values, profit="monetary")["grade"].value_counts(sort=False).tolist()
    assert counted == graded == expected
    assert pyramid == [*expected, 0]
    if n == 5:
        assert expected == [1, 2, 2]


def test_tier_sizes_on_engines_match_pandas():
    pl = pytest.importorskip("polars")
    values = pd.DataFrame({"customer_id": range(5), "monetary": [5.0, 4, 3, 2, 1]})
    on_polars = count_tiers(pl.from_pandas(values))["tier"].to_list()
    graded = value_tiers(pl.from_pandas(values), {"monetary": 1.0})["grade"].to_list()
    assert on_polars == ["Top 20%", "Next 30%", "Next 30%", "Rest", "Rest"]
    assert graded == ["A", "B", "B", "C", "C"]


def test_top_share_rounds_halves_up():
    # 25 customers: the top 10% are 2.5 customers -> 3 (half to even gave 2, but 4 at 35)
    values = pd.Series(np.arange(1.0, 26.0))
    c = concentration(values)
    assert c.top_share(0.1) == pytest.approx((23 + 24 + 25) / values.sum())
