"""What CLV is for: the value of a new customer, what acquiring one may cost, where to
spend the retention budget.

- :func:`new_customer_clv`: expected CLV of a customer acquired today, from fitted models:
  a BTYD transaction model and a spend model (``margin x E[spend] x (first purchase +
  discounted expected repeat purchases)``, using the models' new-customer expectations), or
  a contractual :class:`~crmmine.value.ShiftedBetaGeometric` (``margin per period x DEL``).
- :func:`max_acquisition_cost`: by channel or segment, the most worth paying for one
  acquired customer, ``mean CLV / (1 + target_return)``, and per prospect reached when the
  conversion rate is known (Blattberg & Deighton 1996's acquisition side; Berger & Nasr 1998).
- :func:`retention_budget`: value at risk per customer, ``CLV x (1 - P(alive))`` or
  ``CLV x churn probability``, ranked, with the customers a budget can cover.

References
----------
Blattberg, R. C. and Deighton, J. (1996). Manage marketing by the customer equity test.
*Harvard Business Review* 74(4), 136-144.
Berger, P. D. and Nasr, N. I. (1998). Customer lifetime value: marketing models and
applications. *Journal of Interactive Marketing* 12(1), 17-30.
Gupta, S., Lehmann, D. R. and Stuart, J. A. (2004). Valuing customers. *Journal of
Marketing Research* 41(1), 7-18.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._params import Interval, validate_params
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.value._methods_common import discount_per

__all__ = ["max_acquisition_cost", "new_customer_clv", "retention_budget"]


@validate_params(
    {
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, 0, None)],
        "step": [Interval(Real, 0, None, closed="neither")],
        "include_first_purchase": ["boolean"],
    }
)
def new_customer_clv(
    transaction_model: Any,
    spend_model: Any = None,
    *,
    horizon: float | str | None = None,
    annual_discount_rate: float = 0.0,
    margin: float = 1.0,
    step: float = 1.0,
    include_first_purchase: bool = True,
) -> float:
    """Expected CLV of a customer acquired today.

    Parameters
    ----------
    transaction_model : fitted BGNBD, ParetoNBD, MBGNBD or ShiftedBetaGeometric
        A BTYD model gives the expected repeat purchases of a new customer over ``horizon``;
        the contractual model the discounted expected lifetime (DEL) in periods.
    spend_model : fitted GammaGamma, float or None, default None
        Spend per purchase (``expected_spend_new()`` of a Gamma-Gamma model). For the
        contractual model ``margin`` is the margin per period and this is ignored.
    horizon : float, str or None, default None
        BTYD models: the future window (a number in the model's time unit, or ``"1Y"``).
        The contractual model values the whole expected lifetime (``horizon=None``).
    annual_discount_rate : float, default 0
        Yearly discount rate, converted to the model's time unit (or period) by compounding.
    margin : float, default 1
        Profit share of spend (BTYD) or margin per period (contractual).
    step : float, default 1
        Discounting step in time units (BTYD).
    include_first_purchase : bool, default True
        Count the acquisition purchase itself (BTYD models forecast repeat purchases only).

    Returns
    -------
    float
        The expected (discounted) value of one new customer, in the currency of the spend or
        of the margin per period.

    Raises
    ------
    ParameterError
        A model without new-customer expectations, or a ``horizon`` with the contractual
        model (or none with a BTYD model).

    See Also
    --------
    clv : the value of existing customers, given their history.
    max_acquisition_cost : what acquiring a customer may cost, from CLVs by channel.
    ShiftedBetaGeometric.discounted_expected_lifetime : the contractual DEL.

    Examples
    --------
    >>> from crmmine.value import BGNBD, ShiftedBetaGeometric
    >>> sbg = ShiftedBetaGeometric.from_params(0.704, 1.182, period="Y")
    >>> round(new_customer_clv(sbg, margin=100.0, annual_discount_rate=0.10), 2)
    369.51
    >>> bg = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    >>> round(new_customer_clv(bg, 35.0, horizon=52), 2)
    85.54
    """
    from crmmine.value.contractual import ShiftedBetaGeometric

    if isinstance(transaction_model, ShiftedBetaGeometric):
        if horizon is not None:
            raise ParameterError(
                "the contractual model values the whole expected lifetime: leave horizon=None."
            )
        return margin * transaction_model.discounted_expected_lifetime(annual_discount_rate)
    if not hasattr(transaction_model, "expected_purchases_new"):
        raise ParameterError(
            f"transaction_model must be a fitted BTYD model or ShiftedBetaGeometric, got "
            f"{type(transaction_model).__name__}."
        )
    if horizon is None:
        raise ParameterError("horizon is needed for a BTYD model, e.g. horizon=52 (weeks) or '1Y'.")
    unit = getattr(transaction_model, "time_unit_", None)
    if unit is None and (isinstance(horizon, str) or annual_discount_rate):
        raise ParameterError(
            "the model's time unit is unknown, so a horizon string or an annual rate cannot be "
            f"converted. Fix: fit the model on a customer_summary (which records its unit) or "
            f"give it one, e.g. {type(transaction_model).__name__}(time_unit='W') or "
            "from_params(..., time_unit='W')."
        )
    if isinstance(horizon, str):
        from crmmine._units import horizon_in_units

        h = horizon_in_units(horizon, unit)
    elif isinstance(horizon, Real) and not isinstance(horizon, bool) and np.isfinite(horizon) and horizon > 0:
        h = float(horizon)
    else:
        raise ParameterError(
            f"horizon must be a positive number or a duration such as '1Y', got {horizon!r}."
        )
    d = discount_per(annual_discount_rate, unit) if annual_discount_rate else 0.0
    if spend_model is None:
        spend = 1.0
    elif isinstance(spend_model, Real) and not isinstance(spend_model, bool):
        spend = float(spend_model)
    elif hasattr(spend_model, "expected_spend_new"):
        spend = float(spend_model.expected_spend_new())
    else:
        raise ParameterError(
            f"spend_model must be a fitted GammaGamma, a number or None, got {spend_model!r}."
        )
    if not np.isfinite(spend) or spend < 0:
        raise DataError(
            f"the spend model's mean spend is {spend} (Gamma-Gamma q <= 1 has no finite mean). "
            "Fix: pass a spend per purchase as a number."
        )
    ends = np.append(np.arange(step, h, step), h)
    cumulative = np.asarray(transaction_model.expected_purchases_new(ends), dtype="float64")
    per_step = np.diff(np.concatenate([[0.0], cumulative]))
    discounted = float(np.sum(per_step / (1.0 + d) ** ends))
    return margin * spend * (discounted + (1.0 if include_first_purchase else 0.0))


@validate_params(
    {
        "target_return": [Interval(Real, 0, None)],
    }
)
def max_acquisition_cost(
    clv: pd.Series,
    group: Any,
    *,
    target_return: float = 0.0,
    conversion_rate: Any = None,
) -> pd.DataFrame:
    """The most worth paying to acquire a customer, by channel or segment.

    ``max_cost = mean CLV of the group's customers / (1 + target_return)``: at that cost the
    acquisition earns ``target_return`` on what it costs (0 = break even). With a conversion
    rate (acquired customers per prospect reached) ``max_cost_per_prospect = conversion_rate
    x max_cost``.

    Parameters
    ----------
    clv : pandas.Series
        CLV per customer (e.g. :func:`new_customer_clv` per segment, or the ``clv`` of
        recently acquired customers), indexed by customer id.
    group : Series
        Channel or segment per customer, aligned on ``clv``'s index.
    target_return : float, default 0
        Return the acquisition must earn on its cost, as a fraction (0.25 = 25 %; 0 = break
        even).
    conversion_rate : float, mapping or Series, optional
        Acquired customers per prospect reached, in [0, 1]: one number for every group, or
        a rate per group (group -> rate; every group needs one).

    Returns
    -------
    pandas.DataFrame
        Indexed by group: ``customers``, ``mean_clv``, ``median_clv``, ``max_cost``
        (and ``conversion_rate``, ``max_cost_per_prospect``), sorted by ``max_cost``
        (highest first).

    Raises
    ------
    DataError
        Customers without a group, duplicated ids, missing CLVs, or groups without a
        conversion rate.

    See Also
    --------
    new_customer_clv : the expected CLV of a new customer from fitted models.
    retention_budget : the other use of CLV, ranking existing customers by value at risk.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series([100.0, 300.0, 50.0], index=[1, 2, 3])
    >>> ch = pd.Series(["web", "web", "store"], index=[1, 2, 3])
    >>> max_acquisition_cost(v, ch, target_return=0.25)["max_cost"].tolist()
    [160.0, 40.0]
    """
    values = _clv_series(clv)
    groups = align_to(group, values.index, name="group", target="clv")
    if groups.isna().any():
        bad = groups[groups.isna()]
        raise bad_rows_error(
            "group", "customers without a group", bad, len(bad), "give every customer a group"
        )
    frame = pd.DataFrame({"clv": values, "group": groups.to_numpy()})
    g = frame.groupby("group", observed=True, sort=True)["clv"]
    out = pd.DataFrame({"customers": g.size(), "mean_clv": g.mean(), "median_clv": g.median()})
    out["max_cost"] = out["mean_clv"] / (1.0 + target_return)
    if conversion_rate is not None:
        if isinstance(conversion_rate, Real) and not isinstance(conversion_rate, bool):
            rate = pd.Series(float(conversion_rate), index=out.index)
        else:
            rate = pd.Series(conversion_rate, dtype="float64")
            missing = out.index.difference(rate.index)
            if len(missing):
                raise DataError(
                    f"conversion_rate has no rate for groups {list(missing[:5])}. "
                    "Fix: give a rate for every group, or one number."
                )
            rate = rate.reindex(out.index)
        if (~np.isfinite(rate) | (rate < 0) | (rate > 1)).any():
            raise ParameterError("conversion_rate must be in [0, 1].")
        out["conversion_rate"] = rate
        out["max_cost_per_prospect"] = rate * out["max_cost"]
    out.index.name = groups.name if groups.name not in (None, "group") else "group"
    return out.sort_values("max_cost", ascending=False)


@validate_params(
    {
        "budget": [None, Interval(Real, 0, None)],
        "cost_per_customer": [None, Interval(Real, 0, None, closed="neither")],
        "top_n": [None, Interval(int, 1, None)],
    }
)
def retention_budget(
    clv: pd.Series,
    *,
    p_alive: Any = None,
    churn_probability: Any = None,
    budget: float | None = None,
    cost_per_customer: float | None = None,
    top_n: int | None = None,
    segment: Any = None,
) -> pd.DataFrame:
    """Value at risk per customer and who a retention budget should cover first.

    ``value_at_risk = clv x risk``, ``risk = churn_probability`` when given, else
    ``1 - p_alive``. Customers are ranked by value at risk; with ``budget`` and
    ``cost_per_customer`` the first ``floor(budget / cost)`` are selected (with ``top_n``,
    the first ``top_n``).

    Which CLV to pass: value at risk is meant as what is lost if the customer leaves, so the
    CLV should be her value if she stays. A BTYD ``clv`` already multiplies by P(alive); its
    value if alive is ``clv / p_alive`` (pass that to rank by the literal formula's intent).

    Parameters
    ----------
    clv : pandas.Series
        Indexed by customer id.
    p_alive : pandas.Series, optional
        P(alive) per customer (e.g. ``model.p_alive(summary)``), aligned on ``clv``'s index;
        the risk is ``1 - p_alive``. Give this or ``churn_probability``.
    churn_probability : pandas.Series, optional
        Probability of churning per customer (e.g. a churn classifier's scores), aligned on
        ``clv``'s index; used as the risk.
    budget : float, optional
        Money available for retention actions; with ``cost_per_customer`` it selects the
        first ``floor(budget / cost_per_customer)`` customers.
    cost_per_customer : float, optional
        Cost of one retention action (same currency as ``budget``).
    top_n : int, optional
        Select at most this many customers.
    segment : Series, optional
        Adds a ``segment`` column (aligned on the index) for summaries by segment.

    Returns
    -------
    pandas.DataFrame
        Every customer, indexed by id and sorted by ``value_at_risk`` (highest first):
        ``clv``, ``risk``, ``value_at_risk``, ``rank``, ``cumulative_value_at_risk``,
        ``selected`` (and ``segment``).

    Raises
    ------
    ParameterError
        Both or neither of ``p_alive`` and ``churn_probability``; ``budget`` without
        ``cost_per_customer`` or the other way round.
    DataError
        Probabilities missing or outside [0, 1], ids that do not match ``clv``.

    See Also
    --------
    clv : the CLV and P(alive) of each customer from BTYD models.
    max_acquisition_cost : the acquisition side of the budget.
    crmmine.value.BGNBD.p_alive : the probability a customer is still active.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series([100.0, 300.0, 50.0], index=["a", "b", "c"])
    >>> alive = pd.Series([0.5, 0.9, 0.0], index=["c", "b", "a"])
    >>> out = retention_budget(v, p_alive=alive, budget=20, cost_per_customer=10)
    >>> out[["value_at_risk", "selected"]]
       value_at_risk  selected
    a          100.0      True
    b           30.0      True
    c           25.0     False
    """
    values = _clv_series(clv)
    if (p_alive is None) == (churn_probability is None):
        raise ParameterError("give exactly one of p_alive and churn_probability (aligned on the clv index).")
    if churn_probability is not None:
        risk = align_to(churn_probability, values.index, name="churn_probability", target="clv")
        name = "churn_probability"
    else:
        risk = 1.0 - align_to(p_alive, values.index, name="p_alive", target="clv")
        name = "p_alive"
    # float64 first: a nullable Float64 column's <NA> is neither finite nor flagged by isfinite
    risk = pd.to_numeric(risk, errors="coerce").astype("float64")
    bad = ~np.isfinite(risk) | (risk < 0) | (risk > 1)
    if bad.any():
        raise bad_rows_error(
            name,
            "missing or values outside [0, 1]",
            risk[bad],
            int(bad.sum()),
            "pass probabilities in [0, 1] for every customer",
        )
    if (budget is None) != (cost_per_customer is None):
        raise ParameterError("budget and cost_per_customer go together: pass both or neither.")
    out = pd.DataFrame({"clv": values, "risk": risk.to_numpy()}, index=values.index)
    out["value_at_risk"] = out["clv"] * out["risk"]
    if segment is not None:
        out["segment"] = align_to(segment, values.index, name="segment", target="clv").to_numpy()
    out = out.sort_values("value_at_risk", ascending=False, kind="stable")
    out["rank"] = np.arange(1, len(out) + 1)
    out["cumulative_value_at_risk"] = out["value_at_risk"].cumsum()
    limit = len(out)
    if budget is not None:
        limit = min(limit, int(np.floor(budget / cost_per_customer + 1e-9)))
    if top_n is not None:
        limit = min(limit, int(top_n))
    out["selected"] = out["rank"] <= limit
    return out


def _clv_series(clv: Any) -> pd.Series:
    if isinstance(clv, pd.DataFrame):
        if "clv" not in clv.columns:
            raise ParameterError(
                "clv must be a Series, or a DataFrame with a 'clv' column (e.g. clv() output)."
            )
        clv = clv["clv"]
    if not isinstance(clv, pd.Series):
        raise ParameterError(f"clv must be a Series indexed by customer id, got {type(clv).__name__}.")
    if clv.index.has_duplicates:
        dup = clv.index[clv.index.duplicated()].unique()
        raise DataError(
            f"clv has duplicated customer ids ({len(dup)}, e.g. {list(dup[:5])}). "
            "Fix: one value per customer."
        )
    values = pd.to_numeric(clv, errors="coerce").astype("float64")  # <NA> becomes NaN, then flagged
    bad = ~np.isfinite(values)
    if bad.any():
        raise bad_rows_error(
            clv.name or "clv",
            "missing or infinite CLVs",
            clv[bad],
            int(bad.sum()),
            "compute a CLV for every customer (or drop those customers explicitly)",
        )
    return values.astype("float64")
