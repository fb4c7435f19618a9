"""Pareto/NBD: exponential lifetimes with gamma-distributed rates."""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.special import digamma, gammaln

from crmmine.value._base import TransactionModel
from crmmine.value._fitting import CompressedData, Factorised, factorise
from crmmine.value._special import log_hyp2f1_1, log_hyp2f1_1_grad, logsubexp
from crmmine.value.simulate import simulate_pareto

__all__ = ["ParetoNBD"]


@numba.njit(cache=True)
def _part(r, alpha, s, beta, x, t):
    """log of the Euler-transformed 2F1 term at time t and its gradient in (r, alpha, s, beta)."""
    c = r + s + x + 1.0
    la = math.log(alpha + t)
    lb = math.log(beta + t)
    if alpha >= beta:
        z = (alpha - beta) / (alpha + t)
        lf, fb, fc, fz = log_hyp2f1_1_grad(r + x, c, z)
        value = -(r + x) * la - s * lb + lf
        d_r = -la + fb + fc
        d_s = -lb + fc
        d_alpha = -(r + x) / (alpha + t) + fz * (beta + t) / (alpha + t) ** 2
        d_beta = -s / (beta + t) - fz / (alpha + t)
    else:
        z = (beta - alpha) / (beta + t)
        lf, fb, fc, fz = log_hyp2f1_1_grad(s + 1.0, c, z)
        value = (1.0 - r - x) * la - (s + 1.0) * lb + lf
        d_r = -la + fc
        d_s = -lb + fb + fc
        d_alpha = (1.0 - r - x) / (alpha + t) - fz / (beta + t)
        d_beta = -(s + 1.0) / (beta + t) + fz * (alpha + t) / (beta + t) ** 2
    return value, d_r, d_alpha, d_s, d_beta


@numba.njit(cache=True, parallel=True)
def _parts(r, alpha, s, beta, x, t):
    """_part for arrays of (x, t) pairs: value and gradient columns."""
    out = np.empty((x.shape[0], 5))
    for i in numba.prange(x.shape[0]):
        v, d0, d1, d2, d3 = _part(r, alpha, s, beta, x[i], t[i])
        out[i, 0] = v
        out[i, 1] = d0
        out[i, 2] = d1
        out[i, 3] = d2
        out[i, 4] = d3
    return out


@numba.njit(cache=True)
def _weighted_sums(w, rows):
    """``sum_i w[i] rows[i, j]`` per column, in row order.

    A serial sum, so that a fit gives the same numbers whatever the number of threads (a
    parallel reduction adds its partial sums in an order that depends on the thread count).
    """
    out = np.zeros(rows.shape[1])
    for i in range(rows.shape[0]):
        for j in range(rows.shape[1]):
            out[j] += w[i] * rows[i, j]
    return out


def _pnbd_rows(r, alpha, s, beta, x, tx, T, w, pair, at_T, pair_tx, at_tx):
    """Weighted sum over rows of log(alive term + died term) and its gradient (r, alpha, s, beta).

    ``at_T[pair[i]]`` holds the 2F1 term at T for row i, computed once per distinct (x, T).
    The rows are computed in parallel (numba threads, limited by the model's ``n_jobs``) and
    summed serially.
    """
    rows = np.empty((x.shape[0], 5))
    _pnbd_row_terms(r, alpha, s, beta, x, tx, T, pair, at_T, pair_tx, at_tx, rows)
    sums = _weighted_sums(w, rows)
    return sums[0], sums[1:]


@numba.njit(cache=True, parallel=True)
def _pnbd_row_terms(r, alpha, s, beta, x, tx, T, pair, at_T, pair_tx, at_tx, out):
    """Per row: log(alive term + died term) and its gradient, written to ``out[i, 0..4]``."""
    for i in numba.prange(x.shape[0]):
        xi = x[i]
        lat = math.log(alpha + T[i])
        lbt = math.log(beta + T[i])
        la_ = -(r + xi) * lat - s * lbt
        da0 = -lat
        da1 = -(r + xi) / (alpha + T[i])
        da2 = -lbt
        da3 = -s / (beta + T[i])
        term = la_
        g0, g1, g2, g3 = da0, da1, da2, da3
        if tx[i] < T[i]:
            j = pair_tx[i]
            p1 = at_tx[j, 0]
            e0 = at_tx[j, 1]
            e1 = at_tx[j, 2]
            e2 = at_tx[j, 3]
            e3 = at_tx[j, 4]
            k = pair[i]
            p2 = at_T[k, 0]
            f0 = at_T[k, 1]
            f1 = at_T[k, 2]
            f2 = at_T[k, 3]
            f3 = at_T[k, 4]
            q = math.exp(p2 - p1)
            if q < 1.0:
                inv = 1.0 / (1.0 - q)
                rsx = r + s + xi
                ld = math.log(s) - math.log(rsx) + p1 + math.log1p(-q)
                dd0 = (e0 - q * f0) * inv - 1.0 / rsx
                dd1 = (e1 - q * f1) * inv
                dd2 = (e2 - q * f2) * inv + 1.0 / s - 1.0 / rsx
                dd3 = (e3 - q * f3) * inv
                if ld > la_:
                    e = math.exp(la_ - ld)
                    term = ld + math.log1p(e)
                    wa = e / (1.0 + e)
                else:
                    e = math.exp(ld - la_)
                    term = la_ + math.log1p(e)
                    wa = 1.0 / (1.0 + e)
                wd = 1.0 - wa
                g0 = wa * da0 + wd * dd0
                g1 = wa * da1 + wd * dd1
                g2 = wa * da2 + wd * dd2
                g3 = wa * da3 + wd * dd3
        out[i, 0] = term
        out[i, 1] = g0
        out[i, 2] = g1
        out[i, 3] = g2
        out[i, 4] = g3


class ParetoNBD(TransactionModel):
    """Pareto/NBD model (Schmittlein, Morrison & Colombo 1987).

    While alive a customer buys at Poisson rate ``lambda ~ Gamma(r, alpha)``;
    her lifetime is exponential with rate ``mu ~ Gamma(s, beta)``.

    The likelihood's Gauss hypergeometric terms are rewritten with Euler's
    transformation as ``2F1(1, .; .; z)`` and summed in log space, so the
    log-likelihood and P(alive) stay finite for customers with hundreds of
    purchases and ``t_x`` close to ``T``, where the textbook formula overflows.

    Parameters
    ----------
    penalizer, n_starts, tol, max_iter, warm_start, time_unit, n_jobs
        As in :class:`~crmmine.value.BGNBD`.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha``, ``s``, ``beta``.

    See Also
    --------
    BGNBD : drop-out tied to purchases instead of a continuous lifetime; faster to fit.
    MBGNBD : the modified BG/NBD.
    GammaGamma : the spend model combined with this one by :func:`clv`.
    clv : discounted lifetime value from the fitted model.
    holdout_validation : compares its predictions with a holdout period.

    Examples
    --------
    >>> import pandas as pd
    >>> m = ParetoNBD.from_params(r=0.5533, alpha=10.5786, s=0.6061, beta=11.6689)
    >>> s = pd.DataFrame({"frequency": [2, 400], "recency": [30.43, 38.8], "T": [38.86, 38.86]})
    >>> bool(m.p_alive(s).between(0, 1).all())
    True

    References
    ----------
    Schmittlein, D. C., Morrison, D. G. and Colombo, R. (1987). Counting your customers:
    who are they and what will they do next? *Management Science* 33(1), 1-24.
    Fader, P. S. and Hardie, B. G. S. (2005). A note on deriving the Pareto/NBD model and
    related expressions. http://brucehardie.com/notes/009/
    """

    _param_names = ("r", "alpha", "s", "beta")
    _lifetimes_class = "ParetoNBDFitter"
    _model_name = "Pareto/NBD"

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        scale = max(float(np.average(data.columns["T"], weights=data.weights)) / 4.0, 1e-3)
        return [
            np.log(np.array(p))
            for p in (
                [0.5, scale, 0.5, scale],
                [1.0, 1.0, 1.0, 1.0],
                [0.3, scale * 3, 1.0, scale / 3],
                [2.0, scale / 3, 0.3, scale * 3],
            )
        ]

    @staticmethod
    def _log_terms(theta: np.ndarray, x, tx, T):
        """Log of the 'alive at T' term and of the 'died in (t_x, T]' term (Fader & Hardie 2005)."""
        r, alpha, s, beta = theta
        log_alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        c = r + s + x + 1.0

        def log_part(t):
            # (alpha+t)^-(r+x) (beta+t)^-s-ish terms after Euler's transformation, both branches.
            if alpha >= beta:
                z = (alpha - beta) / (alpha + t)
                return -(r + x) * np.log(alpha + t) - s * np.log(beta + t) + log_hyp2f1_1(r + x, c, z)
            z = (beta - alpha) / (beta + t)
            return (
                (1.0 - r - x) * np.log(alpha + t) - (s + 1.0) * np.log(beta + t) + log_hyp2f1_1(s + 1.0, c, z)
            )

        log_dead = np.log(s) - np.log(r + s + x) + logsubexp(log_part(tx), log_part(T))
        return log_alive, log_dead

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        r, alpha, s, beta = theta
        x, tx, T = cols["frequency"], cols["recency"], cols["T"]
        log_alive, log_dead = self._log_terms(theta, x, tx, T)
        return (
            gammaln(r + x)
            - gammaln(r)
            + r * np.log(alpha)
            + s * np.log(beta)
            + np.logaddexp(log_alive, log_dead)
        )

    def _prepare(self, data: CompressedData) -> Factorised:
        f = factorise(data)
        ux = f.values["frequency"]
        for name, col in (("pair", "T"), ("pair_tx", "recency")):
            # distinct (x, t) pairs through integer codes: the 2F1 terms are computed once per pair
            n_t = f.values[col].shape[0]
            codes, inverse = np.unique(
                f.index["frequency"].astype(np.int64) * n_t + f.index[col], return_inverse=True
            )
            f.values[name] = np.column_stack([ux[codes // n_t], f.values[col][codes % n_t]])
            f.index[name] = inverse.ravel()
        return f

    def _value_and_grad(self, theta: np.ndarray, f: Factorised) -> tuple[float, np.ndarray]:
        """Total log-likelihood and analytic gradient; per-x terms once per distinct x."""
        r, alpha, s, beta = theta
        ux, wx = f.values["frequency"], f.weight_by["frequency"]
        pairs = f.values["pair"]
        at_T = _parts(r, alpha, s, beta, np.ascontiguousarray(pairs[:, 0]), np.ascontiguousarray(pairs[:, 1]))
        pairs_tx = f.values["pair_tx"]
        at_tx = _parts(
            r, alpha, s, beta, np.ascontiguousarray(pairs_tx[:, 0]), np.ascontiguousarray(pairs_tx[:, 1])
        )
        ll_rows, g = _pnbd_rows(
            r,
            alpha,
            s,
            beta,
            f.rows["frequency"],
            f.rows["recency"],
            f.rows["T"],
            f.weights,
            f.index["pair"],
            at_T,
            f.index["pair_tx"],
            at_tx,
        )
        total_w = wx.sum()
        ll = float(
            np.dot(wx, gammaln(r + ux) - gammaln(r))
            + total_w * (r * np.log(alpha) + s * np.log(beta))
            + ll_rows
        )
        g = g + np.array(
            [
                np.dot(wx, digamma(r + ux) - digamma(r)) + total_w * np.log(alpha),
                total_w * r / alpha,
                total_w * np.log(beta),
                total_w * s / beta,
            ]
        )
        return ll, g

    def _p_alive(self, x, tx, T):
        log_alive, log_dead = self._log_terms(self._theta(), x, tx, T)
        return np.exp(log_alive - np.logaddexp(log_alive, log_dead))

    @staticmethod
    def _growth(s: float, beta_t: np.ndarray, t: np.ndarray) -> np.ndarray:
        """``(1 - (beta_t/(beta_t+t))^(s-1)) / (s-1)``, continuous at ``s = 1``."""
        log_ratio = np.log(beta_t) - np.log(beta_t + t)
        if abs(s - 1.0) < 1e-10:
            return -log_ratio
        return -np.expm1((s - 1.0) * log_ratio) / (s - 1.0)

    def _conditional_expectation(self, x, tx, T, t):
        r, alpha, s, beta = self._theta()
        rate = (r + x) * (beta + T) / (alpha + T)
        return rate * self._growth(s, beta + T, t) * self._p_alive(x, tx, T)

    def expected_purchases_new(self, t: float | np.ndarray) -> np.ndarray:
        """E[X(t)] for a customer who starts at 0.

        Examples
        --------
        >>> m = ParetoNBD.from_params(r=0.5533, alpha=10.5786, s=0.6061, beta=11.6689)
        >>> bool(m.expected_purchases_new(39) > 0)
        True
        """
        r, alpha, s, beta = self._theta()
        t = np.asarray(t, dtype="float64")
        return r * beta / alpha * self._growth(s, np.full_like(t, beta), t)

    def _pmf_at(self, theta, n, t):
        r, alpha, s, beta = theta
        return pareto_pmf(n, t, r, alpha, s, beta)

    def _simulate(self, theta, ages, rng):
        return simulate_pareto(theta, ages, rng)

    def _survival(self, x, T, t):
        s, beta = self._theta()[2:]
        # alive at T: the remaining lifetime's rate is Gamma(s, beta + T), so P(alive at T + t) is
        # E[exp(-mu t)] = ((beta + T) / (beta + T + t))^s
        return np.exp(s * (np.log(beta + T) - np.log(beta + T + t)))

    def _future_pmf(self, x, T, n, t):
        # Alive at T, the future is a new Pareto/NBD customer with (r + x, alpha + T, s, beta + T).
        r, alpha, s, beta = self._theta()
        return pareto_pmf(n, t, r + x, alpha + T, s, beta + T)

    def _collapse_checks(self, theta, data):
        from crmmine.value._base import HOMOGENEOUS_SHAPE, NO_DROPOUT
        from crmmine.value._boundary import dropout_collapsed, homogeneous

        r, alpha, s, beta = theta
        t_max = float(np.max(data.columns["T"][data.weights > 0]))
        p_drop = -float(np.expm1(s * (np.log(beta) - np.log(beta + t_max))))
        findings = []
        if p_drop < NO_DROPOUT:
            findings.append(
                (
                    ("s", "beta"),
                    "drop-out collapsed (nobody leaves)",
                    dropout_collapsed(
                        self._model_name,
                        {"s": s, "beta": beta},
                        p_drop,
                        t_max,
                        "the NBD model (no drop-out)",
                        extra=f"; mean drop-out rate s/beta = {s / beta:.3g} per time unit",
                    ),
                )
            )
        elif s > HOMOGENEOUS_SHAPE:
            findings.append(
                (
                    ("s", "beta"),
                    "drop-out rate the same for everyone",
                    homogeneous(
                        self._model_name, "drop-out rate", {"s": s, "beta": beta}, f"s/beta = {s / beta:.3g}"
                    ),
                )
            )
        if r > HOMOGENEOUS_SHAPE:
            findings.append(
                (
                    ("r", "alpha"),
                    "purchase rate the same for everyone",
                    homogeneous(
                        self._model_name,
                        "purchase rate",
                        {"r": r, "alpha": alpha},
                        f"r/alpha = {r / alpha:.3g}",
                    ),
                )
            )
        return findings


_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(64)


@numba.njit(cache=True, parallel=True)
def _pareto_pmf_kernel(n, t, r, alpha, s, beta, log_count, nodes, weights, out):
    """Per row: alive-at-t term plus the death-time integral by Gauss-Legendre quadrature."""
    for i in numba.prange(n.shape[0]):
        ni, ti, ri, ai, si, bi = n[i], t[i], r[i], alpha[i], s[i], beta[i]
        lc = log_count[i]
        if ti <= 0.0:
            out[i] = 1.0 if ni == 0.0 else 0.0
            continue
        log_at = math.log(ai + ti)
        nb_t = lc + ri * (math.log(ai) - log_at)
        if ni > 0.0:
            nb_t += ni * (math.log(ti) - log_at)
        alive = math.exp(nb_t + si * (math.log(bi) - math.log(bi + ti)))
        base = math.log(si) + si * math.log(bi) + lc + ri * math.log(ai)
        dead = 0.0
        half = 0.5 * ti
        for k in range(nodes.shape[0]):  # quadrature nodes: a fixed handful per row
            tau = half * (nodes[k] + 1.0)
            la = math.log(ai + tau)
            term = base - ri * la - (si + 1.0) * math.log(bi + tau)
            if ni > 0.0:
                term += ni * (math.log(tau) - la)
            dead += weights[k] * math.exp(term)
        out[i] = alive + half * dead


def pareto_pmf(n, t, r, alpha, s, beta) -> np.ndarray:
    """P(X(t) = n) of the Pareto/NBD model for arrays of counts, times and parameters.

    P(alive at t and n purchases) plus P(died at tau in (0, t) with n purchases before), the
    second integrated over the death time by 64-point Gauss-Legendre quadrature (the integrand
    is smooth), in one compiled pass over the rows.
    """
    arrays = np.broadcast_arrays(*(np.asarray(v, dtype="float64") for v in (n, t, r, alpha, s, beta)))
    shape = arrays[0].shape
    n, t, r, alpha, s, beta = (np.ravel(v) for v in arrays)
    out = np.empty(n.shape[0], dtype="float64")
    log_count = gammaln(r + n) - gammaln(r) - gammaln(n + 1)
    _pareto_pmf_kernel(n, t, r, alpha, s, beta, log_count, _NODES, _WEIGHTS, out)
    return out.reshape(shape)
