"""Outlier scores under one convention (higher = more anomalous), thresholds and reason codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.errors import ParameterError, bad_rows_error

__all__ = ["METHODS", "outlier_scores", "reasons", "robust_z", "select"]

METHODS = ("robust_z", "iforest", "lof", "ensemble")
_MAD_SCALE = 1.4826  # makes the MAD a consistent estimator of the normal standard deviation


def _numeric(features: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(features, pd.DataFrame) or features.shape[1] == 0:
        raise ParameterError("features must be a DataFrame with at least one numeric column")
    X = features.apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(X.to_numpy(dtype="float64")).all(axis=1)
    if bad.any():
        raise bad_rows_error(
            ", ".join(map(str, X.columns[~np.isfinite(X.to_numpy(dtype="float64")).all(axis=0)])),
            "missing, infinite or non-numeric feature values",
            features.loc[bad],
            int(bad.sum()),
            "fill them (e.g. with the median) or drop those rows before scoring",
        )
    return X.astype("float64")


def robust_z(features: pd.DataFrame, peer: pd.Series | None = None) -> pd.DataFrame:
    """Robust z-scores ``(x - median) / (1.4826 MAD)`` per column, within peer groups if given.

    A column with zero MAD uses the mean absolute deviation instead (and 1 if that is zero too),
    so constant features give z = 0 rather than infinities.

    Examples
    --------
    >>> import pandas as pd
    >>> robust_z(pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0, 100.0]}))["x"].round(2).tolist()
    [-1.35, -0.67, 0.0, 0.67, 65.43]
    """
    X = _numeric(features)
    groups = peer.reindex(X.index) if peer is not None else pd.Series(0, index=X.index)
    med = X.groupby(groups).transform("median")
    dev = (X - med).abs()
    mad = dev.groupby(groups).transform("median") * _MAD_SCALE
    mean_ad = dev.groupby(groups).transform("mean") * 1.2533  # sqrt(pi/2): consistent for the normal sd
    scale = mad.where(mad > 0, mean_ad).where(lambda s: s > 0, 1.0)
    return (X - med) / scale


def outlier_scores(
    features: pd.DataFrame,
    method: str = "ensemble",
    *,
    peer: pd.Series | None = None,
    share: float | None = 0.01,
    top_k: int | None = None,
    random_state: int = 0,
    n_neighbors: int = 20,
    max_lof_rows: int = 200_000,
) -> pd.DataFrame:
    """Score rows (customers or transactions) for unusualness; higher is always more anomalous.

    Methods: ``"robust_z"`` (largest absolute robust z-score over the features, within peer
    groups when ``peer`` is given), ``"iforest"`` (isolation forest, Liu, Ting & Zhou 2008;
    score = minus scikit-learn's ``score_samples``), ``"lof"`` (local outlier factor, Breunig
    et al. 2000; score = minus ``negative_outlier_factor_``) and ``"ensemble"`` (mean of the
    percentile ranks of the three; LOF is left out above ``max_lof_rows`` rows). Features are
    robustly standardised before isolation forest and LOF.

    Parameters
    ----------
    features : pandas.DataFrame
        Numeric features, one row per customer or transaction.
    method : str
    peer : pandas.Series, optional
        Peer group per row (segment, feeder) for the robust z-scores and the reasons.
    share, top_k : float, int
        Threshold set outside the detector: flag the top ``top_k`` rows, else the top ``share``
        (see :func:`select` for a cost-based cut).
    random_state : int

    Returns
    -------
    pandas.DataFrame
        ``score``, ``rank`` (1 = most anomalous), ``percentile`` (share of rows scoring lower or
        equal) and ``flag``, indexed like ``features``.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"amount": [10, 12, 11, 9, 500.0], "items": [1, 2, 1, 2, 40.0]})
    >>> out = outlier_scores(f, "robust_z", top_k=1)
    >>> out["rank"].tolist(), out["flag"].tolist()
    ([3, 4, 5, 2, 1], [False, False, False, False, True])

    References
    ----------
    Breunig, M. M., Kriegel, H.-P., Ng, R. T. and Sander, J. (2000). LOF: identifying
    density-based local outliers. *Proc. ACM SIGMOD*, 93-104.
    Liu, F. T., Ting, K. M. and Zhou, Z.-H. (2008). Isolation forest. *Proc. IEEE ICDM*, 413-422.
    """
    if method not in METHODS:
        raise ParameterError(f"method must be one of {METHODS}, got {method!r}")
    X = _numeric(features)
    n = len(X)
    if n < 3:
        raise ParameterError(f"need at least 3 rows to score outliers, got {n}")
    z = robust_z(X, peer)
    scores: dict[str, np.ndarray] = {}
    if method in ("robust_z", "ensemble"):
        scores["robust_z"] = z.abs().max(axis=1).to_numpy()
    Z = robust_z(X).to_numpy()
    if method in ("iforest", "ensemble"):
        from sklearn.ensemble import IsolationForest

        forest = IsolationForest(n_estimators=200, random_state=random_state, n_jobs=1).fit(Z)
        scores["iforest"] = -forest.score_samples(Z)
    if method == "lof" or (method == "ensemble" and n <= max_lof_rows):
        from sklearn.neighbors import LocalOutlierFactor

        lof = LocalOutlierFactor(n_neighbors=min(n_neighbors, n - 1)).fit(Z)
        scores["lof"] = -lof.negative_outlier_factor_
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
    out["flag"] = select(out["score"], share=share, top_k=top_k)
    out.attrs["method"] = method
    return out


def select(
    score: pd.Series,
    *,
    share: float | None = 0.01,
    top_k: int | None = None,
    inspection_cost: float | None = None,
    expected_recovery: pd.Series | None = None,
    hit_rate: pd.Series | None = None,
) -> pd.Series:
    """Decide which rows to inspect: top ``top_k``, top ``share``, or where it pays.

    With ``inspection_cost`` and ``expected_recovery`` (amount recovered when the row is a real
    case) and ``hit_rate`` (probability it is, e.g. a calibrated score), rows are flagged when
    ``hit_rate x expected_recovery > inspection_cost``.

    Examples
    --------
    >>> import pandas as pd
    >>> select(pd.Series([0.1, 0.9, 0.5]), top_k=2).tolist()
    [False, True, True]
    """
    if inspection_cost is not None:
        if expected_recovery is None or hit_rate is None:
            raise ParameterError("a cost-based cut needs expected_recovery and hit_rate per row")
        return (
            hit_rate.reindex(score.index) * expected_recovery.reindex(score.index) > inspection_cost
        ).rename("flag")
    n = len(score)
    if top_k is not None:
        k = int(top_k)
    elif share is not None:
        if not 0 < share <= 1:
            raise ParameterError(f"share must be in (0, 1], got {share}")
        k = int(np.ceil(share * n))
    else:
        raise ParameterError("give top_k, share, or inspection_cost with expected_recovery and hit_rate")
    order = np.argsort(-score.to_numpy(), kind="stable")[:k]
    flag = np.zeros(n, dtype=bool)
    flag[order] = True
    return pd.Series(flag, index=score.index, name="flag")


def reasons(
    features: pd.DataFrame,
    rows: pd.Index | None = None,
    *,
    peer: pd.Series | None = None,
    top: int = 3,
    min_z: float = 3.0,
    labels: dict[str, str] | None = None,
) -> pd.Series:
    """Why each row is unusual: the features with the largest robust z, as text.

    Each reason names the feature, the row's value, the reference median (of the peer group
    when ``peer`` is given, else of everyone) and the ratio or the z-score, e.g.
    ``"amount 41x the median (1,650 vs 40)"``. Features with ``|z| >= min_z`` are listed
    (at most ``top``); a row with none still gets its single most unusual feature, so every
    flagged row has at least one reason.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"amount": [10.0, 12, 11, 9, 500], "items": [1.0, 2, 1, 2, 2]})
    >>> reasons(f, pd.Index([4])).iloc[0]
    'amount 45x the median (500 vs 11)'
    """
    X = _numeric(features)
    z = robust_z(X, peer)
    groups = peer.reindex(X.index) if peer is not None else pd.Series(0, index=X.index)
    med = X.groupby(groups).transform("median")
    idx = X.index if rows is None else rows
    zs, xs, ms = z.loc[idx].to_numpy(), X.loc[idx].to_numpy(), med.loc[idx].to_numpy()
    names = [labels.get(c, c) if labels else c for c in X.columns]
    scope = " of its peers" if peer is not None else ""
    order = np.argsort(-np.abs(zs), axis=1)[:, :top]

    def fmt(v: float) -> str:
        return f"{v:,.0f}" if abs(v) >= 1000 else f"{v:,.4g}"

    texts = []
    for r in range(len(idx)):  # formats text for the flagged rows only (an inspection list)
        parts = []
        for j in order[r]:
            if parts and abs(zs[r, j]) < min_z:
                break
            x, m = xs[r, j], ms[r, j]
            if x > 0 and m > 0 and (x / m >= 2 or x / m <= 0.5):
                ratio = x / m
                rel = f"{ratio:,.0f}x" if ratio >= 2 else f"{1 - ratio:.0%} below"
                parts.append(f"{names[j]} {rel} the median{scope} ({fmt(x)} vs {fmt(m)})")
            else:
                parts.append(f"{names[j]} {fmt(x)} vs median{scope} {fmt(m)} (robust z {zs[r, j]:+.1f})")
        texts.append("; ".join(parts))
    return pd.Series(texts, index=idx, name="reasons")
