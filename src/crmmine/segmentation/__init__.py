"""Who is valuable: RFM scores and segments, ABC tiers and concentration, value tiers,
lifecycle stages and customer clusters.

Everything takes the customer summary (``crmmine.customer_summary``), or transactions where
history matters (:func:`lifecycle_stages`), and returns a DataFrame indexed by customer id.
"""

from crmmine.segmentation.abc import Concentration, abc_tiers, concentration, count_tiers
from crmmine.segmentation.clustering import ClusterResult, cluster_customers
from crmmine.segmentation.lifecycle import STAGES, lifecycle_stages
from crmmine.segmentation.plots import plot_cluster_profiles, plot_pareto, plot_rf_heatmap, plot_segments
from crmmine.segmentation.profile import customer_profile
from crmmine.segmentation.rfm import RFMScorer, rfm_scores
from crmmine.segmentation.segments import PRESETS, SegmentTable, SegmentTableReport, rfm_segments
from crmmine.segmentation.tiers import Override, value_matrix, value_tiers

__all__ = [
    "PRESETS",
    "STAGES",
    "ClusterResult",
    "Concentration",
    "Override",
    "RFMScorer",
    "SegmentTable",
    "SegmentTableReport",
    "abc_tiers",
    "cluster_customers",
    "concentration",
    "count_tiers",
    "customer_profile",
    "lifecycle_stages",
    "plot_cluster_profiles",
    "plot_pareto",
    "plot_rf_heatmap",
    "plot_segments",
    "rfm_scores",
    "rfm_segments",
    "value_matrix",
    "value_tiers",
]
