"""Churn labels and features, BTYD fits, predictions and CLV give pandas' numbers in every engine.

The BTYD fit collects only the distinct (frequency, recency, T) rows with their weights and
hands the optimiser exactly the rows the pandas path does (sorted), so the parameters are
identical; predictions are made once per distinct row and joined back in the engine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.churn import churn_features, churn_labels
from crmmine.errors import DataError
from crmmine.value import BGNBD, GammaGamma, ParetoNBD, clv
from tests.scale.conftest import AS_OF, assert_same, collected, table

CUTOFF = AS_OF - pd.Timedelta(days=120)
#: the features with a model on the purchases only, and on the whole log with returns="net"
PURCHASES = "amount > 0"


def test_churn(engine, shared_tx, shared_btyd):
    tx = table(engine, shared_tx, index=False)
    ref = churn_labels(shared_tx, CUTOFF, "90D")
    assert 0 < ref.mean() < 1
    assert_same(collected(engine, churn_labels(tx, CUTOFF, "90D")), ref, exact=("churn",))
    ref = churn_features(shared_tx, CUTOFF)
    assert ref["returns_share"].gt(0).any() and ref["gap_std"].notna().any()
    counts = ("orders", "orders_30d", "orders_90d", "orders_180d", "distinct_items", "recency_days",
              "tenure_days")
    assert_same(collected(engine, churn_features(tx, CUTOFF)), ref, exact=counts)
    if engine.spark:  # BTYD predictions on Spark are checked in test_btyd
        return
    bought = shared_tx.query(PURCHASES)
    model = BGNBD().fit(shared_btyd)
    ref = churn_features(bought, CUTOFF, btyd_model=model)
    got = churn_features(table(engine, bought, index=False), CUTOFF, btyd_model=model)
    assert_same(collected(engine, got), ref, exact=counts)
    ref = churn_features(shared_tx, CUTOFF, btyd_model=model, returns="net")
    got = churn_features(tx, CUTOFF, btyd_model=model, returns="net")
    assert_same(collected(engine, got), ref, exact=counts)
    with pytest.raises(DataError, match=r"(?s)negative amounts.*returns='net'"):
        churn_features(tx, CUTOFF, btyd_model=model)


def test_btyd(engine, shared_btyd):
    s = table(engine, shared_btyd)
    ref = BGNBD(time_unit="W").fit(shared_btyd)
    model = BGNBD(time_unit="W").fit(s)
    # the same distinct rows in the same order: identical parameters, not merely close
    np.testing.assert_array_equal(model.params_.to_numpy(), ref.params_.to_numpy())
    assert (model.n_obs_, model.n_rows_compressed_) == (ref.n_obs_, ref.n_rows_compressed_)
    assert model.n_rows_compressed_ < len(shared_btyd)
    assert_same(collected(engine, model.p_alive(s)), ref.p_alive(shared_btyd))
    got = collected(engine, model.expected_purchases(s, [13, 52]))
    want = ref.expected_purchases(shared_btyd, [13, 52])
    assert_same(got, want.set_axis([f"expected_purchases_{t}" for t in want.columns], axis=1))
    spend = GammaGamma().fit(s)
    expected_spend = GammaGamma().fit(shared_btyd)
    np.testing.assert_array_equal(spend.params_.to_numpy(), expected_spend.params_.to_numpy())
    assert_same(collected(engine, clv(model, spend, s, horizon=52, annual_discount_rate=0.1)),
                clv(ref, expected_spend, shared_btyd, horizon=52, annual_discount_rate=0.1))
    if not engine.spark:  # the slowest fit: once per in-process engine
        pareto = ParetoNBD(time_unit="W").fit(s)
        np.testing.assert_array_equal(pareto.params_.to_numpy(),
                                      ParetoNBD(time_unit="W").fit(shared_btyd).params_.to_numpy())
