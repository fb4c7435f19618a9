"""Reading a raw transaction table into typed helper columns, on any backend.

Cleaning and validation share this step. It never modifies the input: it
returns a narwhals LazyFrame holding the input's columns plus helper columns
(``__cm_*``) with the customer id, the parsed date, the numeric amount,
quantity and unit price, and flags for the values that could not be read.
pandas input is read with pandas (dates with :func:`crmmine.data.dates.parse_dates`);
every other backend is read inside its engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine.data.columns import Columns, require_columns
from crmmine.data.dates import engine_date_column, parse_dates
from crmmine.errors import DataError, bad_rows_error

__all__ = ["POS", "CID", "DATE", "DATE_BAD", "AMT", "AMT_BAD", "QTY", "PRICE", "Prepared", "prepare",
           "blank_ids_missing", "check_id_values"]

POS = "__cm_pos"
CID = "__cm_cid"
DATE = "__cm_date"
DATE_BAD = "__cm_date_bad"
AMT = "__cm_amt"
AMT_BAD = "__cm_amt_bad"
QTY = "__cm_qty"
PRICE = "__cm_price"
_UNHASHABLE = (list, dict, set, np.ndarray)


@dataclass
class Prepared:
    """The typed view of a raw table (see the module docstring)."""

    lf: nw.LazyFrame
    kind: str
    original: list[str]
    has_positions: bool
    notes: list[tuple[str, Any]] = field(default_factory=list)
    amount_source: str = ""


def check_id_values(ids: pd.Series, column: str, what: str = "customer id") -> pd.Series:
    """Ids of one hashable type (pandas): categories become their values; mixed types raise.

    Examples
    --------
    >>> check_id_values(pd.Series([1, "1"], dtype=object), "customer_id")
    Traceback (most recent call last):
    ...
    crmmine.errors.DataError: column 'customer_id': 1 row with customer ids of mixed types ...
    """
    if isinstance(ids.dtype, pd.CategoricalDtype):
        return ids.astype(ids.dtype.categories.dtype)
    if ids.dtype != object:
        return ids
    kind = pd.api.types.infer_dtype(ids, skipna=True)
    if kind in ("integer", "mixed-integer-float", "floating"):
        return pd.to_numeric(ids)
    if kind.startswith("mixed") or kind == "unknown-array":
        types = ids.dropna().map(type)
        unhashable = types.map(lambda t: issubclass(t, _UNHASHABLE)).to_numpy(dtype=bool)
        if unhashable.any():
            bad = ids.dropna()[unhashable]
            raise bad_rows_error(
                column, f"{what}s that are lists or other containers (not usable as ids)", bad,
                int(unhashable.sum()),
                f"give every row a single {what} (a number or a text), e.g. explode the lists first.",
            )
        if kind.startswith("mixed"):
            common = types.value_counts(sort=True).index[0]
            minority = (types != common).to_numpy()
            names = sorted({t.__name__ for t in types.unique()})
            raise bad_rows_error(
                column, f"{what}s of mixed types {names} (1 and '1' would be two customers)",
                ids.dropna()[minority], int(minority.sum()),
                f"convert the column to one type first, e.g. df[{column!r}] = "
                f"df[{column!r}].astype(str), or to numbers with pd.to_numeric.",
            )
    return ids


def blank_ids_missing(ids: pd.Series) -> pd.Series:
    """Text ids that are empty or only spaces (``""``, ``"  "``) as missing: such a row names no
    customer, and kept as an id it would make one customer of every blank row.

    Examples
    --------
    >>> blank_ids_missing(pd.Series(["a", "", "  ", None], dtype=object)).isna().tolist()
    [False, True, True, True]
    """
    if not (ids.dtype == object or pd.api.types.is_string_dtype(ids.dtype)):
        return ids
    text = ids.map(lambda v: isinstance(v, str) and not v.strip(), na_action="ignore")
    blank = text.fillna(False).to_numpy(dtype=bool)
    if not blank.any():
        return ids
    return ids.mask(blank)


def _numeric_pandas(values: pd.Series, column: str, role: str,
                    notes: list[tuple[str, Any]]) -> pd.Series:
    if pd.api.types.is_bool_dtype(values.dtype) or (
        values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) == "boolean"
    ):
        raise DataError(
            f"column {column!r} holds booleans (True/False), not {role}s. Fix: map the {role} "
            f"role to a numeric column ({role}='<your column>')."
        )
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(values.dtype.categories.dtype)
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values
    converted = pd.to_numeric(values, errors="coerce").astype("float64")
    n = int(converted.notna().sum())
    if n:
        notes.append((f"{role}s converted to numbers (from text or Decimal)", n))
    return converted


def _prepare_pandas(raw: pd.DataFrame, cols: Columns, unit_price: str | None, has_qty: bool,
                    has_amount: bool, date_format: str | None, dayfirst: bool | None) -> Prepared:
    notes: list[tuple[str, Any]] = []
    ids = blank_ids_missing(check_id_values(raw[cols.customer_id], cols.customer_id))
    dates = parse_dates(raw[cols.date], cols.date, date_format=date_format, dayfirst=dayfirst)
    notes += dates.notes
    new: dict[str, Any] = {
        POS: np.arange(len(raw)),
        CID: ids.to_numpy(),
        DATE: dates.values.to_numpy(),
        DATE_BAD: dates.bad,
    }
    qty = None
    if has_qty:
        qty_values = _numeric_pandas(raw[cols.quantity], cols.quantity, "quantity", notes)
        new[QTY] = qty_values.to_numpy()
        qty = qty_values.astype("float64").to_numpy()
    if unit_price is not None:
        price_values = _numeric_pandas(raw[unit_price], unit_price, "unit price", notes)
        new[PRICE] = price_values.to_numpy()
        price = price_values.astype("float64").to_numpy()
        with np.errstate(over="ignore", invalid="ignore"):
            amount = qty * price
    elif has_amount:
        amount = _numeric_pandas(raw[cols.amount], cols.amount, "amount", notes)
        amount = amount.astype("float64").to_numpy()
    else:
        amount = np.zeros(len(raw))
    new[AMT] = amount
    new[AMT_BAD] = ~np.isfinite(amount)
    work = raw.assign(**new) if len(raw.columns) else pd.DataFrame(new)
    return Prepared(_backend.to_lazy(work), "pandas", list(raw.columns), True, notes)


def _numeric_engine(lf: nw.LazyFrame, column: str, out: str, role: str,
                    notes: list[tuple[str, Any]]) -> nw.LazyFrame:
    dtype = lf.collect_schema()[column]
    if isinstance(dtype, nw.Boolean):
        raise DataError(
            f"column {column!r} holds booleans (True/False), not {role}s. Fix: map the {role} "
            f"role to a numeric column ({role}='<your column>')."
        )
    if dtype.is_numeric():
        return lf.with_columns(nw.col(column).alias(out))
    if isinstance(dtype, nw.String):
        notes.append((f"{role}s converted to numbers (from text or Decimal)", ~nw.col(out).is_null()))
        return _backend.try_cast_float(lf, column, out)
    raise DataError(
        f"column {column!r} has type {dtype}, not a number. Fix: cast it to a numeric type in "
        "the engine first."
    )


def _prepare_engine(frame: Any, cols: Columns, unit_price: str | None, has_qty: bool,
                    has_amount: bool, date_format: str | None, dayfirst: bool | None,
                    kind: str) -> Prepared:
    notes: list[tuple[str, Any]] = []
    has_positions = isinstance(frame, nw.DataFrame)
    if has_positions:
        frame = frame.with_row_index(POS)
    lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    original = [c for c in lf.collect_schema().names() if c != POS]
    id_type = lf.collect_schema()[cols.customer_id]
    cid = nw.col(cols.customer_id)
    if isinstance(id_type, nw.Categorical | nw.Enum):
        cid = cid.cast(nw.String)
        id_type = nw.String()
    if isinstance(id_type, nw.String):  # blank text names no customer (as in pandas)
        cid = nw.when(cid.str.strip_chars() == "").then(nw.lit(None, dtype=nw.String)).otherwise(cid)
    lf = lf.with_columns(cid.alias(CID))
    lf, date_notes = engine_date_column(lf, cols.date, DATE, date_format=date_format,
                                        dayfirst=dayfirst)
    notes += date_notes
    lf = lf.with_columns(nw.col(DATE).is_null().alias(DATE_BAD))
    if has_qty:
        lf = _numeric_engine(lf, cols.quantity, QTY, "quantity", notes)
    if unit_price is not None:
        lf = _numeric_engine(lf, unit_price, PRICE, "unit price", notes)
        lf = lf.with_columns((nw.col(QTY).cast(nw.Float64) * nw.col(PRICE).cast(nw.Float64)).alias(AMT))
    elif has_amount:
        lf = _numeric_engine(lf, cols.amount, AMT, "amount", notes)
        lf = lf.with_columns(nw.col(AMT).cast(nw.Float64))
    else:
        lf = lf.with_columns(nw.lit(0.0).alias(AMT))
    lf = lf.with_columns((~nw.col(AMT).is_finite().fill_null(False)).alias(AMT_BAD))
    return Prepared(lf, kind, original, has_positions, notes)


def prepare(
    raw: Any,
    cols: Columns,
    *,
    what: str,
    unit_price: str | None,
    date_format: str | None,
    dayfirst: bool | None,
    need_amount: bool = True,
) -> Prepared:
    """Check the table and its columns, and add the typed helper columns."""
    frame = _backend.to_narwhals(raw, what=what)
    kind = _backend.backend_of(frame)
    names = frame.collect_schema().names() if isinstance(frame, nw.LazyFrame) else frame.columns
    needed = [cols.customer_id, cols.date]
    if unit_price is not None:
        needed += [unit_price, cols.quantity]
    elif need_amount:
        needed.append(cols.amount)
    keywords = {**cols.keywords(), **({unit_price: "unit_price"} if unit_price is not None else {})}
    require_columns(names, needed, role=what, parameters=keywords)
    has_qty = cols.quantity in names
    has_amount = cols.amount in names
    if kind == "pandas":
        prepared = _prepare_pandas(raw, cols, unit_price, has_qty, has_amount, date_format, dayfirst)
    else:
        prepared = _prepare_engine(frame, cols, unit_price, has_qty, has_amount, date_format,
                                   dayfirst, kind)
    prepared.kind = kind
    prepared.amount_source = (f"{cols.quantity} * {unit_price}" if unit_price is not None
                              else cols.amount)
    return prepared


def positions_text(lf: nw.LazyFrame, mask: nw.Expr, has_positions: bool, limit: int = 10) -> str:
    """`` (row positions 3, 7; file lines 5, 9 ...)`` for eager tables, else ``""``."""
    if not has_positions:
        return ""
    pos = _backend.collect_pandas(lf.filter(mask).select(POS).head(limit))[POS].astype(int).tolist()
    if not pos:
        return ""
    more = ", ..." if len(pos) == limit else ""
    rows = ", ".join(str(p) for p in pos) + more
    lines = ", ".join(str(p + 2) for p in pos) + more
    return (f" (row positions {rows}; file lines {lines} if the table was read from a CSV file "
            "with one header line)")


def examples(lf: nw.LazyFrame, mask: nw.Expr, original: list[str], n: int = 5) -> pd.DataFrame:
    """Up to ``n`` offending rows, in the input's own columns, as pandas."""
    return _backend.collect_pandas(lf.filter(mask).select(original).head(n))


def pandas_examples(work: pd.DataFrame, flag: str, original: list[str], n: int = 5) -> pd.DataFrame:
    """:func:`examples` for a pandas work frame and a boolean flag column (faster)."""
    rows = np.flatnonzero(work[flag].to_numpy(dtype=bool))[:n]
    return work.iloc[rows][original]
