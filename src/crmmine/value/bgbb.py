"""BG/BB: the beta-geometric / beta-Bernoulli model for discrete opportunities."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import Any, ClassVar

import narwhals as nw
import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln

import crmmine._backend as _backend
from crmmine._params import validate_params
from crmmine.errors import ParameterError, bad_rows_error
from crmmine.value import _engine
from crmmine.value._base import (
    HOMOGENEOUS_SHAPE,
    NO_DROPOUT,
    SIMULATE_CONSTRAINTS,
    UnitModel,
    _distinct,
    _on_grid,
    _shape_output,
    _t_grid,
    limit_threads,
)
from crmmine.value._boundary import dropout_collapsed, homogeneous
from crmmine.value._fitting import CompressedData
from crmmine.value.simulate import ages_from, rng_from, simulate_bgbb

__all__ = ["BGBB"]


def _log_comb(n, k):
    return gammaln(n + 1.0) - gammaln(k + 1.0) - gammaln(n - k + 1.0)


def bgbb_pmf(k, n, al, be, ga, de) -> np.ndarray:
    """P(X(n) = k): ``k`` transactions in the first ``n`` opportunities (FHS 2010, eq. 8); arrays broadcast.

    Alive through all ``n`` opportunities, or dead at the start of opportunity ``i + 1`` having made
    ``k`` transactions in the first ``i``; the sum over ``i`` loops over opportunities, not customers.
    """
    k, n, al, be, ga, de = np.broadcast_arrays(
        *(np.asarray(v, dtype="float64") for v in (k, n, al, be, ga, de))
    )
    base_ab = betaln(al, be)
    base_gd = betaln(ga, de)
    with np.errstate(invalid="ignore", divide="ignore"):
        total = np.exp(_log_comb(n, k) + betaln(al + k, be + n - k) - base_ab + betaln(ga, de + n) - base_gd)
        total = np.where(k <= n, total, 0.0)
        n_max = int(np.max(n)) if n.size else 0
        for i in range(n_max):  # death at opportunity i + 1: a loop over opportunities
            valid = (k <= i) & (i < n)
            term = np.exp(
                _log_comb(float(i), k)
                + betaln(al + k, be + i - k)
                - base_ab
                + betaln(ga + 1.0, de + i)
                - base_gd
            )
            total = total + np.where(valid, term, 0.0)
    return total


class BGBB(UnitModel):
    """Beta-geometric/beta-Bernoulli model (Fader, Hardie & Shang 2010).

    For settings with discrete transaction opportunities (annual donations,
    event attendance): while alive, a customer transacts at each opportunity
    with probability ``p ~ Beta(alpha, beta)``; she becomes inactive at the start
    of each opportunity with probability ``theta ~ Beta(gamma, delta)``.

    Inputs per customer: ``frequency`` (transactions), ``recency`` (opportunity
    of the last transaction, 0 if none) and ``n_periods`` (opportunities observed,
    column ``periods`` by default).

    Parameters
    ----------
    penalizer, n_starts, tol, max_iter, warm_start, n_jobs
        As in :class:`~crmmine.value.BGNBD`.
    time_unit : str or float, optional
        Length of one opportunity (e.g. ``"Y"`` for annual donations): needed only to discount
        by an annual rate; horizons of this model are counted in opportunities.

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha``, ``beta``, ``gamma``, ``delta``.
    log_likelihood_, standard_errors_, covariance_, convergence_, warnings_, boundary_, input_columns_
        As in :class:`~crmmine.value.BGNBD`.

    See Also
    --------
    BGNBD : the continuous-time counterpart for freely timed purchases.
    ShiftedBetaGeometric : contractual setting, where churn is observed.
    clv : discounted lifetime value (horizons in opportunities).
    holdout_validation : compares its predictions with a holdout period.

    Examples
    --------
    >>> import pandas as pd
    >>> m = BGBB.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> s = pd.DataFrame({"frequency": [6, 0], "recency": [6, 0], "periods": [6, 6]})
    >>> m.p_alive(s).round(3).tolist()
    [0.93, 0.108]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Shang, J. (2010). Customer-base analysis in a
    discrete-time noncontractual setting. *Marketing Science* 29(6), 1086-1108.
    """

    _param_names = ("alpha", "beta", "gamma", "delta")
    _roles: ClassVar[dict[str, str]] = {
        "frequency": "frequency",
        "recency": "recency",
        "n_periods": "periods",
    }
    _lifetimes_class = "BetaGeoBetaBinomFitter"
    _model_name = "BG/BB"
    _nothing_to_learn: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("n_periods", "no opportunity observed (n_periods = 0 for everyone): nothing to learn",
         "check the columns, or use a longer observation period"),
        ("frequency", "no transaction at all (frequency = 0 for everyone): nothing to learn",
         "check the columns, or use a longer observation period"),
    )

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        return [
            np.log(np.array(p)) for p in ([1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 2.0], [2.0, 1.0, 1.0, 4.0])
        ]

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        al, be, ga, de = theta
        x, tx, n = cols["frequency"], cols["recency"], cols["n_periods"]
        base_ab = betaln(al, be)
        base_gd = betaln(ga, de)
        alive = betaln(al + x, be + n - x) - base_ab + betaln(ga, de + n) - base_gd
        terms = [alive]
        n_max = int(np.max(n - tx)) if n.size else 0
        # Sum over the opportunity at which the customer died (i = 0 .. n - t_x - 1): a loop over
        # opportunities (a handful), never over customers.
        for i in range(n_max):
            valid = i < (n - tx)
            with np.errstate(invalid="ignore"):
                term = betaln(al + x, be + tx - x + i) - base_ab + betaln(ga + 1.0, de + tx + i) - base_gd
            terms.append(np.where(valid, term, -np.inf))
        return np.logaddexp.reduce(np.vstack(terms), axis=0)

    def _read(self, summary: pd.DataFrame, names: dict[str, str]) -> dict[str, np.ndarray]:
        cols = self._read_inputs(summary, names)
        x, tx, n = cols["frequency"], cols["recency"], cols["n_periods"]
        bad = (x > tx) | (tx > n) | ((x > 0) & (tx == 0)) | (x != np.floor(x)) | (n != np.floor(n))
        bad |= tx != np.floor(tx)
        if bad.any():
            raise bad_rows_error(
                names["frequency"],
                "inconsistent (frequency, recency, n_periods): need whole numbers "
                "with frequency <= recency <= n_periods",
                summary.loc[bad, list(names.values())],
                int(bad.sum()),
                "recency is the opportunity of the last transaction (0 if none)",
            )
        return cols

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        weights: Any = None,
        columns: Mapping[str, str] | None = None,
        frequency: str | None = None,
        recency: str | None = None,
        n_periods: str | None = None,
    ):
        """Fit by maximum likelihood.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer, or per pattern with ``weights`` (the layout of the
            published donations data: frequency, recency, periods, weights).
        weights : str, Series or array, optional
            Row weights (column name, Series matched on the index, or array in row order).
        columns : mapping, optional
            Role -> column name for the roles ``frequency``, ``recency``, ``n_periods``.
        frequency, recency, n_periods : str, optional
            Column names (defaults ``frequency``, ``recency``, ``periods``).

        Returns
        -------
        self

        Raises
        ------
        DataError
            Nothing to learn: no transaction at all, or no opportunity observed.
        """

        names = self._column_names(columns, False, frequency=frequency, recency=recency, n_periods=n_periods)
        return self._fit_recording(lambda: self._fit_summary(summary, names, weights))

    def _engine_checks(self, names: dict[str, str]) -> list:
        """The checks of :meth:`_read` as engine expressions."""
        x, tx, n = (nw.col(names[r]).cast(nw.Float64) for r in ("frequency", "recency", "n_periods"))
        bad = (x > tx) | (tx > n) | ((x > 0) & (tx == 0)) | (x != x.floor()) | (n != n.floor())
        bad = bad | (tx != tx.floor())
        return [*_engine.input_checks(names), _backend.Check(
            names["frequency"], bad,
            "inconsistent (frequency, recency, n_periods): need whole numbers with frequency <= recency "
            "<= n_periods", "recency is the opportunity of the last transaction (0 if none)",
            show=tuple(names.values()))]

    def _opportunities(self, t: Any) -> float:
        if isinstance(t, bool | np.bool_) or not isinstance(t, Real) or t < 0 or t != np.floor(t):
            raise ParameterError(f"BG/BB horizons are whole numbers of opportunities >= 0, got {t!r}.")
        return float(t)

    def _alive_at(self, x, n, tx, extra):
        """P(alive at the start of opportunity n + 1 + extra | history)."""
        al, be, ga, de = self._theta()
        cols = {"frequency": x, "recency": tx, "n_periods": n}
        num = betaln(al + x, be + n - x) - betaln(al, be) + betaln(ga, de + n + 1 + extra) - betaln(ga, de)
        return np.exp(num - self._loglik(self._theta(), cols))

    @limit_threads
    def p_alive(self, summary: pd.DataFrame, t: Any = 0, *, columns: Any = None, **roles: str | None):
        """P(alive at opportunity ``n + 1 + t``) given the history (``t = 0``: the next opportunity).

        ``t`` is a whole number of opportunities, a Series matched on the index, or a list
        (one column per value). A polars, DuckDB or Spark summary gives a table of the same
        kind (computed once per distinct row, joined back inside the engine).
        """
        if _backend.is_engine(summary):
            return self._predict_engine(summary, lambda f, names: self.p_alive(f, t, columns=names),
                                        "p_alive", columns, roles, t)
        x, tx, n = self._arrays(summary, columns, **roles)
        grid, labels = _t_grid(t, summary.index, self._opportunities)
        values = _on_grid(self._alive_at, grid, x, n, tx)
        return _shape_output(values, summary.index, labels, "p_alive", "t")

    def _expected(self, x, tx, n, t):
        al, be, ga, de = self._theta()
        ll = self._loglik(self._theta(), {"frequency": x, "recency": tx, "n_periods": n})
        # delta / (gamma - 1) stays outside the logs: both it and the difference change sign at gamma = 1.
        log_front = betaln(al + x + 1, be + n - x) - betaln(al, be) + gammaln(ga + de) - gammaln(1 + de) - ll
        diff = np.exp(gammaln(1 + de + n) - gammaln(ga + de + n)) - np.exp(
            gammaln(1 + de + n + t) - gammaln(ga + de + n + t)
        )
        return np.exp(log_front) * de / (ga - 1.0) * diff

    @limit_threads
    def expected_purchases(self, summary: pd.DataFrame, t: Any, *, columns: Any = None, **roles: str | None):
        """Expected transactions in the next ``t`` opportunities given the history (FHS 2010, eq. 13).

        ``t`` combines with customers as in :meth:`crmmine.value.BGNBD.expected_purchases`.
        """
        if _backend.is_engine(summary):
            return self._predict_engine(
                summary, lambda f, names: self.expected_purchases(f, t, columns=names),
                "expected_purchases", columns, roles, t)
        x, tx, n = self._arrays(summary, columns, **roles)
        grid, labels = _t_grid(t, summary.index, self._opportunities)
        values = _on_grid(self._expected, grid, x, tx, n)
        return _shape_output(values, summary.index, labels, "expected_purchases", "t")

    @limit_threads
    def conditional_purchase_pmf(
        self, summary: pd.DataFrame, k: Any, t: Any, *, columns: Any = None, **roles: str | None
    ):
        """P(exactly ``k`` transactions in the next ``t`` opportunities | history).

        Alive at the end of opportunity ``n`` (the history's likelihood share of that branch), the
        future is a new customer's with parameters ``(alpha + x, beta + n - x, gamma, delta + n)``;
        otherwise no transaction. ``k`` may be a list (one column per ``k``).
        """
        if _backend.is_engine(summary):
            return self._predict_engine(
                summary, lambda f, names: self.conditional_purchase_pmf(f, k, t, columns=names),
                "purchase_probability", columns, roles, t)
        x, tx, n = self._arrays(summary, columns, **roles)
        many = isinstance(k, list | tuple | np.ndarray | pd.Index)
        ks = np.asarray(k if many else [k], dtype="float64").ravel()
        if ks.size == 0 or np.any(ks < 0) or np.any(ks != np.floor(ks)):
            raise ParameterError(f"k must be whole numbers >= 0, got {k!r}.")
        steps, labels = _t_grid(t, summary.index, self._opportunities)
        if labels is not None:
            raise ParameterError("t must be one number of opportunities (or a Series), not a list.")
        al, be, ga, de = self._theta()
        # a handful of distinct (x, t_x, n, t) patterns stand for many customers: compute once each
        (ux, utx, un, ut), codes = _distinct(x, tx, n, steps)
        cols = {"frequency": ux, "recency": utx, "n_periods": un}
        alive_n = np.exp(
            betaln(al + ux, be + un - ux)
            - betaln(al, be)
            + betaln(ga, de + un)
            - betaln(ga, de)
            - self._loglik(self._theta(), cols)
        )
        values = np.empty((len(x), ks.shape[0]))
        for j, kk in enumerate(ks):  # loop over the requested counts
            pmf = bgbb_pmf(kk, ut, al + ux, be + un - ux, ga, de + un)
            values[:, j] = (alive_n * pmf + (1.0 - alive_n) * (kk == 0))[codes]
        if not many:
            return pd.Series(values[:, 0], index=summary.index, name="purchase_probability")
        return _shape_output(values, summary.index, [int(v) for v in ks], "purchase_probability", "k")

    def expected_purchases_new(self, t: int | np.ndarray) -> np.ndarray:
        """Expected transactions in the first ``t`` opportunities of a new customer.

        Examples
        --------
        >>> m = BGBB.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
        >>> bool(m.expected_purchases_new(6) > 0)
        True
        """
        al, be, ga, de = self._theta()
        t = np.asarray(t, dtype="float64")
        return (
            al
            / (al + be)
            * de
            / (ga - 1.0)
            * (1.0 - np.exp(gammaln(ga + de) + gammaln(1 + de + t) - gammaln(ga + de + t) - gammaln(1 + de)))
        )

    @limit_threads
    def purchase_pmf(self, k: int | np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """P(X(n) = k): probability of ``k`` transactions in the first ``n`` opportunities."""
        al, be, ga, de = self._theta()
        return bgbb_pmf(k, n, al, be, ga, de)

    def _collapse_checks(self, theta, data):
        al, be, ga, de = theta
        n_max = float(np.max(data.columns["n_periods"][data.weights > 0]))
        # a new customer is alive at the start of opportunity n_max with probability
        # B(ga, de + n_max) / B(ga, de)
        p_drop = -float(np.expm1(betaln(ga, de + n_max) - betaln(ga, de)))
        findings = []
        if p_drop < NO_DROPOUT:
            findings.append(
                (
                    ("gamma", "delta"),
                    "drop-out collapsed (nobody leaves)",
                    dropout_collapsed(
                        self._model_name,
                        {"gamma": ga, "delta": de},
                        p_drop,
                        n_max,
                        "the beta-binomial model (no drop-out)",
                    ),
                )
            )
        elif ga + de > HOMOGENEOUS_SHAPE:
            findings.append(
                (
                    ("gamma", "delta"),
                    "drop-out probability the same for everyone",
                    homogeneous(
                        self._model_name,
                        "drop-out probability",
                        {"gamma": ga, "delta": de},
                        f"gamma/(gamma+delta) = {ga / (ga + de):.3g}",
                    ),
                )
            )
        if al + be > HOMOGENEOUS_SHAPE:
            findings.append(
                (
                    ("alpha", "beta"),
                    "transaction probability the same for everyone",
                    homogeneous(
                        self._model_name,
                        "transaction probability",
                        {"alpha": al, "beta": be},
                        f"alpha/(alpha+beta) = {al / (al + be):.3g}",
                    ),
                )
            )
        return findings

    @validate_params(SIMULATE_CONSTRAINTS)
    def simulate(self, n_periods: Any, *, n_customers: int | None = None, random_state: Any = None):
        """Draw customers from the fitted model over ``n_periods`` opportunities.

        Returns
        -------
        pandas.DataFrame
            ``frequency``, ``recency``, ``periods`` (a summary the model can be fitted on) and
            ``alive`` (still active at the start of opportunity ``periods + 1``).
        """
        theta = self._theta()
        return simulate_bgbb(theta, ages_from(n_periods, n_customers, "n_periods"), rng_from(random_state))
