"""Segmentation plots, each returning the matplotlib Axes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns

__all__ = ["plot_cluster_profiles", "plot_pareto", "plot_rf_heatmap", "plot_segments"]


def _axes(ax, size=(6, 4)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_rf_heatmap(scores: pd.DataFrame, summary: pd.DataFrame, *, value: str = "monetary", ax=None):
    """R x F grid of customers, each cell coloured by the mean of ``value`` (M) and labelled with its count.

    Parameters
    ----------
    scores : pandas.DataFrame
        Output of ``rfm_scores``.
    summary : pandas.DataFrame
        The customer summary (matched on the index).
    value : str, default "monetary"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.segmentation import rfm_scores
    >>> s = pd.DataFrame({"since_last": [1, 5, 9, 30, 60], "orders": [9, 4, 3, 2, 1],
    ...                   "monetary": [900.0, 300, 150, 40, 10]})
    >>> type(plot_rf_heatmap(rfm_scores(s), s)).__name__
    'Axes'
    """
    require_columns(scores.columns, ["R", "F"], role="RFM scores")
    ax = _axes(ax)
    frame = pd.DataFrame({"R": scores["R"], "F": scores["F"], "v": summary[value].reindex(scores.index)})
    bins = int(max(frame["R"].max(), frame["F"].max()))
    grid = frame.pivot_table(index="F", columns="R", values="v", aggfunc="mean").reindex(
        index=range(1, bins + 1), columns=range(1, bins + 1)
    )
    counts = (
        frame.pivot_table(index="F", columns="R", values="v", aggfunc="size")
        .reindex(index=range(1, bins + 1), columns=range(1, bins + 1))
        .fillna(0)
    )
    image = ax.imshow(
        grid.to_numpy(dtype=float), origin="lower", cmap="viridis", extent=(0.5, bins + 0.5, 0.5, bins + 0.5)
    )
    for (i, j), n in np.ndenumerate(counts.to_numpy()):
        ax.text(j + 1, i + 1, f"{int(n):,}", ha="center", va="center", color="white", fontsize=8)
    ax.figure.colorbar(image, ax=ax, label=f"mean {value}")
    ax.set_xlabel("R score (recent = high)")
    ax.set_ylabel("F score")
    ax.set_title("R x F grid, colour = mean M")
    return ax


def plot_segments(segments: pd.Series, summary: pd.DataFrame, *, value: str = "monetary", ax=None):
    """Share of customers and share of revenue per segment, side by side.

    Parameters
    ----------
    segments : pandas.Series
        Output of ``rfm_segments`` (or any labels indexed by customer).
    summary : pandas.DataFrame
    value : str, default "monetary"
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (7, 4))
    frame = pd.DataFrame({"segment": segments, "v": summary[value].reindex(segments.index)})
    agg = frame.groupby("segment").agg(customers=("v", "size"), revenue=("v", "sum"))
    agg = agg / agg.sum()
    agg = agg.sort_values("revenue")
    y = np.arange(len(agg))
    ax.barh(y - 0.2, agg["customers"], height=0.4, label="share of customers", color="#3b6ea8")
    ax.barh(y + 0.2, agg["revenue"], height=0.4, label="share of revenue", color="#7a9e3b")
    ax.set_yticks(y, agg.index)
    ax.set_xlabel("share")
    ax.legend()
    ax.set_title("Segments: customers and revenue")
    return ax


def plot_pareto(values, ax=None):
    """Pareto curve: cumulative share of value against the share of customers, largest first.

    Parameters
    ----------
    values : array-like
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (5, 4))
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    cum = np.cumsum(np.clip(v, 0, None)) / np.clip(v, 0, None).sum()
    x = np.arange(1, v.size + 1) / v.size
    ax.plot(x, cum, color="#3b6ea8")
    for share in (0.8, 0.95):
        ax.axhline(share, color="grey", linestyle=":")
    ax.set_xlabel("share of customers (largest first)")
    ax.set_ylabel("cumulative share of value")
    ax.set_title("Pareto curve")
    return ax


def plot_cluster_profiles(result, ax=None):
    """Standardised feature medians per cluster (a heat map of the profile table).

    Parameters
    ----------
    result : ClusterResult
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax, (6, 3.5))
    prof = result.profile[list(result.features)]
    z = (prof - prof.mean()) / prof.std(ddof=0).replace(0, 1)
    image = ax.imshow(z.to_numpy(dtype=float), cmap="RdBu_r", aspect="auto", vmin=-2, vmax=2)
    ax.set_xticks(range(len(prof.columns)), prof.columns)
    ax.set_yticks(
        range(len(prof)), [f"{i}: {n}" for i, n in zip(prof.index, result.profile["name"], strict=True)]
    )
    ax.figure.colorbar(image, ax=ax, label="standardised median")
    ax.set_title("Cluster profiles")
    return ax
