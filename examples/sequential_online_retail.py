"""Sequential patterns on UCI Online Retail: what customers buy next, and when.

Run: ``python examples/sequential_online_retail.py [--sample]`` from the repository root. Reads
``../shared/data/online_retail/online_retail.csv.xz`` (UCI Online Retail, CC BY 4.0; Chen, Sain &
Guo 2012) when present, else (or with ``--sample``) the sample embedded in crmmine.

1. frequent sequences of invoices (each invoice the set of its stock codes), with and without
   time constraints;
2. rules "A, then B -> C within 30 days" with the time to the consequent;
3. next-purchase recommendations, and their hit rate on the two months after 30 September 2011
   against the most popular items.
"""

from __future__ import annotations

import sys
import time

import crmmine as cm
from crmmine.association import (
    evaluate_next_purchase,
    recommend_next,
    sequential_pattern_rules,
    sequential_patterns,
)
from crmmine.datasets import DatasetNotFoundError


def load() -> tuple:
    if "--sample" not in sys.argv:
        try:
            tx, _ = cm.datasets.load_online_retail_clean(full=True)
            return tx, "full data"
        except DatasetNotFoundError:
            pass
    tx, _ = cm.datasets.load_online_retail_clean()
    return tx, "embedded sample"


def main() -> None:
    tx, source = load()
    names = tx.drop_duplicates("item").set_index("item")["Description"].str.strip().to_dict()

    def show(element: tuple) -> str:
        return " + ".join(names.get(x, str(x)) for x in element)

    print(f"Online Retail ({source}): {tx['customer_id'].nunique():,} customers, "
          f"{tx['order_id'].nunique():,} invoices, {tx['item'].nunique():,} items")

    start = time.perf_counter()
    pats = sequential_patterns(tx, min_support=0.02)
    frame = pats.to_frame()
    print(f"\n{pats.n_patterns:,} sequential patterns held by at least {pats.min_count:,} customers "
          f"(2%) in {time.perf_counter() - start:.2f} s; {int((frame['n_elements'] >= 2).sum()):,} of them "
          "span several invoices")
    later = frame[(frame["n_elements"] >= 2) & frame["pattern"].map(lambda p: len(set(p)) == len(p))]
    for row in later.head(3).itertuples():
        print(f"  {row.support_count:,} customers: " + ", then ".join(show(el) for el in row.pattern))
    close = sequential_patterns(tx, min_support=0.02, max_gap=30)
    n_close = int((close.to_frame()["n_elements"] >= 2).sum())
    print(f"with at most 30 days between invoices: {n_close:,} patterns span several invoices")

    rules = sequential_pattern_rules(pats, within="30D", min_confidence=0.2)
    table = rules.to_frame()
    print(f"\n{len(table):,} rules 'A, then B -> C within 30 days' (confidence >= 20%), the strongest:")
    for row in table.head(5).itertuples():
        lhs = ", then ".join(show(el) for el in row.antecedent)
        print(f"  {lhs} -> {show(row.consequent)}: confidence {row.confidence:.0%}, lift {row.lift:.1f}, "
              f"median {row.days_median:g} days (quartiles {row.days_q25:g}-{row.days_q75:g})")

    recs = recommend_next(rules, tx, top_n=3, as_of="2011-09-30")
    by_rule = recs[recs["source"] == "rule"]
    print(f"\nnext purchases for {recs['customer_id'].nunique():,} customers on 2011-09-30; "
          f"{by_rule['customer_id'].nunique():,} of them have a rule that fits the end of their history")
    if len(by_rule):
        who = by_rule["customer_id"].iloc[0]
        for row in recs[recs["customer_id"] == who].itertuples():
            print(f"  customer {who}, #{row.rank}: {names.get(row.item, row.item)} ({row.source}"
                  + (f", expected in about {row.days_median:g} days)" if row.source == "rule" else ")"))

    start = time.perf_counter()
    ev = evaluate_next_purchase(tx, "2011-09-30", "60D", min_support=0.02, top_n=5)
    best = ev.summary()
    print(f"\nout of sample ({ev.n_customers:,} customers buying in the 60 days after 2011-09-30, "
          f"{ev.n_rules:,} rules, {time.perf_counter() - start:.1f} s):")
    for model, row in best.iterrows():
        print(f"  {model:>13}: hit rate@5 {row['hit_rate']:.3f}, precision@5 {row['precision']:.3f}, "
              f"recall@5 {row['recall']:.3f}")


if __name__ == "__main__":
    main()
