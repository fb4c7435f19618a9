"""Holdout validation of buy-till-you-die models."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmmine.data.columns import require_columns, time_unit_days
from crmmine.errors import ParameterError

__all__ = ["HoldoutValidation", "expected_frequency_counts", "holdout_validation", "tracking"]


def expected_frequency_counts(model: Any, summary: pd.DataFrame, max_frequency: int) -> np.ndarray:
    """Expected number of customers with 0, 1, ..., ``max_frequency - 1`` and ``>= max_frequency``
    repeat purchases in calibration, under the model (summing P(X(T_i) = x) over customers).

    Customers are grouped by their age ``T`` so the PMF is evaluated once per distinct age.
    """
    ages, counts = np.unique(summary["T"].to_numpy(dtype="float64"), return_counts=True)
    n = np.arange(max_frequency, dtype="float64")
    pmf = model.purchase_pmf(n[None, :], ages[:, None])
    expected = (counts[:, None] * pmf).sum(axis=0)
    return np.append(expected, counts.sum() - expected.sum())


def _chi_square(observed: np.ndarray, expected: np.ndarray, n_params: int) -> tuple[float, int, float]:
    """Pearson chi-square after pooling the right tail until every expected count is >= 5."""
    obs, exp = list(observed.astype(float)), list(expected.astype(float))
    while len(exp) > 2 and exp[-1] < 5:
        exp[-2] += exp.pop()
        obs[-2] += obs.pop()
    o, e = np.array(obs), np.array(exp)
    stat = float(((o - e) ** 2 / np.maximum(e, 1e-12)).sum())
    dof = max(len(e) - 1 - n_params, 1)
    return stat, dof, float(stats.chi2.sf(stat, dof))


@dataclass
class HoldoutValidation:
    """Result of :func:`holdout_validation`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per model: holdout purchases predicted vs actual, error measures, the
        zero-repeat group, the calibration-frequency chi-square and LL/AIC/BIC.
    by_frequency : pandas.DataFrame
        Mean holdout purchases by calibration frequency (actual and per model).
    predictions : pandas.DataFrame
        Per customer: actual holdout purchases and each model's prediction.
    frequency_fit : pandas.DataFrame
        Observed and expected calibration-frequency counts per model.
    """

    table: pd.DataFrame
    by_frequency: pd.DataFrame
    predictions: pd.DataFrame
    frequency_fit: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The per-model table."""
        return self.table.copy()

    def summary(self) -> str:
        """A few lines of text for the log or a report."""
        lines = []
        for name, row in self.table.iterrows():
            lines.append(
                f"{name}: predicted {row['predicted']:.1f} vs actual {row['actual']:.0f} holdout "
                f"purchases ({row['predicted'] / row['actual'] - 1:+.1%}), MAE {row['mae']:.3f}, "
                f"chi2 p={row['chi2_p']:.3g}"
            )
        return "\n".join(lines + self.notes)

    def plot(self, ax=None, max_frequency: int = 7):
        """Mean holdout purchases by calibration frequency: actual vs each model."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        frame = self.by_frequency.iloc[: max_frequency + 1]
        labels = frame.index.astype(str)
        ax.plot(labels, frame["actual"], "k-o", label="actual")
        for col in frame.columns.drop(["actual", "customers"]):
            ax.plot(labels, frame[col], "--s", label=col)
        ax.set_xlabel("repeat purchases in calibration")
        ax.set_ylabel("mean purchases in holdout")
        ax.set_title("Calibration vs holdout")
        ax.legend()
        return ax


def holdout_validation(
    models: Any, calibration: pd.DataFrame, holdout: pd.DataFrame, *, max_frequency: int = 7
) -> HoldoutValidation:
    """Compare fitted models' holdout predictions with what customers actually did.

    Parameters
    ----------
    models : fitted model or dict of name -> fitted model
        Transaction models (``expected_purchases``, ``purchase_pmf``).
    calibration : pandas.DataFrame
        Calibration summary the models were fitted on (``frequency``, ``recency``, ``T``).
    holdout : pandas.DataFrame
        From :func:`crmmine.calibration_holdout`: ``purchases`` and ``duration`` per customer,
        indexed like ``calibration``.
    max_frequency : int, default 7
        Calibration frequencies shown individually; larger ones are pooled ("7+").

    Returns
    -------
    HoldoutValidation

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> cal = pd.DataFrame({"frequency": [2, 0, 5], "recency": [30.4, 0.0, 35.0], "T": [38.9] * 3})
    >>> hold = pd.DataFrame({"purchases": [1, 0, 3], "duration": [39.0] * 3}, index=cal.index)
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> res = holdout_validation({"BG/NBD": m}, cal, hold)
    >>> int(res.table.loc["BG/NBD", "actual"])
    4

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way.
    *Marketing Science* 24(2), 275-284 (figures 2-4: the validation views reproduced here).
    """
    if not isinstance(models, dict):
        models = {type(models).__name__: models}
    require_columns(calibration.columns, ["frequency", "recency", "T"], role="calibration summary")
    require_columns(holdout.columns, ["purchases", "duration"], role="holdout table")
    if not calibration.index.equals(holdout.index):
        missing = calibration.index.difference(holdout.index)
        raise ParameterError(
            f"calibration and holdout must have the same customers in the same order; "
            f"{len(missing)} calibration customers are not in holdout (e.g. "
            f"{list(missing[:5])}). Build both with crmmine.calibration_holdout."
        )
    actual = holdout["purchases"].to_numpy(dtype="float64")
    duration = holdout["duration"].to_numpy(dtype="float64")
    freq = calibration["frequency"].to_numpy()
    zero = freq == 0
    preds = pd.DataFrame({"actual": actual}, index=calibration.index)
    table, fits = {}, {}
    observed = np.bincount(np.minimum(freq.astype(int), max_frequency), minlength=max_frequency + 1)
    for name, model in models.items():
        pred = model.expected_purchases(calibration, duration).to_numpy()
        preds[name] = pred
        row = {
            "predicted": pred.sum(),
            "actual": actual.sum(),
            "mae": np.abs(pred - actual).mean(),
            "rmse": np.sqrt(((pred - actual) ** 2).mean()),
            "correlation": np.corrcoef(pred, actual)[0, 1] if actual.std() > 0 else np.nan,
            "zero_repeat_predicted": pred[zero].sum(),
            "zero_repeat_actual": actual[zero].sum(),
        }
        if hasattr(model, "purchase_pmf"):
            expected = expected_frequency_counts(model, calibration, max_frequency)
            row["chi2"], row["chi2_dof"], row["chi2_p"] = _chi_square(observed, expected, len(model.params_))
            fits[name] = expected
        for attr in ("log_likelihood_", "aic_", "bic_"):
            try:
                row[attr.rstrip("_")] = float(getattr(model, attr))
            except AttributeError:
                row[attr.rstrip("_")] = np.nan
        table[name] = row
    bucket = np.minimum(freq.astype(int), max_frequency)
    labels = [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]
    by_freq = preds.groupby(bucket).mean()
    by_freq.insert(0, "customers", np.bincount(bucket, minlength=max_frequency + 1)[by_freq.index])
    by_freq.index = [labels[i] for i in by_freq.index]
    freq_fit = pd.DataFrame({"observed": observed, **fits}, index=labels)
    return HoldoutValidation(
        table=pd.DataFrame(table).T, by_frequency=by_freq, predictions=preds, frequency_fit=freq_fit
    )


def tracking(
    model: Any,
    transactions: pd.DataFrame,
    *,
    calibration_end: Any,
    observation_end: Any,
    time_unit: str = "W",
    count: str = "orders",
    customer_id: str = "customer_id",
    order_id: str = "order_id",
    date: str = "date",
) -> pd.DataFrame:
    """Cumulative repeat purchases of a cohort by period: actual vs expected under the model.

    Each customer's repeat purchases are the orders after her first; the model's expectation is
    ``E[X(t - first_purchase)]`` for a new customer, summed over customers (computed once per
    distinct first-purchase day).

    Parameters
    ----------
    model : fitted transaction model
    transactions : pandas.DataFrame
        The whole log (calibration and holdout).
    calibration_end, observation_end : date-like
    time_unit : str, default "W"
        The model's time unit; also the tracking period.
    count : {"orders", "days"}
        Count distinct orders or distinct purchase days, as the summary did.

    Returns
    -------
    pandas.DataFrame
        Indexed by period end (exclusive: a purchase on that day belongs to the next period):
        ``actual`` and ``expected`` cumulative repeat purchases, and ``calibration`` (True up to
        ``calibration_end``).
    """
    if count not in ("orders", "days"):
        raise ParameterError(f"count must be 'orders' or 'days', got {count!r}")
    keys = [customer_id, order_id] if count == "orders" else [customer_id, "__day"]
    require_columns(
        transactions.columns,
        [customer_id, date] + ([order_id] if count == "orders" else []),
        role="transactions",
    )
    unit = time_unit_days(time_unit)
    frame = transactions[[c for c in (customer_id, order_id, date) if c in transactions.columns]].copy()
    frame["__day"] = frame[date].dt.normalize()
    orders = frame.groupby(keys, sort=False)["__day"].min().rename(date).reset_index()
    first = orders.groupby(customer_id)[date].transform("min")
    rank = orders.sort_values(date).groupby(customer_id).cumcount()
    repeats = orders.loc[rank[rank > 0].index, date]
    start = first.min()
    stop = pd.Timestamp(observation_end).normalize() + pd.Timedelta(days=1)  # purchases before stop count
    edges = start + pd.to_timedelta(np.arange(unit, (stop - start).days + 1e-9, unit), unit="D")
    if len(edges) == 0 or edges[-1] < stop:
        edges = edges.append(pd.DatetimeIndex([stop]))
    actual = np.searchsorted(np.sort(repeats.to_numpy()), edges.to_numpy(), side="left")
    firsts = orders.groupby(customer_id)[date].min()
    days, counts = np.unique(((firsts - start).dt.days).to_numpy(), return_counts=True)
    ages = ((edges - start).days.to_numpy()[:, None] - days[None, :]) / unit
    expected = (
        np.where(ages > 0, model.expected_purchases_new(np.maximum(ages, 0.0)), 0.0) * counts[None, :]
    ).sum(axis=1)
    return pd.DataFrame(
        {
            "actual": actual,
            "expected": expected,
            "calibration": edges <= pd.Timestamp(calibration_end).normalize() + pd.Timedelta(days=1),
        },
        index=edges,
    )
