"""Alert budgets and precision/recall at the budget, by hand."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import alert_budget, budget_metrics, fraud_scores, tail_surprise


def test_budget_per_day_by_hand():
    dates = pd.to_datetime(
        ["2024-01-01 09:00", "2024-01-01 10:00", "2024-01-01 11:00", "2024-01-02 09:00", "2024-01-02 10:00"]
    )
    score = pd.Series([0.2, 0.9, 0.5, 0.3, 0.1], index=list("abcde"))
    assert alert_budget(score, dates=pd.Series(dates, index=list("abcde")), top_n=2).tolist() == [
        False,
        True,
        True,
        True,
        True,
    ]
    # a share per day is rounded up (one of three, one of two)
    assert alert_budget(score, dates=dates, share=0.3).tolist() == [False, True, False, True, False]
    assert alert_budget(score, top_n=2).tolist() == [False, True, True, False, False]


def test_metrics_at_the_budget_by_hand():
    dates = pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02"] * 3)
    y = pd.Series([1, 0, 1, 0, 0, 1])
    s = pd.Series([0.9, 0.8, 0.1, 0.7, 0.2, 0.6])
    m = budget_metrics(y, s, dates=dates, top_n=1, cases=pd.Series(["x", None, "x", None, None, "y"]))
    # day 1 alerts row 0 (fraud), day 2 alerts row 3 (genuine): 1 hit of 2 alerts, of 3 frauds
    assert m.precision == 0.5 and m.recall == pytest.approx(1 / 3)
    assert m.case_recall == 0.5  # case x found (row 0), case y missed
    assert m.to_frame()["hits"].tolist() == [1, 0]
    assert m.summary()["alerts"].iloc[0] == 2


def test_tail_surprise_by_hand():
    v = np.array([0.0, 0.0, 0.0, 1.0, 5.0])
    # shares at least as high: 1, 1, 1, 2/5, 1/5
    assert np.allclose(tail_surprise(v, "high"), -np.log10([1, 1, 1, 0.4, 0.2]))
    assert np.allclose(tail_surprise(v, "low"), -np.log10([0.6, 0.6, 0.6, 0.8, 1.0]))


def test_groups_count_once_and_reasons_follow_the_strongest_member():
    f = pd.DataFrame(
        {"count_1h": [0, 0, 0, 0, 9, 0], "count_24h": [0, 1, 0, 1, 12, 0], "new_device": [0, 0, 0, 0, 0, 1]}
    )
    d = {"count_1h": "high", "count_24h": "high", "new_device": "high"}
    apart = fraud_scores(f, direction=d, top_signals=3)
    grouped = fraud_scores(f, direction=d, top_signals=3, groups={"velocity": ["count_1h", "count_24h"]})
    assert apart.loc[4, "score"] > grouped.loc[4, "score"] == pytest.approx(np.log10(6))
    assert grouped.loc[4, "reasons"].startswith("count_1h 9")


def test_missing_feature_values_carry_no_surprise_nor_reason():
    # a missing value counts as the median for the others, but on a "low" feature the median
    # itself carried surprise (here 0.146), so NA raised scores and showed as "a <NA>" in reasons
    f = pd.DataFrame({"a": pd.array([5, 5, 5, 6, None, 1, 9], dtype="Int64"), "b": [0, 0, 0, 1, 1, 0, 0]})
    out = fraud_scores(f, direction={"a": "low", "b": "high"}, share=1.0)
    assert out.loc[4, "s_a"] == 0.0
    # the others' tail shares still count the missing row at the median, 5:
    # 5 of 7 are <= 5 (1, three 5s and the NA)
    assert out.loc[0, "s_a"] == pytest.approx(-np.log10(5 / 7))
    assert out.loc[4, "score"] == pytest.approx(-np.log10(2 / 7))  # b = 1 for 2 of 7 rows
    assert out.loc[4, "reasons"] == "b 1 (top 29%)"


def test_timezone_aware_dates_cut_at_local_days_without_a_pandas_warning():
    # pandas warned (UserWarning) that the zone was dropped; the day is the local one
    when = pd.Series(pd.to_datetime(["2024-01-01 23:30", "2024-01-01 08:00", "2024-01-02 00:30"])
                     .tz_localize("Asia/Shanghai"))
    score = pd.Series([0.9, 0.5, 0.1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        flags = alert_budget(score, dates=when, top_n=1)
    assert flags.tolist() == [True, False, True]
