"""Spark path: a PySpark DataFrame is mined by MLlib FPGrowth and equals the numba engine's result."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.association import association_rules, frequent_itemsets

pytestmark = pytest.mark.spark


def small_tx() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    n = 600
    order = rng.integers(0, 150, n)
    item = np.where(
        rng.uniform(size=n) < 0.6, (order % 5) * 2 + rng.integers(0, 2, n), rng.integers(0, 10, n)
    )
    return pd.DataFrame({"order_id": order, "customer_id": order % 40, "item": [f"i{x}" for x in item]})


@pytest.mark.parametrize("unit", ["order", "customer"])
def test_spark_fpgrowth_equals_numba_engine(spark, unit):
    tx = small_tx()
    ref_result = frequent_itemsets(tx, min_support=0.05, unit=unit)
    got_result = frequent_itemsets(spark.createDataFrame(tx), min_support=0.05, unit=unit)
    assert got_result.n_transactions == ref_result.n_transactions
    assert got_result.min_count == ref_result.min_count
    got, ref = got_result.to_frame(), ref_result.to_frame()
    assert list(got.columns) == ["itemset", "support_count", "support", "length", "all_confidence"]
    pd.testing.assert_frame_equal(
        got.sort_values(["length", "support_count"])
        .reset_index(drop=True)
        .assign(itemset=lambda f: f["itemset"].map(lambda s: tuple(sorted(s))))
        .sort_values(["length", "support_count", "itemset"])
        .reset_index(drop=True),
        ref.assign(itemset=lambda f: f["itemset"].map(lambda s: tuple(sorted(s))))
        .sort_values(["length", "support_count", "itemset"])
        .reset_index(drop=True),
    )
    # the Spark result feeds association_rules like the local one
    r_spark = association_rules(got_result, min_confidence=0.3).to_frame()
    r_local = association_rules(ref_result, min_confidence=0.3).to_frame()
    assert set(zip(r_spark["antecedent"], r_spark["consequent"])) == set(
        zip(r_local["antecedent"], r_local["consequent"])
    )


def test_spark_closed_and_max_len(spark):
    tx = small_tx()
    sdf = spark.createDataFrame(tx)
    for kind in ("closed", "maximal"):
        ref = frequent_itemsets(tx, min_support=0.03, kind=kind, max_len=2).to_frame()
        got = frequent_itemsets(sdf, min_support=0.03, kind=kind, max_len=2).to_frame()
        assert dict(zip(got["itemset"], got["support_count"])) == dict(
            zip(ref["itemset"], ref["support_count"])
        )
