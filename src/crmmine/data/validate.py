"""Validation of transaction tables: schema, ids, dates, amounts, duplicates.

:func:`validate_transactions` is the single gate through which pandas
transaction tables enter crmmine. It never modifies its input: it returns a
new frame in which dates are parsed and amounts are numeric, or raises a
:class:`~crmmine.errors.CRMMineError` that names the column, shows up to five
offending rows, gives their count and says how to fix the problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from crmmine.data.columns import Columns, require_columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["parse_dates", "validate_transactions"]

_ROLES_DEFAULT: tuple[str, ...] = ("customer_id", "date", "amount")


def parse_dates(values: pd.Series, column: str) -> pd.Series:
    """Parse a column of dates, raising a :class:`DataError` on any unparseable value.

    Already-datetime columns are returned unchanged (time zones are kept).
    Strings are parsed with mixed ISO-like formats.

    Examples
    --------
    >>> parse_dates(pd.Series(["2011-01-02", "2011-01-03 10:00"]), "date").dt.day.tolist()
    [2, 3]
    >>> parse_dates(pd.Series(["2011-01-02", "yesterday"]), "date")
    Traceback (most recent call last):
    ...
    crmmine.errors.DataError: column 'date': 1 row with dates that cannot be parsed...
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    parsed = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = parsed.isna() & values.notna()
    if bad.any():
        raise bad_rows_error(
            column,
            "dates that cannot be parsed",
            values[bad],
            int(bad.sum()),
            "correct or remove these rows, or parse the column yourself with "
            "pd.to_datetime(..., format=...) before calling crmmine.",
        )
    return parsed


def _check_ids(frame: pd.DataFrame, column: str, what: str) -> None:
    ids = frame[column]
    null = ids.isna()
    if null.any():
        raise bad_rows_error(
            column,
            f"missing {what}",
            frame.loc[null].head(),
            int(null.sum()),
            f"drop or fill the rows without a {what} first, or use "
            "clean_transactions(..., missing_customer='drop') which logs what it removes.",
        )
    if ids.dtype == object or pd.api.types.is_string_dtype(ids):
        kind = pd.api.types.infer_dtype(ids, skipna=True)
        if kind.startswith("mixed"):
            types = ids.map(type)
            minority = types != types.mode().iloc[0]
            raise bad_rows_error(
                column,
                f"{what}s of mixed types ({sorted({t.__name__ for t in types.unique()})})",
                frame.loc[minority].head(),
                int(minority.sum()),
                f"convert the column to one type, e.g. df[{column!r}] = df[{column!r}].astype(str).",
            )


def validate_transactions(
    tx: pd.DataFrame,
    *,
    required: Sequence[str] = _ROLES_DEFAULT,
    columns: Mapping[str, str] | Columns | None = None,
    duplicates: str = "raise",
    allow_negative: bool = False,
    as_of: str | pd.Timestamp | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    item: str | None = None,
    quantity: str | None = None,
) -> pd.DataFrame:
    """Check a transaction table and return a validated copy.

    Checks, in this order: the table is not empty; the required columns exist
    (suggesting close names when not); ids are present and of one type; dates
    parse; amounts are numeric (and non-negative unless ``allow_negative``);
    no exact duplicate rows (unless ``duplicates="keep"``); no dates after
    ``as_of`` when given.

    Parameters
    ----------
    tx : DataFrame
        One row per transaction line.
    required : sequence of str
        Roles that must be present, among ``customer_id``, ``order_id``,
        ``date``, ``amount``, ``item``, ``quantity``.
    columns : mapping or Columns, optional
        Column names by role; keyword arguments below override it.
    duplicates : {"raise", "keep"}
        What to do with rows that are exact copies of an earlier row.
    allow_negative : bool
        Accept negative amounts (returns kept under the ``"net"`` policy).
    as_of : date-like, optional
        Raise if any transaction is dated after it.
    customer_id, order_id, date, amount, item, quantity : str, optional
        Column names by role.

    Returns
    -------
    DataFrame
        A new frame (the input is untouched) with the date column parsed and
        the amount column numeric.

    Raises
    ------
    SchemaError
        A required column is missing.
    DataError
        Empty input, null or mixed-type ids, unparseable dates, non-numeric or
        negative amounts, duplicate rows, dates after ``as_of``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2], "date": ["2011-01-03", "2011-01-05"],
    ...                    "amount": [10.0, 5.5]})
    >>> validate_transactions(tx)["date"].dtype.kind
    'M'
    >>> validate_transactions(tx.assign(amount=["10", "ten"]))
    Traceback (most recent call last):
    ...
    crmmine.errors.DataError: column 'amount': 1 row with amounts that are not numbers...
    """
    if duplicates not in ("raise", "keep"):
        raise ParameterError(f"duplicates must be 'raise' or 'keep', got {duplicates!r}.")
    if not isinstance(tx, pd.DataFrame):
        raise ParameterError(
            f"expected a pandas DataFrame of transactions, got {type(tx).__name__}. "
            "Fix: pass a DataFrame (polars and DuckDB input is accepted by customer_summary)."
        )
    cols = resolve_columns(
        columns, customer_id=customer_id, order_id=order_id, date=date, amount=amount,
        item=item, quantity=quantity,
    )
    if len(tx) == 0:
        raise DataError(
            "the transaction table is empty (0 rows). Fix: check the file or the filter that "
            "produced it; crmmine needs at least one transaction."
        )
    names = cols.as_dict()
    unknown = [r for r in required if r not in names]
    if unknown:
        raise ParameterError(f"unknown roles in required: {unknown}; known: {list(names)}.")
    require_columns(tx.columns, [names[r] for r in required], role="transactions")
    if tx.columns.duplicated().any():
        dup = list(tx.columns[tx.columns.duplicated()])
        raise DataError(f"transactions have duplicated column names {dup}. Fix: rename them.")

    out = tx.copy()
    if "customer_id" in required:
        _check_ids(out, cols.customer_id, "customer id")
    if "order_id" in required:
        _check_ids(out, cols.order_id, "order id")
    if "date" in required:
        out[cols.date] = parse_dates(out[cols.date], cols.date)
        if as_of is not None:
            cutoff = pd.Timestamp(as_of)
            late = out[cols.date] > cutoff
            if late.any():
                raise bad_rows_error(
                    cols.date,
                    f"dates after as_of={cutoff.date()}",
                    out.loc[late].head(),
                    int(late.sum()),
                    "pass a later as_of, filter the rows first, or use calibration_holdout to "
                    "split the log at a date.",
                )
    for role in ("amount", "quantity"):
        if role not in required:
            continue
        name = names[role]
        values = out[name]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            numeric = pd.to_numeric(values, errors="coerce")
            bad = numeric.isna() & values.notna()
            if bad.any():
                raise bad_rows_error(
                    name, f"{role}s that are not numbers", out.loc[bad].head(), int(bad.sum()),
                    "convert the column with pd.to_numeric or remove these rows.",
                )
            out[name] = numeric.astype("float64")
        null = out[name].isna()
        if null.any():
            raise bad_rows_error(
                name, f"missing {role}s", out.loc[null].head(), int(null.sum()),
                "fill or drop these rows before calling crmmine.",
            )
        if not np.isfinite(out[name].to_numpy(dtype="float64")).all():
            bad = ~np.isfinite(out[name].to_numpy(dtype="float64"))
            raise bad_rows_error(
                name, f"infinite {role}s", out.loc[bad].head(), int(bad.sum()),
                "remove these rows.",
            )
        if role == "amount" and not allow_negative:
            neg = out[name] < 0
            if neg.any():
                raise bad_rows_error(
                    name, "negative amounts (returns or corrections)", out.loc[neg].head(),
                    int(neg.sum()),
                    "choose a returns policy with clean_transactions(raw, returns='drop'|'net'|"
                    "'separate'), or pass allow_negative=True.",
                )
    if duplicates == "raise":
        dup = out.duplicated(keep="first")
        if dup.any():
            raise bad_rows_error(
                "(all columns)", "exact duplicates of an earlier row", out.loc[dup].head(),
                int(dup.sum()),
                "remove them with clean_transactions(..., duplicates='drop') (logged), or pass "
                "duplicates='keep' if repeated identical lines are real.",
            )
    return out
