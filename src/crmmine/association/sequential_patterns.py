"""Sequential patterns: frequent sequences of itemsets in customers' order histories.

A customer's orders, in date order, form her sequence; each order is an
itemset. A pattern such as ``<{A}, {B, C}>`` ("A, later B and C in one order")
is held by a customer when her sequence contains it, optionally under time
constraints (minimum and maximum gap between elements, a window within which
several orders count as one element, a maximum span). Support is the number
(and share) of customers holding the pattern. :func:`sequential_patterns`
mines every frequent pattern (or the closed or maximal ones) with a compiled
depth-first pattern-growth engine; :func:`sequential_pattern_rules` turns
them into rules "A, then B -> C" with support, confidence, lift and the
distribution of the time to the consequent.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmmine._params import InstanceOf, Interval, Options, validate_params
from crmmine._results import Result
from crmmine.association._sequence_db import (
    Constraints,
    SequenceDB,
    encode_sequences,
    encode_table,
    read_table,
    to_days,
    warn_split_orders,
)
from crmmine.data.columns import Columns
from crmmine.errors import DataError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "SequentialPatternRules",
    "SequentialPatterns",
    "sequential_pattern_rules",
    "sequential_patterns",
]

_KINDS = ("all", "closed", "maximal")
_DURATION = [Interval(Real, 0, None), str, InstanceOf(pd.Timedelta), None]
#: customers x items up to which the miner keeps a dense table of last orders (4 bytes each, 64 MB)
_DENSE_LIMIT = 16_000_000


def _min_count(min_support: float, n: int) -> int:
    """``ceil(min_support * n)`` computed exactly on the decimal value, at least 1 (Spark's rule)."""
    return max(1, math.ceil(Fraction(repr(float(min_support))) * n))


def format_pattern(pattern: tuple[tuple[Any, ...], ...]) -> str:
    """``(("A",), ("B", "C"))`` -> ``"<{A}, {B, C}>"``.

    Examples
    --------
    >>> format_pattern((("A",), ("B", "C")))
    '<{A}, {B, C}>'
    """
    return "<" + ", ".join("{" + ", ".join(map(str, el)) + "}" for el in pattern) + ">"


@dataclass(frozen=True, eq=False)
class _Tree:
    """The mined pattern tree (preorder) and per-node shape."""

    parent: np.ndarray
    item: np.ndarray
    kind: np.ndarray
    count: np.ndarray
    n_elements: np.ndarray
    length: np.ndarray
    last_start: np.ndarray

    @property
    def n(self) -> int:
        return len(self.parent)

    def children(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(child_ptr, child_idx, roots) of the tree."""
        n = self.n
        has_parent = self.parent >= 0
        kids = np.flatnonzero(has_parent)
        order = np.argsort(self.parent[kids], kind="stable")
        child_idx = kids[order].astype(np.int64)
        child_ptr = np.zeros(n + 1, np.int64)
        np.cumsum(np.bincount(self.parent[kids], minlength=n), out=child_ptr[1:])
        roots = np.flatnonzero(~has_parent).astype(np.int64)
        return child_ptr, child_idx, roots

    def need(self, wanted: np.ndarray) -> np.ndarray:
        """Nodes to visit to reach the ``wanted`` ones: themselves and their ancestors."""
        need = wanted.copy()
        frontier = np.flatnonzero(wanted)
        while len(frontier):
            up = self.parent[frontier]
            up = up[up >= 0]
            up = up[~need[up]]
            need[up] = True
            frontier = np.unique(up)
        return need

    def patterns(self, labels: np.ndarray, nodes: np.ndarray) -> list[tuple[tuple[Any, ...], ...]]:
        """The patterns of ``nodes`` as tuples of elements (tuples of item labels)."""
        wanted = self.need(np.isin(np.arange(self.n), nodes))
        built: dict[int, tuple[tuple[Any, ...], ...]] = {}
        names = labels.tolist()
        for k in np.flatnonzero(wanted).tolist():  # preorder: parents first
            p = int(self.parent[k])
            x = names[self.item[k]]
            if p < 0:
                built[k] = ((x,),)
            elif self.kind[k] == 0:
                built[k] = (*built[p], (x,))
            else:
                prev = built[p]
                built[k] = (*prev[:-1], (*prev[-1], x))
        return [built[k] for k in nodes.tolist()]

    def last_element_codes(self, node: int) -> tuple[int, ...]:
        codes = []
        k = node
        stop = self.last_start[node]
        while True:
            codes.append(int(self.item[k]))
            if k == stop:
                break
            k = self.parent[k]
        return tuple(reversed(codes))


def _make_tree(parent: np.ndarray, item: np.ndarray, kind: np.ndarray, count: np.ndarray) -> _Tree:
    from crmmine.association._sequence_kernels import tree_shape

    n_el, length, last_start = tree_shape(parent, kind)
    return _Tree(parent, item, kind, count, n_el, length, last_start)


@dataclass(repr=False)
class SequentialPatterns(Result):
    """Frequent sequential patterns mined from customers' order sequences.

    Attributes
    ----------
    n_customers : int
        Customers (sequences) in the data: the denominator of ``support``.
    min_count : int
        Least number of customers holding a reported pattern.
    kind : {"all", "closed", "maximal"}
    constraints : dict
        ``min_gap``, ``max_gap``, ``window``, ``max_span`` in whole days (``None``: none).
    max_len : int or None
        Largest number of items in a pattern.

    Methods ``to_frame()`` (one row per pattern), ``summary()``, ``plot()``; the
    patterns feed :func:`sequential_pattern_rules`.
    """

    n_customers: int
    min_count: int
    kind: str
    constraints: dict[str, int | None]
    max_len: int | None
    _tree: _Tree = field(repr=False)
    _selected: np.ndarray = field(repr=False)
    _db: SequenceDB = field(repr=False)
    _item_counts: pd.Series = field(repr=False)
    _frame: pd.DataFrame | None = field(default=None, repr=False)

    @property
    def n_patterns(self) -> int:
        """Number of patterns reported (of the chosen ``kind``)."""
        return int(self._selected.sum())

    def _rows(self) -> np.ndarray:
        nodes = np.flatnonzero(self._selected)
        order = np.lexsort((nodes, self._tree.length[nodes], -self._tree.count[nodes]))
        return nodes[order]

    def to_frame(self) -> pd.DataFrame:
        """One row per pattern, by decreasing support then length.

        Columns: ``pattern`` (a tuple of elements, each a tuple of item labels in
        sorted order), ``n_elements``, ``length`` (number of items), ``support_count``
        (customers holding it) and ``support`` (their share of all customers).
        """
        if self._frame is None:
            rows = self._rows()
            self._frame = pd.DataFrame({
                "pattern": pd.Series(self._tree.patterns(self._db.labels, rows), dtype=object),
                "n_elements": self._tree.n_elements[rows],
                "length": self._tree.length[rows],
                "support_count": self._tree.count[rows],
                "support": self._tree.count[rows] / max(self.n_customers, 1),
            })
        return self._frame.copy()

    def summary(self) -> pd.DataFrame:
        """Headline figures: customers, threshold, number of patterns by number of elements."""
        n_el = self._tree.n_elements[self._selected]
        figures: dict[str, Any] = {
            "customers": self.n_customers,
            "min_count": self.min_count,
            "kind": self.kind,
            "patterns": self.n_patterns,
            "patterns with 2+ elements": int((n_el >= 2).sum()),
            "most elements": int(n_el.max()) if len(n_el) else 0,
            "most items": int(self._tree.length[self._selected].max()) if len(n_el) else 0,
        }
        figures.update({k: ("none" if v is None else f"{v} days") for k, v in self.constraints.items()})
        return pd.DataFrame({"value": pd.Series(figures, dtype=object)})

    def _repr_items(self) -> dict[str, Any]:
        return {"patterns": self.n_patterns, "customers": self.n_customers, "min_count": self.min_count,
                "kind": self.kind}

    def plot(self, ax: Axes | None = None, *, top_n: int = 15, min_elements: int = 2, **kwargs: Any) -> Axes:
        """Horizontal bars of the support of the ``top_n`` patterns with at least ``min_elements``
        elements; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.35 * top_n + 1))
        frame = self.to_frame()
        frame = frame[frame["n_elements"] >= min_elements].head(top_n)
        labels = [format_pattern(p) for p in frame["pattern"]]
        ax.barh(labels[::-1], frame["support"].to_numpy()[::-1], color=kwargs.pop("color", "#4c72b0"),
                **kwargs)
        ax.set_xlabel("share of customers")
        ax.set_title(f"Most frequent sequential patterns ({len(frame)} shown)")
        return ax


@validate_params({
    "min_support": [Interval(Real, 0, 1, closed="right")],
    "min_count": [Interval(Integral, 1, None), None],
    "min_gap": _DURATION,
    "max_gap": _DURATION,
    "window": _DURATION,
    "max_span": _DURATION,
    "max_len": [Interval(Integral, 1, None), None],
    "kind": [Options(_KINDS)],
    "max_patterns": [Interval(Integral, 1, None)],
})
def sequential_patterns(
    data: Any,
    min_support: float = 0.01,
    *,
    min_count: int | None = None,
    min_gap: Any = None,
    max_gap: Any = None,
    window: Any = None,
    max_span: Any = None,
    max_len: int | None = None,
    kind: str = "all",
    max_patterns: int = 10_000_000,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
) -> SequentialPatterns:
    """Mine frequent sequences of itemsets from customers' order histories.

    Each customer's orders, sorted by date-time (then order id), form her
    sequence, and each order is the set of its items. A pattern
    ``<e1, e2, ..., en>`` (each ``ei`` a set of items) is held by a customer
    when there are orders ``l1 <= u1 < l2 <= u2 < ... < ln <= un`` of hers such
    that every ``ei`` is contained in the union of her orders ``li .. ui`` and
    the time constraints hold (``t`` is an order's calendar day):

    - ``window``: ``t(ui) - t(li) <= window`` (without a window ``li == ui``:
      each element lies in one order);
    - ``min_gap``: ``t(li) - t(u(i-1)) >= min_gap``;
    - ``max_gap``: ``t(ui) - t(l(i-1)) <= max_gap``;
    - ``max_span``: ``t(un) - t(l1) <= max_span``.

    This is the containment of Srikant & Agrawal's GSP, except that the minimum
    gap is inclusive. Support counts customers, so a heavy buyer counts once.

    Parameters
    ----------
    data : DataFrame or list of sequences
        A long table with one row per order line (customer, date, item and,
        optionally, order columns; pandas, polars, pyarrow, DuckDB or Spark,
        collected to pandas for the mining), or a list of sequences, each a
        list of elements, each element a collection of items or one item
        (positions then stand for time, and no time constraint applies).
        Without an order column, each distinct (customer, date-time) is an
        order. Dates must be parsed datetimes.
    min_support : float, default 0.01
        Least share of customers holding a pattern: the count threshold is
        ``ceil(min_support * n_customers)``, as in Spark MLlib.
    min_count : int, optional
        Least number of customers; overrides ``min_support``.
    min_gap, max_gap : number of days or duration string, optional
        Least and most days between consecutive elements (see above).
        Without ``min_gap`` the next element only has to be a later order,
        which may fall on the same day.
    window : number of days or duration string, optional
        Orders spanning at most this many days may together hold one element
        (``window=0``: orders of the same day).
    max_span : number of days or duration string, optional
        Most days from the first to the last order of a pattern.
    max_len : int, optional
        Most items in a pattern (Spark's ``maxPatternLength``).
    kind : {"all", "closed", "maximal"}
        All frequent patterns, only closed ones (no super-pattern with the same
        support) or only maximal ones (no frequent super-pattern). Both are
        judged among the mined patterns, so with ``max_len`` they are closed or
        maximal up to that length.
    max_patterns : int, default 10,000,000
        Mining stops with :class:`~crmmine.association.OutputTooLargeError`
        beyond this many patterns.
    columns : mapping or Columns, optional
        Column names by role (``customer_id``, ``order_id``, ``date``, ``item``).
    customer_id, order_id, date, item : str, optional
        Column names by role (override ``columns``).

    Returns
    -------
    SequentialPatterns
        ``to_frame()`` gives one row per pattern: ``pattern``, ``n_elements``,
        ``length``, ``support_count``, ``support``.

    Raises
    ------
    SchemaError
        A needed column is missing or column names repeat.
    DataError
        Missing values, unparsed dates, mixed id types, unhashable items, an
        order id shared by several customers, an empty table.
    ParameterError
        Invalid thresholds or constraints (``min_gap > max_gap``), or time
        constraints on a list of sequences.

    Warns
    -----
    DataWarning
        When an order's lines carry different date-times (the order is placed
        at its first).

    See Also
    --------
    sequential_pattern_rules : rules "A, then B -> C" from the patterns.
    recommend_next : next-purchase recommendations from those rules.

    Notes
    -----
    The engine is a depth-first pattern growth (PrefixSpan's projection, with
    SPADE-style lists of every place a pattern can end so that gaps, windows
    and spans are exact), compiled with numba. Without constraints, the counts
    equal Spark MLlib's ``PrefixSpan`` on the same sequences (tested), and on
    sequences of single items those of the ``prefixspan`` package.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2, 2, 3, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-03-01", "2024-01-02",
    ...                             "2024-01-20", "2024-02-01", "2024-02-03"]),
    ...     "item": ["printer", "ink", "ink", "printer", "ink", "printer", "paper"]})
    >>> pats = sequential_patterns(tx, min_count=2)
    >>> pats.to_frame()[["pattern", "support_count"]].values.tolist()
    [[(('printer',),), 3], [(('ink',),), 2], [(('printer',), ('ink',)), 2]]
    >>> sequential_patterns(tx, min_count=2, max_gap=7).to_frame()["pattern"].tolist()
    [(('printer',),), (('ink',),)]

    References
    ----------
    Agrawal, R., Srikant, R. (1995). Mining sequential patterns. Proc. 11th ICDE, 3-14.
    Srikant, R., Agrawal, R. (1996). Mining sequential patterns: generalizations and
    performance improvements. Proc. 5th EDBT, LNCS 1057, 3-17.
    Zaki, M. J. (2000). Sequence mining in categorical domains: incorporating
    constraints. Proc. 9th CIKM, 422-429.
    Pei, J., Han, J., Mortazavi-Asl, B., et al. (2004). Mining sequential patterns by
    pattern-growth: the PrefixSpan approach. IEEE TKDE 16(11), 1424-1440.
    Wang, J., Han, J. (2004). BIDE: efficient mining of frequent closed sequences.
    Proc. 20th ICDE, 79-90.
    """
    constraints = _make_constraints(min_gap, max_gap, window, max_span)
    db = _database(data, constraints, columns=columns, customer_id=customer_id, order_id=order_id,
                   date=date, item=item)
    return _mine_database(db, constraints, min_support=min_support, min_count=min_count, max_len=max_len,
                         kind=kind, max_patterns=max_patterns)


def _make_constraints(min_gap: Any, max_gap: Any, window: Any, max_span: Any) -> Constraints:
    """Time constraints in whole days from the user's parameters (checked)."""
    constraints = Constraints(
        min_gap=to_days(min_gap, "min_gap", round_up=True),
        max_gap=to_days(max_gap, "max_gap", round_up=False),
        window=to_days(window, "window", round_up=False),
        max_span=to_days(max_span, "max_span", round_up=False),
    )
    if (constraints.min_gap is not None and constraints.max_gap is not None
            and constraints.min_gap > constraints.max_gap):
        raise ParameterError(f"min_gap ({constraints.min_gap} days) is larger than max_gap "
                             f"({constraints.max_gap} days): no two elements could follow each other. "
                             "Fix: pass min_gap <= max_gap.")
    return constraints


def _mine_database(db: SequenceDB, constraints: Constraints, *, min_support: float, min_count: int | None,
                  max_len: int | None, kind: str, max_patterns: int) -> SequentialPatterns:
    """Mine an encoded sequence database (the work of :func:`sequential_patterns`)."""
    from crmmine.association._sequence_kernels import closed_maximal, mine
    from crmmine.association.itemsets import OutputTooLargeError

    n = db.n_customers
    threshold = int(min_count) if min_count is not None else _min_count(min_support, n)
    counts = db.item_customer_counts()
    item_counts = pd.Series(counts, index=pd.Index(db.labels, name="item"), name="customers")
    mdb = db.restrict(counts >= threshold)
    mg, xg, win, span = constraints.kernel_args()
    parent, item_arr, kind_arr, count, _, overflow = mine(
        mdb.cust_ptr, mdb.day, mdb.iptr, mdb.items, len(mdb.labels), threshold,
        -1 if max_len is None else int(max_len), mg, xg, win, span, int(max_patterns), _DENSE_LIMIT)
    if overflow:
        raise OutputTooLargeError(
            f"more than max_patterns={max_patterns:,} sequential patterns are held by {threshold:,} or "
            f"more of {n:,} customers. Fix: raise min_support (or min_count), set max_len, add time "
            "constraints, or raise max_patterns.")
    tree = _make_tree(parent, item_arr, kind_arr, count)
    if kind == "all":
        selected = np.ones(tree.n, bool)
    else:
        closed, maximal = closed_maximal(parent, item_arr, kind_arr, count, max(len(mdb.labels), 1),
                                         constraints.max_gap is not None)
        selected = closed if kind == "closed" else maximal
    return SequentialPatterns(
        n_customers=n, min_count=threshold, kind=kind, constraints=constraints.as_dict(),
        max_len=None if max_len is None else int(max_len), _tree=tree, _selected=np.asarray(selected, bool),
        _db=mdb, _item_counts=item_counts)


def _database(data: Any, constraints: Constraints, **roles: Any) -> SequenceDB:
    if isinstance(data, list | tuple):
        if constraints.any():
            given = [k for k, v in constraints.as_dict().items() if v is not None]
            raise ParameterError(
                f"time constraints {given} need dates, and a list of sequences has none. Fix: pass a "
                "long table with a date column, or leave out the constraints.")
        if not len(data):
            raise DataError("the list of sequences is empty. Fix: pass at least one sequence.")
        return encode_sequences(data)
    frame, cols, use_order = read_table(data, **roles)
    db, split = encode_table(frame, cols, use_order)
    warn_split_orders(split, cols.order_id)
    return db


@dataclass(repr=False)
class SequentialPatternRules(Result):
    """Sequential rules "antecedent, then consequent" derived from frequent patterns.

    Attributes
    ----------
    within : int or None
        Most days from the antecedent's last order to the consequent's (``None``: any time).
    n_customers : int
    min_count : int
        Least number of customers supporting a reported rule (that of the patterns).

    ``to_frame()`` gives the rules, ``days(rule)`` the times to the consequent of the
    customers behind one rule, ``plot(rule)`` their histogram.
    """

    table: pd.DataFrame = field(repr=False)
    delays: pd.DataFrame = field(repr=False)
    within: int | None
    n_customers: int
    min_count: int
    _patterns: SequentialPatterns = field(repr=False)
    _ante_nodes: np.ndarray = field(repr=False)
    _cons_codes: list[tuple[int, ...]] = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The rules, one row each (see :func:`sequential_pattern_rules` for the columns)."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """The ten strongest rules with their support, confidence, lift and median time."""
        cols = ["rule", "support_count", "confidence", "lift", "days_median"]
        return self.table[cols].head(10).copy()

    def _repr_items(self) -> dict[str, Any]:
        return {"rules": len(self.table), "customers": self.n_customers,
                "within": "any time" if self.within is None else f"{self.within} days"}

    def days(self, rule: int = 0) -> np.ndarray:
        """Days from the antecedent to the consequent, one per customer supporting rule ``rule``
        (a row number of ``to_frame()``): the shortest such time in her history."""
        return self.delays.loc[self.delays["rule"] == rule, "days"].to_numpy()

    def plot(self, ax: Axes | None = None, *, rule: int = 0, **kwargs: Any) -> Axes:
        """Histogram of the time to the consequent for one rule; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 3.5))
        if len(self.table) == 0:
            ax.set_title("no sequential rules")
            return ax
        if not 0 <= rule < len(self.table):
            raise ParameterError(f"rule must be a row number in [0, {len(self.table) - 1}], got {rule!r}.")
        values = self.days(rule)
        ax.hist(values, bins=kwargs.pop("bins", min(40, max(5, len(np.unique(values))))),
                color=kwargs.pop("color", "#4c72b0"), **kwargs)
        ax.set_xlabel("days from the antecedent to the consequent")
        ax.set_ylabel("customers")
        ax.set_title(str(self.table["rule"].iloc[rule]))
        return ax


def _rule_text(antecedent: tuple[tuple[Any, ...], ...], consequent: tuple[Any, ...]) -> str:
    return ", then ".join("{" + ", ".join(map(str, el)) + "}" for el in antecedent) + \
        " -> {" + ", ".join(map(str, consequent)) + "}"


def _consequent_base(db: SequenceDB, cons: list[tuple[int, ...]], constraints: Constraints,
                     within: int | None) -> np.ndarray:
    """Customers for whom each consequent element follows some earlier order (within ``within``)."""
    from crmmine.association._sequence_kernels import replay

    parent: list[int] = []
    item: list[int] = []
    kind: list[int] = []
    node_of: dict[tuple[int, ...], int] = {}
    for codes in cons:
        for depth in range(1, len(codes) + 1):
            prefix = codes[:depth]
            if prefix in node_of:
                continue
            node_of[prefix] = len(parent)
            parent.append(node_of[prefix[:-1]] if depth > 1 else -1)
            item.append(prefix[-1])
            kind.append(0 if depth == 1 else 1)
    tree = _make_tree(np.asarray(parent, np.int64), np.asarray(item, np.int64), np.asarray(kind, np.int64),
                      np.zeros(len(parent), np.int64))
    target = np.full(tree.n, -1, np.int64)
    for i, codes in enumerate(cons):
        target[node_of[codes]] = i
    child_ptr, child_idx, roots = tree.children()
    out = replay(db.cust_ptr, db.day, db.iptr, db.items, max(len(db.labels), 1), tree.parent, tree.item,
                 tree.kind, child_ptr, child_idx, roots, target >= 0, target, True, 0,
                 np.zeros(db.n_customers, np.int64), *constraints.kernel_args())
    rows = out[:, 0]
    if within is not None:
        rows = rows[out[:, 2] <= within]
    return np.bincount(rows, minlength=len(cons)).astype(np.int64)


@validate_params({
    "patterns": [InstanceOf(SequentialPatterns)],
    "within": _DURATION,
    "min_confidence": [Interval(Real, 0, 1)],
    "min_lift": [Interval(Real, 0, None), None],
})
def sequential_pattern_rules(
    patterns: SequentialPatterns,
    within: Any = None,
    *,
    min_confidence: float = 0.0,
    min_lift: float | None = None,
) -> SequentialPatternRules:
    """Rules "A, then B -> C" from frequent sequential patterns, with the time to the consequent.

    Every reported pattern of two or more elements ``<e1, ..., en>`` gives the
    rule ``<e1, ..., e(n-1)> -> en``. A customer supports it when she holds the
    pattern (under the patterns' time constraints) with the consequent's last
    order at most ``within`` days after the antecedent's last order.

    Parameters
    ----------
    patterns : SequentialPatterns
        Output of :func:`sequential_patterns` (of any ``kind``: rules come from
        the reported patterns; antecedent counts from the full mining).
    within : number of days or duration string, optional
        Most days from the antecedent to the consequent ("... -> C within 30
        days"); ``None``: any time later.
    min_confidence : float, default 0
        Least confidence.
    min_lift : float, optional
        Least lift.

    Returns
    -------
    SequentialPatternRules
        ``to_frame()`` has one row per rule: ``antecedent`` (a tuple of elements),
        ``consequent`` (a tuple of items), ``rule`` (text), ``antecedent_count``
        (customers holding the antecedent), ``support_count`` (customers supporting
        the rule; at least the patterns' ``min_count``), ``support`` (share of all
        customers), ``confidence`` (support_count / antecedent_count),
        ``base_rate`` (share of customers in whom the consequent follows any
        earlier order, within the same time limit), ``lift`` (confidence /
        base_rate), and the days from the antecedent to the consequent over the
        supporting customers (each her shortest): ``days_mean``, ``days_q25``,
        ``days_median``, ``days_q75``, ``days_q90``. Sorted by lift, then support.
        For a list of sequences (no dates) the ``days_*`` columns are NaN.

    See Also
    --------
    sequential_patterns, recommend_next

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.association import sequential_patterns
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3, 3, 4],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-01", "2024-01-21",
    ...                             "2024-01-01", "2024-03-01", "2024-01-05"]),
    ...     "item": ["printer", "ink", "printer", "ink", "printer", "ink", "ink"]})
    >>> rules = sequential_pattern_rules(sequential_patterns(tx, min_count=2), within="30D")
    >>> rules.to_frame()[["rule", "support_count", "confidence", "days_median"]].values.tolist()
    [['{printer} -> {ink}', 2, 0.6666666666666666, 15.0]]

    References
    ----------
    Spiliopoulou, M. (1999). Managing interesting rules in sequence mining. Proc. 3rd
    PKDD, LNCS 1704, 554-560.
    Zaki, M. J. (2001). SPADE: an efficient algorithm for mining frequent sequences.
    Machine Learning 42, 31-60.
    """
    from crmmine.association._sequence_kernels import replay

    limit = to_days(within, "within", round_up=False)
    db = patterns._db
    if limit is not None and not db.timed:
        raise ParameterError("within needs dates, and the patterns come from a list of sequences. Fix: "
                             "mine a long table with a date column, or leave out within.")
    tree = patterns._tree
    constraints = Constraints(**patterns.constraints)
    nodes = np.flatnonzero(patterns._selected & (tree.n_elements >= 2))
    target = np.full(tree.n, -1, np.int64)
    target[nodes] = np.arange(len(nodes))
    child_ptr, child_idx, roots = tree.children()
    out = replay(db.cust_ptr, db.day, db.iptr, db.items, max(len(db.labels), 1), tree.parent, tree.item,
                 tree.kind, child_ptr, child_idx, roots, tree.need(target >= 0), target, False, 0,
                 np.zeros(db.n_customers, np.int64), *constraints.kernel_args())
    if limit is not None:
        out = out[out[:, 2] <= limit]
    support = np.bincount(out[:, 0], minlength=len(nodes)).astype(np.int64)
    ante = tree.parent[tree.last_start[nodes]]
    ante_count = tree.count[ante]
    cons = [tree.last_element_codes(int(k)) for k in nodes]
    unique_cons = sorted(set(cons))
    cons_index = {c: i for i, c in enumerate(unique_cons)}
    base = _consequent_base(db, unique_cons, constraints, limit)
    cons_pos = np.asarray([cons_index[c] for c in cons], np.int64)
    n = max(patterns.n_customers, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        confidence = support / ante_count
        base_rate = base[cons_pos] / n if len(cons_pos) else np.zeros(0)
        lift = confidence / base_rate
    keep = (support >= patterns.min_count) & (confidence >= min_confidence - 1e-12)
    if min_lift is not None:
        keep &= lift >= min_lift - 1e-12
    idx = np.flatnonzero(keep)
    idx = idx[np.lexsort((idx, -confidence[idx], -support[idx], -lift[idx]))]
    labels = db.labels
    antecedents = tree.patterns(labels, ante[idx]) if len(idx) else []
    consequents = [tuple(labels[list(cons[i])].tolist()) for i in idx.tolist()]
    # time to the consequent: one shortest delay per (rule, customer)
    new_row = np.full(len(nodes), -1, np.int64)
    new_row[idx] = np.arange(len(idx))
    rows = new_row[out[:, 0]]
    kept = rows >= 0
    delays = pd.DataFrame({"rule": rows[kept], "customer": db.customers[out[kept, 1]],
                           "days": out[kept, 2].astype(np.int64)})
    delays = delays.sort_values(["rule", "days"], kind="stable").reset_index(drop=True)
    if db.timed and len(delays):
        grouped = delays.groupby("rule")["days"]
        stats = grouped.quantile([0.25, 0.5, 0.75, 0.9]).unstack()
        stats = stats.reindex(np.arange(len(idx)))
        mean = grouped.mean().reindex(np.arange(len(idx))).to_numpy(float)
        q = {p: stats[p].to_numpy(float) for p in (0.25, 0.5, 0.75, 0.9)}
    else:
        mean = np.full(len(idx), np.nan)
        q = {p: np.full(len(idx), np.nan) for p in (0.25, 0.5, 0.75, 0.9)}
    table = pd.DataFrame({
        "antecedent": pd.Series(antecedents, dtype=object),
        "consequent": pd.Series(consequents, dtype=object),
        "rule": [_rule_text(a, c) for a, c in zip(antecedents, consequents)],
        "antecedent_count": ante_count[idx],
        "support_count": support[idx],
        "support": support[idx] / n,
        "confidence": confidence[idx],
        "base_rate": base_rate[idx] if len(idx) else np.zeros(0),
        "lift": lift[idx],
        "days_mean": mean,
        "days_q25": q[0.25],
        "days_median": q[0.5],
        "days_q75": q[0.75],
        "days_q90": q[0.9],
    })
    return SequentialPatternRules(
        table=table, delays=delays, within=limit, n_customers=patterns.n_customers,
        min_count=patterns.min_count, _patterns=patterns, _ante_nodes=ante[idx].astype(np.int64),
        _cons_codes=[cons[i] for i in idx.tolist()])
