"""Churn on the IBM Telco table: logistic model, 5-fold cross-validation, profit measures,
and a retention list that names customers.

Run: ``python examples/churn_telco.py`` (needs ``../shared/data/churn``).
"""

from __future__ import annotations

import sys

import pandas as pd

from crmmine.churn import ChurnModel, evaluate, retention_list
from crmmine.classification import prepare_table
from crmmine.datasets import data_home


def main() -> int:
    path = data_home() / "churn" / "telco_customer_churn.csv"
    if not path.exists():
        print(f"{path} not found; put the shared data folder beside the repository.")
        return 1
    X, y = prepare_table(pd.read_csv(path), "Churn")
    print(
        f"{len(X):,} customers (ids from {X.attrs['customer_id']!r}), churn rate {y.mean():.1%}; "
        f"blanks made numeric: {X.attrs['coerced']}"
    )
    model = ChurnModel("logistic", random_state=0)
    result = evaluate(y, model.cross_validate(X, y, n_splits=5))
    m = result.measures
    print(
        f"AUC {m['auc']:.3f}, KS {m['ks']:.3f}, top-decile lift {m['top_decile_lift']:.2f}, "
        f"EMPC {m['empc']:.2f} per customer (target {m['empc_fraction']:.1%}), MP {m['mp']:.2f}"
    )
    print(result.to_frame().round(3).to_string())
    model.fit(X, y)
    risk = model.predict_positive(X)
    value = X["MonthlyCharges"] * 12  # a year of revenue as the value at stake
    ranked = retention_list(risk, value, budget=2_000)
    print(
        f"\nRetention list within a budget of 2,000: {len(ranked):,} customers, expected gain "
        f"{ranked.attrs['expected_total_gain']:,.0f}"
    )
    top = ranked.head(10).join(model.reason_codes(X.loc[ranked.index[:10]], top_n=2))
    print(top.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
