"""Small helpers shared by the customer-value methods (components, Dwyer, events, curves,
economics, contractual): discounting by compounding, period grids, input checks.

Private: the public names live in the modules that use them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine._units import naive_utc, time_unit_days
from crmmine.errors import DataError, ParameterError, SchemaError, bad_rows_error, missing_columns_error

__all__ = [
    "as_timestamp",
    "utc_days",
    "check_dates",
    "check_ids",
    "check_numeric_column",
    "discount_per",
    "period_days",
    "require_frame",
    "warn_after_as_of",
]


def period_days(period: str | float, *, name: str = "period") -> float:
    """Length of a period in days (``"M"`` is 365.25 / 12 days, as everywhere in crmmine).

    Examples
    --------
    >>> period_days("Y"), period_days("Q")
    (365.25, 91.3125)
    """
    try:
        return time_unit_days(period)
    except ParameterError as exc:
        raise ParameterError(f"{name}={period!r}: {exc}") from None


def discount_per(annual_discount_rate: float, period: str | float) -> float:
    """The discount rate per ``period`` equivalent to ``annual_discount_rate`` (by compounding).

    ``(1 + annual) ** (days per period / 365.25) - 1``: never a division, so twelve monthly
    discounts equal one annual discount.

    Examples
    --------
    >>> round(discount_per(0.10, "Y"), 12)
    0.1
    >>> round((1 + discount_per(0.10, "M")) ** 12, 12)
    1.1

    Every public caller declares ``annual_discount_rate`` as a number > -1 (``crmmine._params``).
    """
    return float((1.0 + annual_discount_rate) ** (period_days(period) / 365.25) - 1.0)


def as_timestamp(value: Any, name: str) -> pd.Timestamp:
    """A time-zone-naive Timestamp or a ParameterError naming ``name``."""
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a date. Fix: pass e.g. '2011-12-09'.") from None
    if ts is pd.NaT:
        raise ParameterError(f"{name} must be a date, got NaT.")
    return naive_utc(ts)


def utc_days(dates: pd.Series) -> pd.Series:
    """Dates as time-zone-naive days; time-zone-aware dates are read in UTC (as customer_summary does)."""
    dates = pd.to_datetime(dates)
    dates = naive_utc(dates)  # as customer_summary: time-zone-aware dates are read in UTC
    return dates.dt.normalize()


def require_frame(table: Any, needed: list[str], *, what: str) -> pd.DataFrame:
    """``table`` as pandas (any backend crmmine reads) with the ``needed`` columns present."""
    from crmmine._backend import to_pandas
    from crmmine.errors import missing_columns_error

    if not isinstance(table, pd.DataFrame):
        try:
            table = to_pandas(table, what=what)
        except Exception as exc:  # a list, a dict, None ...
            raise ParameterError(
                f"{what} must be a table (pandas, polars, DuckDB or Spark), got {type(table).__name__}."
            ) from exc
    if table.columns.has_duplicates:
        dup = table.columns[table.columns.duplicated()].unique().tolist()
        raise SchemaError(f"{what} has duplicated column names {dup}. Fix: give every column its own name.")
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise missing_columns_error(missing, table.columns, role=what)
    return table


def check_numeric_column(
    frame: pd.DataFrame,
    column: str,
    *,
    what: str,
    minimum: float | None = None,
    strictly: bool = False,
    fix: str,
) -> np.ndarray:
    """The column as float64, or a DataError naming the column, the bad rows and the fix.

    Non-numeric, missing and infinite values are always bad; values below ``minimum``
    (or equal to it with ``strictly``) too.
    """
    if column not in frame.columns:
        raise missing_columns_error([column], frame.columns, role="table")
    raw = frame[column]
    if raw.dtype == bool or pd.api.types.is_datetime64_any_dtype(raw):
        raise bad_rows_error(
            column, f"{raw.dtype} values where {what} must be numbers", raw.head(), len(raw), fix
        )
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values)
    if minimum is not None:
        bad |= (values <= minimum) if strictly else (values < minimum)
    if bad.any():
        limit = "" if minimum is None else (f" or {'<=' if strictly else '<'} {minimum:g}")
        raise bad_rows_error(
            column,
            f"missing, non-numeric, infinite{limit} values for {what}",
            frame.loc[bad, [column]],
            int(bad.sum()),
            fix,
        )
    return values


def check_ids(frame: pd.DataFrame, column: str, *, fix: str) -> None:
    """Raise naming the rows without a customer id."""
    bad = frame[column].isna()
    if bad.any():
        raise bad_rows_error(column, "missing customer ids", frame[bad], int(bad.sum()), fix)


def check_dates(frame: pd.DataFrame, column: str, *, fix: str) -> None:
    """Raise unless ``column`` holds datetimes without missing values (naming the bad rows)."""
    raw = frame[column]
    is_datetime = pd.api.types.is_datetime64_any_dtype(raw)
    if not is_datetime or raw.isna().any():
        bad = raw.isna() if is_datetime else raw.notna()
        raise bad_rows_error(column, "missing or non-datetime dates", frame[bad], int(bad.sum()), fix)


def unique_index(index: pd.Index, *, what: str) -> None:
    """Raise when a per-customer table has duplicated ids."""
    if index.has_duplicates:
        dup = index[index.duplicated()].unique()
        raise DataError(
            f"{what} has duplicated customer ids ({len(dup):,}, e.g. {list(dup[:5])}). "
            "Fix: one row per customer (aggregate first)."
        )


def warn_after_as_of(ids: pd.Series, keep: np.ndarray, ref: pd.Timestamp, *, rows: str = "transactions",
                     left: str = "have no purchase up to as_of and are not valued",
                     caller: str = "", stacklevel: int = 3) -> None:
    """Warn (``DataWarning``) about rows dated after ``as_of`` and name the customers they leave out.

    ``ids`` are the customer ids of every row, ``keep`` the rows on or before ``as_of``.
    """
    import warnings

    from crmmine.errors import DataWarning

    if keep.all():
        return
    later = ids[~keep]
    gone = later[~later.isin(ids[keep])].unique()
    warnings.warn(
        f"{caller + ': ' if caller else ''}{int((~keep).sum()):,} {rows} dated after as_of ({ref.date()}) "
        f"are not used; {len(gone):,} customers {left}"
        + (f" (e.g. {gone[:5].tolist()})" if len(gone) else "")
        + ". Fix: pass a later as_of to include them.",
        DataWarning,
        stacklevel=stacklevel + 1,
    )
