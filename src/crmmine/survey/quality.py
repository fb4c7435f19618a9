"""Reliability and validity of the measurement model: alpha, rho_C, rho_A, AVE, HTMT, Fornell-Larcker."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["block_reliability", "fornell_larcker", "htmt"]


def block_reliability(R: np.ndarray, loadings: np.ndarray, weights: np.ndarray) -> dict[str, float]:
    """Reliability of one block from its indicator correlations, loadings and outer weights.

    - Cronbach's alpha on standardized indicators: ``k rbar / (1 + (k - 1) rbar)``;
    - composite reliability (Dillon-Goldstein's rho, rho_C):
      ``(sum l)^2 / ((sum l)^2 + sum (1 - l^2))``;
    - Dijkstra-Henseler's rho_A with the weights scaled to a unit-variance composite;
    - average variance extracted, ``mean(l^2)``.

    A single-indicator block has every measure equal to 1.

    References
    ----------
    Cronbach, L. J. (1951). Psychometrika 16(3), 297-334. Werts, C. E., Linn, R. L. and
    Joereskog, K. G. (1974). Educational and Psychological Measurement 34(1), 25-33. Dijkstra,
    T. K. and Henseler, J. (2015). MIS Quarterly 39(2), 297-316. Fornell, C. and Larcker, D. F.
    (1981). Journal of Marketing Research 18(1), 39-50.
    """
    k = R.shape[0]
    if k == 1:
        return {"alpha": 1.0, "rho_c": 1.0, "rho_a": 1.0, "ave": 1.0}
    rbar = (R.sum() - k) / (k * (k - 1))
    alpha = k * rbar / (1 + (k - 1) * rbar)
    s = loadings.sum()
    rho_c = s**2 / (s**2 + np.sum(1 - loadings**2))
    w = weights / np.sqrt(weights @ R @ weights)
    off = R - np.diag(np.diag(R))
    ww = np.outer(w, w)
    rho_a = (w @ w) ** 2 * (w @ off @ w) / (w @ (ww - np.diag(np.diag(ww))) @ w)
    ave = float(np.mean(loadings**2))
    return {"alpha": float(alpha), "rho_c": float(rho_c), "rho_a": float(rho_a), "ave": ave}


def htmt(R: pd.DataFrame, blocks: dict[str, list[str]]) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations between every pair of blocks.

    ``HTMT_ij = mean(r between the indicators of i and j) / sqrt(mean(r within i) *
    mean(r within j))``, with the correlations as they are (indicators coded in one
    direction). A single-indicator block's monotrait mean is taken as 1. Values above 0.85
    (0.90 for conceptually close constructs) question discriminant validity.

    References
    ----------
    Henseler, J., Ringle, C. M. and Sarstedt, M. (2015). A new criterion for assessing
    discriminant validity in variance-based structural equation modeling. *Journal of the
    Academy of Marketing Science* 43(1), 115-135.
    """
    names = list(blocks)
    mono = {}
    for lv, cols in blocks.items():
        sub = R.loc[cols, cols].to_numpy()
        k = len(cols)
        mono[lv] = 1.0 if k == 1 else (sub.sum() - k) / (k * (k - 1))
    out = pd.DataFrame(np.nan, index=names, columns=names)
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            hetero = R.loc[blocks[a], blocks[b]].to_numpy().mean()
            value = hetero / np.sqrt(mono[a] * mono[b])
            out.loc[a, b] = value
            out.loc[b, a] = value
    return out


def fornell_larcker(scores: pd.DataFrame, ave: pd.Series) -> pd.DataFrame:
    """Latent-variable correlations with the square root of each AVE on the diagonal.

    Discriminant validity holds for a construct when its sqrt(AVE) exceeds its correlations
    with every other construct (Fornell and Larcker 1981).
    """
    corr = scores.corr()
    for lv in corr.index:
        corr.loc[lv, lv] = float(np.sqrt(ave[lv]))
    return corr
