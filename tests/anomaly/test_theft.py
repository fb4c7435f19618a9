"""The theft detector: robustness to honest confounders, the simple rule, inspections, the contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from crmmine.anomaly import (
    TheftDetector,
    TheftScores,
    inject_theft,
    inspection_metrics,
    make_meter_readings,
    meter_features,
    meter_matrix,
    theft_scores,
)
from crmmine.errors import NotFittedError

H1_H5 = ("h1", "h2", "h3", "h4", "h5")


def _robust_z(v):
    med = np.median(v)
    mad = 1.4826 * np.median(np.abs(v - med))
    if mad == 0:
        mad = 1.2533 * np.mean(np.abs(v - med)) or 1.0
    return (v - med) / mad


def simple_rule(readings: pd.DataFrame) -> pd.Series:
    """The few-line rule of issue 15 (as in benchmarks/bench_theft_rule.py): the largest drop in
    weekly level + the share of near-zero days + the change in roughness, first vs last 100 days."""
    m = meter_matrix(readings)
    X = m.kwh.astype(float)
    n, T = X.shape
    W = T // 7
    weekly = X[:, : W * 7].reshape(n, W, 7).mean(axis=2)
    C = np.cumsum(np.c_[np.zeros(n), weekly], axis=1)
    k = np.arange(4, W - 3)
    before, after = C[:, k] / k, (C[:, -1:] - C[:, k]) / (W - k)
    with np.errstate(invalid="ignore", divide="ignore"):
        drop = np.nanmax(np.where(before > 0, 1 - after / before, 0), axis=1)
    near_zero = (0.05 * np.median(X, axis=1, keepdims=True) > X).mean(axis=1)

    def rough(S):
        return np.maximum(np.abs(np.diff(S, axis=1)).mean(axis=1) / np.maximum(S.mean(axis=1), 1e-9), 1e-9)

    change = np.abs(np.log(rough(X[:, -100:]) / rough(X[:, :100])))
    return pd.Series(_robust_z(drop) + _robust_z(near_zero) + _robust_z(change), index=m.meters)


@pytest.fixture(scope="module")
def confounded():
    # seed 7: not one of the seeds the detector was developed on (0-2)
    data = make_meter_readings(2000, 365, confounders="all", random_state=7)
    readings, truth = inject_theft(data.readings, attacks=H1_H5, share=0.08, random_state=8)
    return data, readings, truth


@pytest.fixture(scope="module")
def confounded_scores(confounded):
    return theft_scores(confounded[1], top_n=100)


def _recall(table: pd.DataFrame, truth: pd.DataFrame) -> pd.Series:
    n = int(truth["thief"].sum())
    joined = table.join(truth)
    return joined[joined["thief"]].groupby("attack")["rank"].apply(lambda r: (r <= n).mean())


def test_beats_the_simple_rule_on_confounded_meters(confounded, confounded_scores):
    _, readings, truth = confounded
    table = confounded_scores.to_frame()
    ours = inspection_metrics(truth["thief"], table["score"], top_n=100)
    rule = inspection_metrics(truth["thief"], simple_rule(readings), top_n=100)
    # measured: crmmine AUC 0.985, precision@100 1.00; the rule 0.960 and 0.96 (bench_theft_rule.py
    # reports mean and spread over seeds and settings)
    assert ours["auc"] > rule["auc"] + 0.01
    assert ours["precision_at_n"] >= max(rule["precision_at_n"], 0.97)
    assert ours["auc"] > 0.975


def test_recall_per_attack_including_moderate_scaling(confounded, confounded_scores):
    recall = _recall(confounded_scores.to_frame(), confounded[2])
    # measured on this seed: h2 1.00, h3 0.88, h4 0.84, h5 1.00, h1 0.28 (mean over five other seeds in
    # bench_theft_rule.py: 1.00, 0.96, 0.86, 1.00, 0.28)
    assert recall[["h2", "h5"]].min() >= 0.95
    assert recall[["h3", "h4"]].min() >= 0.75
    assert recall["h1"] >= 0.2  # the rule finds almost none of h1 under these confounders


def test_honest_confounders_rarely_reach_the_inspection_list(confounded, confounded_scores):
    data, _, truth = confounded
    top = confounded_scores.to_frame().head(100).join(data.customers)
    honest = top[~truth.loc[top.index, "thief"]]
    assert len(honest) <= 3  # movers, appliance changes and vacations stay off the list


def test_unconfounded_meters_and_h1(confounded):
    data = make_meter_readings(1500, 365, random_state=3)
    readings, truth = inject_theft(data.readings, attacks=H1_H5, share=0.08, random_state=4)
    table = theft_scores(readings).to_frame()
    m = inspection_metrics(truth["thief"], table["score"], top_n=100)
    assert m["auc"] > 0.99 and m["precision_at_n"] == 1.0
    assert _recall(table, truth)["h1"] >= 0.7  # the previous release found 0.38-0.48 of h1 here


def test_scaled_copy_counts_more_than_a_change_of_habits():
    rng = np.random.default_rng(0)
    data = make_meter_readings(300, 365, random_state=11)
    thief_id, mover_id = data.customers.index[data.customers["kind"] == "household"][:2]
    r = data.readings.copy()
    after = ((r["date"] - r["date"].min()).dt.days >= 180).to_numpy()
    thief, mover = (r["customer_id"] == thief_id).to_numpy(), (r["customer_id"] == mover_id).to_numpy()
    # the thief reports the same readings at 55%; the mover uses 55% too, with new, rougher habits
    r.loc[thief & after, "kwh"] *= 0.55
    noise = rng.lognormal(0, 0.15, int((mover & after).sum()))
    r.loc[mover & after, "kwh"] *= 0.55 * noise / noise.mean()
    table = theft_scores(r).to_frame()
    assert table.loc[[thief_id, mover_id], "level_drop"].between(0.3, 0.6).all()
    # the drop signal of the scaled copy is intact, the mover's is discounted ...
    assert table.loc[thief_id, "z_level_drop"] > table.loc[mover_id, "z_level_drop"] + 0.5
    off = theft_scores(r, scaled_copy=False).to_frame()
    assert off.loc[mover_id, "z_level_drop"] > table.loc[mover_id, "z_level_drop"] + 0.5
    # ... while the change in variation itself remains a signal (randomised readings, h3 and h4)
    assert table.loc[mover_id, "z_noise_change"] > 2


def test_inspection_results_teach_the_detector_what_it_misses():
    # time reversal (h6) is invisible to the default signals; 400 past inspections teach it
    data = make_meter_readings(1500, 365, random_state=5)
    readings, truth = inject_theft(data.readings, attacks=("h6",), share=0.08, random_state=6)
    alone = theft_scores(readings).to_frame()
    rng = np.random.default_rng(0)
    inspected = alone.index[rng.choice(len(alone), 400, replace=False)]
    taught = theft_scores(readings, truth.loc[inspected, "thief"].astype(int), random_state=0)
    assert taught.mode == "semi-supervised (400 inspection results)"
    rest = alone.index.difference(inspected)
    before = inspection_metrics(truth.loc[rest, "thief"], alone.loc[rest, "score"], top_n=50)
    after = inspection_metrics(truth.loc[rest, "thief"], taught.to_frame().loc[rest, "score"], top_n=50)
    assert after["average_precision"] > before["average_precision"] + 0.1  # measured 0.76 -> 0.96
    assert after["precision_at_n"] >= before["precision_at_n"]


def test_too_few_inspections_fall_back_with_a_warning(confounded):
    from crmmine.errors import CRMMineWarning

    y = pd.Series([1, 0, 0], index=confounded[2].index[:3])
    with pytest.warns(CRMMineWarning, match=r"at least 5 of each.*unsupervised"):
        result = theft_scores(confounded[1], y)
    assert result.mode == "unsupervised"


def test_direction_can_add_and_remove_signals(confounded):
    _, readings, _ = confounded
    feats = meter_features(readings)
    base = TheftDetector().fit(feats)
    more = TheftDetector(direction={"peer_correlation": "low", "flat_share": None}).fit(feats)
    assert "flat_share" in base.reference_.index and "flat_share" not in more.reference_.index
    assert more.reference_.loc["peer_correlation", "direction"] == "low"


def test_result_protocol(confounded_scores):
    import matplotlib

    matplotlib.use("Agg")
    r = confounded_scores
    assert isinstance(r, TheftScores)
    table = r.to_frame()
    assert table["rank"].is_monotonic_increasing and table["rank"].iloc[0] == 1
    assert len(r.flagged) == 100 and table.loc[r.flagged, "reasons"].str.len().gt(0).all()
    assert isinstance(r.summary(), pd.DataFrame) and r.summary().loc["flagged", "value"] == 100
    assert len(repr(r)) < 120 and "flagged=100" in repr(r)
    assert "<table" in r._repr_html_()
    ax = r.plot()
    assert ax.get_xlabel().startswith("theft score")


def test_reasons_speak_of_the_signal(confounded_scores):
    texts = confounded_scores.to_frame().loc[confounded_scores.flagged, "reasons"]
    assert texts.str.contains("consumption fell").any()
    assert texts.str.contains("read zero for").any()
    assert texts.str.contains("same reading as the day before").any()


def test_estimator_contract(confounded):
    det = TheftDetector(min_weeks=6, random_state=0)
    assert "min_weeks=6" in repr(det)
    copy = clone(det)
    assert copy.get_params() == det.get_params()
    with pytest.raises(NotFittedError, match="not fitted yet"):
        det.score_meters()
    _, readings, _ = confounded
    fitted = TheftDetector().fit(readings)
    # later readings are scored against the reference learnt in fit
    same = fitted.score_meters(readings).to_frame()["score"]
    assert np.allclose(same.sort_index(), fitted.score_meters().to_frame()["score"].sort_index())


def test_meter_example_runs(run_example):
    out = run_example("anomaly_meters.py")
    assert "Unbilled energy" in out and "Repairs: column 'kwh': 500 meter-days" in out
