"""The PLS path modelling algorithm on numpy (Wold 1982; Lohmoeller 1989).

All matrices are small (indicators x latent variables), so one fit is a few dozen matrix
products; the bootstrap repeats it on resampled rows, warm-started from the full-sample
weights.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["PLSFit", "pls_fit", "standardize"]


@dataclass
class PLSFit:
    """Raw output of one PLS-PM fit (arrays; the estimator wraps them in tables)."""

    weights: np.ndarray  # (p,) outer weights of the standardized indicators, block by block
    scores: np.ndarray  # (n, m) standardized latent variable scores
    loadings: np.ndarray  # (p,) correlation of each indicator with its latent variable
    paths: np.ndarray  # (m, m) B[target, source]
    r_squared: np.ndarray  # (m,) NaN for exogenous
    n_iter: int
    converged: bool


def standardize(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Centre and scale columns (sample standard deviation, ddof=1)."""
    mean = X.mean(axis=0)
    sd = X.std(axis=0, ddof=1)
    return (X - mean) / sd, mean, sd


def _unit_scores(Z: np.ndarray) -> np.ndarray:
    Z = Z - Z.mean(axis=0)
    sd = Z.std(axis=0, ddof=1)
    sd[sd == 0] = 1.0
    return Z / sd


def _path_matrix(Y: np.ndarray, adjacency: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """OLS path coefficients B[target, source] and R-squared on standardized scores."""
    m = adjacency.shape[0]
    n = Y.shape[0]
    R = (Y.T @ Y) / (n - 1)
    B = np.zeros((m, m))
    r2 = np.full(m, np.nan)
    for j in range(m):
        pred = np.flatnonzero(adjacency[j])
        if pred.size == 0:
            continue
        coef = np.linalg.solve(R[np.ix_(pred, pred)], R[pred, j])
        B[j, pred] = coef
        r2[j] = float(coef @ R[pred, j])
    return B, r2


def pls_fit(
    Xs: np.ndarray,
    block_of: np.ndarray,
    adjacency: np.ndarray,
    mode_b: np.ndarray,
    scheme: str,
    *,
    tol: float = 1e-7,
    max_iter: int = 300,
    start: np.ndarray | None = None,
) -> PLSFit:
    """Fit a PLS path model to standardized indicators.

    Parameters
    ----------
    Xs : (n, p) array
        Standardized indicators, grouped block by block.
    block_of : (p,) int array
        Latent variable of each indicator.
    adjacency : (m, m) bool array
        ``adjacency[j, k]``: a path from latent ``k`` to latent ``j``.
    mode_b : (m,) bool array
        Formative (mode B) blocks.
    scheme : {"path", "centroid", "factorial"}
        Inner weighting scheme.
    tol, max_iter : convergence: the largest change of an outer weight below ``tol``.
    start : (p,) array, optional
        Starting weights (default: all ones).
    """
    n, p = Xs.shape
    m = adjacency.shape[0]
    W = np.zeros((p, m))
    W[np.arange(p), block_of] = 1.0 if start is None else start
    linked = adjacency | adjacency.T
    blocks = [np.flatnonzero(block_of == j) for j in range(m)]
    gram_inv = [np.linalg.pinv(Xs[:, b].T @ Xs[:, b]) if mode_b[j] else None for j, b in enumerate(blocks)]

    def normalize(W: np.ndarray) -> np.ndarray:
        sd = (Xs @ W).std(axis=0, ddof=1)
        sd[sd == 0] = 1.0
        return W / sd

    W = normalize(W)
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - the count is returned
        Y = _unit_scores(Xs @ W)
        C = (Y.T @ Y) / (n - 1)
        if scheme == "centroid":
            E = np.sign(C) * linked
        elif scheme == "factorial":
            E = C * linked
        else:  # path weighting: predecessors by regression, successors by correlation
            E = np.where(adjacency.T, C, 0.0)  # E[j, k] = cor for j -> k (k follows j)
            for j in range(m):
                pred = np.flatnonzero(adjacency[j])
                if pred.size:
                    E[j, pred] = np.linalg.solve(C[np.ix_(pred, pred)], C[pred, j])
        Z = Y @ E.T
        W_new = np.zeros_like(W)
        for j, b in enumerate(blocks):
            cov = Xs[:, b].T @ Z[:, j] / (n - 1)
            W_new[b, j] = gram_inv[j] @ cov * (n - 1) if mode_b[j] else cov
        W_new = normalize(W_new)
        change = np.max(np.abs(np.abs(W_new) - np.abs(W)))
        W = W_new
        if change < tol:
            converged = True
            break
    Y = Xs @ W
    # orient each latent variable so that its indicators correlate positively on the whole
    loadings = np.empty(p)
    for j, b in enumerate(blocks):
        corr = (Xs[:, b].T @ Y[:, j]) / (n - 1)
        if corr.sum() < 0:
            W[:, j] = -W[:, j]
            Y[:, j] = -Y[:, j]
            corr = -corr
        loadings[b] = corr
    B, r2 = _path_matrix(Y, adjacency)
    return PLSFit(
        weights=W[np.arange(p), block_of].copy(), scores=Y, loadings=loadings, paths=B, r_squared=r2,
        n_iter=n_iter, converged=converged,
    )
