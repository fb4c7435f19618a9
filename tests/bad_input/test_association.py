"""Bad inputs at the association entry points: each gives a crmmine error naming the column (or
parameter) and the fix, or a documented policy with a crmmine warning; inputs are never modified."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.association import (
    association_rules,
    evaluate_recommendations,
    frequent_itemsets,
    online_retail_category,
    product_catalog,
    recommend,
    sequential_rules,
    upsell_features,
)
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError


def tx_table(**changes) -> pd.DataFrame:
    base = pd.DataFrame({
        "customer_id": [1, 1, 1, 2, 2, 3, 3, 3],
        "order_id": ["o1", "o1", "o2", "o3", "o3", "o4", "o4", "o4"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01", "2024-01-05", "2024-01-05",
                                "2024-01-09", "2024-01-09", "2024-01-09"]),
        "item": ["a", "b", "c", "a", "b", "a", "c", "b"],
    })
    for column, values in changes.items():
        base[column] = pd.Series(values, dtype=object) if isinstance(values, list) else values
    return base


def unchanged(before: pd.DataFrame, after: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(before, after)


@pytest.mark.parametrize("bad_value", [["b"], {"sku": "b"}])
def test_unhashable_items_name_the_column(bad_value):
    tx = tx_table(item=["a", bad_value, "c", "a", "b", "a", "c", "b"])
    before = tx.copy()
    with pytest.raises(DataError, match=r"(?s)column 'item': 1 row with values that cannot be items.*"
                                        r"Fix: put one value per row"):
        frequent_itemsets(tx, min_count=1)
    unchanged(before, tx)


def test_unhashable_items_in_a_list_of_baskets():
    baskets = [["a", ["b", "c"]], ["a"]]
    with pytest.raises(DataError, match=r"(?s)column 'item'.*unhashable list.*Fix:"):
        frequent_itemsets(baskets, min_count=1)
    assert baskets == [["a", ["b", "c"]], ["a"]]


def test_duplicate_column_names():
    tx = tx_table()
    dup = pd.concat([tx, tx[["item"]]], axis=1)
    before = dup.copy()
    with pytest.raises(SchemaError, match=r"duplicated column names \['item'\].*Fix: rename or drop"):
        frequent_itemsets(dup, min_count=1)
    with pytest.raises(SchemaError, match=r"duplicated column names \['item'\].*Fix"):
        sequential_rules(dup, min_count=1)
    unchanged(before, dup)


def test_duplicate_column_names_everywhere_a_table_is_read():
    # every association entry point reads a table through one check (association/_tables.py)
    tx = tx_table().assign(amount=1.0, quantity=1)
    dup = pd.concat([tx, tx[["item"]]], axis=1)
    before = dup.copy()
    calls = [
        lambda: evaluate_recommendations(dup, "2024-01-20", min_support=0.3),
        lambda: product_catalog(dup, {"a": "x", "b": "x", "c": "x"}),
        lambda: online_retail_category(dup.assign(Description="MUG")),
        lambda: upsell_features(dup, pd.DataFrame({"category": ["x"], "tier": [1], "n_tiers": [1],
                                                   "value": [1.0]}, index=["a"]), "2024-01-31"),
    ]
    for call in calls:
        with pytest.raises(SchemaError, match=r"duplicated column names \['item'\].*Fix: rename or drop"):
            call()
    unchanged(before, dup)


def test_empty_table():
    tx = tx_table().iloc[:0]
    with pytest.raises(DataError, match=r"empty.*Fix: pass a table with at least one row"):
        frequent_itemsets(tx)
    with pytest.raises(DataError, match=r"empty.*Fix"):
        sequential_rules(tx)


def test_one_basket_is_mined_with_a_warning():
    tx = tx_table().query("order_id == 'o4'")
    before = tx.copy()
    with pytest.warns(DataWarning, match="there is one basket"):
        fi = frequent_itemsets(tx, min_count=1)
    table = fi.to_frame()
    assert len(table) == 7 and (table["support"] == 1.0).all()  # all subsets of {a, b, c}
    unchanged(before, tx)


def test_identical_baskets_warn_and_every_lift_is_one():
    baskets = [["tea", "mug"]] * 5
    with pytest.warns(DataWarning, match="all 5 baskets hold the same items"):
        fi = frequent_itemsets(baskets, min_count=1)
    rules = association_rules(fi, min_confidence=0.1).to_frame()
    assert (rules["lift"] == 1.0).all() and (rules["p_value"] == 1.0).all()
    # and redundancy: no rule improves on the baseline P(C) = 1
    assert len(association_rules(fi, min_confidence=0.1, prune_redundant=True)) == 0


@pytest.mark.parametrize("column", ["item", "order_id"])
def test_missing_values(column):
    values = tx_table()[column].astype(object).tolist()
    values[2] = np.nan
    tx = tx_table(**{column: values})
    before = tx.copy()
    with pytest.raises(DataError, match=rf"(?s)column '{column}': 1 row with missing values.*Fix: drop or "):
        frequent_itemsets(tx, min_count=1)
    unchanged(before, tx)


def test_mixed_item_types():
    tx = tx_table(item=[1, "1", 2, 1, 2, 1, "1", 2])
    before = tx.copy()
    with pytest.raises(DataError, match=r"(?s)column 'item': 2 rows with items of mixed types \(int, str\).*"
                                        r"Fix: convert the column to one type"):
        frequent_itemsets(tx, min_count=1)
    with pytest.raises(DataError, match=r"(?s)column 'item'.*mixed types.*Fix"):
        sequential_rules(tx, min_count=1)
    unchanged(before, tx)


def test_mixed_order_id_types():
    tx = tx_table(order_id=[1, 1, "1", 2, 2, 3, 3, 3])
    with pytest.raises(DataError, match=r"(?s)column 'order_id'.*order ids of mixed types.*Fix"):
        frequent_itemsets(tx, min_count=1)


@pytest.mark.parametrize("value", [0, 1.5, -0.1, "high", float("nan")])
def test_min_support_out_of_range(value):
    with pytest.raises(ParameterError, match=r"parameter 'min_support' of frequent_itemsets\(\) must be a "
                                             r"number in \(0, 1\]"):
        frequent_itemsets(tx_table(), min_support=value)


def test_unicode_items_are_kept():
    tx = tx_table(item=["café", "牛奶", "🍞", "café", "牛奶", "café", "🍞", "牛奶"])
    fi = frequent_itemsets(tx, min_count=2)
    table = fi.to_frame()
    assert frozenset({"café", "牛奶"}) in set(table["itemset"])
    rules = association_rules(fi, min_confidence=0.5).to_frame()
    assert (rules["consequent"] == frozenset({"牛奶"})).any()
    recs = recommend(association_rules(frequent_itemsets(tx, min_count=2, unit="customer"), 0.5), tx, top_n=1)
    assert set(recs["item"]) <= {"café", "牛奶", "🍞"}


def test_missing_item_column_suggests_the_name():
    tx = tx_table().rename(columns={"item": "Item"})
    with pytest.raises(SchemaError, match=r"missing column 'item' \(did you mean 'Item'.*Fix: rename the "
                                          r"column or pass item="):
        frequent_itemsets(tx)


def test_onehot_with_bad_values():
    onehot = pd.DataFrame({"tea": [1, 0, 2], "mug": [1, 1, 0]})
    before = onehot.copy()
    with pytest.raises(DataError, match=r"(?s)column 'tea': 1 row with values other than 0/1.*Fix: pass a "
                                        r"one-hot frame"):
        frequent_itemsets(onehot, min_count=1)
    unchanged(before, onehot)


def test_closed_itemsets_cannot_make_rules():
    closed = frequent_itemsets([["a", "b"], ["a", "b"], ["a"]], min_count=1, kind="closed")
    with pytest.raises(DataError, match=r"not downward closed.*Fix: pass all frequent itemsets"):
        association_rules(closed, min_confidence=0.5)


def test_unit_that_contradicts_the_itemsets():
    fi = frequent_itemsets(tx_table(), min_count=1, unit="customer")
    with pytest.raises(ParameterError, match=r"parameter 'unit'='order' contradicts.*Fix: drop unit="):
        association_rules(fi, unit="order")


def test_recommend_for_unknown_customers():
    tx = tx_table()
    rules = association_rules(frequent_itemsets(tx, min_count=1, unit="customer"), 0.5)
    with pytest.raises(ParameterError, match=r"1 customers are not in tx.*Fix: pass ids that appear"):
        recommend(rules, tx, customers=[1, 99])


def test_evaluation_split_outside_the_data():
    tx = tx_table()
    with pytest.raises(ParameterError, match=r"calibration_end 2030-01-01 leaves 8 calibration and 0 "
                                             r"evaluation rows.*Fix: pick a date inside the data"):
        evaluate_recommendations(tx, "2030-01-01")


@pytest.mark.parametrize("metric", ["p_value", "log_p", "p_adjusted"])
def test_p_values_are_not_a_score_or_a_minimum(metric):
    """A smaller p-value is a stronger rule: ranking or filtering by "higher is better" on it kept the
    weakest rules first (recommend) or only the non-significant ones (metric/min_threshold)."""
    tx = tx_table()
    before = tx.copy()
    itemsets = frequent_itemsets(tx, min_count=1, unit="customer")
    rules = association_rules(itemsets, 0.1)
    with pytest.raises(ParameterError, match=rf"(?s)'metric' = '{metric}'.*Fix: rank by metric='confidence'"):
        recommend(rules, tx, metric=metric)
    with pytest.raises(ParameterError,
                       match=rf"(?s)'metric' = '{metric}'.*Fix: keep significant rules with max_p"):
        association_rules(itemsets, 0, metric=metric, min_threshold=0.05)
    unchanged(before, tx)


def test_recommend_refuses_rules_without_confidence_and_text_metrics():
    """support_only rules have NaN confidence and lift: they were ranked by NaN and explained as
    "nan% of customers ..."; a text column as metric raised a raw TypeError."""
    tx = tx_table()
    before = tx.copy()
    itemsets = frequent_itemsets(tx, min_count=1, unit="customer")
    with pytest.raises(DataError, match=r"(?s)column 'confidence': \d+ rows? with missing values.*"
                                        r"Fix: mine the rules without support_only=True"):
        recommend(association_rules(itemsets, support_only=True), tx)
    with pytest.raises(ParameterError,
                       match=r"(?s)column 'antecedent' of the rules is not numeric.*Fix: use a measure"):
        recommend(association_rules(itemsets, 0.1), tx, metric="antecedent")
    unchanged(before, tx)


def test_rules_sorted_by_p_value_put_the_strongest_first():
    tx = tx_table()
    rules = association_rules(frequent_itemsets(tx, min_count=1, unit="order"), 0.1, sort_by="p_value")
    p = rules.to_frame()["p_value"].to_numpy()
    assert len(p) > 2 and np.all(np.diff(p) >= 0) and p[0] < p[-1]


def test_evaluation_dates_as_text_or_missing():
    """Text dates were parsed by guessing (05/01 read month first) and rows without a date fell in
    neither period without a word; both now raise naming the column and the fix."""
    tx = tx_table()
    text = tx.assign(date=tx["date"].dt.strftime("%d/%m/%Y"))
    before = text.copy()
    with pytest.raises(DataError, match=r"(?s)column 'date'.*not parsed dates.*Fix: parse the column first"):
        evaluate_recommendations(text, "2024-01-15", min_support=0.3, unit="customer")
    unchanged(before, text)
    missing = tx.assign(date=tx["date"].where(tx.index != 2))
    before = missing.copy()
    with pytest.raises(DataError, match=r"(?s)column 'date': 1 row with missing dates.*Fix: drop or fill"):
        evaluate_recommendations(missing, "2024-01-15", min_support=0.3, unit="customer")
    unchanged(before, missing)


def test_upsell_dates_as_text():
    tx = tx_table(quantity=1, amount=2.0)
    text = tx.assign(date=tx["date"].dt.strftime("%d/%m/%Y"))
    before = text.copy()
    catalog = product_catalog(tx, {"a": "k", "b": "k", "c": "k"})
    with pytest.raises(DataError, match=r"(?s)column 'date'.*not parsed dates.*Fix: parse the column first"):
        upsell_features(text, catalog, "2024-01-15")
    unchanged(before, text)


def test_order_ids_shared_by_several_customers():
    """An order id used by two customers (a bad join) merged their lines into one basket without a
    word; sequential_patterns already refused it. Guest lines (no customer id) are not checked."""
    tx = tx_table(order_id=["o1", "o1", "o2", "o1", "o3", "o4", "o4", "o4"])  # o1: customers 1 and 2
    before = tx.copy()
    with pytest.raises(DataError, match=r"(?s)column 'order_id': 3 rows with order ids shared by several "
                                        r"customers.*Fix: give every order one customer"):
        frequent_itemsets(tx, min_count=1)
    unchanged(before, tx)
    assert len(frequent_itemsets(tx, min_count=1, unit="customer")) > 0  # per customer: no order ids read
    guests = tx_table(customer_id=[1.0, 1.0, 1.0, np.nan, np.nan, 3.0, 3.0, 3.0],
                      order_id=["o1", "o1", "o2", "o3", "o3", "o4", "o4", "o4"])
    assert frequent_itemsets(guests, min_count=1).n_transactions == 4
