"""The satisfaction-survey section of the HTML report, built from a fitted PLS path model."""

from __future__ import annotations

import matplotlib.pyplot as plt

from crmmine.report._html import Section, figure_html, paragraph, table_html
from crmmine.survey import PLSPathModel, importance_performance, satisfaction_loyalty

__all__ = ["survey_section"]


def survey_section(model: PLSPathModel, *, satisfaction: str = "Satisfaction",
                   loyalty: str | None = "Loyalty",
                   title: str = "Customer satisfaction") -> Section:
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
    model._check_fitted()
    ipa = importance_performance(model, satisfaction)
    with_loyalty = loyalty is not None and loyalty in model.latent_
    fig, axes = plt.subplots(1, 2 if with_loyalty else 1, figsize=(11 if with_loyalty else 5.5, 4.3))
    axes = list(axes) if with_loyalty else [axes]
    ipa.plot(ax=axes[0])
    n = len(model.scores_)
    text = (
        f"PLS path model on {n:,} respondents ({len(model.latent_)} latent variables, scheme "
        f"{model.scheme!r}). {satisfaction} index {model.index_[satisfaction]:.1f} on 0-100, R-squared "
        f"{model.r_squared_.get(satisfaction, float('nan')):.2f}. The strongest driver of {satisfaction} "
        f"is {ipa.table.index[0]} (total effect {ipa.table['importance'].iloc[0]:.2f} index points "
        "per point)."
    )
    html = paragraph(text)
    for note in model.warnings_:
        html += paragraph(note, css_class="warning")
    html += "<h3>Indices and measurement quality</h3>" + table_html(model.summary())
    html += "<h3>Path coefficients</h3>" + table_html(model.paths_)
    if with_loyalty:
        quadrants = satisfaction_loyalty(model, satisfaction=satisfaction, loyalty=loyalty)
        quadrants.plot(ax=axes[1])
        trap = quadrants.summary().loc["mercenary"]
        html += paragraph(
            f"Satisfaction trap: {int(trap['respondents']):,} respondents ({trap['share']:.1%}) "
            "are satisfied "
            f"({satisfaction} index at least {quadrants.satisfied:g}) but not loyal ({loyalty} below "
            f"{quadrants.loyal:g})."
        )
        html += table_html(quadrants.summary())
    fig.tight_layout()
    html += "<h3>Importance-performance map</h3>" + table_html(ipa.table)
    html += figure_html(fig, alt="importance-performance map and satisfaction-loyalty quadrants")
    return Section(title, html, n_figures=1)
