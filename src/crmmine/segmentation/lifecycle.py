"""Lifecycle stages from each customer's own purchase cadence, the texts' five-stage preset,
stage transitions between dates and the recommended action per stage."""

from __future__ import annotations

import itertools
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._backend import from_pandas_like, to_pandas
from crmmine._i18n import check_locale, translate
from crmmine._params import Interval, Options, check_params
from crmmine._results import Result
from crmmine._roles import resolve_roles
from crmmine._units import naive_utc
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, DataWarning, ParameterError, bad_rows_error, missing_columns_error
from crmmine.segmentation._labels import localized_categorical

__all__ = [
    "LIFECYCLE_PRESETS",
    "STAGES",
    "StageTransitions",
    "assign_actions",
    "lifecycle_stages",
    "lifecycle_transitions",
    "stage_actions",
]

#: crmmine's stages in lifecycle order (the category order of the result).
STAGES = ("prospect", "new", "growing", "mature", "declining", "lost")

#: Stage presets: crmmine's stage -> the preset's stage. "texts5" are the five stages of the CRM
#: texts (prospect, development, growth, maturity, termination); declining and lost customers are
#: both in the termination stage, where the texts recommend win-back.
LIFECYCLE_PRESETS: dict[str, dict[str, str]] = {
    "crmmine": {s: s for s in STAGES},
    "texts5": {
        "prospect": "prospect",
        "new": "development",
        "growing": "growth",
        "mature": "maturity",
        "declining": "termination",
        "lost": "termination",
    },
}

_ACTIONS: dict[str, list[tuple[str, str, str]]] = {
    "texts5": [
        ("prospect", "advertising", "make the offer known and win the first purchase"),
        ("development", "cross-selling through partners", "widen what the new customer buys"),
        ("growth", "points membership", "reward repeat purchases and raise the share of wallet"),
        ("maturity", "one-to-one service", "keep the most valuable relationship with personal service"),
        ("termination", "win-back", "win the customer back, or let a loss-making one go"),
    ],
    "crmmine": [
        ("prospect", "advertising", "make the offer known and win the first purchase"),
        ("new", "welcome and first cross-sell", "turn the first purchase into a second one"),
        ("growing", "points membership", "reward repeat purchases and raise the share of wallet"),
        ("mature", "one-to-one service", "keep the most valuable relationship with personal service"),
        ("declining", "retention offer", "find out why purchases slow down and answer it"),
        ("lost", "win-back", "win the customer back, or let a loss-making one go"),
    ],
}

_GOALS_ZH = {
    "make the offer known and win the first purchase": "让潜在客户了解产品, 促成首次购买",
    "widen what the new customer buys": "扩大新客户的购买范围",
    "turn the first purchase into a second one": "促成第二次购买",
    "reward repeat purchases and raise the share of wallet": "奖励重复购买, 提高钱包份额",
    "keep the most valuable relationship with personal service": "以个性化服务维系最有价值的关系",
    "find out why purchases slow down and answer it": "找出购买减少的原因并加以应对",
    "win the customer back, or let a loss-making one go": "赢回客户, 或放弃亏损客户",
}

_ROLES = {"customer_id": "customer_id", "date": "date"}


def _stage_map(preset: str | Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    if isinstance(preset, str):
        if preset not in LIFECYCLE_PRESETS:
            raise ParameterError(
                f"unknown lifecycle preset {preset!r}; choose one of "
                f"{sorted(LIFECYCLE_PRESETS)} or pass a mapping of crmmine's stages."
            )
        mapping = LIFECYCLE_PRESETS[preset]
    elif isinstance(preset, Mapping):
        mapping = {str(k): str(v) for k, v in preset.items()}
        missing = [s for s in STAGES if s not in mapping]
        extra = [k for k in mapping if k not in STAGES]
        if missing or extra:
            raise ParameterError(
                f"a lifecycle preset maps each of crmmine's stages {list(STAGES)} to a stage; "
                f"missing {missing}, unknown {extra}."
            )
    else:
        raise ParameterError(f"preset must be a preset name or a mapping, got {type(preset).__name__}.")
    order = list(dict.fromkeys(mapping[s] for s in STAGES))
    return dict(mapping), order


@dataclass
class _Visits:
    """Distinct (customer, day) pairs, sorted, and the customers' id column name."""

    customer: np.ndarray
    day: np.ndarray  # datetime64[D]
    id_name: str
    last_day: np.datetime64


def _visits(tx: Any, columns: Mapping[str, str] | None, customer_id: str | None, date: str | None) -> _Visits:
    roles = resolve_roles(columns, _ROLES, customer_id=customer_id, date=date)
    cid, dcol = roles["customer_id"], roles["date"]
    frame = to_pandas(tx, what="transactions")
    require_columns(frame.columns, [cid, dcol], role="transactions",
                    parameters={cid: "customer_id", dcol: "date"})
    dup = sorted({c for c in frame.columns[frame.columns.duplicated()] if c in (cid, dcol)})
    if dup:
        raise DataError(f"transactions have duplicated columns {dup}. Fix: give every column a unique name.")
    frame = frame[[cid, dcol]]
    if len(frame) == 0:
        raise DataError("the transaction table is empty (0 rows). Fix: check the input.")
    ids = frame[cid]
    missing = ids.isna().to_numpy()
    if missing.any():
        raise bad_rows_error(
            cid,
            "missing customer ids",
            frame[missing],
            int(missing.sum()),
            "clean the log first with clean_transactions(...).",
        )
    raw = frame[dcol]
    if not (pd.api.types.is_datetime64_any_dtype(raw)):
        raise bad_rows_error(
            dcol,
            f"values of type {raw.dtype}, not dates",
            frame.head(5),
            len(frame),
            "parse the dates with validate_transactions(...) or clean_transactions(...) "
            "(integer YYYYMMDD included) before lifecycle_stages.",
        )
    raw = naive_utc(raw)  # time-zone-aware: read in UTC
    bad = raw.isna().to_numpy()
    if bad.any():
        raise bad_rows_error(
            dcol,
            "missing dates",
            frame[bad],
            int(bad.sum()),
            "clean the log first with clean_transactions(..., bad_dates='drop').",
        )
    days = raw.to_numpy().astype("datetime64[D]")
    if ids.dtype == object and pd.api.types.infer_dtype(ids, skipna=True) in ("mixed", "mixed-integer"):
        kind = ids.map(lambda v: type(v).__name__)
        minority = kind != kind.mode().iloc[0]
        raise bad_rows_error(
            cid,
            f"ids of mixed types ({', '.join(sorted(kind.unique()))}; e.g. 1 and '1')",
            frame[minority.to_numpy()],
            int(minority.sum()),
            "convert the id column to one type, e.g. tx[col].astype(str).",
        )
    pairs = pd.DataFrame({"c": ids.to_numpy(), "d": days}).drop_duplicates()
    pairs = pairs.sort_values(["c", "d"], kind="stable")
    return _Visits(pairs["c"].to_numpy(), pairs["d"].to_numpy().astype("datetime64[D]"), cid, days.max())


def _stages_at(
    v: _Visits, as_of: np.datetime64, known: pd.Index | None, params: dict[str, float]
) -> tuple[pd.DataFrame, int]:
    keep = v.day <= as_of
    n_after = int((~keep).sum())
    c, d = v.customer[keep], v.day[keep]
    end = as_of + np.timedelta64(1, "D")  # end of the as_of day
    visits = pd.DataFrame({"c": c, "d": d.astype("datetime64[s]")})
    g = visits.groupby("c", sort=True)["d"]
    per = pd.DataFrame({"purchase_days": g.size(), "first_purchase": g.min(), "last_purchase": g.max()})
    gap_days = visits["d"].diff().dt.days.where(visits["c"].eq(visits["c"].shift()))
    per["typical_gap"] = gap_days.groupby(visits["c"]).median()
    min_gap = params["min_gap_days"]
    pooled = float(per["typical_gap"].median()) if per["typical_gap"].notna().any() else min_gap
    per["typical_gap"] = per["typical_gap"].fillna(max(pooled, min_gap)).clip(lower=min_gap)
    as_of_ts = pd.Timestamp(as_of)
    end_ts = pd.Timestamp(end)
    per["days_since_last"] = (as_of_ts - per["last_purchase"]).dt.days
    tenure = (end_ts - per["first_purchase"]).dt.days
    window_start = end_ts - pd.Timedelta(days=params["window_days"])
    recent = visits[visits["d"] >= window_start].groupby("c").size().reindex(per.index, fill_value=0)
    earlier_days = (window_start - per["first_purchase"]).dt.days
    per["recent_rate"] = recent / np.minimum(tenure, params["window_days"]).clip(lower=1)
    per["earlier_rate"] = ((per["purchase_days"] - recent) / earlier_days.where(earlier_days > 0)).astype(
        float
    )
    has_history = earlier_days > 0
    stage = np.select(
        [
            tenure <= params["new_days"],
            per["days_since_last"] >= params["lost_multiple"] * per["typical_gap"],
            has_history & (per["recent_rate"] < params["decline_ratio"] * per["earlier_rate"]),
            has_history & (per["recent_rate"] > params["growth_ratio"] * per["earlier_rate"]),
        ],
        ["new", "lost", "declining", "growing"],
        default="mature",
    )
    per.insert(0, "stage", stage)
    if known is not None:
        prospects = known.difference(per.index)
        if len(prospects):
            extra = pd.DataFrame({"stage": "prospect", "purchase_days": 0}, index=prospects)
            per = pd.concat([per, extra.astype({"purchase_days": per["purchase_days"].dtype})])
    return per, n_after


def _known(customers: Any, id_name: str) -> pd.Index | None:
    if customers is None:
        return None
    if isinstance(customers, pd.Index):
        return customers
    if isinstance(customers, pd.DataFrame):
        return pd.Index(customers[id_name]) if id_name in customers.columns else customers.index
    if isinstance(customers, pd.Series):
        return pd.Index(customers)
    if isinstance(customers, list | tuple | np.ndarray):
        return pd.Index(customers)
    raise ParameterError(
        f"customers must be an Index, a list of ids or a DataFrame, got {type(customers).__name__}."
    )


def _check(params: dict[str, Any]) -> None:
    positive = [Interval(float, 0, None, closed="neither"), Interval(int, 0, None, closed="neither")]
    check_params(
        params,
        {
            k: positive
            for k in (
                "new_days",
                "lost_multiple",
                "window_days",
                "decline_ratio",
                "growth_ratio",
                "min_gap_days",
            )
        },
        caller="lifecycle_stages()",
    )
    if params["decline_ratio"] >= params["growth_ratio"]:
        raise ParameterError(
            f"decline_ratio ({params['decline_ratio']}) must be below growth_ratio "
            f"({params['growth_ratio']})."
        )


def _as_day(value: Any, name: str) -> np.datetime64:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{name}={value!r} is not a date. Fix: pass e.g. '2011-12-09'.") from None
    if ts is pd.NaT or isinstance(value, bool | int | float | np.integer | np.floating):
        raise ParameterError(f"{name}={value!r} is not a date. Fix: pass e.g. '2011-12-09'.")
    ts = naive_utc(ts)  # time-zone-aware: read in UTC
    return np.datetime64(ts.normalize().to_datetime64(), "D")


_COLUMNS = [
    "stage",
    "purchase_days",
    "first_purchase",
    "last_purchase",
    "days_since_last",
    "typical_gap",
    "recent_rate",
    "earlier_rate",
]


def _finish(
    per: pd.DataFrame, mapping: dict[str, str], order: list[str], preset: Any, id_name: str, locale: str
) -> pd.DataFrame:
    per.index.name = id_name
    detail = per["stage"].to_numpy()
    out = per[_COLUMNS].copy()
    mapped = pd.Series(detail, index=per.index).map(mapping).to_numpy()
    out["stage"] = localized_categorical(mapped, order, index=per.index, name="stage", locale=locale)
    if preset != "crmmine":
        out.insert(
            1,
            "detail_stage",
            localized_categorical(detail, STAGES, index=per.index, name="detail_stage", locale=locale),
        )
    return out


def lifecycle_stages(
    tx: Any,
    as_of: Any = None,
    *,
    customers: Any = None,
    preset: str | Mapping[str, str] = "crmmine",
    locale: str = "en",
    new_days: float = 90.0,
    lost_multiple: float = 3.0,
    window_days: float = 180.0,
    decline_ratio: float = 0.5,
    growth_ratio: float = 1.5,
    min_gap_days: float = 7.0,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
) -> Any:
    """Lifecycle stage per customer: prospect, new, growing, mature, declining or lost.

    Purchases are counted as distinct purchase days on or before ``as_of`` (any time that day).
    For each customer:

    * ``typical_gap``: median days between her purchase days; for customers with a single
      purchase day, the median of everyone's typical gaps (at least ``min_gap_days``).
    * **prospect**: in ``customers`` but no purchase by ``as_of``.
    * **new**: first purchase within the last ``new_days`` days (too early to judge a cadence).
    * **lost**: days since the last purchase at least ``lost_multiple`` x typical gap.
    * **declining** / **growing**: purchase days per day in the last ``window_days`` days against
      the rate before the window: below ``decline_ratio`` x the earlier rate is declining, above
      ``growth_ratio`` x is growing. Needs tenure before the window.
    * **mature**: the rest (steady buyers).

    The first rule that applies wins, in that order. ``preset="texts5"`` maps these onto the five
    stages of the CRM texts: prospect -> prospect, new -> development, growing -> growth,
    mature -> maturity, declining and lost -> termination (``detail_stage`` keeps crmmine's
    stage). :func:`stage_actions` and :func:`assign_actions` add the recommended action.

    Parameters
    ----------
    tx : pandas, polars, DuckDB or PySpark table
        Transactions with customer id and date (dates parsed; see ``validate_transactions``).
    as_of : date-like, optional
        Reference date (default: the last date in the data). Later rows are left out and
        counted in ``attrs["n_rows_after_as_of"]``.
    customers : Index, list or DataFrame, optional
        Known customers (ids, or a table with the id column or index) so prospects are reported
        too. Customers of ``tx`` not in it are kept.
    preset : {"crmmine", "texts5"} or dict, default "crmmine"
        Stage names; a dict maps each of :data:`STAGES` to your stage
        (:data:`LIFECYCLE_PRESETS` holds the named ones).
    locale : {"en", "zh"}, default "en"
        Language of the stage labels (codes are the same in both).
    new_days : float, default 90.0
        Days since the first purchase (counting the ``as_of`` day) up to which a customer is
        new.
    lost_multiple : float, default 3.0
        A customer is lost when the days since her last purchase reach this many typical gaps.
    window_days : float, default 180.0
        Length in days of the recent window whose purchase rate is compared with the rate
        before it.
    decline_ratio : float, default 0.5
        Recent rate below this multiple of the earlier rate: declining. Must be below
        ``growth_ratio``.
    growth_ratio : float, default 1.5
        Recent rate above this multiple of the earlier rate: growing.
    min_gap_days : float, default 7.0
        Floor of the typical gap in days (so a burst of daily purchases does not make a
        customer lost after a few quiet days).
    columns : mapping of role -> column, optional
        Transaction columns by role, e.g. ``{"customer_id": "CustomerID", "date": "InvoiceDate"}``.
    customer_id : str, optional
        The customer id column (overrides ``columns``; default ``"customer_id"``).
    date : str, optional
        The date column (overrides ``columns``; default ``"date"``).

    Returns
    -------
    table of the input's kind
        Indexed by customer (pandas; other engines get the id as the first column): ``stage``
        (ordered categorical; text for other engines), ``detail_stage`` (with a preset other
        than ``"crmmine"``), ``purchase_days``, ``first_purchase``, ``last_purchase``,
        ``days_since_last``, ``typical_gap``, ``recent_rate``, ``earlier_rate``. polars,
        DuckDB and Spark tables are computed inside their engine (distinct purchase days,
        gaps by a window over each customer, medians by aggregation; lazy for polars
        LazyFrames, DuckDB and Spark); only the last date (when ``as_of`` is not given)
        and the check counts travel to Python.

    See Also
    --------
    lifecycle_transitions : the stages at several dates and the moves between them.
    stage_actions : the recommended action per stage.
    assign_actions : joins the action to each customer's stage.
    rfm_segments : segments from RFM scores instead of the purchase cadence.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2, 3, 3],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-12-20",
    ...                                            "2020-12-01", "2020-01-05", "2020-01-20"])})
    >>> lifecycle_stages(tx, as_of="2020-12-31", customers=pd.Index([1, 2, 3, 4]))["stage"].tolist()
    ['declining', 'new', 'lost', 'prospect']
    >>> lifecycle_stages(tx, as_of="2020-12-31", preset="texts5", locale="zh")["stage"].tolist()
    ['终止期', '开发期', '终止期']

    References
    ----------
    Dwyer, F. R., Schurr, P. H. and Oh, S. (1987). Developing buyer-seller relationships.
    *Journal of Marketing* 51(2), 11-27 (relationship lifecycle phases).
    """
    check_locale(locale)
    params = {
        "new_days": new_days,
        "lost_multiple": lost_multiple,
        "window_days": window_days,
        "decline_ratio": decline_ratio,
        "growth_ratio": growth_ratio,
        "min_gap_days": min_gap_days,
    }
    _check(params)
    mapping, order = _stage_map(preset)
    if _backend.is_engine(tx):
        return _stages_engine(tx, as_of, customers, mapping, preset if isinstance(preset, str) else "custom",
                              locale, {k: float(x) for k, x in params.items()}, columns, customer_id, date)
    v = _visits(tx, columns, customer_id, date)
    day = v.last_day if as_of is None else _as_day(as_of, "as_of")
    known = _known(customers, v.id_name)
    per, n_after = _stages_at(v, day, known, {k: float(x) for k, x in params.items()})
    if n_after:
        later = v.day > day
        unseen = pd.Index(np.unique(v.customer[later])).difference(pd.Index(np.unique(v.customer[~later])))
        if known is not None:
            unseen = unseen.difference(known)
        if len(unseen):
            warnings.warn(
                f"lifecycle_stages: {len(unseen):,} customers bought only after as_of "
                f"({pd.Timestamp(day).date()}) and have no stage on that day (e.g. {unseen[:5].tolist()}); "
                f"{n_after:,} purchase days after as_of are left out. Fix: pass customers= with every "
                "known customer to report them as prospects, or a later as_of.",
                DataWarning,
                stacklevel=2,
            )
    out = _finish(per, mapping, order, preset if isinstance(preset, str) else "custom", v.id_name, locale)
    out.attrs.update({"as_of": pd.Timestamp(day), "n_rows_after_as_of": n_after})
    return from_pandas_like(out, tx)


def _stages_engine(tx: Any, as_of: Any, customers: Any, mapping: dict[str, str], preset: str,
                   locale: str, params: dict[str, float], columns: Any, customer_id: str | None,
                   date: str | None) -> Any:
    """:func:`lifecycle_stages` inside the engine, on calendar-day numbers."""
    roles = resolve_roles(columns, _ROLES, customer_id=customer_id, date=date)
    cid, dcol = roles["customer_id"], roles["date"]
    frame = _backend.to_narwhals(tx, what="transactions")
    kind = _backend.backend_of(frame)
    lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    schema = lf.collect_schema()
    require_columns(schema.names(), [cid, dcol], role="transactions",
                    parameters={cid: "customer_id", dcol: "date"})
    dtype = schema[dcol]
    fix_dates = ("parse the dates with validate_transactions(...) or clean_transactions(...) "
                 "(integer YYYYMMDD included) before lifecycle_stages.")
    if not isinstance(dtype, nw.Datetime | nw.Date):
        n = int(_backend.collect_one(lf.select(n=nw.len()))["n"] or 0)
        rows = _backend.collect_pandas(lf.select(cid, dcol).head(5))
        raise bad_rows_error(dcol, f"values of type {dtype}, not dates", rows, n, fix_dates)
    if isinstance(dtype, nw.Datetime) and dtype.time_zone is not None and kind != "pyspark":
        lf = _backend.utc_naive(lf, dcol, "__cm_utc").drop(dcol).rename({"__cm_utc": dcol})
    checks = [
        _backend.Check(cid, nw.col(cid).is_null(), "missing customer ids",
                       "clean the log first with clean_transactions(...).", show=(dcol,)),
        _backend.Check(dcol, nw.col(dcol).is_null(), "missing dates",
                       "clean the log first with clean_transactions(..., bad_dates='drop').", show=(cid,)),
    ]
    day = _backend.day_number(nw.col(dcol))
    stats = _backend.checked_aggregates(lf, None, checks, {"n": nw.len(), "last": day.max()})
    if not int(stats["n"] or 0):
        raise DataError("the transaction table is empty (0 rows). Fix: check the input.")
    epoch = np.datetime64("1970-01-01", "D")
    as_of_day = int(stats["last"]) if as_of is None else int((_as_day(as_of, "as_of") - epoch).astype(int))
    end_day = as_of_day + 1
    window_start = end_day - params["window_days"]
    visits = (
        lf.select(nw.col(cid).alias("_c"), day.alias("_d"), nw.col(dcol).dt.truncate("1d").alias("_t"))
        .filter(nw.col("_d") <= as_of_day)
        .unique(["_c", "_d"])
    )
    gaps = visits.with_columns((nw.col("_d") - nw.col("_d").shift(1).over("_c", order_by="_d")).alias("_gap"))
    per = gaps.group_by("_c").agg(
        nw.len().cast(nw.Int64).alias("purchase_days"),
        nw.col("_d").min().alias("_first"),
        nw.col("_d").max().alias("_last"),
        nw.col("_t").min().alias("first_purchase"),
        nw.col("_t").max().alias("last_purchase"),
        nw.col("_gap").cast(nw.Float64).median().alias("_own_gap"),
        (nw.col("_d") >= math.ceil(window_start)).cast(nw.Int64).sum().alias("_recent"),
    )
    min_gap = params["min_gap_days"]
    pooled = per.select(nw.col("_own_gap").median().alias("_pooled"))
    per = per.join(pooled, how="cross")
    fill = nw.when(nw.col("_pooled") > min_gap).then(nw.col("_pooled")).otherwise(nw.lit(min_gap))
    gap = nw.when(nw.col("_own_gap").is_null()).then(fill).otherwise(nw.col("_own_gap"))
    per = per.with_columns(
        nw.when(gap < min_gap).then(nw.lit(min_gap)).otherwise(gap).cast(nw.Float64).alias("typical_gap"),
        (as_of_day - nw.col("_last")).cast(nw.Int64).alias("days_since_last"),
        (end_day - nw.col("_first")).cast(nw.Int64).alias("_tenure"),
        (math.floor(window_start) - nw.col("_first")).cast(nw.Int64).alias("_earlier_days"),
    )
    span = nw.when(nw.col("_tenure") < params["window_days"]).then(nw.col("_tenure").cast(nw.Float64)) \
        .otherwise(nw.lit(params["window_days"]))
    span = nw.when(span < 1.0).then(nw.lit(1.0)).otherwise(span)
    earlier = nw.col("_earlier_days")
    per = per.with_columns(
        (nw.col("_recent").cast(nw.Float64) / span).alias("recent_rate"),
        nw.when(earlier > 0).then(
            (nw.col("purchase_days") - nw.col("_recent")).cast(nw.Float64) / earlier.cast(nw.Float64)
        ).alias("earlier_rate"),
    )
    history = earlier > 0
    rr, er = nw.col("recent_rate"), nw.col("earlier_rate")
    stage = (
        nw.when(nw.col("_tenure") <= params["new_days"]).then(nw.lit("new"))
        .otherwise(nw.when(nw.col("days_since_last") >= params["lost_multiple"] * nw.col("typical_gap"))
                   .then(nw.lit("lost"))
                   .otherwise(nw.when(history & (rr < params["decline_ratio"] * er)).then(nw.lit("declining"))
                              .otherwise(nw.when(history & (rr > params["growth_ratio"] * er))
                                         .then(nw.lit("growing")).otherwise(nw.lit("mature")))))
    )
    per = per.with_columns(stage.alias("_stage")).select(nw.col("_c").alias(cid), "_stage", *_COLUMNS[1:])
    if customers is not None:
        per = _with_prospects(per, customers, cid, lf)
    shown_detail = _stage_labels(list(STAGES), locale)
    order = list(dict.fromkeys(mapping[s] for s in STAGES))
    shown = dict(zip(order, _stage_labels(order, locale)))
    stage_out = _case(nw.col("_stage"), {s: shown[mapping[s]] for s in STAGES})
    detail = [_case(nw.col("_stage"), dict(zip(STAGES, shown_detail))).alias("detail_stage")] \
        if preset != "crmmine" else []
    out = per.select(cid, stage_out.alias("stage"), *detail, *_COLUMNS[1:])
    if kind in ("polars", "polars-lazy"):
        out = out.sort(cid)
    return _backend.result_like(out, kind)


def _case(expr: nw.Expr, labels: dict[str, str]) -> nw.Expr:
    out: Any = nw.lit(None, dtype=nw.String)
    for key, label in labels.items():
        out = nw.when(expr == key).then(nw.lit(label)).otherwise(out)
    return out.cast(nw.String)


def _stage_labels(codes: list[str], locale: str) -> list[str]:
    shown = localized_categorical(np.arange(len(codes)), codes, index=pd.RangeIndex(len(codes)),
                                  name="stage", locale=locale, codes=True)
    return [str(c) for c in shown.cat.categories]


def _with_prospects(per: nw.LazyFrame, customers: Any, cid: str, like: nw.LazyFrame) -> nw.LazyFrame:
    """Known customers without a purchase by ``as_of`` added as prospects (inside the engine)."""
    if _backend.is_engine(customers):
        known = _backend.to_lazy(customers, what="customers")
        names = known.collect_schema().names()
        known = known.select(nw.col(cid if cid in names else names[0]).alias(cid))
    else:
        ids = _known(customers, cid)
        known = _backend.upload(pd.DataFrame({cid: np.asarray(ids)}), like)
    known = known.unique([cid])
    new = known.join(per.select(cid), on=cid, how="anti")
    schema = per.collect_schema()
    columns = [nw.col(cid)]
    for name in schema.names():
        if name == cid:
            continue
        if name == "_stage":
            columns.append(nw.lit("prospect").alias(name))
        elif name == "purchase_days":
            columns.append(nw.lit(0, dtype=nw.Int64).alias(name))
        else:
            columns.append(nw.lit(None, dtype=schema[name]).alias(name))
    return nw.concat([per, new.select(*columns)], how="vertical")


@dataclass(repr=False)
class StageTransitions(Result):
    """Each customer's lifecycle stage at several dates, and the transitions between them.

    Returned by :func:`lifecycle_transitions`; the fields below are its attributes.
    ``matrix(start, end, normalize=False)`` counts customers by stage at two of the dates
    (``normalize=True``: shares of each row), ``summary()`` is the matrix from the first to
    the last date and ``plot()`` its heat map.

    Parameters
    ----------
    history : pandas.DataFrame
        One row per customer (everyone who bought by the last date, plus ``customers``), one
        column per date: the stage then (ordered categorical). Before her first purchase a
        customer is a prospect.
    dates : tuple of pandas.Timestamp
        The dates, increasing (the columns of ``history``).

    See Also
    --------
    lifecycle_transitions : builds it from transactions.
    lifecycle_stages : the stages at one date, with the figures behind them.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-15", "2020-02-01",
    ...                                            "2020-01-10", "2020-09-01", "2020-08-20"])})
    >>> tr = lifecycle_transitions(tx, ["2020-03-01", "2020-10-01"])
    >>> tr
    StageTransitions(customers=3, dates=2)
    >>> tr.matrix(normalize=True).loc["new", ["declining", "lost"]].tolist()
    [0.5, 0.5]
    """

    history: pd.DataFrame
    dates: tuple

    def to_frame(self) -> pd.DataFrame:
        """The stage history (customers x dates)."""
        return self.history

    def matrix(self, start: Any = None, end: Any = None, *, normalize: bool = False) -> pd.DataFrame:
        """Customers by stage at ``start`` (rows) and at ``end`` (columns); default first and last date.

        ``normalize=True`` divides each row by its total (the share of a stage's customers that
        moved to each stage; rows with no customers are 0).
        """
        cols = list(self.history.columns)
        a = cols[0] if start is None else pd.Timestamp(start)
        b = cols[-1] if end is None else pd.Timestamp(end)
        for d in (a, b):
            if d not in cols:
                raise ParameterError(f"{d} is not one of the dates {[str(c.date()) for c in cols]}.")
        table = pd.crosstab(self.history[a], self.history[b], dropna=False)
        cats = self.history[a].cat.categories
        table = table.reindex(index=cats.copy(), columns=cats.copy(), fill_value=0)
        table = table.rename_axis(index=f"stage at {a.date()}", columns=f"stage at {b.date()}")
        if normalize:
            totals = table.sum(axis=1).replace(0, 1)
            table = table.div(totals, axis=0)
        return table

    def summary(self) -> pd.DataFrame:
        """Transition counts from the first to the last date."""
        return self.matrix()

    def _repr_items(self) -> dict[str, Any]:
        return {"customers": len(self.history), "dates": len(self.dates)}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Heat map of the row shares from the first to the last date; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 4.5))
        shares = self.matrix(normalize=True)
        counts = self.matrix()
        image = ax.imshow(shares.to_numpy(dtype=float), cmap=kwargs.pop("cmap", "Blues"), vmin=0, vmax=1)
        for (i, j), n in np.ndenumerate(counts.to_numpy()):
            ax.text(j, i, f"{int(n):,}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(len(shares.columns)), [str(c) for c in shares.columns], rotation=30)
        ax.set_yticks(range(len(shares.index)), [str(c) for c in shares.index])
        ax.set_xlabel(shares.columns.name)
        ax.set_ylabel(shares.index.name)
        ax.figure.colorbar(image, ax=ax, label="share of the row's customers")
        ax.set_title("Lifecycle transitions")
        return ax


def lifecycle_transitions(
    tx: Any,
    dates: Sequence[Any],
    *,
    customers: Any = None,
    preset: str | Mapping[str, str] = "crmmine",
    locale: str = "en",
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    **rules: float,
) -> StageTransitions:
    """Lifecycle stages at two or more dates: each customer's history and the transition matrix.

    Every customer who bought on or before the last date (plus ``customers``) is in every
    column; before her first purchase she is a prospect, so new customers show up as
    transitions out of "prospect". Stages are those of :func:`lifecycle_stages` (same rules,
    ``preset`` and ``locale``); rows after each date are ignored for that date.

    Parameters
    ----------
    tx : table
        Transactions (customer id and date): pandas, or a polars, DuckDB or Spark table
        (converted to pandas).
    dates : sequence of date-like
        At least two strictly increasing dates; each is an ``as_of`` of :func:`lifecycle_stages`.
    customers : Index, list or DataFrame, optional
        Known customers, so those who never bought are reported as prospects.
    preset : {"crmmine", "texts5"} or dict, default "crmmine"
        Stage names, as in :func:`lifecycle_stages`.
    locale : {"en", "zh"}, default "en"
        Language of the stage labels.
    columns : mapping of role -> column, optional
        Transaction columns by role, as in :func:`lifecycle_stages`.
    customer_id : str, optional
        The customer id column (overrides ``columns``).
    date : str, optional
        The date column (overrides ``columns``).
    **rules : float
        Rule parameters of :func:`lifecycle_stages` (``new_days``, ``lost_multiple``, ...).

    Returns
    -------
    StageTransitions
        ``history`` (customers x dates), ``matrix(start, end, normalize=False)``, ``plot()``.

    See Also
    --------
    StageTransitions : the result and its transition matrix.
    lifecycle_stages : the stages at one date and their rules.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-15", "2020-02-01",
    ...                                            "2020-01-10", "2020-09-01", "2020-08-20"])})
    >>> tr = lifecycle_transitions(tx, ["2020-03-01", "2020-10-01"])
    >>> tr.history.astype(str).to_numpy().tolist()
    [['new', 'lost'], ['new', 'declining'], ['prospect', 'new']]
    >>> int(tr.matrix().loc["new", "lost"]), int(tr.matrix().loc["prospect", "new"])
    (1, 1)
    """
    check_locale(locale)
    unknown = set(rules) - {
        "new_days",
        "lost_multiple",
        "window_days",
        "decline_ratio",
        "growth_ratio",
        "min_gap_days",
    }
    if unknown:
        raise ParameterError(f"lifecycle_transitions() got unknown parameters {sorted(unknown)}.")
    params = {
        "new_days": 90.0,
        "lost_multiple": 3.0,
        "window_days": 180.0,
        "decline_ratio": 0.5,
        "growth_ratio": 1.5,
        "min_gap_days": 7.0,
        **rules,
    }
    _check(params)
    if isinstance(dates, str) or not isinstance(dates, Sequence | pd.Index | np.ndarray) or len(dates) < 2:
        raise ParameterError(f"dates must be a list of at least two dates, got {dates!r}.")
    days = [_as_day(d, "dates") for d in dates]
    if any(b <= a for a, b in itertools.pairwise(days)):
        raise ParameterError(f"dates must be strictly increasing, got {[str(d) for d in days]}.")
    mapping, order = _stage_map(preset)
    v = _visits(tx, columns, customer_id, date)
    known = _known(customers, v.id_name)
    universe = pd.Index(pd.unique(v.customer[v.day <= days[-1]]))
    if known is not None:
        universe = universe.append(known.difference(universe))
    history = {}
    name = preset if isinstance(preset, str) else "custom"
    for day in days:
        per, _ = _stages_at(v, day, universe, {k: float(x) for k, x in params.items()})
        history[pd.Timestamp(day)] = _finish(per, mapping, order, name, v.id_name, locale)["stage"]
    frame = pd.DataFrame(history).reindex(universe)
    frame.index.name = v.id_name
    frame.columns.name = "date"
    return StageTransitions(history=frame, dates=tuple(pd.Timestamp(d) for d in days))


def stage_actions(preset: str = "texts5", locale: str = "en") -> pd.DataFrame:
    """The recommended action per lifecycle stage, as an editable table.

    ``"texts5"`` follows the CRM texts: advertising for prospects, cross-selling through
    partners in development, points membership in growth, one-to-one service in maturity and
    win-back in termination. ``"crmmine"`` gives the same actions for crmmine's finer stages
    (welcome and first cross-sell for new customers, a retention offer for declining ones).
    Edit the table (``.loc["growth", "action"] = ...``) and pass it to :func:`assign_actions`.

    Parameters
    ----------
    preset : {"texts5", "crmmine"}, default "texts5"
        The stages the table is written for: the five stages of the CRM texts, or crmmine's
        six (:data:`STAGES`).
    locale : {"en", "zh"}, default "en"
        Language of the ``action`` and ``goal`` texts (the index stays in English codes).

    Returns
    -------
    pandas.DataFrame
        Indexed by stage (English codes): ``action`` and ``goal`` in ``locale``.

    See Also
    --------
    assign_actions : joins this table to each customer's stage.
    lifecycle_stages : the stages the table is indexed by.

    Examples
    --------
    >>> stage_actions()["action"].tolist()
    ['advertising', 'cross-selling through partners', 'points membership', 'one-to-one service', 'win-back']
    >>> stage_actions(locale="zh").loc["growth", "action"]
    '积分会员制'
    """
    check_params({"preset": preset}, {"preset": [Options(set(_ACTIONS))]}, caller="stage_actions()")
    check_locale(locale)
    rows = _ACTIONS[preset]
    table = pd.DataFrame(rows, columns=["stage", "action", "goal"]).set_index("stage")
    if locale == "zh":
        table["action"] = [translate(a, "zh") for a in table["action"]]
        table["goal"] = [_GOALS_ZH.get(g, g) for g in table["goal"]]
    return table


def assign_actions(stages: pd.DataFrame | pd.Series, actions: pd.DataFrame | None = None) -> pd.DataFrame:
    """Join the recommended action (and goal) to each customer's stage.

    Parameters
    ----------
    stages : DataFrame with a ``stage`` column, or a Series of stages
        Output of :func:`lifecycle_stages` (any preset and locale).
    actions : DataFrame, optional
        Indexed by stage code (English) with the action columns; default
        ``stage_actions(preset)`` for the preset the stages come from, in their locale. Stages
        shown in Chinese match the table by their code.

    Returns
    -------
    pandas.DataFrame
        ``stage`` and the action columns, indexed like ``stages``. A stage without a row in
        ``actions`` raises (add the row, even with an empty action).

    See Also
    --------
    stage_actions : the default action tables, to edit.
    lifecycle_stages : the stages to pass.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 2, 2], "date": pd.to_datetime(["2020-01-01", "2020-06-01",
    ...                                                                       "2020-06-20"])})
    >>> st = lifecycle_stages(tx, as_of="2020-07-01", preset="texts5")
    >>> assign_actions(st)["action"].tolist()
    ['win-back', 'cross-selling through partners']

    An edited table replaces the default one:

    >>> actions = stage_actions("texts5")
    >>> actions.loc["termination", "action"] = "call within a week"
    >>> assign_actions(st, actions)["action"].tolist()
    ['call within a week', 'cross-selling through partners']
    """
    if isinstance(stages, pd.DataFrame) and "stage" not in stages.columns:
        raise missing_columns_error(["stage"], stages.columns, role="stages")
    stage = stages["stage"] if isinstance(stages, pd.DataFrame) else stages
    if not isinstance(stage, pd.Series):
        raise ParameterError(
            f"stages must be the DataFrame lifecycle_stages returns, got {type(stages).__name__}."
        )
    values = stage.astype(object)
    shown = set(values.dropna().unique())
    if actions is None:
        locale = "en" if shown <= _all_codes() else "zh"
        best = None
        for name in ("texts5", "crmmine"):
            table = stage_actions(name, locale)
            codes = {translate(c, locale): c for c in table.index}
            if shown <= set(codes):
                best = table
                break
        if best is None:
            raise DataError(
                f"stages {sorted(map(str, shown))} match no preset's action table. Fix: pass "
                "actions= with one row per stage."
            )
        actions = best
    if not isinstance(actions, pd.DataFrame):
        raise ParameterError(f"actions must be a DataFrame indexed by stage, got {type(actions).__name__}.")
    lookup: dict[Any, Any] = {}
    for code in actions.index:
        lookup[code] = code
        lookup[translate(code, "zh")] = code
    missing = sorted({str(s) for s in shown if s not in lookup})
    if missing:
        raise DataError(
            f"stages {missing} have no row in the actions table (rows: {list(actions.index)}). "
            "Fix: add a row for each stage."
        )
    codes = values.map(lookup)
    joined = actions.reindex(codes.to_numpy())
    joined.index = stage.index
    return pd.concat([stage.rename("stage"), joined], axis=1)


def _all_codes() -> set[str]:
    return set(STAGES) | {s for m in LIFECYCLE_PRESETS.values() for s in m.values()}
