"""Alert budgets: flag the highest scores per period, and precision and recall at that budget."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._params import Interval, check_params
from crmmine._results import Result
from crmmine.errors import DataError, ParameterError

__all__ = ["BudgetMetrics", "alert_budget", "budget_metrics"]

_BUDGET = {
    "top_n": [Interval(Integral, 0, None), None],
    "share": [Interval(Real, 0, 1, closed="right"), None],
}


def _periods(dates, index: pd.Index, period: str) -> pd.Series:
    when = align_to(dates, index, name="dates", target="the scores")
    when = pd.to_datetime(when, errors="coerce")
    if when.isna().any():
        bad = when[when.isna()]
        raise DataError(
            f"dates: {len(bad)} missing or unparseable dates (e.g. ids {list(bad.index[:5])}). "
            "Fix: give every scored row its timestamp."
        )
    if when.dt.tz is not None:  # periods of the local wall clock (pandas would warn and drop the zone)
        when = when.dt.tz_localize(None)
    try:
        return when.dt.to_period(period).astype(str)
    except (ValueError, TypeError) as exc:
        raise ParameterError(
            f"parameter 'period' must be a pandas frequency such as 'D', 'W' or 'h': {exc}"
        ) from None


def alert_budget(
    y_score,
    *,
    dates=None,
    top_n: int | None = None,
    share: float | None = None,
    period: str = "D",
) -> pd.Series:
    """Flag the highest scores within an alert budget: ``top_n`` per period, or a ``share``.

    Parameters
    ----------
    y_score : pandas.Series or array-like
        Scores (higher = more suspicious); must be finite.
    dates : pandas.Series or array-like, optional
        Timestamp of each row (a Series is aligned on the index of ``y_score``, never by
        position). With dates the budget applies per ``period`` (the analysts' capacity per
        day); without (default), to all rows at once. Timezone-aware timestamps are cut at
        the periods of their own local clock.
    top_n : int, optional
        Alerts per period (or overall), at least 0. Give exactly one of ``top_n`` and ``share``.
    share : float, optional
        Share of rows to alert per period (or overall), in (0, 1]; the count is rounded up, so
        every period with rows gets at least one alert.
    period : str, default "D"
        A pandas frequency (``"D"``, ``"W"``, ``"h"``) that cuts ``dates`` into periods.

    Returns
    -------
    pandas.Series
        Boolean ``flag`` indexed like ``y_score`` (a plain array gets a 0..n-1 index); ties at
        the cut keep the earlier row.

    See Also
    --------
    budget_metrics : precision and recall of the alerts at this budget.
    select : the same cut without periods, or where inspection pays.
    fraud_scores : scores whose alerts it flags.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.Series([0.9, 0.1, 0.8, 0.7, 0.2])
    >>> d = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"])
    >>> alert_budget(s, dates=d, top_n=1).tolist()
    [True, False, False, True, False]
    """
    check_params({"top_n": top_n, "share": share}, _BUDGET, caller="alert_budget()")
    if (top_n is None) == (share is None):
        raise ParameterError("alert_budget() needs exactly one of top_n= (alerts per period) or share=.")
    score = y_score if isinstance(y_score, pd.Series) else pd.Series(np.asarray(y_score, dtype=np.float64))
    values = score.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise DataError("y_score has missing or infinite values. Fix: score every row.")
    if dates is None:
        groups = np.zeros(len(score), dtype=np.int64)
    else:
        groups = pd.factorize(_periods(dates, score.index, period))[0]
    order = np.lexsort((np.arange(len(values)), -values, groups))  # by period, score desc, position
    g_sorted = groups[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = g_sorted[1:] != g_sorted[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    within = np.arange(len(order)) - start  # 0 = highest score of its period
    if top_n is not None:
        keep = within < top_n
    else:
        size = np.bincount(groups)[g_sorted]
        keep = within < np.ceil(share * size)
    flag = np.zeros(len(values), dtype=bool)
    flag[order[keep]] = True
    return pd.Series(flag, index=score.index, name="flag")


@dataclass(repr=False)
class BudgetMetrics(Result):
    """Precision and recall of an alert list at its budget, overall and per period.

    Returned by :func:`budget_metrics`; the fields below are its attributes.

    Parameters
    ----------
    by_period : pandas.DataFrame
        One row per period (index ``period``, the period as text, or ``"all"`` without dates):
        ``rows``, ``alerts``, ``positives``, ``hits`` (alerted positives), ``precision`` (hits /
        alerts, NaN without alerts) and ``recall`` (hits / positives, NaN without positives).
    precision : float
        Over all periods: hits / alerts (NaN when nothing was alerted).
    recall : float
        Over all periods: hits / positives (NaN when there are no positives).
    alerts : int
        Rows alerted over all periods.
    positives : int
        Fraudulent rows (``y_true == 1``) over all periods.
    case_recall : float or None, default None
        Share of fraud cases (``cases`` of :func:`budget_metrics`) with at least one alerted
        row; ``None`` when no cases were given.

    See Also
    --------
    budget_metrics : builds it.
    alert_budget : the flags it evaluates.
    inspection_metrics : AUC, average precision and precision in the top n of a ranked list.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1, 0, 0, 1, 0, 0])
    >>> s = pd.Series([0.9, 0.1, 0.8, 0.2, 0.7, 0.3])
    >>> d = pd.to_datetime(["2024-01-01"] * 3 + ["2024-01-02"] * 3)
    >>> m = budget_metrics(y, s, dates=d, top_n=1)
    >>> m.by_period["hits"].tolist(), m.by_period["precision"].tolist()
    ([1, 0], [1.0, 0.0])
    >>> m.summary()[["alerts", "positives", "hits", "recall"]].values.tolist()
    [[2.0, 2.0, 1.0, 0.5]]
    """

    by_period: pd.DataFrame
    precision: float
    recall: float
    alerts: int
    positives: int
    case_recall: float | None = None

    def to_frame(self) -> pd.DataFrame:
        """The per-period table."""
        return self.by_period

    def summary(self) -> pd.DataFrame:
        """Overall alerts, hits, precision and recall (and case recall)."""
        row = {
            "alerts": self.alerts,
            "positives": self.positives,
            "hits": int(self.by_period["hits"].sum()),
            "precision": self.precision,
            "recall": self.recall,
        }
        if self.case_recall is not None:
            row["case_recall"] = self.case_recall
        return pd.DataFrame([row])

    def _repr_items(self) -> dict[str, Any]:
        return {"alerts": self.alerts, "precision": self.precision, "recall": self.recall}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Precision and recall per period; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 3.5))
        x = np.arange(len(self.by_period))
        ax.plot(x, self.by_period["precision"], label="precision", **kwargs)
        ax.plot(x, self.by_period["recall"], label="recall", **kwargs)
        ax.set_xticks(x[:: max(len(x) // 10, 1)])
        ax.set_xticklabels(self.by_period.index[:: max(len(x) // 10, 1)], rotation=45, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("share")
        ax.legend()
        return ax


def budget_metrics(
    y_true,
    y_score,
    *,
    dates=None,
    top_n: int | None = None,
    share: float | None = None,
    period: str = "D",
    cases=None,
) -> BudgetMetrics:
    """Precision and recall at an alert budget (``top_n`` per period or a ``share``).

    Labels, scores, dates and cases are aligned on their index (never by position).

    Parameters
    ----------
    y_true : pandas.Series or array-like
        1 (or True) = fraud, 0 (or False) = genuine; aligned on the index of ``y_score``.
    y_score : pandas.Series or array-like
        Scores (higher = more suspicious); must be finite.
    dates : pandas.Series or array-like, optional
        Timestamp of each row; the budget then applies per ``period`` (see :func:`alert_budget`).
    top_n : int, optional
        Alerts per period (or overall); give exactly one of ``top_n`` and ``share``.
    share : float, optional
        Share of rows to alert per period (or overall), in (0, 1], rounded up.
    period : str, default "D"
        A pandas frequency that cuts ``dates`` into periods.
    cases : pandas.Series, optional
        Case id of each fraudulent row (e.g. the customer's fraud episode), aligned on the index
        (rows may be missing or NaN: only fraudulent rows with a case count); adds
        ``case_recall``, the share of cases with at least one alert.

    Returns
    -------
    BudgetMetrics
        ``by_period`` table (one row per period) and the overall ``precision``, ``recall``,
        ``alerts``, ``positives`` and ``case_recall``.

    See Also
    --------
    alert_budget : the flags it evaluates.
    BudgetMetrics : the result and its fields.
    inspection_metrics : quality of a ranked inspection list without periods.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([1, 0, 0, 1, 0])
    >>> s = pd.Series([0.9, 0.1, 0.8, 0.7, 0.2])
    >>> d = pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01", "2024-01-02", "2024-01-02"])
    >>> m = budget_metrics(y, s, dates=d, top_n=1)
    >>> m.precision, m.recall
    (1.0, 1.0)
    """
    score = y_score if isinstance(y_score, pd.Series) else pd.Series(np.asarray(y_score, dtype=np.float64))
    y = align_to(y_true, score.index, name="y_true", target="y_score")
    yv = pd.to_numeric(y, errors="coerce")
    if yv.isna().any() or not yv.isin([0, 1]).all():
        raise DataError("y_true must hold 0/1 (or True/False) labels. Fix: map the outcomes to 0 and 1.")
    flag = alert_budget(score, dates=dates, top_n=top_n, share=share, period=period)
    per = _periods(dates, score.index, period) if dates is not None else pd.Series("all", index=score.index)
    frame = pd.DataFrame({"period": per.to_numpy(), "alert": flag.to_numpy(), "y": yv.to_numpy().astype(int)})
    frame["hit"] = frame["alert"] & (frame["y"] == 1)
    table = frame.groupby("period", sort=True).agg(
        rows=("y", "size"), alerts=("alert", "sum"), positives=("y", "sum"), hits=("hit", "sum")
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        table["precision"] = table["hits"] / table["alerts"].where(table["alerts"] > 0)
        table["recall"] = table["hits"] / table["positives"].where(table["positives"] > 0)
    alerts, positives, hits = (
        int(table["alerts"].sum()),
        int(table["positives"].sum()),
        int(table["hits"].sum()),
    )
    case_recall = None
    if cases is not None:
        c = align_to(cases, score.index, name="cases", target="y_score", allow_subset=True)
        pos = (yv == 1).to_numpy() & c.notna().to_numpy()
        found = pd.Series(flag.to_numpy()[pos]).groupby(c.to_numpy()[pos]).any()
        case_recall = float(found.mean()) if len(found) else float("nan")
    return BudgetMetrics(
        by_period=table,
        precision=hits / alerts if alerts else float("nan"),
        recall=hits / positives if positives else float("nan"),
        alerts=alerts,
        positives=positives,
        case_recall=case_recall,
    )
