"""Lifecycle stages from each customer's own purchase cadence."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError

__all__ = ["STAGES", "lifecycle_stages"]

#: Stages in lifecycle order (the category order of the result).
STAGES = ("prospect", "new", "growing", "mature", "declining", "lost")


def lifecycle_stages(
    tx: pd.DataFrame,
    as_of=None,
    *,
    customers: pd.DataFrame | pd.Index | None = None,
    new_days: float = 90.0,
    lost_multiple: float = 3.0,
    window_days: float = 180.0,
    decline_ratio: float = 0.5,
    growth_ratio: float = 1.5,
    min_gap_days: float = 7.0,
    customer_id: str = "customer_id",
    date: str = "date",
) -> pd.DataFrame:
    """Lifecycle stage per customer: prospect, new, growing, mature, declining or lost.

    Purchases are counted as distinct purchase days before ``as_of``. For each customer:

    * ``typical_gap``: median days between her purchase days; for customers with a single
      purchase day, the median of everyone's typical gaps (at least ``min_gap_days``).
    * **prospect**: in ``customers`` but no purchase before ``as_of``.
    * **new**: first purchase within the last ``new_days`` (too early to judge a cadence).
    * **lost**: days since the last purchase above ``lost_multiple`` x typical gap.
    * **declining** / **growing**: purchase rate in the last ``window_days`` against the rate
      before the window (purchase days per day of tenure): below ``decline_ratio`` x the earlier
      rate is declining, above ``growth_ratio`` x is growing. Needs tenure before the window.
    * **mature**: the rest (steady buyers).

    The first rule that applies wins, in that order (prospect, new, lost, declining, growing,
    mature).

    Parameters
    ----------
    tx : pandas.DataFrame
        Transactions with customer id and date.
    as_of : date-like, optional
        Reference date (default: the day after the last transaction). Later rows are ignored
        and counted in ``attrs["ignored_after_as_of"]``.
    customers : DataFrame or Index, optional
        Known customers (index or ``customer_id`` column) so prospects are reported too.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer: ``stage`` (ordered categorical), ``purchase_days``, ``first_purchase``,
        ``last_purchase``, ``days_since_last``, ``typical_gap``, ``recent_rate``, ``earlier_rate``.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 1, 2, 3, 3],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01", "2020-12-20",
    ...                                            "2020-12-01", "2020-01-05", "2020-01-20"])})
    >>> lifecycle_stages(tx, as_of="2021-01-01", customers=pd.Index([1, 2, 3, 4]))["stage"].tolist()
    ['declining', 'new', 'lost', 'prospect']

    References
    ----------
    Dwyer, F. R., Schurr, P. H. and Oh, S. (1987). Developing buyer-seller relationships.
    *Journal of Marketing* 51(2), 11-27 (relationship lifecycle phases).
    """
    require_columns(tx.columns, [customer_id, date], role="transactions")
    for name, val in (("new_days", new_days), ("lost_multiple", lost_multiple), ("window_days", window_days)):
        if val <= 0:
            raise ParameterError(f"{name} must be positive, got {val}")
    days = pd.to_datetime(tx[date]).dt.normalize()
    as_of_ts = pd.Timestamp(as_of).normalize() if as_of is not None else days.max() + pd.Timedelta(days=1)
    keep = (days < as_of_ts).to_numpy()
    visits = pd.DataFrame(
        {"c": tx[customer_id].to_numpy()[keep], "d": days.to_numpy()[keep]}
    ).drop_duplicates()
    visits = visits.sort_values(["c", "d"], kind="stable")
    gap = visits.groupby("c")["d"].diff().dt.days
    g = visits.groupby("c")
    per = pd.DataFrame(
        {"purchase_days": g.size(), "first_purchase": g["d"].min(), "last_purchase": g["d"].max()}
    )
    per["typical_gap"] = gap.groupby(visits["c"]).median()
    fallback = max(
        float(per["typical_gap"].median()) if per["typical_gap"].notna().any() else min_gap_days, min_gap_days
    )
    per["typical_gap"] = per["typical_gap"].fillna(fallback).clip(lower=min_gap_days)
    per["days_since_last"] = (as_of_ts - per["last_purchase"]).dt.days
    tenure = (as_of_ts - per["first_purchase"]).dt.days
    window_start = as_of_ts - pd.Timedelta(days=window_days)
    recent = visits[visits["d"] >= window_start].groupby("c").size().reindex(per.index, fill_value=0)
    earlier_days = (window_start - per["first_purchase"]).dt.days
    per["recent_rate"] = recent / np.minimum(tenure, window_days).clip(lower=1)
    per["earlier_rate"] = ((per["purchase_days"] - recent) / earlier_days.where(earlier_days > 0)).astype(
        float
    )
    has_history = earlier_days > 0
    stage = np.select(
        [
            tenure <= new_days,
            per["days_since_last"] > lost_multiple * per["typical_gap"],
            has_history & (per["recent_rate"] < decline_ratio * per["earlier_rate"]),
            has_history & (per["recent_rate"] > growth_ratio * per["earlier_rate"]),
        ],
        ["new", "lost", "declining", "growing"],
        default="mature",
    )
    per["stage"] = stage
    if customers is not None:
        known = (
            customers
            if isinstance(customers, pd.Index)
            else (pd.Index(customers[customer_id]) if customer_id in customers.columns else customers.index)
        )
        prospects = known.difference(per.index)
        if len(prospects):
            extra = pd.DataFrame(index=prospects)
            extra["stage"] = "prospect"
            extra["purchase_days"] = 0
            per = pd.concat([per, extra])
    per.index.name = customer_id
    per["stage"] = pd.Categorical(per["stage"], categories=list(STAGES), ordered=True)
    per = per[
        [
            "stage",
            "purchase_days",
            "first_purchase",
            "last_purchase",
            "days_since_last",
            "typical_gap",
            "recent_rate",
            "earlier_rate",
        ]
    ]
    per.attrs["ignored_after_as_of"] = int((~keep).sum())
    per.attrs["as_of"] = as_of_ts
    return per
