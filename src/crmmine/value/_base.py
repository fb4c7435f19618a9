"""Base class shared by the buy-till-you-die models."""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError, bad_rows_error
from crmmine.value._fitting import CompressedData, compress_rows, numeric_hessian, optimise

__all__ = ["BTYDModel", "TransactionModel"]


def _column(summary: pd.DataFrame, name: str, role: str) -> np.ndarray:
    values = pd.to_numeric(summary[name], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise bad_rows_error(
            name,
            f"missing, non-numeric or negative values for {role}",
            summary.loc[bad, [name]],
            int(bad.sum()),
            "build the summary with crmmine.customer_summary or fill/remove those rows",
        )
    return values


def _hessian_from_gradient(grad, theta: np.ndarray, rel_step: float = 1e-6) -> np.ndarray:
    """Forward differences of an analytic gradient (p + 1 gradient calls), symmetrised."""
    p = theta.shape[0]
    hess = np.empty((p, p))
    with np.errstate(all="ignore"):
        g0 = grad(theta)
        for i in range(p):  # over parameters
            h = rel_step * max(abs(theta[i]), 1e-3)
            e = np.zeros(p)
            e[i] = h
            hess[i] = (grad(theta + e) - g0) / h
    return 0.5 * (hess + hess.T)


def _read_weights(
    summary: pd.DataFrame, weights: str | np.ndarray | None, keep: np.ndarray | None = None
) -> np.ndarray | None:
    """Row weights from a column name or an array: finite, non-negative, one per summary row."""
    if weights is None:
        return None
    w = (
        summary[weights].to_numpy(dtype="float64")
        if isinstance(weights, str)
        else np.asarray(weights, dtype="float64")
    )
    if w.shape[0] != len(summary) or (~np.isfinite(w) | (w < 0)).any():
        raise ParameterError("weights must be finite, non-negative and one per summary row")
    return w if keep is None else w[keep]


class BTYDModel:
    """Common machinery: input checks, compression, fitting, standard errors, summary.

    Subclasses set ``_param_names`` and ``_inputs`` and implement ``_loglik``
    (per-row log-likelihood for natural parameters) and ``_start_points``.
    """

    _param_names: tuple[str, ...] = ()
    _inputs: tuple[str, ...] = ("frequency", "recency", "T")
    _model_name: str = "model"

    def __init__(
        self, penalizer: float = 0.0, n_starts: int = 3, tol: float = 1e-12, max_iter: int = 2000
    ) -> None:
        self.penalizer = penalizer
        self.n_starts = n_starts
        self.tol = tol
        self.max_iter = max_iter

    # -- to implement -------------------------------------------------------
    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        return [np.zeros(len(self._param_names))]

    # -- input --------------------------------------------------------------
    def _read_inputs(self, summary: pd.DataFrame, names: dict[str, str]) -> dict[str, np.ndarray]:
        if not isinstance(summary, pd.DataFrame):
            raise ParameterError(
                f"{self._model_name} expects a pandas DataFrame summary, got "
                f"{type(summary).__name__}; build one with crmmine.customer_summary."
            )
        require_columns(summary.columns, list(names.values()), role="customer summary")
        cols = {key: _column(summary, col, key) for key, col in names.items()}
        if "frequency" in cols:
            freq = cols["frequency"]
            frac = freq != np.floor(freq)
            if frac.any():
                raise bad_rows_error(
                    names["frequency"],
                    "non-integer repeat-purchase counts",
                    summary.loc[frac, [names["frequency"]]],
                    int(frac.sum()),
                    "frequency counts repeat purchases: pass whole numbers",
                )
        if "recency" in cols and "T" in cols:
            late = cols["recency"] > cols["T"] * (1 + 1e-9) + 1e-12
            if late.any():
                raise bad_rows_error(
                    names["recency"],
                    "recency later than T (age of the customer)",
                    summary.loc[late, [names["recency"], names["T"]]],
                    int(late.sum()),
                    "recency = last - first purchase and T = as_of - first purchase "
                    "must share the as_of date and time unit",
                )
            if "frequency" in cols:
                lone = (cols["frequency"] == 0) & (cols["recency"] > 0)
                if lone.any():
                    raise bad_rows_error(
                        names["recency"],
                        "recency > 0 for customers without repeat purchases",
                        summary.loc[lone, [names["frequency"], names["recency"]]],
                        int(lone.sum()),
                        "recency must be 0 when frequency is 0",
                    )
        return cols

    def _names(self, **kwargs: str) -> dict[str, str]:
        return {key: kwargs[key] for key in self._inputs}

    # -- objective ------------------------------------------------------------
    def _objective(self, data: CompressedData):
        total = data.n_obs

        def f(log_theta: np.ndarray) -> float:
            theta = np.exp(log_theta)
            ll = self._loglik(theta, data.columns)
            return -float(np.dot(data.weights, ll)) / total + self.penalizer * float(np.sum(theta**2))

        return f

    def _fit_compressed(self, data: CompressedData, time_unit: Any = None):
        if self.penalizer < 0:
            raise ParameterError(f"penalizer must be >= 0, got {self.penalizer!r}")
        if data.n_obs <= 0:
            raise ParameterError(f"{self._model_name}: no customers to fit (total weight 0).")
        starts = self._start_points(data)[: max(int(self.n_starts), 1)]
        warm = getattr(self, "_warm_start", None)
        if warm is not None:  # set by the bootstrap: refits start from the full-data optimum
            starts = [np.log(np.asarray(warm, dtype="float64")), *starts[: max(int(self.n_starts), 1) - 1]]
        value_and_grad = None
        if hasattr(self, "_value_and_grad"):
            prepared = self._prepare(data)
            total = data.n_obs

            def value_and_grad(log_theta: np.ndarray) -> tuple[float, np.ndarray]:
                theta = np.exp(log_theta)
                ll, grad = self._value_and_grad(theta, prepared)
                value = -ll / total + self.penalizer * float(np.sum(theta**2))
                return value, -grad * theta / total + 2.0 * self.penalizer * theta**2

        result = optimise(
            self._objective(data),
            starts,
            model=self._model_name,
            param_names=self._param_names,
            tol=self.tol,
            max_iter=self.max_iter,
            value_and_grad=value_and_grad,
        )
        theta = np.exp(result.x)
        self.params_ = pd.Series(theta, index=list(self._param_names), name="coef")
        ll_rows = self._loglik(theta, data.columns)
        self.log_likelihood_ = float(np.dot(data.weights, ll_rows))
        self.n_obs_ = data.n_obs
        self.n_rows_compressed_ = data.n_rows
        self.n_params_ = len(self._param_names)

        def total_nll(t: np.ndarray) -> float:
            with np.errstate(all="ignore"):
                val = -float(np.dot(data.weights, self._loglik(t, data.columns)))
            return val + self.penalizer * data.n_obs * float(np.sum(t**2))

        if value_and_grad is not None:
            hess = _hessian_from_gradient(
                lambda t: -self._value_and_grad(t, prepared)[1] + 2.0 * self.penalizer * data.n_obs * t, theta
            )
        else:
            hess = numeric_hessian(total_nll, theta)
        try:
            cov = np.linalg.inv(hess)
            se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
        except np.linalg.LinAlgError:
            cov = np.full_like(hess, np.nan)
            se = np.full(theta.shape, np.nan)
        self.covariance_ = pd.DataFrame(cov, index=self.params_.index, columns=self.params_.index)
        self.standard_errors_ = pd.Series(se, index=self.params_.index, name="se")
        self.convergence_ = {
            "runs": result.runs,
            "objective": result.fun,
            "n_rows_compressed": data.n_rows,
            "n_input_rows": data.n_input_rows,
            "hessian_positive_definite": bool(np.all(np.linalg.eigvalsh(hess) > 0)),
        }
        self.time_unit_ = time_unit
        return self

    # -- public ---------------------------------------------------------------
    @classmethod
    def from_params(cls, **params: float):
        """Build a model from known parameters, without fitting.

        Examples
        --------
        >>> from crmmine.value import BGNBD
        >>> BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259).params_["r"]
        np.float64(0.2426)
        """
        missing = [p for p in cls._param_names if p not in params]
        extra = [p for p in params if p not in cls._param_names]
        if missing or extra:
            raise ParameterError(
                f"{cls.__name__}.from_params needs exactly {list(cls._param_names)}; "
                f"missing {missing}, unexpected {extra}"
            )
        model = cls()
        model.params_ = pd.Series(
            [float(params[p]) for p in cls._param_names], index=list(cls._param_names), name="coef"
        )
        model.time_unit_ = None
        return model

    def _theta(self) -> np.ndarray:
        if not hasattr(self, "params_"):
            raise ParameterError(f"{type(self).__name__} is not fitted: call fit(summary) or from_params().")
        return self.params_.to_numpy(dtype="float64")

    @property
    def aic_(self) -> float:
        """Akaike information criterion, ``2k - 2 LL``."""
        return 2.0 * self.n_params_ - 2.0 * self.log_likelihood_

    @property
    def bic_(self) -> float:
        """Bayesian information criterion, ``k log n - 2 LL``."""
        return self.n_params_ * np.log(self.n_obs_) - 2.0 * self.log_likelihood_

    def summary(self) -> pd.DataFrame:
        """Coefficients, standard errors and 95% Wald intervals.

        Returns
        -------
        pandas.DataFrame
            Indexed by parameter name: ``coef``, ``se``, ``lower 95%``, ``upper 95%``.
        """
        theta = self.params_
        se = getattr(self, "standard_errors_", pd.Series(np.nan, index=theta.index))
        z = stats.norm.ppf(0.975)
        return pd.DataFrame(
            {"coef": theta, "se": se, "lower 95%": theta - z * se, "upper 95%": theta + z * se}
        )

    _lifetimes_class: str = ""
    _lifetimes_names: ClassVar[dict[str, str]] = {}

    def to_lifetimes(self):
        """The equivalent fitter from the ``lifetimes`` package with these parameters.

        For users of lifetimes' plotting helpers; needs ``pip install lifetimes``.
        """
        import lifetimes

        fitter = getattr(lifetimes, self._lifetimes_class)()
        fitter.params_ = pd.Series(
            {self._lifetimes_names.get(k, k): float(v) for k, v in self._theta_items()}
        )
        if hasattr(fitter, "conditional_expected_number_of_purchases_up_to_time"):
            fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
        return fitter

    def _theta_items(self):
        return zip(self.params_.index, self._theta())

    def __repr__(self) -> str:
        if hasattr(self, "params_"):
            inner = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
            return f"{type(self).__name__}({inner})"
        return f"{type(self).__name__}(penalizer={self.penalizer})"


class TransactionModel(BTYDModel):
    """Continuous-time models fitted on ``frequency``, ``recency`` and ``T``."""

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        weights: str | np.ndarray | None = None,
        frequency: str = "frequency",
        recency: str = "recency",
        T: str = "T",
    ):
        """Fit by maximum likelihood on a customer summary.

        Parameters
        ----------
        summary : pandas.DataFrame
            One row per customer (or per group of identical customers with ``weights``).
        weights : str or array, optional
            Column name or array of row weights; identical rows are compressed either way.
        frequency, recency, T : str
            Column names (repeat purchases, last minus first purchase, age), all in one time unit.

        Returns
        -------
        self
        """
        cols = self._read_inputs(summary, {"frequency": frequency, "recency": recency, "T": T})
        w = _read_weights(summary, weights)
        data = compress_rows(cols, w)
        return self._fit_compressed(data, summary.attrs.get("time_unit"))

    def _arrays(
        self, summary: pd.DataFrame, frequency: str = "frequency", recency: str = "recency", T: str = "T"
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cols = self._read_inputs(summary, {"frequency": frequency, "recency": recency, "T": T})
        return cols["frequency"], cols["recency"], cols["T"]

    def log_likelihood_rows(self, summary: pd.DataFrame) -> pd.Series:
        """Per-customer log-likelihood at the fitted parameters."""
        x, tx, T = self._arrays(summary)
        ll = self._loglik(self._theta(), {"frequency": x, "recency": tx, "T": T})
        return pd.Series(ll, index=summary.index, name="log_likelihood")

    def purchase_pmf(self, n: int | np.ndarray, t: float | np.ndarray) -> np.ndarray:
        """P(X(t) = n) for a customer observed from time 0 to ``t`` (a new customer)."""
        n_arr, t_arr = np.broadcast_arrays(np.asarray(n, dtype="float64"), np.asarray(t, dtype="float64"))
        return self._pmf(n_arr, t_arr)

    def _pmf(self, n: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def expected_purchases(self, summary: pd.DataFrame, t: float | np.ndarray) -> pd.Series:
        """Expected purchases in ``(T, T + t]`` given each customer's history."""
        x, tx, T = self._arrays(summary)
        t_arr = np.broadcast_to(np.asarray(t, dtype="float64"), x.shape)
        return pd.Series(
            self._conditional_expectation(x, tx, T, t_arr), index=summary.index, name="expected_purchases"
        )

    def p_alive(self, summary: pd.DataFrame) -> pd.Series:
        """Probability that each customer is still active at ``T``."""
        x, tx, T = self._arrays(summary)
        return pd.Series(self._p_alive(x, tx, T), index=summary.index, name="p_alive")

    def _conditional_expectation(self, x, tx, T, t):
        raise NotImplementedError

    def _p_alive(self, x, tx, T):
        raise NotImplementedError
