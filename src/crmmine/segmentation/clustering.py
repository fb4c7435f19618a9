"""Customer clustering with a principled choice of the number of clusters, a stability check,
and profiles whose names come from the clusters' own statistics."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from crmmine._html import esc, table_html
from crmmine._i18n import check_locale, translate
from crmmine._params import Interval, Options, check_params
from crmmine._results import Result
from crmmine._threads import thread_limits
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation.rfm import summary_frame

__all__ = ["ClusterResult", "cluster_customers"]

# feature -> (word when the cluster's median is above everyone's, word when below)
_WORDS = {
    "since_last": ("lapsed", "recent"),
    "frequency": ("frequent", "occasional"),
    "orders": ("frequent", "occasional"),
    "monetary": ("high-spend", "low-spend"),
    "monetary_mean": ("high-spend", "low-spend"),
}


def seeds(random_state: Any, n: int) -> list[int]:
    """``n`` integer seeds from ``random_state`` (an int gives ``rs, rs + 1, ...``)."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return [int(random_state) + i for i in range(n)]
    if isinstance(random_state, np.random.RandomState):
        return [int(x) for x in random_state.randint(0, 2**31 - 1, size=n)]
    rng = (
        random_state if isinstance(random_state, np.random.Generator) else np.random.default_rng(random_state)
    )
    return [int(x) for x in rng.integers(0, 2**31 - 1, size=n)]


def relabel(labels: np.ndarray, order_value: np.ndarray) -> np.ndarray:
    """Renumber clusters by decreasing mean of ``order_value`` (0 = highest)."""
    _, labels = np.unique(labels, return_inverse=True)
    labels = labels.reshape(-1)
    k = labels.max() + 1
    means = np.bincount(labels, weights=order_value, minlength=k) / np.maximum(
        np.bincount(labels, minlength=k), 1
    )
    rank = np.empty(k, dtype=np.int64)
    rank[np.argsort(-means, kind="stable")] = np.arange(k)
    return rank[labels]


def _word(feature: str, sign: int, locale: str) -> str:
    high, low = _WORDS.get(feature, ("high", "low"))
    if sign == 0:
        return (
            f"{translate('typical', locale)} {feature}"
            if locale == "en"
            else f"{feature}{translate('typical', locale)}"
        )
    word = high if sign > 0 else low
    if feature in _WORDS:
        return translate(word, locale)
    return f"{word} {feature}" if locale == "en" else f"{feature}{translate(word, locale)}"


def cluster_names(
    medians: pd.DataFrame, overall: pd.Series, *, extra: Sequence[str] | None = None, locale: str = "en"
) -> list[str]:
    """Names from each cluster's medians against everyone's: above -> "high ...", below -> "low ...",
    equal -> "typical ..."; duplicates get the cluster number."""
    sep = " " if locale == "en" else "、"
    names = []
    for i, (_, row) in enumerate(medians.iterrows()):
        parts = [_word(f, int(np.sign(row[f] - overall[f])), locale) for f in medians.columns]
        if extra is not None and extra[i]:
            parts.append(extra[i])
        names.append(sep.join(parts) if parts else translate("cluster", locale))
    counts = pd.Series(names).value_counts()
    return [f"{n} ({translate('cluster', locale)} {i})" if counts[n] > 1 else n for i, n in enumerate(names)]


@dataclass(repr=False)
class ClusterResult(Result):
    """Outcome of :func:`cluster_customers` and :func:`cluster_mixed`.

    The fields below are its attributes. ``to_frame()`` gives each customer's cluster and
    name, ``summary()`` the profile, ``plot()`` the choice of the number of clusters.

    Parameters
    ----------
    labels : pandas.Series
        Cluster per customer (named ``cluster``, indexed like the input), 0 = highest mean of
        the ordering column (monetary by default), so the numbering is the same whatever the
        seed.
    n_clusters : int
        The number of clusters chosen (or given).
    profile : pandas.DataFrame
        Per cluster: ``customers``, ``share_of_customers``, ``share_of_revenue`` (when the
        frame has ``monetary``), the median of each numeric feature, for each categorical
        feature its mode and the mode's share in the cluster (``<column>_share``), and
        ``name``. Names come from these medians against :attr:`overall`, so a name never
        contradicts the numbers beside it.
    overall : pandas.Series
        Everyone's median of each numeric feature (the reference of the names).
    scores : pandas.DataFrame
        Per candidate number of clusters: silhouette (higher is better) and, for numeric
        features, Calinski-Harabasz (higher) and Davies-Bouldin (lower).
    stability : float
        Mean adjusted Rand index between the chosen solution and refits (other seeds, or
        subsamples for hierarchical clustering): 1 = the same partition every time, near 0 =
        no better than chance; NaN when no refit was asked for (``n_seeds=1``).
    features : tuple of str
        The numeric features clustered on.
    categorical : tuple of str, default ()
        Categorical features (mixed clustering only).
    method : str, default "kmeans"
        ``"kmeans"`` or ``"gmm"`` (:func:`cluster_customers`), ``"kprototypes"`` or
        ``"gower"`` (:func:`cluster_mixed`).
    category_shares : dict of str -> pandas.DataFrame, default {}
        Mixed clustering only: per categorical feature, the share of each category (columns)
        within each cluster (rows).

    See Also
    --------
    cluster_customers : clusters on numeric features (k-means or a Gaussian mixture).
    cluster_mixed : clusters on numeric and categorical features.
    plot_cluster_profiles : heat map of the profile's medians.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"since_last": [2, 3, 5, 4, 60, 80, 75, 90],
    ...                   "frequency": [9, 7, 8, 6, 1, 0, 1, 0],
    ...                   "monetary": [800.0, 650, 720, 590, 40, 25, 30, 15]})
    >>> res = cluster_customers(s, n_clusters=2, n_seeds=3, random_state=0)
    >>> res
    ClusterResult(method='kmeans', n_clusters=2, customers=8, stability=1)
    >>> res.profile[["customers", "monetary", "name"]]
             customers  monetary                         name
    cluster
    0                4     685.0   recent frequent high-spend
    1                4      27.5  lapsed occasional low-spend
    >>> res.to_frame()["cluster"].tolist()
    [0, 0, 0, 0, 1, 1, 1, 1]
    """

    labels: pd.Series
    n_clusters: int
    profile: pd.DataFrame
    overall: pd.Series
    scores: pd.DataFrame
    stability: float
    features: tuple[str, ...]
    categorical: tuple[str, ...] = ()
    method: str = "kmeans"
    category_shares: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """One row per customer: ``cluster`` and its ``name``."""
        names = self.profile["name"]
        name = pd.Categorical(self.labels.map(names), categories=list(names), ordered=True)
        return pd.DataFrame({"cluster": self.labels, "name": name}, index=self.labels.index)

    def summary(self) -> pd.DataFrame:
        """The cluster profile."""
        return self.profile

    def _repr_items(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "n_clusters": int(self.n_clusters),
            "customers": len(self.labels),
            "stability": float(self.stability),
        }

    def _repr_html_(self) -> str:
        return (
            f"<div><strong>{esc(repr(self))}</strong>{table_html(self.profile)}"
            f"{table_html(self.scores)}</div>"
        )

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Silhouette (and Davies-Bouldin) by number of clusters, the chosen one marked; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        ax.plot(self.scores.index, self.scores["silhouette"], "o-", label="silhouette", **kwargs)
        if "davies_bouldin" in self.scores:
            ax.plot(self.scores.index, self.scores["davies_bouldin"], "s--", label="Davies-Bouldin")
        ax.axvline(self.n_clusters, color="grey", linestyle=":", label=f"chosen: {self.n_clusters}")
        ax.set_xlabel("number of clusters")
        ax.set_title(f"Choice of the number of clusters (stability ARI {self.stability:.2f})")
        ax.legend()
        return ax


def numeric_matrix(frame: pd.DataFrame, features: Sequence[str], log: bool) -> np.ndarray:
    """Numeric features as floats (``log1p`` when asked), or an error naming the bad rows."""
    cols = list(features)
    sub = frame[cols]
    if sub.columns.duplicated().any():
        raise DataError(f"features {cols} name a column twice. Fix: give each feature once.")
    for c in cols:
        if pd.api.types.is_bool_dtype(sub[c]) or not pd.api.types.is_numeric_dtype(sub[c]):
            raise bad_rows_error(
                c,
                f"values of type {sub[c].dtype} (not numbers)",
                sub[[c]],
                len(sub),
                "pass numeric features, or categorical ones to cluster_mixed.",
            )
    X = sub.to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(X).all(axis=1)
    if bad.any():
        raise bad_rows_error(
            ", ".join(cols),
            "missing or infinite feature values",
            sub[bad],
            int(bad.sum()),
            "fill or drop those customers",
        )
    if log:
        neg = (X < 0).any(axis=1)
        if neg.any():
            raise bad_rows_error(
                ", ".join(cols),
                "negative values cannot be log-transformed",
                sub[neg],
                int(neg.sum()),
                "use log=False or clip the features at 0 (e.g. net returns)",
            )
        X = np.log1p(X)
    return X


def standardized(X: np.ndarray) -> np.ndarray:
    sd = X.std(axis=0)
    return (X - X.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def _fit(X: np.ndarray, k: int, method: str, n_init: int, seed: int) -> np.ndarray:
    if method == "kmeans":
        from sklearn.cluster import KMeans

        return KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit_predict(X)
    from sklearn.mixture import GaussianMixture

    return GaussianMixture(n_components=k, n_init=max(n_init // 3, 1), random_state=seed).fit(X).predict(X)


def check_candidates(n_clusters: Any, candidates_range: Any, n: int) -> list[int]:
    if n_clusters == "auto":
        try:
            candidates = sorted({int(c) for c in candidates_range})
        except (TypeError, ValueError):
            raise ParameterError(
                f"n_clusters_range must be whole numbers, got {candidates_range!r}."
            ) from None
    else:
        candidates = [int(n_clusters)]
    if n < 3:
        raise DataError(f"clustering needs at least 3 customers, got {n}. Fix: cluster a larger base.")
    if not candidates or any(c < 2 or c >= n for c in candidates):
        raise ParameterError(
            f"the number of clusters must be between 2 and the number of customers - 1 ({n - 1}); got "
            f"{candidates}. Fix: pass n_clusters or n_clusters_range within that range."
        )
    return candidates


def build_profile(
    frame: pd.DataFrame, labels: np.ndarray, numeric: Sequence[str], categorical: Sequence[str], locale: str
) -> tuple[pd.DataFrame, pd.Series, dict]:
    """Per-cluster profile (sizes, revenue share, numeric medians, categorical mode and share, name)."""
    n = len(labels)
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k)
    profile = pd.DataFrame(
        {"customers": counts, "share_of_customers": counts / n}, index=pd.RangeIndex(k, name="cluster")
    )
    if "monetary" in frame.columns and pd.api.types.is_numeric_dtype(frame["monetary"]):
        money = frame["monetary"].to_numpy(dtype="float64")
        total = money.sum()
        profile["share_of_revenue"] = (
            np.bincount(labels, weights=money, minlength=k) / total if total else np.nan
        )
    medians = frame[list(numeric)].groupby(labels).median().reindex(profile.index)
    overall = frame[list(numeric)].median()
    for c in numeric:
        profile[c] = medians[c]
    extra: list[str] = [""] * k
    shares: dict[str, pd.DataFrame] = {}
    best_lift = np.zeros(k)
    for c in categorical:
        table = pd.crosstab(labels, frame[c].astype(str).to_numpy()).reindex(profile.index, fill_value=0)
        within = table.div(table.sum(axis=1).replace(0, 1), axis=0)
        overall_share = table.sum(axis=0) / n
        shares[c] = within
        mode = within.idxmax(axis=1)
        profile[c] = mode.to_numpy()
        profile[f"{c}_share"] = within.max(axis=1).to_numpy()
        lift = (within.max(axis=1) / overall_share[mode].to_numpy()).to_numpy()
        for i in range(k):
            if lift[i] > 1.0 + 1e-9 and lift[i] > best_lift[i]:
                best_lift[i] = lift[i]
                word = translate("mostly", locale)
                extra[i] = f"{word} {c}={mode.iloc[i]}" if locale == "en" else f"{word}{c}={mode.iloc[i]}"
    profile["name"] = cluster_names(
        medians[list(numeric)], overall, extra=extra if categorical else None, locale=locale
    )
    return profile, overall, shares


def cluster_customers(
    summary: pd.DataFrame,
    features: Sequence[str] = ("since_last", "frequency", "monetary"),
    n_clusters: int | str = "auto",
    *,
    n_clusters_range: Sequence[int] = range(2, 9),
    method: str = "kmeans",
    log: bool = True,
    standardize: bool = True,
    n_init: int = 10,
    n_seeds: int = 5,
    sample_size: int = 10_000,
    random_state: Any = 0,
    n_jobs: int | None = None,
    locale: str = "en",
) -> ClusterResult:
    """Cluster customers on RFM-style features and profile the clusters.

    Features are log-transformed (``log1p``) and standardised by default, so spend does not
    dominate by scale. With ``n_clusters="auto"`` every candidate in ``n_clusters_range`` is
    fitted and the one with the best silhouette is chosen; Calinski-Harabasz and Davies-Bouldin
    are reported beside it. Clusters are renumbered by decreasing mean ``monetary`` (or the last
    feature), so cluster 0 is the same group whatever the seed. Stability: the chosen solution is
    refitted with ``n_seeds - 1`` other seeds and compared with the adjusted Rand index.

    Names come from each cluster's median of each feature against everyone's median, the two
    numbers shown in ``profile`` and ``overall``: ``since_last`` below -> "recent", above ->
    "lapsed"; ``frequency`` -> "frequent" / "occasional"; ``monetary`` -> "high-spend" /
    "low-spend"; other features "high x" / "low x"; equal medians -> "typical x".

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer, indexed by customer id (``crmmine.customer_summary``, or any
        table with the features); pyarrow tables are read with their first column as id.
    features : sequence of str, default ("since_last", "frequency", "monetary")
        Numeric columns to cluster on. Default: time since the last purchase (in the
        summary's time unit), repeat purchases and total spend. Missing, infinite or
        non-numeric values raise and name the customers.
    n_clusters : int or "auto", default "auto"
        The number of clusters (at least 2), or ``"auto"`` to choose it by silhouette.
    n_clusters_range : sequence of int, default range(2, 9)
        Candidates for ``n_clusters="auto"``.
    method : {"kmeans", "gmm"}, default "kmeans"
        scikit-learn's ``KMeans`` (k-means++ starts) or ``GaussianMixture`` (full
        covariances; ``max(n_init // 3, 1)`` starts).
    log : bool, default True
        ``log1p`` the features first (spend and counts are skewed); negative values then raise.
    standardize : bool, default True
        Scale each feature to mean 0 and standard deviation 1 (after the log).
    n_init : int, default 10
        Initialisations per fit (k-means++).
    n_seeds : int, default 5
        Seeds used for the stability figure (1 = no stability check, NaN).
    sample_size : int, default 10_000
        Customers sampled (with ``random_state``) to compute the silhouette on large bases.
    random_state : None, int or numpy Generator, default 0
        Seeds of the fits, the refits and the silhouette sample (an int ``r`` gives the
        seeds ``r, r + 1, ...``).
    n_jobs : int, optional
        Threads for k-means (None = 1, -1 = all cores); BLAS/OpenMP are limited to it.
    locale : {"en", "zh"}, default "en"
        Language of the cluster names.

    Returns
    -------
    ClusterResult
        ``labels`` (cluster per customer, indexed like ``summary``), ``profile`` (sizes,
        revenue share, medians and names per cluster), ``overall``, ``scores`` per candidate
        and ``stability``.

    See Also
    --------
    ClusterResult : the result and its profile.
    cluster_mixed : clusters on numeric and categorical features together.
    rfm_segments : rule-based segments on RFM scores instead of learned clusters.
    plot_cluster_profiles : heat map of the clusters' medians.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> s = pd.DataFrame({"since_last": np.r_[rng.uniform(1, 5, 50), rng.uniform(50, 90, 50)],
    ...                   "frequency": np.r_[rng.poisson(8, 50), rng.poisson(1, 50)],
    ...                   "monetary": np.r_[rng.uniform(500, 900, 50), rng.uniform(10, 60, 50)]})
    >>> res = cluster_customers(s, n_clusters_range=range(2, 5), n_seeds=2, random_state=1)
    >>> res.n_clusters, res.profile.loc[0, "name"]
    (2, 'recent frequent high-spend')

    References
    ----------
    Rousseeuw, P. J. (1987). Silhouettes. *Journal of Computational and Applied Mathematics* 20, 53-65.
    Calinski, T. and Harabasz, J. (1974). *Communications in Statistics* 3(1), 1-27.
    Davies, D. L. and Bouldin, D. W. (1979). *IEEE TPAMI* 1(2), 224-227.
    Hubert, L. and Arabie, P. (1985). Comparing partitions. *Journal of Classification* 2, 193-218.
    Chen, D., Sain, S. L. and Guo, K. (2012). Data mining for the online retail industry.
    *Journal of Database Marketing & Customer Strategy Management* 19(3), 197-208.
    """
    from sklearn.metrics import (
        adjusted_rand_score,
        calinski_harabasz_score,
        davies_bouldin_score,
        silhouette_score,
    )

    check_params(
        {
            "method": method,
            "n_clusters": n_clusters,
            "n_init": n_init,
            "n_seeds": n_seeds,
            "sample_size": sample_size,
            "random_state": random_state,
            "log": log,
            "standardize": standardize,
            "n_jobs": n_jobs,
        },
        {
            "method": [Options({"kmeans", "gmm"})],
            "n_clusters": [Interval(Integral, 2, None), Options({"auto"})],
            "n_init": [Interval(Integral, 1, None)],
            "n_seeds": [Interval(Integral, 1, None)],
            "sample_size": [Interval(Integral, 10, None)],
            "random_state": ["random_state"],
            "log": ["boolean"],
            "standardize": ["boolean"],
            "n_jobs": [Interval(Integral, None, None), None],
        },
        caller="cluster_customers()",
    )
    check_locale(locale)
    summary = summary_frame(summary)
    if isinstance(features, str):
        features = (features,)
    features = tuple(features)
    if not features:
        raise ParameterError("features must name at least one column.")
    require_columns(summary.columns, list(features), role="customer summary")
    X = numeric_matrix(summary, features, log)
    if standardize:
        X = standardized(X)
    n = X.shape[0]
    candidates = check_candidates(n_clusters, n_clusters_range, n)
    if n and bool((X.std(axis=0) == 0).all()):
        raise DataError(
            f"the features {list(features)} are the same for every customer, so they hardly vary and "
            "there is nothing to cluster. Fix: choose features that differ between customers."
        )
    if n <= 200_000:  # more clusters than distinct customers cannot be fitted
        distinct = np.unique(X, axis=0).shape[0]
        if all(c > distinct for c in candidates):
            raise DataError(
                f"only {distinct} distinct customers (feature rows), fewer than every candidate "
                f"number of clusters {candidates}. Fix: lower n_clusters."
            )
        candidates = [c for c in candidates if c <= distinct]
    order_col = "monetary" if "monetary" in features else features[-1]
    order_value = summary[order_col].to_numpy(dtype="float64")
    all_seeds = seeds(random_state, n_seeds)
    seed, sil_seed, other = all_seeds[0], all_seeds[0], all_seeds[1:]
    rows, fits = {}, {}
    sample = min(sample_size, n)
    with thread_limits(n_jobs):
        for c in candidates:  # a handful of candidates, each vectorised
            labels = _fit(X, c, method, n_init, seed)
            if np.unique(labels).size < 2:
                continue
            fits[c] = labels
            rows[c] = {
                "silhouette": silhouette_score(X, labels, sample_size=sample, random_state=sil_seed),
                "calinski_harabasz": calinski_harabasz_score(X, labels),
                "davies_bouldin": davies_bouldin_score(X, labels),
            }
        if not rows:
            raise DataError(
                f"no candidate number of clusters gave at least two clusters: the features "
                f"{list(features)} hardly vary. Fix: choose features that differ between customers."
            )
        scores = pd.DataFrame(rows).T
        scores.index.name = "n_clusters"
        best = int(scores["silhouette"].idxmax())
        labels = relabel(fits[best], order_value)
        aris = [adjusted_rand_score(labels, _fit(X, best, method, n_init, s)) for s in other]
    stability = float(np.mean(aris)) if aris else float("nan")
    profile, overall, _ = build_profile(summary, labels, features, (), locale)
    return ClusterResult(
        labels=pd.Series(labels, index=summary.index, name="cluster"),
        n_clusters=best,
        profile=profile,
        overall=overall,
        scores=scores,
        stability=stability,
        features=features,
        method=method,
    )
