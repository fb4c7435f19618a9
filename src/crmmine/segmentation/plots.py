"""Segmentation plots, each returning the matplotlib Axes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import DataError

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
        Output of :func:`rfm_scores` (columns ``R`` and ``F``, indexed by customer id).
    summary : pandas.DataFrame
        The customer summary (matched on the index).
    value : str, default "monetary"
        The column of ``summary`` averaged in each cell (the colour).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The grid: R score on x (recent = high), F score on y, one cell per score pair
        labelled with its number of customers, and a colour bar of the mean ``value``.

    See Also
    --------
    rfm_scores : the scores plotted.
    plot_segments : customers and revenue per named segment.
    SegmentTable.plot : the segment rules drawn on the same R x F grid.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.segmentation import rfm_scores
    >>> s = pd.DataFrame({"since_last": [1, 5, 9, 30, 60], "orders": [9, 4, 3, 2, 1],
    ...                   "monetary": [900.0, 300, 150, 40, 10]})
    >>> ax = plot_rf_heatmap(rfm_scores(s), s)
    >>> type(ax).__name__, ax.get_xlabel()
    ('Axes', 'R score (recent = high)')
    """
    require_columns(scores.columns, ["R", "F"], role="RFM scores")
    require_columns(summary.columns, [value], role="customer summary", parameters={value: "value"})
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
        Output of :func:`rfm_segments` (or any labels indexed by customer).
    summary : pandas.DataFrame
        The customer summary, matched to ``segments`` on the index.
    value : str, default "monetary"
        The column of ``summary`` whose share per segment is drawn as revenue.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        Two horizontal bars per segment (share of customers, share of revenue), segments
        sorted by their share of revenue, largest at the top.

    See Also
    --------
    rfm_segments : the segments to plot.
    customer_profile : the same shares as a table.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.segmentation import rfm_scores, rfm_segments
    >>> s = pd.DataFrame({"since_last": [1, 5, 9, 30, 60], "orders": [9, 4, 3, 2, 1],
    ...                   "monetary": [900.0, 300, 150, 40, 10]})
    >>> ax = plot_segments(rfm_segments(rfm_scores(s)), s)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Hibernating', 'Need attention', 'Loyal customers', 'Champions']
    """
    require_columns(summary.columns, [value], role="customer summary", parameters={value: "value"})
    unknown = segments.index.difference(summary.index)
    if len(unknown):
        raise DataError(
            f"{len(unknown):,} customers of the segments are not in the summary (e.g. "
            f"{unknown[:5].tolist()}): their revenue is unknown, so the shares would be wrong. "
            "Fix: segment the same summary you plot (rfm_segments(rfm_scores(summary)))."
        )
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
        One value per customer (e.g. ``summary["monetary"]``); negative values count as 0.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        The curve, one point per customer, with dotted lines at 80% and 95% of the total
        (the default cuts of :func:`abc_tiers`).

    See Also
    --------
    abc_tiers : tiers customers at the 80% and 95% lines.
    concentration : the Lorenz curve and Gini coefficient of the same values.

    Examples
    --------
    The largest of five customers holds 64% of the total:

    >>> ax = plot_pareto([900.0, 300, 150, 40, 10])
    >>> x, y = ax.get_lines()[0].get_data()
    >>> float(x[0]), round(float(y[0]), 3)
    (0.2, 0.643)
    """
    try:
        v = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise DataError("plot_pareto: values must be numbers, one per customer (e.g. summary['monetary']). "
                        "Fix: pass a numeric column.") from None
    if v.ndim != 1 or not np.isfinite(v).all() or v.size == 0 or np.clip(v, 0, None).sum() <= 0:
        raise DataError("plot_pareto: values must be a non-empty list of finite numbers with a positive "
                        f"total ({int((~np.isfinite(v)).sum()) if v.ndim == 1 else 'not one-dimensional'} "
                        "missing or infinite). Fix: fill or drop those customers first.")
    ax = _axes(ax, (5, 4))
    v = np.sort(v)[::-1]
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
        Output of :func:`cluster_customers` or :func:`cluster_mixed` (its numeric features
        are drawn).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    matplotlib.axes.Axes
        One row per cluster (labelled with its number and name), one column per numeric
        feature, coloured by the cluster's median standardised across clusters (blue below,
        red above, clipped at two standard deviations).

    See Also
    --------
    ClusterResult : the profile drawn.
    cluster_customers : clusters on numeric features.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.segmentation import cluster_customers
    >>> s = pd.DataFrame({"since_last": [2, 3, 5, 4, 60, 80, 75, 90],
    ...                   "frequency": [9, 7, 8, 6, 1, 0, 1, 0],
    ...                   "monetary": [800.0, 650, 720, 590, 40, 25, 30, 15]})
    >>> ax = plot_cluster_profiles(cluster_customers(s, n_clusters=2, n_seeds=1))
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['0: recent frequent high-spend', '1: lapsed occasional low-spend']
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
