"""Frequent itemsets (all, closed, maximal) mined with a compiled Eclat engine."""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd

from crmmine.association._encoded import EncodedItemsets
from crmmine.association.baskets import Baskets, make_baskets
from crmmine.data.columns import Columns
from crmmine.errors import CRMMineError, ParameterError

__all__ = [
    "LargeOutputWarning",
    "OutputTooLargeError",
    "frequent_itemsets",
    "min_count_for",
]

_KINDS = ("all", "closed", "maximal")
#: Rough bytes per row of the itemset DataFrame (frozenset, ints, float, index).
_BYTES_PER_ROW = 260
_BYTES_PER_ITEM = 16


class LargeOutputWarning(UserWarning):
    """The mined output is large enough to strain memory."""


class OutputTooLargeError(CRMMineError, MemoryError):
    """Mining stopped because the number of itemsets passed ``max_itemsets``."""


def min_count_for(min_support: float, n_transactions: int) -> int:
    """Smallest count that meets a relative minimum support: ``ceil(s * N)``, at least 1.

    The product is computed exactly on the decimal value of ``s`` so that, for
    instance, ``0.1 * 30`` gives 3 and not 4.

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
        raise ParameterError(f"min_support must be a number in (0, 1], got {min_support!r}.")
    if not 0 < float(min_support) <= 1:
        raise ParameterError(
            f"min_support must be a fraction in (0, 1], got {min_support!r}. "
            "Fix: pass e.g. min_support=0.01, or an absolute count with min_count=..."
        )
    return max(1, math.ceil(Fraction(repr(float(min_support))) * n_transactions))


def _is_spark(data: Any) -> bool:
    mod = type(data).__module__
    return mod.startswith("pyspark.") and type(data).__name__ == "DataFrame"


def mine_encoded(baskets: Baskets, min_count: int, max_len: int | None,
                 max_itemsets: int) -> EncodedItemsets:
    """Run the Eclat kernel on baskets; returns all frequent itemsets encoded."""
    from crmmine.association._kernels import eclat, tree_to_csr

    n = baskets.n_baskets
    counts_all = baskets.item_counts()
    freq_codes = np.flatnonzero(counts_all >= min_count)
    # mining order: ascending support (small tid-lists first keeps classes small)
    freq_codes = freq_codes[np.argsort(counts_all[freq_codes], kind="stable")]
    m = len(freq_codes)
    rank = np.full(baskets.n_items, -1, np.int64)
    rank[freq_codes] = np.arange(m)
    rows = np.repeat(np.arange(n, dtype=np.int64), baskets.sizes())
    r = rank[baskets.indices]
    keep = r >= 0
    rows, r = rows[keep], r[keep]
    # baskets with fewer than two frequent items never support a pair: leave them out
    multi = np.bincount(rows, minlength=n) >= 2
    keep = multi[rows]
    rows, r = rows[keep], r[keep]
    renum = np.cumsum(multi) - 1
    rows = renum[rows]
    n_multi = int(multi.sum())
    # horizontal layout: ranks in decreasing order within each basket (sort one int64 key)
    hkey = np.sort(rows * m + (m - 1 - r))
    bitems = (m - 1 - hkey % m).astype(np.int32)
    bptr = np.zeros(n_multi + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n_multi), out=bptr[1:])
    # vertical layout: sorted basket numbers per item
    vkey = np.sort(r * max(n_multi, 1) + rows)
    tids = (vkey % max(n_multi, 1)).astype(np.int32)
    tid_ptr = np.zeros(m + 1, np.int64)
    np.cumsum(np.bincount(r, minlength=m), out=tid_ptr[1:])
    limit = max_len if max_len is not None else m + 1
    parent, item, count, n_out = eclat(tid_ptr, tids, bptr, bitems,
                                       counts_all[freq_codes].astype(np.int64),
                                       int(min_count), int(limit), int(max_itemsets))
    if n_out < 0:
        raise OutputTooLargeError(
            f"more than max_itemsets={max_itemsets:,} frequent itemsets at minimum count {min_count} "
            f"({m:,} frequent items in {n:,} baskets). Fix: raise min_support, set max_len, or raise "
            "max_itemsets if you have the memory."
        )
    ptr, items = tree_to_csr(parent, item, freq_codes.astype(np.int32))
    return EncodedItemsets(ptr=ptr, items=items, counts=count, labels=baskets.items, n_transactions=n)


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


def frequent_itemsets(
    data: Any,
    min_support: float = 0.01,
    *,
    min_count: int | None = None,
    max_len: int | None = None,
    kind: str = "all",
    unit: str = "order",
    hierarchy: Mapping[Any, Any] | pd.Series | None = None,
    max_itemsets: int = 20_000_000,
    memory_limit: float = 2e9,
    columns: Mapping[str, str] | Columns | None = None,
    order_id: str | None = None,
    customer_id: str | None = None,
    item: str | None = None,
) -> pd.DataFrame:
    """Mine frequent itemsets with exact support counts.

    Parameters
    ----------
    data : DataFrame, list of baskets, one-hot DataFrame, Baskets or PySpark DataFrame
        A long table (one row per order line), anything :func:`make_baskets`
        accepts, or a PySpark DataFrame (mined with Spark MLlib's FPGrowth).
    min_support : float, default 0.01
        Minimum support as a fraction of baskets; an itemset is frequent when
        its count is at least ``ceil(min_support * N)``.
    min_count : int, optional
        Absolute minimum count; overrides ``min_support``.
    max_len : int, optional
        Longest itemset to mine.
    kind : {"all", "closed", "maximal"}
        Return all frequent itemsets, only closed ones (no superset with the
        same support) or only maximal ones (no frequent superset). Closed and
        maximal are judged among the mined itemsets, so with ``max_len`` they
        are closed/maximal up to that length.
    unit : {"order", "customer"}
        For a long table, what a basket is.
    hierarchy : mapping or Series, optional
        Item -> group to mine at a higher level (see :func:`make_baskets`).
    max_itemsets : int, default 20,000,000
        Stop with :class:`OutputTooLargeError` beyond this many itemsets (the
        compact result takes 16 bytes per itemset while mining).
    memory_limit : float, default 2e9
        Warn (:class:`LargeOutputWarning`) when the DataFrame is estimated to
        need more bytes than this, before it is built.
    columns, order_id, customer_id, item
        Column names of a long table.

    Returns
    -------
    DataFrame
        ``itemset`` (frozenset of item labels), ``support_count``, ``support``
        (fraction), ``length``; sorted by length then decreasing count.
        ``attrs`` holds ``n_transactions``, ``min_count``, ``unit``.

    Examples
    --------
    >>> baskets = [["milk", "bread"], ["milk", "eggs"], ["milk", "bread", "eggs"], ["bread"]]
    >>> fi = frequent_itemsets(baskets, min_support=0.5)
    >>> fi["support_count"].tolist(), fi["support"].tolist(), fi["length"].tolist()
    ([3, 3, 2, 2, 2], [0.75, 0.75, 0.5, 0.5, 0.5], [1, 1, 1, 2, 2])
    >>> sorted(sorted(s) for s in fi["itemset"][fi["length"] == 2])
    [['bread', 'milk'], ['eggs', 'milk']]
    >>> len(frequent_itemsets(baskets, min_support=0.5, kind="maximal"))
    2

    References
    ----------
    Agrawal, R., Srikant, R. (1994). Fast algorithms for mining association
    rules. Proc. 20th VLDB, 487-499.
    Zaki, M. J. (2000). Scalable algorithms for association mining. IEEE TKDE
    12(3), 372-390 (Eclat).
    Han, J., Pei, J., Yin, Y. (2000). Mining frequent patterns without candidate
    generation. Proc. ACM SIGMOD, 1-12.
    """
    if kind not in _KINDS:
        raise ParameterError(f"kind must be one of {_KINDS}, got {kind!r}.")
    if max_len is not None and (isinstance(max_len, bool) or not isinstance(max_len, (int, np.integer))
                                or max_len < 1):
        raise ParameterError(f"max_len must be a positive integer or None, got {max_len!r}.")
    if min_count is not None and (isinstance(min_count, bool) or not isinstance(min_count, (int, np.integer))
                                  or min_count < 1):
        raise ParameterError(f"min_count must be a positive integer, got {min_count!r}.")
    if _is_spark(data):
        from crmmine.association.spark import spark_frequent_itemsets

        return spark_frequent_itemsets(data, min_support=min_support, min_count=min_count,
                                       max_len=max_len, kind=kind, unit=unit, columns=columns,
                                       order_id=order_id, customer_id=customer_id, item=item)
    baskets = make_baskets(data, unit=unit, hierarchy=hierarchy, columns=columns, order_id=order_id,
                           customer_id=customer_id, item=item)
    n = baskets.n_baskets
    if n == 0:
        raise ParameterError("no baskets to mine. Fix: pass at least one basket.")
    threshold = int(min_count) if min_count is not None else min_count_for(min_support, n)
    enc = mine_encoded(baskets, threshold, max_len, max_itemsets)
    return itemsets_frame(enc, min_count=threshold, unit=baskets.unit, kind=kind,
                          memory_limit=memory_limit)


def itemsets_frame(enc: EncodedItemsets, *, min_count: int, unit: str, kind: str = "all",
                   memory_limit: float = 2e9) -> pd.DataFrame:
    """Turn encoded itemsets into the public DataFrame (sorted, optionally filtered)."""
    if kind != "all":
        closed, maximal = closed_maximal_flags(enc)
        enc = enc.take(np.flatnonzero(closed if kind == "closed" else maximal))
    lengths = enc.lengths
    order = np.lexsort((-enc.counts, lengths))
    if not np.array_equal(order, np.arange(enc.n)):
        enc = enc.take(order)
        lengths = enc.lengths
    estimate = enc.n * _BYTES_PER_ROW + len(enc.items) * _BYTES_PER_ITEM
    if estimate > memory_limit:
        warnings.warn(
            f"{enc.n:,} itemsets: the DataFrame of frozensets needs about {estimate / 1e9:.1f} GB. "
            "Raise min_support, set max_len, use kind='closed' or 'maximal', or raise memory_limit "
            "to silence this warning.", LargeOutputWarning, stacklevel=3)
    n_tx = enc.n_transactions
    frame = pd.DataFrame({
        "itemset": pd.Series(enc.frozensets(), dtype=object),
        "support_count": enc.counts.astype(np.int64),
        "support": enc.counts / n_tx,
        "length": lengths.astype(np.int64),
    })
    frame.attrs["n_transactions"] = n_tx
    frame.attrs["min_count"] = int(min_count)
    frame.attrs["unit"] = unit
    frame.attrs["kind"] = kind
    frame.attrs["_crmmine_encoded"] = enc
    return frame
