"""The satisfaction-survey section of the HTML report, built from a fitted PLS path model."""

from __future__ import annotations

import pandas as pd

from crmmine._html import figure_html, paragraph
from crmmine.errors import ParameterError
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import show_table, t
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading
from crmmine.survey import PLSPathModel, importance_performance, satisfaction_loyalty

__all__ = ["report_section", "survey_section"]


def survey_section(model: PLSPathModel, *, satisfaction: str = "Satisfaction",
                   loyalty: str | None = "Loyalty", title: str | None = None,
                   locale: str = "en") -> Section:
    """Build the "Customer satisfaction" section from a fitted satisfaction model.

    Shows the 0-100 indices with R-squared and reliability, the path coefficients (with their
    bootstrap intervals when the model has them), the importance-performance map of the drivers
    of ``satisfaction`` and, when ``loyalty`` is a latent variable, the satisfaction-loyalty
    quadrants with the size of the satisfaction trap.

    Examples
    --------
    >>> from crmmine.survey import PLSPathModel, make_survey
    >>> s = make_survey(300, random_state=0)
    >>> survey_section(PLSPathModel(s.blocks, s.paths, scale=(1, 10)).fit(s.data)).n_figures
    1

    References
    ----------
    Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M. and Lauro, C. (2005). PLS path modeling.
    *Computational Statistics & Data Analysis* 48(1), 159-205.
    """
    import matplotlib.pyplot as plt

    model._check_fitted()
    loc = locale
    fl = figure_locale(loc)
    ipa = importance_performance(model, satisfaction)
    with_loyalty = loyalty is not None and loyalty in model.latent_
    with figure_style(fl):
        fig, axes = plt.subplots(1, 2 if with_loyalty else 1, figsize=(11 if with_loyalty else 5.5, 4.3))
    axes = list(axes) if with_loyalty else [axes]
    ipa.plot(ax=axes[0])
    n = len(model.scores_)
    text = t(
        "PLS path model on {n:,} respondents ({k} latent variables, scheme {scheme!r}). {sat} index "
        "{index:.1f} on 0-100, R-squared {r2:.2f}. The strongest driver of {sat} is {driver} (total effect "
        "{effect:.2f} index points per point).", loc, n=n, k=len(model.latent_), scheme=model.scheme,
        sat=satisfaction, index=model.index_[satisfaction],
        r2=model.r_squared_.get(satisfaction, float("nan")), driver=ipa.table.index[0],
        effect=ipa.table["importance"].iloc[0])
    html = paragraph(text)
    for message in model.warnings_:
        html += paragraph(message, css_class="warning")
    html += heading(t("Indices and measurement quality", loc)) + show_table(model.summary(), loc)
    html += heading(t("Path coefficients", loc)) + show_table(model.paths_, loc)
    if with_loyalty:
        quadrants = satisfaction_loyalty(model, satisfaction=satisfaction, loyalty=loyalty)
        quadrants.plot(ax=axes[1])
        trap = quadrants.summary().loc["mercenary"]
        html += paragraph(t(
            "Satisfaction trap: {n:,} respondents ({share:.1%}) are satisfied ({sat} index at least "
            "{satisfied:g}) but not loyal ({loyal_name} below {loyal:g}).", loc, n=int(trap["respondents"]),
            share=trap["share"], sat=satisfaction, satisfied=quadrants.satisfied, loyal_name=loyalty,
            loyal=quadrants.loyal))
        html += show_table(quadrants.summary(), loc)
    fig.tight_layout()
    html += heading(t("Importance-performance map", loc)) + show_table(ipa.table, loc)
    html += figure_html(fig, alt=t("importance-performance map and satisfaction-loyalty quadrants", loc))
    return Section(title or t("Customer satisfaction", loc), html, n_figures=1, key="survey")


def report_section(ctx: ReportContext) -> Section:
    """The satisfaction section from ``ctx.survey``: a fitted :class:`crmmine.survey.PLSPathModel`,
    or a survey table (one row per respondent) in the ECSI layout of
    :data:`crmmine.survey.ECSI_BLOCKS` (``IMAG1``..``CUSL3``), fitted here with the ECSI model on the
    answer scale ``ctx.survey_scale`` (default: the observed range)."""
    survey = ctx.survey
    if survey is None:
        raise ParameterError("the survey section needs survey= (--survey FILE).")
    if isinstance(survey, pd.DataFrame):
        survey = PLSPathModel(scale=ctx.survey_scale, random_state=ctx.settings.random_state).fit(survey)
    return survey_section(survey, locale=ctx.locale)
