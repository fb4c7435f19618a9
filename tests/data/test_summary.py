"""The customer summary: published CDNOW summary, backends, invariants, bad input."""

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import crmmine as cm


@pytest.fixture
def tx():
    return pd.DataFrame(
        {
            "customer_id": ["x", "x", "x", "y", "z", "z"],
            "order_id": [1, 2, 3, 4, 5, 6],
            "date": pd.to_datetime(
                [
                    "2011-01-01 09:00",
                    "2011-01-01 15:00",
                    "2011-01-15",
                    "2011-01-10",
                    "2011-01-03",
                    "2011-01-24",
                ],
                format="mixed",
            ),
            "amount": [10.0, 5.0, 30.0, 7.0, 2.0, 4.0],
        }
    )


def test_orders_versus_days(tx):
    by_order = cm.customer_summary(tx, as_of="2011-01-31")
    by_day = cm.customer_summary(tx, as_of="2011-01-31", count="days")
    assert by_order.loc["x", "orders"] == 3 and by_day.loc["x", "orders"] == 2
    # repeat mean: purchases after the first purchase day
    assert by_order.loc["x", "repeat_monetary_mean"] == pytest.approx(30.0)
    assert by_day.loc["x", "repeat_monetary_mean"] == pytest.approx(30.0)
    assert by_order.loc["x", "recency"] == 14.0 and by_order.loc["x", "T"] == 30.0
    assert by_order.loc["x", "since_last"] == 16.0
    assert by_order.loc["y", "frequency"] == 0 and by_order.loc["y", "repeat_monetary_mean"] == 0


def test_time_units_scale(tx):
    days = cm.customer_summary(tx, as_of="2011-01-31", time_unit="D")
    weeks = cm.customer_summary(tx, as_of="2011-01-31", time_unit="W")
    np.testing.assert_allclose(weeks["T"] * 7, days["T"])
    assert weeks.attrs["time_unit"] == "W"


def test_future_rows_raise_or_are_counted(tx):
    with pytest.raises(cm.DataError, match="after as_of"):
        cm.customer_summary(tx, as_of="2011-01-12")
    s = cm.customer_summary(tx, as_of="2011-01-12", future="ignore")
    assert s.attrs["n_rows_after_as_of"] == 2
    assert "x" in s.index and s.loc["x", "orders"] == 2


def test_bad_input(tx):
    with pytest.raises(cm.SchemaError, match="did you mean"):
        cm.customer_summary(tx.rename(columns={"amount": "amt"}))
    with pytest.raises(cm.DataError, match="not a date"):
        cm.customer_summary(tx.assign(date=tx["date"].astype(str)))
    with pytest.raises(cm.DataError, match="empty"):
        cm.customer_summary(tx.iloc[:0])
    with pytest.raises(cm.DataError, match="missing amounts"):
        cm.customer_summary(tx.assign(amount=[1.0, None, 1, 1, 1, 1]))
    with pytest.raises(cm.ParameterError, match="count must be"):
        cm.customer_summary(tx, count="lines")
    with pytest.raises(cm.ParameterError, match="unknown time unit"):
        cm.customer_summary(tx, time_unit="fortnight")


def test_single_customer(tx):
    s = cm.customer_summary(tx[tx["customer_id"] == "y"])
    assert len(s) == 1 and s.loc["y", "T"] == 0.0


def test_pandas_polars_duckdb_identical(tx):
    ref = cm.customer_summary(tx, as_of="2011-01-31", time_unit="W")
    got_pl = cm.customer_summary(pl.from_pandas(tx), as_of="2011-01-31", time_unit="W")
    rel = duckdb.from_df(tx)
    got_db = cm.customer_summary(rel, as_of="2011-01-31", time_unit="W")
    pd.testing.assert_frame_equal(ref, got_pl)
    pd.testing.assert_frame_equal(ref, got_db)


def test_cdnow_calibration_equals_published_summary(shared_data):
    # The 2,357-customer, 39-week calibration summary of Fader, Hardie & Lee (2005),
    # as shipped with lifetimes (cdnow_customers_summary.csv): recency and T in weeks,
    # rounded to two decimals; repeat purchases counted on distinct days.
    tx = cm.datasets.load_cdnow()
    cal, hold = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W", count="days")
    ref = cm.datasets.load_cdnow("summary")
    assert len(cal) == 2_357
    assert (cal.index.to_numpy() == ref.index.to_numpy()).all()
    assert (cal["frequency"].to_numpy() == ref["frequency"].to_numpy()).all()
    np.testing.assert_allclose(cal["recency"], ref["recency"], atol=0.005 + 1e-12)
    np.testing.assert_allclose(cal["T"], ref["T"], atol=0.005 + 1e-12)
    assert (hold["duration"] == 39.0).all()
    assert hold.index.equals(cal.index)


def test_calibration_holdout_counts(tx):
    cal, hold = cm.calibration_holdout(tx, "2011-01-12", "2011-01-31", time_unit="D")
    assert list(cal.index) == ["x", "y", "z"]
    assert hold.loc["x", "purchases"] == 1 and hold.loc["x", "spend"] == 30.0
    assert hold.loc["y", "purchases"] == 0
    assert hold["duration"].iloc[0] == 19.0
    with pytest.raises(cm.ParameterError, match="must be after"):
        cm.calibration_holdout(tx, "2011-01-31", "2011-01-12")


ids = st.sampled_from(["a", "b", "c", "d", "e", "f"])
rows = st.tuples(ids, st.integers(0, 365), st.floats(0, 1e4, allow_nan=False), st.integers(0, 30))


@settings(max_examples=60, deadline=None)
@given(st.lists(rows, min_size=1, max_size=40))
def test_properties(data):
    frame = pd.DataFrame(data, columns=["customer_id", "day", "amount", "order"])
    frame["date"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(frame["day"], unit="D")
    frame["order_id"] = frame["customer_id"] + "-" + frame["order"].astype(str)
    frame = frame.drop(columns=["day", "order"])
    before = frame.copy()
    s = cm.customer_summary(frame, time_unit="W")
    pd.testing.assert_frame_equal(frame, before)  # input unchanged
    # every customer appears exactly once
    assert sorted(s.index) == sorted(frame["customer_id"].unique())
    assert s.index.is_unique
    # totals conserved
    assert s["monetary"].sum() == pytest.approx(frame["amount"].sum(), rel=1e-9, abs=1e-6)
    assert s["orders"].sum() == frame["order_id"].nunique()
    assert (s["recency"] <= s["T"] + 1e-12).all() and (s["since_last"] >= 0).all()
    np.testing.assert_allclose(s["recency"] + s["since_last"], s["T"])
    # pandas and polars agree
    pd.testing.assert_frame_equal(s, cm.customer_summary(pl.from_pandas(frame), time_unit="W"))
