"""Rule and itemset measures against arules' and mlxtend's published examples and definitions.

arules cannot be run here (no R), so its values are either copied from arules' own test suite
(cited by file) or worked by hand from the definitions in Hahsler's "A probabilistic comparison of
commonly used interest measures for association rules" (2015,
https://mhahsler.github.io/arules/docs/measures) and arules' R/interestMeasures.R; each hand
computation is written out beside the assertion. mlxtend values come from mlxtend's own test
suite (mlxtend/frequent_patterns/tests/test_association_rules.py) or from running mlxtend 0.25
in the same test.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmmine.association import (
    FrequentItemsets,
    association_rules,
    fisher_pvalues,
    frequent_itemsets,
    rule_metrics,
)
from crmmine.errors import ParameterError

# arules tests/testthat/test-interestMeasures.R: the example of Omiecinski (2003)
ARULES_DATA = [["A", "B"], ["A", "B", "C", "G"], ["C", "D"], ["C", "D"], ["E", "F"]]


def rule_row(rules, antecedent, consequent) -> pd.Series:
    table = rules.to_frame()
    hit = (table["antecedent"] == frozenset(antecedent)) & (table["consequent"] == frozenset(consequent))
    assert hit.sum() == 1, (antecedent, consequent)
    return table[hit].iloc[0]


def test_all_confidence_equals_arules_omiecinski_example():
    # arules: eclat(trans, supp = 0) gives 20 itemsets whose allConfidence, rounded to 2 digits, is
    # c(1.00, 0.67, 0.33, 0.33, 0.50, 0.33, 0.33, 0.50, 0.50, 0.33, 0.33, 1.00, 0.33, 0.60, 0.40,
    #   0.40, 0.20, 0.40, 0.20, 0.20) (in eclat's order; 1-itemsets get their support, as arules does)
    fi = frequent_itemsets(ARULES_DATA, min_count=1)
    table = fi.to_frame()
    assert len(table) == 20
    expected = [1.00, 0.67, 0.33, 0.33, 0.50, 0.33, 0.33, 0.50, 0.50, 0.33, 0.33, 1.00, 0.33, 0.60, 0.40,
                0.40, 0.20, 0.40, 0.20, 0.20]
    assert sorted(table["all_confidence"].round(2)) == sorted(expected)
    by_set = dict(zip(table["itemset"], table["all_confidence"]))
    assert by_set[frozenset("CD")] == pytest.approx(2 / 3)  # supp(CD) 0.4 / max(supp C 0.6, supp D 0.4)
    assert by_set[frozenset("ABCG")] == pytest.approx(1 / 3)  # 0.2 / 0.6
    assert by_set[frozenset("C")] == pytest.approx(0.6)  # a single item: its support


def test_rule_measures_by_hand_on_arules_example():
    rules = association_rules(frequent_itemsets(ARULES_DATA, min_count=1), min_confidence=0.0)
    # {A} => {B}: N = 5, f11 = 2, f1x = 2, fx1 = 2, so f10 = f01 = 0 and f00 = 3
    r = rule_row(rules, "A", "B")
    assert r["support"] == pytest.approx(0.4) and r["confidence"] == pytest.approx(1.0)
    assert r["lift"] == pytest.approx(2.5)  # 1 / 0.4
    assert r["cosine"] == pytest.approx(1.0)  # 2 / sqrt(2 * 2)
    assert r["phi"] == pytest.approx(1.0)  # (5*2 - 2*2) / sqrt(2*2*3*3) = 6 / 6
    assert r["chi_squared"] == pytest.approx(5.0)  # 5 * (2*3 - 0)^2 / (2*2*3*3) = 180 / 36
    assert r["odds_ratio"] == np.inf  # 2*3 / (0*0); arules reports NA for non-finite values
    assert r["laplace"] == pytest.approx(0.75)  # (2 + 1) / (2 + 2)
    assert r["added_value"] == pytest.approx(0.6)  # 1 - 0.4
    # hypergeometric count of A and B under independence: P(0), P(1), P(2) = 0.3, 0.6, 0.1, so the
    # 0.99 quantile is 2 and hyperLift = 2 / 2; hyperConfidence = P(X < 2) = 0.9; Fisher p = 0.1
    assert r["hyper_lift"] == pytest.approx(1.0)
    assert r["hyper_confidence"] == pytest.approx(0.9)
    assert r["p_value"] == pytest.approx(0.1)
    # {C} => {D}: f11 = 2, f1x = 3, fx1 = 2, f10 = 1, f01 = 0, f00 = 2
    r = rule_row(rules, "C", "D")
    assert r["confidence"] == pytest.approx(2 / 3) and r["lift"] == pytest.approx(5 / 3)
    assert r["cosine"] == pytest.approx(2 / math.sqrt(6))
    assert r["phi"] == pytest.approx(4 / 6)  # (10 - 6) / sqrt(3*2*2*3)
    assert r["chi_squared"] == pytest.approx(80 / 36)  # 5 * (2*2 - 1*0)^2 / 36
    assert r["laplace"] == pytest.approx(3 / 5)
    assert r["added_value"] == pytest.approx(2 / 3 - 2 / 5)
    # X ~ hypergeometric(N=5, 2 successes, 3 draws): P(0..2) = 0.1, 0.6, 0.3 -> quantile 2
    assert r["hyper_lift"] == pytest.approx(1.0) and r["hyper_confidence"] == pytest.approx(0.7)
    # {A} => {C}: f11 = 1, f1x = 2, fx1 = 3, f10 = 1, f01 = 2, f00 = 1
    r = rule_row(rules, "A", "C")
    assert r["confidence"] == pytest.approx(0.5) and r["lift"] == pytest.approx(0.5 / 0.6)
    assert r["cosine"] == pytest.approx(1 / math.sqrt(6))
    assert r["phi"] == pytest.approx(-1 / 6)  # (5 - 6) / sqrt(2*3*3*2)
    assert r["odds_ratio"] == pytest.approx(0.5)  # 1*1 / (1*2)
    assert r["chi_squared"] == pytest.approx(5 / 36)
    assert r["laplace"] == pytest.approx(0.5)  # (1 + 1) / (2 + 2)
    assert r["added_value"] == pytest.approx(-0.1)
    # P(0..2) = 0.1, 0.6, 0.3 -> quantile 2, hyperLift = 1 / 2
    assert r["hyper_lift"] == pytest.approx(0.5)
    # improvement: the only more general rule is {} => {C} with confidence P(C) = 0.6
    assert r["improvement"] == pytest.approx(-0.1)


def brute_improvement(baskets, rules_table):
    sets = [frozenset(b) for b in baskets]

    def conf(a, c):
        n_a = sum(a <= s for s in sets)
        return sum((a | c) <= s for s in sets) / n_a

    out = {}
    for a, c in zip(rules_table["antecedent"], rules_table["consequent"]):
        general = [frozenset(x) for k in range(len(a)) for x in itertools.combinations(sorted(a), k)]
        out[(a, c)] = conf(a, c) - max(conf(g, c) for g in general)
    return out


def test_redundancy_uses_the_empty_rule_as_baseline():
    # issue 14's case: P(C) = 0.6, and {A} => {C}, {B} => {C} have confidence 0.5 < 0.6: both are
    # redundant (improvement -0.1 <= 0), {A, B} => {C} (confidence 1) is not
    baskets = ([["A", "B", "C"]] * 2 + [["A"]] * 2 + [["B"]] * 2 + [["C"]] * 4)
    fi = frequent_itemsets(baskets, min_count=1)
    rules = association_rules(fi, min_confidence=0.3)
    for lhs in ("A", "B"):
        r = rule_row(rules, lhs, "C")
        assert r["confidence"] == pytest.approx(0.5) and r["improvement"] == pytest.approx(-0.1)
    pruned = association_rules(fi, min_confidence=0.3, prune_redundant=True).to_frame()
    kept = set(zip(pruned["antecedent"], pruned["consequent"]))
    assert (frozenset("A"), frozenset("C")) not in kept and (frozenset("B"), frozenset("C")) not in kept
    assert (frozenset("AB"), frozenset("C")) in kept
    # improvement equals its definition: conf minus the best confidence of any more general rule
    table = rules.to_frame()
    ref = brute_improvement(baskets, table)
    got = dict(zip(zip(table["antecedent"], table["consequent"]), table["improvement"]))
    assert got == pytest.approx(ref)


def test_redundancy_on_arules_own_example():
    # arules tests/testthat/test-interestMeasures.R: rules <- apriori(trans, supp = 0.01, conf = 0.5)
    # (minlen = 1, so {} => {C} with confidence 0.6 is among the rules), then
    # expect_equal(is.redundant(rules), interestMeasure(rules, "improvement") <= 0)
    fi = frequent_itemsets(ARULES_DATA, min_count=1)  # ceil(0.01 * 5) = 1
    rules = association_rules(fi, min_confidence=0.5, empty_antecedent=True, consequent_len=None)
    table = rules.to_frame()
    assert (table["antecedent"] == frozenset()).sum() == 1  # only P(C) = 0.6 reaches 0.5
    general = table["antecedent"] != frozenset()
    ref = brute_improvement(ARULES_DATA, table[general])
    got = dict(zip(zip(table.loc[general, "antecedent"], table.loc[general, "consequent"]),
                   table.loc[general, "improvement"]))
    assert got == pytest.approx(ref)
    pruned = association_rules(fi, min_confidence=0.5, empty_antecedent=True, consequent_len=None,
                               prune_redundant=True).to_frame()
    redundant = {k for k, v in ref.items() if v <= 1e-12}
    assert redundant and redundant.isdisjoint(zip(pruned["antecedent"], pruned["consequent"]))
    assert len(pruned) == len(table) - len(redundant)
    # {A} => {C}: 0.5 < P(C) = 0.6, redundant because of the empty rule alone
    assert (frozenset("A"), frozenset("C")) in redundant


def test_empty_antecedent_rules():
    fi = frequent_itemsets(ARULES_DATA, min_count=1)
    rules = association_rules(fi, min_confidence=0.4, empty_antecedent=True).to_frame()
    empty = rules[rules["antecedent"] == frozenset()]
    # {} => {X}: confidence = support of X, lift 1; items with support >= 0.4: A, B, C, D
    assert dict(zip(empty["consequent"], empty["confidence"])) == pytest.approx(
        {frozenset("A"): 0.4, frozenset("B"): 0.4, frozenset("C"): 0.6, frozenset("D"): 0.4})
    assert (empty["lift"] == 1).all() and (empty["antecedent_count"] == 5).all()
    assert empty["improvement"].isna().all()
    without = association_rules(fi, min_confidence=0.4).to_frame()
    assert (without["antecedent"] != frozenset()).all() and len(without) == len(rules) - 4


@pytest.fixture(scope="module")
def mlxtend_example():
    # mlxtend tests/test_association_rules.py: one_ary, apriori(df, min_support=0.6)
    one_ary = np.array([[0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1], [0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1],
                        [1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0], [0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1],
                        [0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0]])
    cols = ["Apple", "Corn", "Dill", "Eggs", "Ice cream", "Kidney Beans", "Milk", "Nutmeg", "Onion",
            "Unicorn", "Yogurt"]
    return frequent_itemsets(pd.DataFrame(one_ary, columns=cols), min_support=0.6)


def test_mlxtend_published_rule_counts_and_values(mlxtend_example):
    fi = mlxtend_example
    # default: metric="confidence", min_threshold=0.8 -> 9 rules (consequents of any size)
    rules = association_rules(fi, min_confidence=0.8, consequent_len=None)
    assert len(rules) == 9
    # the general metric filter, alone (min_confidence=0): leverage >= 0.1 -> 6, conviction >= 1.5 -> 11,
    # lift >= 1.1 -> 6, support >= 0.8 -> 2
    for metric, threshold, count in (("leverage", 0.1, 6), ("conviction", 1.5, 11), ("lift", 1.1, 6),
                                     ("support", 0.8, 2), ("confidence", 0.8, 9)):
        got = association_rules(fi, min_confidence=0.0, consequent_len=None, metric=metric,
                                min_threshold=threshold)
        assert len(got) == count, metric
    assert len(association_rules(fi, support_only=True, consequent_len=None, metric="support",
                                 min_threshold=0.8)) == 2
    # test_default: {Onion, Kidney Beans} => {Eggs}: supports 0.6, 0.8, 0.6; confidence 1, lift 1.25,
    # leverage 0.12, conviction inf, Zhang 0.5
    r = rule_row(rules, ["Onion", "Kidney Beans"], ["Eggs"])
    assert (r["antecedent_support"], r["consequent_support"], r["support"]) == pytest.approx((0.6, 0.8, 0.6))
    assert (r["confidence"], r["lift"], r["leverage"]) == pytest.approx((1.0, 1.25, 0.12))
    assert r["conviction"] == np.inf and r["zhangs_metric"] == pytest.approx(0.5)
    assert r["representativity"] == 1.0
    # {Kidney Beans} => {Eggs}: 1.0, 0.8, 0.8, confidence 0.8, lift 1.0, leverage 0, conviction 1.0
    r = rule_row(rules, ["Kidney Beans"], ["Eggs"])
    assert (r["confidence"], r["lift"], r["leverage"], r["conviction"]) == pytest.approx((0.8, 1.0, 0.0, 1.0))


def test_support_only_on_incomplete_itemsets():
    # mlxtend test_on_df_with_missing_entries(_support_only): itemsets cropped so that antecedent and
    # consequent supports are unknown; support_only=True still gives the 18 rules and their support
    frame = pd.DataFrame({
        "itemsets": [["177", "176"], ["177", "179"], ["176", "178"], ["176", "179"], ["93", "100"],
                     ["177", "178"], ["177", "176", "178"]],
        "support": [0.253623, 0.253623, 0.217391, 0.217391, 0.181159, 0.108696, 0.108696],
    })
    with pytest.raises(Exception, match="downward closed"):
        association_rules(frame, n_transactions=138, consequent_len=None)
    rules = association_rules(frame, n_transactions=138, consequent_len=None, support_only=True,
                              metric="support", min_threshold=0.1).to_frame()
    assert len(rules) == 18 and not rules["support"].isna().any()
    assert rules["confidence"].isna().all()
    with pytest.raises(ParameterError, match="prune_redundant"):
        association_rules(frame, n_transactions=138, support_only=True, prune_redundant=True)
    with pytest.raises(ParameterError, match="go together"):
        association_rules(frame, n_transactions=138, metric="lift")


@pytest.mark.parametrize("seed", [5, 6, 7])
def test_onehot_with_missing_values_equals_mlxtend(seed):
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    rng = np.random.default_rng(seed)
    values = (rng.uniform(size=(60, 7)) < 0.55).astype(float)
    values[rng.uniform(size=values.shape) < 0.12] = np.nan
    onehot = pd.DataFrame(values, columns=list("abcdefg"))
    before = onehot.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # mlxtend: non-bool frames are slower
        ref_sets = mlx.fpgrowth(onehot, min_support=0.2, null_values=True, use_colnames=True)
        ref = mlx.association_rules(ref_sets, num_itemsets=60, df_orig=onehot, null_values=True,
                                    metric="confidence", min_threshold=0.3)
    result = frequent_itemsets(onehot, min_support=0.2)
    pd.testing.assert_frame_equal(onehot, before)
    assert isinstance(result, FrequentItemsets) and result.missing is not None
    got_sets = result.to_frame()
    assert dict(zip(got_sets["itemset"], got_sets["support"])) == pytest.approx(
        dict(zip(ref_sets["itemsets"], ref_sets["support"])), rel=1e-12)
    got = association_rules(result, min_confidence=0.3, consequent_len=None).to_frame()
    assert len(got) == len(ref) > 10
    merged = got.merge(ref, left_on=["antecedent", "consequent"], right_on=["antecedents", "consequents"])
    assert len(merged) == len(ref)
    for ours, theirs in (("antecedent_support", "antecedent support"),
                         ("consequent_support", "consequent support"), ("support_x", "support_y"),
                         ("confidence_x", "confidence_y"), ("lift_x", "lift_y"),
                         ("representativity_x", "representativity_y"), ("leverage_x", "leverage_y"),
                         ("conviction_x", "conviction_y"), ("zhangs_metric_x", "zhangs_metric_y"),
                         ("jaccard_x", "jaccard_y"), ("certainty_x", "certainty_y"),
                         ("kulczynski_x", "kulczynski_y")):
        np.testing.assert_allclose(merged[ours], merged[theirs], rtol=1e-10, err_msg=ours)
    assert (merged["representativity_x"] < 1).any()


def test_hyper_lift_quantile_equals_scipy():
    # R's qhyper(d, m, n, k) is the smallest x with P(X <= x) >= d, as scipy's hypergeom.ppf
    rng = np.random.default_rng(3)
    n = rng.integers(5, 400, 200)
    a = rng.integers(1, n + 1)
    c = rng.integers(1, n + 1)
    k = rng.integers(np.maximum(0, a + c - n), np.minimum(a, c) + 1)
    for i in range(len(n)):
        got = rule_metrics([k[i]], [a[i]], [c[i]], int(n[i]))["hyper_lift"][0]
        q = stats.hypergeom.ppf(0.99, n[i], c[i], a[i])
        assert got == pytest.approx(k[i] / q if q > 0 else np.nan, nan_ok=True)


def test_chi_squared_and_phi_equal_scipy():
    rng = np.random.default_rng(4)
    for _ in range(100):
        n = int(rng.integers(10, 500))
        a, c = (int(v) for v in rng.integers(1, n, 2))
        k = int(rng.integers(max(0, a + c - n), min(a, c) + 1))
        table = np.array([[k, a - k], [c - k, n - a - c + k]])
        m = rule_metrics([k], [a], [c], n)
        if (table.sum(0) > 0).all() and (table.sum(1) > 0).all():
            chi2 = stats.chi2_contingency(table, correction=False)[0]
            assert m["chi_squared"][0] == pytest.approx(chi2, rel=1e-9, abs=1e-12)
            assert m["phi"][0] ** 2 == pytest.approx(chi2 / n, rel=1e-9, abs=1e-12)


def test_fisher_log_p_below_the_smallest_double():
    # a strong rule in 100,000 baskets: p is far below 1e-308, so p_value underflows to 0 and log_p
    # carries it; the reference is the exact tail sum in integer arithmetic
    n, a, c, k = 100_000, 400, 500, 300
    exact = sum(math.comb(c, x) * math.comb(n - c, a - x) for x in range(k, min(a, c) + 1))
    ref = math.log(exact) - math.log(math.comb(n, a))
    assert ref < math.log(1e-308)
    got = fisher_pvalues([k], [a], [c], n, log=True)[0]
    assert got == pytest.approx(ref, rel=1e-12)
    assert fisher_pvalues([k], [a], [c], n)[0] == 0.0
    baskets = [["x", "y"]] * 300 + [["x"]] * 100 + [["y"]] * 200 + [[f"z{i % 50}"] for i in range(n - 600)]
    rules = association_rules(frequent_itemsets(baskets, min_count=100), min_confidence=0.5).to_frame()
    row = rules[rules["antecedent"] == frozenset({"x"})].iloc[0]
    assert row["p_value"] == 0.0 and row["log_p"] == pytest.approx(ref, rel=1e-12)
    # and where p is representable, log_p is its log (scipy's Fisher test as the reference)
    p = stats.fisher_exact([[30, 10], [20, 940]], alternative="greater")[1]
    assert fisher_pvalues([30], [40], [50], 1000, log=True)[0] == pytest.approx(math.log(p), rel=1e-9)


def test_metric_filter_alone_matches_mlxtend_on_its_documented_example():
    # mlxtend's user-guide baskets: association_rules(metric="confidence", min_threshold=0.7) kept
    # only rules with confidence >= 0.8 before (the default floor applied on top), so Eggs => Onion
    # (confidence 0.75) went missing without a word
    mlx = pytest.importorskip("mlxtend.frequent_patterns")
    from mlxtend.preprocessing import TransactionEncoder

    dataset = [["Milk", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt"],
               ["Dill", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt"],
               ["Milk", "Apple", "Kidney Beans", "Eggs"],
               ["Milk", "Unicorn", "Corn", "Kidney Beans", "Yogurt"],
               ["Corn", "Onion", "Onion", "Kidney Beans", "Ice cream", "Eggs"]]
    te = TransactionEncoder()
    onehot = pd.DataFrame(te.fit(dataset).transform(dataset), columns=te.columns_)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # mlxtend's certainty divides by zero here
        ref = mlx.association_rules(mlx.apriori(onehot, min_support=0.6, use_colnames=True),
                                    metric="confidence", min_threshold=0.7)
    got = association_rules(frequent_itemsets(onehot, min_support=0.6), consequent_len=None,
                            metric="confidence", min_threshold=0.7).to_frame()
    assert set(zip(got["antecedent"], got["consequent"])) == set(zip(ref["antecedents"], ref["consequents"]))
    assert len(got) == 12
    # without a metric the default floor (confidence >= 0.8) still applies
    assert association_rules(frequent_itemsets(onehot, min_support=0.6)).to_frame()["confidence"].min() >= 0.8
