"""Customer profiles: counts, revenue and shares by any attribute."""

from __future__ import annotations

import pandas as pd

import crmmine._backend as _backend
from crmmine._align import align_to
from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError
from crmmine.segmentation.rfm import numeric_column, summary_frame

__all__ = ["customer_profile"]


def customer_profile(
    summary: pd.DataFrame,
    by: str | list[str] | pd.Series,
    *,
    value: str = "monetary",
    orders: str | None = "orders",
) -> pd.DataFrame:
    """Customer statistics by attribute: how many customers, how much revenue, what share of each.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer (a customer summary, possibly joined with attributes such as region,
        industry, acquisition source or a value tier).
    by : str, list of str or pandas.Series
        Column(s) of ``summary`` or a Series indexed by customer id (e.g. the output of
        ``rfm_segments``), matched on the index, never by position: ids of the Series that are
        not in ``summary``, or repeated, raise. Missing attribute values (and customers of
        ``summary`` the Series leaves out) form their own group ("(missing)") so every customer
        is counted.
    value : str, default "monetary"
        The column summed as ``revenue`` (total spend by default; profit or CLV work too).
        Missing or non-numeric values raise and name the customers.
    orders : str or None, default "orders"
        The column of purchases per customer, for ``orders_per_customer``; None leaves it out.

    Returns
    -------
    pandas.DataFrame
        Per group: ``customers``, ``share_of_customers``, ``revenue``, ``share_of_revenue``,
        ``revenue_per_customer`` and, with ``orders``, ``orders_per_customer``; sorted by revenue,
        with a ``Total`` row. Indexed by the group (a MultiIndex for several columns).

    See Also
    --------
    tier_summary : the same counts per tier of :func:`abc_tiers` or :func:`count_tiers`.
    plot_segments : customers and revenue shares per segment as a chart.
    rfm_segments : segments to profile (pass them as ``by``).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"monetary": [100.0, 50, 25, 25], "orders": [4, 2, 1, 1],
    ...                   "region": ["north", "south", "north", None]})
    >>> customer_profile(s, "region")[["customers", "share_of_revenue"]].round(3).to_dict("index")["north"]
    {'customers': 2, 'share_of_revenue': 0.625}
    >>> customer_profile(s, "region").index.tolist()
    ['north', 'south', '(missing)', 'Total']
    """
    if _backend.is_engine(summary):
        raise ParameterError(
            f"customer_profile takes a pandas DataFrame indexed by customer id, got "
            f"{type(summary).__name__}. Fix: pass summary.to_pandas().set_index('<customer id column>') "
            "(the profile is a small table; collect the columns it needs first)."
        )
    summary = summary_frame(summary)
    needed = [value] + ([orders] if orders else [])
    keywords = {value: "value", **({orders: "orders"} if orders else {})}
    require_columns(summary.columns, needed, role="customer summary", parameters=keywords)
    fix = "fill or drop those customers first (a missing value would count as 0)."
    summary = summary.assign(**{c: numeric_column(summary, c, fix=fix) for c in needed})
    if isinstance(by, pd.Series):
        matched = align_to(by, summary.index, name="by", target="the summary", allow_subset=True)
        keys = [matched.astype(object).fillna("(missing)").rename(by.name or "group")]
    else:
        cols = [by] if isinstance(by, str) else list(by)
        require_columns(summary.columns, cols, role="customer summary", parameters=dict.fromkeys(cols, "by"))
        keys = [summary[c].astype(object).fillna("(missing)") for c in cols]
    agg = {"customers": (value, "size"), "revenue": (value, "sum")}
    if orders:
        agg["orders"] = (orders, "sum")
    out = summary.groupby(keys, observed=True).agg(**agg)
    total = out.sum()
    out = out.sort_values("revenue", ascending=False)
    out.loc[("Total",) * out.index.nlevels if out.index.nlevels > 1 else "Total"] = total
    out["share_of_customers"] = out["customers"] / total["customers"]
    out["share_of_revenue"] = out["revenue"] / total["revenue"]
    out["revenue_per_customer"] = out["revenue"] / out["customers"]
    if orders:
        out["orders_per_customer"] = out["orders"] / out["customers"]
        out = out.drop(columns="orders")
    out["customers"] = out["customers"].astype("int64")
    return out[
        [
            c
            for c in (
                "customers",
                "share_of_customers",
                "revenue",
                "share_of_revenue",
                "revenue_per_customer",
                "orders_per_customer",
            )
            if c in out.columns
        ]
    ]
