"""BG/NBD: the beta-geometric / negative binomial distribution model."""

from __future__ import annotations

import numpy as np
from scipy.special import betainc, betaln, gammaln, hyp2f1

from crmmine.value._base import TransactionModel
from crmmine.value._fitting import CompressedData

__all__ = ["BGNBD"]


class BGNBD(TransactionModel):
    """Beta-geometric/NBD model of repeat buying (Fader, Hardie & Lee 2005).

    While active, a customer buys as a Poisson process with rate
    ``lambda ~ Gamma(r, alpha)``; after each purchase she drops out with
    probability ``p ~ Beta(a, b)``.

    Parameters
    ----------
    penalizer : float, default 0.0
        L2 penalty on the parameters added to the mean negative log-likelihood.
    n_starts : int, default 3
        Starting points tried; the best converged run wins.
    tol, max_iter : float, int
        Optimiser tolerance and iteration limit.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha``, ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood as in the paper (no constant dropped).
    standard_errors_ : pandas.Series
        From the inverse Hessian of the negative log-likelihood.
    convergence_ : dict
        Every start's outcome, compressed row count, Hessian check.

    Examples
    --------
    >>> import pandas as pd
    >>> summary = pd.DataFrame({"frequency": [2, 1, 0], "recency": [30.43, 1.71, 0.0],
    ...                         "T": [38.86, 38.86, 38.86]})
    >>> model = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> model.expected_purchases(summary, 39).round(3).tolist()[0]
    1.226
    >>> round(float(model.p_alive(summary).iloc[0]), 3)
    0.727

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers"
    the easy way: an alternative to the Pareto/NBD model. *Marketing Science* 24(2), 275-284.
    """

    _param_names = ("r", "alpha", "a", "b")
    _model_name = "BG/NBD"

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        scale = max(float(np.average(data.columns["T"], weights=data.weights)) / 8.0, 1e-3)
        return [
            np.log(np.array(p))
            for p in (
                [0.5, scale, 1.0, 2.0],
                [1.0, 1.0, 1.0, 1.0],
                [0.2, scale * 4, 0.5, 5.0],
                [2.0, scale / 4, 2.0, 1.0],
            )
        ]

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        r, alpha, a, b = theta
        x, tx, T = cols["frequency"], cols["recency"], cols["T"]
        a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        a2 = betaln(a, b + x) - betaln(a, b)
        a3 = -(r + x) * np.log(alpha + T)
        with np.errstate(divide="ignore", invalid="ignore"):
            a4 = np.where(
                x > 0,
                np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx),
                -np.inf,
            )
        return a1 + a2 + np.logaddexp(a3, a4)

    def _p_alive(self, x, tx, T):
        r, alpha, a, b = self._theta()
        with np.errstate(divide="ignore", over="ignore"):
            log_odds = (
                np.log(a)
                - np.log(np.maximum(b + x - 1, 1e-300))
                + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
            )
        return np.where(x > 0, 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700.0))), 1.0)

    def _conditional_expectation(self, x, tx, T, t):
        r, alpha, a, b = self._theta()
        z = t / (alpha + T + t)
        # Euler's transformation keeps the parameters of 2F1 moderate for heavy buyers:
        # ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
        #   = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)
        tail = (1.0 - z) ** (a - 1.0) * hyp2f1(a + b - 1.0 - r, a - 1.0, a + b + x - 1.0, z)
        return (a + b + x - 1.0) / (a - 1.0) * (1.0 - tail) * self._p_alive(x, tx, T)

    def expected_purchases_new(self, t: float | np.ndarray) -> np.ndarray:
        """E[X(t)]: expected purchases in ``(0, t]`` of a customer who starts at 0.

        Examples
        --------
        >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
        >>> float(m.expected_purchases_new(39).round(4))
        1.195
        """
        r, alpha, a, b = self._theta()
        t = np.asarray(t, dtype="float64")
        z = t / (alpha + t)
        return (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1.0, z))

    def _pmf(self, n: np.ndarray, t: np.ndarray) -> np.ndarray:
        r, alpha, a, b = self._theta()
        p = alpha / (alpha + t)
        log_nb = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(p) + n * np.log1p(-p)
        first = np.exp(betaln(a, b + n) - betaln(a, b) + log_nb)
        with np.errstate(invalid="ignore", divide="ignore"):
            second = np.where(
                n > 0,
                np.exp(betaln(a + 1, np.maximum(b + n - 1, 1e-300)) - betaln(a, b))
                * betainc(np.maximum(n, 1e-300), r, 1.0 - p),
                0.0,
            )
        return first + second

    def to_lifetimes(self):
        """The equivalent ``lifetimes.BetaGeoFitter`` with these parameters (for its plots)."""
        from lifetimes import BetaGeoFitter

        fitter = BetaGeoFitter()
        fitter.params_ = self.params_.copy()
        fitter.params_.name = None
        return fitter
