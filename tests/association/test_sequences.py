"""Sequential rules against a brute-force count on small random data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmmine.association import SequentialRules, sequential_rules
from crmmine.errors import DataError, ParameterError, SchemaError


def brute(tx: pd.DataFrame, window: int, min_count: int) -> dict[tuple, tuple]:
    """Per (A, B): (customers supporting, confidence, lift, sorted shortest gaps) by direct search."""
    tx = tx.assign(day=tx["date"].dt.normalize())
    n = tx["customer_id"].nunique()
    buyers = tx.groupby("item")["customer_id"].nunique().to_dict()
    support: dict[tuple, dict] = {}
    base: dict = {}
    for cust, g in tx.groupby("customer_id"):
        orders = [(t, set(grp["item"]), grp["day"].iloc[0]) for t, grp in g.groupby("date")]
        for t1, items1, d1 in orders:
            for t2, items2, d2 in orders:
                gap = (d2 - d1).days
                if t2 > t1 and gap <= window:
                    for b in items2:
                        base.setdefault(b, set()).add(cust)
                    for a in items1:
                        for b in items2:
                            if a != b:
                                best = support.setdefault((a, b), {})
                                best[cust] = min(best.get(cust, gap), gap)
    out = {}
    for (a, b), custs in support.items():
        if len(custs) >= min_count and buyers[a] >= min_count and buyers[b] >= min_count:
            conf = len(custs) / buyers[a]
            out[(a, b)] = (len(custs), conf, conf / (len(base[b]) / n), sorted(custs.values()))
    return out


@st.composite
def small_tx(draw):
    n = draw(st.integers(5, 40))
    cust = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    day = draw(st.lists(st.integers(0, 60), min_size=n, max_size=n))
    hour = draw(st.lists(st.sampled_from([9, 15]), min_size=n, max_size=n))
    item = draw(st.lists(st.sampled_from(list("abcde")), min_size=n, max_size=n))
    date = pd.Timestamp("2024-01-01") + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour, unit="h")
    return pd.DataFrame({"customer_id": cust, "date": date, "item": item})


@settings(max_examples=60, deadline=None)
@given(tx=small_tx(), window=st.integers(0, 30), min_count=st.integers(1, 3))
def test_sequential_rules_equal_brute_force(tx, window, min_count):
    ref = brute(tx, window, min_count)
    got = sequential_rules(tx, within=f"{window}D", min_count=min_count)
    table = got.rules
    assert len(table) == len(ref)
    for i, row in table.iterrows():
        count, conf, lift, gaps = ref[(row["antecedent"], row["consequent"])]
        assert row["support_count"] == count
        assert row["confidence"] == pytest.approx(conf)
        assert row["lift"] == pytest.approx(lift)
        assert sorted(got.days(i).tolist()) == gaps
        assert row["days_median"] == pytest.approx(np.median(gaps))


def test_result_object_and_window_forms():
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 2, 3, 3],
            "date": pd.to_datetime(
                ["2024-01-01", "2024-01-10", "2024-01-01", "2024-01-20", "2024-01-01", "2024-03-01"]
            ),
            "item": ["printer", "ink", "printer", "ink", "printer", "ink"],
        }
    )
    seq = sequential_rules(tx, within=30, min_count=1)
    assert isinstance(seq, SequentialRules)
    assert seq.rules["support_count"].tolist() == [2]
    # base rate of ink: customers 1 and 2 bought ink within 30 days after an order -> 2/3, lift 1
    assert seq.rules["base_rate"].iloc[0] == pytest.approx(2 / 3)
    assert "printer" in seq.summary()["antecedent"].tolist()
    assert seq.plot().get_xlabel() == "days from A to B"
    assert len(sequential_rules(tx, within=pd.Timedelta(days=60), min_count=1).days(0)) == 3
    assert seq.to_frame().shape[0] == 1


def test_sequence_errors():
    tx = pd.DataFrame({"customer_id": [1], "date": pd.to_datetime(["2024-01-01"]), "item": ["a"]})
    with pytest.raises(SchemaError):
        sequential_rules(tx.drop(columns="date"))
    with pytest.raises(ParameterError, match="within"):
        sequential_rules(tx, within="soon")
    bad = tx.assign(item=[None])
    with pytest.raises(DataError, match="missing values"):
        sequential_rules(bad)
