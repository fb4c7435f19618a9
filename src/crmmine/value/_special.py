"""Special functions in log space for the buy-till-you-die likelihoods.

The Pareto/NBD likelihood needs Gauss hypergeometric functions whose first
parameter grows with the number of purchases; evaluated directly
(``scipy.special.hyp2f1``) they overflow or return NaN for heavy buyers.  After
Euler's transformation every term we need has the form ``2F1(1, b; c; z)`` with
``c > b > 0`` and ``0 <= z < 1``: a series of positive terms whose ratio tends
to ``z``.  :func:`log_hyp2f1_1` sums it in a compiled loop, rescaling as it
goes, so the result stays finite for any number of purchases.
"""

from __future__ import annotations

import math

import numba
import numpy as np

__all__ = ["log_hyp2f1_1", "log_hyp2f1_1_grad", "logsubexp"]

_MAX_TERMS = 2_000_000


@numba.njit(cache=True, parallel=False)
def _log_hyp2f1_1_kernel(b: np.ndarray, c: np.ndarray, z: np.ndarray, out: np.ndarray) -> None:
    for i in range(b.shape[0]):
        bi = b[i]
        ci = c[i]
        zi = z[i]
        if zi == 0.0:
            out[i] = 0.0
            continue
        total = 1.0
        term = 1.0
        n = 0
        while n < _MAX_TERMS:
            term *= (bi + n) * zi / (ci + n)
            total += term
            n += 1
            if term < 1e-17 * total:
                break
        out[i] = math.log(total)


@numba.njit(cache=True)
def log_hyp2f1_1_grad(b: float, c: float, z: float) -> tuple[float, float, float, float]:
    """``log 2F1(1, b; c; z)`` and its partial derivatives in ``b``, ``c`` and ``z`` (compiled, scalar).

    Every term of the series ``t_n = prod_{k<n} (b+k) z / (c+k)`` is at most 1 (``c > b``,
    ``0 <= z < 1``), so the sums cannot overflow; derivatives follow term by term.
    """
    if z == 0.0:
        return 0.0, 0.0, 0.0, b / c
    total = 1.0
    s_b = 0.0
    s_c = 0.0
    s_z = 0.0
    term = 1.0
    h_b = 0.0
    h_c = 0.0
    n = 0
    while n < _MAX_TERMS:
        term *= (b + n) * z / (c + n)
        h_b += 1.0 / (b + n)
        h_c += 1.0 / (c + n)
        n += 1
        total += term
        s_b += term * h_b
        s_c += term * h_c
        s_z += n * term
        if term * (n + 1.0) * (1.0 + h_b + h_c) < 1e-17 * total:
            break
    return math.log(total), s_b / total, -s_c / total, s_z / (z * total)


def log_hyp2f1_1(b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Natural log of the Gauss hypergeometric function ``2F1(1, b; c; z)``.

    Parameters
    ----------
    b, c : array_like
        Positive parameters (broadcast together with ``z``).
    z : array_like
        Arguments in ``[0, 1)``.

    Returns
    -------
    numpy.ndarray
        ``log 2F1(1, b; c; z)``, finite wherever the series converges.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy.special import hyp2f1
    >>> got = log_hyp2f1_1(np.array([2.5]), np.array([4.0]), np.array([0.3]))
    >>> bool(np.isclose(np.exp(got[0]), hyp2f1(1, 2.5, 4.0, 0.3)))
    True

    References
    ----------
    Abramowitz, M. and Stegun, I. A. (1972). *Handbook of Mathematical
    Functions*, 15.1.1 (series) and 15.3.3 (Euler's transformation).
    """
    b, c, z = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (b, c, z)))
    out = np.empty(b.shape, dtype="float64")
    _log_hyp2f1_1_kernel(
        np.ascontiguousarray(b).ravel(),
        np.ascontiguousarray(c).ravel(),
        np.ascontiguousarray(z).ravel(),
        out.reshape(-1),
    )
    return out


def logsubexp(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``log(exp(a) - exp(b))`` for ``a >= b``; ``-inf`` where they are equal.

    Examples
    --------
    >>> float(np.round(logsubexp(np.log(5.0), np.log(2.0)), 12)) == round(float(np.log(3.0)), 12)
    True
    """
    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    with np.errstate(divide="ignore"):
        return a + np.log(-np.expm1(np.minimum(b - a, 0.0)))
