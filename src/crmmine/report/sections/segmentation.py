"""The segmentation section of the HTML report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from crmmine.report._html import ReportContext, Section, figure_html, paragraph, table_html
from crmmine.segmentation.abc import abc_tiers, concentration, tier_summary
from crmmine.segmentation.clustering import cluster_customers
from crmmine.segmentation.lifecycle import lifecycle_stages
from crmmine.segmentation.rfm import rfm_scores
from crmmine.segmentation.segments import rfm_segments

__all__ = ["report_section"]


def report_section(ctx: ReportContext) -> Section:
    """Build the "Segmentation" section: RFM segments, ABC tiers with the Lorenz curve,
    lifecycle stages and k-means clusters. Stores ``ctx.cache["rfm_segments"]``.

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.report._html import ReportContext
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> as_of = tx["date"].max().normalize()
    >>> summary = cm.customer_summary(tx, as_of=as_of, time_unit="W")
    >>> ctx = ReportContext(transactions=tx, summary=summary, as_of=as_of)
    >>> report_section(ctx).n_figures, len(ctx.cache["rfm_segments"]) == len(summary)
    (2, True)

    References
    ----------
    Chen, D., Sain, S. L. and Guo, K. (2012). Data mining for the online retail industry: a case
    study of RFM model-based customer segmentation using data mining. *Journal of Database
    Marketing & Customer Strategy Management* 19(3), 197-208.
    """
    summary = ctx.summary
    scores = rfm_scores(summary)
    segments = rfm_segments(scores, "rf_grid")
    ctx.cache["rfm_scores"] = scores
    ctx.cache["rfm_segments"] = segments
    seg_table = summary.groupby(segments).agg(
        customers=("monetary", "size"),
        revenue=("monetary", "sum"),
        mean_orders=("orders", "mean"),
        mean_days_since_last=("since_last", "mean"),
    )
    seg_table["share_of_revenue"] = seg_table["revenue"] / seg_table["revenue"].sum()
    seg_table = seg_table.sort_values("revenue", ascending=False)

    tiers = abc_tiers(summary)
    conc = concentration(summary["monetary"].clip(lower=0))
    stages = lifecycle_stages(ctx.transactions, as_of=pd.Timestamp(ctx.as_of))
    stage_counts = stages["stage"].value_counts().reindex(stages["stage"].cat.categories).rename("customers")
    clusters = cluster_customers(
        summary, n_clusters="auto", n_clusters_range=range(2, 7), n_seeds=3, random_state=ctx.random_state
    )
    ctx.cache["clusters"] = clusters

    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    axes[0].barh(seg_table.index[::-1], seg_table["customers"].to_numpy()[::-1], color="#3b6ea8")
    axes[0].set_xlabel("customers")
    axes[0].set_title("RFM segments (R x F grid)")
    conc.plot(ax=axes[1])
    axes[2].bar(stage_counts.index.astype(str), stage_counts.to_numpy(), color="#7a9e3b")
    axes[2].set_title("Lifecycle stages")
    axes[2].tick_params(axis="x", rotation=30)
    fig.tight_layout()
    fig2, ax2 = plt.subplots(figsize=(5, 3.5))
    clusters.plot(ax=ax2)
    fig2.tight_layout()

    html = (
        paragraph(
            f"RFM scores on a 1-5 scale (rank-based, equal groups; recency = time since the "
            f"last purchase, frequency = orders, monetary = total spend). {conc.sentence()}"
        )
        + figure_html(fig, alt="segments, Lorenz curve and lifecycle")
        + "<h3>RFM segments</h3>"
        + table_html(seg_table)
        + "<h3>ABC tiers (80% / 95% of revenue)</h3>"
        + table_html(tier_summary(tiers))
        + "<h3>Lifecycle stages</h3>"
        + table_html(stage_counts.to_frame())
        + f"<h3>Clusters (k-means on log, standardised R, F, M; {clusters.n_clusters} clusters "
        "by silhouette)</h3>"
        + table_html(clusters.profile)
        + figure_html(fig2, alt="choice of k")
    )
    return Section("Segmentation", html, n_figures=2)
