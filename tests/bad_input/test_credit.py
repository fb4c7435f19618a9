"""Bad inputs at the credit entry points: each raises a crmmine error naming the column and the fix
(or warns under a documented policy), and leaves the input untouched."""

import numpy as np
import pandas as pd
import pytest

from crmmine.credit import Scorecard, WOEBinning, evaluate_scorecard, population_stability
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError


@pytest.fixture
def apps():
    rng = np.random.default_rng(0)
    n = 600
    X = pd.DataFrame({"debt": rng.uniform(size=n), "region": rng.choice(["n", "s"], n)},
                     index=pd.RangeIndex(1000, 1000 + n, name="application_id"))
    y = pd.Series((rng.uniform(size=n) < 0.1 + 0.5 * X["debt"]).astype(int), index=X.index, name="bad")
    return X, y


def _unchanged(before: pd.DataFrame | pd.Series, after: pd.DataFrame | pd.Series) -> None:
    if isinstance(before, pd.DataFrame):
        pd.testing.assert_frame_equal(before, after)
    else:
        pd.testing.assert_series_equal(before, after)


def test_text_target(apps):
    X, y = apps
    labels = y.map({1: "bad", 0: "good"}).rename("creditability")
    keep = labels.copy()
    with pytest.raises(DataError, match=r"(?s)creditability.*text labels.*Fix: code the target"):
        Scorecard().fit(X, labels)
    _unchanged(keep, labels)


def test_one_two_target_coding(apps):
    X, y = apps
    coded = (y + 1).rename("risk")
    with pytest.raises(DataError, match=r"(?s)'risk'.*other than 0 and 1.*Fix:.*== 2"):
        WOEBinning().fit(X, coded)


def test_target_with_one_class(apps):
    X, y = apps
    with pytest.raises(DataError, match=r"(?s)'bad' has one class only.*Fix: pass applications of both"):
        Scorecard().fit(X, y * 0)


def test_missing_target_values(apps):
    X, y = apps
    y2 = y.astype(float)
    y2.iloc[[3, 7]] = np.nan
    with pytest.raises(DataError, match=r"(?s)'bad'.*2 rows with missing target values.*Fix: drop"):
        Scorecard().fit(X, y2)


def test_misaligned_labels(apps):
    X, y = apps
    shifted = y.set_axis(y.index + 5)
    with pytest.raises(DataError, match=r"(?s)same ids.*Fix: give bad the same index"):
        Scorecard().fit(X, shifted)


def test_infinite_values(apps):
    X, y = apps
    X2 = X.copy()
    X2.loc[1003, "debt"] = np.inf
    keep = X2.copy()
    with pytest.raises(DataError, match=r"(?s)column 'debt': 1 row with infinite values.*Fix: replace them"):
        Scorecard().fit(X2, y)
    _unchanged(keep, X2)


def test_all_missing_column(apps):
    X, y = apps
    X2 = X.assign(empty=np.nan)
    with pytest.raises(DataError, match=r"(?s)column 'empty'.*every row is missing.*Fix: drop the column"):
        WOEBinning().fit(X2, y)


def test_datetime_column(apps):
    X, y = apps
    X2 = X.assign(opened=pd.Timestamp("2020-01-01"))
    with pytest.raises(SchemaError, match=r"(?s)'opened' holds dates.*Fix: turn it into a number"):
        Scorecard().fit(X2, y)


def test_unknown_variable_and_user_splits(apps):
    X, y = apps
    with pytest.raises(ParameterError, match=r"(?s)\['income'\] are not columns of X.*Fix"):
        WOEBinning(variables=["debt", "income"]).fit(X, y)
    with pytest.raises(ParameterError, match=r"(?s)user_splits\['region'\] leaves categories.*Fix: put"):
        WOEBinning(user_splits={"region": [["n"]]}).fit(X, y)


def test_unseen_category_at_scoring(apps):
    X, y = apps
    card = Scorecard(min_iv=0.0).fit(X, y)
    new = X.head(3).assign(region=["n", "w", "w"])
    with pytest.raises(DataError,
        match=r"(?s)column 'region': 2 rows with categories never seen.*unknown='missing'"):
        card.points(new)
    lenient = Scorecard(min_iv=0.0, unknown="missing").fit(X, y)
    assert lenient.points(new).notna().all()


def test_missing_columns_at_scoring(apps):
    X, y = apps
    card = Scorecard(min_iv=0.0).fit(X, y)
    with pytest.raises(SchemaError, match=r"(?s)missing column\(s\) \['region'\].*Fix: pass a table"):
        card.points(X.drop(columns="region"))


def test_duplicated_columns(apps):
    X, y = apps
    X2 = pd.concat([X, X[["debt"]]], axis=1)
    with pytest.raises(SchemaError, match=r"(?s)duplicated column names \['debt'\].*Fix: rename"):
        Scorecard().fit(X2, y)


def test_bad_parameters(apps):
    X, y = apps
    with pytest.raises(ParameterError, match=r"(?s)'pdo' of Scorecard must be a number in \(0, inf\)"):
        Scorecard(pdo=0).fit(X, y)
    with pytest.raises(ParameterError, match=r"(?s)grades must be an int in \[2, 26\] or"):
        Scorecard(grades=[600, 550]).fit(X, y)


def test_scores_with_nan_in_evaluation(apps):
    _, y = apps
    p = pd.Series(0.5, index=y.index)
    p.iloc[0] = np.nan
    with pytest.raises(DataError, match=r"(?s)column 'y_score': 1 row with missing or infinite scores.*Fix"):
        evaluate_scorecard(y, p)


def test_psi_with_infinite_and_empty_bins():
    with pytest.raises(DataError, match=r"(?s)column 'actual': 1 row with infinite values.*Fix: replace"):
        population_stability([1.0, 2.0, 3.0], [1.0, np.inf])
    res = population_stability(pd.Series(["a", "b"] * 10), pd.Series(["a"] * 20))
    assert res.corrected == ["b"] and np.isfinite(res.psi)


def test_one_sided_bin_warns(apps):
    X, y = apps
    X2 = X.assign(flag=np.where(y == 1, "x", "y"))
    X2.loc[X2.index[:20], "flag"] = "y"
    with pytest.warns(DataWarning, match=r"(?s)only goods or only bads.*Fix: raise min_bin_size"):
        WOEBinning(user_splits={"flag": [["x"], ["y"]]}).fit(X2, y)


def test_population_stability_nan_bin_edges_raise():
    # a NaN edge was dropped silently, leaving fewer bins than asked for
    from crmmine.credit import population_stability

    with pytest.raises(ParameterError, match=r"'bins' has missing edges.*Fix"):
        population_stability([1.0, 2, 3, 4], [1.0, 2, 3, 5], bins=[float("nan")])
