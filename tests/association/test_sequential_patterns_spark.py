"""Sequential pattern counts equal Spark MLlib's PrefixSpan on Online Retail (local Spark).

The sequence database handed to Spark is built independently of crmmine's encoder, with pandas:
one sequence per customer, her invoices in date order (ties by invoice number), each invoice the
sorted set of its stock codes. ``pyspark.ml.fpm.PrefixSpan`` (Spark 3.5/4) counts sequences that
contain a pattern as a subsequence of itemsets, with the threshold ceil(minSupport * n).
"""

from __future__ import annotations

import shutil
import warnings

import pandas as pd
import pytest

import crmmine as cm
from crmmine.association import sequential_patterns

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip("pyspark", reason="PySpark is not installed (extra 'spark')")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: PySpark cannot start")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("crmmine-sequential-pattern-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def spark_prefixspan(spark, tx: pd.DataFrame, min_support: float) -> dict:
    from pyspark.ml.fpm import PrefixSpan

    orders = (tx.groupby(["customer_id", "order_id"], sort=False)
              .agg(date=("date", "min"), items=("item", lambda s: sorted(set(s)))).reset_index()
              .sort_values(["customer_id", "date", "order_id"]))
    sequences = orders.groupby("customer_id", sort=True)["items"].agg(list).tolist()
    frame = spark.createDataFrame([(s,) for s in sequences], ["sequence"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # pyspark's note on pandas 3
        rows = (PrefixSpan(minSupport=min_support, maxPatternLength=1000)
                .findFrequentSequentialPatterns(frame).collect())
    return {tuple(tuple(sorted(el)) for el in row["sequence"]): int(row["freq"]) for row in rows}


def crmmine_counts(tx: pd.DataFrame, min_support: float) -> dict:
    frame = sequential_patterns(tx, min_support=min_support).to_frame()
    return dict(zip(frame["pattern"], frame["support_count"]))


def test_embedded_sample_equals_spark(spark):
    tx, _ = cm.datasets.load_online_retail_clean()
    ref = spark_prefixspan(spark, tx, 0.05)
    got = crmmine_counts(tx, 0.05)
    # patterns of several elements and elements of several items are both there
    assert len(ref) > 300 and max(map(len, ref)) >= 3 and max(len(el) for p in ref for el in p) >= 2
    assert got == ref


@pytest.mark.slow
def test_full_online_retail_equals_spark(spark, shared_data):
    tx, _ = cm.datasets.load_online_retail_clean(shared_data / "online_retail" / "online_retail.csv.xz")
    ref = spark_prefixspan(spark, tx, 0.03)
    got = crmmine_counts(tx, 0.03)
    # 1,338 patterns of up to 4 items over 4,338 customers (measured with Spark 4 local)
    assert len(ref) == 1338
    assert got == ref


def test_spark_dataframe_input_is_mined_like_pandas(spark):
    """A Spark table is collected through crmmine's backend layer and mined the same way."""
    tx, _ = cm.datasets.load_online_retail_clean()
    small = tx.loc[tx["customer_id"].isin(tx["customer_id"].unique()[:150]),
                   ["customer_id", "order_id", "date", "item"]].astype({"order_id": object, "item": object})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        native = spark.createDataFrame(small)
        got = sequential_patterns(native, min_support=0.05, max_gap=60)
    ref = sequential_patterns(small, min_support=0.05, max_gap=60)
    pd.testing.assert_frame_equal(got.to_frame(), ref.to_frame())
