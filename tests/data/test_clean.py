"""Cleaning policies, the cleaning log, and the Online Retail facts."""

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
    before = raw.copy()
    tx, log = _clean(raw)
    pd.testing.assert_frame_equal(raw, before)  # input untouched
    steps = {s["reason"]: s["rows"] for s in log.steps}
    assert steps == {
        "missing customer id": 1,
        "exact duplicate rows": 1,
        "returns and cancellations": 1,
        "zero quantity": 0,
        "zero or negative unit price": 1,
    }
    # every raw row is either in the output or counted in the log
    assert log.n_input == log.n_output + sum(steps.values())
    assert tx["amount"].tolist() == [3.0, 3.0, 4.0]
    assert tx["customer_id"].dtype == "int64"
    assert list(tx.columns[:6]) == ["customer_id", "order_id", "date", "amount", "item", "quantity"]


def test_net_policy_keeps_negative_lines_and_nets_totals(raw):
    tx, _log = _clean(raw, returns="net")
    assert (tx["amount"] < 0).sum() == 1
    summary = cm.customer_summary(tx, as_of="2011-01-31")
    # customer 7: purchase of 6.0 and a return of 3.0 -> monetary 3.0, one purchase
    assert summary.loc[7, "monetary"] == pytest.approx(3.0)
    assert summary.loc[7, "orders"] == 1


def test_separate_policy_moves_returns_to_the_log(raw):
    tx, log = _clean(raw, returns="separate")
    assert log.returns is not None and len(log.returns) == 1
    assert log.returns["amount"].iloc[0] == pytest.approx(-3.0)
    assert (tx["amount"] >= 0).all()


def test_missing_customer_raise_and_keep_duplicates(raw):
    with pytest.raises(cm.DataError, match="missing customer id"):
        _clean(raw, missing_customer="raise")
    tx, _log = _clean(raw, duplicates="keep")
    assert len(tx) == 4


def test_unparseable_date_is_not_dropped_silently(raw):
    bad = raw.copy()
    bad.loc[0, "InvoiceDate"] = "not a date"
    with pytest.raises(cm.DataError, match="cannot be parsed"):
        _clean(bad)


def test_bad_policy_name(raw):
    with pytest.raises(cm.ParameterError, match="returns must be one of"):
        _clean(raw, returns="keep")


def test_log_renders(raw):
    _, log = _clean(raw)
    frame = log.to_frame()
    assert "missing customer id" in frame["reason"].tolist()
    assert "<table" in log._repr_html_()


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
    summary = cm.customer_summary(tx, as_of="2011-12-09", time_unit="W")
    assert len(summary) == 4_338
    assert summary["monetary"].sum() == pytest.approx(tx["amount"].sum())
