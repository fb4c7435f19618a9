"""Evaluation of scores for a binary event: AUC, Gini, KS, average precision, Brier, gains and lift."""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from crmmine._align import align_pair
from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["ClassificationEvaluation", "evaluate", "gains_table", "ks_statistic", "check_scores"]


def check_scores(y_true: Any, y_score: Any) -> tuple[pd.Series, pd.Series]:
    """Align labels and scores on their index and check them.

    Labels must be 0/1 (or booleans) with both classes present and no missing value; scores
    must be finite numbers. Two Series are matched by index (ids on one side only raise);
    arrays are taken in row order.

    Returns
    -------
    (y, score) : two Series on the same index, ``y`` as int64 and ``score`` as float64.
    """
    y, s = align_pair(y_true, y_score, names=("y_true", "y_score"))
    y_name = y.name if isinstance(y.name, str) else "y_true"
    s_name = s.name if isinstance(s.name, str) else "y_score"
    if len(y) == 0:
        raise DataError(
            "y_true and y_score are empty. Fix: pass at least one labelled customer of each class."
        )
    missing = y.isna().to_numpy()
    if missing.any():
        raise bad_rows_error(
            y_name,
            "missing labels",
            y[missing].to_frame(y_name),
            int(missing.sum()),
            "drop the customers without a label before evaluating",
        )
    if y.dtype == bool or pd.api.types.is_bool_dtype(y):
        y = y.astype("int64")
    values = y.to_numpy()
    try:
        bad = ~np.isin(values, [0, 1])
    except TypeError:
        bad = np.ones(len(values), dtype=bool)
    if bad.any():
        raise bad_rows_error(
            y_name,
            "labels other than 0 and 1",
            y[bad].to_frame(y_name),
            int(bad.sum()),
            "map the labels to 0/1 (1 = the event; prepare_table does it for Yes/No)",
        )
    y = y.astype("int64")
    if y.nunique() < 2:
        raise DataError(
            f"{y_name} holds one class only ({int(y.iloc[0])}): AUC, lift and profit need both. "
            "Fix: evaluate on customers with both outcomes."
        )
    try:
        s = s.astype("float64")
    except (TypeError, ValueError):
        raise DataError(f"{s_name} must be numbers (higher = more likely the event).") from None
    bad = ~np.isfinite(s.to_numpy())
    if bad.any():
        raise bad_rows_error(
            s_name,
            "missing or infinite scores",
            s[bad].to_frame(s_name),
            int(bad.sum()),
            "score every customer with a finite number",
        )
    return y, s


def _expected_top(y: np.ndarray, p: np.ndarray, ks: np.ndarray) -> np.ndarray:
    """Expected number of positives among the ``k`` highest scores, for each ``k`` in ``ks``.

    Customers with tied scores are ordered at random, so a tie block cut by ``k`` contributes
    its share of positives in proportion to the customers taken: the result does not depend
    on the row order.
    """
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    starts = np.r_[0, np.flatnonzero(ps[1:] != ps[:-1]) + 1]
    ends = np.r_[starts[1:], ps.size]
    block_pos = np.add.reduceat(ys, starts) if ps.size else np.array([])
    before = np.r_[0, np.cumsum(block_pos)]  # positives before each block
    ks = np.asarray(ks)
    b = np.searchsorted(ends, ks, side="left")  # block containing position k-1 (first with end >= k)
    b = np.minimum(b, len(starts) - 1)
    taken = np.clip(ks - starts[b], 0, None)
    rate = block_pos[b] / (ends[b] - starts[b])
    out = before[b] + taken * rate
    return np.where(ks <= 0, 0.0, out)


def _roc_points(y: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """FPR and TPR when targeting customers by decreasing score, one point per distinct score
    (ties targeted together), starting at (0, 0)."""
    order = np.argsort(-p, kind="stable")
    ys, ps = y[order], p[order]
    last_of_tie = np.r_[ps[1:] != ps[:-1], True]
    tp = np.cumsum(ys)[last_of_tie]
    fp = np.cumsum(1 - ys)[last_of_tie]
    n1, n0 = ys.sum(), (1 - ys).sum()
    return np.r_[0.0, fp / n0], np.r_[0.0, tp / n1]


@validate_params({"bins": [Interval(Integral, 1, None)]})
def gains_table(y_true: Any, y_score: Any, bins: int = 10) -> pd.DataFrame:
    """Gains and lift by groups of customers ranked by score (deciles by default).

    Group ``g`` holds the customers at ranks ``[ceil((g-1) n / bins), ceil(g n / bins))``.
    Customers with tied scores are ranked at random in expectation: a tie block that spans a
    group boundary gives each group its share of the block's positives, so the table does
    not depend on the row order (and counts of positives may be fractional).

    Parameters
    ----------
    y_true : Series or array of 0/1
    y_score : Series or array
        Higher = more likely the event. Two Series are matched by index.
    bins : int, default 10

    Returns
    -------
    pandas.DataFrame
        One row per group: ``customers``, ``positives``, ``positive_rate``, ``lift`` (group
        rate / overall rate), ``min_score``, ``max_score``, ``cum_share`` (customers
        targeted), ``cum_positives_share`` (share of all positives captured) and ``cum_lift``.

    See Also
    --------
    evaluate : the table together with AUC, KS and the other measures.
    crmmine.churn.retention_list : turns a churn score into a ranked list to act on.

    Examples
    --------
    >>> g = gains_table([1, 0, 1, 0, 0, 0, 0, 0, 0, 0], [.9, .8, .7, .6, .5, .4, .3, .2, .1, 0], bins=5)
    >>> g["lift"].tolist()
    [2.5, 2.5, 0.0, 0.0, 0.0]
    >>> gains_table([1, 0, 0, 0], [0.5, 0.5, 0.1, 0.1], bins=4)["positives"].tolist()  # a tie shares
    [0.5, 0.5, 0.0, 0.0]

    References
    ----------
    Ling, C. X. and Li, C. (1998). Data mining for direct marketing: problems and solutions.
    *Proceedings of KDD-98*, 73-79.
    """
    y, s = check_scores(y_true, y_score)
    yv, pv = y.to_numpy(), s.to_numpy()
    n = yv.size
    bounds = -(-np.arange(bins + 1) * n // bins)  # ceil(g n / bins)
    cum = _expected_top(yv, pv, bounds)
    sizes = np.diff(bounds)
    positives = np.diff(cum)
    order = np.argsort(-pv, kind="stable")
    sorted_scores = pv[order]
    keep = sizes > 0
    lo, hi = bounds[:-1][keep], bounds[1:][keep]
    total = yv.sum()
    t = pd.DataFrame(
        {
            "customers": sizes[keep],
            "positives": positives[keep],
        },
        index=pd.RangeIndex(1, int(keep.sum()) + 1, name="group"),
    )
    t["positive_rate"] = t["positives"] / t["customers"]
    t["lift"] = t["positive_rate"] / yv.mean()
    t["min_score"] = sorted_scores[hi - 1]
    t["max_score"] = sorted_scores[lo]
    t["cum_share"] = t["customers"].cumsum() / n
    t["cum_positives_share"] = t["positives"].cumsum() / total
    t["cum_lift"] = t["cum_positives_share"] / t["cum_share"]
    return t


def ks_statistic(y_true: Any, y_score: Any) -> float:
    """Kolmogorov-Smirnov statistic: the largest gap between the score distributions of the
    positives and the negatives, ``max |TPR - FPR|`` over cut-offs (ties cut together).

    Parameters
    ----------
    y_true : Series or array of 0/1
        1 = the event.
    y_score : Series or array
        Higher = more likely the event. Two Series are matched by index.

    Returns
    -------
    float
        The statistic, between 0 (no separation) and 1 (perfect ranking).

    See Also
    --------
    evaluate : KS with AUC, Gini, gains and lift.
    crmmine.credit.evaluate_scorecard : KS of a credit score, with its table by score band.

    Examples
    --------
    >>> ks_statistic([1, 1, 0, 0], [0.9, 0.8, 0.3, 0.1])
    1.0
    >>> ks_statistic([1, 0, 1, 0], [0.9, 0.8, 0.3, 0.1])
    0.5

    References
    ----------
    Thomas, L. C., Edelman, D. B. and Crook, J. N. (2002). *Credit Scoring and Its
    Applications*. SIAM, section 7.5.
    """
    y, s = check_scores(y_true, y_score)
    fpr, tpr = _roc_points(y.to_numpy(), s.to_numpy())
    return float(np.max(np.abs(tpr - fpr)))


@dataclass(repr=False)
class ClassificationEvaluation(Result):
    """Result of :func:`evaluate`.

    ``summary()`` gives the headline measures (one row each), ``to_frame()`` the gains
    table (one row per score group), ``plot(kind="gains" | "roc" | "lift")`` a picture.

    Parameters
    ----------
    measures : dict
        ``auc``, ``gini``, ``ks``, ``average_precision``, ``brier``, ``top_decile_lift``,
        ``base_rate``, ``positives`` and ``n`` (see :func:`evaluate`).
    gains : DataFrame
        The gains table (see :func:`gains_table`).
    y_true, y_score : Series
        The checked labels (0/1) and scores, aligned on one index, kept for the plots.

    See Also
    --------
    evaluate : builds it.
    crmmine.churn.ChurnEvaluation : adds the profit measures of churn campaigns.
    crmmine.credit.CreditEvaluation : the KS table by score band of credit scorecards.

    Examples
    --------
    >>> res = evaluate([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [.9, .2, .8, .1, .1, .1, .1, .1, .1, .1], bins=5)
    >>> res
    ClassificationEvaluation(auc=0.9375, ks=0.875, top_decile_lift=5, n=10)
    >>> res.summary().loc[["auc", "gini", "base_rate"], "value"].tolist()
    [0.9375, 0.875, 0.2]
    >>> res.to_frame()["cum_positives_share"].tolist()
    [0.5, 1.0, 1.0, 1.0, 1.0]
    """

    measures: dict
    gains: pd.DataFrame
    y_true: pd.Series = field(repr=False)
    y_score: pd.Series = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The gains table: one row per score group (see :func:`gains_table`)."""
        return self.gains

    def summary(self) -> pd.DataFrame:
        """Headline measures, one row each (column ``value``)."""
        return pd.Series(self.measures, name="value", dtype=object).rename_axis("measure").to_frame()

    def _repr_items(self) -> dict[str, Any]:
        m = self.measures
        return {k: m[k] for k in ("auc", "ks", "top_decile_lift", "n") if k in m}

    def _plot_kinds(self) -> tuple[str, ...]:
        return ("gains", "roc", "lift")

    def plot(self, ax: Any = None, kind: str = "gains", **kwargs: Any) -> Any:
        """``kind="gains"`` (cumulative gains), ``"roc"`` or ``"lift"`` (lift by group); returns the Axes."""
        import matplotlib.pyplot as plt

        if kind not in self._plot_kinds():
            raise ParameterError(f"kind must be one of {self._plot_kinds()}, got {kind!r}.")
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        y, p = self.y_true.to_numpy(), self.y_score.to_numpy()
        if kind == "roc":
            fpr, tpr = _roc_points(y, p)
            ax.plot(fpr, tpr, label=f"ROC (AUC {self.measures['auc']:.3f})", **kwargs)
            ax.plot([0, 1], [0, 1], "k:")
            ax.set_xlabel("false positive rate")
            ax.set_ylabel("true positive rate")
            ax.set_title("ROC curve")
            ax.legend()
        elif kind == "lift":
            g = self.gains
            ax.bar(g.index, g["lift"], **kwargs)
            ax.axhline(1.0, color="k", linestyle=":")
            ax.set_xlabel("score group (1 = highest scores)")
            ax.set_ylabel("lift")
            ax.set_title("Lift by group")
        elif kind == "gains":
            g = self.gains
            ax.plot(
                np.r_[0, g["cum_share"]], np.r_[0, g["cum_positives_share"]], "o-", label="model", **kwargs
            )
            ax.plot([0, 1], [0, 1], "k:", label="random")
            ax.set_xlabel("share of customers targeted (by score)")
            ax.set_ylabel("share of positives captured")
            ax.set_title("Cumulative gains")
            ax.legend()
        else:
            self._plot_other(ax, kind, **kwargs)
        return ax

    def _plot_other(self, ax: Any, kind: str, **kwargs: Any) -> None:  # pragma: no cover - subclasses
        raise ParameterError(f"unknown plot kind {kind!r}")


def base_measures(y: pd.Series, s: pd.Series, gains: pd.DataFrame) -> dict[str, Any]:
    """The measures of :func:`evaluate` on checked, aligned labels and scores."""
    from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

    yv, pv = y.to_numpy(), s.to_numpy()
    auc = float(roc_auc_score(yv, pv))
    fpr, tpr = _roc_points(yv, pv)
    n = yv.size
    top = _expected_top(yv, pv, np.array([-(-n // 10)]))[0] / -(-n // 10)
    in_unit = bool(((pv >= 0) & (pv <= 1)).all())
    return {
        "auc": auc,
        "gini": 2.0 * auc - 1.0,
        "ks": float(np.max(np.abs(tpr - fpr))),
        "average_precision": float(average_precision_score(yv, pv)),
        "brier": float(brier_score_loss(yv, pv)) if in_unit else np.nan,
        "top_decile_lift": float(top / yv.mean()),
        "base_rate": float(yv.mean()),
        "positives": int(yv.sum()),
        "n": int(n),
    }


@validate_params({"bins": [Interval(Integral, 1, None)]})
def evaluate(y_true: Any, y_score: Any, *, bins: int = 10) -> ClassificationEvaluation:
    """How well scores rank a binary event: AUC, Gini, KS, average precision, Brier, gains and lift.

    Parameters
    ----------
    y_true : Series or array of 0/1
        1 = the event (churned, bought, defaulted).
    y_score : Series or array
        Higher = more likely the event. Two Series are matched by index (customer id), never
        by position; ids on one side only raise a :class:`~crmmine.errors.DataError`.
    bins : int, default 10
        Groups of the gains table (deciles).

    Returns
    -------
    ClassificationEvaluation
        Measures: ``auc``, ``gini`` (2 AUC - 1), ``ks``, ``average_precision``, ``brier``
        (only when scores are probabilities in [0, 1], else NaN), ``top_decile_lift`` (the
        positive rate among the 10% highest scores over the overall rate, ties shared),
        ``base_rate``, ``positives``, ``n``.

    See Also
    --------
    gains_table : the gains and lift table alone.
    ks_statistic : the KS statistic alone.
    CustomerClassifier.predict_positive : the scores usually evaluated.

    Examples
    --------
    >>> res = evaluate([1, 1, 0, 0, 0, 0, 0, 0, 0, 0], [.9, .2, .8, .1, .1, .1, .1, .1, .1, .1])
    >>> round(res.measures["auc"], 3), res.measures["ks"]
    (0.938, 0.875)

    References
    ----------
    Hand, D. J. and Till, R. J. (2001). A simple generalisation of the area under the ROC curve
    for multiple class classification problems. *Machine Learning* 45, 171-186.
    Thomas, L. C., Edelman, D. B. and Crook, J. N. (2002). *Credit Scoring and Its
    Applications*. SIAM.
    """
    y, s = check_scores(y_true, y_score)
    gains = gains_table(y, s, bins=bins)
    return ClassificationEvaluation(measures=base_measures(y, s, gains), gains=gains, y_true=y, y_score=s)
