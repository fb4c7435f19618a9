"""Bad input at the data entry points: every case has a decided, documented behaviour.

Entry points: ``clean_transactions``, ``validate_transactions``, ``customer_summary``,
``calibration_holdout``. Each case asserts either a crmmine error whose message names
the column (or parameter) and the fix, or the documented policy with its entry in the
cleaning log; and that the input was not modified (compared with a deep copy).
The policies are documented in docs/data.md ("Bad input: what happens").
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import DataError, ParameterError, SchemaError


def base(n: int = 4) -> pd.DataFrame:
    """A small valid log: customers 1, 1, 2, 3 with ISO text dates."""
    return pd.DataFrame({
        "customer_id": [1, 1, 2, 3][:n],
        "order_id": ["a", "b", "c", "d"][:n],
        "date": ["2020-01-05", "2020-02-01", "2020-02-10", "2020-03-01"][:n],
        "amount": [10.0, 12.5, 3.0, 8.0][:n],
    })


def parsed() -> pd.DataFrame:
    return base().assign(date=lambda d: pd.to_datetime(d["date"]))


def _same(before, after) -> None:
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(after, before)
    elif isinstance(before, pd.Series):
        pd.testing.assert_series_equal(after, before)


def expect_error(call: Callable, data, error: type, *needles: str) -> str:
    """``call(data)`` raises ``error`` whose message holds every needle; data unchanged."""
    before = copy.deepcopy(data)
    with pytest.raises(error) as info:
        call(data)
    message = str(info.value)
    for needle in needles:
        assert needle in message, f"{needle!r} not in: {message}"
    assert isinstance(info.value, cm.CRMMineError)
    _same(before, data)
    return message


def expect_log(data, reason: str, rows: int, action: str, **kw):
    """Cleaning under a documented policy: a log entry with the reason and count; data unchanged."""
    before = copy.deepcopy(data)
    tx, log = cm.clean_transactions(data, **kw)
    entries = {(s["reason"], s["action"]): s["rows"] for s in log.steps}
    assert entries.get((reason, action)) == rows, log.to_text()
    _same(before, data)
    return tx, log


clean = cm.clean_transactions
summary = cm.customer_summary
validate = cm.validate_transactions

# ------------------------------------------------------------------------------- errors

ERRORS = [
    # (id, input builder, call, error class, needles: column and fix)
    ("empty-clean", lambda: base().iloc[:0], clean, DataError, "empty", "Fix:"),
    ("empty-summary", lambda: parsed().iloc[:0], summary, DataError, "empty", "Fix:"),
    ("empty-validate", lambda: base().iloc[:0], validate, DataError, "empty", "Fix:"),
    ("missing-column", lambda: base().rename(columns={"customer_id": "CustomerID"}), clean,
     SchemaError, "'customer_id'", "did you mean 'CustomerID'", "customer_id='<your column>'"),
    ("missing-column-summary", lambda: parsed().rename(columns={"amount": "Amount"}), summary,
     SchemaError, "'amount'", "did you mean 'Amount'"),
    ("duplicate-column-names-clean",
     lambda: base().set_axis(["customer_id", "amount", "date", "amount"], axis=1), clean,
     SchemaError, "duplicated column names ['amount']", "rename"),
    ("duplicate-column-names-summary",
     lambda: parsed().set_axis(["customer_id", "date", "date", "amount"], axis=1), summary,
     SchemaError, "['date']", "rename"),
    ("mixed-id-types-clean", lambda: base().astype({"customer_id": object}).assign(
        customer_id=[1, "1", 2, 3]), clean, DataError, "'customer_id'", "mixed types",
     ".astype(str)"),
    ("mixed-id-types-summary", lambda: parsed().astype({"customer_id": object}).assign(
        customer_id=[1, "1", 2, 3]), summary, DataError, "'customer_id'", ".astype(str)"),
    ("unhashable-ids", lambda: base().assign(customer_id=[[1], [1], [2], [3]]), clean, DataError,
     "'customer_id'", "lists", "single customer id"),
    ("unhashable-items", lambda: base().assign(item=[["a"], ["b"], ["a"], ["c"]]), clean,
     DataError, "'item'", "explode"),
    ("ambiguous-day-month", lambda: base().assign(
        date=["01/02/2020", "03/04/2020", "05/06/2020", "07/08/2020"]), clean, DataError,
     "'date'", "ambiguous", "dayfirst=True", "date_format="),
    ("day-month-both-ways", lambda: base().assign(
        date=["13/02/2020", "02/13/2020", "01/01/2020", "14/02/2020"]), clean, DataError,
     "'date'", "both ways", "dayfirst="),
    ("ambiguous-day-month-validate", lambda: base().assign(
        date=["01/02/2020", "03/04/2020", "05/06/2020", "07/08/2020"]), validate, DataError,
     "'date'", "dayfirst=True"),
    ("unparseable-date", lambda: base().assign(date=["2020-01-05", "soon", "2020-02-10", "x"]),
     clean, DataError, "'date'", "row positions 1, 3", "file lines 3, 5", "bad_dates='drop'"),
    ("missing-date-nat", lambda: parsed().assign(date=lambda d: d["date"].where(d.index != 2)),
     clean, DataError, "'date'", "row positions 2", "bad_dates='drop'"),
    ("empty-string-date", lambda: base().assign(date=["2020-01-05", "", "2020-02-10", " "]),
     clean, DataError, "'date'", "2 rows", "bad_dates='drop'"),
    ("impossible-calendar-date", lambda: base().assign(date=[20200105, 20200230, 20200210,
                                                              20200301]),
     clean, DataError, "'date'", "20200230", "bad_dates='drop'"),
    ("nat-in-summary", lambda: parsed().assign(date=lambda d: d["date"].where(d.index != 1)),
     summary, DataError, "'date'", "missing dates", "bad_dates='drop'"),
    ("boolean-dates", lambda: base().assign(date=[True, False, True, True]), clean, DataError,
     "'date'", "booleans", "date='<your date column>'"),
    ("fractional-number-dates", lambda: base().assign(date=[1.5, 2.5, 3.0, 4.0]), clean,
     DataError, "'date'", "fraction", "pd.to_datetime"),
    ("text-dates-in-summary", base, summary, DataError, "'date'", "not a date",
     "clean_transactions"),
    ("integer-dates-in-summary", lambda: base().assign(date=[20200105, 20200201, 20200210,
                                                              20200301]),
     summary, DataError, "'date'", "not a date", "YYYYMMDD"),
    ("inf-amount", lambda: base().assign(amount=[1.0, np.inf, 2.0, 3.0]), clean, DataError,
     "'amount'", "1 infinite", "bad_amounts='drop'"),
    ("minus-inf-amount-summary", lambda: parsed().assign(amount=[1.0, -np.inf, 2.0, 3.0]),
     summary, DataError, "'amount'", "infinite", "bad_amounts='drop'"),
    ("text-amount", lambda: base().assign(amount=["10", "ten", "3", "$8"]), clean, DataError,
     "'amount'", "2 not numbers", "bad_amounts='drop'"),
    ("missing-amount", lambda: base().assign(amount=[1.0, None, 2.0, 3.0]), clean, DataError,
     "'amount'", "1 missing", "bad_amounts='drop'"),
    ("missing-amount-nullable", lambda: parsed().assign(amount=pd.array([1, None, 2, 3],
                                                                        dtype="Int64")),
     summary, DataError, "'amount'", "missing amounts", "bad_amounts='drop'"),
    ("boolean-amounts", lambda: base().assign(amount=[True, False, True, True]), clean,
     DataError, "'amount'", "booleans", "amount='<your column>'"),
    ("boolean-amounts-summary", lambda: parsed().assign(amount=[True, False, True, True]),
     summary, DataError, "'amount'", "not numeric", "clean_transactions"),
    ("negative-amount-summary", lambda: parsed().assign(amount=[10.0, -4.0, 3.0, 8.0]), summary,
     DataError, "'amount'", "negative amounts", "returns='drop'", "returns='net'"),
    ("negative-amount-validate", lambda: base().assign(amount=[10.0, -4.0, 3.0, 8.0]), validate,
     DataError, "'amount'", "returns policy", "allow_negative=True"),
    ("huge-amounts-overflow", lambda: parsed().assign(amount=[1e308, 1e308, 3.0, 8.0]), summary,
     DataError, "'amount'", "overflow", "rescale"),
    ("missing-order-id", lambda: base().assign(order_id=["a", None, "c", "d"]), clean, DataError,
     "'order_id'", "missing order ids", "each line counts as its own order"),
    ("missing-order-id-summary", lambda: parsed().assign(order_id=["a", None, "c", "d"]),
     summary, DataError, "'order_id'", "missing order ids", "count='days'"),
    ("missing-customer-summary", lambda: parsed().assign(customer_id=[1.0, np.nan, 2.0, 3.0]),
     summary, DataError, "'customer_id'", "missing customer ids", "clean_transactions"),
    ("missing-customer-validate", lambda: base().assign(customer_id=[1.0, np.nan, 2.0, 3.0]),
     validate, DataError, "'customer_id'", "missing customer id", "missing_customer='drop'"),
    ("future-dates-summary", parsed, lambda d: summary(d, as_of="2020-02-15"), DataError,
     "'date'", "after as_of=2020-02-15", "future='ignore'"),
    ("future-dates-validate", base, lambda d: validate(d, as_of="2020-02-15"), DataError,
     "'date'", "after as_of", "later as_of"),
    ("duplicate-rows-validate", lambda: pd.concat([base(), base().iloc[[0]]], ignore_index=True),
     validate, DataError, "exact duplicates", "duplicates='drop'"),
    ("everything-removed", lambda: base().assign(amount=[-1.0, -2.0, -3.0, -4.0]), clean,
     DataError, "no transactions are left", "returns"),
    ("text-quantity-with-price", lambda: base().drop(columns="amount").assign(
        quantity=["1", "two", "3", "4"], price=[1.0, 2.0, 3.0, 4.0]),
     lambda d: clean(d, unit_price="price"), DataError, "'quantity'", "('price')",
     "1 not numbers", "bad_amounts='drop'"),
    ("missing-price-column", base, lambda d: clean(d, unit_price="UnitPrice"), SchemaError,
     "'UnitPrice'", "Fix:"),
    ("missing-customer-raise", lambda: base().assign(customer_id=[1.0, np.nan, 2.0, 3.0]),
     lambda d: clean(d, missing_customer="raise"), DataError, "'customer_id'", "row positions 1",
     "missing_customer='drop'"),
    ("nothing-before-calibration-end", parsed,
     lambda d: cm.calibration_holdout(d, "2019-12-31", "2020-06-30"), DataError,
     "calibration_end=2019-12-31", "later calibration_end"),
]


@pytest.mark.parametrize(("build", "call", "error", "needles"),
                         [pytest.param(b, c, e, n, id=i) for i, b, c, e, *n in ERRORS])
def test_bad_input_raises_a_crmmine_error_naming_column_and_fix(build, call, error, needles):
    expect_error(call, build(), error, *needles)


PARAMETERS = [
    ("not-a-table", [[1, "2020-01-01", 1.0]], clean, "must be a pandas"),
    ("a-series", base()["amount"], summary, "series.to_frame()"),
    ("dict-to-validate", base().to_dict(), validate, "must be a pandas"),
    ("bad-returns-option", base(), lambda d: clean(d, returns="keep"),
     "'returns' of clean_transactions() must be one of 'drop', 'net', 'separate'"),
    ("bad-bad-dates-option", base(), lambda d: clean(d, bad_dates="ignore"), "'bad_dates'"),
    ("dayfirst-not-boolean", base(), lambda d: clean(d, dayfirst="yes"),
     "'dayfirst' of clean_transactions() must be None or True or False"),
    ("unknown-role", base(), lambda d: summary(d, columns={"client": "customer_id"}),
     "unknown column role 'client'"),
    ("as-of-not-a-date", parsed(), lambda d: summary(d, as_of="someday"), "'as_of'"),
    ("time-unit-unknown", parsed(), lambda d: summary(d, time_unit="fortnight"),
     "unknown time unit 'fortnight'"),
    ("holdout-before-calibration", parsed(),
     lambda d: cm.calibration_holdout(d, "2020-03-01", "2020-02-01"),
     "observation_end (2020-02-01) must be after calibration_end"),
]


@pytest.mark.parametrize(("data", "call", "needle"),
                         [pytest.param(d, c, n, id=i) for i, d, c, n in PARAMETERS])
def test_bad_arguments_raise_a_parameter_error_naming_them(data, call, needle):
    message = expect_error(call, data, ParameterError, needle)
    assert message  # ParameterError is both a ValueError and a TypeError
    with pytest.raises(ValueError):
        call(data)


# ------------------------------------------------------------------------------ policies

def test_integer_yyyymmdd_dates_are_calendar_dates_and_logged():
    data = base().assign(date=[20200105, 20200201, 20200210, 20200301])
    tx, _log = expect_log(data, "whole-number dates read as YYYYMMDD", 4, "changed")
    assert tx["date"].min() == pd.Timestamp("2020-01-05")  # never 1970 + nanoseconds


def test_float_yyyymmdd_with_a_gap_as_read_csv_gives_it():
    data = base().assign(date=[20200105.0, np.nan, 20200210.0, 20200301.0])
    tx, log = expect_log(data, "missing or unparseable dates", 1, "removed", bad_dates="drop")
    assert ("whole-number dates read as YYYYMMDD", "changed", 3) in [
        (s["reason"], s["action"], s["rows"]) for s in log.steps]
    assert tx["date"].dt.year.tolist() == [2020, 2020, 2020]


def test_text_yyyymmdd_dates():
    tx, _ = cm.clean_transactions(base().assign(date=["20200105", "20200201", "20200210",
                                                       "20200301"]))
    assert tx["date"].dt.month.tolist() == [1, 2, 2, 3]


def test_time_zone_aware_dates_become_utc_and_are_logged():
    aware = pd.to_datetime(["2020-01-05 23:30", "2020-02-01", "2020-02-10", "2020-03-01"],
                           format="ISO8601")
    data = base().assign(date=aware.tz_localize("America/New_York"))
    tx, _ = expect_log(data, "time-zone-aware dates converted to UTC (zone removed)", 4,
                       "changed")
    assert tx["date"].dt.tz is None
    assert tx["date"].iloc[0] == pd.Timestamp("2020-01-06 04:30")  # next day in UTC


def test_text_with_utc_offsets_becomes_utc_and_is_logged():
    data = base().assign(date=["2020-01-05T23:30:00-05:00", "2020-02-01", "2020-02-10",
                               "2020-03-01T10:00:00+01:00"])
    tx, _ = expect_log(data, "dates with a UTC offset converted to UTC (zone removed)", 2,
                       "changed")
    assert tx["date"].iloc[0] == pd.Timestamp("2020-01-06 04:30")


def test_day_first_is_read_from_a_value_that_shows_it_and_logged():
    data = base().assign(date=["13/01/2020", "01/02/2020", "10/02/2020", "01/03/2020"])
    tx, _ = expect_log(data, "dates read day-first (a value such as 13/02/2020 shows it)", 4,
                       "changed")
    assert tx["date"].dt.month.tolist() == [1, 2, 2, 3]


def test_dayfirst_and_date_format_resolve_ambiguous_dates():
    data = base().assign(date=["05/01/2020", "01/02/2020", "10/02/2020", "01/03/2020"])
    before = copy.deepcopy(data)
    by_day, _ = cm.clean_transactions(data, dayfirst=True)
    by_month, _ = cm.clean_transactions(data, dayfirst=False)
    by_format, _ = cm.clean_transactions(data, date_format="%d/%m/%Y")
    assert by_day["date"].tolist() == by_format["date"].tolist()
    assert by_day["date"].iloc[0] == pd.Timestamp("2020-01-05")
    assert sorted(by_month["date"])[0] == pd.Timestamp("2020-01-02")
    _same(before, data)


def test_unparseable_dates_dropped_and_logged_under_drop():
    data = base().assign(date=["2020-01-05", "soon", "2020-02-10", "2020-03-01"])
    tx, log = expect_log(data, "missing or unparseable dates", 1, "removed", bad_dates="drop")
    assert len(tx) == 3 and tx["date"].notna().all()
    assert "soon" in log.examples["missing or unparseable dates"].to_string()


def test_infinite_amounts_dropped_and_logged_under_drop():
    data = base().assign(amount=[1.0, np.inf, 2.0, 3.0])
    tx, _ = expect_log(data, "missing, non-numeric or infinite amounts", 1, "removed",
                       bad_amounts="drop")
    assert np.isfinite(tx["amount"]).all()


def test_float_ids_become_integers_and_are_logged():
    data = base().assign(customer_id=[17850.0, 17850.0, 13047.0, 12583.0])
    tx, _ = expect_log(data, "customer ids written as floats made whole numbers", 4, "changed")
    assert tx["customer_id"].dtype == "int64"


def test_decimal_amounts_become_floats_and_are_logged():
    data = base().assign(amount=[Decimal("10.00"), Decimal("12.50"), Decimal("3"),
                                 Decimal("8.10")])
    tx, _ = expect_log(data, "amounts converted to numbers (from text or Decimal)", 4,
                       "changed")
    assert tx["amount"].tolist() == [10.0, 12.5, 3.0, 8.1]


def test_text_amounts_that_are_numbers_are_logged():
    data = base().assign(amount=["10", "12.5", "3", "8"])
    tx, _ = expect_log(data, "amounts converted to numbers (from text or Decimal)", 4, "changed")
    assert tx["amount"].sum() == 33.5


def test_missing_customers_and_duplicates_are_dropped_and_logged():
    data = pd.concat([base(), base().iloc[[1]]], ignore_index=True)
    data.loc[0, "customer_id"] = np.nan
    tx, log = expect_log(data, "missing customer id", 1, "removed")
    assert {"reason": "exact duplicate rows", "action": "removed", "rows": 1,
            "customers": 1} in log.steps
    assert len(tx) == 3


def test_returns_net_is_explicit_in_both_steps():
    data = base().assign(amount=[10.0, -4.0, 3.0, 8.0])
    tx, _ = expect_log(data, "returns and cancellations", 1, "kept as negative lines",
                       returns="net")
    s = cm.customer_summary(tx, returns="net")
    assert s.loc[1, "monetary"] == pytest.approx(6.0) and s.loc[1, "orders"] == 1


def test_customers_whose_rows_all_go_are_counted():
    data = base().assign(amount=[10.0, 12.5, -3.0, 8.0])
    _tx, log = expect_log(data, "returns and cancellations", 1, "removed")
    assert log.summary().loc["customers with no clean row left", "customers"] == 1


def test_future_rows_ignored_on_request_are_counted():
    data = parsed()
    s = cm.customer_summary(data, as_of="2020-02-15", future="ignore")
    assert s.attrs["n_rows_after_as_of"] == 1 and 3 not in s.index


# ------------------------------------------------------------- accepted as they are (decided)

def test_categorical_ids_are_read_as_their_values():
    data = parsed().assign(customer_id=pd.Categorical(["a", "a", "b", "c"],
                                                      categories=["a", "b", "c", "unused"]))
    before = copy.deepcopy(data)
    s = cm.customer_summary(data)
    assert list(s.index) == ["a", "b", "c"]  # no row for the unused category
    tx, _ = cm.clean_transactions(data)
    assert list(cm.customer_summary(tx).index) == ["a", "b", "c"]
    _same(before, data)


def test_unicode_ids_and_column_names():
    data = parsed().rename(columns={"customer_id": "客户", "amount": "Betrag (€)"})
    data["客户"] = ["Zoë", "Zoë", "客户-2", "Ωmega"]
    before = copy.deepcopy(data)
    tx, _ = cm.clean_transactions(data, customer_id="客户", amount="Betrag (€)")
    s = cm.customer_summary(tx)
    assert sorted(s.index) == sorted({"Zoë", "客户-2", "Ωmega"})
    assert cm.customer_summary(data, customer_id="客户", amount="Betrag (€)").index.name == "客户"
    _same(before, data)


def test_one_customer_and_all_ties():
    one = parsed().assign(customer_id=7)
    s = cm.customer_summary(one)
    assert len(s) == 1 and s.loc[7, "orders"] == 4
    ties = parsed().assign(date=pd.Timestamp("2020-01-01"), amount=5.0)
    t = cm.customer_summary(ties)
    assert (t["recency"] == 0).all() and (t["T"] == 0).all() and (t["monetary_mean"] == 5.0).all()


def test_huge_but_finite_amounts_are_kept_exact():
    data = parsed().assign(amount=[1e12, 2e12, 3.0, 8.0])
    s = cm.customer_summary(data)
    assert s.loc[1, "monetary"] == 3e12 and np.isfinite(s.to_numpy(dtype=float)).all()


# ------------------------------------------------------------------------------- blank ids

def _blank_ids() -> pd.DataFrame:
    # "" and "   " come from spreadsheet and SQL exports; kept as ids they made one customer of
    # every blank row (two rows of two different customers here)
    return base().assign(customer_id=["7", "", "   ", "8"])


@pytest.mark.parametrize("dtype", [object, "string[pyarrow]"])
def test_blank_text_ids_are_missing_ids_in_cleaning(dtype):
    tx, _log = expect_log(_blank_ids().astype({"customer_id": dtype}), "missing customer id", 2,
                         "removed")
    assert sorted(tx["customer_id"].tolist()) == ["7", "8"]


def test_blank_text_ids_are_missing_ids_in_cleaning_on_polars():
    pl = pytest.importorskip("polars")
    tx, log = cm.clean_transactions(pl.from_pandas(_blank_ids()))
    assert sorted(tx["customer_id"].to_list()) == ["7", "8"]
    assert log.customers_output == 2


@pytest.mark.parametrize("call", [summary, lambda d: cm.calibration_holdout(d, "2020-02-01", "2020-03-01"),
                                  validate])
def test_blank_text_ids_raise_in_the_summary_and_validation(call):
    expect_error(call, _blank_ids().assign(date=lambda d: pd.to_datetime(d["date"])), DataError,
                 "'customer_id'", "2 rows", "missing", "Fix:")


def test_summary_default_as_of_after_today_warns():
    # a mistyped year (2099) moved the default as_of to 2099 and every recency with it, silently
    import warnings

    from crmmine.errors import DataWarning

    tx = pd.DataFrame({"customer_id": [1, 1, 2], "order_id": [1, 2, 3], "amount": [10.0, 20.0, 5.0],
                       "date": pd.to_datetime(["2020-01-01", "2099-02-01", "2020-03-01"])})
    before = tx.copy()
    with pytest.warns(DataWarning, match=r"(?s)column 'date': 1 row with dates after today.*2099-02-01.*Fix"):
        cm.customer_summary(tx)
    pd.testing.assert_frame_equal(tx, before)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cm.customer_summary(tx, as_of="2099-02-01")  # an explicit as_of is the caller's choice


def test_summary_with_every_row_after_as_of_raises_even_when_ignored():
    # future="ignore" returned an empty summary: every customer of the log silently gone
    from crmmine.errors import DataError

    tx = pd.DataFrame({"customer_id": [1, 2], "order_id": [1, 2], "amount": [10.0, 5.0],
                       "date": pd.to_datetime(["2020-01-01", "2020-03-01"])})
    with pytest.raises(DataError, match=r"no transaction on or before as_of=2019-12-31.*Fix: pass a later"):
        cm.customer_summary(tx, as_of="2019-12-31", future="ignore")


def test_missing_mapped_column_fix_names_the_role_keyword():
    # columns={"customer_id": "id"} on a table without 'id': the fix said "pass id=", no keyword
    tx = pd.DataFrame({"customer_id": [1, 2], "order_id": [1, 2], "amount": [10.0, 5.0],
                       "date": pd.to_datetime(["2020-01-01", "2020-03-01"])})
    with pytest.raises(cm.SchemaError, match=r"missing column 'id'.*pass customer_id='<your column>'"):
        cm.customer_summary(tx, columns={"customer_id": "id"})
    with pytest.raises(cm.SchemaError, match=r"missing column 'when'.*pass date='<your column>'"):
        cm.clean_transactions(tx, date="when")
