"""Up-selling on the full UCI Online Retail data: who moves up to a dearer product, and what to offer.

Run: ``python examples/upsell_online_retail.py`` from the repository root. Reads
``../shared/data/online_retail/online_retail.csv.xz`` (UCI Online Retail, CC BY 4.0; Chen, Sain &
Guo 2012) and exits with a message when it is absent.

The data carry no product hierarchy: the category of an item is the product type named in its
description (``online_retail_category``: "JUMBO BAG RED RETROSPOT" -> BAG) and the price tiers come
from the median unit prices within each category (``product_catalog``, three tiers). The model is
trained on the history up to 2011-05-31 with the moves up of the next 90 days, then scores the
history up to 2011-08-31 and is checked on the 90 days after it, beside a popularity baseline.
"""

from __future__ import annotations

import sys
import time

import crmmine as cm
from crmmine.association import UpsellModel, evaluate_upsell, online_retail_category, product_catalog
from crmmine.datasets import DatasetNotFoundError


def main() -> None:
    try:
        tx, _log = cm.datasets.load_online_retail_clean(full=True)
    except DatasetNotFoundError as err:
        sys.exit(f"Online Retail data not available: {err}")
    names = tx.drop_duplicates("item").set_index("item")["Description"].str.strip().to_dict()
    start = time.perf_counter()
    catalog = product_catalog(tx, online_retail_category, tiers=3)
    other = catalog["category"] == "OTHER"
    catalog = catalog[~other]
    print(
        f"catalog: {len(catalog):,} items in {catalog['category'].nunique():,} categories "
        f"({other.sum():,} items name no product type and are left out)"
    )
    biggest = catalog["category"].value_counts().head(5)
    print("largest categories: " + ", ".join(f"{c} ({n})" for c, n in biggest.items()))

    ev = evaluate_upsell(tx, catalog, train_as_of="2011-05-31", as_of="2011-08-31", horizon="90D",
                         top_n=3, random_state=0)
    print(
        f"\nEvaluated on {ev.n_pairs:,} (customer, category) pairs of {ev.n_customers:,} customers "
        f"at {ev.as_of.date()}; {ev.base_rate:.1%} moved up within 90 days "
        f"({time.perf_counter() - start:.1f} s):"
    )
    print(ev.to_frame().round(3).to_string(index=False))

    model = UpsellModel(catalog, horizon="90D", random_state=0).fit(tx, as_of="2011-08-31")
    offers = model.offers(tx, as_of="2011-11-30", top_n=3)
    best = offers.sort_values("expected_gain", ascending=False).iloc[0]
    print(
        f"\nOffers at 2011-11-30 for {offers['customer_id'].nunique():,} customers; the largest "
        f"expected gain, customer {best['customer_id']}:"
    )
    for _, o in offers[offers["customer_id"] == best["customer_id"]].iterrows():
        print(
            f"  #{o['rank']} {names.get(o['item'], o['item'])} ({o['category']}, tier "
            f"{o['current_tier']:.0f} -> {o['offer_tier']:.0f}): P(move up) {o['propensity']:.2f}, "
            f"P(this item) {o['choice_probability']:.2f}, gain/unit {o['gain_per_unit']:.2f} x "
            f"{o['units']:.0f} units -> expected {o['expected_gain']:.2f}"
        )


if __name__ == "__main__":
    main()
