"""The frequent-itemsets result: itemsets, their exact counts and the encoding rules are built from.

:class:`FrequentItemsets` is what :func:`~crmmine.association.frequent_itemsets`
returns, whichever engine mined it (the compiled Eclat engine or Spark's
FPGrowth). It holds the itemsets as integer codes (the encoding that
:func:`~crmmine.association.association_rules` reads directly, so no support is
ever looked up twice) and builds the table of frozensets only when asked
(:meth:`FrequentItemsets.to_frame`). Nothing it computes is kept in
``DataFrame.attrs``.

This module also holds the pieces both engines share: the minimum count of a
relative support (:func:`min_count_for`) and the closed/maximal filter.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from crmmine._results import Result
from crmmine.association._encoded import EncodedItemsets
from crmmine.association._missing import MissingCells
from crmmine.errors import CRMMineError, CRMMineWarning, ParameterError

__all__ = [
    "FrequentItemsets",
    "LargeOutputWarning",
    "OutputTooLargeError",
    "build_frequent_itemsets",
    "closed_maximal_flags",
    "min_count_for",
]

#: Rough bytes per row of the itemset DataFrame (frozenset, ints, floats, index).
_BYTES_PER_ROW = 270
_BYTES_PER_ITEM = 16
UNITS = ("order", "customer", "basket", "row")


class LargeOutputWarning(CRMMineWarning):
    """The table asked for is large enough to strain memory."""


class OutputTooLargeError(CRMMineError, MemoryError):
    """Mining stopped because the number of itemsets passed ``max_itemsets``."""


def min_count_for(min_support: float, n_transactions: int) -> int:
    """Smallest count that meets a relative minimum support: ``ceil(s * N)``, at least 1.

    The product is computed exactly on the decimal value of ``s`` so that, for
    instance, ``0.1 * 30`` gives 3 and not 4.

    Parameters
    ----------
    min_support : float
        Relative minimum support, in (0, 1].
    n_transactions : int
        Number of baskets.

    Returns
    -------
    int
        The least number of baskets an itemset must be in.

    See Also
    --------
    frequent_itemsets : applies this threshold (``min_count=`` overrides it).

    Examples
    --------
    >>> min_count_for(0.001, 9835)
    10
    >>> min_count_for(0.1, 30)
    3

    References
    ----------
    Hahsler, M., Gruen, B., Hornik, K. (2005). arules - a computational
    environment for mining association rules and frequent item sets. Journal
    of Statistical Software 14(15).
    """
    if isinstance(min_support, bool) or not isinstance(min_support, (int, float, np.floating, np.integer)):
        raise ParameterError(f"parameter 'min_support' must be a number in (0, 1], got {min_support!r}.")
    if not 0 < float(min_support) <= 1:
        raise ParameterError(
            f"parameter 'min_support' must be a fraction in (0, 1], got {min_support!r}. "
            "Fix: pass e.g. min_support=0.01, or an absolute count with min_count=..."
        )
    return max(1, math.ceil(Fraction(repr(float(min_support))) * n_transactions))


def closed_maximal_flags(enc: EncodedItemsets) -> tuple[np.ndarray, np.ndarray]:
    """Boolean arrays (closed, maximal) for a downward-closed collection of itemsets.

    An itemset is closed when no superset in the collection has the same
    count, maximal when no superset is in the collection; checking the
    supersets one item longer suffices (support is anti-monotone).
    """
    lengths = enc.lengths
    sub_hash = np.repeat(enc.hashes, lengths) ^ enc.keys[enc.items]
    owner = np.repeat(np.arange(enc.n), lengths)
    long = np.repeat(lengths >= 2, lengths)
    sub_hash, owner = sub_hash[long], owner[long]
    idx = enc.lookup(sub_hash, lengths[owner] - 1)
    ok = idx >= 0
    idx, owner = idx[ok], owner[ok]
    maximal = np.ones(enc.n, bool)
    maximal[idx] = False
    closed = np.ones(enc.n, bool)
    closed[idx[enc.counts[idx] == enc.counts[owner]]] = False
    return closed, maximal


@dataclass(repr=False, eq=False)
class FrequentItemsets(Result):
    """Frequent itemsets with exact support counts, and the encoding rules are generated from.

    Returned by :func:`frequent_itemsets`; the fields below are its attributes.

    Parameters
    ----------
    encoding : EncodedItemsets
        The itemsets as sorted integer item codes (CSR layout) with counts and
        subset-lookup hashes; :func:`association_rules` reads it directly.
    n_transactions : int
        Number of baskets mined (empty ones included).
    min_count : int
        Minimum count an itemset needed (``ceil(min_support * n_transactions)``).
    unit : str
        What a basket is: ``"order"``, ``"customer"``, ``"basket"`` (list input)
        or ``"row"`` (one-hot input).
    kind : str
        ``"all"``, ``"closed"`` or ``"maximal"``.
    item_counts : ndarray
        Number of baskets holding each item code (for all-confidence).
    missing : MissingCells or None
        For one-hot input with missing values: which cells were missing
        (see :func:`frequent_itemsets`); ``None`` otherwise.
    observed : ndarray or None
        With missing values: for each itemset, the number of baskets where
        none of its items is missing (the denominator of its support).
    memory_limit : float
        Bytes above which :meth:`to_frame` warns before building the table.

    See Also
    --------
    frequent_itemsets : builds it.
    association_rules : rules A => C from the itemsets.

    Examples
    --------
    >>> from crmmine.association import frequent_itemsets
    >>> fi = frequent_itemsets([["tea", "mug"], ["tea"], ["tea", "mug", "cake"]], min_count=2)
    >>> fi
    FrequentItemsets(itemsets=3, n_transactions=3, min_count=2, unit='basket', kind='all')
    >>> fi.to_frame()[["support_count", "length"]].values.tolist()
    [[3, 1], [2, 1], [2, 2]]
    >>> len(fi)
    3
    """

    encoding: EncodedItemsets
    n_transactions: int
    min_count: int
    unit: str
    kind: str = "all"
    item_counts: np.ndarray | None = None
    missing: MissingCells | None = None
    observed: np.ndarray | None = None
    memory_limit: float = 2e9
    _frame: pd.DataFrame | None = field(default=None, init=False)

    def __len__(self) -> int:
        return self.encoding.n

    @property
    def support(self) -> np.ndarray:
        """Support of each itemset (a fraction of baskets; with missing values, of the baskets
        where all its items are observed)."""
        denom = self.observed if self.observed is not None else self.n_transactions
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.encoding.counts / denom

    def all_confidence(self) -> np.ndarray:
        """All-confidence of each itemset: its support over the largest support of its items.

        For a single item arules reports the item's support; crmmine does the
        same so that the two agree (Omiecinski 2003; arules ``interestMeasure``).
        """
        enc = self.encoding
        if self.item_counts is None or enc.n == 0:
            return np.full(enc.n, np.nan)
        top = np.maximum.reduceat(self.item_counts[enc.items], enc.ptr[:-1]) if len(enc.items) else \
            np.zeros(0, np.int64)
        out = enc.counts / top
        single = enc.lengths == 1
        out[single] = enc.counts[single] / self.n_transactions
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per itemset: ``itemset`` (frozenset), ``support_count``, ``support``,
        ``length`` and ``all_confidence`` (plus ``observed`` with missing values); sorted by
        length, then decreasing count.

        Raises :class:`LargeOutputWarning` (a warning) first when the table would need more
        than ``memory_limit`` bytes.
        """
        if self._frame is None:
            enc = self.encoding
            estimate = enc.n * _BYTES_PER_ROW + len(enc.items) * _BYTES_PER_ITEM
            if estimate > self.memory_limit:
                warnings.warn(
                    f"{enc.n:,} itemsets: the DataFrame of frozensets needs about {estimate / 1e9:.1f} GB. "
                    "Raise min_support, set max_len, use kind='closed' or 'maximal', or raise "
                    "memory_limit to silence this warning.", LargeOutputWarning, stacklevel=2)
            cols: dict[str, Any] = {
                "itemset": pd.Series(enc.frozensets(), dtype=object),
                "support_count": enc.counts.astype(np.int64),
                "support": self.support,
                "length": enc.lengths.astype(np.int64),
                "all_confidence": self.all_confidence(),
            }
            if self.observed is not None:
                cols["observed"] = self.observed.astype(np.int64)
            self._frame = pd.DataFrame(cols)
        return self._frame.copy(deep=False)

    def summary(self) -> pd.DataFrame:
        """Itemsets per length with their largest and median support."""
        lengths = self.encoding.lengths
        support = self.support
        rows = []
        for k in np.unique(lengths):
            s = support[lengths == k]
            rows.append({"length": int(k), "itemsets": len(s), "max_support": float(s.max()),
                         "median_support": float(np.median(s))})
        return pd.DataFrame(rows, columns=["length", "itemsets", "max_support", "median_support"])

    def _repr_items(self) -> dict[str, Any]:
        return {"itemsets": len(self), "n_transactions": int(self.n_transactions),
                "min_count": int(self.min_count), "unit": self.unit, "kind": self.kind}

    def plot(self, ax: Any = None, top_n: int = 15, min_length: int = 2, **kwargs: Any) -> Any:
        """Bar chart of the ``top_n`` itemsets with at least ``min_length`` items, by support."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        enc = self.encoding
        rows = np.flatnonzero(enc.lengths >= min_length)
        rows = rows[np.argsort(-self.support[rows], kind="stable")[:top_n]]
        sub = enc.take(rows)
        labels = [", ".join(sorted(map(str, s))) for s in sub.frozensets()]
        ax.barh(labels[::-1], self.support[rows][::-1], **kwargs)
        ax.set_xlabel(f"support (share of {self.unit}s)")
        ax.set_title(f"Top {len(rows)} itemsets of {min_length}+ items")
        return ax


def build_frequent_itemsets(
    enc: EncodedItemsets,
    *,
    min_count: int,
    unit: str,
    kind: str = "all",
    item_counts: np.ndarray | None = None,
    missing: MissingCells | None = None,
    observed: np.ndarray | None = None,
    memory_limit: float = 2e9,
) -> FrequentItemsets:
    """Filter (closed/maximal), sort (by length, then decreasing count) and wrap encoded itemsets."""
    if kind != "all":
        closed, maximal = closed_maximal_flags(enc)
        keep = np.flatnonzero(closed if kind == "closed" else maximal)
        enc = enc.take(keep)
        observed = observed[keep] if observed is not None else None
    lengths = enc.lengths
    order = np.lexsort((-enc.counts, lengths))
    if not np.array_equal(order, np.arange(enc.n)):
        enc = enc.take(order)
        observed = observed[order] if observed is not None else None
    return FrequentItemsets(encoding=enc, n_transactions=int(enc.n_transactions), min_count=int(min_count),
                            unit=unit, kind=kind, item_counts=item_counts, missing=missing,
                            observed=observed, memory_limit=memory_limit)
