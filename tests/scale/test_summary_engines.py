"""The data layer on the shared fixture: cleaning, the summary and the calibration/holdout split
give pandas' numbers in every engine (their own tests cover the data rules; this checks the
tie-prone fixture the other scale tests read, with returns netted)."""

from __future__ import annotations

import pandas as pd

import crmmine as cm
from tests.scale.conftest import AS_OF, _raw, assert_same, collected, table

COUNTS = ("orders", "frequency", "purchases")


def test_clean_summary_and_split(engine, shared_tx, shared_summary, shared_btyd):
    if not engine.spark:  # cleaning on Spark is tested by the data layer; a Spark job costs a second
        cleaned, log = cm.clean_transactions(table(engine, _raw(), index=False), returns="net")
        got = collected(engine, cleaned, index="order_id")
        assert len(got) == log.n_output == len(shared_tx)
        assert got["amount"].sum() == shared_tx["amount"].sum()
    tx = table(engine, shared_tx, index=False)
    assert_same(collected(engine, cm.customer_summary(tx, as_of=AS_OF, returns="net")), shared_summary,
                exact=COUNTS)
    assert_same(collected(engine, cm.customer_summary(tx, as_of=AS_OF, returns="net", count="days",
                                                      time_unit="W")), shared_btyd, exact=COUNTS)
    if engine.spark:
        return
    end = AS_OF - pd.Timedelta(days=180)
    cal, hold = cm.calibration_holdout(tx, end, AS_OF, returns="net", time_unit="W")
    ref_cal, ref_hold = cm.calibration_holdout(shared_tx, end, AS_OF, returns="net", time_unit="W")
    assert_same(collected(engine, cal), ref_cal, exact=COUNTS)
    assert_same(collected(engine, hold), ref_hold, exact=COUNTS)
