"""Association rules: arules/pyfim counts on Groceries, mlxtend metrics, significance, redundancy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from crmmine.association import (
    RULE_METRICS,
    adjust_pvalues,
    association_rules,
    fisher_pvalues,
    frequent_itemsets,
)
from crmmine.errors import DataError, ParameterError, SchemaError


@pytest.fixture(scope="module")
def groceries_itemsets(groceries):
    return frequent_itemsets(groceries, min_support=0.001)


def test_groceries_rule_counts_and_top_rule(groceries, groceries_itemsets):
    # arules: apriori(Groceries, parameter=list(supp=0.001, conf=0.5)) -> 5,668 rules;
    # conf=0.8 -> 410; supp=0.005, conf=0.5 -> 120 (pyfim arules(mode="o") gives the same counts).
    rules = association_rules(groceries_itemsets, min_confidence=0.5).to_frame()
    assert len(rules) == 5668
    assert len(association_rules(groceries_itemsets, min_confidence=0.8)) == 410
    assert len(association_rules(frequent_itemsets(groceries, min_support=0.005), min_confidence=0.5)) == 120
    top = rules.iloc[0]  # sorted by lift
    assert top["antecedent"] == frozenset({"Instant food products", "soda"})
    assert top["consequent"] == frozenset({"hamburger meat"})
    assert top["lift"] == pytest.approx(18.996, abs=5e-4)
    assert (top["support_count"], top["antecedent_count"], top["consequent_count"]) == (12, 19, 327)
    assert (rules["consequent"].map(len) == 1).all()


def test_metrics_equal_mlxtend(groceries, groceries_itemsets):
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    result = frequent_itemsets(groceries, min_support=0.003)
    fi = result.to_frame()
    ref = mlx.association_rules(
        fi.rename(columns={"itemset": "itemsets"})[["support", "itemsets"]],
        num_itemsets=9835,
        metric="confidence",
        min_threshold=0.2,
    )
    ref = ref[ref["consequents"].map(len) == 1]
    got = association_rules(result, min_confidence=0.2).to_frame()
    merged = got.merge(ref, left_on=["antecedent", "consequent"], right_on=["antecedents", "consequents"])
    assert len(merged) == len(ref) > 500
    # crmmine keeps rules whose confidence is exactly 0.2 (counts n_ac / n_a = 1/5), which
    # mlxtend's floating-point confidence can put just below the threshold
    extra = got[
        ~got.set_index(["antecedent", "consequent"]).index.isin(
            merged.set_index(["antecedent", "consequent"]).index
        )
    ]
    assert (extra["support_count"] * 5 == extra["antecedent_count"]).all()
    # mlxtend's columns and crmmine's names for them
    names = {"antecedent support": "antecedent_support", "consequent support": "consequent_support"}
    mlx_metrics = ["antecedent support", "consequent support", "support", "confidence", "lift",
                   "representativity", "leverage", "conviction", "zhangs_metric", "jaccard", "certainty",
                   "kulczynski"]
    assert set(names.get(m, m) for m in mlx_metrics) <= set(RULE_METRICS) | set(names.values())
    for metric in mlx_metrics:
        ours = names.get(metric, metric)
        np.testing.assert_allclose(
            merged[ours + "_x" if ours + "_x" in merged else ours],
            merged[metric + "_y" if metric + "_y" in merged else metric],
            rtol=1e-10,
            err_msg=metric,
        )
    # any consequent size: also the same rule set as mlxtend
    all_rules = association_rules(result, min_confidence=0.2, consequent_len=None).to_frame()
    ref_all = mlx.association_rules(
        fi.rename(columns={"itemset": "itemsets"})[["support", "itemsets"]],
        num_itemsets=9835,
        metric="confidence",
        min_threshold=0.2 - 1e-9,
    )
    assert set(zip(all_rules["antecedent"], all_rules["consequent"])) == set(
        zip(ref_all["antecedents"], ref_all["consequents"])
    )


def test_mlxtend_itemset_frame_is_accepted(groceries_itemsets):
    plain = groceries_itemsets.to_frame().rename(columns={"itemset": "itemsets"})[["support", "itemsets"]]
    with pytest.raises(SchemaError, match="n_transactions"):
        association_rules(plain, min_confidence=0.5)
    rules = association_rules(plain, min_confidence=0.5, n_transactions=9835)
    assert len(rules) == 5668


def test_fisher_matches_scipy():
    rng = np.random.default_rng(1)
    n = rng.integers(2, 400, 300)
    a = rng.integers(0, n + 1)
    c = rng.integers(0, n + 1)
    k = rng.integers(np.maximum(0, a + c - n), np.minimum(a, c) + 1)
    got = np.array([fisher_pvalues([k[i]], [a[i]], [c[i]], int(n[i]))[0] for i in range(len(n))])
    ref = np.array(
        [
            stats.fisher_exact(
                [[k[i], a[i] - k[i]], [c[i] - k[i], n[i] - a[i] - c[i] + k[i]]], alternative="greater"
            )[1]
            for i in range(len(n))
        ]
    )
    np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-14)


def test_p_adjustments():
    rng = np.random.default_rng(2)
    p = rng.uniform(size=50) ** 3
    # Benjamini-Hochberg: scipy.stats.false_discovery_control (= R p.adjust "BH")
    np.testing.assert_allclose(adjust_pvalues(p, "bh"), stats.false_discovery_control(p, method="bh"))
    # Holm (1979) by its definition: max_{j<=i} (m - j + 1) p_(j), capped at 1
    order = np.argsort(p)
    m = len(p)
    holm = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, (m - rank) * p[i])
        holm[i] = min(running, 1.0)
    np.testing.assert_allclose(adjust_pvalues(p, "holm"), holm)
    # R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") -> 0.05 0.08 0.09 0.09 0.09
    np.testing.assert_allclose(
        adjust_pvalues(np.array([0.01, 0.02, 0.03, 0.04, 0.05]), "holm"), [0.05, 0.08, 0.09, 0.09, 0.09]
    )
    with pytest.raises(ParameterError):
        adjust_pvalues(p, "sidak")


def test_rule_pvalues_columns(groceries_itemsets):
    raw = association_rules(groceries_itemsets, min_confidence=0.5, p_adjust="none").to_frame()
    for method in ("holm", "bh"):
        rules = association_rules(
            groceries_itemsets, min_confidence=0.5, p_adjust=method, max_p=1e-3
        ).to_frame()
        assert (rules["p_adjusted"] <= 1e-3).all() and (rules["p_adjusted"] >= rules["p_value"]).all()
        assert 0 < len(rules) < len(raw)
    row = raw.iloc[-1]
    n_ac, n_a, n_c = int(row["support_count"]), int(row["antecedent_count"]), int(row["consequent_count"])
    ref = stats.fisher_exact(
        [[n_ac, n_a - n_ac], [n_c - n_ac, 9835 - n_a - n_c + n_ac]], alternative="greater"
    )[1]
    assert row["p_value"] == pytest.approx(ref, rel=1e-9)


def brute_rules(baskets, min_count, min_conf):
    sets = [frozenset(b) for b in baskets]
    items = sorted(set().union(*sets))
    count = {}
    for k in range(1, len(items) + 1):
        for combo in itertools.combinations(items, k):
            c = sum(1 for s in sets if s.issuperset(combo))
            if c >= min_count:
                count[frozenset(combo)] = c
    rules = {}
    for s, c in count.items():
        for x in s:
            a = s - {x}
            if a and c / count[a] >= min_conf - 1e-12:
                rules[(a, frozenset({x}))] = c / count[a]
    return rules


@pytest.mark.filterwarnings("ignore::crmmine.errors.DataWarning")  # identical baskets: the documented warning
@settings(max_examples=40, deadline=None)
@given(
    baskets=st.lists(st.lists(st.integers(0, 6), min_size=1, max_size=5), min_size=2, max_size=25),
    min_count=st.integers(1, 3),
    min_conf=st.sampled_from([0.0, 0.3, 0.6]),
)
def test_rules_and_redundancy_brute_force(baskets, min_count, min_conf):
    ref = brute_rules(baskets, min_count, min_conf)
    fi = frequent_itemsets(baskets, min_count=min_count)
    got = association_rules(fi, min_confidence=min_conf).to_frame()
    assert dict(zip(zip(got["antecedent"], got["consequent"]), got["confidence"])) == pytest.approx(ref)
    # redundant (arules is.redundant): a rule with the same consequent and a proper-subset antecedent,
    # the empty one included (confidence P(C)), has confidence >= this rule's
    n = len(baskets)
    share = {x: sum(x in set(b) for b in baskets) / n for b in baskets for x in b}
    keep = {
        r
        for r, conf in ref.items()
        if not any(o[1] == r[1] and o[0] < r[0] and oc >= conf - 1e-12 for o, oc in ref.items())
        and share[next(iter(r[1]))] < conf - 1e-12
    }
    pruned = association_rules(fi, min_confidence=min_conf, prune_redundant=True).to_frame()
    assert set(zip(pruned["antecedent"], pruned["consequent"])) == keep


def test_item_restrictions(groceries_itemsets):
    rules = association_rules(
        groceries_itemsets,
        min_confidence=0.5,
        consequent_items=["whole milk"],
        exclude_items=["other vegetables"],
    ).to_frame()
    assert len(rules) > 0
    assert (rules["consequent"] == frozenset({"whole milk"})).all()
    assert not rules["antecedent"].map(lambda s: "other vegetables" in s).any()
    lhs = association_rules(
        groceries_itemsets, min_confidence=0.5, antecedent_items=["yogurt", "curd"]
    ).to_frame()
    assert lhs["antecedent"].map(lambda s: s <= {"yogurt", "curd"}).all()
    with pytest.raises(ParameterError, match="none of the items"):
        association_rules(groceries_itemsets, consequent_items=["caviar"])
    with pytest.raises(ParameterError, match="min_confidence"):
        association_rules(groceries_itemsets, min_confidence="high")
    with pytest.raises(ParameterError, match="consequent_len"):
        association_rules(groceries_itemsets, consequent_len=0)


def test_closed_itemsets_rejected():
    closed = frequent_itemsets([["a", "b"], ["a", "b"], ["a"]], min_count=1, kind="closed")
    assert set(closed.to_frame()["itemset"]) == {frozenset("a"), frozenset("ab")}  # {b} is not closed
    with pytest.raises(DataError, match="downward closed"):
        association_rules(closed, min_confidence=0.5)


def test_filtered_itemsets_frame_still_works(groceries_itemsets):
    # a filtered plain table is re-encoded (the number of baskets from support_count / support)
    table = groceries_itemsets.to_frame()
    short = table[table["length"] <= 2]
    rules = association_rules(short, min_confidence=0.3).to_frame()
    assert (rules["antecedent"].map(len) == 1).all()
    ref = association_rules(groceries_itemsets, min_confidence=0.3).to_frame()
    assert len(rules) == (ref["antecedent"].map(len) == 1).sum()
    empty = association_rules(table[table["length"] == 1])
    assert len(empty) == 0 and list(empty.to_frame().columns)[:2] == ["antecedent", "consequent"]
    assert empty.n_transactions == 9835
