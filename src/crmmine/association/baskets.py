"""Baskets: a sparse (CSR) order-by-item or customer-by-item table built from CRM data.

A :class:`Baskets` holds each basket as a sorted run of integer item codes
(``indptr``/``indices``, the compressed-sparse-row layout), the item labels and
the basket ids. It is built from a long transaction table (one row per order
line), from a list of baskets, or from a one-hot frame (the mlxtend input);
no dense one-hot matrix is ever created from a long table.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmmine._backend import backend_of, to_pandas
from crmmine.association._missing import MissingCells, pack_columns
from crmmine.association._tables import column_names
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error, missing_columns_error

__all__ = ["Baskets", "check_values", "input_kind", "make_baskets"]

_UNITS = ("order", "customer")


@dataclass(frozen=True, eq=False)
class Baskets:
    """Baskets as a compressed sparse row table of item codes.

    Built by :func:`make_baskets`; the fields below are its attributes.

    Parameters
    ----------
    indptr : ndarray of int64, shape (n_baskets + 1,)
        Basket ``b`` holds ``indices[indptr[b]:indptr[b + 1]]``.
    indices : ndarray of int32
        Item codes, sorted and unique within each basket.
    items : ndarray of object
        Item label of each code.
    ids : Index
        Id of each basket (order id, customer id, or the row label).
    unit : str
        What a basket is: ``"order"``, ``"customer"``, ``"basket"`` (a list
        input) or ``"row"`` (a one-hot frame).
    missing : MissingCells or None
        For a one-hot frame with missing values (NaN): which cells were
        missing; they are not in ``indices``.

    See Also
    --------
    make_baskets : builds baskets from a long table, a list or a one-hot frame.
    frequent_itemsets : mines them (any input of ``make_baskets`` works directly).

    Examples
    --------
    >>> b = make_baskets([["milk", "bread"], ["milk"]])
    >>> b.n_baskets, b.n_items
    (2, 2)
    >>> b.to_lists()
    [['bread', 'milk'], ['milk']]
    """

    indptr: np.ndarray
    indices: np.ndarray
    items: np.ndarray
    ids: pd.Index
    unit: str = "order"
    missing: MissingCells | None = None

    @property
    def n_baskets(self) -> int:
        """Number of baskets (transactions), empty ones included."""
        return len(self.indptr) - 1

    @property
    def n_items(self) -> int:
        """Number of distinct items."""
        return len(self.items)

    def item_counts(self) -> np.ndarray:
        """Number of baskets holding each item code."""
        return np.bincount(self.indices, minlength=self.n_items).astype(np.int64)

    def sizes(self) -> np.ndarray:
        """Number of items in each basket."""
        return np.diff(self.indptr)

    def to_lists(self) -> list[list[Any]]:
        """The baskets as Python lists of item labels (for small data and interop)."""
        labels = self.items[self.indices].tolist()
        bounds = self.indptr.tolist()
        return [labels[a:b] for a, b in itertools.pairwise(bounds)]

    def __repr__(self) -> str:
        return (f"Baskets(n_baskets={self.n_baskets:,}, n_items={self.n_items:,}, "
                f"n_entries={len(self.indices):,}, unit={self.unit!r})")


def input_kind(data: Any) -> str:
    """What kind of input ``data`` is: "baskets", "pandas", "lists" or a backend of crmmine._backend."""
    if isinstance(data, Baskets):
        return "baskets"
    if isinstance(data, pd.DataFrame):
        return "pandas"
    if isinstance(data, (list, tuple)):
        return "lists"
    try:
        return backend_of(data)
    except ParameterError:
        if isinstance(data, Iterable) and not isinstance(data, (str, bytes, Mapping)):
            return "lists"
        raise ParameterError(
            f"data must be a transaction table (pandas, polars, pyarrow, DuckDB, Spark), a list of "
            f"baskets or a one-hot frame, got {type(data).__name__}."
        ) from None


def _type_names(types: pd.Series) -> str:
    return ", ".join(sorted({t.__name__ for t in types.unique()}))


def check_values(values: pd.Series, column: str, *, what: str = "items", rows: Any = None) -> None:
    """Raise when a column holds unhashable values (lists, dicts) or ids of mixed types (1 and "1").

    ``rows`` (a DataFrame aligned with ``values``) is shown as the examples; by default the values.
    Only object columns are inspected, with pandas' C type inference first, so clean columns cost
    one pass.
    """
    if values.dtype != object or len(values) == 0:
        return
    inferred = pd.api.types.infer_dtype(values, skipna=True)
    if inferred not in ("mixed", "mixed-integer"):
        return
    types = values.map(type)
    shown = rows if rows is not None else values
    unhashable = ~values.map(lambda v: isinstance(v, Hashable)).to_numpy(bool)
    if unhashable.any():
        raise bad_rows_error(
            column, f"values that cannot be {what} (unhashable {_type_names(types[unhashable])})",
            shown[unhashable], int(unhashable.sum()),
            f"put one value per row: explode list columns first (frame.explode({column!r})), or turn "
            "each value into a string or tuple")
    is_text = types.map(lambda t: issubclass(t, (str, bytes))).to_numpy(bool)
    is_number = types.map(lambda t: issubclass(t, (int, float, np.number)) and not issubclass(t, bool)
                          ).to_numpy(bool)
    if is_text.any() and is_number.any():
        minority = is_number if is_number.sum() <= is_text.sum() else is_text
        raise bad_rows_error(
            column, f"{what} of mixed types ({_type_names(types)}): 1 and '1' would count as two "
            "different values", shown[minority], int(minority.sum()),
            f"convert the column to one type first, e.g. frame[{column!r}] = frame[{column!r}].astype(str)")


def _factorize(values: Any, *, as_object: bool = True) -> tuple[np.ndarray, Any]:
    """Integer codes and labels; labels sorted when they are comparable."""
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:
        codes, uniques = pd.factorize(values, sort=False)
    if as_object:
        uniques = np.asarray(uniques, dtype=object)
    return codes.astype(np.int64), uniques


def _from_codes(unit_codes: np.ndarray, item_codes: np.ndarray, n_units: int, labels: np.ndarray,
                ids: pd.Index, unit: str) -> Baskets:
    """CSR baskets from parallel code arrays; duplicate (basket, item) pairs count once."""
    n_items = max(len(labels), 1)
    key = np.sort(unit_codes * n_items + item_codes)
    if len(key) > 1:
        key = key[np.concatenate(([True], key[1:] != key[:-1]))]
    rows = key // n_items
    indices = (key - rows * n_items).astype(np.int32)
    indptr = np.zeros(n_units + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_units), out=indptr[1:])
    return Baskets(indptr=indptr, indices=indices, items=labels, ids=ids, unit=unit)


def _apply_hierarchy(items: pd.Series, hierarchy: Mapping[Any, Any] | pd.Series, column: str) -> pd.Series:
    """Map SKUs to a higher level; every item must be mapped."""
    if isinstance(hierarchy, pd.DataFrame):
        raise ParameterError(
            "hierarchy must be a mapping or Series item -> group, got a DataFrame. "
            "Fix: pass frame.set_index('<item column>')['<group column>']."
        )
    mapping = hierarchy if isinstance(hierarchy, pd.Series) else pd.Series(dict(hierarchy), dtype=object)
    if not mapping.index.is_unique:
        dup = mapping.index[mapping.index.duplicated()]
        raise bad_rows_error("hierarchy", "items mapped twice", pd.Series(dup), len(dup),
                             "give each item exactly one group", error=ParameterError)
    mapped = items.map(mapping)
    missing = mapped.isna()
    if missing.any():
        bad = items[missing]
        raise bad_rows_error(column, "items that the hierarchy does not map", bad.drop_duplicates(),
                             int(bad.nunique()), "add these items to the hierarchy (or map them to "
                             "an 'other' group)")
    return mapped


def _check_nulls(frame: pd.DataFrame, column: str, fix: str) -> None:
    mask = frame[column].isna().to_numpy()
    if mask.any():
        raise bad_rows_error(column, "missing values", frame.loc[mask], int(mask.sum()), fix)


def _is_binary_object(values: pd.Series) -> bool:
    uniques = pd.unique(values.dropna())
    return len(uniques) <= 2 and all(isinstance(v, (bool, np.bool_, int, np.integer)) and v in (0, 1)
                                     for v in uniques)


def _is_onehot(frame: pd.DataFrame) -> bool:
    if frame.shape[1] == 0:
        return False
    for name, dtype in frame.dtypes.items():
        if isinstance(dtype, pd.SparseDtype):
            dtype = dtype.subtype
        if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
            continue
        if pd.api.types.is_object_dtype(dtype) and _is_binary_object(frame[name]):
            continue
        return False
    return True


def _from_onehot(frame: pd.DataFrame) -> Baskets:
    """Baskets from a one-hot frame; NaN cells are recorded as missing (mlxtend's ``null_values``)."""
    rows_list, cols_list = [], []
    missing_cols: dict[int, np.ndarray] = {}
    for j, col in enumerate(frame.columns):
        values = frame.iloc[:, j]
        if isinstance(values.dtype, pd.SparseDtype):
            values = values.sparse.to_dense()
        arr = values.to_numpy()
        nan = pd.isna(arr) if arr.dtype == object or arr.dtype.kind == "f" else np.zeros(len(arr), bool)
        if arr.dtype == object or arr.dtype.kind == "f":
            ok = nan.copy()
            ok[~nan] = np.isin(arr[~nan], [0, 1])
            bad = ~ok
            if bad.any():
                raise bad_rows_error(str(col), "values other than 0/1, True/False or missing", values[bad],
                                     int(bad.sum()), "pass a one-hot frame of booleans, or a long "
                                     "table with an item column")
        elif arr.dtype.kind in "iu" and ((arr != 0) & (arr != 1)).any():
            bad = (arr != 0) & (arr != 1)
            raise bad_rows_error(str(col), "values other than 0/1", values[bad], int(bad.sum()),
                                 "pass a one-hot frame of booleans, or a long table with an item column")
        present = np.zeros(len(arr), bool)
        present[~nan] = arr[~nan].astype(bool)
        if nan.any():
            missing_cols[j] = nan
        hit = np.flatnonzero(present)
        rows_list.append(hit)
        cols_list.append(np.full(len(hit), j, dtype=np.int64))
    rows = np.concatenate(rows_list) if rows_list else np.empty(0, np.int64)
    cols = np.concatenate(cols_list) if cols_list else np.empty(0, np.int64)
    labels = np.asarray(list(frame.columns), dtype=object)
    baskets = _from_codes(rows.astype(np.int64), cols, len(frame), labels, frame.index, "row")
    if not missing_cols:
        return baskets
    miss = np.zeros((len(frame), len(labels)), bool)
    for j, mask in missing_cols.items():
        miss[:, j] = mask
    pres = np.zeros((len(frame), len(labels)), bool)
    pres[rows, cols] = True
    cells = MissingCells(present=pack_columns(pres), missing=pack_columns(miss), n_rows=len(frame))
    return Baskets(indptr=baskets.indptr, indices=baskets.indices, items=baskets.items, ids=baskets.ids,
                   unit="row", missing=cells)


def _from_lists(data: Iterable[Iterable[Any]]) -> Baskets:
    baskets = data if isinstance(data, (list, tuple)) else list(data)
    for pos, basket in enumerate(baskets):
        if isinstance(basket, (str, bytes)) or not isinstance(basket, Iterable):
            raise ParameterError(
                f"basket {pos} is {type(basket).__name__} {basket!r}, not a collection of items. "
                "Fix: pass a list of baskets, each a list/set/tuple of items, e.g. [['milk', 'bread']]."
            )
    sizes = np.fromiter((len(b) for b in baskets), dtype=np.int64, count=len(baskets)) \
        if all(hasattr(b, "__len__") for b in baskets) else None
    if sizes is None:
        baskets = [list(b) for b in baskets]
        sizes = np.fromiter((len(b) for b in baskets), dtype=np.int64, count=len(baskets))
    flat = pd.Series(list(itertools.chain.from_iterable(baskets)), dtype=object)
    owner = pd.Series(np.repeat(np.arange(len(baskets)), sizes), name="basket")
    if flat.isna().any():
        rows = owner[flat.isna().to_numpy()]
        raise bad_rows_error("item", "missing items (None/NaN) in baskets",
                             rows, len(rows), "remove missing items first")
    check_values(flat, "item", rows=pd.DataFrame({"basket": owner, "item": flat}))
    codes, labels = _factorize(flat)
    rows = np.repeat(np.arange(len(baskets), dtype=np.int64), sizes)
    return _from_codes(rows, codes, len(baskets), labels, pd.RangeIndex(len(baskets)), "basket")


def _check_one_owner(data: pd.DataFrame, order_codes: np.ndarray, n_orders: int, order_col: str,
                     customer_col: str) -> None:
    """Raise when an order id belongs to several customers (their lines would merge into one basket).

    Rows without a customer id (guest orders) are not checked.
    """
    cust_codes = pd.factorize(data[customer_col])[0].astype(np.int64)
    known = cust_codes >= 0
    if not known.any():
        return
    low = np.full(n_orders, np.iinfo(np.int64).max, np.int64)
    high = np.full(n_orders, -1, np.int64)
    np.minimum.at(low, order_codes[known], cust_codes[known])
    np.maximum.at(high, order_codes[known], cust_codes[known])
    shared = np.flatnonzero((high >= 0) & (low != high))
    if len(shared):
        rows = np.isin(order_codes, shared)
        raise bad_rows_error(
            order_col, "order ids shared by several customers (their lines would be mined as one basket)",
            data.loc[rows].sort_values(order_col).head(6), int(rows.sum()),
            "give every order one customer (an order id is unique to a customer; check the join that "
            "produced the table), or mine per customer with unit='customer'")


def make_baskets(
    data: Any,
    *,
    unit: str = "order",
    hierarchy: Mapping[Any, Any] | pd.Series | None = None,
    columns: Mapping[str, str] | Columns | None = None,
    order_id: str | None = None,
    customer_id: str | None = None,
    item: str | None = None,
) -> Baskets:
    """Build sparse baskets from a long CRM table, a list of baskets or a one-hot frame.

    Parameters
    ----------
    data : DataFrame, list of baskets, one-hot DataFrame or Baskets
        A long table with one row per (order or customer, item) - pandas, or
        polars, pyarrow, DuckDB and Spark tables through crmmine's backend
        layer (only the two columns are collected) -; a list whose elements
        are collections of items; or a one-hot frame of booleans or 0/1 (rows
        are baskets, columns items, as mlxtend expects), where missing values
        (NaN) are allowed and recorded as missing cells.
    unit : {"order", "customer"}
        For a long table, what a basket is: each order (basket analysis) or
        each customer's whole history ("customers who bought A also bought B").
    hierarchy : mapping or Series, optional
        Item -> group (e.g. SKU -> category) to mine at the higher level. Every
        item must be mapped.
    columns : mapping or Columns, optional
        Column names, e.g. ``{"order_id": "InvoiceNo"}``.
    order_id, customer_id, item : str, optional
        Keyword overrides of the column names.

    Returns
    -------
    Baskets
        Basket ids in sorted order (when sortable); an item bought twice in a
        basket counts once.

    Raises
    ------
    SchemaError
        If the unit or item column is missing, or a column name is duplicated.
    DataError
        If ids or items are missing, unhashable (lists, dicts) or of mixed
        types (``1`` and ``"1"``), or a hierarchy leaves items unmapped.

    See Also
    --------
    Baskets : the result.
    frequent_itemsets : mines the baskets (and builds them itself from the same inputs).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"order_id": [1, 1, 2, 2, 2], "customer_id": [7, 7, 7, 7, 7],
    ...                    "item": ["a", "b", "a", "c", "c"]})
    >>> make_baskets(tx).to_lists()
    [['a', 'b'], ['a', 'c']]
    >>> make_baskets(tx, unit="customer").to_lists()
    [['a', 'b', 'c']]
    >>> make_baskets(tx, hierarchy={"a": "dairy", "b": "bakery", "c": "dairy"}).to_lists()
    [['bakery', 'dairy'], ['dairy']]

    References
    ----------
    Agrawal, R., Srikant, R. (1994). Fast algorithms for mining association
    rules. Proc. 20th VLDB, 487-499 (the transaction-database model).
    """
    if isinstance(data, Baskets):
        if hierarchy is not None and data.missing is not None:
            raise ParameterError("parameter 'hierarchy' cannot be combined with missing cells in a one-hot "
                                 "frame. Fix: fill the missing values, or map the columns first.")
        if hierarchy is not None:
            lists = data.to_lists()
            flat = pd.Series(list(itertools.chain.from_iterable(lists)), dtype=object)
            mapped = _apply_hierarchy(flat, hierarchy, "item")
            codes, labels = _factorize(mapped)
            rows = np.repeat(np.arange(data.n_baskets, dtype=np.int64), data.sizes())
            return _from_codes(rows, codes, data.n_baskets, labels, data.ids, data.unit)
        return data
    if unit not in _UNITS:
        raise ParameterError(f"parameter 'unit' must be one of {_UNITS}, got {unit!r}. Fix: unit='order' "
                             "for basket analysis or unit='customer' for customer-level co-purchase.")
    cols = resolve_columns(columns, order_id=order_id, customer_id=customer_id, item=item)
    unit_col = cols.order_id if unit == "order" else cols.customer_id
    kind = input_kind(data)
    if kind == "lists":
        baskets = _from_lists(data)
        return make_baskets(baskets, hierarchy=hierarchy) if hierarchy is not None else baskets
    names = column_names(data)
    if cols.item not in names:
        if kind == "pandas" and unit_col not in names and _is_onehot(data):
            baskets = _from_onehot(data)
            return make_baskets(baskets, hierarchy=hierarchy) if hierarchy is not None else baskets
        raise missing_columns_error([cols.item], names)
    if unit_col not in names:
        raise missing_columns_error([unit_col], names)
    owner = cols.customer_id if unit == "order" and cols.customer_id in names else None
    if kind != "pandas":
        needed = [unit_col, cols.item, *([owner] if owner else [])]
        data = to_pandas(data, what="transactions", columns=needed)
    _check_nulls(data, unit_col, f"drop or fill rows without an {unit} id (see clean_transactions)")
    _check_nulls(data, cols.item, "drop or fill rows without an item")
    check_values(data[unit_col], unit_col, what=f"{unit} ids", rows=data[[unit_col, cols.item]])
    check_values(data[cols.item], cols.item, what="items", rows=data[[unit_col, cols.item]])
    items = data[cols.item]
    if hierarchy is not None:
        items = _apply_hierarchy(items, hierarchy, cols.item)
    if len(data) == 0:
        raise DataError(f"the transaction table is empty: no ({unit_col}, {cols.item}) rows to mine. "
                        "Fix: pass a table with at least one row.")
    unit_codes, unit_ids = _factorize(data[unit_col], as_object=False)
    if owner is not None:
        _check_one_owner(data, unit_codes, len(unit_ids), unit_col, owner)
    item_codes, labels = _factorize(items)
    return _from_codes(unit_codes, item_codes, len(unit_ids), labels,
                       pd.Index(unit_ids, name=unit_col), unit)
