"""The Online Retail example script runs and prints its sections."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "association_online_retail.py"


def test_online_retail_example_runs(assoc_data):
    assert (assoc_data / "online_retail" / "online_retail.csv.xz").exists()
    out = subprocess.run(
        [sys.executable, str(SCRIPT)], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    # full cleaned data: 18,532 orders and 4,338 customers (UCI facts in ../shared/data/README.md)
    assert "18,532 orders, 4,338 customers" in out
    assert "non-redundant rules" in out and "Out of sample after 2011-08-31" in out
    assert "sequential rules within 30 days" in out


UPSELL = Path(__file__).resolve().parents[2] / "examples" / "upsell_online_retail.py"


def test_upsell_example_runs(assoc_data):
    out = subprocess.run(
        [sys.executable, str(UPSELL)], capture_output=True, text=True, timeout=300, check=True
    ).stdout
    assert "items in 74 categories" in out and "18,337 (customer, category) pairs" in out
    assert "propensity model" in out and "popularity" in out and "expected" in out
