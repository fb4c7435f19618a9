"""Bad inputs at the public entry points of crmmine.anomaly (issue 10).

Each case asserts a crmmine error that names the column (or parameter) and the fix, or a
documented repair policy with a log entry and a crmmine warning; and that the input was not
modified.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.anomaly import (
    ONE_GROUP,
    TheftDetector,
    alert_budget,
    budget_metrics,
    call_features,
    card_features,
    fraud_scores,
    make_call_records,
    make_card_transactions,
    make_meter_readings,
    meter_features,
    meter_matrix,
    outlier_scores,
    theft_scores,
    unbilled_energy,
)
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError


@pytest.fixture(scope="module")
def readings() -> pd.DataFrame:
    return make_meter_readings(30, 140, n_feeders=3, random_state=0).readings


@pytest.fixture(scope="module")
def cards() -> pd.DataFrame:
    return make_card_transactions(60, 40, fraud_share=0.1, random_state=0).transactions


@pytest.fixture(scope="module")
def calls() -> pd.DataFrame:
    return make_call_records(40, 25, fraud_share=0.1, random_state=0).records


def _unchanged(before: pd.DataFrame, after: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(before, after)


# -- meter readings -------------------------------------------------------------------------------


def test_negative_kwh_raises_naming_column_and_fix(readings):
    bad = readings.copy()
    bad.loc[5, "kwh"] = -3.0
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'kwh'.*negative or infinite.*bad_kwh='drop'"):
        theft_scores(bad)
    _unchanged(keep, bad)


def test_negative_kwh_dropped_under_policy_is_logged_and_warned(readings):
    bad = readings.copy()
    bad.loc[[5, 6], "kwh"] = [-3.0, np.inf]
    keep = bad.copy()
    with pytest.warns(DataWarning, match="bad_kwh='drop'"), pytest.warns(DataWarning, match="interpolated"):
        m = meter_matrix(bad, bad_kwh="drop")
    row = m.log.set_index("problem").loc["negative or infinite kWh"]
    assert row["rows"] == 2 and row["action"].startswith("dropped")
    assert m.filled is not None and m.filled.sum() == 2  # the dropped days were then interpolated
    _unchanged(keep, bad)


def test_nan_kwh_is_interpolated_with_a_warning_or_raises_on_request(readings):
    bad = readings.copy()
    bad.loc[10, "kwh"] = np.nan
    keep = bad.copy()
    with pytest.warns(DataWarning, match=r"(?s)column 'kwh'.*interpolated.*missing='raise'"):
        m = meter_matrix(bad)
    assert m.log.set_index("problem").loc["days without a reading", "rows"] == 1
    meter, day = m.meters.get_loc(bad.loc[10, "customer_id"]), 10
    left, right = bad.loc[9, "kwh"], bad.loc[11, "kwh"]
    assert m.kwh[meter, day] == pytest.approx((left + right) / 2, rel=1e-5)
    with pytest.raises(DataError, match=r"(?s)column 'kwh'.*without a usable reading.*missing='interpolate'"):
        meter_matrix(bad, missing="raise")
    _unchanged(keep, bad)


def test_missing_days_are_interpolated_and_never_count_as_zeros_or_flat_days(readings):
    gappy = readings.drop(index=range(20, 30)).copy()  # ten days of meter 1 without a row
    keep = gappy.copy()
    with pytest.warns(DataWarning, match="10 meter-days"):
        feats = meter_features(gappy)
    assert feats.loc[1, "missing_share"] == pytest.approx(10 / 140)
    assert feats.loc[1, "zero_run"] == 0 and feats.loc[1, "flat_share"] == 0
    _unchanged(keep, gappy)


def test_duplicated_meter_days_raise_or_are_summed(readings):
    dup = pd.concat([readings, readings.iloc[[3]].assign(kwh=1.5)], ignore_index=True)
    keep = dup.copy()
    with pytest.raises(DataError, match=r"(?s)customer_id, date.*several rows.*duplicates='sum'"):
        meter_matrix(dup)
    with pytest.warns(DataWarning, match="summed"):
        m = meter_matrix(dup, duplicates="sum")
    assert m.kwh[0, 3] == pytest.approx(readings.loc[3, "kwh"] + 1.5, rel=1e-5)
    assert m.log.set_index("problem").loc["several rows for one meter and day", "rows"] == 2
    _unchanged(keep, dup)


def test_missing_feeder_column_warns_and_names_the_fallback(readings):
    no_feeder = readings.drop(columns="feeder")
    keep = no_feeder.copy()
    with pytest.warns(DataWarning, match=r"no feeder column 'feeder'.*one peer group"):
        result = theft_scores(no_feeder)
    assert result.peer_group == ONE_GROUP
    assert (result.to_frame()["peer_group"] == ONE_GROUP).all()
    assert "all meters" in result.summary().loc["peer groups", "value"]
    with pytest.raises(SchemaError, match=r"(?s)no feeder column 'feeder'.*feeder='<your column>'"):
        theft_scores(no_feeder, missing_feeder="raise")
    _unchanged(keep, no_feeder)


def test_kwh_that_are_not_numbers(readings):
    bad = readings.astype({"kwh": object})
    bad.loc[7, "kwh"] = "n/a"
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'kwh'.*not numbers.*pd.to_numeric"):
        meter_features(bad)
    _unchanged(keep, bad)


def test_missing_meter_id(readings):
    bad = readings.astype({"customer_id": "float64"})
    bad.loc[2, "customer_id"] = np.nan
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'customer_id'.*missing meter id.*Fix"):
        meter_features(bad)
    _unchanged(keep, bad)


def test_unparseable_dates(readings):
    bad = readings.astype({"date": object})
    bad.loc[4, "date"] = "not a day"
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'date'.*cannot be parsed.*pd.to_datetime"):
        meter_features(bad)
    _unchanged(keep, bad)


def test_meter_on_two_feeders(readings):
    bad = readings.copy()
    bad.loc[0, "feeder"] = bad["feeder"].max() + 1
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'feeder'.*more than one feeder.*one feeder"):
        meter_features(bad)
    _unchanged(keep, bad)


def test_meter_without_any_reading(readings):
    bad = readings.copy()
    bad.loc[bad["customer_id"] == 2, "kwh"] = np.nan
    keep = bad.copy()
    with pytest.raises(
        DataError, match=r"(?s)column 'kwh'.*without a single usable reading.*remove these meters"
    ):
        meter_features(bad)
    _unchanged(keep, bad)


def test_period_too_short_for_the_change_point_search(readings):
    short = readings[readings["date"] < readings["date"].min() + pd.Timedelta(days=60)].copy()
    keep = short.copy()
    with pytest.raises(DataError, match=r"(?s)cover 60 days.*Fix: .*lower min_weeks"):
        meter_features(short, min_weeks=8)
    assert len(meter_features(short)) == 30  # the default adapts the segment length to the period
    with pytest.raises(DataError, match=r"(?s)cover 28 days.*at least 5 weeks.*Fix: supply a longer period"):
        meter_features(short[short["date"] < short["date"].min() + pd.Timedelta(days=28)])
    _unchanged(keep, short)


def test_too_few_meters(readings):
    two = readings[readings["customer_id"] <= 2].copy()
    with pytest.raises(DataError, match=r"(?s)2 meter\(s\).*Fix: score a larger population"):
        meter_features(two)


def test_wrong_column_name_suggests_the_role(readings):
    renamed = readings.rename(columns={"customer_id": "Meter"})
    keep = renamed.copy()
    with pytest.raises(SchemaError, match=r"(?s)missing column 'customer_id'.*customer_id='<your column>'"):
        meter_features(renamed)
    out = meter_features(renamed, customer_id="Meter")  # the role keyword is the fix
    assert out.index.name == "Meter"
    _unchanged(keep, renamed)


def test_unknown_column_role():
    with pytest.raises(ParameterError, match=r"unknown column role 'meter'.*known roles"):
        meter_matrix(pd.DataFrame({"a": [1]}), columns={"meter": "a"})


def test_empty_readings(readings):
    with pytest.raises(DataError, match=r"empty.*Fix"):
        meter_matrix(readings.iloc[:0])


def test_inspection_results_with_unknown_ids_or_values(readings):
    y = pd.Series([1, 0], index=[1, 999])
    with pytest.raises(DataError, match=r"y and the meters do not have the same ids.*never by position"):
        TheftDetector().fit(readings, y)
    with pytest.raises(DataError, match=r"must be 1 \(theft found\) or 0 \(clean\).*Fix: map"):
        TheftDetector().fit(readings, pd.Series(["yes", "no"], index=[1, 2]))


def test_unbilled_energy_for_meters_without_readings(readings):
    with pytest.raises(DataError, match=r"flagged meters have no readings.*Fix"):
        unbilled_energy(readings, [1, 12345])


@pytest.mark.parametrize(
    ("param", "value", "allowed"),
    [
        ("zero_kwh", -1.0, r"\[0, inf\)"),
        ("min_zero_days", 0, r"\[1, inf\)"),
        ("baseline_days", 3, r"\[7, inf\)"),
    ],
)
def test_unbilled_energy_checks_its_zero_and_baseline_parameters(readings, param, value, allowed):
    # these constraints were declared but their values were never passed to the check
    keep = readings.copy()
    pattern = rf"parameter '{param}' of unbilled_energy\(\) must be .*{allowed}"
    with pytest.raises(ParameterError, match=pattern):
        unbilled_energy(readings, [1], **{param: value})
    _unchanged(keep, readings)


def test_direction_must_name_known_features_and_directions(readings):
    with pytest.raises(ParameterError, match=r"direction.*'up'.*high"):
        theft_scores(readings, direction={"level_drop": "up"})
    with pytest.raises(ParameterError, match=r"names feature 'nonsense'.*Known features"):
        theft_scores(readings, direction={"nonsense": "high"})


# -- outlier scores --------------------------------------------------------------------------------


def test_outlier_scores_on_text_features():
    f = pd.DataFrame({"amount": [1.0, 2.0, 3.0, 4.0], "country": ["a", "b", "a", "c"]})
    keep = f.copy()
    with pytest.raises(SchemaError, match=r"columns \['country'\] are not numeric.*Fix: encode"):
        outlier_scores(f)
    _unchanged(keep, f)


def test_outlier_scores_on_missing_values():
    f = pd.DataFrame({"amount": [1.0, np.nan, 3.0, 4.0]})
    with pytest.raises(DataError, match=r"(?s)column 'amount'.*missing or infinite.*fill them"):
        outlier_scores(f)


def test_outlier_scores_bad_direction_and_top_n():
    f = pd.DataFrame({"amount": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(ParameterError, match=r"direction.*'higher'"):
        outlier_scores(f, direction={"amount": "higher"})
    with pytest.raises(ParameterError, match=r"parameter 'top_n' of outlier_scores\(\)"):
        outlier_scores(f, top_n=-1)


# -- card and call fraud ---------------------------------------------------------------------------


def test_card_amounts_negative(cards):
    bad = cards.copy()
    bad.loc[3, "amount"] = -20.0
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'amount'.*negative amounts.*remove refunds"):
        card_features(bad)
    _unchanged(keep, bad)


def test_card_timestamps_unparseable(cards):
    bad = cards.astype({"date": object})
    bad.loc[1, "date"] = "yesterday"
    keep = bad.copy()
    with pytest.raises(DataError, match=r"(?s)column 'date'.*unparseable timestamps.*pd.to_datetime"):
        card_features(bad)
    _unchanged(keep, bad)


def test_card_coordinates_impossible(cards):
    bad = cards.copy()
    bad.loc[2, "latitude"] = 123.0
    with pytest.raises(
        DataError, match=r"(?s)latitude, longitude.*impossible coordinates.*drop the coordinate"
    ):
        card_features(bad)


def test_card_role_given_but_absent(cards):
    with pytest.raises(SchemaError, match=r"missing column 'terminal'.*Fix"):
        card_features(cards, device="terminal")


def test_call_directions_not_out_or_in(calls):
    bad = calls.copy()
    bad.loc[0, "direction"] = "outgoing"
    keep = bad.copy()
    with pytest.raises(
        DataError, match=r"(?s)column 'direction'.*other than 'out' and 'in'.*map the directions"
    ):
        call_features(bad)
    _unchanged(keep, bad)


def test_call_durations_negative(calls):
    bad = calls.copy()
    bad.loc[0, "duration"] = -1.0
    with pytest.raises(DataError, match=r"(?s)column 'duration'.*negative.*use 0 for SMS"):
        call_features(bad)


# -- alert budgets ---------------------------------------------------------------------------------


def test_alert_budget_needs_one_budget():
    with pytest.raises(ParameterError, match="exactly one of top_n="):
        alert_budget(pd.Series([0.1, 0.2]), top_n=1, share=0.5)


def test_budget_metrics_align_labels_on_the_index():
    score = pd.Series([0.9, 0.1, 0.5], index=["a", "b", "c"])
    with pytest.raises(DataError, match=r"y_true and y_score do not have the same ids"):
        budget_metrics(pd.Series([1, 0, 0], index=["a", "b", "z"]), score, top_n=1)
    shuffled = pd.Series([0, 0, 1], index=["c", "b", "a"])  # same labels, another order
    assert budget_metrics(shuffled, score, top_n=1).precision == 1.0


def test_direction_of_directional_and_tail_surprise_is_declared():
    from crmmine.anomaly import directional, tail_surprise

    with pytest.raises(ParameterError, match=r"'direction' of directional\(\) must be one of 'both'"):
        directional([1.0, -1.0], "up")
    with pytest.raises(ParameterError, match=r"parameter 'direction' of tail_surprise\(\) must be one of"):
        tail_surprise([1.0, 2.0], "sideways")


def test_fraud_scores_text_in_a_scored_feature_raises():
    # text used to be coerced to the feature's median without a word: a silent wrong score
    from crmmine.anomaly import fraud_scores

    features = pd.DataFrame({"amount": [10.0, 12.0, 11.0, 500.0], "count": ["1", "2", "many", "3"]},
                            index=pd.Index([11, 12, 13, 14], name="transaction_id"))
    before = features.copy()
    with pytest.raises(DataError, match=r"(?s)'count': 1 row.*many.*convert the feature to numbers"):
        fraud_scores(features, direction={"amount": "high", "count": "high"})
    pd.testing.assert_frame_equal(features, before)
    # missing values stay the documented policy (the feature's median)
    ok = features.assign(count=[1.0, np.nan, 2.0, 3.0])
    assert fraud_scores(ok, direction={"amount": "high", "count": "high"})["score"].notna().all()


def test_transformer_balance_tables_over_different_days_raise():
    # two weeks of readings against a month of feeder input used to show half the input as "stolen"
    from crmmine.anomaly import make_meter_readings, transformer_balance

    data = make_meter_readings(30, 28, n_feeders=2, random_state=0)
    readings = data.readings
    half = readings[readings["date"] < readings["date"].min() + pd.Timedelta(days=14)]
    before = half.copy()
    with pytest.raises(DataError, match=r"(?s)'date' of the readings covers .*Fix: filter both to"):
        transformer_balance(half, data.feeder_input)
    pd.testing.assert_frame_equal(half, before)
    # the same days on both sides balance
    days = half["date"].unique()
    fi = data.feeder_input[data.feeder_input["date"].isin(days)]
    assert transformer_balance(half, fi)["unexplained_share"].abs().max() < 0.02


def test_fraud_scores_refuses_a_polars_table():
    # a polars table failed inside with AttributeError ('numpy.ndarray' object has no attribute 'isna')
    pl = pytest.importorskip("polars")
    features = pl.DataFrame({"count_1h": [0, 1, 9]})
    with pytest.raises(ParameterError, match=r"'features' must be a pandas DataFrame.*Fix: convert"):
        fraud_scores(features, direction={"count_1h": "high"}, top_n=1)
    assert features["count_1h"].to_list() == [0, 1, 9]


def test_fraud_scores_group_member_that_is_no_column_raises():
    # a misspelt group member was ignored, so the features it should have grouped counted twice
    from crmmine.anomaly import fraud_scores

    features = pd.DataFrame({"count_1H": [1.0, 2, 1, 9], "count_24H": [3.0, 4, 3, 20]})
    before = features.copy()
    with pytest.raises(SchemaError, match=r"(?s)'groups'.*count_24h.*Fix: correct the names"):
        fraud_scores(features, direction={"count_1H": "high", "count_24H": "high"},
                     groups={"velocity": ["count_1H", "count_24h"]})
    pd.testing.assert_frame_equal(features, before)


def test_fraud_scores_infinite_values_raise():
    # +inf on a "high" feature was read as the median: the most extreme row looked ordinary
    from crmmine.anomaly import fraud_scores

    features = pd.DataFrame({"amount_ratio": [1.0, 1.2, np.inf, 0.9]},
                            index=pd.Index([1, 2, 3, 4], name="transaction_id"))
    before = features.copy()
    with pytest.raises(DataError, match=r"(?s)'amount_ratio': 1 row with infinite values.*Fix: replace them"):
        fraud_scores(features, direction={"amount_ratio": "high"})
    pd.testing.assert_frame_equal(features, before)
