"""Cross-selling and up-selling: frequent itemsets, association rules, recommendations, sequences.

Long CRM tables go in directly (no one-hot matrix): :func:`frequent_itemsets`
mines exact supports with a compiled Eclat engine into a
:class:`FrequentItemsets` result, :func:`association_rules` scores rules with
the arules/mlxtend measures and Fisher's exact test into an
:class:`AssociationRules` result, :func:`recommend` turns rules into
per-customer offers with an explanation, :func:`evaluate_recommendations`
measures them out of sample, :func:`sequential_rules` finds "after A, B within
N days" patterns, and the up-selling tools (:class:`UpsellModel`) find who is
likely to move to a higher-value product of the same category and which one
to offer.
"""

from crmmine.association.baskets import Baskets, make_baskets
from crmmine.association.catalog import online_retail_category, product_catalog
from crmmine.association.frequent import (
    FrequentItemsets,
    LargeOutputWarning,
    OutputTooLargeError,
    min_count_for,
)
from crmmine.association.itemsets import frequent_itemsets
from crmmine.association.measures import RULE_METRICS, rule_metrics
from crmmine.association.recommend import (
    RecommendationEvaluation,
    evaluate_recommendations,
    recommend,
)
from crmmine.association.rules import AssociationRules, association_rules
from crmmine.association.sequences import SequentialRules, sequential_rules
from crmmine.association.significance import adjust_pvalues, fisher_pvalues
from crmmine.association.upsell import (
    UpsellEvaluation,
    UpsellModel,
    evaluate_upsell,
    upsell_features,
    upsell_labels,
)

__all__ = [
    "RULE_METRICS",
    "AssociationRules",
    "Baskets",
    "FrequentItemsets",
    "LargeOutputWarning",
    "OutputTooLargeError",
    "RecommendationEvaluation",
    "SequentialRules",
    "UpsellEvaluation",
    "UpsellModel",
    "adjust_pvalues",
    "association_rules",
    "evaluate_recommendations",
    "evaluate_upsell",
    "fisher_pvalues",
    "frequent_itemsets",
    "make_baskets",
    "min_count_for",
    "online_retail_category",
    "product_catalog",
    "recommend",
    "rule_metrics",
    "sequential_rules",
    "upsell_features",
    "upsell_labels",
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
