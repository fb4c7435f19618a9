"""Fixtures for the value tests: CDNOW summaries and the donations data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest


@pytest.fixture(scope="session")
def cdnow_summary(shared_data):
    """The 2,357-customer CDNOW calibration summary in weeks (Fader, Hardie & Lee 2005)."""
    from crmmine.datasets import load_cdnow

    return load_cdnow(kind="summary", path=shared_data / "cdnow" / "cdnow_customers_summary.csv")


@pytest.fixture(scope="session")
def cdnow_split(shared_data):
    """CDNOW sample split at the 39-week calibration end (1997-09-30), holdout to 1998-06-30."""
    from crmmine.data import calibration_holdout

    raw = pd.read_csv(
        shared_data / "cdnow" / "CDNOW_sample.txt",
        sep=r"\s+",
        header=None,
        names=["master_id", "customer_id", "date", "cds", "amount"],
    )
    tx = pd.DataFrame(
        {
            "customer_id": raw["customer_id"],
            "order_id": np.arange(len(raw)),
            "date": pd.to_datetime(raw["date"].astype(str), format="%Y%m%d"),
            "amount": raw["amount"],
        }
    )
    cal, hold = calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W")
    return tx, cal, hold


@pytest.fixture(scope="session")
def donations(shared_data):
    """Donations data of Fader, Hardie & Shang (2010): 11,104 donors, 6 opportunities."""
    from crmmine.datasets import load_donations

    return load_donations(path=shared_data / "donations" / "donations.csv")
