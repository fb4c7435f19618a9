"""Grading customers as practitioners do: weighted value tiers with cut-offs, shares, points,
overrides and presets (the six types A-F, the customer pyramid), and the n x m value matrix."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._align import align_to
from crmmine._i18n import check_locale
from crmmine._params import Interval, Options, check_params, validate_params
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation._labels import localized_categorical
from crmmine.segmentation.abc import _label_expr, _labels_shown, grade_by_shares, share_bounds
from crmmine.segmentation.rfm import like_input, numeric_column, summary_frame

__all__ = ["GRADE_PRESETS", "Override", "customer_pyramid", "value_matrix", "value_tiers"]


@dataclass(frozen=True)
class Override:
    """A rule that decides a grade outright ("grade A by one vote").

    Parameters
    ----------
    condition : str, callable or narwhals expression
        A ``DataFrame.eval`` expression (e.g. ``"annual_sales > 10_000_000"``), a function of
        the frame returning a boolean Series (aligned on the index) or array, or a narwhals
        expression (``nw.col("annual_sales") > 10_000_000``; the only kind that also runs
        inside polars, DuckDB and Spark). The frame it sees is the input plus the computed
        ``score`` and ``grade_by_score`` (in :func:`value_matrix`: ``x_level``, ``y_level``
        and ``cell_by_matrix``), so a rule may refer to the score and to any column.
    grade : str
        The grade (or matrix cell) the rule gives. It must be one of the grades.
    name : str, default ""
        Shown in the ``override`` column so every forced grade says why (default: the
        condition string, or "override").
    mode : {"set", "at_least", "at_most"}, default "set"
        ``"set"``: the grade is ``grade``; ``"at_least"``: the better of ``grade`` and the grade
        by score; ``"at_most"``: the worse of the two (e.g. customers with bad debts are at most C).

    See Also
    --------
    value_tiers : grades with overrides.
    customer_pyramid : the lead tier is an override.
    value_matrix : overrides that force a matrix cell.

    Notes
    -----
    Overrides apply in order; for each customer the first rule whose condition holds decides.
    A condition that is missing for some rows raises rather than counting them as False.

    Examples
    --------
    The best customer by spend has a bad debt, so she is at most C:

    >>> import pandas as pd
    >>> f = pd.DataFrame({"monetary": [900.0, 500, 300, 100, 50],
    ...                   "bad_debt": [True, False, False, False, False]})
    >>> rule = Override("bad_debt", "C", "bad debt", mode="at_most")
    >>> out = value_tiers(f, {"monetary": 1.0}, cutoffs=(("A", 0.8), ("B", 0.5), ("C", None)),
    ...                   overrides=[rule])
    >>> out[["grade_by_score", "grade", "override"]].iloc[0].tolist()
    ['A', 'C', 'bad debt']
    >>> out["grade"].tolist()
    ['C', 'A', 'B', 'C', 'C']
    """

    condition: str | Callable[[pd.DataFrame], Any] | nw.Expr
    grade: str
    name: str = ""
    mode: str = "set"

    def __post_init__(self) -> None:
        check_params(
            {"mode": self.mode, "grade": self.grade},
            {"mode": [Options({"set", "at_least", "at_most"})], "grade": [str]},
            caller="Override",
        )
        if not (isinstance(self.condition, nw.Expr | str) or callable(self.condition)):
            raise ParameterError(
                f"Override condition must be an expression string, a function or a narwhals "
                f"expression, got {type(self.condition).__name__}."
            )

    @property
    def label(self) -> str:
        return self.name or (self.condition if isinstance(self.condition, str) else "override")

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        """Which rows meet the condition (one boolean per row, matched on the index)."""
        if isinstance(self.condition, nw.Expr):
            try:
                result = nw.from_native(frame.reset_index(drop=True), eager_only=True).select(
                    self.condition.alias("__cm_hit")).to_native()["__cm_hit"].to_numpy()
            except Exception as exc:  # narwhals and pandas raise several types for a bad expression
                raise ParameterError(
                    f"override {self.label!r} cannot be evaluated: {exc}. Columns available: "
                    f"{list(frame.columns)}. Fix: refer to those columns."
                ) from exc
        elif callable(self.condition):
            result = self.condition(frame)
        else:
            try:
                result = frame.eval(self.condition)
            except Exception as exc:  # pandas raises several types for a bad expression
                raise ParameterError(
                    f"override {self.label!r} cannot be evaluated: {exc}. "
                    f"Columns available: {list(frame.columns)}. Fix: refer to those columns "
                    "(names with spaces in backticks)."
                ) from exc
        if isinstance(result, pd.Series | pd.DataFrame):
            result = align_to(result, frame.index, name=f"override {self.label!r}", target="the frame")
            values = result.to_numpy()
        else:
            values = np.asarray(result)
            if values.ndim == 0 or values.shape != (len(frame),):
                raise ParameterError(
                    f"override {self.label!r} must give one boolean per row, got shape "
                    f"{values.shape} for {len(frame)} rows."
                )
        if values.dtype != bool:
            missing = pd.isna(values)
            if missing.any():
                raise DataError(
                    f"override {self.label!r} is undefined (missing) for {int(missing.sum())} "
                    "rows. Fix: fill the columns it reads, or write the condition so it is "
                    "True or False for every row."
                )
            values = values.astype(bool)
        return values


def _grade_list(spec: Any, what: str) -> tuple[list[str], list[Any]]:
    items = list(spec.items()) if isinstance(spec, Mapping) else list(spec)
    try:
        grades = [str(g) for g, _ in items]
        values = [v for _, v in items]
    except (TypeError, ValueError):
        raise ParameterError(
            f"{what} must be pairs (grade, value) best first, e.g. (('A', ...), ('B', ...)), got {spec!r}."
        ) from None
    if not grades or len(set(grades)) != len(grades):
        raise ParameterError(f"{what} must name distinct grades, got {grades}.")
    return grades, values


#: Grading presets: grades best first with score cut-offs or customer shares.
GRADE_PRESETS: dict[str, dict[str, Any]] = {
    # six customer types A-F on the 0-1 score, ten-point bands (A >= 0.9 ... E >= 0.5, F below)
    "six_types": {"cutoffs": (("A", 0.9), ("B", 0.8), ("C", 0.7), ("D", 0.6), ("E", 0.5), ("F", None))},
    # Zeithaml, Rust & Lemon (2001): tiers by profitability; lead = customers who cost money
    # (only by the override in customer_pyramid); the shares of the profitable tiers are editable
    "pyramid": {"shares": (("platinum", 0.2), ("gold", 0.3), ("iron", 0.5), ("lead", 0.0))},
}


def _apply_overrides(
    frame: pd.DataFrame, grades: list[str], base_idx: np.ndarray, overrides: Sequence[Override]
) -> tuple[np.ndarray, np.ndarray]:
    n = len(frame)
    final = base_idx.copy()
    reason = np.full(n, "", dtype=object)
    decided = np.zeros(n, dtype=bool)
    for rule in overrides:
        if not isinstance(rule, Override):
            raise ParameterError(f"overrides must be Override(...) rules, got {type(rule).__name__}.")
        if rule.grade not in grades:
            raise ParameterError(
                f"override {rule.label!r} gives grade {rule.grade!r}, which is not one of "
                f"{grades}. Fix: use one of those grades."
            )
        g = grades.index(rule.grade)
        hit = rule.mask(frame) & ~decided
        if rule.mode == "set":
            final[hit] = g
        elif rule.mode == "at_least":
            final[hit] = np.minimum(final[hit], g)
        else:
            final[hit] = np.maximum(final[hit], g)
        reason[hit] = rule.label
        decided |= hit
    return final, reason


def _check_extra(frame: pd.DataFrame, names: Sequence[str]) -> None:
    clash = [c for c in names if c in frame.columns]
    if clash:
        raise ParameterError(
            f"the frame already has column(s) {clash}, which overrides use for the computed "
            "values. Fix: rename those columns before grading."
        )


def value_tiers(
    frame: pd.DataFrame,
    weights: Mapping[str, float],
    *,
    shares: Sequence[tuple[str, float]] | Mapping[str, float] | None = None,
    cutoffs: Sequence[tuple[str, float | None]] | Mapping[str, float | None] | None = None,
    preset: str | None = None,
    overrides: Sequence[Override] = (),
    points: Mapping[str, Mapping[Any, float]] | None = None,
    scale: str = "rank",
    ties: str = "down",
    locale: str = "en",
) -> pd.DataFrame:
    """Grade customers on several weighted value dimensions, with cut-offs or shares and overrides.

    Each column in ``weights`` is put on a common scale (``"rank"``: percentile rank, tied values
    sharing their average rank, robust to outliers; ``"minmax"``: linear between the smallest and
    largest value; ``"points"``: the values as they are). Categorical columns (region, industry)
    enter through ``points``, which maps each category to its points. The score is the weighted
    sum divided by the sum of absolute weights for ``"rank"`` and ``"minmax"`` (a 0-1 score when
    weights are positive) and the plain weighted sum for ``"points"``.

    Grades come from the score in one of two ways:

    * ``cutoffs`` (absolute): ``(("A", 0.8), ("B", 0.5), ("C", None))`` gives A to scores of at
      least 0.8, B to at least 0.5 and C to the rest;
    * ``shares`` (relative, the default ``A 20% / B 30% / C 50%``): customers ranked by score,
      best first, fill the grades in turn. Equal scores are always in one grade: a tied block
      that straddles a boundary goes to the lower grade with ``ties="down"`` (so grades 1..k
      never hold more than their cumulative share) or to the higher one with ``"up"`` (never
      less). A trailing grade with share 0 is reachable only by an override. Grade sizes are
      whole customers by the largest-remainder rule (each grade gets the whole part of its
      share of the customers; those left over go to the largest fractional parts, the better
      grade first on equal parts): 5 customers at 20 / 30 / 50% give 1 / 2 / 2.

    Then the ``overrides`` apply in order (the first whose condition holds decides, and the
    ``override`` column names it; ``grade_by_score`` keeps the grade before overrides).

    Parameters
    ----------
    frame : table
        One row per customer with the value dimensions (revenue, margin, influence, region...):
        pandas, or a polars, DuckDB or Spark table with the customer id first (computed inside
        the engine; overrides must then be narwhals expressions).
    weights : dict of column -> weight
        A negative weight makes a dimension count against value (e.g. cost to serve).
    shares, cutoffs : sequence of (grade, value) or dict, optional
        Best grade first. Give one of them, or a ``preset``.
    preset : {"six_types", "pyramid"}, optional
        ``"six_types"``: the six customer types A-F by cut-offs on the 0-1 score in ten-point
        bands (A >= 0.9, B >= 0.8, C >= 0.7, D >= 0.6, E >= 0.5, F below); ``"pyramid"``: the
        customer pyramid's platinum 20%, gold 30%, iron 50% by shares, and lead only by an
        override (see :func:`customer_pyramid`).
    overrides : list of Override, default ()
        Rules that force a grade, applied in order after the grades by score (the first whose
        condition holds decides).
    points : dict of column -> {category: points}, optional
        Points for each category of a categorical column named in ``weights``; a category with
        no points raises (name it, or map it to 0).
    scale : {"rank", "minmax", "points"}, default "rank"
        How each dimension is put on a common scale before weighting: percentile rank (ties
        share their average rank), linear between the smallest and largest value, or the
        values as they are.
    ties : {"down", "up"}, default "down"
        With ``shares``: where a block of equal scores that straddles a boundary goes (the
        lower grade, or the higher one).
    locale : {"en", "zh"}, default "en"
        Language of the grade labels (codes are the same in both).

    Returns
    -------
    table of the input's kind
        ``score``, ``grade_by_score``, ``grade`` (ordered categoricals, best grade first, with
        stable codes in every locale; text for other engines) and ``override`` (rule name or
        ""), indexed like ``frame`` (other engines: the customer id first).

    See Also
    --------
    Override : a rule that forces a grade.
    GRADE_PRESETS : the named gradings ("six_types", "pyramid").
    customer_pyramid : platinum, gold, iron and lead tiers by profit.
    value_matrix : grades from the cells of a two-dimensional matrix.
    count_tiers : tiers by share of customers on a single value.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"revenue": [900, 500, 100, 50, 20], "region": ["e", "w", "e", "w", "e"],
    ...                   "annual_sales": [900, 500, 100, 50, 20_000_000]})
    >>> out = value_tiers(f, {"revenue": 0.7, "region": 0.3}, points={"region": {"e": 1, "w": 0}},
    ...                   cutoffs=(("A", 0.8), ("B", 0.4), ("C", None)),
    ...                   overrides=[Override("annual_sales > 10_000_000", "A", "key account")])
    >>> out["grade"].tolist(), out["override"].tolist()[-1]
    (['A', 'B', 'B', 'C', 'A'], 'key account')

    References
    ----------
    Kotler, P. and Keller, K. L. *Marketing Management*: customer value and key-account selection.
    Zeithaml, V. A., Rust, R. T. and Lemon, K. N. (2001). The customer pyramid: creating and serving
    profitable customers. *California Management Review* 43(4), 118-142.
    """
    check_params(
        {"scale": scale, "ties": ties, "preset": preset},
        {
            "scale": [Options({"rank", "minmax", "points"})],
            "ties": [Options({"down", "up"})],
            "preset": [Options(set(GRADE_PRESETS)), None],
        },
        caller="value_tiers()",
    )
    check_locale(locale)
    engine = _backend.is_engine(frame)
    if not engine and not isinstance(frame, pd.DataFrame):
        pandas_frame = summary_frame(frame, "frame")
        result = value_tiers(pandas_frame, weights, shares=shares, cutoffs=cutoffs, preset=preset,
                             overrides=overrides, points=points, scale=scale, ties=ties, locale=locale)
        return like_input(result, frame)
    if not engine:
        summary_frame(frame, "frame")  # one row per customer
    if not isinstance(weights, Mapping) or not weights:
        raise ParameterError("weights must be a dict naming at least one column, e.g. {'monetary': 1.0}.")
    for col, w in weights.items():
        if (
            isinstance(w, bool)
            or not isinstance(w, int | float | np.integer | np.floating)
            or not np.isfinite(w)
        ):
            raise ParameterError(f"weight of {col!r} must be a finite number, got {w!r}.")
    total_weight = float(sum(abs(w) for w in weights.values()))
    if total_weight == 0:
        raise ParameterError("weights are all zero. Fix: give at least one dimension a non-zero weight.")
    table = _backend.customer_table(frame, what="value frame", needed=list(weights)) if engine else None
    require_columns(table.columns if engine else frame.columns, list(weights), role="value frame")
    points = dict(points or {})
    stray = [c for c in points if c not in weights]
    if stray:
        raise ParameterError(f"points given for {stray}, which are not in weights. Fix: add them to weights.")
    given = [
        name
        for name, spec in (("shares", shares), ("cutoffs", cutoffs), ("preset", preset))
        if spec is not None
    ]
    if len(given) > 1:
        raise ParameterError(f"give one of shares, cutoffs or preset, got {given}.")
    if preset is not None:
        spec = GRADE_PRESETS[preset]
        shares, cutoffs = spec.get("shares"), spec.get("cutoffs")
        if cutoffs is not None and scale == "points":
            raise ParameterError(
                f"preset {preset!r} has cut-offs on the 0-1 score; with scale='points' "
                "pass cutoffs= in points instead."
            )
    if shares is None and cutoffs is None:
        shares = (("A", 0.2), ("B", 0.3), ("C", 0.5))
    if cutoffs is not None:
        grades, lim = _cutoff_limits(cutoffs)
        sh = None
    else:
        grades, sh = _share_list(shares)
        lim = None
    if engine:
        for rule in overrides:
            _check_rule(rule, grades)
        return _value_tiers_engine(table, weights, points, scale, ties, locale, grades, lim, sh,
                                   overrides, total_weight)

    score = np.zeros(len(frame))
    for col, w in weights.items():
        if col in points:
            v = _points_column(frame, col, points[col])
        else:
            v = numeric_column(frame, col, fix=_FIX_NUMBERS)
        if scale == "rank":
            scaled = pd.Series(v).rank(pct=True, method="average").to_numpy()
        elif scale == "minmax":
            span = v.max() - v.min() if v.size else 0.0
            scaled = (v - v.min()) / span if span > 0 else np.full(v.size, 0.5)
        else:
            scaled = v
        score += (w if scale == "points" else w / total_weight) * scaled

    if lim is not None:
        # grade = number of cut-offs the score is below (score >= cut-off earns the grade)
        base = (score[:, None] < lim[None, :]).sum(axis=1) if lim.size else np.zeros(len(frame), int)
    else:
        base = grade_by_shares(score, sh, ties)
    base = base.astype(np.int64)
    _check_extra(frame, ["score", "grade_by_score"])
    seen = frame.assign(score=score, grade_by_score=np.asarray(grades, dtype=object)[base])
    final, reason = _apply_overrides(seen, grades, base, overrides)
    names = np.asarray(grades, dtype=object)
    out = pd.DataFrame({"score": score}, index=frame.index)
    out["grade_by_score"] = localized_categorical(
        names[base], grades, index=frame.index, name="grade_by_score", locale=locale
    )
    out["grade"] = localized_categorical(names[final], grades, index=frame.index, name="grade", locale=locale)
    out["override"] = reason
    out.attrs.update({"basis": "cutoffs" if cutoffs is not None else "shares", "scale": scale})
    return out


_FIX_NUMBERS = "fill them (e.g. with 0) or map categories with points="


def _cutoff_limits(cutoffs: Any) -> tuple[list[str], np.ndarray]:
    grades, limits = _grade_list(cutoffs, "cutoffs")
    if limits[-1] is not None:
        raise ParameterError(
            "the last cut-off must be None (the grade for everyone below the others), "
            f"got {limits[-1]!r}."
        )
    try:
        lim = np.array([float(x) for x in limits[:-1]], dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError(f"cut-offs must be numbers (the last None), got {limits}.") from None
    if not np.all(np.isfinite(lim)) or np.any(np.diff(lim) >= 0):
        raise ParameterError(
            f"cut-offs must be finite and strictly decreasing, best grade first; got "
            f"{dict(zip(grades, limits))}."
        )
    return grades, lim


def _share_list(shares: Any) -> tuple[list[str], np.ndarray]:
    grades, raw_shares = _grade_list(shares, "shares")
    try:
        sh = np.array(raw_shares, dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError(f"shares must be numbers, got {raw_shares}.") from None
    if (sh < 0).any() or sh[0] <= 0 or not np.isclose(sh.sum(), 1.0):
        raise ParameterError(
            f"tier shares must be non-negative (the first positive) and sum to 1, "
            f"got {dict(zip(grades, raw_shares))}."
        )
    return grades, sh


def _check_rule(rule: Any, grades: list[str]) -> None:
    if not isinstance(rule, Override):
        raise ParameterError(f"overrides must be Override(...) rules, got {type(rule).__name__}.")
    if rule.grade not in grades:
        raise ParameterError(
            f"override {rule.label!r} gives grade {rule.grade!r}, which is not one of "
            f"{grades}. Fix: use one of those grades."
        )
    if not isinstance(rule.condition, nw.Expr):
        raise ParameterError(
            f"override {rule.label!r}: on a polars, DuckDB or Spark table the condition must be a "
            "narwhals expression, which runs inside the engine. Fix: write it with narwhals, e.g. "
            "Override(nw.col('annual_sales') > 10_000_000, 'A') with `import narwhals as nw`."
        )


def _points_expr(lf: nw.LazyFrame, id_name: str, col: str, mapping: Mapping[Any, float]) -> nw.Expr:
    """The points of a categorical column inside the engine; categories without points raise."""
    if not isinstance(mapping, Mapping) or not mapping:
        raise ParameterError(f"points for {col!r} must be a dict of category -> points, got {mapping!r}.")
    keys = [k for k in mapping if not pd.isna(k)]
    bad = nw.col(col).is_null() | ~nw.col(col).is_in(keys)
    count = int(_backend.collect_one(lf.select(n=bad.cast(nw.Int64).sum()))["n"] or 0)
    if count:
        rows = _backend.collect_pandas(lf.filter(bad).select(id_name, col).head(5)).set_index(id_name)
        unknown = sorted({str(v) for v in _backend.collect_pandas(
            lf.filter(bad).select(col).unique().head(5))[col]})
        raise bad_rows_error(
            col,
            f"categories without points ({', '.join(unknown[:5])})",
            rows,
            count,
            f"add them to points={{'{col}': {{...}}}} (0 is fine) or fill missing values.",
        )
    expr: Any = nw.lit(None, dtype=nw.Float64)
    for key in reversed(keys):
        try:
            value = float(mapping[key])
        except (TypeError, ValueError):
            raise ParameterError(f"points for {col!r} must be numbers, got {mapping[key]!r}.") from None
        expr = nw.when(nw.col(col) == key).then(nw.lit(value)).otherwise(expr)
    return expr.cast(nw.Float64)


def _value_tiers_engine(table: _backend.CustomerTable, weights: Mapping[str, float],
                        points: dict, scale: str, ties: str, locale: str, grades: list[str],
                        lim: np.ndarray | None, sh: np.ndarray | None, overrides: Sequence[Override],
                        total_weight: float) -> Any:
    """:func:`value_tiers` inside the engine (scores, grades by cut-offs or shares, overrides)."""
    lf = table.lf
    clash = [c for c in ("score", "grade_by_score") if c in table.columns]
    if clash:
        raise ParameterError(
            f"the frame already has column(s) {clash}, which overrides use for the computed "
            "values. Fix: rename those columns before grading."
        )
    numeric = [c for c in weights if c not in points]
    values = {c: _points_expr(lf, table.id_name, c, points[c]) for c in weights if c in points}
    extra: dict[str, nw.Expr] = {}
    if scale == "minmax":
        for i, c in enumerate(weights):
            v = values.get(c, nw.col(c).cast(nw.Float64))
            extra[f"lo{i}"], extra[f"hi{i}"] = v.min(), v.max()
    from crmmine.segmentation.rfm import engine_values

    if numeric:
        stats = engine_values(table, {c: c for c in numeric}, fix=_FIX_NUMBERS, what="value frame",
                              extra=extra)
    else:
        stats = _backend.collect_one(lf.select(n=nw.len(), **extra))
    n = int(stats["n"] or 0)
    if n == 0:
        raise DataError("value_tiers needs at least one customer (the frame is empty).")
    work, whole = _backend.whole_table_window(lf)
    score: nw.Expr = nw.lit(0.0)
    for i, (c, w) in enumerate(weights.items()):
        v = values.get(c, nw.col(c).cast(nw.Float64))
        if scale == "rank":
            scaled = _backend.divide(v.rank("average").over(whole), n)
        elif scale == "minmax":
            lo, hi = float(stats[f"lo{i}"]), float(stats[f"hi{i}"])
            span = hi - lo
            scaled = _backend.divide(v - lo, span) if span > 0 else nw.lit(0.5)
        else:
            scaled = v
        score = score + (float(w) if scale == "points" else w / total_weight) * scaled
    work = work.with_columns(score.cast(nw.Float64).alias("score"))
    if lim is not None:
        base = nw.lit(0, dtype=nw.Int64)
        for limit in lim:
            base = base + (nw.col("score") < float(limit)).cast(nw.Int64)
    else:
        method = "max" if ties == "down" else "min"
        pos = nw.col("score").rank(method, descending=True).over(whole).cast(nw.Int64) - 1
        bounds = share_bounds(sh, n)
        raw = nw.lit(0, dtype=nw.Int64)
        for bound in bounds:
            raw = raw + (pos >= int(bound)).cast(nw.Int64)
        base = nw.when(raw > len(sh) - 1).then(nw.lit(len(sh) - 1)).otherwise(raw)
    english = _label_expr(nw.col("_base"), list(grades))
    work = work.with_columns(base.cast(nw.Int64).alias("_base")).with_columns(english.alias("grade_by_score"))
    if overrides:
        checks = [_backend.Check(rule.label, rule.condition.is_null(), "an undefined (missing) override "
                                 "condition", "fill the columns it reads, or write the condition so it "
                                 "is True or False for every row.") for rule in overrides]
        _backend.checked_aggregates(work, table.id_name, checks)
    final: nw.Expr = nw.col("_base")
    reason: nw.Expr = nw.lit("")
    decided: nw.Expr = nw.lit(False)
    for rule in overrides:
        g = grades.index(rule.grade)
        hit = rule.condition & ~decided
        if rule.mode == "set":
            new = nw.lit(g, dtype=nw.Int64)
        elif rule.mode == "at_least":
            new = nw.when(final < g).then(final).otherwise(nw.lit(g, dtype=nw.Int64))
        else:
            new = nw.when(final > g).then(final).otherwise(nw.lit(g, dtype=nw.Int64))
        final = nw.when(hit).then(new).otherwise(final)
        reason = nw.when(hit).then(nw.lit(rule.label)).otherwise(reason)
        decided = decided | rule.condition
    shown = _labels_shown(tuple(grades), locale)
    keep = [c for c in work.collect_schema().names() if c == "__cm_row"]
    out = work.select(
        table.id_name, *keep, "score",
        _label_expr(nw.col("_base"), shown).alias("grade_by_score"),
        _label_expr(final, shown).alias("grade"),
        reason.cast(nw.String).alias("override"),
    )
    return _backend.finish_table(out, table)


def _points_column(frame: pd.DataFrame, col: str, mapping: Mapping[Any, float]) -> np.ndarray:
    if not isinstance(mapping, Mapping) or not mapping:
        raise ParameterError(f"points for {col!r} must be a dict of category -> points, got {mapping!r}.")
    raw = frame[col]
    mapped = raw.map(lambda v: mapping.get(v, np.nan) if not pd.isna(v) else np.nan)
    values = pd.to_numeric(mapped, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        unknown = sorted({str(v) for v in raw[bad].unique()})
        raise bad_rows_error(
            col,
            f"categories without points ({', '.join(unknown[:5])})",
            frame.loc[bad, [col]],
            int(bad.sum()),
            f"add them to points={{'{col}': {{...}}}} (0 is fine) or fill missing values.",
        )
    return values


def customer_pyramid(
    frame: pd.DataFrame,
    profit: str = "profit",
    shares: tuple[float, float] = (0.2, 0.3),
    *,
    overrides: Sequence[Override] = (),
    ties: str = "down",
    locale: str = "en",
) -> pd.DataFrame:
    """The customer pyramid of Zeithaml, Rust & Lemon (2001): platinum, gold, iron and lead.

    Customers are ranked by ``profit`` (best first): platinum are the top ``shares[0]``, gold
    the next ``shares[1]``, iron the rest; customers whose profit is below zero cost the
    company money and are lead whatever their rank. The paper defines the tiers by
    profitability without fixed sizes: the shares are editable defaults. Your ``overrides``
    come before the lead rule (a strategic account may be kept out of lead).

    Parameters
    ----------
    frame : table
        One row per customer (pandas, or a polars, DuckDB or Spark table with the id first).
    profit : str, default "profit"
        Profit per customer (margin minus cost to serve), may be negative.
    shares : (float, float), default (0.2, 0.3)
        Shares of customers in platinum and gold (positive, sum below 1); iron takes the rest.
    overrides : list of Override, default ()
        Rules applied before the lead rule, as in :func:`value_tiers`; their grade is one of
        "platinum", "gold", "iron", "lead".
    ties : {"down", "up"}, default "down"
        Where a block of equal profits that straddles a boundary goes (the lower tier, or the
        higher one).
    locale : {"en", "zh"}, default "en"
        Language of the tier labels.

    Returns
    -------
    table of the input's kind
        As :func:`value_tiers`; ``score`` is the profit, ``grade`` the tier (``lead`` with
        the override's reason in ``override``).

    See Also
    --------
    value_tiers : the grading it is built on.
    Override : rules to keep a strategic account out of lead, or to force a tier.
    abc_tiers : tiers by cumulative share of value instead of customer shares.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"profit": [900.0, 400, 300, 120, 50, 20, 10, 5, -15, -40]})
    >>> customer_pyramid(f)["grade"].tolist()
    ['platinum', 'platinum', 'gold', 'gold', 'gold', 'iron', 'iron', 'iron', 'lead', 'lead']

    References
    ----------
    Zeithaml, V. A., Rust, R. T. and Lemon, K. N. (2001). The customer pyramid: creating and serving
    profitable customers. *California Management Review* 43(4), 118-142.
    """
    try:
        top, mid = (float(x) for x in shares)
    except (TypeError, ValueError):
        raise ParameterError(f"shares must be two numbers (platinum, gold), got {shares!r}.") from None
    if top <= 0 or mid <= 0 or top + mid >= 1:
        raise ParameterError(
            f"shares of platinum and gold must be positive with a sum below 1, got {shares}."
        )
    lead = Override(nw.col(profit) < 0, "lead", "costs more than it brings (lead)")
    return value_tiers(
        frame,
        {profit: 1.0},
        shares=(("platinum", top), ("gold", mid), ("iron", 1 - top - mid), ("lead", 0.0)),
        overrides=[*overrides, lead],
        scale="points",
        ties=ties,
        locale=locale,
    )


_DEFAULT_CELLS = [["Low priority", "Maintain"], ["Develop", "Stars"]]


#: A value-matrix axis: split at the median or mean, k groups by rank, or thresholds.
_CUTS = [Options({"median", "mean"}), Interval(Integral, 2, None), "array-like"]


def _levels(values: np.ndarray, cuts: Any, axis: str) -> tuple[np.ndarray, tuple[float, ...]]:
    if isinstance(cuts, str):
        t = float(np.median(values) if cuts == "median" else np.mean(values))
        return (values > t).astype(np.int64), (t,)
    if isinstance(cuts, Integral):
        uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
        below = np.cumsum(counts) - counts
        per_value = (int(cuts) * below) // values.shape[0]
        levels = per_value[inverse.reshape(-1)]
        edges = tuple(
            float(uniq[per_value >= k].min()) if (per_value >= k).any() else float("inf")
            for k in range(1, int(cuts))
        )
        return levels.astype(np.int64), edges
    try:
        t = np.array([float(x) for x in cuts], dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError(
            f"{axis}_cuts must be 'median', 'mean', a number of groups or increasing "
            f"thresholds, got {cuts!r}."
        ) from None
    if t.size == 0 or not np.all(np.isfinite(t)) or np.any(np.diff(t) <= 0):
        raise ParameterError(f"{axis}_cuts thresholds must be finite and strictly increasing, got {cuts!r}.")
    # a value above a threshold is in the higher level
    return np.searchsorted(t, values, side="left").astype(np.int64), tuple(float(x) for x in t)


@validate_params({"x_cuts": _CUTS, "y_cuts": _CUTS})
def value_matrix(
    frame: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_cuts: str | int | Sequence[float] = "median",
    y_cuts: str | int | Sequence[float] = "median",
    cells: Sequence[Sequence[str]] | pd.DataFrame | None = None,
    overrides: Sequence[Override] = (),
    locale: str = "en",
) -> pd.DataFrame:
    """An n x m value matrix (value x loyalty, frequency x average spend, ...) with named cells.

    Each customer gets a level on ``x`` and on ``y`` (0 = lowest) and the name (or grade) of her
    cell; overrides may then force a cell. Levels come from ``x_cuts`` / ``y_cuts``:
    ``"median"`` or ``"mean"`` (two levels: above the split is high), an int ``k`` (k groups of
    equal size by rank, ties kept together as in :func:`rfm_scores`), or increasing thresholds
    (a value above a threshold is in the higher level).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per customer, indexed by customer id.
    x : str
        Numeric column of the first axis (e.g. value); missing values raise.
    y : str
        Numeric column of the second axis (e.g. loyalty); missing values raise.
    x_cuts : "median", "mean", int or sequence of float, default "median"
        How ``x`` is split into levels: above the median or mean is high, ``k`` equal groups
        by rank, or increasing thresholds.
    y_cuts : "median", "mean", int or sequence of float, default "median"
        How ``y`` is split into levels, as ``x_cuts``.
    cells : nested list or DataFrame, optional
        ``cells[i][j]`` names the cell of x level ``i`` and y level ``j`` (a DataFrame: rows are x
        levels, columns y levels, lowest first). Several cells may share a name (a grade).
        Default for 2 x 2: (high x, high y) "Stars", (high x, low y) "Develop",
        (low x, high y) "Maintain", (low, low) "Low priority".
    overrides : list of Override, default ()
        Conditions may use any column and ``x_level``, ``y_level``, ``cell_by_matrix``; their
        grade must be a cell name.
    locale : {"en", "zh"}, default "en"
        Language of the cell names that have a translation (the default names do).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``frame``: ``x_level``, ``y_level`` (0 = lowest), ``cell_by_matrix``,
        ``cell`` (ordered categoricals: the cell of the highest levels first) and
        ``override``; ``attrs`` records the thresholds (information).

    See Also
    --------
    value_tiers : grades on a weighted score of several dimensions.
    Override : a rule that forces a cell.
    plot_rf_heatmap : the R x F grid of customers, a 5 x 5 matrix of RFM scores.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"frequency": [10, 1, 8, 2], "monetary_mean": [50, 60, 5, 4]})
    >>> value_matrix(f, "frequency", "monetary_mean")["cell"].tolist()
    ['Stars', 'Maintain', 'Develop', 'Low priority']
    >>> g = pd.DataFrame({"value": [1, 5, 9, 9], "loyalty": [9, 5, 1, 9]})
    >>> grades = [["C", "C", "B"], ["C", "B", "A"], ["B", "A", "A"]]
    >>> value_matrix(g, "value", "loyalty", x_cuts=[3, 6], y_cuts=[3, 6], cells=grades)["cell"].tolist()
    ['B', 'B', 'B', 'A']

    References
    ----------
    Kotler, P. and Keller, K. L. *Marketing Management*: customer portfolio and value matrix.
    """
    check_locale(locale)
    frame = summary_frame(frame, "frame")
    require_columns(frame.columns, [x, y], role="value frame")
    fix = "fill or drop those customers first"
    xv, yv = numeric_column(frame, x, fix=fix), numeric_column(frame, y, fix=fix)
    if len(frame) == 0:
        raise DataError("value_matrix needs at least one customer (the frame is empty).")
    xl, xt = _levels(xv, x_cuts, "x")
    yl, yt = _levels(yv, y_cuts, "y")
    nx = len(xt) + 1
    ny = len(yt) + 1
    if cells is None:
        if (nx, ny) != (2, 2):
            raise ParameterError(
                f"the matrix has {nx} x {ny} cells: pass cells= with one name per cell "
                "(cells[i][j] for x level i and y level j, lowest first)."
            )
        cells = _DEFAULT_CELLS
    table = cells.to_numpy().tolist() if isinstance(cells, pd.DataFrame) else [list(r) for r in cells]
    if len(table) != nx or any(len(r) != ny for r in table):
        raise ParameterError(
            f"cells must be {nx} rows (x levels) of {ny} names (y levels), lowest first; got "
            f"{len(table)} rows of {[len(r) for r in table]}."
        )
    grid = np.array(table, dtype=object)
    order = [str(grid[i, j]) for i in range(nx - 1, -1, -1) for j in range(ny - 1, -1, -1)]
    names = list(dict.fromkeys(order))
    base_names = grid[xl, yl]
    base = np.array([names.index(str(v)) for v in grid.ravel()], dtype=np.int64).reshape(nx, ny)[xl, yl]
    _check_extra(frame, ["x_level", "y_level", "cell_by_matrix"])
    seen = frame.assign(x_level=xl, y_level=yl, cell_by_matrix=base_names)
    final, reason = _apply_overrides(seen, names, base, overrides)
    arr = np.asarray(names, dtype=object)
    out = pd.DataFrame({"x_level": xl, "y_level": yl}, index=frame.index)
    out["cell_by_matrix"] = localized_categorical(
        arr[base], names, index=frame.index, name="cell_by_matrix", locale=locale
    )
    out["cell"] = localized_categorical(arr[final], names, index=frame.index, name="cell", locale=locale)
    out["override"] = reason
    out.attrs.update({"x": x, "y": y, "x_thresholds": xt, "y_thresholds": yt})
    return out
