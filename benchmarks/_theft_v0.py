"""The theft detector of the previous release (crmmine 0.1.0, before issue 15), kept for comparison.

Verbatim features of ``crmmine.anomaly.consumption.meter_features`` at that release (commit 40c27ce)
and its score (sum of the two largest one-sided robust z-scores within the feeder). Used only by
``bench_theft_rule.py`` to show where the current detector stands against its predecessor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.anomaly import robust_z

_DIRECTION = {
    "level_drop": 1,
    "zero_share": 1,
    "longest_zero_run": 1,
    "flat_share": 1,
    "volatility_change": 0,
    "peer_correlation": -1,
    "roughness_change": 0,
}


def readings_matrix(readings, *, customer_id="customer_id", date="date", kwh="kwh"):
    c_codes, meters = pd.factorize(readings[customer_id], sort=True)
    days = pd.to_datetime(readings[date]).dt.normalize()
    d_codes, uniq_days = pd.factorize(days, sort=True)
    full_days = pd.date_range(uniq_days.min(), uniq_days.max(), freq="D")
    col = (uniq_days[d_codes] - full_days[0]).days.to_numpy()
    X = np.full((len(meters), len(full_days)), np.nan)
    X[c_codes, col] = readings[kwh].to_numpy(dtype="float64")
    return X, pd.Index(meters, name=customer_id), full_days


def _profiles(X: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Per-group median daily profile, returned per meter (rows aligned with X)."""
    prof = np.empty_like(X)
    for g in np.unique(groups):  # loop over feeders (tens), vectorised over meters and days
        rows = groups == g
        prof[rows] = np.nanmedian(X[rows], axis=0)
    return prof


def meter_features_v0(
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


def theft_scores_v0(readings: pd.DataFrame) -> pd.Series:
    """Score of the previous release (higher = more suspicious), indexed by meter."""
    feats = meter_features_v0(readings)
    cols = list(_DIRECTION)
    z = robust_z(feats[cols], feats["feeder"])
    directional = np.column_stack(
        [
            z[c].clip(lower=0) if d > 0 else (-z[c]).clip(lower=0) if d < 0 else z[c].abs()
            for c, d in _DIRECTION.items()
        ]
    )
    return pd.Series(-np.sort(-directional, axis=1)[:, :2].sum(axis=1), index=feats.index, name="score")
