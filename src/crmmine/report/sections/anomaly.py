"""The fraud-and-anomalies section of the HTML report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from crmmine.anomaly.detectors import outlier_scores, reasons
from crmmine.anomaly.transactions import transaction_anomalies
from crmmine.report._html import ReportContext, Section, figure_html, paragraph, table_html

__all__ = ["report_section"]


def report_section(ctx: ReportContext) -> Section:
    """Build the "Fraud and anomalies" section: unusual orders (against everyone and against the
    customer's own orders) and unusual customers (ensemble of robust z, isolation forest and LOF on
    the summary), each as an inspection list with reasons.

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.report._html import ReportContext
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> summary = cm.customer_summary(tx, as_of=tx["date"].max().normalize(), time_unit="W")
    >>> report_section(ReportContext(transactions=tx, summary=summary, as_of=tx["date"].max())).n_figures
    1

    References
    ----------
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical Science*
    17(3), 235-255. Liu, F. T., Ting, K. M. and Zhou, Z.-H. (2008). Isolation forest. *Proc. ICDM*.
    """
    tx = ctx.transactions
    quantity = "quantity" if "quantity" in tx.columns else None
    parts = []
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.6))
    if quantity:
        orders = transaction_anomalies(tx, top_n=15)
        ctx.cache["transaction_anomalies"] = orders
        cols = ["customer_id", "date", "quantity", "amount", "score", "reasons"]
        parts.append("<h3>Unusual orders (top 15)</h3>" + table_html(orders.loc[orders["flag"], cols]))
        axes[0].hist(np.log10(orders["score"].clip(lower=1e-3)), bins=40, color="#c0392b")
        axes[0].set_xlabel("order score (largest robust z, log10)")
        axes[0].set_ylabel("orders")
        axes[0].set_title("Orders")
    summary = ctx.summary
    feats = summary[["orders", "monetary", "monetary_mean", "since_last"]].astype(float)
    feats = np.log1p(feats.clip(lower=0))
    scored = outlier_scores(feats, "ensemble", top_n=15, random_state=ctx.random_state)
    flagged = scored.index[scored["flag"]]
    why = reasons(
        summary[["orders", "monetary", "monetary_mean", "since_last"]].astype(float), flagged, top_n=2
    )
    table = scored.loc[flagged, ["score", "rank"]].join(summary[["orders", "monetary"]]).assign(reasons=why)
    parts.append(
        "<h3>Unusual customers (top 15, ensemble of robust z, isolation forest and LOF)</h3>"
        + table_html(table.sort_values("rank"))
    )
    axes[1].hist(scored["score"], bins=40, color="#3b6ea8")
    axes[1].set_xlabel("customer score (mean percentile rank)")
    axes[1].set_title("Customers")
    fig.tight_layout()
    text = (
        "Scores follow one convention: higher is more unusual. Orders are compared with the median "
        "order of all customers and with the customer's own median order; the lists show why each "
        "entry stands out. These are leads for inspection, not verdicts."
    )
    return Section(
        "Fraud and anomalies",
        paragraph(text) + figure_html(fig, alt="anomaly scores") + "".join(parts),
        n_figures=1,
    )
