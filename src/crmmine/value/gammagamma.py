"""Gamma-Gamma model of average transaction value."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pandas as pd
from scipy.special import gammaln

from crmmine.errors import ParameterError
from crmmine.value._base import BTYDModel, _read_weights
from crmmine.value._fitting import CompressedData, compress_rows

__all__ = ["GammaGamma"]


class GammaGamma(BTYDModel):
    """Gamma-Gamma spend model (Colombo & Jiang 1999; Fader, Hardie & Lee 2005).

    A customer's transaction values are gamma with shape ``p`` and a scale
    ``nu ~ Gamma(q, gamma)`` that varies across customers; the model assumes
    spend is independent of the purchase process.  Only customers with repeat
    purchases are fitted, on the mean of their repeat transactions.

    Parameters
    ----------
    penalizer, n_starts, tol, max_iter
        As in :class:`~crmmine.value.BGNBD`.

    Attributes
    ----------
    params_ : pandas.Series
        ``p``, ``q``, ``gamma``.
    n_excluded_ : int
        Customers left out of the fit because they have no repeat purchase.

    Examples
    --------
    >>> import pandas as pd
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> s = pd.DataFrame({"frequency": [0, 4], "repeat_monetary_mean": [0.0, 50.0]})
    >>> gg.expected_spend(s).round(2).tolist()
    [35.22, 48.54]

    References
    ----------
    Colombo, R. and Jiang, W. (1999). A stochastic RFM model. *Journal of Interactive
    Marketing* 13(3), 2-12.
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves
    for customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
    Fader, P. S. and Hardie, B. G. S. (2013). The Gamma-Gamma model of monetary value.
    http://brucehardie.com/notes/025/
    """

    _param_names = ("p", "q", "gamma")
    _inputs = ("frequency", "monetary")
    _lifetimes_class = "GammaGammaFitter"
    _lifetimes_names: ClassVar[dict[str, str]] = {"gamma": "v"}
    _model_name = "Gamma-Gamma"

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        m = max(float(np.average(data.columns["monetary"], weights=data.weights)), 1e-6)
        return [np.log(np.array(p)) for p in ([2.0, 2.0, m], [1.0, 1.0, 1.0], [5.0, 3.0, m * 3])]

    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        p, q, g = theta
        x, m = cols["frequency"], cols["monetary"]
        return (
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(g)
            + (p * x - 1.0) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(g + m * x)
        )

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        weights: str | np.ndarray | None = None,
        frequency: str = "frequency",
        monetary: str = "repeat_monetary_mean",
        nonpositive: str = "raise",
    ):
        """Fit on customers with ``frequency > 0``.

        Parameters
        ----------
        summary : pandas.DataFrame
            Customer summary.
        weights : str or array, optional
            Row weights.
        frequency, monetary : str
            Repeat-purchase count and mean value of the repeat transactions.
        nonpositive : {"raise", "exclude"}
            What to do with repeat customers whose mean repeat spend is zero or negative (e.g.
            several orders on the first day only, or returns netted in): raise a
            ``DataError`` listing them, or leave them out of the fit and count them in
            ``n_excluded_nonpositive_``.

        Returns
        -------
        self
        """
        cols = self._read_inputs(summary, {"frequency": frequency, "monetary": monetary})
        keep = cols["frequency"] > 0
        if not keep.any():
            raise ParameterError(
                "Gamma-Gamma needs customers with repeat purchases; none have frequency > 0."
            )
        bad = keep & (cols["monetary"] <= 0)
        self.n_excluded_nonpositive_ = 0
        if bad.any() and nonpositive == "exclude":
            self.n_excluded_nonpositive_ = int(bad.sum())
            keep = keep & ~bad
        elif nonpositive not in ("raise", "exclude"):
            raise ParameterError(f"nonpositive must be 'raise' or 'exclude', got {nonpositive!r}")
        elif bad.any():
            from crmmine.errors import bad_rows_error

            raise bad_rows_error(
                monetary,
                "non-positive mean spend for customers with repeat purchases",
                summary.loc[bad, [frequency, monetary]],
                int(bad.sum()),
                "the model needs positive transaction values: drop returns first, or pass "
                "nonpositive='exclude' to fit without these customers",
            )
        w = _read_weights(summary, weights, keep)
        self.n_excluded_ = int((~keep).sum())
        data = compress_rows({k: v[keep] for k, v in cols.items()}, w)
        return self._fit_compressed(data, summary.attrs.get("time_unit"))

    def expected_spend(
        self, summary: pd.DataFrame, *, frequency: str = "frequency", monetary: str = "repeat_monetary_mean"
    ) -> pd.Series:
        """E[M | x, m_x]: expected average transaction value per customer.

        Customers without repeat purchases get the population mean ``p gamma / (q - 1)``.
        """
        p, q, g = self._theta()
        cols = self._read_inputs(summary, {"frequency": frequency, "monetary": monetary})
        x, m = cols["frequency"], cols["monetary"]
        value = (p * (g + x * m)) / (p * x + q - 1.0)
        return pd.Series(value, index=summary.index, name="expected_spend")

    def expected_spend_new(self) -> float:
        """Population mean transaction value ``p gamma / (q - 1)`` (finite for ``q > 1``)."""
        p, q, g = self._theta()
        return float(p * g / (q - 1.0)) if q > 1 else float("inf")
