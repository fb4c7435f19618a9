"""Who is cheating: outlier scores with reasons, per-transaction anomalies, electricity-theft
detection from meter readings and the unbilled energy of suspected thieves."""

from crmmine.anomaly.consumption import meter_features, theft_scores, transformer_balance
from crmmine.anomaly.detectors import METHODS, outlier_scores, reasons, robust_z, select
from crmmine.anomaly.evaluation import inspection_metrics
from crmmine.anomaly.meters import ATTACKS, MeterData, inject_theft, make_meter_readings, readings_matrix
from crmmine.anomaly.transactions import transaction_anomalies
from crmmine.anomaly.unbilled import unbilled_energy

__all__ = [
    "ATTACKS",
    "METHODS",
    "MeterData",
    "inject_theft",
    "inspection_metrics",
    "make_meter_readings",
    "meter_features",
    "outlier_scores",
    "readings_matrix",
    "reasons",
    "robust_z",
    "select",
    "theft_scores",
    "transaction_anomalies",
    "transformer_balance",
    "unbilled_energy",
]
