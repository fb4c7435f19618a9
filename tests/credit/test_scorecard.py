"""Scorecard contract, binning options, evaluation and stability on small synthetic data."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import Pipeline

import crmmine
from crmmine.credit import (
    Scorecard,
    WOEBinning,
    characteristic_stability,
    evaluate_scorecard,
    iv_strength,
    population_stability,
)
from crmmine.errors import DataWarning, NotFittedError


@pytest.fixture(scope="module")
def applications():
    rng = np.random.default_rng(7)
    n = 4000
    debt = rng.uniform(0, 1, n)
    years = rng.integers(0, 30, n).astype(float)
    region = rng.choice(["north", "south", "east"], n)
    logit = -2.5 + 2.5 * debt - 0.04 * years + np.where(region == "south", 0.6, 0.0)
    y = pd.Series((rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int),
                  index=pd.RangeIndex(100, 100 + n, name="application_id"), name="bad")
    years[rng.uniform(size=n) < 0.05] = np.nan  # missing values
    years[rng.uniform(size=n) < 0.03] = -1  # special code: unknown
    X = pd.DataFrame({"debt": debt, "years": years, "region": region}, index=y.index)
    return X, y


def test_iv_strength_bands_follow_siddiqi():
    # Siddiqi (2006): <0.02 useless, 0.02-0.1 weak, 0.1-0.3 medium, 0.3-0.5 strong, >0.5 suspicious
    values = [0.0, 0.0199, 0.02, 0.0999, 0.1, 0.2999, 0.3, 0.4999, 0.5, 2.0]
    assert iv_strength(values).tolist() == ["useless", "useless", "weak", "weak", "medium", "medium",
                                            "strong", "strong", "suspicious", "suspicious"]


def test_special_and_missing_bins_and_monotonic_trend(applications):
    X, y = applications
    binning = WOEBinning(special_codes={"years": [-1]}, monotonic_trend={"debt": "ascending"}).fit(X, y)
    table = binning.tables_["years"]
    assert table.loc[table["bin"] == "Special", "count"].item() == int((X["years"] == -1).sum())
    assert table.loc[table["bin"] == "Missing", "count"].item() == int(X["years"].isna().sum())
    debt = binning.tables_["debt"].iloc[:-2]
    assert debt["bad_rate"].is_monotonic_increasing
    # WoE = ln(%good / %bad) per bin; IV = sum (%good - %bad) * WoE
    t = binning.tables_["region"]
    g, b = t["good"] / t["good"].sum(), t["bad"] / t["bad"].sum()
    used = t["count"] > 0
    np.testing.assert_allclose(t.loc[used, "woe"], np.log(g[used] / b[used]))
    assert binning.iv_["region"] == pytest.approx(float(((g - b)[used] * np.log(g[used] / b[used])).sum()))
    woe = binning.transform(X)
    assert woe.index.equals(X.index)
    assert woe.loc[X["years"].isna(), "years"].nunique() == 1


def test_scorecard_is_a_scikit_learn_classifier(applications):
    X, y = applications
    card = Scorecard(grades=4)
    assert clone(card).get_params() == card.get_params()
    assert "Scorecard(grades=4)" in repr(card)
    with pytest.raises(NotFittedError, match="not fitted"):
        card.points(X)
    pipe = Pipeline([("card", Scorecard(special_codes=[-1]))]).fit(X, y)
    proba = pipe.predict_proba(X)
    assert proba.shape == (len(X), 2) and np.allclose(proba.sum(axis=1), 1)
    assert set(np.unique(pipe.predict(X))) <= {0, 1}
    scores = cross_val_score(Scorecard(special_codes=[-1]), X, y, cv=3, scoring="roc_auc")
    assert scores.min() > 0.65
    fitted = pipe.named_steps["card"]
    assert list(fitted.classes_) == [0, 1]
    assert fitted.predict_positive(X).name == "default_probability"
    assert fitted.grade_table_.index.tolist() == list("ABCDE")


def test_labels_align_on_the_index_not_by_position(applications):
    X, y = applications
    card = Scorecard(special_codes=[-1]).fit(X, y)
    shuffled = y.sample(frac=1.0, random_state=0)
    again = Scorecard(special_codes=[-1]).fit(X, shuffled)
    np.testing.assert_allclose(card.points(X), again.points(X))
    ev = evaluate_scorecard(shuffled, card.predict_positive(X))
    assert ev.auc == pytest.approx(card.evaluate(X, y).auc)


def test_grade_cutoffs_can_be_given(applications):
    X, y = applications
    card = Scorecard(grades=[480, 520, 560], special_codes=[-1]).fit(X, y)
    grades = card.grade(X)
    points = card.points(X)
    assert set(grades) <= set("ABCD")
    assert (points[grades == "A"] >= 560).all() and (points[grades == "D"] < 480).all()


def test_evaluation_ks_table():
    y = pd.Series([1, 1, 0, 1, 0, 0, 0, 0], index=list("abcdefgh"))
    p = pd.Series([0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.2, 0.1], index=list("abcdefgh"))
    ev = evaluate_scorecard(y, p, bins=4)
    # by hand, riskiest first: after a, b, c, d the shares of bads are 1/3, 2/3, 2/3, 1 and of goods
    # 0, 0, 1/5, 1/5: KS = 1 - 1/5 = 0.8; 14 of the 15 bad-good pairs are ordered right: AUC 14/15
    assert ev.ks == pytest.approx(0.8)
    assert ev.auc == pytest.approx(14 / 15)
    assert ev.table["ks"].tolist() == pytest.approx([2 / 3, 0.8, 0.4, 0.0])
    assert ev.table["count"].tolist() == [2, 2, 2, 2]


def test_population_stability_by_hand():
    expected = pd.Series(["a"] * 50 + ["b"] * 30 + ["c"] * 20)
    actual = pd.Series(["a"] * 30 + ["b"] * 30 + ["c"] * 40)
    res = population_stability(expected, actual)
    by_hand = (0.3 - 0.5) * np.log(0.3 / 0.5) + (0.4 - 0.2) * np.log(0.4 / 0.2)
    assert res.psi == pytest.approx(by_hand)
    assert res.band == "moderate shift"
    assert population_stability(expected, expected).psi == 0.0


def test_characteristic_stability_flags_the_shifted_variable(applications):
    X, y = applications
    binning = WOEBinning(special_codes=[-1]).fit(X, y)
    recent = X.assign(debt=np.sqrt(X["debt"]))
    table = characteristic_stability(binning, X, recent)
    assert table.index[0] == "debt" and table.loc["debt", "band"] == "significant shift"
    assert table.loc["region", "psi"] == 0.0


def test_zero_cell_bins_are_corrected_and_warned():
    X = pd.DataFrame({"flag": ["x"] * 50 + ["y"] * 50})
    y = pd.Series([0] * 50 + [0] * 40 + [1] * 10)
    with pytest.warns(DataWarning, match="Haldane"):
        binning = WOEBinning(user_splits={"flag": [["x"], ["y"]]}).fit(X, y)
    woe = binning.tables_["flag"]["woe"]
    assert woe.iloc[0] == pytest.approx(np.log((50 / 90) / (0.5 / 10)))


def test_subpackage_is_lazily_exported():
    assert "credit" in crmmine.__all__ and crmmine.credit.Scorecard is Scorecard


def test_integer_column_names_bin_like_text_names(applications):
    # optbinning needs text names; integer column names (a numpy-born table) raised its TypeError
    X, y = applications
    X = X[["debt", "region"]]
    named = WOEBinning().fit(X, y)
    numbered = WOEBinning().fit(X.set_axis([0, 1], axis=1), y)
    assert numbered.iv_.to_dict() == pytest.approx({0: named.iv_["debt"], 1: named.iv_["region"]})
    card = Scorecard().fit(X.set_axis([0, 1], axis=1), y)
    assert card.points(X.set_axis([0, 1], axis=1).head(3)).index.equals(X.index[:3])


def test_reason_codes_always_give_top_n_pairs(applications):
    # with fewer characteristics than reasons asked for, the missing pairs are empty, not absent
    X, y = applications
    card = Scorecard(special_codes=[-1]).fit(X, y)
    k = len(card.variables_) + 2
    reasons = card.reason_codes(X.head(5), top_n=k)
    assert list(reasons.columns[-2:]) == [f"reason_{k}", f"points_lost_{k}"]
    assert reasons[f"reason_{k}"].isna().all() and (reasons[f"points_lost_{k}"] == 0).all()
