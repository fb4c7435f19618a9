"""BTYD predictions on 1,000,000 customers: simulate and conditional probabilities, vs lifetimes.

Run: ``python benchmarks/bench_btyd_predict.py [n_customers]`` (``make bench`` runs it).
Targets (issue 13, item 8): ``simulate`` of 1M customers and the conditional probabilities for 1M
customers each under 5 s. Compared with lifetimes 0.11.3 where it has the function:
``ParetoNBDFitter.conditional_probability_of_n_purchases_up_to_time`` (run on the same 1M
customers; the values are checked to agree) and the ``lifetimes.generate_data`` simulators (a Python
loop over customers, so they run on 20,000 customers and the per-customer time is scaled up, noted
as such). lifetimes 0.11.3 has no conditional PMF for BG/NBD or MBG/NBD and no P(alive) at a
future time.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from _common import machine, peak_rss_mb, timed

from crmmine.value import BGBB, BGNBD, MBGNBD, GammaGamma, ParetoNBD

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
LT_SIM = 20_000  # customers simulated by lifetimes' Python-loop generators
TARGET = 5.0

N_JOBS = -1  # every core, as the compiled Pareto/NBD kernels used before models took n_jobs
MODELS = {
    "BG/NBD": BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W", n_jobs=N_JOBS),
    "MBG/NBD": MBGNBD.from_params(r=0.525, alpha=6.183, a=0.891, b=1.614, time_unit="W", n_jobs=N_JOBS),
    "Pareto/NBD": ParetoNBD.from_params(r=0.5533, alpha=10.5786, s=0.6061, beta=11.6689, time_unit="W",
                                        n_jobs=N_JOBS),
}


def lifetimes_simulators():
    from lifetimes.generate_data import (
        beta_geometric_nbd_model,
        modified_beta_geometric_nbd_model,
        pareto_nbd_model,
    )

    return {
        "BG/NBD": lambda T, p: beta_geometric_nbd_model(T, *p, size=len(T)),
        "MBG/NBD": lambda T, p: modified_beta_geometric_nbd_model(T, *p, size=len(T)),
        "Pareto/NBD": lambda T, p: pareto_nbd_model(T, *p, size=len(T)),
    }


def row(what: str, seconds: float, lifetimes: str = "", ratio: str = "") -> None:
    mark = "ok" if seconds < TARGET else "OVER TARGET"
    print(f"| {what} | {seconds:.2f} s ({mark}) | {lifetimes} | {ratio} |", flush=True)


def main() -> None:
    import lifetimes

    warnings.simplefilter("ignore")
    print(f"machine: {machine()}; lifetimes {lifetimes.__version__}; n = {N:,}")
    print(f"crmmine predicts with n_jobs={N_JOBS} (every core); lifetimes is single-threaded\n")
    ages = np.random.default_rng(0).uniform(1.0, 78.0, N).round(2)  # weeks, as CDNOW ages
    print("| step | crmmine | lifetimes | ratio |\n|---|---:|---:|---:|")
    sims = {}
    lt_sims = lifetimes_simulators()
    for name, model in MODELS.items():
        t_ours, sims[name] = timed(lambda m=model: m.simulate(ages, random_state=1))
        start = time.perf_counter()
        lt_sims[name](ages[:LT_SIM], model.params_.to_numpy())
        t_lt = (time.perf_counter() - start) * N / LT_SIM
        row(f"simulate {name}, {N:,} customers", t_ours, f"{t_lt:.1f} s (scaled from {LT_SIM:,})",
            f"{t_lt / t_ours:.0f}x")
    bgbb = BGBB.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783, n_jobs=N_JOBS)
    t_bb, bb_sim = timed(lambda: bgbb.simulate(6, n_customers=N, random_state=1))
    row(f"simulate BG/BB, {N:,} customers x 6 opportunities", t_bb)
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    t_gg, _ = timed(lambda: gg.simulate(sims["BG/NBD"]["frequency"], random_state=1))
    row(f"simulate Gamma-Gamma spend, {N:,} customers", t_gg)

    for name, model in MODELS.items():
        summary = sims[name][["frequency", "recency", "T"]]
        model.conditional_purchase_pmf(summary.iloc[:1000], 2, 39.0)  # compile once (cached on disk)
        t_ours, ours = timed(lambda m=model, s=summary: m.conditional_purchase_pmf(s, 2, 39.0))
        lt_text = ratio = ""
        if name == "Pareto/NBD":
            fitter = model.to_lifetimes()
            t_lt, theirs = timed(lambda f=fitter, s=summary: f.conditional_probability_of_n_purchases_up_to_time(
                2, 39.0, s["frequency"].to_numpy(), s["recency"].to_numpy(), s["T"].to_numpy()))
            diff = float(np.nanmax(np.abs(ours.to_numpy() - np.asarray(theirs))))
            lt_text, ratio = f"{t_lt:.2f} s (max abs diff {diff:.1e})", f"{t_lt / t_ours:.1f}x"
        else:
            lt_text = "no such function"
        row(f"P(2 purchases in next 39 weeks) {name}, {N:,} customers", t_ours, lt_text, ratio)
        t_all, _ = timed(lambda m=model, s=summary: m.conditional_purchase_pmf(s, [0, 1, 2, 3, 4, 5], 39.0))
        row(f"P(0..5 purchases in next 39 weeks) {name}, {N:,} customers", t_all, "", "")
        t_alive, _ = timed(lambda m=model, s=summary: m.p_alive(s, 39.0))
        row(f"P(alive in 39 weeks) {name}, {N:,} customers", t_alive, "no such function")
    t_bbp, _ = timed(lambda: bgbb.conditional_purchase_pmf(bb_sim, [0, 1, 2, 3], 5))
    row(f"P(0..3 transactions in next 5 opportunities) BG/BB, {N:,} customers", t_bbp)
    print(f"\npeak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
