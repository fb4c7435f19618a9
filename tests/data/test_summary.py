"""The customer summary: published CDNOW summary, counting rules, backends, bad input."""

import copy

import numpy as np
import pandas as pd
import pytest

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


def test_default_time_unit_is_days_everywhere(tx):
    s = cm.customer_summary(tx, as_of="2011-01-31")
    cal, hold = cm.calibration_holdout(tx, "2011-01-12", "2011-01-31")
    assert s.attrs["time_unit"] == "D" and cal.attrs["time_unit"] == "D"
    assert hold["duration"].iloc[0] == 19.0
    assert cal.attrs["count"] == "days"  # the BTYD path counts purchase days


def test_without_an_order_column_each_line_is_an_order(tx):
    lines = tx.drop(columns="order_id")
    assert cm.customer_summary(lines, as_of="2011-01-31").loc["x", "orders"] == 3
    assert cm.customer_summary(lines, as_of="2011-01-31", count="days").loc["x", "orders"] == 2


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


def test_time_zone_aware_dates_are_read_in_utc(tx):
    # 2011-01-15 01:00 in Tokyo is 2011-01-14 16:00 UTC: the purchase day is the 14th
    aware = tx.assign(date=tx["date"].dt.tz_localize("Asia/Tokyo") + pd.Timedelta(hours=1))
    s = cm.customer_summary(aware, as_of="2011-01-31")
    assert s.loc["x", "last_purchase"] == pd.Timestamp("2011-01-14")
    cleaned, _log = cm.clean_transactions(aware)
    pd.testing.assert_frame_equal(cm.customer_summary(cleaned, as_of="2011-01-31"), s)


def test_negative_amounts_are_never_netted_silently(tx):
    refund = tx.assign(amount=[10.0, -5.0, 30.0, 7.0, 2.0, 4.0])
    with pytest.raises(cm.DataError) as info:
        cm.customer_summary(refund, as_of="2011-01-31")
    msg = str(info.value)
    assert "'amount'" in msg and "returns='drop'" in msg and "returns='net'" in msg
    s = cm.customer_summary(refund, as_of="2011-01-31", returns="net")
    assert s.loc["x", "monetary"] == pytest.approx(35.0) and s.loc["x", "orders"] == 2


def test_bad_input(tx):
    with pytest.raises(cm.SchemaError, match="did you mean"):
        cm.customer_summary(tx.rename(columns={"amount": "amt"}))
    with pytest.raises(cm.DataError, match="not a date"):
        cm.customer_summary(tx.assign(date=tx["date"].astype(str)))
    with pytest.raises(cm.DataError, match="empty"):
        cm.customer_summary(tx.iloc[:0])
    with pytest.raises(cm.DataError, match="missing amounts"):
        cm.customer_summary(tx.assign(amount=[1.0, None, 1, 1, 1, 1]))
    with pytest.raises(cm.ParameterError, match="count"):
        cm.customer_summary(tx, count="lines")
    with pytest.raises(cm.ParameterError, match="unknown time unit"):
        cm.customer_summary(tx, time_unit="fortnight")


def test_single_customer(tx):
    s = cm.customer_summary(tx[tx["customer_id"] == "y"])
    assert len(s) == 1 and s.loc["y", "T"] == 0.0


def test_summary_and_holdout_on_every_backend(backend, tx):
    """Output follows input on pandas, polars (eager and lazy), DuckDB and Spark, same numbers."""
    before = copy.deepcopy(tx)
    native = backend.table(tx)
    ref = cm.customer_summary(tx, as_of="2011-01-31", time_unit="W")
    got = cm.customer_summary(native, as_of="2011-01-31", time_unit="W")
    assert backend.is_native(got)
    if backend.name != "pandas":
        assert list(backend.to_pandas(got).columns[:2]) == ["customer_id", "first_purchase"]
    pd.testing.assert_frame_equal(backend.to_pandas(got, index="customer_id"), ref,
                                  check_dtype=False)
    ref_cal, ref_hold = cm.calibration_holdout(tx, "2011-01-12", "2011-01-31")
    cal, hold = cm.calibration_holdout(native, "2011-01-12", "2011-01-31")
    assert backend.is_native(cal) and backend.is_native(hold)
    pd.testing.assert_frame_equal(backend.to_pandas(cal, index="customer_id"), ref_cal,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(backend.to_pandas(hold, index="customer_id"), ref_hold,
                                  check_dtype=False)
    pd.testing.assert_frame_equal(tx, before)


def test_lazy_engines_stay_lazy(tx):
    import duckdb
    import polars as pl

    got = cm.customer_summary(pl.from_pandas(tx).lazy(), as_of="2011-01-31")
    assert isinstance(got, pl.LazyFrame)
    rel = cm.customer_summary(duckdb.from_df(tx), as_of="2011-01-31")
    assert isinstance(rel, duckdb.DuckDBPyRelation)
    assert rel.columns[0] == "customer_id"


def test_cdnow_calibration_equals_published_summary(shared_data):
    # The 2,357-customer, 39-week calibration summary of Fader, Hardie & Lee (2005),
    # as shipped with lifetimes (cdnow_customers_summary.csv): recency and T in weeks,
    # rounded to two decimals; repeat purchases counted on distinct days (the default).
    tx = cm.datasets.load_cdnow()
    cal, hold = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W")
    ref = cm.datasets.load_cdnow("summary")
    assert len(cal) == 2_357
    assert (cal.index.to_numpy() == ref.index.to_numpy()).all()
    assert (cal["frequency"].to_numpy() == ref["frequency"].to_numpy()).all()
    np.testing.assert_allclose(cal["recency"], ref["recency"], atol=0.005 + 1e-12)
    np.testing.assert_allclose(cal["T"], ref["T"], atol=0.005 + 1e-12)
    assert (hold["duration"] == 39.0).all()
    assert hold.index.equals(cal.index)


def test_cdnow_master_days_count_has_no_instant_repeaters(shared_data):
    # The CDNOW master file read as a new user would: pd.read_csv with whitespace, integer
    # YYYYMMDD dates. 23,570 customers (README of ../shared/data).
    raw = pd.read_csv(shared_data / "cdnow" / "CDNOW_master.txt", sep=r"\s+")
    assert raw["date"].dtype == "int64"
    tx, _log = cm.clean_transactions(raw, amount="dollar_value", quantity="number_of_cds",
                                     duplicates="keep")
    assert tx["date"].min() == pd.Timestamp("1997-01-01")
    assert tx["date"].max() == pd.Timestamp("1998-06-30")
    by_order = cm.customer_summary(tx, count="orders")
    by_day = cm.customer_summary(tx, count="days")
    assert len(by_order) == len(by_day) == 23_570
    instant = (by_order["frequency"] > 0) & (by_order["recency"] == 0)
    assert int(instant.sum()) == 146  # issue 10 item 5: repeat orders on the first day
    assert int(((by_day["frequency"] > 0) & (by_day["recency"] == 0)).sum()) == 0
    # customer 2 placed two orders on 1997-01-12 and never came back
    assert by_order.loc[2, "frequency"] == 1 and by_day.loc[2, "frequency"] == 0
    cal, _hold = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30")
    assert cal.loc[2, "frequency"] == 0
    assert int(((cal["frequency"] > 0) & (cal["recency"] == 0)).sum()) == 0


def test_calibration_holdout_counts(tx):
    cal, hold = cm.calibration_holdout(tx, "2011-01-12", "2011-01-31", time_unit="D",
                                       count="orders")
    assert list(cal.index) == ["x", "y", "z"]
    assert hold.loc["x", "purchases"] == 1 and hold.loc["x", "spend"] == 30.0
    assert hold.loc["y", "purchases"] == 0
    assert hold["duration"].iloc[0] == 19.0
    with pytest.raises(cm.ParameterError, match="must be after"):
        cm.calibration_holdout(tx, "2011-01-31", "2011-01-12")


@pytest.mark.parametrize("shared", [False, True])
def test_order_lines_grouped_by_order_match_the_two_key_grouping(shared):
    # pandas groups integer order ids on their own when no order belongs to two customers (a faster
    # path); with an order id shared by two customers it must fall back to (customer, order)
    rng = np.random.default_rng(3)
    n = 400
    tx = pd.DataFrame({"customer_id": rng.integers(1, 60, n), "order_id": np.arange(n) // 2,
                       "amount": rng.gamma(2.0, 10.0, n).round(2),
                       "date": pd.Timestamp("2021-01-01") + pd.to_timedelta(rng.integers(0, 300, n), "D")})
    # both lines of an order: one customer and one day
    tx["customer_id"] = tx.groupby("order_id")["customer_id"].transform("first")
    tx["date"] = tx.groupby("order_id")["date"].transform("min")
    if shared:
        tx.loc[tx.index[-1], "customer_id"] = tx["customer_id"].iloc[0] + 1000  # order n/2-1 now spans two
    got = cm.customer_summary(tx, as_of="2021-12-31")
    # reference: one row per (customer, order) by hand, then the summary of those orders
    orders = tx.groupby(["customer_id", "order_id"], as_index=False).agg(date=("date", "min"),
                                                                        amount=("amount", "sum"))
    want = cm.customer_summary(orders.assign(order_id=np.arange(len(orders))), as_of="2021-12-31")
    pd.testing.assert_frame_equal(got, want, check_like=True)
