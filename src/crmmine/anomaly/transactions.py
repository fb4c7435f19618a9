"""Per-transaction anomalies against the customer's own history and against everyone."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.anomaly.detectors import reasons, robust_z, select
from crmmine.data.columns import require_columns

__all__ = ["transaction_anomalies"]

_LABELS = {
    "quantity": "order quantity",
    "amount": "order amount",
    "amount_vs_own": "amount vs own median order",
    "quantity_vs_own": "quantity vs own median order",
    "lines": "order lines",
}


def transaction_anomalies(
    tx: pd.DataFrame,
    *,
    cancellations: pd.DataFrame | None = None,
    share: float = 0.001,
    top_k: int | None = None,
    min_history: int = 3,
    customer_id: str = "customer_id",
    order_id: str = "order_id",
    date: str = "date",
    amount: str = "amount",
    quantity: str = "quantity",
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

    Returns
    -------
    pandas.DataFrame
        One row per order, sorted by ``rank``: customer, date, quantity, amount, the features,
        ``score``, ``rank``, ``flag``, ``cancelled_same_day`` and ``reasons`` (for flagged rows).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 2, 3], "order_id": [1, 2, 3, 4, 5, 6, 7],
    ...                    "date": pd.to_datetime(["2020-01-0%d" % d for d in range(1, 8)]),
    ...                    "amount": [10.0, 12, 11, 9, 10, 900, 11], "quantity": [1, 1, 1, 1, 1, 80, 1]})
    >>> out = transaction_anomalies(tx, top_k=1)
    >>> int(out.index[0]), bool(out["flag"].iloc[0])
    (6, True)

    References
    ----------
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical
    Science* 17(3), 235-255 (behavioural outliers against the account's own history).
    """
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
    out["flag"] = select(score, share=share, top_k=top_k)
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
    text = reasons(scale, flagged, labels=_LABELS, top=2, min_z=0.0)
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
