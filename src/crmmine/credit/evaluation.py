"""Discrimination of a scorecard on a holdout: KS, AUC, Gini and the KS table."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from crmmine._align import align_pair
from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine.credit._checks import check_target
from crmmine.errors import bad_rows_error

__all__ = ["CreditEvaluation", "evaluate_scorecard"]


@dataclass(repr=False)
class CreditEvaluation(Result):
    """KS, AUC and Gini of risk scores against outcomes, with the KS table by score band.

    Returned by :func:`evaluate_scorecard`; the fields below are its attributes.

    Parameters
    ----------
    ks, auc, gini : float
        Kolmogorov-Smirnov statistic (largest gap between the cumulative shares of bads and
        goods), area under the ROC curve, and Gini = 2 AUC - 1.
    n, n_bad : int
        Applications scored, and the bads among them.
    table : DataFrame
        One row per score band, riskiest first: ``min_score, max_score, count, bad, bad_rate,
        cum_bad_share, cum_good_share, ks``.
    roc : DataFrame
        ``fpr, tpr`` of the ROC curve.

    See Also
    --------
    evaluate_scorecard : builds it.
    crmmine.classification.ClassificationEvaluation : the general measures (gains, Brier, ...).

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([0, 0, 1, 1, 0, 1, 0, 0], index=list("abcdefgh"))
    >>> prob = pd.Series([0.1, 0.45, 0.8, 0.3, 0.2, 0.7, 0.15, 0.5], index=list("abcdefgh"))
    >>> ev = evaluate_scorecard(y, prob, bins=4)
    >>> ev.table["bad"].tolist(), ev.table["ks"].round(3).tolist()
    ([2, 0, 1, 0], [0.667, 0.267, 0.4, 0.0])
    >>> round(ev.ks, 3), round(ev.auc, 3), round(ev.gini, 3)
    (0.667, 0.867, 0.733)
    """

    ks: float
    auc: float
    gini: float
    n: int
    n_bad: int
    table: pd.DataFrame
    roc: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"value": [self.ks, self.auc, self.gini, self.n, self.n_bad, self.n_bad / self.n]},
            index=pd.Index(["ks", "auc", "gini", "applications", "bads", "bad_rate"], name="measure"),
        )

    def _repr_items(self) -> dict[str, Any]:
        return {"ks": self.ks, "auc": self.auc, "gini": self.gini, "n": self.n}

    def plot(self, ax: Any = None, *, kind: str = "ks", **kwargs: Any) -> Any:
        """``kind="ks"``: cumulative shares of bads and goods by band; ``"roc"``: the ROC curve."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        if kind == "roc":
            ax.plot(self.roc["fpr"], self.roc["tpr"], color="#2c7fb8", **kwargs)
            ax.plot([0, 1], [0, 1], color="grey", linestyle=":")
            ax.set_xlabel("false positive rate (goods declined)")
            ax.set_ylabel("true positive rate (bads declined)")
            ax.set_title(f"ROC, AUC {self.auc:.3f}")
            return ax
        share = np.r_[0.0, self.table["count"].cumsum() / self.n]
        ax.plot(share, np.r_[0.0, self.table["cum_bad_share"]], label="bads", color="#c0392b")
        ax.plot(share, np.r_[0.0, self.table["cum_good_share"]], label="goods", color="#2c7fb8")
        ax.set_xlabel("share of applications, riskiest first")
        ax.set_ylabel("cumulative share")
        ax.set_title(f"KS {self.ks:.3f}")
        ax.legend()
        return ax


@validate_params({"bins": [Interval(Integral, 2, None)]})
def evaluate_scorecard(y_true: Any, y_score: Any, *, bins: int = 10) -> CreditEvaluation:
    """KS, AUC and Gini of risk scores on a holdout, and the KS table by score band.

    Parameters
    ----------
    y_true : Series or array
        1 = bad (defaulted), 0 = good. A Series is aligned with ``y_score`` on the index.
    y_score : Series or array
        Higher = riskier: the probability of default (``Scorecard.predict_positive``), or the
        negated points.
    bins : int, default 10
        Score bands of the KS table (equal counts; tied scores stay in one band).

    Returns
    -------
    CreditEvaluation
        ``ks``, ``auc``, ``gini``, the KS table by score band (``to_frame()``) and the ROC
        curve.

    See Also
    --------
    Scorecard.evaluate : the same on a fitted scorecard's probability of default.
    crmmine.classification.evaluate : AUC, KS, gains and lift of any score.
    population_stability : whether the scored population still looks like the development one.

    Examples
    --------
    >>> import pandas as pd
    >>> y = pd.Series([0, 0, 1, 1, 0, 1], index=list("abcdef"))
    >>> p = pd.Series([0.1, 0.2, 0.8, 0.7, 0.3, 0.4], index=list("abcdef"))
    >>> r = evaluate_scorecard(y, p, bins=2)
    >>> round(r.auc, 3), round(r.ks, 3), round(r.gini, 3)
    (1.0, 1.0, 1.0)

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards*. Wiley, ch. 6 (KS, ROC and Gini).
    Hand, D. J. and Henley, W. E. (1997). Statistical classification methods in consumer credit
    scoring: a review. *JRSS A* 160(3), 523-541.
    """
    y, score = align_pair(y_true, y_score, names=("y_true", "y_score"))
    target = check_target(y, y.index, what="y_score")
    values = pd.to_numeric(score, errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values)
    if bad.any():
        raise bad_rows_error(
            "y_score", "missing or infinite scores", score[bad], int(bad.sum()),
            "score every application (a probability of default, higher = riskier).",
        )
    fpr, tpr, _ = roc_curve(target, values)
    auc = float(roc_auc_score(target, values))
    ks = float(np.max(tpr - fpr))
    ranks = pd.Series(values).rank(method="min", ascending=False).to_numpy()
    band = np.minimum((ranks - 1) * bins // len(values), bins - 1).astype(np.int64)
    frame = pd.DataFrame({"band": band, "score": values, "bad": target})
    grouped = frame.groupby("band", sort=True).agg(
        min_score=("score", "min"), max_score=("score", "max"), count=("bad", "size"),
        bad=("bad", "sum"),
    )
    grouped["bad_rate"] = grouped["bad"] / grouped["count"]
    grouped["cum_bad_share"] = grouped["bad"].cumsum() / target.sum()
    grouped["cum_good_share"] = (grouped["count"] - grouped["bad"]).cumsum() / (len(target) - target.sum())
    grouped["ks"] = grouped["cum_bad_share"] - grouped["cum_good_share"]
    grouped.index = pd.RangeIndex(1, len(grouped) + 1, name="band")
    return CreditEvaluation(
        ks=ks, auc=auc, gini=2 * auc - 1, n=len(target), n_bad=int(target.sum()), table=grouped,
        roc=pd.DataFrame({"fpr": fpr, "tpr": tpr}),
    )
