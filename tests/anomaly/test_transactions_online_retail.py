"""Per-transaction anomalies on the full Online Retail data."""

from __future__ import annotations

import pandas as pd

import crmmine as cm
from crmmine.anomaly import transaction_anomalies


def test_the_two_enormous_orders_rank_at_the_top(shared_data):
    path = shared_data / "online_retail" / "online_retail.csv.xz"
    raw = cm.datasets.load_online_retail(path)
    tx, _ = cm.datasets.load_online_retail_clean(path)
    cancelled = raw[raw["InvoiceNo"].astype(str).str.startswith("C") & raw["CustomerID"].notna()]
    cancellations = pd.DataFrame(
        {
            "customer_id": cancelled["CustomerID"].astype("int64"),
            "date": pd.to_datetime(cancelled["InvoiceDate"]),
            "quantity": cancelled["Quantity"],
        }
    )
    out = transaction_anomalies(tx, cancellations=cancellations)
    top = out.head(2)
    # 80,995 units (customer 16446, invoice 581483, 2011-12-09) and 74,215 units (customer 12346,
    # invoice 541431, 2011-01-18), each cancelled the same day (UCI Online Retail, issue 6)
    assert top["quantity"].tolist() == [80995, 74215]
    assert top["customer_id"].tolist() == [16446, 12346]
    assert [str(i) for i in top.index] == ["581483", "541431"]
    assert top["cancelled_same_day"].all()
    assert top["reasons"].str.contains("cancelled the same day").all()
    assert (out.loc[out["flag"], "reasons"].str.len() > 0).all()
    assert out["customer_id"].nunique() == tx["customer_id"].nunique()  # every customer's orders scored


def test_online_retail_example_runs(shared_data, run_example):
    assert "cancelled the same day" in run_example("anomaly_online_retail.py")
