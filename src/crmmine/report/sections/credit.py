"""The credit-scorecard section of the HTML report, built from a fitted scorecard."""

from __future__ import annotations

import matplotlib.pyplot as plt

from crmmine.credit import CreditEvaluation, Scorecard, StabilityResult
from crmmine.errors import ParameterError
from crmmine.report._html import Section, figure_html, paragraph, table_html

__all__ = ["credit_section"]


def credit_section(scorecard: Scorecard, evaluation: CreditEvaluation, *,
                   stability: StabilityResult | None = None, title: str = "Credit scorecard") -> Section:
    """Build the "Credit scorecard" section from a fitted scorecard and its holdout evaluation.

    Shows the holdout KS, AUC and Gini, the characteristics with their information values and
    why the others were left out, the grades with their default rates, the KS and ROC curves,
    the points table, and (when given) the population stability of the scores.

    Parameters
    ----------
    scorecard : Scorecard
        Fitted on the development sample.
    evaluation : CreditEvaluation
        ``scorecard.evaluate(X_holdout, y_holdout)``.
    stability : StabilityResult, optional
        ``population_stability(points_dev, points_recent)``.

    Returns
    -------
    Section

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from crmmine.credit import Scorecard
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"debt": rng.uniform(size=2000), "age": rng.integers(20, 70, 2000)})
    >>> y = pd.Series((rng.uniform(size=2000) < 0.1 + 0.4 * X["debt"]).astype(int))
    >>> card = Scorecard().fit(X, y)
    >>> credit_section(card, card.evaluate(X, y)).n_figures
    1

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards*. Wiley.
    """
    scorecard._check_fitted()
    if not isinstance(evaluation, CreditEvaluation):
        raise ParameterError("evaluation must be a CreditEvaluation, e.g. scorecard.evaluate(X_holdout, y).")
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    evaluation.plot(ax=axes[0], kind="ks")
    evaluation.plot(ax=axes[1], kind="roc")
    fig.tight_layout()
    grades = scorecard.grade_table_.copy()
    text = (
        f"Logistic scorecard on {len(scorecard.variables_)} characteristics (weight-of-evidence bins, "
        f"information value at least {scorecard.min_iv:g}, WoE correlation below "
        f"{scorecard.max_correlation:g}). Points: {scorecard.base_points:g} at good:bad odds of "
        f"{scorecard.base_odds:g}, {scorecard.pdo:g} points to double the odds; more points = safer. "
        f"Holdout of {evaluation.n:,} applications ({evaluation.n_bad:,} bad): KS {evaluation.ks:.3f}, "
        f"AUC {evaluation.auc:.3f}, Gini {evaluation.gini:.3f}."
    )
    html = paragraph(text)
    for note in scorecard.warnings_:
        html += paragraph(note, css_class="warning")
    html += "<h3>Characteristics</h3>" + table_html(scorecard.selection_.table, max_rows=30)
    html += "<h3>Grades (development sample)</h3>" + table_html(grades)
    html += figure_html(fig, alt="KS and ROC curves on the holdout")
    if stability is not None:
        html += paragraph(
            f"Population stability of the scores: PSI {stability.psi:.3f} ({stability.band}; below 0.1 "
            "stable, 0.1 to 0.25 a moderate shift, 0.25 or more a significant shift)."
        )
    html += "<h3>Points table</h3>" + table_html(scorecard.points_table_, max_rows=60)
    return Section(title, html, n_figures=1)
