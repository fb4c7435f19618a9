"""Cross-selling: frequent itemsets, association rules, recommendations and sequential rules.

Long CRM tables go in directly (no one-hot matrix): :func:`frequent_itemsets`
mines exact supports with a compiled Eclat engine, :func:`association_rules`
scores rules with the arules/mlxtend measures and Fisher's exact test,
:func:`recommend` turns rules into per-customer offers with an explanation,
:func:`evaluate_recommendations` measures them out of sample, and
:func:`sequential_rules` finds "after A, B within N days" patterns.
"""

from crmmine.association.baskets import Baskets, make_baskets
from crmmine.association.itemsets import (
    LargeOutputWarning,
    OutputTooLargeError,
    frequent_itemsets,
    min_count_for,
)
from crmmine.association.recommend import (
    RecommendationEvaluation,
    evaluate_recommendations,
    recommend,
)
from crmmine.association.rules import RULE_METRICS, association_rules, rule_metrics
from crmmine.association.sequences import SequentialRules, sequential_rules
from crmmine.association.significance import adjust_pvalues, fisher_pvalues

__all__ = [
    "RULE_METRICS",
    "Baskets",
    "LargeOutputWarning",
    "OutputTooLargeError",
    "RecommendationEvaluation",
    "SequentialRules",
    "adjust_pvalues",
    "association_rules",
    "evaluate_recommendations",
    "fisher_pvalues",
    "frequent_itemsets",
    "make_baskets",
    "min_count_for",
    "recommend",
    "rule_metrics",
    "sequential_rules",
]

# Sequential patterns (general miner, rules and next-purchase recommendations)
from crmmine.association.sequence_recommend import (
    NextPurchaseEvaluation,
    NextPurchaseRecommender,
    evaluate_next_purchase,
    recommend_next,
)
from crmmine.association.sequential_patterns import (
    SequentialPatternRules,
    SequentialPatterns,
    sequential_pattern_rules,
    sequential_patterns,
)

__all__ += [
    "NextPurchaseEvaluation",
    "NextPurchaseRecommender",
    "SequentialPatternRules",
    "SequentialPatterns",
    "evaluate_next_purchase",
    "recommend_next",
    "sequential_pattern_rules",
    "sequential_patterns",
]
