"""Bad input at public functions that had no case elsewhere in tests/bad_input.

Each case asserts a crmmine error that names the parameter or column and says the fix, and that
the table passed in is left as it was.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine import anomaly, association, churn, classification, credit, segmentation, survey, value
from crmmine.errors import CRMMineError, DataError, NotFittedError, ParameterError, SchemaError


def _table() -> pd.DataFrame:
    return pd.DataFrame({"x": ["a", "b", "c"]}, index=pd.Index([1, 2, 3], name="customer_id"))


LABELS = pd.Series([0, 1, 1], index=[1, 2, 3])
OTHER_IDS = pd.Series([0.1, 0.2, 0.3], index=[7, 8, 9])

CASES = [
    # (id, call on the table, error, pattern naming the column/parameter and the fix)
    ("tier_summary", lambda t: segmentation.tier_summary(t), SchemaError, r"'tier'.*Fix"),
    ("assign_actions", lambda t: segmentation.assign_actions(t), SchemaError, r"'stage'.*Fix"),
    ("rfm_group_sizes", lambda t: segmentation.rfm_group_sizes(t), SchemaError, r"'R'.*Fix"),
    ("plot_pareto", lambda t: segmentation.plot_pareto(t["x"]), DataError, r"numbers.*Fix"),
    ("lifecycle_transitions", lambda t: segmentation.lifecycle_transitions(t, ["2020-01-01"]),
     ParameterError, r"dates must be a list of at least two dates"),
    ("stage_actions", lambda t: segmentation.stage_actions("nope"), ParameterError, r"'preset'"),
    ("peer_groups", lambda t: value.peer_groups(t), SchemaError, r"'frequency'.*Fix"),
    ("save_model", lambda t: value.save_model(value.BGNBD(), "unused.json"), NotFittedError, r"Fix"),
    ("migration_clv", lambda t: value.migration_clv([1.5, 0.2], 40, annual_discount_rate=0.1),
     ParameterError, r"purchase_probabilities.*\[0, 1\]"),
    ("retention_clv", lambda t: value.retention_clv(100, 1.5, horizon=3, annual_discount_rate=0.1),
     ParameterError, r"retention.*1.5"),
    ("adjust_pvalues", lambda t: association.adjust_pvalues([0.1, 2.0]), ParameterError,
     r"not p-values in \[0, 1\].*Fix"),
    ("fisher_pvalues", lambda t: association.fisher_pvalues([-1], [2], [2], 10), ParameterError,
     r"impossible basket counts.*n_ac=-1.*Fix"),
    ("rule_metrics", lambda t: association.rule_metrics([5], [2], [6], 10), ParameterError,
     r"impossible basket counts.*n_ac=5.*Fix"),
    ("make_baskets", lambda t: association.make_baskets(t), SchemaError, r"'item'.*Fix"),
    ("min_count_for", lambda t: association.min_count_for(1.5, 10), ParameterError, r"'min_support'.*Fix"),
    ("card_fraud_scores", lambda t: anomaly.card_fraud_scores(t), SchemaError, r"'customer_id'.*Fix"),
    ("call_fraud_scores", lambda t: anomaly.call_fraud_scores(t), SchemaError, r"'customer_id'.*Fix"),
    ("customer_anomalies", lambda t: anomaly.customer_anomalies(t), SchemaError, r"'orders'.*Fix"),
    ("transaction_anomalies", lambda t: anomaly.transaction_anomalies(t), SchemaError,
     r"'customer_id'.*Fix"),
    ("inject_theft", lambda t: anomaly.inject_theft(t), SchemaError, r"'kwh'.*Fix"),
    ("inspection_metrics", lambda t: anomaly.inspection_metrics(LABELS, OTHER_IDS), DataError,
     r"y_score and y_true do not have the same ids"),
    ("reasons", lambda t: anomaly.reasons(t), SchemaError, r"\['x'\] are not numeric.*Fix"),
    ("empc", lambda t: churn.empc(LABELS, OTHER_IDS), DataError, r"do not have the same ids"),
    ("maximum_profit", lambda t: churn.maximum_profit(pd.Series([1, 1, 1]), pd.Series([0.1, 0.2, 0.3])),
     DataError, r"one class only.*Fix"),
    ("roc_convex_hull", lambda t: churn.roc_convex_hull(LABELS, OTHER_IDS), DataError,
     r"do not have the same ids"),
    ("rolling_snapshots", lambda t: churn.rolling_snapshots(t, ["2020-01-01"]), SchemaError,
     r"'customer_id'.*Fix"),
    ("gains_table", lambda t: classification.gains_table(LABELS, OTHER_IDS), DataError,
     r"do not have the same ids"),
    ("ks_statistic", lambda t: classification.ks_statistic(t["x"], np.array([0.1, 0.2, 0.3])),
     DataError, r"'x'.*labels other than 0 and 1.*Fix"),
    ("characteristic_stability", lambda t: credit.characteristic_stability(credit.Scorecard(), t, t),
     NotFittedError, r"Fix"),
    ("iv_strength", lambda t: credit.iv_strength(-1.0), ParameterError, r"iv_strength.*>= 0.*Fix"),
    ("psi_band", lambda t: credit.psi_band(float("nan")), ParameterError, r"psi_band.*>= 0.*Fix"),
    ("select_variables", lambda t: credit.select_variables(t, LABELS), ParameterError, r"'binning'"),
    ("importance_performance", lambda t: survey.importance_performance(t), ParameterError, r"'model'"),
    ("satisfaction_loyalty", lambda t: survey.satisfaction_loyalty(t), ParameterError, r"'model'"),
    ("make_transactions", lambda t: cm.make_transactions(-5), ParameterError, r"'n_customers'"),
    ("time_unit_days", lambda t: cm.data.time_unit_days("fortnight"), ParameterError,
     r"unknown time unit 'fortnight'"),
    ("resolve_columns", lambda t: cm.data.resolve_columns(columns={"client": "x"}), ParameterError,
     r"unknown column role 'client'"),
]


@pytest.mark.parametrize("call,error,pattern", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gives_a_crmmine_error(call, error, pattern, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # save_model would write here
    table = _table()
    before = table.copy()
    with pytest.raises(error, match=f"(?s){pattern}") as caught:
        call(table)
    assert isinstance(caught.value, CRMMineError)
    pd.testing.assert_frame_equal(table, before)


def test_plot_pareto_refuses_missing_values():
    with pytest.raises(DataError, match=r"finite numbers.*1 missing or infinite.*Fix"):
        segmentation.plot_pareto([10.0, np.nan, 3.0])
