"""Churn features and labels on 1,000,000 synthetic customers; model fit times on 100,000.

Run: ``python benchmarks/bench_churn.py [n_customers]`` (``make bench`` runs it).
Target (issue 7): features + labels for 1M customers (about 2.7M transactions) under 30 s.
"""

from __future__ import annotations

import sys

import pandas as pd
from _common import machine, peak_rss_mb, timed

import crmmine as cm
from crmmine.churn import ChurnModel, churn_features, churn_labels, evaluate

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


def main() -> None:
    synth = cm.make_transactions(N, random_state=0)
    tx = synth.transactions
    end = pd.Timestamp(synth.observation_end)
    cutoff = end - pd.Timedelta(days=90)
    print(f"machine: {machine()}; {N:,} customers, {len(tx):,} transactions; cutoff {cutoff:%Y-%m-%d}")
    t_feat, feats = timed(lambda: churn_features(tx, cutoff))
    t_lab, labels = timed(lambda: churn_labels(tx, cutoff, "90D", allow_incomplete=True))
    print(
        f"churn_features: {t_feat:.2f} s ({feats.shape[0]:,} x {feats.shape[1]}); churn_labels: {t_lab:.2f} s; "
        f"total {t_feat + t_lab:.2f} s (target < 30 s)"
    )
    data = feats.join(labels, how="inner").sample(n=min(100_000, len(feats)), random_state=0)
    X, y = data.drop(columns="churn"), data["churn"]
    train, test = X.iloc[: len(X) * 4 // 5], X.iloc[len(X) * 4 // 5 :]
    for kind in ("logistic", "random_forest", "gradient_boosting"):
        t_fit, model = timed(lambda k=kind: ChurnModel(k, random_state=0).fit(train, y.loc[train.index]))
        auc = evaluate(y.loc[test.index], model.predict_proba(test)).measures["auc"]
        print(
            f"{kind:18s} fit on {len(train):,} customers (calibrated, 3 folds): {t_fit:6.1f} s; hold-out AUC {auc:.3f}"
        )
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
