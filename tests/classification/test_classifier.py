"""CustomerClassifier: labels aligned by id, datetime and empty columns, thread limits, seeds."""

from __future__ import annotations

import warnings
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_info

from crmmine.classification import CustomerClassifier, evaluate
from crmmine.errors import DataError, DataWarning


@pytest.fixture(scope="module")
def separable():
    """300 customers whose label is decided by one feature (in-sample AUC 1 when aligned)."""
    rng = np.random.default_rng(0)
    ids = pd.Index([f"c{i:03d}" for i in range(300)], name="customer_id")
    x = rng.normal(0, 1, 300)
    X = pd.DataFrame({"x": x, "noise": rng.normal(0, 1, 300)}, index=ids)
    y = pd.Series((x > 0.3).astype(int), index=ids, name="churn")
    return X, y


def test_labels_are_matched_by_id_not_by_position(separable):
    # issue 10: the same labels in another order (same index) gave in-sample AUC 0.29 instead of 1.0
    X, y = separable
    shuffled = y.sample(frac=1.0, random_state=1)
    assert not shuffled.index.equals(X.index)
    model = CustomerClassifier().fit(X, shuffled)
    assert roc_auc_score(y, model.predict_positive(X)) == pytest.approx(1.0)
    reference = CustomerClassifier().fit(X, y)
    assert np.allclose(model.predict_proba(X), reference.predict_proba(X))
    oof = CustomerClassifier().cross_validate(X, shuffled, n_splits=3)
    assert oof.equals(CustomerClassifier().cross_validate(X, y, n_splits=3))
    assert evaluate(y, oof).measures["auc"] > 0.99
    with pytest.raises(DataError, match="ids of X are missing from y"):
        CustomerClassifier().fit(X, y.iloc[:-3])
    with pytest.raises(DataError, match="not in X"):
        CustomerClassifier().fit(X, y.rename(index=lambda i: i.upper()))


def test_arrays_are_taken_in_row_order(separable):
    X, y = separable
    a = CustomerClassifier().fit(X.to_numpy(), y.to_numpy())
    b = CustomerClassifier().fit(X, y)
    assert np.allclose(a.predict_proba(X.to_numpy()), b.predict_proba(X))
    assert a.predict_positive(X.to_numpy()).index.equals(pd.RangeIndex(300))


def test_datetime_columns_become_ages_in_days():
    rng = np.random.default_rng(2)
    n = 400
    signup = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, n), unit="D")
    X = pd.DataFrame({"signup": signup, "spend": rng.gamma(2, 50, n)})
    # recent customers (signed up in the last 300 days) churn
    y = pd.Series((signup > pd.Timestamp("2022-03-28")).astype(int))
    model = CustomerClassifier().fit(X, y)
    assert model.column_kinds_ == {"signup": "datetime", "spend": "numeric"}
    assert model.as_of_ == signup.max()
    assert model.predict_positive(X).pipe(lambda p: roc_auc_score(y, p)) > 0.95
    Z = model._features(X)
    assert np.allclose(Z["signup"], (signup.max() - signup).days)
    fixed = CustomerClassifier(as_of="2023-01-01").fit(X, y)
    assert np.allclose(fixed._features(X)["signup"], (pd.Timestamp("2023-01-01") - signup).days)
    # time-zone-aware dates are converted to UTC (midnight in Paris is 23:00 or 22:00 UTC)
    aware = X.assign(signup=X["signup"].dt.tz_localize("Europe/Paris"))
    ages = CustomerClassifier(as_of="2023-01-01").fit(aware, y)._features(aware)["signup"]
    in_utc = aware["signup"].dt.tz_convert("UTC").dt.tz_localize(None)
    assert np.allclose(ages, (pd.Timestamp("2023-01-01") - in_utc) / pd.Timedelta(days=1))
    assert set(np.round(ages - (pd.Timestamp("2023-01-01") - signup).days, 6)) == {
        round(1 / 24, 6),
        round(2 / 24, 6),
    }


def test_empty_columns_are_dropped_with_a_warning(separable):
    X, y = separable
    with_empty = X.assign(unknown=np.nan, notes=pd.Series([None] * len(X), index=X.index, dtype=object))
    before = with_empty.copy()
    with pytest.warns(DataWarning, match=r"no value at all.*\['unknown', 'notes'\]"):
        model = CustomerClassifier().fit(with_empty, y)
    pd.testing.assert_frame_equal(with_empty, before)  # input untouched
    assert model.dropped_columns_ == ["unknown", "notes"]
    assert model.feature_names_ == ["x", "noise"]
    assert any("no value at all" in w for w in model.warnings_)
    assert np.allclose(model.predict_proba(with_empty), CustomerClassifier().fit(X, y).predict_proba(X))


def _threads_seen(model, X, y):
    seen = []
    original = type(model)._proba_positive

    def spy(self, Z):
        seen.append(max(p["num_threads"] for p in threadpool_info()))
        return original(self, Z)

    with mock.patch.object(type(model), "_proba_positive", spy):
        model.fit(X, y).predict_proba(X)
    return seen


@pytest.mark.parametrize("n_jobs, expected", [(None, 1), (2, 2)])
def test_threads_follow_n_jobs(separable, n_jobs, expected, monkeypatch):
    # whatever OMP_NUM_THREADS says, BLAS and OpenMP run with n_jobs threads inside crmmine
    X, y = separable
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    seen = _threads_seen(CustomerClassifier("logistic", calibrate=False, n_jobs=n_jobs), X, y)
    assert seen == [expected]


def test_random_state_takes_a_generator(separable):
    X, y = separable[0].head(100), separable[1].head(100)
    a = CustomerClassifier("random_forest", random_state=np.random.default_rng(5)).fit(X, y)
    b = CustomerClassifier("random_forest", random_state=np.random.default_rng(5)).fit(X, y)
    c = CustomerClassifier("random_forest", random_state=np.random.default_rng(6)).fit(X, y)
    assert not np.array_equal(a.predict_proba(X), c.predict_proba(X))
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))


def test_no_warning_on_a_clean_table(separable):
    X, y = separable
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CustomerClassifier().fit(X, y).predict_proba(X)
