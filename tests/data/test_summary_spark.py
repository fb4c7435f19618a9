"""customer_summary on a PySpark DataFrame equals the pandas result (runs locally)."""

import shutil

import pandas as pd
import pytest

import crmmine as cm

pytestmark = pytest.mark.spark


@pytest.fixture(scope="module")
def spark():
    pyspark = pytest.importorskip("pyspark", reason="PySpark is not installed (extra 'spark')")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime on PATH: PySpark cannot start")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("crmmine-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    assert pyspark.__version__
    yield session
    session.stop()


def test_spark_summary_equals_pandas(spark):
    sim = cm.make_transactions(300, random_state=5)
    tx = sim.transactions
    ref = cm.customer_summary(tx, as_of=sim.observation_end, time_unit="W")
    sdf = spark.createDataFrame(tx)
    got = cm.customer_summary(sdf, as_of=sim.observation_end, time_unit="W")
    pd.testing.assert_frame_equal(ref, got, check_dtype=False)
    assert got["orders"].dtype == "int64"
