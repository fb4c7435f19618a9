"""The fraud-and-anomalies section: unusually large orders and customers, one-sided."""

from __future__ import annotations

import numpy as np

from crmmine._html import figure_html, paragraph
from crmmine.anomaly import customer_anomalies, transaction_anomalies
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import show_table, t
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading, sample_note

__all__ = ["report_section"]


def report_section(ctx: ReportContext) -> Section:
    """Build the "Fraud and anomalies" section.

    Suspicion is one-sided: orders are listed for being unusually *large* (against every
    customer's orders and against the customer's own; :func:`crmmine.anomaly.transaction_anomalies`,
    with the same-day cancellations the cleaning set apart), customers for unusually *many* orders
    or *high* spend (:func:`crmmine.anomaly.customer_anomalies`); nobody is listed for being
    recent, new or small. ``settings.top_n`` of each.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> section = report_section(ReportContext.from_transactions(tx))
    >>> section.n_figures, "since_last" in section.html
    (1, False)

    References
    ----------
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical Science*
    17(3), 235-255. Liu, F. T., Ting, K. M. and Zhou, Z.-H. (2008). Isolation forest. *Proc. ICDM*.
    """
    import matplotlib.pyplot as plt

    loc = ctx.locale
    fl = figure_locale(loc)
    settings = ctx.settings
    tx = ctx.transactions
    top_n = settings.top_n
    parts = [sample_note(ctx), paragraph(t(
        "Scores follow one convention: higher is more unusual, and only in the risky direction. Orders "
        "are listed for being unusually large against the median order of all customers or against the "
        "customer's own median order; customers for unusually many orders or high spend. Nobody is listed "
        "for being recent, new or small. These are leads for inspection, not verdicts.", loc))]
    with figure_style(fl):
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
        if "quantity" in tx.columns:
            cancelled = ctx.returns if ctx.returns is not None and len(ctx.returns) else None
            orders = transaction_anomalies(tx, top_n=top_n, cancellations=cancelled)
            cols = ["customer_id", "date", "quantity", "amount", "score", "cancelled_same_day", "reasons"]
            parts.append(heading(t("Unusual orders (top {n})", loc, n=top_n))
                         + show_table(orders.loc[orders["flag"], cols], loc, max_rows=top_n))
            positive = orders["score"][orders["score"] > 0]
            axes[0].hist(np.log10(positive), bins=40, color="#c0392b")
            axes[0].set_xlabel(t("order score (largest upper robust z, log10; orders above the median)", fl))
            axes[0].set_ylabel(t("orders", fl))
            axes[0].set_title(t("Orders", fl))
        else:
            axes[0].set_axis_off()
        scored = customer_anomalies(ctx.summary, top_n=top_n, random_state=settings.random_state)
        flagged = scored[scored["flag"]].sort_values("rank")
        flagged = flagged.assign(orders=ctx.summary["orders"].reindex(flagged.index))
        cols = ["orders", "monetary", "monetary_mean", "score", "rank", "reasons"]
        parts.append(
            heading(t("Unusual customers (top {n}; ensemble of robust z, isolation forest and LOF on orders, "
                      "spend and spend per order, high side only)", loc, n=top_n))
            + show_table(flagged[cols], loc, max_rows=top_n)
        )
        axes[1].hist(scored["score"], bins=40, color="#3b6ea8")
        axes[1].set_xlabel(t("customer score (mean percentile rank)", fl))
        axes[1].set_title(t("Customers", fl))
        fig.tight_layout()
    html = parts[0] + parts[1] + figure_html(fig, alt=t("anomaly scores", loc)) + "".join(parts[2:])
    return Section(t("Fraud and anomalies", loc), html, n_figures=1, key="anomaly")
