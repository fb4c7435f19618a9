"""Clusters on mixed attributes: numbers and categories (policy type, region, channel).

Two methods, both with the choice of the number of clusters, the stability figure and the
profiles of :func:`~crmmine.segmentation.cluster_customers`:

* **k-prototypes** (Huang 1998) through the ``kmodes`` package: k-means on the standardised
  numbers plus simple matching on the categories, weighted by ``gamma``;
* **Gower distance** (Gower 1971) with agglomerative (hierarchical) clustering from scipy.

The number of clusters is chosen by the silhouette on Gower distances for both methods (one
criterion that treats numbers and categories alike), computed on a sample.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from crmmine._i18n import check_locale
from crmmine._params import Interval, Options, check_params
from crmmine._threads import effective_n_jobs, thread_limits
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation.clustering import (
    ClusterResult,
    build_profile,
    check_candidates,
    numeric_matrix,
    relabel,
    seeds,
    standardized,
)
from crmmine.segmentation.rfm import summary_frame

__all__ = ["cluster_mixed", "gower_distances"]


def _split_columns(
    frame: pd.DataFrame, numeric: Sequence[str] | None, categorical: Sequence[str] | None
) -> tuple[list[str], list[str]]:
    if numeric is None and categorical is None:
        raise ParameterError(
            "name the features: numeric=[...] and categorical=[...] (e.g. numeric=['tenure'], "
            "categorical=['Contract'])."
        )
    num = [numeric] if isinstance(numeric, str) else list(numeric or [])
    cat = [categorical] if isinstance(categorical, str) else list(categorical or [])
    require_columns(frame.columns, num + cat, role="customer table")
    both = set(num) & set(cat)
    if both:
        raise ParameterError(f"columns {sorted(both)} are named as both numeric and categorical.")
    if len(set(num + cat)) != len(num + cat):
        raise ParameterError("a feature is named twice. Fix: give each column once.")
    return num, cat


def _codes(frame: pd.DataFrame, categorical: Sequence[str]) -> np.ndarray:
    out = np.empty((len(frame), len(categorical)), dtype=np.int64)
    for j, c in enumerate(categorical):
        col = frame[c]
        missing = col.isna().to_numpy()
        if missing.any():
            raise bad_rows_error(
                c,
                "missing categories",
                frame.loc[missing, [c]],
                int(missing.sum()),
                f"fill them with a category of their own, e.g. frame['{c}'].fillna('unknown').",
            )
        out[:, j] = pd.factorize(col.astype(str), sort=True)[0]
    return out


def _gower_block(
    xa: np.ndarray, ca: np.ndarray, xb: np.ndarray, cb: np.ndarray, ranges: np.ndarray
) -> np.ndarray:
    p, q = xa.shape[1], ca.shape[1]
    d = np.zeros((xa.shape[0], xb.shape[0]))
    for j in range(p):
        if ranges[j] > 0:
            d += np.abs(xa[:, j, None] - xb[None, :, j]) / ranges[j]
    for j in range(q):
        d += ca[:, j, None] != cb[None, :, j]
    return d / max(p + q, 1)


def _gower(
    x: np.ndarray,
    c: np.ndarray,
    ranges: np.ndarray,
    rows: np.ndarray | None = None,
    cols: np.ndarray | None = None,
    block: int = 1024,
) -> np.ndarray:
    ra = np.arange(x.shape[0]) if rows is None else rows
    cb = np.arange(x.shape[0]) if cols is None else cols
    out = np.empty((ra.size, cb.size))
    for s in range(0, ra.size, block):
        idx = ra[s : s + block]
        out[s : s + block] = _gower_block(x[idx], c[idx], x[cb], c[cb], ranges)
    return out


def gower_distances(
    frame: pd.DataFrame,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
) -> np.ndarray:
    """Gower distances between the rows of a table with numeric and categorical columns.

    For rows ``i`` and ``j``: the mean over features of ``|x_i - x_j| / range`` for numbers
    (the range over all rows; a constant column contributes 0) and of 0 (same category) or 1
    (different) for categories. Equal weights, no missing values (they raise).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer (pyarrow tables are read with their first column as index).
    numeric : sequence of str, optional
        The numeric columns (missing or infinite values raise).
    categorical : sequence of str, optional
        The categorical columns, compared as text (missing values raise: fill them with a
        category of their own). Give at least one of ``numeric`` and ``categorical``.

    Returns
    -------
    numpy.ndarray
        Square (n, n) symmetric matrix in [0, 1], rows and columns in the order of ``frame``,
        zeros on the diagonal.

    See Also
    --------
    cluster_mixed : clusters on these distances (``method="gower"``).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"age": [20, 40, 60], "region": ["n", "n", "s"]})
    >>> gower_distances(f, ["age"], ["region"]).round(3).tolist()
    [[0.0, 0.25, 1.0], [0.25, 0.0, 0.75], [1.0, 0.75, 0.0]]

    References
    ----------
    Gower, J. C. (1971). A general coefficient of similarity and some of its properties.
    *Biometrics* 27(4), 857-871.
    """
    frame = summary_frame(frame, "frame")
    num, cat = _split_columns(frame, numeric, categorical)
    x = numeric_matrix(frame, num, log=False) if num else np.zeros((len(frame), 0))
    c = _codes(frame, cat) if cat else np.zeros((len(frame), 0), dtype=np.int64)
    ranges = x.max(axis=0) - x.min(axis=0) if len(frame) else np.zeros(x.shape[1])
    return _gower(x, c, ranges)


def _condensed(square: np.ndarray) -> np.ndarray:
    from scipy.spatial.distance import squareform

    return squareform(square, checks=False)


def _hierarchical(dist: np.ndarray, k: int, linkage: str) -> np.ndarray:
    from scipy.cluster.hierarchy import fcluster
    from scipy.cluster.hierarchy import linkage as scipy_linkage

    tree = scipy_linkage(_condensed(dist), method=linkage)
    return fcluster(tree, t=k, criterion="maxclust") - 1


def _medoid_assign(
    labels: np.ndarray,
    dist: np.ndarray,
    x: np.ndarray,
    c: np.ndarray,
    ranges: np.ndarray,
    sample: np.ndarray,
    rest: np.ndarray,
) -> np.ndarray:
    """Labels for the rows not in the sample: the cluster of the nearest medoid (Gower)."""
    k = labels.max() + 1
    medoids = np.empty(k, dtype=np.int64)
    for g in range(k):
        members = np.flatnonzero(labels == g)
        medoids[g] = sample[members[np.argmin(dist[np.ix_(members, members)].sum(axis=1))]]
    d = _gower(x, c, ranges, rows=rest, cols=medoids)
    return d.argmin(axis=1)


def cluster_mixed(
    frame: pd.DataFrame,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    n_clusters: int | str = "auto",
    *,
    method: str = "kprototypes",
    n_clusters_range: Sequence[int] = range(2, 9),
    log: bool = False,
    gamma: float | None = None,
    linkage: str = "average",
    n_init: int = 5,
    n_seeds: int = 3,
    sample_size: int = 2_000,
    order_by: str | None = None,
    random_state: Any = 0,
    n_jobs: int | None = None,
    locale: str = "en",
) -> ClusterResult:
    """Cluster customers described by numbers and categories; profile and name the clusters.

    ``method="kprototypes"`` runs ``kmodes.kprototypes.KPrototypes`` (Cao initialisation,
    ``n_init`` starts) on the standardised numbers (``log1p`` first with ``log=True``) and the
    categories; ``gamma`` weighs a category mismatch against squared standardised distances
    (default: kmodes' half the mean standard deviation of the numbers, i.e. 0.5). It is fitted on
    at most ``sample_size`` customers and the others are assigned with ``predict``.
    ``method="gower"`` computes Gower distances on a sample of at most ``sample_size``
    customers, builds a scipy hierarchical tree (``linkage``: "average", "complete", "single"
    or "weighted") and assigns the other customers to the nearest cluster medoid.

    For both, the number of clusters is chosen by the silhouette on Gower distances (on the
    sample); clusters are renumbered by decreasing mean of ``order_by`` (``monetary`` when
    present, else the first numeric feature); ``stability`` is the mean adjusted Rand index of
    refits with other seeds (k-prototypes) or on random 80% subsamples (hierarchical); the
    profile gives each numeric feature's median and each categorical feature's mode with its
    share in the cluster, and names say which numbers are above or below everyone's median and
    which category is over-represented ("mostly Contract=Two year").

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer, indexed by customer id (pyarrow tables are read with their first
        column as index).
    numeric : sequence of str, optional
        Numeric features (missing or infinite values raise).
    categorical : sequence of str, optional
        Categorical features, compared as text (missing values raise). k-prototypes needs at
        least one numeric and one categorical feature; Gower takes either or both.
    n_clusters : int or "auto", default "auto"
        The number of clusters (at least 2), or ``"auto"`` to choose it by silhouette.
    method : {"kprototypes", "gower"}, default "kprototypes"
        k-prototypes (kmodes) or Gower distances with hierarchical clustering (scipy).
    n_clusters_range : sequence of int, default range(2, 9)
        Candidates for ``n_clusters="auto"``.
    log : bool, default False
        ``log1p`` the numeric features (k-prototypes) before standardising.
    gamma : float, optional
        Weight of a category mismatch against squared standardised distances
        (k-prototypes); None uses kmodes' default, half the mean standard deviation of the
        numbers it is fitted on (about 0.5, as they are standardised).
    linkage : {"average", "complete", "single", "weighted"}, default "average"
        Linkage of the hierarchical tree (Gower).
    n_init : int, default 5
        Starts of each k-prototypes fit (Cao initialisation).
    n_seeds : int, default 3
        Fits for the stability figure: the chosen one and ``n_seeds - 1`` refits (other seeds
        for k-prototypes, random 80% subsamples for Gower); 1 = no check (NaN).
    sample_size : int, default 2_000
        Customers the models are fitted on and the silhouette computed on (drawn with
        ``random_state``); the others are assigned afterwards. Gower distances need memory
        in the square of this number.
    order_by : str, optional
        Numeric column whose cluster means number the clusters (0 = highest); default
        ``monetary`` when present, else the first numeric feature.
    random_state : None, int or numpy Generator, default 0
        Seeds of the fits, the refits and the sample.
    n_jobs : int, optional
        Parallel starts of k-prototypes (None = 1, -1 = all cores).
    locale : {"en", "zh"}, default "en"
        Language of the cluster names.

    Returns
    -------
    ClusterResult
        ``method`` is "kprototypes" or "gower"; ``scores`` has the silhouette (and the
        k-prototypes cost) per candidate; ``category_shares`` the share of each category
        per cluster.

    See Also
    --------
    cluster_customers : clusters on numeric features only (k-means, Gaussian mixture).
    gower_distances : the distances the silhouette (and ``method="gower"``) uses.
    ClusterResult : the result and its profile.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> f = pd.DataFrame({"spend": np.r_[rng.normal(100, 10, 60), rng.normal(400, 10, 60)],
    ...                   "channel": ["web"] * 60 + ["shop"] * 60})
    >>> res = cluster_mixed(f, ["spend"], ["channel"], n_clusters_range=range(2, 4), order_by="spend")
    >>> res.n_clusters, res.profile["channel"].tolist()
    (2, ['shop', 'web'])

    References
    ----------
    Huang, Z. (1998). Extensions to the k-means algorithm for clustering large data sets with
    categorical values. *Data Mining and Knowledge Discovery* 2(3), 283-304.
    Gower, J. C. (1971). A general coefficient of similarity and some of its properties.
    *Biometrics* 27(4), 857-871.
    de Vos, N. J. (2015-2021). kmodes: k-modes and k-prototypes clustering in Python.
    Rousseeuw, P. J. (1987). Silhouettes. *Journal of Computational and Applied Mathematics* 20, 53-65.
    """
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    check_params(
        {
            "method": method,
            "n_clusters": n_clusters,
            "n_init": n_init,
            "n_seeds": n_seeds,
            "sample_size": sample_size,
            "random_state": random_state,
            "log": log,
            "linkage": linkage,
            "gamma": gamma,
            "n_jobs": n_jobs,
        },
        {
            "method": [Options({"kprototypes", "gower"})],
            "n_clusters": [Interval(Integral, 2, None), Options({"auto"})],
            "n_init": [Interval(Integral, 1, None)],
            "n_seeds": [Interval(Integral, 1, None)],
            "sample_size": [Interval(Integral, 10, None)],
            "random_state": ["random_state"],
            "log": ["boolean"],
            "linkage": [Options({"average", "complete", "single", "weighted"})],
            "gamma": [
                Interval(float, 0, None, closed="neither"),
                Interval(Integral, 0, None, closed="neither"),
                None,
            ],
            "n_jobs": [Interval(Integral, None, None), None],
        },
        caller="cluster_mixed()",
    )
    check_locale(locale)
    frame = summary_frame(frame, "frame")
    num, cat = _split_columns(frame, numeric, categorical)
    if method == "kprototypes" and (not num or not cat):
        raise ParameterError(
            "k-prototypes needs numeric and categorical features; with numbers only use "
            "cluster_customers, with categories only method='gower'."
        )
    x_raw = numeric_matrix(frame, num, log=False) if num else np.zeros((len(frame), 0))
    codes = _codes(frame, cat) if cat else np.zeros((len(frame), 0), dtype=np.int64)
    n = len(frame)
    candidates = check_candidates(n_clusters, n_clusters_range, n)
    if order_by is None:
        order_by = "monetary" if "monetary" in frame.columns else (num[0] if num else None)
    if order_by is not None:
        require_columns(frame.columns, [order_by], role="customer table")
        order_value = numeric_matrix(frame, [order_by], log=False)[:, 0]
    else:
        order_value = np.zeros(n)
    ranges = x_raw.max(axis=0) - x_raw.min(axis=0) if num else np.zeros(0)
    all_seeds = seeds(random_state, n_seeds + 1)
    rng = np.random.default_rng(all_seeds[-1])
    sample = np.sort(rng.choice(n, size=sample_size, replace=False)) if n > sample_size else np.arange(n)
    dist = _gower(x_raw, codes, ranges, rows=sample, cols=sample)
    np.fill_diagonal(dist, 0.0)
    rows: dict[int, dict[str, float]] = {}
    fits: dict[int, np.ndarray] = {}
    if method == "kprototypes":
        x_k = numeric_matrix(frame, num, log=True) if log else x_raw
        x_k = standardized(x_k)
        data = np.column_stack([x_k, codes]).astype(object)
        cat_idx = list(range(len(num), len(num) + len(cat)))

        def fit_kproto(k: int, seed: int) -> tuple[np.ndarray, float]:
            from kmodes.kprototypes import KPrototypes

            model = KPrototypes(
                n_clusters=k,
                init="Cao",
                n_init=n_init,
                gamma=gamma,
                random_state=seed,
                n_jobs=effective_n_jobs(n_jobs),
            )
            model.fit(data[sample], categorical=cat_idx)
            out = np.empty(n, dtype=np.int64)
            out[sample] = model.labels_
            rest = np.setdiff1d(np.arange(n), sample, assume_unique=True)
            if rest.size:
                out[rest] = model.predict(data[rest], categorical=cat_idx)
            return out, float(model.cost_)

        with thread_limits(n_jobs):
            for k in candidates:
                labels, cost = fit_kproto(k, all_seeds[0])
                if np.unique(labels[sample]).size < 2:
                    continue
                fits[k] = labels
                rows[k] = {
                    "silhouette": silhouette_score(dist, labels[sample], metric="precomputed"),
                    "cost": cost,
                }
            if not rows:
                raise DataError(
                    "no candidate number of clusters gave at least two clusters: the features "
                    "hardly vary. Fix: choose features that differ between customers."
                )
            best = max(rows, key=lambda k: rows[k]["silhouette"])
            labels = relabel(fits[best], order_value)
            aris = [adjusted_rand_score(labels, fit_kproto(best, s)[0]) for s in all_seeds[1:-1]]
    else:
        full = np.arange(n)
        for k in candidates:
            lab = _hierarchical(dist, k, linkage)
            if np.unique(lab).size < 2:
                continue
            out = np.empty(n, dtype=np.int64)
            out[sample] = lab
            rest = np.setdiff1d(full, sample, assume_unique=True)
            if rest.size:
                out[rest] = _medoid_assign(lab, dist, x_raw, codes, ranges, sample, rest)
            fits[k] = out
            rows[k] = {"silhouette": silhouette_score(dist, lab, metric="precomputed")}
        if not rows:
            raise DataError(
                "no candidate number of clusters gave at least two clusters: the features "
                "hardly vary. Fix: choose features that differ between customers."
            )
        best = max(rows, key=lambda k: rows[k]["silhouette"])
        labels = relabel(fits[best], order_value)
        aris = []
        for s in all_seeds[1:-1]:
            sub = np.sort(
                np.random.default_rng(s).choice(
                    sample.size, size=max(int(0.8 * sample.size), 3), replace=False
                )
            )
            refit = _hierarchical(dist[np.ix_(sub, sub)], best, linkage)
            aris.append(adjusted_rand_score(labels[sample][sub], refit))
    stability = float(np.mean(aris)) if aris else float("nan")
    scores = pd.DataFrame(rows).T.sort_index()
    scores.index.name = "n_clusters"
    view = frame[num + cat]
    if "monetary" in frame.columns and "monetary" not in view.columns:
        view = view.assign(monetary=frame["monetary"])
    profile, overall, shares = build_profile(view, labels, num, cat, locale)
    return ClusterResult(
        labels=pd.Series(labels, index=frame.index, name="cluster"),
        n_clusters=int(best),
        profile=profile,
        overall=overall,
        scores=scores,
        stability=stability,
        features=tuple(num),
        categorical=tuple(cat),
        method=method,
        category_shares=shares,
    )
