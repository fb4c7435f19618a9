"""RFM scores: recency, frequency and monetary value on a 1..bins scale."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError, bad_rows_error

__all__ = ["RFMScorer", "rfm_scores"]

_DIMENSIONS = ("R", "F", "M")


def _rank_scores(values: np.ndarray, bins: int) -> np.ndarray:
    """Equal-sized groups: order by value, ties broken by position (the summary's index order)."""
    n = values.shape[0]
    order = np.argsort(values, kind="stable")
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = np.arange(n)
    return (ranks * bins // max(n, 1) + 1).astype(np.int64)


def _edges_from_quantiles(values: np.ndarray, bins: int) -> np.ndarray:
    return np.quantile(values, np.arange(1, bins) / bins, method="linear")


def _scores_from_edges(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    return (np.searchsorted(edges, values, side="right") + 1).astype(np.int64)


class RFMScorer:
    """Learn RFM score boundaries on one customer base and apply them to others.

    Parameters
    ----------
    bins : int, default 5
        Number of score levels (5 gives scores 1..5, 5 best).
    method : {"rank", "edges"}, default "rank"
        ``"rank"``: equal-sized groups. Customers are ordered by the value and ties are broken
        by their position in the summary (its index order, which ``customer_summary`` sorts by
        customer id), so tied customers may land in different scores but every score holds
        ``n / bins`` customers (plus or minus one). ``"edges"``: boundaries at the
        ``1/bins, 2/bins, ...`` quantiles; tied customers always share a score, so groups
        become unequal when many customers share a value (and a score can be empty). Either way
        the group sizes are reported in ``group_sizes_`` and in ``attrs`` of the result:
        nothing is merged silently.
    recency, frequency, monetary : str
        Summary columns. Recency defaults to ``since_last`` (time since the last purchase at
        the summary's ``as_of``), reversed so that recent customers score high; frequency to
        ``orders`` (all purchases, the first included); monetary to ``monetary`` (total spend).

    Attributes
    ----------
    edges_ : dict
        Per dimension, the value boundaries between consecutive scores (for ``"rank"``, the
        values at the cut positions), used by :meth:`transform` on new customers.
    group_sizes_ : pandas.DataFrame
        Customers per score and dimension on the fitted data.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"since_last": [1, 5, 9, 30, 60], "orders": [9, 4, 3, 2, 1],
    ...                   "monetary": [900.0, 300.0, 150.0, 40.0, 10.0]})
    >>> scorer = RFMScorer(bins=5).fit(s)
    >>> scorer.transform(s)["rfm_code"].tolist()
    ['555', '444', '333', '222', '111']

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    """

    def __init__(
        self,
        bins: int = 5,
        method: str = "rank",
        *,
        recency: str = "since_last",
        frequency: str = "orders",
        monetary: str = "monetary",
    ) -> None:
        self.bins = bins
        self.method = method
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary

    def _values(self, summary: pd.DataFrame) -> dict[str, np.ndarray]:
        if not isinstance(summary, pd.DataFrame):
            raise ParameterError(f"expected a customer summary DataFrame, got {type(summary).__name__}")
        cols = {"R": self.recency, "F": self.frequency, "M": self.monetary}
        require_columns(summary.columns, list(cols.values()), role="customer summary")
        out = {}
        for dim, col in cols.items():
            values = pd.to_numeric(summary[col], errors="coerce").to_numpy(dtype="float64")
            bad = ~np.isfinite(values)
            if bad.any():
                raise bad_rows_error(
                    col,
                    "missing or non-numeric values",
                    summary.loc[bad, [col]],
                    int(bad.sum()),
                    "fill or drop those customers before scoring",
                )
            # recency is reversed: a small time since the last purchase is good
            out[dim] = -values if dim == "R" else values
        return out

    def fit(self, summary: pd.DataFrame) -> RFMScorer:
        """Learn the score boundaries from ``summary``."""
        if not isinstance(self.bins, int | np.integer) or self.bins < 2:
            raise ParameterError(f"bins must be an integer >= 2, got {self.bins!r}")
        if self.method not in ("rank", "edges"):
            raise ParameterError(f"method must be 'rank' or 'edges', got {self.method!r}")
        values = self._values(summary)
        if len(summary) == 0:
            raise ParameterError("cannot learn RFM scores from an empty summary")
        self.edges_: dict[str, np.ndarray] = {}
        scores = {}
        for dim, v in values.items():
            if self.method == "rank":
                s = _rank_scores(v, self.bins)
                ordered = np.sort(v)
                cut_pos = (np.arange(1, self.bins) * len(v) + self.bins - 1) // self.bins
                self.edges_[dim] = ordered[np.minimum(cut_pos, len(v) - 1)]
            else:
                self.edges_[dim] = _edges_from_quantiles(v, self.bins)
                s = _scores_from_edges(v, self.edges_[dim])
            scores[dim] = s
        self._fitted_scores = scores
        self.group_sizes_ = pd.DataFrame(
            {d: np.bincount(s, minlength=self.bins + 1)[1:] for d, s in scores.items()},
            index=pd.RangeIndex(1, self.bins + 1, name="score"),
        )
        return self

    def _frame(self, index: pd.Index, scores: dict[str, np.ndarray]) -> pd.DataFrame:
        out = pd.DataFrame({d: scores[d] for d in _DIMENSIONS}, index=index)
        out["rfm_code"] = (
            out["R"].astype(str) + out["F"].astype(str) + out["M"].astype(str)
            if self.bins < 10
            else out["R"].astype(str) + "-" + out["F"].astype(str) + "-" + out["M"].astype(str)
        )
        out["rfm_score"] = out["R"] + out["F"] + out["M"]
        sizes = pd.DataFrame(
            {d: np.bincount(scores[d], minlength=self.bins + 1)[1:] for d in _DIMENSIONS},
            index=pd.RangeIndex(1, self.bins + 1, name="score"),
        )
        notes = []
        for d in _DIMENSIONS:
            counts = sizes[d]
            if (counts == 0).any():
                notes.append(
                    f"{d}: scores {counts.index[counts == 0].tolist()} are empty (tied values "
                    "straddle the boundaries); use method='rank' for equal groups"
                )
            elif counts.max() - counts.min() > 1:
                notes.append(
                    f"{d}: groups are unequal ({counts.min():,} to {counts.max():,} customers) "
                    "because tied customers share a score"
                )
        out.attrs["group_sizes"] = sizes
        out.attrs["notes"] = notes
        out.attrs["method"] = self.method
        return out

    def transform(self, summary: pd.DataFrame) -> pd.DataFrame:
        """Score customers on the fitted boundaries.

        New customers are placed by the learned value boundaries, so a score means the same
        thing on both bases (for ``"rank"`` the boundaries are the values at the fitted cut
        positions; ties with a boundary value go to the higher score).

        Returns
        -------
        pandas.DataFrame
            ``R``, ``F``, ``M`` (1..bins, higher is better), ``rfm_code`` (e.g. ``"545"``) and
            ``rfm_score`` (R + F + M), indexed like ``summary``; ``attrs`` carries the group
            sizes and notes on unequal or empty groups.
        """
        if not hasattr(self, "edges_"):
            raise ParameterError("RFMScorer is not fitted: call fit(summary) first")
        values = self._values(summary)
        scores = {d: _scores_from_edges(values[d], self.edges_[d]) for d in _DIMENSIONS}
        return self._frame(summary.index, scores)

    def fit_transform(self, summary: pd.DataFrame) -> pd.DataFrame:
        """Fit and score the same customers (rank scores keep their equal group sizes)."""
        self.fit(summary)
        return self._frame(summary.index, self._fitted_scores)


def rfm_scores(
    summary: pd.DataFrame,
    bins: int = 5,
    method: str = "rank",
    *,
    recency: str = "since_last",
    frequency: str = "orders",
    monetary: str = "monetary",
) -> pd.DataFrame:
    """R, F and M scores of every customer in a summary.

    A shortcut for ``RFMScorer(bins, method, ...).fit_transform(summary)``; see
    :class:`RFMScorer` for the tie rules of ``"rank"`` and ``"edges"``.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"since_last": [3, 40, 8, 90], "orders": [5, 1, 2, 1],
    ...                   "monetary": [500.0, 20.0, 80.0, 15.0]}, index=[11, 12, 13, 14])
    >>> rfm_scores(s, bins=4)[["R", "F", "M"]].to_numpy().tolist()
    [[4, 4, 4], [2, 1, 2], [3, 3, 3], [1, 2, 1]]

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    """
    return RFMScorer(bins, method, recency=recency, frequency=frequency, monetary=monetary).fit_transform(
        summary
    )
