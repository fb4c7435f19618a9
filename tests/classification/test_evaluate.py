"""AUC, KS, Gini, gains and lift: hand-checked values, ties shared, labels aligned by id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from crmmine.classification import evaluate, gains_table, ks_statistic
from crmmine.errors import DataError


def test_hand_checked_measures():
    # 4 positives of 10; scores rank P P N P N N P N N N
    y = np.array([1, 1, 0, 1, 0, 0, 1, 0, 0, 0])
    p = np.linspace(1.0, 0.1, 10)
    res = evaluate(y, p, bins=5)
    # AUC: pairs (positive above negative) = 6 + 6 + 5 + 3 = 20 of 4 x 6 = 24
    assert res.measures["auc"] == pytest.approx(20 / 24)
    assert res.measures["gini"] == pytest.approx(2 * 20 / 24 - 1)
    # KS: after the 4th customer TPR = 3/4, FPR = 1/6 -> 0.5833; after the 7th: 1 - 3/6 = 0.5
    assert res.measures["ks"] == pytest.approx(3 / 4 - 1 / 6)
    assert res.measures["ks"] == ks_statistic(y, p)
    assert res.measures["top_decile_lift"] == pytest.approx(1 / 0.4)  # the top customer is positive
    g = res.to_frame()
    assert g["positives"].tolist() == [2, 1, 0, 1, 0]  # pairs: PP, NP, NN, PN, NN
    assert g["lift"].tolist() == pytest.approx([2.5, 1.25, 0, 1.25, 0])
    assert g["max_score"].tolist() == pytest.approx([1.0, 0.8, 0.6, 0.4, 0.2])
    assert res.measures["average_precision"] == pytest.approx(average_precision_score(y, p))
    assert np.isnan(evaluate(y, p * 10).measures["brier"])  # scores, not probabilities


def test_ties_are_shared_so_row_order_does_not_matter():
    rng = np.random.default_rng(4)
    y = rng.binomial(1, 0.3, 203)
    p = rng.integers(0, 5, 203) / 4.0  # five distinct scores: many ties across group edges
    ids = pd.Index(range(203))
    a = gains_table(pd.Series(y, index=ids), pd.Series(p, index=ids))
    perm = rng.permutation(203)
    b = gains_table(pd.Series(y[perm], index=ids[perm]), pd.Series(p[perm], index=ids[perm]))
    pd.testing.assert_frame_equal(a, b)
    assert a["positives"].sum() == pytest.approx(y.sum())
    assert a["customers"].tolist() == [21, 20, 20, 21, 20, 20, 21, 20, 20, 20]
    # the top decile is part of the highest tie block: it gets the block's positive rate exactly
    top = p == p.max()
    assert top.sum() >= 21
    assert a["positive_rate"].iloc[0] == pytest.approx(y[top].mean())
    assert evaluate(y, p).measures["auc"] == pytest.approx(roc_auc_score(y, p))


def test_labels_and_scores_align_by_id():
    ids = pd.Index(list("abcdef"), name="customer_id")
    y = pd.Series([1, 0, 1, 0, 0, 1], index=ids)
    p = pd.Series([0.9, 0.1, 0.7, 0.3, 0.2, 0.6], index=ids)
    assert evaluate(y.iloc[::-1], p).measures == pytest.approx(evaluate(y, p).measures, rel=1e-12)
    assert evaluate(y, p).measures["auc"] == 1.0
    with pytest.raises(DataError, match="same ids"):
        evaluate(y.iloc[:-1], p)


def test_result_protocol():
    res = evaluate([1, 0, 1, 0, 0], [0.9, 0.2, 0.8, 0.3, 0.1])
    assert res.summary().loc["auc", "value"] == 1.0
    assert repr(res).startswith("ClassificationEvaluation(auc=1")
    assert "<table" in res._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    for kind in ("gains", "roc", "lift"):
        assert res.plot(kind=kind) is not None
