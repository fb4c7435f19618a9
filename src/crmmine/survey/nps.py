"""Net Promoter Score with its sampling uncertainty."""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["NPSResult", "net_promoter_score"]


@dataclass(repr=False)
class NPSResult(Result):
    """Net Promoter Score (in points, -100 to 100) with Wald and bootstrap intervals.

    Returned by :func:`net_promoter_score`; the fields below are its attributes.

    Parameters
    ----------
    nps : float
        ``100 * (share of promoters - share of detractors)``.
    promoters, passives, detractors : float
        Shares of respondents (9-10, 7-8 and up to 6 on a 0-10 scale).
    n : int
        Number of answers.
    std_error : float
        ``100 * sqrt((p_P + p_D - (p_P - p_D)^2) / n)``: the standard error of the difference of
        two proportions of one multinomial sample.
    wald : (float, float)
        ``nps -/+ z * std_error`` at ``confidence``.
    bootstrap : (float, float) or None
        Percentile interval from ``n_bootstrap`` multinomial resamples (``None`` without a
        bootstrap).
    confidence : float
        Confidence level of both intervals.

    See Also
    --------
    net_promoter_score : builds it.

    Examples
    --------
    >>> r = net_promoter_score([10, 9, 9, 8, 7, 6, 3, 10, 9, 5], n_bootstrap=0)
    >>> r.to_frame()["share"].tolist(), r.nps
    ([0.5, 0.2, 0.3], 20.0)
    >>> [round(x, 1) for x in r.wald], r.bootstrap
    ([-34.0, 74.0], None)
    """

    nps: float
    promoters: float
    passives: float
    detractors: float
    n: int
    std_error: float
    wald: tuple[float, float]
    bootstrap: tuple[float, float] | None
    confidence: float

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            {"share": [self.promoters, self.passives, self.detractors]},
            index=pd.Index(["promoters", "passives", "detractors"], name="group"),
        )

    def summary(self) -> pd.DataFrame:
        rows = {"nps": self.nps, "std_error": self.std_error, "wald_lower": self.wald[0],
                "wald_upper": self.wald[1], "respondents": self.n}
        if self.bootstrap is not None:
            rows["bootstrap_lower"], rows["bootstrap_upper"] = self.bootstrap
        return pd.DataFrame({"value": rows}).rename_axis("measure")

    def _repr_items(self) -> dict[str, Any]:
        return {"nps": self.nps, "lower": self.wald[0], "upper": self.wald[1], "n": self.n}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """One stacked bar of detractors, passives and promoters."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 1.6))
        left = 0.0
        for share, label, color in ((self.detractors, "detractors", "#d7301f"),
                                    (self.passives, "passives", "#bdbdbd"),
                                    (self.promoters, "promoters", "#238b45")):
            ax.barh([0], [share], left=left, color=color, label=label)
            left += share
        ax.set_xlim(0, 1)
        ax.set_yticks([])
        ax.set_title(f"NPS {self.nps:.1f} ({self.wald[0]:.1f} to {self.wald[1]:.1f})")
        ax.legend(ncol=3, fontsize=8, loc="lower center", bbox_to_anchor=(0.5, -0.9))
        return ax


@validate_params(
    {
        "confidence": [Interval(Real, 0, 1, closed="neither")],
        "n_bootstrap": [Interval(Integral, 0, None)],
        "random_state": ["random_state"],
    }
)
def net_promoter_score(
    ratings: Any,
    *,
    scale: tuple[int, int] = (0, 10),
    confidence: float = 0.95,
    n_bootstrap: int = 2000,
    random_state: Any = None,
) -> NPSResult:
    """Net Promoter Score of "how likely are you to recommend us?" answers, with intervals.

    Promoters answer 9 or 10, detractors 6 or less (Reichheld 2003); the score is the
    difference of their shares, in points. Two intervals: the Wald interval from the variance of
    the difference of two proportions of one multinomial sample,
    ``Var(p_P - p_D) = (p_P + p_D - (p_P - p_D)^2) / n``, and a percentile bootstrap of
    ``n_bootstrap`` multinomial resamples (Rocks 2016 compares both).

    Parameters
    ----------
    ratings : Series, one-column DataFrame or 1-D array
        Whole-number answers within ``scale`` (a 1-10 scale works too: its detractors are 1-6).
        True/False values raise: a yes/no flag is not a 0-10 answer.
    scale : (int, int), default (0, 10)
        Lowest and highest possible answer; the top must be 10.
    confidence : float, default 0.95
        Confidence level of the intervals.
    n_bootstrap : int, default 2000
        Multinomial resamples of the bootstrap interval; 0 skips it.
    random_state : None, int or numpy Generator
        Seed of the bootstrap.

    Returns
    -------
    NPSResult
        ``nps`` in points, the shares of promoters, passives and detractors, the standard
        error and both intervals.

    See Also
    --------
    satisfaction_loyalty : who is satisfied but not loyal, from a fitted survey model.
    complaint_statistics : complaints and their effect on loyalty.

    Examples
    --------
    >>> r = net_promoter_score([10, 9, 9, 8, 7, 6, 3, 10, 9, 5], random_state=0)
    >>> r.nps, round(r.std_error, 2)
    (20.0, 27.57)

    References
    ----------
    Reichheld, F. F. (2003). The one number you need to grow. *Harvard Business Review* 81(12),
    46-54.
    Rocks, B. (2016). Interval estimation for the "Net Promoter Score". *The American
    Statistician* 70(4), 365-372.
    """
    if not (isinstance(scale, tuple | list) and len(scale) == 2 and scale[1] == 10 and scale[0] in (0, 1)):
        raise ParameterError(
            f"scale must be (0, 10) or (1, 10), got {scale!r}: NPS groups assume a top of 10."
        )
    if isinstance(ratings, pd.DataFrame):
        if ratings.shape[1] != 1:
            raise ParameterError(
                f"ratings must be one column of answers, got a table of {ratings.shape[1]} columns. "
                "Fix: pass the recommendation column, e.g. survey['recommend']."
            )
        ratings = ratings.iloc[:, 0]
    if not isinstance(ratings, pd.Series):
        array = np.asarray(ratings)
        if array.ndim != 1:
            raise ParameterError(
                f"ratings must be one answer per respondent (1-D), got shape {array.shape}. "
                "Fix: pass a Series or a flat list of the 0-10 answers."
            )
        ratings = pd.Series(array, name="ratings")
    series = ratings
    name = str(series.name if series.name is not None else "ratings")
    if pd.api.types.is_bool_dtype(series):
        raise bad_rows_error(
            name, "True/False values instead of 0-10 answers", series.head(), len(series),
            "pass the raw 0-10 recommendation answers; a yes/no flag has no promoters or detractors.",
        )
    if len(series) == 0:
        raise DataError(f"{name} is empty. Fix: pass at least one answer.")
    if series.isna().any():
        bad = series.isna()
        raise bad_rows_error(name, "missing answers", series[bad], int(bad.sum()),
                             "drop non-respondents first (ratings.dropna()); NPS counts only answers.")
    values = pd.to_numeric(series, errors="coerce")
    wrong = values.isna() | (values != np.round(values)) | (values < scale[0]) | (values > scale[1])
    if wrong.any():
        raise bad_rows_error(
            name, f"answers that are not whole numbers from {scale[0]} to {scale[1]}", series[wrong],
            int(wrong.sum()), "pass the raw 0-10 recommendation answers (not means or percentages).",
        )
    v = values.to_numpy(dtype="float64")
    n = len(v)
    counts = np.array([(v >= 9).sum(), ((v >= 7) & (v <= 8)).sum(), (v <= 6).sum()], dtype="float64")
    p = counts / n
    nps = 100.0 * (p[0] - p[2])
    se = 100.0 * float(np.sqrt(max(p[0] + p[2] - (p[0] - p[2]) ** 2, 0.0) / n))
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    wald = (float(max(nps - z * se, -100.0)), float(min(nps + z * se, 100.0)))
    boot = None
    if n_bootstrap:
        rng = np.random.default_rng(random_state)
        draws = rng.multinomial(n, p, size=int(n_bootstrap))
        scores = 100.0 * (draws[:, 0] - draws[:, 2]) / n
        a = (1 - confidence) / 2
        boot = (float(np.quantile(scores, a)), float(np.quantile(scores, 1 - a)))
    return NPSResult(nps=float(nps), promoters=float(p[0]), passives=float(p[1]), detractors=float(p[2]),
                     n=n, std_error=se, wald=wald, bootstrap=boot, confidence=confidence)
