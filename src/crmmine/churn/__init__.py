"""Who is leaving: churn labels and leakage-safe features from transactions, customer
classifiers (churn as the preset), profit-aware evaluation (AUC, lift, MP, EMPC) and
retention / win-back lists."""

from crmmine.churn.evaluate import (
    ChurnEvaluation,
    empc,
    evaluate,
    gains_table,
    maximum_profit,
    roc_convex_hull,
)
from crmmine.churn.features import churn_features, rolling_snapshots
from crmmine.churn.labels import churn_labels
from crmmine.churn.models import ChurnModel, CustomerClassifier, prepare_table
from crmmine.churn.retention import retention_list, winback_list

__all__ = [
    "ChurnEvaluation",
    "ChurnModel",
    "CustomerClassifier",
    "churn_features",
    "churn_labels",
    "empc",
    "evaluate",
    "gains_table",
    "maximum_profit",
    "prepare_table",
    "retention_list",
    "roc_convex_hull",
    "rolling_snapshots",
    "winback_list",
]
