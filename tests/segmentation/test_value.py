"""ABC tiers, concentration, value tiers, value matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import Override, abc_tiers, concentration, count_tiers, value_matrix, value_tiers


def test_gini_of_known_distributions():
    # Gini of 1, 2, ..., n is (n - 1) / (3 n) (e.g. Dorfman 1979, discrete uniform case)
    n = 500
    assert concentration(np.arange(1, n + 1)).gini == pytest.approx((n - 1) / (3 * n), rel=1e-12)
    # one customer holding everything among n: (n - 1) / n
    assert concentration([0] * 9 + [5]).gini == pytest.approx(0.9)
    c = concentration([1, 1, 1, 1, 6])
    assert c.top_share(0.2) == pytest.approx(0.6)
    lorenz = c.lorenz()
    assert lorenz.iloc[0].tolist() == [0.0, 0.0] and lorenz.iloc[-1].tolist() == [1.0, 1.0]


def test_concentration_refuses_negative_values():
    with pytest.raises(DataError, match="1 row"):
        concentration([5.0, -1.0, 3.0])


def test_abc_tiers_follow_cumulative_share():
    s = pd.DataFrame({"monetary": [500.0, 300.0, 100.0, 60.0, 40.0, 0.0]})
    out = abc_tiers(s)
    # cumulative share before each customer: 0, .5, .8, .9, .96, 1 -> the one crossing 95% is still B
    assert out["tier"].astype(str).tolist() == ["A", "A", "B", "B", "C", "C"]
    agg = out.attrs["tiers"]
    assert agg["customers"].sum() == len(s)
    assert agg.loc["A", "share_of_value"] == pytest.approx(0.8)
    with pytest.raises(ParameterError):
        abc_tiers(s, cuts=(0.9, 0.8))


def test_count_tiers_sizes():
    s = pd.DataFrame({"monetary": np.arange(100.0)})
    out = count_tiers(s)
    assert out["tier"].value_counts().to_dict() == {"Top 20%": 20, "Next 30%": 30, "Rest": 50}
    assert out.loc[99, "tier"] == "Top 20%"


def test_value_tiers_weights_and_overrides():
    f = pd.DataFrame(
        {
            "revenue": [100, 90, 80, 10, 5],
            "influence": [0, 0, 0, 10, 9],
            "annual_revenue": [100, 90, 80, 10, 5e6],
        }
    )
    revenue_only = value_tiers(f, {"revenue": 1.0}, tiers=(("A", 0.4), ("B", 0.6)))
    assert revenue_only["grade"].astype(str).tolist() == ["A", "A", "B", "B", "B"]
    influence_heavy = value_tiers(f, {"revenue": 0.2, "influence": 0.8}, tiers=(("A", 0.4), ("B", 0.6)))
    assert influence_heavy["grade"].astype(str).tolist()[3] == "A"
    forced = value_tiers(
        f,
        {"revenue": 1.0},
        tiers=(("A", 0.4), ("B", 0.6)),
        overrides=[
            Override("annual_revenue > 1e6", "A", "key account"),
            Override(lambda d: d["revenue"] > 0, "B", "catch-all"),
        ],
    )
    assert forced.loc[4, "grade"] == "A" and forced.loc[4, "override"] == "key account"
    assert forced.loc[4, "grade_by_score"] == "B"
    # the first override decides; the catch-all takes everyone else
    assert (forced.loc[:3, "override"] == "catch-all").all()
    with pytest.raises(ParameterError, match="cannot be evaluated"):
        value_tiers(f, {"revenue": 1.0}, overrides=[Override("no_such_column > 1", "A")])


def test_value_matrix_cells():
    f = pd.DataFrame({"x": [1, 9, 1, 9], "y": [1, 1, 9, 9]})
    out = value_matrix(f, "x", "y", split=(5, 5))
    assert out["cell"].tolist() == ["Low priority", "Develop", "Maintain", "Stars"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=60))
def test_every_customer_gets_exactly_one_tier(values):
    s = pd.DataFrame({"monetary": values})
    out = abc_tiers(s)
    assert out.index.equals(s.index) and out["tier"].notna().all()
    assert out.attrs["tiers"]["customers"].sum() == len(s)
