"""Recommendations: brute-force agreement, explanations, fallback and out-of-sample evaluation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.association import (
    RecommendationEvaluation,
    association_rules,
    evaluate_recommendations,
    frequent_itemsets,
    recommend,
)
from crmmine.errors import ParameterError, SchemaError


@pytest.fixture(scope="module")
def shop():
    rng = np.random.default_rng(3)
    n = 1500
    cust = rng.integers(0, 120, n)
    # items correlated by customer taste: taste t buys items t*3 .. t*3+2 mostly
    taste = cust % 4
    item = np.where(rng.uniform(size=n) < 0.8, taste * 3 + rng.integers(0, 3, n), rng.integers(0, 12, n))
    date = pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    return pd.DataFrame(
        {
            "customer_id": cust,
            "order_id": rng.integers(0, 600, n),
            "date": date,
            "item": [f"sku{i:02d}" for i in item],
        }
    )


def brute_recs(rules: pd.DataFrame, tx: pd.DataFrame, top_n: int) -> dict:
    owned = tx.groupby("customer_id")["item"].agg(set).to_dict()
    out = {}
    for cust, items in owned.items():
        best = {}
        for a, c, conf, lift in zip(
            rules["antecedent"], rules["consequent"], rules["confidence"], rules["lift"]
        ):
            (b,) = tuple(c)
            if a <= items and b not in items:
                best[b] = max(best.get(b, (-1, -1)), (conf, lift))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1]))[:top_n]
        out[cust] = [(b, s[0]) for b, s in ranked]
    return out


def test_recommendations_equal_brute_force(shop):
    rules = association_rules(frequent_itemsets(shop, min_support=0.05, unit="customer"), 0.3)
    assert len(rules) > 20
    recs = recommend(rules, shop, top_n=3, fallback=None)
    ref = brute_recs(rules.to_frame(), shop, 3)
    for cust, items in ref.items():
        got = recs[recs["customer_id"] == cust].sort_values("rank")
        assert got["score"].round(12).tolist() == [round(s, 12) for _, s in items]
        # ties in confidence and lift may order items differently; the item sets agree per score
        assert set(got["item"]) == {b for b, _ in items}
    assert (recs["source"] == "rule").all()
    # no item the customer already has is recommended
    owned = set(zip(shop["customer_id"], shop["item"]))
    assert not any((c, i) in owned for c, i in zip(recs["customer_id"], recs["item"]))


def test_explanations_and_fallback(shop):
    rules = association_rules(frequent_itemsets(shop, min_support=0.05, unit="customer"), 0.3)
    recs = recommend(rules, shop, top_n=4)
    first = recs[recs["source"] == "rule"].iloc[0]
    expected = (
        f"{first['confidence']:.0%} of customers who bought {{"
        + ", ".join(sorted(first["antecedent"]))
        + f"}} also bought {{{first['item']}}}, "
        f"{first['lift']:.1f}x the base rate"
    )
    assert first["explanation"] == expected
    # every customer is served (popular items fill the rest) and ranks run 1..4
    assert recs["customer_id"].nunique() == shop["customer_id"].nunique()
    assert recs.groupby("customer_id")["rank"].agg(list).map(lambda r: r == list(range(1, len(r) + 1))).all()
    assert recs.attrs["customers_without_recommendations"] == []
    subset = recommend(rules, shop, top_n=2, customers=[0, 1])
    assert set(subset["customer_id"]) == {0, 1}


def test_recommend_errors(shop):
    rules = association_rules(frequent_itemsets(shop, min_support=0.05, unit="customer"), 0.3)
    with pytest.raises(ParameterError, match="top_n"):
        recommend(rules, shop, top_n=0)
    with pytest.raises(ParameterError, match="not in tx"):
        recommend(rules, shop, customers=[999])
    with pytest.raises(SchemaError):
        recommend(rules.to_frame().drop(columns="lift"), shop)


def test_out_of_sample_evaluation(shop):
    ev = evaluate_recommendations(shop, "2024-03-14", min_support=0.05, min_confidence=0.3, top_n=3,
                                  unit="customer")
    assert isinstance(ev, RecommendationEvaluation)
    table = ev.to_frame()
    assert list(table["k"]) == [1, 2, 3, 1, 2, 3]
    assert table["precision"].between(0, 1).all() and table["hit_rate"].between(0, 1).all()
    # hit rate can only grow with k
    for _, grp in table.groupby("model"):
        assert grp["hit_rate"].is_monotonic_increasing
    # taste structure: rules beat the popularity baseline at k=3
    rules_row = table[(table["model"] == "rules") & (table["k"] == 3)].iloc[0]
    pop_row = table[(table["model"] == "popular") & (table["k"] == 3)].iloc[0]
    assert rules_row["precision"] > pop_row["precision"]
    assert ev.summary()["k"].tolist() == [3, 3] and "precision@3_rules" in repr(ev)
    assert ev.plot().get_ylabel() == "precision@k"
    # precision by hand for k=1 from the stored recommendations
    recs = ev.recommendations
    train = shop[shop["date"] < "2024-03-15"]
    test = shop[shop["date"] >= "2024-03-15"]
    new = set(zip(test["customer_id"], test["item"])) - set(zip(train["customer_id"], train["item"]))
    top1 = recs[recs["rank"] == 1]
    hits = sum((c, i) in new for c, i in zip(top1["customer_id"], top1["item"]))
    assert table.iloc[0]["precision"] == pytest.approx(hits / ev.n_customers)


@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_recommend_output_follows_the_input_and_keeps_every_customer(kind):
    """A polars / DuckDB history gets a polars / DuckDB table with the pandas rows, and the
    customers pandas lists in attrs["customers_without_recommendations"] as rows source="none"."""
    tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 3, 4, 5],
                       "item": ["tea", "mug", "tea", "mug", "tea", "cake", "tea", "cake"]})
    rules = association_rules(frequent_itemsets(tx, unit="customer", min_count=2), 0.5)
    if kind == "polars":
        import polars as pl

        native, to_pd = pl.from_pandas(tx), lambda t: t.to_pandas()
        assert_kind = lambda t: isinstance(t, pl.DataFrame)  # noqa: E731
    else:
        import duckdb

        native = duckdb.default_connection().from_df(tx)
        to_pd = lambda t: t.df().sort_values(["customer_id", "rank"]).reset_index(drop=True)  # noqa: E731
        assert_kind = lambda t: type(t).__name__ == "DuckDBPyRelation"  # noqa: E731
    for fallback in (None, "popular"):
        ref = recommend(rules, tx, top_n=2, fallback=fallback)
        got = recommend(rules, native, top_n=2, fallback=fallback)
        assert assert_kind(got)
        got = to_pd(got)
        lacking = ref.attrs["customers_without_recommendations"]
        assert lacking == ([1, 2, 5] if fallback is None else [])
        none = got[got["source"] == "none"]
        assert sorted(none["customer_id"]) == lacking
        assert none["rank"].isna().all() and none["item"].isna().all()
        served = got[got["source"] != "none"].reset_index(drop=True)
        assert served["customer_id"].tolist() == ref["customer_id"].tolist()
        assert served["item"].tolist() == ref["item"].tolist()
        assert served["rank"].astype(int).tolist() == ref["rank"].tolist()
        np.testing.assert_allclose(served["score"].to_numpy(float), ref["score"].to_numpy(float))
        assert [sorted(a) for a in served["antecedent"]] == [sorted(a) for a in ref["antecedent"]]
        assert set(got["customer_id"]) == set(tx["customer_id"])


def test_time_zone_aware_dates_and_calibration_end(shop):
    """Time-zone-aware dates or calibration_end raised a raw TypeError; both are read in UTC."""
    ref = evaluate_recommendations(shop, "2024-03-14", min_support=0.05, min_confidence=0.3, top_n=2,
                                   unit="customer")
    local = shop.assign(date=shop["date"].dt.tz_localize("UTC").dt.tz_convert("America/New_York"))
    got = evaluate_recommendations(local, pd.Timestamp("2024-03-14 12:00", tz="UTC"), min_support=0.05,
                                   min_confidence=0.3, top_n=2, unit="customer")
    pd.testing.assert_frame_equal(got.to_frame(), ref.to_frame())
    assert got.calibration_end == ref.calibration_end
