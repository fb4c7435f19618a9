"""Pareto/NBD: exponential lifetimes with gamma-distributed rates."""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from crmmine.value._base import TransactionModel
from crmmine.value._fitting import CompressedData
from crmmine.value._special import log_hyp2f1_1, logsubexp

__all__ = ["ParetoNBD"]


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
    penalizer, n_starts, tol, max_iter
        As in :class:`~crmmine.value.BGNBD`.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha``, ``s``, ``beta``.

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

    def _pmf(self, n: np.ndarray, t: np.ndarray) -> np.ndarray:
        # P(X(t)=n) = P(alive, n purchases) + P(died in (0,t], n purchases before), Fader & Hardie (2005)
        # via the same likelihood pieces integrated over t_x; computed by quadrature over death time.
        r, alpha, s, beta = self._theta()
        nodes, wts = np.polynomial.legendre.leggauss(64)
        n_b, t_b = np.broadcast_arrays(n, t)
        out = np.empty(n_b.shape, dtype="float64")
        flat_n, flat_t = n_b.ravel(), t_b.ravel()
        # survive to t: NB(r, alpha/(alpha+t)) count x (beta/(beta+t))^s
        log_nb_t = (
            gammaln(r + flat_n)
            - gammaln(r)
            - gammaln(flat_n + 1)
            + r * np.log(alpha / (alpha + flat_t))
            + flat_n * np.log(flat_t / (alpha + flat_t))
        )
        alive = np.exp(log_nb_t + s * np.log(beta / (beta + flat_t)))
        # death at tau in (0, t): density s beta^s/(beta+tau)^(s+1), count NB(r, alpha/(alpha+tau)) at tau
        tau = 0.5 * flat_t[:, None] * (nodes[None, :] + 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_nb_tau = (
                gammaln(r + flat_n[:, None])
                - gammaln(r)
                - gammaln(flat_n[:, None] + 1)
                + r * np.log(alpha / (alpha + tau))
                + flat_n[:, None] * np.log(tau / (alpha + tau))
            )
            dens = np.log(s) + s * np.log(beta) - (s + 1.0) * np.log(beta + tau)
            dead = (0.5 * flat_t[:, None] * wts[None, :] * np.exp(log_nb_tau + dens)).sum(axis=1)
        out.ravel()[:] = alive + np.nan_to_num(dead)
        return out

    def to_lifetimes(self):
        """The equivalent ``lifetimes.ParetoNBDFitter`` with these parameters."""
        from lifetimes import ParetoNBDFitter

        fitter = ParetoNBDFitter()
        fitter.params_ = self.params_.copy()
        fitter.params_.name = None
        return fitter
