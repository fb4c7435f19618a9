"""Who is leaving: churn labels and leakage-safe features from transactions, the churn
classifier preset, profit-aware evaluation (MP, EMPC) and retention / win-back lists.

The general tools (:class:`~crmmine.classification.CustomerClassifier`,
:func:`~crmmine.classification.prepare_table`, AUC/KS/lift evaluation, decision
rules) live in :mod:`crmmine.classification`.
"""

from crmmine.churn.evaluate import ChurnEvaluation, empc, evaluate, maximum_profit, roc_convex_hull
from crmmine.churn.features import churn_features, rolling_snapshots
from crmmine.churn.labels import churn_labels
from crmmine.churn.models import ChurnModel
from crmmine.churn.retention import retention_list, winback_list

__all__ = [
    "ChurnEvaluation",
    "ChurnModel",
    "churn_features",
    "churn_labels",
    "empc",
    "evaluate",
    "maximum_profit",
    "retention_list",
    "roc_convex_hull",
    "rolling_snapshots",
    "winback_list",
]
