"""ABC (Pareto) tiers and concentration: Lorenz curve, Gini coefficient, top shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Options, validate_params
from crmmine._results import Result
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.segmentation._labels import localized_categorical
from crmmine.segmentation.rfm import numeric_column, summary_frame

__all__ = ["Concentration", "abc_tiers", "concentration", "count_tiers", "tier_summary"]

_TIES = Options({"down", "up"})


def _value_column(summary: pd.DataFrame, value: str) -> np.ndarray:
    summary = summary_frame(summary)
    require_columns(summary.columns, [value], role="customer summary")
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


def grade_by_shares(v: np.ndarray, shares: np.ndarray, ties: str) -> np.ndarray:
    """Grade index (0 = best) by customer-count shares, largest values first, ties kept together.

    A tied block takes the grade of its last member (``ties="down"``: the cumulative share
    of grades 1..k never exceeds the target) or of its first member (``"up"``: it is never
    below the target).
    """
    n = v.shape[0]
    bounds = np.round(np.cumsum(shares) * n).astype(np.int64)
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
    summary : pandas.DataFrame
        One row per customer.
    value : str, default "monetary"
    cuts : tuple of float, default (0.80, 0.95)
        Increasing cumulative shares in (0, 1).
    labels : tuple of str, optional
        Tier names, one more than the cuts (default A, B, C, ...).
    ties : {"down", "up"}, default "down"
    locale : {"en", "zh"}
        Language of the labels (tier letters are the same in both).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``value``, ``rank`` (1 = largest; tied customers share the
        best rank), ``cumulative_share`` (share of the total held by customers with a value at
        least hers) and ``tier`` (ordered categorical). :func:`tier_summary` gives customers and
        value per tier.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"monetary": [700.0, 150.0, 100.0, 30.0, 20.0]})
    >>> abc_tiers(s)["tier"].tolist()
    ['A', 'A', 'B', 'C', 'C']

    References
    ----------
    Juran, J. M. (1951). *Quality Control Handbook* (the Pareto principle). Kotler, P. and
    Keller, K. L. *Marketing Management*, customer profitability analysis.
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


def tier_summary(tiers: pd.DataFrame, tier: str = "tier", value: str = "value") -> pd.DataFrame:
    """Customers and value per tier, with their shares, from a tier table's own rows.

    Works on the output of :func:`abc_tiers` and :func:`count_tiers` (and on any table with a
    tier and a value column); computed from the rows given, so it stays right after slicing.

    Parameters
    ----------
    tiers : pandas.DataFrame
        One row per customer.
    tier, value : str
        The tier column and the value column.

    Returns
    -------
    pandas.DataFrame
        Per tier (empty tiers included): ``customers``, ``value``, ``share_of_customers``,
        ``share_of_value``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = abc_tiers(pd.DataFrame({"monetary": [700.0, 150.0, 100.0, 30.0, 20.0]}))
    >>> tier_summary(t)["customers"].tolist()
    [2, 1, 2]
    """
    require_columns(tiers.columns, [tier, value], role="tier table")
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
    summary : pandas.DataFrame
        One row per customer.
    value : str, default "monetary"
    shares : tuple of float, default (0.20, 0.30)
        Shares of customers in every tier but the last (positive, sum below 1).
    labels : tuple of str
        One more label than shares, best tier first.
    ties : {"down", "up"}, default "down"
    locale : {"en", "zh"}

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``value`` and ``tier`` (ordered categorical).

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"monetary": range(10, 0, -1)})
    >>> count_tiers(s)["tier"].value_counts().sort_index().tolist()
    [2, 3, 5]
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
    v = _value_column(summary, value)
    full = np.append(shares_arr, 1.0 - shares_arr.sum())
    tier = grade_by_shares(v, full, ties)
    out = pd.DataFrame({"value": v}, index=summary.index)
    out["tier"] = localized_categorical(tier, labels, index=out.index, name="tier", locale=locale, codes=True)
    out.attrs.update({"value": value, "shares": tuple(float(x) for x in shares_arr)})
    return out


@dataclass(repr=False)
class Concentration(Result):
    """Concentration of a non-negative quantity across customers.

    Attributes
    ----------
    values : ndarray
        The values, sorted ascending.
    gini : float
        Gini coefficient (0 = everyone equal, towards 1 = one customer holds everything).
    n : int
    total : float
    """

    values: np.ndarray
    gini: float
    n: int
    total: float

    def lorenz(self) -> pd.DataFrame:
        """Lorenz curve: cumulative share of customers (smallest first) vs share of value."""
        scaled = self.values / self.values[-1]
        cum = np.concatenate([[0.0], np.cumsum(scaled)]) / scaled.sum()
        return pd.DataFrame({"customers_share": np.arange(self.n + 1) / self.n, "value_share": cum})

    def to_frame(self) -> pd.DataFrame:
        """The Lorenz curve (see :meth:`lorenz`)."""
        return self.lorenz()

    def top_share(self, fraction: float = 0.2) -> float:
        """Share of the total held by the top ``fraction`` of customers (rounded to whole customers)."""
        if isinstance(fraction, bool) or not isinstance(fraction, int | float) or not 0 < fraction <= 1:
            raise ParameterError(
                f"parameter 'fraction' of top_share() must be a number in (0, 1], got {fraction!r}."
            )
        k = max(round(fraction * self.n), 1)
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


def concentration(values: Any) -> Concentration:
    """Lorenz curve, Gini coefficient and top shares of a non-negative quantity.

    Parameters
    ----------
    values : array-like or pandas.Series
        One value per customer (e.g. ``summary["monetary"]``); must be non-negative with a
        positive total.

    Returns
    -------
    Concentration

    Examples
    --------
    >>> c = concentration([1, 1, 1, 1])
    >>> c.gini
    0.0
    >>> c = concentration([0, 0, 0, 10])
    >>> round(c.gini, 3), c.top_share(0.25)
    (0.75, 1.0)

    References
    ----------
    Lorenz, M. O. (1905). Methods of measuring the concentration of wealth. *Publications of the
    American Statistical Association* 9(70), 209-219. Gini, C. (1912). *Variabilita e mutabilita*.
    """
    if isinstance(values, pd.DataFrame):
        raise ParameterError(
            "concentration takes one column of values, got a DataFrame. Fix: pass summary['monetary']."
        )
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
            "concentration needs non-negative amounts: use gross spend or clip returns",
        )
    if v.size == 0 or not (v > 0).any():
        raise DataError(
            f"column {name!r}: concentration needs at least one customer and a positive total. "
            "Fix: pass spend with at least one positive value."
        )
    s = np.sort(v)
    n = s.size
    unit = s[-1]  # the Gini and the shares do not depend on the unit: scale to avoid overflow
    scaled = s / unit
    gini = float((2.0 * np.arange(1, n + 1) - n - 1).dot(scaled) / (n * scaled.sum()))
    with np.errstate(over="ignore"):  # a total beyond the float range is reported as inf
        total = float(s.sum())
    return Concentration(values=s, gini=gini, n=n, total=total)
