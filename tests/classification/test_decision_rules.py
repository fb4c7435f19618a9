"""DecisionRules: a hand-checkable table, missing values and levels, pruning, the public churn tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.tree import DecisionTreeClassifier

from crmmine.classification import DecisionRules, prepare_table
from crmmine.errors import DataWarning


@pytest.fixture
def small():
    """20 customers: the 6 premium customers with more than 5 visits all bought; 1 of the 4 other
    premium customers and 1 of the 10 basic customers (who all visit twice) bought. 8 buyers: 0.4."""
    X = pd.DataFrame(
        {"plan": ["premium"] * 10 + ["basic"] * 10, "visits": [6, 7, 8, 9, 10, 11, 1, 2, 3, 4] + [2] * 10},
        index=pd.Index([f"c{i:02d}" for i in range(20)], name="customer_id"),
    )
    y = pd.Series([1] * 6 + [0, 1, 0, 0] + [1] + [0] * 9, index=X.index, name="bought")
    return X, y


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_hand_checked_rules(small, class_weight):
    X, y = small
    model = DecisionRules(max_depth=2, min_samples_leaf=1, ccp_alpha=0.0, class_weight=class_weight).fit(X, y)
    rules = model.rules_.to_frame()
    assert rules["rule"].tolist() == [
        "IF visits > 5 THEN bought = 1",
        'IF visits <= 5 AND plan = "premium" THEN bought = 0',
        'IF visits <= 5 AND plan = "basic" THEN bought = 0',
    ]
    # by hand: rule 1 covers 6 (all buyers): support 6/20, confidence 1, lift 1 / 0.4;
    # rule 2 covers 4 premium (3 non-buyers): support 3/20, confidence 3/4, lift 0.75 / 0.6;
    # rule 3 covers the 10 basic (9 non-buyers): support 9/20, confidence 0.9, lift 0.9 / 0.6
    assert rules["customers"].tolist() == [6, 4, 10]
    assert rules["coverage"].tolist() == pytest.approx([0.3, 0.2, 0.5])
    assert rules["support"].tolist() == pytest.approx([0.3, 0.15, 0.45])
    assert rules["confidence"].tolist() == pytest.approx([1.0, 0.75, 0.9])
    assert rules["lift"].tolist() == pytest.approx([2.5, 1.25, 1.5])
    assert rules["positive_rate"].tolist() == pytest.approx([1.0, 0.25, 0.1])
    assert model.apply(X).tolist() == [1] * 6 + [2] * 4 + [3] * 10
    assert model.predict_positive(X).tolist() == pytest.approx([1.0] * 6 + [0.25] * 4 + [0.1] * 10)
    assert model.predict(X).tolist() == [1] * 6 + [0] * 14
    text = model.rules_.to_text()
    assert text.splitlines()[0] == "rule 1: IF visits > 5 THEN bought = 1"
    assert "(customers 4, coverage 0.2, support 0.15, confidence 0.75, lift 1.25)" in text
    summary = model.rules_.summary()["value"]
    assert summary["rules"] == 3 and summary["base_rate"] == pytest.approx(0.4)
    assert repr(model.rules_) == "DecisionRuleSet(rules=3, customers=20, base_rate=0.4)"


def test_rules_match_scikit_learns_tree(small):
    # the same tree as scikit-learn's DecisionTreeClassifier on the one-hot table
    X, y = small
    model = DecisionRules(max_depth=2, min_samples_leaf=1, ccp_alpha=0.0, class_weight=None).fit(X, y)
    onehot = pd.get_dummies(X, columns=["plan"], dtype=float)[["visits", "plan_premium", "plan_basic"]]
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(onehot.to_numpy(), y)
    assert np.allclose(model.predict_proba(X), tree.predict_proba(onehot.to_numpy()))


def test_rules_on_new_data_missing_values_and_unseen_levels(small):
    X, y = small
    X = X.assign(visits=X["visits"].astype(float))
    X.loc[["c00", "c01"], "visits"] = np.nan  # two of the heavy visitors: unknown visits
    model = DecisionRules(max_depth=2, min_samples_leaf=1, ccp_alpha=0.0, class_weight=None).fit(X, y)
    assert any("or visits missing" in r for r in model.rules_.to_frame()["rule"])
    held_out = model.rules_on(X.iloc[:10], y.iloc[:10])  # the premium customers only
    frame = held_out.to_frame()
    assert frame["customers"].sum() == 10 and held_out.base_rate == pytest.approx(0.7)
    assert (frame["customers"] == 0).any() and frame.loc[frame["customers"] == 0, "confidence"].isna().all()
    new = X.iloc[:3].assign(plan=["gold", "premium", "premium"])
    with pytest.warns(DataWarning, match=r"column 'plan' has levels not seen in training: 'gold' \(1\)"):
        model.predict(new)


def test_pruning_by_cross_validation():
    rng = np.random.default_rng(0)
    n = 1500
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n), "c": rng.choice(list("pqrs"), n)})
    y = pd.Series(((X["a"] > 0.5) | ((X["c"] == "p") & (X["b"] > 0))).astype(int) ^ (rng.random(n) < 0.1))
    one_se = DecisionRules(max_depth=6, random_state=0).fit(X, y)
    best = DecisionRules(max_depth=6, ccp_alpha="best", random_state=0).fit(X, y)
    table = one_se.cv_results_
    assert table["chosen"].sum() == 1 and best.cv_results_["chosen"].sum() == 1
    chosen, top = table[table["chosen"]].iloc[0], table["mean_score"].idxmax()
    # 1-SE rule: the simplest tree within one standard error of the best mean score
    assert chosen["mean_score"] >= table.loc[top, "mean_score"] - table.loc[top, "std_error"]
    assert one_se.tree_model_.get_n_leaves() <= best.tree_model_.get_n_leaves()
    assert one_se.ccp_alpha_ == pytest.approx(chosen["ccp_alpha"])
    # the pruned tree is the true structure (a > 0.5, or c = "p" and b > 0), with 10% label noise
    rules = one_se.rules_.to_frame()
    assert len(rules) == 4 and rules["then"].tolist() == [True, True, False, False]
    pattern = r'a <= 0\.49\d* AND c = "p" AND b > 0\.000\d*'
    assert rules["conditions"].str.fullmatch(pattern).iloc[0]
    assert rules["conditions"].iloc[1].startswith("a > 0.49")


def _check_measures(model, X, y):
    rules = model.rules_.to_frame()
    assigned = model.apply(X)
    assert rules["customers"].sum() == len(X)
    for rid, row in rules.iterrows():  # recount every rule from the customers it covers
        mask = assigned == rid
        then_rate = (y[mask] == row["then"]).mean()
        assert row["customers"] == mask.sum()
        assert row["confidence"] == pytest.approx(then_rate)
        assert row["support"] == pytest.approx((y[mask] == row["then"]).sum() / len(y))
        assert row["lift"] == pytest.approx(then_rate / (y == row["then"]).mean())
        # the balanced tree predicts the class its customers over-represent
        assert (row["lift"] >= 1) or row["customers"] == 0


def test_telco_rules(shared_data):
    X, y = prepare_table(pd.read_csv(shared_data / "churn" / "telco_customer_churn.csv"), "Churn")
    model = DecisionRules(random_state=0).fit(X, y)
    rules = model.rules_.to_frame()
    assert 5 <= len(rules) <= 20
    assert rules["conditions"].str.contains("Contract").all()  # the first split, as in every study
    assert 'Contract = "Month-to-month"' in rules["conditions"].iloc[0]
    assert rules["lift"].iloc[0] > 2.0
    _check_measures(model, X, y)


def test_telecom_rules(shared_data):
    X, y = prepare_table(pd.read_csv(shared_data / "churn" / "telecom_churn_3333.csv"), "Churn?")
    model = DecisionRules(random_state=0).fit(X, y)
    text = " ".join(model.rules_.to_frame()["conditions"])
    for driver in ("Day Mins", "CustServ Calls", "Int'l Plan"):
        assert driver in text
    _check_measures(model, X, y)


def test_example_runs(shared_data, run_example):
    out = run_example("decision_rules_telco.py")
    assert 'rule 1: IF Contract = "Month-to-month"' in out and "hold-out AUC of the rules" in out
