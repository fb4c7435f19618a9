"""Clusters on mixed attributes: Gower distance, k-prototypes (kmodes), hierarchical (scipy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from crmmine.errors import DataError, ParameterError
from crmmine.segmentation import cluster_mixed, gower_distances
from tests.segmentation.test_clustering import assert_names_agree


def test_gower_by_hand():
    # Gower (1971): mean over features of |x_i - x_j| / range (numbers) and mismatch (categories).
    # age range 40: (20, 40) -> (20/40 + 0) / 2 = 0.25; (20, 60) -> (1 + 1) / 2 = 1; (40, 60) -> (0.5 + 1) / 2
    f = pd.DataFrame({"age": [20, 40, 60], "region": ["n", "n", "s"]})
    d = gower_distances(f, ["age"], ["region"])
    np.testing.assert_allclose(d, [[0, 0.25, 1], [0.25, 0, 0.75], [1, 0.75, 0]])


def test_gower_matches_a_plain_double_loop():
    rng = np.random.default_rng(0)
    f = pd.DataFrame(
        {
            "a": rng.normal(size=40),
            "b": rng.integers(0, 9, 40).astype(float),
            "c": rng.choice(list("xyz"), 40),
            "d": rng.choice(["p", "q"], 40),
        }
    )
    d = gower_distances(f, ["a", "b"], ["c", "d"])
    ra, rb = np.ptp(f["a"]), np.ptp(f["b"])
    for i in range(40):
        for j in range(40):
            ref = (
                abs(f.a[i] - f.a[j]) / ra
                + abs(f.b[i] - f.b[j]) / rb
                + (f.c[i] != f.c[j])
                + (f.d[i] != f.d[j])
            ) / 4
            assert d[i, j] == pytest.approx(ref, abs=1e-12)


def _known_clusters(n_per=150, seed=0):
    rng = np.random.default_rng(seed)
    truth = np.repeat([0, 1, 2], n_per)
    spend = np.r_[rng.normal(900, 60, n_per), rng.normal(400, 60, n_per), rng.normal(100, 30, n_per)]
    age = np.r_[rng.normal(50, 5, n_per), rng.normal(35, 5, n_per), rng.normal(25, 4, n_per)]
    policy = np.array(["life", "car", "travel"])[truth]
    flip = rng.random(truth.size) < 0.1
    policy[flip] = rng.choice(["life", "car", "travel"], flip.sum())
    region = np.array(["north", "south", "east"])[truth]
    frame = pd.DataFrame(
        {"monetary": spend, "age": age, "policy": policy, "region": region},
        index=pd.Index(np.arange(truth.size) + 100, name="customer_id"),
    )
    return frame, truth


@pytest.mark.parametrize("method", ["kprototypes", "gower"])
def test_recovers_known_mixed_clusters(method):
    frame, truth = _known_clusters()
    res = cluster_mixed(
        frame,
        ["monetary", "age"],
        ["policy", "region"],
        method=method,
        n_clusters_range=range(2, 6),
        n_init=2,
        n_seeds=2,
        random_state=0,
    )
    assert res.n_clusters == 3
    assert adjusted_rand_score(truth, res.labels.to_numpy()) > 0.95
    # cluster 0 spends most; its modes are those of the generated high spenders
    assert res.profile.loc[0, "policy"] == "life" and res.profile.loc[0, "region"] == "north"
    assert 0.85 < res.profile.loc[0, "policy_share"] <= 1
    assert res.profile["customers"].sum() == len(frame)
    assert res.stability > 0.9
    assert_names_agree(res)
    assert "mostly" in res.profile.loc[0, "name"]
    assert res.labels.index.equals(frame.index)


def test_kprototypes_equals_kmodes_called_directly():
    from kmodes.kprototypes import KPrototypes

    frame, _ = _known_clusters(n_per=60, seed=3)
    res = cluster_mixed(
        frame, ["monetary", "age"], ["policy", "region"], n_clusters=3, n_init=3, n_seeds=1, random_state=7
    )
    # reference: kmodes on the same standardised numbers and category codes, same seed and starts
    x = frame[["monetary", "age"]].to_numpy()
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    codes = np.column_stack([pd.factorize(frame[c], sort=True)[0] for c in ("policy", "region")])
    ref = KPrototypes(n_clusters=3, init="Cao", n_init=3, random_state=7).fit_predict(
        np.column_stack([x, codes]).astype(object), categorical=[2, 3]
    )
    assert adjusted_rand_score(ref, res.labels.to_numpy()) == 1.0


def test_sampled_fit_assigns_everyone():
    frame, truth = _known_clusters(n_per=200, seed=1)
    for method in ("gower", "kprototypes"):
        res = cluster_mixed(
            frame,
            ["monetary", "age"],
            ["policy", "region"],
            n_clusters=3,
            method=method,
            sample_size=150,
            n_init=2,
            n_seeds=2,
            random_state=0,
        )
        assert res.labels.notna().all() and len(res.labels) == len(frame)
        assert adjusted_rand_score(truth, res.labels.to_numpy()) > 0.9


def test_telco_contract_payment_internet(shared_data):
    telco = pd.read_csv(shared_data / "churn" / "telco_customer_churn.csv").set_index("customerID")
    res = cluster_mixed(
        telco,
        ["tenure", "MonthlyCharges"],
        ["Contract", "PaymentMethod", "InternetService"],
        method="gower",
        n_clusters_range=range(2, 7),
        sample_size=1500,
        n_seeds=2,
        order_by="MonthlyCharges",
        random_state=0,
    )
    assert len(res.labels) == 7043 and res.profile["customers"].sum() == 7043
    assert res.scores["silhouette"].max() == res.scores.loc[res.n_clusters, "silhouette"]
    assert_names_agree(res)
    # customers without internet service pay the least (about 20 a month): the last cluster,
    # almost all of them without internet
    last = res.profile.iloc[-1]
    assert last["InternetService"] == "No" and last["InternetService_share"] > 0.9
    assert last["MonthlyCharges"] < 30
    shares = res.category_shares["Contract"]
    assert np.allclose(shares.sum(axis=1), 1.0)


def test_bad_input():
    frame, _ = _known_clusters(n_per=20)
    with pytest.raises(ParameterError, match="numeric and categorical"):
        cluster_mixed(frame, ["monetary", "age"], [])
    gappy = frame.copy()
    gappy.loc[gappy.index[:3], "policy"] = None
    with pytest.raises(DataError, match=r"(?s)column 'policy': 3 rows with missing categories.*fillna"):
        cluster_mixed(gappy, ["monetary"], ["policy"])
    with pytest.raises(ParameterError, match="both numeric and categorical"):
        cluster_mixed(frame, ["age"], ["age"])
