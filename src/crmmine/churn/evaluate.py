"""Churn model evaluation: AUC, lift, gains, and the profit measures MP and EMPC."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from crmmine.errors import ParameterError

__all__ = ["ChurnEvaluation", "empc", "evaluate", "gains_table", "maximum_profit", "roc_convex_hull"]


def _roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cumulative TPR (churners targeted) and FPR when targeting customers by decreasing risk,
    one point per distinct score (ties targeted together), starting at (0, 0)."""
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    last_of_tie = np.r_[ps[1:] != ps[:-1], True]
    tp = np.cumsum(ys)[last_of_tie]
    fp = np.cumsum(1 - ys)[last_of_tie]
    n1, n0 = ys.sum(), (1 - ys).sum()
    return np.r_[0.0, fp / n0], np.r_[0.0, tp / n1]


def roc_convex_hull(y, p) -> pd.DataFrame:
    """Upper convex hull of the ROC curve: ``fpr`` and ``tpr`` of its vertices, from (0,0) to (1,1)."""
    fpr, tpr = _roc_points(np.asarray(y), np.asarray(p, dtype="float64"))
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


def _check(y, p) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y)
    p = np.asarray(p, dtype="float64")
    if y.shape != p.shape:
        raise ParameterError(f"y_true and scores differ in length: {y.shape[0]} vs {p.shape[0]}")
    if not set(np.unique(y)) <= {0, 1} or np.unique(y).size < 2:
        raise ParameterError("y_true must contain both classes, coded 0/1 (1 = churner)")
    if not np.isfinite(p).all():
        raise ParameterError("scores must be finite")
    return y.astype(np.int64), p


def maximum_profit(
    y_true,
    scores,
    *,
    clv: float = 200.0,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    gamma: float = 0.3,
) -> tuple[float, float]:
    """Maximum profit per customer of a retention campaign, MP (Verbeke et al. 2012).

    Targeting a fraction of customers by decreasing risk, the profit per customer is
    ``CLV (gamma (1 - delta) - phi) pi1 TPR - CLV (delta + phi) pi0 FPR`` with
    ``delta = incentive / CLV``, ``phi = contact_cost / CLV``, ``pi1`` the churn rate and
    ``gamma`` the probability that a targeted churner accepts the offer. MP is its maximum
    over all cut-offs (including targeting nobody, profit 0).

    Returns
    -------
    (mp, fraction)
        Maximum profit per customer and the share of customers to target.

    References
    ----------
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). New insights into churn
    prediction in the telecommunication sector: a profit driven data mining approach.
    *European Journal of Operational Research* 218(1), 211-229.
    """
    y, p = _check(y_true, scores)
    fraction, profit = _profit_curve(y, p, clv, incentive, contact_cost, gamma)
    best = int(np.argmax(profit))
    return float(profit[best]), float(fraction[best])


def _profit_curve(
    y: np.ndarray, p: np.ndarray, clv: float, incentive: float, contact_cost: float, gamma: float
) -> tuple[np.ndarray, np.ndarray]:
    """Share of customers targeted and profit per customer at every cut-off (Verbeke et al. 2012)."""
    fpr, tpr = _roc_points(y, p)
    pi1 = y.mean()
    delta, phi = incentive / clv, contact_cost / clv
    profit = clv * ((gamma * (1 - delta) - phi) * pi1 * tpr - (delta + phi) * (1 - pi1) * fpr)
    return pi1 * tpr + (1 - pi1) * fpr, profit


def empc(
    y_true,
    scores,
    *,
    clv: float = 200.0,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    alpha: float = 6.0,
    beta: float = 14.0,
) -> tuple[float, float]:
    """Expected maximum profit measure for customer churn, EMPC (Verbraken et al. 2013).

    The acceptance probability ``gamma`` is uncertain, ``gamma ~ Beta(alpha, beta)``; for each
    gamma the campaign is cut at its best point, and EMPC is the expected profit per customer.
    Only the vertices of the ROC convex hull can be optimal, and between consecutive vertices
    the profit is linear in gamma, so the integral has a closed form in Beta distribution
    functions: for vertex ``i`` optimal on ``[g_i, g_{i+1})``,
    ``integral = a_i E[gamma; g_i, g_{i+1}] + b_i P(g_i <= gamma < g_{i+1})``.

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
    y, p = _check(y_true, scores)
    hull = roc_convex_hull(y, p)
    fpr, tpr = hull["fpr"].to_numpy(), hull["tpr"].to_numpy()
    pi1 = y.mean()
    pi0 = 1 - pi1
    delta, phi = incentive / clv, contact_cost / clv
    # profit at vertex i: clv * (gamma * A_i - B_i)
    A = (1 - delta) * pi1 * tpr
    B = phi * pi1 * tpr + (delta + phi) * pi0 * fpr
    # vertex i+1 beats vertex i when gamma > (B_{i+1} - B_i) / (A_{i+1} - A_i)
    dA, dB = np.diff(A), np.diff(B)
    with np.errstate(divide="ignore", invalid="ignore"):
        switch = np.where(dA > 0, dB / dA, np.inf)
    # hull slopes decrease, so the switch points increase; keep them in [0, 1]
    bounds = np.clip(np.r_[0.0, np.maximum.accumulate(switch), 1.0], 0.0, 1.0)
    lo, hi = bounds[:-1], bounds[1:]
    prob = stats.beta.cdf(hi, alpha, beta) - stats.beta.cdf(lo, alpha, beta)
    mean_part = (
        alpha / (alpha + beta) * (stats.beta.cdf(hi, alpha + 1, beta) - stats.beta.cdf(lo, alpha + 1, beta))
    )
    value = clv * float(np.sum(A * mean_part - B * prob))
    fraction = float(np.sum(prob * (pi1 * tpr + pi0 * fpr)))
    return value, fraction


def gains_table(y_true, scores, n_groups: int = 10) -> pd.DataFrame:
    """Gains and lift by group of customers ranked by risk (deciles by default).

    Columns: customers, churners, churn_rate, lift (group rate / base rate), cumulative share of
    customers, cumulative share of churners captured, cumulative lift. Ties in the score are
    split by position.

    Examples
    --------
    >>> g = gains_table([1, 0, 1, 0, 0, 0, 0, 0, 0, 0], [.9, .8, .7, .6, .5, .4, .3, .2, .1, 0], n_groups=5)
    >>> g["lift"].tolist()
    [2.5, 2.5, 0.0, 0.0, 0.0]
    """
    y, p = _check(y_true, scores)
    order = np.argsort(-p, kind="stable")
    group = np.arange(y.size) * n_groups // y.size
    ys = y[order]
    frame = pd.DataFrame({"group": group + 1, "y": ys})
    t = frame.groupby("group")["y"].agg(customers="size", churners="sum")
    base = y.mean()
    t["churn_rate"] = t["churners"] / t["customers"]
    t["lift"] = t["churn_rate"] / base
    t["cum_customers_share"] = t["customers"].cumsum() / y.size
    t["cum_churners_share"] = t["churners"].cumsum() / y.sum()
    t["cum_lift"] = t["cum_churners_share"] / t["cum_customers_share"]
    return t


@dataclass
class ChurnEvaluation:
    """Result of :func:`evaluate`; ``to_frame()`` gives the headline measures."""

    measures: dict
    gains: pd.DataFrame
    y_true: np.ndarray
    scores: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """Headline measures as a one-column table."""
        return pd.Series(self.measures, name="value").to_frame()

    def summary(self) -> str:
        """One line for logs and reports."""
        m = self.measures
        return (
            f"AUC {m['auc']:.3f}, top-decile lift {m['top_decile_lift']:.2f}, EMPC {m['empc']:.2f} per "
            f"customer (target {m['empc_fraction']:.1%}), MP {m['mp']:.2f} (target {m['mp_fraction']:.1%})"
        )

    def plot(self, ax=None, kind: str = "gains"):
        """``kind="gains"`` (cumulative gains), ``"roc"`` or ``"profit"`` (profit by share targeted)."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        if kind == "roc":
            fpr, tpr = _roc_points(self.y_true, self.scores)
            ax.plot(fpr, tpr, label=f"ROC (AUC {self.measures['auc']:.3f})")
            ax.plot([0, 1], [0, 1], "k:")
            ax.set_xlabel("false positive rate")
            ax.set_ylabel("true positive rate")
        elif kind == "profit":
            c = self.measures
            fraction, profit = _profit_curve(
                self.y_true, self.scores, c["clv"], c["incentive"], c["contact_cost"], 0.3
            )
            ax.plot(fraction, profit)
            ax.set_xlabel("share of customers targeted")
            ax.set_ylabel("profit per customer (gamma = 0.3)")
        else:
            g = self.gains
            ax.plot(
                np.r_[0, g["cum_customers_share"]], np.r_[0, g["cum_churners_share"]], "o-", label="model"
            )
            ax.plot([0, 1], [0, 1], "k:", label="random")
            ax.set_xlabel("share of customers targeted (by risk)")
            ax.set_ylabel("share of churners captured")
        ax.set_title({"roc": "ROC curve", "profit": "Profit curve"}.get(kind, "Cumulative gains"))
        ax.legend() if kind != "profit" else None
        return ax


def evaluate(
    y_true,
    scores,
    *,
    clv: float = 200.0,
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    alpha: float = 6.0,
    beta: float = 14.0,
) -> ChurnEvaluation:
    """ROC AUC, average precision, Brier score, gains/lift by decile, top-decile lift, MP and EMPC.

    Profit parameters default to Verbraken et al. (2013): CLV 200, incentive 10, contact cost 1,
    acceptance rate Beta(6, 14) (MP at its mean, 0.3).

    Examples
    --------
    >>> res = evaluate([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [.9, .2, .8, .1, .1, .1, .1, .1, .1, .1])
    >>> round(res.measures["auc"], 3)
    0.938
    """
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    y, p = _check(y_true, scores)
    gains = gains_table(y, p)
    mp, mp_frac = maximum_profit(
        y, p, clv=clv, incentive=incentive, contact_cost=contact_cost, gamma=alpha / (alpha + beta)
    )
    e, e_frac = empc(y, p, clv=clv, incentive=incentive, contact_cost=contact_cost, alpha=alpha, beta=beta)
    measures = {
        "auc": roc_auc_score(y, p),
        "average_precision": average_precision_score(y, p),
        "brier": brier_score_loss(y, np.clip(p, 0, 1)) if ((p >= 0) & (p <= 1)).all() else np.nan,
        "top_decile_lift": float(gains["lift"].iloc[0]),
        "mp": mp,
        "mp_fraction": mp_frac,
        "empc": e,
        "empc_fraction": e_frac,
        "base_rate": float(y.mean()),
        "n": int(y.size),
        "clv": clv,
        "incentive": incentive,
        "contact_cost": contact_cost,
    }
    return ChurnEvaluation(measures=measures, gains=gains, y_true=y, scores=p)
