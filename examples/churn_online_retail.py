"""Churn from the Online Retail transaction log: labels from a cutoff, features from before it.

Train on the snapshot of 2011-06-01 (churn = no purchase from June to August), test on the
snapshot of 2011-09-01 (September to November).

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
    train = rolling_snapshots(tx, ["2011-03-01", "2011-06-01"], "90D")
    test = rolling_snapshots(tx, ["2011-09-01"], "90D")
    cols = [c for c in train.columns if c not in ("churn", "cutoff")]
    print(
        f"train: {len(train):,} customer-snapshots ({train['churn'].mean():.1%} churn); "
        f"test: {len(test):,} customers ({test['churn'].mean():.1%} churn)"
    )
    for kind in ("logistic", "gradient_boosting"):
        model = ChurnModel(kind, random_state=0).fit(train[cols], train["churn"])
        print(f"{kind:18s} {evaluate(test['churn'], model.predict_proba(test[cols])).summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
