"""MBG/NBD: the modified BG/NBD, where customers may also drop out at time zero."""

from __future__ import annotations

import numpy as np
from scipy.special import betainc, betaln, gammaln, hyp2f1, xlog1py

from crmmine.value._base import TransactionModel
from crmmine.value._fitting import CompressedData
from crmmine.value.bgnbd import bg_collapse_checks, bgnbd_pmf, survival_bg
from crmmine.value.simulate import simulate_bgnbd

__all__ = ["MBGNBD"]


class MBGNBD(TransactionModel):
    """Modified beta-geometric/NBD model (Batislam, Denizel & Filiztekin 2007).

    Like :class:`~crmmine.value.BGNBD`, but the drop-out coin is also tossed at
    the first purchase, so a customer with no repeat purchase need not be alive:
    P(alive) is below one for everyone.

    Parameters
    ----------
    penalizer, n_starts, tol, max_iter, warm_start, time_unit, n_jobs
        As in :class:`~crmmine.value.BGNBD`.

    See Also
    --------
    BGNBD : the original model, where customers without repeat purchases are alive.
    ParetoNBD : the continuous-lifetime alternative.
    clv : discounted lifetime value from the fitted model.
    holdout_validation : compares its predictions with a holdout period.

    Examples
    --------
    >>> import pandas as pd
    >>> m = MBGNBD.from_params(r=0.525, alpha=6.183, a=0.891, b=1.614)
    >>> s = pd.DataFrame({"frequency": [0, 2], "recency": [0.0, 30.43], "T": [38.86, 38.86]})
    >>> bool((m.p_alive(s) < 1).all())
    True

    References
    ----------
    Batislam, E. P., Denizel, M. and Filiztekin, A. (2007). Empirical validation and comparison
    of models for customer base analysis. *International Journal of Research in Marketing*
    24(3), 201-209.
    """

    _param_names = ("r", "alpha", "a", "b")
    _lifetimes_class = "ModifiedBetaGeoFitter"
    _model_name = "MBG/NBD"

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        scale = max(float(np.average(data.columns["T"], weights=data.weights)) / 8.0, 1e-3)
        return [
            np.log(np.array(p))
            for p in ([0.5, scale, 1.0, 2.0], [1.0, 1.0, 1.0, 1.0], [0.2, scale * 4, 0.5, 5.0])
        ]

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        r, alpha, a, b = theta
        x, tx, T = cols["frequency"], cols["recency"], cols["T"]
        base = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + betaln(a, b + x + 1) - betaln(a, b)
        alive = -(r + x) * np.log(alpha + T)
        dropped = np.log(a) - np.log(b + x) - (r + x) * np.log(alpha + tx)
        return base + np.logaddexp(alive, dropped)

    def _p_alive(self, x, tx, T):
        r, alpha, a, b = self._theta()
        log_odds = np.log(a) - np.log(b + x) + (r + x) * (np.log(alpha + T) - np.log(alpha + tx))
        return 1.0 / (1.0 + np.exp(np.minimum(log_odds, 700.0)))

    def _conditional_expectation(self, x, tx, T, t):
        r, alpha, a, b = self._theta()
        z = t / (alpha + T + t)
        # ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x+1; a+b+x; z) = (1-z)^(a-1) 2F1(a+b-r, a-1; a+b+x; z)
        tail = (1.0 - z) ** (a - 1.0) * hyp2f1(a + b - r, a - 1.0, a + b + x, z)
        return (a + b + x) / (a - 1.0) * (1.0 - tail) * self._p_alive(x, tx, T)

    def expected_purchases_new(self, t: float | np.ndarray) -> np.ndarray:
        """E[X(t)] for a customer who starts at 0.

        Examples
        --------
        >>> m = MBGNBD.from_params(r=0.525, alpha=6.183, a=0.891, b=1.614)
        >>> bool(m.expected_purchases_new(39) > 0)
        True
        """
        r, alpha, a, b = self._theta()
        t = np.asarray(t, dtype="float64")
        return b / (a - 1.0) * (1.0 - (alpha / (alpha + t)) ** r * hyp2f1(r, b + 1.0, a + b, t / (alpha + t)))

    def _pmf_at(self, theta, n, t):
        r, alpha, a, b = theta
        p = alpha / (alpha + t)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_nb = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(p) + xlog1py(n, -p)
            # survived all n+1 tosses and made n purchases, or dropped at the (n+1)th toss
            # (after the nth purchase, including n = 0) having reached n purchases before dropping.
            alive = np.exp(betaln(a, b + n + 1) - betaln(a, b) + log_nb)
            reach = np.where(n > 0, betainc(np.maximum(n, 1e-300), r, 1.0 - p), 1.0)
        dropped = np.exp(betaln(a + 1, b + n) - betaln(a, b)) * reach
        return alive + dropped

    def _simulate(self, theta, ages, rng):
        return simulate_bgnbd(theta, ages, rng, modified=True)

    def _survival(self, x, T, t):
        r, alpha, a, b = self._theta()
        # alive at T after x + 1 tosses survived: p ~ Beta(a, b + x + 1), and from then on each
        # purchase is followed by a toss, as in BG/NBD
        return survival_bg(r + x, alpha + T, a, b + x + 1.0, t)

    def _future_pmf(self, x, T, n, t):
        # Alive at T, the future is a BG/NBD customer (no toss at the start) with
        # (r + x, alpha + T, a, b + x + 1).
        r, alpha, a, b = self._theta()
        return bgnbd_pmf(n, t, r + x, alpha + T, a, b + x + 1.0)

    def _collapse_checks(self, theta, data):
        r, alpha, a, b = theta
        t_max = float(np.max(data.columns["T"][data.weights > 0]))
        # a new MBG/NBD customer survives the first toss with probability b/(a+b), then as BG/NBD with b + 1
        survival = b / (a + b) * survival_bg(r, alpha, a, b + 1.0, t_max)
        return bg_collapse_checks(
            self._model_name,
            r,
            alpha,
            a,
            b,
            data,
            "the NBD model (no drop-out)",
            survival=survival,
            initial_toss=True,
        )
