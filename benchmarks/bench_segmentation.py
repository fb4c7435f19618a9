"""RFM scores + segments + ABC tiers on 1,000,000 customers vs a plain pandas baseline.

Run: ``python benchmarks/bench_segmentation.py [n_customers]`` (``make bench`` runs it).
Target (issue 3): crmmine within 2x of the baseline in the same process. The baseline is what an
analyst writes by hand for the same rules: scores ``1 + bins * (rank(method="min") - 1) // n``
(equal values share a score, as crmmine's rank method), an R x F lookup, a ``cumsum`` for ABC.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from _common import machine, peak_rss_mb, timed

from crmmine.segmentation import abc_tiers, cluster_mixed, rfm_scores, rfm_segments

N = int(sys.argv[1]) if len(sys.argv) > 1 and sys.argv[1].isdigit() else 1_000_000
TELCO = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "churn" / "telco_customer_churn.csv"


def make_summary(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    orders = rng.geometric(0.4, n)
    return pd.DataFrame({"since_last": rng.integers(0, 720, n).astype(float), "orders": orders,
                         "monetary": np.round(rng.gamma(2.0, 60.0, n) * orders, 2)},
                        index=pd.Index(np.arange(n), name="customer_id"))


def baseline(s: pd.DataFrame, ties: str = "min") -> pd.DataFrame:
    """What an analyst writes by hand: a rank score per dimension, a lookup, a cumsum for ABC.

    ``ties="min"``: equal values share a score (crmmine's rule); ``"first"``: the earlier anchor,
    ties broken by position with ``rank(method="first")`` + ``qcut``.
    """
    out = pd.DataFrame(index=s.index)
    n = len(s)
    for dim, values in (("R", -s["since_last"]), ("F", s["orders"]), ("M", s["monetary"])):
        if ties == "min":
            out[dim] = (1 + 5 * (values.rank(method="min").astype("int64") - 1) // n).astype("int64")
        else:
            out[dim] = pd.qcut(values.rank(method="first"), 5, labels=False) + 1
    grid = np.empty((6, 6), dtype=object)
    grid[:, :] = "Other"
    grid[5, 4:] = "Champions"
    grid[3:5, 4:] = "Loyal customers"
    grid[4:6, 2:4] = "Potential loyalists"
    grid[5, 1] = "New customers"
    grid[4, 1] = "Promising"
    grid[3, 3] = "Need attention"
    grid[3, 1:3] = "About to sleep"
    grid[1:3, 5] = "Can't lose them"
    grid[1:3, 3:5] = "At risk"
    grid[1:3, 1:3] = "Hibernating"
    out["segment"] = grid[out["R"].to_numpy(), out["F"].to_numpy()]
    ordered = s["monetary"].sort_values(ascending=False)
    before = ordered.cumsum().shift(fill_value=0) / ordered.sum()
    out["tier"] = pd.cut(before, [-np.inf, 0.8, 0.95, np.inf], labels=["A", "B", "C"], right=False)
    return out


def ours(s: pd.DataFrame) -> pd.DataFrame:
    scores = rfm_scores(s)
    scores["segment"] = rfm_segments(scores, "rf_grid")
    scores["tier"] = abc_tiers(s)["tier"]
    return scores


def main() -> None:
    s = make_summary(N)
    print(f"machine: {machine()}; n = {N:,}; pandas {pd.__version__}")
    t_base, base = timed(lambda: baseline(s), repeat=3)
    t_pos, _ = timed(lambda: baseline(s, ties="first"), repeat=3)
    t_ours, res = timed(lambda: ours(s), repeat=3)
    agree = (res["segment"].to_numpy() == base["segment"].to_numpy()).mean()
    tier_agree = (res["tier"].astype(str).to_numpy() == base["tier"].astype(str).reindex(s.index).to_numpy()).mean()
    print(f"pandas baseline (rank(min) + lookup + cumsum):   {t_base:.3f} s")
    print(f"crmmine rfm_scores + rfm_segments + abc_tiers:   {t_ours:.3f} s  ratio {t_ours / t_base:.2f} "
          f"(target <= 2)")
    print(f"earlier anchor, ties by position (rank(first) + qcut + lookup + cumsum): {t_pos:.3f} s; "
          f"crmmine / it {t_ours / t_pos:.2f}")
    print(f"same segment for {agree:.2%} of customers, same ABC tier for {tier_agree:.2%}")
    print(f"peak RSS {peak_rss_mb():,.0f} MB")


def mixed() -> None:
    """Mixed-attribute clusters on the Telco table (7,043 customers): k-prototypes vs Gower."""
    if not TELCO.exists():
        print(f"Telco file not found at {TELCO}; skipping the mixed-cluster timing")
        return
    telco = pd.read_csv(TELCO).set_index("customerID")
    args = (["tenure", "MonthlyCharges"], ["Contract", "PaymentMethod", "InternetService"])
    for method in ("kprototypes", "gower"):
        t, res = timed(lambda m=method: cluster_mixed(telco, *args, method=m, n_clusters_range=range(2, 7),
                                                      order_by="MonthlyCharges", random_state=0))
        print(f"cluster_mixed {method:11s} on Telco (sample 2,000, 2-6 clusters, stability over 2 seeds): "
              f"{t:.2f} s, {res.n_clusters} clusters, silhouette {res.scores['silhouette'].max():.3f}, "
              f"stability {res.stability:.2f}")


if __name__ == "__main__":
    if "mixed" in sys.argv[1:]:
        mixed()
    else:
        main()
