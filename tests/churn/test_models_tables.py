"""Classifiers on the public churn tables (5-fold stratified CV, seed 0): the issue's floors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.churn import ChurnModel, CustomerClassifier, evaluate, prepare_table
from crmmine.errors import DataError


def _table(shared_data, name):
    return pd.read_csv(shared_data / "churn" / name)


def test_telco_logistic(shared_data):
    X, y = prepare_table(_table(shared_data, "telco_customer_churn.csv"), "Churn")
    assert X.attrs["coerced"] == {"TotalCharges": 11}  # blank for the 11 customers with tenure 0
    assert X.attrs["dropped"] == ["customerID"]
    oof = ChurnModel("logistic", random_state=0).cross_validate(X, y)
    res = evaluate(y, oof)
    assert res.measures["auc"] >= 0.84
    assert res.measures["top_decile_lift"] >= 2.7


def test_telecom_3333_gradient_boosting(shared_data):
    X, y = prepare_table(_table(shared_data, "telecom_churn_3333.csv"), "Churn?")
    assert y.mean() == pytest.approx(483 / 3333)
    oof = ChurnModel("gradient_boosting", random_state=0).cross_validate(X, y)
    assert evaluate(y, oof).measures["auc"] >= 0.90


def test_bank_gradient_boosting(shared_data):
    X, y = prepare_table(
        _table(shared_data, "bank_churn_modelling.csv"), "Exited", drop=["RowNumber", "CustomerId", "Surname"]
    )
    oof = ChurnModel("gradient_boosting", random_state=0).cross_validate(X, y)
    assert evaluate(y, oof).measures["auc"] >= 0.85


def test_reason_codes_and_general_classifier():
    rng = np.random.default_rng(1)
    X = pd.DataFrame(
        {
            "complaints": rng.poisson(1, 600),
            "tenure": rng.uniform(0, 60, 600),
            "plan": rng.choice(["basic", "premium"], 600),
        }
    )
    logit = 1.5 * X["complaints"] - 0.05 * X["tenure"] + 0.5
    y = pd.Series(rng.binomial(1, 1 / (1 + np.exp(-logit))))
    worst = X.assign(complaints=4, tenure=1.0).iloc[:5]
    for kind in ("logistic", "gradient_boosting"):
        model = CustomerClassifier(kind, random_state=0).fit(X, y)
        reasons = model.reason_codes(worst, top=2)
        assert (reasons["reason_1"] == "complaints").all(), kind
        assert (reasons["impact_1"] > 0).all()
    forest = CustomerClassifier("random_forest", random_state=0).fit(X, y)
    reasons = forest.reason_codes(worst, top=2)
    assert (reasons["impact_1"] >= reasons["impact_2"]).all()


def test_bad_tables():
    with pytest.raises(DataError, match="target values"):
        prepare_table(pd.DataFrame({"x": [1, 2], "y": ["maybe", "no"]}), "y")
    with pytest.raises(DataError, match="both classes"):
        CustomerClassifier().fit(pd.DataFrame({"x": [1.0, 2.0]}), pd.Series([1, 1]))
    with pytest.raises(DataError, match="infinite"):
        CustomerClassifier().fit(pd.DataFrame({"x": [1.0, np.inf, 3.0, 4.0]}), pd.Series([1, 0, 1, 0]))
