"""Lifecycle stages, the texts' five-stage preset, transitions and actions."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import (
    LIFECYCLE_PRESETS,
    STAGES,
    assign_actions,
    lifecycle_stages,
    lifecycle_transitions,
    stage_actions,
)


def _tx(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date"]).assign(
        date=lambda d: pd.to_datetime(d["date"])
    )


def _example():
    weekly = [(1, d) for d in pd.date_range("2020-01-01", "2020-12-25", freq="7D")]  # steady: mature
    speeding = [(2, d) for d in pd.date_range("2020-01-01", "2020-06-01", freq="60D")] + [
        (2, d) for d in pd.date_range("2020-07-10", "2020-12-28", freq="7D")
    ]  # growing
    gone = [(3, "2020-01-01"), (3, "2020-01-10"), (3, "2020-01-20")]  # lost
    fresh = [(4, "2020-12-01")]  # new
    slowing = [(6, d) for d in pd.date_range("2020-01-01", "2020-06-30", freq="10D")] + [(6, "2020-12-15")]
    return _tx(weekly + speeding + gone + fresh + slowing)


def test_stage_rules():
    out = lifecycle_stages(_example(), as_of="2020-12-31", customers=pd.Index([1, 2, 3, 4, 5, 6]))
    assert out.loc[[1, 2, 3, 4, 5, 6], "stage"].astype(str).tolist() == [
        "mature",
        "growing",
        "lost",
        "new",
        "prospect",
        "declining",
    ]
    # customer 3: gaps of 9 and 10 days, median 9.5 (days between purchase days)
    assert out.loc[3, "typical_gap"] == pytest.approx(9.5)
    # as_of is inclusive; days_since_last counts like the summary's since_last: 2020-12-31 - 2020-12-23
    assert out.loc[1, "last_purchase"] == pd.Timestamp("2020-12-23")
    assert out.loc[1, "days_since_last"] == 8


def test_texts5_preset_and_actions():
    out = lifecycle_stages(
        _example(), as_of="2020-12-31", customers=pd.Index([1, 2, 3, 4, 5, 6]), preset="texts5"
    )
    assert list(out["stage"].cat.categories) == [
        "prospect",
        "development",
        "growth",
        "maturity",
        "termination",
    ]
    mapped = out["detail_stage"].astype(str).map(LIFECYCLE_PRESETS["texts5"])
    assert (mapped == out["stage"].astype(str)).all()
    acts = assign_actions(out)
    # the texts: advertising for prospects, cross-selling through partners in development, points
    # membership in growth, one-to-one service in maturity, win-back in termination
    assert acts.loc[[5, 4, 2, 1, 3, 6], "action"].tolist() == [
        "advertising",
        "cross-selling through partners",
        "points membership",
        "one-to-one service",
        "win-back",
        "win-back",
    ]
    edited = stage_actions()
    edited.loc["growth", "action"] = "birthday coupon"
    assert assign_actions(out, edited).loc[2, "action"] == "birthday coupon"
    zh = lifecycle_stages(_example(), as_of="2020-12-31", preset="texts5", locale="zh")
    assert zh.loc[2, "stage"] == "成长期"
    assert (zh["stage"].cat.codes == out.loc[zh.index, "stage"].cat.codes).all()
    assert assign_actions(zh).loc[2, "action"] == "积分会员制"
    with pytest.raises(DataError, match="no row in the actions table"):
        assign_actions(out, edited.drop(index="growth"))


def test_rows_after_as_of_are_left_out_and_counted():
    tx = _tx([(1, "2020-01-01"), (1, "2020-03-01"), (1, "2021-05-01")])
    out = lifecycle_stages(tx, as_of="2021-01-01")
    assert out.attrs["n_rows_after_as_of"] == 1
    assert out.loc[1, "purchase_days"] == 2


def test_transitions_agree_with_stages_at_each_date():
    tx = _example()
    dates = ["2020-04-01", "2020-08-01", "2020-12-31"]
    tr = lifecycle_transitions(tx, dates, customers=[5])
    assert list(tr.history.columns) == [pd.Timestamp(d) for d in dates]
    for d in dates:
        alone = lifecycle_stages(tx, as_of=d, customers=tr.history.index)
        assert (
            tr.history[pd.Timestamp(d)].astype(str).equals(alone.loc[tr.history.index, "stage"].astype(str))
        )
    m = tr.matrix()
    assert int(m.to_numpy().sum()) == len(tr.history)
    assert int(m.loc["prospect", "new"]) == 1  # customer 4 bought for the first time in December
    shares = tr.matrix(normalize=True)
    assert ((shares.sum(axis=1) - 1).abs() < 1e-12)[m.sum(axis=1) > 0].all()
    assert repr(tr) == "StageTransitions(customers=6, dates=3)"
    assert tr.summary().equals(m)


def test_lifecycle_polars_and_duckdb_in_same_kind_out():
    pl = pytest.importorskip("polars")
    duckdb = pytest.importorskip("duckdb")
    tx = _example()
    expected = lifecycle_stages(tx, as_of="2020-12-31")["stage"].astype(str).tolist()
    out = lifecycle_stages(pl.from_pandas(tx), as_of="2020-12-31")
    assert isinstance(out, pl.DataFrame) and out.columns[0] == "customer_id"
    assert out["stage"].cast(pl.String).to_list() == expected
    rel = lifecycle_stages(duckdb.from_df(tx), as_of="2020-12-31")
    # computed inside DuckDB: a relation has no row order, so read it sorted by customer
    assert rel.order("customer_id").df()["stage"].astype(str).tolist() == expected


def test_parameters_are_checked():
    tx = _example()
    with pytest.raises(ParameterError, match="'window_days' of lifecycle_stages"):
        lifecycle_stages(tx, window_days=0)
    with pytest.raises(ParameterError, match="decline_ratio"):
        lifecycle_stages(tx, decline_ratio=2.0, growth_ratio=1.5)
    with pytest.raises(ParameterError, match="unknown lifecycle preset"):
        lifecycle_stages(tx, preset="texts6")
    with pytest.raises(ParameterError, match="strictly increasing"):
        lifecycle_transitions(tx, ["2020-06-01", "2020-01-01"])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.integers(0, 700)), min_size=1, max_size=100))
def test_every_customer_gets_exactly_one_stage(rows):
    tx = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
        }
    )
    out = lifecycle_stages(tx, as_of="2022-01-01", customers=pd.Index(range(1, 25)))
    assert sorted(out.index) == list(range(1, 25))
    assert out["stage"].isin(STAGES).all()
    shuffled = lifecycle_stages(
        tx.sample(frac=1, random_state=0), as_of="2022-01-01", customers=pd.Index(range(1, 25))
    )
    assert shuffled.loc[out.index, "stage"].astype(str).equals(out["stage"].astype(str))
