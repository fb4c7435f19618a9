"""RFM scores: ties, the fitted scorer, the estimator contract."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from crmmine.errors import DataError, NotFittedError, ParameterError, SchemaError
from crmmine.segmentation import RFMScorer, rfm_group_sizes, rfm_scores, rfm_segments


def _summary(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    orders = rng.geometric(0.45, n)  # about 45% of customers have exactly one order
    return pd.DataFrame(
        {
            "since_last": rng.integers(0, 365, n).astype(float),
            "orders": orders,
            "monetary": rng.gamma(2.0, 100.0, n) * orders,
        },
        index=pd.Index(np.arange(1000, 1000 + n), name="customer_id"),
    )


def _pandas_rank_scores(values: pd.Series, bins: int) -> np.ndarray:
    # reference: pandas' competition rank, rank(method="min") - 1 = customers strictly below
    below = values.rank(method="min").to_numpy() - 1
    return (1 + (bins * below) // len(values)).astype(int)


@pytest.mark.parametrize("bins", [2, 3, 5, 7])
def test_rank_scores_match_the_pandas_reference(bins):
    s = _summary()
    out = rfm_scores(s, bins=bins)
    assert out["F"].tolist() == _pandas_rank_scores(s["orders"], bins).tolist()
    assert out["M"].tolist() == _pandas_rank_scores(s["monetary"], bins).tolist()
    assert out["R"].tolist() == _pandas_rank_scores(-s["since_last"], bins).tolist()


def test_equal_values_get_equal_scores_and_sizes_are_reported():
    s = _summary()
    out = rfm_scores(s)
    for dim, col in (("F", "orders"), ("M", "monetary"), ("R", "since_last")):
        assert (out.groupby(s[col])[dim].nunique() == 1).all()
    ones = out.loc[s["orders"] == 1, "F"]
    assert set(ones) == {1}  # the lowest value always scores 1
    sizes = rfm_group_sizes(out)
    assert sizes.sum().tolist() == [len(s)] * 3
    assert sizes.loc[1, "F"] == (s["orders"] == 1).sum()
    assert any(note.startswith("F:") for note in out.attrs["notes"])


def test_without_ties_rank_groups_are_equal():
    rng = np.random.default_rng(3)
    s = pd.DataFrame(
        {
            "since_last": rng.permutation(1000) * 1.0,
            "orders": rng.permutation(1000) + 1,
            "monetary": rng.permutation(1000) * 2.5,
        }
    )
    sizes = rfm_group_sizes(rfm_scores(s))
    assert (sizes.max() - sizes.min()).max() <= 1
    assert rfm_scores(s).attrs["notes"] == ()


def test_fit_transform_equals_fit_then_transform():
    # issue 10 item 7: RFMScorer().fit(s).transform(s) differed from rfm_scores(s) (F 1 -> 2, 2 -> 3)
    s = _summary()
    for method in ("rank", "edges"):
        a = RFMScorer(method=method).fit(s).transform(s)
        b = rfm_scores(s, method=method)
        pd.testing.assert_frame_equal(a, b)


def test_scorer_scores_new_customers_on_the_learned_edges():
    base = _summary(seed=1)
    scorer = RFMScorer(bins=5).fit(base)
    new = _summary(n=500, seed=2)
    scored = scorer.transform(new)
    single = scorer.transform(new.iloc[[7]])
    assert scored.iloc[7][["R", "F", "M"]].tolist() == single.iloc[0][["R", "F", "M"]].tolist()
    ordered = scored.assign(m=new["monetary"]).sort_values("m")
    assert ordered["M"].is_monotonic_increasing
    # a new customer equal to a fitted one gets the fitted one's score
    fitted = scorer.transform(base)
    twin = base.iloc[[42]].set_axis(["twin"])
    assert (
        scorer.transform(twin)[["R", "F", "M"]].iloc[0].tolist() == fitted.iloc[42][["R", "F", "M"]].tolist()
    )


def test_edges_method_uses_numpy_quantiles():
    s = _summary()
    scorer = RFMScorer(method="edges").fit(s)
    np.testing.assert_allclose(scorer.edges_["M"], np.quantile(s["monetary"], [0.2, 0.4, 0.6, 0.8]))
    assert (scorer.transform(s).loc[s["orders"] == 1, "F"].nunique()) == 1


def test_recency_is_reversed_and_code_is_built():
    s = pd.DataFrame({"since_last": [1.0, 100.0], "orders": [3, 1], "monetary": [10.0, 5.0]})
    out = rfm_scores(s, bins=2)
    assert out["R"].tolist() == [2, 1]
    assert out["rfm_code"].tolist() == ["222", "111"]
    assert out["rfm_score"].tolist() == [6, 3]


def test_columns_mapping_and_role_keywords():
    s = _summary(200).rename(columns={"since_last": "idle", "orders": "n", "monetary": "spend"})
    a = rfm_scores(s, columns={"since_last": "idle", "frequency": "n", "monetary": "spend"})
    b = rfm_scores(s, since_last="idle", frequency="n", monetary="spend")
    pd.testing.assert_frame_equal(a, b)
    with pytest.raises(ParameterError, match="unknown column role 'recency'"):
        rfm_scores(s, columns={"recency": "idle"})


def test_estimator_contract():
    scorer = RFMScorer(bins=4, method="edges", frequency="frequency")
    twin = clone(scorer)
    assert twin.get_params() == scorer.get_params()
    assert repr(scorer) == "RFMScorer(bins=4, frequency='frequency', method='edges')"
    with pytest.raises(NotFittedError, match="fit"):
        scorer.transform(_summary(10))
    with pytest.raises(ParameterError, match="'bins' of RFMScorer"):
        RFMScorer(bins=1).fit(_summary(10))
    with pytest.raises(ParameterError, match="'method' of RFMScorer"):
        RFMScorer(method="quantile").fit(_summary(10))


def test_bad_input():
    s = _summary()
    with pytest.raises(SchemaError, match="did you mean"):
        rfm_scores(s.rename(columns={"orders": "order"}))
    bad = s.copy()
    bad.loc[bad.index[:2], "monetary"] = np.nan
    with pytest.raises(DataError, match="2 rows"):
        rfm_scores(bad)
    with pytest.raises(DataError, match="empty"):
        rfm_scores(s.iloc[:0])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 400), st.integers(1, 30), st.floats(0.0, 1e5)), min_size=1, max_size=80
    ),
    st.sampled_from(["rank", "edges"]),
    st.integers(2, 6),
)
def test_scores_are_complete_tie_consistent_and_order_free(rows, method, bins):
    s = pd.DataFrame(rows, columns=["since_last", "orders", "monetary"])
    before = s.copy()
    scores = rfm_scores(s, bins=bins, method=method)
    pd.testing.assert_frame_equal(s, before)
    assert scores.index.equals(s.index)
    assert scores[["R", "F", "M"]].isin(range(1, bins + 1)).all().all()
    shuffled = rfm_scores(s.iloc[::-1], bins=bins, method=method)
    pd.testing.assert_frame_equal(shuffled.loc[s.index], scores, check_like=True)
    pd.testing.assert_frame_equal(RFMScorer(bins, method).fit(s).transform(s), scores)


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 15), st.integers(0, 400), st.floats(0.01, 1e6, allow_nan=False)),
        min_size=1,
        max_size=60,
    ),
    st.randoms(use_true_random=False),
)
def test_raw_log_to_summary_to_scores_and_segments(rows, rnd):
    # from a raw log: every customer accounted for, no NaN or inf, the same answer whatever the row order
    import crmmine as cm

    tx = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "order_id": np.arange(len(rows)),
            "date": pd.Timestamp("2020-01-01") + pd.to_timedelta([r[1] for r in rows], unit="D"),
            "amount": [r[2] for r in rows],
        }
    )
    order = list(range(len(tx)))
    rnd.shuffle(order)
    results = []
    for frame in (tx, tx.iloc[order]):
        summary = cm.customer_summary(frame, as_of="2021-03-01")
        scores = rfm_scores(summary)
        segments = rfm_segments(scores)
        assert sorted(scores.index) == sorted(tx["customer_id"].unique())
        assert np.isfinite(scores[["R", "F", "M", "rfm_score"]].to_numpy(dtype=float)).all()
        assert segments.notna().all()
        results.append((scores.sort_index(), segments.sort_index()))
    pd.testing.assert_frame_equal(results[0][0], results[1][0])
    pd.testing.assert_series_equal(results[0][1], results[1][1])
