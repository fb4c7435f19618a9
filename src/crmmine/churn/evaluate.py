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

    The hull holds the operating points a campaign can reach by cutting the scores somewhere
    (or by mixing two cut-offs); points under it are never the best choice whatever the costs
    (Provost and Fawcett 2001). Customers with equal scores form one ROC point, so tied scores
    are never split. For one CLV for everyone, the cut-offs of MP and EMPC are vertices of
    this hull.

    Parameters
    ----------
    y_true : Series or array of 0/1 (or bool)
        1 = churned (the event). Both classes must be present and no label may be missing.
    y_score : Series or array of float
        Churn risk, higher = more likely to churn. Two Series are matched by index
        (customer id), never by position; ids on one side only raise a
        :class:`~crmmine.errors.DataError`. Arrays are taken in row order.

    Returns
    -------
    pandas.DataFrame
        Columns ``fpr`` and ``tpr`` (float, shares in [0, 1]) of the hull's vertices by
        increasing ``fpr``, with a default RangeIndex; the first row is (0, 0) and the last
        (1, 1).

    See Also
    --------
    maximum_profit : the best cut-off of a retention campaign at a known acceptance rate.
    empc : the expected maximum profit, over an uncertain acceptance rate.
    evaluate : every churn measure in one result.

    Examples
    --------
    >>> roc_convex_hull([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]).round(2).to_numpy().tolist()
    [[0.0, 0.0], [0.0, 0.5], [0.5, 1.0], [1.0, 1.0]]

    The point (0.5, 0.5) of the cut after the second customer lies under the hull and is
    left out. Tied scores give one point:

    >>> roc_convex_hull([1, 0], [0.5, 0.5]).to_numpy().tolist()
    [[0.0, 0.0], [1.0, 1.0]]

    References
    ----------
    Provost, F. and Fawcett, T. (2001). Robust classification for imprecise environments.
    *Machine Learning* 42(3), 203-231.
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
    Customers with equal scores are targeted together (a cut-off never splits a tie).

    Parameters
    ----------
    y_true : Series or array of 0/1 (or bool)
        1 = churned. Both classes must be present.
    y_score : Series or array of float
        Churn risk (higher = more likely to churn). Two Series are matched by index
        (customer id), never by position; ids on one side only raise a
        :class:`~crmmine.errors.DataError`.
    clv : float or Series, default 200
        Value of a customer who is kept, in money: one positive number for everyone (200 is
        Verbraken et al. 2013's example), or one finite value per customer, a Series matched
        on ``y_true``'s index (a missing or infinite CLV raises, naming the customers).
    incentive : float, default 10
        Cost of the retention offer, paid for every targeted churner who accepts it and for
        every targeted non-churner (who takes it anyway); same money unit as ``clv``.
    contact_cost : float, default 1
        Cost of contacting one targeted customer, accepted or not.
    gamma : float, default 0.3
        Probability in [0, 1] that a targeted churner accepts the offer and stays (0.3 is
        the mean of the Beta(6, 14) of :func:`empc`).

    Returns
    -------
    (mp, fraction) : tuple of float
        Maximum profit per customer of the whole base (money per customer, 0 when no
        cut-off pays), and the share of customers to target to reach it (0 to 1).

    See Also
    --------
    empc : the same profit, averaged over an uncertain acceptance rate.
    evaluate : MP and EMPC next to AUC, KS and lift.
    retention_list : whom to contact, by the expected gain of each customer.

    Examples
    --------
    >>> maximum_profit([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])  # target the two churners
    (28.0, 0.5)

    Each kept churner is worth 200 - 10 = 190: ``(0.3 x 2 x 190 - 2 x 1) / 4 = 28`` per
    customer. A weaker ranking pays less and targets a different share:

    >>> maximum_profit([1, 0, 1, 0, 0, 0, 0, 0], [.9, .8, .7, .6, .5, .4, .3, .2])
    (12.625, 0.375)

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
    ``A_k E[gamma; g_k, g_k+1] - B_k P(g_k <= gamma < g_k+1)``. No numerical integration
    is involved.

    Parameters
    ----------
    y_true : Series or array of 0/1 (or bool)
        1 = churned. Both classes must be present.
    y_score : Series or array of float
        Churn risk (higher = more likely to churn). Two Series are matched by index
        (customer id), never by position; ids on one side only raise a
        :class:`~crmmine.errors.DataError`.
    clv : float or Series, default 200
        Value of a customer who is kept, in money: one positive number for everyone
        (Verbraken et al. 2013's 200), or one finite value per customer, a Series matched on
        ``y_true``'s index.
    incentive : float, default 10
        Cost of the retention offer, paid for every targeted churner who accepts it and for
        every targeted non-churner.
    contact_cost : float, default 1
        Cost of contacting one targeted customer.
    alpha, beta : float, default 6 and 14
        Positive shape parameters of the Beta distribution of ``gamma``, the probability
        that a targeted churner accepts the offer (Verbraken et al. 2013's values: mean 0.3).

    Returns
    -------
    (empc, fraction) : tuple of float
        Expected maximum profit per customer of the whole base (money per customer), and
        the expected share of customers targeted (0 to 1).

    See Also
    --------
    maximum_profit : the profit at one known acceptance rate.
    roc_convex_hull : the cut-offs that can be optimal.
    evaluate : EMPC next to AUC, KS, lift and MP.

    Examples
    --------
    >>> round(empc([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])[0], 4)  # perfect: 200 (0.95 x 0.5 x 0.3 - 0.0025)
    28.0

    With a CLV per customer (matched by id, whatever the order), each kept churner counts
    with her own value, here ``0.3 x (490 + 90) / 4 - 0.5 = 43``:

    >>> import pandas as pd
    >>> y = pd.Series([1, 1, 0, 0], index=["a", "b", "c", "d"])
    >>> risk = pd.Series([0.1, 0.8, 0.3, 0.9], index=["d", "b", "c", "a"])
    >>> clv = pd.Series([500.0, 100.0, 200.0, 200.0], index=["a", "b", "c", "d"])
    >>> value, share = empc(y, risk, clv=clv)
    >>> round(value, 4), round(share, 4)
    (43.0, 0.5)

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

    ``summary()`` gives the headline measures (one row each), ``to_frame()`` the gains
    table (one row per score group), and ``plot(kind="gains" | "roc" | "lift" | "profit")``
    a picture; ``"profit"`` draws the profit per customer against the share targeted, at
    the mean acceptance rate ``alpha / (alpha + beta)``.

    Parameters
    ----------
    measures : dict
        The measures of :func:`crmmine.classification.evaluate` (``auc``, ``gini``, ``ks``,
        ``average_precision``, ``brier``, ``top_decile_lift``, ``base_rate``, ``positives``,
        ``n``) plus ``mp``, ``mp_fraction``, ``empc``, ``empc_fraction`` and the profit
        parameters ``clv`` (the mean CLV), ``incentive``, ``contact_cost``, ``alpha``, ``beta``.
    gains : DataFrame
        The gains table (see :func:`crmmine.classification.gains_table`).
    y_true, y_score : Series
        The checked labels (0/1) and churn scores, aligned on one index, kept for the plots.
    clv : float or Series, default 200
        The CLV the profit measures used (a number, or the Series per customer), kept for the
        profit curve.

    See Also
    --------
    evaluate : builds it.
    crmmine.classification.ClassificationEvaluation : the same result without the profit measures.

    Examples
    --------
    >>> res = evaluate([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [.9, .2, .8, .1, .1, .1, .1, .1, .1, .1], bins=5)
    >>> res
    ChurnEvaluation(auc=0.9375, top_decile_lift=5, empc=10.1, mp=10.1, n=10)
    >>> res.summary().loc[["mp", "mp_fraction", "clv"], "value"].tolist()
    [10.1, 0.3, 200.0]
    >>> res.plot(kind="profit").get_xlabel()
    'share of customers targeted (by risk)'
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

    See Also
    --------
    ChurnEvaluation : the result, with ``summary()``, ``to_frame()`` and ``plot()``.
    maximum_profit : MP on its own.
    empc : EMPC on its own.
    crmmine.classification.evaluate : the same measures without the profit ones.
    retention_list : turn the scores into a contact list.

    Examples
    --------
    >>> res = evaluate([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [.9, .2, .8, .1, .1, .1, .1, .1, .1, .1])
    >>> round(res.measures["auc"], 3), round(res.measures["empc"], 3)
    (0.938, 10.1)

    References
    ----------
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). New insights into churn
    prediction in the telecommunication sector: a profit driven data mining approach.
    *European Journal of Operational Research* 218(1), 211-229.

    Verbraken, T., Verbeke, W. and Baesens, B. (2013). A novel profit maximizing metric for
    measuring classification performance of customer churn prediction models. *IEEE
    Transactions on Knowledge and Data Engineering* 25(5), 961-973.
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
