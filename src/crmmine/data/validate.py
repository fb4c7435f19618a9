"""Validation of transaction tables: schema, ids, dates, amounts, duplicates.

:func:`validate_transactions` checks a table without cleaning it: it returns a
new table of the same kind in which dates are parsed and amounts are numeric,
or raises a :class:`~crmmine.errors.CRMMineError` that names the column, shows
up to five offending rows, gives their count and says how to fix the problem.
It never modifies its input and never drops a row (that is
:func:`~crmmine.clean_transactions`' job, with a log).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import narwhals as nw
import pandas as pd

import crmmine._backend as _backend
from crmmine._params import Options, validate_params
from crmmine._units import naive_utc
from crmmine.data._prepare import AMT, AMT_BAD, CID, DATE, DATE_BAD, QTY, examples, positions_text, prepare
from crmmine.data.columns import Columns, require_columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["validate_transactions"]

_ROLES_DEFAULT: tuple[str, ...] = ("customer_id", "date", "amount")
_DUP = "__cm_dup"


def _as_of_day(as_of: Any) -> pd.Timestamp:
    ts = pd.Timestamp(as_of)
    ts = naive_utc(ts)  # time-zone-aware: read in UTC
    return ts.normalize()


@validate_params({
    "duplicates": [Options({"raise", "keep"})],
    "allow_negative": ["boolean"],
    "as_of": [None, "date"],
    "date_format": [None, str],
    "dayfirst": [None, "boolean"],
})
def validate_transactions(
    tx: Any,
    *,
    required: Sequence[str] = _ROLES_DEFAULT,
    columns: Mapping[str, str] | Columns | None = None,
    duplicates: str = "raise",
    allow_negative: bool = False,
    as_of: str | pd.Timestamp | None = None,
    date_format: str | None = None,
    dayfirst: bool | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    item: str | None = None,
    quantity: str | None = None,
) -> Any:
    """Check a transaction table and return a validated copy of the same kind.

    Checks, in this order: the table is not empty and its column names are
    unique; the required columns exist (suggesting close names when not);
    customer ids (and order ids when required) are present and of one type;
    dates parse under crmmine's date rules (:mod:`crmmine.data.dates`: integer
    ``YYYYMMDD`` is a calendar date, ambiguous day/month text raises unless
    ``dayfirst`` or ``date_format`` is given, time-zone-aware dates become UTC);
    amounts are numbers, finite and non-negative unless ``allow_negative``;
    no exact duplicate rows unless ``duplicates="keep"``; no date after
    ``as_of`` when it is given (any time on the ``as_of`` day is allowed).

    Parameters
    ----------
    tx : pandas, polars, DuckDB or PySpark table
        One row per transaction line.
    required : sequence of str
        Roles that must be present, among ``customer_id``, ``order_id``,
        ``date``, ``amount``, ``item``, ``quantity``. The customer id and the
        date are always required.
    columns : mapping or Columns, optional
        Column names by role; keyword arguments below override it.
    duplicates : {"raise", "keep"}
        What to do with rows that are exact copies of an earlier row.
    allow_negative : bool
        Accept negative amounts (returns kept under the ``"net"`` policy).
    as_of : date-like, optional
        Raise if any transaction is dated after that day.
    date_format : str, optional
        strftime format of text or integer dates.
    dayfirst : bool, optional
        Read numeric day/month text such as ``01/02/2020`` day first.
    customer_id, order_id, date, amount, item, quantity : str, optional
        Column names by role.

    Returns
    -------
    table of the input's kind
        A new table (the input is untouched) with the date column parsed
        (naive datetimes) and the amount column as floats. pandas output keeps
        the input's index.

    Raises
    ------
    SchemaError
        A required column is missing, or column names repeat.
    DataError
        Empty input, null or mixed-type ids, unparseable or ambiguous dates,
        non-numeric, infinite or negative amounts, duplicate rows, dates after
        ``as_of``.

    See Also
    --------
    clean_transactions : fix what validation refuses, under a logged policy.
    parse_dates : the date rules the validation applies.

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
    crmmine.errors.DataError: column 'amount': 1 row with amounts that are missing, not numbers or infinite...
    """
    cols = resolve_columns(
        columns, customer_id=customer_id, order_id=order_id, date=date, amount=amount,
        item=item, quantity=quantity,
    )
    names = cols.as_dict()
    if isinstance(required, str):
        raise ParameterError(f"required must be a list of roles, got the string {required!r}.")
    unknown = [r for r in required if r not in names]
    if unknown:
        raise ParameterError(f"unknown roles in required: {unknown}; known: {list(names)}.")
    if isinstance(tx, pd.DataFrame) and len(tx) == 0:
        raise DataError(
            "the transaction table is empty (0 rows). Fix: check the file or the filter that "
            "produced it; crmmine needs at least one transaction."
        )
    frame = _backend.to_narwhals(tx, what="transactions")
    available = frame.collect_schema().names() if isinstance(frame, nw.LazyFrame) else frame.columns
    require_columns(available, [names[r] for r in required], role="transactions",
                    parameters={names[r]: r for r in required})
    need_amount = "amount" in required
    prep = prepare(tx, cols, what="transactions", unit_price=None, date_format=date_format,
                   dayfirst=dayfirst, need_amount=need_amount)
    lf, original = prep.lf, prep.original
    checks: dict[str, nw.Expr] = {"missing_id": nw.col(CID).is_null(), "date": nw.col(DATE_BAD)}
    if "order_id" in required:
        checks["missing_order"] = nw.col(cols.order_id).is_null()
    if need_amount:
        checks["amount"] = nw.col(AMT_BAD)
        if not allow_negative:
            checks["negative"] = nw.col(AMT) < 0
    if "quantity" in required:
        checks["quantity"] = ~nw.col(QTY).cast(nw.Float64).is_finite().fill_null(False)
    if as_of is not None:
        cutoff = _as_of_day(as_of) + pd.Timedelta(days=1)
        checks["late"] = _backend.day_number(nw.col(DATE)) >= int(
            (cutoff - pd.Timestamp("1970-01-01")).days)
    if duplicates == "raise":
        lf = _backend.duplicate_flag(lf, original, _DUP, order_col=CID)
        checks["dup"] = nw.col(_DUP)
    aggs = {k: v.fill_null(False).cast(nw.Int64).sum() for k, v in checks.items()}
    stats = _backend.collect_one(lf.select(n=nw.len(), **aggs))
    if not stats["n"]:
        raise DataError("the transaction table is empty (0 rows). Fix: check the input.")
    messages = {
        "missing_id": (cols.customer_id, "missing customer id",
                       "drop or fill the rows without a customer id first, or use clean_transactions"
                       "(..., missing_customer='drop') which logs what it removes."),
        "missing_order": (cols.order_id, "missing order id",
                          "fill the order ids, or leave the order column out so that each line is "
                          "an order."),
        "date": (cols.date, "dates that are missing or cannot be parsed",
                 "correct them, pass date_format='...' if they follow one strftime format, or "
                 "clean with clean_transactions(..., bad_dates='drop'), which logs what it removes."),
        "amount": (cols.amount, "amounts that are missing, not numbers or infinite",
                   "correct them (pd.to_numeric shows which do not convert), or clean with "
                   "clean_transactions(..., bad_amounts='drop'), which logs what it removes."),
        "negative": (cols.amount, "negative amounts (returns or corrections)",
                     "choose a returns policy with clean_transactions(raw, returns='drop'|'net'|"
                     "'separate'), or pass allow_negative=True."),
        "quantity": (cols.quantity, "missing, non-numeric or infinite quantities",
                     "correct them or clean with clean_transactions(..., bad_amounts='drop')."),
        "late": (cols.date, f"dates after as_of={as_of}",
                 "pass a later as_of, filter the rows first, or use calibration_holdout to split "
                 "the log at a date."),
        "dup": ("(all columns)", "exact duplicates of an earlier row",
                "remove them with clean_transactions(..., duplicates='drop') (logged), or pass "
                "duplicates='keep' if repeated identical lines are real."),
    }
    for key, expr in checks.items():
        count = int(stats[key] or 0)
        if count:
            column, problem, fix = messages[key]
            mask = expr.fill_null(False)
            where = positions_text(lf, mask, prep.has_positions)
            raise bad_rows_error(column, problem + where, examples(lf, mask, original), count, fix)
    # the input's columns replaced by their parsed versions: output column -> prepared column
    parsed = {cols.date: DATE}
    if need_amount:
        parsed[cols.amount] = AMT
    if "quantity" in required:
        parsed[cols.quantity] = QTY
    if prep.kind == "pandas":
        work = lf.to_native()
        return tx.assign(**{c: work[source].to_numpy() for c, source in parsed.items()})
    exprs = []
    for c in original:
        expr = nw.col(parsed.get(c, c))
        if c == cols.date:
            expr = expr.cast(nw.Datetime("us"))
        exprs.append(expr.alias(c))
    return _backend.result_like(lf.select(*exprs), prep.kind)
