"""The customer-lifetime-value section: BG/NBD x Gamma-Gamma CLV, its components by segment,
the top customers and a holdout check against Pareto/NBD, with every boundary fit shown beside
the numbers it affects."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine._html import figure_html, paragraph
from crmmine._i18n import translate
from crmmine.errors import CRMMineError
from crmmine.report._figures import date_axis, figure_locale, figure_style
from crmmine.report._text import show_table, t, unit_words
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading, note, sample_note, warning_box
from crmmine.value import (
    BGNBD,
    GammaGamma,
    ParetoNBD,
    clv,
    clv_components,
    holdout_validation,
    tracking,
)

__all__ = ["clv_by_group", "holdout_table", "report_section"]

#: A segment whose customers mostly bought once and whose mean P(alive) is at least this gets the caveat.
ALIVE_BY_CONSTRUCTION = 0.99


def _group(ctx: ReportContext, values: pd.DataFrame) -> tuple[pd.Series, str]:
    if ctx.rfm_segments is not None:
        seg = ctx.rfm_segments.reindex(values.index)
        return seg.astype(object).fillna("unsegmented").astype(str).rename("segment"), "RFM segment"
    ranks = values["clv"].rank(method="first")
    deciles = pd.qcut(ranks, min(10, len(values)), labels=False)
    labels = (deciles.max() - deciles + 1).map(lambda d: f"D{int(d)}")
    return labels.rename("segment"), "CLV decile (D1 = top)"


def clv_by_group(values: pd.DataFrame, summary: pd.DataFrame, group: pd.Series) -> pd.DataFrame:
    """CLV per segment with the share of one-time buyers and the P(alive) caveat.

    BG/NBD lets a customer drop out only right after a purchase, so a customer without a repeat
    purchase has P(alive) = 1 by construction. A segment where most customers bought once
    (``share_one_time_buyers`` >= 0.5) and whose mean P(alive) is at least
    :data:`ALIVE_BY_CONSTRUCTION` gets ``alive_by_construction = True``: its P(alive) says
    nothing about whether those customers are still active.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.DataFrame({"clv": [10.0, 0.5, 0.4], "p_alive": [0.7, 1.0, 1.0]}, index=[1, 2, 3])
    >>> s = pd.DataFrame({"frequency": [3, 0, 0]}, index=[1, 2, 3])
    >>> clv_by_group(v, s, pd.Series(["A", "B", "B"], index=[1, 2, 3]))["alive_by_construction"].tolist()
    [False, True]
    """
    frame = values.assign(one_time=(summary["frequency"].reindex(values.index) == 0).astype(float))
    table = frame.groupby(group, observed=True).agg(
        customers=("clv", "size"),
        mean_clv=("clv", "mean"),
        total_clv=("clv", "sum"),
        mean_p_alive=("p_alive", "mean"),
        share_one_time_buyers=("one_time", "mean"),
    )
    total = table["total_clv"].sum()
    table["share_of_clv"] = table["total_clv"] / total if total else np.nan
    table["alive_by_construction"] = (table["share_one_time_buyers"] >= 0.5) & (
        table["mean_p_alive"] >= ALIVE_BY_CONSTRUCTION
    )
    table.index.name = "segment"
    return table.sort_values("mean_clv", ascending=False)


def _collapsed(model) -> bool:
    return any("collapsed" in str(v) for v in getattr(model, "boundary_", {}).values())


def holdout_table(result, models: dict, locale: str = "en") -> pd.DataFrame:
    """The holdout comparison per model with a ``note`` on boundary fits and identical rows.

    A model fitted at a boundary says so; two models whose drop-out process both collapsed
    (each reduced to the NBD model) give the same predictions, and their rows say that they are
    identical for that reason rather than two models agreeing.
    """
    cols = ["predicted", "actual", "mae", "zero_repeat_predicted", "zero_repeat_actual", "chi2_p", "bic"]
    table = result.table[[c for c in cols if c in result.table.columns]].astype(float).copy()
    notes = {}
    preds = result.predictions
    names = list(models)
    for name in names:
        model = models[name]
        parts = []
        if getattr(model, "boundary_", None):
            what = "; ".join(dict.fromkeys(model.boundary_.values()))
            parts.append(t("at a boundary: {what}", locale, what=what))
        twins = [other for other in names if other != name and _collapsed(model) and _collapsed(models[other])
                 and np.allclose(preds[name], preds[other], rtol=1e-3, atol=1e-6)]
        for other in twins:
            parts.append(t("identical to {other}: both reduced to the NBD model (no drop-out)", locale,
                           other=other))
        notes[name] = "; ".join(parts)
    if any(notes.values()):
        table["note"] = pd.Series(notes)
    table.index.name = "model"
    return table


def _holdout_part(ctx: ReportContext) -> tuple[str, int]:
    """Refit on all but the last ``settings.holdout`` and compare with what happened in it."""
    import matplotlib.pyplot as plt

    from crmmine.data import calibration_holdout

    loc = ctx.locale
    fl = figure_locale(loc)
    settings = ctx.settings
    days = settings.days("holdout")
    cal_end = (ctx.as_of - pd.Timedelta(days=days)).normalize()
    first = pd.Timestamp(ctx.transactions["date"].min()).normalize()
    if (cal_end - first).days < days:
        return note(t(
            "Holdout check skipped: the log starts on {first}, so a holdout of {holdout} leaves less "
            "calibration than holdout. Pass a shorter --holdout.", loc, first=first.date(),
            holdout=settings.holdout)), 0
    # the check compares purchase counts: a return (kept as a negative line under returns="net") does not
    # undo a purchase occasion, so only purchase lines are counted
    purchases = ctx.transactions[ctx.transactions["amount"] >= 0]
    cal, hold = calibration_holdout(purchases, cal_end, ctx.as_of, time_unit=settings.time_unit)
    models = {"BG/NBD": BGNBD().fit(cal), "Pareto/NBD": ParetoNBD().fit(cal)}
    res = holdout_validation(models, cal, hold)
    table = holdout_table(res, models, loc)
    track = tracking(models["BG/NBD"], purchases, calibration_end=cal_end, observation_end=ctx.as_of)
    with figure_style(fl):
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
        res.plot(ax=axes[0])
        track.plot(ax=axes[1])
        date_axis(axes[1])
        fig.tight_layout()
    messages = [w.split(": ", 1)[-1] for m in models.values() for w in m.warnings_]
    html = (
        heading(t("Holdout check: calibration to {end}, holdout {holdout}", loc, end=cal_end.date(),
                  holdout=settings.holdout))
        + paragraph(t("{n:,} customers of the calibration period; purchases counted as distinct days.", loc,
                      n=len(cal)))
        + show_table(table, loc)
        + warning_box(messages, loc)
        + figure_html(fig, alt=t("holdout validation and tracking", loc))
    )
    return html, 1


def report_section(ctx: ReportContext) -> Section:
    """Build the "Customer lifetime value" section.

    Fits BG/NBD and Gamma-Gamma on ``ctx.btyd_summary`` (purchases counted as distinct days);
    CLV over ``settings.clv_horizon`` (one year by default, whatever the time unit) at
    ``settings.annual_discount_rate`` with ``settings.margin``; the CLV and its components
    (historical, current, potential; :func:`crmmine.value.clv_components`) by RFM segment when
    the segmentation section ran (else by CLV decile); the top customers; a holdout check of
    ``settings.holdout``. Boundary fits are shown beside the numbers they affect. Fills
    ``ctx.btyd_model``, ``ctx.spend_model`` and ``ctx.clv``.

    Examples
    --------
    >>> import crmmine as cm
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ctx = ReportContext.from_transactions(tx)
    >>> import warnings
    >>> from crmmine.errors import BoundaryFitWarning
    >>> with warnings.catch_warnings(record=True) as caught:  # the sample's BG/NBD fit collapses
    ...     warnings.simplefilter("always")
    ...     section = report_section(ctx)
    >>> section.n_figures, ctx.clv.index.equals(ctx.btyd_summary.index)
    (3, True)
    >>> BoundaryFitWarning in {w.category for w in caught}, "at a boundary" in section.html
    (True, True)

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Gupta, S. et al. (2006). Modeling customer lifetime value. *Journal of Service Research* 9(2),
    139-155 (historical, current and potential value).
    """
    import matplotlib.pyplot as plt

    loc = ctx.locale
    fl = figure_locale(loc)
    settings = ctx.settings
    summary = ctx.btyd_summary
    if summary is None:
        from crmmine.data import customer_summary

        net = bool((ctx.transactions["amount"] < 0).any())
        summary = customer_summary(ctx.transactions, as_of=ctx.as_of, time_unit=settings.time_unit,
                                   count="days", returns="net" if net else "raise")
        ctx.btyd_summary = summary
    model = BGNBD().fit(summary)
    spend = GammaGamma().fit(summary)
    values = clv(model, spend, summary, horizon=settings.clv_horizon,
                 annual_discount_rate=settings.annual_discount_rate, margin=settings.margin)
    ctx.btyd_model, ctx.spend_model, ctx.clv = model, spend, values
    horizon_units = float(values.attrs["horizon"])
    unit = unit_words(settings.time_unit, loc)

    group, group_name = _group(ctx, values)
    by_group = clv_by_group(values, summary, group)
    purchases = ctx.transactions[ctx.transactions["amount"] >= 0]  # returns kept under returns="net"
    components = clv_components(
        purchases, summary, model, spend, horizon=settings.clv_horizon,
        annual_discount_rate=settings.annual_discount_rate, margin=settings.margin, segment=group,
        as_of=ctx.as_of,
    )
    comp_table = components.by_segment()
    comp_table.index.name = "segment"

    with figure_style(fl):
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
        axes[0].hist(values["p_alive"].clip(0.0, 1.0), bins=np.linspace(0.0, 1.0, 31), color="#3b6ea8")
        axes[0].set_xlabel("P(alive)")
        axes[0].set_ylabel(t("customers", fl))
        axes[0].set_title(t("Probability each customer is still active", fl))
        names = [translate(s, fl) for s in by_group.index.astype(str)[::-1]]
        axes[1].barh(names, by_group["mean_clv"].to_numpy()[::-1], color="#7a9e3b")
        axes[1].set_xlabel(t("mean CLV over {h}", fl, h=settings.clv_horizon))
        axes[1].set_title(t("CLV by {group}", fl, group=t(group_name, fl)))
        fig.tight_layout()
        fig2, ax2 = plt.subplots(figsize=(9, 4))
        components.plot(ax=ax2)
        fig2.tight_layout()

    rate = settings.annual_discount_rate
    text = t(
        "BG/NBD on {n:,} customers ({rows:,} distinct rows; purchases counted as distinct days), time unit "
        "{unit}: log-likelihood {ll:,.2f}. Expected purchases in the next {horizon} ({h:g} {unit}): "
        "{purchases:,.0f}; total CLV over {horizon} at {rate:.0%} a year and margin {margin:.0%}: "
        "{total:,.0f}. Spend per purchase from Gamma-Gamma on {repeat:,.0f} repeat customers (customers "
        "without a repeat purchase get the population mean {mean_spend:,.2f}).", loc,
        n=len(summary), rows=model.n_rows_compressed_, unit=unit, ll=model.log_likelihood_,
        horizon=settings.clv_horizon, h=horizon_units, purchases=values["expected_purchases"].sum(),
        rate=rate, margin=settings.margin, total=values["clv"].sum(), repeat=spend.n_obs_,
        mean_spend=spend.expected_spend_new())
    fit_warnings = [w.split(": ", 1)[-1] for w in [*model.warnings_, *spend.warnings_]]
    boundary = ""
    if model.boundary_:
        boundary = paragraph(t(
            "The BG/NBD fit is at a boundary ({what}): P(alive) is practically 1 for everyone, so the "
            "expected purchases and the CLV below are upper bounds.", loc,
            what="; ".join(dict.fromkeys(model.boundary_.values()))), css_class="warning")
    caveat = ""
    flagged = by_group.index[by_group["alive_by_construction"]]
    if len(flagged):
        caveat = paragraph(t(
            "Caveat: BG/NBD gives P(alive) = 1 to every customer without a repeat purchase (a customer can "
            "only drop out right after a purchase). In {segments}, most customers bought once, so their mean "
            "P(alive) near 1 says nothing about whether they are still active.", loc,
            segments=", ".join(str(translate(s, loc)) for s in flagged)), css_class="warning")
    top = (values.sort_values("clv", ascending=False).head(settings.top_n)
           .join(summary[["frequency", "recency", "T", "monetary"]]))
    comp_text = t(
        "CLV = historical + current + potential value (Gupta et al. 2006): historical = margin already "
        "brought, compounded to {as_of} at the discount rate; current = the CLV above (behaviour as it "
        "is); potential = the discounted purchases x the gap between the customer's spend per purchase "
        "and the {q:.0%} quantile of the peers in the same segment (share of wallet, min {peers} "
        "peers).", loc, as_of=ctx.as_of.date(), q=components.settings["wallet_quantile"],
        peers=components.settings["min_peers"])
    if len(purchases) < len(ctx.transactions):
        comp_text += " " + t("Historical value counts purchase lines only: the {n:,} returned lines kept "
                             "under --returns net are not subtracted from it.", loc,
                             n=len(ctx.transactions) - len(purchases))
    html = (
        sample_note(ctx)
        + paragraph(text)
        + boundary
        + show_table(model.summary(), loc)
        + warning_box(fit_warnings, loc)
        + show_table(spend.summary(), loc)
        + figure_html(fig, alt=t("P(alive) and CLV", loc))
        + heading(t("CLV by {group}", loc, group=t(group_name, loc)))
        + caveat
        + show_table(by_group, loc, index_labels=True)
        + heading(t("CLV components by {group}", loc, group=t(group_name, loc)))
        + paragraph(comp_text)
        + warning_box(components.notes, loc, title=t("Notes", loc))
        + show_table(comp_table, loc, index_labels=True)
        + figure_html(fig2, alt=t("CLV components by segment", loc))
        + heading(t("Top {n} customers by CLV", loc, n=settings.top_n))
        + show_table(top, loc, max_rows=settings.top_n)
    )
    n_figures = 2
    try:
        part, n = _holdout_part(ctx)
    except CRMMineError as exc:  # the page says why the check is missing
        part, n = note(t("Holdout check skipped: {error}", loc, error=str(exc))), 0
    return Section(t("Customer lifetime value", loc), html + part, n_figures=n_figures + n, key="value")
