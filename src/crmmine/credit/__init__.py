"""Credit scorecards: weight-of-evidence binning, information values, scorecards, stability.

The pieces follow Siddiqi (2006): :class:`WOEBinning` bins each characteristic (optbinning's
optimal binning, or the analyst's own splits) and gives weights of evidence and information
values; :func:`select_variables` keeps the informative, weakly correlated ones;
:class:`Scorecard` fits the logistic regression and scales it to points, grades and reason
codes; :func:`evaluate_scorecard` gives KS, AUC and Gini on a holdout; and
:func:`population_stability` / :func:`characteristic_stability` watch for drift.
"""

from crmmine.credit.binning import IV_BANDS, WOEBinning, iv_strength
from crmmine.credit.evaluation import CreditEvaluation, evaluate_scorecard
from crmmine.credit.scorecard import Scorecard
from crmmine.credit.selection import VariableSelection, select_variables
from crmmine.credit.stability import (
    PSI_BANDS,
    StabilityResult,
    characteristic_stability,
    population_stability,
    psi_band,
)

__all__ = [
    "CreditEvaluation",
    "IV_BANDS",
    "PSI_BANDS",
    "Scorecard",
    "StabilityResult",
    "VariableSelection",
    "WOEBinning",
    "characteristic_stability",
    "evaluate_scorecard",
    "iv_strength",
    "population_stability",
    "psi_band",
    "select_variables",
]
