"""RFM scores: recency, frequency and monetary value on a 1..bins scale."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import Any, ClassVar

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, Options
from crmmine._roles import resolve_roles
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation._engine import count_at_least, value_blocks

__all__ = ["RFMScorer", "rfm_group_sizes", "rfm_scores"]

_DIMENSIONS = ("R", "F", "M")
#: summary columns read by the scorer, by role
RFM_ROLES = {"since_last": "since_last", "frequency": "orders", "monetary": "monetary"}


def unique_ids(frame: pd.DataFrame, what: str = "customer summary") -> pd.DataFrame:
    """``frame`` unchanged, or a DataError when a customer id (the index) is on several rows:
    each would be ranked, tiered and counted once per row."""
    if frame.index.is_unique:
        return frame
    repeated = frame.index.duplicated(keep=False)
    n_ids = int(frame.index[repeated].nunique())
    name = frame.index.name if frame.index.name is not None else "index"
    raise bad_rows_error(
        str(name), f"customer ids on more than one row of the {what} ({n_ids} ids)",
        frame[repeated].sort_index(kind="stable"), int(repeated.sum()),
        "one row per customer: build the table with customer_summary(tx), or aggregate or drop the "
        "repeated rows first (e.g. frame[~frame.index.duplicated()] keeps the first).",
    )


def summary_frame(summary: Any, what: str = "customer summary") -> pd.DataFrame:
    """The summary as a pandas DataFrame (pyarrow tables: indexed by their first column) with
    one row per customer id, or a ParameterError that says what to pass."""
    if isinstance(summary, pd.DataFrame):
        return unique_ids(summary, what)
    try:
        kind = _backend.backend_of(summary)
    except ParameterError:
        kind = None
    if kind == "pyarrow":
        return unique_ids(_backend.pandas_indexed(summary, what=what), what)
    raise ParameterError(
        f"{what} must be a table (pandas indexed by customer id, or a polars, DuckDB or Spark table "
        f"with the customer id first: what customer_summary returns), got {type(summary).__name__}. "
        "Fix: pass customer_summary(tx), or convert your table with "
        ".to_pandas().set_index('<customer id column>')."
    )


def like_input(result: pd.DataFrame | pd.Series, summary: Any) -> Any:
    """A pandas result for a pyarrow input as a pyarrow table (the id first); pandas unchanged."""
    if isinstance(summary, pd.DataFrame):
        return result
    frame = result.to_frame() if isinstance(result, pd.Series) else result
    return _backend.from_pandas_like(frame, summary)


_FIX_RFM = "fill or drop those customers before scoring (every customer needs R, F and M)"


def engine_values(table: _backend.CustomerTable, columns: dict[str, str], *, fix: str,
                  what: str = "customer summary", extra: dict[str, nw.Expr] | None = None
                  ) -> dict[str, Any]:
    """Check value columns of an engine table (numeric, finite) in one pass; returns the
    number of rows ``n`` and the ``extra`` aggregates."""
    lf = table.lf
    names = list(dict.fromkeys(columns.values()))
    require_columns(table.columns, names, role=what)
    _backend.numeric_columns(lf, names, what=what, fix=fix)
    checks = [
        _backend.Check(name, ~nw.col(name).cast(nw.Float64).is_finite(),
                       "missing, infinite or non-numeric values", fix)
        for name in names
    ]
    return _backend.checked_aggregates(lf, table.id_name, checks, {"n": nw.len(), **(extra or {})})


def numeric_column(frame: pd.DataFrame, col: str, *, fix: str) -> np.ndarray:
    """A finite float column, or a DataError naming the column, the rows and the fix."""
    raw = frame[col]
    if isinstance(raw, pd.DataFrame):
        raise DataError(f"column {col!r} appears {raw.shape[1]} times. Fix: give the columns unique names.")
    if pd.api.types.is_bool_dtype(raw) or not (
        pd.api.types.is_numeric_dtype(raw)
        or pd.api.types.is_object_dtype(raw)
        or pd.api.types.is_string_dtype(raw)
    ):
        raise bad_rows_error(col, f"values of type {raw.dtype} (not numbers)", frame[[col]], len(frame), fix)
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(values)
    if bad.any():
        raise bad_rows_error(
            col, "missing, infinite or non-numeric values", frame.loc[bad, [col]], int(bad.sum()), fix
        )
    return values


def _tied_rank_scores(values: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Scores ``1 + floor(bins * below / n)``, ``below`` = customers strictly below the value.

    Returns the per-customer scores, the distinct values (sorted) and each one's score.
    """
    uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    n = values.shape[0]
    below = np.cumsum(counts) - counts
    per_value = (1 + (bins * below) // n).astype(np.int64)
    return per_value[inverse.reshape(-1)], uniq, per_value


class RFMScorer(CRMMineEstimator):
    """Learn RFM score boundaries on one customer base and apply them to others.

    ``RFMScorer(...).fit(s).transform(s)`` equals ``rfm_scores(s, ...)`` exactly: the
    fitted boundaries reproduce the fitted scores, and apply unchanged to new customers.

    Parameters
    ----------
    bins : int, default 5
        Number of score levels (5 gives scores 1..5, 5 best).
    method : {"rank", "edges"}, default "rank"
        ``"rank"``: equal-sized groups by rank, ties kept together. A customer scores
        ``1 + floor(bins * b / n)`` where ``b`` is the number of customers with a strictly
        lower value (pandas' ``rank(method="min") - 1``). Without ties this is the
        position-based score (every score holds ``n / bins`` customers, plus or minus one);
        a block of tied customers takes the score of its lowest member, so equal values always
        get equal scores and the lowest value always scores 1. Group sizes then change: the
        tied block's score grows by the block's overhang and the next score shrinks, or is
        empty when one value covers more than a group (on CDNOW, where about half of the
        customers bought once, all of them get ``F = 1`` and ``F = 2`` is empty).
        ``"edges"``: boundaries at the ``1/bins, 2/bins, ...`` quantiles (linear
        interpolation); a customer scores one more than the number of boundaries at or below
        her value. Either way the group sizes are in ``group_sizes_`` and
        :func:`rfm_group_sizes`, and ``attrs["notes"]`` describes empty or unequal groups.
    columns : mapping, optional
        ``{"since_last": ..., "frequency": ..., "monetary": ...}``: summary columns by role.
    since_last, frequency, monetary : str, optional
        One keyword per role (overrides ``columns``). Defaults: ``since_last`` (time since
        the last purchase at the summary's ``as_of``, reversed so recent customers score
        high), ``orders`` (purchases, the first included) and ``monetary`` (total spend).

    Attributes
    ----------
    edges_ : dict of str -> ndarray
        Per dimension (R on the negated ``since_last``), the smallest value of each score
        from 2 to ``bins`` (``inf`` when a score is empty at the top); a value scores one
        more than the number of edges at or below it.
    group_sizes_ : pandas.DataFrame
        Customers per score (rows 1..bins) and dimension on the fitted data.
    n_customers_ : int
        Number of customers the boundaries were learned from.

    See Also
    --------
    rfm_scores : fit and score the same customers in one call.
    rfm_group_sizes : customers per score of a score table.
    rfm_segments : names segments from the scores.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"since_last": [1, 5, 9, 30, 60], "orders": [9, 4, 3, 2, 1],
    ...                   "monetary": [900.0, 300.0, 150.0, 40.0, 10.0]})
    >>> scorer = RFMScorer(bins=5).fit(s)
    >>> scorer.transform(s)["rfm_code"].tolist()
    ['555', '444', '333', '222', '111']
    >>> RFMScorer(bins=5)
    RFMScorer()

    The boundaries learned on one base score new customers (a value between two fitted
    customers takes the lower one's score):

    >>> new = pd.DataFrame({"since_last": [2, 100], "orders": [5, 1], "monetary": [500.0, 5.0]},
    ...                    index=["x", "y"])
    >>> scorer.transform(new)[["R", "F", "M"]].to_numpy().tolist()
    [[4, 4, 4], [1, 1, 1]]

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "bins": [Interval(Integral, 2, 99)],
        "method": [Options({"rank", "edges"})],
        "columns": [Mapping, None],
        "since_last": [str, None],
        "frequency": [str, None],
        "monetary": [str, None],
    }
    _fitted_attributes = ("edges_",)

    def __init__(
        self,
        bins: int = 5,
        method: str = "rank",
        *,
        columns: Mapping[str, str] | None = None,
        since_last: str | None = None,
        frequency: str | None = None,
        monetary: str | None = None,
    ) -> None:
        self.bins = bins
        self.method = method
        self.columns = columns
        self.since_last = since_last
        self.frequency = frequency
        self.monetary = monetary

    def _roles(self) -> dict[str, str]:
        return resolve_roles(
            self.columns,
            RFM_ROLES,
            since_last=self.since_last,
            frequency=self.frequency,
            monetary=self.monetary,
        )

    def _values(self, summary: Any) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        summary = summary_frame(summary)
        roles = self._roles()
        require_columns(summary.columns, list(roles.values()), role="customer summary",
                        parameters={c: r for r, c in roles.items()})
        fix = "fill or drop those customers before scoring (every customer needs R, F and M)"
        out = {}
        for dim, role in zip(_DIMENSIONS, ("since_last", "frequency", "monetary")):
            v = numeric_column(summary, roles[role], fix=fix)
            out[dim] = -v if dim == "R" else v  # a short time since the last purchase is good
        return summary, out

    def fit(self, summary: Any, y: None = None) -> RFMScorer:
        """Learn the score boundaries from ``summary`` (one row per customer).

        Parameters
        ----------
        summary : table
            One row per customer with the R, F and M columns: pandas, or a polars, DuckDB
            or Spark table (the boundaries are then computed inside the engine).
        y : None
            Ignored (scikit-learn's signature).

        Returns
        -------
        RFMScorer
            The fitted scorer.
        """
        self._validate_params()
        if _backend.is_engine(summary):
            self._fit_engine(summary)
            return self
        summary, values = self._values(summary)
        if len(summary) == 0:
            raise DataError(
                "cannot learn RFM scores from an empty summary (0 customers). "
                "Fix: check the filter that produced it."
            )
        edges: dict[str, np.ndarray] = {}
        scores: dict[str, np.ndarray] = {}
        for dim, v in values.items():
            if self.method == "rank":
                s, uniq, per_value = _tied_rank_scores(v, self.bins)
                # smallest value with score >= k + 1, for k = 1..bins-1 (inf when none)
                pos = np.searchsorted(per_value, np.arange(2, self.bins + 1), side="left")
                edge = np.where(pos < uniq.size, uniq[np.minimum(pos, uniq.size - 1)], np.inf)
            else:
                edge = np.quantile(v, np.arange(1, self.bins) / self.bins, method="linear")
                s = np.searchsorted(edge, v, side="right") + 1
            edges[dim] = edge
            scores[dim] = s.astype(np.int64)
        self.edges_ = edges
        self.n_customers_ = len(summary)
        self.group_sizes_ = _sizes(scores, self.bins)
        self._fit_scores = (summary.index, scores)
        return self

    def _engine_exprs(self) -> dict[str, nw.Expr]:
        roles = self._roles()
        out = {}
        for dim, role in zip(_DIMENSIONS, ("since_last", "frequency", "monetary")):
            value = nw.col(roles[role]).cast(nw.Float64)
            out[dim] = -value if dim == "R" else value
        return out

    def _fit_engine(self, summary: Any) -> None:
        """Learn the boundaries inside the engine: one checking pass and one pass over the
        distinct values of each dimension; only ``bins`` numbers per dimension are collected."""
        roles = self._roles()
        table = _backend.customer_table(summary, what="customer summary", needed=list(roles.values()))
        n = int(engine_values(table, roles, fix=_FIX_RFM)["n"] or 0)
        if n == 0:
            raise DataError(
                "cannot learn RFM scores from an empty summary (0 customers). "
                "Fix: check the filter that produced it."
            )
        exprs = self._engine_exprs()
        bins = int(self.bins)
        parts = []
        if self.method == "rank":
            for dim in _DIMENSIONS:
                blocks = value_blocks(table.lf, exprs[dim])
                score = 1 + (nw.col("_before") * bins) // n
                parts.append(
                    blocks.with_columns(score.cast(nw.Int64).alias("_s"))
                    .group_by("_s")
                    .agg(nw.col("_v").min().alias("_lo"), nw.col("_c").sum().cast(nw.Int64).alias("_size"))
                    .with_columns(nw.lit(dim).alias("_dim"))
                )
            rows = _backend.collect_pandas(nw.concat(parts, how="vertical"))
            edges = {}
            for dim in _DIMENSIONS:
                mine = rows[rows["_dim"] == dim]
                lo = dict(zip(mine["_s"].astype(int), mine["_lo"].astype(float)))
                edges[dim] = np.array(
                    [min((v for s, v in lo.items() if s >= k), default=np.inf) for k in range(2, bins + 1)]
                )
        else:
            qs = np.arange(1, bins) / bins
            stats = _backend.collect_one(table.lf.select(**{
                f"{dim}{i}": exprs[dim].quantile(float(q), "linear") for dim in _DIMENSIONS
                for i, q in enumerate(qs)
            }))
            edges = {dim: np.array([float(stats[f"{dim}{i}"]) for i in range(len(qs))])
                     for dim in _DIMENSIONS}
            for dim in _DIMENSIONS:
                score = 1 + count_at_least(exprs[dim], edges[dim])
                parts.append(table.lf.select(score.alias("_s")).group_by("_s")
                             .agg(nw.len().cast(nw.Int64).alias("_size"))
                             .with_columns(nw.lit(dim).alias("_dim")))
            rows = _backend.collect_pandas(nw.concat(parts, how="vertical"))
        sizes = pd.DataFrame(0, index=pd.RangeIndex(1, bins + 1, name="score"), columns=list(_DIMENSIONS))
        for dim, score, size in zip(rows["_dim"], rows["_s"].astype(int), rows["_size"].astype(int)):
            sizes.loc[score, dim] = size
        self.edges_ = edges
        self.n_customers_ = n
        self.group_sizes_ = sizes
        self._fit_scores = None

    def _transform_engine(self, summary: Any, *, checked: bool = False) -> Any:
        """Scores inside the engine: each is one plus the number of fitted edges at or below the value."""
        roles = self._roles()
        table = _backend.customer_table(summary, what="customer summary", needed=list(roles.values()))
        if not checked:
            engine_values(table, roles, fix=_FIX_RFM)
        exprs = self._engine_exprs()
        scores = {dim: (1 + count_at_least(exprs[dim], self.edges_[dim])).cast(nw.Int64)
                  for dim in _DIMENSIONS}
        sep = "" if int(self.bins) < 10 else "-"
        code = nw.concat_str([nw.col(d).cast(nw.String) for d in _DIMENSIONS], separator=sep)
        keep = [c for c in table.lf.collect_schema().names() if c == "__cm_row"]
        out = (
            table.lf.select(table.id_name, *keep, **scores)
            .with_columns(code.alias("rfm_code"),
                          (nw.col("R") + nw.col("F") + nw.col("M")).cast(nw.Int64).alias("rfm_score"))
        )
        return _backend.finish_table(out, table)

    def _frame(self, index: pd.Index, scores: dict[str, np.ndarray]) -> pd.DataFrame:
        out = pd.DataFrame({d: scores[d] for d in _DIMENSIONS}, index=index)
        b = int(self.bins)
        sep = "" if b < 10 else "-"
        # the code of each of the bins**3 combinations, looked up by the scores
        lut = np.array(
            [
                f"{r}{sep}{f}{sep}{m}"
                for r in range(1, b + 1)
                for f in range(1, b + 1)
                for m in range(1, b + 1)
            ],
            dtype=object,
        )
        out["rfm_code"] = lut[(scores["R"] - 1) * b * b + (scores["F"] - 1) * b + scores["M"] - 1]
        out["rfm_score"] = scores["R"] + scores["F"] + scores["M"]
        # informational only (immutable scalars and tuples, so concat, merge and slicing keep working)
        out.attrs.update(
            {"method": self.method, "bins": int(self.bins), "notes": _notes(_sizes(scores, self.bins))}
        )
        return out

    def transform(self, summary: Any) -> Any:
        """Score customers on the fitted boundaries.

        Parameters
        ----------
        summary : table
            One row per customer with the R, F and M columns (pandas, polars, DuckDB, Spark).

        Returns
        -------
        table of the input's kind
            ``R``, ``F``, ``M`` (1..bins, higher is better), ``rfm_code`` (e.g. ``"545"``) and
            ``rfm_score`` (R + F + M), indexed like ``summary`` (pandas; ``attrs``, information
            only, has ``method``, ``bins`` and ``notes`` on empty or unequal groups), or with
            the customer id first for other engines (computed there, lazily where the engine
            is lazy).
        """
        self._check_fitted()
        if _backend.is_engine(summary):
            return self._transform_engine(summary)
        if not isinstance(summary, pd.DataFrame):
            return like_input(self.transform(summary_frame(summary)), summary)
        summary, values = self._values(summary)
        scores = {
            d: (np.searchsorted(self.edges_[d], values[d], side="right") + 1).astype(np.int64)
            for d in _DIMENSIONS
        }
        return self._frame(summary.index, scores)

    def fit_transform(self, summary: Any, y: None = None) -> Any:
        """Fit and score the same customers (identical to ``fit(summary).transform(summary)``)."""
        if _backend.is_engine(summary):
            self.fit(summary)
            return self._transform_engine(summary, checked=True)
        if not isinstance(summary, pd.DataFrame):
            return like_input(self.fit_transform(summary_frame(summary)), summary)
        self.fit(summary)
        index, scores = self._fit_scores
        return self._frame(index, scores)


def _sizes(scores: dict[str, np.ndarray], bins: int) -> pd.DataFrame:
    return pd.DataFrame(
        {d: np.bincount(scores[d], minlength=bins + 1)[1:] for d in _DIMENSIONS},
        index=pd.RangeIndex(1, bins + 1, name="score"),
    )


def _notes(sizes: pd.DataFrame) -> tuple[str, ...]:
    notes = []
    for d in _DIMENSIONS:
        counts = sizes[d]
        if (counts == 0).any():
            notes.append(
                f"{d}: scores {counts.index[counts == 0].tolist()} are empty (one value is "
                "shared by more customers than a group holds; tied customers share a score)"
            )
        elif counts.max() - counts.min() > 1:
            notes.append(
                f"{d}: groups are unequal ({counts.min():,} to {counts.max():,} customers) "
                "because tied customers share a score"
            )
    return tuple(notes)


def rfm_group_sizes(scores: pd.DataFrame) -> pd.DataFrame:
    """Customers per score (rows) and dimension (``R``, ``F``, ``M``) of an RFM score table.

    Computed from the rows given, so it is right after slicing or concatenation.

    Parameters
    ----------
    scores : table
        Output of :func:`rfm_scores` (columns ``R``, ``F``, ``M``): pandas, or a polars,
        DuckDB or Spark table (counted inside the engine).

    Returns
    -------
    pandas.DataFrame
        Rows 1..bins (``score``), columns ``R``, ``F``, ``M`` (a small table, always pandas).
        ``bins`` is read from the scores' ``attrs`` when present, else it is the highest
        score seen; an empty score is a row of zeros.

    See Also
    --------
    rfm_scores : the scores counted.
    RFMScorer : its ``group_sizes_`` hold the same counts for the fitted customers.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"since_last": [1, 2, 3, 4], "orders": [1, 1, 1, 2], "monetary": [1., 2, 3, 4]})
    >>> rfm_group_sizes(rfm_scores(s, bins=2))["F"].tolist()
    [3, 1]
    """
    if _backend.is_engine(scores):
        table = _backend.customer_table(scores, what="RFM scores", needed=list(_DIMENSIONS))
        require_columns(table.columns, list(_DIMENSIONS), role="RFM scores")
        parts = [table.lf.group_by(d).agg(nw.len().cast(nw.Int64).alias("_n"))
                 .select(nw.col(d).cast(nw.Int64).alias("_s"), "_n", nw.lit(d).alias("_dim"))
                 for d in _DIMENSIONS]
        rows = _backend.collect_pandas(nw.concat(parts, how="vertical")).dropna(subset=["_s"])
        bins = max(int(rows["_s"].max()) if len(rows) else 1, 1)
        out = pd.DataFrame(0, index=pd.RangeIndex(1, bins + 1, name="score"), columns=list(_DIMENSIONS))
        for d, score, size in zip(rows["_dim"], rows["_s"].astype(int), rows["_n"].astype(int)):
            if score >= 1:
                out.loc[score, d] = size
        return out
    scores = summary_frame(scores, "RFM scores")
    require_columns(scores.columns, list(_DIMENSIONS), role="RFM scores")
    bins = int(scores.attrs.get("bins", 0)) or int(scores[list(_DIMENSIONS)].to_numpy().max(initial=1))
    return _sizes({d: scores[d].to_numpy(dtype=np.int64) for d in _DIMENSIONS}, bins)


def rfm_scores(
    summary: Any,
    bins: int = 5,
    method: str = "rank",
    *,
    columns: Mapping[str, str] | None = None,
    since_last: str | None = None,
    frequency: str | None = None,
    monetary: str | None = None,
) -> pd.DataFrame:
    """R, F and M scores of every customer in a summary.

    The same as ``RFMScorer(bins, method, ...).fit(summary).transform(summary)``; see
    :class:`RFMScorer` for the tie rules (equal values always get equal scores).

    Parameters
    ----------
    summary : table
        One row per customer (``crmmine.customer_summary``): a pandas DataFrame indexed by
        customer id, or a polars, DuckDB or Spark table with the customer id as first column.
    bins : int, default 5
        Number of score levels, 2 to 99 (5 gives scores 1..5, 5 best). With 10 or more the
        ``rfm_code`` separates the scores with "-".
    method : {"rank", "edges"}, default "rank"
        Equal-sized groups by rank with ties kept together, or boundaries at the quantiles
        (see :class:`RFMScorer`).
    columns : mapping of role -> column, optional
        ``{"since_last": ..., "frequency": ..., "monetary": ...}``: summary columns by role.
    since_last : str, optional
        Time since the last purchase (default column ``since_last``; a short time scores high).
    frequency : str, optional
        Number of purchases (default column ``orders``).
    monetary : str, optional
        Total spend (default column ``monetary``).

    Returns
    -------
    table of the input's kind
        ``R``, ``F``, ``M``, ``rfm_code``, ``rfm_score``: pandas indexed like ``summary``;
        polars, DuckDB and Spark tables get the customer id first and are computed inside
        their engine (lazy for polars LazyFrames, DuckDB and Spark; polars rows in the
        input's order). The engine collects only the ``bins - 1`` score boundaries per
        dimension; the tie rule is the same (see :class:`RFMScorer`).

    See Also
    --------
    RFMScorer : learns the boundaries on one base and applies them to another.
    rfm_segments : names each customer's segment from the scores.
    rfm_group_sizes : customers per score, to see empty or unequal groups.
    plot_rf_heatmap : the R x F grid of customers.
    crmmine.customer_summary : the summary the scores are computed from.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"since_last": [3, 40, 8, 90], "orders": [5, 1, 2, 1],
    ...                   "monetary": [500.0, 20.0, 80.0, 15.0]}, index=[11, 12, 13, 14])
    >>> rfm_scores(s, bins=4)[["R", "F", "M"]].to_numpy().tolist()
    [[4, 4, 4], [2, 1, 2], [3, 3, 3], [1, 1, 1]]

    A DuckDB relation in gives a DuckDB relation out, scored inside DuckDB:

    >>> import duckdb
    >>> rel = duckdb.from_df(s.rename_axis("customer_id").reset_index())
    >>> rfm_scores(rel, bins=4).order("customer_id").select("R, F, M").fetchall()
    [(4, 4, 4), (2, 1, 2), (3, 3, 3), (1, 1, 1)]

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing*. Probus.
    """
    return RFMScorer(
        bins, method, columns=columns, since_last=since_last, frequency=frequency, monetary=monetary
    ).fit_transform(summary)
