"""Cleaning of raw transaction logs with an explicit, logged policy.

:func:`clean_transactions` turns a raw log (for example the UCI Online Retail
file) into the clean table every other crmmine function reads. Each rule that
removes or changes rows is recorded in a :class:`CleaningLog` with a count and
examples, so nothing disappears silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from crmmine.data.columns import Columns, require_columns, resolve_columns
from crmmine.data.validate import parse_dates
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["CleaningLog", "clean_transactions"]

_RETURNS = ("drop", "net", "separate")


@dataclass
class CleaningLog:
    """What :func:`clean_transactions` removed or changed, and why.

    Attributes
    ----------
    n_input : int
        Rows in the raw table.
    n_output : int
        Rows in the clean table.
    steps : list of dict
        One entry per rule: ``reason``, ``action`` (``"removed"``,
        ``"moved to returns"``, ``"kept"`` or ``"changed"``), ``rows`` and
        ``customers`` affected.
    examples : dict
        Up to five example rows per reason.
    returns : DataFrame or None
        The return/cancellation lines under ``returns="separate"``.
    policy : dict
        The parameters the cleaning ran with.
    """

    n_input: int
    n_output: int = 0
    steps: list[dict] = field(default_factory=list)
    examples: dict[str, pd.DataFrame] = field(default_factory=dict)
    returns: pd.DataFrame | None = None
    policy: dict = field(default_factory=dict)

    def _add(self, reason: str, action: str, rows: pd.DataFrame, customers: int | None) -> None:
        self.steps.append(
            {"reason": reason, "action": action, "rows": len(rows), "customers": customers}
        )
        if len(rows):
            self.examples[reason] = rows.head(5)

    def to_frame(self) -> pd.DataFrame:
        """One row per rule with the number of rows and customers affected.

        ``customers`` is missing where the rule does not concern known customers
        (rows without a customer id). ``attrs`` holds ``n_input`` and ``n_output``.
        """
        frame = pd.DataFrame(self.steps, columns=["reason", "action", "rows", "customers"])
        frame["customers"] = frame["customers"].astype("Int64")
        frame.attrs.update({"n_input": self.n_input, "n_output": self.n_output})
        return frame

    def summary(self) -> str:
        """A short text account of the cleaning."""
        lines = [f"{self.n_input:,} rows in, {self.n_output:,} rows out"]
        for s in self.steps:
            lines.append(f"  {s['reason']}: {s['rows']:,} rows {s['action']}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"CleaningLog({self.summary()})"

    def _repr_html_(self) -> str:
        from crmmine._html import table_html

        return table_html(self.to_frame())


def _customers(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].nunique()) if column in frame else 0


def _normalise_ids(values: pd.Series) -> pd.Series:
    """Integral float ids (``17850.0``) become int64; others are left as they are."""
    if pd.api.types.is_float_dtype(values):
        arr = values.to_numpy()
        if np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)):
            return values.astype("int64")
    return values


def clean_transactions(
    raw: pd.DataFrame,
    *,
    returns: str = "drop",
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
) -> tuple[pd.DataFrame, CleaningLog]:
    """Clean a raw transaction log under an explicit returns policy.

    The rules, applied in this order and each logged with counts:

    1. rows without a customer id are dropped (``missing_customer="drop"``)
       or raise (``"raise"``);
    2. exact duplicate rows are dropped (``duplicates="drop"``) or kept;
    3. return lines, i.e. orders whose id starts with ``cancellation_prefix``
       (Online Retail's ``C`` invoices) or lines with a negative quantity or
       amount, follow ``returns``: ``"drop"`` removes them, ``"net"`` keeps
       them as negative lines so totals are net of returns (an order whose
       lines sum to zero or less is not counted as a purchase by
       :func:`~crmmine.data.customer_summary`), ``"separate"`` moves them to
       ``log.returns``;
    4. lines with a zero quantity, and lines with a zero or negative unit
       price (Online Retail's free items and "adjust bad debt" lines), are
       dropped;
    5. when ``unit_price`` is given, ``amount = quantity * unit price``.

    Dates must all parse (a :class:`DataError` otherwise: nothing is dropped
    silently). Integral float customer ids (``17850.0``) become integers.
    The output uses crmmine's default column names (``customer_id``,
    ``order_id``, ``date``, ``amount`` and ``item``/``quantity`` when mapped)
    so that every later function works with its defaults.

    Parameters
    ----------
    raw : DataFrame
        The raw log; it is not modified.
    returns : {"drop", "net", "separate"}
        Returns policy (rule 3).
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
    tx : DataFrame
        The clean transactions, sorted by date (stable).
    log : CleaningLog
        What was removed or changed, and why.

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
    >>> print(log.summary())
    4 rows in, 2 rows out
      missing customer id: 1 rows removed
      exact duplicate rows: 0 rows removed
      returns and cancellations: 1 rows removed
      zero quantity: 0 rows removed
      zero or negative unit price: 0 rows removed

    References
    ----------
    Chen, D., Sain, S. L., Guo, K. (2012). Data mining for the online retail
    industry: a case study of RFM model-based customer segmentation using data
    mining. Journal of Database Marketing & Customer Strategy Management 19(3).
    """
    if returns not in _RETURNS:
        raise ParameterError(f"returns must be one of {_RETURNS}, got {returns!r}.")
    if missing_customer not in ("drop", "raise"):
        raise ParameterError(f"missing_customer must be 'drop' or 'raise', got {missing_customer!r}.")
    if duplicates not in ("drop", "keep"):
        raise ParameterError(f"duplicates must be 'drop' or 'keep', got {duplicates!r}.")
    if not isinstance(raw, pd.DataFrame):
        raise ParameterError(f"expected a pandas DataFrame, got {type(raw).__name__}.")
    cols = resolve_columns(
        columns, customer_id=customer_id, order_id=order_id, date=date, amount=amount,
        item=item, quantity=quantity,
    )
    if len(raw) == 0:
        raise DataError("the raw transaction table is empty (0 rows). Fix: check the input file.")
    given = set(raw.columns)
    needed = [cols.customer_id, cols.date]
    if unit_price is not None:
        needed += [unit_price, cols.quantity]
    else:
        needed.append(cols.amount)
    require_columns(raw.columns, needed, role="raw transactions")
    has_order = cols.order_id in given
    has_item = cols.item in given
    has_qty = cols.quantity in given

    log = CleaningLog(
        n_input=len(raw),
        policy={"returns": returns, "cancellation_prefix": cancellation_prefix,
                "missing_customer": missing_customer, "duplicates": duplicates,
                "amount": f"{cols.quantity} * {unit_price}" if unit_price else cols.amount},
    )
    df = raw
    cid = cols.customer_id

    # 1. missing customer
    miss = df[cid].isna().to_numpy()
    if miss.any() and missing_customer == "raise":
        raise bad_rows_error(cid, "missing customer id", df.loc[miss].head(), int(miss.sum()),
                             "fill the ids or pass missing_customer='drop'.")
    log._add("missing customer id", "removed", df.loc[miss], None)
    df = df.loc[~miss]

    # 2. exact duplicates
    if duplicates == "drop":
        dup = df.duplicated(keep="first").to_numpy()
        log._add("exact duplicate rows", "removed", df.loc[dup], _customers(df.loc[dup], cid))
        df = df.loc[~dup]
    else:
        log._add("exact duplicate rows", "kept", df.iloc[:0], 0)

    # quantities and amounts as numbers
    qty = None
    if has_qty:
        qty = pd.to_numeric(df[cols.quantity], errors="coerce")
        bad = qty.isna() & df[cols.quantity].notna()
        if bad.any():
            raise bad_rows_error(cols.quantity, "quantities that are not numbers",
                                 df.loc[bad].head(), int(bad.sum()),
                                 "convert the column with pd.to_numeric or remove these rows.")
    if unit_price is not None:
        price = pd.to_numeric(df[unit_price], errors="coerce")
        bad = price.isna() & df[unit_price].notna()
        if bad.any():
            raise bad_rows_error(unit_price, "prices that are not numbers", df.loc[bad].head(),
                                 int(bad.sum()), "convert the column or remove these rows.")
        amt = qty * price
    else:
        amt = pd.to_numeric(df[cols.amount], errors="coerce")
        bad = amt.isna() & df[cols.amount].notna()
        if bad.any():
            raise bad_rows_error(cols.amount, "amounts that are not numbers", df.loc[bad].head(),
                                 int(bad.sum()), "convert the column or remove these rows.")
        price = None
    null_amt = amt.isna().to_numpy()
    if null_amt.any():
        raise bad_rows_error(cols.amount if unit_price is None else unit_price,
                             "missing amounts or prices", df.loc[null_amt].head(),
                             int(null_amt.sum()), "fill or drop these rows first.")

    # 3. returns and cancellations
    is_return = np.zeros(len(df), dtype=bool)  # writable
    if has_order and cancellation_prefix:
        is_return = is_return | df[cols.order_id].astype(str).str.startswith(cancellation_prefix).to_numpy()
    if qty is not None:
        is_return = is_return | (qty < 0).to_numpy()
    if price is None:
        is_return = is_return | (amt < 0).to_numpy()
    ret_rows = df.loc[is_return]
    if returns == "drop":
        log._add("returns and cancellations", "removed", ret_rows, _customers(ret_rows, cid))
        keep = ~is_return
    elif returns == "separate":
        log._add("returns and cancellations", "moved to returns", ret_rows,
                 _customers(ret_rows, cid))
        keep = ~is_return
    else:
        log._add("returns and cancellations", "kept as negative lines", ret_rows,
                 _customers(ret_rows, cid))
        keep = np.ones(len(df), dtype=bool)

    # 4. zero quantity, non-positive price
    zero_q = (qty == 0).to_numpy() if qty is not None else np.zeros(len(df), dtype=bool)
    log._add("zero quantity", "removed", df.loc[zero_q & keep], None)
    if price is not None:
        bad_price = (price <= 0).to_numpy() & keep & ~zero_q
        log._add("zero or negative unit price", "removed", df.loc[bad_price],
                 _customers(df.loc[bad_price], cid))
    else:
        bad_price = np.zeros(len(df), dtype=bool)
    final = keep & ~zero_q & ~bad_price

    def _canonical(frame: pd.DataFrame, mask: np.ndarray) -> pd.DataFrame:
        part = frame.loc[mask]
        out = pd.DataFrame(index=part.index)
        out["customer_id"] = _normalise_ids(part[cid])
        out["order_id"] = part[cols.order_id] if has_order else np.arange(len(part))
        out["date"] = parse_dates(part[cols.date], cols.date)
        out["amount"] = amt[mask].astype("float64").to_numpy()
        if has_item:
            out["item"] = part[cols.item]
        if has_qty:
            out["quantity"] = qty[mask].to_numpy()
        if unit_price is not None:
            out["unit_price"] = price[mask].to_numpy()
        if keep_columns:
            used = set(cols.as_dict().values()) | {unit_price}
            for c in frame.columns:
                if c not in used and c not in out.columns:
                    out[c] = part[c]
        return out

    tx = _canonical(df, final)
    if not has_order:
        tx["order_id"] = np.arange(len(tx))
    tx = tx.sort_values("date", kind="stable").reset_index(drop=True)
    if returns == "separate":
        log.returns = _canonical(df, is_return).reset_index(drop=True)
    if len(tx) == 0:
        raise DataError(
            "no transactions are left after cleaning: " + log.summary().replace("\n", "; ")
            + ". Fix: check the column mapping and the returns policy."
        )
    log.n_output = len(tx)
    return tx, log
