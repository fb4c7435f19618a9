"""Bad inputs to the churn and classification entry points (issue 10).

Each case asserts a crmmine error that names the column (or parameter) and says the fix, or a
documented policy with a crmmine warning, and that the inputs were not modified.
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest

from crmmine.churn import ChurnModel, churn_features, churn_labels, evaluate, retention_list, winback_list
from crmmine.classification import CustomerClassifier, DecisionRules, prepare_table
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError


def _unchanged(*objects):
    """Run ``call`` and check that every input object is equal before and after."""

    def check(call):
        before = [copy.deepcopy(o) for o in objects]
        try:
            return call()
        finally:
            for a, b in zip(before, objects):
                if isinstance(a, pd.DataFrame):
                    pd.testing.assert_frame_equal(a, b)
                elif isinstance(a, pd.Series):
                    pd.testing.assert_series_equal(a, b)
                else:
                    assert np.array_equal(np.asarray(a), np.asarray(b))

    return check


@pytest.fixture
def Xy():
    rng = np.random.default_rng(0)
    ids = pd.Index([f"c{i:02d}" for i in range(60)], name="customer_id")
    X = pd.DataFrame(
        {"calls": rng.poisson(2, 60).astype(float), "plan": rng.choice(["a", "b"], 60)}, index=ids
    )
    y = pd.Series((X["calls"] > 2).astype(int), index=ids, name="churn")
    return X, y


@pytest.fixture
def tx():
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 4],
            "order_id": [10, 11, 12, 13, 14, 15],
            "date": pd.to_datetime(
                ["2020-01-05", "2020-04-01", "2020-02-01", "2020-01-20", "2020-03-15", "2020-06-30"]
            ),
            "amount": [5.0, 7.0, 3.0, 4.0, 6.0, 2.0],
        }
    )


# -- labels ------------------------------------------------------------------------------------
def test_labels_with_other_ids(Xy):
    X, y = Xy
    other = y.rename(index=lambda i: i.upper())
    with pytest.raises(
        DataError, match=r"(?s)y and X do not have the same ids.*C00.*Fix: give y the same index"
    ):
        _unchanged(X, other)(lambda: ChurnModel().fit(X, other))


def test_labels_for_part_of_the_customers(Xy):
    X, y = Xy
    part = y.iloc[5:]
    with pytest.raises(DataError, match=r"(?s)5 \(e\.g\. 'c00'.*missing from y.*Fix"):
        _unchanged(X, part)(lambda: ChurnModel().fit(X, part))


def test_labels_with_missing_values(Xy):
    X, y = Xy
    holed = y.astype(float).where(y.index != "c03")
    with pytest.raises(DataError, match=r"(?s)column 'churn': 1 row with missing labels.*c03.*Fix: drop"):
        _unchanged(X, holed)(lambda: ChurnModel().fit(X, holed))


def test_labels_with_three_classes(Xy):
    X, y = Xy
    three = y.where(y.index != "c01", 2)
    with pytest.raises(DataError, match=r"(?s)churn has 3 classes \[0, 1, 2\].*Fix: map the labels to 0/1"):
        _unchanged(X, three)(lambda: CustomerClassifier().fit(X, three))


def test_labels_with_one_class_only(Xy):
    X, y = Xy
    ones = pd.Series(1, index=y.index, name="churn")
    with pytest.raises(DataError, match=r"churn holds one class only.*Fix: use a sample"):
        _unchanged(X, ones)(lambda: DecisionRules().fit(X, ones))


def test_continuous_labels(Xy):
    X, _ = Xy
    spend = X["calls"].rename("spend") * 1.5 + 0.1
    with pytest.raises(DataError, match=r"(?s)Unknown label type: continuous.*spend.*Fix: map"):
        _unchanged(X, spend)(lambda: ChurnModel().fit(X, spend))


def test_array_labels_of_another_length(Xy):
    X, y = Xy
    short = y.to_numpy()[:-1]
    with pytest.raises(DataError, match=r"y has 59 values but X has 60 rows\. Fix"):
        _unchanged(X, short)(lambda: ChurnModel().fit(X.to_numpy(), short))


# -- feature tables ----------------------------------------------------------------------------
def test_empty_table(Xy):
    X, y = Xy
    with pytest.raises(DataError, match=r"X has no rows.*Fix: pass at least one customer"):
        ChurnModel().fit(X.iloc[:0], y.iloc[:0])


def test_datetime_columns_are_ages_in_days(Xy):
    # policy (docs/classification.md): datetimes become the age in days at as_of, not categories
    X, y = Xy
    dated = X.assign(signup=pd.Timestamp("2021-01-01") + pd.to_timedelta(np.arange(60), unit="D"))
    model = _unchanged(dated, y)(lambda: CustomerClassifier(as_of="2021-03-31").fit(dated, y))
    assert model.column_kinds_["signup"] == "datetime"
    assert model._features(dated)["signup"].tolist() == list(np.arange(89.0, 29.0, -1.0))


def test_all_empty_column(Xy):
    X, y = Xy
    holed = X.assign(survey=np.nan)
    with pytest.warns(DataWarning, match=r"no value at all.*\['survey'\]"):
        model = _unchanged(holed, y)(lambda: ChurnModel().fit(holed, y))
    assert "survey" not in model.feature_names_


def test_infinite_values(Xy):
    X, y = Xy
    bad = X.assign(calls=X["calls"].where(X.index != "c07", np.inf))
    with pytest.raises(DataError, match=r"(?s)column 'calls': 1 row with infinite values.*c07.*Fix: replace"):
        _unchanged(bad, y)(lambda: ChurnModel().fit(bad, y))


def test_column_of_mixed_types(Xy):
    X, y = Xy
    mixed = X.assign(plan=X["plan"].astype(object).where(X.index != "c02", 1))
    with pytest.raises(
        DataError, match=r"(?s)column 'plan'.*several types \(int, str\).*Fix: give the column one type"
    ):
        _unchanged(mixed, y)(lambda: ChurnModel().fit(mixed, y))


def test_duplicated_column_names(Xy):
    X, y = Xy
    twice = pd.concat([X, X[["calls"]]], axis=1)
    with pytest.raises(SchemaError, match=r"duplicated column names \['calls'\].*Fix: rename"):
        ChurnModel().fit(twice, y)


def test_prediction_without_a_fitted_column(Xy):
    X, y = Xy
    model = ChurnModel().fit(X, y)
    with pytest.raises(SchemaError, match=r"X is missing column 'plan'.*Fix"):
        model.predict_positive(X[["calls"]])


def test_unknown_model_name(Xy):
    X, y = Xy
    with pytest.raises(
        ParameterError, match=r"parameter 'kind' of ChurnModel must be one of .*'logistic'.*got 'gbm'"
    ):
        ChurnModel("gbm").fit(X, y)


def test_bad_parameters():
    with pytest.raises(ParameterError, match=r"parameter 'ccp_alpha' of DecisionRules must be"):
        DecisionRules(ccp_alpha=-1.0).fit(pd.DataFrame({"a": [1.0, 2.0]}), pd.Series([0, 1]))
    with pytest.raises(ParameterError, match=r"parameter 'n_jobs' of CustomerClassifier"):
        CustomerClassifier(n_jobs=0).fit(pd.DataFrame({"a": [1.0, 2.0]}), pd.Series([0, 1]))


def test_unseen_level_at_prediction(Xy):
    X, y = Xy
    model = DecisionRules(ccp_alpha=0.0, max_depth=2).fit(X, y)
    new = X.assign(plan=X["plan"].where(X.index != "c00", "z"))
    with pytest.warns(DataWarning, match=r"column 'plan' has levels not seen in training: 'z' \(1\).*Fix"):
        _unchanged(new)(lambda: model.predict(new))


# -- transactions ------------------------------------------------------------------------------
def test_dates_as_text(tx):
    text = tx.assign(date=tx["date"].dt.strftime("%d/%m/%Y"))
    with pytest.raises(DataError, match=r"(?s)column 'date'.*not datetimes.*Fix: parse the dates first"):
        _unchanged(text)(lambda: churn_labels(text, as_of="2020-02-29"))


def test_missing_customer_ids(tx):
    holed = tx.assign(customer_id=tx["customer_id"].astype(float).where(tx.index != 2))
    with pytest.raises(
        DataError, match=r"(?s)column 'customer_id': 1 row with missing customer ids.*Fix: clean"
    ):
        _unchanged(holed)(lambda: churn_features(holed, as_of="2020-02-29"))


def test_as_of_before_the_log(tx):
    with pytest.raises(DataError, match=r"no customer has a purchase on or before as_of 2019-06-01.*Fix"):
        churn_labels(tx, as_of="2019-06-01", allow_incomplete=True)


def test_window_beyond_the_log(tx):
    with pytest.raises(
        DataError, match=r"log ends on 2020-06-30.*window 2020-08-28.*Fix: use an earlier as_of"
    ):
        churn_labels(tx, as_of="2020-05-30", horizon="90D")


def test_bad_horizon(tx):
    with pytest.raises(
        ParameterError, match=r"parameter 'horizon' of churn_labels\(\) must be a positive number"
    ):
        churn_labels(tx, as_of="2020-02-29", horizon=-30)
    with pytest.raises(ParameterError, match=r"parameter 'horizon'"):
        churn_labels(tx, as_of="2020-02-29", horizon="soon")


def test_missing_amount_column(tx):
    renamed = tx.rename(columns={"amount": "Amount"})
    with pytest.raises(SchemaError, match=r"missing column 'amount' \(did you mean 'Amount'\?\).*Fix"):
        churn_features(renamed, as_of="2020-02-29")
    assert churn_features(renamed, as_of="2020-02-29", amount="Amount").shape[0] == 3


def test_bad_windows(tx):
    with pytest.raises(ParameterError, match=r"windows must be positive whole numbers of days"):
        _unchanged(tx)(lambda: churn_features(tx, as_of="2020-02-29", windows=(30, 0)))


def test_unknown_column_role(tx):
    with pytest.raises(ParameterError, match=r"unknown column role 'customer'.*Fix"):
        churn_labels(tx, as_of="2020-02-29", columns={"customer": "customer_id"})


# -- evaluation and lists ----------------------------------------------------------------------
def test_scores_with_missing_values():
    y = pd.Series([1, 0, 1, 0], index=list("abcd"))
    p = pd.Series([0.9, np.nan, 0.4, 0.2], index=list("abcd"), name="risk")
    with pytest.raises(DataError, match=r"(?s)column 'risk': 1 row with missing or infinite scores.*b.*Fix"):
        _unchanged(y, p)(lambda: evaluate(y, p))


def test_labels_that_are_not_zero_one():
    with pytest.raises(
        DataError, match=r"(?s)column 'y_true': 2 rows with labels other than 0 and 1.*Fix: map"
    ):
        evaluate(np.array([2, 0, 2, 0]), np.array([0.9, 0.1, 0.8, 0.2]))


def test_scores_and_labels_of_other_customers():
    y = pd.Series([1, 0, 1], index=["a", "b", "c"])
    p = pd.Series([0.9, 0.1, 0.8], index=["a", "b", "x"])
    with pytest.raises(DataError, match=r"(?s)y_score and y_true do not have the same ids.*'x'.*Fix"):
        evaluate(y, p)


def test_clv_with_missing_values():
    y = pd.Series([1, 0, 1, 0], index=list("abcd"))
    p = pd.Series([0.9, 0.1, 0.8, 0.3], index=list("abcd"))
    clv = pd.Series([100.0, np.nan, 50.0, 10.0], index=list("abcd"))
    with pytest.raises(DataError, match=r"(?s)column 'clv': 1 row with missing or infinite CLVs.*Fix"):
        _unchanged(clv)(lambda: evaluate(y, p, clv=clv))


def test_retention_list_inputs():
    risk = pd.Series([0.9, 0.2], index=["a", "b"])
    with pytest.raises(DataError, match=r"(?s)value and risk do not have the same ids.*'z'.*Fix: give value"):
        retention_list(risk, pd.Series([10.0, 20.0], index=["a", "z"]))
    with pytest.raises(DataError, match=r"(?s)column 'risk': 1 row with probabilities outside \[0, 1\].*Fix"):
        retention_list(pd.Series([1.5, 0.2], index=["a", "b"]), pd.Series([10.0, 20.0], index=["a", "b"]))
    with pytest.raises(
        ParameterError, match=r"parameter 'risk' of retention_list\(\) must be an instance of Series"
    ):
        retention_list(np.array([0.9, 0.2]), pd.Series([10.0, 20.0]))


def test_winback_without_values():
    with pytest.raises(DataError, match=r"1 lost customers have no value \(e\.g\. \['z'\]\)\. Fix"):
        winback_list(pd.Index(["a", "z"]), pd.Series([10.0], index=["a"]))


def test_winback_repeated_lost_ids():
    # a repeated id used to list the customer twice and count her value twice in the ABC tiers
    value = pd.Series([500.0, 50.0, 10.0], index=["a", "b", "c"])
    lost = pd.Index(["a", "a", "c"])
    with pytest.raises(DataError, match=r"lost has repeated customer ids \(e\.g\. \['a'\]\)\. Fix: list"):
        _unchanged(value)(lambda: winback_list(lost, value))
    labels = pd.Series([1, 1, 0], index=["a", "a", "b"])
    with pytest.raises(DataError, match=r"lost has repeated customer ids.*Fix"):
        _unchanged(labels, value)(lambda: winback_list(labels, value))
    assert list(winback_list(lost.unique(), value).index) == ["a", "c"]


def test_winback_actions_must_cover_every_tier():
    # a mapping without tier B or C used to leave those customers with a missing action
    value = pd.Series([500.0, 50.0, 10.0], index=["a", "b", "c"])
    actions = {"A": "call"}
    with pytest.raises(ParameterError, match=r"actions has no entry for tier\(s\) \['B', 'C'\]\. Fix: give"):
        _unchanged(value)(lambda: winback_list(value.index, value, actions=actions))
    assert actions == {"A": "call"}
    full = winback_list(value.index, value, actions={"A": "call", "B": "mail", "C": "sms"})
    assert full["action"].tolist() == ["call", "mail", "sms"]


def test_prepare_table_targets_and_ids():
    table = pd.DataFrame({"id": ["a", "b", "b"], "x": [1.0, 2.0, 3.0], "Churn": ["Yes", "No", "maybe"]})
    with pytest.raises(
        DataError, match=r"(?s)column 'Churn': 1 row with target values.*maybe.*Fix: map the target"
    ):
        _unchanged(table)(lambda: prepare_table(table, "Churn"))
    with pytest.raises(
        DataError, match=r"(?s)column 'id': 2 rows with missing or repeated customer ids.*Fix"
    ):
        _unchanged(table)(lambda: prepare_table(table.assign(Churn="No"), "Churn", customer_id="id"))


def test_values_too_large_to_scale(Xy):
    """Values beyond 1e150 overflow the scaler's variance: sklearn raised a raw ValueError about
    NaN in X; now a DataError names the column, the rows and the fix, at fit and prediction."""
    X, y = Xy
    bad = X.assign(calls=X["calls"].where(X.index != "c03", 4e301))
    with pytest.raises(DataError,
                       match=r"(?s)column 'calls': 1 row with values too large.*c03.*Fix: rescale"):
        _unchanged(bad, y)(lambda: ChurnModel().fit(bad, y))
    model = CustomerClassifier(kind="random_forest").fit(X, y)
    with pytest.raises(DataError, match=r"(?s)column 'calls': 1 row with values too large.*Fix: rescale"):
        _unchanged(bad)(lambda: model.predict_positive(bad))


def test_time_zone_aware_as_of(tx):
    """A time-zone-aware as_of raised a raw TypeError (comparison with the zone-less dates); it is
    read in UTC, as the dates are (docs/conventions.md)."""
    as_of = pd.Timestamp("2020-03-01 02:00", tz="Asia/Shanghai")  # 2020-02-29 18:00 UTC
    labels = _unchanged(tx)(lambda: churn_labels(tx, as_of=as_of))
    pd.testing.assert_series_equal(labels, churn_labels(tx, as_of="2020-02-29"))
    features = _unchanged(tx)(lambda: churn_features(tx, as_of=as_of))
    pd.testing.assert_frame_equal(features, churn_features(tx, as_of="2020-02-29"))


def test_time_zone_aware_as_of_of_a_classifier():
    ids = pd.Index([f"c{i}" for i in range(40)], name="customer_id")
    last = pd.Series(pd.Timestamp("2024-01-01") + pd.to_timedelta(np.arange(40) * 3, unit="D"), index=ids)
    X = pd.DataFrame({"last_purchase": last})
    y = pd.Series((np.arange(40) < 20).astype(int), index=ids)
    model = CustomerClassifier(as_of=pd.Timestamp("2024-06-01 01:00", tz="Europe/Paris")).fit(X, y)
    assert model.as_of_ == pd.Timestamp("2024-05-31 23:00")
    naive = CustomerClassifier(as_of="2024-05-31 23:00").fit(X, y)
    np.testing.assert_allclose(model.predict_positive(X), naive.predict_positive(X))


def test_classifier_warns_about_levels_not_seen_in_training():
    # an unseen level was silently encoded as none of the levels (DecisionRules already warned)
    from crmmine.classification import CustomerClassifier
    from crmmine.errors import DataWarning

    X = pd.DataFrame({"plan": ["a", "b"] * 20, "spend": np.arange(40, dtype=float)},
                     index=pd.RangeIndex(40, name="customer_id"))
    y = pd.Series([0, 1] * 20, index=X.index)
    model = CustomerClassifier(calibrate=False).fit(X, y)
    new = pd.DataFrame({"plan": ["a", "zeta"], "spend": [3.0, 4.0]},
                       index=pd.Index([100, 101], name="customer_id"))
    before = new.copy()
    with pytest.warns(DataWarning, match=r"column 'plan' has levels not seen in training: 'zeta' \(1\).*Fix"):
        model.predict_proba(new)
    pd.testing.assert_frame_equal(new, before)
