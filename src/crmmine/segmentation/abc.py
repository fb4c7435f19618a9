"""ABC (Pareto) tiers and concentration: Lorenz curve, Gini coefficient, top shares."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["Concentration", "abc_tiers", "concentration", "count_tiers"]


def _value_column(summary: pd.DataFrame, value: str) -> np.ndarray:
    require_columns(summary.columns, [value], role="customer summary")
    values = pd.to_numeric(summary[value], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values)
    if bad.any():
        raise bad_rows_error(
            value,
            "missing or non-numeric values",
            summary.loc[bad, [value]],
            int(bad.sum()),
            "fill or drop those customers first",
        )
    return values


def abc_tiers(
    summary: pd.DataFrame,
    value: str = "monetary",
    cuts: tuple[float, ...] = (0.80, 0.95),
    labels: tuple[str, ...] | None = None,
) -> pd.DataFrame:
    """Tier customers by their cumulative share of a value (ABC / Pareto analysis).

    Customers are sorted by ``value``, largest first (ties by index order). A customer's tier is
    decided by the cumulative share held by the customers ranked *above* her: with the default
    cuts, tier A are the customers needed to reach 80% of the total (the one who crosses 80% is
    in A), B the next ones up to 95%, C the rest. Customers with zero or negative value are
    always in the last tier.

    Parameters
    ----------
    summary : pandas.DataFrame
        One row per customer.
    value : str, default "monetary"
    cuts : tuple of float, default (0.80, 0.95)
        Increasing cumulative shares in (0, 1).
    labels : tuple of str, optional
        Tier names, one more than the cuts (default A, B, C, ...).

    Returns
    -------
    pandas.DataFrame
        Indexed like ``summary``: ``value``, ``rank`` (1 = largest), ``cumulative_share`` and
        ``tier`` (ordered categorical); ``attrs["tiers"]`` summarises customers and value per tier.

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
    cuts = tuple(float(c) for c in cuts)
    if not cuts or any(not 0 < c < 1 for c in cuts) or list(cuts) != sorted(set(cuts)):
        raise ParameterError(f"cuts must be increasing shares strictly between 0 and 1, got {cuts}")
    labels = tuple(labels) if labels is not None else tuple("ABCDEFGHIJ"[: len(cuts) + 1])
    if len(labels) != len(cuts) + 1:
        raise ParameterError(f"need {len(cuts) + 1} labels for {len(cuts)} cuts, got {labels}")
    v = _value_column(summary, value)
    order = np.argsort(-v, kind="stable")
    positive = np.clip(v[order], 0.0, None)
    total = positive.sum()
    cum = np.cumsum(positive) / total if total > 0 else np.zeros_like(positive)
    before = np.concatenate([[0.0], cum[:-1]])
    tier_sorted = np.searchsorted(np.asarray(cuts), before, side="right")
    tier_sorted = np.where(positive > 0, tier_sorted, len(cuts))
    tier = np.empty_like(tier_sorted)
    tier[order] = tier_sorted
    rank = np.empty(len(v), dtype=np.int64)
    rank[order] = np.arange(1, len(v) + 1)
    cum_share = np.empty_like(cum)
    cum_share[order] = cum
    out = pd.DataFrame(
        {
            "value": v,
            "rank": rank,
            "cumulative_share": cum_share,
            "tier": pd.Categorical.from_codes(tier, categories=list(labels), ordered=True),
        },
        index=summary.index,
    )
    agg = out.groupby("tier", observed=False).agg(customers=("value", "size"), value=("value", "sum"))
    agg["share_of_customers"] = agg["customers"] / max(len(out), 1)
    agg["share_of_value"] = agg["value"] / v.sum() if v.sum() else np.nan
    out.attrs["tiers"] = agg
    return out


def count_tiers(
    summary: pd.DataFrame,
    value: str = "monetary",
    shares: tuple[float, ...] = (0.20, 0.30),
    labels: tuple[str, ...] = ("Top 20%", "Next 30%", "Rest"),
) -> pd.DataFrame:
    """Tier customers by their rank in customer count (top 20% / next 30% / rest by default).

    Unlike :func:`abc_tiers` the tier sizes are fixed shares of customers, whatever value
    they hold. Ties are broken by index order.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"monetary": range(10, 0, -1)})
    >>> count_tiers(s)["tier"].value_counts().sort_index().tolist()
    [2, 3, 5]
    """
    if len(labels) != len(shares) + 1 or sum(shares) >= 1 or any(s <= 0 for s in shares):
        raise ParameterError(
            f"shares must be positive, sum below 1, with one more label than shares; "
            f"got shares={shares}, labels={labels}"
        )
    v = _value_column(summary, value)
    n = len(v)
    order = np.argsort(-v, kind="stable")
    bounds = np.round(np.cumsum(shares) * n).astype(np.int64)
    tier_sorted = np.searchsorted(bounds, np.arange(n), side="right")
    tier = np.empty(n, dtype=np.int64)
    tier[order] = tier_sorted
    out = pd.DataFrame(
        {"value": v, "tier": pd.Categorical.from_codes(tier, categories=list(labels), ordered=True)},
        index=summary.index,
    )
    agg = out.groupby("tier", observed=False).agg(customers=("value", "size"), value=("value", "sum"))
    agg["share_of_value"] = agg["value"] / v.sum() if v.sum() else np.nan
    out.attrs["tiers"] = agg
    return out


@dataclass
class Concentration:
    """Concentration of a non-negative quantity across customers.

    Attributes
    ----------
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
        cum = np.concatenate([[0.0], np.cumsum(self.values)]) / self.total
        return pd.DataFrame({"customers_share": np.arange(self.n + 1) / self.n, "value_share": cum})

    def top_share(self, fraction: float = 0.2) -> float:
        """Share of the total held by the top ``fraction`` of customers (rounded to whole customers)."""
        if not 0 < fraction <= 1:
            raise ParameterError(f"fraction must be in (0, 1], got {fraction}")
        k = max(round(fraction * self.n), 1)
        return float(self.values[::-1][:k].sum() / self.total)

    def summary(self) -> str:
        """One sentence for reports."""
        return (
            f"Gini {self.gini:.3f}; the top 20% of customers hold {self.top_share(0.2):.1%} "
            f"of the total, the top 1% {self.top_share(0.01):.1%}."
        )

    def plot(self, ax=None):
        """Lorenz curve with the line of equality; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4.5, 4.5))
        curve = self.lorenz()
        ax.plot(curve["customers_share"], curve["value_share"], color="#3b6ea8", label="Lorenz curve")
        ax.plot([0, 1], [0, 1], "k:", label="equality")
        ax.set_xlabel("share of customers (smallest first)")
        ax.set_ylabel("share of value")
        ax.set_title(f"Concentration (Gini {self.gini:.2f})")
        ax.legend(loc="upper left")
        return ax


def concentration(values) -> Concentration:
    """Lorenz curve, Gini coefficient and top shares of a non-negative quantity.

    Parameters
    ----------
    values : array-like or pandas.Series
        One value per customer (e.g. ``summary["monetary"]``); must be non-negative with a
        positive total.

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
    v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype="float64")
    bad = ~np.isfinite(v) | (v < 0)
    if bad.any():
        raise bad_rows_error(
            "values",
            "missing, non-numeric or negative values",
            pd.Series(v)[bad],
            int(bad.sum()),
            "concentration needs non-negative amounts: use gross spend or clip returns",
        )
    if v.size == 0 or v.sum() <= 0:
        raise DataError("concentration needs at least one customer and a positive total")
    s = np.sort(v)
    n = s.size
    gini = float((2.0 * np.arange(1, n + 1) - n - 1).dot(s) / (n * s.sum()))
    return Concentration(values=s, gini=gini, n=n, total=float(s.sum()))
