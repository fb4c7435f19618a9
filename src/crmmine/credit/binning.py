"""Weight-of-evidence binning and information values, on top of optbinning.

The bins of every characteristic come from optbinning's optimal binning (a mixed
integer programme that maximises the information value under monotonicity and
bin-size constraints; Navas-Palencia 2020), or from splits the analyst gives. crmmine
then counts goods and bads per bin itself, so that the weights of evidence, the
information values, the Special and Missing bins and the handling of empty cells
follow one documented rule whatever produced the bins.

Conventions (Siddiqi 2006): the event is a default (``y = 1``, a "bad"),

- ``WoE = ln(%good / %bad)`` of a bin (positive: safer than average),
- ``IV = sum over bins of (%good - %bad) * WoE``,
- strength bands of the IV: below 0.02 useless, 0.02-0.1 weak, 0.1-0.3 medium,
  0.3-0.5 strong, above 0.5 suspicious (too good to be true: check for leakage).

Every characteristic has, after its ordinary bins, a ``Special`` bin (values listed in
``special_codes``) and a ``Missing`` bin. A bin without applications has WoE 0 (no
evidence). A non-empty bin with no good or no bad has an infinite WoE: crmmine adds 0.5
to its empty cell (the Haldane-Anscombe correction) and warns with a
:class:`~crmmine.errors.DataWarning` that names the bin.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import TransformerMixin
from threadpoolctl import threadpool_limits

from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, Options
from crmmine.credit._checks import check_applications, check_target, is_categorical
from crmmine.errors import DataError, DataWarning, ParameterError, bad_rows_error

__all__ = ["IV_BANDS", "WOEBinning", "iv_strength"]

#: Information-value strength bands (Siddiqi 2006, ch. 6): (upper bound, label).
IV_BANDS: tuple[tuple[float, str], ...] = (
    (0.02, "useless"),
    (0.1, "weak"),
    (0.3, "medium"),
    (0.5, "strong"),
    (np.inf, "suspicious"),
)

MONOTONIC_TRENDS = {
    "auto", "auto_heuristic", "auto_asc_desc", "ascending", "descending", "concave", "convex",
    "peak", "valley", "peak_heuristic", "valley_heuristic",
}


def iv_strength(iv: float | Sequence[float] | pd.Series) -> str | pd.Series:
    """The strength band of an information value (Siddiqi 2006).

    Parameters
    ----------
    iv : float, sequence of float or Series
        Information values, e.g. ``WOEBinning.iv_``.

    Returns
    -------
    str or Series
        ``"useless"`` (below 0.02), ``"weak"`` (to 0.1), ``"medium"`` (to 0.3),
        ``"strong"`` (to 0.5) or ``"suspicious"`` (0.5 and above: check for leakage);
        for several values a Series named ``strength`` (indexed like a Series input).

    See Also
    --------
    IV_BANDS : the band limits.
    WOEBinning.iv_table : every binned characteristic with its IV and band.
    select_variables : keeps characteristics by IV.

    Examples
    --------
    >>> iv_strength(0.01), iv_strength(0.05), iv_strength(0.2), iv_strength(0.4), iv_strength(0.64)
    ('useless', 'weak', 'medium', 'strong', 'suspicious')

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards: Developing and Implementing Intelligent Credit
    Scoring*. Wiley, Hoboken, NJ, pp. 79-83.
    """
    if isinstance(iv, pd.Series):
        return iv.map(iv_strength).rename("strength")
    if not isinstance(iv, Real):
        return pd.Series([iv_strength(v) for v in iv], name="strength")
    if not (math.isfinite(iv) and iv >= 0):
        raise ParameterError(f"iv_strength(): an information value is a finite number >= 0, got {iv!r}. "
                             "Fix: pass WOEBinning.iv_ (missing values have no band).")
    for upper, label in IV_BANDS:
        if iv < upper:
            return label
    return IV_BANDS[-1][1]


@dataclass
class _Bins:
    """The bins of one characteristic and its training counts (normal bins, Special, Missing)."""

    name: str
    dtype: str  # "numerical" or "categorical"
    splits: np.ndarray | None  # numerical cut points (left-closed bins [a, b))
    groups: list[list[Any]] | None  # categorical: categories of each bin
    special: list[Any]
    labels: list[str]
    good: np.ndarray
    bad: np.ndarray
    woe: np.ndarray
    iv: np.ndarray

    @property
    def n_bins(self) -> int:
        return len(self.labels) - 2

    def index(self, values: pd.Series) -> np.ndarray:
        """Bin index of each value: 0..n-1 ordinary bins, n Special, n+1 Missing, -1 unknown."""
        n = self.n_bins
        out = np.full(len(values), -1, dtype=np.int64)
        missing = values.isna().to_numpy()
        special = (values.isin(self.special).to_numpy() & ~missing) if self.special else np.zeros(
            len(values), dtype=bool)
        clean = ~missing & ~special
        if self.dtype == "numerical":
            x = values.to_numpy(dtype="float64", na_value=np.nan)
            out[clean] = np.digitize(x[clean], self.splits, right=False)
        else:
            lookup = {c: i for i, group in enumerate(self.groups or []) for c in group}
            mapped = values[clean].map(lookup)
            out[clean] = mapped.fillna(-1).to_numpy(dtype=np.int64)
        out[special] = n
        out[missing] = n + 1
        return out


def _woe_iv(good: np.ndarray, bad: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """WoE = ln(%good/%bad) and IV per bin; empty bins get 0; one empty cell gets +0.5."""
    g = good.astype("float64")
    b = bad.astype("float64")
    total_g, total_b = g.sum(), b.sum()
    filled = (g + b) > 0
    corrected = [int(i) for i in np.flatnonzero(filled & ((g == 0) | (b == 0)))]
    g_c, b_c = g.copy(), b.copy()
    if corrected:
        g_c[corrected] = np.where(g_c[corrected] == 0, 0.5, g_c[corrected])
        b_c[corrected] = np.where(b_c[corrected] == 0, 0.5, b_c[corrected])
    woe = np.zeros_like(g)
    pg, pb = g_c / total_g, b_c / total_b
    woe[filled] = np.log(pg[filled] / pb[filled])
    iv = np.where(filled, (pg - pb) * woe, 0.0)
    return woe, iv, corrected


def _numeric_labels(splits: np.ndarray) -> list[str]:
    edges = np.concatenate([[-np.inf], splits, [np.inf]])
    return [f"[{lo:g}, {hi:g})" if np.isfinite(lo) else f"(-inf, {hi:g})" for lo, hi in pairwise(edges)]


class WOEBinning(CRMMineEstimator, TransformerMixin):
    """Weight-of-evidence binning of credit characteristics, with information values.

    Numeric characteristics are cut into intervals and categorical ones grouped by
    optbinning's optimal binning (monotonic in the bad rate where asked); crmmine counts goods
    and bads per bin, adds a Special and a Missing bin, computes WoE and IV, and transforms
    applications into their bins' WoE.

    Parameters
    ----------
    variables : list of str, optional
        Characteristics to bin (default: every column of ``X``).
    categorical : list of str, optional
        Numeric columns to bin as categories (text, category and boolean columns always are).
    monotonic_trend : str, dict or None, default "auto"
        Trend of the bad rate over numeric bins: optbinning's ``"auto"`` (chosen from the data),
        ``"auto_asc_desc"``, ``"ascending"``, ``"descending"``, ``"peak"``, ``"valley"``, ...,
        or ``None`` (no constraint). A dict gives it per variable (others get ``"auto"``).
    max_n_bins : int, optional
        Largest number of ordinary bins per characteristic.
    min_bin_size : float, optional
        Smallest share of applications in an ordinary bin, in (0, 0.5].
    special_codes : list or dict, optional
        Values that mean something special (e.g. ``-1`` = "no bureau record"); they go to the
        Special bin. A dict gives them per variable.
    user_splits : dict, optional
        Fixed bins per variable, used as given instead of optbinning's: for a numeric variable
        the cut points (bins ``[a, b)``), for a categorical one a list of lists of categories.
        Every training category must belong to a group.
    unknown : {"raise", "missing"}, default "raise"
        A category never seen in training, met by ``transform``: raise, or score it in the
        Missing bin.
    n_jobs : int, optional
        Parallel binning jobs (``None`` = 1).

    Attributes
    ----------
    variables_ : list of str
    tables_ : dict of str to DataFrame
        Binning table per characteristic: ``bin, count, count_share, good, bad, bad_rate, woe,
        iv`` (ordinary bins, then Special and Missing).
    iv_ : Series
        Information value per characteristic, sorted from strongest.

    See Also
    --------
    select_variables : keep the informative, weakly correlated characteristics.
    Scorecard : bins, selects, regresses and scales to points in one estimator.
    characteristic_stability : the drift of each characteristic on these bins.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"debt_ratio": rng.uniform(0, 1, 2000),
    ...                   "region": rng.choice(["north", "south"], 2000)})
    >>> y = pd.Series((rng.uniform(size=2000) < 0.05 + 0.3 * X["debt_ratio"]).astype(int))
    >>> binning = WOEBinning(monotonic_trend="ascending").fit(X, y)
    >>> binning.iv_.index[0], iv_strength(binning.iv_["region"])
    ('debt_ratio', 'useless')
    >>> bool(binning.tables_["debt_ratio"]["bad_rate"].iloc[:-2].is_monotonic_increasing)
    True

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards*. Wiley, ch. 6.
    Navas-Palencia, G. (2020). Optimal binning: mathematical programming formulation.
    arXiv:2001.08025 (the optbinning library).
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "variables": [None, list, tuple],
        "categorical": [None, list, tuple],
        "monotonic_trend": [None, Options(MONOTONIC_TRENDS), dict],
        "max_n_bins": [None, Interval(Integral, 2, None)],
        "min_bin_size": [None, Interval(Real, 0, 0.5, closed="right")],
        "special_codes": [None, list, tuple, dict],
        "user_splits": [None, dict],
        "unknown": [Options({"raise", "missing"})],
        "n_jobs": [None, Interval(Integral, -1, None)],
    }

    def __init__(
        self,
        variables: Sequence[str] | None = None,
        *,
        categorical: Sequence[str] | None = None,
        monotonic_trend: str | Mapping[str, str | None] | None = "auto",
        max_n_bins: int | None = None,
        min_bin_size: float | None = None,
        special_codes: Sequence[Any] | Mapping[str, Sequence[Any]] | None = None,
        user_splits: Mapping[str, Sequence[Any]] | None = None,
        unknown: str = "raise",
        n_jobs: int | None = None,
    ) -> None:
        self.variables = variables
        self.categorical = categorical
        self.monotonic_trend = monotonic_trend
        self.max_n_bins = max_n_bins
        self.min_bin_size = min_bin_size
        self.special_codes = special_codes
        self.user_splits = user_splits
        self.unknown = unknown
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit
    def _special_for(self, name: str) -> list[Any]:
        codes = self.special_codes
        if codes is None:
            return []
        if isinstance(codes, Mapping):
            return list(codes.get(name, []))
        return list(codes)

    def _trend_for(self, name: str) -> str | None:
        trend = self.monotonic_trend
        if isinstance(trend, Mapping):
            value = trend.get(name, "auto")
            if value is not None and value not in MONOTONIC_TRENDS:
                raise ParameterError(
                    f"monotonic_trend[{name!r}] must be one of {sorted(MONOTONIC_TRENDS)} or None, "
                    f"got {value!r}."
                )
            return value
        return trend

    def fit(self, X: Any, y: Any) -> WOEBinning:
        """Learn the bins of every characteristic from applications ``X`` and outcomes ``y``.

        Parameters
        ----------
        X : DataFrame
            One row per application, one column per characteristic.
        y : Series or array
            1 = bad (defaulted), 0 = good; a Series is aligned on ``X``'s index.

        Returns
        -------
        self
        """
        self._validate_params()
        X = check_applications(X)
        target = check_target(y, X.index)
        variables = list(self.variables) if self.variables is not None else list(X.columns)
        unknown_cols = [v for v in variables if v not in X.columns]
        if unknown_cols:
            raise ParameterError(
                f"variables {unknown_cols} are not columns of X. Available: "
                f"{list(map(str, X.columns))[:20]}. Fix: name existing columns in variables=."
            )
        forced = set(self.categorical or ())
        bad_forced = sorted(forced - set(X.columns))
        if bad_forced:
            raise ParameterError(f"categorical names columns {bad_forced} that X does not have.")
        user = dict(self.user_splits or {})
        bad_user = sorted(set(user) - set(variables))
        if bad_user:
            raise ParameterError(
                f"user_splits names {bad_user}, which are not among the variables binned. "
                "Fix: give splits only for columns of X listed in variables=."
            )
        for name in variables:
            if X[name].isna().all():
                raise bad_rows_error(
                    str(name), "no value at all (every row is missing)", X[name].head(), len(X),
                    f"drop the column (X.drop(columns={name!r})) or fill it; nothing can be learned.",
                )
        kinds = {v: "categorical" if (v in forced or is_categorical(X[v])) else "numerical"
                 for v in variables}
        optimal = [v for v in variables if v not in user]
        splits: dict[str, Any] = {}
        if optimal:
            splits.update(self._optimal_splits(X, target, optimal, kinds))
        for name, given in user.items():
            splits[name] = self._check_user_splits(name, given, kinds[name], X[name])
        self.variables_ = variables
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.bins_ = {}
        corrected: list[str] = []
        for name in variables:
            bins = self._make_bins(name, kinds[name], splits[name])
            idx = bins.index(X[name])
            unseen = idx < 0  # categorical groups from optbinning always cover training values
            if unseen.any():  # pragma: no cover - defensive
                raise DataError(f"internal: {int(unseen.sum())} training values of {name!r} not binned.")
            n_total = bins.n_bins + 2
            bins.good = np.bincount(idx[target == 0], minlength=n_total)
            bins.bad = np.bincount(idx[target == 1], minlength=n_total)
            bins.woe, bins.iv, fixed = _woe_iv(bins.good, bins.bad)
            corrected.extend(f"{name} {bins.labels[i]}" for i in fixed)
            self.bins_[name] = bins
        if corrected:
            warnings.warn(
                f"{len(corrected)} bin(s) hold only goods or only bads, so their WoE would be "
                f"infinite: {corrected[:5]}. 0.5 was added to the empty cell (Haldane-Anscombe). "
                "Fix: raise min_bin_size or merge the bin with a neighbour in user_splits.",
                DataWarning,
                stacklevel=2,
            )
        self.tables_ = {name: self._table(self.bins_[name]) for name in variables}
        iv = pd.Series({name: float(self.bins_[name].iv.sum()) for name in variables}, name="iv")
        self.iv_ = iv.sort_values(ascending=False, kind="stable")
        return self

    def _optimal_splits(self, X: pd.DataFrame, target: np.ndarray, variables: list[str],
                        kinds: dict[str, str]) -> dict[str, Any]:
        try:
            from optbinning import BinningProcess
        except ImportError as exc:  # pragma: no cover - optbinning is in the credit extra
            raise ImportError(
                "optimal binning needs optbinning. Fix: pip install 'crmmine[credit]', or give "
                "every variable's bins in user_splits=."
            ) from exc
        # optbinning wants text column names: every variable gets a positional alias, so that
        # integer or other non-text column names bin like any other (and cannot collide)
        alias = {v: f"v{i}" for i, v in enumerate(variables)}
        frame = pd.DataFrame(index=X.index)
        for v in variables:
            col = X[v]
            if kinds[v] == "categorical" and pd.api.types.is_bool_dtype(col):
                col = col.astype("object")
            frame[alias[v]] = col
        fit_params: dict[str, dict[str, Any]] = {}
        for v in variables:
            params: dict[str, Any] = {}
            if kinds[v] == "numerical":
                params["monotonic_trend"] = self._trend_for(v)
            fit_params[alias[v]] = params
            codes = self._special_for(v)
            if codes:
                params["special_codes"] = codes
        process = BinningProcess(
            variable_names=[alias[v] for v in variables],
            categorical_variables=[alias[v] for v in variables if kinds[v] == "categorical"],
            max_n_bins=self.max_n_bins,
            min_bin_size=self.min_bin_size,
            binning_fit_params=fit_params,
            n_jobs=self.n_jobs,
        )
        with threadpool_limits(limits=max(1, self.n_jobs or 1)), warnings.catch_warnings():
            warnings.filterwarnings("ignore", module="optbinning")  # pandas deprecations inside it
            process.fit(frame, target)
        out: dict[str, Any] = {}
        for v in variables:
            ob = process.get_binned_variable(alias[v])
            if kinds[v] == "numerical":
                out[v] = np.asarray(ob.splits, dtype="float64")
            else:
                out[v] = [list(np.asarray(group).tolist()) for group in ob.splits]
        return out

    @staticmethod
    def _check_user_splits(name: str, given: Any, kind: str, values: pd.Series) -> Any:
        if kind == "numerical":
            try:
                cuts = np.asarray(given, dtype="float64")
            except (TypeError, ValueError):
                raise ParameterError(
                    f"user_splits[{name!r}] must be a list of numbers for a numeric column, got "
                    f"{given!r}. Fix: e.g. user_splits={{{name!r}: [12, 24, 36]}}."
                ) from None
            if cuts.ndim != 1 or not np.all(np.isfinite(cuts)) or np.any(np.diff(cuts) <= 0):
                raise ParameterError(
                    f"user_splits[{name!r}] must be finite, strictly increasing cut points; got "
                    f"{given!r}."
                )
            return cuts
        groups = [list(g) if isinstance(g, list | tuple | set | np.ndarray | pd.Index) else [g]
                  for g in given]
        seen = [c for g in groups for c in g]
        if len(seen) != len(set(seen)):
            raise ParameterError(f"user_splits[{name!r}] puts a category in two groups.")
        present = pd.unique(values.dropna())
        uncovered = [c for c in present if c not in set(seen)]
        if uncovered:
            raise ParameterError(
                f"user_splits[{name!r}] leaves categories {uncovered[:5]} of the training data "
                f"out of every group ({len(uncovered)} in all). Fix: put each category in a group."
            )
        return groups

    def _make_bins(self, name: str, kind: str, splits: Any) -> _Bins:
        special = self._special_for(name)
        if kind == "numerical":
            labels = [*_numeric_labels(splits), "Special", "Missing"]
            return _Bins(name, kind, splits, None, special, labels, *(np.zeros(0),) * 4)
        labels = [", ".join(map(str, g)) for g in splits] + ["Special", "Missing"]
        return _Bins(name, kind, None, splits, special, labels, *(np.zeros(0),) * 4)

    @staticmethod
    def _table(bins: _Bins) -> pd.DataFrame:
        count = bins.good + bins.bad
        with np.errstate(invalid="ignore", divide="ignore"):
            bad_rate = np.where(count > 0, bins.bad / np.maximum(count, 1), np.nan)
        return pd.DataFrame(
            {
                "bin": bins.labels,
                "count": count.astype(np.int64),
                "count_share": count / count.sum(),
                "good": bins.good.astype(np.int64),
                "bad": bins.bad.astype(np.int64),
                "bad_rate": bad_rate,
                "woe": bins.woe,
                "iv": bins.iv,
            }
        )

    # ------------------------------------------------------------ transform
    def _indices(self, X: pd.DataFrame) -> dict[str, np.ndarray]:
        out = {}
        for name in self.variables_:
            bins = self.bins_[name]
            idx = bins.index(X[name])
            unseen = idx < 0
            if unseen.any():
                if self.unknown == "raise":
                    raise bad_rows_error(
                        str(name), "categories never seen in training", X.loc[unseen, name],
                        int(unseen.sum()),
                        "refit on data that has them, add them to a group in user_splits, or pass "
                        "unknown='missing' to score them in the Missing bin.",
                    )
                idx[unseen] = bins.n_bins + 1
            out[name] = idx
        return out

    def transform(self, X: Any) -> pd.DataFrame:
        """The WoE of each application's bin, one column per characteristic (index kept)."""
        self._check_fitted()
        X = check_applications(X, variables=self.variables_)
        indices = self._indices(X)
        return pd.DataFrame({name: self.bins_[name].woe[indices[name]] for name in self.variables_},
                            index=X.index)

    def bin_labels(self, X: Any) -> pd.DataFrame:
        """The label of each application's bin, one column per characteristic."""
        self._check_fitted()
        X = check_applications(X, variables=self.variables_)
        indices = self._indices(X)
        return pd.DataFrame(
            {name: np.asarray(self.bins_[name].labels, dtype=object)[indices[name]]
             for name in self.variables_},
            index=X.index,
        )

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """Names of the WoE columns (the binned characteristics)."""
        self._check_fitted()
        return np.asarray(self.variables_, dtype=object)

    # -------------------------------------------------------------- results
    def iv_table(self) -> pd.DataFrame:
        """Information value, strength band and number of ordinary bins per characteristic."""
        self._check_fitted()
        frame = self.iv_.to_frame()
        frame["strength"] = iv_strength(self.iv_)
        frame["n_bins"] = [self.bins_[v].n_bins for v in self.iv_.index]
        frame.index.name = "variable"
        return frame

    def plot(self, variable: str, ax: Any = None) -> Any:
        """Share of applications (bars) and bad rate (line) per bin of ``variable``."""
        self._check_fitted()
        if variable not in self.tables_:
            raise ParameterError(f"{variable!r} was not binned; binned: {self.variables_[:10]}.")
        import matplotlib.pyplot as plt

        table = self.tables_[variable]
        table = table[table["count"] > 0]
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        pos = np.arange(len(table))
        ax.bar(pos, table["count_share"], color="#9ecae1")
        ax.set_xticks(pos, table["bin"], rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("share of applications")
        twin = ax.twinx()
        twin.plot(pos, table["bad_rate"], color="#c0392b", marker="o")
        twin.set_ylabel("bad rate")
        ax.set_title(f"{variable} (IV {self.iv_[variable]:.3f})")
        return ax
