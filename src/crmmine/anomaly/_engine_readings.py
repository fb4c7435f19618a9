"""Meter readings that live in an engine (polars, DuckDB, Spark): checks and the daily matrix.

The theft features are a heavy numeric pipeline on a meters x days matrix (peer profiles,
a seasonal fit and a change-point search per meter), run in numpy. What an engine can do
well runs inside it: reading the columns, every check of :func:`~crmmine.anomaly.meter_matrix`
(missing ids and dates, bad kWh, several readings of one meter on one day, a meter on two
feeders), the ``bad_kwh`` and ``duplicates`` policies, and the aggregation to one value per
meter and day. What is collected is that daily table: one row per meter and day with a
reading (the matrix, ``N x days`` numbers), the distinct meter ids and their feeders. The
missing-day policy, the matrix and the features then run as for pandas, with the same log
and the same warnings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._params import check_params
from crmmine._roles import resolve_roles
from crmmine.anomaly.readings import (
    _POLICIES,
    METER_ROLES,
    MeterMatrix,
    _no_feeder_column,
    _no_readings,
    _Repairs,
)
from crmmine.data.columns import require_columns
from crmmine.errors import bad_rows_error

__all__ = ["engine_matrix"]

_EPOCH = np.datetime64("1970-01-01", "D")


def _rows(lf: nw.LazyFrame, mask: nw.Expr, original: list[str]) -> pd.DataFrame:
    return _backend.collect_pandas(lf.filter(mask).select(original).head(5))


def engine_matrix(
    readings: Any,
    *,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    kwh: str | None = None,
    feeder: str | None = None,
    bad_kwh: str = "raise",
    duplicates: str = "raise",
    missing: str = "interpolate",
    missing_feeder: str = "warn",
) -> MeterMatrix:
    """:func:`~crmmine.anomaly.meter_matrix` for a polars, DuckDB or Spark table (see the module
    docstring for what runs in the engine and what is collected)."""
    check_params(
        {"bad_kwh": bad_kwh, "duplicates": duplicates, "missing": missing, "missing_feeder": missing_feeder},
        _POLICIES,
        caller="meter_matrix()",
    )
    roles = resolve_roles(columns, METER_ROLES, customer_id=customer_id, date=date, kwh=kwh, feeder=feeder)
    cid, dcol, kcol, fcol = roles["customer_id"], roles["date"], roles["kwh"], roles["feeder"]
    frame = _backend.to_narwhals(readings, what="meter readings")
    kind = _backend.backend_of(frame)
    lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    schema = lf.collect_schema()
    original = schema.names()
    require_columns(original, [cid, dcol, kcol], role="meter readings",
                    parameters={cid: "customer_id", dcol: "date", kcol: "kwh"})
    has_feeder = fcol in original
    if not has_feeder and missing_feeder == "raise":
        raise _no_feeder_column(fcol)
    n_rows = int(_backend.collect_one(lf.select(n=nw.len()))["n"] or 0)
    if n_rows == 0:
        raise _no_readings()
    dtype = schema[dcol]
    if not isinstance(dtype, nw.Datetime | nw.Date):
        raise bad_rows_error(
            dcol, f"values of type {dtype}, not dates", _rows(lf, nw.lit(True), original), n_rows,
            "parse the dates inside the engine first (DuckDB strptime, polars str.to_datetime, Spark "
            "to_timestamp), or pass the readings as pandas.",
        )
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None and kind != "pyspark":
        lf = _backend.utc_naive(lf, dcol, "__cm_utc").drop(dcol).rename({"__cm_utc": dcol})
    k_type = schema[kcol]
    if isinstance(k_type, nw.Boolean) or not (k_type.is_numeric() or isinstance(k_type, nw.String)):
        raise bad_rows_error(kcol, "kWh that are not numbers", _rows(lf, nw.lit(True), original), n_rows,
                             f"convert {kcol!r} to numbers and fix these rows.")
    if isinstance(k_type, nw.String):
        lf = _backend.try_cast_float(lf, kcol, "__cm_k")
        text_bad = nw.col("__cm_k").is_null() & ~nw.col(kcol).is_null()
        count = int(_backend.collect_one(lf.select(n=text_bad.cast(nw.Int64).sum()))["n"] or 0)
        if count:
            raise bad_rows_error(
                kcol, "kWh that are not numbers", _rows(lf, text_bad, original), count,
                f"convert {kcol!r} to numbers (e.g. a cast in the engine) and fix these rows.",
            )
    else:
        lf = lf.with_columns(nw.col(kcol).cast(nw.Float64).alias("__cm_k"))
    lf = lf.with_columns(_backend.day_number(nw.col(dcol)).alias("__cm_day"))
    k, day, meter = nw.col("__cm_k"), nw.col("__cm_day"), nw.col(cid)
    nan = k.is_nan().fill_null(True)
    bad = ~nan & (~k.is_finite() | (k < 0))
    checks = [
        _backend.Check(cid, meter.is_null(), "a missing meter id", "drop these rows or fill in the meter id.",
                       show=tuple(original)),
        _backend.Check(dcol, nw.col(dcol).is_null(), "missing dates", "drop these rows or fill in the date.",
                       show=tuple(original)),
    ]
    if has_feeder:
        checks.append(_backend.Check(fcol, nw.col(fcol).is_null(), "a missing feeder",
                                     "fill in the feeder, or drop the column to compare all meters together.",
                                     show=tuple(original)))
    stats = _backend.checked_aggregates(lf, None, checks, {
        "nan": nan.cast(nw.Int64).sum(), "bad": bad.cast(nw.Int64).sum(),
        "first": day.min(), "last": day.max()})
    repairs = _Repairs(cid, dcol, kcol, fcol)
    repairs.bad_kwh(
        bad_kwh, int(stats["bad"] or 0), lambda: _rows(lf, bad, original),
        lambda: int(_backend.collect_one(lf.filter(bad).select(meter.n_unique().alias("m")))["m"] or 0))
    usable = lf.filter(~nan & k.is_finite() & (k >= 0))
    cells = usable.group_by(cid, "__cm_day").agg(k.sum().alias("_sum"), nw.len().alias("_n"))
    dup = _backend.collect_one(cells.select(
        rows=nw.when(nw.col("_n") > 1).then(nw.col("_n")).otherwise(nw.lit(0)).sum(),
        cells=(nw.col("_n") > 1).cast(nw.Int64).sum()))
    dup_cells = cells.filter(nw.col("_n") > 1).select(cid, "__cm_day")
    repairs.duplicates(
        duplicates, int(dup["rows"] or 0),
        lambda: _backend.collect_pandas(
            usable.join(dup_cells, on=[cid, "__cm_day"], how="inner").select(original).head(50)
        ).sort_values([cid, dcol]).head(5),
        lambda: int(_backend.collect_one(dup_cells.select(meter.n_unique().alias("m")))["m"] or 0))
    value = nw.col("_sum") / nw.col("_n") if duplicates == "mean" else nw.col("_sum")
    per_meter = lf.group_by(cid).agg(
        *([nw.col(fcol).n_unique().alias("_feeders"), nw.col(fcol).min().alias("_feeder")]
          if has_feeder else []),
        nw.len().alias("_rows"))
    meters_frame = _backend.collect_pandas(per_meter).sort_values(cid, kind="stable")
    if has_feeder and (meters_frame["_feeders"] > 1).any():
        two = meters_frame.loc[meters_frame["_feeders"] > 1, cid]
        shown = _backend.collect_pandas(
            lf.filter(meter.is_in(two.tolist()[:50])).select(original).unique([cid, fcol]).head(50)
        ).sort_values([cid, fcol]).head(5)
        raise bad_rows_error(fcol, "meters listed on more than one feeder", shown, len(two),
                             "give each meter one feeder (e.g. its latest one) before scoring.")
    daily = _backend.collect_pandas(cells.select(cid, "__cm_day", value.cast(nw.Float64).alias("_kwh")))
    meters = np.asarray(meters_frame[cid].to_numpy())
    n = len(meters)
    first, last = int(stats["first"]), int(stats["last"])
    T = last - first + 1
    days = pd.date_range(pd.Timestamp(_EPOCH + np.timedelta64(first, "D")), periods=T, freq="D")
    codes = np.searchsorted(meters, daily[cid].to_numpy())
    cell_type = np.int32 if n * T < 2**31 - 1 else np.int64
    cell = codes.astype(cell_type) * T + (daily["__cm_day"].to_numpy() - first).astype(cell_type)
    X = np.full(n * T, np.nan, dtype=np.float32)
    X[cell] = daily["_kwh"].to_numpy(dtype=np.float64)
    have = np.zeros(n * T, dtype=bool)
    have[cell] = True
    X = X.reshape(n, T)
    have = have.reshape(n, T)
    meters_index = pd.Index(meters, name=cid)
    feeders = meters_frame["_feeder"].to_numpy() if has_feeder else None
    return repairs.matrix(X, have, meters_index, days, missing=missing, missing_feeder=missing_feeder,
                          nan_rows=int(stats["nan"] or 0), feeders=lambda: feeders)
