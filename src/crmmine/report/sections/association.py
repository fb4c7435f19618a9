"""The cross-selling section of the HTML report: top rules, a rules scatter, top recommendations."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from crmmine.association.frequent import FrequentItemsets
from crmmine.association.itemsets import frequent_itemsets
from crmmine.association.recommend import recommend
from crmmine.association.rules import association_rules
from crmmine.report._html import ReportContext, Section, figure_html, paragraph, table_html

__all__ = ["report_section"]


def _fmt(items: frozenset) -> str:
    return ", ".join(sorted(map(str, items)))


def _mine(tx: pd.DataFrame) -> tuple[FrequentItemsets | pd.DataFrame, pd.DataFrame, float]:
    """Order-level rules, lowering the support until there are enough to show."""
    n_orders = tx["order_id"].nunique()
    rules = pd.DataFrame()
    itemsets = pd.DataFrame()
    support = 0.02
    for support in (0.02, 0.01, 0.005):
        min_count = max(5, int(np.ceil(support * n_orders)))
        itemsets = frequent_itemsets(tx, min_count=min_count, max_len=4)
        rules = association_rules(itemsets, min_confidence=0.3, prune_redundant=True).to_frame()
        if len(rules) >= 20:
            break
    return itemsets, rules, support


def report_section(ctx: ReportContext) -> Section:
    """Build the "Cross-selling" section from ``ctx.transactions``.

    Mines order-level rules (single-item consequents, redundant rules
    pruned), plots them by support and confidence coloured by lift, and
    lists the top recommendation of the most valuable customers. Rules and
    recommendations are stored in ``ctx.cache["association_rules"]`` and
    ``ctx.cache["recommendations"]``.

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.report._html import ReportContext
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ctx = ReportContext(transactions=tx, summary=None, as_of=tx["date"].max())
    >>> section = report_section(ctx)
    >>> section.n_figures
    1

    References
    ----------
    Agrawal, R., Srikant, R. (1994). Fast algorithms for mining association
    rules. Proc. 20th VLDB, 487-499. Hahsler, M., Chelluboina, S. (2011).
    Visualizing association rules: introduction to the R-extension package
    arulesViz.
    """
    tx = ctx.transactions
    if "item" not in tx.columns or "order_id" not in tx.columns:
        return Section(title="Cross-selling",
                       html=paragraph("No item column in the transactions: cross-selling analysis skipped."))
    itemsets, rules, support = _mine(tx)
    ctx.cache["association_rules"] = rules
    parts = [paragraph(
        f"{tx['order_id'].nunique():,} orders and {tx['item'].nunique():,} items; "
        f"{len(itemsets):,} frequent itemsets at minimum support {support:.1%} of orders and "
        f"{len(rules):,} non-redundant rules with confidence of at least 30% "
        "(Agrawal & Srikant 1994; redundancy as in R arules)."
    )]
    if len(rules) == 0:
        parts.append(paragraph("No rule reached the thresholds."))
        return Section(title="Cross-selling", html="".join(parts))
    names = {}
    if "Description" in tx.columns:
        names = tx.drop_duplicates("item").set_index("item")["Description"].to_dict()

    def label(items: frozenset) -> str:
        return "; ".join(f"{x} {names[x]}" if x in names else str(x) for x in sorted(items, key=str))

    top = rules.head(10)
    shown = pd.DataFrame({
        "if bought": top["antecedent"].map(label),
        "then": top["consequent"].map(label),
        "orders": top["support_count"],
        "confidence": top["confidence"].round(3),
        "lift": top["lift"].round(2),
        "p (Holm)": top["p_adjusted"].map(lambda p: f"{p:.1e}"),
    })
    parts.append("<h3>Top rules by lift</h3>" + table_html(shown))

    fig, ax = plt.subplots(figsize=(6, 4))
    pts = ax.scatter(rules["support"], rules["confidence"], c=np.log2(rules["lift"]), cmap="viridis",
                     s=12 + 4 * rules["antecedent"].map(len))
    ax.set_xscale("log")
    ax.set_xlabel("support (share of orders)")
    ax.set_ylabel("confidence")
    ax.set_title("Association rules")
    fig.colorbar(pts, ax=ax, label="log2 lift")
    parts.append(figure_html(fig, alt="association rules: support against confidence, coloured by lift"))

    recs = recommend(rules, tx, top_n=3, fallback=None)
    ctx.cache["recommendations"] = recs
    if len(recs):
        spend = tx.groupby("customer_id")["amount"].sum() if "amount" in tx.columns else None
        first = recs[recs["rank"] == 1].copy()
        if spend is not None:
            first["spend"] = first["customer_id"].map(spend)
            first = first.sort_values("spend", ascending=False)
        table = pd.DataFrame({
            "customer": first["customer_id"].astype(str),
            "offer": first["item"].map(lambda x: label(frozenset([x]))),
            "why": first["explanation"],
        }).head(10).reset_index(drop=True)
        parts.append("<h3>Next best offer for the top customers</h3>" + table_html(table))
        parts.append(paragraph(f"{recs['customer_id'].nunique():,} customers have at least one rule-based "
                               "offer."))
    return Section(title="Cross-selling", html="".join(parts), n_figures=1)

