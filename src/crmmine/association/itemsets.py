"""Frequent itemsets (all, closed, maximal) mined with a compiled Eclat engine."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options, validate_params
from crmmine.association._encoded import EncodedItemsets
from crmmine.association.baskets import Baskets, input_kind, make_baskets
from crmmine.association.frequent import (
    FrequentItemsets,
    LargeOutputWarning,
    OutputTooLargeError,
    build_frequent_itemsets,
    min_count_for,
)
from crmmine.data.columns import Columns
from crmmine.errors import DataError, DataWarning

__all__ = [
    "LargeOutputWarning",
    "OutputTooLargeError",
    "frequent_itemsets",
    "mine_encoded",
    "min_count_for",
]

_KINDS = ("all", "closed", "maximal")


def mine_encoded(baskets: Baskets, min_count: int, max_len: int | None,
                 max_itemsets: int, allowed: np.ndarray | None = None) -> EncodedItemsets:
    """Run the Eclat kernel on baskets; returns all frequent itemsets encoded.

    ``allowed`` (a boolean mask over item codes) leaves the other items out of the search.
    """
    from crmmine.association._kernels import eclat, tree_to_csr

    n = baskets.n_baskets
    counts_all = baskets.item_counts()
    ok = counts_all >= min_count
    if allowed is not None:
        ok &= allowed
    freq_codes = np.flatnonzero(ok)
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
    bitems = (m - 1 - hkey % m).astype(np.int32) if m else np.zeros(0, np.int32)
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


def _mine_with_missing(baskets: Baskets, min_support: float, threshold: int, max_len: int | None,
                       max_itemsets: int) -> tuple[EncodedItemsets, np.ndarray]:
    """mlxtend's ``null_values`` mining: candidates treat a missing cell as present (an upper bound
    that keeps the search anti-monotone); an itemset is kept when its count among the baskets that
    observe all its items reaches ``min_support`` of them."""
    cells = baskets.missing
    assert cells is not None
    observed_items = cells.observed_per_item
    with np.errstate(divide="ignore", invalid="ignore"):
        item_support = np.where(observed_items > 0, baskets.item_counts() / observed_items, 0.0)
    allowed = item_support >= min_support
    # baskets with missing cells counted as present, for the candidate search
    miss_rows, miss_cols = np.nonzero(np.unpackbits(cells.missing.view(np.uint8), axis=1,
                                                    bitorder="little")[:, :cells.n_rows].T)
    rows = np.concatenate([np.repeat(np.arange(baskets.n_baskets), baskets.sizes()), miss_rows])
    codes = np.concatenate([baskets.indices.astype(np.int64), miss_cols.astype(np.int64)])
    from crmmine.association.baskets import _from_codes

    upper = _from_codes(rows.astype(np.int64), codes, baskets.n_baskets, baskets.items, baskets.ids, "row")
    enc = mine_encoded(upper, threshold, max_len, max_itemsets, allowed=allowed)
    present, observed = cells.itemset_counts(enc.ptr, enc.items)
    with np.errstate(divide="ignore", invalid="ignore"):
        support = np.where(observed > 0, present / observed, 0.0)
    keep = np.flatnonzero(support >= min_support)
    enc = EncodedItemsets(ptr=enc.ptr, items=enc.items, counts=present, labels=enc.labels,
                          n_transactions=enc.n_transactions).take(keep)
    return enc, observed[keep]


def _warn_if_identical(baskets: Baskets) -> None:
    """Warn when every basket holds the same items: supports are 1 and every lift is 1."""
    sizes = baskets.sizes()
    if baskets.missing is not None or len(sizes) == 0 or (sizes != sizes[0]).any():
        return
    if len(sizes) > 1 and (baskets.indices.reshape(len(sizes), -1) != baskets.indices[:sizes[0]]).any():
        return
    what = "there is one basket" if len(sizes) == 1 else f"all {len(sizes):,} baskets hold the same items"
    warnings.warn(f"{what}: every itemset has support 1 and every rule confidence 1 and lift 1, so "
                  "nothing can be learned about which items go together. Fix: mine more varied baskets "
                  "(e.g. unit='order' instead of 'customer', or a longer period).", DataWarning, stacklevel=4)


@validate_params({
    "min_support": [Interval(Real, 0, 1, closed="right")],
    "min_count": [Interval(Integral, 1, None), None],
    "max_len": [Interval(Integral, 1, None), None],
    "kind": [Options(_KINDS)],
    "unit": [Options(("order", "customer"))],
    "max_itemsets": [Interval(Integral, 1, None)],
    "memory_limit": [Interval(Real, 0, None, closed="neither")],
})
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
) -> FrequentItemsets:
    """Mine frequent itemsets with exact support counts.

    Parameters
    ----------
    data : table, list of baskets, one-hot DataFrame or Baskets
        A long table (one row per order line: pandas, polars, pyarrow or
        DuckDB, read through crmmine's backend layer), anything
        :func:`make_baskets` accepts, or a PySpark DataFrame (mined inside
        Spark with MLlib's FPGrowth; only the itemsets come back).
    min_support : float, default 0.01
        Minimum support as a fraction of baskets, in (0, 1]; an itemset is
        frequent when its count is at least ``ceil(min_support * N)``.
    min_count : int, optional
        Absolute minimum count; overrides ``min_support``.
    max_len : int, optional
        Longest itemset to mine.
    kind : {"all", "closed", "maximal"}
        Return all frequent itemsets, only closed ones (no superset with the
        same support) or only maximal ones (no frequent superset). Closed and
        maximal are judged among the mined itemsets, so with ``max_len`` they
        are closed/maximal up to that length.
    unit : {"order", "customer"}, default "order"
        For a long table, what a basket is (see docs/conventions.md).
    hierarchy : mapping or Series, optional
        Item -> group to mine at a higher level (see :func:`make_baskets`).
    max_itemsets : int, default 20,000,000
        Stop with :class:`OutputTooLargeError` beyond this many itemsets (the
        compact result takes 16 bytes per itemset while mining).
    memory_limit : float, default 2e9
        :meth:`FrequentItemsets.to_frame` warns (:class:`LargeOutputWarning`)
        when the table is estimated to need more bytes than this.
    columns, order_id, customer_id, item
        Column names of a long table: a ``columns={role: name}`` mapping and
        keywords per role (keywords win).

    Returns
    -------
    FrequentItemsets
        ``to_frame()`` gives ``itemset`` (frozenset of item labels),
        ``support_count``, ``support`` (fraction), ``length`` and
        ``all_confidence``, sorted by length then decreasing count.

    Warns
    -----
    DataWarning
        When every basket holds the same items (one basket included): the
        supports are right, but every rule has lift 1.

    See Also
    --------
    association_rules : rules A => C with their measures and significance.
    make_baskets : the baskets mined, to inspect or reuse.
    sequential_patterns : when the order of purchases matters.

    Notes
    -----
    A one-hot frame with missing values (NaN) is mined as mlxtend does with
    ``null_values=True``: the support of an itemset is counted among the
    baskets where none of its items is missing; candidates are the itemsets
    whose count reaches ``ceil(min_support * N)`` when a missing cell counts
    as present (a bound that keeps the search exact and fast), and items
    whose own support is below ``min_support`` are left out.

    Examples
    --------
    >>> baskets = [["milk", "bread"], ["milk", "eggs"], ["milk", "bread", "eggs"], ["bread"]]
    >>> fi = frequent_itemsets(baskets, min_support=0.5)
    >>> table = fi.to_frame()
    >>> table["support_count"].tolist(), table["support"].tolist(), table["length"].tolist()
    ([3, 3, 2, 2, 2], [0.75, 0.75, 0.5, 0.5, 0.5], [1, 1, 1, 2, 2])
    >>> sorted(sorted(s) for s in table["itemset"][table["length"] == 2])
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
    if input_kind(data) == "pyspark":
        from crmmine.association.spark import spark_frequent_itemsets

        return spark_frequent_itemsets(data, min_support=min_support, min_count=min_count,
                                       max_len=max_len, kind=kind, unit=unit, columns=columns,
                                       order_id=order_id, customer_id=customer_id, item=item)
    baskets = make_baskets(data, unit=unit, hierarchy=hierarchy, columns=columns, order_id=order_id,
                           customer_id=customer_id, item=item)
    n = baskets.n_baskets
    if n == 0:
        raise DataError("no baskets to mine: the input has no rows. Fix: pass at least one basket.")
    threshold = int(min_count) if min_count is not None else min_count_for(min_support, n)
    _warn_if_identical(baskets)
    if baskets.missing is not None:
        support = min_support if min_count is None else min_count / n
        enc, observed = _mine_with_missing(baskets, support, threshold, max_len, max_itemsets)
        return build_frequent_itemsets(enc, min_count=threshold, unit=baskets.unit, kind=kind,
                                       item_counts=baskets.item_counts(), missing=baskets.missing,
                                       observed=observed, memory_limit=memory_limit)
    enc = mine_encoded(baskets, threshold, max_len, max_itemsets)
    return build_frequent_itemsets(enc, min_count=threshold, unit=baskets.unit, kind=kind,
                                   item_counts=baskets.item_counts(), memory_limit=memory_limit)
