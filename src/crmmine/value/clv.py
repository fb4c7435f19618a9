"""Customer lifetime value from a transaction model and a spend model."""

from __future__ import annotations

from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone

import crmmine._backend as _backend
from crmmine._params import Interval, validate_params
from crmmine._units import time_unit_days
from crmmine.errors import ParameterError
from crmmine.value._fitting import compress_rows

__all__ = ["clv", "per_unit_rate"]


@validate_params(
    {
        "annual_rate": [Interval(Real, -1, None, closed="neither")],
        "time_unit": [str, Interval(Real, 0, None, closed="neither")],
    }
)
def per_unit_rate(annual_rate: float, time_unit: str | float) -> float:
    """Convert an annual discount rate to the equivalent rate per time unit.

    ``(1 + annual) ** (days_per_unit / 365.25) - 1``: compounding, not division,
    so discounting 52.18 weeks at the weekly rate equals one year at the annual rate.

    Parameters
    ----------
    annual_rate : float
        Yearly discount rate as a fraction (0.10 for 10 %); greater than -1.
    time_unit : str or float
        The unit of one period: a unit string such as ``"D"``, ``"W"`` or ``"M"``, or a
        positive number of days.

    Returns
    -------
    float
        The rate per time unit, a fraction (0.001828 for 10 % a year and weekly periods).

    See Also
    --------
    clv : discounts each future period's expected value at this rate.
    crmmine.data.time_unit_days : the length of a time unit in days.

    Examples
    --------
    >>> round(per_unit_rate(0.10, "W"), 6)
    0.001828
    >>> round((1 + per_unit_rate(0.10, "W")) ** (365.25 / 7), 10)
    1.1
    """
    return float((1.0 + annual_rate) ** (time_unit_days(time_unit) / 365.25) - 1.0)


def _discounted_purchases(
    model: Any, summary: pd.DataFrame, horizon: float, step: float, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Undiscounted and discounted expected purchases in (T, T + horizon], per row of ``summary``."""
    ends = np.arange(step, horizon + step * 1e-9, step)
    if ends.size == 0:
        raise ParameterError(f"horizon ({horizon}) must be at least one step ({step}).")
    previous = np.zeros(len(summary))
    discounted = np.zeros(len(summary))
    for end in ends:  # a loop over future periods, vectorised over customers
        cumulative = model.expected_purchases(summary, float(end)).to_numpy(dtype="float64")
        discounted += (cumulative - previous) / (1.0 + rate) ** end
        previous = cumulative
    return previous, discounted


def _in_units(value: Any, model: Any, name: str) -> float:
    """A horizon or step in the model's time units (strings need the model's unit)."""
    if isinstance(value, str):
        return float(model._horizon(value, name=name))
    return float(value)


@validate_params(
    {
        "horizon": ["duration"],
        "step": ["duration"],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "n_bootstrap": [Interval(Integral, 0, None)],
    }
)
def clv(
    transaction_model: Any,
    spend_model: Any,
    summary: pd.DataFrame,
    *,
    horizon: Any,
    annual_discount_rate: float = 0.0,
    step: Any = 1.0,
    margin: float = 1.0,
    n_bootstrap: int = 0,
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
    random_state: Any = None,
) -> pd.DataFrame:
    """Discounted customer lifetime value over a finite horizon.

    CLV = margin x expected spend per transaction x sum over future periods of the
    expected purchases in that period, discounted to today. Expected purchases per
    period are differences of the model's cumulative conditional expectation, so
    they use each customer's history (P(alive) included).

    Parameters
    ----------
    transaction_model : fitted BGNBD, ParetoNBD, MBGNBD or BGBB
        Its ``time_unit_`` is the unit of ``horizon`` and ``step`` when they are numbers.
    spend_model : fitted GammaGamma, float or None
        Expected spend per transaction: a fitted :class:`GammaGamma` (each customer's
        conditional expectation), a number (the same spend for everyone, in currency), or
        None (CLV counted in discounted transactions, spend 1).
    summary : table
        Customer summary in the model's time unit (the columns the models were fitted on):
        pandas, or a polars, DuckDB or Spark table with the customer id first. For an engine
        table the purchase figures are computed once per distinct (frequency, recency, T) row
        and joined back inside the engine, where the expected spend (a closed form) and the CLV
        are computed; the result is a table of the same kind (no bootstrap there).
    horizon : number or str
        How far ahead: a number of the model's time units (52 for a year of a weekly model) or a
        duration string such as ``"1Y"`` or ``"26W"`` (needs the model's time unit).
    annual_discount_rate : float, default 0
        Yearly discount rate, converted to the model's time unit by compounding
        (:func:`per_unit_rate`); a non-zero rate needs the model's time unit.
    step : number or str, default 1
        Length of a discounting period (cash flows are discounted at period ends).
    margin : float, default 1
        Profit margin applied to spend.
    n_bootstrap : int, default 0
        Number of bootstrap refits. Each draws customers with replacement, expressed as
        multinomial weights over the distinct summary rows (memory grows with distinct rows,
        not customers), refits both models from the full-data optimum and recomputes CLV.
    quantiles : tuple of float
        Quantiles of the bootstrap distribution returned as ``clv_q05``-style columns.
    random_state : None, int or numpy Generator
        Seed for the bootstrap.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``p_alive`` (when the model has it), ``expected_purchases``,
        ``discounted_purchases``, ``expected_spend``, ``clv`` and the bootstrap quantile columns.
        ``attrs`` records the horizon, unit and rate used (information only).
        For a polars, DuckDB or Spark ``summary``, a table of the same kind with the
        customer id first.

    Raises
    ------
    ParameterError
        A string horizon or step, or a non-zero annual rate, with a model whose time unit is unknown.

    See Also
    --------
    per_unit_rate : the annual rate converted to the model's time unit.
    BGNBD, ParetoNBD, MBGNBD, BGBB : transaction models whose expected purchases are valued.
    GammaGamma : the spend model giving the expected spend per transaction.
    holdout_validation : checks the transaction model on a holdout period before valuing.
    clv_components : the components view of value (margin, retention, cost) from the CRM texts.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD, GammaGamma
    >>> s = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
    ...                   "repeat_monetary_mean": [40.0, 0.0]})
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> out = clv(m, gg, s, horizon="1Y", annual_discount_rate=0.1)
    >>> bool(out.loc[0, "clv"] > out.loc[1, "clv"] > 0)
    True

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves
    for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Gupta, S. et al. (2006). Modeling customer lifetime value. *Journal of Service Research* 9(2).
    """
    if not hasattr(transaction_model, "expected_purchases"):
        raise ParameterError(
            f"transaction_model must be a fitted BTYD model, got {type(transaction_model).__name__}."
        )
    if hasattr(transaction_model, "_check_fitted"):
        transaction_model._check_fitted()
    horizon_units = _in_units(horizon, transaction_model, "horizon")
    step_units = _in_units(step, transaction_model, "step")
    if annual_discount_rate != 0:
        unit = transaction_model._unit("annual_discount_rate")
        rate = per_unit_rate(annual_discount_rate, unit)
    else:
        unit = getattr(transaction_model, "time_unit_", None)
        rate = 0.0

    def compute(tm: Any, sm: Any, frame: pd.DataFrame) -> pd.DataFrame:
        total, disc = _discounted_purchases(tm, frame, horizon_units, step_units, rate)
        if sm is None:
            spend = np.ones(len(frame))
        elif np.isscalar(sm):
            spend = np.full(len(frame), float(sm))
        else:
            spend = sm.expected_spend(frame).to_numpy(dtype="float64")
        out = pd.DataFrame(index=frame.index)
        if hasattr(tm, "p_alive"):
            out["p_alive"] = tm.p_alive(frame).to_numpy()
        out["expected_purchases"] = total
        out["discounted_purchases"] = disc
        out["expected_spend"] = spend
        out["clv"] = margin * spend * disc
        return out

    if _backend.is_engine(summary):
        return _clv_engine(transaction_model, spend_model, summary, compute, margin, n_bootstrap)
    result = compute(transaction_model, spend_model, summary)
    if n_bootstrap:
        result = result.join(
            _bootstrap(transaction_model, spend_model, summary, compute, n_bootstrap, quantiles, random_state)
        )
    result.attrs.update(
        {
            "horizon": horizon_units,
            "time_unit": unit,
            "discount_rate_per_unit": rate,
            "step": step_units,
            "margin": margin,
            "n_bootstrap": n_bootstrap,
        }
    )
    return result


def _clv_engine(tm: Any, sm: Any, summary: Any, compute: Any, margin: float, n_bootstrap: int) -> Any:
    """:func:`clv` on an engine summary: the purchase figures once per distinct (frequency, recency,
    T) row, joined back inside the engine; the expected spend (a closed form) and the CLV are
    computed there."""
    import narwhals as nw

    from crmmine.value import _engine

    if n_bootstrap:
        raise ParameterError(
            "n_bootstrap needs every customer's row in Python, which a polars, DuckDB or Spark summary "
            "does not travel to. Fix: pass n_bootstrap=0, or bootstrap on a pandas sample of the summary."
        )
    names = _names(tm)
    checks = list(tm._engine_checks(names))
    needed: list[str] = []
    if sm is None:
        spend = nw.lit(1.0)
    elif np.isscalar(sm):
        spend = nw.lit(float(sm))
    else:
        sm._check_fitted()
        spend_names = _names(sm)
        checks += sm._engine_checks(spend_names)
        needed = list(spend_names.values())
        q = float(sm._theta()[1])
        if q <= 1.0:
            raise ParameterError(
                f"Gamma-Gamma has q = {q:.4g} <= 1: the population mean spend is infinite. Fix: fit "
                "with GammaGamma(q_constraint=True)."
            )
        spend = sm.spend_expression(spend_names)
    columns = ["expected_purchases", "discounted_purchases"]
    if hasattr(tm, "p_alive"):
        columns.insert(0, "p_alive")

    def purchases(frame: pd.DataFrame) -> pd.DataFrame:
        return compute(tm, None, frame)[columns]

    return _engine.engine_predict(
        summary, names, checks, purchases, None, extra={"expected_spend": spend.cast(nw.Float64)},
        after=[(margin * nw.col("expected_spend") * nw.col("discounted_purchases")).alias("clv")],
        needed=needed,
    )


def _names(model: Any) -> dict[str, str]:
    return model._column_names(None, True)


def _bootstrap(tm, sm, summary, compute, n_bootstrap, quantiles, random_state) -> pd.DataFrame:
    from crmmine.value.simulate import rng_from

    rng = rng_from(random_state)
    refit_spend = sm is not None and not np.isscalar(sm)
    used = list(dict.fromkeys([*_names(tm).values(), *(_names(sm).values() if refit_spend else [])]))
    keys = {c: pd.to_numeric(summary[c]).to_numpy(dtype="float64") for c in used}
    data = compress_rows(keys)
    rows = pd.DataFrame(data.columns)
    n = round(data.n_obs)
    draws = np.empty((n_bootstrap, data.n_rows))
    probs = data.weights / data.weights.sum()
    fit_unit = getattr(tm, "time_unit_", None)
    for b in range(n_bootstrap):  # loop over bootstrap replicates, vectorised over rows
        w = rng.multinomial(n, probs).astype("float64")
        tm_b = clone(tm).set_params(warm_start=tm.params_.to_dict(), n_starts=1)
        if "time_unit" in tm_b.get_params():
            tm_b.set_params(time_unit=fit_unit)
        tm_b.fit(rows, weights=w, columns=_names(tm))
        sm_b = sm
        if refit_spend:
            sm_b = clone(sm).set_params(warm_start=sm.params_.to_dict(), n_starts=1)
            sm_b.fit(rows, weights=w, columns=_names(sm))
        draws[b] = compute(tm_b, sm_b, rows)["clv"].to_numpy()
    qs = np.quantile(draws, quantiles, axis=0)
    table = pd.DataFrame({f"clv_q{round(q * 100):02d}": qs[i] for i, q in enumerate(quantiles)})
    table.index = pd.MultiIndex.from_frame(rows)
    looked_up = table.reindex(pd.MultiIndex.from_frame(pd.DataFrame(keys)))
    looked_up.index = summary.index
    return looked_up
