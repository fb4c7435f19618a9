"""BG/BB: the beta-geometric / beta-Bernoulli model for discrete opportunities."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import betaln, gammaln

from crmmine.value._base import BTYDModel, _read_weights
from crmmine.value._fitting import CompressedData, compress_rows

__all__ = ["BGBB"]


class BGBB(BTYDModel):
    """Beta-geometric/beta-Bernoulli model (Fader, Hardie & Shang 2010).

    For settings with discrete transaction opportunities (annual donations,
    event attendance): while alive, a customer transacts at each opportunity
    with probability ``p ~ Beta(alpha, beta)``; she becomes inactive at the start
    of each opportunity with probability ``theta ~ Beta(gamma, delta)``.

    Inputs per customer: ``frequency`` (transactions), ``recency`` (opportunity
    of the last transaction, 0 if none) and ``n_periods`` (opportunities observed).

    Parameters
    ----------
    penalizer, n_starts, tol, max_iter
        As in :class:`~crmmine.value.BGNBD`.

    Examples
    --------
    >>> import pandas as pd
    >>> m = BGBB.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    >>> s = pd.DataFrame({"frequency": [6, 0], "recency": [6, 0], "n_periods": [6, 6]})
    >>> m.p_alive(s).round(3).tolist()
    [0.93, 0.108]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Shang, J. (2010). Customer-base analysis in a
    discrete-time noncontractual setting. *Marketing Science* 29(6), 1086-1108.
    """

    _param_names = ("alpha", "beta", "gamma", "delta")
    _inputs = ("frequency", "recency", "n")
    _lifetimes_class = "BetaGeoBetaBinomFitter"
    _model_name = "BG/BB"

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        return [
            np.log(np.array(p)) for p in ([1.0, 1.0, 1.0, 1.0], [0.5, 0.5, 0.5, 2.0], [2.0, 1.0, 1.0, 4.0])
        ]

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        al, be, ga, de = theta
        x, tx, n = cols["frequency"], cols["recency"], cols["n"]
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

    def _read(self, summary: pd.DataFrame, frequency: str, recency: str, n_periods: str):
        cols = self._read_inputs(summary, {"frequency": frequency, "recency": recency, "n": n_periods})
        x, tx, n = cols["frequency"], cols["recency"], cols["n"]
        bad = (x > tx) | (tx > n) | ((x > 0) & (tx == 0)) | (x != np.floor(x)) | (n != np.floor(n))
        if bad.any():
            from crmmine.errors import bad_rows_error

            raise bad_rows_error(
                frequency,
                "inconsistent (frequency, recency, n_periods): need whole numbers "
                "with frequency <= recency <= n_periods",
                summary.loc[bad, [frequency, recency, n_periods]],
                int(bad.sum()),
                "recency is the opportunity of the last transaction (0 if none)",
            )
        return cols

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        weights: str | np.ndarray | None = None,
        frequency: str = "frequency",
        recency: str = "recency",
        n_periods: str = "periods",
    ):
        """Fit by maximum likelihood.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer, or per pattern with ``weights`` (the layout of the
            published donations data: frequency, recency, periods, weights).
        weights : str or array, optional
            Row weights.
        frequency, recency, n_periods : str
            Column names.

        Returns
        -------
        self
        """
        cols = self._read(summary, frequency, recency, n_periods)
        w = _read_weights(summary, weights)
        self._columns_used = (frequency, recency, n_periods)
        return self._fit_compressed(compress_rows(cols, w), summary.attrs.get("time_unit"))

    def _arrays(self, summary: pd.DataFrame):
        names = getattr(self, "_columns_used", ("frequency", "recency", "periods"))
        if names[2] not in summary.columns:
            for alias in ("periods", "n_periods", "T"):
                if alias in summary.columns:
                    names = (names[0], names[1], alias)
                    break
        cols = self._read(summary, *names)
        return cols["frequency"], cols["recency"], cols["n"]

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """P(alive at opportunity n + 1) given the history."""
        al, be, ga, de = self._theta()
        x, tx, n = self._arrays(summary)
        cols = {"frequency": x, "recency": tx, "n": n}
        num = betaln(al + x, be + n - x) - betaln(al, be) + betaln(ga, de + n + 1) - betaln(ga, de)
        return pd.Series(np.exp(num - self._loglik(self._theta(), cols)), index=summary.index, name="p_alive")

    def expected_purchases(self, summary: pd.DataFrame, t: int | np.ndarray) -> pd.Series:
        """Expected transactions in the next ``t`` opportunities given the history."""
        al, be, ga, de = self._theta()
        x, tx, n = self._arrays(summary)
        t = np.broadcast_to(np.asarray(t, dtype="float64"), x.shape)
        ll = self._loglik(self._theta(), {"frequency": x, "recency": tx, "n": n})
        # delta / (gamma - 1) stays outside the logs: both it and the difference change sign at gamma = 1.
        log_front = betaln(al + x + 1, be + n - x) - betaln(al, be) + gammaln(ga + de) - gammaln(1 + de) - ll
        diff = np.exp(gammaln(1 + de + n) - gammaln(ga + de + n)) - np.exp(
            gammaln(1 + de + n + t) - gammaln(ga + de + n + t)
        )
        value = np.exp(log_front) * de / (ga - 1.0) * diff
        return pd.Series(value, index=summary.index, name="expected_purchases")

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

    def purchase_pmf(self, k: int | np.ndarray, n: int | np.ndarray) -> np.ndarray:
        """P(X(n) = k): probability of ``k`` transactions in the first ``n`` opportunities."""
        al, be, ga, de = self._theta()
        k_b, n_b = np.broadcast_arrays(np.asarray(k, dtype="float64"), np.asarray(n, dtype="float64"))
        from scipy.special import comb

        alive = np.exp(
            betaln(al + k_b, be + n_b - k_b) - betaln(al, be) + betaln(ga, de + n_b) - betaln(ga, de)
        ) * comb(n_b, k_b)
        total = alive.copy()
        n_max = int(np.max(n_b)) if n_b.size else 0
        for i in range(n_max):  # death at opportunity i + 1 (loop over opportunities)
            valid = (k_b <= i) & (i < n_b)
            with np.errstate(invalid="ignore"):
                term = np.exp(
                    betaln(al + k_b, be + i - k_b) - betaln(al, be) + betaln(ga + 1, de + i) - betaln(ga, de)
                ) * comb(i, k_b)
            total = total + np.where(valid, term, 0.0)
        return total
