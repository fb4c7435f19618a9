"""Customer lifetime value from a transaction model and a spend model."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine.data.columns import time_unit_days
from crmmine.errors import ParameterError
from crmmine.value._fitting import compress_rows

__all__ = ["clv", "per_unit_rate"]


def per_unit_rate(annual_rate: float, time_unit: str | float) -> float:
    """Convert an annual discount rate to the equivalent rate per time unit.

    ``(1 + annual) ** (days_per_unit / 365.25) - 1``: compounding, not division,
    so discounting 52.18 weeks at the weekly rate equals one year at the annual rate.

    Examples
    --------
    >>> round(per_unit_rate(0.10, "W"), 6)
    0.001828
    >>> round((1 + per_unit_rate(0.10, "W")) ** (365.25 / 7), 10)
    1.1
    """
    if annual_rate <= -1:
        raise ParameterError(f"annual_rate must be > -1, got {annual_rate!r}")
    return float((1.0 + annual_rate) ** (time_unit_days(time_unit) / 365.25) - 1.0)


def _resolve_unit(summary: pd.DataFrame, models: tuple[Any, ...], time_unit: str | None) -> str | None:
    if time_unit is not None:
        return time_unit
    if summary.attrs.get("time_unit") is not None:
        return summary.attrs["time_unit"]
    for m in models:
        if getattr(m, "time_unit_", None) is not None:
            return m.time_unit_
    return None


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
        cumulative = model.expected_purchases(summary, end).to_numpy(dtype="float64")
        discounted += (cumulative - previous) / (1.0 + rate) ** end
        previous = cumulative
    return previous, discounted


def _clone(model: Any, theta: np.ndarray) -> Any:
    twin = type(model)(penalizer=model.penalizer, n_starts=1, tol=model.tol, max_iter=model.max_iter)
    twin._warm_start = theta
    return twin


def clv(
    transaction_model: Any,
    spend_model: Any,
    summary: pd.DataFrame,
    *,
    horizon: float,
    discount_rate: float = 0.0,
    annual_discount_rate: float | None = None,
    time_unit: str | None = None,
    step: float = 1.0,
    margin: float = 1.0,
    n_bootstrap: int = 0,
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
    random_state: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Discounted customer lifetime value over a finite horizon.

    CLV = margin x expected spend per transaction x sum over future periods of the
    expected purchases in that period, discounted to today. Expected purchases per
    period are differences of the model's cumulative conditional expectation, so
    they use each customer's history (P(alive) included).

    Parameters
    ----------
    transaction_model : fitted BGNBD, ParetoNBD, MBGNBD (or any object with ``expected_purchases``)
    spend_model : fitted GammaGamma, a number (same spend for everyone), or None (CLV in transactions)
    summary : pandas.DataFrame
        Customer summary in the model's time unit (``frequency``, ``recency``, ``T`` and
        ``repeat_monetary_mean`` for the spend model).
    horizon : float
        How far ahead, in time units (e.g. 52 for a year in weeks).
    discount_rate : float, default 0
        Discount rate per time unit (per week for a weekly summary).
    annual_discount_rate : float, optional
        Alternative to ``discount_rate``: an annual rate, converted with :func:`per_unit_rate`
        using the summary's time unit (so the unit must be known; there is no hidden 30-day month).
    time_unit : str, optional
        Overrides ``summary.attrs["time_unit"]``.
    step : float, default 1
        Length of a discounting period in time units; cash flows are discounted at period ends.
    margin : float, default 1
        Profit margin applied to spend.
    n_bootstrap : int, default 0
        Number of bootstrap refits. Each draws customers with replacement, expressed as
        multinomial weights over the distinct summary rows (memory grows with distinct rows,
        not customers), refits both models from the full-data optimum and recomputes CLV.
    quantiles : tuple of float
        Quantiles of the bootstrap distribution returned as ``clv_q05``-style columns.
    random_state : int or Generator, optional
        Seed for the bootstrap.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``p_alive`` (when the model has it), ``expected_purchases``,
        ``discounted_purchases``, ``expected_spend``, ``clv`` and the bootstrap quantile columns.
        ``attrs`` records the horizon, unit and rate used.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD, GammaGamma
    >>> s = pd.DataFrame({"frequency": [2, 0], "recency": [30.43, 0.0], "T": [38.86, 38.86],
    ...                   "repeat_monetary_mean": [40.0, 0.0]})
    >>> s.attrs["time_unit"] = "W"
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> out = clv(m, gg, s, horizon=52, annual_discount_rate=0.1)
    >>> bool(out.loc[0, "clv"] > out.loc[1, "clv"] > 0)
    True

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves
    for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Gupta, S. et al. (2006). Modeling customer lifetime value. *Journal of Service Research* 9(2).
    """
    if horizon <= 0 or step <= 0:
        raise ParameterError(f"horizon and step must be positive, got horizon={horizon}, step={step}")
    if annual_discount_rate is not None and discount_rate:
        raise ParameterError("give either discount_rate (per time unit) or annual_discount_rate, not both")
    unit = _resolve_unit(summary, (transaction_model, spend_model), time_unit)
    if annual_discount_rate is not None:
        if unit is None:
            raise ParameterError(
                "annual_discount_rate needs the time unit: the summary has no "
                "attrs['time_unit']; pass time_unit='W' (or 'D', ...)."
            )
        rate = per_unit_rate(annual_discount_rate, unit)
    else:
        rate = float(discount_rate)
    if rate <= -1:
        raise ParameterError(f"discount rate must be > -1, got {rate}")

    def compute(tm: Any, sm: Any, frame: pd.DataFrame) -> pd.DataFrame:
        total, disc = _discounted_purchases(tm, frame, horizon, step, rate)
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

    result = compute(transaction_model, spend_model, summary)
    if n_bootstrap:
        result = result.join(
            _bootstrap(transaction_model, spend_model, summary, compute, n_bootstrap, quantiles, random_state)
        )
    result.attrs.update(
        {
            "horizon": horizon,
            "time_unit": unit,
            "discount_rate_per_unit": rate,
            "step": step,
            "margin": margin,
            "n_bootstrap": n_bootstrap,
        }
    )
    return result


def _bootstrap(tm, sm, summary, compute, n_bootstrap, quantiles, random_state) -> pd.DataFrame:
    rng = np.random.default_rng(random_state)
    spend_col = "repeat_monetary_mean" if sm is not None and not np.isscalar(sm) else None
    keys = {"frequency": summary["frequency"], "recency": summary["recency"], "T": summary["T"]}
    if spend_col:
        keys["monetary"] = summary[spend_col]
    data = compress_rows({k: np.asarray(v, dtype="float64") for k, v in keys.items()})
    rows = pd.DataFrame(data.columns)
    rows = rows.rename(columns={"monetary": "repeat_monetary_mean"})
    rows.attrs = dict(summary.attrs)
    n = round(data.n_obs)
    draws = np.empty((n_bootstrap, data.n_rows))
    probs = data.weights / data.weights.sum()
    for b in range(n_bootstrap):  # loop over bootstrap replicates, vectorised over rows
        w = rng.multinomial(n, probs).astype("float64")
        tm_b = _clone(tm, tm.params_.to_numpy()).fit(rows, weights=w)
        sm_b = sm
        if spend_col:
            sm_b = _clone(sm, sm.params_.to_numpy()).fit(rows, weights=w)
        draws[b] = compute(tm_b, sm_b, rows)["clv"].to_numpy()
    qs = np.quantile(draws, quantiles, axis=0)
    table = pd.DataFrame({f"clv_q{round(q * 100):02d}": qs[i] for i, q in enumerate(quantiles)})
    key_frame = pd.DataFrame({k: np.asarray(v, dtype="float64") for k, v in keys.items()})
    table.index = pd.MultiIndex.from_frame(pd.DataFrame(data.columns))
    looked_up = table.reindex(pd.MultiIndex.from_frame(key_frame))
    looked_up.index = summary.index
    return looked_up
