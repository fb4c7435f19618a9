"""Sequential patterns: crmmine vs Spark MLlib's PrefixSpan (local) and the prefixspan package.

Run: ``python benchmarks/bench_sequences.py [--quick] [--skip-spark]`` (``make bench`` runs it).
Targets (issue 14): on Online Retail (one sequence per customer, invoices in date order, each the
set of its stock codes) at least Spark local's speed; and a comparison with the ``prefixspan``
package on single-item sequences (each customer's items in the order she first bought them).

crmmine is timed from the long pandas table (customer, order, date, item) to the result's
``to_frame()``; Spark from its cached DataFrame of sequences to the collected patterns, after a
warm-up run (session start and data transfer are not counted); prefixspan from the Python lists to
its list of patterns. Every run checks that the counts are identical before printing the ratio.
Times are best of ``--repeat`` runs (1 for Spark and prefixspan at low supports).
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from _common import machine, timed


def online_retail() -> pd.DataFrame:
    import crmmine as cm

    tx, _ = cm.datasets.load_online_retail_clean(full=True)
    return tx[["customer_id", "order_id", "date", "item"]]


def spark_sequences(tx: pd.DataFrame) -> list[list[list[str]]]:
    orders = (tx.groupby(["customer_id", "order_id"], sort=False)
              .agg(date=("date", "min"), items=("item", lambda s: sorted(set(s)))).reset_index()
              .sort_values(["customer_id", "date", "order_id"]))
    return orders.groupby("customer_id", sort=True)["items"].agg(list).tolist()


def adoption_sequences(tx: pd.DataFrame) -> list[list[str]]:
    first = tx.sort_values(["customer_id", "date", "order_id", "item"]).drop_duplicates(["customer_id", "item"])
    return first.groupby("customer_id", sort=True)["item"].agg(list).tolist()


def mined(data, **kwargs):
    """crmmine's patterns with their table built (what is timed)."""
    from crmmine.association import sequential_patterns

    result = sequential_patterns(data, **kwargs)
    result.to_frame()
    return result


def crmmine_counts(result) -> dict:
    frame = result.to_frame()
    return dict(zip(frame["pattern"], frame["support_count"]))


def bench_spark(tx: pd.DataFrame, supports: list[float]) -> list[dict]:
    from pyspark.ml.fpm import PrefixSpan
    from pyspark.sql import SparkSession


    spark = (SparkSession.builder.master("local[*]").appName("crmmine-bench-sequences")
             .config("spark.ui.enabled", "false").config("spark.driver.memory", "4g").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        frame = spark.createDataFrame([(s,) for s in spark_sequences(tx)], ["sequence"]).cache()
        frame.count()

        def run_spark(ms: float) -> dict:
            rows = PrefixSpan(minSupport=ms, maxPatternLength=1000).findFrequentSequentialPatterns(frame).collect()
            return {tuple(tuple(sorted(el)) for el in r["sequence"]): int(r["freq"]) for r in rows}

        run_spark(0.1)  # warm-up (JIT, Spark's first job)
        rows = []
        for ms in supports:
            t_cm, res = timed(lambda ms=ms: mined(tx, min_support=ms), repeat=3)
            got = crmmine_counts(res)
            t_sp, ref = timed(lambda ms=ms: run_spark(ms), repeat=1)
            assert got == ref, f"counts differ at {ms}"
            rows.append({"min_support": ms, "patterns": len(got), "crmmine": t_cm, "spark": t_sp})
            print(f"| {ms} | {len(got):,} | {max(sum(map(len, p)) for p in got)} | {t_cm:.2f} s | {t_sp:.1f} s | "
                  f"**{t_sp / t_cm:.1f}x** |", flush=True)
    spark.stop()
    return rows


def bench_prefixspan(tx: pd.DataFrame, supports: list[float]) -> None:
    from prefixspan import PrefixSpan


    seqs = adoption_sequences(tx)
    lengths = np.array([len(s) for s in seqs])
    print(f"\n{len(seqs):,} single-item sequences (items in order of first purchase), mean length "
          f"{lengths.mean():.1f}, longest {lengths.max():,}\n")
    print("| min support | min count | patterns | crmmine | prefixspan | prefixspan / crmmine |")
    print("|---|---:|---:|---:|---:|---:|")
    for ms in supports:
        mc = int(np.ceil(ms * len(seqs)))
        t_cm, res = timed(lambda mc=mc: mined(seqs, min_count=mc), repeat=3)
        t_ps, ref = timed(lambda mc=mc: PrefixSpan(seqs).frequent(mc), repeat=1)
        assert crmmine_counts(res) == {tuple((x,) for x in p): s for s, p in ref}, f"counts differ at {ms}"
        print(f"| {ms} | {mc} | {len(ref):,} | {t_cm:.2f} s | {t_ps:.1f} s | **{t_ps / t_cm:.1f}x** |",
              flush=True)


def bench_constraints(tx: pd.DataFrame, ms: float) -> None:
    from crmmine.association import evaluate_next_purchase, sequential_pattern_rules, sequential_patterns

    print(f"\ncrmmine alone at min_support {ms} (Online Retail, long table in, DataFrame out):\n")
    print("| constraints | patterns | time |")
    print("|---|---:|---:|")
    for label, kwargs in [("none", {}), ("max_gap=30", {"max_gap": 30}), ("window=1", {"window": 1}),
                          ("min_gap=1, max_gap=60, max_span=180", {"min_gap": 1, "max_gap": 60, "max_span": 180}),
                          ("none, closed", {"kind": "closed"}), ("none, maximal", {"kind": "maximal"})]:
        t, res = timed(lambda kwargs=kwargs: mined(tx, min_support=ms, **kwargs), repeat=1)
        print(f"| {label} | {res.n_patterns:,} | {t:.2f} s |", flush=True)
    pats = sequential_patterns(tx, min_support=0.02)
    t, rules = timed(lambda: sequential_pattern_rules(pats, within="30D"), repeat=1)
    print(f"\nrules from the {pats.n_patterns:,} patterns at 0.02, within 30 days: {len(rules.table):,} rules in "
          f"{t:.2f} s")
    start = time.perf_counter()
    ev = evaluate_next_purchase(tx, "2011-09-30", "60D", min_support=0.02, top_n=5)
    print(f"evaluate_next_purchase (as_of 2011-09-30, 60 days, min_support 0.02): "
          f"{time.perf_counter() - start:.2f} s, {ev.n_customers:,} customers, {ev.n_rules:,} rules")
    print(ev.summary().round(3).to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one support per comparison")
    parser.add_argument("--skip-spark", action="store_true", help="leave out the Spark comparison")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    from crmmine.association import sequential_patterns

    tx = online_retail()
    start = time.perf_counter()
    sequential_patterns(tx.head(2000), min_count=2)
    print(f"first call (imports done; numba kernels loaded or compiled): {time.perf_counter() - start:.2f} s")
    print(f"Online Retail: {tx['customer_id'].nunique():,} customers, {tx['order_id'].nunique():,} invoices, "
          f"{len(tx):,} lines\n")
    if not args.skip_spark:
        print("| min support | patterns | longest (items) | crmmine | Spark local | Spark / crmmine |")
        print("|---|---:|---:|---:|---:|---:|")
        bench_spark(tx, [0.03] if args.quick else [0.05, 0.03, 0.02, 0.015])
    bench_prefixspan(tx, [0.05] if args.quick else [0.05, 0.03, 0.02])
    bench_constraints(tx, 0.02 if args.quick else 0.01)


if __name__ == "__main__":
    main()
