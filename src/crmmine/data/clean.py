"""Cleaning of raw transaction logs with an explicit, logged policy.

:func:`clean_transactions` turns a raw log (for example the UCI Online Retail
file, or the CDNOW master file read with a plain ``pd.read_csv``) into the clean
table every other crmmine function reads. Each rule that removes or changes rows
is recorded in a :class:`CleaningLog` with a count and examples, so nothing
disappears silently. It runs on pandas, polars, DuckDB and PySpark tables and
returns the same kind of table it was given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._params import Options, validate_params
from crmmine.data._prepare import (
    AMT,
    AMT_BAD,
    CID,
    DATE,
    DATE_BAD,
    PRICE,
    QTY,
    examples,
    pandas_examples,
    positions_text,
    prepare,
)
from crmmine.data.cleaning_log import CleaningLog
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, bad_rows_error

__all__ = ["CleaningLog", "clean_transactions"]

_DUP = "__cm_dup"
_STAGES = ("missing", "dup", "date", "amount", "ret", "zero", "price", "ok")


def _distinct(mask: nw.Expr) -> nw.Expr:
    """Distinct non-null customer ids among the rows where ``mask`` holds."""
    ids = nw.when(mask).then(nw.col(CID))
    return ids.n_unique() - ids.is_null().cast(nw.Int64).max()


def _unhashable_column(raw: pd.DataFrame) -> tuple[str, pd.Series] | None:
    for name in raw.columns:
        col = raw[name]
        if col.dtype == object:
            hits = col.map(lambda v: isinstance(v, list | dict | set)).to_numpy(dtype=bool)
            if hits.any():
                return str(name), col[hits]
    return None


def _stage_examples(lf: nw.LazyFrame, stage: dict[str, nw.Expr], names: list[str],
                    original: list[str], *, eager: bool) -> dict[str, pd.DataFrame]:
    """Up to five example rows for each rule that matched rows.

    In-memory tables are filtered once per rule; lazy engines answer one query
    (a row number within each rule, kept up to five), since each query costs a
    job there.
    """
    if not names:
        return {}
    if _backend.backend_of(lf) == "pandas":
        work = lf.to_native()
        return {name: pandas_examples(work, f"__cm_s_{name}", original) for name in names}
    if eager:
        return {name: examples(lf, stage[name], original) for name in names}
    code = nw.lit(None, dtype=nw.Int64)
    for i, name in reversed(list(enumerate(names))):
        code = nw.when(stage[name]).then(nw.lit(i)).otherwise(code)
    tagged = lf.with_columns(__cm_rule=code).filter(~nw.col("__cm_rule").is_null())
    number = nw.col("__cm_rule").rank("ordinal").over("__cm_rule")
    rows = _backend.collect_pandas(
        tagged.with_columns(__cm_n=number).filter(nw.col("__cm_n") <= 5)
        .select(*original, "__cm_rule")
    )
    return {name: rows[rows["__cm_rule"] == i][original].reset_index(drop=True)
            for i, name in enumerate(names)}


def _combine(missing: Any, dup: Any, date_bad: Any, amt_bad: Any, is_return: Any, zero_q: Any,
             bad_price: Any, false: Any, *, drop_dups: bool, net: bool) -> dict[str, Any]:
    """The rules in order: each row is counted by the first rule that removes it.

    Works on numpy boolean arrays and on narwhals expressions alike.
    """
    dup_removed = dup if drop_dups else false
    prior = missing | dup_removed | date_bad | amt_bad
    ret_removed = false if net else is_return
    return {
        "missing": missing,
        "dup": ~missing & dup,
        "date": ~missing & ~dup_removed & date_bad,
        "amount": ~missing & ~dup_removed & ~date_bad & amt_bad,
        "ret": ~prior & is_return,
        "zero": ~prior & ~ret_removed & zero_q,
        "price": ~prior & ~ret_removed & ~zero_q & bad_price,
        "ok": ~prior & ~ret_removed & ~zero_q & ~bad_price,
    }


def _pandas_stats(work: pd.DataFrame, notes: list, float_ids: bool, order: str | None
                  ) -> dict[str, int]:
    """The aggregate of :func:`clean_transactions` computed on a pandas frame with numpy."""
    ids = work[CID]
    stats = {"n": len(work), "cust_in": int(ids.nunique())}
    for name in _STAGES:
        mask = work[f"__cm_s_{name}"].to_numpy(dtype=bool)
        stats[f"rows_{name}"] = int(mask.sum())
        stats[f"cust_{name}"] = int(ids[mask].nunique())
    ok = work["__cm_s_ok"].to_numpy(dtype=bool)
    if float_ids:
        values = ids[ok].to_numpy(dtype="float64")
        stats["id_odd"] = int((~np.isfinite(values) | (values != np.round(values))).sum())
    if order is not None:
        stats["order_null"] = int(work[order][ok].isna().sum())
    if any(not isinstance(expr, int) for _text, expr in notes):  # pragma: no cover
        raise TypeError("pandas notes are counted when they are made")
    return stats


def _int_or_zero(value: Any) -> int:
    return 0 if value is None else int(value)


@validate_params({
    "returns": [Options({"drop", "net", "separate"})],
    "bad_dates": [Options({"raise", "drop"})],
    "bad_amounts": [Options({"raise", "drop"})],
    "missing_customer": [Options({"drop", "raise"})],
    "duplicates": [Options({"drop", "keep"})],
    "date_format": [None, str],
    "dayfirst": [None, "boolean"],
    "unit_price": [None, str],
    "cancellation_prefix": [None, str],
    "keep_columns": ["boolean"],
})
def clean_transactions(
    raw: Any,
    *,
    returns: str = "drop",
    bad_dates: str = "raise",
    bad_amounts: str = "raise",
    date_format: str | None = None,
    dayfirst: bool | None = None,
    columns: Mapping[str, str] | Columns | None = None,
    unit_price: str | None = None,
    cancellation_prefix: str | None = "C",
    missing_customer: str = "drop",
    duplicates: str = "drop",
    keep_columns: bool = True,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    item: str | None = None,
    quantity: str | None = None,
) -> tuple[Any, CleaningLog]:
    """Clean a raw transaction log under an explicit, logged policy.

    The rules, applied in this order and each logged with counts:

    1. rows without a customer id (text ids that are empty or only spaces
       count as missing) are dropped (``missing_customer="drop"``) or raise
       (``"raise"``);
    2. exact duplicate rows are dropped (``duplicates="drop"``) or kept;
    3. missing or unparseable dates raise (``bad_dates="raise"``, the message
       gives the row positions and, for a table read from a CSV file with one
       header line, the file line numbers) or are dropped (``"drop"``);
    4. missing, non-numeric or infinite amounts (or quantities and unit
       prices) raise (``bad_amounts="raise"``) or are dropped (``"drop"``);
    5. return lines, i.e. orders whose id starts with ``cancellation_prefix``
       (Online Retail's ``C`` invoices) or lines with a negative quantity or
       amount, follow ``returns``: ``"drop"`` removes them, ``"net"`` keeps
       them as negative lines (then call :func:`~crmmine.customer_summary`
       with ``returns="net"``), ``"separate"`` moves them to ``log.returns``;
    6. lines with a zero quantity, and lines with a zero or negative unit
       price (Online Retail's free items and "adjust bad debt" lines), are
       dropped;
    7. when ``unit_price`` is given, ``amount = quantity * unit price``.

    Dates follow one rule (:mod:`crmmine.data.dates`): integer or text
    ``YYYYMMDD`` is a calendar date; ISO text is read as such; text such as
    ``01/02/2020`` is read one way for the whole column, and raises a
    :class:`DataError` when nothing in the column says whether the day or the
    month comes first (pass ``dayfirst`` or ``date_format``); time-zone-aware
    dates are converted to UTC and stored without a zone. Customer ids written
    as floats (``17850.0``) become integers; ids of mixed types (``1`` and
    ``"1"``) raise. Interpretations are logged as ``"changed"`` entries. No
    missing date or amount ever leaves the cleaning.

    The output uses crmmine's default column names (``customer_id``,
    ``order_id``, ``date``, ``amount`` and ``item``/``quantity``/``unit_price``
    when present) so that every later function works with its defaults.
    Without an order column each line becomes its own order (numbered).

    Parameters
    ----------
    raw : pandas, polars, DuckDB or PySpark table
        The raw log; it is not modified.
    returns : {"drop", "net", "separate"}
        Returns policy (rule 5).
    bad_dates : {"raise", "drop"}
        Missing or unparseable dates (rule 3).
    bad_amounts : {"raise", "drop"}
        Missing, non-numeric or infinite amounts, quantities or prices (rule 4).
    date_format : str, optional
        strftime format of text or integer dates, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        Read numeric day/month text such as ``01/02/2020`` day first (``True``)
        or month first (``False``).
    columns : mapping or Columns, optional
        Column names by role, e.g. :data:`crmmine.datasets.ONLINE_RETAIL_COLUMNS`.
    unit_price : str, optional
        Name of a unit-price column; when given the amount is computed.
    cancellation_prefix : str or None
        Order ids starting with this prefix are returns; ``None`` disables it.
    missing_customer : {"drop", "raise"}
    duplicates : {"drop", "keep"}
    keep_columns : bool
        Keep the other columns of the raw table (e.g. Description, Country).
    customer_id, order_id, date, amount, item, quantity : str, optional
        Column names by role (override ``columns``).

    Returns
    -------
    tx : table of the input's kind
        The clean transactions. pandas and polars output is sorted by date
        (stable) with a fresh 0..n-1 index; DuckDB and Spark output is lazy
        and unordered.
    log : CleaningLog
        What was removed or changed, and why.

    Raises
    ------
    SchemaError
        A needed column is missing; duplicated column names.
    DataError
        Empty input; nothing left; bad values under a ``"raise"`` policy;
        ambiguous dates; ids of mixed types; missing order ids.
    ParameterError
        An option outside its allowed values.

    See Also
    --------
    validate_transactions : check a table without changing it, raising on the first problem.
    CleaningLog : the log returned beside the clean table.
    customer_summary : the usual next step, one row per customer.

    Examples
    --------
    >>> import pandas as pd
    >>> raw = pd.DataFrame({
    ...     "InvoiceNo": ["1", "1", "C2", "3"], "CustomerID": [7.0, 7.0, 7.0, None],
    ...     "InvoiceDate": ["2011-01-01"] * 4, "StockCode": ["A", "B", "A", "A"],
    ...     "Quantity": [2, 1, -2, 1], "UnitPrice": [1.5, 3.0, 1.5, 1.0]})
    >>> tx, log = clean_transactions(raw, columns={"customer_id": "CustomerID",
    ...     "order_id": "InvoiceNo", "date": "InvoiceDate", "item": "StockCode",
    ...     "quantity": "Quantity"}, unit_price="UnitPrice")
    >>> tx[["customer_id", "order_id", "amount"]]
       customer_id order_id  amount
    0            7        1     3.0
    1            7        1     3.0
    >>> print(log.to_text())
    4 rows in, 2 rows out
      missing customer id: 1 rows removed
      exact duplicate rows: 0 rows removed
      missing or unparseable dates: 0 rows removed
      missing, non-numeric or infinite amounts: 0 rows removed
      returns and cancellations: 1 rows removed
      zero quantity: 0 rows removed
      zero or negative unit price: 0 rows removed
      customer ids written as floats made whole numbers: 2 rows changed

    The CDNOW master file read with a plain ``pd.read_csv`` has integer dates:

    >>> cdnow = pd.DataFrame({"customer_id": [1, 2, 2], "date": [19970101, 19970112, 19970112],
    ...                       "amount": [29.33, 11.77, 20.0]})
    >>> tx, log = clean_transactions(cdnow)
    >>> tx["date"].dt.strftime("%Y-%m-%d").tolist()
    ['1997-01-01', '1997-01-12', '1997-01-12']

    References
    ----------
    Chen, D., Sain, S. L., Guo, K. (2012). Data mining for the online retail
    industry: a case study of RFM model-based customer segmentation using data
    mining. Journal of Database Marketing & Customer Strategy Management 19(3).
    """
    cols = resolve_columns(
        columns, customer_id=customer_id, order_id=order_id, date=date, amount=amount,
        item=item, quantity=quantity,
    )
    if isinstance(raw, pd.DataFrame) and len(raw) == 0:
        raise DataError("the raw transaction table is empty (0 rows). Fix: check the input file "
                        "or the filter that produced it.")
    prep = prepare(raw, cols, what="raw transactions", unit_price=unit_price,
                   date_format=date_format, dayfirst=dayfirst)
    lf, kind, original = prep.lf, prep.kind, prep.original
    has_order = cols.order_id in original
    has_item = cols.item in original
    has_qty = cols.quantity in original
    cid_name = cols.customer_id

    try:
        lf = _backend.duplicate_flag(lf, original, _DUP, order_col=CID)
    except TypeError:
        found = _unhashable_column(raw) if isinstance(raw, pd.DataFrame) else None
        if found is None:
            raise
        name, bad = found
        raise bad_rows_error(name, "lists or other containers as values", bad, len(bad),
                             "give every cell a single value (explode lists into rows first).") \
            from None

    # flags, computed once as columns (pandas in numpy, other engines as expressions)
    drop_dups, net = duplicates == "drop", returns == "net"
    if kind == "pandas":
        work = lf.to_native()
        n = len(work)

        def flag(values: Any) -> np.ndarray:
            return pd.Series(values).fillna(False).to_numpy(dtype=bool)

        no = np.zeros(n, dtype=bool)
        prefix = no
        if has_order and cancellation_prefix:
            order = work[cols.order_id]
            prefix = flag(order.notna() & order.astype(str).str.startswith(cancellation_prefix))
        is_return = (prefix | (flag(work[QTY] < 0) if has_qty else no)
                     | (flag(work[AMT] < 0) if unit_price is None else no))
        flags = _combine(
            work[CID].isna().to_numpy(), work[_DUP].to_numpy(dtype=bool),
            work[DATE_BAD].to_numpy(dtype=bool), work[AMT_BAD].to_numpy(dtype=bool), is_return,
            flag(work[QTY] == 0) if has_qty else no,
            flag(work[PRICE] <= 0) if unit_price is not None else no,
            no, drop_dups=drop_dups, net=net,
        )
        lf = _backend.to_lazy(work.assign(**{f"__cm_s_{k}": v for k, v in flags.items()}))
    else:
        false = nw.lit(False)
        prefix = false
        if has_order and cancellation_prefix:
            prefix = nw.col(cols.order_id).cast(nw.String).str.starts_with(cancellation_prefix)
        neg_qty = (nw.col(QTY) < 0) if has_qty else false
        neg_amt = (nw.col(AMT) < 0) if unit_price is None else false
        is_return = prefix.fill_null(False) | neg_qty.fill_null(False) | neg_amt.fill_null(False)
        flags = _combine(
            nw.col(CID).is_null(), nw.col(_DUP), nw.col(DATE_BAD), nw.col(AMT_BAD), is_return,
            (nw.col(QTY) == 0).fill_null(False) if has_qty else false,
            (nw.col(PRICE) <= 0).fill_null(False) if unit_price is not None else false,
            false, drop_dups=drop_dups, net=net,
        )
        lf = lf.with_columns(**{f"__cm_s_{k}": v for k, v in flags.items()})
    missing = nw.col(CID).is_null()
    stage = {name: nw.col(f"__cm_s_{name}") for name in _STAGES}

    schema = lf.collect_schema()
    float_ids = schema[CID].is_float()
    if kind == "pandas":  # the same figures in numpy: much faster than expressions on pandas
        stats = _pandas_stats(lf.to_native(), prep.notes, float_ids,
                              cols.order_id if has_order else None)
    else:
        aggs: dict[str, nw.Expr] = {"n": nw.len(), "cust_in": _distinct(~missing)}
        for name in _STAGES:
            aggs[f"rows_{name}"] = stage[name].cast(nw.Int64).sum()
            aggs[f"cust_{name}"] = _distinct(stage[name])
        for i, (_text, expr) in enumerate(prep.notes):
            if isinstance(expr, nw.Expr):
                aggs[f"note_{i}"] = (expr & ~missing).cast(nw.Int64).sum()
        if float_ids:
            odd = (nw.col(CID) != nw.col(CID).round(0)) | ~nw.col(CID).is_finite()
            aggs["id_odd"] = (stage["ok"] & odd.fill_null(True)).cast(nw.Int64).sum()
        if has_order:
            aggs["order_null"] = (stage["ok"] & nw.col(cols.order_id).is_null()).cast(
                nw.Int64).sum()
        stats = {k: _int_or_zero(v) for k, v in _backend.collect_one(lf.select(**aggs)).items()}

    if stats["n"] == 0:
        raise DataError("the raw transaction table is empty (0 rows). Fix: check the input.")

    def fail(name: str, column: str, problem: str, fix: str) -> DataError:
        where = positions_text(lf, stage[name], prep.has_positions)
        return bad_rows_error(column, problem + where, examples(lf, stage[name], original),
                              stats[f"rows_{name}"], fix)

    if missing_customer == "raise" and stats["rows_missing"]:
        raise fail("missing", cid_name, "missing customer id",
                   "fill the ids, or pass missing_customer='drop' to remove these rows (logged).")
    if bad_dates == "raise" and stats["rows_date"]:
        raise fail("date", cols.date, "dates that are missing or cannot be parsed",
                   "correct or remove these rows; pass date_format='...' (a strftime format such "
                   "as '%d/%m/%Y') if the dates follow one format; or pass bad_dates='drop' to "
                   "remove them (logged in the cleaning log).")
    if bad_amounts == "raise" and stats["rows_amount"]:
        sources = [cols.amount] if unit_price is None else [cols.quantity, unit_price]
        absent = nw.any_horizontal(*[nw.col(c).is_null() for c in sources], ignore_nulls=False)
        infinite = (nw.col(AMT).abs() == float("inf")).fill_null(False)
        kinds = _backend.collect_one(lf.filter(stage["amount"]).select(
            missing=absent.cast(nw.Int64).sum(),
            infinite=(~absent & infinite).cast(nw.Int64).sum(),
        ))
        n_missing, n_inf = _int_or_zero(kinds["missing"]), _int_or_zero(kinds["infinite"])
        n_text = stats["rows_amount"] - n_missing - n_inf
        what = "amounts" if unit_price is None else f"quantities or unit prices ({unit_price!r})"
        raise fail("amount", sources[0],
                   f"{what} that cannot be used ({n_missing} missing, {n_text} not numbers, "
                   f"{n_inf} infinite)",
                   "correct these rows (pd.to_numeric shows which do not convert), or pass "
                   "bad_amounts='drop' to remove them (logged in the cleaning log).")
    if stats.get("order_null"):
        mask = stage["ok"] & nw.col(cols.order_id).is_null()
        raise bad_rows_error(
            cols.order_id, "missing order ids" + positions_text(lf, mask, prep.has_positions),
            examples(lf, mask, original), stats["order_null"],
            "fill the order ids, or leave the order column out of the mapping so that each line "
            "counts as its own order.",
        )

    log = CleaningLog(
        n_input=stats["n"],
        policy={"returns": returns, "bad_dates": bad_dates, "bad_amounts": bad_amounts,
                "cancellation_prefix": cancellation_prefix, "missing_customer": missing_customer,
                "duplicates": duplicates, "date_format": date_format, "dayfirst": dayfirst,
                "amount": prep.amount_source},
        customers_input=stats["cust_in"],
    )

    shown_by_stage = _stage_examples(lf, stage, [n for n in _STAGES[:-1] if stats[f"rows_{n}"]],
                                     original, eager=prep.has_positions or kind == "pandas")

    def record(name: str, reason: str, action: str, customers: bool = True) -> None:
        rows = stats[f"rows_{name}"]
        log._add(reason, action, rows, stats[f"cust_{name}"] if customers else None,
                 shown_by_stage.get(name))

    record("missing", "missing customer id", "removed", customers=False)
    record("dup", "exact duplicate rows", "removed" if duplicates == "drop" else "kept")
    record("date", "missing or unparseable dates", "removed")
    record("amount", "missing, non-numeric or infinite amounts", "removed")
    record("ret", "returns and cancellations",
           {"drop": "removed", "net": "kept as negative lines", "separate": "moved to returns"}[returns])
    if has_qty:
        record("zero", "zero quantity", "removed")
    if unit_price is not None:
        record("price", "zero or negative unit price", "removed")
    for i, (text, expr) in enumerate(prep.notes):
        rows = stats.get(f"note_{i}", 0) if isinstance(expr, nw.Expr) else int(expr)
        if rows:
            log._add(text, "changed", rows, None)
    cast_ids = float_ids and stats.get("id_odd", 1) == 0
    if cast_ids and stats["rows_ok"]:
        log._add("customer ids written as floats made whole numbers", "changed", stats["rows_ok"],
                 None)
    log.n_output = stats["rows_ok"]
    log.customers_output = stats["cust_ok"]
    if log.n_output == 0:
        raise DataError(
            "no transactions are left after cleaning: " + log.to_text().replace("\n", "; ")
            + ". Fix: check the column mapping and the policies (returns, bad_dates, bad_amounts)."
        )

    names = ["customer_id", "order_id", "date", "amount", "item", "quantity", "unit_price"]
    used = set(cols.as_dict().values()) | {unit_price}
    others = [c for c in original if c not in used and c not in names] if keep_columns else []

    def canonical_pandas(name: str) -> pd.DataFrame:
        work = lf.to_native()
        rows = np.flatnonzero(work[f"__cm_s_{name}"].to_numpy(dtype=bool))
        dates = work[DATE].to_numpy()[rows].astype("datetime64[us]")
        order = np.argsort(dates, kind="stable")  # sorted by date, ties in input order
        rows, dates = rows[order], dates[order]

        def take(column: str) -> np.ndarray:
            return work[column].to_numpy()[rows]

        ids = take(CID)
        out = pd.DataFrame({"customer_id": ids.astype("int64") if cast_ids else ids})
        out["order_id"] = take(cols.order_id) if has_order else np.arange(len(rows))
        out["date"] = dates
        out["amount"] = work[AMT].to_numpy(dtype="float64")[rows]
        if has_item:
            out["item"] = work[cols.item].iloc[rows].reset_index(drop=True)
        if has_qty:
            out["quantity"] = take(QTY)
        if unit_price is not None:
            out["unit_price"] = take(PRICE)
        for c in others:
            out[c] = work[c].iloc[rows].reset_index(drop=True)
        return out

    def canonical(mask: nw.Expr) -> Any:
        part = lf.filter(mask)
        cid_expr = nw.col(CID).cast(nw.Int64) if cast_ids else nw.col(CID)
        exprs = [cid_expr.alias("customer_id")]
        if has_order:
            exprs.append(nw.col(cols.order_id).alias("order_id"))
        exprs += [nw.col(DATE).cast(nw.Datetime("us")).alias("date"),
                  nw.col(AMT).cast(nw.Float64).alias("amount")]
        if has_item:
            exprs.append(nw.col(cols.item).alias("item"))
        if has_qty:
            exprs.append(nw.col(QTY).alias("quantity"))
        if unit_price is not None:
            exprs.append(nw.col(PRICE).alias("unit_price"))
        exprs += [nw.col(c) for c in others]
        part = _backend.sort_rows(part.select(*exprs), ["date"])
        if not has_order:
            part = _backend.with_row_number(part, "order_id", order_by=["date", "customer_id"])
            order = part.collect_schema().names()
            order.remove("order_id")
            part = part.select("customer_id", "order_id", *order[1:])
        return _backend.result_like(part, kind)

    if kind == "pandas":
        tx = canonical_pandas("ok")
        if returns == "separate":
            log.returns = canonical_pandas("ret")
        return tx, log
    tx = canonical(stage["ok"])
    if returns == "separate":
        log.returns = canonical(stage["ret"])
    return tx, log
