"""Who is cheating: outlier scores with one-sided reasons, unusual orders, card and call fraud
features with alert budgets, electricity-theft detection from meter readings and the unbilled
energy of suspected thieves."""

from crmmine.anomaly.alerts import BudgetMetrics, alert_budget, budget_metrics
from crmmine.anomaly.balance import FEEDER_INPUT_ROLES, transformer_balance
from crmmine.anomaly.calls import (
    CALL_DIRECTIONS,
    CALL_PATTERNS,
    CALL_ROLES,
    CallData,
    call_features,
    call_fraud_scores,
    make_call_records,
)
from crmmine.anomaly.cards import (
    CARD_DIRECTIONS,
    CARD_GROUPS,
    CARD_PATTERNS,
    CARD_ROLES,
    CardData,
    card_features,
    card_fraud_scores,
    make_card_transactions,
)
from crmmine.anomaly.detectors import (
    DIRECTIONS,
    METHODS,
    directional,
    outlier_scores,
    reasons,
    robust_z,
    select,
)
from crmmine.anomaly.evaluation import inspection_metrics
from crmmine.anomaly.fraud import fraud_scores, tail_surprise
from crmmine.anomaly.meters import ATTACKS, CONFOUNDERS, MeterData, inject_theft, make_meter_readings
from crmmine.anomaly.readings import METER_ROLES, ONE_GROUP, MeterMatrix, meter_matrix
from crmmine.anomaly.theft import THEFT_DIRECTIONS, TheftDetector, TheftScores, meter_features, theft_scores
from crmmine.anomaly.transactions import CUSTOMER_DIRECTIONS, customer_anomalies, transaction_anomalies
from crmmine.anomaly.unbilled import unbilled_energy

__all__ = [
    "ATTACKS",
    "BudgetMetrics",
    "CALL_DIRECTIONS",
    "CALL_PATTERNS",
    "CALL_ROLES",
    "CARD_DIRECTIONS",
    "CUSTOMER_DIRECTIONS",
    "CARD_GROUPS",
    "CARD_PATTERNS",
    "CARD_ROLES",
    "CONFOUNDERS",
    "CallData",
    "CardData",
    "DIRECTIONS",
    "FEEDER_INPUT_ROLES",
    "METER_ROLES",
    "METHODS",
    "MeterData",
    "MeterMatrix",
    "ONE_GROUP",
    "THEFT_DIRECTIONS",
    "TheftDetector",
    "TheftScores",
    "alert_budget",
    "budget_metrics",
    "call_features",
    "call_fraud_scores",
    "card_features",
    "card_fraud_scores",
    "customer_anomalies",
    "directional",
    "fraud_scores",
    "inject_theft",
    "inspection_metrics",
    "make_call_records",
    "make_card_transactions",
    "make_meter_readings",
    "meter_features",
    "meter_matrix",
    "outlier_scores",
    "reasons",
    "robust_z",
    "select",
    "tail_surprise",
    "theft_scores",
    "transaction_anomalies",
    "transformer_balance",
    "unbilled_energy",
]
