"""Electricity-theft features and scores from daily meter readings."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.anomaly.detectors import reasons, robust_z, select
from crmmine.anomaly.meters import readings_matrix
from crmmine.data.columns import require_columns

__all__ = ["meter_features", "theft_scores", "transformer_balance"]

# direction in which a feature is suspicious: +1 high, -1 low, 0 either way
_DIRECTION = {
    "level_drop": 1,
    "zero_share": 1,
    "longest_zero_run": 1,
    "flat_share": 1,
    "volatility_change": 0,
    "peer_correlation": -1,
    "roughness_change": 0,
}


def _profiles(X: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per-group median daily profile, returned per meter (rows aligned with X)."""
    prof = np.empty_like(X)
    for g in np.unique(groups):  # loop over feeders (tens), vectorised over meters and days
        rows = groups == g
        prof[rows] = np.nanmedian(X[rows], axis=0)
    return prof


def meter_features(
    readings: pd.DataFrame,
    *,
    feeder: str | None = "feeder",
    min_segment: int = 28,
    step: int = 7,
    customer_id: str = "customer_id",
    date: str = "date",
    kwh: str = "kwh",
) -> pd.DataFrame:
    """Per-meter features for theft detection, relative to the meter's own past and its peers.

    Readings are pivoted to a meters x days matrix and divided by the median profile of the
    meter's feeder (all meters when there is no feeder column), which removes the weather,
    season and calendar the peers share. On that relative series ``r``:

    * ``level_drop``: 1 - (level after / level before) at the change point, the level being the
      meter's energy over its peers' profile energy in the segment; the change point is the split
      with the largest size-weighted fall in level (splits
      every ``step`` days, at least ``min_segment`` days each side); ``change_day`` is that split;
    * ``zero_share`` and ``longest_zero_run`` (days below 2% of the meter's median);
    * ``flat_share``: share of days whose reading equals the day before (flat reports);
    * ``volatility_change``: log of the coefficient of variation after / before the split;
    * ``roughness_change``: log of mean absolute day-to-day change after / before;
    * ``peer_correlation``: correlation of the meter's readings with its feeder's profile over the
      whole period (low when the shape is broken, e.g. time-reversed readings, attack h6);
    * ``peer_ratio``: mean of ``r`` (level relative to peers), ``weekly_strength`` (share of
      variance explained by the weekday), ``trend`` (slope of ``r`` per year over its mean).

    Returns
    -------
    pandas.DataFrame
        One row per meter; ``change_day`` is a date.

    Examples
    --------
    >>> from crmmine.anomaly.meters import make_meter_readings
    >>> data = make_meter_readings(50, 120, random_state=0)
    >>> f = meter_features(data.readings)
    >>> f.shape[0], bool(f["level_drop"].between(-1, 1).all())
    (50, True)
    """
    require_columns(readings.columns, [customer_id, date, kwh], role="meter readings")
    X, meters, days = readings_matrix(readings, customer_id=customer_id, date=date, kwh=kwh)
    n, T = X.shape
    if feeder is not None and feeder in readings.columns:
        groups = readings.groupby(customer_id)[feeder].first().reindex(meters).to_numpy()
    else:
        groups = np.zeros(n, dtype=np.int64)
    X = np.where(np.isnan(X), np.nanmedian(X, axis=1, keepdims=True), X)
    prof = _profiles(X, groups)
    R = X / np.where(prof > 0, prof, np.nan)
    R = np.where(np.isfinite(R), R, 0.0)
    # levels as ratios of sums (energy over the peers' energy), robust to weekday mismatches
    Cx = np.concatenate([np.zeros((n, 1)), np.cumsum(X, axis=1)], axis=1)
    Cp = np.concatenate([np.zeros((n, 1)), np.cumsum(np.nan_to_num(prof), axis=1)], axis=1)
    splits = np.arange(min_segment, T - min_segment + 1, step)
    if splits.size == 0:
        splits = np.array([T // 2])
    with np.errstate(invalid="ignore", divide="ignore"):
        before = Cx[:, splits] / Cp[:, splits]
        after = (Cx[:, -1:] - Cx[:, splits]) / (Cp[:, -1:] - Cp[:, splits])
    ratio = after / np.where(before > 0, before, np.nan)
    ratio = np.where(np.isfinite(ratio), ratio, 1.0)
    # change point: the split with the largest size-weighted fall in level (binary segmentation
    # statistic k (T - k) / T x (before - after)^2, falls only), so a late split cannot win on a
    # short noisy tail
    fall = np.where(np.isfinite(before - after), np.clip(before - after, 0.0, None), 0.0)
    stat = splits * (T - splits) / T * fall**2
    best = np.argmax(stat, axis=1)
    k = splits[best]
    level_drop = 1.0 - ratio[np.arange(n), best]
    med = np.median(X, axis=1, keepdims=True)
    zero = (0.02 * np.maximum(med, 1e-9)) >= X
    # longest run of True per row: positions of run starts via cumulative reset
    run = np.zeros(n)
    cur = np.zeros(n)
    for t in range(T):  # loop over days (hundreds), vectorised over meters
        cur = np.where(zero[:, t], cur + 1, 0)
        run = np.maximum(run, cur)
    flat = np.r_[0.0] if T < 2 else (np.abs(np.diff(X, axis=1)) < 1e-9).mean(axis=1)
    t_idx = np.arange(T)[None, :]
    is_after = t_idx >= k[:, None]

    def seg_stat(values: np.ndarray, mask: np.ndarray, fn) -> np.ndarray:
        return fn(np.where(mask, values, np.nan), axis=1)

    with np.errstate(invalid="ignore", divide="ignore"):
        cv_b = seg_stat(R, ~is_after, np.nanstd) / seg_stat(R, ~is_after, np.nanmean)
        cv_a = seg_stat(R, is_after, np.nanstd) / seg_stat(R, is_after, np.nanmean)
        dR = np.abs(np.diff(R, axis=1))
        rough_b = seg_stat(dR, ~is_after[:, 1:], np.nanmean) / seg_stat(R, ~is_after, np.nanmean)
        rough_a = seg_stat(dR, is_after[:, 1:], np.nanmean) / seg_stat(R, is_after, np.nanmean)
        vol_change = np.log(cv_a / cv_b)
        rough_change = np.log(rough_a / rough_b)
        Xc = X - X.mean(axis=1, keepdims=True)
        Pc = prof - prof.mean(axis=1, keepdims=True)
        corr = (Xc * Pc).sum(axis=1) / np.sqrt((Xc**2).sum(axis=1) * (Pc**2).sum(axis=1))
        dow = np.asarray(days.day_of_week)
        dow_means = np.stack([R[:, dow == d].mean(axis=1) for d in range(7)], axis=1)
        weekly = dow_means.var(axis=1) / R.var(axis=1)
        tc = np.arange(T) - (T - 1) / 2
        slope = (R * tc[None, :]).sum(axis=1) / (tc**2).sum()
        trend = slope * 365.0 / R.mean(axis=1)
    out = pd.DataFrame(
        {
            "level_drop": level_drop,
            "change_day": days[k],
            "zero_share": zero.mean(axis=1),
            "longest_zero_run": run,
            "flat_share": flat,
            "volatility_change": vol_change,
            "roughness_change": rough_change,
            "peer_correlation": corr,
            "peer_ratio": R.mean(axis=1),
            "weekly_strength": weekly,
            "trend": trend,
            "mean_kwh": X.mean(axis=1),
        },
        index=meters,
    )
    num = out.drop(columns="change_day")
    out[num.columns] = num.replace([np.inf, -np.inf], np.nan).fillna(0.0)
    out["feeder"] = groups
    return out


def theft_scores(
    readings_or_features: pd.DataFrame,
    *,
    share: float | None = 0.05,
    top_k: int | None = None,
    peer: str | None = "feeder",
    **kwargs,
) -> pd.DataFrame:
    """Suspicion score per meter (higher = more suspicious), with flags and reasons.

    Each feature of :func:`meter_features` is turned into a one-sided robust z-score in the
    direction that signals theft (a drop in level, zeros, flat reports, a broken correlation
    with the feeder; volatility and roughness changes count either way), within the feeder's
    peers. The score is the sum of the two largest such z-scores, so one strong signal or two
    moderate ones rank a meter high. Flagged meters get reasons.

    Parameters
    ----------
    readings_or_features : pandas.DataFrame
        Long readings (``customer_id, date, kwh[, feeder]``) or the output of :func:`meter_features`.
    share, top_k : float, int
        How many meters to flag for inspection.

    Returns
    -------
    pandas.DataFrame
        Features plus ``score``, ``rank``, ``flag`` and ``reasons``.

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). *IEEE Transactions on Smart Grid* 7(1).
    Zheng, Z., Yang, Y., Niu, X., Dai, H.-N. and Zhou, Y. (2018). Wide and deep convolutional neural
    networks for electricity-theft detection to secure smart grids. *IEEE Transactions on Industrial
    Informatics* 14(4), 1606-1615.
    """
    feats = readings_or_features
    if "level_drop" not in feats.columns:
        feats = meter_features(feats, **kwargs)
    cols = list(_DIRECTION)
    groups = feats[peer] if peer is not None and peer in feats.columns else None
    z = robust_z(feats[cols], groups)
    directional = np.column_stack(
        [
            z[c].clip(lower=0) if d > 0 else (-z[c]).clip(lower=0) if d < 0 else z[c].abs()
            for c, d in _DIRECTION.items()
        ]
    )
    top2 = -np.sort(-directional, axis=1)[:, :2]
    out = feats.copy()
    out["score"] = top2.sum(axis=1)
    out["rank"] = out["score"].rank(ascending=False, method="first").astype(np.int64)
    out["flag"] = select(out["score"], share=share, top_k=top_k)
    out["reasons"] = ""
    flagged = out.index[out["flag"]]
    if len(flagged):
        out.loc[flagged, "reasons"] = reasons(feats[cols], flagged, peer=groups, top=2, min_z=2.0)
    return out.sort_values("rank")


def transformer_balance(
    readings: pd.DataFrame,
    feeder_input: pd.DataFrame,
    *,
    loss_rate: float = 0.04,
    feeder: str = "feeder",
    date: str = "date",
    kwh: str = "kwh",
    kwh_in: str = "kwh_in",
) -> pd.DataFrame:
    """Energy balance per feeder: input minus billed minus expected technical losses.

    A feeder whose unexplained energy (``input - billed - loss_rate x input``) is large relative
    to its input points to non-technical losses (theft) among its meters: a cross-check for the
    meter-level scores.

    Returns
    -------
    pandas.DataFrame
        Per feeder: ``input_kwh``, ``billed_kwh``, ``unexplained_kwh``, ``unexplained_share``.
    """
    require_columns(readings.columns, [feeder, date, kwh], role="meter readings")
    require_columns(feeder_input.columns, [feeder, kwh_in], role="feeder input")
    billed = readings.groupby(feeder)[kwh].sum()
    inp = feeder_input.groupby(feeder)[kwh_in].sum()
    out = pd.DataFrame({"input_kwh": inp, "billed_kwh": billed}).fillna(0.0)
    out["unexplained_kwh"] = (
        out["input_kwh"] - out["billed_kwh"] - loss_rate * out["input_kwh"] / (1 + loss_rate)
    )
    out["unexplained_share"] = out["unexplained_kwh"] / out["input_kwh"]
    return out.sort_values("unexplained_share", ascending=False)
