"""Theft detection at SGCC scale and outlier scores on a million rows.

Run: ``python benchmarks/bench_anomaly.py [n_meters] [n_days] [--no-outliers] [--compare-v0]``
(``make bench`` runs it). ``--compare-v0`` also times the previous release's detector
(``_theft_v0.py``) on the same data in a separate process, so that the time ratio is measured
under the same machine load.
Targets (issues 6 and 15): ``meter_features`` + ``theft_scores`` on 42,000 meters x 1,035 days (the
size of the SGCC data) under 15.1 s on 2 cores (the previous release) and the whole run under 3 GB
peak RSS (previously 6.1 GB); ``outlier_scores`` on 1,000,000 rows x 10 features: time and memory.
"""

from __future__ import annotations

import gc
import sys
import time

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

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
N_METERS = int(ARGS[0]) if len(ARGS) > 0 else 42_000
N_DAYS = int(ARGS[1]) if len(ARGS) > 1 else 1_035


def v0_only() -> None:
    """The previous release's features + score on the same data, in this (separate) process."""
    from _theft_v0 import theft_scores_v0

    data = make_meter_readings(N_METERS, N_DAYS, n_feeders=400, random_state=0)
    readings, truth = inject_theft(data.readings, share=0.08, random_state=1)
    del data
    gc.collect()
    before = peak_rss_mb()
    cpu = time.process_time()
    t, score = timed(lambda: theft_scores_v0(readings))
    cpu = time.process_time() - cpu
    m = inspection_metrics(truth["thief"].reindex(score.index), score, top_n=1000)
    print(f"V0 {t:.2f} {m['auc']:.4f} {m['precision_at_n']:.4f} {before:.0f} {peak_rss_mb():.0f} {cpu:.2f}")


def main() -> None:
    if "--v0-only" in sys.argv:
        v0_only()
        return
    print(f"machine: {machine()}")
    t_gen, data = timed(lambda: make_meter_readings(N_METERS, N_DAYS, n_feeders=400, random_state=0))
    readings, truth = inject_theft(data.readings, share=0.08, random_state=1)
    del data  # the honest copy is not needed any more (the attacked readings share its other columns)
    gc.collect()
    print(
        f"generated {len(readings):,} readings ({N_METERS:,} meters x {N_DAYS:,} days) in {t_gen:.1f} s; "
        f"peak RSS so far {peak_rss_mb():,.0f} MB"
    )
    cpu = time.process_time()
    t_feat, feats = timed(lambda: meter_features(readings))
    print(f"peak RSS after meter_features {peak_rss_mb():,.0f} MB")
    t_score, scored = timed(lambda: theft_scores(feats, top_n=1000))
    cpu = time.process_time() - cpu
    table = scored.to_frame()
    m = inspection_metrics(truth["thief"].reindex(table.index), table["score"], top_n=1000)
    print(
        f"meter_features {t_feat:.1f} s + theft_scores {t_score:.1f} s = {t_feat + t_score:.1f} s "
        f"(previous release 15.1 s); AUC {m['auc']:.3f}, precision@1000 {m['precision_at_n']:.3f} "
        f"(all six attacks, 8% thieves); CPU time {cpu:.1f} s"
    )
    print(f"peak RSS after theft scoring {peak_rss_mb():,.0f} MB (previous release 6.1 GB; target 3 GB)")
    if "--compare-v0" in sys.argv:
        import subprocess

        done = subprocess.run(
            [sys.executable, __file__, str(N_METERS), str(N_DAYS), "--v0-only"],
            capture_output=True,
            text=True,
            check=True,
        )
        line = [x for x in done.stdout.splitlines() if x.startswith("V0 ")][-1].split()
        t0, auc0, p0, rss0, cpu0 = float(line[1]), float(line[2]), float(line[3]), line[5], float(line[6])
        now = t_feat + t_score
        print(
            f"previous release on the same data, same machine, same moment (separate process): "
            f"{t0:.1f} s (CPU {cpu0:.1f} s), AUC {auc0:.3f}, precision@1000 {p0:.3f}, peak RSS {rss0} MB; "
            f"ratio now / before: wall time {now / t0:.2f}, CPU time {cpu / cpu0:.2f}"
        )



def outliers() -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.standard_normal((1_000_000, 10)), columns=[f"f{i}" for i in range(10)])
    for method in ("robust_z", "iforest", "ensemble"):
        t, _ = timed(lambda m=method: outlier_scores(X, m, direction="both", random_state=0))
        print(f"outlier_scores({method!r}) on 1,000,000 x 10: {t:.1f} s; peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
    if "--no-outliers" not in sys.argv and "--v0-only" not in sys.argv:
        outliers()
