"""Credit scorecard and PLS-PM timings against optbinning, scorecardpy and plspm, in one run.

Command (from the repository root)::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/bench_credit.py [--n 100000] \\
        [--ref-python /tmp/credit-ref/bin/python]

1. Scorecard fit on ``--n`` synthetic applicants x 20 characteristics (15 numeric with missing
   values, 5 categorical), crmmine ``Scorecard`` vs optbinning's ``Scorecard`` (same bins,
   same selection, same logistic regression) in this process; scorecardpy (``woebin`` +
   ``woebin_ply`` + logistic regression) in the pandas 2.2 environment given by
   ``--ref-python`` (scorecardpy does not run on pandas 3), on the same data written to a file.
2. PLS-PM of the ECSI model on mobi with 500 bootstrap resamples: crmmine, and plspm 0.5.7
   (``--ref-python``) with 500 resamples when it finishes within ``--plspm-timeout`` seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))
from _common import machine, peak_rss_mb

from crmmine.credit import Scorecard
from crmmine.datasets import load_mobi
from crmmine.survey import ECSI_BLOCKS, ECSI_PATHS, PLSPathModel

SCORECARDPY = r'''
import sys, time, warnings, pandas as pd
warnings.filterwarnings("ignore")
import scorecardpy as sc
from sklearn.linear_model import LogisticRegression
df = pd.read_csv(sys.argv[1])
t = time.perf_counter()
bins = sc.woebin(df, y="bad", print_step=0)
keep = [v for v, b in bins.items() if b["total_iv"].iloc[0] >= 0.02]
woe = sc.woebin_ply(df[keep + ["bad"]], bins, print_step=0)
LogisticRegression(max_iter=1000).fit(woe.drop(columns="bad"), woe["bad"])
print(time.perf_counter() - t)
'''

PLSPM = r'''
import sys, time, warnings, pandas as pd
warnings.filterwarnings("ignore")
import plspm.config as c
from plspm.plspm import Plspm
from plspm.scheme import Scheme
from plspm.mode import Mode
mobi = pd.read_csv(sys.argv[1]); blocks = eval(sys.argv[2]); paths = eval(sys.argv[3]); nboot = int(sys.argv[4])
lvs = list(blocks)
sm = pd.DataFrame(0, index=lvs, columns=lvs)
for t, fs in paths.items():
    for f in fs:
        sm.loc[t, f] = 1
cfg = c.Config(sm, default_scale=None)
for lv, cols in blocks.items():
    cfg.add_lv(lv, Mode.A, *[c.MV(x) for x in cols])
t = time.perf_counter()
Plspm(mobi, cfg, Scheme.PATH, bootstrap=True, bootstrap_iterations=nboot)
print(time.perf_counter() - t)
'''


def synthetic(n: int, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    cols = {}
    logit = np.full(n, -1.5)
    for j in range(15):
        x = rng.gamma(2.0, 1.0 + j, n)
        logit += (0.15 if j % 2 else -0.1) * (x - x.mean()) / x.std()
        x[rng.uniform(size=n) < 0.02] = np.nan
        cols[f"num_{j}"] = x
    for j in range(5):
        k = 4 + 2 * j
        codes = rng.integers(0, k, n)
        logit += (codes - k / 2) * 0.05 * (j + 1) / k
        cols[f"cat_{j}"] = np.array([f"level_{c}" for c in range(k)], dtype=object)[codes]
    X = pd.DataFrame(cols)
    y = pd.Series((rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int), name="bad")
    return X, y


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--ref-python", default=None)
    parser.add_argument("--plspm-timeout", type=float, default=900)
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    X, y = synthetic(args.n)
    import optbinning  # noqa: F401 - imported before timing: its import takes seconds, for both sides
    print(f"\n1. Scorecard fit, {args.n:,} applicants x {X.shape[1]} characteristics, bad rate {y.mean():.3f}")
    t = time.perf_counter()
    card = Scorecard().fit(X, y)
    ours = time.perf_counter() - t
    print(f"crmmine Scorecard: {ours:.2f} s ({len(card.variables_)} characteristics kept)")
    from optbinning import BinningProcess
    from optbinning import Scorecard as OBScorecard
    from sklearn.linear_model import LogisticRegression

    t = time.perf_counter()
    OBScorecard(binning_process=BinningProcess(list(X.columns), categorical_variables=[c for c in X if "cat" in c],
                                               selection_criteria={"iv": {"min": 0.02}}),
                estimator=LogisticRegression(max_iter=1000), scaling_method="pdo_odds",
                scaling_method_params={"pdo": 20, "odds": 50, "scorecard_points": 600}).fit(X, y)
    ob = time.perf_counter() - t
    print(f"optbinning Scorecard: {ob:.2f} s (ratio optbinning / crmmine {ob / ours:.2f})")
    if args.ref_python:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "apps.csv"
            X.assign(bad=y).to_csv(path, index=False)
            out = subprocess.run([args.ref_python, "-c", SCORECARDPY, str(path)], capture_output=True, text=True)
            if out.returncode == 0:
                sc = float(out.stdout.strip().splitlines()[-1])
                print(f"scorecardpy woebin + woebin_ply + LR: {sc:.2f} s (ratio scorecardpy / crmmine {sc / ours:.2f})")
            else:
                print("scorecardpy failed:", out.stderr.strip().splitlines()[-1:])
    mobi_path = Path(__file__).resolve().parents[1] / "tests" / "survey" / "data" / "mobi.csv"
    mobi = load_mobi(mobi_path)
    print("\n2. PLS-PM, ECSI model on mobi (250 x 24), path weighting")
    t = time.perf_counter()
    PLSPathModel(ECSI_BLOCKS, ECSI_PATHS).fit(mobi)
    one = time.perf_counter() - t
    t = time.perf_counter()
    PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, n_bootstrap=500, random_state=0).fit(mobi)
    boot = time.perf_counter() - t
    print(f"crmmine: one fit {one * 1000:.1f} ms; fit + 500 bootstrap resamples {boot:.2f} s")
    if args.ref_python:
        for nboot in (50, 500):
            try:
                out = subprocess.run([args.ref_python, "-c", PLSPM, str(mobi_path), json.dumps(ECSI_BLOCKS),
                                      json.dumps(ECSI_PATHS), str(nboot)], capture_output=True, text=True,
                                     timeout=args.plspm_timeout)
            except subprocess.TimeoutExpired:
                print(f"plspm 0.5.7 with {nboot} resamples: over {args.plspm_timeout:.0f} s, stopped")
                break
            if out.returncode != 0:
                print("plspm failed:", out.stderr.strip().splitlines()[-1:])
                break
            sec = float(out.stdout.strip().splitlines()[-1])
            print(f"plspm 0.5.7, fit + {nboot} resamples: {sec:.2f} s "
                  f"(ratio plspm / crmmine at 500: {sec * 500 / nboot / boot:.1f}"
                  f"{'' if nboot == 500 else ', extrapolated'})")
    print(f"\nPeak RSS {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
