"""Next-purchase recommendations from sequential rules, their evaluation and the estimator."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import crmmine as cm
from crmmine.association import (
    NextPurchaseEvaluation,
    NextPurchaseRecommender,
    evaluate_next_purchase,
    recommend_next,
    sequential_pattern_rules,
    sequential_patterns,
)
from crmmine.errors import NotFittedError, ParameterError


def shop() -> pd.DataFrame:
    """Customers 1-3 buy a printer, then ink; 4 buys paper twice; 5 and 6 have just bought a
    printer (on or before 2024-02-01); after that 5 buys ink and 6 paper."""
    rows = [
        (1, "2024-01-01", "printer"), (1, "2024-01-05", "ink"),
        (2, "2024-01-02", "printer"), (2, "2024-01-06", "ink"),
        (3, "2024-01-03", "printer"), (3, "2024-01-07", "ink"),
        (4, "2024-01-04", "paper"), (4, "2024-01-10", "paper"),
        (5, "2024-01-20", "printer"), (6, "2024-01-21", "printer"),
        (5, "2024-02-10", "ink"), (6, "2024-02-11", "paper"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "item"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_rule_applies_only_when_its_antecedent_ends_the_history():
    tx = shop()
    rules = sequential_pattern_rules(sequential_patterns(tx[tx["date"] <= "2024-02-01"], min_count=2))
    assert rules.to_frame()["rule"].tolist() == ["{printer} -> {ink}"]
    recs = recommend_next(rules, tx, top_n=1, as_of="2024-02-01").set_index("customer_id")
    # 5 and 6 end with a printer: the rule applies; 1-3 end with ink and 4 with paper: popular items
    assert recs.loc[[5, 6], "source"].tolist() == ["rule", "rule"]
    assert recs.loc[[5, 6], "item"].tolist() == ["ink", "ink"]
    assert recs.loc[5, "confidence"] == pytest.approx(3 / 5)
    assert recs.loc[5, "lift"] == pytest.approx((3 / 5) / (3 / 6))
    assert recs.loc[5, "days_median"] == 4.0
    assert recs.loc[5, "days_since_last"] == 12  # 2024-01-20 to 2024-02-01
    assert recs.loc[[1, 2, 3, 4], "source"].eq("popular").all()
    # the most popular item of the mining data (printer: 5 of 6 customers) fills the place
    assert recs.loc[4, "item"] == "printer" and recs.loc[4, "score"] == pytest.approx(5 / 6)
    # on the whole log, 5's last order is ink: the rule no longer ends her history
    later = recommend_next(rules, tx, top_n=1).set_index("customer_id")
    assert later.loc[5, "source"] == "popular"


def test_top_n_ranks_exclusions_and_customers():
    tx = shop()
    rules = sequential_pattern_rules(sequential_patterns(tx, min_count=1))
    recs = recommend_next(rules, tx, top_n=3)
    assert recs.groupby("customer_id").size().eq(3).all()  # every customer has 3 (3 items exist)
    assert not recs.duplicated(["customer_id", "item"]).any()
    assert (recs.groupby("customer_id")["rank"].apply(list) == pd.Series([[1, 2, 3]] * 6, index=range(1, 7))
            ).all()
    fresh = recommend_next(rules, tx, top_n=3, exclude_bought=True)
    owned = set(zip(tx["customer_id"], tx["item"]))
    assert not any((c, i) in owned for c, i in zip(fresh["customer_id"], fresh["item"]))
    only = recommend_next(rules, tx, top_n=2, customers=[2, 5], fallback=None)
    assert set(only["customer_id"]) <= {2, 5} and only.attrs["n_customers"] == 2
    with pytest.raises(ParameterError, match="not in the history"):
        recommend_next(rules, tx, customers=[99])


def test_without_fallback_customers_left_out_are_listed():
    tx = shop()
    rules = sequential_pattern_rules(sequential_patterns(tx[tx["date"] <= "2024-02-01"], min_count=2))
    recs = recommend_next(rules, tx, top_n=2, as_of="2024-02-01", fallback=None)
    assert sorted(recs["customer_id"]) == [5, 6]
    assert recs.attrs["customers_without_recommendations"] == [1, 2, 3, 4]
    assert recs.attrs["n_customers"] == 6


def test_output_follows_the_input_backend():
    pl = pytest.importorskip("polars")
    tx = shop()
    rules = sequential_pattern_rules(sequential_patterns(tx, min_count=2))
    got = recommend_next(rules, pl.from_pandas(tx), top_n=2, as_of="2024-02-01")
    assert isinstance(got, pl.DataFrame)
    ref = recommend_next(rules, tx, top_n=2, as_of="2024-02-01")
    assert ref["source"].eq("rule").any()
    pd.testing.assert_frame_equal(got.to_pandas(), ref, check_dtype=False)


def test_evaluation_by_hand():
    """As worked out in shop(): customers 5 and 6 are evaluated; the rule offers ink to both (5 buys
    it), the popularity baseline offers printer (5 of 6 buyers) then ink."""
    ev = evaluate_next_purchase(shop(), "2024-02-01", "30D", min_count=2, top_n=2)
    assert isinstance(ev, NextPurchaseEvaluation) and ev.n_customers == 2 and ev.n_rules == 1
    t = ev.to_frame().set_index(["model", "k"])
    metrics = ["precision", "hit_rate", "recall", "coverage"]
    assert t.loc[("rules", 1), metrics].tolist() == [0.5, 0.5, 0.5, 1.0]
    assert t.loc[("rules", 2), "precision"] == 0.25  # one rule recommendation each
    assert t.loc[("popular", 1), ["precision", "hit_rate"]].tolist() == [0.0, 0.0]
    assert t.loc[("popular", 2), ["precision", "hit_rate", "coverage"]].tolist() == [0.25, 0.5, 0.0]
    assert t.loc[("rules+popular", 2), "precision"] == 0.25
    fresh = evaluate_next_purchase(shop(), "2024-02-01", 30, min_count=2, top_n=1, exclude_bought=True)
    t = fresh.to_frame().set_index(["model", "k"])
    # printer is owned by both: the baseline offers ink (hit for 5)
    assert t.loc[("popular", 1), "precision"] == 0.5
    assert t.loc[("rules", 1), "precision"] == 0.5


def test_evaluation_result_protocol_on_online_retail():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tx, _ = cm.datasets.load_online_retail_clean()
    ev = evaluate_next_purchase(tx, "2011-09-30", "60D", min_support=0.03, top_n=3)
    summary = ev.summary()
    assert summary.index.tolist() == ["rules", "rules+popular", "popular"]
    # the rules beat the popularity baseline on this data (hit rate at 3: about 0.49 against 0.24)
    assert summary.loc["rules+popular", "hit_rate"] > summary.loc["popular", "hit_rate"] + 0.1
    assert repr(ev).startswith("NextPurchaseEvaluation(customers=")
    assert "<table" in ev._repr_html_()
    assert ev.plot(metric="precision").get_ylabel() == "precision@k"
    plt.close("all")


def test_estimator_contract():
    tx = shop()
    model = NextPurchaseRecommender(min_count=2, top_n=1, within="30D")
    assert repr(model) == "NextPurchaseRecommender(min_count=2, top_n=1, within='30D')"
    with pytest.raises(NotFittedError, match="fit"):
        model.recommend(tx)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    assert model.fit(tx) is model and model.n_rules_ == 1
    pd.testing.assert_frame_equal(model.recommend(tx), recommend_next(model.rules_, tx, top_n=1))
    with pytest.raises(ParameterError, match="top_n"):
        NextPurchaseRecommender(top_n=0).fit(tx)
    assert np.isfinite(model.rules_.to_frame()["lift"]).all()


@pytest.mark.parametrize("kind", ["polars", "duckdb"])
def test_engine_output_keeps_customers_without_recommendations_as_rows(kind):
    """Engine tables have no attrs: customers 1-4 (no rule applies, no fallback) are rows with
    source "none" and no rank or item, instead of vanishing."""
    tx = shop()
    rules = sequential_pattern_rules(sequential_patterns(tx[tx["date"] <= "2024-02-01"], min_count=2))
    if kind == "polars":
        import polars as pl

        got = recommend_next(rules, pl.from_pandas(tx), top_n=2, as_of="2024-02-01", fallback=None)
        assert isinstance(got, pl.DataFrame)
        got = got.to_pandas()
    else:
        import duckdb

        got = recommend_next(rules, duckdb.default_connection().from_df(tx), top_n=2, as_of="2024-02-01",
                             fallback=None)
        assert type(got).__name__ == "DuckDBPyRelation"
        got = got.df()
    got = got.sort_values(["customer_id", "rank"]).reset_index(drop=True)
    none = got[got["source"] == "none"]
    assert none["customer_id"].tolist() == [1, 2, 3, 4]
    assert none["rank"].isna().all() and none["item"].isna().all()
    served = got[got["source"] == "rule"]
    assert served["customer_id"].tolist() == [5, 6] and served["item"].tolist() == ["ink", "ink"]


def test_time_zone_aware_as_of_is_read_in_utc():
    tx = shop()
    rules = sequential_pattern_rules(sequential_patterns(tx, min_count=2))
    got = recommend_next(rules, tx, top_n=2, as_of=pd.Timestamp("2024-02-01 20:00", tz="America/New_York")
                         .tz_convert("Asia/Tokyo"))  # 2024-02-02 01:00 UTC: one day later
    later = recommend_next(rules, tx, top_n=2, as_of="2024-02-02")
    pd.testing.assert_frame_equal(got, later)
