"""Frequent itemsets: published counts, brute-force properties, input forms and errors."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.association import (
    LargeOutputWarning,
    OutputTooLargeError,
    frequent_itemsets,
    make_baskets,
    min_count_for,
)
from crmmine.errors import DataError, ParameterError, SchemaError


def as_dict(result) -> dict[frozenset, int]:
    frame = result.to_frame()
    return dict(zip(frame["itemset"], frame["support_count"]))


def brute_force(baskets: list[list], min_count: int, max_len: int | None = None) -> dict[frozenset, int]:
    sets = [frozenset(b) for b in baskets]
    items = sorted(set().union(*sets)) if sets else []
    out = {}
    top = len(items) if max_len is None else min(max_len, len(items))
    for k in range(1, top + 1):
        for combo in itertools.combinations(items, k):
            c = sum(1 for s in sets if s.issuperset(combo))
            if c >= min_count:
                out[frozenset(combo)] = c
    return out


# --- published reference counts -------------------------------------------------------------


def test_groceries_13492_itemsets(groceries):
    # arules: apriori(Groceries, parameter=list(support=0.001, target="frequent itemsets")) -> 13,492
    # (also pyfim fpgrowth(supp=-10)). 9,835 baskets, 169 items.
    result = frequent_itemsets(groceries, min_support=0.001)
    assert make_baskets(groceries).n_items == 169
    assert len(result) == 13492
    assert result.n_transactions == 9835
    assert result.min_count == 10  # ceil(0.001 * 9835)
    fi = result.to_frame()
    assert fi["support_count"].min() >= 10
    np.testing.assert_allclose(fi["support"], fi["support_count"] / 9835)
    assert (fi["length"] == fi["itemset"].map(len)).all()
    # whole milk is the most frequent item: 2,513 baskets (arules itemFrequency, 0.2555)
    top = fi.iloc[0]
    assert top["itemset"] == frozenset({"whole milk"}) and top["support_count"] == 2513


def test_fimi_retail_counts(retail):
    # FIMI retail (Brijs et al. 1999): 7,589 frequent itemsets at 0.001 and 19,242 at 0.0005
    # (pyfim / Borgelt's fpgrowth, min counts ceil(88.162) = 89 and ceil(44.081) = 45).
    baskets = make_baskets(retail)
    assert baskets.n_baskets == 88162
    assert len(frequent_itemsets(baskets, min_support=0.001)) == 7589
    assert len(frequent_itemsets(baskets, min_support=0.0005)) == 19242


def test_closed_and_maximal_match_pyfim(groceries):
    fim = pytest.importorskip("fim", reason="pyfim (extra 'bench') is the reference for closed/maximal sets")
    for kind, target in (("closed", "c"), ("maximal", "m")):
        ref = {frozenset(s): c for s, c in fim.fpgrowth(groceries, target=target, supp=-10, report="a")}
        got = as_dict(frequent_itemsets(groceries, min_support=0.001, kind=kind))
        assert got == ref


def test_supports_equal_mlxtend_fpgrowth(groceries):
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    from mlxtend.preprocessing import TransactionEncoder

    te = TransactionEncoder()
    onehot = pd.DataFrame(te.fit(groceries).transform(groceries), columns=te.columns_)
    ref = mlx.fpgrowth(onehot, min_support=0.005, use_colnames=True)
    got = frequent_itemsets(groceries, min_support=0.005).to_frame()
    assert len(got) == len(ref)
    ref_map = {frozenset(s): v for s, v in zip(ref["itemsets"], ref["support"])}
    for s, v in zip(got["itemset"], got["support"]):
        assert ref_map[s] == pytest.approx(v, rel=1e-12)
    # the one-hot frame itself is accepted (mlxtend users) and gives the same result
    from_onehot = frequent_itemsets(onehot, min_support=0.005)
    assert as_dict(from_onehot) == as_dict(frequent_itemsets(groceries, min_support=0.005))


# --- properties against brute force ---------------------------------------------------------

baskets_strategy = st.lists(st.lists(st.integers(0, 7), min_size=0, max_size=6), min_size=1, max_size=30)


@pytest.mark.filterwarnings("ignore::crmmine.errors.DataWarning")  # identical baskets: the documented warning
@settings(max_examples=60, deadline=None)
@given(baskets=baskets_strategy, min_count=st.integers(1, 4), max_len=st.one_of(st.none(), st.integers(1, 3)))
def test_supports_equal_brute_force(baskets, min_count, max_len):
    ref = brute_force(baskets, min_count, max_len)
    if not ref:
        return
    got = frequent_itemsets(baskets, min_count=min_count, max_len=max_len)
    assert as_dict(got) == ref


@pytest.mark.filterwarnings("ignore::crmmine.errors.DataWarning")  # identical baskets: the documented warning
@settings(max_examples=40, deadline=None)
@given(baskets=baskets_strategy, min_count=st.integers(1, 3))
def test_closed_maximal_brute_force(baskets, min_count):
    ref = brute_force(baskets, min_count)
    if not ref:
        return
    closed = {s for s, c in ref.items() if not any(s < t and ref[t] == c for t in ref)}
    maximal = {s for s in ref if not any(s < t for t in ref)}
    got_closed = frequent_itemsets(baskets, min_count=min_count, kind="closed").to_frame()
    got_maximal = frequent_itemsets(baskets, min_count=min_count, kind="maximal").to_frame()
    assert set(got_closed["itemset"]) == closed
    assert set(got_maximal["itemset"]) == maximal


# --- inputs --------------------------------------------------------------------------------


def long_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3, 3, 3],
            "order_id": ["o1", "o1", "o2", "o3", "o3", "o4", "o4", "o4"],
            "item": ["a", "b", "c", "a", "b", "a", "c", "c"],
        }
    )


def test_long_table_order_and_customer_units():
    tx = long_table()
    before = tx.copy()
    by_order = as_dict(frequent_itemsets(tx, min_count=2))
    assert by_order == {frozenset("a"): 3, frozenset("b"): 2, frozenset("c"): 2, frozenset("ab"): 2}
    by_customer = frequent_itemsets(tx, min_count=2, unit="customer")
    assert as_dict(by_customer)[frozenset("ac")] == 2
    assert by_customer.n_transactions == 3 and by_customer.unit == "customer"
    pd.testing.assert_frame_equal(tx, before)  # input untouched


def test_column_names_and_hierarchy():
    tx = long_table().rename(columns={"order_id": "InvoiceNo", "item": "StockCode"})
    got = frequent_itemsets(
        tx, min_count=3, order_id="InvoiceNo", item="StockCode", hierarchy={"a": "x", "b": "y", "c": "x"}
    )
    assert as_dict(got) == {frozenset({"x"}): 4}
    with pytest.raises(DataError, match="hierarchy does not map"):
        frequent_itemsets(tx, min_count=1, order_id="InvoiceNo", item="StockCode", hierarchy={"a": "x"})


def test_polars_input_equals_pandas():
    pl = pytest.importorskip("polars")
    tx = long_table()
    assert as_dict(frequent_itemsets(pl.from_pandas(tx), min_count=2)) == as_dict(
        frequent_itemsets(tx, min_count=2)
    )


def test_min_count_definition():
    # count >= ceil(s * N), computed on the decimal value of s
    assert min_count_for(0.001, 9835) == 10
    assert min_count_for(0.0005, 88162) == 45
    assert min_count_for(0.1, 30) == 3
    assert min_count_for(1.0, 7) == 7


# --- errors and limits ---------------------------------------------------------------------


def test_bad_inputs_raise_clear_errors():
    tx = long_table()
    with pytest.raises(SchemaError, match="item"):
        frequent_itemsets(tx.drop(columns="item"))
    bad = tx.copy()
    bad.loc[2, "item"] = None
    with pytest.raises(DataError, match="1 row with missing values"):
        frequent_itemsets(bad)
    with pytest.raises(ParameterError, match="min_support"):
        frequent_itemsets(tx, min_support=2)
    with pytest.raises(ParameterError, match="kind"):
        frequent_itemsets(tx, kind="open")
    with pytest.raises(ParameterError, match="not a collection"):
        frequent_itemsets(["ab", "cd"])
    with pytest.raises(ParameterError, match="unit"):
        frequent_itemsets(tx, unit="day")


def test_output_limits():
    baskets = [list(range(12))] * 2 + [list(range(11))]  # 4,095 frequent itemsets
    with pytest.raises(OutputTooLargeError, match="max_itemsets"):
        frequent_itemsets(baskets, min_count=1, max_itemsets=1000)
    result = frequent_itemsets(baskets, min_count=1, memory_limit=1e5)  # mining itself is compact
    with pytest.warns(LargeOutputWarning, match="4,095 itemsets"):
        result.to_frame()


def test_nothing_frequent_gives_empty_frames():
    from crmmine.association import association_rules, recommend

    fi = frequent_itemsets([["a"], ["b"]], min_count=2)
    assert len(fi) == 0
    assert list(fi.to_frame().columns) == ["itemset", "support_count", "support", "length", "all_confidence"]
    assert len(frequent_itemsets([["a"], ["b"]], min_count=2, kind="maximal")) == 0
    rules = association_rules(fi)
    assert len(rules) == 0 and rules.to_frame().empty
    # with no rule every customer still gets the popular fallback
    recs = recommend(rules, pd.DataFrame({"customer_id": [1, 2], "item": ["a", "b"]}), top_n=2)
    assert recs["item"].tolist() == ["b", "a"] and set(recs["source"]) == {"popular"}
