"""Time-zone-aware dates: every value function reads them as UTC days, as customer_summary does.

Before, tracking, event_rates(as_of=...), MarkovCLV.fit(as_of=...) and alive_path(as_of=...)
raised pandas' TypeError (tz-aware vs naive comparison), clv_components raised a ParameterError
saying the summary was built "as of 2020-03-02 but computed as of 2020-03-02", and
historical_value and the period models kept the local wall-clock day while the summary used
the UTC day. Reference: the same log with naive UTC dates (a few lines of pandas).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import polars as pl
import pytest

import crmmine as cm
from crmmine.errors import DataWarning
from crmmine.value import (
    BGNBD,
    DwyerMigration,
    GammaGamma,
    MarkovCLV,
    ValueCurves,
    alive_path,
    clv_components,
    event_rates,
    historical_value,
    tracking,
)

BG = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")


def _naive_utc() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 300
    days = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D")
    hours = pd.to_timedelta(rng.integers(0, 24, n), unit="h")  # some cross midnight in Tokyo
    return pd.DataFrame(
        {
            "customer_id": rng.integers(1, 40, n),
            "date": days + hours,
            "amount": rng.gamma(2.0, 20.0, n).round(2),
        }
    )


def _tokyo(tx: pd.DataFrame) -> pd.DataFrame:
    out = tx.copy()
    out["date"] = out["date"].dt.tz_localize("UTC").dt.tz_convert("Asia/Tokyo")  # the same instants
    return out


CALLS = {
    "historical_value": lambda tx: historical_value(tx, as_of="2020-11-30"),
    "tracking": lambda tx: tracking(
        BG, tx, calibration_end="2020-06-30", observation_end="2020-12-31"
    ).to_frame(),
    "event_rates": lambda tx: event_rates(tx.assign(event="purchase"), as_of="2020-11-30"),
    "MarkovCLV": lambda tx: MarkovCLV(period="M", n_states=3, annual_discount_rate=0.1).fit(
        tx, as_of="2020-11-30").state_values_,
    "DwyerMigration": lambda tx: DwyerMigration(period="M", lost_after=4).fit(tx, as_of="2020-11-30").values_,
    "ValueCurves": lambda tx: ValueCurves(period="M").fit(tx, as_of="2020-11-30").values_,
    "alive_path": lambda tx: alive_path(BG, tx, customers=[3, 5], as_of="2021-01-10").to_frame(),
}


@pytest.mark.parametrize("name", list(CALLS))
def test_time_zone_aware_dates_are_utc_days(name):
    naive = _naive_utc()
    aware = _tokyo(naive)
    before = aware.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # dates after as_of, said the same way for both
        expected = CALLS[name](naive)
        got = CALLS[name](aware)
    if isinstance(expected, pd.Series):
        pd.testing.assert_series_equal(got, expected)
    else:
        pd.testing.assert_frame_equal(got, expected)
    pd.testing.assert_frame_equal(aware, before)


def test_clv_components_on_aware_dates_matches_the_summary():
    naive = _naive_utc()
    aware = _tokyo(naive)
    summary = cm.customer_summary(naive, time_unit="W", count="days")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small sample: the fits may sit at a boundary
        bgnbd, spend = BGNBD().fit(summary), GammaGamma().fit(summary)
        expected = clv_components(naive, summary, bgnbd, spend, horizon="1Y", min_peers=2).to_frame()
        got = clv_components(aware, summary, bgnbd, spend, horizon="1Y", min_peers=2).to_frame()
    pd.testing.assert_frame_equal(got, expected)


def test_alive_path_order_does_not_depend_on_the_engine():
    # polars' unique() returns rows in any order: customers came out in that order.
    naive = _naive_utc()
    ids = [5, 3, 17]
    pandas_path = alive_path(BG, naive, customers=ids).to_frame()
    polars_path = alive_path(BG, pl.from_pandas(naive), customers=ids).to_frame()
    assert list(dict.fromkeys(pandas_path["customer_id"])) == ids
    pd.testing.assert_frame_equal(polars_path, pandas_path)
    everyone = alive_path(BG, pl.from_pandas(naive)).to_frame()
    assert everyone["customer_id"].is_monotonic_increasing
