"""BTYD models on tables that live in an engine (polars, DuckDB, Spark).

Fitting: the model inputs are compressed **inside the engine** (one group-by over the distinct
input rows, with how many customers each stands for); only those distinct rows travel to
Python, where the fitting core works on weighted rows anyway. On 33 million customers that is
a few hundred thousand rows.

Predictions: per-customer predictions depend only on the model inputs, so they are computed
once per distinct input row in Python and joined back to every customer inside the engine,
which returns the engine's table with the customer id.

Every check of the pandas path runs inside the engine first (one aggregate pass), so a bad row
is reported with the customer id, a count of customers and the fix.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError, bad_rows_error
from crmmine.value._fitting import CompressedData

__all__ = ["canonical", "compressed_rows", "engine_predict", "input_checks", "row_examples"]

_FIX_SUMMARY = "build the summary with crmmine.customer_summary or fill/remove those rows"


def canonical(data: CompressedData) -> CompressedData:
    """The distinct rows in sorted order, so that a fit does not depend on the input's row order
    (pandas and every engine then hand the optimiser exactly the same numbers)."""
    keys = list(data.columns)
    if not keys or data.n_rows <= 1:
        return data
    order = np.lexsort([data.columns[k] for k in reversed(keys)])
    return CompressedData({k: v[order] for k, v in data.columns.items()}, data.weights[order],
                          data.n_input_rows)


def input_checks(names: dict[str, str]) -> list[_backend.Check]:
    """The checks of ``BTYDModel._read_inputs`` as engine expressions."""
    checks = []
    for role, col in names.items():
        v = nw.col(col).cast(nw.Float64)
        checks.append(_backend.Check(
            col, ~v.is_finite() | (v < 0), f"missing, non-numeric, infinite or negative values for {role}",
            _FIX_SUMMARY))
    if "frequency" in names:
        f = nw.col(names["frequency"]).cast(nw.Float64)
        checks.append(_backend.Check(names["frequency"], f != f.floor(), "non-integer repeat-purchase counts",
                                     "frequency counts repeat purchases: pass whole numbers"))
    if "recency" in names and "T" in names:
        tx, T = nw.col(names["recency"]).cast(nw.Float64), nw.col(names["T"]).cast(nw.Float64)
        checks.append(_backend.Check(
            names["recency"], tx > T * (1 + 1e-9) + 1e-12, "recency later than T (age of the customer)",
            "recency = last - first purchase and T = as_of - first purchase must share the as_of date "
            "and time unit", show=(names["T"],)))
        if "frequency" in names:
            f = nw.col(names["frequency"]).cast(nw.Float64)
            checks.append(_backend.Check(
                names["recency"], (f == 0) & (tx > 0), "recency > 0 for customers without repeat purchases",
                "recency must be 0 when frequency is 0", show=(names["frequency"],)))
    return checks


def _table(summary: Any, names: dict[str, str], model: str) -> _backend.CustomerTable:
    table = _backend.customer_table(summary, what="customer summary", needed=list(names.values()))
    require_columns(table.columns, list(dict.fromkeys(names.values())), role="customer summary")
    _backend.numeric_columns(table.lf, list(dict.fromkeys(names.values())), what="customer summary",
                             fix=_FIX_SUMMARY)
    return table


def compressed_rows(summary: Any, names: dict[str, str], weights: Any, model: str,
                    checks: list[_backend.Check], keep: nw.Expr | None = None
                    ) -> tuple[_backend.CustomerTable, pd.DataFrame]:
    """Check the summary inside the engine and collect its distinct input rows.

    Returns the table and a pandas frame with one row per distinct input (the role names as
    columns, then ``_w``: the customers' weight summed, ``_rows``: how many customers, and
    ``_used``: how many with a positive weight). ``keep`` leaves rows out of the compression
    (e.g. Gamma-Gamma's customers without repeat purchases).
    """
    if weights is not None and not isinstance(weights, str):
        raise ParameterError(
            f"{model}: on a polars, DuckDB or Spark summary, weights must name a column of it "
            f"(a {type(weights).__name__} cannot be matched to its customers, which have no index). "
            "Fix: add the weights as a column and pass weights='<column>'."
        )
    table = _table(summary, names, model)
    lf = table.lf
    if weights is not None:
        require_columns(table.columns, [weights], role="customer summary")
        _backend.numeric_columns(lf, [weights], what="customer summary",
                                 fix="weights count customers: pass finite numbers >= 0, one per summary row")
        w = nw.col(weights).cast(nw.Float64)
        checks = [*checks, _backend.Check(
            weights, ~w.is_finite() | (w < 0), "missing, infinite or negative weights",
            "weights count customers: pass finite numbers >= 0, one per summary row")]
    else:
        w = nw.lit(1.0)
    _backend.checked_aggregates(lf, table.id_name, checks)
    source = lf if keep is None else lf.filter(keep)
    rows = source.select(*[nw.col(c).cast(nw.Float64).alias(r) for r, c in names.items()],
                         w.alias("_w"))
    grouped = rows.group_by(list(names)).agg(
        nw.col("_w").sum().alias("_w"), nw.len().cast(nw.Int64).alias("_rows"),
        (nw.col("_w") > 0).cast(nw.Int64).sum().alias("_used"))
    return table, _backend.collect_pandas(grouped)


def to_compressed(rows: pd.DataFrame, roles: list[str], n_input_rows: int) -> CompressedData:
    """The collected distinct rows as the fitting core's input (sorted: see :func:`canonical`)."""
    data = CompressedData({r: rows[r].to_numpy(dtype="float64") for r in roles},
                          rows["_w"].to_numpy(dtype="float64"), int(n_input_rows))
    return canonical(data)


def row_examples(table: _backend.CustomerTable, mask: nw.Expr, columns: list[str]) -> pd.DataFrame:
    """Up to five rows of the engine table where ``mask`` holds, indexed by customer id."""
    cols = [table.id_name, *[c for c in dict.fromkeys(columns) if c != table.id_name]]
    frame = _backend.collect_pandas(table.lf.filter(mask).select(cols).head(5))
    return frame.set_index(table.id_name)


def raise_rows(table: _backend.CustomerTable, mask: nw.Expr, columns: list[str], column: str, problem: str,
               count: int, fix: str) -> None:
    """Raise a :class:`DataError` for the rows of ``mask``, with examples from the engine."""
    from crmmine.errors import DataError

    raise bad_rows_error(column, problem, row_examples(table, mask, columns), count, fix, error=DataError)


def engine_predict(summary: Any, names: dict[str, str], checks: list[_backend.Check],
                   compute: Callable[[pd.DataFrame], pd.Series | pd.DataFrame], name: str | None,
                   t: Any = None, extra: dict[str, nw.Expr] | None = None,
                   after: list[nw.Expr] | None = None, needed: list[str] | None = None) -> Any:
    """A per-customer prediction on an engine table, computed once per distinct input row.

    ``compute`` gets a pandas frame of the distinct rows (with the model's column names) and
    returns a Series or a DataFrame indexed like it; a DataFrame (one column per horizon or
    count) gives columns named ``<name>_<label>`` (its own names when ``name`` is None). The
    result is joined back to every customer inside the engine, which returns the customer id
    and the prediction columns, then the ``extra`` columns (expressions of the summary's
    columns, computed in the engine) and the ``after`` expressions of all of them.
    """
    if isinstance(t, pd.Series):
        raise ParameterError(
            "t as a Series matched on the customer id cannot be used with a polars, DuckDB or Spark "
            "summary (its customers have no index). Fix: pass a number or a list of horizons."
        )
    table = _table(summary, {**names, **{c: c for c in needed or []}}, "model")
    _backend.checked_aggregates(table.lf, table.id_name, checks)
    keys = list(dict.fromkeys(names.values()))
    distinct = _backend.collect_pandas(table.lf.select(keys).unique(keys)).reset_index(drop=True)
    result = compute(distinct)
    if isinstance(result, pd.Series):
        values = pd.DataFrame({name or result.name: result.to_numpy()})
    else:
        labels = list(result.columns) if name is None else [f"{name}_{c}" for c in result.columns]
        values = pd.DataFrame(result.to_numpy(), columns=[str(c) for c in labels])
    outputs = list(values.columns)
    small = pd.concat([distinct, values], axis=1)
    keep = [c for c in table.lf.collect_schema().names() if c == "__cm_row"]
    base = table.lf.select(table.id_name, *keep, *keys, **(extra or {}))
    joined = base.join(_backend.upload(small, table.lf), on=keys, how="left")
    out = joined.select(table.id_name, *keep, *outputs, *(extra or {}))
    if after:
        out = out.with_columns(*after)
    return _backend.finish_table(out, table)
