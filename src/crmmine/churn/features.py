"""Churn features computed strictly from data before the cutoff."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine.churn.labels import _window, churn_labels
from crmmine.data.columns import require_columns

__all__ = ["churn_features", "rolling_snapshots"]


def churn_features(
    tx: pd.DataFrame,
    cutoff,
    *,
    windows: tuple[int, ...] = (30, 90, 180),
    btyd_model: Any = None,
    customer_id: str = "customer_id",
    order_id: str = "order_id",
    date: str = "date",
    amount: str = "amount",
    item: str = "item",
) -> pd.DataFrame:
    """Behavioural features per customer from transactions strictly before ``cutoff``.

    Rows at or after the cutoff are dropped first, so no feature can read the future (the
    test suite checks that changing those rows changes nothing). Purchases are rows with a
    positive amount grouped by order (or by day when there is no order column); negative
    amounts are returns.

    Features: ``recency_days``, ``tenure_days``, ``orders``, ``monetary``, ``mean_order_value``,
    ``gap_mean``, ``gap_std``, ``gap_ratio`` (days since last purchase / mean gap),
    ``orders_{w}d`` and ``spend_{w}d`` for each window, ``order_trend`` and ``spend_trend``
    (last 90 days vs the 90 before, as ``(recent + 1) / (earlier + 1)``), ``distinct_items``
    (when an item column exists), ``returns_share`` (returned amount / bought amount) and, with
    a fitted BTYD model (``p_alive`` and ``expected_purchases``), ``p_alive`` and
    ``expected_purchases_90d``.

    Returns
    -------
    pandas.DataFrame
        One row per customer with a purchase before the cutoff, indexed by customer id.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2], "order_id": [1, 2, 3, 4],
    ...                    "amount": [10.0, 20.0, 99.0, 5.0],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-11", "2020-03-05", "2020-02-01"])})
    >>> f = churn_features(tx, "2020-03-01")
    >>> f.loc[1, ["orders", "monetary", "recency_days", "gap_mean"]].tolist()
    [2.0, 30.0, 50.0, 10.0]

    References
    ----------
    Buckinx, W. and Van den Poel, D. (2005). *European Journal of Operational Research* 164(1).
    Verbeke, W. et al. (2012). New insights into churn prediction in the telecommunication sector:
    a profit driven data mining approach. *European Journal of Operational Research* 218(1), 211-229.
    """
    require_columns(tx.columns, [customer_id, date, amount], role="transactions")
    cut = pd.Timestamp(cutoff)
    dates = pd.to_datetime(tx[date])
    before = tx.loc[(dates < cut).to_numpy()]
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
    out["recency_days"] = (cut - out["last"]).dt.days.astype(float)
    out["tenure_days"] = (cut - out["first"]).dt.days.astype(float)
    out["mean_order_value"] = out["monetary"] / out["orders"]
    gaps = g["d"].diff().dt.days
    gstats = gaps.groupby(orders["c"]).agg(["mean", "std"])
    out["gap_mean"] = gstats["mean"]
    out["gap_std"] = gstats["std"]
    # undefined (missing) for one-time buyers and for customers whose orders all fall on one day
    out["gap_ratio"] = out["recency_days"] / out["gap_mean"].where(out["gap_mean"] > 0)
    age = (cut - orders["d"]).dt.days.to_numpy()
    for w in windows:
        inside = age <= w
        out[f"orders_{w}d"] = pd.Series(inside, index=orders.index).groupby(orders["c"]).sum().astype(float)
        out[f"spend_{w}d"] = (
            pd.Series(np.where(inside, orders["a"], 0.0), index=orders.index).groupby(orders["c"]).sum()
        )
    recent = pd.Series(age <= 90, index=orders.index).groupby(orders["c"]).sum()
    earlier = pd.Series((age > 90) & (age <= 180), index=orders.index).groupby(orders["c"]).sum()
    out["order_trend"] = (recent + 1.0) / (earlier + 1.0)
    spend_recent = (
        pd.Series(np.where(age <= 90, orders["a"], 0.0), index=orders.index).groupby(orders["c"]).sum()
    )
    spend_earlier = (
        pd.Series(np.where((age > 90) & (age <= 180), orders["a"], 0.0), index=orders.index)
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
        from crmmine.data import customer_summary

        unit = getattr(btyd_model, "time_unit_", None) or "W"
        summary = customer_summary(
            before,
            as_of=cut,
            time_unit=unit,
            customer_id=customer_id,
            order_id=order_id,
            date=date,
            amount=amount,
        ).reindex(out.index)
        from crmmine.data.columns import time_unit_days

        out["p_alive"] = btyd_model.p_alive(summary).to_numpy()
        out["expected_purchases_90d"] = btyd_model.expected_purchases(
            summary, 90.0 / time_unit_days(unit)
        ).to_numpy()
    out.index.name = customer_id
    out.attrs["cutoff"] = cut
    return out


def rolling_snapshots(
    tx: pd.DataFrame, cutoffs, horizon: str | pd.Timedelta | int = "90D", **kwargs: Any
) -> pd.DataFrame:
    """Features and labels at several cutoffs, stacked (for training on past snapshots).

    Each snapshot uses only data before its cutoff for features and the following ``horizon``
    for labels. The result has a ``cutoff`` column and a ``churn`` column; its index is
    (cutoff, customer id).

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> snaps = rolling_snapshots(tx, ["2011-06-01", "2011-08-01"], "90D")
    >>> sorted(snaps["cutoff"].astype(str).unique())
    ['2011-06-01', '2011-08-01']
    """
    parts = []
    label_keys = {k: kwargs[k] for k in ("customer_id", "date", "amount") if k in kwargs}
    for cutoff in cutoffs:  # a handful of snapshot dates
        _window(horizon)
        feats = churn_features(tx, cutoff, **kwargs)
        labels = churn_labels(tx, cutoff, horizon, **label_keys)
        part = feats.join(labels, how="inner")
        part.insert(0, "cutoff", pd.Timestamp(cutoff))
        parts.append(part.set_index("cutoff", append=True).swaplevel())
    out = pd.concat(parts)
    out["cutoff"] = out.index.get_level_values(0)
    return out
