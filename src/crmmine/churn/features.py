"""Churn features computed only from the data on or before the reference date ``as_of``."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._backend import from_pandas_like
from crmmine._params import Options, check_params, validate_params
from crmmine._units import horizon_in_units
from crmmine.churn.labels import (
    _labels,
    as_of_day,
    day_text,
    engine_transactions,
    finish_engine,
    read_transactions,
)
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["churn_features", "rolling_snapshots"]


@validate_params(
    {
        "as_of": ["date"],
        "windows": ["array-like"],
        "returns": [Options({"raise", "net"})],
        "columns": [Mapping, Columns, None],
    }
)
def churn_features(
    tx: Any,
    as_of: Any,
    *,
    windows: tuple[int, ...] = (30, 90, 180),
    btyd_model: Any = None,
    returns: str = "raise",
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    item: str | None = None,
) -> Any:
    """Behavioural features per customer from the transactions on or before ``as_of``.

    Rows after ``as_of`` are dropped first, so no feature can read the future (the test
    suite checks that changing those rows changes nothing). Purchases are rows with a
    positive amount grouped by order (or by day when there is no order column); negative
    amounts are returns. Durations are in days, measured from ``as_of`` (a purchase on
    ``as_of`` has recency 0).

    Features: ``recency_days``, ``tenure_days``, ``orders``, ``monetary``, ``mean_order_value``,
    ``gap_mean``, ``gap_std``, ``gap_ratio`` (days since last purchase / mean gap),
    ``orders_{w}d`` and ``spend_{w}d`` for each window (the ``w`` days ending on ``as_of``),
    ``order_trend`` and ``spend_trend`` (last 90 days vs the 90 before, as
    ``(recent + 1) / (earlier + 1)``), ``distinct_items`` (when an item column exists),
    ``returns_share`` (returned amount / bought amount) and, with a fitted BTYD model
    (``p_alive``, ``expected_purchases`` and ``time_unit_``), ``p_alive`` and
    ``expected_purchases_90d``.

    Parameters
    ----------
    tx : pandas, polars, pyarrow, DuckDB or Spark table
        Transactions with datetime dates.
    as_of : date
        The last day of the history.
    windows : sequence of int, default (30, 90, 180)
        Lengths in days of the recent windows.
    btyd_model : fitted BTYD model, optional
        Adds ``p_alive`` and ``expected_purchases_90d``, predicted on the customer summary of
        the history (:func:`crmmine.customer_summary` in the model's ``time_unit_``).
    returns : {"raise", "net"}, default "raise"
        How that summary reads negative amounts, as in :func:`crmmine.customer_summary`:
        ``"raise"`` refuses a log with returns when ``btyd_model`` is given (naming the rows),
        ``"net"`` nets them against the purchases. The other features always read negative
        amounts as returns (``returns_share``).
    columns, customer_id, order_id, date, amount, item : optional
        Column names (``columns={"customer_id": "CustomerID"}`` or one keyword per role).

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase on or before ``as_of``, indexed by customer
        id (another kind of table in gives the same kind out, the id as first column;
        polars, DuckDB and Spark compute it inside the engine: orders by aggregation, gaps
        by a window over each customer, lazily where the engine is lazy; with
        ``btyd_model`` the predictions are made once per distinct summary row and joined
        back there).

    See Also
    --------
    churn_labels : the 0/1 churn target at the same ``as_of``.
    rolling_snapshots : features and labels at several reference dates, stacked.
    ChurnModel : the classifier these features feed.
    crmmine.customer_summary : the RFM and BTYD summary of a log.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2], "order_id": [1, 2, 3, 4],
    ...                    "amount": [10.0, 20.0, 99.0, 5.0],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-11", "2020-03-05", "2020-02-01"])})
    >>> f = churn_features(tx, as_of="2020-02-29")
    >>> f.loc[1, ["orders", "monetary", "recency_days", "gap_mean"]].tolist()
    [2.0, 30.0, 49.0, 10.0]

    References
    ----------
    Buckinx, W. and Van den Poel, D. (2005). *European Journal of Operational Research* 164(1).
    Verbeke, W. et al. (2012). New insights into churn prediction in the telecommunication sector:
    a profit driven data mining approach. *European Journal of Operational Research* 218(1), 211-229.
    """
    cols = resolve_columns(
        columns, customer_id=customer_id, order_id=order_id, date=date, amount=amount, item=item
    )
    if _backend.is_engine(tx):
        return _features_engine(tx, cols, as_of, _windows(windows), btyd_model, returns)
    frame = read_transactions(
        tx, cols, [cols.customer_id, cols.date, cols.amount], [cols.order_id, cols.item]
    )
    out = _features(frame, cols, as_of, _windows(windows), btyd_model, returns)
    return out if isinstance(tx, pd.DataFrame) else from_pandas_like(out, tx)


def _windows(windows: Any) -> tuple[int, ...]:
    values = tuple(windows)
    if not values or not all(isinstance(w, Integral) and not isinstance(w, bool) and w > 0 for w in values):
        raise ParameterError(
            f"windows must be positive whole numbers of days such as (30, 90, 180), got {windows!r}."
        )
    return tuple(int(w) for w in values)


def _features(
    tx: pd.DataFrame, cols: Columns, as_of: Any, windows: tuple[int, ...], btyd_model: Any,
    returns: str = "raise",
) -> pd.DataFrame:
    customer_id, order_id, date, amount, item = (
        cols.customer_id,
        cols.order_id,
        cols.date,
        cols.amount,
        cols.item,
    )
    day = as_of_day(as_of)
    dates = tx[date].dt.normalize()
    before = tx.loc[(dates <= day).to_numpy()]
    if len(before) == 0:
        raise DataError(
            f"no transaction on or before as_of {day:%Y-%m-%d} (the log starts on {dates.min():%Y-%m-%d}). "
            "Fix: choose a later as_of."
        )
    d = pd.to_datetime(before[date]).dt.normalize()
    amt = before[amount].to_numpy(dtype="float64")
    buy = amt > 0
    key = before[order_id] if order_id in before.columns else d
    orders = pd.DataFrame(
        {
            "c": before[customer_id].to_numpy()[buy],
            "o": np.asarray(key)[buy],
            "d": d.to_numpy()[buy],
            "a": amt[buy],
        }
    )
    orders = orders.groupby(["c", "o"], sort=False).agg(d=("d", "min"), a=("a", "sum")).reset_index()
    orders = orders.sort_values(["c", "d"], kind="stable")
    g = orders.groupby("c")
    out = pd.DataFrame(
        {
            "orders": g.size().astype(float),
            "monetary": g["a"].sum(),
            "first": g["d"].min(),
            "last": g["d"].max(),
        }
    )
    out["recency_days"] = (day - out["last"]).dt.days.astype(float)
    out["tenure_days"] = (day - out["first"]).dt.days.astype(float)
    out["mean_order_value"] = out["monetary"] / out["orders"]
    gaps = g["d"].diff().dt.days
    gstats = gaps.groupby(orders["c"]).agg(["mean", "std"])
    out["gap_mean"] = gstats["mean"]
    out["gap_std"] = gstats["std"]
    # undefined (missing) for one-time buyers and for customers whose orders all fall on one day
    out["gap_ratio"] = out["recency_days"] / out["gap_mean"].where(out["gap_mean"] > 0)
    age = (day - orders["d"]).dt.days.to_numpy()  # 0 for a purchase on as_of
    for w in windows:
        inside = age < w
        out[f"orders_{w}d"] = pd.Series(inside, index=orders.index).groupby(orders["c"]).sum().astype(float)
        out[f"spend_{w}d"] = (
            pd.Series(np.where(inside, orders["a"], 0.0), index=orders.index).groupby(orders["c"]).sum()
        )
    recent = pd.Series(age < 90, index=orders.index).groupby(orders["c"]).sum()
    earlier = pd.Series((age >= 90) & (age < 180), index=orders.index).groupby(orders["c"]).sum()
    out["order_trend"] = (recent + 1.0) / (earlier + 1.0)
    spend_recent = (
        pd.Series(np.where(age < 90, orders["a"], 0.0), index=orders.index).groupby(orders["c"]).sum()
    )
    spend_earlier = (
        pd.Series(np.where((age >= 90) & (age < 180), orders["a"], 0.0), index=orders.index)
        .groupby(orders["c"])
        .sum()
    )
    out["spend_trend"] = (spend_recent + 1.0) / (spend_earlier + 1.0)
    if item in before.columns:
        out["distinct_items"] = (
            before.loc[buy].groupby(customer_id)[item].nunique().reindex(out.index).astype(float)
        )
    returned = (
        pd.Series(np.where(amt < 0, -amt, 0.0), index=before.index)
        .groupby(before[customer_id].to_numpy())
        .sum()
    )
    out["returns_share"] = (returned.reindex(out.index).fillna(0.0) / out["monetary"]).astype(float)
    out = out.drop(columns=["first", "last"])
    if btyd_model is not None:
        if returns == "raise" and (amt < 0).any():
            _refuse_returns(before.loc[amt < 0], int((amt < 0).sum()), cols)
        out = out.join(_btyd_features(before, cols, day, btyd_model, out.index, returns))
    out.index.name = customer_id
    out.attrs["as_of"] = day
    return out


def _refuse_returns(examples: pd.DataFrame, count: int, cols: Columns) -> None:
    raise bad_rows_error(
        cols.amount,
        "negative amounts (returns or corrections) in the history, which the customer summary "
        "behind the BTYD features (btyd_model) would have to count",
        examples,
        count,
        "pass churn_features(..., returns='net') to net them against the purchases, or remove "
        "them first with clean_transactions(raw, returns='drop')",
    )


def _features_engine(
    tx: Any, cols: Columns, as_of: Any, windows: tuple[int, ...], btyd_model: Any, returns: str = "raise"
) -> Any:
    """:func:`churn_features` inside the engine (the same features, on calendar-day numbers)."""
    data = engine_transactions(tx, cols, [cols.customer_id, cols.date, cols.amount],
                               [cols.order_id, cols.item])
    cid = cols.customer_id
    day_ts = as_of_day(as_of)
    day = int((day_ts - pd.Timestamp("1970-01-01")).days)
    d = nw.col("_d")
    stats = _backend.collect_one(data.lf.select(first=d.min(), n=(d <= day).cast(nw.Int64).sum()))
    if not int(stats["n"] or 0):
        raise DataError(
            f"no transaction on or before as_of {day_ts:%Y-%m-%d} (the log starts on "
            f"{day_text(stats['first'])}). Fix: choose a later as_of."
        )
    before = data.lf.filter(d <= day).with_columns(nw.col(cols.amount).cast(nw.Float64).alias("_a"))
    key = cols.order_id if cols.order_id in data.columns else "_d"
    orders = (
        before.filter(nw.col("_a") > 0)
        .group_by(cid, key)
        .agg(d.min().alias("_od"), nw.col("_a").sum().alias("_oa"))
        .with_columns((day - nw.col("_od")).alias("_age"))
    )
    gap = (nw.col("_od") - nw.col("_od").shift(1).over(cid, order_by="_od")).cast(nw.Float64)
    orders = orders.with_columns(gap.alias("_gap"))
    age, amount = nw.col("_age"), nw.col("_oa")

    def count(cond: nw.Expr) -> nw.Expr:
        return cond.cast(nw.Float64).sum()

    def spend(cond: nw.Expr) -> nw.Expr:
        return nw.when(cond).then(amount).otherwise(nw.lit(0.0)).sum()

    windowed = []
    for w in windows:
        windowed += [count(age < w).alias(f"orders_{w}d"), spend(age < w).alias(f"spend_{w}d")]
    earlier = (age >= 90) & (age < 180)
    per = orders.group_by(cid).agg(
        nw.len().cast(nw.Float64).alias("orders"),
        amount.sum().alias("monetary"),
        nw.col("_od").min().alias("_first"),
        nw.col("_od").max().alias("_last"),
        nw.col("_gap").mean().alias("gap_mean"),
        nw.col("_gap").std(ddof=1).alias("gap_std"),
        *windowed,
        count(age < 90).alias("_recent"),
        count(earlier).alias("_earlier"),
        spend(age < 90).alias("_spend_recent"),
        spend(earlier).alias("_spend_earlier"),
    )
    recency = (day - nw.col("_last")).cast(nw.Float64)
    per = per.with_columns(
        recency.alias("recency_days"),
        (day - nw.col("_first")).cast(nw.Float64).alias("tenure_days"),
        (nw.col("monetary") / nw.col("orders")).alias("mean_order_value"),
        nw.when(nw.col("gap_mean") > 0).then(recency / nw.col("gap_mean")).alias("gap_ratio"),
        ((nw.col("_recent") + 1.0) / (nw.col("_earlier") + 1.0)).alias("order_trend"),
        ((nw.col("_spend_recent") + 1.0) / (nw.col("_spend_earlier") + 1.0)).alias("spend_trend"),
    )
    names = ["orders", "monetary", "recency_days", "tenure_days", "mean_order_value", "gap_mean",
             "gap_std", "gap_ratio", *[f"{k}_{w}d" for w in windows for k in ("orders", "spend")],
             "order_trend", "spend_trend"]
    if cols.item in data.columns:
        items = (before.filter((nw.col("_a") > 0) & ~nw.col(cols.item).is_null())
                 .group_by(cid).agg(nw.col(cols.item).n_unique().cast(nw.Float64).alias("distinct_items")))
        per = per.join(items, on=cid, how="left").with_columns(nw.col("distinct_items").fill_null(0.0))
        names.append("distinct_items")
    returned = before.group_by(cid).agg(
        nw.when(nw.col("_a") < 0).then(-nw.col("_a")).otherwise(nw.lit(0.0)).sum().alias("_returned"))
    per = per.join(returned, on=cid, how="left").with_columns(
        (nw.col("_returned").fill_null(0.0) / nw.col("monetary")).alias("returns_share"))
    names.append("returns_share")
    out = per.select(cid, *[nw.col(c).cast(nw.Float64) for c in names])
    if btyd_model is not None:
        if returns == "raise":
            negative = nw.col("_a") < 0
            n_negative = int(_backend.collect_one(before.select(n=negative.cast(nw.Int64).sum()))["n"] or 0)
            if n_negative:
                shown = [c for c in (cid, cols.date, cols.amount) if c in data.columns]
                _refuse_returns(_backend.collect_pandas(before.filter(negative).select(shown).head(5)),
                                n_negative, cols)
        out = out.join(_btyd_engine(before, cols, day_ts, btyd_model, returns), on=cid, how="left")
    return finish_engine(out, data.kind, cid)


def _btyd_engine(
    before: nw.LazyFrame, cols: Columns, day: pd.Timestamp, model: Any, returns: str
) -> nw.LazyFrame:
    """:func:`_btyd_features` on an engine table: the summary and the predictions stay there."""
    from crmmine.data import customer_summary

    unit = _btyd_unit(model)
    has_order = cols.order_id in before.collect_schema().names()
    summary = customer_summary(
        before.select(*[c for c in (cols.customer_id, cols.order_id, cols.date, cols.amount)
                        if c != cols.order_id or has_order]).to_native(),
        as_of=day, time_unit=unit, customer_id=cols.customer_id,
        order_id=cols.order_id if has_order else None, date=cols.date, amount=cols.amount,
        returns=returns,
    )
    alive = _backend.to_lazy(model.p_alive(summary))
    expected = _backend.to_lazy(model.expected_purchases(summary, horizon_in_units("90D", unit)))
    return alive.join(expected, on=cols.customer_id, how="inner").select(
        cols.customer_id, "p_alive", nw.col("expected_purchases").alias("expected_purchases_90d"))


def _btyd_unit(model: Any) -> Any:
    for method in ("p_alive", "expected_purchases"):
        if not callable(getattr(model, method, None)):
            raise ParameterError(
                f"btyd_model must be a fitted BTYD model with p_alive() and expected_purchases(); "
                f"{type(model).__name__} has no {method}()."
            )
    unit = getattr(model, "time_unit_", None)
    if unit is None:
        raise ParameterError(
            f"the time unit of btyd_model ({type(model).__name__}) is unknown, so 90 days cannot be "
            "converted. Fix: fit it on a customer_summary (which records its time unit) or pass "
            "time_unit= when fitting."
        )
    return unit


def _btyd_features(
    before: pd.DataFrame, cols: Columns, day: pd.Timestamp, model: Any, ids: pd.Index, returns: str
) -> pd.DataFrame:
    """P(alive) and expected purchases in the next 90 days from a fitted BTYD model."""
    from crmmine.data import customer_summary

    unit = _btyd_unit(model)
    summary = customer_summary(
        before,
        as_of=day,
        time_unit=unit,
        customer_id=cols.customer_id,
        order_id=cols.order_id if cols.order_id in before.columns else None,
        date=cols.date,
        amount=cols.amount,
        returns=returns,
    ).reindex(ids)
    return pd.DataFrame(
        {
            "p_alive": model.p_alive(summary).to_numpy(),
            "expected_purchases_90d": model.expected_purchases(
                summary, horizon_in_units("90D", unit)
            ).to_numpy(),
        },
        index=ids,
    )


@validate_params({"horizon": ["duration"], "as_of": ["date", "array-like"]})
def rolling_snapshots(
    tx: Any,
    as_of: Any,
    horizon: str | float = "90D",
    *,
    time_unit: str | float = "D",
    allow_incomplete: bool = False,
    **kwargs: Any,
) -> pd.DataFrame:
    """Features and labels at several reference dates, stacked (to train on past snapshots).

    Each snapshot uses only the data on or before its ``as_of`` for the features
    (:func:`churn_features`) and the following ``horizon`` for the labels
    (:func:`churn_labels`).

    Parameters
    ----------
    tx : pandas, polars, pyarrow, DuckDB or Spark table
        Transactions with datetime dates (the needed columns are collected as pandas).
    as_of : date or sequence of dates
        The reference dates, one snapshot each (a single date gives one snapshot). Every
        ``as_of + horizon`` must be covered by the log unless ``allow_incomplete=True``.
    horizon : number or str, default "90D"
        Length of each label window after its ``as_of``, as in :func:`churn_labels`.
    time_unit : str or float, default "D"
        Unit of a numeric ``horizon``.
    allow_incomplete : bool, default False
        Label a snapshot whose window runs past the end of the log (otherwise a
        :class:`~crmmine.errors.DataError`).
    **kwargs
        Passed to :func:`churn_features` (``windows``, ``btyd_model``, ``returns``, ``columns``
        and the role keywords; the roles are used for the labels too). Any other keyword
        raises a :class:`~crmmine.errors.ParameterError`.

    Returns
    -------
    pandas.DataFrame
        The features, an ``as_of`` column and the ``churn`` label (int, 1 = churned), one
        row per customer known at each ``as_of``; indexed by (``as_of``, customer id), so a
        customer appears once per snapshot. Always pandas.

    See Also
    --------
    churn_features : the features at one reference date.
    churn_labels : the labels at one reference date.
    ChurnModel : train on past snapshots, score the latest one.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> snaps = rolling_snapshots(tx, ["2011-05-31", "2011-07-31"], "90D")
    >>> sorted(snaps["as_of"].astype(str).unique())
    ['2011-05-31', '2011-07-31']
    >>> snaps.index.names[0], snaps.groupby(level=0)["recency_days"].min().tolist()
    ('as_of', [0.0, 0.0])
    """
    dates = [as_of] if isinstance(as_of, str | pd.Timestamp) or not hasattr(as_of, "__len__") else list(as_of)
    roles = {k: kwargs[k] for k in ("customer_id", "order_id", "date", "amount", "item") if k in kwargs}
    cols = resolve_columns(kwargs.get("columns"), **roles)
    frame = read_transactions(
        tx, cols, [cols.customer_id, cols.date, cols.amount], [cols.order_id, cols.item]
    )
    windows = _windows(kwargs.get("windows", (30, 90, 180)))
    unknown = set(kwargs) - {"windows", "btyd_model", "returns", "columns", *roles}
    if unknown:
        raise ParameterError(f"rolling_snapshots() got unexpected keyword(s) {sorted(unknown)}.")
    returns = kwargs.get("returns", "raise")
    check_params({"returns": returns}, {"returns": [Options({"raise", "net"})]}, caller="rolling_snapshots()")
    parts = []
    for day in dates:  # a handful of snapshot dates
        feats = _features(frame, cols, day, windows, kwargs.get("btyd_model"), returns)
        labels = _labels(frame, cols, day, horizon, time_unit, allow_incomplete)
        part = feats.join(labels, how="inner")
        part.insert(0, "as_of", pd.Timestamp(day).normalize())
        parts.append(part.set_index("as_of", append=True).swaplevel())
    out = pd.concat(parts)
    out["as_of"] = out.index.get_level_values(0)
    out.attrs = {}
    return out
