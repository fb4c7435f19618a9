"""Theft detection at SGCC scale and outlier scores on a million rows.

Run: ``python benchmarks/bench_anomaly.py [n_meters] [n_days]`` (``make bench`` runs it).
Targets (issue 6): ``meter_features`` + ``theft_scores`` on 42,000 meters x 1,035 days under 30 s on
2 cores, peak memory reported; ``outlier_scores`` on 1,000,000 rows x 10 features: time and memory.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from _common import machine, peak_rss_mb, timed

from crmmine.anomaly import (
    inject_theft,
    inspection_metrics,
    make_meter_readings,
    meter_features,
    outlier_scores,
    theft_scores,
)

N_METERS = int(sys.argv[1]) if len(sys.argv) > 1 else 42_000
N_DAYS = int(sys.argv[2]) if len(sys.argv) > 2 else 1_035


def main() -> None:
    print(f"machine: {machine()}")
    t_gen, data = timed(lambda: make_meter_readings(N_METERS, N_DAYS, n_feeders=400, random_state=0))
    readings, truth = inject_theft(data.readings, share=0.08, random_state=1)
    print(
        f"generated {len(readings):,} readings ({N_METERS:,} meters x {N_DAYS:,} days) in {t_gen:.1f} s; "
        f"peak RSS so far {peak_rss_mb():,.0f} MB"
    )
    t_feat, feats = timed(lambda: meter_features(readings))
    t_score, scored = timed(lambda: theft_scores(feats, top_k=1000))
    m = inspection_metrics(truth["thief"].reindex(scored.index), scored["score"], k=1000)
    print(
        f"meter_features {t_feat:.1f} s + theft_scores {t_score:.1f} s = {t_feat + t_score:.1f} s (target < 30 s); "
        f"AUC {m['auc']:.3f}, precision@1000 {m['precision_at_k']:.3f} (all six attacks, 8% thieves)"
    )
    print(f"peak RSS after theft scoring {peak_rss_mb():,.0f} MB")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.standard_normal((1_000_000, 10)), columns=[f"f{i}" for i in range(10)])
    for method in ("robust_z", "iforest", "ensemble"):
        t, _ = timed(lambda m=method: outlier_scores(X, m, random_state=0))
        print(f"outlier_scores({method!r}) on 1,000,000 x 10: {t:.1f} s; peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
