"""Churn on the IBM Telco table: logistic model, 5-fold cross-validation, profit measures.

Run: ``python examples/churn_telco.py`` (needs ``../shared/data/churn``).
"""

from __future__ import annotations

import sys

import pandas as pd

from crmmine.churn import ChurnModel, evaluate, prepare_table, retention_list
from crmmine.datasets import data_home


def main() -> int:
    path = data_home() / "churn" / "telco_customer_churn.csv"
    if not path.exists():
        print(f"{path} not found; put the shared data folder beside the repository.")
        return 1
    X, y = prepare_table(pd.read_csv(path), "Churn")
    print(
        f"{len(X):,} customers, churn rate {y.mean():.1%}; blanks made numeric: {X.attrs['coerced']}; "
        f"identifier columns dropped: {X.attrs['dropped']}"
    )
    model = ChurnModel("logistic", random_state=0)
    result = evaluate(y, model.cross_validate(X, y, n_splits=5))
    print(result.summary())
    print(result.gains.round(3).to_string())
    model.fit(X, y)
    risk = model.predict_proba(X)
    value = X["MonthlyCharges"] * 12  # a year of revenue as the value at stake
    ranked = retention_list(risk, value, budget=2_000)
    print(
        f"\nRetention list within a budget of 2,000: {len(ranked):,} customers, expected gain "
        f"{ranked.attrs['expected_total_gain']:,.0f}"
    )
    print(ranked.head(10).join(model.reason_codes(X.loc[ranked.index[:10]], top=2)).round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
