"""Retention and win-back lists: whom to contact, ranked by the expected value of acting."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.errors import ParameterError

__all__ = ["retention_list", "winback_list"]


def retention_list(
    risk: pd.Series,
    value: pd.Series,
    *,
    success_rate: float | pd.Series = 0.3,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    budget: float | None = None,
    max_customers: int | None = None,
) -> pd.DataFrame:
    """Rank customers by the expected value of a retention action and cut by budget.

    ``expected_gain = risk x success_rate x (value - incentive) - contact_cost``: the value saved
    when a would-be churner is retained and accepts the incentive, minus the cost of
    contacting. Customers with a non-positive expected gain are not listed; the rest are
    sorted by it and cut when the contact costs plus the expected incentives exceed ``budget``
    or after ``max_customers``.

    Parameters
    ----------
    risk : pandas.Series
        P(churn) per customer.
    value : pandas.Series
        Value at stake per customer (CLV, or recent margin), same index.
    success_rate : float or Series, default 0.3
        Probability that a contacted churner stays (the mean of Beta(6, 14) in Verbraken et al. 2013).
    incentive, contact_cost : float
    budget : float, optional
        Money available for contacts and incentives.
    max_customers : int, optional

    Returns
    -------
    pandas.DataFrame
        ``risk``, ``value``, ``expected_gain``, ``expected_cost``, ``cumulative_cost``, ``rank``,
        sorted by ``expected_gain``; ``attrs`` reports how many customers were considered,
        excluded (non-positive gain) and cut by the budget.

    Examples
    --------
    >>> import pandas as pd
    >>> risk = pd.Series([0.9, 0.2, 0.6], index=["a", "b", "c"])
    >>> value = pd.Series([300.0, 1000.0, 20.0], index=["a", "b", "c"])
    >>> retention_list(risk, value).index.tolist()
    ['a', 'b', 'c']
    """
    if not risk.index.equals(value.index):
        missing = risk.index.difference(value.index)
        if len(missing):
            raise ParameterError(
                f"{len(missing)} customers have a risk but no value (e.g. {list(missing[:5])}); "
                "align the two Series (value.reindex(risk.index).fillna(0))"
            )
        value = value.reindex(risk.index)
    r = risk.astype(float)
    s = (
        success_rate.reindex(risk.index).astype(float)
        if isinstance(success_rate, pd.Series)
        else float(success_rate)
    )
    gain = r * s * (value.astype(float) - incentive) - contact_cost
    cost = contact_cost + r * s * incentive
    out = pd.DataFrame(
        {"risk": r, "value": value.astype(float), "expected_gain": gain, "expected_cost": cost}
    )
    considered = len(out)
    out = out[out["expected_gain"] > 0].sort_values("expected_gain", ascending=False, kind="stable")
    excluded = considered - len(out)
    out["cumulative_cost"] = out["expected_cost"].cumsum()
    keep = np.ones(len(out), dtype=bool)
    if budget is not None:
        keep &= (out["cumulative_cost"] <= budget).to_numpy()
    if max_customers is not None:
        keep &= np.arange(len(out)) < max_customers
    cut = int((~keep).sum())
    out = out[keep]
    out["rank"] = np.arange(1, len(out) + 1)
    out.attrs.update(
        {
            "considered": considered,
            "excluded_non_positive_gain": excluded,
            "cut_by_budget": cut,
            "expected_total_gain": float(out["expected_gain"].sum()),
        }
    )
    return out


_ACTIONS = {
    "A": "personal call from the account manager with a tailored offer",
    "B": "targeted e-mail offer on their favourite products",
    "C": "low-cost automated reminder",
}


def winback_list(
    lost: pd.Index | pd.Series,
    value: pd.Series,
    *,
    cuts: tuple[float, float] = (0.80, 0.95),
    actions: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Lost customers ranked by past value, with a value tier and an action per tier.

    Tiers are ABC tiers of the lost customers' value (A: the customers making the first 80% of
    it, B: up to 95%, C: the rest): CRM practice spends on winning back A customers
    personally and keeps C cheap.

    Examples
    --------
    >>> import pandas as pd
    >>> value = pd.Series([500.0, 50.0, 10.0, 5.0], index=[1, 2, 3, 4])
    >>> winback_list(pd.Index([1, 2, 3]), value)["tier"].astype(str).tolist()
    ['A', 'B', 'C']
    """
    from crmmine.segmentation.abc import abc_tiers

    ids = lost.index[lost.astype(bool)] if isinstance(lost, pd.Series) else pd.Index(lost)
    missing = ids.difference(value.index)
    if len(missing):
        raise ParameterError(f"{len(missing)} lost customers have no value (e.g. {list(missing[:5])})")
    frame = pd.DataFrame({"value": value.reindex(ids).astype(float)})
    tiers = abc_tiers(frame, value="value", cuts=cuts)
    out = frame.assign(tier=tiers["tier"]).sort_values("value", ascending=False, kind="stable")
    out["action"] = out["tier"].astype(str).map(actions or _ACTIONS)
    return out
