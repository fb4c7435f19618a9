"""Meter readings in: roles, checks and documented repairs, out: a meters x days matrix.

:func:`meter_matrix` is the one gate through which daily meter readings enter the theft
detector. Every problem is either an error that names the column, shows examples, counts the
rows and says the fix, or a repair under a policy parameter that is logged (``log``) and
announced with a :class:`~crmmine.errors.DataWarning`:

* negative or infinite kWh: ``bad_kwh="raise"`` (default) or ``"drop"`` (the reading is removed
  and the day becomes missing);
* several rows for one meter and day: ``duplicates="raise"`` (default), ``"sum"`` (partial reads
  of one day) or ``"mean"`` (repeated reads);
* missing days or NaN kWh: ``missing="interpolate"`` (default) or ``"raise"``;
* no feeder column: ``missing_feeder="warn"`` (default: all meters form one peer group, with a
  warning), ``"one_group"`` (the same without the warning) or ``"raise"``.

Missing meter-days (a NaN kWh, or no row at all for a day inside the period) are filled by
linear interpolation in time within the meter; days before a meter's first or after its last
reading take the nearest reading. Filled days are remembered (``filled``) so that the daily
features (zeros, flat reports, roughness) never count them. A meter without any reading, or a
feeder that changes within a meter, is an error.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmine._backend import to_pandas
from crmmine._params import Options, check_params
from crmmine._results import Result
from crmmine._roles import resolve_roles
from crmmine._units import naive_utc
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError, bad_rows_error

__all__ = ["METER_ROLES", "MeterMatrix", "meter_matrix"]

#: Column roles of meter readings and their default names (docs/conventions.md).
METER_ROLES = {"customer_id": "customer_id", "date": "date", "kwh": "kwh", "feeder": "feeder"}

_POLICIES = {
    "bad_kwh": [Options({"raise", "drop"})],
    "duplicates": [Options({"raise", "sum", "mean"})],
    "missing": [Options({"raise", "interpolate"})],
    "missing_feeder": [Options({"warn", "one_group", "raise"})],
}

#: Name of the single peer group used when readings have no feeder column.
ONE_GROUP = "all meters (no feeder column)"


@dataclass(repr=False)
class MeterMatrix(Result):
    """Daily readings as a meters x days matrix, with what was repaired.

    Returned by :func:`meter_matrix`; the fields below are its attributes. The theft functions
    accept it in place of long readings, so the checks and the pivot run once.

    Parameters
    ----------
    kwh : numpy.ndarray
        ``(n_meters, n_days)`` float32 kWh (missing days filled under the ``missing`` policy).
    meters : pandas.Index
        Meter (customer) ids, sorted, named like the input's id column.
    days : pandas.DatetimeIndex
        Every day from the first to the last reading.
    feeder : numpy.ndarray
        Peer group of each meter: its feeder, or :data:`ONE_GROUP` for all meters when there is
        no feeder column.
    peer_group : str
        How peers were formed: ``"feeder column 'feeder'"`` or :data:`ONE_GROUP`.
    filled : numpy.ndarray or None
        Boolean ``(n_meters, n_days)`` mask of filled days (``None`` when nothing was missing).
    missing_share : numpy.ndarray
        Share of days filled per meter.
    log : pandas.DataFrame
        One row per check: ``problem``, ``policy``, ``rows``, ``meters``, ``action``.
    cells : numpy.ndarray or None, default None
        With ``keep_cells=True``: the row position in the readings of every (meter, day) cell,
        -1 for filled days; ``None`` otherwise.

    See Also
    --------
    meter_matrix : builds it.
    meter_features : theft features from it.
    theft_scores : scores its meters.

    Examples
    --------
    >>> from crmmine.anomaly import make_meter_readings
    >>> data = make_meter_readings(30, 60, n_feeders=3, random_state=0)
    >>> m = meter_matrix(data.readings)
    >>> m
    MeterMatrix(meters=30, days=60, peer_group="feeder column 'feeder'")
    >>> m.kwh.shape, m.filled is None, len(set(m.feeder))
    ((30, 60), True, 3)
    >>> m.log["action"].tolist()
    ['none found', 'none found', 'none found']
    """

    kwh: np.ndarray
    meters: pd.Index
    days: pd.DatetimeIndex
    feeder: np.ndarray
    peer_group: str
    filled: np.ndarray | None
    missing_share: np.ndarray
    log: pd.DataFrame
    cells: np.ndarray | None = None

    def to_frame(self) -> pd.DataFrame:
        """The repair log (one row per check)."""
        return self.log

    def summary(self) -> pd.DataFrame:
        """Meters, days, peer groups and repairs."""
        rows = {
            "meters": len(self.meters),
            "days": len(self.days),
            "peer groups": self.peer_group,
            "meter-days filled": int(self.filled.sum()) if self.filled is not None else 0,
        }
        return pd.DataFrame({"value": pd.Series(rows, dtype=object)})

    def _repr_items(self) -> dict:
        return {"meters": len(self.meters), "days": len(self.days), "peer_group": self.peer_group}


def _warn(text: str) -> None:
    """Emit a DataWarning attributed to the first caller outside crmmine."""
    import sys

    level, frame = 1, sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith("crmmine."):
        frame = frame.f_back
        level += 1
    warnings.warn(text, DataWarning, stacklevel=level)


def _interpolate_rows(X: np.ndarray, missing: np.ndarray) -> None:
    """Fill ``missing`` cells of each row in place: linear inside, nearest value at the edges."""
    rows = np.flatnonzero(missing.any(axis=1))
    T = X.shape[1]
    t = np.arange(T, dtype=np.float64)
    # Only rows with gaps are touched; np.interp works per row, so this loops over the meters that
    # have gaps (vectorised over their days).
    for r in rows:
        ok = ~missing[r]
        X[r, ~ok] = np.interp(t[~ok], t[ok], X[r, ok].astype(np.float64))


_BLOCK = 4_000_000  # rows converted at a time (keeps 64-bit temporaries small)


def _day_numbers(when: pd.Series) -> tuple[np.ndarray, np.datetime64]:
    """Calendar day of each row, counted from the first day (int32), converted in blocks."""
    values = when.to_numpy()
    if values.dtype != np.dtype("datetime64[ns]"):
        values = values.astype("datetime64[ns]")
    ns = values.view(np.int64)
    day0 = np.datetime64(int(ns.min()), "ns").astype("datetime64[D]")
    base = day0.astype("datetime64[ns]").view(np.int64)
    out = np.empty(len(ns), dtype=np.int32)
    for start in range(0, len(ns), _BLOCK):
        block = ns[start : start + _BLOCK] - base
        block //= 86_400_000_000_000
        out[start : start + _BLOCK] = block
    return out, day0


def _codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct ids and each row's position among them (int32), computed in blocks."""
    uniques = pd.unique(ids)
    try:
        uniques = np.sort(uniques)
        sortable = True
    except TypeError:  # mixed types: fall back to hashing (order of first appearance, then sorted as text)
        sortable = False
    if not sortable or getattr(uniques, "dtype", None) is None or uniques.dtype == object:
        codes, values = pd.factorize(ids, sort=sortable)
        return codes.astype(np.int32), np.asarray(values)
    values = ids.to_numpy()
    codes = np.empty(len(values), dtype=np.int32)
    if np.issubdtype(uniques.dtype, np.integer) and len(uniques):
        lo, hi = int(uniques[0]), int(uniques[-1])
        if hi - lo < 8 * len(uniques) + 1024:  # compact integer ids: a lookup table, one pass
            lut = np.zeros(hi - lo + 1, dtype=np.int32)
            lut[uniques.astype(np.int64) - lo] = np.arange(len(uniques), dtype=np.int32)
            for start in range(0, len(values), _BLOCK):
                codes[start : start + _BLOCK] = lut[values[start : start + _BLOCK].astype(np.int64) - lo]
            return codes, uniques
    for start in range(0, len(values), _BLOCK):
        codes[start : start + _BLOCK] = np.searchsorted(uniques, values[start : start + _BLOCK])
    return codes, uniques


def _no_feeder_column(fcol: str) -> SchemaError:
    return SchemaError(
        f"meter readings have no feeder column {fcol!r} (peer groups for the theft scores). "
        f"Fix: pass feeder='<your column>' or columns={{'feeder': ...}}, or missing_feeder='one_group' "
        "to compare every meter with all the others."
    )


def _no_readings() -> DataError:
    return DataError("meter readings are empty (0 rows). Fix: pass at least one reading per meter and day.")


class _Repairs:
    """The log of :func:`meter_matrix` and the policy steps the pandas and engine paths share.

    Each step either raises (the ``"raise"`` policies) with examples from a callable (an engine
    collects them only then), or repairs, logs a row (``problem``, ``policy``, ``rows``,
    ``meters``, ``action``) and warns.
    """

    def __init__(self, cid: str, dcol: str, kcol: str, fcol: str) -> None:
        self.cid, self.dcol, self.kcol, self.fcol = cid, dcol, kcol, fcol
        self.rows: list[dict] = []

    def note(self, problem: str, policy: str, rows: int, meters: int, action: str) -> None:
        self.rows.append(
            {"problem": problem, "policy": policy, "rows": rows, "meters": meters, "action": action}
        )

    def bad_kwh(self, policy: str, count: int, examples, meters) -> None:
        """Negative or infinite kWh: ``examples()`` the rows, ``meters()`` how many meters."""
        problem, kcol = "negative or infinite kWh", self.kcol
        if not count:
            self.note(problem, f"bad_kwh={policy!r}", 0, 0, "none found")
            return
        if policy == "raise":
            raise bad_rows_error(
                kcol, problem, examples(), count,
                "correct these readings (a negative value may be exported energy), or pass "
                "bad_kwh='drop' to treat them as missing days.",
            )
        m = meters()
        self.note(problem, f"bad_kwh={policy!r}", count, m, "dropped (day treated as missing)")
        _warn(
            f"column {kcol!r}: {count:,} negative or infinite kWh readings of {m:,} meters dropped "
            "(bad_kwh='drop'); those days are treated as missing."
        )

    def duplicates(self, policy: str, count: int, examples, meters) -> None:
        """Several rows for one meter and day (``count`` rows)."""
        problem, cid, dcol = "several rows for one meter and day", self.cid, self.dcol
        if not count:
            self.note(problem, f"duplicates={policy!r}", 0, 0, "none found")
            return
        if policy == "raise":
            raise bad_rows_error(
                f"{cid}, {dcol}", problem, examples(), count,
                "keep one reading per meter and day, or pass duplicates='sum' (partial reads of one day) or "
                "duplicates='mean' (repeated reads).",
            )
        m = meters()
        verb = "summed" if policy == "sum" else "averaged"
        self.note(problem, f"duplicates={policy!r}", count, m, verb)
        _warn(
            f"columns {cid!r}, {dcol!r}: {count:,} rows share a meter and day with another row "
            f"({m:,} meters); they were {verb} (duplicates={policy!r})."
        )

    def matrix(
        self,
        X: np.ndarray,
        have: np.ndarray,
        meters: pd.Index,
        days: pd.DatetimeIndex,
        *,
        missing: str,
        missing_feeder: str,
        nan_rows: int,
        feeders,
        cells: np.ndarray | None = None,
    ) -> MeterMatrix:
        """The :class:`MeterMatrix` of ``X`` (meters x days, ``have`` marks the cells read).

        Meters without any reading raise; missing cells are interpolated (or raise) in place;
        ``feeders()`` gives each meter's feeder (``None`` without a feeder column: one group).
        """
        cid, dcol, kcol, fcol = self.cid, self.dcol, self.kcol, self.fcol
        n, T = X.shape
        empty = ~have.any(axis=1)
        if empty.any():
            raise bad_rows_error(
                kcol,
                "meters without a single usable reading",
                pd.Series(meters[empty], name=cid),
                int(empty.sum()),
                "remove these meters from the readings or supply their readings.",
            )
        n_missing_cells = int(n * T - have.sum())
        filled = None
        missing_share = np.zeros(n)
        if n_missing_cells:
            miss = ~have
            per_meter = miss.sum(axis=1)
            m = int((per_meter > 0).sum())
            if missing == "raise":
                rows_m, cols_m = np.nonzero(miss)
                examples = pd.DataFrame({cid: meters[rows_m[:5]], dcol: days[cols_m[:5]]})
                raise bad_rows_error(
                    kcol,
                    "meter-days without a usable reading (NaN kWh or no row)",
                    examples,
                    n_missing_cells,
                    "supply these readings, or pass missing='interpolate' to fill them (linear in time "
                    "within the meter; filled days are not counted as zeros or flat reports).",
                )
            _interpolate_rows(X, miss)
            filled = miss
            missing_share = per_meter / T
            self.note("days without a reading", f"missing={missing!r}", n_missing_cells, m, "interpolated")
            _warn(
                f"column {kcol!r}: {n_missing_cells:,} meter-days without a usable reading (NaN kWh or no "
                f"row; {nan_rows:,} NaN values) in {m:,} meters were interpolated (missing='interpolate'); "
                "pass missing='raise' to stop instead."
            )
        else:
            self.note("days without a reading", f"missing={missing!r}", 0, 0, "none found")
        groups = feeders()
        if groups is not None:
            peer_group = f"feeder column {fcol!r}"
        else:
            groups = np.full(n, ONE_GROUP, dtype=object)
            peer_group = ONE_GROUP
            self.note("no feeder column", f"missing_feeder={missing_feeder!r}", 0, n,
                      "all meters form one peer group")
            if missing_feeder == "warn":
                _warn(
                    f"meter readings have no feeder column {fcol!r}: all meters are compared with each other "
                    "as one peer group. Pass feeder='<your column>' to compare meters with their feeder, or "
                    "missing_feeder='one_group' to accept this without a warning."
                )
        return MeterMatrix(
            kwh=X,
            meters=meters,
            days=days,
            feeder=groups,
            peer_group=peer_group,
            filled=filled,
            missing_share=missing_share,
            log=pd.DataFrame(self.rows, columns=["problem", "policy", "rows", "meters", "action"]),
            cells=cells,
        )


def meter_matrix(
    readings,
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
    keep_cells: bool = False,
) -> MeterMatrix:
    """Check long meter readings and pivot them to a meters x days matrix, logging every repair.

    Parameters
    ----------
    readings : table
        One row per meter and day: ``customer_id``, ``date``, ``kwh`` and optionally ``feeder``
        (pandas, polars, pyarrow, DuckDB or Spark; collected to pandas).
    columns : mapping, optional
        ``{role: column}`` for the roles ``customer_id``, ``date``, ``kwh``, ``feeder``.
    customer_id, date, kwh, feeder : str, optional
        Column names by role (override ``columns``).
    bad_kwh : {"raise", "drop"}
        Negative or infinite kWh: raise, or drop the reading (the day becomes missing).
    duplicates : {"raise", "sum", "mean"}
        Several rows for one meter and day: raise, add them up (partial reads) or average them
        (repeated reads).
    missing : {"interpolate", "raise"}
        Meter-days without a usable reading (NaN kWh or no row): fill them (linear in time within
        the meter, nearest reading at the edges), or raise.
    missing_feeder : {"warn", "one_group", "raise"}
        No feeder column: treat all meters as one peer group with a :class:`DataWarning`
        (``"warn"``), the same silently (``"one_group"``, still named in ``peer_group``), or raise.
    keep_cells : bool
        Keep, for every (meter, day) cell, the row of ``readings`` it came from (``cells``; -1
        for filled days). Used by :func:`~crmmine.anomaly.inject_theft`.

    Returns
    -------
    MeterMatrix
        The ``(meters, days)`` kWh matrix with the meter ids, the days, each meter's peer group,
        the filled days and the repair ``log``.

    Raises
    ------
    SchemaError
        A role's column is missing (or the feeder column under ``missing_feeder="raise"``).
    DataError
        Missing ids, unparseable dates, non-numeric kWh, a bad value under the ``"raise"``
        policies, a meter without any reading, or a meter on two feeders.

    See Also
    --------
    MeterMatrix : the result and its fields.
    meter_features : theft features of the readings (accepts the matrix).
    theft_scores : theft scores of the readings (accepts the matrix).
    make_meter_readings : synthetic readings in the expected layout.

    Examples
    --------
    >>> import pandas as pd
    >>> r = pd.DataFrame({"meter": [1, 1, 1, 2, 2], "day": pd.to_datetime(
    ...     ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-01", "2020-01-03"]),
    ...     "kwh": [1.0, 2.0, 3.0, 4.0, 6.0]})
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     m = meter_matrix(r, customer_id="meter", date="day", missing_feeder="one_group")
    >>> caught[0].category.__name__
    'DataWarning'
    >>> m.kwh.tolist(), m.peer_group
    ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], 'all meters (no feeder column)')
    >>> m.log.loc[m.log["rows"] > 0, ["problem", "action"]].values.tolist()
    [['days without a reading', 'interpolated']]
    """
    check_params(
        {"bad_kwh": bad_kwh, "duplicates": duplicates, "missing": missing, "missing_feeder": missing_feeder},
        _POLICIES,
        caller="meter_matrix()",
    )
    roles = resolve_roles(columns, METER_ROLES, customer_id=customer_id, date=date, kwh=kwh, feeder=feeder)
    frame = to_pandas(readings, what="meter readings")
    cid, dcol, kcol, fcol = roles["customer_id"], roles["date"], roles["kwh"], roles["feeder"]
    require_columns(frame.columns, [cid, dcol, kcol], role="meter readings",
                    parameters={cid: "customer_id", dcol: "date", kcol: "kwh"})
    if frame.columns.duplicated().any():
        dup = list(frame.columns[frame.columns.duplicated()].unique())
        raise SchemaError(f"meter readings have duplicated column names {dup}. Fix: rename them.")
    has_feeder = fcol in frame.columns
    if not has_feeder and missing_feeder == "raise":
        raise _no_feeder_column(fcol)
    if len(frame) == 0:
        raise _no_readings()
    repairs = _Repairs(cid, dcol, kcol, fcol)
    ids = frame[cid]
    if ids.isna().any():
        bad = ids.isna()
        raise bad_rows_error(
            cid,
            "a missing meter id",
            frame.loc[bad],
            int(bad.sum()),
            "drop these rows or fill in the meter id.",
        )
    # dates: calendar days
    values = frame[dcol]
    if pd.api.types.is_datetime64_any_dtype(values):
        when = values
        when = naive_utc(when)  # time-zone-aware: read in UTC
    else:
        if pd.api.types.is_integer_dtype(values):
            when = pd.to_datetime(values.astype("string"), format="%Y%m%d", errors="coerce")
        else:
            when = pd.to_datetime(values, errors="coerce", format="mixed")
        bad = when.isna()
        if bad.any():
            raise bad_rows_error(
                dcol,
                "dates that cannot be parsed",
                frame.loc[bad],
                int(bad.sum()),
                "correct or remove these rows, or parse the column with pd.to_datetime first.",
            )
    if when.isna().any():
        bad = when.isna()
        raise bad_rows_error(
            dcol, "missing dates", frame.loc[bad], int(bad.sum()), "drop these rows or fill in the date."
        )
    day_no, day0 = _day_numbers(when)
    T = int(day_no.max()) + 1
    days = pd.date_range(pd.Timestamp(day0), periods=T, freq="D")
    # kWh: numeric
    k = frame[kcol]
    if not pd.api.types.is_numeric_dtype(k) or pd.api.types.is_bool_dtype(k):
        num = pd.to_numeric(k, errors="coerce")
        bad = num.isna() & k.notna()
        if bad.any() or pd.api.types.is_bool_dtype(k):
            bad = bad if bad.any() else pd.Series(True, index=k.index)
            raise bad_rows_error(
                kcol,
                "kWh that are not numbers",
                frame.loc[bad],
                int(bad.sum()),
                f"convert {kcol!r} to numbers (e.g. pd.to_numeric) and fix these rows.",
            )
        k = num
    v = k.to_numpy(dtype=np.float64, na_value=np.nan)
    meter_codes, meters = _codes(ids)
    meters = pd.Index(meters, name=cid)
    n = len(meters)
    usable = ~np.isnan(v)
    bad_mask = usable & ((v < 0) | ~np.isfinite(v))
    repairs.bad_kwh(bad_kwh, int(bad_mask.sum()), lambda: frame.loc[bad_mask],
                    lambda: int(np.unique(meter_codes[bad_mask]).size))
    usable &= ~bad_mask
    nan_rows = int((np.isnan(v)).sum())
    cell_type = np.int32 if n * T < 2**31 - 1 else np.int64
    cell = meter_codes.astype(cell_type)
    cell *= T
    cell += day_no
    del day_no
    all_usable = bool(usable.all())
    have = np.zeros(n * T, dtype=bool)
    if all_usable:
        have[cell] = True
    else:
        have[cell[usable]] = True
    n_cells_read = int(have.sum())
    n_usable = int(usable.sum()) if not all_usable else len(cell)
    if n_cells_read < n_usable:  # two usable rows fell on one cell
        counts = np.bincount(cell, minlength=n * T)
        dup_rows = counts[cell] > 1
        del counts
        repairs.duplicates(duplicates, int(dup_rows.sum()),
                           lambda: frame.loc[dup_rows].sort_values([cid, dcol]),
                           lambda: int(np.unique(meter_codes[dup_rows]).size))
        sums = np.bincount(cell[usable], weights=v[usable], minlength=n * T)
        nused = np.bincount(cell[usable], minlength=n * T)
        with np.errstate(invalid="ignore", divide="ignore"):
            X = np.where(nused > 0, sums / (np.maximum(nused, 1) if duplicates == "mean" else 1), np.nan)
        X = X.astype(np.float32)
        del sums, nused
    else:
        repairs.duplicates(duplicates, 0, None, None)
        X = np.full(n * T, np.nan, dtype=np.float32)
        if all_usable:
            X[cell] = v
        else:
            X[cell[usable]] = v[usable]
    cells = None
    if keep_cells:
        row_type = np.int32 if len(cell) < 2**31 - 1 else np.int64
        cells = np.full(n * T, -1, dtype=row_type)
        cells[cell] = np.arange(len(cell), dtype=row_type)
        cells = cells.reshape(n, T)
    del cell
    X = X.reshape(n, T)
    have = have.reshape(n, T)

    def feeders() -> np.ndarray | None:  # one feeder per meter, checked after the readings
        if not has_feeder:
            return None
        f = frame[fcol]
        if f.isna().any():
            bad = f.isna()
            raise bad_rows_error(
                fcol,
                "a missing feeder",
                frame.loc[bad],
                int(bad.sum()),
                "fill in the feeder, or drop the column to compare all meters together.",
            )
        f_codes, f_values = _codes(f)
        first = np.empty(n, dtype=np.int32)
        first[meter_codes] = f_codes  # one feeder per meter (any of its rows)
        differs = f_codes != first[meter_codes]
        if differs.any():
            two = np.unique(meter_codes[differs])
            bad = np.isin(meter_codes, two)
            raise bad_rows_error(
                fcol,
                "meters listed on more than one feeder",
                frame.loc[bad].drop_duplicates([cid, fcol]),
                len(two),
                "give each meter one feeder (e.g. its latest one) before scoring.",
            )
        return np.asarray(f_values)[first]

    return repairs.matrix(X, have, meters, days, missing=missing, missing_feeder=missing_feeder,
                          nan_rows=nan_rows, feeders=feeders, cells=cells)


def as_matrix(readings, **kwargs) -> MeterMatrix:
    """``readings`` if it already is a :class:`MeterMatrix`, else :func:`meter_matrix` of it."""
    if isinstance(readings, MeterMatrix):
        extra = {k: v for k, v in kwargs.items() if v is not None and k in METER_ROLES}
        if extra:
            raise ParameterError("column roles cannot be given with a MeterMatrix (it is already pivoted).")
        return readings
    return meter_matrix(readings, **kwargs)
