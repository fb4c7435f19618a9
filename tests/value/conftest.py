"""Fixtures for the value tests: CDNOW summaries and the donations data."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def cdnow_summary(shared_data):
    """The 2,357-customer CDNOW calibration summary in weeks (Fader, Hardie & Lee 2005)."""
    from crmmine.datasets import load_cdnow

    return load_cdnow(kind="summary", path=shared_data / "cdnow" / "cdnow_customers_summary.csv")


@pytest.fixture(scope="session")
def donations(shared_data):
    """Donations data of Fader, Hardie & Shang (2010): 11,104 donors, 6 opportunities."""
    from crmmine.datasets import load_donations

    return load_donations(path=shared_data / "donations" / "donations.csv")
