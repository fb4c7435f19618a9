"""Churn model evaluation: the classification measures plus the profit measures MP and EMPC."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmmine._align import align_to
from crmmine._params import Interval, validate_params
from crmmine.classification.evaluate import (
    ClassificationEvaluation,
    _roc_points,
    base_measures,
    check_scores,
    gains_table,
)
from crmmine.errors import bad_rows_error

__all__ = ["ChurnEvaluation", "empc", "evaluate", "maximum_profit", "roc_convex_hull"]

_PROFIT = {
    "clv": [Interval(Real, 0, None, closed="neither"), pd.Series],
    "incentive": [Interval(Real, 0, None)],
    "contact_cost": [Interval(Real, 0, None)],
}


def roc_convex_hull(y_true: Any, y_score: Any) -> pd.DataFrame:
    """Upper convex hull of the ROC curve: ``fpr`` and ``tpr`` of its vertices, from (0,0) to (1,1).

    Examples
    --------
    >>> roc_convex_hull([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]).round(2).to_numpy().tolist()
    [[0.0, 0.0], [0.0, 0.5], [0.5, 1.0], [1.0, 1.0]]
    """
    y, s = check_scores(y_true, y_score)
    fpr, tpr = _roc_points(y.to_numpy(), s.to_numpy())
    hull: list[int] = []
    for i in range(fpr.size):  # monotone chain over ROC points (one per distinct score)
        while len(hull) >= 2:
            a, b = hull[-2], hull[-1]
            cross = (fpr[b] - fpr[a]) * (tpr[i] - tpr[a]) - (tpr[b] - tpr[a]) * (fpr[i] - fpr[a])
            if cross >= 0:
                hull.pop()
            else:
                break
        hull.append(i)
    return pd.DataFrame({"fpr": fpr[hull], "tpr": tpr[hull]})


def _clv_values(clv: float | pd.Series, y: pd.Series) -> np.ndarray:
    """CLV per customer: a number for everyone, or a Series aligned on the labels' index."""
    if isinstance(clv, pd.Series):
        values = align_to(clv, y.index, name="clv", target="y_true").astype("float64")
        bad = ~np.isfinite(values.to_numpy())
        if bad.any():
            raise bad_rows_error(
                "clv",
                "missing or infinite CLVs",
                values[bad].to_frame("clv"),
                int(bad.sum()),
                "give every customer a finite CLV (e.g. clv.fillna(0))",
            )
        return values.to_numpy()
    return np.full(len(y), float(clv))


def _profit_lines(
    y: np.ndarray, p: np.ndarray, clv: np.ndarray, incentive: float, contact_cost: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For targeting the customers above each cut-off (ties together, starting with nobody):
    the share targeted and the profit per customer ``gamma * A - B`` as ``(share, A, B)``.

    A targeted churner who accepts the offer (probability ``gamma``) is kept: ``CLV - d``; a
    targeted non-churner takes the incentive: ``-d``; every contact costs ``f`` (Verbeke et
    al. 2012, with the customer's own CLV).
    """
    order = np.argsort(-p, kind="stable")
    ys, ps, cs = y[order], p[order], clv[order]
    last_of_tie = np.r_[ps[1:] != ps[:-1], True]
    n = y.size
    a = np.cumsum(ys * (cs - incentive))[last_of_tie] / n
    b = np.cumsum(contact_cost + (1 - ys) * incentive)[last_of_tie] / n
    share = (np.flatnonzero(last_of_tie) + 1) / n
    return np.r_[0.0, share], np.r_[0.0, a], np.r_[0.0, b]


@validate_params({**_PROFIT, "gamma": [Interval(Real, 0, 1)]})
def maximum_profit(
    y_true: Any,
    y_score: Any,
    *,
    clv: float | pd.Series = 200.0,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    gamma: float = 0.3,
) -> tuple[float, float]:
    """Maximum profit per customer of a retention campaign, MP (Verbeke et al. 2012).

    Targeting customers by decreasing risk, the profit per customer is
    ``CLV (gamma (1 - delta) - phi) pi1 TPR - CLV (delta + phi) pi0 FPR`` with
    ``delta = incentive / CLV``, ``phi = contact_cost / CLV``, ``pi1`` the churn rate and
    ``gamma`` the probability that a targeted churner accepts the offer. MP is its maximum
    over all cut-offs (including targeting nobody, profit 0). With a CLV per customer (a
    Series aligned on the labels' index) each kept churner counts with her own CLV.

    Returns
    -------
    (mp, fraction)
        Maximum profit per customer and the share of customers to target.

    Examples
    --------
    >>> maximum_profit([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])  # target the two churners
    (28.0, 0.5)

    References
    ----------
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). New insights into churn
    prediction in the telecommunication sector: a profit driven data mining approach.
    *European Journal of Operational Research* 218(1), 211-229.
    """
    y, s = check_scores(y_true, y_score)
    share, a, b = _profit_lines(y.to_numpy(), s.to_numpy(), _clv_values(clv, y), incentive, contact_cost)
    profit = gamma * a - b
    best = int(np.argmax(profit))
    return float(profit[best]), float(share[best])


def _upper_envelope(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lines ``gamma * a - b`` that are best somewhere on gamma in [0, 1], by increasing
    slope, and the gamma from which each is the best (increasing, clipped to [0, 1])."""
    order = np.lexsort((b, a))  # by slope, then by intercept cost
    a_s = a[order]
    candidates = order[np.r_[True, a_s[1:] != a_s[:-1]]]  # for equal slopes the smallest b wins
    hull: list[int] = []
    starts: list[float] = []
    for i in candidates:  # convex hull trick: one line per distinct score at most
        start = -np.inf
        while hull:
            j = hull[-1]
            start = (b[i] - b[j]) / (a[i] - a[j])  # where line i overtakes line j
            if start <= starts[-1]:
                hull.pop()
                starts.pop()
                start = -np.inf
            else:
                break
        hull.append(int(i))
        starts.append(float(start))
    return np.asarray(hull), np.clip(np.asarray(starts), 0.0, 1.0)


@validate_params(
    {
        **_PROFIT,
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "beta": [Interval(Real, 0, None, closed="neither")],
    }
)
def empc(
    y_true: Any,
    y_score: Any,
    *,
    clv: float | pd.Series = 200.0,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    alpha: float = 6.0,
    beta: float = 14.0,
) -> tuple[float, float]:
    """Expected maximum profit measure for customer churn, EMPC (Verbraken et al. 2013).

    The acceptance probability ``gamma`` is uncertain, ``gamma ~ Beta(alpha, beta)``; for each
    gamma the campaign is cut at its best point, and EMPC is the expected profit per customer.
    Each cut-off's profit is a line in gamma, ``gamma A_k - B_k``, so the best profit is the
    upper envelope of those lines (for one CLV for everyone, its vertices are those of the
    ROC convex hull), and the integral has a closed form in Beta distribution functions: on
    the stretch ``[g_k, g_k+1)`` where line ``k`` is best,
    ``A_k E[gamma; g_k, g_k+1] - B_k P(g_k <= gamma < g_k+1)``.

    Returns
    -------
    (empc, fraction)
        Expected maximum profit per customer and the expected share of customers targeted.

    Examples
    --------
    >>> round(empc([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])[0], 4)  # perfect: 200 (0.95 x 0.5 x 0.3 - 0.0025)
    28.0

    References
    ----------
    Verbraken, T., Verbeke, W. and Baesens, B. (2013). A novel profit maximizing metric for
    measuring classification performance of customer churn prediction models. *IEEE
    Transactions on Knowledge and Data Engineering* 25(5), 961-973.
    """
    y, s = check_scores(y_true, y_score)
    share, a, b = _profit_lines(y.to_numpy(), s.to_numpy(), _clv_values(clv, y), incentive, contact_cost)
    lines, starts = _upper_envelope(a, b)
    lo, hi = starts, np.r_[starts[1:], 1.0]
    prob = stats.beta.cdf(hi, alpha, beta) - stats.beta.cdf(lo, alpha, beta)
    mean_part = (
        alpha / (alpha + beta) * (stats.beta.cdf(hi, alpha + 1, beta) - stats.beta.cdf(lo, alpha + 1, beta))
    )
    value = float(np.sum(a[lines] * mean_part - b[lines] * prob))
    fraction = float(np.sum(prob * share[lines]))
    return value, fraction


@dataclass(repr=False)
class ChurnEvaluation(ClassificationEvaluation):
    """Result of :func:`evaluate`: the classification measures plus MP and EMPC.

    ``summary()`` gives the headline measures, ``to_frame()`` the gains table, and
    ``plot(kind="gains" | "roc" | "lift" | "profit")`` a picture.
    """

    clv: Any = 200.0

    def _repr_items(self) -> dict[str, Any]:
        m = self.measures
        return {k: m[k] for k in ("auc", "top_decile_lift", "empc", "mp", "n")}

    def _plot_kinds(self) -> tuple[str, ...]:
        return ("gains", "roc", "lift", "profit")

    def _plot_other(self, ax: Any, kind: str, **kwargs: Any) -> None:
        m = self.measures
        clv = _clv_values(self.clv, self.y_true)
        share, a, b = _profit_lines(
            self.y_true.to_numpy(), self.y_score.to_numpy(), clv, m["incentive"], m["contact_cost"]
        )
        gamma = m["alpha"] / (m["alpha"] + m["beta"])
        ax.plot(share, gamma * a - b, **kwargs)
        ax.axhline(0.0, color="k", linestyle=":")
        ax.set_xlabel("share of customers targeted (by risk)")
        ax.set_ylabel(f"profit per customer (gamma = {gamma:.2g})")
        ax.set_title("Profit curve")


@validate_params(
    {
        **_PROFIT,
        "alpha": [Interval(Real, 0, None, closed="neither")],
        "beta": [Interval(Real, 0, None, closed="neither")],
        "bins": [Interval(Integral, 1, None)],
    }
)
def evaluate(
    y_true: Any,
    y_score: Any,
    *,
    clv: float | pd.Series = 200.0,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    alpha: float = 6.0,
    beta: float = 14.0,
    bins: int = 10,
) -> ChurnEvaluation:
    """Churn scores evaluated: AUC, Gini, KS, average precision, Brier, gains and lift, MP and EMPC.

    Parameters
    ----------
    y_true : Series or array of 0/1
        1 = churned.
    y_score : Series or array
        Churn risk (higher = more likely to churn). Two Series are matched by index
        (customer id), never by position; ids on one side only raise a
        :class:`~crmmine.errors.DataError`.
    clv : float or Series, default 200
        Value of a kept customer: one number (Verbraken et al. 2013's default), or a CLV per
        customer aligned on ``y_true``'s index.
    incentive, contact_cost : float, default 10 and 1
        Cost of the retention offer (paid by those who accept it) and of each contact.
    alpha, beta : float, default 6 and 14
        Beta distribution of the share of contacted churners who accept the offer (mean 0.3;
        MP is computed at the mean).
    bins : int, default 10
        Groups of the gains table.

    Returns
    -------
    ChurnEvaluation
        The measures of :func:`crmmine.classification.evaluate` plus ``mp``,
        ``mp_fraction``, ``empc``, ``empc_fraction`` and the profit parameters (``clv`` is
        the mean CLV when a Series is given).

    Examples
    --------
    >>> res = evaluate([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [.9, .2, .8, .1, .1, .1, .1, .1, .1, .1])
    >>> round(res.measures["auc"], 3), round(res.measures["empc"], 3)
    (0.938, 10.1)

    References
    ----------
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). *European Journal of
    Operational Research* 218(1), 211-229.
    Verbraken, T., Verbeke, W. and Baesens, B. (2013). *IEEE TKDE* 25(5), 961-973.
    """
    y, s = check_scores(y_true, y_score)
    gains = gains_table(y, s, bins=bins)
    measures = base_measures(y, s, gains)
    clv_values = _clv_values(clv, y)
    mp, mp_frac = maximum_profit(
        y, s, clv=clv, incentive=incentive, contact_cost=contact_cost, gamma=alpha / (alpha + beta)
    )
    e, e_frac = empc(y, s, clv=clv, incentive=incentive, contact_cost=contact_cost, alpha=alpha, beta=beta)
    measures.update(
        {
            "mp": mp,
            "mp_fraction": mp_frac,
            "empc": e,
            "empc_fraction": e_frac,
            "clv": float(clv_values.mean()),
            "incentive": float(incentive),
            "contact_cost": float(contact_cost),
            "alpha": float(alpha),
            "beta": float(beta),
        }
    )
    return ChurnEvaluation(measures=measures, gains=gains, y_true=y, y_score=s, clv=clv)
