"""Retention and win-back lists: whom to contact, ranked by the expected value of acting."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._params import Interval, validate_params
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["retention_list", "winback_list"]


@validate_params(
    {
        "risk": [pd.Series],
        "success_rate": [Interval(Real, 0, 1), pd.Series],
        "incentive": [Interval(Real, 0, None)],
        "contact_cost": [Interval(Real, 0, None)],
        "budget": [Interval(Real, 0, None), None],
        "top_n": [Interval(Integral, 1, None), None],
    }
)
def retention_list(
    risk: pd.Series,
    value: pd.Series,
    *,
    success_rate: float | pd.Series = 0.3,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    budget: float | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Rank customers by the expected value of a retention action and cut by budget.

    ``expected_gain = risk x success_rate x (value - incentive) - contact_cost``: the value saved
    when a would-be churner is retained and accepts the incentive, minus the cost of
    contacting. Customers with a non-positive expected gain are not listed; the rest are
    sorted by it and cut when the contact costs plus the expected incentives exceed ``budget``
    or after ``top_n`` customers.

    Parameters
    ----------
    risk : pandas.Series
        P(churn) per customer, indexed by customer id (e.g. ``model.predict_positive(X)``).
    value : pandas.Series or array
        Value at stake per customer (CLV, or recent margin). A Series is matched to ``risk``
        by customer id (never by position): ids on one side only raise a
        :class:`~crmmine.errors.DataError`; an array is taken in ``risk``'s row order.
    success_rate : float or Series, default 0.3
        Probability that a contacted churner stays (the mean of Beta(6, 14) in Verbraken et
        al. 2013); a Series is matched by id like ``value``.
    incentive : float, default 10
        Cost of the retention offer for a customer who accepts it (same money unit as
        ``value``); it is subtracted from the value saved.
    contact_cost : float, default 1
        Cost of contacting one customer, paid whether she stays or not.
    budget : float, optional
        Money available for contacts and expected incentives: the list stops before the
        customer whose ``cumulative_cost`` would exceed it. Default: no budget.
    top_n : int, optional
        Most customers to list. Default: every customer with a positive expected gain.

    Returns
    -------
    pandas.DataFrame
        ``risk``, ``value``, ``expected_gain``, ``expected_cost``, ``cumulative_cost``, ``rank``,
        indexed by customer id and sorted by ``expected_gain``; ``attrs`` reports how many
        customers were considered, excluded (non-positive gain) and cut by the budget or
        ``top_n``, so every customer is accounted for.

    See Also
    --------
    winback_list : the customers already lost, by value tier.
    ChurnModel : ``predict_positive`` gives the ``risk``.
    maximum_profit : the best share of customers to target, from labelled scores.

    Examples
    --------
    >>> import pandas as pd
    >>> risk = pd.Series([0.9, 0.2, 0.6], index=["a", "b", "c"])
    >>> value = pd.Series([20.0, 1000.0, 300.0], index=["c", "b", "a"])
    >>> retention_list(risk, value).index.tolist()
    ['a', 'b', 'c']

    The values are matched by id: ``a`` (risk 0.9, value 300) gains
    ``0.9 x 0.3 x (300 - 10) - 1 = 77.3``. A budget of 6 keeps the first two customers, whose
    expected costs (contact plus the expected incentive) add up to 5.3:

    >>> out = retention_list(risk, value, budget=6)
    >>> out["expected_gain"].round(1).tolist(), out["cumulative_cost"].round(1).tolist()
    ([77.3, 58.4], [3.7, 5.3])
    >>> out.attrs["considered"], out.attrs["cut_by_budget_or_top_n"]
    (3, 1)

    References
    ----------
    Verbraken, T., Verbeke, W. and Baesens, B. (2013). A novel profit maximizing metric for
    measuring classification performance of customer churn prediction models. *IEEE
    Transactions on Knowledge and Data Engineering* 25(5), 961-973.
    """
    if risk.index.has_duplicates:
        dup = risk.index[risk.index.duplicated()].unique()
        raise DataError(f"risk has repeated customer ids (e.g. {list(dup[:5])}). Fix: one risk per customer.")
    r = _finite(risk, "risk")
    outside = ~r.between(0.0, 1.0)
    if outside.any():
        raise bad_rows_error(
            "risk",
            "probabilities outside [0, 1]",
            r[outside].to_frame("risk"),
            int(outside.sum()),
            "pass probabilities of churn (model.predict_positive(X)), not scores",
        )
    v = _finite(align_to(value, risk.index, name="value", target="risk"), "value")
    s = (
        _finite(align_to(success_rate, risk.index, name="success_rate", target="risk"), "success_rate")
        if isinstance(success_rate, pd.Series)
        else float(success_rate)
    )
    gain = r * s * (v - incentive) - contact_cost
    cost = contact_cost + r * s * incentive
    out = pd.DataFrame({"risk": r, "value": v, "expected_gain": gain, "expected_cost": cost})
    considered = len(out)
    out = out[out["expected_gain"] > 0].sort_values("expected_gain", ascending=False, kind="stable")
    excluded = considered - len(out)
    out["cumulative_cost"] = out["expected_cost"].cumsum()
    keep = np.ones(len(out), dtype=bool)
    if budget is not None:
        keep &= (out["cumulative_cost"] <= budget).to_numpy()
    if top_n is not None:
        keep &= np.arange(len(out)) < top_n
    cut = int((~keep).sum())
    out = out[keep]
    out["rank"] = np.arange(1, len(out) + 1)
    out.attrs = {
        "considered": considered,
        "excluded_non_positive_gain": excluded,
        "cut_by_budget_or_top_n": cut,
        "expected_total_gain": float(out["expected_gain"].sum()),
    }
    return out


def _finite(values: pd.Series, name: str) -> pd.Series:
    try:
        values = values.astype("float64")
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numbers, got dtype {values.dtype}.") from None
    bad = ~np.isfinite(values.to_numpy())
    if bad.any():
        raise bad_rows_error(
            name,
            "missing or infinite values",
            values[bad].to_frame(name),
            int(bad.sum()),
            f"give every customer a finite {name} (e.g. {name}.fillna(0) if missing means none)",
        )
    return values


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

    ``lost`` is an Index of customer ids, or churn labels / a boolean Series (customers with
    1 or True are lost). ``value`` is matched by customer id. Tiers are ABC tiers of the lost
    customers' value (A: the customers making the first 80% of it, B: up to 95%, C: the
    rest; see :func:`crmmine.segmentation.abc_tiers`): CRM practice spends on winning back
    A customers personally and keeps C cheap.

    Parameters
    ----------
    lost : pandas.Index or pandas.Series
        The lost customers: an Index of customer ids (each once), or a Series indexed by
        customer id of churn labels (0/1 integers, 1 = lost, e.g. :func:`churn_labels`) or
        booleans (True = lost). Any other Series raises a :class:`~crmmine.errors.DataError`.
    value : pandas.Series
        Past value per customer (spend, margin or historical CLV), indexed by customer id,
        each id once; it must cover every lost customer (matched by id, never by position)
        and be finite for them. Customers in ``value`` who are not lost are ignored.
    cuts : tuple of two float, default (0.80, 0.95)
        Increasing cumulative shares of the lost customers' value, strictly between 0 and 1,
        that close tiers A and B.
    actions : dict, optional
        Action text per tier, a mapping with an entry for each of ``"A"``, ``"B"`` and
        ``"C"``. Default: a personal call from the account manager (A), a targeted e-mail
        offer (B), a low-cost automated reminder (C).

    Returns
    -------
    pandas.DataFrame
        One row per lost customer, indexed by customer id and sorted by ``value`` (largest
        first): ``value`` (float), ``tier`` (ordered categorical A < B < C) and ``action``
        (text).

    See Also
    --------
    retention_list : whom to contact before they leave.
    churn_labels : who left, from a transaction log.
    crmmine.segmentation.abc_tiers : the ABC tiers used here.

    Examples
    --------
    >>> import pandas as pd
    >>> value = pd.Series([500.0, 50.0, 10.0, 5.0], index=[1, 2, 3, 4])
    >>> winback_list(pd.Index([1, 2, 3]), value)["tier"].astype(str).tolist()
    ['A', 'B', 'C']

    Churn labels work as well (here customers 2, 3 and 4 are lost, and 2 and 3 make 80% of
    their value):

    >>> labels = pd.Series([0, 1, 1, 1], index=[1, 2, 3, 4])
    >>> out = winback_list(labels, value, actions={"A": "call", "B": "e-mail", "C": "reminder"})
    >>> out["tier"].astype(str).to_dict(), out["action"].tolist()
    ({2: 'A', 3: 'A', 4: 'B'}, ['call', 'call', 'e-mail'])

    """
    from crmmine.segmentation.abc import abc_tiers

    if isinstance(lost, pd.Series):
        binary = pd.api.types.is_bool_dtype(lost) or (
            pd.api.types.is_integer_dtype(lost) and lost.isin([0, 1]).all()
        )
        if not binary:
            raise DataError(
                f"lost must be an Index of customer ids or a boolean Series, got a Series of dtype "
                f"{lost.dtype}. Fix: pass churn labels (1 = lost), a boolean Series or the ids."
            )
        ids = lost.index[lost.astype(bool).to_numpy()]
    else:
        ids = pd.Index(lost)
    if ids.has_duplicates:
        dup = ids[ids.duplicated()].unique()
        raise DataError(
            f"lost has repeated customer ids (e.g. {list(dup[:5])}). Fix: list each lost customer once "
            "(lost.unique())."
        )
    chosen = _ACTIONS if actions is None else dict(actions)
    missing_tiers = [tier for tier in ("A", "B", "C") if tier not in chosen]
    if missing_tiers:
        raise ParameterError(
            f"actions has no entry for tier(s) {missing_tiers}. Fix: give an action for each of "
            "'A', 'B' and 'C'."
        )
    if value.index.has_duplicates:
        dup = value.index[value.index.duplicated()].unique()
        raise DataError(
            f"value has repeated customer ids (e.g. {list(dup[:5])}). Fix: one value per customer."
        )
    missing = ids.difference(value.index)
    if len(missing):
        raise DataError(
            f"{len(missing):,} lost customers have no value (e.g. {list(missing[:5])}). Fix: give value "
            "an entry for every lost customer (values are matched by id)."
        )
    frame = pd.DataFrame({"value": _finite(value.reindex(ids), "value")})
    tiers = abc_tiers(frame, value="value", cuts=cuts)
    out = frame.assign(tier=tiers["tier"]).sort_values("value", ascending=False, kind="stable")
    out["action"] = out["tier"].astype(str).map(chosen)
    return out
