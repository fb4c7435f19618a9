"""The one date rule, on pandas and inside the engines (polars, DuckDB)."""

import copy

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.data import parse_dates


def _days(result):
    return result.values.dt.strftime("%Y-%m-%d").tolist()


def test_whole_numbers_are_yyyymmdd():
    got = parse_dates(pd.Series([19970101, 19980630]), "date")
    assert _days(got) == ["1997-01-01", "1998-06-30"]
    assert got.notes == [("whole-number dates read as YYYYMMDD", 2)]
    # integral floats, as pd.read_csv gives for an integer column with a gap
    got = parse_dates(pd.Series([19970101.0, np.nan]), "date")
    assert got.bad.tolist() == [False, True]
    # not a calendar day, or not 8 digits: bad, never 1970 plus nanoseconds
    got = parse_dates(pd.Series([19970230, 1997, 19970101]), "date")
    assert got.bad.tolist() == [True, True, False]


def test_iso_text_in_its_usual_forms():
    text = ["2011-12-09", "2011-12-09 08:26:00", "2011-12-09T08:26", "2011/12/09",
            "2011-1-2", "20111209", "2011-12-09 08:26:00.250"]
    got = parse_dates(pd.Series(text), "date")
    assert not got.bad.any()
    assert got.values.dt.date.astype(str).tolist() == [
        "2011-12-09", "2011-12-09", "2011-12-09", "2011-12-09", "2011-01-02", "2011-12-09",
        "2011-12-09"]


def test_day_month_order_is_read_from_the_column_or_asked_for():
    # 13/02/2020 can only be day-first: the whole column is read day-first
    got = parse_dates(pd.Series(["13/02/2020", "01/02/2020", "05.03.20"]), "date")
    assert _days(got) == ["2020-02-13", "2020-02-01", "2020-03-05"]
    # 02/13/2020 can only be month-first
    got = parse_dates(pd.Series(["02/13/2020", "01/02/2020"]), "date")
    assert _days(got) == ["2020-02-13", "2020-01-02"]
    # equal day and month read the same either way: nothing to decide
    assert _days(parse_dates(pd.Series(["01/01/2020"]), "date")) == ["2020-01-01"]
    with pytest.raises(cm.DataError, match=r"(?s)'date'.*ambiguous.*01/02/2020.*dayfirst"):
        parse_dates(pd.Series(["01/02/2020", "03/04/2020"]), "date")
    with pytest.raises(cm.DataError, match=r"(?s)both ways.*13/02/2020.*02/13/2020"):
        parse_dates(pd.Series(["13/02/2020", "02/13/2020"]), "date")
    # an explicit order: values that contradict it are bad dates, never read the other way
    got = parse_dates(pd.Series(["13/02/2020", "02/13/2020"]), "date", dayfirst=True)
    assert got.bad.tolist() == [False, True]
    got = parse_dates(pd.Series(["01/02/2020"]), "date", date_format="%m/%d/%Y")
    assert _days(got) == ["2020-01-02"]


def test_two_digit_years_follow_strftime():
    got = parse_dates(pd.Series(["31/12/68", "31/12/69"]), "date")
    assert _days(got) == ["2068-12-31", "1969-12-31"]


def test_time_zones_are_converted_to_utc():
    aware = pd.Series(pd.to_datetime(["2020-06-30 23:00"]).tz_localize("Europe/Paris"))
    got = parse_dates(aware, "date")
    assert got.values.iloc[0] == pd.Timestamp("2020-06-30 21:00")
    assert got.values.dt.tz is None
    got = parse_dates(pd.Series(["2020-06-30T23:00:00+02:00", "2020-06-30 23:00"]), "date")
    assert got.values.tolist() == [pd.Timestamp("2020-06-30 21:00"),
                                   pd.Timestamp("2020-06-30 23:00")]


def test_written_months_and_nonsense():
    got = parse_dates(pd.Series(["5 Jan 2011", "Tue, 01 Feb 2011 10:00", "5", "tomorrow"]),
                      "date")
    assert got.bad.tolist() == [False, False, True, True]  # "5" is not the 5th of this month
    assert _days(got)[:2] == ["2011-01-05", "2011-02-01"]


def test_index_labels_are_kept():
    values = pd.Series(["2020-01-01", "2020-01-02"], index=[10, 10])
    got = parse_dates(values, "date")
    assert got.values.index.tolist() == [10, 10]


def _log(steps):
    return {(s["reason"], s["action"]): s["rows"] for s in steps}


def test_engines_read_dates_like_pandas(local_backend):
    raw = pd.DataFrame({
        "customer_id": [1, 1, 2, 3],
        "ymd": [19970101, 19970112, 19970230, 19980630],
        "iso": ["2011-12-09", "2011-12-09 08:26:00", "2011/12/10", "not a date"],
        "dmy": ["13/02/2020", "01/02/2020", "1/3/2020", "05-03-2020"],
        "amount": [1.0, 2.0, 3.0, 4.0],
    })
    before = copy.deepcopy(raw)
    for column in ("ymd", "iso", "dmy"):
        ref_tx, ref_log = cm.clean_transactions(raw, date=column, bad_dates="drop",
                                                keep_columns=False)
        tx, log = cm.clean_transactions(local_backend.table(raw), date=column, bad_dates="drop",
                                        keep_columns=False)
        assert _log(log.steps) == _log(ref_log.steps), column
        got = local_backend.to_pandas(tx).sort_values(["date", "customer_id"])
        pd.testing.assert_frame_equal(got.reset_index(drop=True),
                                      ref_tx.sort_values(["date", "customer_id"])
                                      .reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(raw, before)


def test_engines_raise_on_ambiguous_dates(local_backend):
    raw = pd.DataFrame({"customer_id": [1, 2], "date": ["01/02/2020", "03/04/2020"],
                        "amount": [1.0, 2.0]})
    with pytest.raises(cm.DataError, match=r"(?s)ambiguous.*dayfirst=True"):
        cm.clean_transactions(local_backend.table(raw))
    tx, _ = cm.clean_transactions(local_backend.table(raw), dayfirst=True)
    assert local_backend.to_pandas(tx)["date"].dt.month.tolist() == [2, 4]


def test_engines_convert_time_zones_to_utc(local_backend):
    aware = pd.to_datetime(["2020-06-30 23:00", "2020-07-01 01:30"]).tz_localize("Europe/Paris")
    raw = pd.DataFrame({"customer_id": [1, 2], "date": aware, "amount": [1.0, 2.0]})
    tx, log = cm.clean_transactions(local_backend.table(raw))
    got = local_backend.to_pandas(tx).sort_values("customer_id")
    assert got["date"].tolist() == [pd.Timestamp("2020-06-30 21:00"),
                                    pd.Timestamp("2020-06-30 23:30")]
    assert _log(log.steps)[("time-zone-aware dates converted to UTC (zone removed)", "changed")] == 2
