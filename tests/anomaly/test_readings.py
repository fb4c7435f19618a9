"""Meter readings in: roles, backends and the repair log (the bad cases are in tests/bad_input)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import ONE_GROUP, make_meter_readings, meter_features, meter_matrix


@pytest.fixture(scope="module")
def readings() -> pd.DataFrame:
    return make_meter_readings(20, 70, n_feeders=2, random_state=0).readings


def test_matrix_matches_the_long_table(readings):
    m = meter_matrix(readings)
    assert m.kwh.shape == (20, 70) and m.kwh.dtype == np.float32
    assert m.filled is None and (m.log["rows"] == 0).all()
    pivot = readings.pivot(index="customer_id", columns="date", values="kwh")
    assert np.allclose(m.kwh, pivot.to_numpy(), rtol=1e-6)
    assert m.peer_group == "feeder column 'feeder'"
    assert m.summary().loc["meters", "value"] == 20


def test_row_order_does_not_matter(readings):
    shuffled = readings.sample(frac=1.0, random_state=0)
    a, b = meter_matrix(readings), meter_matrix(shuffled)
    assert np.array_equal(a.kwh, b.kwh) and a.meters.equals(b.meters)


def test_column_roles_by_mapping_and_keyword(readings):
    renamed = readings.rename(
        columns={"customer_id": "MeterID", "date": "Day", "kwh": "Consumption", "feeder": "Substation"}
    )
    m = meter_matrix(
        renamed, columns={"customer_id": "MeterID", "date": "Day", "kwh": "Consumption"}, feeder="Substation"
    )
    assert m.meters.name == "MeterID" and m.peer_group == "feeder column 'Substation'"
    assert np.array_equal(m.kwh, meter_matrix(readings).kwh)


def test_integer_yyyymmdd_dates_are_calendar_days(readings):
    as_int = readings.assign(date=readings["date"].dt.strftime("%Y%m%d").astype("int64"))
    m = meter_matrix(as_int)
    assert m.days[0] == readings["date"].min() and len(m.days) == 70


def test_polars_and_duckdb_inputs(readings):
    pl = pytest.importorskip("polars")
    m = meter_matrix(pl.from_pandas(readings))
    assert np.array_equal(m.kwh, meter_matrix(readings).kwh)
    duckdb = pytest.importorskip("duckdb")
    rel = duckdb.connect().from_df(readings)
    assert np.array_equal(meter_matrix(rel).kwh, m.kwh)


def test_no_feeder_on_request_is_silent_and_named(readings):
    m = meter_matrix(readings.drop(columns="feeder"), missing_feeder="one_group")
    assert m.peer_group == ONE_GROUP and (m.feeder == ONE_GROUP).all()
    assert m.log.set_index("problem").loc["no feeder column", "action"] == "all meters form one peer group"


def test_features_every_meter_accounted_for(readings):
    f = meter_features(readings)
    assert f.index.equals(meter_matrix(readings).meters)
    assert np.isfinite(f.drop(columns=["change_day", "peer_group"]).to_numpy(dtype=float)).all()
