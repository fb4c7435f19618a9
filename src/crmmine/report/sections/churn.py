"""The churn section: a leakage-safe churn model, its cross-validated quality with the profit
measure EMPC on the report's own CLVs, and a retention list."""

from __future__ import annotations

import pandas as pd

from crmmine._html import figure_html, paragraph
from crmmine.churn import ChurnModel, churn_features, churn_labels, evaluate, retention_list
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import show_table, t
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading, sample_note

__all__ = ["customer_value", "report_section"]

#: Share of contacted churners who accept the offer: the mean of EMPC's Beta(6, 14) (Verbraken et al.
#: 2013), used for the retention list so that both rank with the same campaign; shown in the page.
SUCCESS_RATE = 0.3


def customer_value(ctx: ReportContext, ids: pd.Index) -> tuple[pd.Series, str]:
    """The value of keeping each customer in ``ids``: the CLV of the value section, aligned on the id.

    Without the value section (or for ids it does not know) the value is the customer's spend of
    the last 180 days x 2, and the returned description says so.
    """
    loc = ctx.locale
    if ctx.clv is not None and ids.isin(ctx.clv.index).all():
        return (ctx.clv["clv"].reindex(ids).rename("clv"),
                t("CLV over {h} from the value section", loc, h=ctx.settings.clv_horizon))
    features = churn_features(ctx.transactions, ctx.as_of)
    spend = features["spend_180d"].reindex(ids).fillna(0.0) * 2.0
    return spend.rename("value"), t("spend of the last 180 days x 2", loc)


def report_section(ctx: ReportContext) -> Section:
    """Build the "Churn and retention" section.

    Customers known at the cutoff ``as_of - churn_horizon`` are labelled churned when they buy
    nothing in the ``churn_horizon`` after it (:func:`crmmine.churn.churn_labels`); a logistic
    model on features from before the cutoff (:func:`crmmine.churn.churn_features`) is
    cross-validated (5 folds: AUC, top-decile lift and EMPC with each customer's CLV from the
    value section, matched on the id) and then scores every customer at ``as_of``; the
    retention list ranks them by expected gain. A log shorter than two churn horizons gets a
    note instead of a model. Fills ``ctx.churn_risk``.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> section = report_section(ReportContext.from_transactions(tx))
    >>> section.n_figures
    1

    References
    ----------
    Verbraken, T., Verbeke, W. and Baesens, B. (2013). A novel profit maximizing metric for measuring
    classification performance of customer churn prediction models. *IEEE TKDE* 25(5), 961-973.
    """
    import matplotlib.pyplot as plt

    loc = ctx.locale
    fl = figure_locale(loc)
    settings = ctx.settings
    title = t("Churn and retention", loc)
    tx = ctx.transactions
    days = settings.days("churn_horizon")
    horizon = pd.Timedelta(days=days)
    end = ctx.as_of + pd.Timedelta(days=1)  # the first day after the history
    first = pd.Timestamp(tx["date"].min()).normalize()
    span = (end - first).days
    if span < 2 * days:
        return Section(title, paragraph(t(
            "The log covers {span} days: a churn horizon of {h} needs at least twice that ({need:g} days: a "
            "label window after as much history). Pass a shorter --churn-horizon (at most {most} days).",
            loc, span=span, h=settings.churn_horizon, need=2 * days, most=span // 2)), key="churn")
    cutoff_day = ctx.as_of - horizon  # the last day of history of the labelled customers
    labels = churn_labels(tx, cutoff_day, settings.churn_horizon, allow_incomplete=ctx.reaches(ctx.as_of))
    if labels.nunique() < 2 or labels.value_counts().min() < 10:
        return Section(title, paragraph(t(
            "Churn over the {h} after {cutoff}: {n:,} customers known, {churned:,} churned; too few of one "
            "class to fit a model.", loc, h=settings.churn_horizon, cutoff=cutoff_day.date(), n=len(labels),
            churned=int(labels.sum()))), key="churn")
    train = churn_features(tx, cutoff_day).join(labels, how="inner")
    X, y = train.drop(columns="churn"), train["churn"]
    model = ChurnModel("logistic", random_state=settings.random_state)
    oof = model.cross_validate(X, y, n_splits=5)
    value_known, value_name = customer_value(ctx, y.index)
    result = evaluate(y, oof, clv=value_known, incentive=settings.incentive,
                      contact_cost=settings.contact_cost)
    model.fit(X, y)
    now = churn_features(tx, ctx.as_of)
    risk = model.predict_positive(now)
    ctx.churn_risk = risk
    value, _ = customer_value(ctx, risk.index)
    ranked = retention_list(risk, value, success_rate=SUCCESS_RATE, incentive=settings.incentive,
                            contact_cost=settings.contact_cost)
    reasons = model.reason_codes(now.loc[ranked.index[: settings.top_n]], top_n=2)

    with figure_style(fl):
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
        axes[0].hist(risk, bins=30, color="#c0392b")
        axes[0].set_xlabel(t("P(churn in the next {h})", fl, h=settings.churn_horizon))
        axes[0].set_ylabel(t("customers", fl))
        axes[0].set_title(t("Churn risk today", fl))
        result.plot(ax=axes[1], kind="gains")
        fig.tight_layout()
    m = result.measures
    text = t(
        "Churn = no purchase in the {h} after {cutoff}; {n:,} customers known at that date, {rate:.1%} "
        "churned. Logistic model on leakage-safe features (only data up to the cutoff), 5-fold "
        "cross-validation: AUC {auc:.3f}, top-decile lift {lift:.2f}, EMPC {empc:,.2f} per customer "
        "(target {frac:.1%} of the customers), with the value of a kept customer = {value} (mean "
        "{mean_value:,.2f}, matched on the customer id). Retention list: same value, success rate "
        "{success:.0%}, incentive {incentive:g}, contact cost {contact:g}.", loc, h=settings.churn_horizon,
        cutoff=cutoff_day.date(), n=len(y),
        rate=y.mean(), auc=m["auc"], lift=m["top_decile_lift"], empc=m["empc"], frac=m["empc_fraction"],
        value=value_name, mean_value=float(value_known.mean()), success=SUCCESS_RATE,
        incentive=settings.incentive, contact=settings.contact_cost)
    top = ranked.head(settings.top_n).join(reasons)
    top.index.name = "customer_id"
    html = (
        sample_note(ctx)
        + paragraph(text)
        + show_table(result.summary(), loc)
        + figure_html(fig, alt=t("churn risk and gains", loc))
        + heading(t("Gains by decile", loc))
        + show_table(result.gains, loc)
        + heading(t("Retention list (top {n})", loc, n=settings.top_n))
        + show_table(top, loc, max_rows=settings.top_n)
    )
    return Section(title, html, n_figures=1, key="churn")
