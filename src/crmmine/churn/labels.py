"""Churn labels from a transaction log (non-contractual setting)."""

from __future__ import annotations

import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError

__all__ = ["churn_labels"]


def _window(horizon: str | pd.Timedelta | int) -> pd.Timedelta:
    try:
        out = pd.Timedelta(days=horizon) if isinstance(horizon, int | float) else pd.Timedelta(horizon)
    except ValueError as exc:
        raise ParameterError(f"horizon must be a duration such as '90D', got {horizon!r}") from exc
    if out <= pd.Timedelta(0):
        raise ParameterError(f"horizon must be positive, got {horizon!r}")
    return out


def churn_labels(
    tx: pd.DataFrame,
    cutoff,
    horizon: str | pd.Timedelta | int = "90D",
    *,
    customer_id: str = "customer_id",
    date: str = "date",
    amount: str | None = "amount",
    allow_incomplete: bool = False,
) -> pd.Series:
    """Label customers as churned when they buy nothing in the horizon after the cutoff.

    Only customers with at least one purchase strictly before ``cutoff`` are labelled (those
    are the customers known at the cutoff). A purchase is a row with a positive ``amount``
    (returns do not count as activity); pass ``amount=None`` to count every row.

    Parameters
    ----------
    tx : pandas.DataFrame
    cutoff : date-like
    horizon : str, Timedelta or int (days), default "90D"
        Length of the window ``[cutoff, cutoff + horizon)``.
    allow_incomplete : bool, default False
        The log must reach the end of the window; otherwise a ``DataError`` (labels would call
        customers churned just because the data stop). Set True to label anyway.

    Returns
    -------
    pandas.Series
        1 = churned, 0 = bought again, indexed by customer id (``name="churn"``).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 3], "amount": [5.0, 7.0, 3.0, 4.0],
    ...                    "date": pd.to_datetime(["2020-01-05", "2020-04-01", "2020-02-01", "2020-06-20"])})
    >>> churn_labels(tx, "2020-03-01", "90D").to_dict()
    {1: 0, 2: 1}

    References
    ----------
    Buckinx, W. and Van den Poel, D. (2005). Customer base analysis: partial defection of
    behaviourally loyal clients in a non-contractual FMCG retail setting. *European Journal of
    Operational Research* 164(1), 252-268.
    """
    require_columns(tx.columns, [customer_id, date] + ([amount] if amount else []), role="transactions")
    cut = pd.Timestamp(cutoff)
    end = cut + _window(horizon)
    dates = pd.to_datetime(tx[date])
    if not allow_incomplete and dates.max() < end - pd.Timedelta(days=1):
        raise DataError(
            f"the log ends on {dates.max():%Y-%m-%d}, before the end of the labelling window "
            f"{end:%Y-%m-%d} (cutoff {cut:%Y-%m-%d} + {horizon}). Fix: use an earlier cutoff or "
            "a shorter horizon, or pass allow_incomplete=True."
        )
    active = tx[amount] > 0 if amount else pd.Series(True, index=tx.index)
    known = pd.Index(tx.loc[(dates < cut) & active, customer_id].unique()).sort_values()
    if len(known) == 0:
        raise DataError(f"no customer has a purchase before the cutoff {cut:%Y-%m-%d}")
    returned = tx.loc[(dates >= cut) & (dates < end) & active, customer_id].unique()
    labels = pd.Series(1, index=known, name="churn", dtype="int64")
    labels[labels.index.isin(returned)] = 0
    labels.index.name = customer_id
    return labels
