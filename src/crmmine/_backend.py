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

import warnings
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import pandas as pd

from crmmine.errors import CRMMineError, DataError, ParameterError, SchemaError, bad_rows_error

__all__ = [
    "BACKENDS",
    "Check",
    "CustomerTable",
    "backend_of",
    "checked_aggregates",
    "numeric_columns",
    "collect_one",
    "collect_pandas",
    "customer_table",
    "day_number",
    "divide",
    "duplicate_flag",
    "engine_kind",
    "finish_table",
    "from_pandas_like",
    "is_engine",
    "is_lazy_backend",
    "is_pandas",
    "lf_col",
    "pandas_indexed",
    "result_like",
    "sort_rows",
    "to_lazy",
    "to_narwhals",
    "to_native_like",
    "to_pandas",
    "try_cast_float",
    "try_parse_datetime",
    "upload",
    "utc_naive",
    "whole_table_window",
]

#: Backend names as returned by :func:`backend_of`.
BACKENDS = ("pandas", "polars", "polars-lazy", "pyarrow", "duckdb", "pyspark", "other")

_SUPPORTED = "a pandas, polars or pyarrow table, a DuckDB relation or a PySpark DataFrame"


def lf_col(name: str) -> nw.Expr:
    """``narwhals.col`` (re-exported so that modules import expressions from one place)."""
    return nw.col(name)


def _duplicate_names(native: Any) -> list[str]:
    columns = getattr(native, "columns", None)
    if columns is None:
        return []
    try:
        names = [str(c) for c in list(columns)]
    except TypeError:  # pragma: no cover - columns of an exotic table
        return []
    seen: set[str] = set()
    dups: list[str] = []
    for name in names:
        if name in seen and name not in dups:
            dups.append(name)
        seen.add(name)
    return dups


def to_narwhals(native: Any, *, what: str = "table") -> nw.DataFrame | nw.LazyFrame:
    """Wrap a native table in narwhals, or raise a crmmine error naming ``what``.

    A table that is not one of the supported kinds raises :class:`ParameterError`;
    duplicated column names raise :class:`SchemaError` naming them.
    """
    if isinstance(native, nw.DataFrame | nw.LazyFrame):
        return native
    if isinstance(native, pd.Series):
        raise ParameterError(
            f"{what} must be a table, got a pandas Series. Fix: pass series.to_frame() or the "
            "DataFrame it came from."
        )
    dups = _duplicate_names(native) if isinstance(native, pd.DataFrame) else []
    if dups:
        raise SchemaError(
            f"{what} have duplicated column names {dups}: a column cannot be chosen by name. "
            "Fix: rename them so that every name is unique (e.g. df.columns = [...]), or drop "
            "the copies."
        )
    try:
        return nw.from_native(native)
    except TypeError:
        raise ParameterError(f"{what} must be {_SUPPORTED}, got {type(native).__name__}.") from None
    except nw.exceptions.DuplicateError as exc:
        raise SchemaError(
            f"{what} have duplicated column names ({exc}). Fix: rename them so that every "
            "name is unique."
        ) from None


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


def _wrap_lazy(native: Any) -> nw.LazyFrame:
    frame = nw.from_native(native)
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _kind(lf: nw.LazyFrame) -> str:
    impl = lf.implementation
    if impl.is_pandas():
        return "pandas"
    if impl.is_polars():
        return "polars"
    if impl.is_duckdb():
        return "duckdb"
    if impl.is_pyspark() or impl.is_pyspark_connect():
        return "pyspark"
    return "other"


def _unsupported(what: str, lf: nw.LazyFrame) -> ParameterError:
    return ParameterError(
        f"{what} is not available for a {lf.implementation} table. Fix: pass a pandas, polars, "
        "DuckDB or PySpark table."
    )


def collect_one(lf: nw.LazyFrame) -> dict[str, Any]:
    """Collect a one-row aggregate into ``{column: Python scalar}`` (a small result only).

    Examples
    --------
    >>> import pandas as pd
    >>> lf = to_lazy(pd.DataFrame({"a": [1, 2, 3]}))
    >>> collect_one(lf.select(n=lf_col("a").sum()))
    {'n': 6}
    """
    frame = collect_pandas(lf)
    if len(frame) != 1:  # pragma: no cover - a programming error, not a user error
        raise RuntimeError(f"expected one row, got {len(frame)}")
    row = frame.iloc[0]
    out: dict[str, Any] = {}
    for name in frame.columns:
        value = row[name]
        if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
            out[name] = None
        elif hasattr(value, "item") and not isinstance(value, pd.Timestamp):
            out[name] = value.item()
        else:
            out[name] = value
    return out


def day_number(expr: nw.Expr) -> nw.Expr:
    """Whole days since 1970-01-01 of a datetime expression (the calendar day, time ignored).

    Written with ``year`` and ``ordinal_day`` only, so that it runs in every engine
    (PySpark has no duration arithmetic in narwhals) and never depends on a time zone
    literal. Leap years follow the Gregorian rule.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.to_datetime(["1970-01-01", "1972-03-01 23:59"], format="ISO8601")
    >>> lf = to_lazy(pd.DataFrame({"d": days}))
    >>> collect_pandas(lf.select(day_number(lf_col("d")).alias("n")))["n"].tolist()
    [0, 790]
    """
    year = expr.dt.year().cast(nw.Int64)
    before = year - 1
    leap_days = before // 4 - before // 100 + before // 400 - 477  # 477 leap days before 1970
    return (year - 1970) * 365 + leap_days + expr.dt.ordinal_day().cast(nw.Int64) - 1


def duplicate_flag(lf: nw.LazyFrame, subset: list[str], out: str, *, order_col: str) -> nw.LazyFrame:
    """Add a boolean column ``out``: True for a row equal (on ``subset``) to an earlier row.

    pandas and polars keep the first occurrence in row order; engines without a row
    order (DuckDB, Spark) keep one arbitrary copy of each group of identical rows, which
    gives the same table since the copies are identical. ``order_col`` must be non-null
    on the rows that matter (rows where it is null are never flagged).
    """
    kind = _kind(lf)
    if kind == "pandas":
        native = lf.to_native()
        flag = native.duplicated(subset=subset, keep="first")
        return _wrap_lazy(native.assign(**{out: flag.to_numpy()}))
    if kind == "polars":
        import polars as pl

        native = lf.to_native()
        return _wrap_lazy(native.with_columns((~pl.struct(subset).is_first_distinct()).alias(out)))
    if kind in ("duckdb", "pyspark"):
        rank = nw.col(order_col).rank("ordinal").over(*subset)
        return lf.with_columns((rank > 1).fill_null(False).alias(out))
    raise _unsupported("finding duplicate rows", lf)


def sort_rows(lf: nw.LazyFrame, by: list[str]) -> nw.LazyFrame:
    """Stable sort for engines with a row order (pandas, polars); engines without one are left as is."""
    kind = _kind(lf)
    if kind == "pandas":
        native = lf.to_native()
        return _wrap_lazy(native.sort_values(by, kind="stable").reset_index(drop=True))
    if kind == "polars":
        return _wrap_lazy(lf.to_native().sort(by, maintain_order=True))
    return lf


_JAVA_PATTERN = {
    "Y": "yyyy", "y": "yy", "m": "MM", "d": "dd", "H": "HH", "M": "mm", "S": "ss", "f": "SSSSSS",
    "b": "MMM", "B": "MMMM", "I": "hh", "p": "a", "j": "DDD", "z": "XX", "%": "%",
}
_LENIENT = {"MM": "M", "dd": "d", "HH": "H", "mm": "m", "ss": "s", "hh": "h"}


def _java_patterns(fmt: str) -> list[str]:
    """Java patterns for a strftime format: zero-padded, and (with separators) unpadded too."""
    strict = _java_pattern(fmt)
    if not any(sep in fmt for sep in "/-.: "):
        return [strict]
    lenient = _java_pattern(fmt, lenient=True)
    return [strict] if lenient == strict else [strict, lenient]


def _java_pattern(fmt: str, lenient: bool = False) -> str:
    """A strftime format as a Java DateTimeFormatter pattern (for Spark).

    Examples
    --------
    >>> _java_pattern("%d/%m/%Y %H:%M"), _java_pattern("%Y-%m-%dT%H", lenient=True)
    ('dd/MM/yyyy HH:mm', "yyyy-M-d'T'H")
    """
    out, i = [], 0
    while i < len(fmt):
        char = fmt[i]
        if char == "%" and i + 1 < len(fmt):
            code = fmt[i + 1]
            if code not in _JAVA_PATTERN:
                raise ParameterError(
                    f"date_format directive %{code} is not supported on Spark; supported: "
                    + ", ".join(f"%{c}" for c in _JAVA_PATTERN) + "."
                )
            piece = _JAVA_PATTERN[code]
            out.append(_LENIENT.get(piece, piece) if lenient else piece)
            i += 2
            continue
        if char.isalpha():
            out.append(f"'{char}'")
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def try_parse_datetime(lf: nw.LazyFrame, source: str, out: str, formats: list[str]) -> nw.LazyFrame:
    """Add ``out``: the text column ``source`` parsed with the first matching strftime format.

    Values that match no format (or name an impossible date such as 2011-02-30) become
    null; nothing raises inside the engine. Runs natively in each engine (polars
    ``strict=False``, DuckDB ``try_strptime``, Spark ``try_to_timestamp``).
    """
    kind = _kind(lf)
    if kind == "pandas":
        native = lf.to_native()
        text = native[source]
        parsed = pd.Series(pd.NaT, index=native.index, dtype="datetime64[us]")
        for fmt in formats:
            attempt = pd.to_datetime(text, format=fmt, errors="coerce").astype("datetime64[us]")
            parsed = parsed.fillna(attempt)
        return _wrap_lazy(native.assign(**{out: parsed}))
    if kind == "polars":
        import polars as pl

        exprs = [pl.col(source).str.to_datetime(f, strict=False, time_unit="us") for f in formats]
        return _wrap_lazy(lf.to_native().with_columns(pl.coalesce(exprs).alias(out)))
    if kind == "duckdb":
        fmts = "[" + ", ".join(_sql_text(f) for f in formats) + "]"
        text = f"CAST({_sql_name(source)} AS VARCHAR)"
        sql = f"*, CAST(try_strptime({text}, {fmts}) AS TIMESTAMP) AS {_sql_name(out)}"
        return _wrap_lazy(lf.to_native().project(sql))
    if kind == "pyspark":
        from pyspark.sql import functions as F

        patterns = [p for f in formats for p in _java_patterns(f)]
        exprs = [F.try_to_timestamp(F.col(source), F.lit(p)) for p in patterns]
        return _wrap_lazy(lf.to_native().withColumn(out, F.coalesce(*exprs)))
    raise _unsupported("parsing dates", lf)


def try_cast_float(lf: nw.LazyFrame, source: str, out: str) -> nw.LazyFrame:
    """Add ``out``: ``source`` as a float, null where it is not a number (never raises)."""
    kind = _kind(lf)
    if kind == "pandas":
        native = lf.to_native()
        values = pd.to_numeric(native[source], errors="coerce").astype("float64")
        return _wrap_lazy(native.assign(**{out: values}))
    if kind == "polars":
        import polars as pl

        number = pl.col(source).cast(pl.Float64, strict=False).alias(out)
        return _wrap_lazy(lf.to_native().with_columns(number))
    if kind == "duckdb":
        sql = f"*, TRY_CAST({_sql_name(source)} AS DOUBLE) AS {_sql_name(out)}"
        return _wrap_lazy(lf.to_native().project(sql))
    if kind == "pyspark":
        from pyspark.sql import functions as F

        quoted = "`" + source.replace("`", "``") + "`"
        return _wrap_lazy(lf.to_native().withColumn(out, F.expr(f"try_cast({quoted} AS DOUBLE)")))
    raise _unsupported("converting amounts", lf)


def utc_naive(lf: nw.LazyFrame, column: str, out: str) -> nw.LazyFrame:
    """Add ``out``: a time-zone-aware datetime column converted to UTC, without a zone.

    PySpark timestamps carry the session time zone rather than a zone of their own: they
    are read as wall-clock times of the session (set ``spark.sql.session.timeZone`` to
    ``UTC`` to follow crmmine's rule exactly).
    """
    kind = _kind(lf)
    if kind == "duckdb":
        sql = f"*, CAST(timezone('UTC', {_sql_name(column)}) AS TIMESTAMP) AS {_sql_name(out)}"
        return _wrap_lazy(lf.to_native().project(sql))
    if kind == "pyspark":
        return lf.with_columns(nw.col(column).alias(out))
    expr = nw.col(column).dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return lf.with_columns(expr.alias(out))


def result_like(frame: nw.LazyFrame | nw.DataFrame, kind: str) -> Any:
    """A narwhals result as a native table of backend ``kind`` (a name from :data:`BACKENDS`).

    Eager kinds (pandas, polars, pyarrow) are collected; lazy kinds stay lazy.
    """
    if kind in ("pandas", "polars", "pyarrow"):
        if isinstance(frame, nw.LazyFrame):
            if kind == "polars":
                return frame.collect(backend="polars").to_native()
            frame = frame.collect()
            if kind == "pyarrow":
                return frame.to_arrow()
        return frame.to_native()
    if isinstance(frame, nw.DataFrame):
        frame = frame.lazy()
    return frame.to_native()


def with_row_number(lf: nw.LazyFrame, name: str, *, order_by: list[str]) -> nw.LazyFrame:
    """Add ``name``: 0, 1, 2, ... in the current row order (pandas, polars) or by ``order_by``
    (engines without a row order; ties are numbered in an arbitrary order)."""
    kind = _kind(lf)
    if kind == "pandas":
        native = lf.to_native()
        return _wrap_lazy(native.assign(**{name: range(len(native))}))
    if kind == "polars":
        import polars as pl

        native = lf.to_native().with_row_index(name).with_columns(pl.col(name).cast(pl.Int64))
        return _wrap_lazy(native)
    return lf.with_row_index(name, order_by=order_by).with_columns(nw.col(name).cast(nw.Int64))


# ------------------------------------------------------------------ customer tables in engines

#: Kinds computed inside their engine by the per-customer functions (pandas has its own
#: numpy path; pyarrow tables are in memory and go through pandas).
ENGINE_KINDS = ("polars", "polars-lazy", "duckdb", "pyspark")

_ROW = "__cm_row"


def engine_kind(lf: nw.LazyFrame) -> str:
    """``"pandas"``, ``"polars"``, ``"duckdb"``, ``"pyspark"`` or ``"other"`` for a lazy frame."""
    return _kind(lf)


def is_engine(native: Any) -> bool:
    """True for a table that per-customer functions compute inside its engine
    (polars eager or lazy, DuckDB, PySpark); False for pandas and pyarrow."""
    if isinstance(native, pd.DataFrame | pd.Series | list | tuple | dict) or native is None:
        return False
    try:
        return backend_of(native) in ENGINE_KINDS
    except (ParameterError, SchemaError, TypeError):
        return False


def pandas_indexed(native: Any, *, what: str) -> pd.DataFrame:
    """A table without an index (pyarrow) as pandas, indexed by its first column (the customer id)."""
    frame = to_pandas(native, what=what)
    if len(frame.columns) == 0:
        raise SchemaError(f"{what} have no columns. Fix: pass the customer table.")
    return frame.set_index(frame.columns[0])


@dataclass
class CustomerTable:
    """A per-customer table of an engine, read lazily.

    Attributes
    ----------
    lf : narwhals.LazyFrame
        The table (polars tables carry a hidden row number so that results keep the input's
        row order, as pandas results keep its index order).
    kind : str
        Its backend (a name of :data:`BACKENDS`).
    id_name : str
        The customer id column: the first column, as :func:`crmmine.customer_summary` returns.
    """

    lf: nw.LazyFrame
    kind: str
    id_name: str

    @property
    def columns(self) -> list[str]:
        return [c for c in self.lf.collect_schema().names() if c != _ROW]


def customer_table(native: Any, *, what: str, needed: list[str] | tuple[str, ...] = ()) -> CustomerTable:
    """Read a polars, DuckDB or Spark table with one row per customer, its id first.

    Tables of these engines have no index: by crmmine's convention (what
    :func:`crmmine.customer_summary` returns) the first column is the customer id.
    A table whose first column is one of the ``needed`` value columns raises, naming
    the fix (put the id first).
    """
    frame = to_narwhals(native, what=what)
    kind = backend_of(frame)
    lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    names = lf.collect_schema().names()
    if not names:
        raise SchemaError(f"{what} have no columns. Fix: pass the customer table.")
    id_name = names[0]
    if id_name in needed:
        raise SchemaError(
            f"the first column of the {what} is {id_name!r}, which is read as a value, but a "
            f"{kind} table has no index and crmmine takes its first column as the customer id. "
            f"Fix: put the customer id first, e.g. table.select('customer_id', ...)."
        )
    if kind in ("polars", "polars-lazy"):
        lf = _wrap_lazy(lf.to_native().with_row_index(_ROW))
    return CustomerTable(lf, kind, id_name)


def finish_table(frame: nw.LazyFrame, table: CustomerTable) -> Any:
    """A result of :func:`customer_table`'s engine as a native table of the input's kind.

    polars results come back in the input's row order (eager input: collected); DuckDB
    and Spark results stay lazy and unordered.
    """
    if _ROW in frame.collect_schema().names():
        frame = frame.sort(_ROW).drop(_ROW)
    return result_like(frame, table.kind)


def whole_table_window(lf: nw.LazyFrame) -> tuple[nw.LazyFrame, str]:
    """Add a constant column to partition a window over the whole table by.

    narwhals' lazy window functions need a partition or an order; a constant
    partition makes ``rank``, ``sum`` or ``len`` run over every row (DuckDB and
    Spark then gather the rows into one window, as ``OVER ()`` does in SQL).
    """
    name = "__cm_all"
    return lf.with_columns(nw.lit(1).alias(name)), name


def _duckdb_connection(rel: Any) -> Any:
    """The connection a DuckDB relation belongs to (a small table joined to it must live there)."""
    import duckdb

    con = getattr(rel, "_con", None)  # the relation's own connection (no public accessor)
    return con if con is not None else duckdb.default_connection()


def upload(frame: pd.DataFrame, like: nw.LazyFrame) -> nw.LazyFrame:
    """A small pandas table as a lazy table of ``like``'s engine, to join with it there.

    Used for results computed in Python on a compressed input (one row per distinct
    input, e.g. BTYD predictions) that are joined back to every customer inside the
    engine. DuckDB: the relation's own connection; Spark: its session.
    """
    kind = _kind(like)
    flat = frame.reset_index(drop=True)
    if kind == "polars":
        import polars as pl

        return _wrap_lazy(pl.from_pandas(flat).lazy())
    if kind == "duckdb":
        return _wrap_lazy(_duckdb_connection(like.to_native()).from_df(flat))
    if kind == "pyspark":
        session = like.to_native().sparkSession
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas")
            return _wrap_lazy(session.createDataFrame(flat))
    if kind == "pandas":
        return _wrap_lazy(flat)
    raise _unsupported("joining a computed table", like)


@dataclass
class Check:
    """One check of :func:`checked_aggregates`: rows where ``bad`` holds raise ``error``."""

    column: str
    bad: nw.Expr
    problem: str
    fix: str
    error: type[CRMMineError] = DataError
    show: tuple[str, ...] = ()


def checked_aggregates(lf: nw.LazyFrame, id_name: str | None, checks: list[Check],
                       extra: dict[str, nw.Expr] | None = None) -> dict[str, Any]:
    """Run every check and the ``extra`` aggregates in one pass; raise for the first failed check.

    The error names the column, shows up to five offending rows (with the customer id
    when ``id_name`` is given), counts them and says the fix, as
    :func:`crmmine.errors.bad_rows_error` does for pandas. Returns the ``extra``
    aggregates as Python scalars (small results only).
    """
    aggs = {f"__cm_bad{i}": c.bad.fill_null(True).cast(nw.Int64).sum() for i, c in enumerate(checks)}
    aggs.update(extra or {})
    if not aggs:
        return {}
    stats = collect_one(lf.select(**aggs))
    for i, check in enumerate(checks):
        count = int(stats.pop(f"__cm_bad{i}") or 0)
        if count and check is not None:
            shown = [check.column, *[c for c in check.show if c != check.column]]
            cols = ([id_name] if id_name is not None and id_name not in shown else []) + shown
            rows = collect_pandas(lf.filter(check.bad.fill_null(True)).select(cols).head(5))
            if id_name is not None and id_name in rows.columns:
                rows = rows.set_index(id_name)
            raise bad_rows_error(check.column, check.problem, rows, count, check.fix, error=check.error)
    return stats


def numeric_columns(lf: nw.LazyFrame, columns: list[str], *, what: str, fix: str) -> None:
    """Raise a :class:`DataError` naming a column of ``columns`` that is not numeric (booleans included)."""
    schema = lf.collect_schema()
    for name in columns:
        dtype = schema[name]
        if isinstance(dtype, nw.Boolean) or not dtype.is_numeric():
            rows = collect_pandas(lf.select(name).head(5))
            count = int(collect_one(lf.select(n=nw.len()))["n"] or 0)
            raise bad_rows_error(name, f"values of type {dtype} (not numbers) in the {what}", rows[name],
                                 count, fix)


def divide(numerator: nw.Expr, value: float) -> nw.Expr:
    """``numerator / value`` with IEEE division in every engine (finite numerators only).

    polars divides a column by a scalar as a multiplication by the scalar's reciprocal,
    which can differ from numpy's division in the last bit; a value exactly at a cut-off
    (a tier boundary) could then fall on the other side than in pandas. Dividing by a
    column expression (``value + 0 * numerator``, equal to ``value`` for finite
    numerators) keeps the true division.

    Examples
    --------
    >>> import polars as pl
    >>> lf = to_lazy(pl.DataFrame({"r": [1600.0]}))
    >>> collect_pandas(lf.select(divide(lf_col("r"), 2000.0)))["r"].tolist() == [1600.0 / 2000.0]
    True
    """
    return numerator / (nw.lit(float(value)) + numerator * 0.0)
