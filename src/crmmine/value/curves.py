"""The fitting method: value curves fitted over past periods and extrapolated.

The log is cut into periods counted back from ``as_of``; a customer's age in a period is
the number of periods since her first purchase, and her value in it is ``margin`` x her
spend. For every cohort (customers whose first purchase fell in the same period) the mean
value per cohort customer at ages ``k = 1, 2, ...`` (after the acquisition period) is fitted
by weighted least squares with a geometric curve

    v_c(k) = a_c q_c^(k - 1)

(``q_c < 1`` is value decaying as customers lapse; ``q_c`` is capped at 1, a flat curve,
because a rising curve extrapolated would grow without end). Cohorts with
fewer than ``min_periods`` ages use the curve fitted on all cohorts pooled. Each customer's
own curve keeps her cohort's shape ``q_c`` and fits her level on her own past periods,
``a_i = sum_k y_ik q_c^(k-1) / sum_k q_c^(2(k-1))`` (her cohort's level while she has no
period after acquisition). Forecasts sum the curve over the next ``horizon`` periods,
discounted: ``sum_{h=1}^{H} a q^(A + h - 1) / (1 + d)^h`` at current age ``A``.

:func:`curve_holdout_validation` fits the curves on a calibration log and compares their
forecast of holdout spend with the BTYD forecast (expected purchases x expected spend) and
with what customers actually spent, on the same split.

References
----------
Gupta, S. and Lehmann, D. R. (2003). Customers as assets. *Journal of Interactive Marketing*
17(1), 9-24 (value of a customer from cohort margin curves).
Fader, P. S. and Hardie, B. G. S. (2007). How to project customer retention. *Journal of
Interactive Marketing* 21(1), 76-90 (why curve-fitting needs a holdout check).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import optimize

from crmmine._align import align_to
from crmmine._params import Interval
from crmmine._results import Result
from crmmine.errors import DataError, DataWarning, ParameterError
from crmmine.value._methods_common import as_timestamp, discount_per, period_days
from crmmine.value.dwyer import PeriodModel

__all__ = ["CurveValidation", "ValueCurves", "curve_holdout_validation"]

#: The period-to-period ratio q is kept in [1/1000, 1]: the value per acquired customer of a
#: cohort cannot grow for ever (its customers lapse), and a curve that rises over the data
#: (often a seasonal peak late in the history) would explode when extrapolated. A cohort held
#: at the bound is flagged ``at_bound`` in ``cohort_curves_`` and its curve is flat.
_MIN_RATIO, _MAX_RATIO = 1e-3, 1.0


def _fit_geometric(ages: np.ndarray, means: np.ndarray, weights: np.ndarray) -> tuple[float, float]:
    """Weighted least squares of ``means ~ a q^(ages - 1)`` (a > 0, q > 0), on log-parameters."""
    positive = means > 0
    if positive.sum() >= 2:
        slope, intercept = np.polyfit(
            ages[positive] - 1, np.log(means[positive]), 1, w=np.sqrt(weights[positive])
        )
        start = np.array([intercept, slope])
    else:
        start = np.array([np.log(max(float(np.average(means, weights=weights)), 1e-9)), 0.0])

    def residuals(x: np.ndarray) -> np.ndarray:
        return np.sqrt(weights) * (np.exp(x[0] + x[1] * (ages - 1)) - means)

    lo, hi = np.array([-50.0, np.log(_MIN_RATIO)]), np.array([50.0, np.log(_MAX_RATIO)])
    res = optimize.least_squares(
        residuals, np.clip(start, lo + 1e-9, hi - 1e-9), bounds=(lo, hi), method="trf"
    )
    return float(np.exp(res.x[0])), float(np.exp(res.x[1]))


def _forecast(level: np.ndarray, q: np.ndarray, age: np.ndarray, horizon: float, d: float) -> np.ndarray:
    steps = int(np.ceil(horizon - 1e-9))
    out = np.zeros(level.shape)
    for h in range(1, steps + 1):  # a loop over future periods, vectorised over customers
        share = min(1.0, horizon - (h - 1))
        out += share * level * q ** (age + h - 1) / (1.0 + d) ** h
    return out


class ValueCurves(PeriodModel):
    """Cohort and customer value curves fitted on past periods, extrapolated (the fitting method).

    Parameters
    ----------
    period : str, default "M"
        Period length (``"M"``, ``"Q"``, ``"Y"``, ``"W"`` or a number of days).
    horizon : float, default 12
        Future periods forecast (a fraction counts part of the last period).
    annual_discount_rate : float, default 0
        Yearly discount rate, converted to one ``period`` by compounding; forecasts are
        discounted to ``as_of``.
    margin : float, default 1
        Profit share of spend, in [0, 1]: a customer's value in a period is ``margin`` x
        her spend.
    min_periods : int, default 3
        Ages a cohort needs for a curve of its own (at least 2); younger cohorts use the
        pooled curve.

    Attributes
    ----------
    observed_ : pandas.DataFrame
        Mean value per cohort customer, cohorts x ages.
    cohort_curves_ : pandas.DataFrame
        Per cohort: ``customers``, ``ages``, ``level`` (a), ``ratio`` (q), ``pooled``,
        ``at_bound`` (q held at its bound, see the module docs).
    pooled_curve_ : dict
        ``level`` and ``ratio`` of the curve fitted on all cohorts pooled.
    values_ : pandas.DataFrame
        Per customer (indexed by customer id): ``cohort``, ``age``, ``level``,
        ``cohort_value`` (forecast on her cohort's curve) and ``customer_value`` (on her own).
    as_of_ : pandas.Timestamp
        Last day of the history used.

    See Also
    --------
    curve_holdout_validation : checks the curves' forecast against a holdout period.
    DwyerRetention : value from retention by cohort and age instead of a fitted curve.
    clv : the model-based forecast (BTYD) the texts prefer.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> curves = ValueCurves(period="M", horizon=6).fit(tx)
    >>> len(curves.values_) == tx["customer_id"].nunique()
    True

    References
    ----------
    Gupta and Lehmann (2003), see the module docstring.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "period": [str, Interval(Real, 0, None, closed="neither")],
        "horizon": [Interval(Real, 0, None, closed="neither")],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, 0, 1, closed="both")],
        "min_periods": [Interval(Integral, 2, None)],
    }

    def __init__(
        self,
        period: str | float = "M",
        horizon: float = 12,
        annual_discount_rate: float = 0.0,
        margin: float = 1.0,
        min_periods: int = 3,
    ) -> None:
        self.period = period
        self.horizon = horizon
        self.annual_discount_rate = annual_discount_rate
        self.margin = margin
        self.min_periods = min_periods

    def _fit_grid(self, customers: pd.Index, bought: np.ndarray, spend: np.ndarray) -> None:
        """The cohort and customer curves from the purchase grid, and every customer's forecast."""
        n_per = bought.shape[1]
        first = np.argmax(bought, axis=1)
        age = np.arange(n_per)[None, :] - first[:, None]
        value = self.margin * spend
        later = age >= 1
        if not later.any():
            raise DataError(
                f"no customer has a {self.period!r} period after her first one before as_of, so no curve "
                "can be fitted. Fix: use a shorter period or a longer history."
            )
        n_cohort = np.bincount(first, minlength=n_per).astype(float)
        sums = np.zeros((n_per, n_per))
        np.add.at(sums, (np.broadcast_to(first[:, None], age.shape)[later], age[later]), value[later])
        max_age = (n_per - 1) - np.arange(n_per)  # oldest age each cohort reached
        ages_all = np.arange(n_per)
        with np.errstate(invalid="ignore", divide="ignore"):
            means = np.where(
                (ages_all[None, :] <= max_age[:, None]) & (n_cohort[:, None] > 0),
                sums / n_cohort[:, None],
                np.nan,
            )
        # pooled curve: customer-weighted mean value by age over the cohorts observed at that age
        exposed = np.array([n_cohort[max_age >= k].sum() for k in ages_all])
        pooled_mean = np.divide(sums.sum(axis=0), exposed, out=np.zeros(n_per), where=exposed > 0)
        use = (ages_all >= 1) & (exposed > 0)
        pa, pq = _fit_geometric(ages_all[use].astype(float), pooled_mean[use], exposed[use])
        rows = []
        levels = np.full(n_per, pa)
        ratios = np.full(n_per, pq)
        for c in np.flatnonzero(n_cohort > 0):  # a loop over cohorts (periods), not customers
            k = np.arange(1, max_age[c] + 1)
            pooled = k.size < self.min_periods
            if not pooled:
                levels[c], ratios[c] = _fit_geometric(
                    k.astype(float), means[c, k], np.full(k.size, n_cohort[c])
                )
            rows.append(
                {
                    "cohort": int(c),
                    "customers": int(n_cohort[c]),
                    "ages": int(k.size),
                    "level": levels[c],
                    "ratio": ratios[c],
                    "pooled": pooled,
                    "at_bound": bool(np.isclose(ratios[c], _MAX_RATIO) or np.isclose(ratios[c], _MIN_RATIO)),
                }
            )
        self.pooled_curve_ = {"level": pa, "ratio": pq}
        self.cohort_curves_ = pd.DataFrame(rows).set_index("cohort")
        self.observed_ = pd.DataFrame(
            means, index=pd.RangeIndex(n_per, name="cohort"), columns=pd.RangeIndex(n_per, name="age")
        ).loc[n_cohort > 0]
        q = ratios[first]
        cur_age = (n_per - 1) - first
        weights = np.where(later, q[:, None] ** np.where(later, age - 1, 0), 0.0)
        num = (weights * np.where(later, value, 0.0)).sum(axis=1)
        den = (weights**2).sum(axis=1)
        level = np.where(den > 0, num / np.where(den > 0, den, 1.0), levels[first])
        d = discount_per(self.annual_discount_rate, self.period)
        cohort_value = _forecast(levels[first], q, cur_age, float(self.horizon), d)
        customer_value = _forecast(level, q, cur_age, float(self.horizon), d)
        self.values_ = pd.DataFrame(
            {
                "cohort": first,
                "age": cur_age,
                "level": level,
                "cohort_value": cohort_value,
                "customer_value": customer_value,
            },
            index=customers,
        )

    def plot(self, ax: Any = None, max_cohorts: int = 6, **kwargs: Any) -> Any:
        """Observed mean value by age for the largest cohorts, with their fitted curves."""
        import matplotlib.pyplot as plt

        self._check_fitted()
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        biggest = self.cohort_curves_.sort_values("customers", ascending=False).head(max_cohorts)
        for c, row in biggest.iterrows():
            obs = self.observed_.loc[c].dropna().iloc[1:]
            line = ax.plot(obs.index, obs.to_numpy(), "o", label=f"cohort {c}", **kwargs)[0]
            k = np.arange(1, max(int(obs.index.max()) if len(obs) else 1, 1) + int(np.ceil(self.horizon)) + 1)
            ax.plot(k, row["level"] * row["ratio"] ** (k - 1), "-", color=line.get_color(), alpha=0.6)
        ax.set_xlabel(f"age (periods of {self.period})")
        ax.set_ylabel("mean value per cohort customer")
        ax.set_title("Value curves by cohort")
        ax.legend(fontsize=7)
        return ax


@dataclass(repr=False)
class CurveValidation(Result):
    """Holdout comparison of the fitted value curves with the BTYD forecast.

    Returned by :func:`curve_holdout_validation`; the fields below are its attributes.
    ``summary()`` is ``table``, ``to_frame()`` is ``predictions`` and ``plot()`` draws the
    mean holdout spend by calibration-value decile, actual against each method.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per method (``btyd``, ``cohort_curve``, ``customer_curve``): ``predicted``,
        ``actual``, ``error`` (relative), ``mae``, ``rmse``, ``correlation``.
    predictions : pandas.DataFrame
        Per calibration customer: ``actual`` holdout spend, each method's forecast and
        ``calibration_value`` (calibration spend) when the summary has ``monetary``.
    notes : list of str, optional
        What the reader should know about the comparison.

    See Also
    --------
    curve_holdout_validation : builds it.
    HoldoutValidation : the holdout check of a BTYD model's purchase counts.

    Examples
    --------
    >>> import pandas as pd
    >>> pred = pd.DataFrame({"actual": [10.0, 0.0], "btyd": [8.0, 1.0],
    ...                      "cohort_curve": [5.0, 5.0], "customer_curve": [9.0, 0.5]})
    >>> table = pd.DataFrame({"predicted": pred.drop(columns="actual").sum(), "actual": 10.0})
    >>> table["error"] = table["predicted"] / table["actual"] - 1
    >>> check = CurveValidation(table=table, predictions=pred)
    >>> check.summary()["error"].round(2).to_dict()
    {'btyd': -0.1, 'cohort_curve': 0.0, 'customer_curve': -0.05}
    """

    table: pd.DataFrame
    predictions: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        return self.predictions.copy()

    def summary(self) -> pd.DataFrame:
        return self.table.copy()

    def _repr_items(self) -> dict[str, Any]:
        items: dict[str, Any] = {"customers": len(self.predictions)}
        for name, row in self.table.iterrows():
            items[f"{name}_error"] = float(row["error"])
        return items

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Mean holdout spend by calibration-spend decile: actual vs each method."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        pred = self.predictions
        ranks = (
            pred["actual"].rank(method="first")
            if "calibration_value" not in pred
            else pred["calibration_value"].rank(method="first")
        )
        decile = np.ceil(ranks / len(pred) * 10).clip(1, 10)
        grouped = pred.drop(columns=[c for c in ("calibration_value",) if c in pred]).groupby(decile).mean()
        for col in grouped.columns:
            ax.plot(grouped.index, grouped[col], "k-o" if col == "actual" else "--s", label=col, **kwargs)
        ax.set_xlabel("calibration value decile")
        ax.set_ylabel("mean holdout spend")
        ax.set_title("Holdout: value curves vs BTYD")
        ax.legend()
        return ax


def curve_holdout_validation(
    tx: Any,
    calibration: pd.DataFrame,
    holdout: pd.DataFrame,
    transaction_model: Any,
    spend_model: Any,
    *,
    calibration_end: Any,
    observation_end: Any,
    period: str | float = "M",
    min_periods: int = 3,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> CurveValidation:
    """Compare value-curve and BTYD forecasts of holdout spend on the same split.

    Parameters
    ----------
    tx : table
        The whole clean log (both periods).
    calibration, holdout : pandas.DataFrame
        From :func:`crmmine.calibration_holdout` with the same ``calibration_end`` and
        ``observation_end``; the models are fitted on ``calibration``.
    transaction_model : fitted BGNBD, ParetoNBD, MBGNBD or BGBB
        Fitted on ``calibration``; its expected purchases over the holdout ``duration``
        make the BTYD forecast.
    spend_model : fitted GammaGamma or float
        Expected spend per purchase: a fitted model (each customer's conditional mean) or
        one number for everyone.
    calibration_end, observation_end : date-like
        Last day (inclusive) of the calibration and of the holdout period, as given to
        :func:`crmmine.calibration_holdout`; the curves are fitted on ``tx`` up to
        ``calibration_end``.
    period : str or float, default "M"
        Period of the curves; the holdout length is counted in these periods (a fraction
        counts part of the last one).
    min_periods : int, default 3
        Ages a cohort needs for a curve of its own, as in :class:`ValueCurves`.
    columns : mapping, optional
        Role -> column name of ``tx`` for ``customer_id``, ``date`` and ``amount``.
    customer_id, date, amount : str, optional
        Column names of ``tx`` (override ``columns``).

    Returns
    -------
    CurveValidation
        ``table``: one row per method (``btyd``, ``cohort_curve``, ``customer_curve``) with
        the predicted and actual total holdout spend, the relative ``error``, ``mae``,
        ``rmse`` and ``correlation`` over customers; ``predictions``: one row per
        calibration customer (same index).

    Raises
    ------
    ParameterError
        ``observation_end`` not after ``calibration_end``, or a ``holdout`` without the
        ``spend`` and ``duration`` columns.
    DataError
        Calibration customers with no transaction up to ``calibration_end`` in ``tx``.

    See Also
    --------
    ValueCurves : the curves being checked.
    holdout_validation : the holdout check of purchase counts by frequency.
    crmmine.calibration_holdout : builds ``calibration`` and ``holdout``.

    Examples
    --------
    The transaction model below has illustrative parameters (a fit on this one-year sample is
    at a boundary, see the value-methods guide); every method is judged on the same holdout
    spend.

    >>> import crmmine as cm
    >>> from crmmine.value import BGNBD
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> cal, hold = cm.calibration_holdout(tx, "2011-09-09", "2011-12-09", time_unit="W")
    >>> bgnbd = BGNBD.from_params(r=0.84, alpha=11.45, a=0.05, b=2.0, time_unit="W")
    >>> check = curve_holdout_validation(tx, cal, hold, bgnbd, 298.0, period="M",
    ...                                  calibration_end="2011-09-09", observation_end="2011-12-09")
    >>> check.table.index.tolist()
    ['btyd', 'cohort_curve', 'customer_curve']
    >>> bool((check.table["actual"] == hold["spend"].sum()).all())
    True
    >>> check.table["error"].round(2).tolist()
    [-0.64, -0.44, -0.48]

    References
    ----------
    Fader, P. S. and Hardie, B. G. S. (2007). How to project customer retention. *Journal of
    Interactive Marketing* 21(1), 76-90.
    """
    cal_end = as_timestamp(calibration_end, "calibration_end")
    obs_end = as_timestamp(observation_end, "observation_end")
    if obs_end <= cal_end:
        raise ParameterError("observation_end must be after calibration_end.")
    if "spend" not in holdout.columns or "duration" not in holdout.columns:
        raise ParameterError(
            "holdout must be calibration_holdout's second table (columns 'spend', 'duration')."
        )
    actual = align_to(
        holdout["spend"], calibration.index, name="holdout spend", target="the calibration summary"
    )
    duration = float(np.asarray(holdout["duration"], dtype="float64")[0])
    purchases = transaction_model.expected_purchases(calibration, duration).to_numpy(dtype="float64")
    if isinstance(spend_model, Real) and not isinstance(spend_model, bool):
        spend = np.full(len(calibration), float(spend_model))
    else:
        spend = spend_model.expected_spend(calibration).to_numpy(dtype="float64")
    horizon = (obs_end.normalize() - cal_end.normalize()).days / period_days(period)
    with warnings.catch_warnings():  # the holdout transactions are meant to be after calibration_end
        warnings.filterwarnings("ignore", message=r".*dated after as_of", category=DataWarning)
        curves = ValueCurves(period=period, horizon=horizon, min_periods=min_periods).fit(
            tx, as_of=cal_end, columns=columns, customer_id=customer_id, date=date, amount=amount
        )
    values = curves.values_.reindex(calibration.index)
    if values["customer_value"].isna().any():
        missing = values.index[values["customer_value"].isna()]
        raise DataError(
            f"{len(missing):,} calibration customers have no transaction on or before calibration_end in tx "
            f"(e.g. {list(missing[:5])}). Fix: pass the same log the calibration summary was built from."
        )
    pred = pd.DataFrame(
        {
            "actual": actual.to_numpy(dtype="float64"),
            "btyd": purchases * spend,
            "cohort_curve": values["cohort_value"].to_numpy(),
            "customer_curve": values["customer_value"].to_numpy(),
        },
        index=calibration.index,
    )
    if "monetary" in calibration.columns:
        pred["calibration_value"] = pd.to_numeric(calibration["monetary"], errors="coerce").to_numpy()
    rows = {}
    for method in ("btyd", "cohort_curve", "customer_curve"):
        err = pred[method] - pred["actual"]
        total_actual = float(pred["actual"].sum())
        rows[method] = {
            "predicted": float(pred[method].sum()),
            "actual": total_actual,
            "error": float(pred[method].sum() / total_actual - 1.0) if total_actual else np.nan,
            "mae": float(err.abs().mean()),
            "rmse": float(np.sqrt((err**2).mean())),
            "correlation": float(np.corrcoef(pred[method], pred["actual"])[0, 1])
            if pred[method].std() > 0 and pred["actual"].std() > 0
            else np.nan,
        }
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "method"
    return CurveValidation(table=table, predictions=pred)
