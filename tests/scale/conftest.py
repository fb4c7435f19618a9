"""The shared fixture of the scale-out equality tests (issue 12, "What must hold").

Every per-customer function must give the same numbers on pandas, polars (eager and lazy),
DuckDB and local Spark: exact for counts, scores and tiers, 1e-9 relative for sums and model
outputs. The fixture is a few thousand transactions built to exercise the tie rules: amounts
in whole units (many customers with the same spend), purchases on a few hundred dates (several
customers on the same day, several orders of one customer on one day), returns kept under the
``returns="net"`` policy, and customers who bought once.

The engine tables are built once per engine (module scope) from the cleaned pandas log, and
the pandas results computed from the same log are the reference.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from tests.conftest import Backend

AS_OF = pd.Timestamp("2021-06-30")


def _raw(n_customers: int = 700, seed: int = 3) -> pd.DataFrame:
    """BG/NBD purchases (so the models have something to learn) made tie-prone.

    Amounts are rounded to multiples of 5 (customers share spend), purchase days are snapped
    to every third day (customers share dates; two orders of a customer fall on one day), and
    a quarter of the repeat customers return something a few days after their last purchase.
    """
    sim = cm.make_transactions(n_customers, random_state=seed, n_items=12)
    tx = sim.transactions.drop(columns=["quantity"])
    days = (tx["date"] - pd.Timestamp("2020-01-01")).dt.days // 3 * 3
    tx["date"] = pd.Timestamp("2020-01-01") + pd.to_timedelta(days, "D") + pd.to_timedelta(
        tx["date"].dt.hour, "h")
    tx["amount"] = np.maximum(np.round(tx["amount"] / 5.0) * 5.0, 5.0)
    tx["customer_id"] = "C" + tx["customer_id"].astype(str).str.zfill(4)
    tx["order_id"] = "O" + tx["order_id"].astype(str).str.zfill(5)
    rng = np.random.default_rng(seed)
    last = tx.sort_values("date").groupby("customer_id").tail(1)
    repeat = tx.groupby("customer_id")["order_id"].nunique()
    chosen = last[last["customer_id"].map(repeat).gt(1).to_numpy() & (rng.random(len(last)) < 0.25)]
    returns = chosen.assign(order_id="R" + chosen["order_id"].str[1:], amount=-5.0,
                            date=np.minimum(chosen["date"] + pd.Timedelta(days=3), AS_OF))
    return pd.concat([tx, returns], ignore_index=True)


@pytest.fixture(scope="session")
def shared_tx() -> pd.DataFrame:
    """The cleaned log (returns kept and netted: ``returns="net"``), as pandas."""
    tx, _log = cm.clean_transactions(_raw(), returns="net")
    assert (tx["amount"] < 0).any() and tx.duplicated(["customer_id", "date"]).any()
    return tx


@pytest.fixture(scope="session")
def shared_summary(shared_tx) -> pd.DataFrame:
    """The RFM summary (orders counted), pandas reference."""
    return cm.customer_summary(shared_tx, as_of=AS_OF, returns="net")


@pytest.fixture(scope="session")
def shared_btyd(shared_tx) -> pd.DataFrame:
    """The BTYD summary (distinct purchase days, weeks), pandas reference."""
    return cm.customer_summary(shared_tx, as_of=AS_OF, returns="net", count="days", time_unit="W")


ENGINES = ["polars", "polars-lazy", "duckdb", pytest.param("pyspark", marks=pytest.mark.spark)]


@pytest.fixture(scope="module", params=ENGINES)
def engine(request) -> Backend:
    """polars (eager, lazy), DuckDB and, where installed, local Spark (one shared session)."""
    if request.param == "pyspark":
        request.getfixturevalue("spark_session")
    return Backend(request.param, spark=request.param == "pyspark")


def table(engine: Backend, frame: pd.DataFrame, index: bool = True) -> Any:
    """A pandas table (its index, the customer id, as first column) in the engine."""
    flat = frame.reset_index() if index else frame
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return engine.table(flat)


def collected(engine: Backend, result: Any, index: str = "customer_id") -> pd.DataFrame:
    """An engine result collected into pandas, sorted by customer (checks the output kind)."""
    assert engine.is_native(result), f"{engine.name} in, {type(result).__name__} out"
    return engine.to_pandas(result, index=index)


def assert_same(got: pd.DataFrame, ref: pd.DataFrame | pd.Series, *, exact: tuple[str, ...] = (),
                rtol: float = 1e-9) -> None:
    """Same customers, same columns; ``exact`` columns (counts, scores, tiers, labels) identical,
    the others within ``rtol`` (relative; values that should be zero within 1e-12)."""
    ref = ref.to_frame() if isinstance(ref, pd.Series) else ref
    ref = ref.sort_index()
    assert list(got.index) == list(ref.index)
    assert list(got.columns) == [str(c) for c in ref.columns]
    for name in ref.columns:
        a, b = got[str(name)], ref[name]
        if name in exact:
            if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
                np.testing.assert_array_equal(a.astype(float).to_numpy(), b.astype(float).to_numpy(),
                                              err_msg=str(name))
            else:
                shown = [a.astype(object).where(a.notna(), "<missing>").astype(str).to_numpy(),
                         b.astype(object).where(b.notna(), "<missing>").astype(str).to_numpy()]
                assert (shown[0] == shown[1]).all(), name
        elif pd.api.types.is_datetime64_any_dtype(b):
            assert (pd.to_datetime(a).astype("datetime64[s]").fillna(pd.Timestamp(0)).to_numpy()
                    == b.astype("datetime64[s]").fillna(pd.Timestamp(0)).to_numpy()).all(), name
        else:
            np.testing.assert_allclose(a.astype(float).to_numpy(), b.astype(float).to_numpy(), rtol=rtol,
                                       atol=1e-12, err_msg=str(name))
