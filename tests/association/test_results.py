"""Every association result follows crmmine's result protocol; numbers never depend on ``.attrs``."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from crmmine._results import Result
from crmmine.association import (
    AssociationRules,
    FrequentItemsets,
    association_rules,
    evaluate_recommendations,
    frequent_itemsets,
    recommend,
    sequential_rules,
)


def small_tx() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    n = 800
    cust = rng.integers(0, 80, n)
    taste = (cust % 3) * 3 + rng.integers(0, 3, n)
    item = np.where(rng.uniform(size=n) < 0.7, taste, rng.integers(0, 9, n))
    days = pd.to_timedelta(rng.integers(0, 90, n), unit="D")
    order = cust * 1000 + rng.integers(0, 300, n) % 4  # a few orders per customer, each of one customer
    return pd.DataFrame({"customer_id": cust, "order_id": order,
                         "date": pd.Timestamp("2024-01-01") + days,
                         "item": [f"sku{i}" for i in item]})


@pytest.fixture(scope="module")
def results():
    tx = small_tx()
    fi = frequent_itemsets(tx, min_support=0.02, unit="customer")
    rules = association_rules(fi, min_confidence=0.3)
    ev = evaluate_recommendations(tx, "2024-02-29", min_support=0.05, min_confidence=0.3, top_n=2,
                                  unit="customer")
    seq = sequential_rules(tx, within="20D", min_count=3)
    return {"itemsets": fi, "rules": rules, "evaluation": ev, "sequences": seq, "tx": tx}


@pytest.mark.parametrize("name", ["itemsets", "rules", "evaluation", "sequences"])
def test_result_protocol(results, name):
    res = results[name]
    assert isinstance(res, Result)
    assert isinstance(res.to_frame(), pd.DataFrame) and len(res.to_frame()) > 0
    assert isinstance(res.summary(), pd.DataFrame) and len(res.summary()) <= 10
    text = repr(res)
    assert text.startswith(type(res).__name__ + "(") and len(text) < 200 and str(res) == text
    assert "<table" in res._repr_html_()
    import matplotlib.pyplot as plt

    ax = res.plot()
    assert ax is not None and hasattr(ax, "get_title")
    plt.close("all")


def test_to_frame_is_a_copy(results):
    fi = results["itemsets"]
    table = fi.to_frame()
    table["support"] = 0.0
    assert (fi.to_frame()["support"] > 0).all()
    rules = results["rules"]
    frame = rules.to_frame()
    frame.loc[:, "lift"] = -1.0
    assert (rules.to_frame()["lift"] > 0).all() and len(rules) > 0


def test_numbers_do_not_depend_on_attrs(results):
    """A plain itemsets table (no attrs at all) gives the same rules as the result; unit agrees."""
    fi, rules = results["itemsets"], results["rules"]
    assert isinstance(fi, FrequentItemsets) and isinstance(rules, AssociationRules)
    table = fi.to_frame()
    table.attrs.clear()
    plain = association_rules(table, min_confidence=0.3, unit="customer").to_frame()
    ref = rules.to_frame()
    pd.testing.assert_frame_equal(plain.drop(columns=["antecedent", "consequent"]),
                                  ref.drop(columns=["antecedent", "consequent"]))
    assert rules.unit == fi.unit == "customer"
    # recommend words its explanations from the result's unit, the plain table from the default "order"
    tx = results["tx"]
    by_result = recommend(rules, tx, top_n=1, fallback=None)
    by_table = recommend(rules.to_frame(), tx, top_n=1, fallback=None)
    assert by_result["explanation"].str.contains("customers who bought").all()
    assert by_table["explanation"].str.contains("orders with").all()
    pd.testing.assert_frame_equal(by_result.drop(columns="explanation"), by_table.drop(columns="explanation"))


def test_subset_keeps_a_result(results):
    rules = results["rules"]
    strong = rules.subset(rules.to_frame()["lift"] > 1.5)
    assert isinstance(strong, AssociationRules) and strong.unit == rules.unit
    assert (strong.to_frame()["lift"] > 1.5).all()


def test_backends_give_the_same_itemsets(results):
    tx = results["tx"]
    ref = frequent_itemsets(tx, min_support=0.02).to_frame()
    for module in ("polars", "pyarrow", "duckdb"):
        pytest.importorskip(module)
    import duckdb
    import polars as pl
    import pyarrow as pa

    small = tx[["order_id", "customer_id", "item"]]
    for native in (pl.from_pandas(small), pl.from_pandas(small).lazy(), pa.Table.from_pandas(small),
                   duckdb.from_df(small)):
        got = frequent_itemsets(native, min_support=0.02).to_frame()
        pd.testing.assert_frame_equal(got, ref, obj=type(native).__name__)
