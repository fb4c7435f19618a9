"""The meter generator, its honest confounders, and the injected attacks (Jokar et al. 2016)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import CONFOUNDERS, inject_theft, make_meter_readings, meter_matrix
from crmmine.errors import ParameterError


def test_plain_generator_shape_and_feeder_input():
    data = make_meter_readings(40, 60, n_feeders=4, random_state=0)
    assert data.readings.shape == (40 * 60, 4)
    assert data.customers["move_day"].isna().all() and data.confounders == {}
    # every feeder's input is its meters' total plus about 4% technical losses
    billed = data.readings.groupby("feeder")["kwh"].sum()
    inp = data.feeder_input.groupby("feeder")["kwh_in"].sum()
    assert np.allclose(inp / billed, 1.04, atol=0.002)
    assert "meters" in data.summary().index and repr(data).startswith("MeterData(")


def test_confounders_are_drawn_at_their_rates_and_recorded():
    data = make_meter_readings(3000, 365, confounders="all", random_state=1)
    c = data.customers
    households = (c["kind"] == "household").mean()
    assert c["move_day"].notna().mean() == pytest.approx(CONFOUNDERS["moves"] * households, abs=0.02)
    assert c["appliance_day"].notna().mean() == pytest.approx(CONFOUNDERS["appliances"], abs=0.02)
    assert (c["vacation_days"] > 0).mean() > 0.2
    # seasonal phase per meter: some meters peak in summer (about half a year later)
    assert (c["season_phase_days"] > 120).mean() == pytest.approx(0.3, abs=0.03)
    # a move is a lasting change in level after a vacant spell at 3-8% of normal use
    mover = c.index[c["move_day"].notna() & (c["vacancy_days"] >= 20)][0]
    series = data.readings.loc[data.readings["customer_id"] == mover].set_index("date")["kwh"]
    vacant = series[
        c.loc[mover, "move_day"] - pd.Timedelta(days=10) : c.loc[mover, "move_day"] - pd.Timedelta(days=1)
    ]
    before = series[: c.loc[mover, "move_day"] - pd.Timedelta(days=c.loc[mover, "vacancy_days"] + 1)]
    assert vacant.mean() < 0.12 * before.mean()


def test_unknown_confounder_is_refused():
    with pytest.raises(ParameterError, match=r"unknown confounder\(s\) \['burglars'\]"):
        make_meter_readings(10, 30, confounders=("burglars",))


def test_injection_truth_and_input_untouched():
    data = make_meter_readings(200, 120, random_state=4)
    before = data.readings.copy()
    readings, truth = inject_theft(data.readings, attacks=("h1",), share=0.1, random_state=5)
    pd.testing.assert_frame_equal(data.readings, before)
    assert truth["thief"].sum() == 20 and set(truth.loc[truth["thief"], "attack"]) == {"h1"}
    thief = truth.index[truth["thief"]][0]
    real = data.readings.query("customer_id == @thief").set_index("date")["kwh"]
    fake = readings.query("customer_id == @thief").set_index("date")["kwh"]
    assert truth.loc[thief, "stolen_kwh"] == pytest.approx((real - fake).sum(), abs=0.01 * len(real))
    start = truth.loc[thief, "start"]
    assert (fake[fake.index < start] == real[real.index < start]).all()
    ratio = (fake[fake.index >= start] / real[real.index >= start]).round(2)
    assert ratio.nunique() <= 3  # h1: one scaling factor (up to rounding of the readings)


@pytest.mark.parametrize("attack", ["h2", "h5"])
def test_attack_signatures(attack):
    data = make_meter_readings(100, 200, random_state=6)
    readings, truth = inject_theft(data.readings, attacks=(attack,), share=0.05, random_state=7)
    m = meter_matrix(readings)
    rows = m.meters.get_indexer(truth.index[truth["thief"]])
    starts = (pd.DatetimeIndex(truth.loc[truth["thief"], "start"]) - m.days[0]).days
    for r, k in zip(rows, starts):
        after = m.kwh[r, k:]
        if attack == "h2":
            assert (after[:30] == 0).all()  # zero for at least 30 days
        else:
            assert np.unique(after).size == 1  # the flat mean
