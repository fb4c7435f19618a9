"""Customer classification: who will churn, buy, default or respond.

General tools shared by the churn, credit and response questions:

- :func:`prepare_table`: a customer table with a target column as the public datasets
  come (Yes/No targets, numbers stored as text, identifier columns);
- :class:`CustomerClassifier`: a calibrated scikit-learn classifier on mixed columns
  (logistic regression, random forest, gradient boosting) with reason codes;
- :class:`DecisionRules`: a pruned decision tree whose leaves read as IF ... THEN rules
  with support, confidence and lift;
- :func:`evaluate`: AUC, Gini, KS, average precision, Brier score, gains and lift.

Churn-specific parts (labels and features from transactions, profit measures,
retention lists) live in :mod:`crmmine.churn`.
"""

from crmmine.classification.classifier import CustomerClassifier
from crmmine.classification.decision_rules import DecisionRules, DecisionRuleSet
from crmmine.classification.evaluate import ClassificationEvaluation, evaluate, gains_table, ks_statistic
from crmmine.classification.prepare import prepare_table

__all__ = [
    "ClassificationEvaluation",
    "CustomerClassifier",
    "DecisionRuleSet",
    "DecisionRules",
    "evaluate",
    "gains_table",
    "ks_statistic",
    "prepare_table",
]
