"""Per-transaction anomalies against the customer's own history and against everyone."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._backend import to_pandas
from crmmine._params import Interval, check_params
from crmmine.anomaly.detectors import reasons, robust_z, select
from crmmine.data.columns import Columns, require_columns, resolve_columns

__all__ = ["CUSTOMER_DIRECTIONS", "customer_anomalies", "transaction_anomalies"]

_LABELS = {
    "quantity": "order quantity",
    "amount": "order amount",
    "amount_vs_own": "amount vs own median order",
    "quantity_vs_own": "quantity vs own median order",
    "lines": "order lines",
}


def transaction_anomalies(
    tx,
    *,
    cancellations: pd.DataFrame | None = None,
    share: float | None = 0.001,
    top_n: int | None = None,
    min_history: int = 3,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
) -> pd.DataFrame:
    """Score every order for unusual size, against everyone and against the customer's own orders.

    Orders (rows grouped by ``order_id``) get five features: total quantity and amount (how many
    robust deviations above the median order of all customers, on the original scale, so an order
    hundreds of times the usual size stands out as such), the log of the same two relative to the
    customer's own median order (when she has at least ``min_history`` orders; otherwise no
    evidence, 0), and the log number of lines. The score is the largest *upper* robust z-score
    (unusually large, as card-fraud and line-misuse checks look for; small orders are not
    suspicious). Reasons name the features and ratios.

    Cancellations: pass the cancelled rows (e.g. Online Retail's 'C' invoices, positive or negative
    quantities) as ``cancellations``; an order whose customer cancelled at least half of its
    quantity on the same day gets ``cancelled_same_day = True`` and the reason says so. The
    purchase rows are what is scored, so such orders stay visible.

    Parameters
    ----------
    tx : table
        Clean transactions (one row per order line); pandas, polars, DuckDB or Spark (collected).
    cancellations : pandas.DataFrame, optional
        Cancelled rows with the same column roles (customer, date, quantity).
    share : float or None, default 0.001
        Share of orders to flag (rounded up) when ``top_n`` is not given.
    top_n : int, optional
        Number of orders to flag; takes precedence over ``share``.
    min_history : int, default 3
        Orders a customer needs before her own history counts.
    columns : mapping or Columns, optional
        ``{role: column}`` for the transaction roles (``docs/conventions.md``).
    customer_id, order_id, date, amount, quantity : str, optional
        Column names by role, overriding ``columns``.

    Returns
    -------
    pandas.DataFrame
        One row per order (indexed by order id), sorted by ``rank``: ``customer_id``, ``date``
        (first line), ``quantity``, ``amount``, ``lines``, ``score``, ``rank``, ``flag``,
        ``cancelled_same_day``, ``reasons`` (for flagged orders) and the features
        ``log_quantity_vs_own``, ``log_amount_vs_own``, ``log_lines``.

    See Also
    --------
    customer_anomalies : unusual customers rather than orders.
    outlier_scores : general outlier scores of a feature table.
    reasons : the reason texts.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 2, 3], "order_id": [1, 2, 3, 4, 5, 6, 7],
    ...                    "date": pd.to_datetime(["2020-01-0%d" % d for d in range(1, 8)]),
    ...                    "amount": [10.0, 12, 11, 9, 10, 900, 11], "quantity": [1, 1, 1, 1, 1, 80, 1]})
    >>> out = transaction_anomalies(tx, top_n=1)
    >>> int(out.index[0]), bool(out["flag"].iloc[0])
    (6, True)

    References
    ----------
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical
    Science* 17(3), 235-255 (behavioural outliers against the account's own history).
    """
    check_params(
        {"share": share, "top_n": top_n, "min_history": min_history},
        {
            "share": [Interval(Real, 0, 1, closed="right"), None],
            "top_n": [Interval(Integral, 0, None), None],
            "min_history": [Interval(Integral, 1, None)],
        },
        caller="transaction_anomalies()",
    )
    cols = resolve_columns(
        columns, customer_id=customer_id, order_id=order_id, date=date, amount=amount, quantity=quantity
    )
    customer_id, order_id, date, amount, quantity = (
        cols.customer_id,
        cols.order_id,
        cols.date,
        cols.amount,
        cols.quantity,
    )
    tx = to_pandas(tx, what="transactions")
    require_columns(tx.columns, [customer_id, order_id, date, amount, quantity], role="transactions")
    orders = tx.groupby(order_id, sort=False).agg(
        customer_id=(customer_id, "first"),
        date=(date, "min"),
        quantity=(quantity, "sum"),
        amount=(amount, "sum"),
        lines=(amount, "size"),
    )
    log_q = np.log1p(orders["quantity"].clip(lower=0))
    log_a = np.log1p(orders["amount"].clip(lower=0))
    by_customer = orders.groupby("customer_id")
    n_orders = by_customer["amount"].transform("size")
    enough = n_orders >= min_history
    own_q = log_q - log_q.groupby(orders["customer_id"]).transform("median")
    own_a = log_a - log_a.groupby(orders["customer_id"]).transform("median")
    feats = pd.DataFrame(
        {
            "quantity": orders["quantity"].astype(float),
            "amount": orders["amount"].astype(float),
            "quantity_vs_own": own_q.where(enough, 0.0),
            "amount_vs_own": own_a.where(enough, 0.0),
            "lines": np.log1p(orders["lines"]),
        },
        index=orders.index,
    )
    z = robust_z(feats)
    # history features only count for customers with enough orders; zero-evidence rows have z 0
    score = z.clip(lower=0).max(axis=1)
    out = orders.copy()
    out["score"] = score
    out["rank"] = score.rank(ascending=False, method="first").astype(np.int64)
    out["flag"] = select(score, share=share, top_n=top_n)
    out["cancelled_same_day"] = False
    if cancellations is not None:
        require_columns(cancellations.columns, [customer_id, date, quantity], role="cancellations")
        day = pd.to_datetime(cancellations[date]).dt.normalize()
        cancelled = cancellations[quantity].abs().groupby([cancellations[customer_id], day]).sum()
        key = pd.MultiIndex.from_arrays([out["customer_id"], pd.to_datetime(out["date"]).dt.normalize()])
        matched = cancelled.reindex(key).to_numpy()
        out["cancelled_same_day"] = np.nan_to_num(matched) >= 0.5 * out["quantity"].to_numpy()
    # reasons on the original scale: ratios of quantity and amount to medians
    scale = pd.DataFrame(
        {"quantity": orders["quantity"], "amount": orders["amount"], "lines": orders["lines"]}
    )
    flagged = out.index[out["flag"]]
    text = reasons(scale, flagged, labels=_LABELS, top_n=2, min_z=0.0)
    own = (
        out.loc[flagged, "amount"]
        / np.expm1(log_a.groupby(orders["customer_id"]).transform("median")).loc[flagged]
    )
    extra = np.where(
        enough.loc[flagged] & (own >= 3),
        "; amount " + own.round(0).map("{:,.0f}".format) + "x the customer's own median order",
        "",
    )
    cancel = np.where(out.loc[flagged, "cancelled_same_day"], "; cancelled the same day", "")
    out["reasons"] = ""
    out.loc[flagged, "reasons"] = text + extra + cancel
    out = pd.concat([out, feats[["quantity_vs_own", "amount_vs_own", "lines"]].add_prefix("log_")], axis=1)
    return out.sort_values("rank")


#: Customer-summary features :func:`customer_anomalies` scores by default, all suspicious when high.
CUSTOMER_DIRECTIONS = {"orders": "high", "monetary": "high", "monetary_mean": "high"}


def customer_anomalies(
    summary: pd.DataFrame,
    *,
    direction: Mapping[str, str] | None = None,
    method: str = "ensemble",
    top_n: int | None = None,
    share: float | None = 0.01,
    random_state: int | np.random.Generator | None = 0,
) -> pd.DataFrame:
    """Unusual customers in a customer summary, one-sided: more orders or spend than anyone else.

    The features (default :data:`CUSTOMER_DIRECTIONS`: ``orders``, ``monetary`` and
    ``monetary_mean``, all suspicious when high) are log-transformed (``log1p``) and scored by
    :func:`~crmmine.anomaly.outlier_scores` in their suspicious direction, so that nobody is listed
    for being recent, new or small. Recency (``since_last``) is left out by default: a customer who
    bought yesterday or long ago is not a fraud risk for that; add ``{"since_last": "high"}`` to
    look for lapsed big spenders.

    Parameters
    ----------
    summary : pandas.DataFrame
        A customer summary (``crmmine.customer_summary``), indexed by customer id.
    direction : mapping, optional
        ``{feature: "high" | "low" | "both"}`` replacing the default features (all must be
        numeric columns of ``summary``).
    method : {"ensemble", "robust_z", "iforest", "lof"}, default "ensemble"
        The detector of :func:`~crmmine.anomaly.outlier_scores`.
    top_n : int, optional
        Number of customers to flag; takes precedence over ``share``.
    share : float or None, default 0.01
        Share of customers to flag (rounded up).
    random_state : int, numpy Generator or None, default 0
        Seed of the isolation forest.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: the features, ``score``, ``rank``, ``flag`` and ``reasons`` (for
        flagged customers; reasons are on the original scale and in the suspicious direction).

    See Also
    --------
    outlier_scores : the scores behind it, for any feature table.
    transaction_anomalies : unusual orders rather than customers.
    crmmine.customer_summary : builds the summary it scores.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"orders": [1, 2, 3, 2, 1, 90], "monetary": [10.0, 30, 20, 25, 5, 9000],
    ...                   "monetary_mean": [10.0, 15, 7, 12, 5, 100], "since_last": [0, 67, 70, 60, 300, 2]})
    >>> out = customer_anomalies(s, method="robust_z", top_n=1)
    >>> out.index[out["flag"]].tolist(), out.loc[5, "reasons"].startswith("monetary")
    ([5], True)
    """
    from crmmine.anomaly.detectors import outlier_scores

    dirs = dict(direction) if direction is not None else dict(CUSTOMER_DIRECTIONS)
    require_columns(summary.columns, list(dirs), role="customer summary")
    raw = summary[list(dirs)].astype(float)
    logged = np.sign(raw) * np.log1p(raw.abs())
    scored = outlier_scores(
        logged, method, direction=dirs, top_n=top_n, share=share, random_state=random_state
    )
    out = raw.join(scored)
    flagged = out.index[out["flag"]]
    out["reasons"] = ""
    if len(flagged):
        out.loc[flagged, "reasons"] = reasons(raw, flagged, direction=dirs, top_n=2, min_z=2.0)
    return out
