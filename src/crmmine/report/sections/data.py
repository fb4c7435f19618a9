"""The report's opening sections: its settings, data quality and the customer summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine._html import esc, figure_html, paragraph
from crmmine.data import CleaningLog
from crmmine.report._engine import DUCKDB_MIN_ROWS, DataFacts
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import column, show_table, t, unit_words
from crmmine.report._zh import LOG_ZH
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading, note

__all__ = ["quality_section", "settings_section", "summary_section"]

#: What each setting means, shown beside its value.
_MEANINGS = {
    "as_of": "reference date: data on or before this day is history",
    "time_unit": "unit of recency, T and the BTYD models",
    "clv_horizon": "future window of the CLV",
    "annual_discount_rate": "yearly discount rate of the CLV",
    "margin": "profit share of revenue in the CLV components",
    "churn_horizon": "no purchase in this window after the cutoff = churned",
    "incentive": "retention offer's cost for a customer who accepts it",
    "contact_cost": "cost of each retention contact",
    "holdout": "length of the holdout period of the BTYD check",
    "offer_horizon": "window of the sequential rules and of the up-sell label",
    "rfm_preset": "RFM segment table",
    "lifecycle_preset": "lifecycle stage names",
    "top_n": "rows of every customer list",
    "locale": "language of the page",
    "random_state": "seed of every random step",
    "engine": "where the cleaning and the whole-base figures ran",
    "sample_size": "customers analysed per customer",
    "returns": "returns and cancellations policy",
    "bad_dates": "rows with a missing or unparseable date",
    "bad_amounts": "rows with a missing, non-numeric or infinite amount",
}


def settings_section(ctx: ReportContext, extra: dict[str, Any]) -> Section:
    """The settings the report ran with (every domain choice, with what it means).

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ctx = ReportContext.from_transactions(tx)
    >>> "clv_horizon" in settings_section(ctx, {"engine": "pandas"}).html
    True
    """
    loc = ctx.locale
    values = {"as_of": str(ctx.as_of.date()), **ctx.settings.as_dict(), **extra}
    table = pd.DataFrame(
        {"value": [str(v) for v in values.values()],
         "meaning": [t(_MEANINGS.get(k, ""), loc) if k in _MEANINGS else "" for k in values]},
        index=pd.Index(list(values), name="setting"),
    )
    html = paragraph(t("Every choice below is a parameter of build_report() and a flag of crmmine report "
                       "(e.g. clv_horizon is --clv-horizon).", loc))
    html += show_table(table, loc, max_rows=40)
    info = ctx.sample
    if info is not None and info.sampled:
        html += paragraph(t(
            "{engine} engine: the data-quality and customer-summary figures cover all {total:,} customers; "
            "the per-customer sections analyse a random sample of {n:,} customers drawn with seed {seed} "
            "(DuckDB is used for inputs of more than {limit:,} rows).", loc, engine=info.engine,
            total=info.n_customers, n=info.n_sampled, seed=info.random_state, limit=DUCKDB_MIN_ROWS))
    return Section(t("Settings", loc), html, key="settings")


def _log_table(log: CleaningLog, loc: str) -> pd.DataFrame:
    table = log.summary()
    if log.policy.get("returns") == "drop":  # set apart only to be counted: removed from the analysis
        table["action"] = table["action"].replace({"moved to returns": "removed"})
    if loc == "zh":
        table.index = pd.Index([LOG_ZH.get(s, s) for s in table.index], name=table.index.name)
        table["action"] = table["action"].map(lambda a: LOG_ZH.get(a, a))
    return table


def _step_rows(log: CleaningLog, reason: str) -> int:
    return sum(s["rows"] for s in log.steps if s["reason"] == reason)


def quality_section(ctx: ReportContext, log: CleaningLog, facts: DataFacts) -> Section:
    """Data quality: what the cleaning removed or changed and why, with examples.

    The "returns and cancellations" rule is described by what it counted: lines of orders
    whose id starts with the cancellation prefix, and lines with a negative quantity or amount
    in other orders (returns, corrections or write-offs, which the log does not tell apart).
    """
    loc = ctx.locale
    returns = log.policy.get("returns")
    parts = [paragraph(t(
        "{raw:,} raw rows; {clean:,} clean rows up to {as_of}; {customers:,} customers; {orders:,} orders "
        "from {first} to {last}; revenue {revenue:,.0f}.", loc, raw=log.n_input, clean=facts.n_rows,
        as_of=ctx.as_of.date(), customers=facts.n_customers, orders=facts.n_orders,
        first=facts.first_date.date(), last=min(facts.last_date.normalize(), ctx.as_of).date(),
        revenue=facts.revenue))]
    rb = facts.returns
    prefix = log.policy.get("cancellation_prefix")
    ret_rows = _step_rows(log, "returns and cancellations")
    if ret_rows:
        what = {"drop": t("left out of the analysis", loc), "separate": t("set apart", loc),
                "net": t("kept as negative lines and netted against purchases", loc)}[returns]
        if rb is not None:
            parts.append(paragraph(t(
                "Returns policy {policy}: the rule 'returns and cancellations' counted {lines:,} lines of "
                "{customers:,} customers, {what}: {cancelled:,} lines of orders whose id starts with "
                "'{prefix}' (cancelled invoices) and {negative:,} lines with a negative quantity or amount "
                "in other orders (returns, corrections or write-offs: the log does not tell them apart).",
                loc, policy=returns, lines=rb["lines"], customers=rb["customers"], what=what,
                cancelled=rb["cancelled_lines"], prefix=prefix or "-", negative=rb["negative_lines"])))
        else:
            parts.append(paragraph(t(
                "Returns policy {policy}: the rule 'returns and cancellations' counted {lines:,} lines, "
                "{what}: lines of orders whose id starts with '{prefix}' and lines with a negative quantity "
                "or amount (returns, corrections or write-offs alike).", loc, policy=returns,
                lines=ret_rows, what=what, prefix=prefix or "-")))
    if facts.n_return_only:
        parts.append(paragraph(t(
            "{n:,} customers only returned goods in the period (every order of theirs nets below zero under "
            "--returns net): they have no purchase and are left out of the analysis.", loc,
            n=facts.n_return_only)))
    bad = _step_rows(log, "missing or unparseable dates")
    if bad:
        parts.append(paragraph(t(
            "{n:,} rows with a missing or unparseable date were dropped and counted below (policy "
            "bad_dates={policy}); pass --bad-dates raise to stop on them instead.", loc, n=bad,
            policy=log.policy.get("bad_dates"))))
    if facts.n_after_as_of:
        parts.append(paragraph(t("{n:,} clean rows dated after {as_of} are left out of the analysis.", loc,
                                 n=facts.n_after_as_of, as_of=ctx.as_of.date())))
    parts.append(show_table(_log_table(log, loc), loc, max_rows=30))
    for reason, rows in log.examples.items():
        label = LOG_ZH.get(reason, reason) if loc == "zh" else reason
        parts.append(f"<details><summary>{esc(t('Examples: {reason}', loc, reason=label))}</summary>"
                     f"{show_table(rows, loc, max_rows=5, translate_columns=False)}</details>")
    return Section(t("Data quality", loc), "".join(parts), key="quality")


def summary_section(ctx: ReportContext, facts: DataFacts) -> Section:
    """The customer summary: its distribution (whole base), histograms and new customers by month."""
    import matplotlib.pyplot as plt

    loc = ctx.locale
    fl = figure_locale(loc)
    unit = unit_words(ctx.settings.time_unit, loc)
    fig_unit = unit_words(ctx.settings.time_unit, fl)
    summary = ctx.summary
    with figure_style(fl):
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
        specs = (("frequency", t("repeat purchases", fl), False),
                 ("since_last", t("time since last purchase ({unit})", fl, unit=fig_unit), False),
                 ("monetary", t("total spend (log10 scale)", fl), True))
        for ax, (col, label, logx) in zip(axes, specs):
            values = summary[col].to_numpy(dtype="float64")
            if logx:
                values = np.log10(np.clip(values, 1e-2, None))
            ax.hist(values, bins=40, color="#3b6ea8")
            ax.set_xlabel(label)
            ax.set_ylabel(t("customers", fl))
        fig.suptitle(t("Customer summary distributions", fl))
        fig.tight_layout()
        fig2, ax2 = plt.subplots(figsize=(7, 3.2))
        months = facts.new_by_month
        labels = [str(p) for p in months.index]
        ax2.bar(range(len(months)), months.to_numpy(), color="#7a9e3b")
        step = max(1, int(np.ceil(len(labels) / 12)))
        ax2.set_xticks(range(0, len(labels), step), labels[::step], rotation=45, ha="right")
        ax2.set_title(t("New customers by month of first purchase", fl))
        ax2.set_ylabel(t("customers", fl))
        fig2.tight_layout()
    describe = facts.describe.copy()
    durations = {"recency", "T", "since_last"}
    describe.index = pd.Index(
        [f"{column(c, loc)} ({unit})" if c in durations else column(c, loc) for c in describe.index],
        name="column")
    text = t("{n:,} customers at {as_of}; recency, T and time since last purchase are in {unit}.", loc,
             n=facts.n_customers, as_of=ctx.as_of.date(), unit=unit)
    html = paragraph(text) + show_table(describe, loc)
    if ctx.sample is not None and ctx.sample.sampled:
        html += note(t("The table covers every customer; the histograms show the sample of {n:,} customers.",
                       loc, n=ctx.sample.n_sampled))
    html += figure_html(fig, alt=t("summary distributions", loc))
    html += heading(t("New customers by month", loc))
    html += figure_html(fig2, alt=t("new customers by month", loc))
    return Section(t("Customer summary", loc), html, n_figures=2, key="summary")
