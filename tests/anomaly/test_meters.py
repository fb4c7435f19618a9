"""Theft detection on synthetic meter data with injected attacks (Jokar et al. 2016)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import (
    inject_theft,
    inspection_metrics,
    make_meter_readings,
    meter_features,
    theft_scores,
    transformer_balance,
    unbilled_energy,
)


@pytest.fixture(scope="module")
def attacked():
    data = make_meter_readings(3000, 365, random_state=0)
    readings, truth = inject_theft(
        data.readings, attacks=("h1", "h2", "h3", "h4", "h5"), share=0.08, random_state=1
    )
    return data, readings, truth


def test_theft_scores_auc_and_precision(attacked):
    _, readings, truth = attacked
    scored = theft_scores(readings, top_k=100)
    y = truth["thief"].reindex(scored.index)
    m = inspection_metrics(y, scored["score"], k=100)
    assert m["auc"] >= 0.90
    assert m["precision_at_k"] >= 0.8
    assert (scored.loc[scored["flag"], "reasons"].str.len() > 0).all()
    # per-attack recall at the expected number of thieves, reported in the docs
    n = int(truth["thief"].sum())
    recall = scored.join(truth).query("thief").groupby("attack")["rank"].apply(lambda r: (r <= n).mean())
    assert recall.min() > 0.3


def test_time_reversal_h6_is_caught_by_the_broken_peer_correlation():
    data = make_meter_readings(1000, 365, random_state=2)
    readings, truth = inject_theft(data.readings, attacks=("h6",), share=0.05, random_state=3)
    feats = meter_features(readings)
    thieves = truth["thief"].reindex(feats.index)
    # Reversal keeps the total and the volatility; what gives it away is the season: the reversed
    # readings no longer follow the feeder's profile (lower correlation) and, relative to peers,
    # the level moves at the start of the attack. Without a seasonal pattern h6 would be invisible
    # to these daily summary features.
    from sklearn.metrics import roc_auc_score

    assert roc_auc_score(thieves, -feats["peer_correlation"]) > 0.8
    scored = theft_scores(feats)
    assert inspection_metrics(thieves.reindex(scored.index), scored["score"], k=50)["auc"] > 0.85


def test_unbilled_energy_within_ten_percent(attacked):
    _, readings, truth = attacked
    thieves = truth.index[truth["thief"]]
    est = unbilled_energy(readings, thieves, tariff=0.2)
    total_true = truth["stolen_kwh"].sum()
    assert abs(est["stolen_kwh"].sum() / total_true - 1) < 0.10
    assert (est["stolen_low"] <= est["stolen_kwh"]).all() and (est["stolen_kwh"] <= est["stolen_high"]).all()
    assert np.allclose(est["amount"], est["stolen_kwh"] * 0.2)
    # start dates found by change point for scaling attacks
    h1 = truth.query("attack == 'h1'").index
    err = (est.loc[h1, "start"] - truth.loc[h1, "start"]).dt.days.abs()
    assert err.median() <= 7


def test_injection_truth_and_input_untouched():
    data = make_meter_readings(200, 120, random_state=4)
    before = data.readings.copy()
    readings, truth = inject_theft(data.readings, attacks=("h1",), share=0.1, random_state=5)
    pd.testing.assert_frame_equal(data.readings, before)
    thief = truth.index[truth["thief"]][0]
    real = data.readings.query("customer_id == @thief").set_index("date")["kwh"]
    fake = readings.query("customer_id == @thief").set_index("date")["kwh"]
    assert truth.loc[thief, "stolen_kwh"] == pytest.approx((real - fake).sum(), abs=0.01 * len(real))
    assert (
        fake[fake.index < truth.loc[thief, "start"]] == real[real.index < truth.loc[thief, "start"]]
    ).all()


def test_transformer_balance_points_at_theft_feeders(attacked):
    data, readings, truth = attacked
    balance = transformer_balance(readings, data.feeder_input)
    stolen_by_feeder = truth.join(data.customers)["stolen_kwh"].groupby(data.customers["feeder"]).sum()
    corr = np.corrcoef(balance["unexplained_kwh"], stolen_by_feeder.reindex(balance.index))[0, 1]
    assert corr > 0.95


def test_meter_example_runs(run_example):
    assert "Unbilled energy" in run_example("anomaly_meters.py")
