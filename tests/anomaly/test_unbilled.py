"""Unbilled energy of thieves and the feeder energy balance."""

from __future__ import annotations

import numpy as np
import pytest

from crmmine.anomaly import (
    inject_theft,
    make_meter_readings,
    theft_scores,
    transformer_balance,
    unbilled_energy,
)


@pytest.fixture(scope="module")
def attacked():
    data = make_meter_readings(1500, 365, random_state=0)
    readings, truth = inject_theft(
        data.readings, attacks=("h1", "h2", "h3", "h4", "h5"), share=0.08, random_state=1
    )
    return data, readings, truth


def test_unbilled_energy_within_ten_percent(attacked):
    _, readings, truth = attacked
    thieves = truth.index[truth["thief"]]
    est = unbilled_energy(readings, thieves, tariff=0.2)
    total_true = truth["stolen_kwh"].sum()
    assert abs(est["stolen_kwh"].sum() / total_true - 1) < 0.10
    assert (est["stolen_low"] <= est["stolen_kwh"]).all() and (est["stolen_kwh"] <= est["stolen_high"]).all()
    assert np.allclose(est["amount"], est["stolen_kwh"] * 0.2)
    # start dates found by the change point for scaling attacks
    h1 = truth.query("attack == 'h1'").index
    err = (est.loc[h1, "start"] - truth.loc[h1, "start"]).dt.days.abs()
    assert err.median() <= 7


def test_unbilled_energy_takes_the_scores(attacked):
    _, readings, truth = attacked
    scored = theft_scores(readings, top_n=50)
    est = unbilled_energy(readings, scored)
    assert est.index.equals(scored.flagged)
    assert truth.loc[est.index, "thief"].all()


def test_transformer_balance_points_at_theft_feeders(attacked):
    data, readings, truth = attacked
    balance = transformer_balance(readings, data.feeder_input)
    stolen_by_feeder = truth["stolen_kwh"].groupby(data.customers["feeder"]).sum()
    # unexplained energy equals the stolen energy per feeder (up to the 0.5% noise of the input)
    corr = np.corrcoef(balance["unexplained_kwh"], stolen_by_feeder.reindex(balance.index))[0, 1]
    assert corr > 0.95
    assert balance["unexplained_share"].is_monotonic_decreasing
