"""The segmentation section: RFM segments, ABC tiers and concentration, lifecycle stages with
their recommended actions, and clusters."""

from __future__ import annotations

import pandas as pd

from crmmine._html import figure_html, paragraph
from crmmine._i18n import translate
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import show_table, t, unit_words
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading, sample_note
from crmmine.segmentation import (
    abc_tiers,
    assign_actions,
    cluster_customers,
    concentration,
    lifecycle_stages,
    rfm_scores,
    rfm_segments,
    stage_actions,
    tier_summary,
)

__all__ = ["report_section", "segment_table", "stage_table"]


def segment_table(ctx: ReportContext, segments: pd.Series) -> pd.DataFrame:
    """Customers, revenue and habits per segment; the time since the last purchase is in the
    summary's time unit and its column says which (``mean_weeks_since_last`` for ``"W"``).

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.report import ReportSettings
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ctx = ReportContext.from_transactions(tx, settings=ReportSettings(time_unit="W"))
    >>> seg = rfm_segments(rfm_scores(ctx.summary))
    >>> list(segment_table(ctx, seg).columns)[-1]
    'mean_weeks_since_last'
    """
    summary = ctx.summary
    unit = unit_words(ctx.settings.time_unit, "en").replace(" ", "_").replace("-", "_")
    table = summary.groupby(segments, observed=True).agg(
        customers=("monetary", "size"),
        revenue=("monetary", "sum"),
        mean_orders=("orders", "mean"),
        **{f"mean_{unit}_since_last": ("since_last", "mean")},
    )
    table.insert(2, "share_of_revenue", table["revenue"] / table["revenue"].sum())
    table.index.name = "segment"
    return table.sort_values("revenue", ascending=False)


def stage_table(stages: pd.DataFrame, preset: str, locale: str) -> pd.DataFrame:
    """Customers per lifecycle stage with the recommended action and goal (in ``locale``).

    Uses :func:`crmmine.segmentation.assign_actions` on the English stage codes and shows the
    actions of :func:`crmmine.segmentation.stage_actions` in the page's language.
    """
    actions_en = stage_actions(preset, "en")
    per_customer = assign_actions(stages, actions_en)
    counts = per_customer.groupby("stage", observed=False).size().rename("customers")
    shown = stage_actions(preset, locale)
    table = pd.DataFrame({"customers": counts})
    table["share_of_customers"] = table["customers"] / max(len(stages), 1)
    table = table.join(shown[["action", "goal"]], how="left")
    table.index.name = "stage"
    return table


def report_section(ctx: ReportContext) -> Section:
    """Build the "Segmentation" section.

    RFM scores and segments (``settings.rfm_preset``) with revenue per segment, ABC tiers and
    the Lorenz curve, lifecycle stages (``settings.lifecycle_preset``; ``"texts5"`` is the CRM
    texts' five stages: prospect, development, growth, maturity, termination) with the
    recommended action per stage, and k-means clusters. Fills ``ctx.rfm_scores``,
    ``ctx.rfm_segments`` and ``ctx.lifecycle``.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ctx = ReportContext.from_transactions(tx)
    >>> section = report_section(ctx)
    >>> section.n_figures, len(ctx.rfm_segments) == len(ctx.summary), "win-back" in section.html
    (2, True, True)

    References
    ----------
    Chen, D., Sain, S. L. and Guo, K. (2012). Data mining for the online retail industry: a case
    study of RFM model-based customer segmentation using data mining. *Journal of Database
    Marketing & Customer Strategy Management* 19(3), 197-208.
    Kotler, P. and Keller, K. L. (2016). *Marketing Management*, 15th ed., ch. 5 (customer
    lifecycle and the actions of each stage).
    """
    import matplotlib.pyplot as plt

    loc = ctx.locale
    fl = figure_locale(loc)
    settings = ctx.settings
    summary = ctx.summary
    scores = rfm_scores(summary)
    segments = rfm_segments(scores, settings.rfm_preset)
    ctx.rfm_scores, ctx.rfm_segments = scores, segments
    seg_table = segment_table(ctx, segments)

    tiers = abc_tiers(summary)
    conc = concentration(summary["monetary"].clip(lower=0))
    stages = lifecycle_stages(ctx.transactions, as_of=ctx.as_of, preset=settings.lifecycle_preset)
    ctx.lifecycle = stages
    stages_shown = stage_table(stages, settings.lifecycle_preset, loc)
    clusters = cluster_customers(summary, n_clusters="auto", n_clusters_range=range(2, 7), n_seeds=3,
                                 random_state=settings.random_state, locale=loc)

    with figure_style(fl):
        fig, axes = plt.subplots(1, 3, figsize=(14, 4))
        names = [translate(s, fl) for s in seg_table.index[::-1]]
        axes[0].barh(names, seg_table["customers"].to_numpy()[::-1], color="#3b6ea8")
        axes[0].set_xlabel(t("customers", fl))
        axes[0].set_title(t("RFM segments", fl))
        conc.plot(ax=axes[1])
        stage_names = [translate(s, fl) for s in stages_shown.index.astype(str)]
        axes[2].bar(stage_names, stages_shown["customers"].to_numpy(), color="#7a9e3b")
        axes[2].set_title(t("Lifecycle stages", fl))
        axes[2].tick_params(axis="x", rotation=30)
        fig.tight_layout()
        fig2, ax2 = plt.subplots(figsize=(5, 3.5))
        clusters.plot(ax=ax2)
        fig2.tight_layout()

    unit = unit_words(settings.time_unit, loc)
    text = t(
        "RFM scores on a 1-5 scale (equal groups by rank; recency = time since the last purchase in "
        "{unit}, frequency = orders, monetary = total spend), segments from the {preset!r} table. The top "
        "20% of customers bring {top20:.1%} of revenue and the top 1% {top1:.1%} (Gini {gini:.3f}).", loc,
        unit=unit, preset=settings.rfm_preset, top20=conc.top_share(0.2), top1=conc.top_share(0.01),
        gini=conc.gini)
    detail = ""
    if "detail_stage" in stages.columns:
        mapping = stages.groupby(["stage", "detail_stage"], observed=True).size().rename("customers")
        mapping = mapping.reset_index().set_index("stage")
        detail = heading(t("How the stages are assigned", loc)) + show_table(
            mapping, loc, labels=("detail_stage",), index_labels=True)
    html = (
        sample_note(ctx)
        + paragraph(text)
        + figure_html(fig, alt=t("segments, Lorenz curve and lifecycle", loc))
        + heading(t("RFM segments", loc))
        + show_table(seg_table, loc, index_labels=True)
        + heading(t("ABC tiers (80% / 95% of revenue)", loc))
        + show_table(tier_summary(tiers), loc, index_labels=True)
        + heading(t("Lifecycle stages and the recommended action", loc))
        + paragraph(t(
            "Stages from each customer's purchase days up to {as_of} (preset {preset!r}); the action per "
            "stage follows the CRM texts (advertising for prospects, cross-selling through partners in "
            "development, points membership in growth, one-to-one service in maturity, win-back in "
            "termination). Edit the table with crmmine.segmentation.stage_actions() and "
            "assign_actions().", loc, as_of=ctx.as_of.date(), preset=settings.lifecycle_preset))
        + show_table(stages_shown, loc, index_labels=True)
        + detail
        + heading(t("Clusters (k-means on log, standardised R, F, M; {k} clusters by silhouette)", loc,
                    k=clusters.n_clusters))
        + show_table(clusters.profile, loc)
        + figure_html(fig2, alt=t("choice of the number of clusters", loc))
    )
    return Section(t("Segmentation", loc), html, n_figures=2, key="segmentation")
