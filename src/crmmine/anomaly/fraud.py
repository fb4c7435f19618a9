"""Fraud scores from behavioural features: one-sided tail surprise per feature, reasons, budget flags.

Each feature has a suspicious ``direction``. A row's surprise on a feature is ``-log10`` of the
share of all rows at least as extreme in that direction (an empirical tail probability, so a
binary flag and a heavy-tailed count are on one scale: a flag that 1% of rows carry is worth 2,
a count that 1 row in 10,000 reaches is worth 4). The score is the sum of a row's
``top_signals`` largest surprises, so correlated features (the count in the last hour and in the
last day) are not all added up. This is the histogram-based outlier score of Goldstein & Dengel
(2012) made one-sided and rank-based.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from numbers import Integral

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options, check_params, validate_params
from crmmine.anomaly.alerts import alert_budget
from crmmine.anomaly.detectors import DIRECTIONS
from crmmine.errors import ParameterError, SchemaError, bad_rows_error

__all__ = ["fraud_scores", "tail_surprise"]


@validate_params({"direction": [Options(DIRECTIONS)]})
def tail_surprise(values, direction: str = "high") -> np.ndarray:
    """``-log10`` of the share of values at least as extreme as each one, in ``direction``.

    The most ordinary values score 0; the single most extreme of ``n`` values scores
    ``log10(n)``. Ties share a score. ``"both"`` uses twice the smaller of the two tails
    (capped at 1).

    Parameters
    ----------
    values : array-like of float
        One value per row (a feature); missing values are not allowed (:func:`fraud_scores`
        fills them with the median first).
    direction : {"high", "low", "both"}, default "high"
        The suspicious side: large values, small values, or both.

    Returns
    -------
    numpy.ndarray
        Float64 surprise per value, between 0 and ``log10(n)``, in the input order.

    See Also
    --------
    fraud_scores : adds up a row's largest surprises over its features.
    directional : the z-score counterpart for robust z-scores.

    Examples
    --------
    >>> tail_surprise([0, 0, 0, 1, 5], "high").round(3).tolist()
    [0.0, 0.0, 0.0, 0.398, 0.699]
    >>> tail_surprise([0, 0, 0, 1, 5], "low").round(3).tolist()
    [0.222, 0.222, 0.222, 0.097, 0.0]

    References
    ----------
    Goldstein, M. and Dengel, A. (2012). Histogram-based outlier score (HBOS): a fast unsupervised
    anomaly detection algorithm. *KI-2012: Poster and Demo Track*, 59-63.
    """
    v = np.asarray(values, dtype=np.float64)
    n = v.size
    s = np.sort(v)

    def upper(x):
        return (n - np.searchsorted(s, x, side="left")) / n

    def lower(x):
        return np.searchsorted(s, x, side="right") / n

    if direction == "high":
        p = upper(v)
    elif direction == "low":
        p = lower(v)
    else:  # "both"
        p = np.minimum(1.0, 2 * np.minimum(upper(v), lower(v)))
    return -np.log10(np.clip(p, 1.0 / max(n, 1), 1.0))


def fraud_scores(
    features: pd.DataFrame,
    *,
    direction: Mapping[str, str | None],
    top_signals: int = 3,
    dates=None,
    top_n: int | None = None,
    share: float | None = None,
    period: str = "D",
    groups: Mapping[str, list[str]] | None = None,
    describe: Mapping[str, Callable[[pd.Series], str]] | None = None,
) -> pd.DataFrame:
    """Score rows by their rarest behaviour in the suspicious directions, with reasons and flags.

    Parameters
    ----------
    features : pandas.DataFrame
        Numeric features, one row per transaction, call day or customer. Missing values of a
        scored feature count as its median for the other rows' tail shares and carry no
        surprise themselves; text or infinite values in a scored feature raise
        :class:`~crmmine.errors.DataError`.
    direction : mapping
        ``{feature: "high" | "low" | "both" | None}``: the features scored and their suspicious
        side (``None`` leaves a feature out); at least one feature.
    top_signals : int, default 3
        How many of a row's largest signals (a feature, or a group's largest surprise) are
        added up.
    dates : array-like or str, optional
        Timestamp per row (or the name of a column of ``features``) for a budget per period.
    top_n : int, optional
        Alerts per ``period`` when ``dates`` is given (else overall). Give at most one of
        ``top_n`` and ``share``; without either nothing is flagged.
    share : float, optional
        Share of rows to alert (per period with ``dates``), in (0, 1], rounded up.
    period : str, default "D"
        Budget period for ``dates`` (a pandas frequency: ``"D"``, ``"W"``, ``"h"``).
    groups : mapping, optional
        ``{group: [features]}``: features that measure one thing (the count in the last hour and
        in the last day; a new merchant and a new category) count once, with their largest
        surprise. Every member must be a column of ``features``.
    describe : mapping, optional
        ``{feature: function(row) -> text}`` for the reasons (a default text otherwise).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``features``: one ``s_<feature>`` surprise column per scored feature,
        ``score``, ``rank`` (1 = most suspicious), ``flag`` and ``reasons`` (for flagged rows, or
        for the 1,000 highest scores when nothing is flagged).

    See Also
    --------
    tail_surprise : the per-feature surprise.
    alert_budget : the flags within the budget.
    budget_metrics : precision and recall of the flags against the truth.
    card_fraud_scores : this score on card transactions.
    call_fraud_scores : this score on call records.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"count_1h": [0, 0, 1, 0, 9], "new_device": [0, 0, 0, 1, 1]})
    >>> out = fraud_scores(f, direction={"count_1h": "high", "new_device": "high"}, top_n=1)
    >>> out["flag"].tolist(), out.loc[4, "reasons"]
    ([False, False, False, False, True], 'count_1h 9 (top 20%); new_device 1 (top 40%)')

    References
    ----------
    Goldstein, M. and Dengel, A. (2012). Histogram-based outlier score (HBOS): a fast unsupervised
    anomaly detection algorithm. *KI-2012: Poster and Demo Track*, 59-63.
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical
    Science* 17(3), 235-255.
    """
    check_params(
        {"top_signals": top_signals}, {"top_signals": [Interval(Integral, 1, None)]}, caller="fraud_scores()"
    )
    if not isinstance(features, pd.DataFrame):
        raise ParameterError(
            f"parameter 'features' must be a pandas DataFrame (one row per scored item), got "
            f"{type(features).__module__.split('.')[0]}.{type(features).__name__}. "
            "Fix: convert it first, e.g. features.to_pandas()."
        )
    if not isinstance(direction, Mapping):
        raise ParameterError(
            "parameter 'direction' must be a mapping feature -> 'high', 'low', 'both' or None."
        )
    used = {k: v for k, v in direction.items() if v is not None}
    unknown = [k for k in used if k not in features.columns]
    if unknown:
        raise SchemaError(
            f"parameter 'direction' names {unknown}, which are not columns of the features. "
            f"Known columns: {list(features.columns)}. Fix: name existing features or set them to None."
        )
    strays = {g: [f for f in fs if f not in features.columns] for g, fs in (groups or {}).items()}
    strays = {g: fs for g, fs in strays.items() if fs}
    if strays:
        raise SchemaError(
            f"parameter 'groups' names features that are not columns of the features: {strays}. "
            "Fix: correct the names (a misspelt member would be scored on its own), or leave them out."
        )
    bad = {k: v for k, v in used.items() if v not in DIRECTIONS}
    if bad:
        raise ParameterError(f"parameter 'direction': values must be one of {DIRECTIONS} or None, got {bad}.")
    if not used:
        raise ParameterError("parameter 'direction' leaves no feature to score; keep at least one.")
    S = {}
    for name, d in used.items():
        column = features[name]
        numbers = pd.to_numeric(column, errors="coerce")
        text = numbers.isna() & column.notna()
        if text.any():
            raise bad_rows_error(
                name, "values that are not numbers", features.loc[text, [name]], int(text.sum()),
                "convert the feature to numbers (or set its direction to None); missing values "
                "count as the feature's median, text is never guessed.",
            )
        values = numbers.to_numpy(dtype=np.float64, na_value=np.nan)
        infinite = np.isinf(values)
        if infinite.any():
            raise bad_rows_error(
                name, "infinite values", features.loc[infinite, [name]], int(infinite.sum()),
                "replace them (an infinite ratio usually means a zero denominator: give a finite "
                "value or leave the cell missing, which counts as the feature's median).",
            )
        finite = np.isfinite(values)
        values = np.where(finite, values, np.median(values[finite]) if finite.any() else 0.0)
        # a missing value is ordinary: it sits at the median for the others' tail shares and
        # carries no surprise itself (the median of a "low" or "both" feature would carry some)
        S[name] = np.where(finite, tail_surprise(values, d), 0.0)
    surprise = pd.DataFrame(S, index=features.index)
    M = surprise.to_numpy()
    names = list(surprise.columns)
    member = {f: g for g, fs in (groups or {}).items() for f in fs if f in S}
    signal_names = [g for g in (groups or {}) if any(member.get(f) == g for f in S)]
    signal_names += [f for f in names if f not in member]
    signals = np.column_stack(
        [
            M[:, [j for j, f in enumerate(names) if member.get(f) == sig]].max(axis=1)
            if sig not in S
            else M[:, names.index(sig)]
            for sig in signal_names
        ]
    )
    k = min(top_signals, signals.shape[1])
    score = -np.sort(-signals, axis=1)[:, :k].sum(axis=1)
    out = surprise.add_prefix("s_")
    out["score"] = score
    order = np.argsort(-score, kind="stable")
    rank = np.empty(len(score), dtype=np.int64)
    rank[order] = np.arange(1, len(score) + 1)
    out["rank"] = rank
    when = features[dates] if isinstance(dates, str) else dates
    if top_n is None and share is None:
        out["flag"] = False
    else:
        out["flag"] = alert_budget(
            out["score"], dates=when, top_n=top_n, share=share, period=period
        ).to_numpy()
    rows = np.flatnonzero(out["flag"].to_numpy()) if out["flag"].any() else order[:1000]
    texts = np.full(len(out), "", dtype=object)
    # reasons: the strongest feature of each of the row's top signals
    best_of = np.column_stack(
        [
            np.array([j for j, f in enumerate(names) if member.get(f) == sig])[
                np.argmax(M[:, [j for j, f in enumerate(names) if member.get(f) == sig]], axis=1)
            ]
            if sig not in S
            else np.full(len(M), names.index(sig))
            for sig in signal_names
        ]
    )
    top_sig = np.argsort(-signals[rows], axis=1)[:, :k]
    top_idx = np.take_along_axis(best_of[rows], top_sig, axis=1)
    describe = describe or {}
    for r, idx in zip(rows, top_idx):  # text for the listed rows only (an alert list)
        row = features.iloc[r]
        parts = []
        for j in idx:
            if M[r, j] <= 0:
                break
            name = names[j]
            if name in describe:
                parts.append(describe[name](row))
            else:
                share_ = 10 ** (-M[r, j])
                parts.append(
                    f"{name} {row[name]:,.4g} (top {share_:.0%})"
                    if share_ >= 0.01
                    else f"{name} {row[name]:,.4g} (top {share_:.2%})"
                )
        texts[r] = "; ".join(parts) if parts else "no feature is unusual in its suspicious direction"
    out["reasons"] = texts
    return out
