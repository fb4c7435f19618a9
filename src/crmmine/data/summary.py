"""The customer summary: one row per customer, the hub of every analysis.

One code path, written against narwhals, computes the summary for pandas,
polars, DuckDB and PySpark input; the result is always a pandas DataFrame
indexed by customer id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from crmmine.data.columns import Columns, require_columns, resolve_columns, time_unit_days
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["SUMMARY_COLUMNS", "calibration_holdout", "customer_summary"]

SUMMARY_COLUMNS = (
    "first_purchase", "last_purchase", "orders", "frequency", "recency", "T", "since_last",
    "tenure_days", "monetary", "monetary_mean", "repeat_monetary_mean",
)
_COUNTS = ("orders", "days")


def _to_lazy(tx: Any) -> nw.LazyFrame:
    try:
        frame = nw.from_native(tx)
    except TypeError as exc:
        raise ParameterError(
            f"transactions must be a pandas, polars, DuckDB or PySpark table, got "
            f"{type(tx).__name__}."
        ) from exc
    return frame.lazy() if isinstance(frame, nw.DataFrame) else frame


def _as_timestamp(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"{name}={value!r} is not a date. Fix: pass e.g. '2011-12-09'.") \
            from exc
    if ts is pd.NaT:
        raise ParameterError(f"{name} must be a date, got NaT.")
    return ts.tz_localize(None) if ts.tzinfo is not None else ts


def _naive_datetimes(lf: nw.LazyFrame, column: str, dtype: Any) -> nw.LazyFrame:
    """Dates become time-zone-naive datetimes (wall-clock time kept), whatever the backend."""
    if isinstance(dtype, nw.Date):
        return lf.with_columns(nw.col(column).cast(nw.Datetime("us")))
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None:
        return lf.with_columns(nw.col(column).dt.replace_time_zone(None))
    return lf


def _order_table(lf: nw.LazyFrame, cols: Columns, count: str, has_order: bool,
                 one_row_per_order: bool = False) -> nw.LazyFrame:
    """One row per purchase unit (order or customer-day): customer, day, amount.

    When every row is its own order (``one_row_per_order``) the grouping is skipped.
    """
    base = lf.select(
        nw.col(cols.customer_id).alias("_cid"),
        nw.col(cols.date).dt.truncate("1d").alias("_day"),
        nw.col(cols.amount).cast(nw.Float64).alias("_amt"),
        *([nw.col(cols.order_id).alias("_oid")] if has_order and count == "orders" else []),
    )
    keys = ["_cid", "_oid"] if has_order and count == "orders" else ["_cid", "_day"]
    if keys[1] == "_oid":
        if one_row_per_order:
            return base.drop("_oid")
        return base.group_by(keys).agg(nw.col("_day").min(), nw.col("_amt").sum())
    return base.group_by(keys).agg(nw.col("_amt").sum())


def _summarise(units: nw.LazyFrame) -> nw.LazyFrame:
    """Aggregate purchase units into the per-customer summary (lazy).

    Only simple aggregations (min, max, sum) are used so that every backend,
    pandas included, runs them natively. Durations are computed afterwards on
    the per-customer rows (see :func:`_finish`), since not every backend has
    duration arithmetic.
    """
    is_purchase = nw.col("_amt") >= 0
    flagged = units.with_columns(
        _is_p=is_purchase.cast(nw.Int64),
        _p_amt=nw.when(is_purchase).then(nw.col("_amt")).otherwise(nw.lit(0.0)),
        _p_day=nw.when(is_purchase).then(nw.col("_day")),
    )
    per_customer = flagged.group_by("_cid").agg(
        nw.col("_p_day").min().alias("first_purchase"),
        nw.col("_p_day").max().alias("last_purchase"),
        nw.col("_is_p").sum().alias("orders"),
        nw.col("_amt").sum().alias("monetary"),
        nw.col("_p_amt").sum().alias("_purchase_total"),
    )
    first_day = (
        flagged.join(per_customer.select("_cid", "first_purchase"), on="_cid")
        .filter(nw.col("_p_day") == nw.col("first_purchase"))
        .group_by("_cid")
        .agg(nw.col("_p_amt").sum().alias("_first_total"), nw.col("_is_p").sum().alias("_first_n"))
    )
    return per_customer.join(first_day, on="_cid", how="left")


def customer_summary(
    tx: Any,
    *,
    as_of: str | pd.Timestamp | None = None,
    time_unit: str | float = "D",
    count: str = "orders",
    future: str = "raise",
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> pd.DataFrame:
    """One row per customer: purchase counts, recency in both meanings, T, spend.

    Parameters
    ----------
    tx : pandas, polars, DuckDB or PySpark table
        Clean transactions (see :func:`crmmine.clean_transactions`), one row
        per order line. Dates must be datetimes; amounts numeric.
    as_of : date-like, optional
        The reference date ("now"). Defaults to the last transaction date.
        Durations are measured between calendar days (times are truncated
        to the day).
    time_unit : str or float
        Unit of ``recency``, ``T`` and ``since_last``: ``"D"``, ``"W"``,
        ``"M"`` (365.25/12 days), ``"Y"``, multiples such as ``"14D"``, or a
        number of days. Stored in ``summary.attrs["time_unit"]``.
    count : {"orders", "days"}
        What counts as a purchase: distinct orders (default), or distinct
        purchase days, which merges several orders on one day into one
        purchase as the BTYD literature and lifetimes do.
    future : {"raise", "ignore"}
        Transactions after ``as_of`` raise a :class:`DataError` by default;
        ``"ignore"`` leaves them out and counts them in
        ``summary.attrs["n_rows_after_as_of"]``.
    columns, customer_id, order_id, date, amount : optional
        Column names (see :func:`crmmine.data.columns.resolve_columns`).
        Without an order column each line counts as an order.

    Returns
    -------
    DataFrame
        Indexed by customer id (sorted), with columns

        ``first_purchase``, ``last_purchase``
            dates (day resolution) of the first and last purchase;
        ``orders``
            number of purchases (distinct orders, or days);
        ``frequency``
            repeat purchases, ``orders - 1``;
        ``recency``
            BTYD recency: last minus first purchase, in ``time_unit``;
        ``T``
            ``as_of`` minus first purchase, in ``time_unit``;
        ``since_last``
            RFM recency: ``as_of`` minus last purchase, in ``time_unit``;
        ``tenure_days``
            ``as_of`` minus first purchase in days;
        ``monetary``
            total amount (net of returns kept under ``returns="net"``);
        ``monetary_mean``
            ``monetary / orders``;
        ``repeat_monetary_mean``
            mean amount of purchases after the first purchase day (0 when
            there are none): the Gamma-Gamma input, as in lifetimes.

        A purchase is an order (or day) whose amount sums to zero or more;
        an order that nets below zero (a return kept under ``returns="net"``)
        lowers ``monetary`` but is not a purchase. A customer with no purchase at all raises.

    Raises
    ------
    SchemaError, DataError, ParameterError

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 1, 2],
    ...     "order_id": ["a", "b", "c", "d"],
    ...     "date": pd.to_datetime(["2011-01-01", "2011-01-08", "2011-01-15", "2011-01-10"]),
    ...     "amount": [10.0, 20.0, 30.0, 5.0]})
    >>> s = customer_summary(tx, as_of="2011-01-22", time_unit="W")
    >>> s[["frequency", "recency", "T", "since_last", "monetary", "repeat_monetary_mean"]]
                 frequency  recency         T  since_last  monetary  repeat_monetary_mean
    customer_id
    1                    2      2.0  3.000000    1.000000      60.0                  25.0
    2                    0      0.0  1.714286    1.714286       5.0                   0.0

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). "Counting your
    customers" the easy way: an alternative to the Pareto/NBD model.
    Marketing Science 24(2), 275-284 (the x, t_x, T summary).
    """
    if count not in _COUNTS:
        raise ParameterError(f"count must be one of {_COUNTS}, got {count!r}.")
    if future not in ("raise", "ignore"):
        raise ParameterError(f"future must be 'raise' or 'ignore', got {future!r}.")
    time_unit_days(time_unit)  # validate early
    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date,
                           amount=amount)
    lf = _to_lazy(tx)
    names = lf.collect_schema().names()
    require_columns(names, [cols.customer_id, cols.date, cols.amount], role="transactions")
    schema = lf.collect_schema()
    if not isinstance(schema[cols.date], nw.Datetime | nw.Date):
        raise DataError(
            f"column {cols.date!r} has type {schema[cols.date]}, not a date. Fix: parse it with "
            f"validate_transactions(...) or pd.to_datetime before calling customer_summary."
        )
    if not schema[cols.amount].is_numeric():
        raise DataError(
            f"column {cols.amount!r} has type {schema[cols.amount]}, not numeric. Fix: convert "
            f"it with pd.to_numeric or validate_transactions(...)."
        )
    has_order = cols.order_id in names
    lf = _naive_datetimes(lf, cols.date, schema[cols.date])
    stats = lf.select(
        nw.len().alias("n"),
        nw.col(cols.customer_id).null_count().alias("null_id"),
        nw.col(cols.date).null_count().alias("null_date"),
        nw.col(cols.amount).null_count().alias("null_amount"),
        nw.col(cols.date).max().alias("max_date"),
        *([nw.col(cols.order_id).n_unique().alias("n_orders")]
          if has_order and count == "orders" else []),
    ).collect().to_pandas().iloc[0]
    one_row_per_order = bool(has_order and count == "orders"
                             and int(stats["n_orders"]) == int(stats["n"]))
    if int(stats["n"]) == 0:
        raise DataError("the transaction table is empty (0 rows). Fix: check the input.")
    for what, key, column in (("customer ids", "null_id", cols.customer_id),
                              ("dates", "null_date", cols.date),
                              ("amounts", "null_amount", cols.amount)):
        if int(stats[key]):
            bad = lf.filter(nw.col(column).is_null()).head(5).collect().to_pandas()
            raise bad_rows_error(column, f"missing {what}", bad, int(stats[key]),
                                 "clean the log first with clean_transactions(...).")
    max_date = pd.Timestamp(stats["max_date"])
    if max_date.tzinfo is not None:
        max_date = max_date.tz_localize(None)
    last_date = max_date.normalize()
    as_of_ts = last_date if as_of is None else _as_timestamp(as_of, "as_of").normalize()
    cutoff = as_of_ts + pd.Timedelta(days=1)
    n_future = 0
    if max_date >= cutoff:
        late = nw.col(cols.date) >= nw.lit(cutoff.to_pydatetime(), dtype=nw.Datetime("us"))
        n_future = int(lf.filter(late).select(nw.len()).collect().item())
        if future == "raise":
            examples = lf.filter(late).head(5).collect().to_pandas()
            raise bad_rows_error(
                cols.date, f"dates after as_of={as_of_ts.date()}", examples, n_future,
                "pass a later as_of, future='ignore' to leave them out (counted in "
                "attrs['n_rows_after_as_of']), or calibration_holdout to split the log.",
            )
        lf = lf.filter(~late)
    units = _order_table(lf, cols, count, has_order, one_row_per_order)
    result = _summarise(units).collect().to_pandas()
    return _finish(result, cols.customer_id, time_unit, as_of_ts, count, n_future)


def _naive_day(values: pd.Series) -> np.ndarray:
    series = pd.to_datetime(values)
    if getattr(series.dt, "tz", None) is not None:
        series = series.dt.tz_localize(None)
    return series.to_numpy().astype("datetime64[us]")


def _finish(result: pd.DataFrame, id_name: str, time_unit: Any, as_of: pd.Timestamp,
            count: str, n_future: int) -> pd.DataFrame:
    orders = result["orders"].fillna(0).to_numpy().astype("int64")
    no_purchase = orders == 0
    if no_purchase.any():
        raise bad_rows_error(
            id_name, "no purchase (every order nets to less than zero)",
            result.loc[no_purchase, ["_cid", "monetary"]].rename(columns={"_cid": id_name}),
            int(no_purchase.sum()),
            "remove customers who only returned goods, or clean with returns='drop'.",
        )
    first = _naive_day(result["first_purchase"])
    last = _naive_day(result["last_purchase"])
    now = np.datetime64(as_of.to_datetime64(), "us")
    day = np.timedelta64(86_400_000_000, "us")
    unit = time_unit_days(time_unit)
    recency_days = (last - first) / day
    age_days = (now - first) / day
    idle_days = (now - last) / day
    monetary = result["monetary"].to_numpy(dtype="float64")
    rep_n = orders - result["_first_n"].to_numpy().astype("int64")
    rep_total = (result["_purchase_total"].to_numpy(dtype="float64")
                 - result["_first_total"].to_numpy(dtype="float64"))
    rep_mean = np.zeros(len(orders))
    np.divide(rep_total, rep_n, out=rep_mean, where=rep_n > 0)
    out = pd.DataFrame(
        {
            "first_purchase": first,
            "last_purchase": last,
            "orders": orders,
            "frequency": orders - 1,
            "recency": recency_days / unit,
            "T": age_days / unit,
            "since_last": idle_days / unit,
            "tenure_days": age_days,
            "monetary": monetary,
            "monetary_mean": monetary / orders,
            "repeat_monetary_mean": rep_mean,
        },
        index=pd.Index(result["_cid"].to_numpy(), name=id_name),
    )
    out = out.sort_index()
    out.attrs.update({"time_unit": time_unit, "as_of": as_of, "count": count,
                      "n_rows_after_as_of": n_future})
    return out


def calibration_holdout(
    tx: Any,
    calibration_end: str | pd.Timestamp,
    observation_end: str | pd.Timestamp,
    *,
    time_unit: str | float = "W",
    count: str = "orders",
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a log into a calibration summary and holdout purchases and spend.

    Customers are those with a purchase on or before ``calibration_end``;
    the calibration summary is :func:`customer_summary` at
    ``as_of=calibration_end``. For each of them the holdout counts the
    purchases (same ``count`` rule) and spend after ``calibration_end`` up to
    and including ``observation_end``. Customers whose first purchase falls in
    the holdout are not in the calibration cohort; their number is stored in
    ``holdout.attrs["n_new_customers"]``.

    Parameters
    ----------
    tx : table
        Clean transactions (pandas, polars, DuckDB or PySpark).
    calibration_end, observation_end : date-like
        End of the calibration and of the observation period (inclusive days).
    time_unit, count, columns, customer_id, order_id, date, amount
        As in :func:`customer_summary`.

    Returns
    -------
    calibration : DataFrame
        The calibration summary.
    holdout : DataFrame
        Indexed like ``calibration`` with ``purchases`` (int), ``spend``
        (float) and ``duration`` (holdout length in ``time_unit``).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 3],
    ...     "order_id": [1, 2, 3, 4, 5],
    ...     "date": pd.to_datetime(["2011-01-01", "2011-01-20", "2011-02-10",
    ...                             "2011-01-05", "2011-02-02"]),
    ...     "amount": [1.0, 2.0, 4.0, 8.0, 16.0]})
    >>> cal, hold = calibration_holdout(tx, "2011-01-31", "2011-02-28", time_unit="W")
    >>> hold
                 purchases  spend  duration
    customer_id
    1                    1    4.0       4.0
    2                    0    0.0       4.0
    """
    cal_end = _as_timestamp(calibration_end, "calibration_end").normalize()
    obs_end = _as_timestamp(observation_end, "observation_end").normalize()
    if obs_end <= cal_end:
        raise ParameterError(
            f"observation_end ({obs_end.date()}) must be after calibration_end "
            f"({cal_end.date()})."
        )
    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date,
                           amount=amount)
    lf = _to_lazy(tx)
    schema = lf.collect_schema()
    require_columns(schema.names(), [cols.customer_id, cols.date, cols.amount],
                    role="transactions")
    lf = _naive_datetimes(lf, cols.date, schema[cols.date])
    cal_cut = nw.lit((cal_end + pd.Timedelta(days=1)).to_pydatetime(), dtype=nw.Datetime("us"))
    obs_cut = nw.lit((obs_end + pd.Timedelta(days=1)).to_pydatetime(), dtype=nw.Datetime("us"))
    cal_lf = lf.filter(nw.col(cols.date) < cal_cut)
    calibration = customer_summary(
        cal_lf.to_native(), as_of=cal_end, time_unit=time_unit, count=count, columns=cols,
    )
    hold_lf = lf.filter((nw.col(cols.date) >= cal_cut) & (nw.col(cols.date) < obs_cut))
    units = _order_table(hold_lf, cols, count, cols.order_id in schema.names())
    per = (
        units.with_columns(_is_p=(nw.col("_amt") >= 0).cast(nw.Int64))
        .group_by("_cid")
        .agg(nw.col("_is_p").sum().alias("purchases"), nw.col("_amt").sum().alias("spend"))
        .collect().to_pandas().set_index("_cid")
    )
    holdout = pd.DataFrame(index=calibration.index)
    joined = per.reindex(calibration.index)
    holdout["purchases"] = joined["purchases"].fillna(0).astype("int64")
    holdout["spend"] = joined["spend"].fillna(0.0).astype("float64")
    holdout["duration"] = (obs_end - cal_end).days / time_unit_days(time_unit)
    holdout.attrs.update({"time_unit": time_unit, "calibration_end": cal_end,
                          "observation_end": obs_end,
                          "n_new_customers": int((~per.index.isin(calibration.index)).sum())})
    return calibration, holdout
