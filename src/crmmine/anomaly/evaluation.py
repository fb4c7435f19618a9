"""Evaluation of an inspection list: AUC, average precision, precision@k, MAP@k."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.errors import ParameterError

__all__ = ["inspection_metrics"]


def inspection_metrics(y_true, scores, k: int = 100) -> pd.Series:
    """How good is the list of the ``k`` highest scores at finding the real cases?

    ``precision_at_k``: share of real cases in the top ``k``; ``map_at_k``: mean over the real
    cases found in the top ``k`` of the precision at their rank, divided by ``min(k, positives)``
    (the usual MAP@k of the SGCC theft benchmark, Zheng et al. 2018); ROC AUC and average precision.

    Examples
    --------
    >>> inspection_metrics([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], k=2)["map_at_k"]
    np.float64(0.5)
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    y = np.asarray(y_true).astype(int)
    s = np.asarray(scores, dtype="float64")
    if y.shape != s.shape or np.unique(y).size < 2:
        raise ParameterError("y_true (0/1, both classes) and scores must have the same length")
    order = np.argsort(-s, kind="stable")[:k]
    hits = y[order]
    precision_at = np.cumsum(hits) / np.arange(1, hits.size + 1)
    map_k = float((precision_at * hits).sum() / min(k, y.sum()))
    return pd.Series(
        {
            "auc": roc_auc_score(y, s),
            "average_precision": average_precision_score(y, s),
            "precision_at_k": float(hits.mean()),
            "map_at_k": map_k,
            "k": k,
        }
    )
