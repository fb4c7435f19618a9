"""BTYD fitting on 1,000,000 synthetic customers: crmmine vs lifetimes, weekly and daily units.

Run: ``python benchmarks/bench_btyd.py [n_customers] [--skip-slow]`` (``make bench`` runs it).
``--skip-slow`` leaves out lifetimes' unweighted Pareto/NBD (about 330 s per unit on 1M).
Targets (issue 4): BG/NBD >= 10x faster than lifetimes without weights and no slower with weights;
Pareto/NBD >= 100x faster without weights and >= 10x with weights; parameters equal to 1e-3.
crmmine's models run with ``n_jobs=-1`` (every core, as they did before they took ``n_jobs``;
the default ``n_jobs=None`` is one thread).
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
from _common import machine, peak_rss_mb, timed

import crmmine as cm
from crmmine._threads import effective_n_jobs
from crmmine.value import BGNBD, ParetoNBD

args = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(args[0]) if args else 1_000_000
SKIP_SLOW = "--skip-slow" in sys.argv
N_JOBS = -1  # every core, as crmmine's compiled kernels used before models took n_jobs


def main() -> None:
    import lifetimes

    warnings.simplefilter("ignore")
    print(f"machine: {machine()}; lifetimes {lifetimes.__version__}; n = {N:,}")
    print(f"crmmine fits with n_jobs={N_JOBS} ({effective_n_jobs(N_JOBS)} threads); lifetimes is single-threaded")
    synth = cm.make_transactions(N, random_state=0)
    print(f"transactions: {len(synth.transactions):,}")
    rows = []
    for unit in ("W", "D"):
        s = cm.customer_summary(synth.transactions, as_of=synth.observation_end, time_unit=unit)
        grouped = s.groupby(["frequency", "recency", "T"]).size().rename("weight").reset_index()
        print(f"\n== unit {unit}: {len(grouped):,} distinct (frequency, recency, T) rows")
        cases = [("BG/NBD", BGNBD, lifetimes.BetaGeoFitter, True),
                 ("Pareto/NBD", ParetoNBD, lifetimes.ParetoNBDFitter, not SKIP_SLOW)]
        for name, ours_cls, theirs_cls, run_unweighted in cases:
            t_ours, ours = timed(lambda c=ours_cls, s=s: c(n_jobs=N_JOBS).fit(s))
            t_ours_w, _ = timed(lambda c=ours_cls, g=grouped: c(n_jobs=N_JOBS).fit(g, weights="weight"))
            t_lt_w, lt_w = timed(lambda c=theirs_cls, g=grouped: c().fit(g["frequency"], g["recency"], g["T"],
                                                                         weights=g["weight"]))
            diff_w = float(np.max(np.abs(ours.params_.to_numpy() / lt_w.params_.to_numpy() - 1)))
            line = {"unit": unit, "model": name, "crmmine": t_ours, "crmmine weighted": t_ours_w,
                    "lifetimes weighted": t_lt_w, "max rel param diff": diff_w}
            if run_unweighted:
                t_lt, lt = timed(lambda c=theirs_cls, s=s: c().fit(s["frequency"], s["recency"], s["T"]))
                line["lifetimes"] = t_lt
                line["max rel param diff (unweighted)"] = float(
                    np.max(np.abs(ours.params_.to_numpy() / lt.params_.to_numpy() - 1)))
            rows.append(line)
            msg = (f"{name:10s} crmmine {t_ours:6.2f} s | crmmine on weighted rows {t_ours_w:6.2f} s | "
                   f"lifetimes weighted {t_lt_w:7.2f} s ({t_lt_w / t_ours_w:5.1f}x, same input)")
            if "lifetimes" in line:
                msg += f" | lifetimes unweighted {line['lifetimes']:7.2f} s ({line['lifetimes'] / t_ours:6.1f}x)"
            print(msg, flush=True)
            print(f"{'':10s} params crmmine {np.round(ours.params_.to_numpy(), 5).tolist()} "
                  f"lifetimes {np.round(lt_w.params_.to_numpy(), 5).tolist()} max rel diff {diff_w:.1e}")
    print(f"\npeak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
