"""Properties from a raw log to the scores, through the public API (hypothesis).

raw log -> ``clean_transactions`` -> ``customer_summary`` -> ``segmentation.rfm_scores``:

- every customer of the clean log is in the summary and in the scores, and every raw
  customer is either there or counted by the cleaning log;
- no NaN or infinite value in any numeric output;
- the same answer whatever the row order of the raw log;
- the same summary on pandas and polars (cleaning and summary both run in polars).
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crmmine as cm

CUSTOMERS = st.sampled_from(["a", "b", "c", "d", "é", "客"])
START = pd.Timestamp("2020-01-01")


@st.composite
def raw_logs(draw) -> tuple[pd.DataFrame, str, int]:
    """A raw log with returns, duplicates, bad dates and bad amounts; the date form; a seed."""
    n = draw(st.integers(1, 25))
    rows = draw(st.lists(
        st.tuples(
            CUSTOMERS,
            st.integers(0, 400),  # day offset
            st.integers(0, 23),  # hour
            st.one_of(st.floats(0, 5_000, allow_nan=False), st.floats(-100, -0.01),
                      st.sampled_from([np.nan, np.inf])),
            st.integers(0, 8),  # order number within the customer
            st.booleans(),  # a bad date
        ),
        min_size=n, max_size=n,
    ))
    form = draw(st.sampled_from(["iso text", "yyyymmdd", "datetime"]))
    frame = pd.DataFrame(rows, columns=["customer", "day", "hour", "amount", "order", "bad"])
    when = START + pd.to_timedelta(frame["day"], unit="D")
    if form == "iso text":
        stamp = (when + pd.to_timedelta(frame["hour"], unit="h")).dt.strftime("%Y-%m-%d %H:%M:%S")
        date = stamp.where(~frame["bad"], "not a date")
    elif form == "yyyymmdd":
        date = when.dt.strftime("%Y%m%d").astype("int64").where(~frame["bad"], 20200231)
    else:
        date = (when + pd.to_timedelta(frame["hour"], unit="h")).where(~frame["bad"])
    raw = pd.DataFrame({
        "Customer": frame["customer"],
        "Invoice": frame["customer"] + "-" + frame["order"].astype(str),
        "When": date,
        "Value": frame["amount"],
    })
    return raw, form, draw(st.integers(0, 2**31 - 1))


COLUMNS = {"customer_id": "Customer", "order_id": "Invoice", "date": "When", "amount": "Value"}
POLICY = {"returns": "drop", "bad_dates": "drop", "bad_amounts": "drop", "columns": COLUMNS}


def pipeline(raw):
    tx, log = cm.clean_transactions(raw, **POLICY)
    summary = cm.customer_summary(tx, time_unit="W")
    scores = cm.segmentation.rfm_scores(summary)
    return tx, log, summary, scores


def _numeric_finite(frame: pd.DataFrame) -> bool:
    numbers = frame.select_dtypes("number").to_numpy(dtype="float64")
    return bool(np.isfinite(numbers).all())


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw_logs())
def test_raw_log_to_scores(case):
    raw, _form, seed = case
    before = copy.deepcopy(raw)
    try:
        tx, log, summary, scores = pipeline(raw)
    except cm.DataError as exc:  # every row removed: said, never silent
        assert "no transactions are left" in str(exc)
        good_amount = np.isfinite(raw["Value"]) & raw["Value"].ge(0)
        good_date = ~raw["When"].isin(["not a date", 20200231]) & raw["When"].notna()
        assert not (good_amount & good_date).any()
        return
    pd.testing.assert_frame_equal(raw, before)  # input untouched

    # every customer accounted for
    clean_ids = set(tx["customer_id"])
    assert set(summary.index) == clean_ids == set(scores.index)
    assert len(summary) == log.customers_output
    assert log.customers_input == raw["Customer"].nunique()
    assert log.n_input == len(raw) == log.n_output + log.n_removed
    assert summary["monetary"].sum() == pytest.approx(tx["amount"].sum(), rel=1e-9, abs=1e-6)

    # no NaN or inf anywhere
    assert tx["date"].notna().all() and np.isfinite(tx["amount"]).all()
    assert _numeric_finite(summary) and _numeric_finite(scores)
    assert summary[["first_purchase", "last_purchase"]].notna().all().all()

    # the same answer whatever the row order
    shuffled = raw.sample(frac=1.0, random_state=seed % 2**32)
    _tx2, log2, summary2, scores2 = pipeline(shuffled)
    pd.testing.assert_frame_equal(summary2, summary)
    pd.testing.assert_frame_equal(scores2, scores)
    assert sorted(map(str, log2.steps)) == sorted(map(str, log.steps))

    # the same summary on polars, from the raw log
    tx_pl, log_pl = cm.clean_transactions(pl.from_pandas(raw), **POLICY)
    assert isinstance(tx_pl, pl.DataFrame)
    assert log_pl.steps == log.steps
    summary_pl = cm.customer_summary(tx_pl, time_unit="W")
    assert isinstance(summary_pl, pl.DataFrame)
    got = summary_pl.to_pandas().set_index("customer_id")
    pd.testing.assert_frame_equal(got, summary, check_dtype=False)
