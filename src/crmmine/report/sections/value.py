"""The customer-lifetime-value section of the HTML report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from crmmine.report._html import ReportContext, Section, figure_html, paragraph, table_html
from crmmine.value.bgnbd import BGNBD
from crmmine.value.clv import clv
from crmmine.value.gammagamma import GammaGamma
from crmmine.value.paretonbd import ParetoNBD
from crmmine.value.plots import plot_tracking
from crmmine.value.validation import holdout_validation, tracking

__all__ = ["report_section"]

HOLDOUT_WEEKS = 13


def _holdout_part(ctx: ReportContext) -> tuple[str, int]:
    """Refit on all but the last 13 weeks and compare with what happened in them."""
    from crmmine.data import calibration_holdout

    cal_end = (pd.Timestamp(ctx.as_of) - pd.Timedelta(weeks=HOLDOUT_WEEKS)).normalize()
    cal, hold = calibration_holdout(ctx.transactions, cal_end, ctx.as_of, time_unit=ctx.time_unit)
    models = {"BG/NBD": BGNBD().fit(cal), "Pareto/NBD": ParetoNBD().fit(cal)}
    res = holdout_validation(models, cal, hold)
    cols = ["predicted", "actual", "mae", "zero_repeat_predicted", "zero_repeat_actual", "chi2_p", "bic"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    res.plot(ax=axes[0])
    track = tracking(
        models["BG/NBD"],
        ctx.transactions,
        calibration_end=cal_end,
        observation_end=ctx.as_of,
        time_unit=ctx.time_unit,
    )
    plot_tracking(track, ax=axes[1])
    fig.tight_layout()
    html = (
        f"<h3>Holdout check: calibration to {cal_end:%Y-%m-%d}, holdout {HOLDOUT_WEEKS} weeks</h3>"
        + table_html(res.table[cols])
        + figure_html(fig, alt="holdout validation")
    )
    return html, 1


def report_section(ctx: ReportContext) -> Section:
    """Build the "Customer lifetime value" section.

    Fits BG/NBD and Gamma-Gamma on ``ctx.summary``, shows the P(alive) distribution, one-year
    CLV (10% a year) by segment (RFM segments when an earlier section stored them in
    ``ctx.cache["rfm_segments"]``, else CLV deciles), the top customers, and a 13-week holdout
    check. Stores ``ctx.cache["clv"]`` and ``ctx.cache["btyd_model"]``.

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.report._html import ReportContext
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> summary = cm.customer_summary(tx, as_of=tx["date"].max(), time_unit="W")
    >>> ctx = ReportContext(transactions=tx, summary=summary, as_of=tx["date"].max())
    >>> section = report_section(ctx)
    >>> section.n_figures, "clv" in ctx.cache
    (2, True)

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
    customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    """
    summary = ctx.summary
    model = BGNBD().fit(summary)
    spend = GammaGamma(nonpositive="drop").fit(summary)
    values = clv(model, spend, summary, horizon="1Y", annual_discount_rate=0.10)
    horizon = values.attrs["horizon"]
    ctx.cache["clv"] = values
    ctx.cache["btyd_model"] = model
    ctx.cache["spend_model"] = spend

    segments = ctx.cache.get("rfm_segments")
    if isinstance(segments, pd.Series | pd.DataFrame):
        seg = segments.iloc[:, -1] if isinstance(segments, pd.DataFrame) else segments
        group = seg.reindex(values.index).fillna("unsegmented").astype(str)
        group_name = "RFM segment"
    else:
        group = pd.qcut(values["clv"].rank(method="first"), 10, labels=[f"D{i}" for i in range(10, 0, -1)])
        group_name = "CLV decile (D1 = top)"
    by_group = values.groupby(group, observed=True).agg(
        customers=("clv", "size"),
        mean_clv=("clv", "mean"),
        total_clv=("clv", "sum"),
        mean_p_alive=("p_alive", "mean"),
    )
    by_group["share_of_clv"] = by_group["total_clv"] / by_group["total_clv"].sum()
    by_group = by_group.sort_values("mean_clv", ascending=False)

    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    axes[0].hist(values["p_alive"], bins=30, color="#3b6ea8")
    axes[0].set_xlabel("P(alive)")
    axes[0].set_ylabel("customers")
    axes[0].set_title("Probability each customer is still active")
    axes[1].barh(by_group.index.astype(str)[::-1], by_group["mean_clv"].to_numpy()[::-1], color="#7a9e3b")
    axes[1].set_xlabel("mean one-year CLV")
    axes[1].set_title(f"CLV by {group_name}")
    fig.tight_layout()

    top = (
        values.sort_values("clv", ascending=False)
        .head(15)
        .join(summary[["frequency", "recency", "T", "monetary"]])
    )
    params = model.summary()
    text = (
        f"BG/NBD on {len(summary):,} customers ({model.n_rows_compressed_:,} distinct rows), "
        f"time unit {ctx.time_unit}: log-likelihood {model.log_likelihood_:,.2f}. Expected "
        f"purchases in the next {horizon:g} units: {values['expected_purchases'].sum():,.0f}; total "
        f"one-year CLV at 10% a year: {values['clv'].sum():,.0f}. Spend from Gamma-Gamma on "
        f"{spend.n_obs_:,.0f} repeat customers ({spend.n_excluded_:,} without repeat purchases "
        f"get the population mean {spend.expected_spend_new():,.2f}; "
        f"{spend.n_excluded_nonpositive_:,} whose repeat orders carry no positive spend, e.g. "
        f"several orders on the first day only, are left out of the spend fit)."
    )
    html = (
        paragraph(text)
        + table_html(params)
        + figure_html(fig, alt="P(alive) and CLV")
        + f"<h3>CLV by {group_name}</h3>"
        + table_html(by_group)
        + "<h3>Top customers by CLV</h3>"
        + table_html(top)
    )
    n_figures = 1
    try:
        part, n = _holdout_part(ctx)
        html += part
        n_figures += n
    except Exception as exc:  # the holdout check is optional; the page says why it is missing
        html += paragraph(f"Holdout check skipped: {exc}")
    return Section("Customer lifetime value", html, n_figures=n_figures)
