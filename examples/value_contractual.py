"""Contractual retention: the shifted-beta-geometric model of Fader & Hardie (2007, 2010).

Fits the "regular" and "high end" cohorts of the paper from their survivor counts (reproducing
the published estimates), projects their retention, values a subscriber at each renewal (DEL,
DERL at 10% a year), then fits a synthetic subscription table of 100,000 monthly subscribers
with several cohorts and right-censored actives.

Run: ``python examples/value_contractual.py`` (a few seconds).
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from crmmine.value import ShiftedBetaGeometric, new_customer_clv

COHORTS = {
    "regular": [1000, 631, 468, 382, 326, 289, 262, 241],
    "high end": [1000, 869, 743, 653, 593, 551, 517, 491],
}


def synthetic_subscriptions(n: int, alpha: float, beta: float, seed: int = 0) -> pd.DataFrame:
    """Monthly subscriptions started over four years; churn probability ~ Beta(alpha, beta)."""
    rng = np.random.default_rng(seed)
    theta = rng.beta(alpha, beta, n)
    months = np.minimum(rng.geometric(theta), 600)
    first = pd.Period("2020-01", freq="M")
    start_period = pd.PeriodIndex([first + int(k) for k in rng.integers(0, 48, n)], freq="M")
    starts = pd.Series(start_period.to_timestamp())
    ends = pd.Series((start_period + months).to_timestamp()) - pd.Timedelta(days=1)
    table = pd.DataFrame({"customer_id": np.arange(n), "start": starts, "end": ends})
    table.loc[table["end"] > pd.Timestamp("2023-12-31"), "end"] = pd.NaT
    return table


def main() -> int:
    for name, counts in COHORTS.items():
        model = ShiftedBetaGeometric(period="Y").fit(counts)
        a, b = model.params_
        print(f"{name}: alpha {a:.3f}, beta {b:.3f}, log-likelihood {model.log_likelihood_:.2f}")
        curves = model.curves(12)
        print(
            f"  survival year 12: {curves['survival'].iloc[-1]:.3f}; retention year 1 -> 12: "
            f"{curves['retention'].iloc[1]:.3f} -> {curves['retention'].iloc[-1]:.3f}"
        )
        derl = [float(model.derl(n, annual_discount_rate=0.10)) for n in (1, 2, 5, 10)]
        print(
            f"  DEL {model.discounted_expected_lifetime(0.10):.3f}; DERL at renewals 1, 2, 5, 10: "
            + ", ".join(f"{v:.3f}" for v in derl)
        )
        worth = new_customer_clv(model, margin=100.0, annual_discount_rate=0.10)
        print(f"  a new subscriber paying 100 a year is worth {worth:,.2f}")

    subs = synthetic_subscriptions(100_000, alpha=0.9, beta=2.5)
    model = ShiftedBetaGeometric(period="M").fit(subs, as_of="2023-12-31")
    print(
        f"\nsynthetic subscriptions (alpha 0.9, beta 2.5): {len(subs):,} subscribers, "
        f"{subs['end'].isna().sum():,} still active"
    )
    print(model.summary().round(3).to_string())
    residual = model.derl(subs, annual_discount_rate=0.10, as_of="2023-12-31")
    print(
        f"expected residual months (discounted) of the active base: {residual.sum():,.0f}; "
        f"mean per active subscriber {residual[residual > 0].mean():.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
