"""Meter features and theft scores from readings held in an engine equal pandas' (checks,
policies and the daily aggregation run in the engine; the daily matrix is collected)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import inject_theft, make_meter_readings, meter_features, theft_scores
from tests.scale.conftest import assert_same, collected, table


@pytest.fixture(scope="module")
def readings() -> pd.DataFrame:
    """Readings with thefts, NaN kWh, missing rows and repeated reads of some meter-days."""
    data = make_meter_readings(80, 140, random_state=0)
    out, _truth = inject_theft(data.readings, attacks=("h2", "h5"), share=0.1, random_state=1)
    rng = np.random.default_rng(0)
    out.loc[rng.choice(len(out), 40, replace=False), "kwh"] = np.nan
    out = out.drop(index=rng.choice(len(out), 60, replace=False))
    again = out.iloc[:25].assign(kwh=lambda d: d["kwh"] * 0.5)
    return pd.concat([out, again], ignore_index=True)


def _run(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, sorted(str(w.message) for w in caught)


def test_meter_features_and_scores(engine, readings):
    r = table(engine, readings, index=False)
    ref, ref_warnings = _run(lambda: meter_features(readings, duplicates="sum"))
    got, got_warnings = _run(lambda: meter_features(r, duplicates="sum"))
    assert got_warnings == ref_warnings and len(ref_warnings) == 2  # duplicates summed, days interpolated
    ref = ref.assign(change_day=ref["change_day"].astype(str))
    frame = collected(engine, got).assign(change_day=lambda d: d["change_day"].astype(str))
    assert_same(frame, ref, exact=("change_day", "peer_group", "zero_run", "low_run"))
    if engine.spark:
        return
    scores, _ = _run(lambda: theft_scores(r, duplicates="sum", top_n=8))
    expected, _ = _run(lambda: theft_scores(readings, duplicates="sum", top_n=8))
    assert list(scores.flagged) == list(expected.flagged)
    np.testing.assert_allclose(scores.to_frame()["score"], expected.to_frame()["score"], rtol=1e-9)
    assert scores.log.equals(expected.log)
