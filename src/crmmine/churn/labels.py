"""Churn labels from a transaction log (non-contractual setting)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._backend import from_pandas_like, to_pandas
from crmmine._params import validate_params
from crmmine._units import horizon_days, naive_utc
from crmmine.data.columns import Columns, require_columns, resolve_columns
from crmmine.errors import DataError, bad_rows_error

__all__ = ["churn_labels"]

_EPOCH = pd.Timestamp("1970-01-01")
_FIX_CLEAN = "clean the log first (crmmine.clean_transactions drops or repairs such rows and logs them)"


@dataclass
class EngineTransactions:
    """Transactions of an engine, checked, with the calendar day number ``_d`` added."""

    lf: nw.LazyFrame
    kind: str
    columns: list[str]


def engine_transactions(tx: Any, cols: Columns, needed: list[str], optional: list[str]
                        ) -> EngineTransactions:
    """:func:`read_transactions` for polars, DuckDB and Spark: the same checks, run inside the
    engine in one pass (only the counts and up to five example rows are collected)."""
    frame = _backend.to_narwhals(tx, what="transactions")
    kind = _backend.backend_of(frame)
    lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    schema = lf.collect_schema()
    require_columns(schema.names(), needed, role="transactions", parameters=cols.keywords())
    use = needed + [c for c in optional if c in schema.names() and c not in needed]
    lf = lf.select(use)
    dtype = schema[cols.date]
    n = int(_backend.collect_one(lf.select(n=nw.len()))["n"] or 0)
    if n == 0:
        raise DataError("transactions are empty. Fix: pass a log with at least one purchase.")
    if not isinstance(dtype, nw.Datetime | nw.Date):
        raise bad_rows_error(
            cols.date,
            f"values that are not datetimes (dtype {dtype})",
            _backend.collect_pandas(lf.select(cols.date).head(5)),
            n,
            "parse the dates first: crmmine.clean_transactions(tx) reads YYYYMMDD and text dates "
            "(with date_format= or dayfirst= when ambiguous)",
        )
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None and kind != "pyspark":
        lf = _backend.utc_naive(lf, cols.date, "__cm_utc").drop(cols.date).rename({"__cm_utc": cols.date})
    checks = [
        _backend.Check(cols.customer_id, nw.col(cols.customer_id).is_null(), "missing customer ids",
                       _FIX_CLEAN, show=tuple(use)),
        _backend.Check(cols.date, nw.col(cols.date).is_null(), "missing dates", _FIX_CLEAN, show=tuple(use)),
    ]
    if cols.amount in use:
        _backend.numeric_columns(lf, [cols.amount], what="transactions",
                                 fix="clean the log first (crmmine.clean_transactions)")
        checks.append(_backend.Check(
            cols.amount, ~nw.col(cols.amount).cast(nw.Float64).is_finite(),
            "missing, infinite or non-numeric amounts", "clean the log first (crmmine.clean_transactions)",
            show=tuple(use)))
    _backend.checked_aggregates(lf, None, checks)
    lf = lf.with_columns(_backend.day_number(nw.col(cols.date)).alias("_d"))
    return EngineTransactions(lf, kind, use)


def day_text(day: int) -> str:
    """A calendar-day number as ``YYYY-MM-DD``."""
    return f"{_EPOCH + pd.Timedelta(days=int(day)):%Y-%m-%d}"


def finish_engine(frame: nw.LazyFrame, kind: str, id_name: str) -> Any:
    """An engine result in the input's kind: polars sorted by customer, DuckDB and Spark lazy."""
    if kind in ("polars", "polars-lazy"):
        frame = frame.sort(id_name)
    return _backend.result_like(frame, kind)


def read_transactions(tx: Any, cols: Columns, needed: list[str], optional: list[str]) -> pd.DataFrame:
    """The columns a churn function reads, as pandas, with checked ids, dates and amounts.

    Dates must be datetimes (time-zone-aware ones are converted to UTC and the zone dropped);
    ids and dates must be complete and amounts finite, or a :class:`DataError` names the
    column, shows the rows and says to clean the log first.
    """
    frame = tx if isinstance(tx, pd.DataFrame) else None
    if frame is None:
        frame = to_pandas(tx, what="transactions")
    require_columns(frame.columns, needed, role="transactions", parameters=cols.keywords())
    use = needed + [c for c in optional if c in frame.columns and c not in needed]
    frame = frame[use]
    if len(frame) == 0:
        raise DataError("transactions are empty. Fix: pass a log with at least one purchase.")
    dates = frame[cols.date]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise bad_rows_error(
            cols.date,
            f"values that are not datetimes (dtype {dates.dtype})",
            frame[[cols.date]],
            len(frame),
            "parse the dates first: crmmine.clean_transactions(tx) reads YYYYMMDD and text dates "
            "(with date_format= or dayfirst= when ambiguous)",
        )
    if getattr(dates.dt, "tz", None) is not None:
        frame = frame.assign(**{cols.date: naive_utc(dates)})
    for col, problem in ((cols.customer_id, "missing customer ids"), (cols.date, "missing dates")):
        bad = frame[col].isna().to_numpy()
        if bad.any():
            raise bad_rows_error(
                col,
                problem,
                frame.loc[bad],
                int(bad.sum()),
                "clean the log first (crmmine.clean_transactions drops or repairs such rows and logs them)",
            )
    if cols.amount in frame.columns:
        amounts = pd.to_numeric(frame[cols.amount], errors="coerce").to_numpy(dtype="float64")
        bad = ~np.isfinite(amounts)
        if bad.any():
            raise bad_rows_error(
                cols.amount,
                "missing, infinite or non-numeric amounts",
                frame.loc[bad],
                int(bad.sum()),
                "clean the log first (crmmine.clean_transactions)",
            )
    return frame


def as_of_day(as_of: Any) -> pd.Timestamp:
    """The day of ``as_of``; a time-zone-aware ``as_of`` is read in UTC, as the dates are.

    Examples
    --------
    >>> as_of_day(pd.Timestamp("2024-03-01 02:00", tz="Asia/Shanghai"))
    Timestamp('2024-02-29 00:00:00')
    """
    ts = pd.Timestamp(as_of)
    ts = naive_utc(ts)  # time-zone-aware: read in UTC
    return ts.normalize()


def label_window(as_of: Any, horizon: Any, time_unit: Any) -> tuple[pd.Timestamp, pd.Timestamp, float]:
    """``(as_of day, last day of the future window, horizon in days)``."""
    day = as_of_day(as_of)
    days = horizon_days(horizon, time_unit)
    return day, day + pd.Timedelta(days=int(np.floor(days + 1e-9))), days


@validate_params(
    {
        "as_of": ["date"],
        "horizon": ["duration"],
        "allow_incomplete": ["boolean"],
        "columns": [Mapping, Columns, None],
    }
)
def churn_labels(
    tx: Any,
    as_of: Any,
    horizon: str | float = "90D",
    *,
    time_unit: str | float = "D",
    allow_incomplete: bool = False,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> Any:
    """Label customers as churned when they buy nothing in the ``horizon`` after ``as_of``.

    Customers with at least one purchase on or before ``as_of`` (any time that day) are
    labelled: those are the customers known at that date. A customer is churned (1) when
    she has no purchase in the window of the following days ``(as_of, as_of + horizon]``,
    and 0 otherwise. A purchase is a row with a positive ``amount`` (returns do not count
    as activity); a log without an amount column counts every row.

    Parameters
    ----------
    tx : pandas, polars, pyarrow, DuckDB or Spark table
        Transactions with datetime dates (see :func:`crmmine.clean_transactions`).
    as_of : date
        The reference date: the last day of the history.
    horizon : number or str, default "90D"
        Length of the window: a number in ``time_unit``, or a string with its own unit
        (``"90D"``, ``"13W"``, ``"3M"``; fractions of a day are dropped).
    time_unit : str or float, default "D"
        Unit of a numeric ``horizon``.
    allow_incomplete : bool, default False
        The log must reach the last day of the window; otherwise a ``DataError`` (labels
        would call customers churned just because the data stop). Set True to label anyway.
    columns, customer_id, date, amount : optional
        Column names (``columns={"customer_id": "CustomerID"}`` or one keyword per role).

    Returns
    -------
    pandas.Series
        1 = churned, 0 = bought again, indexed by customer id (``name="churn"``). For a
        table of another kind, the same kind of table with the id and ``churn`` columns
        (polars, DuckDB and Spark: computed inside the engine, lazily where it is lazy).

    See Also
    --------
    churn_features : leakage-safe features at the same ``as_of``.
    rolling_snapshots : labels and features at several reference dates.
    crmmine.value.BGNBD : P(alive) from a BTYD model, when no label window is available.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [5.0, 7.0, 3.0, 4.0],
    ...                    "date": pd.to_datetime(["2020-01-05", "2020-04-01", "2020-02-01", "2020-06-20"])})
    >>> churn_labels(tx, as_of="2020-02-29", horizon="90D").to_dict()
    {1: 0, 2: 1}

    Customer 3 is first seen after ``as_of`` and is not labelled. A window that runs past
    the end of the log raises rather than calling everyone churned:

    >>> churn_labels(tx, as_of="2020-05-31", horizon="90D")
    Traceback (most recent call last):
    ...
    crmmine.errors.DataError: the log ends on 2020-06-20, before the end of the labelling window ...

    References
    ----------
    Buckinx, W. and Van den Poel, D. (2005). Customer base analysis: partial defection of
    behaviourally loyal clients in a non-contractual FMCG retail setting. *European Journal of
    Operational Research* 164(1), 252-268.
    """
    cols = resolve_columns(columns, customer_id=customer_id, date=date, amount=amount)
    if _backend.is_engine(tx):
        return _labels_engine(tx, cols, as_of, horizon, time_unit, allow_incomplete)
    frame = read_transactions(tx, cols, [cols.customer_id, cols.date], [cols.amount])
    labels = _labels(frame, cols, as_of, horizon, time_unit, allow_incomplete)
    return labels if isinstance(tx, pd.DataFrame) else from_pandas_like(labels.to_frame(), tx)


def _labels(
    frame: pd.DataFrame, cols: Columns, as_of: Any, horizon: Any, time_unit: Any, allow_incomplete: bool
) -> pd.Series:
    day, last, days = label_window(as_of, horizon, time_unit)
    dates = frame[cols.date].dt.normalize()
    if not allow_incomplete and dates.max() < last:
        raise DataError(
            f"the log ends on {dates.max():%Y-%m-%d}, before the end of the labelling window "
            f"{last:%Y-%m-%d} (as_of {day:%Y-%m-%d} + {days:g} days). Fix: use an earlier as_of "
            "or a shorter horizon, or pass allow_incomplete=True."
        )
    active = (
        frame[cols.amount].to_numpy(dtype="float64") > 0
        if cols.amount in frame.columns
        else np.ones(len(frame), dtype=bool)
    )
    ids = frame[cols.customer_id]
    known = pd.Index(ids[((dates <= day).to_numpy()) & active].unique()).sort_values()
    if len(known) == 0:
        raise DataError(
            f"no customer has a purchase on or before as_of {day:%Y-%m-%d} (the log starts on "
            f"{dates.min():%Y-%m-%d}). Fix: choose a later as_of."
        )
    returned = ids[((dates > day) & (dates <= last)).to_numpy() & active].unique()
    labels = pd.Series(np.where(known.isin(returned), 0, 1), index=known, name="churn", dtype="int64")
    labels.index.name = cols.customer_id
    return labels


def _labels_engine(tx: Any, cols: Columns, as_of: Any, horizon: Any, time_unit: Any,
                   allow_incomplete: bool) -> Any:
    """:func:`churn_labels` inside the engine: two distinct customer lists and a left join."""
    data = engine_transactions(tx, cols, [cols.customer_id, cols.date], [cols.amount])
    lf = data.lf
    day_ts, last_ts, days = label_window(as_of, horizon, time_unit)
    day = int((day_ts - _EPOCH).days)
    last = int((last_ts - _EPOCH).days)
    active = nw.col(cols.amount).cast(nw.Float64) > 0 if cols.amount in data.columns else nw.lit(True)
    d = nw.col("_d")
    stats = _backend.collect_one(lf.select(
        first=d.min(), end=d.max(), known=((d <= day) & active).cast(nw.Int64).sum()))
    if not allow_incomplete and int(stats["end"]) < last:
        raise DataError(
            f"the log ends on {day_text(stats['end'])}, before the end of the labelling window "
            f"{last_ts:%Y-%m-%d} (as_of {day_ts:%Y-%m-%d} + {days:g} days). Fix: use an earlier as_of "
            "or a shorter horizon, or pass allow_incomplete=True."
        )
    if not int(stats["known"] or 0):
        raise DataError(
            f"no customer has a purchase on or before as_of {day_ts:%Y-%m-%d} (the log starts on "
            f"{day_text(stats['first'])}). Fix: choose a later as_of."
        )
    cid = cols.customer_id
    known = lf.filter((d <= day) & active).select(cid).unique([cid])
    back = lf.filter((d > day) & (d <= last) & active).select(cid).unique([cid]).with_columns(
        nw.lit(0, dtype=nw.Int64).alias("_back"))
    out = known.join(back, on=cid, how="left").select(
        cid, nw.col("_back").fill_null(1).cast(nw.Int64).alias("churn"))
    return finish_engine(out, data.kind, cid)
