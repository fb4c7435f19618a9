"""The credit-scorecard section of the HTML report, built from a fitted scorecard or from an
applications table with its outcome."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine._html import figure_html, paragraph
from crmmine.credit import CreditEvaluation, Scorecard, StabilityResult, population_stability
from crmmine.errors import DataError, ParameterError, SchemaError
from crmmine.report._figures import figure_locale, figure_style
from crmmine.report._text import show_table, t
from crmmine.report.context import ReportContext, Section
from crmmine.report.sections._util import heading

__all__ = ["HOLDOUT_SHARE", "coded_target", "credit_section", "report_section", "split_applications"]

#: Share of the applications kept out of the scorecard's development (stratified by outcome).
HOLDOUT_SHARE = 1 / 3


def credit_section(scorecard: Scorecard, evaluation: CreditEvaluation, *,
                   stability: StabilityResult | None = None, title: str | None = None,
                   locale: str = "en") -> Section:
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
    title : str, optional
        Heading (default "Credit scorecard" in ``locale``).
    locale : {"en", "zh"}

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
    import matplotlib.pyplot as plt

    scorecard._check_fitted()
    if not isinstance(evaluation, CreditEvaluation):
        raise ParameterError("evaluation must be a CreditEvaluation, e.g. scorecard.evaluate(X_holdout, y).")
    loc = locale
    fl = figure_locale(loc)
    with figure_style(fl):
        fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
        evaluation.plot(ax=axes[0], kind="ks")
        evaluation.plot(ax=axes[1], kind="roc")
        fig.tight_layout()
    grades = scorecard.grade_table_.copy()
    text = t(
        "Logistic scorecard on {k} characteristics (weight-of-evidence bins, information value at least "
        "{min_iv:g}, WoE correlation below {max_corr:g}). Points: {base:g} at good:bad odds of {odds:g}, "
        "{pdo:g} points to double the odds; more points = safer. Holdout of {n:,} applications ({bad:,} "
        "bad): KS {ks:.3f}, AUC {auc:.3f}, Gini {gini:.3f}.", loc, k=len(scorecard.variables_),
        min_iv=scorecard.min_iv, max_corr=scorecard.max_correlation, base=scorecard.base_points,
        odds=scorecard.base_odds, pdo=scorecard.pdo, n=evaluation.n, bad=evaluation.n_bad, ks=evaluation.ks,
        auc=evaluation.auc, gini=evaluation.gini)
    html = paragraph(text)
    for message in scorecard.warnings_:
        html += paragraph(message, css_class="warning")
    html += heading(t("Characteristics", loc)) + show_table(scorecard.selection_.table, loc, max_rows=30)
    html += heading(t("Grades (development sample)", loc)) + show_table(grades, loc)
    html += figure_html(fig, alt=t("KS and ROC curves on the holdout", loc))
    if stability is not None:
        html += paragraph(t(
            "Population stability of the scores: PSI {psi:.3f} ({band}; below 0.1 stable, 0.1 to 0.25 a "
            "moderate shift, 0.25 or more a significant shift).", loc, psi=stability.psi,
            band=stability.band))
    html += heading(t("Points table", loc)) + show_table(scorecard.points_table_, loc, max_rows=60)
    return Section(title or t("Credit scorecard", loc), html, n_figures=1, key="credit")


def coded_target(applications: pd.DataFrame, target: str, bad_value: Any = None) -> pd.Series:
    """The outcome column as 0/1 (1 = bad): already 0/1, or 1 where it equals ``bad_value``.

    Examples
    --------
    >>> import pandas as pd
    >>> coded_target(pd.DataFrame({"y": ["good", "bad"]}), "y", bad_value="bad").tolist()
    [0, 1]
    """
    if target not in applications.columns:
        raise SchemaError(
            f"target column {target!r} is not in the applications table (columns: "
            f"{', '.join(map(str, applications.columns[:12]))}). Fix: pass target='<column>' "
            "(--target COLUMN) naming the outcome column."
        )
    y = applications[target]
    if bad_value is not None:
        return (y.astype(str) == str(bad_value)).astype(int).rename(target)
    values = set(pd.unique(y.dropna()))
    if y.isna().any() or not values <= {0, 1}:
        examples = sorted(map(str, values - {0, 1}))[:5]
        raise DataError(
            f"column {target!r}: the outcome must be 1 = bad (defaulted) and 0 = good, found "
            f"{examples or ['missing values']}. Fix: code it as 0/1, e.g. "
            f"(df[{target!r}] == 'bad').astype(int), "
            "or on the command line name the bad label with --bad-value LABEL."
        )
    return y.astype(int)


def split_applications(applications: pd.DataFrame, target: str, *, bad_value: Any = None,
                       random_state: int = 0) -> tuple[pd.DataFrame, pd.Series, pd.DataFrame, pd.Series]:
    """Development and holdout samples (:data:`HOLDOUT_SHARE` out, stratified by outcome, seeded).

    Examples
    --------
    >>> import pandas as pd
    >>> apps = pd.DataFrame({"x": range(30), "bad": [0, 1, 0] * 10})
    >>> X_dev, y_dev, X_hold, y_hold = split_applications(apps, "bad")
    >>> len(X_hold), int(y_hold.sum())
    (10, 3)
    """
    y = coded_target(applications, target, bad_value)
    X = applications.drop(columns=target)
    rng = np.random.default_rng(random_state)
    holdout = pd.Series(False, index=X.index)
    for value in (0, 1):
        members = np.flatnonzero(y.to_numpy() == value)
        n_out = round(len(members) * HOLDOUT_SHARE)
        holdout.iloc[rng.choice(members, size=n_out, replace=False)] = True
    keep = ~holdout.to_numpy()
    return X[keep], y[keep], X[~keep], y[~keep]


def report_section(ctx: ReportContext) -> Section:
    """The credit section from ``ctx.applications`` (one row per application) and ``ctx.target``.

    A :class:`crmmine.credit.Scorecard` is developed on two thirds of the applications (split
    stratified by outcome with ``settings.random_state``) and evaluated on the other third; the
    population stability compares the two samples' points.
    """
    if ctx.applications is None or ctx.target is None:
        raise ParameterError("the credit section needs applications= and target= (--applications FILE "
                             "--target COLUMN).")
    X_dev, y_dev, X_hold, y_hold = split_applications(
        ctx.applications, ctx.target, random_state=ctx.settings.random_state)
    card = Scorecard().fit(X_dev, y_dev)
    evaluation = card.evaluate(X_hold, y_hold)
    stability = population_stability(card.points(X_dev), card.points(X_hold))
    section = credit_section(card, evaluation, stability=stability, locale=ctx.locale)
    intro = paragraph(t(
        "{n:,} applications ({bad:,} bad, target column {target!r}): the scorecard is developed on {dev:,} "
        "and evaluated on a holdout of {hold:,} (a third, stratified by outcome, seed {seed}).", ctx.locale,
        n=len(ctx.applications), bad=int(y_dev.sum() + y_hold.sum()), target=ctx.target, dev=len(X_dev),
        hold=len(X_hold), seed=ctx.settings.random_state))
    section.html = intro + section.html
    return section
