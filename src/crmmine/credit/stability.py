"""Population stability index between a development sample and a recent one.

``PSI = sum over bins of (actual share - expected share) * ln(actual share / expected share)``.
Usual reading (Siddiqi 2006): below 0.1 no significant shift, 0.1 to 0.25 a moderate shift
worth a look, 0.25 or more a significant shift (the scorecard may need rebuilding). A bin
empty in one sample would make the index infinite: its count is replaced by 0.5 there, and
the result lists those bins in ``corrected``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine.credit._checks import check_applications
from crmmine.credit.binning import WOEBinning
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["PSI_BANDS", "StabilityResult", "characteristic_stability", "population_stability", "psi_band"]

#: (upper bound, reading) of the population stability index (Siddiqi 2006, ch. 8).
PSI_BANDS: tuple[tuple[float, str], ...] = (
    (0.1, "stable"),
    (0.25, "moderate shift"),
    (np.inf, "significant shift"),
)


def psi_band(psi: float) -> str:
    """Reading of a population stability index.

    Parameters
    ----------
    psi : float
        A population stability index.

    Returns
    -------
    str
        ``"stable"`` (below 0.1), ``"moderate shift"`` (0.1 to 0.25) or
        ``"significant shift"`` (0.25 and above).

    See Also
    --------
    PSI_BANDS : the band limits.
    population_stability : computes the index.

    Examples
    --------
    >>> psi_band(0.05), psi_band(0.1), psi_band(0.3)
    ('stable', 'moderate shift', 'significant shift')
    """
    if not (isinstance(psi, Real) and math.isfinite(psi) and psi >= 0):
        raise ParameterError(f"psi_band(): a population stability index is a finite number >= 0, got "
                             f"{psi!r}. Fix: pass population_stability(...).psi.")
    for upper, label in PSI_BANDS:
        if psi < upper:
            return label
    return PSI_BANDS[-1][1]


@dataclass(repr=False)
class StabilityResult(Result):
    """Population stability index with its table of bins.

    Returned by :func:`population_stability`; the fields below are its attributes.

    Parameters
    ----------
    psi : float
        The index, summed over the bins.
    band : str
        ``"stable"``, ``"moderate shift"`` or ``"significant shift"``.
    table : DataFrame
        ``bin, expected, actual, expected_share, actual_share, psi`` per bin.
    corrected : list of str
        Bins empty in one sample (count replaced by 0.5 there).

    See Also
    --------
    population_stability : builds it.
    characteristic_stability : the index of every characteristic on a scorecard's bins.

    Examples
    --------
    >>> res = population_stability(["a", "a", "b", "b"], ["a", "b", "b", "c"])
    >>> res.table[["bin", "expected", "actual"]].values.tolist()
    [['a', 2, 1], ['b', 2, 2], ['c', 0, 1]]
    >>> round(res.psi, 3), res.band, res.corrected
    (0.231, 'moderate shift', ['c'])
    """

    psi: float
    band: str
    table: pd.DataFrame
    corrected: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame({"psi": [self.psi], "band": [self.band], "bins": [len(self.table)],
                             "corrected_bins": [len(self.corrected)]})

    def _repr_items(self) -> dict[str, Any]:
        return {"psi": self.psi, "band": self.band}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Expected and actual shares per bin, side by side."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        pos = np.arange(len(self.table))
        ax.bar(pos - 0.2, self.table["expected_share"], width=0.4, label="expected", color="#9ecae1")
        ax.bar(pos + 0.2, self.table["actual_share"], width=0.4, label="actual", color="#fd8d3c")
        ax.set_xticks(pos, self.table["bin"].astype(str), rotation=30, ha="right", fontsize=8)
        ax.set_ylabel("share")
        ax.set_title(f"PSI {self.psi:.3f} ({self.band})")
        ax.legend()
        return ax


def _psi_from_counts(labels: list[str], expected: np.ndarray, actual: np.ndarray) -> StabilityResult:
    keep = (expected + actual) > 0
    labels = [lab for lab, k in zip(labels, keep) if k]
    e, a = expected[keep].astype("float64"), actual[keep].astype("float64")
    corrected = [lab for lab, x, z in zip(labels, e, a) if x == 0 or z == 0]
    e_c, a_c = np.where(e == 0, 0.5, e), np.where(a == 0, 0.5, a)
    pe, pa = e_c / e_c.sum(), a_c / a_c.sum()
    contrib = (pa - pe) * np.log(pa / pe)
    table = pd.DataFrame({"bin": labels, "expected": e.astype(np.int64), "actual": a.astype(np.int64),
                          "expected_share": e / e.sum(), "actual_share": a / a.sum(), "psi": contrib})
    total = float(contrib.sum())
    return StabilityResult(psi=total, band=psi_band(total), table=table, corrected=corrected)


def _as_series(values: Any, name: str) -> pd.Series:
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise ParameterError(f"{name} must be one column; got {values.shape[1]}. Fix: pass a Series.")
        values = values.iloc[:, 0]
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values))
    if len(series) == 0:
        raise DataError(f"{name} is empty. Fix: pass the scores (or values) of at least one application.")
    return series


@validate_params({"bins": [Interval(Integral, 2, None), "array-like"]})
def population_stability(expected: Any, actual: Any, *, bins: int | Sequence[float] = 10
                         ) -> StabilityResult:
    """Population stability index of a score or characteristic between two samples.

    Parameters
    ----------
    expected : Series or array
        Values in the development (reference) sample, e.g. its points.
    actual : Series or array
        Values in the recent sample.
    bins : int or sequence of float, default 10
        Numbers: that many bins at the quantiles of ``expected`` (tied edges merged), or the
        given edges. Text or categorical values are compared category by category. Missing
        values form their own bin.

    Returns
    -------
    StabilityResult
        ``psi``, its ``band`` and the table of bins (``to_frame()``): counts and shares of
        both samples and each bin's contribution.

    See Also
    --------
    characteristic_stability : the same for every characteristic of a fitted binning.
    psi_band : the reading of an index.
    Scorecard.points : the score whose stability is usually watched.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> dev = rng.normal(600, 40, 20_000)
    >>> round(population_stability(dev, rng.normal(600, 40, 20_000)).psi, 3)
    0.001
    >>> population_stability(dev, rng.normal(630, 40, 20_000)).band
    'significant shift'

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards*. Wiley, ch. 8 (system stability report).
    Yurdakul, B. (2018). Statistical properties of population stability index. PhD thesis,
    Western Michigan University.
    """
    e = _as_series(expected, "expected")
    a = _as_series(actual, "actual")
    numeric = pd.api.types.is_numeric_dtype(e) and not pd.api.types.is_bool_dtype(e)
    if numeric != (pd.api.types.is_numeric_dtype(a) and not pd.api.types.is_bool_dtype(a)):
        raise ParameterError("expected and actual must both be numbers or both be categories.")
    if not numeric:
        cats = pd.Index(pd.unique(pd.concat([e.dropna(), a.dropna()]).astype(str)))
        ec = e.dropna().astype(str).value_counts().reindex(cats, fill_value=0).to_numpy()
        ac = a.dropna().astype(str).value_counts().reindex(cats, fill_value=0).to_numpy()
        labels = [*cats.tolist(), "Missing"]
        return _psi_from_counts(labels, np.r_[ec, e.isna().sum()], np.r_[ac, a.isna().sum()])
    ev = e.to_numpy(dtype="float64", na_value=np.nan)
    av = a.to_numpy(dtype="float64", na_value=np.nan)
    for name, values, series in (("expected", ev, e), ("actual", av, a)):
        inf = np.isinf(values)
        if inf.any():
            raise bad_rows_error(name, "infinite values", series[inf], int(inf.sum()),
                                 "replace them with NaN (their own bin) or a finite value.")
    if isinstance(bins, Integral):
        finite = ev[~np.isnan(ev)]
        if finite.size == 0:
            raise DataError("expected has no value, only missing ones: no bins can be drawn.")
        inner = np.unique(np.quantile(finite, np.linspace(0, 1, int(bins) + 1)[1:-1]))
    else:
        inner = np.asarray(bins, dtype="float64")
        if np.isnan(inner).any():
            raise ParameterError(
                f"parameter 'bins' has missing edges ({bins!r}). Fix: give numbers (the outer bins "
                "reach to -inf and +inf anyway), or an integer for quantile bins."
            )
        inner = inner[np.isfinite(inner)]  # +-inf edges add nothing: the outer bins are open
        if np.any(np.diff(inner) <= 0):
            raise ParameterError("bins edges must be strictly increasing.")
    edges = np.r_[-np.inf, inner, np.inf]
    labels = [f"[{lo:g}, {hi:g})" for lo, hi in pairwise(edges)] + ["Missing"]
    n = len(edges) - 1

    def counts(values: np.ndarray) -> np.ndarray:
        missing = np.isnan(values)
        idx = np.digitize(values[~missing], inner, right=False)
        return np.r_[np.bincount(idx, minlength=n), missing.sum()]

    return _psi_from_counts(labels, counts(ev), counts(av))


def characteristic_stability(binning: WOEBinning, expected: Any, actual: Any) -> pd.DataFrame:
    """PSI of every binned characteristic between two samples, on the scorecard's own bins.

    Parameters
    ----------
    binning : WOEBinning
        Fitted; its bins (Special and Missing included) are the PSI bins.
    expected : DataFrame
        Applications of the development (reference) sample.
    actual : DataFrame
        Applications of the recent sample, with the same characteristics.

    Returns
    -------
    DataFrame
        ``psi, band, corrected_bins`` per characteristic, largest shift first.

    See Also
    --------
    population_stability : the index of one score or characteristic, with its table.
    WOEBinning : the bins used.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"debt": rng.uniform(size=4000), "age": rng.integers(20, 70, 4000)})
    >>> y = pd.Series((rng.uniform(size=4000) < 0.1 + 0.3 * X["debt"]).astype(int))
    >>> binning = WOEBinning().fit(X, y)
    >>> recent = X.assign(debt=X["debt"] ** 0.5)
    >>> characteristic_stability(binning, X, recent)["band"].to_dict()
    {'debt': 'significant shift', 'age': 'stable'}
    """
    binning._check_fitted()
    e = check_applications(expected, what="expected", variables=binning.variables_)
    a = check_applications(actual, what="actual", variables=binning.variables_)
    ie, ia = binning._indices(e), binning._indices(a)
    rows = {}
    for name in binning.variables_:
        bins = binning.bins_[name]
        n_total = bins.n_bins + 2
        res = _psi_from_counts(list(bins.labels), np.bincount(ie[name], minlength=n_total),
                               np.bincount(ia[name], minlength=n_total))
        rows[name] = {"psi": res.psi, "band": res.band, "corrected_bins": len(res.corrected)}
    out = pd.DataFrame.from_dict(rows, orient="index").sort_values("psi", ascending=False)
    out.index.name = "variable"
    return out
