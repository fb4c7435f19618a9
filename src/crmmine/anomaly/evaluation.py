"""Evaluation of an inspection list: AUC, average precision, precision and recall in the top n."""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from crmmine._align import align_pair
from crmmine._params import Interval, check_params
from crmmine.errors import DataError

__all__ = ["inspection_metrics"]


def inspection_metrics(y_true, y_score, top_n: int = 100) -> pd.Series:
    """How good is the list of the ``top_n`` highest scores at finding the real cases?

    ``precision_at_n``: share of real cases among the ``top_n``; ``recall_at_n``: share of all real
    cases found there; ``map_at_n``: mean over the real cases in the top ``top_n`` of the precision
    at their rank, divided by ``min(top_n, positives)`` (the MAP@k of the SGCC theft benchmark,
    Zheng et al. 2018); ROC AUC and average precision over all rows. Labels and scores with an
    index are aligned on it (never by position); ties keep the input order.

    Parameters
    ----------
    y_true : pandas.Series or array-like
        1 (or True) = a real case found on inspection, 0 = clean; both classes must occur.
    y_score : pandas.Series or array-like
        Scores (higher = inspected first), finite, aligned with ``y_true`` on the index.
    top_n : int, default 100
        Length of the inspection list (at least 1); a list longer than the rows holds them all.

    Returns
    -------
    pandas.Series
        ``auc``, ``average_precision``, ``precision_at_n``, ``recall_at_n``, ``map_at_n`` and
        ``top_n``.

    See Also
    --------
    budget_metrics : precision and recall of alerts under a budget per period.
    select : the rows of the inspection list.
    theft_scores : meter scores this evaluates against inspection results.

    Examples
    --------
    >>> m = inspection_metrics([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], top_n=2)
    >>> float(m["map_at_n"]), float(m["precision_at_n"]), float(m["auc"])
    (0.5, 0.5, 0.75)

    References
    ----------
    Zheng, Z., Yang, Y., Niu, X., Dai, H.-N. and Zhou, Y. (2018). Wide and deep convolutional neural
    networks for electricity-theft detection to secure smart grids. *IEEE Transactions on Industrial
    Informatics* 14(4), 1606-1615.
    """
    from sklearn.metrics import average_precision_score, roc_auc_score

    check_params({"top_n": top_n}, {"top_n": [Interval(Integral, 1, None)]}, caller="inspection_metrics()")
    y_s, s_s = align_pair(y_true, y_score)
    s = s_s.to_numpy(dtype="float64")
    yv = pd.to_numeric(y_s, errors="coerce")
    if yv.isna().any() or not yv.isin([0, 1]).all():
        raise DataError("y_true must hold 0/1 (or True/False) labels. Fix: map the outcomes to 0 and 1.")
    y = yv.to_numpy().astype(int)
    if np.unique(y).size < 2:
        raise DataError("y_true has only one class; AUC and precision need real cases and clean ones.")
    if not np.isfinite(s).all():
        raise DataError("y_score has missing or infinite values. Fix: score every row.")
    order = np.argsort(-s, kind="stable")[:top_n]
    hits = y[order]
    precision_at = np.cumsum(hits) / np.arange(1, hits.size + 1)
    return pd.Series(
        {
            "auc": roc_auc_score(y, s),
            "average_precision": average_precision_score(y, s),
            "precision_at_n": float(hits.mean()),
            "recall_at_n": float(hits.sum() / y.sum()),
            "map_at_n": float((precision_at * hits).sum() / min(top_n, y.sum())),
            "top_n": top_n,
        }
    )
