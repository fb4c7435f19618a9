"""Reading the columns an association function needs from a table of any backend.

Every function of the package that reads a long table checks it the same way: column
names must be unique, the needed columns must exist (with a suggestion of close names),
and only those columns are collected to pandas.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import pandas as pd

from crmmine._backend import from_pandas_like, is_pandas, to_narwhals, to_pandas
from crmmine._units import naive_utc
from crmmine.errors import SchemaError, bad_rows_error, missing_columns_error

__all__ = ["checked_dates", "column_names", "read_columns", "recommendations_like"]

#: ``source`` of the row that keeps a customer without any recommendation in an engine output.
NO_RECOMMENDATION = "none"


def column_names(data: Any, *, what: str = "transactions") -> list[Any]:
    """The column names of a pandas, polars, pyarrow, DuckDB or Spark table.

    Raises a :class:`~crmmine.errors.SchemaError` when a name appears more than once.

    Examples
    --------
    >>> column_names(pd.DataFrame({"customer_id": [1], "item": ["a"]}))
    ['customer_id', 'item']
    >>> column_names(pd.DataFrame([[1, "a", "b"]], columns=["customer_id", "item", "item"]))
    Traceback (most recent call last):
    ...
    crmmine.errors.SchemaError: duplicated column names ['item']: a column must appear once to be read...
    """
    if isinstance(data, pd.DataFrame):
        names = list(data.columns)
    else:
        names = list(to_narwhals(data, what=what).columns)
    counts = Counter(map(str, names))
    if len(counts) < len(names):
        dup = sorted(name for name, n in counts.items() if n > 1)
        raise SchemaError(f"duplicated column names {dup}: a column must appear once to be read. "
                          "Fix: rename or drop the copies (frame.loc[:, ~frame.columns.duplicated()]).")
    return names


def read_columns(data: Any, needed: Iterable[Any], *, names: list[Any] | None = None,
                 what: str = "transactions", role: str = "input") -> pd.DataFrame:
    """The ``needed`` columns of ``data`` as pandas (pandas input is not copied).

    ``names`` (from :func:`column_names`) saves reading the names twice; ``role`` names the
    table in the error raised for missing columns.

    Examples
    --------
    >>> tx = pd.DataFrame({"customer_id": [1], "item": ["a"], "note": ["x"]})
    >>> read_columns(tx, ["customer_id", "item"]).columns.tolist()
    ['customer_id', 'item']
    >>> read_columns(tx, ["customer_id", "date"])
    Traceback (most recent call last):
    ...
    crmmine.errors.SchemaError: input is missing column 'date'...
    """
    available = column_names(data, what=what) if names is None else names
    wanted = list(dict.fromkeys(needed))
    missing = [c for c in wanted if c not in available]
    if missing:
        raise missing_columns_error(missing, available, role=role)
    return to_pandas(data, what=what, columns=wanted)


def recommendations_like(recs: pd.DataFrame, like: Any, id_column: str) -> Any:
    """A pandas recommendation table in the kind of ``like`` (output follows input).

    pandas input gets ``recs`` unchanged (customers without any recommendation stay in
    ``attrs["customers_without_recommendations"]``). Other kinds of table carry no
    ``attrs``, so each such customer becomes one row with ``source="none"`` and missing
    ``rank`` and ``item``: every customer asked for is accounted for in the output. Item
    sets (``antecedent``) become sorted lists, which polars, pyarrow, DuckDB and Spark
    store as list columns.

    Examples
    --------
    >>> import polars as pl
    >>> recs = pd.DataFrame({"customer_id": [1], "rank": [1], "item": ["mug"],
    ...                      "antecedent": [frozenset({"tea"})], "source": ["rule"]})
    >>> recs.attrs["customers_without_recommendations"] = [2]
    >>> out = recommendations_like(recs, pl.DataFrame({"customer_id": [1, 2]}), "customer_id")
    >>> out.rows()
    [(1, 1, 'mug', ['tea'], 'rule'), (2, None, None, None, 'none')]
    """
    if is_pandas(like):
        return recs
    flat = recs.copy()
    if "antecedent" in flat.columns:
        flat["antecedent"] = pd.Series(
            [None if not isinstance(a, frozenset | set | list | tuple) else sorted(a, key=str)
             for a in flat["antecedent"]], index=flat.index, dtype=object)
    lacking = list(recs.attrs.get("customers_without_recommendations", []))
    if lacking:
        n = len(lacking)
        extra = {}
        for c in flat.columns:
            if pd.api.types.is_integer_dtype(flat[c]) and c != id_column:
                flat[c] = flat[c].astype("Int64")
            if c == id_column:
                extra[c] = pd.Series(lacking, dtype=flat[c].dtype if len(flat) else None)
            elif c == "source":
                extra[c] = pd.Series([NO_RECOMMENDATION] * n, dtype=flat[c].dtype)
            else:
                extra[c] = pd.Series([None] * n, dtype=flat[c].dtype)
        flat = pd.concat([flat, pd.DataFrame(extra)], ignore_index=True) if len(flat) else pd.DataFrame(extra)
    flat.attrs = {}
    return from_pandas_like(flat, like, index=False)


def checked_dates(tx: pd.DataFrame, column: str) -> pd.Series:
    """The parsed dates of ``tx[column]`` (time-zone-aware ones in UTC without a zone).

    Text dates and missing dates raise: text is not guessed at (``"05/01/2024"`` could be
    either day first or month first) and a row without a date belongs to no period.

    Examples
    --------
    >>> tx = pd.DataFrame({"date": pd.to_datetime(["2024-01-01 23:00"]).tz_localize("Asia/Shanghai")})
    >>> checked_dates(tx, "date").tolist()
    [Timestamp('2024-01-01 15:00:00')]
    """
    when = tx[column]
    if not pd.api.types.is_datetime64_any_dtype(when):
        raise bad_rows_error(
            column, f"values of type {when.dtype} that are not parsed dates", tx.head(), len(tx),
            f"parse the column first: clean_transactions(...) or df[{column!r}] = "
            f"pd.to_datetime(df[{column!r}], format=...)")
    when = naive_utc(when)  # time-zone-aware: read in UTC
    missing = when.isna().to_numpy()
    if missing.any():  # such rows fell in neither period
        raise bad_rows_error(column, "missing dates", tx.loc[missing].head(), int(missing.sum()),
                             "drop or fill the rows without a date (see clean_transactions)")
    return when
