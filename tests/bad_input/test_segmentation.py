"""Bad input at the segmentation entry points (issue 10): each case gives the right answer, or a
crmmine error that names the column (or parameter) and the fix; the input is never modified."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import CRMMineError, DataError, ParameterError, SchemaError
from crmmine.segmentation import (
    Override,
    abc_tiers,
    cluster_customers,
    cluster_mixed,
    concentration,
    count_tiers,
    lifecycle_stages,
    rfm_scores,
    rfm_segments,
    value_matrix,
    value_tiers,
)


def _summary(n=30):
    rng = np.random.default_rng(0)
    return pd.DataFrame(
        {
            "since_last": rng.integers(0, 300, n).astype(float),
            "orders": rng.integers(1, 9, n),
            "frequency": rng.integers(0, 8, n),
            "monetary": rng.gamma(2.0, 50.0, n),
            "region": rng.choice(["east", "west"], n),
        },
        index=pd.Index(np.arange(n) + 1, name="customer_id"),
    )


def _tx():
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 3],
            "date": pd.to_datetime(
                ["2020-01-01", "2020-02-01", "2020-03-05", "2020-01-10", "2020-04-01", "2020-05-01"]
            ),
        }
    )


def _raises(error, match, func, frame, *args, **kwargs):
    """Assert the error (matching both the column and the fix) and that ``frame`` is unchanged."""
    before = frame.copy(deep=True)
    with pytest.raises(error, match=match):
        func(frame, *args, **kwargs)
    pd.testing.assert_frame_equal(frame, before)


def _with(frame, column, rows, value):
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[out.index[rows], column] = value
    return out


# --- RFM scores --------------------------------------------------------------------------


@pytest.mark.parametrize("plot", ["plot_rf_heatmap", "plot_segments"])
def test_plot_value_column_missing_from_the_summary(plot):
    # both plots read summary[value]: a missing column was a bare KeyError, now a SchemaError
    # that names the column, suggests the close name and says the fix
    import crmmine.segmentation as seg

    summary = _summary()
    scores = rfm_scores(summary)
    first = scores if plot == "plot_rf_heatmap" else rfm_segments(scores)
    bad = summary.rename(columns={"monetary": "monetary_total"})
    before = bad.copy(deep=True)
    with pytest.raises(SchemaError, match=r"(?s)missing column 'monetary'.*monetary_total.*Fix: rename"):
        getattr(seg, plot)(first, bad)
    pd.testing.assert_frame_equal(bad, before)


def test_rfm_missing_monetary():
    bad = _summary()
    bad.loc[bad.index[:2], "monetary"] = np.nan
    _raises(DataError, r"(?s)column 'monetary': 2 rows with missing.*Fix: fill or drop", rfm_scores, bad)


def test_rfm_infinite_since_last():
    bad = _summary()
    bad.loc[bad.index[3], "since_last"] = np.inf
    _raises(DataError, r"(?s)column 'since_last': 1 row with missing, infinite.*Fix", rfm_scores, bad)


def test_rfm_text_in_a_numeric_column():
    bad = _with(_summary(), "orders", [0, 5], "many")
    _raises(DataError, r"(?s)column 'orders': 2 rows.*non-numeric.*Fix", rfm_scores, bad)


def test_rfm_btyd_recency_column_is_not_since_last():
    # a table with BTYD's "recency" (first-to-last span) but no since_last must not be scored on it
    bad = _summary().rename(columns={"since_last": "recency"})
    _raises(SchemaError, r"missing column 'since_last'.*Fix: rename the column", rfm_scores, bad)


def test_rfm_empty_summary():
    _raises(DataError, r"empty summary.*Fix", rfm_scores, _summary().iloc[:0])


def test_rfm_unknown_role():
    _raises(
        ParameterError,
        r"unknown column role 'recency'.*Fix",
        rfm_scores,
        _summary(),
        columns={"recency": "since_last"},
    )


def test_rfm_all_tied_values_documented_in_notes():
    # policy: equal values share a score; every customer ties, so all score 1 and the notes say why
    s = pd.DataFrame({"since_last": [5.0] * 6, "orders": [1] * 6, "monetary": [10.0] * 6})
    before = s.copy()
    out = rfm_scores(s)
    assert (out[["R", "F", "M"]] == 1).all().all()
    assert any("empty" in note for note in out.attrs["notes"])
    pd.testing.assert_frame_equal(s, before)


def test_rfm_not_a_table():
    with pytest.raises(ParameterError, match=r"customer summary must be a table.*Fix"):
        rfm_scores({"since_last": [1.0], "orders": [1], "monetary": [1.0]})


def test_rfm_engine_table_without_the_id_first():
    # an engine table has no index: its first column is read as the customer id
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(_summary().reset_index()).select("since_last", "orders", "monetary", "customer_id")
    with pytest.raises(SchemaError, match=r"first column.*'since_last'.*Fix: put the customer id first"):
        rfm_scores(frame)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_engine_summary_with_missing_values(engine):
    # the check runs inside the engine and shows the offending customers with their ids
    bad = _summary().reset_index()
    bad.loc[[3, 7], "monetary"] = np.nan
    if engine == "polars":
        pl = pytest.importorskip("polars")
        table = pl.from_pandas(bad, nan_to_null=False)
    else:
        duckdb = pytest.importorskip("duckdb")
        table = duckdb.from_df(bad)
    for call in (rfm_scores, abc_tiers, count_tiers):
        pattern = r"(?s)column 'monetary': 2 rows with missing.*\b4\b.*Fix: fill or drop"
        with pytest.raises(DataError, match=pattern):
            call(table)


def test_rfm_segments_fractional_scores():
    scores = pd.DataFrame({"R": [1, 2, 3], "F": [1, 2.5, 3], "M": [1, 1, 1]})
    _raises(
        DataError,
        r"(?s)column 'F': 1 row with scores.*Fix: pass the output of rfm_scores",
        rfm_segments,
        scores,
    )


# --- tiers, concentration and grading ------------------------------------------------------


def test_abc_missing_values():
    bad = _summary()
    bad.loc[bad.index[:4], "monetary"] = None
    _raises(DataError, r"(?s)column 'monetary': 4 rows.*Fix: fill or drop", abc_tiers, bad)


def test_count_tiers_wrong_shares():
    _raises(
        ParameterError, r"shares must be positive, sum below 1", count_tiers, _summary(), shares=(0.6, 0.5)
    )


def test_concentration_negative_amounts():
    s = _summary()
    s.loc[s.index[0], "monetary"] = -30.0
    before = s.copy()
    with pytest.raises(DataError, match=r"(?s)column 'monetary': 1 row.*negative.*Fix: .*clip returns"):
        concentration(s["monetary"])
    pd.testing.assert_frame_equal(s, before)


def test_abc_huge_values_give_finite_shares():
    s = pd.DataFrame({"monetary": [1e308, 1e308, 1.0]})
    out = abc_tiers(s)
    assert np.isfinite(out["cumulative_share"]).all()
    assert out["tier"].astype(str).tolist() == ["A", "A", "C"]
    assert concentration(s["monetary"]).gini == pytest.approx(1 / 3)


def test_value_tiers_category_without_points():
    _raises(
        DataError,
        r"(?s)column 'region'.*categories without points \(west\).*Fix: add them to points",
        value_tiers,
        _summary(),
        {"region": 1.0},
        points={"region": {"east": 1}},
    )


def test_value_tiers_text_column_without_points():
    _raises(
        DataError,
        r"(?s)column 'region'.*non-numeric.*Fix: .*points=",
        value_tiers,
        _summary(),
        {"region": 1.0},
    )


def test_value_tiers_score_column_clash():
    _raises(
        ParameterError,
        r"already has column\(s\) \['score'\].*Fix: rename",
        value_tiers,
        _summary().assign(score=1.0),
        {"monetary": 1.0},
    )


def test_value_tiers_override_undefined_for_some_rows():
    s = _summary().assign(annual_sales=np.r_[np.nan, np.ones(29)])
    rule = Override(lambda d: d["annual_sales"].gt(10).where(d["annual_sales"].notna()), "A", "annual_sales")
    _raises(
        DataError,
        r"override 'annual_sales' is undefined.*1 rows.*Fix",
        value_tiers,
        s,
        {"monetary": 1.0},
        overrides=[rule],
    )


def test_value_tiers_override_with_other_ids():
    s = _summary()
    rule = Override(lambda d: pd.Series(True, index=d.index + 1000), "A", "wrong ids")
    _raises(
        DataError,
        r"override 'wrong ids'.*do not have the same ids.*Fix",
        value_tiers,
        s,
        {"monetary": 1.0},
        overrides=[rule],
    )


def test_value_matrix_missing_values():
    bad = _summary()
    bad.loc[bad.index[2], "orders"] = np.nan
    _raises(DataError, r"(?s)column 'orders': 1 row.*Fix", value_matrix, bad, "orders", "monetary")


# --- lifecycle --------------------------------------------------------------------------------


def test_lifecycle_integer_yyyymmdd_dates():
    tx = _tx().assign(date=[20200101, 20200201, 20200305, 20200110, 20200401, 20200501])
    _raises(DataError, r"(?s)column 'date'.*not dates.*Fix: parse the dates.*YYYYMMDD", lifecycle_stages, tx)


def test_lifecycle_missing_dates():
    tx = _tx()
    tx.loc[2, "date"] = pd.NaT
    _raises(
        DataError, r"(?s)column 'date': 1 row with missing dates.*Fix: clean the log", lifecycle_stages, tx
    )


def test_lifecycle_missing_customer_ids():
    tx = _tx().astype({"customer_id": "float64"})
    tx.loc[0, "customer_id"] = np.nan
    _raises(
        DataError, r"(?s)column 'customer_id': 1 row with missing customer ids.*Fix", lifecycle_stages, tx
    )


def test_lifecycle_mixed_id_types():
    tx = _tx().astype({"customer_id": object})
    tx.loc[0, "customer_id"] = "1"
    _raises(DataError, r"(?s)column 'customer_id'.*mixed types.*Fix: convert", lifecycle_stages, tx)


def test_lifecycle_duplicate_column_names():
    tx = pd.concat([_tx(), _tx()[["date"]]], axis=1)
    _raises(DataError, r"duplicated columns \['date'\].*Fix", lifecycle_stages, tx)


def test_lifecycle_column_mapping_and_unknown_column():
    tx = _tx().rename(columns={"customer_id": "CustomerID"})
    _raises(
        SchemaError,
        r"missing column 'customer_id' \(did you mean 'CustomerID'\?\).*Fix",
        lifecycle_stages,
        tx,
    )
    out = lifecycle_stages(tx, columns={"customer_id": "CustomerID"})
    assert out.index.name == "CustomerID" and len(out) == 3


def test_lifecycle_time_zone_aware_dates_are_read_in_utc():
    # policy (docs/conventions.md): time-zone-aware dates are converted to UTC
    tx = _tx()
    aware = tx.assign(date=tx["date"].dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai"))
    before = aware.copy()
    a = lifecycle_stages(aware, as_of="2020-06-01")
    b = lifecycle_stages(tx, as_of="2020-06-01")
    pd.testing.assert_series_equal(a["stage"], b["stage"])
    pd.testing.assert_frame_equal(aware, before)


def test_lifecycle_unicode_ids_and_columns():
    tx = _tx().assign(customer_id=["客户一", "客户一", "客户二", "客户三", "客户三", "客户三"])
    tx = tx.rename(columns={"customer_id": "客户", "date": "日期"})
    out = lifecycle_stages(tx, customer_id="客户", date="日期", as_of="2020-06-01")
    assert sorted(out.index) == sorted(["客户一", "客户二", "客户三"])


def test_lifecycle_bad_as_of():
    _raises(ParameterError, r"as_of=20200101 is not a date. Fix", lifecycle_stages, _tx(), as_of=20200101)


# --- clustering --------------------------------------------------------------------------------


def test_cluster_negative_values_with_log():
    bad = _summary()
    bad.loc[bad.index[1], "monetary"] = -5.0
    _raises(
        DataError,
        r"(?s)column 'since_last, frequency, monetary'.*negative.*Fix: use log=False",
        cluster_customers,
        bad,
    )


def test_cluster_text_feature():
    _raises(
        DataError,
        r"(?s)column 'region'.*not numbers.*Fix: .*cluster_mixed",
        cluster_customers,
        _summary(),
        ["monetary", "region"],
    )


def test_cluster_single_customer():
    _raises(DataError, r"at least 3 customers, got 1. Fix", cluster_customers, _summary().head(1))


def test_cluster_mixed_missing_category():
    bad = _summary()
    bad.loc[bad.index[:2], "region"] = None
    _raises(
        DataError,
        r"(?s)column 'region': 2 rows with missing categories.*Fix: .*fillna",
        cluster_mixed,
        bad,
        ["monetary"],
        ["region"],
    )


def test_every_error_is_a_crmmine_error():
    with pytest.raises(CRMMineError):
        rfm_scores(_summary(), bins=0)
    with pytest.raises(CRMMineError):
        cluster_customers(_summary(), n_clusters=1)


@pytest.mark.parametrize("cuts", ["mode", 1, True])
def test_value_matrix_cuts_are_declared(cuts):
    frame = _summary()
    match = r"parameter 'x_cuts' of value_matrix\(\) must be one of 'mean', 'median' or an int"
    _raises(ParameterError, match, value_matrix, frame, "orders", "monetary", x_cuts=cuts)


def test_top_share_fraction_and_segment_table_bins_are_declared():
    from crmmine.segmentation import SegmentTable

    conc = concentration(_summary()["monetary"])
    with pytest.raises(ParameterError, match=r"'fraction' of top_share\(\) must be a number in \(0, 1\]"):
        conc.top_share(1.5)
    with pytest.raises(ParameterError, match=r"'bins' of SegmentTable must be an int in \[2, inf\)"):
        SegmentTable([{"name": "all", "R": (1, 1)}], bins=1)


@pytest.mark.parametrize("call", [
    lambda s: cm.segmentation.abc_tiers(s, value="revenue"),
    lambda s: cm.segmentation.count_tiers(s, value="revenue"),
    lambda s: cm.segmentation.customer_profile(s, "frequency", value="revenue"),
])
def test_missing_value_column_fix_names_the_value_keyword(call):
    # the fix must name the keyword the caller used (value=), not the column ("pass revenue=" is no keyword)
    s = pd.DataFrame({"monetary": [10.0, 20.0, 30.0], "frequency": [1, 2, 3]},
                     index=pd.Index([1, 2, 3], name="customer_id"))
    before = s.copy()
    with pytest.raises(SchemaError, match=r"'revenue'.*pass value='<your column>'"):
        call(s)
    pd.testing.assert_frame_equal(s, before)


def test_plot_segments_with_customers_missing_from_the_summary_raises():
    # they were counted as customers with no revenue, skewing both shares without a word
    from crmmine.segmentation import plot_segments, rfm_scores, rfm_segments

    s = pd.DataFrame({"since_last": [1, 5, 9, 30, 60], "orders": [9, 4, 3, 2, 1],
                      "monetary": [900.0, 300, 150, 40, 10]})
    segments = rfm_segments(rfm_scores(s))
    with pytest.raises(DataError, match=r"1 customers of the segments are not in the summary.*\[4\].*Fix"):
        plot_segments(segments, s.drop(index=4))


def test_customer_profile_refuses_missing_revenue():
    # a missing value counted as 0 revenue (pandas' sum skips it), so the shares were silently off
    frame = _with(_summary(), "monetary", [0, 4], np.nan)
    _raises(DataError, r"(?s)'monetary'.*2 rows.*Fix: fill or drop", cm.segmentation.customer_profile,
            frame, "region")


def test_customer_profile_refuses_text_orders():
    frame = _summary().astype({"orders": object})
    frame.iloc[1, frame.columns.get_loc("orders")] = "three"
    _raises(DataError, r"(?s)'orders'.*1 row.*Fix: fill or drop", cm.segmentation.customer_profile,
            frame, "region")


def test_customer_profile_matches_a_segment_series_by_id():
    frame = _summary(6)
    segments = pd.Series(["a", "b", "a", "b", "a", "b"], index=frame.index[::-1])
    shuffled = cm.segmentation.customer_profile(frame, segments)
    by_hand = frame.assign(g=segments.reindex(frame.index)).groupby("g")["monetary"].sum()
    assert shuffled.loc["a", "revenue"] == pytest.approx(by_hand["a"])
    # ids the summary does not have were dropped silently; repeated ids raised a raw ValueError
    stray = pd.concat([segments, pd.Series(["a"], index=[99])])
    _raises(DataError, r"by and the summary.*99.*Fix: give by the same index",
            cm.segmentation.customer_profile, frame, stray)
    repeated = pd.concat([segments, segments.iloc[:1]])
    _raises(DataError, r"by has duplicated ids.*Fix: one value per id",
            cm.segmentation.customer_profile, frame, repeated)


def test_customer_profile_names_the_fix_for_an_engine_table():
    pl = pytest.importorskip("polars")
    frame = pl.from_pandas(_summary(5).reset_index())
    with pytest.raises(ParameterError, match=r"customer_profile takes a pandas DataFrame.*Fix: pass "
                       r"summary\.to_pandas\(\)\.set_index"):
        cm.segmentation.customer_profile(frame, "region")


@pytest.mark.parametrize(
    "call",
    [
        lambda f: rfm_scores(f),
        lambda f: abc_tiers(f),
        lambda f: count_tiers(f),
        lambda f: value_tiers(f, {"monetary": 1.0}),
        lambda f: value_matrix(f, "monetary", "orders"),
        lambda f: cluster_customers(f, n_clusters=2, random_state=0),
        lambda f: cm.segmentation.customer_profile(f, "region"),
    ],
    ids=["rfm_scores", "abc_tiers", "count_tiers", "value_tiers", "value_matrix", "cluster_customers",
         "customer_profile"],
)
def test_repeated_customer_ids_raise(call):
    # a summary concatenated twice ranked, tiered and counted each repeated customer once per row
    frame = pd.concat([_summary(), _summary().iloc[:2]])
    _raises(DataError, r"(?s)column 'customer_id': 4 rows with customer ids on more than one row.*2 ids"
            r".*Fix: one row per customer", call, frame)


def test_lifecycle_customers_who_bought_only_after_as_of_are_named():
    # they vanished from the stages, counted only in attrs["n_rows_after_as_of"]
    import warnings

    from crmmine.errors import DataWarning
    from crmmine.segmentation import lifecycle_stages

    tx = pd.DataFrame({"customer_id": [1, 1, 2, 3],
                       "date": pd.to_datetime(["2020-01-01", "2020-03-01", "2020-02-01", "2020-09-01"])})
    before = tx.copy()
    with pytest.warns(DataWarning, match=r"1 customers bought only after as_of.*\[3\].*Fix: pass customers="):
        out = lifecycle_stages(tx, as_of="2020-06-30")
    assert sorted(out.index) == [1, 2]
    pd.testing.assert_frame_equal(tx, before)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = lifecycle_stages(tx, as_of="2020-06-30", customers=pd.Index([1, 2, 3]))
    assert str(out.loc[3, "stage"]) == "prospect"
