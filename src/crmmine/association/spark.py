"""Spark path: mine a PySpark DataFrame with MLlib's FPGrowth, return crmmine's itemset schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from crmmine.association._encoded import EncodedItemsets, encode_frame
from crmmine.association._tables import column_names
from crmmine.association.frequent import FrequentItemsets, build_frequent_itemsets, min_count_for
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, ParameterError, missing_columns_error

__all__ = ["spark_frequent_itemsets"]


def spark_frequent_itemsets(
    sdf: Any,
    min_support: float = 0.01,
    *,
    min_count: int | None = None,
    max_len: int | None = None,
    kind: str = "all",
    unit: str = "order",
    columns: Mapping[str, str] | Columns | None = None,
    order_id: str | None = None,
    customer_id: str | None = None,
    item: str | None = None,
) -> FrequentItemsets:
    """Frequent itemsets of a long PySpark table, mined by Spark MLlib's FPGrowth.

    Baskets are built in Spark (``collect_set`` of items per order or
    customer); only the frequent itemsets come back to the driver, in the
    same schema as :func:`~crmmine.association.frequent_itemsets`. The minimum
    count is the same ``ceil(s * N)``: Spark's ``minSupport`` is set so that
    its own ``ceil(minSupport * N)`` equals it.

    Parameters
    ----------
    sdf : pyspark.sql.DataFrame
        Long table with the unit (order or customer) and item columns.
    min_support, min_count, max_len, kind, unit, columns, order_id, customer_id, item
        As in :func:`~crmmine.association.frequent_itemsets`.

    Returns
    -------
    FrequentItemsets
        The same result as the compiled engine gives (``to_frame()`` for the table).

    Examples
    --------
    ``frequent_itemsets`` sends PySpark DataFrames here:

    >>> from crmmine.association import frequent_itemsets
    >>> from pyspark.sql import SparkSession  # doctest: +SKIP
    >>> spark = SparkSession.builder.master("local[1]").getOrCreate()  # doctest: +SKIP
    >>> sdf = spark.createDataFrame(tx)  # doctest: +SKIP
    >>> frequent_itemsets(sdf, min_support=0.01)  # doctest: +SKIP

    References
    ----------
    Li, H., Wang, Y., Zhang, D., Zhang, M., Chang, E. Y. (2008). PFP: parallel
    FP-growth for query recommendation. Proc. ACM RecSys, 107-114.
    Han, J., Pei, J., Yin, Y. (2000). Mining frequent patterns without candidate
    generation. Proc. ACM SIGMOD, 1-12.
    """
    from pyspark.ml.fpm import FPGrowth
    from pyspark.sql import functions as F

    if unit not in ("order", "customer"):
        raise ParameterError(f"parameter 'unit' must be 'order' or 'customer', got {unit!r}.")
    cols = resolve_columns(columns, order_id=order_id, customer_id=customer_id, item=item)
    unit_col = cols.order_id if unit == "order" else cols.customer_id
    names = column_names(sdf)
    missing = [c for c in (unit_col, cols.item) if c not in names]
    if missing:
        raise missing_columns_error(missing, names)
    nulls = sdf.filter(F.col(unit_col).isNull() | F.col(cols.item).isNull())
    n_null = nulls.count()
    if n_null:
        examples = nulls.limit(5).toPandas()
        raise DataError(f"columns {unit_col!r}/{cols.item!r}: {n_null:,} rows with missing values. "
                        f"Examples:\n{examples.to_string()}\nFix: drop or fill them first.")
    baskets = sdf.groupBy(unit_col).agg(F.collect_set(cols.item).alias("items")).select("items").cache()
    n = baskets.count()
    if n == 0:
        raise DataError("the Spark table is empty: no baskets to mine.")
    threshold = int(min_count) if min_count is not None else min_count_for(min_support, n)
    # Spark keeps itemsets with freq >= ceil(minSupport * n): aim between threshold - 1 and threshold
    spark_support = (threshold - 0.5) / n
    model = FPGrowth(itemsCol="items", minSupport=spark_support, minConfidence=1.0).fit(baskets)
    rows = model.freqItemsets.collect()
    baskets.unpersist()
    sets = [frozenset(r["items"]) for r in rows]
    counts = np.array([int(r["freq"]) for r in rows], dtype=np.int64)
    lengths = np.fromiter((len(s) for s in sets), np.int64, count=len(sets))
    keep = counts >= threshold
    if max_len is not None:
        keep &= lengths <= max_len
    frame = pd.DataFrame({"itemset": pd.Series([s for s, k in zip(sets, keep) if k], dtype=object),
                          "support_count": counts[keep]})
    if len(frame) == 0:
        enc = EncodedItemsets(ptr=np.zeros(1, np.int64), items=np.zeros(0, np.int32),
                              counts=np.zeros(0, np.int64), labels=np.zeros(0, dtype=object),
                              n_transactions=n)
        return build_frequent_itemsets(enc, min_count=threshold, unit=unit, kind=kind)
    enc = encode_frame(frame, n)
    single = enc.lengths == 1
    item_counts = np.zeros(len(enc.labels), np.int64)
    item_counts[enc.items[enc.ptr[:-1][single]]] = enc.counts[single]
    return build_frequent_itemsets(enc, min_count=threshold, unit=unit, kind=kind, item_counts=item_counts)
