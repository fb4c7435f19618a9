"""Weighted multi-criteria value tiers with override rules, and the two-way value matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError, bad_rows_error

__all__ = ["Override", "value_matrix", "value_tiers"]


@dataclass(frozen=True)
class Override:
    """A rule that decides a grade outright.

    Parameters
    ----------
    condition : str or callable
        A ``DataFrame.eval`` expression (e.g. ``"annual_revenue > 1e6"``) or a function of the
        frame returning a boolean Series.
    grade : str
        Grade given to customers that meet the condition.
    name : str
        Shown in the ``override`` column so every forced grade says why.
    """

    condition: str | Callable[[pd.DataFrame], pd.Series]
    grade: str
    name: str = ""

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows meet the condition."""
        if callable(self.condition):
            result = self.condition(frame)
        else:
            try:
                result = frame.eval(self.condition)
            except Exception as exc:  # pandas raises several types for a bad expression
                raise ParameterError(
                    f"override {self.name or self.condition!r} cannot be evaluated: {exc}. "
                    f"Columns available: {list(frame.columns)}"
                ) from exc
        result = np.asarray(result, dtype=bool)
        if result.shape != (len(frame),):
            raise ParameterError(f"override {self.name or self.condition!r} must give one boolean per row")
        return result


def value_tiers(
    frame: pd.DataFrame,
    weights: dict[str, float],
    tiers: tuple[tuple[str, float], ...] = (("A", 0.2), ("B", 0.3), ("C", 0.5)),
    overrides: list[Override] | tuple[Override, ...] = (),
    scale: str = "rank",
) -> pd.DataFrame:
    """Grade customers on several weighted value dimensions, with override rules.

    Each column in ``weights`` is put on a 0-1 scale (``"rank"``: percentile rank, robust to
    outliers; ``"minmax"``: linear between the smallest and largest value), multiplied by its
    weight, and summed into a score divided by the total weight. Customers are then graded by
    score, best first, into shares of the customer base given by ``tiers``. Overrides are then
    applied in order; the first that matches decides the grade and is named in ``override``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer with the value dimensions (e.g. revenue, margin, market influence).
    weights : dict of column -> weight
        Positive weights; a negative weight makes a dimension count against value (e.g. cost to serve).
    tiers : tuple of (grade, share)
        Grades from best to worst with the share of customers in each; shares must sum to 1.
    overrides : list of Override
    scale : {"rank", "minmax"}

    Returns
    -------
    pandas.DataFrame
        ``score``, ``grade_by_score``, ``grade`` (after overrides) and ``override`` (rule name or "").

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"revenue": [900, 500, 100, 50, 20], "influence": [1, 5, 2, 1, 1],
    ...                   "annual_revenue": [900, 500, 100, 50, 2_000_000]})
    >>> out = value_tiers(f, {"revenue": 0.7, "influence": 0.3},
    ...                   tiers=(("A", 0.4), ("B", 0.4), ("C", 0.2)),
    ...                   overrides=[Override("annual_revenue > 1e6", "A", "key account")])
    >>> out["grade"].tolist(), out["override"].tolist()[-1]
    (['A', 'A', 'B', 'B', 'A'], 'key account')

    References
    ----------
    Kotler, P. and Keller, K. L. *Marketing Management*: customer value and key-account selection.
    """
    if not weights:
        raise ParameterError("weights must name at least one column")
    require_columns(frame.columns, list(weights), role="value frame")
    grades = [g for g, _ in tiers]
    shares = np.array([s for _, s in tiers], dtype="float64")
    if (shares <= 0).any() or not np.isclose(shares.sum(), 1.0):
        raise ParameterError(f"tier shares must be positive and sum to 1, got {dict(tiers)}")
    if scale not in ("rank", "minmax"):
        raise ParameterError(f"scale must be 'rank' or 'minmax', got {scale!r}")
    total_weight = sum(abs(w) for w in weights.values())
    score = np.zeros(len(frame))
    for col, w in weights.items():
        v = pd.to_numeric(frame[col], errors="coerce")
        bad = v.isna().to_numpy()
        if bad.any():
            raise bad_rows_error(
                col,
                "missing or non-numeric values",
                frame.loc[bad, [col]],
                int(bad.sum()),
                "fill them (e.g. with 0) before grading",
            )
        if scale == "rank":
            scaled = v.rank(pct=True, method="average").to_numpy()
        else:
            span = v.max() - v.min()
            scaled = ((v - v.min()) / span).to_numpy() if span > 0 else np.full(len(v), 0.5)
        score += (w / total_weight) * scaled
    n = len(frame)
    order = np.argsort(-score, kind="stable")
    bounds = np.round(np.cumsum(shares) * n).astype(np.int64)
    grade_sorted = np.minimum(np.searchsorted(bounds, np.arange(n), side="right"), len(grades) - 1)
    grade_idx = np.empty(n, dtype=np.int64)
    grade_idx[order] = grade_sorted
    by_score = np.array(grades, dtype=object)[grade_idx]
    final = by_score.copy()
    reason = np.full(n, "", dtype=object)
    decided = np.zeros(n, dtype=bool)
    for rule in overrides:
        if rule.grade not in grades:
            raise ParameterError(f"override grade {rule.grade!r} is not one of {grades}")
        hit = rule.mask(frame) & ~decided
        final[hit] = rule.grade
        reason[hit] = rule.name or str(rule.condition)
        decided |= hit
    cats = pd.CategoricalDtype(grades, ordered=True)
    return pd.DataFrame(
        {
            "score": score,
            "grade_by_score": pd.Series(by_score, index=frame.index, dtype=cats),
            "grade": pd.Series(final, index=frame.index, dtype=cats),
            "override": reason,
        },
        index=frame.index,
    )


_DEFAULT_CELLS = {
    (True, True): "Stars",
    (True, False): "Develop",
    (False, True): "Maintain",
    (False, False): "Low priority",
}


def value_matrix(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    split: str | tuple[float, float] = "median",
    names: dict[tuple[bool, bool], str] | None = None,
) -> pd.DataFrame:
    """Two-dimensional value matrix (e.g. value x loyalty, or frequency x average spend).

    Each customer is high or low on ``x`` and on ``y`` (split at the median, the mean, or given
    thresholds) and gets the name of her cell. Default names for (high x, high y): "Stars",
    (high x, low y): "Develop", (low x, high y): "Maintain", (low, low): "Low priority".

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"frequency": [10, 1, 8, 2], "monetary_mean": [50, 60, 5, 4]})
    >>> value_matrix(f, "frequency", "monetary_mean")["cell"].tolist()
    ['Stars', 'Maintain', 'Develop', 'Low priority']
    """
    require_columns(frame.columns, [x, y], role="value frame")
    xv = pd.to_numeric(frame[x], errors="coerce")
    yv = pd.to_numeric(frame[y], errors="coerce")
    if split == "median":
        tx, ty = xv.median(), yv.median()
    elif split == "mean":
        tx, ty = xv.mean(), yv.mean()
    elif isinstance(split, tuple) and len(split) == 2:
        tx, ty = split
    else:
        raise ParameterError(f"split must be 'median', 'mean' or (x_threshold, y_threshold), got {split!r}")
    cells = names or _DEFAULT_CELLS
    hx = (xv > tx).to_numpy()
    hy = (yv > ty).to_numpy()
    lookup = np.array(
        [[cells[(False, False)], cells[(False, True)]], [cells[(True, False)], cells[(True, True)]]],
        dtype=object,
    )
    out = pd.DataFrame(
        {f"{x}_high": hx, f"{y}_high": hy, "cell": lookup[hx.astype(int), hy.astype(int)]}, index=frame.index
    )
    out.attrs["thresholds"] = {x: float(tx), y: float(ty)}
    return out
