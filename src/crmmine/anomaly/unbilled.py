"""Unbilled energy of suspected thieves: change point, baseline, shortfall with an interval."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._params import Interval, check_params
from crmmine.anomaly._kernels import longest_run_starts
from crmmine.anomaly.readings import as_matrix
from crmmine.anomaly.theft import TheftScores, _peer_profiles, meter_features
from crmmine.errors import DataError

__all__ = ["unbilled_energy"]


def unbilled_energy(
    readings,
    flagged,
    *,
    features: pd.DataFrame | None = None,
    tariff: float | None = None,
    z: float = 1.96,
    zero_kwh: float = 0.0,
    min_zero_days: int = 7,
    baseline_days: int | None = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    kwh: str | None = None,
    feeder: str | None = None,
    bad_kwh: str = "raise",
    duplicates: str = "raise",
    missing: str = "interpolate",
    missing_feeder: str = "warn",
) -> pd.DataFrame:
    """Estimate the energy each flagged meter did not bill since its theft started.

    * **Start**: the change day of :func:`~crmmine.anomaly.meter_features` (the lasting step with
      the largest fall relative to the peers and the meter's own season), or the first day of the
      meter's longest run of zero readings when that run is at least ``min_zero_days`` long and
      begins earlier (a meter that read nothing for weeks and then normally again).
    * **Baseline**: the meter's level relative to its peers before the start (all days, or the last
      ``baseline_days``; its energy over the peers' profile energy) times the peers' median daily
      profile after it: what the meter would have read had it kept its earlier share of its peers'
      consumption (weather and calendar come from the peers; a seasonal pattern of the meter's own
      that differs from its peers' is not modelled, so the estimate of a single meter can be off by
      that difference).
    * **Stolen kWh**: baseline minus reported, summed from the start. The interval uses the
      standard error of the pre-start level (variation of the relative series, counted in weeks
      since consecutive days are not independent).

    Parameters
    ----------
    readings : table or MeterMatrix
        Long readings of all meters (peers are needed), as for :func:`~crmmine.anomaly.theft_scores`.
    flagged : index-like or TheftScores
        Meters to assess (e.g. ``theft_scores(...).flagged``).
    features : pandas.DataFrame, optional
        Output of :func:`~crmmine.anomaly.meter_features` for the same readings (computed if absent;
        a :class:`TheftScores` passed as ``flagged`` provides them).
    tariff : float, optional
        Price per kWh (at least 0); adds ``amount``, ``amount_low``, ``amount_high``.
    z : float, default 1.96
        Normal quantile of the interval (1.96: 95%), positive.
    zero_kwh : float, default 0.0
        A reading at or below this (kWh, at least 0) is a zero.
    min_zero_days : int, default 7
        Shortest run of zero readings (days, at least 1) that can start the theft earlier.
    baseline_days : int, optional
        Take the meter's relative level from this many days (at least 7) before the start only
        (default: all days before it).
    columns : mapping, optional
        ``{role: column}`` for the roles ``customer_id``, ``date``, ``kwh``, ``feeder``.
    customer_id, date, kwh, feeder : str, optional
        Column names by role, overriding ``columns``.
    bad_kwh, duplicates, missing, missing_feeder : str
        Reading policies (see :func:`~crmmine.anomaly.meter_matrix`; defaults ``"raise"``,
        ``"raise"``, ``"interpolate"``, ``"warn"``).

    Returns
    -------
    pandas.DataFrame
        One row per flagged meter (indexed by its id, in the order given): ``start`` (date),
        ``days`` (from the start to the end of the readings), ``baseline_kwh``, ``reported_kwh``,
        ``stolen_kwh`` and its interval ``stolen_low``, ``stolen_high`` (and the amounts with a
        tariff). A meter that read more than its baseline has a negative ``stolen_kwh``.

    See Also
    --------
    theft_scores : which meters to assess (its result can be passed as ``flagged``).
    meter_features : the change day that starts the estimate.
    inject_theft : synthetic thefts with the true ``stolen_kwh``.
    transformer_balance : unexplained energy per feeder.

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings, inject_theft
    >>> data = make_meter_readings(200, 365, random_state=0)
    >>> readings, truth = inject_theft(data.readings, attacks=("h1",), share=0.05, random_state=1)
    >>> thieves = truth.index[truth["thief"]]
    >>> owed = unbilled_energy(readings, thieves, tariff=0.25)
    >>> bool(abs(owed["stolen_kwh"].sum() / truth["stolen_kwh"].sum() - 1) < 0.25)
    True

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). *IEEE Transactions on Smart Grid* 7(1),
    216-226 (attack models); change-point baseline as in utility back-billing practice.
    """
    check_params(
        {
            "tariff": tariff,
            "z": z,
            "zero_kwh": zero_kwh,
            "min_zero_days": min_zero_days,
            "baseline_days": baseline_days,
        },
        {
            "tariff": [Interval(Real, 0, None), None],
            "z": [Interval(Real, 0, None, closed="neither")],
            "zero_kwh": [Interval(Real, 0, None)],
            "min_zero_days": [Interval(Integral, 1, None)],
            "baseline_days": [Interval(Integral, 7, None), None],
        },
        caller="unbilled_energy()",
    )
    if isinstance(flagged, TheftScores):
        if features is None:
            features = flagged.table
        flagged = flagged.flagged
    matrix = as_matrix(
        readings,
        columns=columns,
        customer_id=customer_id,
        date=date,
        kwh=kwh,
        feeder=feeder,
        bad_kwh=bad_kwh,
        duplicates=duplicates,
        missing=missing,
        missing_feeder=missing_feeder,
    )
    X, meters, days = matrix.kwh, matrix.meters, matrix.days
    ids = pd.Index(flagged)
    missing_ids = ids.difference(meters)
    if len(missing_ids):
        raise DataError(
            f"{len(missing_ids)} flagged meters have no readings (e.g. {list(missing_ids[:5])}). "
            "Fix: pass the ids of meters in the readings."
        )
    if features is None:
        features = meter_features(matrix)
    absent = ids.difference(features.index)
    if len(absent):
        raise DataError(
            f"{len(absent)} flagged meters are not in the features (e.g. {list(absent[:5])}). "
            "Fix: compute the features on the same readings."
        )
    W = X.shape[1] // 7
    med = np.median(X[:, : W * 7].reshape(X.shape[0], W, 7).sum(axis=2, dtype=np.float64), axis=1) / 7.0
    typical = np.median(med[med > 0]) if (med > 0).any() else 1.0
    med = np.maximum(med, 1e-3 * typical)
    codes, values = pd.factorize(pd.Series(matrix.feeder), sort=False)
    prof = _peer_profiles(X, med, codes, len(values))
    rows = meters.get_indexer(ids)
    x = X[rows].astype(np.float64)
    p = prof[codes[rows]] * med[rows, None]
    change = pd.DatetimeIndex(features.loc[ids, "change_day"])
    k = (change - days[0]).days.to_numpy()
    # a long run of zero readings before the change day (attack h2: the meter reads nothing for
    # weeks, then normally again) starts the theft earlier
    zrun_start, zrun_len = longest_run_starts(x <= zero_kwh)
    early = (zrun_len >= min_zero_days) & (zrun_start >= 0) & (zrun_start < k)
    k = np.where(early, zrun_start, k)
    start = days[k]
    t = np.arange(X.shape[1])[None, :]
    before = t < k[:, None]
    if baseline_days is not None:
        before &= t >= (k - baseline_days)[:, None]
    after = t >= k[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = x / p
        level = np.where(before, x, 0.0).sum(axis=1) / np.where(before, p, 0.0).sum(axis=1)
        weeks = before.sum(axis=1) / 7.0  # weekly blocks: day-to-day values are not independent
        se = np.nanstd(np.where(before, r, np.nan), axis=1) / np.sqrt(np.maximum(weeks, 1.0))
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
        out["amount"] = out["stolen_kwh"] * tariff
        out["amount_low"] = out["stolen_low"] * tariff
        out["amount_high"] = out["stolen_high"] * tariff
    return out
