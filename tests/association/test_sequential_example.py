"""The sequential-patterns example script runs on the embedded sample and prints its sections."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "sequential_online_retail.py"


def test_sequential_example_runs_without_warnings():
    done = subprocess.run([sys.executable, "-W", "error::UserWarning", str(SCRIPT), "--sample"],
                          capture_output=True, text=True, timeout=120, check=True)
    out = done.stdout
    # the embedded sample: 991 customers and 4,079 invoices after cleaning
    assert "Online Retail (embedded sample): 991 customers, 4,079 invoices" in out
    assert "sequential patterns held by at least 20 customers" in out
    assert "rules 'A, then B -> C within 30 days'" in out and "median" in out
    assert "hit rate@5" in out and "popular" in out
    assert done.stderr == ""
