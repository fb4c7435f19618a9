"""Who is valuable: RFM scores and segments, ABC tiers and concentration, grading (value tiers,
presets, the customer pyramid, the value matrix), lifecycle stages, transitions and actions,
and customer clusters on numeric or mixed attributes.

Everything takes the customer summary (``crmmine.customer_summary``) or a customer table, or
transactions where history matters (:func:`lifecycle_stages`), and returns a table indexed by
customer id or a result object (``to_frame``, ``summary``, ``plot``). Labels can be shown in
Chinese with ``locale="zh"``; their codes are the same in both languages.
"""

from crmmine.segmentation import _labels  # noqa: F401  (registers the Chinese labels)
from crmmine.segmentation.abc import Concentration, abc_tiers, concentration, count_tiers, tier_summary
from crmmine.segmentation.clustering import ClusterResult, cluster_customers
from crmmine.segmentation.lifecycle import (
    LIFECYCLE_PRESETS,
    STAGES,
    StageTransitions,
    assign_actions,
    lifecycle_stages,
    lifecycle_transitions,
    stage_actions,
)
from crmmine.segmentation.mixed import cluster_mixed, gower_distances
from crmmine.segmentation.plots import plot_cluster_profiles, plot_pareto, plot_rf_heatmap, plot_segments
from crmmine.segmentation.profile import customer_profile
from crmmine.segmentation.rfm import RFMScorer, rfm_group_sizes, rfm_scores
from crmmine.segmentation.segments import PRESETS, SegmentTable, SegmentTableReport, rfm_segments
from crmmine.segmentation.tiers import GRADE_PRESETS, Override, customer_pyramid, value_matrix, value_tiers

__all__ = [
    "GRADE_PRESETS",
    "LIFECYCLE_PRESETS",
    "PRESETS",
    "STAGES",
    "ClusterResult",
    "Concentration",
    "Override",
    "RFMScorer",
    "SegmentTable",
    "SegmentTableReport",
    "StageTransitions",
    "abc_tiers",
    "assign_actions",
    "cluster_customers",
    "cluster_mixed",
    "concentration",
    "count_tiers",
    "customer_profile",
    "customer_pyramid",
    "gower_distances",
    "lifecycle_stages",
    "lifecycle_transitions",
    "plot_cluster_profiles",
    "plot_pareto",
    "plot_rf_heatmap",
    "plot_segments",
    "rfm_group_sizes",
    "rfm_scores",
    "rfm_segments",
    "stage_actions",
    "tier_summary",
    "value_matrix",
    "value_tiers",
]
