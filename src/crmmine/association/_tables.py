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

from crmmine._backend import to_narwhals, to_pandas
from crmmine.errors import SchemaError, missing_columns_error

__all__ = ["column_names", "read_columns"]


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
