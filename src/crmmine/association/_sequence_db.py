"""The sequence database behind sequential pattern mining: one sequence of orders per customer.

A long transaction table (customer, date, order, item) or a list of sequences is
encoded once into integer arrays (see :mod:`crmmine.association._sequence_kernels`):
customers sorted by id, each customer's orders sorted by date-time then order id,
each order the sorted set of its item codes, and each order's calendar day.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._backend import to_pandas
from crmmine._estimator import warn
from crmmine._units import naive_utc
from crmmine.association._tables import column_names
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, DataWarning, ParameterError, bad_rows_error
from crmmine.errors import missing_columns_error as _missing

__all__ = ["Constraints", "SequenceDB", "encode_sequences", "encode_table", "read_table"]

_NS_PER_DAY = 86_400_000_000_000


@dataclass(frozen=True)
class Constraints:
    """Time constraints in whole calendar days (``None``: no constraint)."""

    min_gap: int | None = None
    max_gap: int | None = None
    window: int | None = None
    max_span: int | None = None

    def kernel_args(self) -> tuple[int, int, int, int]:
        """(min_gap, max_gap, window, max_span) with -1 for "none" (min_gap 0)."""
        return (
            self.min_gap or 0,
            -1 if self.max_gap is None else self.max_gap,
            -1 if self.window is None else self.window,
            -1 if self.max_span is None else self.max_span,
        )

    def any(self) -> bool:
        return any(v is not None for v in (self.min_gap, self.max_gap, self.window, self.max_span))

    def as_dict(self) -> dict[str, int | None]:
        return {"min_gap": self.min_gap, "max_gap": self.max_gap, "window": self.window,
                "max_span": self.max_span}


def to_days(value: Any, name: str, *, round_up: bool) -> int | None:
    """A duration parameter in whole days: ``None``, a number of days or a string such as ``"30D"``.

    Calendar days between orders are whole numbers, so a lower bound is rounded up and an
    upper bound down (``min_gap=1.5`` means 2 days, ``max_gap=1.5`` means 1 day).
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        raise ParameterError(f"parameter {name!r} must be a number of days or a duration such as '30D', "
                             f"got {value!r}.")
    if isinstance(value, Real):
        days = float(value)
    elif isinstance(value, str | pd.Timedelta) or hasattr(value, "total_seconds"):
        days = None
        if isinstance(value, str):
            from crmmine._units import time_unit_days

            try:
                days = time_unit_days(value)
            except ParameterError:
                days = None
        if days is None:
            try:
                days = pd.Timedelta(value) / pd.Timedelta(days=1)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"parameter {name!r} got {value!r}, which is not a duration. Fix: pass a number of "
                    "days or a string such as '30D', '4W' or '3M'."
                ) from None
    else:
        raise ParameterError(
            f"parameter {name!r} must be a number of days or a duration such as '30D', got "
            f"{type(value).__name__}."
        )
    if not days >= 0:
        raise ParameterError(f"parameter {name!r} must be zero or more days, got {value!r}. Fix: pass e.g. "
                             f"{name}=30.")
    if math.isinf(days):
        return None
    return math.ceil(days - 1e-9) if round_up else math.floor(days + 1e-9)


@dataclass(frozen=True, eq=False)
class SequenceDB:
    """Customers' order sequences as integer arrays (see the module docstring).

    Attributes
    ----------
    cust_ptr : int64 (n_customers + 1)
    day : int64 (n_orders), calendar day of each order (days since 1970-01-01)
    iptr : int64 (n_orders + 1)
    items : int64, item codes per order, sorted and unique
    labels : object array, item label of each code
    customers : Index, customer id of each customer number
    timed : bool, whether days are calendar days (False for a list of sequences: positions)
    """

    cust_ptr: np.ndarray
    day: np.ndarray
    iptr: np.ndarray
    items: np.ndarray
    labels: np.ndarray
    customers: pd.Index
    timed: bool = True

    @property
    def n_customers(self) -> int:
        return len(self.cust_ptr) - 1

    @property
    def n_orders(self) -> int:
        return len(self.day)

    def item_customer_counts(self) -> np.ndarray:
        """Number of customers holding each item code."""
        n_items = max(len(self.labels), 1)
        order_cust = np.repeat(np.arange(self.n_customers, dtype=np.int64), np.diff(self.cust_ptr))
        line_cust = np.repeat(order_cust, np.diff(self.iptr))
        pairs = np.unique(line_cust * n_items + self.items)
        return np.bincount(pairs % n_items, minlength=len(self.labels)).astype(np.int64)

    def restrict(self, keep: np.ndarray) -> SequenceDB:
        """The same orders holding only the item codes where ``keep`` is True (recoded 0..k-1)."""
        remap = np.full(len(self.labels), -1, np.int64)
        remap[keep] = np.arange(int(keep.sum()))
        new = remap[self.items]
        line_order = np.repeat(np.arange(self.n_orders, dtype=np.int64), np.diff(self.iptr))
        kept = new >= 0
        iptr = np.zeros(self.n_orders + 1, np.int64)
        np.cumsum(np.bincount(line_order[kept], minlength=self.n_orders), out=iptr[1:])
        return SequenceDB(self.cust_ptr, self.day, iptr, new[kept], self.labels[keep], self.customers,
                          self.timed)

    def recode(self, labels: np.ndarray) -> SequenceDB:
        """The same orders in the item codes of ``labels`` (items not in ``labels`` are left out)."""
        index = pd.Index(labels)
        pos = index.get_indexer(self.labels)
        new = pos[self.items] if len(self.items) else np.zeros(0, np.int64)
        line_order = np.repeat(np.arange(self.n_orders, dtype=np.int64), np.diff(self.iptr))
        kept = new >= 0
        key = np.sort(line_order[kept] * max(len(labels), 1) + new[kept])
        orders = key // max(len(labels), 1)
        iptr = np.zeros(self.n_orders + 1, np.int64)
        np.cumsum(np.bincount(orders, minlength=self.n_orders), out=iptr[1:])
        codes = (key - orders * max(len(labels), 1)).astype(np.int64)
        return SequenceDB(self.cust_ptr, self.day, iptr, codes, np.asarray(labels, dtype=object),
                          self.customers, self.timed)


def _factorize(values: Any, column: str) -> tuple[np.ndarray, Any]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:
        # unorderable labels (a mix that read_table did not catch, e.g. tuples of mixed types)
        codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), uniques


def _check_hashable(frame: pd.DataFrame, column: str) -> None:
    values = frame[column]
    if values.dtype != object:
        return
    bad = values.map(lambda v: not isinstance(v, Hashable)).to_numpy(bool)
    if bad.any():
        raise bad_rows_error(column, "values that are not hashable (lists, dicts, sets)", frame.loc[bad],
                             int(bad.sum()), f"one row per item: explode the column with "
                             f"df.explode({column!r}), or convert the values to strings")


def _check_one_type(frame: pd.DataFrame, column: str, what: str) -> None:
    values = frame[column]
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind.startswith("mixed"):
            types = values.map(lambda v: type(v).__name__)
            minority = (types != types.mode().iloc[0]).to_numpy(bool)
            raise bad_rows_error(
                column, f"{what} of mixed types ({sorted(types.unique())}); 1 and '1' would be two "
                "different values", frame.loc[minority], int(minority.sum()),
                f"convert the column to one type, e.g. df[{column!r}] = df[{column!r}].astype(str)")


def read_table(data: Any, *, columns: Mapping[str, str] | Columns | None, customer_id: str | None,
               order_id: str | None, date: str | None, item: str | None,
               what: str = "tx") -> tuple[pd.DataFrame, Columns, bool]:
    """Check a long table and bring the needed columns to pandas.

    Returns the frame (customer, date, item and, when present, order columns; never the caller's
    object), the resolved columns and whether an order column is used. The order column is
    optional: without it each distinct (customer, date-time) is an order.
    """
    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date, item=item)
    names = column_names(data, what=what)
    needed = [cols.customer_id, cols.date, cols.item]
    missing = [c for c in needed if c not in names]
    if missing:
        raise _missing(missing, names, role=what)
    if isinstance(columns, Columns):
        explicit_order = columns.order_id != Columns().order_id
    else:
        explicit_order = columns is not None and "order_id" in columns
    explicit_order = explicit_order or order_id is not None
    use_order = cols.order_id in names
    if explicit_order and not use_order:
        raise _missing([cols.order_id], names, role=what)
    if use_order:
        needed.append(cols.order_id)
    frame = to_pandas(data, what=what, columns=needed)
    if len(frame) == 0:
        raise DataError(f"{what} is empty: no (customer, date, item) rows to mine. Fix: pass a table "
                        "with at least one row.")
    fixes = {
        cols.customer_id: "drop or fill the rows without a customer id (clean_transactions(..., "
                          "missing_customer='drop') logs what it removes)",
        cols.date: "drop or fill the rows without a date (see clean_transactions)",
        cols.item: "drop the rows without an item, or fill them with a label such as 'unknown'",
        cols.order_id: "drop or fill the rows without an order id, or leave out the order column "
                       "(each customer's date-time is then an order)",
    }
    for column in needed:
        null = frame[column].isna().to_numpy(bool)
        if null.any():
            raise bad_rows_error(column, "missing values", frame.loc[null], int(null.sum()), fixes[column])
    when = frame[cols.date]
    if not pd.api.types.is_datetime64_any_dtype(when):
        raise bad_rows_error(
            cols.date, f"values of type {when.dtype} that are not parsed dates", frame.head(),
            len(frame), "parse the column first: clean_transactions(...) or "
            f"df[{cols.date!r}] = pd.to_datetime(df[{cols.date!r}], format=...)")
    if isinstance(when.dtype, pd.DatetimeTZDtype):
        frame[cols.date] = naive_utc(when)  # time-zone-aware: read in UTC
    _check_hashable(frame, cols.item)
    _check_one_type(frame, cols.customer_id, "customer ids")
    _check_one_type(frame, cols.item, "items")
    if use_order:
        _check_one_type(frame, cols.order_id, "order ids")
    return frame, cols, use_order


def encode_table(frame: pd.DataFrame, cols: Columns, use_order: bool) -> tuple[SequenceDB, int]:
    """Encode a checked long table; returns the database and the number of orders whose lines fall
    on different calendar days (each order is placed at its first date-time)."""
    cust_codes, cust_ids = _factorize(frame[cols.customer_id], cols.customer_id)
    item_codes, item_labels = _factorize(frame[cols.item], cols.item)
    ts = frame[cols.date].to_numpy("datetime64[ns]").view(np.int64)
    n_cust = len(cust_ids)
    n_items = len(item_labels)
    split_orders = 0
    if use_order:
        ord_codes, _ = _factorize(frame[cols.order_id], cols.order_id)
        n_ord = int(ord_codes.max()) + 1
        pairs = np.unique(ord_codes * n_cust + cust_codes)
        owners = np.bincount(pairs // n_cust, minlength=n_ord)
        if (owners > 1).any():
            bad_orders = np.flatnonzero(owners > 1)
            mask = np.isin(ord_codes, bad_orders)
            raise bad_rows_error(
                cols.order_id, "order ids shared by several customers", frame.loc[mask].sort_values(
                    cols.order_id), len(bad_orders),
                "give every order one customer (an order id is unique to a customer); check the join "
                "that produced the table")
        order_cust = np.empty(n_ord, np.int64)
        order_cust[pairs // n_cust] = pairs % n_cust
        first = np.full(n_ord, np.iinfo(np.int64).max, np.int64)
        last = np.full(n_ord, np.iinfo(np.int64).min, np.int64)
        np.minimum.at(first, ord_codes, ts)
        np.maximum.at(last, ord_codes, ts)
        split_orders = int((np.floor_divide(first, _NS_PER_DAY) != np.floor_divide(last, _NS_PER_DAY)).sum())
        order_ts = first
        tie = np.arange(n_ord, dtype=np.int64)  # order ids sorted (factorize sort=True)
        line_order = ord_codes
    else:
        key = np.lexsort((ts, cust_codes))
        c_sorted, t_sorted = cust_codes[key], ts[key]
        new = np.ones(len(key), bool)
        new[1:] = (c_sorted[1:] != c_sorted[:-1]) | (t_sorted[1:] != t_sorted[:-1])
        ids = np.cumsum(new) - 1
        line_order = np.empty(len(key), np.int64)
        line_order[key] = ids
        order_cust = c_sorted[new]
        order_ts = t_sorted[new]
        tie = np.arange(len(order_ts), dtype=np.int64)
    rank = np.lexsort((tie, order_ts, order_cust))
    position = np.empty(len(rank), np.int64)
    position[rank] = np.arange(len(rank))
    n_orders = len(rank)
    cust_ptr = np.zeros(n_cust + 1, np.int64)
    np.cumsum(np.bincount(order_cust, minlength=n_cust), out=cust_ptr[1:])
    day = np.floor_divide(order_ts[rank], _NS_PER_DAY)
    width = max(n_items, 1)
    key = np.unique(position[line_order] * width + item_codes)
    orders = key // width
    iptr = np.zeros(n_orders + 1, np.int64)
    np.cumsum(np.bincount(orders, minlength=n_orders), out=iptr[1:])
    db = SequenceDB(cust_ptr, day.astype(np.int64), iptr, (key - orders * width).astype(np.int64),
                    np.asarray(item_labels, dtype=object), pd.Index(cust_ids, name=cols.customer_id))
    return db, split_orders


def _is_element_collection(element: Any) -> bool:
    return isinstance(element, list | tuple | set | frozenset | np.ndarray | pd.Series)


def encode_sequences(data: Iterable[Any]) -> SequenceDB:
    """Encode a list of sequences; each element is a collection of items or a single item.

    Element positions stand for time: no date, so no time constraint applies.
    """
    sequences = list(data)
    for pos, seq in enumerate(sequences):
        if isinstance(seq, str | bytes) or not isinstance(seq, Iterable):
            raise ParameterError(
                f"sequence {pos} is {type(seq).__name__} {seq!r}, not a list of elements. Fix: pass a "
                "list of sequences, e.g. [[['a'], ['b', 'c']], [['a']]] or [['a', 'b'], ['b']]."
            )
    elements = [[list(e) if _is_element_collection(e) else [e] for e in seq] for seq in sequences]
    seq_len = np.fromiter((len(s) for s in elements), np.int64, len(elements))
    flat_elements = list(itertools.chain.from_iterable(elements))
    el_size = np.fromiter((len(e) for e in flat_elements), np.int64, len(flat_elements))
    flat = pd.Series(list(itertools.chain.from_iterable(flat_elements)), dtype=object)
    if flat.isna().any():
        bad_el = np.repeat(np.arange(len(flat_elements)), el_size)[flat.isna().to_numpy()]
        seq_of_el = np.repeat(np.arange(len(elements)), seq_len)
        raise bad_rows_error("item", "missing items (None/NaN) in sequences",
                             pd.Series(seq_of_el[bad_el], name="sequence"), len(bad_el),
                             "remove missing items first", error=DataError)
    frame = pd.DataFrame({"item": flat})
    _check_hashable(frame, "item")
    _check_one_type(frame, "item", "items")
    codes, labels = _factorize(flat, "item")
    n_orders = len(flat_elements)
    line_order = np.repeat(np.arange(n_orders, dtype=np.int64), el_size)
    width = max(len(labels), 1)
    key = np.unique(line_order * width + codes)
    orders = key // width
    iptr = np.zeros(n_orders + 1, np.int64)
    np.cumsum(np.bincount(orders, minlength=n_orders), out=iptr[1:])
    cust_ptr = np.zeros(len(elements) + 1, np.int64)
    np.cumsum(seq_len, out=cust_ptr[1:])
    day = np.arange(n_orders, dtype=np.int64) - np.repeat(cust_ptr[:-1], seq_len)
    return SequenceDB(cust_ptr, day, iptr, (key - orders * width).astype(np.int64),
                      np.asarray(labels, dtype=object), pd.RangeIndex(len(elements), name="sequence"),
                      timed=False)


def warn_split_orders(count: int, column: str) -> None:
    """The documented policy for an order whose lines fall on several days."""
    if count:
        warn(f"column {column!r}: {count:,} orders have lines on different days; each order is placed "
             "at its first date-time. Fix: if these are separate purchases, give them separate order "
             "ids (or leave out the order column).", DataWarning, stacklevel=4)
