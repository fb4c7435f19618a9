"""Bad inputs to sequential pattern mining, its rules and the next-purchase recommender: each raises a
crmmine error naming the column or parameter and the fix (or follows a documented policy with a
crmmine warning); inputs are never modified."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.association import (
    NextPurchaseRecommender,
    evaluate_next_purchase,
    recommend_next,
    sequential_pattern_rules,
    sequential_patterns,
)
from crmmine.errors import DataError, DataWarning, NotFittedError, ParameterError, SchemaError


def _tx() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 1, 2, 2, 3],
        "order_id": [10, 11, 20, 21, 30],
        "date": pd.to_datetime(["2024-01-01", "2024-01-05", "2024-01-02", "2024-01-20", "2024-02-01"]),
        "item": ["printer", "ink", "printer", "ink", "printer"],
    })


def _unchanged(frame, call, error, *match):
    before = frame.copy()
    with pytest.raises(error) as info:
        call(frame)
    for pattern in match:
        assert pattern in str(info.value), str(info.value)
    pd.testing.assert_frame_equal(frame, before)


def test_missing_item_column_suggests_the_close_name():
    tx = _tx().rename(columns={"item": "Item"})
    _unchanged(tx, sequential_patterns, SchemaError, "'item'", "did you mean 'Item'")


def test_missing_customer_ids():
    tx = _tx().astype({"customer_id": "float64"})
    tx.loc[2, "customer_id"] = np.nan
    _unchanged(tx, sequential_patterns, DataError, "column 'customer_id'", "1 row with missing values",
               "Fix:")


def test_missing_items():
    tx = _tx()
    tx.loc[0, "item"] = None
    _unchanged(tx, sequential_patterns, DataError, "column 'item'", "Fix:")


def test_missing_dates():
    tx = _tx()
    tx.loc[1, "date"] = pd.NaT
    _unchanged(tx, sequential_patterns, DataError, "column 'date'", "missing values", "Fix:")


def test_unparsed_string_dates_are_refused_with_the_fix():
    tx = _tx()
    tx["date"] = tx["date"].dt.strftime("%d/%m/%Y")
    _unchanged(tx, sequential_patterns, DataError, "column 'date'", "not parsed dates", "pd.to_datetime")


def test_mixed_customer_id_types():
    tx = _tx().astype({"customer_id": object})
    tx.loc[4, "customer_id"] = "1"
    _unchanged(tx, sequential_patterns, DataError, "column 'customer_id'", "mixed types", "astype(str)")


def test_unhashable_items():
    tx = _tx().astype({"item": object})
    tx.at[0, "item"] = ["printer", "cable"]
    _unchanged(tx, sequential_patterns, DataError, "column 'item'", "not hashable", "explode")


def test_order_shared_by_two_customers():
    tx = _tx()
    tx.loc[4, "order_id"] = 10  # customer 3's order carries customer 1's id
    _unchanged(tx, sequential_patterns, DataError, "column 'order_id'", "several customers", "Fix:")


def test_duplicated_column_names():
    tx = _tx()
    tx.columns = ["customer_id", "order_id", "date", "customer_id"]
    before = tx.copy()
    with pytest.raises(SchemaError, match=r"duplicated column names.*Fix"):
        sequential_patterns(tx, item="order_id")
    pd.testing.assert_frame_equal(tx, before)


def test_empty_table():
    _unchanged(_tx().iloc[:0], sequential_patterns, DataError, "empty", "Fix:")


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"min_support": 0.0}, "min_support"),
    ({"min_support": 1.5}, "min_support"),
    ({"min_count": 0}, "min_count"),
    ({"max_gap": -3}, "max_gap"),
    ({"window": "soon"}, "window"),
    ({"kind": "frequent"}, "kind"),
    ({"max_len": 0}, "max_len"),
])
def test_invalid_parameters_name_the_parameter(kwargs, name):
    _unchanged(_tx(), lambda t: sequential_patterns(t, **kwargs), ParameterError, repr(name))


def test_min_gap_above_max_gap():
    _unchanged(_tx(), lambda t: sequential_patterns(t, min_gap=10, max_gap=5), ParameterError,
               "min_gap (10 days) is larger than max_gap (5 days)", "Fix:")


def test_time_constraints_on_a_list_of_sequences():
    with pytest.raises(ParameterError, match=r"time constraints \['max_gap'\] need dates.*Fix"):
        sequential_patterns([["a", "b"], ["b"]], max_gap=3)


def test_strings_as_sequences_are_refused():
    with pytest.raises(ParameterError, match=r"sequence 0 is str.*Fix"):
        sequential_patterns(["abc", "bcd"])


def test_unknown_column_role():
    _unchanged(_tx(), lambda t: sequential_patterns(t, columns={"product": "item"}), ParameterError,
               "unknown column role 'product'", "Fix:")


def test_order_column_named_but_absent():
    tx = _tx().drop(columns="order_id")
    _unchanged(tx, lambda t: sequential_patterns(t, order_id="InvoiceNo"), SchemaError, "'InvoiceNo'")


def test_orders_spread_over_several_days_warn_and_are_placed_at_their_first_date():
    tx = _tx()
    tx.loc[1, "order_id"] = 10  # customer 1's two orders share one id, four days apart
    before = tx.copy()
    with pytest.warns(DataWarning, match=r"column .order_id.: 1 orders have lines on different days.*Fix"):
        pats = sequential_patterns(tx, min_count=1)
    pd.testing.assert_frame_equal(tx, before)
    assert (("ink", "printer"),) in set(pats.to_frame()["pattern"])


def test_rules_need_patterns_and_a_valid_within():
    with pytest.raises(ParameterError, match="'patterns'"):
        sequential_pattern_rules(_tx())
    pats = sequential_patterns(_tx(), min_count=2)
    with pytest.raises(ParameterError, match="'within'"):
        sequential_pattern_rules(pats, within=-1)
    with pytest.raises(ParameterError, match=r"within needs dates.*Fix"):
        sequential_pattern_rules(sequential_patterns([["a", "b"]], min_count=1), within=3)


def test_recommend_bad_arguments():
    tx = _tx()
    rules = sequential_pattern_rules(sequential_patterns(tx, min_count=2))
    _unchanged(tx, lambda t: recommend_next(rules, t, top_n=0), ParameterError, "'top_n'")
    _unchanged(tx, lambda t: recommend_next(rules, t, metric="conviction"), ParameterError, "'metric'")
    _unchanged(tx, lambda t: recommend_next(rules, t, as_of="2023-01-01"), ParameterError,
               "as_of=2023-01-01 is before every date in column 'date'", "Fix:")
    with pytest.raises(ParameterError, match="'rules'"):
        recommend_next(tx, tx)


def test_evaluation_with_as_of_outside_the_data():
    _unchanged(_tx(), lambda t: evaluate_next_purchase(t, "2025-06-01", min_count=1), ParameterError,
               "leaves 5 history and 0 test rows in column 'date'", "Fix:")


def test_recommender_used_before_fit():
    with pytest.raises(NotFittedError, match=r"Fix: call NextPurchaseRecommender\(...\).fit"):
        NextPurchaseRecommender().recommend(_tx())
