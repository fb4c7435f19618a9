"""Cleaning policies, the cleaning log, every backend, and the published Online Retail facts."""

import copy

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.datasets import ONLINE_RETAIL_COLUMNS


@pytest.fixture
def raw():
    return pd.DataFrame(
        {
            "InvoiceNo": ["1", "1", "1", "C2", "3", "4", "5"],
            "CustomerID": [7.0, 7.0, 7.0, 7.0, None, 8.0, 8.0],
            "InvoiceDate": ["2011-01-01 10:00"] * 3
            + ["2011-01-02 09:00", "2011-01-03 10:00", "2011-01-04 11:00", "2011-01-05 12:00"],
            "StockCode": ["A", "B", "B", "A", "A", "C", "D"],
            "Quantity": [2, 1, 1, -2, 1, 3, 1],
            "UnitPrice": [1.5, 3.0, 3.0, 1.5, 1.0, 0.0, 4.0],
        }
    )


def _clean(raw, **kw):
    return cm.clean_transactions(raw, columns=ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice", **kw)


def test_drop_policy_logs_every_removed_row(raw):
    before = raw.copy(deep=True)
    tx, log = _clean(raw)
    pd.testing.assert_frame_equal(raw, before)  # input untouched
    removed = {s["reason"]: s["rows"] for s in log.steps if s["action"] != "changed"}
    assert removed == {
        "missing customer id": 1,
        "exact duplicate rows": 1,
        "missing or unparseable dates": 0,
        "missing, non-numeric or infinite amounts": 0,
        "returns and cancellations": 1,
        "zero quantity": 0,
        "zero or negative unit price": 1,
    }
    # every raw row is either in the output or counted in the log
    assert log.n_input == log.n_output + log.n_removed == 7
    changed = {s["reason"]: s["rows"] for s in log.steps if s["action"] == "changed"}
    assert changed == {"customer ids written as floats made whole numbers": 3}
    assert tx["amount"].tolist() == [3.0, 3.0, 4.0]
    assert tx["customer_id"].dtype == "int64"
    assert tx["date"].dtype == "datetime64[us]"
    assert list(tx.columns[:6]) == ["customer_id", "order_id", "date", "amount", "item", "quantity"]
    assert log.customers_input == 2 and log.customers_output == 2


def test_net_policy_keeps_negative_lines_and_summary_nets_them_on_request(raw):
    tx, _log = _clean(raw, returns="net")
    assert (tx["amount"] < 0).sum() == 1
    with pytest.raises(cm.DataError, match="returns='net'"):
        cm.customer_summary(tx, as_of="2011-01-31")  # never netted silently
    summary = cm.customer_summary(tx, as_of="2011-01-31", returns="net")
    # customer 7: purchase of 6.0 and a return of 3.0 -> monetary 3.0, one purchase
    assert summary.loc[7, "monetary"] == pytest.approx(3.0)
    assert summary.loc[7, "orders"] == 1


def test_separate_policy_moves_returns_to_the_log(raw):
    tx, log = _clean(raw, returns="separate")
    assert log.returns is not None and len(log.returns) == 1
    assert log.returns["amount"].iloc[0] == pytest.approx(-3.0)
    assert (tx["amount"] >= 0).all()


def test_missing_customer_raise_and_keep_duplicates(raw):
    with pytest.raises(cm.DataError, match=r"missing customer id.*row positions 4; file lines 6"):
        _clean(raw, missing_customer="raise")
    tx, log = _clean(raw, duplicates="keep")
    assert len(tx) == 4
    assert {"reason": "exact duplicate rows", "action": "kept", "rows": 1, "customers": 1} in log.steps


def test_unparseable_date_raises_with_positions_or_is_dropped_and_logged(raw):
    bad = raw.copy()
    bad.loc[5, "InvoiceDate"] = "not a date"
    bad.loc[6, "InvoiceDate"] = None
    with pytest.raises(cm.DataError) as info:
        _clean(bad)
    msg = str(info.value)
    assert "'InvoiceDate'" in msg and "2 rows with dates that are missing or cannot be parsed" in msg
    assert "row positions 5, 6; file lines 7, 8" in msg and "bad_dates='drop'" in msg
    tx, log = _clean(bad, bad_dates="drop")
    assert tx["date"].notna().all()
    step = next(s for s in log.steps if s["reason"] == "missing or unparseable dates")
    assert step == {"reason": "missing or unparseable dates", "action": "removed", "rows": 2,
                    "customers": 1}
    assert "not a date" in log.examples["missing or unparseable dates"].to_string()


def test_integer_yyyymmdd_dates_are_calendar_dates():
    # CDNOW master read with a plain pd.read_csv(sep=r"\s+"): dates are integers 19970101
    raw = pd.DataFrame({"customer_id": [1, 2, 2], "date": [19970101, 19970112, 19970112],
                        "number_of_cds": [1, 1, 5], "dollar_value": [11.77, 12.0, 77.0]})
    tx, log = cm.clean_transactions(raw, amount="dollar_value", quantity="number_of_cds",
                                    duplicates="keep")
    assert tx["date"].dt.year.tolist() == [1997, 1997, 1997]
    assert tx["date"].dt.strftime("%Y-%m-%d").tolist() == ["1997-01-01", "1997-01-12", "1997-01-12"]
    assert ("whole-number dates read as YYYYMMDD", 3) in [(s["reason"], s["rows"]) for s in log.steps]
    s = cm.customer_summary(tx)
    assert s.attrs["as_of"] == pd.Timestamp("1997-01-12")


def test_inf_amounts_raise_or_are_dropped_and_logged():
    raw = pd.DataFrame({"customer_id": [1, 2, 3], "date": ["2020-01-01"] * 3,
                        "amount": [1.0, np.inf, 2.0]})
    with pytest.raises(cm.DataError, match=r"(?s)'amount'.*1 infinite.*bad_amounts='drop'"):
        cm.clean_transactions(raw)
    tx, log = cm.clean_transactions(raw, bad_amounts="drop")
    assert np.isfinite(tx["amount"]).all() and len(tx) == 2
    assert log.to_frame().set_index("reason").loc["missing, non-numeric or infinite amounts",
                                                  "rows"] == 1
    assert log.customers_input - log.customers_output == 1
    assert log.summary().loc["customers with no clean row left", "customers"] == 1


def test_bad_policy_name(raw):
    with pytest.raises(cm.ParameterError, match=r"'returns' of clean_transactions.*'separate'"):
        _clean(raw, returns="keep")
    with pytest.raises(cm.ParameterError, match="'bad_dates'"):
        _clean(raw, bad_dates="ignore")


def test_log_follows_the_result_protocol(raw):
    _, log = _clean(raw)
    frame = log.to_frame()
    assert "missing customer id" in frame["reason"].tolist()
    summary = log.summary()
    assert isinstance(summary, pd.DataFrame)
    assert summary.loc["raw rows", "rows"] == 7 and summary.loc["clean rows", "rows"] == 3
    assert repr(log) == "CleaningLog(rows_in=7, rows_out=3, removed=4, changed=3)"
    assert len(repr(log)) < 80
    assert "<table" in log._repr_html_()
    assert log.to_text().startswith("7 rows in, 3 rows out")
    with pytest.raises(cm.ParameterError, match="no plot"):
        log.plot()


def test_clean_on_every_backend_equals_pandas(backend, raw):
    ref_tx, ref_log = _clean(raw, returns="separate")
    before = copy.deepcopy(raw)
    tx, log = _clean(backend.table(raw), returns="separate")
    pd.testing.assert_frame_equal(raw, before)
    assert backend.is_native(tx) and backend.is_native(log.returns)
    assert log.steps == ref_log.steps
    assert (log.n_input, log.n_output) == (ref_log.n_input, ref_log.n_output)
    keys = ["date", "customer_id", "item"]
    got = backend.to_pandas(tx).sort_values(keys).reset_index(drop=True)
    exp = ref_tx.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    assert got["customer_id"].dtype == "int64"


@pytest.mark.slow
def test_online_retail_published_facts(shared_data):
    # Facts listed in ../shared/data/README.md (UCI Online Retail, id 352):
    # 541,909 rows, 3,836 cancellation invoices, 4,338 customers after the usual cleaning.
    raw = cm.datasets.load_online_retail(full=True)
    assert len(raw) == 541_909
    cancel = raw["InvoiceNo"].str.startswith("C")
    assert raw.loc[cancel, "InvoiceNo"].nunique() == 3_836
    tx, log = cm.datasets.load_online_retail_clean(full=True)
    assert tx["customer_id"].nunique() == 4_338
    assert log.n_input == 541_909
    removed = log.to_frame().set_index("reason")["rows"]
    # docs/data.md lists these counts for the default policy
    assert removed["missing customer id"] == 135_080
    assert removed["exact duplicate rows"] == 5_225
    assert removed["returns and cancellations"] == 8_872
    assert removed["zero or negative unit price"] == 40
    assert log.n_output == 392_692
    summary = cm.customer_summary(tx, as_of="2011-12-09", time_unit="W")
    assert len(summary) == 4_338
    assert summary["monetary"].sum() == pytest.approx(tx["amount"].sum())


def test_text_amounts_and_integer_dates_inside_the_engines(local_backend):
    raw = pd.DataFrame({"customer_id": [1, 1, 2, 3], "date": [20200105, 20200201, 20200210, 1],
                        "amount": ["10.5", "x", "3", "8"]})
    ref_tx, ref_log = cm.clean_transactions(raw, bad_dates="drop", bad_amounts="drop")
    tx, log = cm.clean_transactions(local_backend.table(raw), bad_dates="drop",
                                    bad_amounts="drop")
    assert log.steps == ref_log.steps
    reasons = {s["reason"]: s["rows"] for s in log.steps}
    assert reasons["missing or unparseable dates"] == 1
    assert reasons["missing, non-numeric or infinite amounts"] == 1
    got = local_backend.to_pandas(tx).sort_values("date").reset_index(drop=True)
    pd.testing.assert_frame_equal(got, ref_tx, check_dtype=False)
    assert got["amount"].tolist() == [10.5, 3.0]
