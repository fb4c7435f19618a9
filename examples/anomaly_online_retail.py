"""Unusual orders in the full Online Retail log, with reasons.

Run: ``python examples/anomaly_online_retail.py`` (needs ``../shared/data/online_retail``).
"""

from __future__ import annotations

import sys

import pandas as pd

import crmmine as cm
from crmmine.anomaly import transaction_anomalies
from crmmine.datasets import DatasetNotFoundError


def main() -> int:
    try:
        raw = cm.datasets.load_online_retail(full=True)
        tx, _ = cm.datasets.load_online_retail_clean(full=True)
    except DatasetNotFoundError as exc:
        print(f"Online Retail not found ({exc}).")
        return 1
    cancelled = raw[raw["InvoiceNo"].astype(str).str.startswith("C") & raw["CustomerID"].notna()]
    cancellations = pd.DataFrame(
        {
            "customer_id": cancelled["CustomerID"].astype("int64"),
            "date": pd.to_datetime(cancelled["InvoiceDate"]),
            "quantity": cancelled["Quantity"],
        }
    )
    out = transaction_anomalies(tx, cancellations=cancellations, top_n=10)
    with pd.option_context("display.max_colwidth", 140, "display.width", 250):
        print(out.head(10)[["customer_id", "date", "quantity", "amount", "score", "reasons"]].to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
