"""BG/NBD: the beta-geometric / negative binomial distribution model."""

from __future__ import annotations

import math

import numba
import numpy as np
from scipy.special import betainc, betaln, digamma, gammaln, hyp2f1, xlog1py

from crmmine.value._base import TransactionModel
from crmmine.value._fitting import CompressedData, Factorised, factorise
from crmmine.value.simulate import simulate_bgnbd

__all__ = ["BGNBD"]


@numba.njit(cache=True)
def _bgnbd_rows(r, log_a, x, w, ix, iT, itx, log_bx1, log_aT, inv_aT, log_atx, inv_atx, n_x):
    """One pass over distinct rows: the two-branch log-likelihood term and its row-level gradient sums."""
    ll = 0.0
    g_r = 0.0
    g_alpha = 0.0
    wx4 = np.zeros(n_x)
    for i in range(x.shape[0]):
        rx = r + x[i]
        la = log_aT[iT[i]]
        a3 = -rx * la
        if x[i] > 0:
            lt = log_atx[itx[i]]
            a4 = log_a - log_bx1[ix[i]] - rx * lt
            if a4 > a3:
                e = math.exp(a3 - a4)
                term = a4 + math.log1p(e)
                w4 = 1.0 / (1.0 + e)
            else:
                e = math.exp(a4 - a3)
                term = a3 + math.log1p(e)
                w4 = e / (1.0 + e)
            w3 = 1.0 - w4
            ll += w[i] * term
            g_r += w[i] * (w3 * la + w4 * lt)
            g_alpha += w[i] * rx * (w3 * inv_aT[iT[i]] + w4 * inv_atx[itx[i]])
            wx4[ix[i]] += w[i] * w4
        else:
            ll += w[i] * a3
            g_r += w[i] * la
            g_alpha += w[i] * rx * inv_aT[iT[i]]
    return ll, g_r, g_alpha, wx4


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
    warm_start : dict, Series or array, optional
        Starting parameter values tried first (e.g. a previous fit's ``params_``).
    time_unit : str or float, optional
        Unit of ``recency`` and ``T``. ``None`` takes the unit recorded by
        :func:`crmmine.customer_summary`; an explicit unit that contradicts it raises.
    n_jobs : int, optional
        Threads used by the fit and the per-customer predictions (numba's parallel loops,
        BLAS): ``None`` = 1, ``-1`` = all cores. The numbers do not depend on it.

    Attributes
    ----------
    params_ : pandas.Series
        ``r``, ``alpha``, ``a``, ``b``.
    log_likelihood_ : float
        Total log-likelihood as in the paper (no constant dropped).
    standard_errors_, covariance_ : pandas.Series, pandas.DataFrame
        From the inverse Hessian of the negative log-likelihood.
    time_unit_ : str, float or None
        The unit the parameters are expressed in.
    input_columns_ : dict
        Role -> column used in ``fit`` (predictions use the same names by default).
    convergence_ : dict
        Every start's outcome, compressed row count, Hessian check.
    warnings_ : list of str
        crmmine warnings raised by ``fit`` (boundary fits, data repairs).
    boundary_ : dict
        Parameters at a boundary of the parameter space and what collapsed.

    See Also
    --------
    ParetoNBD : the same purchase process with an exponential lifetime in continuous time.
    MBGNBD : lets customers without repeat purchases drop out as well.
    GammaGamma : the spend model combined with this one by :func:`clv`.
    clv : discounted lifetime value from the fitted model.
    holdout_validation : compares its predictions with a holdout period.
    alive_path : each customer's P(alive) over time.
    crmmine.customer_summary : builds the ``frequency``, ``recency``, ``T`` table it is fitted on.

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
    _lifetimes_class = "BetaGeoFitter"
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

    def _prepare(self, data: CompressedData) -> Factorised:
        return factorise(data)

    def _value_and_grad(self, theta: np.ndarray, f: Factorised) -> tuple[float, np.ndarray]:
        """Total log-likelihood and its gradient in (r, alpha, a, b), analytic (FHL 2005, eq. 6).

        Terms that depend on x alone are evaluated per distinct x; the rest needs two lookups
        and one logistic weight per distinct (x, t_x, T) row.
        """
        r, alpha, a, b = theta
        ux, ix, wx = f.values["frequency"], f.index["frequency"], f.weight_by["frequency"]
        iT, itx = f.index["T"], f.index["recency"]
        log_aT = np.log(alpha + f.values["T"])
        inv_aT = 1.0 / (alpha + f.values["T"])
        log_atx = np.log(alpha + f.values["recency"])
        inv_atx = 1.0 / (alpha + f.values["recency"])
        x = f.rows["frequency"]
        w = f.weights
        pos_x = ux > 0
        log_bx1 = np.where(pos_x, np.log(np.where(pos_x, b + ux - 1.0, 1.0)), 0.0)
        # per distinct x
        a_x = gammaln(r + ux) - gammaln(r) + r * np.log(alpha) + betaln(a, b + ux) - betaln(a, b)
        ll_rows, g_r_rows, g_alpha_rows, wx4 = _bgnbd_rows(
            r, np.log(a), x, w, ix, iT, itx, log_bx1, log_aT, inv_aT, log_atx, inv_atx, ux.shape[0]
        )
        ll = float(np.dot(wx, a_x) + ll_rows)
        psi_ab = digamma(a + b)
        psi_abx = digamma(a + b + ux)
        g_r = np.dot(wx, digamma(r + ux) - digamma(r) + np.log(alpha)) - g_r_rows
        g_alpha = r / alpha * wx.sum() - g_alpha_rows
        g_a = np.dot(wx, psi_ab - psi_abx) + wx4.sum() / a
        inv_bx1 = np.where(pos_x, 1.0 / np.where(pos_x, b + ux - 1.0, 1.0), 0.0)
        g_b = np.dot(wx, digamma(b + ux) - psi_abx - digamma(b) + psi_ab) - np.dot(wx4, inv_bx1)
        return ll, np.array([g_r, g_alpha, g_a, g_b])

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

    def _survival(self, x, T, t):
        r, alpha, a, b = self._theta()
        return survival_bg(r + x, alpha + T, a, b + x, t)

    def _future_pmf(self, x, T, n, t):
        # Alive at T, the future is a new BG/NBD customer with (r + x, alpha + T, a, b + x).
        r, alpha, a, b = self._theta()
        return bgnbd_pmf(n, t, r + x, alpha + T, a, b + x)

    def _collapse_checks(self, theta, data):
        r, alpha, a, b = theta
        return bg_collapse_checks(
            self._model_name,
            r,
            alpha,
            a,
            b,
            data,
            "the NBD model (no drop-out)",
            survival=survival_bg(r, alpha, a, b, _t_max(data)),
        )

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

    def _pmf_at(self, theta, n, t):
        r, alpha, a, b = theta
        return bgnbd_pmf(n, t, r, alpha, a, b)

    def _simulate(self, theta, ages, rng):
        return simulate_bgnbd(theta, ages, rng)


def _t_max(data: CompressedData) -> float:
    return float(np.max(data.columns["T"][data.weights > 0]))


def survival_bg(r, alpha, a, b, t):
    """P(still alive after ``t``) for a BG/NBD customer alive now, with parameters (r, alpha, a, b).

    Each purchase ends the relationship with probability p, so given the rate lambda and p the
    survival is ``E[(1-p)^N(t)] = exp(-lambda p t)``; averaged over lambda ~ Gamma(r, alpha) and
    p ~ Beta(a, b) it is ``2F1(r, a; a + b; -t/alpha)``, evaluated after Pfaff's transformation
    as ``(alpha/(alpha+t))^a 2F1(a + b - r, a; a + b; t/(alpha+t))`` (argument in [0, 1)).
    """
    t = np.asarray(t, dtype="float64")
    z = t / (alpha + t)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = (alpha / (alpha + t)) ** a * hyp2f1(a + b - r, a, a + b, z)
    return np.clip(np.where(t > 0, value, 1.0), 0.0, 1.0)


def bgnbd_pmf(n, t, r, alpha, a, b):
    """P(X(t) = n) of the BG/NBD model (Fader, Hardie & Lee 2005, eq. 8); arrays broadcast."""
    n, t, r, alpha, a, b = np.broadcast_arrays(
        *(np.asarray(v, dtype="float64") for v in (n, t, r, alpha, a, b))
    )
    p = alpha / (alpha + t)
    with np.errstate(invalid="ignore", divide="ignore"):
        log_nb = gammaln(r + n) - gammaln(r) - gammaln(n + 1) + r * np.log(p) + xlog1py(n, -p)
        first = np.exp(betaln(a, b + n) - betaln(a, b) + log_nb)
        second = np.where(
            n > 0,
            np.exp(betaln(a + 1, np.maximum(b + n - 1, 1e-300)) - betaln(a, b))
            * betainc(np.maximum(n, 1e-300), r, 1.0 - p),
            0.0,
        )
    return first + second


def bg_collapse_checks(model, r, alpha, a, b, data, reduces_to, survival, initial_toss=False):
    """Boundary findings shared by BG/NBD and MBG/NBD (drop-out collapse, homogeneity)."""
    from crmmine.value._base import HOMOGENEOUS_SHAPE, NO_DROPOUT
    from crmmine.value._boundary import dropout_collapsed, homogeneous

    findings = []
    t_max = _t_max(data)
    # P(a new customer has left by t_max) = 1 - E[exp(-lambda p t)] <= E[lambda] E[p] t (+ E[p] for the
    # toss at time 0 of MBG/NBD): the bound stays reliable where 2F1 with huge parameters does not.
    mean_p = a / (a + b)
    bound = mean_p * (r / alpha) * t_max + (mean_p if initial_toss else 0.0)
    exact = 1.0 - float(np.asarray(survival))
    p_drop = min(bound, exact) if np.isfinite(exact) and 0.0 <= exact <= 1.0 else bound
    if p_drop < NO_DROPOUT:
        findings.append(
            (
                ("a", "b"),
                "drop-out collapsed (nobody leaves)",
                dropout_collapsed(
                    model,
                    {"a": a, "b": b},
                    p_drop,
                    t_max,
                    reduces_to,
                    extra=f"; mean drop-out probability per purchase a/(a+b) = {a / (a + b):.3g}",
                ),
            )
        )
    elif a + b > HOMOGENEOUS_SHAPE:
        findings.append(
            (
                ("a", "b"),
                "drop-out probability the same for everyone",
                homogeneous(model, "drop-out probability", {"a": a, "b": b}, f"a/(a+b) = {a / (a + b):.3g}"),
            )
        )
    if r > HOMOGENEOUS_SHAPE:
        findings.append(
            (
                ("r", "alpha"),
                "purchase rate the same for everyone",
                homogeneous(
                    model,
                    "purchase rate",
                    {"r": r, "alpha": alpha},
                    f"r/alpha = {r / alpha:.3g} per time unit",
                ),
            )
        )
    return findings
