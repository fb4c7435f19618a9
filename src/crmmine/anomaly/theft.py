"""Electricity-theft features, scores and the detector, from daily meter readings.

The detector compares each meter with its own past and with its peers in a way that survives
the honest reasons consumption changes: weather and calendar (divided out by the peers' daily
profile), a seasonal pattern of the meter's own (two yearly harmonics fitted per meter), holidays
and vacations (a running median over weeks ignores dips of up to ``dip_weeks`` weeks), and moves
or new appliances (a lasting drop whose day-to-day behaviour also changed counts less than one
that looks like a scaled copy of the past).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._align import align_to
from crmmine._estimator import CRMMineEstimator, warn
from crmmine._params import Interval, Options, check_params
from crmmine._results import Result
from crmmine.anomaly._kernels import daily_features, running_median_rows
from crmmine.anomaly.detectors import DIRECTIONS, directional, select
from crmmine.anomaly.readings import MeterMatrix, as_matrix
from crmmine.errors import CRMMineWarning, DataError, ParameterError

__all__ = ["THEFT_DIRECTIONS", "TheftDetector", "TheftScores", "meter_features", "theft_scores"]

#: Features the theft score uses by default and the direction in which each is suspicious.
THEFT_DIRECTIONS = {"level_drop": "high", "zero_run": "high", "flat_share": "high", "noise_change": "both"}

# smallest robust scale per feature (in its own unit), so that a feature on which almost every
# meter has the same value (no zeros, no flat days) does not turn a tiny difference into a huge z
_FLOORS = {
    "level_drop": 0.05,
    "zero_run": 7.0,
    "zero_share": 0.02,
    "low_run": 7.0,
    "flat_share": 0.01,
    "noise_change": 0.5,
    "noise_ratio": 0.05,
    "peer_correlation": 0.02,
    "drop_t": 0.5,
}
_NOISE_GRACE = 1.0  # |z| of a change in day-to-day variation that still passes as a scaled copy
_NOISE_CAP = 2.0  # largest reduction of the drop z (a large change is itself a signal: h3, h4)
_PROFILE_SAMPLE = 2000  # meters per peer group used for the median profile (evenly spaced)


def _harmonics(T: int, harmonics: int | str) -> int:
    if harmonics == "auto":
        return 0 if T < 180 else 1 if T < 300 else 2
    return int(harmonics)


def _basis(n_weeks: int, harmonics: int) -> np.ndarray:
    mid = np.arange(n_weeks) * 7 + 3.5
    cols = [np.ones(n_weeks)]
    for h in range(1, harmonics + 1):
        angle = 2 * np.pi * h * mid / 365.25
        cols += [np.cos(angle), np.sin(angle)]
    return np.stack(cols, axis=1)


def _peer_profiles(X: np.ndarray, med: np.ndarray, codes: np.ndarray, n_groups: int) -> np.ndarray:
    """Median daily profile of each peer group's normalised readings (groups x days)."""
    T = X.shape[1]
    prof = np.empty((n_groups, T), dtype=np.float64)
    for g in range(n_groups):  # one pass per peer group (feeders: tens to hundreds)
        rows = np.flatnonzero(codes == g)
        if rows.size > _PROFILE_SAMPLE:
            rows = rows[np.linspace(0, rows.size - 1, _PROFILE_SAMPLE).astype(np.int64)]
        prof[g] = np.median(X[rows] / med[rows, None], axis=0)
    typical = np.median(prof[prof > 0]) if (prof > 0).any() else 1.0
    return np.maximum(prof, 1e-3 * typical)


def _step_search(y: np.ndarray, B: np.ndarray, min_weeks: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best lasting step (largest fall) per row after removing the basis (Frisch-Waugh-Lovell).

    Returns the week of the change, the step in log level and its sum of squares (for the se).
    """
    n, W = y.shape
    Q, _ = np.linalg.qr(B)
    e = y - (y @ Q) @ Q.T
    ks = np.arange(min_weeks, W - min_weeks + 1)
    S = (np.arange(W)[:, None] >= ks[None, :]).astype(np.float64)
    S -= Q @ (Q.T @ S)
    ss = (S**2).sum(axis=0)
    proj = e @ S
    delta = proj / ss
    gain = proj**2 / ss
    falls = np.where(delta < 0, gain, -1.0)
    best = np.where((delta < 0).any(axis=1), np.argmax(falls, axis=1), np.argmax(gain, axis=1))
    rows = np.arange(n)
    return ks[best], delta[rows, best], np.sqrt(ss[best])


def _matrix(readings: Any, **kwargs: Any) -> MeterMatrix:
    """The meters x days matrix: checked and aggregated inside the engine for polars, DuckDB and
    Spark tables (only the daily values are collected), as :func:`meter_matrix` does for pandas."""
    if _backend.is_engine(readings):
        from crmmine.anomaly._engine_readings import engine_matrix

        return engine_matrix(readings, **kwargs)
    return as_matrix(readings, **kwargs)


def meter_features(
    readings,
    *,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    kwh: str | None = None,
    feeder: str | None = None,
    bad_kwh: str = "raise",
    duplicates: str = "raise",
    missing: str = "interpolate",
    missing_feeder: str = "warn",
    min_weeks: int | str = "auto",
    dip_weeks: int = 5,
    harmonics: int | str = "auto",
    zero_kwh: float = 0.0,
) -> pd.DataFrame:
    """Per-meter theft features, relative to the meter's own past and its peers.

    Readings are checked and pivoted by :func:`~crmmine.anomaly.meter_matrix` (the policies for
    bad kWh, duplicated meter-days, missing days and a missing feeder column are documented
    there). Each meter's readings are divided by its peer group's median daily profile (its
    feeder, or all meters without a feeder column), which removes the weather and calendar the
    peers share. On the weekly log level relative to peers:

    * the meter's own seasonal pattern is fitted (``harmonics`` yearly harmonics; ``"auto"``:
      none below 180 days, one below 300, two from 300 days on);
    * a running median over ``2 dip_weeks + 1`` weeks removes dips of up to ``dip_weeks`` weeks
      (holidays, vacations) while keeping lasting steps;
    * the lasting step with the largest fall (at least ``min_weeks`` weeks on each side) gives
      ``change_day`` and ``level_drop`` = 1 - level after / level before (negative for a rise),
      with its t statistic ``drop_t``.

    From the daily readings: ``zero_run`` and ``zero_share`` (days reading at most ``zero_kwh``),
    ``low_run`` (longest run below 10% of the meter's typical daily use, the median of its weekly
    means: vacations, vacancies),
    ``flat_share`` (days with exactly the previous day's reading, zeros excluded), ``noise_ratio``
    (day-to-day variation after / before the change day, as mean absolute change of log kWh) and
    ``noise_change`` (its log as a t statistic), ``peer_correlation`` (of the daily readings with
    the peer profile), ``peer_ratio`` (level relative to peers), ``mean_kwh`` and
    ``missing_share`` (days filled). Filled days never count as zeros or flat days.

    Parameters
    ----------
    readings : table or MeterMatrix
        Long readings, one row per meter and day (see :func:`~crmmine.anomaly.meter_matrix`);
        at least 3 meters and 5 whole weeks.
    columns : mapping, optional
        ``{role: column}`` for the roles ``customer_id``, ``date``, ``kwh``, ``feeder``
        (``docs/conventions.md``).
    customer_id, date, kwh, feeder : str, optional
        Column names by role, overriding ``columns``.
    bad_kwh, duplicates, missing, missing_feeder : str
        Policies for bad rows (see :func:`~crmmine.anomaly.meter_matrix`; defaults ``"raise"``,
        ``"raise"``, ``"interpolate"``, ``"warn"``).
    min_weeks : int or "auto", default "auto"
        Shortest segment before and after a change point, in weeks (``"auto"``: 8, or a third of
        the weeks for periods under 24 weeks, at least 2).
    dip_weeks : int, default 5
        Longest dip (in weeks) that does not count as a lasting change (0 turns the running
        median off).
    harmonics : int or "auto", default "auto"
        Yearly harmonics (0 to 4) of each meter's own seasonal pattern.
    zero_kwh : float, default 0.0
        A reading at or below this (kWh) is a zero.

    Returns
    -------
    table of the input's kind
        One row per meter (pandas: indexed by meter id; polars, DuckDB and Spark: a table of
        the same kind with the meter id first); ``change_day`` is a date and ``peer_group``
        names the meter's peers (its feeder, or ``"all meters (no feeder column)"``).

    Notes
    -----
    For a polars, DuckDB or Spark table the checks, the policies for bad and duplicated
    readings and the aggregation to one value per meter and day run inside the engine;
    the daily values (``meters x days`` numbers, the matrix the features need) are then
    collected and the features computed in numpy, as for pandas. The per-meter result is
    handed back to the engine.

    See Also
    --------
    meter_matrix : the checks and repairs of the readings.
    theft_scores : one-sided scores of these features, with reasons.
    TheftDetector : the same as an estimator, with inspection results.
    unbilled_energy : uses ``change_day`` as the start of the theft.

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings
    >>> data = make_meter_readings(60, 120, random_state=0)
    >>> f = meter_features(data.readings)
    >>> f.shape[0], bool(f["level_drop"].between(-1, 1).all())
    (60, True)

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). Electricity theft detection in AMI using
    customers' consumption patterns. *IEEE Transactions on Smart Grid* 7(1), 216-226.
    Verbesselt, J., Hyndman, R., Newnham, G. and Culvenor, D. (2010). Detecting trend and seasonal
    changes in satellite image time series. *Remote Sensing of Environment* 114(1), 106-115
    (breaks in a seasonal-harmonic model).
    """
    check_params(
        {"min_weeks": min_weeks, "dip_weeks": dip_weeks, "harmonics": harmonics, "zero_kwh": zero_kwh},
        {
            "min_weeks": [Interval(Integral, 1, None), Options({"auto"})],
            "dip_weeks": [Interval(Integral, 0, None)],
            "harmonics": [Interval(Integral, 0, 4), Options({"auto"})],
            "zero_kwh": [Interval(Real, 0, None)],
        },
        caller="meter_features()",
    )
    matrix = _matrix(
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
    out = _features_from_matrix(matrix, min_weeks, dip_weeks, harmonics, zero_kwh)
    if _backend.is_engine(readings):
        lf = _backend.to_lazy(readings, what="meter readings")
        table = _backend.upload(out.reset_index(), lf)
        if _backend.backend_of(readings) in ("polars", "polars-lazy"):
            table = table.sort(out.index.name)
        return _backend.result_like(table, _backend.backend_of(readings))
    return out


def _features_from_matrix(
    matrix: MeterMatrix, min_weeks: int, dip_weeks: int, harmonics: int | str, zero_kwh: float
) -> pd.DataFrame:
    X = matrix.kwh
    n, T = X.shape
    W = T // 7
    if min_weeks == "auto":
        min_weeks = 8 if W >= 24 else max(2, W // 3)
    if W < 5:
        raise DataError(
            f"meter readings cover {T} days ({W} whole weeks); theft features need at least 5 weeks. "
            "Fix: supply a longer period of readings."
        )
    if 2 * min_weeks + 1 > W:
        raise DataError(
            f"meter readings cover {T} days ({W} whole weeks); the change-point search needs at least "
            f"{2 * min_weeks + 1} weeks with min_weeks={min_weeks}. Fix: supply a longer period or "
            f"lower min_weeks (e.g. min_weeks={max(W // 3, 2)}, or 'auto')."
        )
    if n < 3:
        raise DataError(
            f"meter readings hold {n} meter(s); peer comparison needs at least 3. "
            "Fix: score a larger population of meters together."
        )
    xs = X[:, : W * 7].reshape(n, W, 7).sum(axis=2, dtype=np.float64)
    # a meter's typical daily use: the median of its weekly means (cheap and robust)
    med = np.median(xs, axis=1) / 7.0
    typical = np.median(med[med > 0]) if (med > 0).any() else 1.0
    med = np.maximum(med, 1e-3 * typical)
    group_codes, group_values = pd.factorize(pd.Series(matrix.feeder), sort=False)
    prof = _peer_profiles(X, med, group_codes, len(group_values))
    ps = prof[:, : W * 7].reshape(len(group_values), W, 7).sum(axis=2)[group_codes] * med[:, None]
    ratio = xs / ps
    y = np.log(np.maximum(ratio, 0.02))
    smooth = running_median_rows(y, dip_weeks) if dip_weeks > 0 else y
    B = _basis(W, _harmonics(T, harmonics))
    k, delta, norm = _step_search(smooth, B, min_weeks)
    # weekly noise: robust scale of week-to-week changes of the raw weekly level
    sigma = np.median(np.abs(np.diff(y, axis=1)), axis=1) * 1.4826 / np.sqrt(2)
    sigma = np.maximum(sigma, 0.01)
    change = (k * 7).astype(np.int64)
    filled = matrix.filled
    daily = daily_features(
        X,
        filled if filled is not None else np.zeros((1, 1), dtype=bool),
        filled is not None,
        med,
        prof,
        group_codes.astype(np.int64),
        change,
        float(zero_kwh),
        0.1,
    )
    m_b, v_b, c_b, m_a, v_a, c_a = (daily[:, j] for j in range(4, 10))
    with np.errstate(invalid="ignore", divide="ignore"):
        m_b = np.maximum(m_b, 1e-4)
        m_a = np.maximum(m_a, 1e-4)
        log_ratio = np.log(m_a / m_b)
        se = np.sqrt(v_b / (np.maximum(c_b, 1) * m_b**2) + v_a / (np.maximum(c_a, 1) * m_a**2))
        noise_t = np.where(se > 0, log_ratio / se, 0.0)
    out = pd.DataFrame(
        {
            "level_drop": 1.0 - np.exp(delta),
            "drop_t": -delta * norm / sigma,
            "change_day": matrix.days[change],
            "zero_run": daily[:, 0],
            "zero_share": daily[:, 1],
            "low_run": daily[:, 2],
            "flat_share": daily[:, 3],
            "noise_ratio": np.exp(log_ratio),
            "noise_change": noise_t,
            "peer_correlation": daily[:, 10],
            "peer_ratio": np.median(ratio, axis=1),
            "mean_kwh": X.mean(axis=1, dtype=np.float64),
            "missing_share": matrix.missing_share,
            "peer_group": matrix.feeder,
        },
        index=matrix.meters,
    )
    num = [c for c in out.columns if c not in ("change_day", "peer_group")]
    out[num] = out[num].replace([np.inf, -np.inf], np.nan).fillna(0.0)
    out.attrs["peer_group"] = matrix.peer_group  # informational
    return out


def _robust_scale(v: np.ndarray, floor: float) -> tuple[float, float]:
    med = float(np.median(v))
    mad = 1.4826 * float(np.median(np.abs(v - med)))
    upper = (float(np.quantile(v, 0.9)) - med) / 1.2816
    return med, max(mad, upper, floor)


def _check_direction(direction: Mapping[str, str | None] | None, columns) -> dict[str, str]:
    merged = dict(THEFT_DIRECTIONS)
    if direction is not None:
        if not isinstance(direction, Mapping):
            raise ParameterError(
                "parameter 'direction' must be a mapping feature -> 'high', 'low', 'both' or None, "
                f"got {type(direction).__name__}. Example: direction={{'peer_correlation': 'low'}}."
            )
        merged.update(direction)
    out = {}
    for name, d in merged.items():
        if d is None:
            continue
        if d not in DIRECTIONS:
            raise ParameterError(
                f"parameter 'direction': feature {name!r} has direction {d!r}; use one of {DIRECTIONS} "
                "or None to leave the feature out of the score."
            )
        if name not in columns:
            raise ParameterError(
                f"parameter 'direction' names feature {name!r}, which meter_features does not produce. "
                f"Known features: {[c for c in columns if c not in ('change_day', 'peer_group')]}."
            )
        out[name] = d
    if not out:
        raise ParameterError("parameter 'direction' leaves no feature in the score; keep at least one.")
    return out


def _reason_text(row: pd.Series, name: str, z: float) -> str:
    day = row["change_day"]
    when = day.strftime("%Y-%m-%d") if isinstance(day, pd.Timestamp) else str(day)
    if name == "level_drop":
        v = row["level_drop"]
        return (
            f"consumption {'fell' if v >= 0 else 'rose'} {abs(v):.0%} from {when} against its peers "
            f"and its own season (z {z:.1f})"
        )
    if name == "zero_run":
        return f"read zero for {int(row['zero_run'])} days in a row (z {z:.1f})"
    if name == "flat_share":
        return f"same reading as the day before on {row['flat_share']:.0%} of days (z {z:.1f})"
    if name == "noise_change":
        r = row["noise_ratio"]
        if r < 0.05:
            change = "almost vanished"
        elif r < 1:
            change = f"fell to {r:.0%} of its level before"
        elif r > 20:
            change = "rose more than 20x"
        else:
            change = f"rose {r:.1f}x"
        return f"day-to-day variation {change} from {when} (z {z:.1f})"
    value = row[name]
    return f"{name} {value:,.4g} (z {z:.1f})"


@dataclass(repr=False)
class TheftScores(Result):
    """Suspicion scores of meters, with reasons, from :func:`theft_scores` or :class:`TheftDetector`.

    Returned by :func:`theft_scores` and :meth:`TheftDetector.score_meters`; the fields below are
    its attributes, and ``flagged`` gives the ids of the flagged meters, most suspicious first.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per meter (indexed by meter id), sorted by ``rank``: the features of
        :func:`meter_features`, one ``z_<feature>`` signal per scored feature, ``score`` (higher
        = more suspicious), ``rank`` (1 = most suspicious), ``flag`` and ``reasons`` (for flagged
        meters).
    peer_group : str
        How peers were formed (a feeder column, or all meters as one group).
    log : pandas.DataFrame, default empty
        Checks and repairs of the readings (see :func:`~crmmine.anomaly.meter_matrix`).
    mode : str, default "unsupervised"
        ``"unsupervised"`` or ``"semi-supervised (n inspection results)"``.

    See Also
    --------
    theft_scores : builds it.
    TheftDetector : builds it, with a reference learnt once and inspection results.
    unbilled_energy : kWh the flagged meters did not bill (accepts this result).
    inspection_metrics : quality of the ranking against inspection results.

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings
    >>> data = make_meter_readings(60, 120, n_feeders=3, random_state=0)
    >>> result = theft_scores(data.readings, top_n=3)
    >>> result
    TheftScores(meters=60, flagged=3, peer_group="feeder column 'feeder'")
    >>> result.to_frame()["rank"].head(3).tolist(), len(result.flagged), result.mode
    ([1, 2, 3], 3, 'unsupervised')
    >>> result.summary().loc[["flagged", "repairs"], "value"].tolist()
    [3, 'none']
    """

    table: pd.DataFrame
    peer_group: str
    log: pd.DataFrame = field(default_factory=pd.DataFrame)
    mode: str = "unsupervised"

    def to_frame(self) -> pd.DataFrame:
        """The per-meter table, sorted by rank."""
        return self.table

    @property
    def flagged(self) -> pd.Index:
        """Ids of the flagged meters, most suspicious first."""
        return self.table.index[self.table["flag"].to_numpy()]

    def summary(self) -> pd.DataFrame:
        """Headline figures: meters, flagged, peer groups, mode and repairs."""
        repairs = self.log.loc[self.log["rows"] > 0, "problem"].tolist() if len(self.log) else []
        rows = {
            "meters": len(self.table),
            "flagged": int(self.table["flag"].sum()),
            "peer groups": self.peer_group,
            "mode": self.mode,
            "repairs": "; ".join(repairs) if repairs else "none",
            "median score": float(self.table["score"].median()),
            "lowest flagged score": float(self.table.loc[self.table["flag"], "score"].min())
            if self.table["flag"].any()
            else float("nan"),
        }
        return pd.DataFrame({"value": pd.Series(rows, dtype=object)})

    def _repr_items(self) -> dict:
        return {
            "meters": len(self.table),
            "flagged": int(self.table["flag"].sum()),
            "peer_group": self.peer_group,
        }

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Histogram of the scores with the flagged meters in red; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        s = self.table["score"]
        bins = kwargs.pop("bins", 50)
        ax.hist(s[~self.table["flag"]], bins=bins, color="#3b6ea8", label="not flagged", **kwargs)
        ax.hist(s[self.table["flag"]], bins=bins, color="#c0392b", label="flagged", **kwargs)
        ax.set_xlabel("theft score (sum of the two strongest signals)")
        ax.set_ylabel("meters")
        ax.legend()
        return ax


class TheftDetector(CRMMineEstimator):
    """Electricity-theft detector: features, a score with reasons and optional inspection results.

    ``fit`` computes :func:`meter_features` on the readings and learns the population reference
    of each scored feature (median and robust scale). Each feature becomes a one-sided robust
    z-score in its suspicious ``direction``; the score is the sum of the two strongest signals, so
    one strong signal or two moderate ones rank a meter high. A lasting drop whose day-to-day
    variation also changed (moves, new or retired appliances) counts less than one that looks like
    a scaled copy of the past (``scaled_copy``): its drop z is reduced by
    ``min(max(|z_noise| - 1, 0), 2)`` (capped because a large change in variation is itself a theft
    signal, attacks h3 and h4).

    **Past inspection results** (``y`` in ``fit``: 1 = theft found, 0 = clean, indexed by meter,
    covering only the inspected meters) turn the detector semi-supervised: a logistic regression on
    the features and signals learns from the inspected meters which combinations of the signals mark theft in
    this population, and the final score is a weighted mean of the percentile ranks of the
    unsupervised score and of the classifier's probability (``label_weight``, default 0.3).

    Parameters
    ----------
    direction : mapping, optional
        Per feature, the suspicious direction: ``"high"``, ``"low"``, ``"both"``, or ``None`` to
        leave a default feature out. Defaults: :data:`THEFT_DIRECTIONS`.
    scaled_copy : bool
        Apply the scaled-copy adjustment described above.
    min_weeks, dip_weeks, harmonics, zero_kwh
        Passed to :func:`meter_features`.
    min_labels : int
        Fewest inspected meters of each class needed to use the inspection results.
    label_weight : float
        Weight of the classifier's percentile rank in the final score (the unsupervised score has
        the rest). Inspected meters are rarely a random sample (most were inspected because they
        scored high), so the default keeps most weight on the unsupervised score.
    random_state : int, numpy Generator or None
        Seed of the classifier.
    n_jobs : int or None
        Threads for the classifier (``None`` = 1); BLAS/OpenMP are limited to it.

    Attributes
    ----------
    features_ : pandas.DataFrame
        Features of the readings passed to ``fit``.
    reference_ : pandas.DataFrame
        Per scored feature: ``direction``, ``median``, ``scale``.
    classifier_ : estimator or None
        The fitted classifier when inspection results were used.
    n_labels_ : int
        Inspection results used (0 when unsupervised).
    log_ : pandas.DataFrame
        Checks and repairs of the readings.
    peer_group_ : str
        How peers were formed (a feeder column, or all meters as one group).

    See Also
    --------
    theft_scores : fit and score in one call.
    meter_features : the features it scores.
    TheftScores : the result of ``score_meters``.
    unbilled_energy : kWh the flagged meters did not bill.

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings, inject_theft
    >>> data = make_meter_readings(300, 365, random_state=0)
    >>> readings, truth = inject_theft(data.readings, attacks=("h2",), share=0.05, random_state=1)
    >>> result = TheftDetector().fit(readings).score_meters(top_n=15)
    >>> bool(truth.loc[result.flagged, "thief"].all())
    True

    Past inspection results (here 8 thieves and 30 clean meters, 1 = theft found) make it
    semi-supervised:

    >>> import pandas as pd
    >>> found = truth["thief"].astype(int)
    >>> inspected = pd.concat([found[found == 1].head(8), found[found == 0].head(30)])
    >>> detector = TheftDetector(random_state=0).fit(readings, inspected)
    >>> detector.n_labels_, detector.score_meters(top_n=15).mode
    (38, 'semi-supervised (38 inspection results)')

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). Electricity theft detection in AMI using
    customers' consumption patterns. *IEEE Transactions on Smart Grid* 7(1), 216-226.
    Zheng, Z., Yang, Y., Niu, X., Dai, H.-N. and Zhou, Y. (2018). Wide and deep convolutional
    neural networks for electricity-theft detection to secure smart grids. *IEEE Transactions on
    Industrial Informatics* 14(4), 1606-1615.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "direction": [Mapping, None],
        "scaled_copy": ["boolean"],
        "min_weeks": [Interval(Integral, 1, None), Options({"auto"})],
        "dip_weeks": [Interval(Integral, 0, None)],
        "harmonics": [Interval(Integral, 0, 4), Options({"auto"})],
        "zero_kwh": [Interval(Real, 0, None)],
        "min_labels": [Interval(Integral, 1, None)],
        "label_weight": [Interval(Real, 0, 1)],
        "random_state": ["random_state"],
        "n_jobs": [Interval(Integral, -1, None), None],
    }
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("reference_",)

    def __init__(
        self,
        direction: Mapping[str, str | None] | None = None,
        *,
        scaled_copy: bool = True,
        min_weeks: int | str = "auto",
        dip_weeks: int = 5,
        harmonics: int | str = "auto",
        zero_kwh: float = 0.0,
        min_labels: int = 5,
        label_weight: float = 0.3,
        random_state: int | np.random.Generator | None = None,
        n_jobs: int | None = None,
    ) -> None:
        self.direction = direction
        self.scaled_copy = scaled_copy
        self.min_weeks = min_weeks
        self.dip_weeks = dip_weeks
        self.harmonics = harmonics
        self.zero_kwh = zero_kwh
        self.min_labels = min_labels
        self.label_weight = label_weight
        self.random_state = random_state
        self.n_jobs = n_jobs

    # -- features -------------------------------------------------------------------------------
    def _features(self, readings, roles: dict) -> tuple[pd.DataFrame, pd.DataFrame, str]:
        if (
            isinstance(readings, pd.DataFrame)
            and "level_drop" in readings.columns
            and "change_day" in readings
        ):
            peer = readings.attrs.get("peer_group", "as given in the features")
            return (
                readings,
                pd.DataFrame(columns=["problem", "policy", "rows", "meters", "action"]),
                str(peer),
            )
        matrix = _matrix(readings, **roles)
        feats = _features_from_matrix(matrix, self.min_weeks, self.dip_weeks, self.harmonics, self.zero_kwh)
        return feats, matrix.log, matrix.peer_group

    def _components(self, feats: pd.DataFrame) -> pd.DataFrame:
        z = {}
        for name, row in self.reference_.iterrows():
            values = feats[name].to_numpy(dtype=np.float64)
            z[name] = directional((values - row["median"]) / row["scale"], row["direction"])
        comp = pd.DataFrame(z, index=feats.index)
        if self.scaled_copy and "level_drop" in comp and "noise_change" in comp:
            raw_noise = np.abs(
                (feats["noise_change"].to_numpy() - self.reference_.loc["noise_change", "median"])
                / self.reference_.loc["noise_change", "scale"]
            )
            comp["level_drop"] = np.clip(
                comp["level_drop"] - np.clip(raw_noise - _NOISE_GRACE, 0, _NOISE_CAP), 0, None
            )
        return comp

    def fit(
        self,
        readings,
        y=None,
        *,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        date: str | None = None,
        kwh: str | None = None,
        feeder: str | None = None,
        bad_kwh: str = "raise",
        duplicates: str = "raise",
        missing: str = "interpolate",
        missing_feeder: str = "warn",
    ) -> TheftDetector:
        """Compute the features, learn the population reference and, with ``y``, the classifier.

        Parameters
        ----------
        readings : table, MeterMatrix or the output of :func:`meter_features`
        y : pandas.Series, optional
            Past inspection results indexed by meter id (1 = theft found, 0 = clean); only the
            inspected meters. Aligned on the index; ids that are not in the readings raise.
        columns, customer_id, date, kwh, feeder, bad_kwh, duplicates, missing, missing_feeder
            Column roles and reading policies (see :func:`~crmmine.anomaly.meter_matrix`).

        Returns
        -------
        TheftDetector
        """
        self._validate_params()
        roles = dict(
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
        feats, log, peer = self._features(readings, roles)
        directions = _check_direction(self.direction, feats.columns)
        ref = {}
        for name, d in directions.items():
            med, scale = _robust_scale(feats[name].to_numpy(dtype=np.float64), _FLOORS.get(name, 1e-9))
            ref[name] = {"direction": d, "median": med, "scale": scale}
        self.reference_ = pd.DataFrame(ref).T
        self.features_ = feats
        self.log_ = log
        self.peer_group_ = peer
        self.classifier_ = None
        self.n_labels_ = 0
        if y is not None:
            self._fit_classifier(feats, y)
        return self

    def _design(self, feats: pd.DataFrame, comp: pd.DataFrame, base: np.ndarray) -> np.ndarray:
        cols = [
            "level_drop",
            "drop_t",
            "zero_run",
            "zero_share",
            "low_run",
            "flat_share",
            "noise_ratio",
            "noise_change",
            "peer_correlation",
            "peer_ratio",
            "missing_share",
        ]
        raw = feats[[c for c in cols if c in feats.columns]].to_numpy(dtype=np.float64)
        return np.column_stack([raw, comp.to_numpy(), base])

    def _fit_classifier(self, feats: pd.DataFrame, y) -> None:
        labels = align_to(y, feats.index, name="y", target="the meters", allow_subset=True)
        known = labels.notna().to_numpy()
        values = labels[known]
        if not values.isin([0, 1, True, False]).all():
            bad = values[~values.isin([0, 1, True, False])]
            raise DataError(
                f"y (inspection results) must be 1 (theft found) or 0 (clean); {len(bad)} other values, "
                f"e.g. {bad.head().to_dict()}. Fix: map the results to 0/1."
            )
        yv = values.astype(int).to_numpy()
        n_pos, n_neg = int(yv.sum()), int((1 - yv).sum())
        if min(n_pos, n_neg) < self.min_labels:
            warn(
                f"inspection results have {n_pos} thefts and {n_neg} clean meters; at least "
                f"{self.min_labels} of each are needed to learn from them (min_labels). The scores are "
                "unsupervised.",
                CRMMineWarning,
            )
            return
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from threadpoolctl import threadpool_limits

        comp = self._components(feats)
        base = self._base_score(comp)
        X = self._design(feats, comp, base)
        threads = 1 if self.n_jobs is None else (self.n_jobs if self.n_jobs > 0 else None)
        clf = make_pipeline(
            StandardScaler(), LogisticRegression(max_iter=5000, random_state=_seed(self.random_state))
        )
        with threadpool_limits(limits=threads):
            clf.fit(X[known], yv)
        self.classifier_ = clf
        self.n_labels_ = int(known.sum())

    @staticmethod
    def _base_score(comp: pd.DataFrame) -> np.ndarray:
        Z = comp.to_numpy()
        top = -np.sort(-Z, axis=1)[:, : min(2, Z.shape[1])]
        return top.sum(axis=1)

    def score_meters(
        self,
        readings=None,
        *,
        top_n: int | None = None,
        share: float | None = 0.05,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        date: str | None = None,
        kwh: str | None = None,
        feeder: str | None = None,
        bad_kwh: str = "raise",
        duplicates: str = "raise",
        missing: str = "interpolate",
        missing_feeder: str = "warn",
    ) -> TheftScores:
        """Score meters (those passed to ``fit`` when ``readings`` is None) against the reference.

        Parameters
        ----------
        readings : table, MeterMatrix or features, optional
        top_n, share : int, float
            Meters to flag: the ``top_n`` highest scores, else the top ``share``.

        Returns
        -------
        TheftScores
        """
        self._check_fitted()
        check_params(
            {"top_n": top_n, "share": share},
            {
                "top_n": [Interval(Integral, 0, None), None],
                "share": [Interval(Real, 0, 1, closed="right"), None],
            },
            caller="score_meters()",
        )
        if readings is None:
            feats, log, peer = self.features_, self.log_, self.peer_group_
        else:
            roles = dict(
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
            feats, log, peer = self._features(readings, roles)
        comp = self._components(feats)
        base = self._base_score(comp)
        score = base
        mode = "unsupervised"
        if self.classifier_ is not None:
            from threadpoolctl import threadpool_limits

            threads = 1 if self.n_jobs is None else (self.n_jobs if self.n_jobs > 0 else None)
            with threadpool_limits(limits=threads):
                proba = self.classifier_.predict_proba(self._design(feats, comp, base))[:, 1]
            w = self.label_weight
            score = (1 - w) * pd.Series(base).rank(pct=True).to_numpy() + w * pd.Series(proba).rank(
                pct=True
            ).to_numpy()
            score = score + 1e-6 * base / (1 + np.abs(base).max())  # ties broken by the unsupervised score
            mode = f"semi-supervised ({self.n_labels_} inspection results)"
        out = feats.copy()
        for name in comp.columns:
            out[f"z_{name}"] = comp[name]
        out["score"] = score
        order = np.argsort(-score, kind="stable")
        rank = np.empty(len(score), dtype=np.int64)
        rank[order] = np.arange(1, len(score) + 1)
        out["rank"] = rank
        out["flag"] = select(out["score"], share=share, top_n=top_n).to_numpy()
        texts = np.full(len(out), "", dtype=object)
        Z = comp.to_numpy()
        names = list(comp.columns)
        for r in np.flatnonzero(out["flag"].to_numpy()):  # text for the flagged meters only
            idx = np.argsort(-Z[r])[:2]
            parts = [_reason_text(out.iloc[r], names[j], Z[r, j]) for j in idx if Z[r, j] > 0]
            texts[r] = (
                "; ".join(parts) if parts else "highest scores of the population (no single strong signal)"
            )
        out["reasons"] = texts
        return TheftScores(table=out.sort_values("rank"), peer_group=peer, log=log, mode=mode)


def _seed(random_state) -> int | None:
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31 - 1))
    return random_state


def theft_scores(
    readings,
    y=None,
    *,
    top_n: int | None = None,
    share: float | None = 0.05,
    direction: Mapping[str, str | None] | None = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    kwh: str | None = None,
    feeder: str | None = None,
    bad_kwh: str = "raise",
    duplicates: str = "raise",
    missing: str = "interpolate",
    missing_feeder: str = "warn",
    random_state: int | np.random.Generator | None = None,
    **detector_params: Any,
) -> TheftScores:
    """Suspicion score per meter (higher = more suspicious), with flags and reasons.

    A shortcut for ``TheftDetector(...).fit(readings, y).score_meters(top_n=..., share=...)``; see
    :class:`TheftDetector` for the score, the directions and the use of past inspection results.

    Parameters
    ----------
    readings : table, MeterMatrix or the output of :func:`meter_features`
        Long readings (one row per meter and day).
    y : pandas.Series, optional
        Past inspection results (1 = theft found, 0 = clean) indexed by meter id.
    top_n : int, optional
        Number of meters to flag (the highest scores); takes precedence over ``share``.
    share : float or None, default 0.05
        Share of meters to flag (rounded up) when ``top_n`` is not given.
    direction : mapping, optional
        Suspicious direction per feature (``"high"``, ``"low"``, ``"both"`` or ``None``), merged
        over :data:`THEFT_DIRECTIONS`.
    columns : mapping, optional
        ``{role: column}`` for the roles ``customer_id``, ``date``, ``kwh``, ``feeder``
        (``docs/conventions.md``).
    customer_id, date, kwh, feeder : str, optional
        Column names by role, overriding ``columns``.
    bad_kwh, duplicates, missing, missing_feeder : str
        Policies for bad readings (see :func:`~crmmine.anomaly.meter_matrix`; defaults
        ``"raise"``, ``"raise"``, ``"interpolate"``, ``"warn"``).
    random_state : int, numpy Generator or None
        Seed of the classifier fitted on ``y``.
    **detector_params
        Other :class:`TheftDetector` parameters (``scaled_copy``, ``min_weeks``, ...).

    Returns
    -------
    TheftScores
        ``to_frame()`` has one row per meter with the features, ``score``, ``rank``, ``flag`` and
        ``reasons``; ``peer_group`` names the peers used (all meters when there is no feeder).

    See Also
    --------
    TheftDetector : the estimator behind it (fit once, score new readings).
    meter_features : the features it scores.
    unbilled_energy : kWh the flagged meters did not bill.
    transformer_balance : the feeder-level cross-check.
    inspection_metrics : quality of the ranking against inspection results.

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings, inject_theft
    >>> data = make_meter_readings(300, 365, random_state=0)
    >>> readings, truth = inject_theft(data.readings, attacks=("h5",), share=0.05, random_state=1)
    >>> result = theft_scores(readings, top_n=15)
    >>> bool(truth.loc[result.flagged, "thief"].all()), result.peer_group
    (True, "feeder column 'feeder'")

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). Electricity theft detection in AMI using
    customers' consumption patterns. *IEEE Transactions on Smart Grid* 7(1), 216-226.
    """
    detector = TheftDetector(direction=direction, random_state=random_state, **detector_params)
    detector.fit(
        readings,
        y,
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
    return detector.score_meters(top_n=top_n, share=share)
