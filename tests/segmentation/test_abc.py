"""ABC tiers, count tiers and concentration."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import abc_tiers, concentration, count_tiers, tier_summary


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


def test_concentration_is_a_result():
    c = concentration(pd.Series([1.0, 1, 1, 1, 6], name="monetary"))
    frame = c.summary()
    assert frame.loc["gini", "value"] == pytest.approx(c.gini)
    assert frame.loc["customers", "value"] == 5
    assert repr(c).startswith("Concentration(gini=0.4") and "n=5" in repr(c)
    assert "Gini 0.400" in c.sentence()
    assert "<table" in c._repr_html_()
    assert c.to_frame().equals(c.lorenz())


def test_concentration_refuses_negative_values():
    with pytest.raises(DataError, match="column 'monetary': 1 row"):
        concentration(pd.Series([5.0, -1.0, 3.0], name="monetary"))


def test_abc_tiers_follow_cumulative_share():
    s = pd.DataFrame({"monetary": [500.0, 300.0, 100.0, 60.0, 40.0, 0.0]})
    out = abc_tiers(s)
    # cumulative share before each customer: 0, .5, .8, .9, .96, 1 -> the one crossing 95% is still B
    assert out["tier"].astype(str).tolist() == ["A", "A", "B", "B", "C", "C"]
    agg = tier_summary(out)
    assert agg["customers"].sum() == len(s)
    assert agg.loc["A", "share_of_value"] == pytest.approx(0.8)
    with pytest.raises(ParameterError):
        abc_tiers(s, cuts=(0.9, 0.8))


def test_abc_ties_stay_in_one_tier():
    # total 140; two customers hold 30 each; the share held before the first is 40/140 = 0.29,
    # before the second 70/140 = 0.5: by position they would straddle the 50% cut (A and B)
    s = pd.DataFrame({"monetary": [40.0, 20.0, 30.0, 30.0, 10.0, 10.0]})
    down = abc_tiers(s, cuts=(0.5, 0.7))
    up = abc_tiers(s, cuts=(0.5, 0.7), ties="up")
    assert down.loc[[2, 3], "tier"].nunique() == 1 and up.loc[[2, 3], "tier"].nunique() == 1
    assert down.loc[2, "tier"] == "B" and up.loc[2, "tier"] == "A"
    assert down.loc[[2, 3], "rank"].tolist() == [2, 2]


def test_count_tiers_sizes_and_ties():
    s = pd.DataFrame({"monetary": np.arange(100.0)})
    out = count_tiers(s)
    assert out["tier"].value_counts().to_dict() == {"Top 20%": 20, "Next 30%": 30, "Rest": 50}
    assert out.loc[99, "tier"] == "Top 20%"
    tied = pd.DataFrame({"monetary": [9.0, 7, 7, 5, 1, 1, 1, 1, 1, 1]})
    down = count_tiers(tied)
    up = count_tiers(tied, ties="up")
    assert down.loc[[1, 2], "tier"].nunique() == 1 and up.loc[[1, 2], "tier"].nunique() == 1
    assert down.loc[2, "tier"] == "Next 30%" and up.loc[2, "tier"] == "Top 20%"
    assert (down["tier"] == "Top 20%").sum() == 1 and (up["tier"] == "Top 20%").sum() == 3
    assert count_tiers(tied, locale="zh")["tier"].cat.categories.tolist() == [
        "前20%客户",
        "其后30%客户",
        "其余客户",
    ]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0, 1e6), min_size=1, max_size=60), st.sampled_from(["down", "up"]))
def test_every_customer_gets_exactly_one_tier(values, ties):
    s = pd.DataFrame({"monetary": values})
    out = abc_tiers(s, ties=ties)
    assert out.index.equals(s.index) and out["tier"].notna().all()
    assert tier_summary(out)["customers"].sum() == len(s)
    assert (out.groupby("value")["tier"].nunique() == 1).all()
