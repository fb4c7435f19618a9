"""Holdout validation of buy-till-you-die models: holdout table, tracking, period transactions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmmine._align import align_to
from crmmine._backend import to_pandas
from crmmine._params import Interval, Options, check_params, validate_params
from crmmine._results import Result
from crmmine._units import naive_utc, time_unit_days
from crmmine.data.columns import require_columns, resolve_columns
from crmmine.errors import ParameterError, bad_rows_error
from crmmine.value._base import _column
from crmmine.value._methods_common import as_timestamp
from crmmine.value.plots import plot_tracking

__all__ = [
    "HoldoutValidation",
    "PeriodTransactions",
    "Tracking",
    "expected_frequency_counts",
    "holdout_validation",
    "period_transactions",
    "tracking",
]


def _ages_and_counts(model: Any, summary: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Observed repeat counts and ages (T, or opportunities for BG/BB) in the model's columns."""
    names = model._column_names(None, True)
    age_role = "n_periods" if "n_periods" in names else "T"
    require_columns(summary.columns, [names["frequency"], names[age_role]], role="customer summary")
    freq = _column(summary, names["frequency"], "frequency")
    _whole_counts(summary, names["frequency"], freq, "repeat purchases")
    ages = _column(summary, names[age_role], age_role)
    return freq, ages


def _whole_counts(table: pd.DataFrame, column: str, values: np.ndarray, what: str) -> None:
    """Raise naming the rows whose count is not a whole number (they would be truncated)."""
    frac = values != np.floor(values)
    if frac.any():
        raise bad_rows_error(
            column,
            f"non-integer counts of {what}",
            table.loc[frac, [column]],
            int(frac.sum()),
            f"{column} counts {what}: pass whole numbers",
        )


@validate_params({"max_frequency": [Interval(Integral, 1, None)]})
def expected_frequency_counts(model: Any, summary: pd.DataFrame, max_frequency: int) -> np.ndarray:
    """Expected number of customers with 0, 1, ..., ``max_frequency - 1`` and ``>= max_frequency``
    repeat purchases in calibration, under the model (summing P(X(T_i) = x) over customers).

    Customers are grouped by their age ``T`` (or, for BG/BB, their number of opportunities) so the
    PMF is evaluated once per distinct age.

    Parameters
    ----------
    model : fitted BGNBD, ParetoNBD, MBGNBD or BGBB
        A model with ``purchase_pmf``; the summary's columns are read under the names it was
        fitted with.
    summary : pandas.DataFrame
        Customer summary with each customer's ``T`` (``n_periods`` for BG/BB).
    max_frequency : int
        Number of single bins (at least 1); the last bin pools ``max_frequency`` and more.

    Returns
    -------
    numpy.ndarray
        ``max_frequency + 1`` expected customer counts (floats) that sum to the number of
        customers.

    See Also
    --------
    period_transactions : these counts beside the observed ones, with a chi-square test.
    holdout_validation : uses them for the calibration-frequency fit of each model.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> s = pd.DataFrame({"frequency": [0, 0, 1, 3], "recency": [0.0, 0.0, 5.0, 30.0], "T": [38.9] * 4})
    >>> counts = expected_frequency_counts(m, s, 3)
    >>> counts.round(3).tolist(), round(float(counts.sum()), 6)
    ([2.298, 0.797, 0.341, 0.564], 4.0)
    """
    _, ages_all = _ages_and_counts(model, summary)
    ages, counts = np.unique(ages_all, return_counts=True)
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


def _labels(max_frequency: int) -> list[str]:
    return [str(i) for i in range(max_frequency)] + [f"{max_frequency}+"]


@dataclass(repr=False)
class HoldoutValidation(Result):
    """Result of :func:`holdout_validation`.

    The fields below are its attributes. ``to_frame()`` is ``table``, ``summary()`` the
    headline figures per model and ``plot()`` the mean holdout purchases by calibration
    frequency, actual against each model (Fader, Hardie & Lee 2005, figure 4).

    Parameters
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
    notes : list of str, optional
        The models' fit warnings (boundary fits, data repairs), prefixed with the model name.

    See Also
    --------
    holdout_validation : builds it.
    Tracking : cumulative purchases over time, the other holdout view.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> cal = pd.DataFrame({"frequency": [2, 0, 5], "recency": [30.4, 0.0, 35.0], "T": [38.9] * 3})
    >>> hold = pd.DataFrame({"purchases": [1, 0, 3], "duration": [39.0] * 3}, index=cal.index)
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> res = holdout_validation({"BG/NBD": m}, cal, hold)
    >>> res.by_frequency["actual"].tolist()
    [0.0, 1.0, 3.0]
    >>> res.summary().loc["BG/NBD", ["predicted", "actual"]].round(2).tolist()
    [4.58, 4.0]
    """

    table: pd.DataFrame
    by_frequency: pd.DataFrame
    predictions: pd.DataFrame
    frequency_fit: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The per-model table."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Headline figures per model: predicted and actual holdout purchases, error, MAE, chi-square p."""
        t = self.table
        return pd.DataFrame(
            {
                "predicted": t["predicted"].astype(float),
                "actual": t["actual"].astype(float),
                "error": (t["predicted"] / t["actual"] - 1.0).astype(float),
                "mae": t["mae"].astype(float),
                "chi2_p": t["chi2_p"].astype(float) if "chi2_p" in t else np.nan,
                "bic": t["bic"].astype(float),
            },
            index=t.index,
        )

    def _repr_items(self) -> dict[str, Any]:
        return {
            "models": list(self.table.index),
            "customers": len(self.predictions),
            "actual": float(self.table["actual"].iloc[0]),
        }

    def plot(self, ax=None, max_frequency: int = 7, **kwargs: Any):
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


@validate_params({"max_frequency": [Interval(Integral, 1, None)]})
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
        matched to ``calibration`` on the index (the same customers, in any order).
    max_frequency : int, default 7
        Calibration frequencies shown individually; larger ones are pooled ("7+").

    Returns
    -------
    HoldoutValidation
        ``table`` (one row per model), ``by_frequency``, ``predictions`` (one row per
        calibration customer, same index) and ``frequency_fit``.

    Raises
    ------
    DataError
        The holdout table does not have the same customers as the calibration summary.
    SchemaError
        Missing ``frequency``, ``recency``, ``T``, ``purchases`` or ``duration`` columns.

    See Also
    --------
    crmmine.calibration_holdout : builds ``calibration`` and ``holdout`` from a log.
    tracking : cumulative repeat purchases of the cohort over time.
    period_transactions : the calibration-frequency histogram of one model.
    curve_holdout_validation : the same split used to check value curves against the models.

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
    if not models:
        raise ParameterError("models must name at least one fitted model.")
    for name, model in models.items():
        if not hasattr(model, "expected_purchases"):
            raise ParameterError(
                f"models[{name!r}] is a {type(model).__name__}, not a transaction model (no "
                "expected_purchases). Fix: pass a fitted BGNBD, ParetoNBD, MBGNBD or BGBB, or a dict "
                "of name -> model, e.g. {'BG/NBD': bgnbd}."
            )
    require_columns(calibration.columns, ["frequency", "recency", "T"], role="calibration summary")
    require_columns(holdout.columns, ["purchases", "duration"], role="holdout table")
    actual_s = align_to(
        holdout["purchases"], calibration.index, name="holdout", target="the calibration summary"
    )
    duration_s = align_to(
        holdout["duration"], calibration.index, name="holdout", target="the calibration summary"
    )
    actual = pd.to_numeric(actual_s, errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(actual) | (actual < 0)
    if bad.any():
        raise bad_rows_error(
            "purchases",
            "missing, non-numeric, infinite or negative holdout purchases",
            actual_s[bad].to_frame("purchases"),
            int(bad.sum()),
            "purchases counts each customer's holdout purchases (0 if none): build the holdout "
            "table with crmmine.calibration_holdout or fill/remove those rows",
        )
    freq = calibration["frequency"].to_numpy()
    zero = freq == 0
    preds = pd.DataFrame({"actual": actual}, index=calibration.index)
    table, fits = {}, {}
    observed = np.bincount(np.minimum(freq.astype(int), max_frequency), minlength=max_frequency + 1)
    for name, model in models.items():
        pred = model.expected_purchases(calibration, duration_s).to_numpy()
        preds[name] = pred
        row = {
            "predicted": pred.sum(),
            "actual": actual.sum(),
            "mae": np.abs(pred - actual).mean(),
            "rmse": np.sqrt(((pred - actual) ** 2).mean()),
            "correlation": np.corrcoef(pred, actual)[0, 1] if actual.std() > 0 and pred.std() > 0 else np.nan,
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
            except (AttributeError, ValueError):
                row[attr.rstrip("_")] = np.nan
        table[name] = row
    bucket = np.minimum(freq.astype(int), max_frequency)
    labels = _labels(max_frequency)
    by_freq = preds.groupby(bucket).mean()
    by_freq.insert(0, "customers", np.bincount(bucket, minlength=max_frequency + 1)[by_freq.index])
    by_freq.index = [labels[i] for i in by_freq.index]
    freq_fit = pd.DataFrame({"observed": observed, **fits}, index=labels)
    notes = [f"{name}: {w}" for name, model in models.items() for w in getattr(model, "warnings_", [])]
    return HoldoutValidation(
        table=pd.DataFrame(table).T,
        by_frequency=by_freq,
        predictions=preds,
        frequency_fit=freq_fit,
        notes=notes,
    )


@dataclass(repr=False)
class Tracking(Result):
    """Result of :func:`tracking`: cumulative repeat purchases by period, actual vs the model.

    The fields below are its attributes. ``summary()`` gives the cumulative figures at the
    end of calibration and of observation, with the relative error; ``plot()`` draws both
    curves (:func:`plot_tracking`).

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by period end: ``actual``, ``expected`` and ``calibration`` (True up to the end
        of the calibration period).
    time_unit : str or float, optional
        The tracking period (the model's time unit).

    See Also
    --------
    tracking : builds it.
    plot_tracking : draws it.
    HoldoutValidation : per-customer holdout comparison.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2020-01-08", periods=3, freq="7D", name="period_end")
    >>> track = Tracking(pd.DataFrame({"actual": [0, 2, 4], "expected": [0.5, 2.0, 5.0],
    ...                                "calibration": [True, True, False]}, index=days), "W")
    >>> track.summary()["error"].round(2).tolist()
    [0.0, 0.25]
    """

    table: pd.DataFrame
    time_unit: Any = None

    def to_frame(self) -> pd.DataFrame:
        """The per-period table."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Cumulative actual and expected repeat purchases at the end of calibration and of the holdout."""
        t = self.table
        rows = {}
        cal = t[t["calibration"]]
        if len(cal):
            rows["end of calibration"] = cal.iloc[-1]
        rows["end of observation"] = t.iloc[-1]
        out = pd.DataFrame(rows).T[["actual", "expected"]].astype(float)
        out["error"] = out["expected"] / out["actual"] - 1.0
        return out

    def _repr_items(self) -> dict[str, Any]:
        return {
            "periods": len(self.table),
            "actual": int(self.table["actual"].iloc[-1]),
            "expected": float(self.table["expected"].iloc[-1]),
        }

    def plot(self, ax=None, **kwargs: Any):
        """Cumulative repeat purchases, actual vs expected; returns the Axes."""
        return plot_tracking(self, ax=ax)


def tracking(
    model: Any,
    transactions: Any,
    *,
    calibration_end: Any,
    observation_end: Any,
    time_unit: Any = None,
    count: str = "days",
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
) -> Tracking:
    """Cumulative repeat purchases of a cohort by period: actual vs expected under the model.

    Each customer's repeat purchases are the purchases after her first; the model's expectation is
    ``E[X(t - first_purchase)]`` for a new customer, summed over customers (computed once per
    distinct first-purchase day).

    Parameters
    ----------
    model : fitted BGNBD, ParetoNBD or MBGNBD
        Its ``expected_purchases_new`` gives a new customer's expected repeat purchases.
    transactions : table
        The whole log (calibration and holdout), any backend.
    calibration_end, observation_end : date-like
        Last day (inclusive) of the calibration period (it sets the ``calibration`` flag) and
        of the observation; later transactions are not counted.
    time_unit : str or float, optional
        The tracking period; default the model's ``time_unit_`` (raises when unknown).
    count : {"days", "orders"}, default "days"
        Count distinct purchase days (as the models assume) or distinct orders, as the summary did.
    columns : mapping, optional
        Role -> column name for ``customer_id``, ``order_id`` and ``date``.
    customer_id, order_id, date : str, optional
        Column names (override ``columns``); ``order_id`` is read with ``count="orders"``.

    Returns
    -------
    Tracking
        ``to_frame()`` is indexed by period end (exclusive: a purchase on that day belongs to the
        next period).

    Raises
    ------
    ParameterError
        A ``time_unit`` that differs from the model's, or none known.
    DataError
        Transactions with a missing id or date.

    See Also
    --------
    plot_tracking : draws the result.
    holdout_validation : per-customer holdout comparison.

    Examples
    --------
    Two customers, three repeat purchases (two of them after the calibration period):

    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-20", "2020-03-02",
    ...                                            "2020-01-08", "2020-02-19"])})
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    >>> track = tracking(m, tx, calibration_end="2020-01-31", observation_end="2020-03-31")
    >>> track.summary()["actual"].tolist()
    [1.0, 3.0]
    >>> bool(track.to_frame()["expected"].is_monotonic_increasing)
    True

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way.
    *Marketing Science* 24(2), 275-284 (figure 2: tracking cumulative repeat transactions).
    """
    check_params({"count": count}, {"count": [Options({"orders", "days"})]}, caller="tracking()")
    unit_name = time_unit if time_unit is not None else model._unit("tracking()")
    unit = time_unit_days(unit_name)
    model_unit = getattr(model, "time_unit_", None)
    if model_unit is not None and not np.isclose(time_unit_days(model_unit), unit):
        raise ParameterError(
            f"tracking(): time_unit={time_unit!r} differs from the model's time unit {model_unit!r}; the "
            f"model's expectations are in {model_unit!r}. Fix: drop time_unit=."
        )
    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date)
    needed = [cols.customer_id, cols.date] + ([cols.order_id] if count == "orders" else [])
    frame = to_pandas(transactions, what="transactions")
    require_columns(frame.columns, needed, role="transactions")
    frame = frame[needed].copy()
    for column in needed:
        missing = frame[column].isna()
        if missing.any():
            raise bad_rows_error(column, "missing values", frame[missing], int(missing.sum()),
                                 "clean the log first with clean_transactions(...)")
    try:
        dates = pd.to_datetime(frame[cols.date], errors="coerce")
    except (TypeError, ValueError):  # e.g. mixed time zones
        dates = pd.Series(pd.NaT, index=frame.index)
    if dates.isna().any():
        bad = dates.isna()
        raise bad_rows_error(cols.date, "values that are not dates", frame[bad], int(bad.sum()),
                             "parse the dates first (clean_transactions)")
    dates = naive_utc(dates)  # as customer_summary: time-zone-aware dates are read in UTC
    frame["__day"] = dates.dt.normalize()
    keys = [cols.customer_id, cols.order_id] if count == "orders" else [cols.customer_id, "__day"]
    orders = frame.groupby(keys, sort=False)["__day"].min().rename("__first").reset_index()
    rank = orders.sort_values("__first", kind="stable").groupby(cols.customer_id).cumcount()
    repeats = orders.loc[rank[rank > 0].index, "__first"]
    start = orders["__first"].min()
    calibration_end = as_timestamp(calibration_end, "calibration_end")
    stop = as_timestamp(observation_end, "observation_end").normalize() + pd.Timedelta(days=1)  # before stop
    edges = start + pd.to_timedelta(np.arange(unit, (stop - start).days + 1e-9, unit), unit="D")
    if len(edges) == 0 or edges[-1] < stop:
        edges = edges.append(pd.DatetimeIndex([stop]))
    actual = np.searchsorted(np.sort(repeats.to_numpy()), edges.to_numpy(), side="left")
    firsts = orders.groupby(cols.customer_id)["__first"].min()
    days, counts = np.unique(((firsts - start).dt.days).to_numpy(), return_counts=True)
    ages = ((edges - start).days.to_numpy()[:, None] - days[None, :]) / unit
    expected = (
        np.where(ages > 0, model.expected_purchases_new(np.maximum(ages, 0.0)), 0.0) * counts[None, :]
    ).sum(axis=1)
    table = pd.DataFrame(
        {
            "actual": actual,
            "expected": expected,
            "calibration": edges <= pd.Timestamp(calibration_end).normalize() + pd.Timedelta(days=1),
        },
        index=pd.DatetimeIndex(edges, name="period_end"),
    )
    return Tracking(table=table, time_unit=unit_name)


@dataclass(repr=False)
class PeriodTransactions(Result):
    """Result of :func:`period_transactions`: customers by number of repeat purchases, actual vs model.

    The fields below are its attributes. ``summary()`` is the chi-square test and ``plot()``
    draws the two histograms side by side.

    Parameters
    ----------
    table : pandas.DataFrame
        Indexed by repeat purchases (``0``, ``1``, ..., ``"7+"``): ``actual`` and ``model``
        (expected number of customers).
    chi2 : float
        Pearson chi-square of the fit (right tail pooled until expected counts reach 5).
    chi2_dof : int
        Its degrees of freedom: pooled bins - 1 - the model's parameters (at least 1).
    chi2_p : float
        Its p-value.

    See Also
    --------
    period_transactions : builds it.
    expected_frequency_counts : the model's column.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"actual": [2, 1, 1], "model": [2.2, 1.1, 0.7]},
    ...                      index=pd.Index(["0", "1", "2+"], name="repeat_purchases"))
    >>> res = PeriodTransactions(table, chi2=0.15, chi2_dof=1, chi2_p=0.70)
    >>> res.summary()[["dof", "customers"]].values.tolist()
    [[1.0, 4.0]]
    """

    table: pd.DataFrame
    chi2: float
    chi2_dof: int
    chi2_p: float

    def to_frame(self) -> pd.DataFrame:
        """Customers by number of repeat purchases: actual and expected."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """The chi-square test of the histogram fit."""
        return pd.DataFrame(
            {
                "chi2": [self.chi2],
                "dof": [self.chi2_dof],
                "p_value": [self.chi2_p],
                "customers": [float(self.table["actual"].sum())],
            }
        )

    def _repr_items(self) -> dict[str, Any]:
        return {"bins": len(self.table), "chi2_p": self.chi2_p}

    def plot(self, ax=None, **kwargs: Any):
        """Bars of actual and expected customers by number of repeat purchases; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        pos = np.arange(len(self.table))
        width = 0.4
        ax.bar(
            pos - width / 2, self.table["actual"], width, label="actual", color=kwargs.get("color", "#3b6ea8")
        )
        ax.bar(pos + width / 2, self.table["model"], width, label="model", color="#c0392b")
        ax.set_xticks(pos, self.table.index.astype(str))
        ax.set_xlabel("repeat purchases in the calibration period")
        ax.set_ylabel("customers")
        ax.set_title("Period transactions: actual vs model")
        ax.legend()
        return ax


@validate_params({"max_frequency": [Interval(Integral, 1, None)]})
def period_transactions(model: Any, summary: pd.DataFrame, *, max_frequency: int = 7) -> PeriodTransactions:
    """Customers by number of repeat purchases in the summary's period: actual vs the fitted model.

    The model's count for ``x`` repeat purchases sums ``P(X(T_i) = x)`` over customers with their
    own ages ``T_i`` (exact, no simulation); the last bin pools ``max_frequency`` and more.

    Parameters
    ----------
    model : fitted BGNBD, ParetoNBD, MBGNBD or BGBB
        The model whose histogram is compared with the data.
    summary : pandas.DataFrame
        The summary the model was fitted on.
    max_frequency : int, default 7
        Number of single bins (at least 1); the last bin pools ``max_frequency`` and more.

    Returns
    -------
    PeriodTransactions
        ``table`` indexed by ``repeat_purchases`` (``"0"`` ... ``"7+"``) with the ``actual``
        and ``model`` customer counts, and the chi-square test.

    See Also
    --------
    expected_frequency_counts : the model's counts alone.
    holdout_validation : the holdout comparison, with this histogram for several models.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> s = pd.DataFrame({"frequency": [0, 0, 1, 3], "recency": [0.0, 0.0, 5.0, 30.0], "T": [38.9] * 4})
    >>> res = period_transactions(m, s, max_frequency=3)
    >>> res.to_frame()["actual"].tolist()
    [2, 1, 0, 1]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way.
    *Marketing Science* 24(2), figure 1.
    """
    freq, _ = _ages_and_counts(model, summary)
    observed = np.bincount(np.minimum(freq.astype(int), max_frequency), minlength=max_frequency + 1)
    expected = expected_frequency_counts(model, summary, max_frequency)
    stat, dof, p = _chi_square(observed, expected, len(model.params_))
    table = pd.DataFrame(
        {"actual": observed, "model": expected},
        index=pd.Index(_labels(max_frequency), name="repeat_purchases"),
    )
    return PeriodTransactions(table=table, chi2=stat, chi2_dof=dof, chi2_p=p)
