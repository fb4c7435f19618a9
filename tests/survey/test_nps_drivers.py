"""NPS by hand, importance-performance, the satisfaction trap and complaint statistics."""

import numpy as np
import pandas as pd
import pytest

from crmmine.survey import (
    ECSI_BLOCKS,
    ECSI_PATHS,
    PLSPathModel,
    complaint_statistics,
    importance_performance,
    make_survey,
    net_promoter_score,
    satisfaction_loyalty,
)


def test_nps_by_hand():
    # 50 promoters (9-10), 30 passives, 20 detractors of 100: NPS 30; variance of p_P - p_D from one
    # multinomial sample: (0.5 + 0.2 - 0.3^2) / 100 = 0.0061 -> se 7.81 points; Wald 95%: 30 -/+ 15.31
    ratings = pd.Series([10] * 25 + [9] * 25 + [8] * 15 + [7] * 15 + [6] * 10 + [0] * 10)
    r = net_promoter_score(ratings, n_bootstrap=4000, random_state=0)
    assert r.nps == pytest.approx(30.0)
    assert (r.promoters, r.passives, r.detractors) == pytest.approx((0.5, 0.3, 0.2))
    assert r.std_error == pytest.approx(100 * np.sqrt(0.0061))
    assert r.wald == pytest.approx((30 - 1.959964 * 7.8102, 30 + 1.959964 * 7.8102), abs=1e-3)
    lo, hi = r.bootstrap
    assert lo == pytest.approx(r.wald[0], abs=2.0) and hi == pytest.approx(r.wald[1], abs=2.0)
    again = net_promoter_score(ratings, n_bootstrap=4000, random_state=0)
    assert again.bootstrap == r.bootstrap


def test_nps_interval_covers_the_generator():
    s = make_survey(3000, random_state=2)
    r = net_promoter_score(s.data["recommend"], random_state=0)
    assert r.n == 3000 and -100 <= r.wald[0] < r.nps < r.wald[1] <= 100


def test_importance_performance_on_mobi(mobi):
    model = PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, scale=(1, 10)).fit(mobi)
    ipa = importance_performance(model, "Satisfaction", importance="standardized")
    effects = model.total_effects_.query("target == 'Satisfaction'").set_index("source")["total"]
    np.testing.assert_allclose(ipa.table["importance"], effects[ipa.table.index])
    assert ipa.table.index[0] == "Quality"  # the largest total effect on satisfaction
    np.testing.assert_allclose(ipa.table["performance"], model.index_[ipa.table.index])
    loyal = importance_performance(model, "Loyalty")
    assert "Satisfaction" in loyal.table.index and len(loyal.table) == 6


def test_satisfaction_trap_quadrants(mobi):
    model = PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, scale=(1, 10)).fit(mobi)
    q = satisfaction_loyalty(model, satisfied=70, loyal=70)
    idx = model.index_scores()
    trap = (idx["Satisfaction"] >= 70) & (idx["Loyalty"] < 70)
    assert q.satisfaction_trap.index.equals(idx.index[trap])
    assert int(q.summary()["respondents"].sum()) == len(mobi)
    assert len(q.satisfaction_trap) > 0


def test_complaint_statistics_recover_the_generator():
    s = make_survey(4000, random_state=5)
    data = s.data.assign(loyalty=PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data)
                         .index_scores()["Loyalty"])
    st = complaint_statistics(data)
    lo, hi = st.rate_interval
    assert lo <= s.complaint_rate <= hi
    assert st.n_complaints == int(s.data["complained"].sum())
    assert st.loyalty_gap < 0 and st.loyalty_gap_interval[1] < 0  # complainers are less satisfied
    assert st.resolution.loc["median", "value"] == pytest.approx(s.data["resolution_days"].median())
    assert st.loyalty.loc["complained", "customers"] == st.n_complaints


def test_complaint_resolution_durations_count_in_days():
    # timedelta resolution times were read as nanoseconds (1 day counted as 8.64e13 days)
    frame = pd.DataFrame({"complained": [True, False, True, True],
                          "resolution_days": pd.to_timedelta([1, None, 3, 12], unit="D"),
                          "loyalty": [40.0, 80.0, 60.0, 20.0]})
    res = complaint_statistics(frame)
    assert res.resolution["value"].to_dict() == pytest.approx(
        {"mean": 16 / 3, "median": 3.0, "p90": 3 + 0.8 * 9})
    assert res.loyalty.loc["resolved 2-7 days", "customers"] == 1
    assert res.loyalty.loc["resolved 8-30 days", "mean_loyalty"] == 20.0
