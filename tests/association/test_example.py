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
