"""Named RFM segments: rule tables, presets and their validation."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from numbers import Integral
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._i18n import check_locale
from crmmine._params import Interval, check_params
from crmmine._results import Result
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation._labels import localized_categorical

__all__ = ["PRESETS", "SegmentTable", "SegmentTableReport", "rfm_segments"]

_DIMS = ("R", "F", "M")


@dataclass(repr=False)
class SegmentTableReport(Result):
    """What :meth:`SegmentTable.validate` found on the full grid of score combinations.

    The fields below are its attributes; ``ok`` is True when every cell is matched by
    exactly one rule, ``summary()`` counts the problems with examples, ``to_frame()`` lists
    every problem cell and ``describe()`` says it in words.

    Parameters
    ----------
    overlaps : pandas.DataFrame
        Score cells matched by more than one rule (first match wins): columns ``R``, ``F``,
        ``M`` and ``rules`` (the names of the rules that match, comma-separated).
    gaps : pandas.DataFrame
        Score cells no rule matches (they get the table's ``default`` name): ``R``, ``F``, ``M``.
    unreachable : list of str
        Rules that never win under first-match evaluation (every cell they cover is taken by
        an earlier rule).

    See Also
    --------
    SegmentTable : the rule table it checks (its ``report`` attribute).
    rfm_segments : applies a rule table to RFM scores.

    Examples
    --------
    The Putler segments as commonly published leave cells open and have rules that never
    win under first match:

    >>> report = PRESETS["putler"]().report
    >>> report
    SegmentTableReport(overlaps=42, gaps=36, unreachable=4)
    >>> report.unreachable
    ['Recent customers', 'Promising', "Can't lose them", 'Lost']
    >>> report.ok, PRESETS["rf_grid"]().report.ok
    (False, True)
    """

    overlaps: pd.DataFrame
    gaps: pd.DataFrame
    unreachable: list[str]

    @property
    def ok(self) -> bool:
        """True when every cell is matched by exactly one rule."""
        return self.overlaps.empty and self.gaps.empty and not self.unreachable

    def to_frame(self) -> pd.DataFrame:
        """Every problem cell: ``kind`` ("overlap" or "gap"), R, F, M and the rules involved."""
        over = self.overlaps.assign(kind="overlap")
        gaps = self.gaps.assign(kind="gap", rules="")
        cols = ["kind", *_DIMS, "rules"]
        return pd.concat([over[cols], gaps[cols]], ignore_index=True)

    def summary(self) -> pd.DataFrame:
        """Counts of overlapping cells, gaps and unreachable segments."""
        return pd.DataFrame(
            {
                "count": [len(self.overlaps), len(self.gaps), len(self.unreachable)],
                "examples": [
                    ", ".join(str(tuple(r)) for r in self.overlaps[list(_DIMS)].head(3).to_numpy().tolist()),
                    ", ".join(str(tuple(r)) for r in self.gaps[list(_DIMS)].head(3).to_numpy().tolist()),
                    ", ".join(self.unreachable),
                ],
            },
            index=pd.Index(["overlapping cells", "gaps", "unreachable segments"], name="problem"),
        )

    def _repr_items(self) -> dict:
        return {"overlaps": len(self.overlaps), "gaps": len(self.gaps), "unreachable": len(self.unreachable)}

    def describe(self) -> str:
        """The findings in words."""
        lines = [
            f"{len(self.overlaps)} overlapping cells, {len(self.gaps)} gaps, "
            f"{len(self.unreachable)} unreachable segments"
        ]
        if self.unreachable:
            lines.append("unreachable under first match: " + ", ".join(self.unreachable))
        if len(self.gaps):
            lines.append(
                "gap examples (R, F, M): "
                + ", ".join(str(tuple(r)) for r in self.gaps[list(_DIMS)].head(5).to_numpy().tolist())
            )
        return "\n".join(lines)


@dataclass(repr=False)
class SegmentTable(Result):
    """An ordered table of segment rules over R, F and M scores.

    Each rule gives inclusive score ranges ``R``, ``F``, ``M`` (a missing dimension means any
    score). Customers take the first rule that matches; unmatched customers get ``default``.

    Parameters
    ----------
    rules : list of dict
        ``{"name": ..., "R": (lo, hi), "F": (lo, hi), "M": (lo, hi)}``, in the order they are
        tried; ranges are inclusive whole scores within ``1..bins``.
    bins : int, default 5
        Score scale the rules are written for (at least 2).
    default : str, default "Other"
        Name for score combinations no rule matches.
    source : str, default ""
        Where the table comes from (shown in reports and docs).

    Attributes
    ----------
    report : SegmentTableReport
        The validation of the table, computed when it is built (:meth:`validate`).

    See Also
    --------
    rfm_segments : applies a table (or a preset) to RFM scores.
    SegmentTableReport : overlaps, gaps and unreachable rules of a table.
    PRESETS : the named tables ("rf_grid", "crm4", "eight", "putler").

    Examples
    --------
    >>> t = SegmentTable([{"name": "good", "R": (3, 5)}, {"name": "poor", "R": (1, 3)}])
    >>> t.report
    SegmentTableReport(overlaps=25, gaps=0, unreachable=0)
    >>> t.report.overlaps["rules"].unique().tolist()
    ['good, poor']

    First match wins, so customers with R = 3 are "good":

    >>> import numpy as np
    >>> t.assign(np.array([5, 3, 1]), np.array([1, 1, 1]), np.array([1, 1, 1])).tolist()
    ['good', 'good', 'poor']
    """

    rules: list[dict]
    bins: int = 5
    default: str = "Other"
    source: str = ""
    report: SegmentTableReport = field(init=False, repr=False)

    def __post_init__(self) -> None:
        check_params({"bins": self.bins}, {"bins": [Interval(Integral, 2, None)]}, caller="SegmentTable")
        if not isinstance(self.rules, list | tuple) or not self.rules:
            raise ParameterError(
                "parameter 'rules' of SegmentTable must be a non-empty list of dicts "
                "such as {'name': 'Champions', 'R': (4, 5)}."
            )
        for rule in self.rules:
            if not isinstance(rule, dict) or "name" not in rule:
                raise ParameterError(
                    f"every segment rule needs a 'name'; got {rule!r}. "
                    "Fix: {'name': 'Champions', 'R': (4, 5), 'F': (4, 5)}."
                )
            unknown = set(rule) - {"name", *_DIMS}
            if unknown:
                raise ParameterError(
                    f"rule {rule['name']!r} has unknown keys {sorted(unknown)}; "
                    "a rule has 'name' and optional 'R', 'F', 'M' ranges."
                )
            for dim in _DIMS:
                rng = rule.get(dim, (1, self.bins))
                try:
                    lo, hi = (int(x) for x in rng)
                except (TypeError, ValueError):
                    raise ParameterError(
                        f"rule {rule['name']!r}: {dim} must be a (low, high) pair of scores, got {rng!r}."
                    ) from None
                if not (1 <= lo <= hi <= self.bins):
                    raise ParameterError(
                        f"rule {rule['name']!r}: {dim} range {(lo, hi)} is not within "
                        f"1..{self.bins} with low <= high"
                    )
        self.report = self.validate()

    def _bounds(self) -> np.ndarray:
        return np.array([[rule.get(d, (1, self.bins)) for d in _DIMS] for rule in self.rules], dtype=np.int64)

    def match_matrix(self, R: np.ndarray, F: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Boolean (n, rules) matrix: which rules each score triple satisfies."""
        b = self._bounds()
        scores = np.stack([R, F, M], axis=1)[:, None, :]
        return ((scores >= b[None, :, :, 0]) & (scores <= b[None, :, :, 1])).all(axis=2)

    def validate(self) -> SegmentTableReport:
        """Check the table on every combination of scores: overlaps, gaps, unreachable rules."""
        grid = np.array(list(itertools.product(range(1, self.bins + 1), repeat=3)), dtype=np.int64)
        hits = self.match_matrix(grid[:, 0], grid[:, 1], grid[:, 2])
        names = np.array([r["name"] for r in self.rules], dtype=object)
        n_hits = hits.sum(axis=1)
        overlaps = pd.DataFrame(grid[n_hits > 1], columns=list(_DIMS))
        overlaps["rules"] = [", ".join(names[row]) for row in hits[n_hits > 1]]
        gaps = pd.DataFrame(grid[n_hits == 0], columns=list(_DIMS))
        first = np.where(n_hits > 0, hits.argmax(axis=1), -1)
        unreachable = [str(n) for i, n in enumerate(names) if not (first == i).any()]
        return SegmentTableReport(overlaps=overlaps, gaps=gaps, unreachable=unreachable)

    def categories(self) -> list[str]:
        """Segment names in rule order, then the default (duplicates once)."""
        return list(dict.fromkeys([r["name"] for r in self.rules] + [self.default]))

    def assign_codes(self, R: np.ndarray, F: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Position in :meth:`categories` of each customer's segment (first matching rule).

        The rules are evaluated once on the ``bins**3`` grid of score combinations; customers
        are then looked up by their scores.
        """
        b = self.bins
        grid = np.array(list(itertools.product(range(1, b + 1), repeat=3)), dtype=np.int64)
        hits = self.match_matrix(grid[:, 0], grid[:, 1], grid[:, 2])
        first = np.where(hits.any(axis=1), hits.argmax(axis=1), len(self.rules))
        cats = self.categories()
        names = [r["name"] for r in self.rules] + [self.default]
        lut = np.array([cats.index(names[i]) for i in first], dtype=np.int64)
        cell = (np.asarray(R, dtype=np.int64) - 1) * b * b + (np.asarray(F, dtype=np.int64) - 1) * b
        return lut[cell + np.asarray(M, dtype=np.int64) - 1]

    def assign(self, R: np.ndarray, F: np.ndarray, M: np.ndarray) -> np.ndarray:
        """Segment name per customer (first matching rule, else ``default``)."""
        return np.asarray(self.categories(), dtype=object)[self.assign_codes(R, F, M)]

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """The R x F map of the table: each cell coloured and labelled by the segment most of its
        M scores get (a cell whose name depends on M is marked with "*"); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 6))
        b = self.bins
        grid = np.array(list(itertools.product(range(1, b + 1), repeat=3)), dtype=np.int64)
        codes = self.assign_codes(grid[:, 0], grid[:, 1], grid[:, 2]).reshape(b, b, b)  # R, F, M
        cats = self.categories()
        major = np.zeros((b, b), dtype=np.int64)
        for r in range(b):
            for f in range(b):
                values, counts = np.unique(codes[r, f], return_counts=True)
                major[f, r] = values[np.argmax(counts)]
                name = cats[major[f, r]] + ("*" if values.size > 1 else "")
                ax.text(r + 1, f + 1, name, ha="center", va="center", fontsize=7, wrap=True)
        ax.imshow(
            major,
            origin="lower",
            cmap=kwargs.pop("cmap", "tab20"),
            alpha=0.6,
            extent=(0.5, b + 0.5, 0.5, b + 0.5),
            vmin=0,
            vmax=max(len(cats) - 1, 1),
        )
        ax.set_xlabel("R score (recent = high)")
        ax.set_ylabel("F score")
        ax.set_title("Segment table on the R x F grid (* = depends on M)")
        return ax

    def _repr_items(self) -> dict:
        r = self.report
        return {
            "rules": len(self.rules),
            "bins": int(self.bins),
            "problems": len(r.overlaps) + len(r.gaps) + len(r.unreachable),
        }

    def summary(self) -> pd.DataFrame:
        """The rules as a table, as :meth:`to_frame` (the validation is in ``report``)."""
        return self.to_frame()

    def to_frame(self) -> pd.DataFrame:
        """The rules as a table (one row per segment, ranges as 'lo-hi')."""
        rows = []
        for rule in self.rules:
            row = {"segment": rule["name"]}
            for d in _DIMS:
                lo, hi = rule.get(d, (1, self.bins))
                row[d] = f"{lo}-{hi}" if lo != hi else str(lo)
            rows.append(row)
        return pd.DataFrame(rows)


def _crm4() -> SegmentTable:
    return SegmentTable(
        [
            {"name": "High value", "R": (4, 5), "F": (4, 5), "M": (4, 5)},
            {"name": "Important to retain", "R": (1, 3), "F": (4, 5), "M": (2, 5)},
            {"name": "New", "R": (4, 5), "F": (1, 2), "M": (1, 3)},
            {"name": "Low value", "R": (1, 3), "F": (1, 3), "M": (1, 3)},
        ],
        default="Other",
        source="four customer classes of the CRM textbooks (high value: R, F, M high; "
        "important to retain: R low, F high, M middling or high; new: R high, F and M low; "
        "low value: all low)",
    )


def _eight() -> SegmentTable:
    # above (4-5) / below (1-3) the middle of the 5-point scale on each of R, F, M
    names = {
        (1, 1, 1): "Important value",
        (1, 0, 1): "Important development",
        (0, 1, 1): "Important retention",
        (0, 0, 1): "Important win-back",
        (1, 1, 0): "General value",
        (1, 0, 0): "General development",
        (0, 1, 0): "General retention",
        (0, 0, 0): "General win-back",
    }
    rng = {1: (4, 5), 0: (1, 3)}
    rules = [{"name": n, "R": rng[r], "F": rng[f], "M": rng[m]} for (r, f, m), n in names.items()]
    return SegmentTable(
        rules,
        source="eight-class RFM model: each of R, F, M above or below average "
        "(above = score 4-5 on the 5-point scale)",
    )


def _rf_grid() -> SegmentTable:
    return SegmentTable(
        [
            {"name": "Champions", "R": (5, 5), "F": (4, 5)},
            {"name": "Loyal customers", "R": (3, 4), "F": (4, 5)},
            {"name": "Potential loyalists", "R": (4, 5), "F": (2, 3)},
            {"name": "New customers", "R": (5, 5), "F": (1, 1)},
            {"name": "Promising", "R": (4, 4), "F": (1, 1)},
            {"name": "Need attention", "R": (3, 3), "F": (3, 3)},
            {"name": "About to sleep", "R": (3, 3), "F": (1, 2)},
            {"name": "Can't lose them", "R": (1, 2), "F": (5, 5)},
            {"name": "At risk", "R": (1, 2), "F": (3, 4)},
            {"name": "Hibernating", "R": (1, 2), "F": (1, 2)},
        ],
        source="ten-segment R-F grid (recency x frequency, M not used)",
    )


def _putler() -> SegmentTable:
    return SegmentTable(
        [
            {"name": "Champions", "R": (4, 5), "F": (4, 5), "M": (4, 5)},
            {"name": "Loyal customers", "R": (2, 5), "F": (3, 5), "M": (3, 5)},
            {"name": "Potential loyalist", "R": (3, 5), "F": (1, 3), "M": (1, 3)},
            {"name": "Recent customers", "R": (4, 5), "F": (1, 1), "M": (1, 1)},
            {"name": "Promising", "R": (3, 4), "F": (1, 1), "M": (1, 1)},
            {"name": "Customers needing attention", "R": (2, 3), "F": (2, 3), "M": (2, 3)},
            {"name": "About to sleep", "R": (2, 3), "F": (1, 2), "M": (1, 2)},
            {"name": "At risk", "R": (1, 2), "F": (2, 5), "M": (2, 5)},
            {"name": "Can't lose them", "R": (1, 1), "F": (4, 5), "M": (4, 5)},
            {"name": "Hibernating", "R": (1, 2), "F": (1, 2), "M": (1, 2)},
            {"name": "Lost", "R": (1, 2), "F": (1, 2), "M": (1, 2)},
        ],
        default="Other",
        source="Putler's eleven RFM segments as commonly published; under first-match "
        "evaluation several are unreachable and some score cells match no rule (see validate())",
    )


#: Preset tables by name.
PRESETS = {"crm4": _crm4, "eight": _eight, "rf_grid": _rf_grid, "putler": _putler}


def rfm_segments(
    scores: Any,
    preset: str | SegmentTable | list[dict] = "rf_grid",
    *,
    default: str = "Other",
    locale: str = "en",
) -> pd.Series:
    """Name each customer's segment from R, F, M scores.

    Parameters
    ----------
    scores : table
        Output of :func:`rfm_scores` (columns ``R``, ``F``, ``M`` on a 1..5 scale): pandas, or
        a polars, DuckDB or Spark table with the customer id first.
    preset : {"rf_grid", "crm4", "eight", "putler"}, SegmentTable or list of rules
        ``"rf_grid"``: ten segments on the R x F grid (complete, no overlaps); ``"crm4"``: the
        four classes of the CRM textbooks plus "Other" for combinations they leave open;
        ``"eight"``: above/below average on each of R, F, M (complete; the eight classes
        重要价值客户 ... 一般挽留客户 with ``locale="zh"``); ``"putler"``: the eleven
        Putler segments as commonly published (has unreachable segments and gaps: see
        ``PRESETS["putler"]().report``). Your own rules are validated the same way.
    default : str, default "Other"
        Name for customers no rule matches (used for custom rule lists; a preset or a
        :class:`SegmentTable` has its own).
    locale : {"en", "zh"}, default "en"
        Language of the names. The result is an ordered categorical whose categories are the
        table's segments in rule order (then the default): ``.cat.codes`` are the same in
        every locale.

    Returns
    -------
    pandas.Series, or a table of the input's kind
        pandas: the segment per customer (every customer gets exactly one), named
        ``segment``; ``attrs["preset"]`` names the table (information only). polars, DuckDB
        and Spark: a table of the same kind with the customer id and ``segment`` (text),
        computed inside the engine as one first-match CASE expression.

    See Also
    --------
    rfm_scores : the scores to pass.
    SegmentTable : write and validate your own rules.
    PRESETS : the named rule tables.
    customer_profile : customers and revenue per segment (``by=segments``).
    plot_segments : shares of customers and revenue per segment.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({"R": [5, 1, 3], "F": [5, 5, 1], "M": [4, 5, 2]})
    >>> rfm_segments(scores).tolist()
    ['Champions', "Can't lose them", 'About to sleep']
    >>> rfm_segments(scores, "eight", locale="zh").tolist()
    ['重要价值客户', '重要保持客户', '一般挽留客户']

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    """
    check_locale(locale)
    engine = _backend.is_engine(scores)
    if not engine and not isinstance(scores, pd.DataFrame):
        if _is_table(scores):
            from crmmine.segmentation.rfm import like_input, summary_frame

            frame = summary_frame(scores, "RFM scores")
            return like_input(rfm_segments(frame, preset, default=default, locale=locale), scores)
        raise ParameterError(f"scores must be the table rfm_scores returns, got {type(scores).__name__}.")
    if not engine:
        require_columns(scores.columns, list(_DIMS), role="RFM scores")
    if isinstance(preset, str):
        if preset not in PRESETS:
            raise ParameterError(f"unknown preset {preset!r}; choose one of {sorted(PRESETS)} or pass rules")
        table = PRESETS[preset]()
        name = preset
    elif isinstance(preset, SegmentTable):
        table, name = preset, "custom"
    elif isinstance(preset, list | tuple):
        table, name = SegmentTable(list(preset), default=default), "custom"
    else:
        raise ParameterError(
            f"preset must be a preset name, a SegmentTable or a list of rules, got {type(preset).__name__}."
        )
    if engine:
        return _segments_engine(scores, table, locale)
    arrays = []
    for d in _DIMS:
        col = scores[d]
        if pd.api.types.is_integer_dtype(col) and not isinstance(col.dtype, pd.CategoricalDtype):
            values = col.to_numpy(dtype=np.int64, na_value=0)
            bad = (values < 1) | col.isna().to_numpy()
        else:
            raw = pd.to_numeric(col, errors="coerce")
            bad = (raw.isna() | (raw != raw.round()) | (raw < 1)).to_numpy()
            values = raw.fillna(1).to_numpy(dtype=np.float64).astype(np.int64)
        if bad.any():
            raise bad_rows_error(
                d,
                "scores that are missing, fractional or below 1",
                scores.loc[bad, [d]],
                int(bad.sum()),
                "pass the output of rfm_scores (whole scores 1..bins).",
                error=DataError,
            )
        arrays.append(values)
    R, F, M = arrays
    top = int(max(R.max(initial=1), F.max(initial=1), M.max(initial=1)))
    if top > table.bins:
        raise ParameterError(
            f"scores go up to {top} but the segment table is written for 1..{table.bins}; "
            f"score with bins={table.bins}"
        )
    out = localized_categorical(
        table.assign_codes(R, F, M),
        table.categories(),
        index=scores.index,
        name="segment",
        locale=locale,
        codes=True,
    )
    out.attrs["preset"] = name
    return out


def _is_table(obj: Any) -> bool:
    try:
        _backend.to_narwhals(obj)
    except (ParameterError, TypeError):
        return False
    return True


def _segments_engine(scores: Any, table: SegmentTable, locale: str) -> Any:
    """:func:`rfm_segments` inside the engine: the rules become one CASE expression (first match)."""
    data = _backend.customer_table(scores, what="RFM scores", needed=list(_DIMS))
    require_columns(data.columns, list(_DIMS), role="RFM scores")
    _backend.numeric_columns(data.lf, list(_DIMS), what="RFM scores",
                             fix="pass the output of rfm_scores (whole scores 1..bins).")
    checks = []
    for d in _DIMS:
        v = nw.col(d).cast(nw.Float64)
        bad = v.is_null() | ~v.is_finite() | (v < 1) | (v != v.round(0))
        checks.append(_backend.Check(d, bad, "scores that are missing, fractional or below 1",
                                     "pass the output of rfm_scores (whole scores 1..bins)."))
    stats = _backend.checked_aggregates(
        data.lf, data.id_name, checks, {f"top_{d}": nw.col(d).cast(nw.Float64).max() for d in _DIMS})
    top = int(max(float(stats[f"top_{d}"] or 1) for d in _DIMS))
    if top > table.bins:
        raise ParameterError(
            f"scores go up to {top} but the segment table is written for 1..{table.bins}; "
            f"score with bins={table.bins}"
        )
    cats = table.categories()
    labels = [str(c) for c in _localized_names(table, locale)]
    expr: Any = nw.lit(labels[cats.index(table.default)])
    for rule in reversed(table.rules):
        cond = None
        for d in _DIMS:
            lo, hi = rule.get(d, (1, table.bins))
            part = (nw.col(d) >= lo) & (nw.col(d) <= hi)
            cond = part if cond is None else cond & part
        expr = nw.when(cond).then(nw.lit(labels[cats.index(rule["name"])])).otherwise(expr)
    keep = [c for c in data.lf.collect_schema().names() if c == "__cm_row"]
    out = data.lf.select(data.id_name, *keep, expr.cast(nw.String).alias("segment"))
    return _backend.finish_table(out, data)


def _localized_names(table: SegmentTable, locale: str) -> list[str]:
    """The table's categories as :func:`localized_categorical` shows them in ``locale``."""
    cats = table.categories()
    shown = localized_categorical(np.arange(len(cats)), cats, index=pd.RangeIndex(len(cats)),
                                  name="segment", locale=locale, codes=True)
    return list(shown.cat.categories)
