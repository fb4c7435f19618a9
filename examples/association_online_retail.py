"""Cross-selling on the full UCI Online Retail data: itemsets, rules, offers, sequences.

Run: ``python examples/association_online_retail.py`` from the repository root. Reads
``../shared/data/online_retail/online_retail.csv.xz`` (UCI Online Retail, CC BY 4.0; Chen, Sain &
Guo 2012) and exits with a message when it is absent.
"""

from __future__ import annotations

import math
import sys
import time

import crmmine as cm
from crmmine.association import (
    association_rules,
    evaluate_recommendations,
    frequent_itemsets,
    recommend,
    sequential_rules,
)
from crmmine.datasets import DatasetNotFoundError


def main() -> None:
    try:
        tx, _log = cm.datasets.load_online_retail_clean(full=True)
    except DatasetNotFoundError as err:
        sys.exit(f"Online Retail data not available: {err}")
    names = tx.drop_duplicates("item").set_index("item")["Description"].str.strip().to_dict()
    print(
        f"{len(tx):,} order lines, {tx['order_id'].nunique():,} orders, "
        f"{tx['customer_id'].nunique():,} customers, {tx['item'].nunique():,} items"
    )

    start = time.perf_counter()
    itemsets = frequent_itemsets(tx, min_support=0.01)  # per order: basket analysis
    rules = association_rules(itemsets, min_confidence=0.5, prune_redundant=True)
    table = rules.to_frame()
    print(
        f"\n{len(itemsets):,} frequent itemsets (support >= 1% of orders), {len(rules):,} "
        f"non-redundant rules (confidence >= 50%) in {time.perf_counter() - start:.2f} s"
    )
    for _, r in table.head(5).iterrows():
        lhs = " + ".join(names.get(x, x) for x in sorted(r["antecedent"]))
        rhs = " + ".join(names.get(x, x) for x in sorted(r["consequent"]))
        print(
            f"  {lhs}  =>  {rhs}: confidence {r['confidence']:.2f}, lift {r['lift']:.1f}, "
            f"Fisher log10 p {r['log_p'] / math.log(10):.0f}"
        )

    # customers who bought A also bought B, and the next best offer per customer
    by_customer = association_rules(
        frequent_itemsets(tx, min_support=0.03, unit="customer"), min_confidence=0.5
    )
    offers = recommend(by_customer, tx, top_n=3)
    example = offers.loc[offers["source"] == "rule", "customer_id"].iloc[0]
    print(
        f"\n{len(by_customer):,} customer-level rules; offers for "
        f"{offers['customer_id'].nunique():,} customers "
        f"({(offers['source'] == 'rule').mean():.0%} of offers explained by a rule). Customer "
        f"{example}:"
    )
    for _, o in offers[offers["customer_id"] == example].iterrows():
        print(f"  #{o['rank']} {names.get(o['item'], o['item'])}: {o['explanation']}")

    ev = evaluate_recommendations(
        tx, "2011-08-31", min_support=0.03, min_confidence=0.3, top_n=5, unit="customer"
    )
    print(f"\nOut of sample after {ev.calibration_end.date()} ({ev.n_customers:,} customers):")
    print(ev.summary().round(3).to_string(index=False))

    seq = sequential_rules(tx, within="30D", min_support=0.02)
    print(f"\n{len(seq.rules):,} sequential rules within 30 days; the strongest:")
    print(seq.summary().head(5).round(3).to_string(index=False))


if __name__ == "__main__":
    main()
