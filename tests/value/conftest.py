"""Fixtures for the value tests: the vendored CDNOW summary and donations data (never skipped)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def cdnow_summary_monetary() -> pd.DataFrame:
    """CDNOW 1/10 calibration summary in weeks with mean repeat spend (see data/README.md)."""
    frame = pd.read_csv(DATA / "cdnow_summary.csv", index_col="customer_id")
    frame.attrs["time_unit"] = "W"
    return frame


@pytest.fixture(scope="session")
def cdnow_summary(cdnow_summary_monetary) -> pd.DataFrame:
    """The 2,357-customer CDNOW calibration summary in weeks (Fader, Hardie & Lee 2005)."""
    frame = cdnow_summary_monetary[["frequency", "recency", "T"]].copy()
    frame.attrs["time_unit"] = "W"
    return frame


@pytest.fixture(scope="session")
def donations() -> pd.DataFrame:
    """Donations data of Fader, Hardie & Shang (2010): 11,104 donors, 6 opportunities."""
    return pd.read_csv(DATA / "donations.csv")
