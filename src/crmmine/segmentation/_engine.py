"""Per-customer ranks and tie blocks computed inside an engine (polars, DuckDB, Spark).

The pandas paths of the segmentation functions sort numpy arrays. For tables that live
in an engine the same tie rules are computed there, on the distinct values of a column:
one aggregation (how many customers hold each value) and one running sum over those
values give, for every value, how many customers hold a smaller (or larger) one. Only
small results (score boundaries, a few scalars) travel to Python; per-customer results
stay in the engine, joined back on the value.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals as nw

__all__ = ["count_at_least", "value_blocks"]


def value_blocks(lf: nw.LazyFrame, value: nw.Expr, *, descending: bool = False) -> nw.LazyFrame:
    """Distinct values ``_v`` with ``_c`` (customers holding it) and ``_before`` (customers whose
    value comes earlier in the order: smaller values, or larger ones with ``descending``).

    ``_before`` is pandas' ``rank(method="min") - 1`` of every customer holding ``_v``.
    """
    counts = lf.select(value.cast(nw.Float64).alias("_v")).group_by("_v").agg(_c=nw.len())
    key = "_v"
    if descending:
        counts = counts.with_columns((-nw.col("_v")).alias("_neg"))
        key = "_neg"
    running = nw.col("_c").cum_sum().over(order_by=key)
    out = counts.with_columns((running - nw.col("_c")).cast(nw.Int64).alias("_before"))
    return out.drop("_neg") if descending else out


def count_at_least(value: nw.Expr, bounds: Sequence[float]) -> nw.Expr:
    """How many of ``bounds`` are at or below ``value`` (an Int64 expression; ``inf`` bounds never count)."""
    out = nw.lit(0, dtype=nw.Int64)
    for bound in bounds:
        if bound != float("inf"):
            out = out + (value >= nw.lit(float(bound))).cast(nw.Int64)
    return out
