"""Where the report's data work runs: pandas, or DuckDB for inputs too large for memory.

Reading (:func:`read_input`) and the engine choice (:func:`choose_engine`) serve the command
line; :func:`prepare` serves :func:`crmmine.report.build_report` and returns what every section
needs: clean transactions up to ``as_of`` as pandas (all customers, or a seeded sample of
customers), the cleaning log, and whole-base facts (counts, dates, the summary's
distribution) computed where the data lives.

In DuckDB mode nothing per transaction or per customer of the whole base is collected into
Python: the cleaning (:func:`crmmine.clean_transactions`) and the summary
(:func:`crmmine.customer_summary`) stay DuckDB relations, the whole-base figures are a few
aggregate queries, and only the transactions of ``sample_size`` customers drawn by a seeded
hash of their id are fetched for the per-customer sections. ``duckdb`` is imported only in
this mode.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from crmmine._backend import backend_of, collect_one, day_number, to_lazy, to_native_like, to_pandas
from crmmine.errors import ParameterError

__all__ = [
    "DUCKDB_MIN_ROWS",
    "ENGINE_SAMPLE_SIZE",
    "DataFacts",
    "Prepared",
    "choose_engine",
    "count_rows",
    "prepare",
    "read_input",
]

#: Inputs with more rows than this run through DuckDB under ``engine="auto"``.
DUCKDB_MIN_ROWS = 5_000_000
#: Customers analysed per customer in DuckDB mode when ``sample_size`` is not given.
ENGINE_SAMPLE_SIZE = 20_000

_SEPARATORS = {"whitespace": r"\s+", "tab": "\t", "comma": ",", "semicolon": ";"}
_DUCKDB_SUFFIXES = (".duckdb", ".ddb", ".db")
_GLOB_CHARS = set("*?[")
_SUMMARY_COLUMNS = ("orders", "frequency", "recency", "T", "since_last", "monetary", "monetary_mean")


def _require_duckdb(why: str) -> Any:
    try:
        import duckdb
    except ImportError:
        raise ParameterError(
            f"{why} needs the duckdb package, which is not installed. Fix: pip install 'crmmine[duckdb]' "
            "(or pass --engine pandas for an input that fits in memory)."
        ) from None
    return duckdb


# -- reading ---------------------------------------------------------------------------------


def _paths(spec: str) -> list[Path]:
    """The files an input names: one path, or the files matching a glob pattern."""
    if _GLOB_CHARS & set(spec):
        found = sorted(Path(p) for p in glob.glob(spec))
        if not found:
            raise ParameterError(
                f"no file matches the input pattern {spec!r}. Fix: check the pattern given to "
                "crmmine report (quote it so that the shell does not expand it)."
            )
        return found
    path = Path(spec)
    if not path.exists():
        raise ParameterError(f"input file not found: {path}. Fix: check the path given to crmmine report.")
    return [path]


def _kind(paths: list[Path]) -> str:
    kinds = set()
    for p in paths:
        suffixes = "".join(p.suffixes).lower()
        if ".parquet" in suffixes or p.suffix.lower() == ".pq":
            kinds.add("parquet")
        elif p.suffix.lower() in _DUCKDB_SUFFIXES:
            kinds.add("duckdb")
        elif ".xls" in suffixes:
            kinds.add("excel")
        else:
            kinds.add("csv")
    if len(kinds) > 1:
        raise ParameterError(
            f"the input mixes file kinds ({', '.join(sorted(kinds))}). Fix: give files of one kind."
        )
    kind = kinds.pop()
    if kind in ("duckdb", "excel") and len(paths) > 1:
        raise ParameterError(f"give one {kind} file, not {len(paths)}.")
    return kind


def _csv_rows_estimate(paths: list[Path]) -> int:
    """Rows of CSV files estimated from their size and the line length of their first MiB."""
    total = 0.0
    for p in paths:
        size = p.stat().st_size
        with p.open("rb") as handle:
            head = handle.read(1 << 20)
        lines = max(head.count(b"\n"), 1)
        total += size * lines / max(len(head), 1)
    return int(total)


def _duckdb_tables(con: Any) -> list[str]:
    rows = con.sql(
        "select table_schema, table_name from information_schema.tables where table_catalog = 'src' "
        "order by 1, 2"
    ).fetchall()
    return [name if schema == "main" else f"{schema}.{name}" for schema, name in rows]


def _connect(memory_limit: str | None = None) -> Any:
    """A DuckDB connection, with ``memory_limit`` (e.g. ``"2GB"``) when given."""
    duckdb = _require_duckdb("the DuckDB engine")
    con = duckdb.connect()
    if memory_limit is not None:
        try:
            con.execute(f"SET memory_limit = '{_sql_text(str(memory_limit))}'")
        except duckdb.Error as exc:
            raise ParameterError(f"--memory-limit {memory_limit}: DuckDB refused it ({exc}). Fix: give a "
                                 "size such as 2GB or 500MB.") from None
    return con


def _open_duckdb_table(path: Path, table: str | None, memory_limit: str | None = None) -> Any:
    _require_duckdb(f"reading the DuckDB database {path.name}")
    con = _connect(memory_limit)
    con.execute(f"ATTACH '{_sql_text(str(path))}' AS src (READ_ONLY)")
    tables = _duckdb_tables(con)
    if table is None:
        if len(tables) != 1:
            raise ParameterError(
                f"the DuckDB database {path.name} holds {len(tables)} tables "
                f"({', '.join(tables) or 'none'}). "
                "Fix: name the transactions with --table NAME."
            )
        table = tables[0]
    if table not in tables:
        raise ParameterError(
            f"--table {table}: no such table in {path.name}; its tables are {', '.join(tables) or 'none'}."
        )
    schema, _, name = table.rpartition(".")
    return con.table(f"src.{schema or 'main'}.{name}")


def _sql_text(text: str) -> str:
    return text.replace("'", "''")


def _sql_literal(value: Any) -> str:
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    return f"'{_sql_text(str(value))}'"


def count_rows(spec: str, *, table: str | None = None) -> tuple[int, str]:
    """Rows of an input (exact for Parquet and DuckDB, estimated for CSV) and its kind.

    Parquet row counts come from the files' metadata (pyarrow when installed, else DuckDB);
    CSV rows are estimated from the file size and the first MiB; Excel files are counted as 0
    (always read with pandas).
    """
    paths = _paths(spec)
    kind = _kind(paths)
    if kind == "csv":
        return _csv_rows_estimate(paths), kind
    if kind == "excel":
        return 0, kind
    if kind == "parquet":
        try:
            import pyarrow.parquet as pq
        except ImportError:
            duckdb = _require_duckdb("counting the rows of Parquet files")
            files = ", ".join(f"'{_sql_text(str(p))}'" for p in paths)
            count = duckdb.connect().sql(f"select count(*) from read_parquet([{files}])").fetchall()[0][0]
            return int(count), kind
        return sum(pq.ParquetFile(p).metadata.num_rows for p in paths), kind
    rel = _open_duckdb_table(paths[0], table)
    return int(rel.aggregate("count(*)").fetchall()[0][0]), kind


def choose_engine(spec: str | None, engine: str = "auto", *, table: str | None = None) -> str:
    """``"pandas"`` or ``"duckdb"`` for an input.

    ``engine="auto"`` picks DuckDB for a DuckDB database and for inputs of more than
    :data:`DUCKDB_MIN_ROWS` rows (Parquet: exact count from the metadata; CSV: estimated from
    the file size), pandas otherwise (the embedded sample, Excel files, smaller inputs).
    """
    if engine not in ("auto", "pandas", "duckdb"):
        raise ParameterError(f"--engine must be auto, pandas or duckdb, got {engine!r}.")
    if engine != "auto":
        return engine
    if spec is None:
        return "pandas"
    rows, kind = count_rows(spec, table=table)
    if kind == "duckdb" or rows > DUCKDB_MIN_ROWS:
        return "duckdb"
    return "pandas"


def read_input(spec: str | None, *, engine: str, sep: str | None = None, table: str | None = None,
               memory_limit: str | None = None) -> Any:
    """Read the transaction log: a pandas DataFrame, or a DuckDB relation in DuckDB mode.

    ``memory_limit`` caps DuckDB's memory in DuckDB mode (DuckDB's own default is 80% of the RAM;
    beyond the cap it spills to disk).
    """
    if spec is None:
        from crmmine import datasets

        raw = datasets.load_online_retail()
        if engine == "duckdb":
            return _connect(memory_limit).from_df(raw)
        return raw
    paths = _paths(spec)
    kind = _kind(paths)
    if table is not None and kind != "duckdb":
        raise ParameterError("--table names a table of a DuckDB database (.duckdb); the input is a "
                             f"{kind} file. Fix: drop --table.")
    separator = _SEPARATORS.get(sep, sep) if sep is not None else ","
    if engine == "duckdb":
        if kind == "duckdb":
            return _open_duckdb_table(paths[0], table, memory_limit)
        con = _connect(memory_limit)
        files = [str(p) for p in paths]
        if kind == "parquet":
            return con.read_parquet(files)
        if kind == "csv":
            if separator == r"\s+":
                raise ParameterError("--sep whitespace is read by pandas only. Fix: pass --engine pandas, "
                                     "or convert the file to comma-separated text or Parquet.")
            return con.read_csv(files, sep=separator, header=True)
        raise ParameterError(f"--engine duckdb cannot read {kind} files. Fix: pass --engine pandas.")
    if kind == "duckdb":
        return to_pandas(_open_duckdb_table(paths[0], table), what="transactions")
    if kind == "parquet":
        try:
            frames = [pd.read_parquet(p) for p in paths]
        except ImportError:
            raise ParameterError(
                "reading Parquet with pandas needs pyarrow. Fix: pip install pyarrow, or pass "
                "--engine duckdb (pip install 'crmmine[duckdb]')."
            ) from None
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    if kind == "excel":
        return pd.read_excel(paths[0])
    frames = [pd.read_csv(p, sep=separator, dtype={"InvoiceNo": str, "StockCode": str}) for p in paths]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


# -- preparing the data ----------------------------------------------------------------------


@dataclass
class DataFacts:
    """Whole-base figures, computed where the data lives.

    Attributes
    ----------
    n_rows, n_customers, n_orders : int
        Clean rows, customers and orders up to ``as_of``.
    first_date, last_date : Timestamp
        Dates of the first and last clean transaction (the last one may follow ``as_of``).
    revenue : float
    describe : DataFrame
        The customer summary's distribution (count, mean, std, min, quartiles, max per column).
    new_by_month : Series
        Customers by month of first purchase.
    returns : dict, optional
        What the cleaning's "returns and cancellations" rule counted, by kind: ``lines``,
        ``customers``, ``cancelled_lines`` (orders whose id starts with the cancellation
        prefix), ``negative_lines`` (a negative quantity or amount in other orders).
    n_after_as_of : int
        Clean rows dated after ``as_of`` (left out of the analysis).
    n_return_only : int
        Under ``returns="net"``: customers left out because every order (or every purchase day)
        of theirs nets below zero, i.e. they only returned goods in the period.
    """

    n_rows: int
    n_customers: int
    n_orders: int
    first_date: pd.Timestamp
    last_date: pd.Timestamp
    revenue: float
    describe: pd.DataFrame
    new_by_month: pd.Series
    returns: dict[str, int] | None = None
    n_after_as_of: int = 0
    n_return_only: int = 0


@dataclass
class Prepared:
    """Everything :func:`prepare` hands to the report."""

    transactions: pd.DataFrame
    returns: pd.DataFrame | None
    log: Any
    facts: DataFacts
    as_of: pd.Timestamp
    engine: str
    n_customers: int
    n_sampled: int
    warnings: list[Any] = field(default_factory=list)


def _int(value: Any) -> int:
    return 0 if value is None or (isinstance(value, float) and np.isnan(value)) else int(value)


def _returns_breakdown(returns: Any, prefix: str | None) -> dict[str, int] | None:
    if returns is None:
        return None
    lf = to_lazy(returns, what="returns")
    names = set(lf.collect_schema().names())
    if prefix and "order_id" in names:
        cancelled = nw.col("order_id").cast(nw.String).str.starts_with(prefix).fill_null(False)
    else:
        cancelled = nw.lit(False)
    negative = nw.col("amount") < 0
    if "quantity" in names:
        negative = negative | (nw.col("quantity") < 0)
    row = collect_one(lf.select(
        lines=nw.len(),
        customers=nw.col("customer_id").n_unique(),
        cancelled_lines=cancelled.cast(nw.Int64).sum(),
        negative_lines=((~cancelled) & negative.fill_null(False)).cast(nw.Int64).sum(),
    ))
    return {k: _int(v) for k, v in row.items()}


def _with_purchases(tx: Any) -> tuple[Any, int]:
    """Under ``returns="net"``: keep the customers with at least one order and one purchase day that
    net to zero or more (a purchase for the customer summary under both counts); return the
    table (same kind as ``tx``) and how many customers were left out."""
    lf = to_lazy(tx, what="transactions")
    by_order = (lf.group_by("customer_id", "order_id").agg(nw.col("amount").sum())
                .filter(nw.col("amount") >= 0).select("customer_id").unique())
    by_day = (lf.with_columns(_day=day_number(nw.col("date"))).group_by("customer_id", "_day")
              .agg(nw.col("amount").sum()).filter(nw.col("amount") >= 0).select("customer_id").unique())
    buyers = by_order.join(by_day, on="customer_id", how="inner")
    before = collect_one(lf.select(n=nw.col("customer_id").n_unique()))["n"]
    after = collect_one(buyers.select(n=nw.len()))["n"]
    kept = lf.join(buyers, on="customer_id", how="semi")
    out = to_native_like(kept, tx)
    if isinstance(out, pd.DataFrame):
        out = out.sort_values(["date", "customer_id"], kind="stable").reset_index(drop=True)
    return out, _int(before) - _int(after)


def _pandas_facts(tx: pd.DataFrame, summary: pd.DataFrame, last_date: pd.Timestamp) -> DataFacts:
    cols = [c for c in _SUMMARY_COLUMNS if c in summary.columns]
    return DataFacts(
        n_rows=len(tx),
        n_customers=int(tx["customer_id"].nunique()),
        n_orders=int(tx["order_id"].nunique()),
        first_date=pd.Timestamp(tx["date"].min()),
        last_date=last_date,
        revenue=float(tx["amount"].sum()),
        describe=summary[cols].astype("float64").describe().T,
        new_by_month=summary.groupby(summary["first_purchase"].dt.to_period("M")).size(),
    )


def _sample_ids(ids: np.ndarray, n: int, random_state: int) -> np.ndarray:
    rng = np.random.default_rng(random_state)
    return np.sort(rng.choice(np.sort(ids), size=n, replace=False))


def prepare(raw: Any, *, engine: str, clean_options: dict[str, Any], as_of: Any, time_unit: Any,
            sample_size: int | None, random_state: int) -> Prepared:
    """Clean, cut at ``as_of``, compute whole-base facts and (optionally) sample customers."""
    from crmmine.data import clean_transactions, customer_summary

    options = dict(clean_options)
    asked = options["returns"]
    if asked == "drop":  # set apart, so the page can say what the rule counted; never analysed
        options["returns"] = "separate"
    if engine == "duckdb":
        return _prepare_duckdb(raw, options, asked, as_of, time_unit, sample_size, random_state)
    frame = to_pandas(raw, what="transactions")
    tx, log = clean_transactions(frame, **options)
    log.policy["returns"] = asked
    returns = log.returns if asked != "net" else None
    if asked == "drop":
        log.returns = None
    last_date = pd.Timestamp(tx["date"].max())
    day = pd.Timestamp(as_of).normalize() if as_of is not None else last_date.normalize()
    keep = tx["date"] < day + pd.Timedelta(days=1)
    n_after = int((~keep).sum())
    tx = tx[keep]
    n_return_only = 0
    if asked == "net":
        tx, n_return_only = _with_purchases(tx)
    if len(tx) == 0:
        from crmmine.errors import DataError

        raise DataError(f"as_of={str(day.date())!r} is before the first clean transaction. Fix: pass a "
                        "later as_of.")
    summary = customer_summary(tx, as_of=day, time_unit=time_unit,
                               returns="net" if asked == "net" else "raise")
    facts = _pandas_facts(tx, summary, last_date)
    facts.returns = _returns_breakdown(returns, log.policy.get("cancellation_prefix"))
    facts.n_after_as_of = n_after
    facts.n_return_only = n_return_only
    n_customers = facts.n_customers
    if sample_size is not None and sample_size < n_customers:
        ids = _sample_ids(tx["customer_id"].unique(), sample_size, random_state)
        tx = tx[tx["customer_id"].isin(ids)]
        if returns is not None:
            returns = returns[returns["customer_id"].isin(ids)]
    return Prepared(transactions=tx, returns=returns, log=log, facts=facts, as_of=day, engine="pandas",
                    n_customers=n_customers, n_sampled=int(tx["customer_id"].nunique()))


def _prepare_duckdb(raw: Any, options: dict[str, Any], asked: str, as_of: Any, time_unit: Any,
                    sample_size: int | None, random_state: int) -> Prepared:
    from crmmine.data import clean_transactions, customer_summary

    if backend_of(raw) != "duckdb":
        duckdb = _require_duckdb("engine='duckdb'")
        raw = duckdb.connect().from_df(to_pandas(raw, what="transactions"))
    tx, log = clean_transactions(raw, **options)
    log.policy["returns"] = asked
    returns = log.returns if asked != "net" else None
    if asked == "drop":
        log.returns = None
    whole = collect_one(to_lazy(tx).select(last=nw.col("date").max()))
    last_date = pd.Timestamp(whole["last"])
    day = pd.Timestamp(as_of).normalize() if as_of is not None else last_date.normalize()
    cut = (day + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
    stats = tx.query("t", f"""
        select count(*) filter (where date < TIMESTAMP '{cut}') as n_rows,
               count(distinct customer_id) filter (where date < TIMESTAMP '{cut}') as n_customers,
               count(distinct order_id) filter (where date < TIMESTAMP '{cut}') as n_orders,
               min(date) as first_date,
               coalesce(sum(amount) filter (where date < TIMESTAMP '{cut}'), 0) as revenue,
               count(*) filter (where date >= TIMESTAMP '{cut}') as n_after
        from t""").fetchall()[0]
    n_rows, n_customers, n_orders, first_date, revenue, n_after = stats
    if not n_rows:
        from crmmine.errors import DataError

        raise DataError(f"as_of={str(day.date())!r} is before the first clean transaction. Fix: pass a "
                        "later as_of.")
    kept = tx.filter(f"date < TIMESTAMP '{cut}'")
    n_return_only = 0
    if asked == "net":
        kept, n_return_only = _with_purchases(kept)
        n_customers -= n_return_only
    summary = customer_summary(kept, as_of=day, time_unit=time_unit,
                               returns="net" if asked == "net" else "raise")
    cols = [c for c in _SUMMARY_COLUMNS if c in summary.columns]
    parts = ", ".join(
        f"count({c}), avg({c}), stddev_samp({c}), min({c}), quantile_cont({c}, 0.25), "
        f"quantile_cont({c}, 0.5), quantile_cont({c}, 0.75), max({c})"
        for c in (f'"{c}"' for c in cols)
    )
    row = summary.query("s", f"select {parts} from s").fetchall()[0]
    describe = pd.DataFrame(
        np.asarray(row, dtype="float64").reshape(len(cols), 8), index=cols,
        columns=["count", "mean", "std", "min", "25%", "50%", "75%", "max"],
    )
    months = summary.query(
        "s", "select date_trunc('month', first_purchase) as m, count(*) as n from s group by 1 order by 1"
    ).fetchall()
    new_by_month = pd.Series([n for _, n in months],
                             index=pd.PeriodIndex([pd.Timestamp(m) for m, _ in months], freq="M"),
                             dtype="int64")
    facts = DataFacts(n_rows=int(n_rows), n_customers=int(n_customers), n_orders=int(n_orders),
                      first_date=pd.Timestamp(first_date), last_date=last_date, revenue=float(revenue),
                      describe=describe, new_by_month=new_by_month, n_after_as_of=int(n_after),
                      n_return_only=n_return_only)
    facts.returns = _returns_breakdown(returns, log.policy.get("cancellation_prefix"))
    n = ENGINE_SAMPLE_SIZE if sample_size is None else sample_size
    seed = int(random_state)
    chosen, chosen_returns = kept, None
    if returns is not None:
        chosen_returns = returns.filter(f"date < TIMESTAMP '{cut}'")
    if n < n_customers:
        ids = [r[0] for r in kept.query("t", f"""
            select customer_id from (select distinct customer_id from t)
            order by hash(customer_id, {seed}), customer_id limit {int(n)}""").fetchall()]
        where = f"customer_id in ({', '.join(_sql_literal(v) for v in ids)})"
        chosen = kept.filter(where)
        if chosen_returns is not None:
            chosen_returns = chosen_returns.filter(where)
    sample = to_pandas(chosen, what="transactions").sort_values(["date", "customer_id"], kind="stable")
    sample = sample.reset_index(drop=True)
    sampled_returns = None if chosen_returns is None else to_pandas(chosen_returns, what="returns")
    return Prepared(transactions=sample, returns=sampled_returns, log=log, facts=facts, as_of=day,
                    engine="duckdb", n_customers=int(n_customers),
                    n_sampled=int(sample["customer_id"].nunique()))
