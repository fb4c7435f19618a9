"""What each customer is worth: buy-till-you-die models, CLV and holdout validation.

Transaction models (fitted on a customer summary's ``frequency``, ``recency``
and ``T``): :class:`BGNBD`, :class:`ParetoNBD`, :class:`MBGNBD`; for discrete
opportunities :class:`BGBB`; for spend :class:`GammaGamma`.  :func:`clv`
combines a transaction model and a spend model into discounted customer
lifetime value; :class:`MarkovCLV` values customers by recency state;
:func:`holdout_validation`, :func:`tracking` and :func:`period_transactions`
compare models with what customers did; :func:`alive_path` follows P(alive)
over time; fitted models are saved with ``model.save(path)`` and read back with
:func:`load_model`.
"""

from crmmine.value.alive import AlivePath, alive_path
from crmmine.value.bgbb import BGBB
from crmmine.value.bgnbd import BGNBD
from crmmine.value.clv import clv, per_unit_rate
from crmmine.value.gammagamma import GammaGamma
from crmmine.value.markov import MarkovCLV
from crmmine.value.mbgnbd import MBGNBD
from crmmine.value.paretonbd import ParetoNBD
from crmmine.value.persistence import load_model, save_model
from crmmine.value.plots import frequency_recency_matrix, plot_frequency_recency_matrix, plot_tracking
from crmmine.value.validation import (
    HoldoutValidation,
    PeriodTransactions,
    Tracking,
    expected_frequency_counts,
    holdout_validation,
    period_transactions,
    tracking,
)

__all__ = [
    "BGBB",
    "BGNBD",
    "MBGNBD",
    "AlivePath",
    "GammaGamma",
    "HoldoutValidation",
    "MarkovCLV",
    "ParetoNBD",
    "PeriodTransactions",
    "Tracking",
    "alive_path",
    "clv",
    "expected_frequency_counts",
    "frequency_recency_matrix",
    "holdout_validation",
    "load_model",
    "per_unit_rate",
    "period_transactions",
    "plot_frequency_recency_matrix",
    "plot_tracking",
    "save_model",
    "tracking",
]

# -- customer-value methods of the CRM texts (components, Dwyer, events, curves, economics,
#    contractual settings); appended here so the BTYD exports above stay untouched.
from crmmine.value.components import CLVComponents, clv_components, historical_value, peer_groups
from crmmine.value.contractual import (
    ShiftedBetaGeometric,
    subscription_lifetimes,
    survivors_from_subscriptions,
)
from crmmine.value.curves import CurveValidation, ValueCurves, curve_holdout_validation
from crmmine.value.dwyer import DwyerMigration, DwyerRetention, migration_clv, retention_clv
from crmmine.value.economics import max_acquisition_cost, new_customer_clv, retention_budget
from crmmine.value.events import event_rates, event_schedule_value, event_value

__all__ += [
    "CLVComponents",
    "CurveValidation",
    "DwyerMigration",
    "DwyerRetention",
    "ShiftedBetaGeometric",
    "ValueCurves",
    "clv_components",
    "curve_holdout_validation",
    "event_rates",
    "event_schedule_value",
    "event_value",
    "historical_value",
    "max_acquisition_cost",
    "migration_clv",
    "new_customer_clv",
    "peer_groups",
    "retention_budget",
    "retention_clv",
    "subscription_lifetimes",
    "survivors_from_subscriptions",
]
