"""Outlier scores under one convention (higher = more anomalous), thresholds and reason codes.

Suspicion is one-sided where the risk is one-sided: each feature has a suspicious ``direction``
(``"high"``, ``"low"`` or ``"both"``). Values on the harmless side count as ordinary (they are
folded onto the median before any detector sees them), so a customer is never listed for being
recent or small when only large values signal risk.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._backend import from_pandas_like, to_pandas
from crmmine._params import Interval, Options, check_params, validate_params
from crmmine.errors import DataError, ParameterError, SchemaError, bad_rows_error

__all__ = ["DIRECTIONS", "METHODS", "directional", "outlier_scores", "reasons", "robust_z", "select"]

METHODS = ("robust_z", "iforest", "lof", "ensemble")
#: Suspicious directions of a feature: large values, small values, or both sides.
DIRECTIONS = ("high", "low", "both")
_MAD_SCALE = 1.4826  # makes the MAD a consistent estimator of the normal standard deviation


@validate_params({"direction": [Options(DIRECTIONS)]})
def directional(z, direction: str) -> np.ndarray:
    """Keep the suspicious side of a z-score: ``high`` -> max(z, 0), ``low`` -> max(-z, 0), ``both`` -> |z|.

    Parameters
    ----------
    z : array-like of float
        Z-scores (any shape), e.g. from :func:`robust_z`.
    direction : {"high", "low", "both"}
        The suspicious side: large values, small values, or both.

    Returns
    -------
    numpy.ndarray
        Float64 array of the shape of ``z``, never negative: 0 on the harmless side.

    See Also
    --------
    robust_z : the z-scores it folds.
    tail_surprise : the rank-based counterpart, in ``-log10`` of a tail share.
    outlier_scores : scores rows on the folded z-scores.

    Examples
    --------
    >>> directional([-2.0, 0.5, 3.0], "high").tolist(), directional([-2.0, 0.5, 3.0], "low").tolist()
    ([0.0, 0.5, 3.0], [2.0, 0.0, 0.0])
    >>> directional([-2.0, 0.5, 3.0], "both").tolist()
    [2.0, 0.5, 3.0]
    """
    z = np.asarray(z, dtype=np.float64)
    if direction == "high":
        return np.clip(z, 0, None)
    if direction == "low":
        return np.clip(-z, 0, None)
    return np.abs(z)  # "both"


def _numeric(features, what: str = "features") -> pd.DataFrame:
    if isinstance(features, pd.Series):
        features = features.to_frame()
    if not isinstance(features, pd.DataFrame):
        features = to_pandas(features, what=what)
    if features.shape[1] == 0:
        raise SchemaError(f"{what} have no columns. Fix: pass a table with at least one numeric feature.")
    if features.columns.duplicated().any():
        dup = list(features.columns[features.columns.duplicated()].unique())
        raise SchemaError(f"{what} have duplicated column names {dup}. Fix: rename them.")
    # booleans are numbers here (True = 1); text, dates and categories are not
    wrong = [c for c in features.columns if not pd.api.types.is_numeric_dtype(features[c])]
    if wrong:
        raise SchemaError(
            f"{what} columns {wrong} are not numeric (dtypes {[str(features[c].dtype) for c in wrong]}). "
            "Fix: encode them as numbers (e.g. counts or one-hot) or drop them before scoring."
        )
    X = features.astype("float64")
    values = X.to_numpy()
    bad = ~np.isfinite(values).all(axis=1)
    if bad.any():
        cols = X.columns[~np.isfinite(values).all(axis=0)]
        raise bad_rows_error(
            ", ".join(map(str, cols)),
            "missing or infinite feature values",
            features.loc[bad],
            int(bad.sum()),
            "fill them (e.g. with the median) or drop those rows before scoring",
        )
    return X


def _directions(direction, columns) -> dict[str, str]:
    if isinstance(direction, str):
        if direction not in DIRECTIONS:
            raise ParameterError(
                f"parameter 'direction' must be one of {DIRECTIONS} or a mapping, got {direction!r}."
            )
        return dict.fromkeys(columns, direction)
    if isinstance(direction, Mapping):
        unknown = [k for k in direction if k not in columns]
        if unknown:
            raise ParameterError(
                f"parameter 'direction' names {unknown}, which are not feature columns {list(columns)}. "
                "Fix: name existing features."
            )
        bad = {k: v for k, v in direction.items() if v not in DIRECTIONS}
        if bad:
            raise ParameterError(f"parameter 'direction': values must be one of {DIRECTIONS}, got {bad}.")
        return {c: direction.get(c, "high") for c in columns}
    raise ParameterError(
        f"parameter 'direction' must be 'high', 'low', 'both' or a mapping feature -> direction, got "
        f"{type(direction).__name__}."
    )


def robust_z(features, peer: pd.Series | None = None) -> pd.DataFrame:
    """Robust z-scores ``(x - median) / (1.4826 MAD)`` per column, within peer groups if given.

    A column with zero MAD uses the mean absolute deviation instead (and 1 if that is zero too),
    so constant features give z = 0 rather than infinities. ``peer`` is aligned on the index.

    Parameters
    ----------
    features : table or pandas.Series
        Numeric features, one row per customer or transaction (booleans count as 0/1); no
        missing or infinite values.
    peer : pandas.Series, optional
        Peer group of each row (segment, feeder), aligned on the index of ``features``; medians
        and scales are then taken within each group. Default: everyone is one group.

    Returns
    -------
    pandas.DataFrame
        Float z-scores, same index and columns as ``features`` (signed: negative below the
        median).

    See Also
    --------
    directional : keeps the suspicious side of these z-scores.
    outlier_scores : scores rows from them.
    reasons : explains a row by its largest directional z-scores.

    Examples
    --------
    >>> import pandas as pd
    >>> robust_z(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 100.0]}))["x"].round(2).tolist()
    [-1.35, -0.67, 0.0, 0.67, 65.43]

    Within peer groups, each row is compared with its own group only:

    >>> f = pd.DataFrame({"kwh": [10.0, 11, 12, 100, 110, 120]})
    >>> robust_z(f, peer=pd.Series(["a", "a", "a", "b", "b", "b"]))["kwh"].round(2).tolist()
    [-0.67, 0.0, 0.67, -0.67, 0.0, 0.67]

    References
    ----------
    Rousseeuw, P. J. and Croux, C. (1993). Alternatives to the median absolute deviation.
    *Journal of the American Statistical Association* 88(424), 1273-1283.
    """
    X = _numeric(features)
    groups = (
        align_to(peer, X.index, name="peer", target="features")
        if peer is not None
        else pd.Series(0, index=X.index)
    )
    med = X.groupby(groups).transform("median")
    dev = (X - med).abs()
    mad = dev.groupby(groups).transform("median") * _MAD_SCALE
    mean_ad = dev.groupby(groups).transform("mean") * 1.2533  # sqrt(pi/2): consistent for the normal sd
    scale = mad.where(mad > 0, mean_ad).where(lambda s: s > 0, 1.0)
    return (X - med) / scale


def _fold(z: pd.DataFrame, dirs: dict[str, str]) -> pd.DataFrame:
    """Directional z-scores per column (the harmless side becomes 0)."""
    return pd.DataFrame({c: directional(z[c].to_numpy(), dirs[c]) for c in z.columns}, index=z.index)


def outlier_scores(
    features,
    method: str = "ensemble",
    *,
    direction: str | Mapping[str, str] = "high",
    peer: pd.Series | None = None,
    share: float | None = 0.01,
    top_n: int | None = None,
    random_state: int | np.random.Generator | None = 0,
    n_neighbors: int = 20,
    max_lof_rows: int = 200_000,
    n_jobs: int | None = None,
):
    """Score rows (customers or transactions) for unusualness; higher is always more anomalous.

    Every feature is first turned into a robust z-score (within ``peer`` groups when given) and
    then folded to its suspicious ``direction``: under ``"high"`` only values above the median
    count (small values become ordinary), under ``"low"`` only values below, under ``"both"`` both
    sides. The methods then score the folded features (LOF, which needs distinct points, scores
    the unfolded ones and is then scaled by the share of the row's largest deviation that lies in
    the suspicious direction): ``"robust_z"`` (largest directional z),
    ``"iforest"`` (isolation forest, Liu, Ting & Zhou 2008; score = minus scikit-learn's
    ``score_samples``), ``"lof"`` (local outlier factor, Breunig et al. 2000; score = minus
    ``negative_outlier_factor_``) and ``"ensemble"`` (mean of the percentile ranks of the three;
    LOF is left out above ``max_lof_rows`` rows).

    Parameters
    ----------
    features : table
        Numeric features, one row per customer or transaction (pandas, polars, DuckDB, Spark);
        at least 3 rows, no missing or infinite values.
    method : {"ensemble", "robust_z", "iforest", "lof"}, default "ensemble"
        The detector (see above).
    direction : {"high", "low", "both"} or mapping, default "high"
        Suspicious side of every feature, or ``{feature: direction}`` (features not named are
        ``"high"``). The default suits fraud and misuse, where risk lies in large amounts, counts
        and rates; declare ``"low"`` for features whose small values are the risk (a meter's
        consumption, a payment ratio) and ``"both"`` where any deviation matters.
    peer : pandas.Series, optional
        Peer group per row (segment, feeder), aligned on the index.
    share : float or None, default 0.01
        Share of rows to flag (the top scores, rounded up) when ``top_n`` is not given.
    top_n : int, optional
        Number of rows to flag (the highest scores); takes precedence over ``share``.
    random_state : int, numpy Generator or None, default 0
        Seed of the isolation forest.
    n_neighbors : int, default 20
        LOF's neighbourhood (capped at the number of rows minus one).
    max_lof_rows : int, default 200000
        Row count above which the ensemble leaves LOF out (its cost grows quickly with rows).
    n_jobs : int or None
        Threads for the isolation forest and LOF (None = 1, -1 = all cores).

    Returns
    -------
    DataFrame (same kind as ``features``)
        ``score``, ``rank`` (1 = most anomalous), ``percentile`` (share of rows scoring lower or
        equal) and ``flag``, indexed like ``features``.

    See Also
    --------
    robust_z : the z-scores every method starts from.
    reasons : why a flagged row is unusual, in words.
    select : the flag cut (top n, top share, or where inspection pays).
    customer_anomalies : the same on a customer summary, with reasons.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"amount": [10, 12, 11, 9, 500.0], "items": [1, 2, 1, 2, 40.0]})
    >>> out = outlier_scores(f, "robust_z", top_n=1)
    >>> out["rank"].tolist(), out["flag"].tolist()
    ([3, 2, 4, 5, 1], [False, False, False, False, True])

    Small values are harmless under the default direction: a tiny order is not an outlier.

    >>> g = pd.DataFrame({"amount": [10, 12, 11, 9, 0.01]})
    >>> int(outlier_scores(g, "robust_z", top_n=1)["rank"].iloc[-1]) > 1
    True

    References
    ----------
    Breunig, M. M., Kriegel, H.-P., Ng, R. T. and Sander, J. (2000). LOF: identifying
    density-based local outliers. *Proc. ACM SIGMOD*, 93-104.
    Liu, F. T., Ting, K. M. and Zhou, Z.-H. (2008). Isolation forest. *Proc. IEEE ICDM*, 413-422.
    """
    check_params(
        {
            "method": method,
            "share": share,
            "top_n": top_n,
            "random_state": random_state,
            "n_neighbors": n_neighbors,
            "max_lof_rows": max_lof_rows,
            "n_jobs": n_jobs,
        },
        {
            "method": [Options(METHODS)],
            "share": [Interval(Real, 0, 1, closed="right"), None],
            "top_n": [Interval(Integral, 0, None), None],
            "random_state": ["random_state"],
            "n_neighbors": [Interval(Integral, 1, None)],
            "max_lof_rows": [Interval(Integral, 1, None)],
            "n_jobs": [Interval(Integral, -1, None), None],
        },
        caller="outlier_scores()",
    )
    X = _numeric(features)
    dirs = _directions(direction, X.columns)
    n = len(X)
    if n < 3:
        raise DataError(f"need at least 3 rows to score outliers, got {n}. Fix: score a larger population.")
    folded = _fold(robust_z(X, peer), dirs)
    scores: dict[str, np.ndarray] = {}
    if method in ("robust_z", "ensemble"):
        scores["robust_z"] = folded.max(axis=1).to_numpy()
    raw = robust_z(X)
    Z = _fold(raw, dirs).to_numpy()
    threads = 1 if n_jobs is None else n_jobs
    if method in ("iforest", "ensemble"):
        from sklearn.ensemble import IsolationForest

        # the forest's subsamples are drawn by position: fit on the rows in a canonical order (sorted
        # by value) so that the same rows in another order give the same forest and scores
        canonical = Z[np.lexsort(Z.T[::-1])] if Z.shape[1] else Z
        forest = IsolationForest(n_estimators=200, random_state=_seed(random_state), n_jobs=threads)
        forest.fit(canonical)
        scores["iforest"] = -forest.score_samples(Z)
    if method == "lof" or (method == "ensemble" and n <= max_lof_rows):
        from sklearn.neighbors import LocalOutlierFactor

        # LOF needs distinct points, so it sees the unfolded z-scores; its score is then scaled by
        # the share of the row's largest deviation that lies in the suspicious direction
        R = raw.to_numpy()
        lof = LocalOutlierFactor(n_neighbors=min(n_neighbors, n - 1), n_jobs=threads).fit(R)
        largest = np.abs(R).max(axis=1)
        gate = np.where(largest > 0, Z.max(axis=1) / np.where(largest > 0, largest, 1.0), 1.0)
        scores["lof"] = -lof.negative_outlier_factor_ * gate
    if method == "ensemble":
        ranks = [pd.Series(v).rank(pct=True).to_numpy() for v in scores.values()]
        score = np.mean(ranks, axis=0)
    else:
        score = scores[method]
    out = pd.DataFrame({"score": score}, index=X.index)
    order = np.argsort(-score, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    out["rank"] = rank
    out["percentile"] = out["score"].rank(pct=True, method="max")
    out["flag"] = select(out["score"], share=share, top_n=top_n)
    out.attrs["method"] = method
    return from_pandas_like(out, features) if not isinstance(features, pd.DataFrame | pd.Series) else out


def _seed(random_state):
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    return random_state


def select(
    score: pd.Series,
    *,
    share: float | None = 0.01,
    top_n: int | None = None,
    inspection_cost: float | None = None,
    expected_recovery: pd.Series | None = None,
    hit_rate: pd.Series | None = None,
) -> pd.Series:
    """Decide which rows to inspect: top ``top_n``, top ``share``, or where it pays.

    With ``inspection_cost`` and ``expected_recovery`` (amount recovered when the row is a real
    case) and ``hit_rate`` (probability it is, e.g. a calibrated score), rows are flagged when
    ``hit_rate x expected_recovery > inspection_cost``; both are aligned on the index of ``score``.
    Ties at the cut keep the earlier row.

    Parameters
    ----------
    score : pandas.Series or array-like
        Scores (higher = inspect first).
    share : float or None, default 0.01
        Share of rows to flag, in (0, 1], rounded up; used when neither ``top_n`` nor
        ``inspection_cost`` is given.
    top_n : int, optional
        Number of rows to flag (all rows when it exceeds their number); takes precedence over
        ``share``.
    inspection_cost : float, optional
        Cost of one inspection (in the currency of ``expected_recovery``); switches to the
        cost-based cut and takes precedence over ``top_n`` and ``share``.
    expected_recovery : pandas.Series, optional
        Amount recovered per row when it is a real case (needed with ``inspection_cost``).
    hit_rate : pandas.Series, optional
        Probability per row that it is a real case, e.g. a calibrated score (needed with
        ``inspection_cost``).

    Returns
    -------
    pandas.Series
        Boolean ``flag`` indexed like ``score``.

    See Also
    --------
    alert_budget : the same cut per period (analysts' capacity per day).
    outlier_scores : flags its rows with this cut.
    inspection_metrics : how good the selected list is, against inspection results.

    Examples
    --------
    >>> import pandas as pd
    >>> select(pd.Series([0.1, 0.9, 0.5]), top_n=2).tolist()
    [False, True, True]

    Inspect where the expected recovery exceeds the cost of a visit:

    >>> p = pd.Series([0.1, 0.9, 0.5])
    >>> select(p, inspection_cost=100, expected_recovery=pd.Series([5000, 50, 300]), hit_rate=p).tolist()
    [True, False, True]
    """
    check_params(
        {"share": share, "top_n": top_n, "inspection_cost": inspection_cost},
        {
            "share": [Interval(Real, 0, 1, closed="right"), None],
            "top_n": [Interval(Integral, 0, None), None],
            "inspection_cost": [Interval(Real, 0, None), None],
        },
        caller="select()",
    )
    if not isinstance(score, pd.Series):
        score = pd.Series(np.asarray(score, dtype=np.float64))
    if inspection_cost is not None:
        if expected_recovery is None or hit_rate is None:
            raise ParameterError(
                "a cost-based cut needs expected_recovery and hit_rate per row. Fix: pass both, or use "
                "top_n= or share= instead."
            )
        rec = align_to(expected_recovery, score.index, name="expected_recovery", target="score")
        hit = align_to(hit_rate, score.index, name="hit_rate", target="score")
        return (hit * rec > inspection_cost).rename("flag")
    n = len(score)
    if top_n is not None:
        k = min(int(top_n), n)
    elif share is not None:
        k = int(np.ceil(share * n))
    else:
        raise ParameterError("give top_n, share, or inspection_cost with expected_recovery and hit_rate.")
    order = np.argsort(-score.to_numpy(dtype=np.float64), kind="stable")[:k]
    flag = np.zeros(n, dtype=bool)
    flag[order] = True
    return pd.Series(flag, index=score.index, name="flag")


def reasons(
    features,
    rows: pd.Index | None = None,
    *,
    direction: str | Mapping[str, str] = "high",
    peer: pd.Series | None = None,
    top_n: int = 3,
    min_z: float = 3.0,
    labels: dict[str, str] | None = None,
) -> pd.Series:
    """Why each row is unusual: the features that deviate most in their suspicious direction, as text.

    Each reason names the feature, the row's value, the reference median (of the peer group when
    ``peer`` is given, else of everyone) and the ratio or the z-score, e.g.
    ``"amount 41x the median (1,650 vs 40)"``. Only deviations in the feature's suspicious
    ``direction`` are reasons (a small amount is never a reason under ``"high"``). Features with
    directional z of at least ``min_z`` are listed (at most ``top_n``); a row with none still
    gets its single strongest suspicious feature, or, when no feature deviates in its suspicious
    direction, a text that says so.

    Parameters
    ----------
    features : table or pandas.Series
        Numeric features on their original scale (the reasons quote these values).
    rows : pandas.Index or list, optional
        Ids (index labels of ``features``) to explain, e.g. the flagged rows; default all rows.
        Formatting text is per row, so pass the inspection list rather than millions of rows.
    direction : {"high", "low", "both"} or mapping, default "high"
        Suspicious side of every feature, or ``{feature: direction}`` (others ``"high"``).
    peer : pandas.Series, optional
        Peer group per row, aligned on the index; the medians and z-scores are then the peers'.
    top_n : int, default 3
        Most features named per row (at least 1).
    min_z : float, default 3.0
        Directional robust z a feature needs to be named after the first one.
    labels : dict, optional
        ``{feature: display name}`` for the text (e.g. ``{"amount": "order amount"}``).

    Returns
    -------
    pandas.Series
        Text ``reasons`` indexed by ``rows`` (several reasons joined by ``"; "``).

    See Also
    --------
    outlier_scores : the scores these reasons explain.
    robust_z : the z-scores behind the reasons.
    fraud_scores : scores with reasons built in, from tail surprises.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"amount": [10.0, 12, 11, 9, 500], "items": [1.0, 2, 1, 2, 2]})
    >>> reasons(f, pd.Index([4])).iloc[0]
    'amount 45x the median (500 vs 11)'
    >>> reasons(f.assign(amount=[10.0, 12, 11, 9, 0.5]), pd.Index([4])).iloc[0]
    'no feature deviates in its suspicious direction'
    >>> reasons(f.assign(amount=[10.0, 12, 11, 9, 0.5]), pd.Index([4]), direction="low").iloc[0]
    'amount 95% below the median (0.5 vs 10)'
    """
    check_params(
        {"top_n": top_n, "min_z": min_z},
        {"top_n": [Interval(Integral, 1, None)], "min_z": [Interval(Real, 0, None)]},
        caller="reasons()",
    )
    X = _numeric(features)
    dirs = _directions(direction, X.columns)
    z = robust_z(X, peer)
    dz = _fold(z, dirs)
    groups = (
        align_to(peer, X.index, name="peer", target="features")
        if peer is not None
        else pd.Series(0, index=X.index)
    )
    med = X.groupby(groups).transform("median")
    idx = X.index if rows is None else pd.Index(rows)
    missing = idx.difference(X.index)
    if len(missing):
        raise DataError(
            f"rows {list(missing[:5])} ({len(missing)}) are not in the features. Fix: pass ids of features."
        )
    loc = X.index.get_indexer(idx)
    zs, ds, xs, ms = z.to_numpy()[loc], dz.to_numpy()[loc], X.to_numpy()[loc], med.to_numpy()[loc]
    names = [labels.get(c, c) if labels else c for c in X.columns]
    scope = " of its peers" if peer is not None else ""
    order = np.argsort(-ds, axis=1)[:, :top_n]

    def fmt(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.4g}"

    texts = []
    for r in range(len(idx)):  # formats text for the listed rows only (an inspection list)
        parts = []
        for j in order[r]:
            if ds[r, j] <= 0 or (parts and ds[r, j] < min_z):
                break
            x, m = xs[r, j], ms[r, j]
            if x > 0 and m > 0 and (x / m >= 2 or x / m <= 0.5):
                ratio = x / m
                rel = f"{ratio:,.0f}x" if ratio >= 2 else f"{1 - ratio:.0%} below"
                parts.append(f"{names[j]} {rel} the median{scope} ({fmt(x)} vs {fmt(m)})")
            else:
                parts.append(f"{names[j]} {fmt(x)} vs median{scope} {fmt(m)} (robust z {zs[r, j]:+.1f})")
        texts.append("; ".join(parts) if parts else "no feature deviates in its suspicious direction")
    return pd.Series(texts, index=idx, name="reasons")
