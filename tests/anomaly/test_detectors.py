"""Scoring convention, determinism, thresholds and reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import METHODS, inspection_metrics, outlier_scores, reasons, select
from crmmine.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    f = pd.DataFrame(rng.normal(0, 1, (500, 4)), columns=["a", "b", "c", "d"])
    f.loc[17, ["a", "c"]] = [12.0, -9.0]  # one planted outlier
    return f


@pytest.mark.parametrize("method", METHODS)
def test_higher_is_more_anomalous_for_every_method(frame, method):
    out = outlier_scores(frame, method, top_k=5, random_state=0)
    assert out.loc[17, "rank"] == 1
    assert out.loc[17, "score"] == out["score"].max()
    assert out.loc[17, "percentile"] == 1.0
    assert out["flag"].sum() == 5


@pytest.mark.parametrize("method", ["iforest", "ensemble"])
def test_deterministic_for_a_seed(frame, method):
    a = outlier_scores(frame, method, random_state=3)
    b = outlier_scores(frame, method, random_state=3)
    pd.testing.assert_frame_equal(a, b)


def test_thresholds():
    score = pd.Series([0.1, 0.9, 0.5, 0.7])
    assert select(score, share=0.5).tolist() == [False, True, False, True]
    assert select(score, top_k=1).tolist() == [False, True, False, False]
    # cost-based: inspect where hit rate x recovery exceeds the cost of an inspection
    flag = select(
        score, inspection_cost=50.0, expected_recovery=pd.Series([1000.0, 10, 200, 100]), hit_rate=score
    )
    assert flag.tolist() == [True, False, True, True]


def test_every_flagged_row_has_a_reason_and_peers_are_used():
    f = pd.DataFrame({"kwh": [10.0, 11, 9, 10, 2, 100, 110, 90, 100, 95], "g": list("aaaaabbbbb")})
    peer = f["g"]
    out = outlier_scores(f[["kwh"]], "robust_z", peer=peer, top_k=1)
    assert out["flag"].idxmax() == 4  # 2 kWh is unusual among its peers (about 10), not overall
    why = reasons(f[["kwh"]], out.index[out["flag"]], peer=peer)
    assert why.iloc[0].startswith("kwh 80% below the median of its peers")
    everyone = outlier_scores(f[["kwh"]].assign(x=1.0), "ensemble", share=0.3)
    texts = reasons(f[["kwh"]].assign(x=1.0), everyone.index[everyone["flag"]])
    assert (texts.str.len() > 0).all()


def test_bad_input():
    with pytest.raises(DataError, match="1 row"):
        outlier_scores(pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0]}))
    with pytest.raises(ParameterError):
        outlier_scores(pd.DataFrame({"a": [1.0, 2.0, 3.0]}), method="magic")


def test_inspection_metrics_by_hand():
    # ranking: 1 0 1 0 ; precision@2 = 0.5 ; MAP@2 = (1/1) / min(2, 2) = 0.5 ; AUC = 3/4
    m = inspection_metrics([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], k=2)
    assert m["precision_at_k"] == 0.5 and m["map_at_k"] == 0.5 and m["auc"] == 0.75
