"""Readable churn rules on the IBM Telco table: a decision tree pruned by cross-validation.

Prints the IF ... THEN rules with support, confidence and lift, the pruning table, and the
rules measured on a hold-out quarter of the customers.

Run: ``python examples/decision_rules_telco.py`` (needs ``../shared/data/churn``).
"""

from __future__ import annotations

import sys

import pandas as pd
from sklearn.model_selection import train_test_split

from crmmine.classification import DecisionRules, evaluate, prepare_table
from crmmine.datasets import data_home


def main() -> int:
    path = data_home() / "churn" / "telco_customer_churn.csv"
    if not path.exists():
        print(f"{path} not found; put the shared data folder beside the repository.")
        return 1
    X, y = prepare_table(pd.read_csv(path), "Churn")
    train, test = train_test_split(X.index.to_numpy(), test_size=0.25, stratify=y, random_state=0)
    model = DecisionRules(random_state=0).fit(X.loc[train], y.loc[train])
    print(f"{len(train):,} customers to learn from, churn rate {y.loc[train].mean():.1%}")
    print(
        f"pruning (5-fold CV, 1-SE rule): ccp_alpha {model.ccp_alpha_:.4g}, {len(model.rules_.table)} rules\n"
    )
    print(model.rules_.to_text())
    held_out = model.rules_on(X.loc[test], y.loc[test]).to_frame()
    print(f"\nthe same rules on {len(test):,} hold-out customers:")
    print(held_out[["customers", "support", "confidence", "lift"]].round(3).to_string())
    auc = evaluate(y.loc[test], model.predict_positive(X.loc[test])).measures["auc"]
    print(f"\nhold-out AUC of the rules: {auc:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
