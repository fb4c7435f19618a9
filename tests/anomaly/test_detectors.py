"""Scoring convention, one-sided suspicion, determinism, thresholds and reasons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import (
    METHODS,
    customer_anomalies,
    directional,
    inspection_metrics,
    outlier_scores,
    reasons,
    select,
)
from crmmine.errors import DataError, ParameterError


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(0)
    f = pd.DataFrame(rng.normal(0, 1, (500, 4)), columns=["a", "b", "c", "d"])
    f.loc[17, ["a", "c"]] = [12.0, 9.0]  # one planted outlier, high on two features
    f.loc[42, "b"] = -15.0  # one extremely low value
    return f


@pytest.mark.parametrize("method", METHODS)
def test_higher_is_more_anomalous_for_every_method(frame, method):
    out = outlier_scores(frame, method, top_n=5, random_state=0)
    assert out.loc[17, "rank"] == 1
    assert out.loc[17, "score"] == out["score"].max()
    assert out.loc[17, "percentile"] == 1.0
    assert out["flag"].sum() == 5


@pytest.mark.parametrize("method", METHODS)
def test_low_values_are_harmless_unless_declared(frame, method):
    # under the default direction ("high") the extremely low value of row 42 is ordinary ...
    high = outlier_scores(frame, method, top_n=5, random_state=0)
    assert not high.loc[42, "flag"]
    # ... declared "low" (or "both") for that feature it becomes the top suspect
    low = outlier_scores(frame, method, direction={"b": "low"}, top_n=2, random_state=0)
    assert low.loc[42, "flag"]
    both = outlier_scores(frame, method, direction="both", top_n=2, random_state=0)
    assert both.loc[42, "flag"] and both.loc[17, "flag"]


def test_recent_or_small_customers_are_not_suspects():
    # issue 10 item 6: the fraud list named customers for being recent or small
    rng = np.random.default_rng(1)
    n = 400
    summary = pd.DataFrame(
        {
            "orders": rng.poisson(4, n) + 1,
            "monetary": rng.lognormal(5, 0.5, n),
            "monetary_mean": rng.lognormal(3.5, 0.4, n),
            "since_last": rng.integers(20, 120, n).astype(float),
        },
        index=pd.Index(range(1000, 1000 + n), name="customer_id"),
    )
    summary.loc[1000, "since_last"] = 0.0  # bought today
    summary.loc[1001, ["orders", "monetary", "monetary_mean"]] = [1, 0.5, 0.5]  # tiny
    summary.loc[1002, ["orders", "monetary"]] = [90, 60_000.0]  # a real outlier
    out = customer_anomalies(summary, top_n=5)
    assert out.loc[1002, "rank"] == 1
    assert not out.loc[[1000, 1001], "flag"].any()
    assert out.loc[1002, "reasons"].startswith(("monetary", "orders"))
    assert out.loc[out["flag"], "reasons"].str.len().gt(0).all()
    # recency is not a default feature; every input customer is scored
    assert "since_last" not in out.columns and len(out) == n


def test_reasons_are_one_sided():
    f = pd.DataFrame({"amount": [10.0, 12, 11, 9, 0.2, 400], "items": [1.0, 2, 1, 2, 1, 2]})
    why = reasons(f, pd.Index([4, 5]))
    assert why.loc[4] == "no feature deviates in its suspicious direction"
    assert why.loc[5] == "amount 38x the median (400 vs 10.5)"
    low = reasons(f, pd.Index([4]), direction={"amount": "low"})
    assert low.loc[4].startswith("amount 98% below the median")


def test_directional_by_hand():
    z = np.array([-3.0, -0.5, 0.0, 2.0])
    assert directional(z, "high").tolist() == [0.0, 0.0, 0.0, 2.0]
    assert directional(z, "low").tolist() == [3.0, 0.5, 0.0, 0.0]
    assert directional(z, "both").tolist() == [3.0, 0.5, 0.0, 2.0]


@pytest.mark.parametrize("method", ["iforest", "ensemble"])
def test_deterministic_for_a_seed(frame, method):
    a = outlier_scores(frame, method, random_state=3)
    b = outlier_scores(frame, method, random_state=3)
    pd.testing.assert_frame_equal(a, b)


def test_output_follows_input_for_polars(frame):
    pl = pytest.importorskip("polars")
    out = outlier_scores(pl.from_pandas(frame), "robust_z", top_n=1)
    assert isinstance(out, pl.DataFrame) and out.height == len(frame)  # rows in the input's order
    assert np.flatnonzero(out["flag"].to_numpy()).tolist() == [17]


def test_thresholds():
    score = pd.Series([0.1, 0.9, 0.5, 0.7])
    assert select(score, share=0.5).tolist() == [False, True, False, True]
    assert select(score, top_n=1).tolist() == [False, True, False, False]
    # cost-based: inspect where hit rate x recovery exceeds the cost of an inspection, aligned by id
    recovery = pd.Series([100.0, 200, 10, 1000], index=[3, 2, 1, 0])
    flag = select(score, inspection_cost=50.0, expected_recovery=recovery, hit_rate=score)
    assert flag.tolist() == [True, False, True, True]


def test_every_flagged_row_has_a_reason_and_peers_are_used():
    f = pd.DataFrame({"kwh": [10.0, 11, 9, 10, 2, 100, 110, 90, 100, 95], "g": list("aaaaabbbbb")})
    peer = f["g"]
    out = outlier_scores(f[["kwh"]], "robust_z", direction="low", peer=peer, top_n=1)
    assert out["flag"].idxmax() == 4  # 2 kWh is unusual among its peers (about 10), not overall
    why = reasons(f[["kwh"]], out.index[out["flag"]], direction="low", peer=peer)
    assert why.iloc[0].startswith("kwh 80% below the median of its peers")


def test_bad_input():
    with pytest.raises(DataError, match="1 row"):
        outlier_scores(pd.DataFrame({"a": [1.0, np.nan, 3.0, 4.0]}))
    with pytest.raises(ParameterError):
        outlier_scores(pd.DataFrame({"a": [1.0, 2.0, 3.0]}), method="magic")


def test_inspection_metrics_by_hand():
    # ranking: 1 0 1 0 ; precision@2 = 0.5 ; recall@2 = 0.5 ; MAP@2 = (1/1) / min(2, 2) = 0.5 ; AUC = 3/4
    m = inspection_metrics([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], top_n=2)
    assert m["precision_at_n"] == 0.5 and m["recall_at_n"] == 0.5 and m["map_at_n"] == 0.5
    assert m["auc"] == 0.75
    # labels and scores with an index align on it: the same labels in another order give the same answer
    y = pd.Series([1, 0, 1, 0], index=list("abcd"))
    s = pd.Series([0.9, 0.8, 0.7, 0.1], index=list("abcd"))
    assert inspection_metrics(y.iloc[::-1], s, top_n=2)["auc"] == 0.75


@pytest.mark.parametrize("method", ["iforest", "ensemble"])
def test_scores_do_not_depend_on_row_order(method):
    # the isolation forest drew its subsamples by position: shuffling the rows moved scores (0.01)
    # and flags (2 of 15 at share=0.05) of the same customers
    rng = np.random.default_rng(0)
    F = pd.DataFrame({"a": rng.normal(size=300), "b": rng.exponential(size=300)},
                     index=[f"c{i}" for i in range(300)])
    F.iloc[5] = [8.0, 9.0]
    shuffled = F.iloc[rng.permutation(300)]
    a = outlier_scores(F, method=method, share=0.05)
    b = outlier_scores(shuffled, method=method, share=0.05).loc[F.index]
    np.testing.assert_array_equal(a["score"].to_numpy(), b["score"].to_numpy())
    assert a["flag"].equals(b["flag"])
