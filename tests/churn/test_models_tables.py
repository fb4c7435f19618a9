"""The churn preset on the public churn tables (5-fold stratified CV, seed 0): the published figures.

Figures first published in docs/churn.md (Telco logistic AUC 0.845, top-decile lift 2.85;
telecom gradient boosting 0.914; bank gradient boosting 0.865), measured by this code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.churn import ChurnModel, evaluate
from crmmine.classification import prepare_table


def _table(shared_data, name):
    return pd.read_csv(shared_data / "churn" / name)


def test_telco_logistic(shared_data):
    X, y = prepare_table(_table(shared_data, "telco_customer_churn.csv"), "Churn")
    assert X.attrs["coerced"] == {"TotalCharges": 11}  # blank for the 11 customers with tenure 0
    assert X.attrs["customer_id"] == "customerID" and X.index.name == "customerID"
    oof = ChurnModel("logistic", random_state=0).cross_validate(X, y)
    assert oof.name == "churn_probability" and oof.index.equals(X.index)
    res = evaluate(y, oof)
    assert res.measures["auc"] == pytest.approx(0.845, abs=5e-4)
    assert res.measures["top_decile_lift"] == pytest.approx(2.85, abs=5e-3)


def test_telecom_3333_gradient_boosting(shared_data):
    X, y = prepare_table(_table(shared_data, "telecom_churn_3333.csv"), "Churn?")
    assert y.mean() == pytest.approx(483 / 3333)
    assert X.index.name == "Phone"
    oof = ChurnModel("gradient_boosting", random_state=0).cross_validate(X, y)
    assert evaluate(y, oof).measures["auc"] == pytest.approx(0.914, abs=5e-4)


def test_bank_gradient_boosting(shared_data):
    X, y = prepare_table(
        _table(shared_data, "bank_churn_modelling.csv"),
        "Exited",
        customer_id="CustomerId",
        drop=["RowNumber", "Surname"],
    )
    assert X.index.name == "CustomerId" and X.shape == (10_000, 10)
    oof = ChurnModel("gradient_boosting", random_state=0).cross_validate(X, y)
    assert evaluate(y, oof).measures["auc"] == pytest.approx(0.865, abs=5e-4)


def test_reason_codes_and_the_general_classifier():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(
        {
            "complaints": rng.poisson(1, 600),
            "tenure": rng.uniform(0, 60, 600),
            "plan": rng.choice(["basic", "premium"], 600),
        },
        index=pd.Index([f"c{i}" for i in range(600)], name="customer_id"),
    )
    logit = 1.5 * X["complaints"] - 0.05 * X["tenure"] + 0.5
    y = pd.Series(rng.binomial(1, 1 / (1 + np.exp(-logit))), index=X.index)
    worst = X.assign(complaints=4, tenure=1.0).iloc[:5]
    for kind in ("logistic", "gradient_boosting"):
        model = ChurnModel(kind, random_state=0).fit(X, y)
        reasons = model.reason_codes(worst, top_n=2)
        assert reasons.index.equals(worst.index)
        assert (reasons["reason_1"] == "complaints").all(), kind
        assert (reasons["impact_1"] > 0).all()
    forest = ChurnModel("random_forest", random_state=0).fit(X, y)
    reasons = forest.reason_codes(worst, top_n=2)
    assert (reasons["impact_1"] >= reasons["impact_2"]).all()
