"""Customer-value methods at scale: CLV components of 1,000,000 customers and the sBG fit on
1,000,000 subscriptions, the latter against a plain scipy.optimize fit in the same run.

Run: ``cd benchmarks && python bench_value_methods.py [n]`` (default n = 1,000,000).

No library offers the shifted-beta-geometric model with a maintained fitter (lifetimes has none;
pymc-marketing's is Bayesian), so the anchor is the plain implementation a user would write:
the per-subscriber log-likelihood (``betaln`` per row) minimised with scipy's Nelder-Mead from
(1, 1), as in the public sBG scripts. Both get the same subscription table.
"""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
from _common import machine, peak_rss_mb, timed
from scipy import optimize, special

import crmmine as cm
from crmmine.value import BGNBD, GammaGamma, ShiftedBetaGeometric, clv_components, subscription_lifetimes

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


def subscriptions(n: int, alpha: float = 0.7, beta: float = 1.2, seed: int = 0) -> pd.DataFrame:
    """Monthly subscriptions started over eight years, churn probability ~ Beta(alpha, beta)."""
    rng = np.random.default_rng(seed)
    months = np.minimum(rng.geometric(rng.beta(alpha, beta, n)), 1200)
    first = pd.Period("2016-01", freq="M")
    offsets = rng.integers(0, 96, n)
    start = (pd.PeriodIndex(np.full(n, first), freq="M") + offsets).to_timestamp()
    end = (pd.PeriodIndex(np.full(n, first), freq="M") + offsets + months).to_timestamp() - pd.Timedelta(
        days=1
    )
    table = pd.DataFrame({"customer_id": np.arange(n), "start": start, "end": end})
    table.loc[table["end"] > pd.Timestamp("2023-12-31"), "end"] = pd.NaT
    return table


def plain_scipy_fit(periods: np.ndarray, churned: np.ndarray) -> np.ndarray:
    """The anchor: per-row sBG log-likelihood, Nelder-Mead on (alpha, beta) from (1, 1)."""

    def nll(x: np.ndarray) -> float:
        a, b = x
        if a <= 0 or b <= 0:
            return np.inf
        ll_churn = special.betaln(a + 1, b + periods - 1) - special.betaln(a, b)
        ll_alive = special.betaln(a, b + periods) - special.betaln(a, b)
        return -float(np.sum(np.where(churned, ll_churn, ll_alive)))

    res = optimize.minimize(
        nll,
        np.array([1.0, 1.0]),
        method="Nelder-Mead",
        options={"xatol": 1e-6, "fatol": 1e-6, "maxiter": 2000},
    )
    return res.x


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"machine: {machine()}; n = {N:,}")

    # -- sBG on N subscriptions ------------------------------------------------------------
    subs = subscriptions(N)
    print(f"\nsubscriptions: {len(subs):,}, active at 2023-12-31: {subs['end'].isna().sum():,}")
    t_life, life = timed(lambda: subscription_lifetimes(subs, period="M", as_of="2023-12-31"))
    t_ours, ours = timed(lambda: ShiftedBetaGeometric(period="M").fit(subs, as_of="2023-12-31"))
    periods = life["periods"].to_numpy(dtype="float64")
    churned = life["churned"].to_numpy()
    t_plain, plain = timed(lambda: plain_scipy_fit(periods, churned))
    diff = float(np.max(np.abs(ours.params_.to_numpy() / plain - 1)))
    print(f"subscription_lifetimes (dates -> periods): {t_life:.2f} s")
    print(
        f"crmmine ShiftedBetaGeometric.fit (table in, dates included): {t_ours:.2f} s -> "
        f"alpha {ours.params_['alpha']:.4f}, beta {ours.params_['beta']:.4f}"
    )
    print(
        f"plain scipy Nelder-Mead on the per-row likelihood (periods given): {t_plain:.2f} s -> "
        f"alpha {plain[0]:.4f}, beta {plain[1]:.4f}"
    )
    print(
        f"ratio plain / crmmine: {t_plain / t_ours:.1f}x (crmmine also parses the dates); "
        f"max relative parameter difference {diff:.1e}"
    )
    t_derl, _ = timed(lambda: ours.derl(subs, annual_discount_rate=0.1, as_of="2023-12-31"))
    print(f"DERL for every subscriber: {t_derl:.2f} s")

    # -- CLV components on N customers -------------------------------------------------------
    synth = cm.make_transactions(N, random_state=0)
    tx = synth.transactions
    t_sum, summary = timed(
        lambda: cm.customer_summary(tx, as_of=synth.observation_end, time_unit="W", count="days")
    )
    print(f"\ntransactions: {len(tx):,}; customer_summary: {t_sum:.2f} s")
    bgnbd = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    spend = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    for horizon in (13, 52):
        t_comp, parts = timed(
            lambda h=horizon: clv_components(
                tx,
                summary,
                bgnbd,
                spend,
                horizon=h,
                annual_discount_rate=0.1,
                margin=0.3,
                as_of=synth.observation_end,
            )
        )
        t_clv, _ = timed(
            lambda h=horizon: cm.value.clv(
                bgnbd, spend, summary, horizon=h, annual_discount_rate=0.1, margin=0.3
            )
        )
        print(
            f"clv_components, horizon {horizon} weeks: {t_comp:.2f} s (of which clv(): {t_clv:.2f} s); "
            f"{len(parts.table):,} customers"
        )
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
