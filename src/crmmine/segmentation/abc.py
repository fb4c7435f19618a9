"""ABC (Pareto) tiers and concentration: Lorenz curve, Gini coefficient, top shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine._params import Interval, Options, validate_params
from crmmine._results import Result
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation._engine import count_at_least, value_blocks
from crmmine.segmentation._labels import localized_categorical
from crmmine.segmentation.rfm import engine_values, like_input, numeric_column, summary_frame

__all__ = ["Concentration", "abc_tiers", "concentration", "count_tiers", "tier_summary"]
# tier_sizes, share_bounds and grade_by_shares are shared with tiers.py (not public)

_TIES = Options({"down", "up"})


def _value_column(summary: pd.DataFrame, value: str) -> np.ndarray:
    summary = summary_frame(summary)
    require_columns(summary.columns, [value], role="customer summary", parameters={value: "value"})
    return numeric_column(summary, value, fix="fill or drop those customers first")


def tie_blocks(v: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For values ranked largest first: each customer's block start and block end (0-based
    positions; tied customers form one block) and the order (a stable sort, largest first)."""
    n = v.shape[0]
    order = np.argsort(-v, kind="stable")
    sv = v[order]
    new_block = np.empty(n, dtype=bool)
    new_block[:1] = True
    np.not_equal(sv[1:], sv[:-1], out=new_block[1:])
    starts = np.flatnonzero(new_block)
    block = np.cumsum(new_block) - 1
    ends = np.append(starts[1:], n) - 1
    start = np.empty(n, dtype=np.int64)
    end = np.empty(n, dtype=np.int64)
    start[order] = starts[block]
    end[order] = ends[block]
    return start, end, order


def tier_sizes(shares: np.ndarray, n: int) -> np.ndarray:
    """Whole numbers of customers per tier for shares of ``n`` customers (largest remainder).

    Each tier first gets the whole part of ``share * n``; the customers left over go one
    each to the tiers with the largest fractional parts, the better (earlier) tier first
    when those parts are equal. The sizes sum to ``n``, each is within one customer of
    ``share * n``, and a tier with share 0 stays empty. This is Hamilton's apportionment:
    5 customers with shares 0.2 / 0.3 / 0.5 give 1 / 2 / 2 (rounding the cumulative
    bounds half to even gave 1 / 1 / 3, and a rule that depends on whether ``n`` is odd).

    Examples
    --------
    >>> import numpy as np
    >>> tier_sizes(np.array([0.2, 0.3, 0.5]), 5).tolist()
    [1, 2, 2]
    >>> tier_sizes(np.array([0.2, 0.3, 0.5, 0.0]), 7).tolist()
    [1, 2, 4, 0]
    """
    shares = np.asarray(shares, dtype="float64")
    total = shares.sum()
    # quotas rounded to 9 decimals so that 0.3 * 5 is 1.5 and not 1.4999999999999998
    quota = np.round(shares / total * n, 9) if total > 0 else np.zeros_like(shares)
    sizes = np.floor(quota).astype(np.int64)
    remainder = np.where(shares > 0, quota - sizes, -1.0)
    left = max(int(n - sizes.sum()), 0)
    order = np.argsort(-remainder, kind="stable")  # largest remainder first, better tier first
    sizes[order[:left]] += 1
    return sizes


def share_bounds(shares: np.ndarray, n: int) -> np.ndarray:
    """Cumulative tier ends (0-based positions where each tier after the first starts)."""
    return np.cumsum(tier_sizes(shares, n))


def top_count(fraction: float, n: int) -> int:
    """Customers in the top ``fraction`` of ``n``: the nearest whole number, halves up (the
    first tier of :func:`tier_sizes` with two tiers), at least one."""
    return max(int(tier_sizes(np.array([fraction, 1.0 - fraction]), n)[0]), 1)


def grade_by_shares(v: np.ndarray, shares: np.ndarray, ties: str) -> np.ndarray:
    """Grade index (0 = best) by customer-count shares, largest values first, ties kept together.

    Tier sizes follow :func:`tier_sizes` (largest remainder). A tied block takes the grade of
    its last member (``ties="down"``: grades 1..k never hold more customers than their sizes)
    or of its first member (``"up"``: never fewer).
    """
    n = v.shape[0]
    bounds = share_bounds(shares, n)
    start, end, _ = tie_blocks(v)
    pos = end if ties == "down" else start
    return np.minimum(np.searchsorted(bounds, pos, side="right"), len(shares) - 1)


@validate_params({"ties": [_TIES], "locale": [Options({"en", "zh"})]})
def abc_tiers(
    summary: pd.DataFrame,
    value: str = "monetary",
    cuts: tuple[float, ...] = (0.80, 0.95),
    labels: tuple[str, ...] | None = None,
    *,
    ties: str = "down",
    locale: str = "en",
) -> pd.DataFrame:
    """Tier customers by their cumulative share of a value (ABC / Pareto analysis).

    Customers are sorted by ``value``, largest first. A customer's tier is decided by the
    cumulative share held by the customers ranked *above* her: with the default cuts, tier A
    are the customers needed to reach 80% of the total (the one who crosses 80% is in A), B
    the next ones up to 95%, C the rest. Customers with zero or negative value are always in
    the last tier. Customers with equal values are always in one tier: with ``ties="down"``
    the block is placed as its last member would be (so it goes to B when the block crosses
    80% only after its first member), with ``ties="up"`` as its first member would be.

    Parameters
    ----------
    summary : table
        One row per customer: pandas indexed by customer id, or a polars, DuckDB or Spark
        table with the customer id first (computed inside the engine on the distinct values).
    value : str, default "monetary"
        The column to rank by (total spend by default; any numeric column such as profit
        or CLV). Missing or infinite values raise and name the customers.
    cuts : tuple of float, default (0.80, 0.95)
        Increasing cumulative shares of the total, strictly between 0 and 1: the share at
        which each tier but the last ends.
    labels : tuple of str, optional
        Tier names, best first, one more than the cuts (default "A", "B", "C", ...).
    ties : {"down", "up"}, default "down"
        Where a block of equal values that crosses a cut goes: ``"down"`` places it as its
        last member would be (the later tier), ``"up"`` as its first member would be.
    locale : {"en", "zh"}, default "en"
        Language of the labels (tier letters are the same in both).

    Returns
    -------
    table of the input's kind
        Indexed like ``summary`` (other engines: the customer id first): ``value``, ``rank``
        (1 = largest; tied customers share the best rank), ``cumulative_share`` (share of the
        total held by customers with a value at least hers) and ``tier`` (ordered categorical;
        text for other engines). :func:`tier_summary` gives customers and value per tier.

    See Also
    --------
    count_tiers : tiers of fixed shares of customers (top 20% / next 30% / rest).
    tier_summary : customers and value per tier, with their shares.
    concentration : the Lorenz curve and Gini coefficient of the same values.
    plot_pareto : the cumulative share curve the cuts are read from.

    Examples
    --------
    The top two customers hold 85% of the spend, so they are tier A; the one who takes the
    total from 85% to 95% is B:

    >>> import pandas as pd
    >>> s = pd.DataFrame({"monetary": [700.0, 150.0, 100.0, 30.0, 20.0]},
    ...                  index=pd.Index(["a", "b", "c", "d", "e"], name="customer_id"))
    >>> t = abc_tiers(s)
    >>> t["tier"].tolist()
    ['A', 'A', 'B', 'C', 'C']
    >>> t["cumulative_share"].round(2).tolist()
    [0.7, 0.85, 0.95, 0.98, 1.0]

    References
    ----------
    Juran, J. M. (1951). *Quality Control Handbook*. McGraw-Hill (the Pareto principle).
    Kotler, P. and Keller, K. L. *Marketing Management*. Pearson (customer profitability
    analysis).
    """
    try:
        cuts = tuple(float(c) for c in cuts)
    except (TypeError, ValueError):
        raise ParameterError(
            f"cuts must be increasing shares strictly between 0 and 1, got {cuts!r}"
        ) from None
    if not cuts or any(not 0 < c < 1 for c in cuts) or list(cuts) != sorted(set(cuts)):
        raise ParameterError(f"cuts must be increasing shares strictly between 0 and 1, got {cuts}")
    labels = tuple(labels) if labels is not None else tuple("ABCDEFGHIJ"[: len(cuts) + 1])
    if len(labels) != len(cuts) + 1 or len(set(labels)) != len(labels):
        raise ParameterError(f"need {len(cuts) + 1} distinct labels for {len(cuts)} cuts, got {labels}")
    if _backend.is_engine(summary):
        return _abc_engine(summary, value, cuts, labels, ties, locale)
    if not isinstance(summary, pd.DataFrame):
        frame = summary_frame(summary)
        return like_input(abc_tiers(frame, value, cuts, labels, ties=ties, locale=locale), summary)
    v = _value_column(summary, value)
    positive = np.clip(v, 0.0, None)
    top = positive.max(initial=0.0)
    if top > 0:  # shares do not change with the unit; scaling keeps huge amounts from overflowing
        positive = positive / top
    total = positive.sum()
    start, end, order = tie_blocks(v)
    # share held by customers strictly above each distinct value, and by those at or above it
    cum_sorted = np.cumsum(positive[order])
    held_through = cum_sorted[end] / total if total > 0 else np.zeros_like(v)
    held_before = (cum_sorted[start] - positive) / total if total > 0 else np.zeros_like(v)
    if ties == "down":
        held_before = held_through - positive / total if total > 0 else held_before
    tier = np.searchsorted(np.asarray(cuts), held_before, side="right")
    tier = np.where(positive > 0, tier, len(cuts))
    out = pd.DataFrame(
        {
            "value": v,
            "rank": start + 1,
            "cumulative_share": held_through,
        },
        index=summary.index,
    )
    out["tier"] = localized_categorical(tier, labels, index=out.index, name="tier", locale=locale, codes=True)
    out.attrs.update({"value": value, "cuts": cuts})
    return out


def tier_summary(tiers: Any, tier: str = "tier", value: str = "value") -> pd.DataFrame:
    """Customers and value per tier, with their shares, from a tier table's own rows.

    Works on the output of :func:`abc_tiers` and :func:`count_tiers` (and on any table with a
    tier and a value column); computed from the rows given, so it stays right after slicing.

    Parameters
    ----------
    tiers : table
        One row per customer: pandas, or a polars, DuckDB or Spark table (aggregated inside
        the engine).
    tier : str, default "tier"
        The tier column (any labels; pandas categoricals keep their order and empty tiers).
    value : str, default "value"
        The numeric column summed per tier (``value`` in the output of :func:`abc_tiers`
        and :func:`count_tiers`).

    Returns
    -------
    pandas.DataFrame
        Per tier (empty tiers included for pandas' categorical tiers; engine tables list the
        tiers present, sorted by label): ``customers``, ``value``, ``share_of_customers``,
        ``share_of_value``. A small table, always pandas.

    See Also
    --------
    abc_tiers : tiers by cumulative share of value.
    count_tiers : tiers by share of customers.
    customer_profile : the same figures by any attribute, with a total row.

    Examples
    --------
    >>> import pandas as pd
    >>> t = abc_tiers(pd.DataFrame({"monetary": [700.0, 150.0, 100.0, 30.0, 20.0]}))
    >>> summary = tier_summary(t)
    >>> summary["customers"].tolist(), summary["share_of_value"].round(2).tolist()
    ([2, 1, 2], [0.85, 0.1, 0.05])
    """
    if _backend.is_engine(tiers):
        lf = _backend.to_lazy(tiers, what="tier table")
        require_columns(lf.collect_schema().names(), [tier, value], role="tier table",
                        parameters={tier: "tier", value: "value"})
        agg = _backend.collect_pandas(lf.group_by(tier).agg(
            nw.len().cast(nw.Int64).alias("customers"), nw.col(value).cast(nw.Float64).sum().alias("value")))
        agg = agg.set_index(tier).sort_index()
        n = int(agg["customers"].sum())
        total = float(agg["value"].sum())
        agg["share_of_customers"] = agg["customers"] / max(n, 1)
        agg["share_of_value"] = agg["value"] / total if total else np.nan
        return agg
    if not isinstance(tiers, pd.DataFrame):
        tiers = summary_frame(tiers, "tier table")
    require_columns(tiers.columns, [tier, value], role="tier table",
                    parameters={tier: "tier", value: "value"})
    v = pd.to_numeric(tiers[value], errors="coerce")
    agg = v.groupby(tiers[tier], observed=False).agg(["size", "sum"])
    agg.columns = ["customers", "value"]
    agg["share_of_customers"] = agg["customers"] / max(len(tiers), 1)
    total = v.sum()
    agg["share_of_value"] = agg["value"] / total if total else np.nan
    return agg


@validate_params({"ties": [_TIES], "locale": [Options({"en", "zh"})]})
def count_tiers(
    summary: pd.DataFrame,
    value: str = "monetary",
    shares: tuple[float, ...] = (0.20, 0.30),
    labels: tuple[str, ...] = ("Top 20%", "Next 30%", "Rest"),
    *,
    ties: str = "down",
    locale: str = "en",
) -> pd.DataFrame:
    """Tier customers by their rank in customer count (top 20% / next 30% / rest by default).

    Unlike :func:`abc_tiers` the tier sizes are shares of customers, whatever value they hold.
    Customers with equal values are always in one tier: with ``ties="down"`` a tied block that
    straddles a boundary goes to the lower tier (the top tiers hold at most their share), with
    ``"up"`` to the higher one (they hold at least their share).

    Parameters
    ----------
    summary : table
        One row per customer (pandas, or a polars, DuckDB or Spark table with the id first).
    value : str, default "monetary"
        The column customers are ranked by, largest first.
    shares : tuple of float, default (0.20, 0.30)
        Shares of customers in every tier but the last (positive, sum below 1); the last
        tier takes the rest. Tier sizes are whole customers by the largest-remainder rule:
        each tier gets the whole part of its share times the number of customers, and the
        customers left over go to the tiers with the largest fractional parts, the better
        tier first on equal parts (5 customers at 0.2 / 0.3 / 0.5 give 1 / 2 / 2).
    labels : tuple of str, default ("Top 20%", "Next 30%", "Rest")
        One more label than shares, best tier first.
    ties : {"down", "up"}, default "down"
        Where a block of equal values that straddles a boundary goes: the lower tier
        (``"down"``) or the higher one (``"up"``).
    locale : {"en", "zh"}, default "en"
        Language of the labels.

    Returns
    -------
    table of the input's kind
        Indexed like ``summary`` (other engines: the customer id first): ``value`` and ``tier``
        (ordered categorical; text for other engines).

    See Also
    --------
    abc_tiers : tiers by cumulative share of value instead of customers.
    tier_summary : customers and value per tier.
    value_tiers : grades on several weighted dimensions, with overrides.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"monetary": range(10, 0, -1)})
    >>> count_tiers(s)["tier"].value_counts().sort_index().tolist()
    [2, 3, 5]

    Tied customers stay together: the block of three 5s straddles the top-20% boundary
    (2 of 10 customers), so it goes to the next tier with ``ties="down"`` and to the top
    one with ``ties="up"``.

    >>> s = pd.DataFrame({"monetary": [9, 5, 5, 5, 4, 3, 2, 2, 1, 1]})
    >>> count_tiers(s)["tier"].value_counts().sort_index().tolist()
    [1, 4, 5]
    >>> count_tiers(s, ties="up")["tier"].value_counts().sort_index().tolist()
    [4, 1, 5]
    """
    try:
        shares_arr = np.asarray(shares, dtype="float64")
    except (TypeError, ValueError):
        raise ParameterError(f"shares must be numbers, got {shares!r}") from None
    if len(labels) != len(shares_arr) + 1 or shares_arr.sum() >= 1 or (shares_arr <= 0).any():
        raise ParameterError(
            f"shares must be positive, sum below 1, with one more label than shares; "
            f"got shares={shares}, labels={labels}"
        )
    full = np.append(shares_arr, 1.0 - shares_arr.sum())
    if _backend.is_engine(summary):
        return _count_engine(summary, value, full, tuple(labels), ties, locale)
    if not isinstance(summary, pd.DataFrame):
        frame = summary_frame(summary)
        return like_input(count_tiers(frame, value, shares, labels, ties=ties, locale=locale), summary)
    v = _value_column(summary, value)
    tier = grade_by_shares(v, full, ties)
    out = pd.DataFrame({"value": v}, index=summary.index)
    out["tier"] = localized_categorical(tier, labels, index=out.index, name="tier", locale=locale, codes=True)
    out.attrs.update({"value": value, "shares": tuple(float(x) for x in shares_arr)})
    return out


_FIX_VALUE = "fill or drop those customers first"


def _labels_shown(labels: tuple[str, ...], locale: str) -> list[str]:
    """Labels as :func:`localized_categorical` shows them in ``locale`` (codes in label order)."""
    shown = localized_categorical(np.arange(len(labels)), labels, index=pd.RangeIndex(len(labels)),
                                  name="tier", locale=locale, codes=True)
    return [str(c) for c in shown.cat.categories]


def _label_expr(code: nw.Expr, labels: list[str]) -> nw.Expr:
    """The label of an integer code 0..len(labels)-1 (a CASE expression)."""
    out: Any = nw.lit(labels[-1])
    for i in range(len(labels) - 2, -1, -1):
        out = nw.when(code == i).then(nw.lit(labels[i])).otherwise(out)
    return out.cast(nw.String)


def _join_blocks(table: _backend.CustomerTable, value: str, blocks: nw.LazyFrame,
                 columns: list[str]) -> nw.LazyFrame:
    """Every customer with the block columns of her value (joined on the value, in the engine)."""
    keep = [c for c in table.lf.collect_schema().names() if c == "__cm_row"]
    base = table.lf.select(table.id_name, *keep, nw.col(value).cast(nw.Float64).alias("_v"))
    return base.join(blocks.select("_v", *columns), on="_v", how="left")


def _abc_engine(summary: Any, value: str, cuts: tuple[float, ...], labels: tuple[str, ...],
                ties: str, locale: str) -> Any:
    """:func:`abc_tiers` inside the engine, on the distinct values (largest first)."""
    table = _backend.customer_table(summary, what="customer summary", needed=[value])
    v = nw.col(value).cast(nw.Float64)
    positive = nw.when(v > 0).then(v).otherwise(nw.lit(0.0))
    stats = engine_values(table, {value: value}, fix=_FIX_VALUE,
                          extra={"top": positive.max(), "raw_total": positive.sum()})
    top = float(stats["top"] or 0.0)
    scale = top if top > 0 else 1.0
    blocks = value_blocks(table.lf, v, descending=True)
    p = nw.when(nw.col("_v") > 0).then(_backend.divide(nw.col("_v"), scale)).otherwise(nw.lit(0.0))
    raw_total = float(stats["raw_total"] or 0.0)
    if np.isfinite(raw_total):
        total = raw_total / scale
    else:  # the unscaled total overflows: add the scaled values instead
        total = float(_backend.collect_one(table.lf.select(
            t=nw.when(v > 0).then(_backend.divide(v, scale)).otherwise(nw.lit(0.0)).sum()))["t"] or 0.0)
    # _held: the share numerator of every customer at or above the value (ties included)
    blocks = blocks.with_columns(p.alias("_p"), (nw.col("_c") * p).alias("_cp"),
                                 (-nw.col("_v")).alias("_neg_v"))
    blocks = blocks.with_columns(nw.col("_cp").cum_sum().over(order_by="_neg_v").alias("_held"))
    if total > 0:
        through = _backend.divide(nw.col("_held"), total)
        if ties == "down":
            before = through - _backend.divide(nw.col("_p"), total)
        else:
            before = _backend.divide(nw.col("_held") - nw.col("_cp"), total)
    else:
        through = before = nw.lit(0.0)
    code = nw.when(nw.col("_p") > 0).then(count_at_least(before, cuts)).otherwise(nw.lit(len(cuts)))
    shown = _labels_shown(labels, locale)
    blocks = blocks.with_columns(
        (nw.col("_before") + 1).cast(nw.Int64).alias("rank"),
        through.cast(nw.Float64).alias("cumulative_share"),
        _label_expr(code, shown).alias("tier"),
    )
    joined = _join_blocks(table, value, blocks, ["rank", "cumulative_share", "tier"])
    keep = [c for c in joined.collect_schema().names() if c == "__cm_row"]
    out = joined.select(table.id_name, *keep, nw.col("_v").alias("value"), "rank", "cumulative_share", "tier")
    return _backend.finish_table(out, table)


def _count_engine(summary: Any, value: str, full: np.ndarray, labels: tuple[str, ...], ties: str,
                  locale: str) -> Any:
    """:func:`count_tiers` inside the engine: tie blocks of the distinct values, largest first."""
    table = _backend.customer_table(summary, what="customer summary", needed=[value])
    n = int(engine_values(table, {value: value}, fix=_FIX_VALUE)["n"] or 0)
    v = nw.col(value).cast(nw.Float64)
    bounds = share_bounds(full, n)
    blocks = value_blocks(table.lf, v, descending=True)
    pos = nw.col("_before") + nw.col("_c") - 1 if ties == "down" else nw.col("_before")
    raw = count_at_least(pos.cast(nw.Float64), [float(b) for b in bounds])
    code = nw.when(raw > len(full) - 1).then(nw.lit(len(full) - 1)).otherwise(raw)
    blocks = blocks.with_columns(_label_expr(code, _labels_shown(labels, locale)).alias("tier"))
    joined = _join_blocks(table, value, blocks, ["tier"])
    keep = [c for c in joined.collect_schema().names() if c == "__cm_row"]
    out = joined.select(table.id_name, *keep, nw.col("_v").alias("value"), "tier")
    return _backend.finish_table(out, table)


#: Shares of customers whose top share an engine-computed :class:`Concentration` keeps exactly.
TOP_FRACTIONS = (0.01, 0.05, 0.1, 0.2, 0.5)
#: Points of the Lorenz curve an engine-computed :class:`Concentration` keeps (about).
CURVE_POINTS = 1000


@dataclass(repr=False)
class Concentration(Result):
    """Concentration of a non-negative quantity across customers.

    Returned by :func:`concentration`; the fields below are its attributes. ``lorenz()``
    (also ``to_frame()``) gives the Lorenz curve, ``top_share(fraction)`` the share held by
    the top customers, ``summary()`` the headline figures and ``plot()`` the curve with the
    line of equality.

    Parameters
    ----------
    values : ndarray or None
        The values, sorted ascending (None when computed inside an engine: the values stay
        there, and the curve and top shares below were computed from them).
    gini : float
        Gini coefficient (0 = everyone equal, towards 1 = one customer holds everything):
        ``sum((2i - n - 1) x_(i)) / (n sum x)`` over the values sorted ascending.
    n : int
        Number of customers (values), zeros included.
    total : float
        Sum of the values, in their own unit (``inf`` beyond the float range).
    curve : pandas.DataFrame or None, default None
        Engine results only: exact points of the Lorenz curve (``customers``,
        ``customers_share``, ``value_share``) at the ends of tied blocks, about
        :data:`CURVE_POINTS` of them (every block end for smaller tables).
    top_shares : dict of int -> float, default {}
        Engine results only: exact shares held by the top ``k`` customers, keyed by ``k``.

    See Also
    --------
    concentration : computes it from a column of values.
    abc_tiers : tiers customers by the same cumulative shares.

    Examples
    --------
    >>> c = concentration([0.0, 0.0, 0.0, 10.0])
    >>> c
    Concentration(gini=0.75, n=4, top_20%_share=1)
    >>> c.lorenz()["value_share"].tolist()
    [0.0, 0.0, 0.0, 0.0, 1.0]
    >>> c.summary().loc[["gini", "customers", "total"], "value"].tolist()
    [0.75, 4.0, 10.0]
    """

    values: np.ndarray | None
    gini: float
    n: int
    total: float
    curve: pd.DataFrame | None = None
    top_shares: dict = field(default_factory=dict)

    def lorenz(self) -> pd.DataFrame:
        """Lorenz curve: cumulative share of customers (smallest first) vs share of value.

        Computed inside an engine, the curve has the exact points kept in ``curve`` (the
        polyline between them is exact where no point was left out).
        """
        if self.values is None:
            return self.curve[["customers_share", "value_share"]].reset_index(drop=True)
        scaled = self.values / self.values[-1]
        cum = np.concatenate([[0.0], np.cumsum(scaled)]) / scaled.sum()
        return pd.DataFrame({"customers_share": np.arange(self.n + 1) / self.n, "value_share": cum})

    def to_frame(self) -> pd.DataFrame:
        """The Lorenz curve (see :meth:`lorenz`)."""
        return self.lorenz()

    @validate_params({"fraction": [Interval(Real, 0, 1, closed="right")]})
    def top_share(self, fraction: float = 0.2) -> float:
        """Share of the total held by the top ``fraction`` of customers (the nearest whole number of
        customers, halves up, at least one).

        For a result computed inside an engine the share is exact for the fractions passed
        to :func:`concentration` (``fractions=``, default :data:`TOP_FRACTIONS`) and for the
        points of the stored curve; any other fraction raises with the fix.
        """
        k = top_count(fraction, self.n)
        if self.values is None:
            if k in self.top_shares:
                return float(self.top_shares[k])
            at = self.curve.loc[self.curve["customers"] == self.n - k, "value_share"]
            if len(at):
                return float(1.0 - at.iloc[0])
            raise ParameterError(
                f"top_share({fraction}) was not computed: this concentration was computed inside "
                f"the engine, which kept the shares of {sorted(self.top_shares)} top customers "
                f"and {len(self.curve)} curve points. Fix: pass fractions=({fraction},) to "
                "concentration()."
            )
        scaled = self.values / self.values[-1]
        return float(scaled[::-1][:k].sum() / scaled.sum())

    def summary(self) -> pd.DataFrame:
        """Gini, top-20% and top-1% shares, customers and total as a one-column table."""
        return pd.DataFrame(
            {"value": [self.gini, self.top_share(0.2), self.top_share(0.01), self.n, self.total]},
            index=pd.Index(["gini", "top_20%_share", "top_1%_share", "customers", "total"], name="figure"),
        )

    def sentence(self) -> str:
        """The headline figures in one sentence (for reports)."""
        return (
            f"Gini {self.gini:.3f}; the top 20% of customers hold {self.top_share(0.2):.1%} "
            f"of the total, the top 1% {self.top_share(0.01):.1%}."
        )

    def _repr_items(self) -> dict[str, Any]:
        return {"gini": self.gini, "n": int(self.n), "top_20%_share": self.top_share(0.2)}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Lorenz curve with the line of equality; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4.5, 4.5))
        curve = self.lorenz()
        ax.plot(
            curve["customers_share"],
            curve["value_share"],
            color=kwargs.pop("color", "#3b6ea8"),
            label="Lorenz curve",
            **kwargs,
        )
        ax.plot([0, 1], [0, 1], "k:", label="equality")
        ax.set_xlabel("share of customers (smallest first)")
        ax.set_ylabel("share of value")
        ax.set_title(f"Concentration (Gini {self.gini:.2f})")
        ax.legend(loc="upper left")
        return ax


def concentration(values: Any, *, column: str | None = None,
                  fractions: tuple[float, ...] = TOP_FRACTIONS) -> Concentration:
    """Lorenz curve, Gini coefficient and top shares of a non-negative quantity.

    Parameters
    ----------
    values : array-like, Series or table
        One value per customer: an array or a pandas or polars Series (e.g.
        ``summary["monetary"]``), or a table with the values in ``column`` (pandas, polars,
        DuckDB, Spark; e.g. the summary). Values must be non-negative with a positive total.
    column : str, optional
        The column of a table to read (not needed for a one-column table).
    fractions : tuple of float, default (0.01, 0.05, 0.1, 0.2, 0.5)
        For a table computed inside an engine (polars, DuckDB, Spark): the shares of
        customers (in (0, 1]) whose top share is kept exactly
        (:meth:`Concentration.top_share`). In-memory values keep every share.

    Returns
    -------
    Concentration
        A small result. For polars, DuckDB and Spark input it is computed inside the engine,
        on the distinct values and their counts: the Gini coefficient, the customer count, the
        total and the top shares are exact; the Lorenz curve keeps about 1,000 exact points.

    See Also
    --------
    Concentration : the result, with ``lorenz()``, ``top_share()`` and ``plot()``.
    abc_tiers : tiers customers by their cumulative share of the same value.
    plot_pareto : the cumulative share of value, largest customers first.

    Examples
    --------
    >>> c = concentration([1, 1, 1, 1])
    >>> c.gini
    0.0
    >>> c = concentration([0, 0, 0, 10])
    >>> round(c.gini, 3), c.top_share(0.25)
    (0.75, 1.0)

    The same figures inside DuckDB (only they travel to Python):

    >>> import duckdb
    >>> rel = duckdb.sql("select * from (values (1, 0.0), (2, 0.0), (3, 0.0), (4, 10.0)) t(id, spend)")
    >>> c = concentration(rel, column="spend", fractions=(0.25,))
    >>> round(c.gini, 3), c.top_share(0.25)
    (0.75, 1.0)

    References
    ----------
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *Publications of the
    American Statistical Association* 9(70), 209-219.
    Gini, C. (1912). *Variabilita e mutabilita*. Tipografia di Paolo Cuppini, Bologna.
    """
    if isinstance(values, pd.DataFrame):
        if column is None:
            if values.shape[1] != 1:
                raise ParameterError(
                    "concentration takes one column of values, got a DataFrame with "
                    f"{values.shape[1]} columns. Fix: pass summary['monetary'] or column='monetary'."
                )
            column = values.columns[0]
        require_columns(values.columns, [column], role="table", parameters={column: "column"})
        values = values[column]
    elif _is_polars_series(values):
        values = values.to_frame(values.name or "values")
        column = values.columns[0]
    if _backend.is_engine(values):
        return _concentration_engine(values, column, fractions)
    if not isinstance(values, pd.Series | np.ndarray | list | tuple):
        try:
            kind = _backend.backend_of(values)
        except ParameterError:
            kind = None
        if kind is not None:
            frame = _backend.to_pandas(values, what="values")
            return concentration(frame, column=column, fractions=fractions)
    name = values.name if isinstance(values, pd.Series) and values.name is not None else "values"
    series = values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object).ravel())
    v = pd.to_numeric(series, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        raise bad_rows_error(
            str(name),
            "missing, non-numeric, infinite or negative values",
            series[bad],
            int(bad.sum()),
            _FIX_CONCENTRATION,
        )
    if v.size == 0 or not (v > 0).any():
        raise _no_total(name)
    s = np.sort(v)
    n = s.size
    unit = s[-1]  # the Gini and the shares do not depend on the unit: scale to avoid overflow
    scaled = s / unit
    gini = float((2.0 * np.arange(1, n + 1) - n - 1).dot(scaled) / (n * scaled.sum()))
    with np.errstate(over="ignore"):  # a total beyond the float range is reported as inf
        total = float(s.sum())
    return Concentration(values=s, gini=gini, n=n, total=total)


_FIX_CONCENTRATION = "concentration needs non-negative amounts: use gross spend or clip returns"


def _no_total(name: Any) -> DataError:
    return DataError(
        f"column {name!r}: concentration needs at least one customer and a positive total. "
        "Fix: pass spend with at least one positive value."
    )


def _is_polars_series(values: Any) -> bool:
    module = type(values).__module__.split(".")[0]
    return module == "polars" and type(values).__name__ == "Series"


def _concentration_engine(values: Any, column: str | None, fractions: tuple[float, ...]) -> Concentration:
    """:func:`concentration` inside the engine, on the distinct values (smallest first)."""
    frame = _backend.to_narwhals(values, what="values")
    lf = frame.lazy() if isinstance(frame, nw.DataFrame) else frame
    names = lf.collect_schema().names()
    if column is None:
        if len(names) != 1:
            raise ParameterError(
                f"concentration of a table with {len(names)} columns needs column=. "
                "Fix: pass column='monetary' (or the column to read)."
            )
        column = names[0]
    require_columns(names, [column], role="table", parameters={column: "column"})
    _backend.numeric_columns(lf, [column], what="values", fix=_FIX_CONCENTRATION)
    v = nw.col(column).cast(nw.Float64)
    check = _backend.Check(column, ~v.is_finite() | (v < 0),
                           "missing, non-numeric, infinite or negative values", _FIX_CONCENTRATION)
    stats = _backend.checked_aggregates(lf, None, [check],
                                        {"n": nw.len(), "top": v.max(), "total": v.sum()})
    n = int(stats["n"] or 0)
    top = float(stats["top"] or 0.0)
    if n == 0 or top <= 0:
        raise _no_total(column)
    try:
        fracs = tuple(float(f) for f in fractions)
    except (TypeError, ValueError):
        raise ParameterError(f"fractions must be numbers in (0, 1], got {fractions!r}.") from None
    if any(not 0 < f <= 1 for f in fracs):
        raise ParameterError(f"fractions must be numbers in (0, 1], got {fractions!r}.")
    ks = sorted({top_count(f, n) for f in fracs})
    blocks = value_blocks(lf, v)
    scaled = _backend.divide(nw.col("_v"), top)
    blocks = blocks.with_columns((nw.col("_c") * scaled).alias("_cs"), scaled.alias("_s"))
    blocks = blocks.with_columns(nw.col("_cs").cum_sum().over(order_by="_v").alias("_cum"))
    c = nw.col("_c").cast(nw.Float64)
    weight = c * (2.0 * nw.col("_before").cast(nw.Float64) + c - float(n))
    aggs = {"s_total": nw.col("_cs").sum(), "g_num": (nw.col("_s") * weight).sum()}
    after = float(n) - nw.col("_before").cast(nw.Float64) - c  # customers with a larger value
    for k in ks:
        take = nw.lit(float(k)) - after
        held = nw.when(take <= 0).then(nw.lit(0.0)).otherwise(
            nw.when(take >= c).then(c).otherwise(take))
        aggs[f"top_{k}"] = (nw.col("_s") * held).sum()
    row = _backend.collect_one(blocks.select(**aggs))
    s_total = float(row["s_total"])
    gini = float(row["g_num"] / (n * s_total))
    m = min(n, CURVE_POINTS)
    end = nw.col("_before") + nw.col("_c")
    crosses = (end * m) // n > (nw.col("_before") * m) // n
    points = _backend.collect_pandas(
        blocks.filter(crosses).select(end.cast(nw.Int64).alias("customers"), nw.col("_cum").alias("cum"))
    ).sort_values("customers")
    curve = pd.DataFrame({
        "customers": np.concatenate([[0], points["customers"].to_numpy(dtype=np.int64)]),
        "value_share": np.concatenate([[0.0], points["cum"].to_numpy(dtype=float) / s_total]),
    })
    curve.insert(1, "customers_share", curve["customers"] / n)
    tops = {k: float(row[f"top_{k}"]) / s_total for k in ks}
    return Concentration(values=None, gini=gini, n=n, total=float(stats["total"]), curve=curve,
                         top_shares=tops)
