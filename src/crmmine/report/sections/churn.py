"""The churn section of the HTML report."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from crmmine.churn import ChurnModel, churn_features, churn_labels, evaluate, retention_list
from crmmine.report._html import ReportContext, Section, figure_html, paragraph, table_html

__all__ = ["report_section"]

HORIZON_DAYS = 90


def report_section(ctx: ReportContext) -> Section:
    """Build the "Churn and retention" section.

    Labels customers active before ``as_of - 90 days`` as churned when they bought nothing in
    the 90 days after (a third of the log's span when the log is shorter than 270 days; a note
    instead of a model when it is shorter than 21 days or one class is too rare); fits the
    logistic churn model on features from before that cutoff, reports 5-fold cross-validated
    AUC, lift and EMPC, then scores every customer at ``as_of``
    and ranks a retention list by expected gain (value = one-year CLV from the value section
    when present, else the last year's spend).

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.report._html import ReportContext
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> as_of = tx["date"].max().normalize() + __import__("pandas").Timedelta(days=1)
    >>> ctx = ReportContext(transactions=tx, summary=None, as_of=as_of)
    >>> report_section(ctx).n_figures
    1

    References
    ----------
    Verbraken, T., Verbeke, W. and Baesens, B. (2013). A novel profit maximizing metric for measuring
    classification performance of customer churn prediction models. *IEEE TKDE* 25(5), 961-973.
    """
    tx = ctx.transactions
    as_of = pd.Timestamp(ctx.as_of).normalize() + pd.Timedelta(days=1)
    span = (as_of - tx["date"].min().normalize()).days
    horizon = min(HORIZON_DAYS, span // 3)  # short logs: a third of the span for the label window
    if horizon < 7:
        return Section(
            "Churn and retention",
            paragraph(
                f"The log covers {span} days: too short to define churn (at least 21 days are needed, "
                f"so that a 7-day label window follows two weeks of history)."
            ),
        )
    cutoff = as_of - pd.Timedelta(days=horizon)
    history_end = cutoff - pd.Timedelta(days=1)  # the last day of history (as_of of the labels)
    labels = churn_labels(tx, history_end, f"{horizon}D", allow_incomplete=True)
    if labels.nunique() < 2 or labels.value_counts().min() < 10:
        return Section(
            "Churn and retention",
            paragraph(
                f"Churn over the {horizon} days after {cutoff:%Y-%m-%d}: {len(labels):,} customers known, "
                f"{int(labels.sum()):,} churned; too few of one class to fit a model."
            ),
        )
    train = churn_features(tx, history_end).join(labels, how="inner")
    X, y = train.drop(columns="churn"), train["churn"]
    model = ChurnModel("logistic", random_state=ctx.random_state)
    oof = model.cross_validate(X, y, n_splits=5)
    result = evaluate(y, oof)
    model.fit(X, y)
    now = churn_features(tx, as_of - pd.Timedelta(days=1))
    risk = model.predict_positive(now)
    clv = ctx.cache.get("clv")
    if isinstance(clv, pd.DataFrame) and "clv" in clv.columns:
        value = clv["clv"].reindex(risk.index).fillna(0.0)
        value_name = "one-year CLV (value section)"
    else:
        value = now["spend_180d"] * 2.0
        value_name = "spend of the last 180 days x 2"
    ranked = retention_list(risk, value)
    reasons = model.reason_codes(now.loc[ranked.index[:15]], top_n=2)
    ctx.cache["churn_risk"] = risk

    fig, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    axes[0].hist(risk, bins=30, color="#c0392b")
    axes[0].set_xlabel(f"P(churn in the next {horizon} days)")
    axes[0].set_ylabel("customers")
    axes[0].set_title("Churn risk today")
    result.plot(ax=axes[1], kind="gains")
    fig.tight_layout()
    text = (
        f"Churn = no purchase in the {horizon} days after {cutoff:%Y-%m-%d}; {len(y):,} customers "
        f"known at that date, {y.mean():.1%} churned. Logistic model on leakage-safe features (only "
        f"data before the cutoff), 5-fold cross-validation: AUC {result.measures['auc']:.3f}, top-decile "
        f"lift {result.measures['top_decile_lift']:.2f}, EMPC {result.measures['empc']:.2f} per customer "
        f"(target {result.measures['empc_fraction']:.1%}). Retention list: value = "
        f"{value_name}, success rate 0.3, incentive 10, contact cost 1."
    )
    top = ranked.head(15).join(reasons)
    return Section(
        "Churn and retention",
        paragraph(text)
        + table_html(result.summary())
        + figure_html(fig, alt="churn risk and gains")
        + "<h3>Gains by decile</h3>"
        + table_html(result.gains)
        + "<h3>Retention list (top 15)</h3>"
        + table_html(top),
        n_figures=1,
    )
