"""Sequential patterns: hand-checked time constraints, a brute-force reference, the prefixspan package."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.association import (
    SequentialPatternRules,
    SequentialPatterns,
    sequential_pattern_rules,
    sequential_patterns,
)
from tests.association._sequence_reference import (
    base_count,
    closed_and_maximal,
    frequent,
    random_db,
    rule_delays,
    to_table,
)

DAY0 = pd.Timestamp("2024-01-01")


def hand_table() -> pd.DataFrame:
    """Four customers checked by hand below (days after 2024-01-01):

    A: 0 {a}, 2 {b}, 10 {c}, 11 {a, d}
    B: 0 {a, b}, 5 {c}, 30 {d}
    C: 0 {b}, 1 {a}, 3 {c}
    D: 0 {x} at 09:00 and 0 {y} at 15:00 (two orders on one day)
    """
    rows = [
        ("A", 1, 0, "a"), ("A", 2, 2, "b"), ("A", 3, 10, "c"), ("A", 4, 11, "a"), ("A", 4, 11, "d"),
        ("B", 5, 0, "a"), ("B", 5, 0, "b"), ("B", 6, 5, "c"), ("B", 7, 30, "d"),
        ("C", 8, 0, "b"), ("C", 9, 1, "a"), ("C", 10, 3, "c"),
    ]
    frame = pd.DataFrame(rows, columns=["customer_id", "order_id", "day", "item"])
    frame["date"] = DAY0 + pd.to_timedelta(frame.pop("day"), unit="D")
    extra = pd.DataFrame({"customer_id": ["D", "D"], "order_id": [11, 12],
                          "date": [DAY0 + pd.Timedelta(hours=9), DAY0 + pd.Timedelta(hours=15)],
                          "item": ["x", "y"]})
    return pd.concat([frame, extra], ignore_index=True)


def support(pattern, **constraints) -> int:
    found = sequential_patterns(hand_table(), min_count=1, **constraints).to_frame()
    hit = found.loc[found["pattern"] == pattern, "support_count"]
    return int(hit.iloc[0]) if len(hit) else 0


# Each expected count below was worked out by hand from the table in hand_table().
@pytest.mark.parametrize(("pattern", "constraints", "expected"), [
    ((("a",), ("c",)), {}, 3),
    ((("a",), ("c",)), {"max_gap": 7}, 2),                   # A: a(0) -> c(10) is 10 days
    ((("a",), ("c",)), {"min_gap": 3}, 2),                   # C: a(1) -> c(3) is 2 days
    ((("a",), ("c",)), {"min_gap": 3, "max_gap": 7}, 1),     # only B (5 days)
    ((("a", "b"),), {}, 1),                                  # one order holds both: B
    ((("a", "b"),), {"window": 1}, 2),                       # C: b(0), a(1)
    ((("a", "b"),), {"window": "2D"}, 3),                    # A: a(0), b(2)
    ((("a", "b"), ("c",)), {"window": 2}, 3),
    ((("a", "b"), ("c",)), {"window": 2, "max_gap": 5}, 2),  # A: c(10) - a(0) > 5 (from the element's start)
    ((("a", "b"), ("c",)), {"window": 2, "min_gap": 3}, 2),  # C: c(3) - a(1) < 3 (from the element's end)
    ((("a", "b"), ("c",)), {"window": 1, "min_gap": 1}, 2),  # A's a, b are 2 days apart
    ((("a", "b"), ("c",)), {"window": 2, "max_gap": 10, "max_span": 9}, 2),  # A spans 10 days
    ((("a",), ("d",)), {}, 2),
    ((("a",), ("d",)), {"max_span": 11}, 1),                 # B spans 30 days
    ((("a",), ("d",)), {"max_span": 10}, 0),                 # A's a(11) and d(11) share an order
    ((("b",), ("c",), ("d",)), {}, 2),
    ((("b",), ("c",), ("d",)), {"max_span": 20}, 1),         # B: 30 days
    ((("b",), ("c",), ("d",)), {"max_gap": 10}, 1),          # B: c(5) -> d(30)
    ((("x",), ("y",)), {}, 1),                               # two orders of one day follow each other
    ((("x",), ("y",)), {"min_gap": 1}, 0),
    ((("x", "y"),), {}, 0),
    ((("x", "y"),), {"window": 0}, 1),                       # window 0: orders of the same day
])
def test_hand_checked_constraints(pattern, constraints, expected):
    assert support(pattern, **constraints) == expected


def test_hand_checked_rules():
    """<a> -> <c>: A waits 10 days, B 5, C 2; c follows an earlier order in A, B, C but not D."""
    pats = sequential_patterns(hand_table(), min_count=2)
    rules = sequential_pattern_rules(pats).to_frame().set_index("rule")
    row = rules.loc["{a} -> {c}"]
    assert (row["antecedent_count"], row["support_count"]) == (3, 3)
    assert row["confidence"] == 1.0 and row["base_rate"] == 0.75
    assert row["lift"] == pytest.approx(4 / 3)
    assert (row["days_q25"], row["days_median"], row["days_mean"]) == (3.5, 5.0, pytest.approx(17 / 3))
    within = sequential_pattern_rules(pats, within="7D").to_frame().set_index("rule")
    # A's c comes 8 days after its b and 10 after its a: only B and C within 7 days
    assert within.loc["{a} -> {c}", "support_count"] == 2
    assert within.loc["{a} -> {c}", "confidence"] == pytest.approx(2 / 3)
    assert within.loc["{a} -> {c}", "base_rate"] == 0.5


CONSTRAINT_SETS = [
    {},
    {"min_gap": 2},
    {"max_gap": 4},
    {"window": 2},
    {"max_span": 6},
    {"min_gap": 1, "max_gap": 5},
    {"window": 1, "max_gap": 4},
    {"window": 2, "min_gap": 2, "max_span": 9},
    {"window": 0, "max_gap": 3, "max_span": 7, "min_gap": 1},
]


def _name(constraints: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in constraints.items()) or "none"


@pytest.mark.parametrize("constraints", CONSTRAINT_SETS, ids=_name)
def test_counts_equal_brute_force(constraints):
    """Every pattern of up to 3 items over 4 items, on seeded random databases (dense in time, with
    several orders a day), counted from the definition in _sequence_reference.py."""
    alphabet = ["a", "b", "c", "d"]
    for seed in range(4):
        db = random_db(np.random.default_rng(seed), 6, alphabet, max_orders=5, max_day=8)
        for min_count in (1, 2):
            ref = frequent(db, alphabet, min_count, 3, **constraints)
            got = sequential_patterns(to_table(db), min_count=min_count, max_len=3, **constraints)
            frame = got.to_frame()
            assert dict(zip(frame["pattern"], frame["support_count"])) == ref, (seed, min_count)
            closed, maximal = closed_and_maximal(ref)
            for kind, want in (("closed", closed), ("maximal", maximal)):
                mined = sequential_patterns(to_table(db), min_count=min_count, max_len=3, kind=kind,
                                            **constraints)
                assert set(mined.to_frame()["pattern"]) == want, (seed, min_count, kind)


@pytest.mark.parametrize("constraints", [{}, {"max_gap": 4}, {"window": 1, "min_gap": 1}])
def test_rules_equal_brute_force(constraints):
    """Rule supports, times to the consequent and base rates against the definition."""
    alphabet = ["a", "b", "c"]
    for seed in range(4):
        db = random_db(np.random.default_rng(100 + seed), 7, alphabet, max_orders=5, max_day=10)
        pats = sequential_patterns(to_table(db), min_count=2, max_len=3, **constraints)
        for within in (None, 3):
            rules = sequential_pattern_rules(pats, within=within)
            frame = rules.to_frame()
            for i, row in frame.iterrows():
                pattern = (*row["antecedent"], row["consequent"])
                delays = rule_delays(db, pattern, **constraints)
                if within is not None:
                    delays = {c: d for c, d in delays.items() if d <= within}
                got = rules.delays[rules.delays["rule"] == i]
                assert dict(zip(got["customer"], got["days"])) == delays
                assert row["support_count"] == len(delays)
                assert row["base_rate"] * len(db) == pytest.approx(
                    base_count(db, row["consequent"], within=within, **constraints))
                assert row["days_median"] == pytest.approx(np.median(list(delays.values())))
            # every pattern of 2+ elements whose rule has the support is there
            expected = set()
            for pattern in frequent(db, alphabet, 2, 3, **constraints):
                if len(pattern) > 1:
                    delays = rule_delays(db, pattern, **constraints)
                    if sum(within is None or d <= within for d in delays.values()) >= 2:
                        expected.add(pattern)
            assert {(*a, c) for a, c in zip(frame["antecedent"], frame["consequent"])} == expected


def test_single_items_equal_prefixspan_package():
    """Sequences of single items: the same patterns and counts as the prefixspan package (PyPI,
    0.5.x, by the same definition: a pattern is a subsequence; support counts sequences), closed
    patterns included."""
    prefixspan = pytest.importorskip("prefixspan")
    rng = np.random.default_rng(7)
    db = [rng.integers(0, 6, int(rng.integers(1, 9))).tolist() for _ in range(60)]
    ps = prefixspan.PrefixSpan(db)
    for min_count in (3, 6):
        ref = {tuple((x,) for x in patt): sup for sup, patt in ps.frequent(min_count)}
        frame = sequential_patterns(db, min_count=min_count).to_frame()
        assert dict(zip(frame["pattern"], frame["support_count"])) == ref
        ref_closed = {tuple((x,) for x in patt): sup for sup, patt in ps.frequent(min_count, closed=True)}
        closed = sequential_patterns(db, min_count=min_count, kind="closed").to_frame()
        assert dict(zip(closed["pattern"], closed["support_count"])) == ref_closed


def test_list_of_itemset_sequences_equals_long_table():
    seqs = [[["a", "b"], ["c"]], [["a"], ["b", "c"]], [["c"], ["a", "b"], ["c"]]]
    rows = [(i, j, DAY0 + pd.Timedelta(days=j), x) for i, s in enumerate(seqs) for j, el in enumerate(s)
            for x in el]
    table = pd.DataFrame(rows, columns=["customer_id", "order_id", "date", "item"])
    table["order_id"] = table["customer_id"] * 10 + table["order_id"]
    a = sequential_patterns(seqs, min_count=2).to_frame()
    b = sequential_patterns(table, min_count=2).to_frame()
    pd.testing.assert_frame_equal(a, b)
    assert dict(zip(a["pattern"], a["support_count"]))[(("a", "b"), ("c",))] == 2


def test_support_share_threshold_and_max_len():
    table = hand_table()
    pats = sequential_patterns(table, min_support=0.5)  # ceil(0.5 * 4) = 2 customers
    frame = pats.to_frame()
    assert pats.min_count == 2 and pats.n_customers == 4
    assert (frame["support_count"] >= 2).all()
    assert np.allclose(frame["support"], frame["support_count"] / 4)
    assert sequential_patterns(table, min_support=0.5, max_len=1).to_frame()["length"].max() == 1
    # 0.3 * 10 customers is 3 exactly, not 4 (the threshold is computed on the decimal value)
    ten = pd.DataFrame({"customer_id": range(10), "date": DAY0, "item": "a"})
    assert sequential_patterns(ten, min_support=0.3).min_count == 3


def test_without_order_column_each_date_time_is_an_order():
    table = hand_table().drop(columns="order_id")
    with_orders = sequential_patterns(hand_table(), min_count=1).to_frame()
    without = sequential_patterns(table, min_count=1).to_frame()
    pd.testing.assert_frame_equal(with_orders, without)


def test_column_mapping_and_input_untouched():
    table = hand_table().rename(columns={"customer_id": "CustomerID", "date": "InvoiceDate",
                                         "item": "StockCode", "order_id": "InvoiceNo"})
    before = table.copy()
    got = sequential_patterns(table, min_count=1,
                              columns={"customer_id": "CustomerID", "date": "InvoiceDate"},
                              item="StockCode", order_id="InvoiceNo").to_frame()
    pd.testing.assert_frame_equal(table, before)
    ref = sequential_patterns(hand_table(), min_count=1).to_frame()
    pd.testing.assert_frame_equal(got, ref)


def test_row_order_does_not_matter():
    table = hand_table()
    shuffled = table.sample(frac=1.0, random_state=3)
    pd.testing.assert_frame_equal(sequential_patterns(table, min_count=1, window=1).to_frame(),
                                  sequential_patterns(shuffled, min_count=1, window=1).to_frame())


@pytest.mark.parametrize("backend", ["polars", "duckdb", "pyarrow"])
def test_other_backends_give_the_same_patterns(backend):
    table = hand_table()
    if backend == "polars":
        pl = pytest.importorskip("polars")
        native = pl.from_pandas(table)
    elif backend == "duckdb":
        duckdb = pytest.importorskip("duckdb")
        native = duckdb.connect().from_df(table)
    else:
        pa = pytest.importorskip("pyarrow")
        native = pa.Table.from_pandas(table, preserve_index=False)
    got = sequential_patterns(native, min_count=1, max_gap=10)
    ref = sequential_patterns(table, min_count=1, max_gap=10)
    pd.testing.assert_frame_equal(got.to_frame(), ref.to_frame())


def test_result_protocol():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pats = sequential_patterns(hand_table(), min_count=2, window=1)
    assert isinstance(pats, SequentialPatterns)
    n = len(pats.to_frame())
    assert repr(pats) == f"SequentialPatterns(patterns={n}, customers=4, min_count=2, kind='all')"
    summary = pats.summary()
    assert summary.loc["patterns", "value"] == n and summary.loc["window", "value"] == "1 days"
    assert "<table" in pats._repr_html_()
    ax = pats.plot()
    assert len(ax.patches) == int((pats.to_frame()["n_elements"] >= 2).sum())
    plt.close("all")
    rules = sequential_pattern_rules(pats)
    assert isinstance(rules, SequentialPatternRules)
    assert repr(rules).startswith("SequentialPatternRules(rules=")
    assert list(rules.summary().columns) == ["rule", "support_count", "confidence", "lift", "days_median"]
    assert rules.plot(rule=0).get_xlabel().startswith("days")
    assert len(rules.days(0)) == rules.to_frame()["support_count"].iloc[0]
    plt.close("all")


def test_time_unit_strings_and_rounding():
    # 1.5 days: a lower bound rounds up (2 days), an upper bound down (1 day)
    assert support((("a",), ("c",)), min_gap=1.5) == support((("a",), ("c",)), min_gap=2)
    assert support((("a", "b"),), window=1.5) == support((("a", "b"),), window=1)
    assert support((("a",), ("c",)), max_gap="1W") == support((("a",), ("c",)), max_gap=7)
    assert support((("a",), ("c",)), max_gap=pd.Timedelta(days=7)) == 2


def test_closed_and_maximal_on_a_known_case():
    """With 2 customers at least, worked out by hand: <a>, <b>, <c> (3 each) lie under <a, c> and
    <b, c> (3 each); <a, d>, <b, d>, <c, d> (2) under <a, c, d> and <b, c, d> (2); <b, a> (A and C)
    has no frequent super-pattern."""
    closed = sequential_patterns(hand_table(), min_count=2, kind="closed").to_frame()
    maximal = sequential_patterns(hand_table(), min_count=2, kind="maximal").to_frame()
    top = {(("a",), ("c",)), (("b",), ("c",))}
    longest = {(("a",), ("c",), ("d",)), (("b",), ("c",), ("d",)), (("b",), ("a",))}
    assert set(closed["pattern"]) == top | longest
    assert set(maximal["pattern"]) == longest
