"""Churn from the Online Retail transaction log: labels after a reference date, features from before.

Train on the snapshots of 2011-02-28 and 2011-05-31 (churn = no purchase in the following 90
days), test on the snapshot of 2011-08-31 (September to November).

Run: ``python examples/churn_online_retail.py`` (needs ``../shared/data/online_retail``).
"""

from __future__ import annotations

import sys

import crmmine as cm
from crmmine.churn import ChurnModel, evaluate, rolling_snapshots
from crmmine.datasets import DatasetNotFoundError


def main() -> int:
    try:
        tx, _ = cm.datasets.load_online_retail_clean(full=True)
    except DatasetNotFoundError as exc:
        print(f"Online Retail not found ({exc}).")
        return 1
    train = rolling_snapshots(tx, ["2011-02-28", "2011-05-31"], "90D")
    test = rolling_snapshots(tx, ["2011-08-31"], "90D")
    cols = [c for c in train.columns if c not in ("churn", "as_of")]
    print(
        f"train: {len(train):,} customer-snapshots ({train['churn'].mean():.1%} churn); "
        f"test: {len(test):,} customers ({test['churn'].mean():.1%} churn)"
    )
    for kind in ("logistic", "gradient_boosting"):
        model = ChurnModel(kind, random_state=0).fit(train[cols], train["churn"])
        result = evaluate(test["churn"], model.predict_positive(test[cols]))
        m = result.measures
        print(
            f"{kind:18s} AUC {m['auc']:.3f}, top-decile lift {m['top_decile_lift']:.2f}, "
            f"EMPC {m['empc']:.2f} per customer (target {m['empc_fraction']:.1%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
