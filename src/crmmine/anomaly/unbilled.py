"""Unbilled energy of suspected thieves: change point, baseline, shortfall with an interval."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.anomaly.consumption import _profiles, meter_features
from crmmine.anomaly.meters import readings_matrix
from crmmine.errors import ParameterError

__all__ = ["unbilled_energy"]


def unbilled_energy(
    readings: pd.DataFrame,
    flagged,
    *,
    features: pd.DataFrame | None = None,
    tariff: float | None = None,
    feeder: str | None = "feeder",
    z: float = 1.96,
    customer_id: str = "customer_id",
    date: str = "date",
    kwh: str = "kwh",
) -> pd.DataFrame:
    """Estimate the energy each flagged meter did not bill since its theft started.

    * **Start**: the change point of :func:`meter_features` (the split where the meter's level
      relative to its feeder peers falls most).
    * **Baseline**: the meter's level relative to its peers before the start (its energy over the
      peers' profile energy), times the
      peers' median daily profile after it: what the meter would have read had it kept its
      earlier share of the feeder's consumption (weather and season come from the peers).
    * **Stolen kWh**: baseline minus reported, summed from the start. The interval uses the
      standard error of the pre-start level (variation of the relative series, counted in weeks
      since consecutive days are not independent).

    Parameters
    ----------
    readings : pandas.DataFrame
        Long readings (``customer_id, date, kwh[, feeder]``) for all meters (peers are needed).
    flagged : index-like
        Meters to assess (e.g. ``theft_scores(...).query("flag").index``).
    features : pandas.DataFrame, optional
        Output of :func:`meter_features` for the same readings (recomputed if absent).
    tariff : float, optional
        Price per kWh; adds ``amount`` columns.

    Returns
    -------
    pandas.DataFrame
        Per flagged meter: ``start``, ``days``, ``baseline_kwh``, ``reported_kwh``, ``stolen_kwh``,
        ``stolen_low``, ``stolen_high`` (and ``amount``, ``amount_low``, ``amount_high`` with a tariff).

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). *IEEE Transactions on Smart Grid* 7(1),
    216-226 (attack models); change-point baseline as in utility back-billing practice.
    """
    X, meters, days = readings_matrix(readings, customer_id=customer_id, date=date, kwh=kwh)
    ids = pd.Index(flagged)
    missing = ids.difference(meters)
    if len(missing):
        raise ParameterError(f"{len(missing)} flagged meters have no readings (e.g. {list(missing[:5])})")
    if features is None:
        features = meter_features(readings, feeder=feeder, customer_id=customer_id, date=date, kwh=kwh)
    if feeder is not None and feeder in readings.columns:
        groups = readings.groupby(customer_id)[feeder].first().reindex(meters).to_numpy()
    else:
        groups = np.zeros(len(meters), dtype=np.int64)
    X = np.where(np.isnan(X), np.nanmedian(X, axis=1, keepdims=True), X)
    prof = _profiles(X, groups)
    rows = meters.get_indexer(ids)
    x, p = X[rows], prof[rows]
    start = pd.DatetimeIndex(features.loc[ids, "change_day"])
    k = (start - days[0]).days.to_numpy()
    t = np.arange(X.shape[1])[None, :]
    before, after = t < k[:, None], t >= k[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = x / np.where(p > 0, p, np.nan)
        level = np.where(before, x, 0.0).sum(axis=1) / np.where(before, p, 0.0).sum(axis=1)
        weekly = before.sum(axis=1) / 7.0  # weekly blocks: day-to-day values are not independent
        se = np.nanstd(np.where(before, r, np.nan), axis=1) / np.sqrt(np.maximum(weekly, 1.0))
    profile_after = np.where(after, p, 0.0).sum(axis=1)
    baseline = level * profile_after
    reported = np.where(after, x, 0.0).sum(axis=1)
    stolen = baseline - reported
    half = z * se * profile_after
    out = pd.DataFrame(
        {
            "start": start,
            "days": after.sum(axis=1),
            "baseline_kwh": baseline,
            "reported_kwh": reported,
            "stolen_kwh": stolen,
            "stolen_low": stolen - half,
            "stolen_high": stolen + half,
        },
        index=ids,
    )
    if tariff is not None:
        for col in ("stolen_kwh", "stolen_low", "stolen_high"):
            out[col.replace("stolen_kwh", "amount").replace("stolen_", "amount_")] = out[col] * tariff
    return out
