"""The cross-selling section: association rules, next best offers, sequential rules with the time
to the next purchase, and up-sell targets."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pandas as pd

from crmmine._html import figure_html, paragraph
from crmmine.association import (
    UpsellModel,
    association_rules,
    evaluate_upsell,
    frequent_itemsets,
    online_retail_category,
    product_catalog,
    recommend,
    sequential_pattern_rules,
    sequential_patterns,
)
from crmmine.errors import CRMMineError
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import show_table, t
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading, note, sample_note

__all__ = ["mine_rules", "mine_sequences", "report_section", "upsell_part"]

#: Minimum supports tried, highest first, until at least ``top_n`` rules come out.
RULE_SUPPORTS = (0.02, 0.01, 0.005)
SEQUENCE_SUPPORTS = (0.05, 0.03, 0.02)


def mine_rules(tx: pd.DataFrame, top_n: int) -> tuple[Any, pd.DataFrame, float]:
    """Order-level rules (confidence >= 0.3, redundant rules pruned), lowering the minimum support
    through :data:`RULE_SUPPORTS` until there are at least ``top_n`` rules."""
    n_orders = tx["order_id"].nunique()
    itemsets, rules, support = None, pd.DataFrame(), RULE_SUPPORTS[0]
    for support in RULE_SUPPORTS:
        min_count = max(5, int(np.ceil(support * n_orders)))
        itemsets = frequent_itemsets(tx, min_count=min_count, max_len=4)
        rules = association_rules(itemsets, min_confidence=0.3, prune_redundant=True).to_frame()
        if len(rules) >= top_n:
            break
    return itemsets, rules, support


def mine_sequences(tx: pd.DataFrame, within: Any, top_n: int) -> tuple[Any, float]:
    """Sequential rules "A, then B -> C within ``within``" (patterns of up to three items, confidence
    >= 0.1), lowering the minimum support (share of customers) through :data:`SEQUENCE_SUPPORTS`
    until at least ``top_n`` rules come out."""
    rules, support = None, SEQUENCE_SUPPORTS[0]
    for support in SEQUENCE_SUPPORTS:
        patterns = sequential_patterns(tx, min_support=support, max_len=3)
        rules = sequential_pattern_rules(patterns, within=within, min_confidence=0.1)
        if len(rules.to_frame()) >= top_n:
            break
    return rules, support


def _labeller(tx: pd.DataFrame):
    names: dict[Any, str] = {}
    if "Description" in tx.columns:
        names = tx.drop_duplicates("item").set_index("item")["Description"].to_dict()

    def label(items: Any) -> str:
        items = [items] if not isinstance(items, frozenset | set | list | tuple) else items
        return "; ".join(f"{x} {names[x]}" if x in names else str(x) for x in sorted(items, key=str))

    return label


def _elements(label, elements: tuple) -> str:
    """A sequence of itemsets as text: "A; B, then C"."""
    return ", then ".join(label(element) for element in elements)


def _category(ctx: ReportContext) -> tuple[Any, str] | None:
    if ctx.category is not None:
        return ctx.category, ctx.category
    if "Description" in ctx.transactions.columns:
        return online_retail_category, t("product type named in the description (online_retail_category)",
                                         ctx.locale)
    return None


def upsell_part(ctx: ReportContext) -> str:
    """Up-sell targets: the customers most worth moving to a dearer product of a category they buy.

    The catalog's categories come from ``ctx.category`` (a column of the transactions) or, for
    Online Retail-like data with a ``Description`` column, from
    :func:`crmmine.association.online_retail_category`. :class:`crmmine.association.UpsellModel` is
    trained at ``as_of - offer_horizon`` on the moves up in the following ``offer_horizon``, then
    makes one offer per customer at ``as_of``, ranked by expected margin gain. When the log is long
    enough, the same model is first checked out of sample one period earlier
    (:func:`crmmine.association.evaluate_upsell`).
    """
    loc = ctx.locale
    settings = ctx.settings
    tx = ctx.transactions
    source = _category(ctx)
    if source is None:
        return heading(t("Up-sell targets", loc)) + note(t(
            "Up-sell targets need a product category: pass category= (--category COLUMN) naming a column of "
            "the transactions.", loc))
    category, how = source
    days = settings.days("offer_horizon")
    horizon = pd.Timedelta(days=days)
    train_as_of = ctx.as_of - horizon
    first = pd.Timestamp(tx["date"].min()).normalize()
    if train_as_of - first < horizon:
        return heading(t("Up-sell targets", loc)) + note(t(
            "Up-sell targets skipped: the log starts on {first}; training needs one offer horizon ({h}) of "
            "history before the {h} that end at {as_of}.", loc, first=first.date(), h=settings.offer_horizon,
            as_of=ctx.as_of.date()))
    catalog = product_catalog(tx, category)
    if category is online_retail_category:
        catalog = catalog[catalog["category"] != "OTHER"]
    model = UpsellModel(catalog, horizon=settings.offer_horizon, random_state=settings.random_state)
    model.fit(tx, as_of=train_as_of, allow_incomplete=ctx.reaches(ctx.as_of))
    offers = model.offers(tx, as_of=ctx.as_of, top_n=1)
    label = _labeller(tx)
    best = offers.sort_values("expected_gain", ascending=False).head(settings.top_n)
    shown = pd.DataFrame({
        "category": best["category"].to_numpy(),
        "current_tier": best["current_tier"].astype("int64").to_numpy(),
        "offer": best["item"].map(label).to_numpy(),
        "offer_tier": best["offer_tier"].astype("int64").to_numpy(),
        "propensity": best["propensity"].to_numpy(),
        "expected_gain": best["expected_gain"].to_numpy(),
    }, index=pd.Index(best["customer_id"].to_numpy(), name="customer_id"))
    html = heading(t("Up-sell targets (top {n})", loc, n=settings.top_n)) + paragraph(t(
        "Categories: {how}; {items:,} items in {cats:,} categories with price tiers. The propensity model "
        "learned from {pairs:,} (customer, category) pairs at {train}, of which {rate:.1%} moved to a higher "
        "price tier within {h}; the offers at {as_of} are ranked by expected margin gain = P(move up) x "
        "P(item | move up) x value gap x usual units.", loc, how=how, items=len(catalog),
        cats=catalog["category"].nunique(), pairs=model.n_pairs_, train=train_as_of.date(),
        rate=model.base_rate_, h=settings.offer_horizon, as_of=ctx.as_of.date()))
    earlier = train_as_of - horizon
    if earlier - first >= horizon:
        try:
            ev = evaluate_upsell(tx, catalog, train_as_of=earlier, as_of=train_as_of,
                                 horizon=settings.offer_horizon, top_n=1, random_state=settings.random_state,
                                 allow_incomplete=ctx.reaches(train_as_of))
        except CRMMineError as exc:
            html += note(t("Out-of-sample check skipped: {error}", loc, error=str(exc)))
        else:
            table = ev.to_frame().set_index("model")
            html += paragraph(t(
                "Out-of-sample check one period earlier (trained at {train}, scored at {as_of} on the next "
                "{h}): AUC {auc:.3f} against {base:.3f} for the categories' past move-up rates.", loc,
                train=earlier.date(), as_of=train_as_of.date(), h=settings.offer_horizon,
                auc=float(table["auc"].iloc[0]), base=float(table["auc"].iloc[-1])))
            html += show_table(table, loc)
    return html + show_table(shown, loc, max_rows=settings.top_n)


def report_section(ctx: ReportContext) -> Section:
    """Build the "Cross-selling" section from ``ctx.transactions``.

    Order-level association rules (single-item consequents, redundant rules pruned; Agrawal &
    Srikant 1994) with a support/confidence plot and the next best offer of the most valuable
    customers; sequential rules "A, then B -> C within ``settings.offer_horizon``" with the time
    to the next purchase (median and quartiles in days; :func:`crmmine.association.sequential_patterns`
    and :func:`crmmine.association.sequential_pattern_rules`); up-sell targets (:func:`upsell_part`).
    Fills ``ctx.association_rules`` and ``ctx.recommendations``.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ctx = ReportContext.from_transactions(tx)
    >>> section = report_section(ctx)
    >>> section.n_figures, "days_median" in section.html
    (1, True)

    References
    ----------
    Agrawal, R., Srikant, R. (1994). Fast algorithms for mining association rules. Proc. 20th
    VLDB, 487-499. Agrawal, R., Srikant, R. (1995). Mining sequential patterns. Proc. 11th ICDE,
    3-14. Knott, A., Hayes, A., Neslin, S. A. (2002). Next-product-to-buy models for
    cross-selling applications. *Journal of Interactive Marketing* 16(3), 59-75.
    """
    import matplotlib.pyplot as plt

    loc = ctx.locale
    fl = figure_locale(loc)
    settings = ctx.settings
    tx = ctx.transactions
    title = t("Cross-selling and up-selling", loc)
    if "item" not in tx.columns or "order_id" not in tx.columns:
        return Section(title, paragraph(t(
            "No item column in the transactions: cross-selling analysis skipped.", loc)), key="association")
    returned = tx["amount"] < 0
    work = ctx
    if returned.any():  # returns kept as negative lines (returns="net") are not baskets
        tx = tx[~returned]
        work = dataclasses.replace(ctx, transactions=tx)
    itemsets, rules, support = mine_rules(tx, settings.top_n)
    ctx.association_rules = rules
    parts = [sample_note(ctx)]
    if returned.any():
        parts.append(note(t("{n:,} returned lines (negative amounts, kept under --returns net) are left out "
                            "of the baskets, sequences and up-sell histories.", loc, n=int(returned.sum()))))
    parts += [paragraph(t(
        "{orders:,} orders and {items:,} items; {itemsets:,} frequent itemsets at minimum support "
        "{support:.1%} of orders and {rules:,} non-redundant rules with confidence of at least 30% "
        "(redundancy as in R arules).", loc, orders=tx["order_id"].nunique(), items=tx["item"].nunique(),
        itemsets=len(itemsets), support=support, rules=len(rules)))]
    label = _labeller(tx)
    n_figures = 0
    if len(rules):
        top = rules.head(settings.top_n)
        shown = pd.DataFrame({
            "if bought": top["antecedent"].map(label),
            "then": top["consequent"].map(label),
            "orders": top["support_count"],
            "confidence": top["confidence"],
            "lift": top["lift"],
            "p (Holm)": top["p_adjusted"].map(lambda p: f"{p:.1e}"),
        })
        parts.append(heading(t("Top rules by lift", loc)) + show_table(shown, loc, max_rows=settings.top_n))
        with figure_style(fl):
            fig, ax = plt.subplots(figsize=(6, 4))
            pts = ax.scatter(rules["support"], rules["confidence"], c=np.log2(rules["lift"]), cmap="viridis",
                             s=12 + 4 * rules["antecedent"].map(len))
            ax.set_xscale("log")
            ax.set_xlabel(t("support (share of orders)", fl))
            ax.set_ylabel(t("confidence", fl))
            ax.set_title(t("Association rules", fl))
            fig.colorbar(pts, ax=ax, label="log2 lift")
        parts.append(figure_html(fig, alt=t("association rules: support against confidence", loc)))
        n_figures += 1
        recs = recommend(rules, tx, top_n=3, fallback=None)
        ctx.recommendations = recs
        if len(recs):
            first = recs[recs["rank"] == 1].copy()
            spend = tx.groupby("customer_id")["amount"].sum()
            first["spend"] = first["customer_id"].map(spend)
            first = first.sort_values("spend", ascending=False).head(settings.top_n)
            table = pd.DataFrame({
                "spend": first["spend"].to_numpy(),
                "offer": first["item"].map(label).to_numpy(),
                "why": first["explanation"].to_numpy(),
            }, index=pd.Index(first["customer_id"].to_numpy(), name="customer_id"))
            parts.append(heading(t("Next best offer for the top customers", loc))
                         + show_table(table, loc, max_rows=settings.top_n)
                         + paragraph(t("{n:,} customers have at least one rule-based offer.", loc,
                                       n=recs["customer_id"].nunique())))
    else:
        parts.append(paragraph(t("No rule reached the thresholds.", loc)))

    seq, seq_support = mine_sequences(tx, settings.offer_horizon, settings.top_n)
    seq_rules = seq.to_frame()
    parts.append(heading(t("Sequential rules: what customers buy next, and when", loc)))
    parts.append(paragraph(t(
        "A, then B: a customer who bought A (one order, or A1 then A2 in later orders) bought B in a "
        "later order within {h} (sequential patterns of up to three items; counts are customers; minimum "
        "support {support:.0%} of the {n:,} customers, confidence at least 10%). days_median, days_q25 and "
        "days_q75 give the days from A to B over the customers who followed the rule: the time to the next "
        "purchase, to plan the offer for.", loc, h=settings.offer_horizon, support=seq_support,
        n=seq.n_customers)))
    if len(seq_rules):
        top = seq_rules.head(settings.top_n)
        table = pd.DataFrame({
            "first bought": top["antecedent"].map(lambda a: _elements(label, a)),
            "then bought": top["consequent"].map(label),
            "customers": top["support_count"],
            "confidence": top["confidence"],
            "lift": top["lift"],
            "days_median": top["days_median"],
            "days_q25": top["days_q25"],
            "days_q75": top["days_q75"],
        })
        parts.append(show_table(table, loc, max_rows=settings.top_n))
    else:
        parts.append(note(t("No sequential rule reached the thresholds.", loc)))
    parts.append(upsell_part(work))
    return Section(title, "".join(parts), n_figures=n_figures, key="association")
