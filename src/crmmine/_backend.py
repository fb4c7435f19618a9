"""The one place that decides how tables of each backend are read and returned.

crmmine accepts pandas, polars (eager or lazy), pyarrow, DuckDB relations and
PySpark DataFrames wherever it reads a table. Every module goes through this
layer (built on narwhals); none looks at module names itself.

The rule is **output follows input**: a function that receives a table of one
kind returns tables of the same kind. Work that can be expressed in narwhals
runs inside the engine (lazy where the engine is lazy); work that needs pandas
(model fits, pandas-only algorithms) collects only what it needs and the result
is converted back with :func:`from_pandas_like`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"customer_id": [1, 2], "amount": [3.0, 4.0]})
>>> backend_of(frame)
'pandas'
>>> lf = to_lazy(frame, what="transactions")
>>> type(to_native_like(lf.with_columns(double=lf_col("amount") * 2), frame)).__name__
'DataFrame'
"""

from __future__ import annotations

from typing import Any

import narwhals as nw
import pandas as pd

from crmmine.errors import ParameterError

__all__ = [
    "BACKENDS",
    "backend_of",
    "collect_pandas",
    "from_pandas_like",
    "is_lazy_backend",
    "is_pandas",
    "lf_col",
    "to_lazy",
    "to_narwhals",
    "to_native_like",
    "to_pandas",
]

#: Backend names as returned by :func:`backend_of`.
BACKENDS = ("pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "pyspark", "other")

_SUPPORTED = "a pandas, polars or pyarrow table, a DuckDB relation or a PySpark DataFrame"


def lf_col(name: str) -> nw.Expr:
    """``narwhals.col`` (re-exported so that modules import expressions from one place)."""
    return nw.col(name)


def to_narwhals(native: Any, *, what: str = "table") -> nw.DataFrame | nw.LazyFrame:
    """Wrap a native table in narwhals, or raise a :class:`ParameterError` naming ``what``."""
    if isinstance(native, nw.DataFrame | nw.LazyFrame):
        return native
    if isinstance(native, pd.Series):
        raise ParameterError(
            f"{what} must be a table, got a pandas Series. Fix: pass series.to_frame() or the "
            "DataFrame it came from."
        )
    try:
        return nw.from_native(native)
    except TypeError:
        raise ParameterError(f"{what} must be {_SUPPORTED}, got {type(native).__name__}.") from None


def backend_of(native: Any) -> str:
    """Name of the backend of a table: one of :data:`BACKENDS`.

    Examples
    --------
    >>> import pandas as pd
    >>> backend_of(pd.DataFrame({"a": [1]}))
    'pandas'
    """
    frame = to_narwhals(native)
    impl = frame.implementation
    if impl.is_pandas():
        return "pandas"
    if impl.is_polars():
        return "polars-lazy" if isinstance(frame, nw.LazyFrame) else "polars"
    if impl.is_pyarrow():
        return "pyarrow"
    if impl.is_duckdb():
        return "duckdb"
    if impl.is_pyspark() or impl.is_pyspark_connect():
        return "pyspark"
    return "other"


def is_pandas(native: Any) -> bool:
    """True for a pandas DataFrame."""
    return isinstance(native, pd.DataFrame)


def is_lazy_backend(native: Any) -> bool:
    """True when the table lives in a lazy engine (polars lazy, DuckDB, Spark)."""
    return backend_of(native) in ("polars-lazy", "duckdb", "pyspark")


def to_lazy(native: Any, *, what: str = "table") -> nw.LazyFrame:
    """A narwhals LazyFrame over any supported table (eager tables are wrapped lazily)."""
    frame = to_narwhals(native, what=what)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def collect_pandas(frame: nw.LazyFrame | nw.DataFrame) -> pd.DataFrame:
    """Collect a narwhals frame into pandas (only for small results or pandas-only work)."""
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return frame.to_pandas()


def to_pandas(native: Any, *, what: str = "table", columns: list[str] | None = None) -> pd.DataFrame:
    """Any supported table as pandas; pandas input is returned as is (not copied).

    ``columns`` restricts the collection to the columns needed.
    """
    if isinstance(native, pd.DataFrame):
        return native if columns is None else native[columns]
    frame = to_narwhals(native, what=what)
    if columns is not None:
        frame = frame.select(columns)
    return collect_pandas(frame)


def from_pandas_like(frame: pd.DataFrame, like: Any, *, index: bool = True) -> Any:
    """Convert a pandas result to the backend of ``like`` (output follows input).

    For non-pandas backends the index (the customer id, by crmmine's convention) becomes
    an ordinary first column, since those engines have no index. pandas input returns
    ``frame`` unchanged.
    """
    kind = backend_of(like)
    if kind == "pandas":
        return frame
    flat = frame.reset_index() if index and not isinstance(frame.index, pd.RangeIndex) else frame
    flat = flat.reset_index(drop=True)
    flat.columns = [str(c) for c in flat.columns]
    if kind in ("polars", "polars-lazy"):
        import polars as pl

        out = pl.from_pandas(flat)
        return out.lazy() if kind == "polars-lazy" else out
    if kind == "pyarrow":
        import pyarrow as pa

        return pa.Table.from_pandas(flat, preserve_index=False)
    if kind == "duckdb":
        import duckdb

        return duckdb.default_connection().from_df(flat)
    if kind == "pyspark":
        spark = to_narwhals(like).to_native().sparkSession
        return spark.createDataFrame(flat)
    raise ParameterError(f"cannot return a result for a {type(like).__name__} input.")


def to_native_like(frame: nw.LazyFrame | nw.DataFrame, like: Any) -> Any:
    """Return a narwhals result in the kind of ``like``: collected for eager inputs, lazy otherwise."""
    kind = backend_of(like)
    if kind in ("pandas", "polars", "pyarrow"):
        if isinstance(frame, nw.LazyFrame):
            frame = frame.collect(backend=to_narwhals(like).implementation)
        return frame.to_native()
    return frame.to_native() if isinstance(frame, nw.LazyFrame) else frame.lazy().to_native()
