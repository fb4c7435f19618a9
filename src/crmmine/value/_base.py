"""Base classes shared by the buy-till-you-die models.

:class:`BTYDModel` holds what every model shares: the scikit-learn contract (through
:class:`crmmine._estimator.CRMMineEstimator`), reading and checking the input columns,
compression of identical rows, the multi-start fit, standard errors, the boundary checks
(a fit whose parameters ran to the edge of the parameter space warns with
:class:`~crmmine.errors.BoundaryFitWarning` and says what collapsed), ``summary()`` and
``from_params``. :class:`TransactionModel` adds the predictions of the continuous-time
models fitted on ``frequency``, ``recency`` and ``T``.

How ``t`` combines with customers in every prediction:

- a number (or a duration string such as ``"13W"``, converted with the model's
  ``time_unit_``) applies to every customer and gives a Series;
- a Series is matched to the summary on its index (one horizon per customer) and gives a Series;
- a list or array gives a table: one row per customer, one column per value of ``t``.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Mapping
from numbers import Integral, Real
from typing import Any, ClassVar

import narwhals as nw
import numpy as np
import pandas as pd
from scipy import stats

import crmmine._backend as _backend
from crmmine._align import align_to
from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, validate_params
from crmmine._roles import resolve_roles
from crmmine._threads import thread_limits
from crmmine._units import horizon_in_units, time_unit_days
from crmmine.data.columns import require_columns
from crmmine.errors import (
    BoundaryFitWarning,
    DataError,
    DataWarning,
    ParameterError,
    SchemaError,
    bad_rows_error,
)
from crmmine.value import _engine
from crmmine.value._fitting import CompressedData, compress_rows, numeric_hessian, optimise
from crmmine.value.persistence import load_model, save_model
from crmmine.value.simulate import ages_from, rng_from

__all__ = ["BTYDModel", "TransactionModel", "UnitModel", "limit_threads"]

#: Declared checks of the ``simulate`` methods.
SIMULATE_CONSTRAINTS: dict[str, list[Any]] = {"n_customers": [None, Interval(Integral, 1, None)]}
#: Log-parameters are searched in [-LOG_BOUND, LOG_BOUND]; a fit within 1 of either edge ran out of room.
LOG_BOUND = 30.0
#: A gamma or beta mixing distribution whose shape exceeds this has lost its heterogeneity.
HOMOGENEOUS_SHAPE = 1e4
#: A drop-out process whose probability of acting on a new customer within the observed window is
#: below this has collapsed (the model behaves as if nobody ever leaves).
NO_DROPOUT = 1e-3


def limit_threads(method: Callable) -> Callable:
    """Run a per-customer method of a model inside ``thread_limits(self.n_jobs)``.

    The Pareto/NBD kernels run numba's parallel loops and the others numpy's BLAS: without a
    limit they start one thread per core whatever the user asked for.
    """

    @functools.wraps(method)
    def limited(self: Any, *args: Any, **kwargs: Any) -> Any:
        with thread_limits(getattr(self, "n_jobs", None)):
            return method(self, *args, **kwargs)

    return limited


def _column(summary: pd.DataFrame, name: str, role: str) -> np.ndarray:
    values = pd.to_numeric(summary[name], errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(values) | (values < 0)
    if bad.any():
        raise bad_rows_error(
            name,
            f"missing, non-numeric, infinite or negative values for {role}",
            summary.loc[bad, [name]],
            int(bad.sum()),
            "build the summary with crmmine.customer_summary or fill/remove those rows",
        )
    return values


def check_summary(summary: Any, needed: list[str], model: str,
                  roles: Mapping[str, str] | None = None) -> None:
    """A pandas summary with each needed column present exactly once (else a clear error).

    ``roles`` maps each role keyword to its column, so a missing column's fix names the
    keyword that sets it (``spend=``), not the column.
    """
    if not isinstance(summary, pd.DataFrame):
        kind = f"{type(summary).__module__.split('.')[0]}.{type(summary).__name__}"
        raise ParameterError(
            f"{model} expects a pandas DataFrame summary (one row per customer, ids as the index), got "
            f"{kind}. Fix: build it with crmmine.customer_summary, or convert the table with .to_pandas() "
            "and set the customer id as the index."
        )
    keywords = {col: role for role, col in (roles or {}).items()}
    require_columns(summary.columns, needed, role="customer summary", parameters=keywords)
    duplicated = sorted({str(c) for c in summary.columns[summary.columns.duplicated()] if c in needed})
    if duplicated:
        raise SchemaError(
            f"the customer summary has duplicated columns {duplicated}. Fix: keep one column of each name "
            "(e.g. summary.loc[:, ~summary.columns.duplicated()])."
        )


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


def _read_weights(summary: pd.DataFrame, weights: Any) -> np.ndarray | None:
    """Row weights from a column name, a Series (matched on the index) or an array (row order)."""
    if weights is None:
        return None
    if isinstance(weights, str):
        require_columns(summary.columns, [weights], role="customer summary")
        values = pd.to_numeric(summary[weights], errors="coerce")
        name = weights
    else:
        values = pd.to_numeric(
            align_to(weights, summary.index, name="weights", target="the summary"), errors="coerce"
        )
        name = "weights"
    w = values.to_numpy(dtype="float64")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        raise bad_rows_error(
            name,
            "missing, infinite or negative weights",
            values[bad].to_frame(name),
            int(bad.sum()),
            "weights count customers: pass finite numbers >= 0, one per summary row",
        )
    return w


def resolve_time_unit(param: Any, summary: pd.DataFrame, who: str) -> Any:
    """The unit a model is fitted in: the explicit parameter, else the summary's recorded unit.

    An explicit unit that contradicts ``summary.attrs["time_unit"]`` raises, since every duration
    of the summary would then be read in the wrong unit.
    """
    recorded = summary.attrs.get("time_unit") if isinstance(summary, pd.DataFrame) else None
    if param is None:
        if recorded is None:
            return None
        try:
            time_unit_days(recorded)
        except ParameterError:
            return None
        return recorded
    try:
        time_unit_days(param)
    except ParameterError as exc:
        raise ParameterError(f"{who}: time_unit={param!r} is not a time unit: {exc}") from None
    if recorded is not None:
        try:
            same = np.isclose(time_unit_days(recorded), time_unit_days(param), rtol=1e-12, atol=0)
        except ParameterError:
            same = True
        if not same:
            raise ParameterError(
                f"{who}: time_unit={param!r} contradicts the summary's time unit {recorded!r} "
                f"(summary.attrs['time_unit']): recency and T were computed in {recorded!r}. Fix: "
                f"drop time_unit= to use the summary's unit, or rebuild the summary with "
                f"time_unit={param!r}."
            )
    return param


class BTYDModel(CRMMineEstimator):
    """Common machinery: input checks, compression, fitting, standard errors, boundary checks, summary.

    Subclasses set ``_param_names``, ``_roles`` (model input -> default column) and implement
    ``_loglik`` (per-row log-likelihood for natural parameters), ``_start_points`` and
    ``_collapse_checks``.
    """

    _param_names: tuple[str, ...] = ()
    _roles: ClassVar[dict[str, str]] = {"frequency": "frequency", "recency": "recency", "T": "T"}
    _model_name: str = "model"
    _positive_params: tuple[str, ...] = ()  # parameters shifted to stay above a bound (none by default)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "penalizer": [Interval(Real, 0, None, closed="left")],
        "n_starts": [Interval(Integral, 1, None)],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None)],
        "warm_start": [None, "array-like", Mapping],
        "n_jobs": [Interval(Integral, 1, None), Interval(Integral, None, -1), None],
    }
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("params_",)

    def __init__(
        self,
        penalizer: float = 0.0,
        n_starts: int = 3,
        tol: float = 1e-12,
        max_iter: int = 2000,
        warm_start: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        self.penalizer = penalizer
        self.n_starts = n_starts
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start
        self.n_jobs = n_jobs

    # -- to implement -------------------------------------------------------
    def _loglik(self, theta: np.ndarray, cols: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def _start_points(self, data: CompressedData) -> list[np.ndarray]:
        return [np.zeros(len(self._param_names))]

    def _collapse_checks(
        self, theta: np.ndarray, data: CompressedData
    ) -> list[tuple[tuple[str, ...], str, str]]:
        """Model-specific boundary checks: ``(parameters, short note, full message)`` per finding."""
        return []

    # -- parameter transform (log scale; GammaGamma may shift q) -------------------
    def _to_natural(self, z: np.ndarray) -> np.ndarray:
        return np.exp(z)

    def _to_search(self, theta: np.ndarray) -> np.ndarray:
        return np.log(theta)

    def _natural_jacobian(self, z: np.ndarray) -> np.ndarray:
        """d theta / d z per parameter (diagonal transform)."""
        return np.exp(z)

    # -- input --------------------------------------------------------------
    def _column_names(self, columns: Any, fitted: bool, **roles: str | None) -> dict[str, str]:
        """Role -> column name: the class defaults (or the names used in ``fit``), ``columns=``, keywords."""
        defaults = dict(self._roles)
        if fitted and isinstance(getattr(self, "input_columns_", None), dict):
            defaults.update(self.input_columns_)
        return resolve_roles(columns, defaults, **roles)

    def _read_inputs(self, summary: pd.DataFrame, names: dict[str, str]) -> dict[str, np.ndarray]:
        check_summary(summary, list(names.values()), self._model_name, names)
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

    def _predict_engine(self, summary: Any, compute: Any, name: str, columns: Any,
                        roles: dict[str, str | None], t: Any = None) -> Any:
        """A prediction method run on an engine table (see :mod:`crmmine.value._engine`)."""
        names = self._column_names(columns, True, **roles)
        return _engine.engine_predict(summary, names, self._engine_checks(names),
                                      lambda frame: compute(frame, names), name, t)

    def _engine_checks(self, names: dict[str, str]) -> list:
        return _engine.input_checks(names)

    # -- objective ------------------------------------------------------------
    def _objective(self, data: CompressedData):
        total = data.n_obs

        def f(z: np.ndarray) -> float:
            theta = self._to_natural(z)
            ll = self._loglik(theta, data.columns)
            return -float(np.dot(data.weights, ll)) / total + self.penalizer * float(np.sum(theta**2))

        return f

    def _warm_start_values(self) -> np.ndarray | None:
        warm = self.warm_start
        if warm is None:
            return None
        if isinstance(warm, Mapping | pd.Series):
            missing = [p for p in self._param_names if p not in warm]
            if missing:
                raise ParameterError(
                    f"warm_start of {type(self).__name__} must give every parameter "
                    f"{list(self._param_names)}; missing {missing}."
                )
            values = np.array([float(warm[p]) for p in self._param_names])
        else:
            values = np.asarray(warm, dtype="float64").ravel()
            if values.shape[0] != len(self._param_names):
                raise ParameterError(
                    f"warm_start of {type(self).__name__} must have {len(self._param_names)} values "
                    f"({list(self._param_names)}), got {values.shape[0]}."
                )
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ParameterError(f"warm_start values must be finite and positive, got {values.tolist()}.")
        return values

    def _fit_compressed(self, data: CompressedData) -> BTYDModel:
        if data.n_obs <= 0:
            raise DataError(f"{self._model_name}: no customers to fit (total weight 0).")
        n_starts = int(self.n_starts)
        starts = self._start_points(data)[:n_starts]
        warm = self._warm_start_values()
        if warm is not None:  # e.g. bootstrap refits start from the full-data optimum
            starts = [self._to_search(warm), *starts[: n_starts - 1]]
        value_and_grad = None
        if hasattr(self, "_value_and_grad"):
            prepared = self._prepare(data)
            total = data.n_obs

            def value_and_grad(z: np.ndarray) -> tuple[float, np.ndarray]:
                theta = self._to_natural(z)
                ll, grad = self._value_and_grad(theta, prepared)
                value = -ll / total + self.penalizer * float(np.sum(theta**2))
                jac = self._natural_jacobian(z)
                return value, (-grad / total + 2.0 * self.penalizer * theta) * jac

        result = optimise(
            self._objective(data),
            starts,
            model=self._model_name,
            param_names=self._param_names,
            tol=self.tol,
            max_iter=self.max_iter,
            value_and_grad=value_and_grad,
        )
        theta = self._to_natural(result.x)
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
        with np.errstate(invalid="ignore"):
            positive_definite = bool(np.all(np.isfinite(hess)) and np.all(np.linalg.eigvalsh(hess) > 0))
        self.convergence_ = {
            "runs": result.runs,
            "objective": result.fun,
            "n_rows_compressed": data.n_rows,
            "n_input_rows": data.n_input_rows,
            "hessian_positive_definite": positive_definite,
        }
        self._check_boundary(result.x, theta, data)
        return self

    def _check_boundary(self, z: np.ndarray, theta: np.ndarray, data: CompressedData) -> None:
        """Warn (BoundaryFitWarning) when the optimum sits at an edge of the parameter space."""
        findings = list(self._collapse_checks(theta, data))
        covered = {p for params, _, _ in findings for p in params}
        for name, value, zi in zip(self._param_names, theta, z):
            if name in covered or abs(zi) < LOG_BOUND - 1.0:
                continue
            direction = "0" if zi < 0 else "infinity"
            findings.append(
                (
                    (name,),
                    f"ran to {direction}",
                    f"{self._model_name} fit at a boundary: parameter {name} = {value:.3g} ran to the "
                    f"edge of the search range (the likelihood keeps improving as {name} -> {direction}). "
                    f"Its standard error and the predictions that depend on it are not reliable. Fix: "
                    f"check the summary (time unit, count='days'), or add a small penalizer "
                    f"(penalizer=0.001).",
                )
            )
        self.boundary_ = {}
        bad_se = [p for p in covered if not np.isfinite(self.standard_errors_.get(p, np.nan))]
        for params, note, message in findings:
            for p in params:
                self.boundary_[p] = note
            if any(p in bad_se for p in params):
                message += " (standard errors at this boundary are not defined: NaN)"
            warnings.warn(message, BoundaryFitWarning, stacklevel=4)

    def _fit_recording(self, fit_body) -> BTYDModel:
        """Run ``fit_body`` while recording crmmine warnings in ``warnings_`` (re-emitted)."""
        self._validate_params()
        with warnings.catch_warnings(record=True) as caught, thread_limits(self.n_jobs):
            warnings.simplefilter("always")
            fit_body()
        self._record_warnings(caught)
        if not hasattr(self, "boundary_"):
            self.boundary_ = {}
        return self

    # -- public ---------------------------------------------------------------
    @classmethod
    def from_params(cls, *, time_unit: Any = None, n_jobs: int | None = None, **params: float):
        """Build a model from known parameters, without fitting.

        Parameters
        ----------
        time_unit : str or float, optional
            The time unit the parameters are expressed in (needed for annual discounting and
            horizons given as strings); ignored by models without a time unit.
        n_jobs : int, optional
            Threads of the predictions (``None`` = 1, ``-1`` = all cores).
        **params : float
            Every parameter of the model, e.g. ``r``, ``alpha``, ``a``, ``b`` for BG/NBD.

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
        values = np.array([float(params[p]) for p in cls._param_names])
        if not np.all(np.isfinite(values) & (values > 0)):
            raise ParameterError(f"{cls.__name__}.from_params: parameters must be finite and positive.")
        unit = {"time_unit": time_unit} if "time_unit" in cls._get_param_names() else {}
        model = cls(n_jobs=n_jobs, **unit)
        model._validate_params()
        if time_unit is not None:
            time_unit_days(time_unit)
        model.params_ = pd.Series(values, index=list(cls._param_names), name="coef")
        model.n_params_ = len(cls._param_names)
        if "time_unit" in cls._get_param_names():
            model.time_unit_ = time_unit
        model.warnings_ = []
        model.boundary_ = {}
        return model

    def _theta(self) -> np.ndarray:
        self._check_fitted("or build one with from_params(...)")
        return self.params_.to_numpy(dtype="float64")

    def _unit(self, what: str) -> Any:
        """The model's time unit, or a clear error saying how to give it."""
        self._check_fitted()
        unit = getattr(self, "time_unit_", None)
        if unit is None:
            name = type(self).__name__
            raise ParameterError(
                f"{what} needs the time unit of the {name} model, which is unknown (the summary it was "
                f"fitted on did not record one). Fix: fit with {name}(time_unit='W') (or 'D', ...), "
                f"or build it with {name}.from_params(..., time_unit='W')."
            )
        return unit

    def _horizon(self, t: Any, name: str = "t") -> float:
        """A horizon as a number of the model's time units (strings such as '13W' are converted)."""
        if isinstance(t, str):
            return horizon_in_units(t, self._unit(f"{name}={t!r}"), name=name)
        if isinstance(t, bool | np.bool_) or not isinstance(t, Real):
            raise ParameterError(f"{name} must be a number of time units or a duration string, got {t!r}.")
        if not np.isfinite(t) or t < 0:
            raise ParameterError(f"{name} must be finite and >= 0, got {t!r}.")
        return float(t)

    @property
    def aic_(self) -> float:
        """Akaike information criterion, ``2k - 2 LL``."""
        self._check_fitted()
        return 2.0 * self.n_params_ - 2.0 * self.log_likelihood_

    @property
    def bic_(self) -> float:
        """Bayesian information criterion, ``k log n - 2 LL``."""
        self._check_fitted()
        return self.n_params_ * np.log(self.n_obs_) - 2.0 * self.log_likelihood_

    def summary(self) -> pd.DataFrame:
        """Coefficients, standard errors and 95% Wald intervals computed on the log scale.

        The parameters are positive, so the interval is built for ``log(theta)`` (delta method:
        standard error ``se / theta``) and transformed back: ``theta * exp(+-1.96 se / theta)``.
        Both bounds are positive and the interval is asymmetric.

        Returns
        -------
        pandas.DataFrame
            Indexed by parameter name: ``coef``, ``se``, ``lower 95%``, ``upper 95%``; when the fit
            raised a warning (a boundary, a data repair) a ``note`` column says which parameters it
            concerns (the full messages are in ``warnings_``).
        """
        self._check_fitted()
        theta = self.params_
        se = getattr(self, "standard_errors_", pd.Series(np.nan, index=theta.index))
        z = stats.norm.ppf(0.975)
        with np.errstate(invalid="ignore", over="ignore"):
            spread = np.exp(z * se / theta)
        table = pd.DataFrame(
            {"coef": theta, "se": se, "lower 95%": theta / spread, "upper 95%": theta * spread}
        )
        notes = {p: [] for p in theta.index}
        for p, note in getattr(self, "boundary_", {}).items():
            notes[p].append(f"at a boundary: {note}")
        other = [w for w in getattr(self, "warnings_", []) if not w.startswith("BoundaryFitWarning")]
        for w in other:
            kind = w.split(":", 1)[0]
            for p in notes:
                notes[p].append(f"{kind} (see warnings_)")
        if any(notes.values()):
            table["note"] = ["; ".join(v) for v in notes.values()]
        return table

    _lifetimes_class: str = ""
    _lifetimes_names: ClassVar[dict[str, str]] = {}

    def to_lifetimes(self):
        """The equivalent fitter from the ``lifetimes`` package with these parameters.

        For users of lifetimes' plotting helpers; needs ``pip install lifetimes``.
        """
        import lifetimes

        fitter = getattr(lifetimes, self._lifetimes_class)()
        fitter.params_ = pd.Series(
            {self._lifetimes_names.get(k, k): float(v) for k, v in zip(self.params_.index, self._theta())}
        )
        if hasattr(fitter, "conditional_expected_number_of_purchases_up_to_time"):
            fitter.predict = fitter.conditional_expected_number_of_purchases_up_to_time
        return fitter

    def save(self, path: Any) -> None:
        """Write the fitted model to a versioned JSON file (see :func:`crmmine.value.load_model`)."""
        save_model(self, path)

    @classmethod
    def load(cls, path: Any):
        """Read a model written by :meth:`save`; raises if the file holds another model class."""
        return load_model(path, expected=cls)


def _distinct(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """Distinct rows of parallel columns and, for every input row, the index of its distinct row."""
    frame = pd.DataFrame({i: c for i, c in enumerate(columns)})
    codes = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
    first = np.empty(int(codes.max()) + 1 if codes.size else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(codes.shape[0] - 1, -1, -1)
    return [np.asarray(c)[first] for c in columns], codes


def _t_grid(t: Any, index: pd.Index, to_units) -> tuple[np.ndarray, list | None]:
    """Horizons per customer (``(n,)``) or a customer x t grid (``(n, k)``) and the column labels."""
    if isinstance(t, pd.DataFrame):
        raise ParameterError("t must be a number, a Series indexed by customer, or a list of values.")
    if isinstance(t, pd.Series):
        aligned = align_to(t, index, name="t", target="the summary")
        return np.array([to_units(v) for v in aligned.tolist()], dtype="float64"), None
    if isinstance(t, list | tuple | np.ndarray | pd.Index):
        values = list(np.asarray(t, dtype=object).ravel())
        if not values:
            raise ParameterError("t must not be empty.")
        units = np.array([to_units(v) for v in values], dtype="float64")
        labels = [v.item() if isinstance(v, np.generic) else v for v in values]
        return np.broadcast_to(units, (len(index), units.shape[0])).copy(), labels
    return np.full(len(index), to_units(t), dtype="float64"), None


def _on_grid(func: Callable, grid: np.ndarray, *columns: np.ndarray) -> np.ndarray:
    """``func(*columns, t)`` per horizon of :func:`_t_grid`: ``(n,)``, or a customer x t grid ``(n, k)``."""
    if grid.ndim == 2:
        k = grid.shape[1]
        return func(*(np.repeat(c, k) for c in columns), grid.ravel()).reshape(grid.shape)
    return func(*columns, grid)


def _shape_output(values: np.ndarray, index: pd.Index, labels: list | None, name: str, label_name: str):
    if labels is None:
        return pd.Series(values, index=index, name=name)
    frame = pd.DataFrame(values, index=index, columns=pd.Index(labels, name=label_name))
    return frame


class UnitModel(BTYDModel):
    """A model fitted on a summary whose durations share one time unit (every BTYD model but Gamma-Gamma).

    Fitting checks and compresses the summary (pandas, or inside a polars, DuckDB or Spark engine),
    refuses a summary with nothing to learn (``_nothing_to_learn``: a role that is 0 for every
    customer) and records ``time_unit_`` and ``input_columns_``.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **BTYDModel._parameter_constraints,
        "time_unit": [None, str, Interval(Real, 0, None, closed="neither")],
    }
    #: ``(role, problem, fix)``: a role equal to 0 for every customer leaves nothing to learn.
    _nothing_to_learn: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def __init__(
        self,
        penalizer: float = 0.0,
        n_starts: int = 3,
        tol: float = 1e-12,
        max_iter: int = 2000,
        warm_start: Any = None,
        time_unit: Any = None,
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(
            penalizer=penalizer, n_starts=n_starts, tol=tol, max_iter=max_iter, warm_start=warm_start,
            n_jobs=n_jobs,
        )
        self.time_unit = time_unit

    def _read(self, summary: pd.DataFrame, names: dict[str, str]) -> dict[str, np.ndarray]:
        """The model inputs of a pandas summary, checked (see :meth:`BTYDModel._read_inputs`)."""
        return self._read_inputs(summary, names)

    def _arrays(
        self, summary: pd.DataFrame, columns: Any = None, **roles: str | None
    ) -> tuple[np.ndarray, ...]:
        names = self._column_names(columns, True, **roles)
        cols = self._read(summary, names)
        return tuple(cols[role] for role in self._roles)

    def _fit_summary(self, summary: Any, names: dict[str, str], weights: Any) -> None:
        """Fit on a pandas or engine summary; record the time unit and the columns used."""
        unit = resolve_time_unit(self.time_unit, summary, type(self).__name__)
        if _backend.is_engine(summary):
            data = self._engine_data(summary, names, weights)
        else:
            data = self._pandas_data(summary, names, weights)
        self._fit_compressed(data)
        self.time_unit_ = unit
        self.input_columns_ = names

    def _check_learnable(self, n_rows: int, used: np.ndarray, values: dict[str, np.ndarray], fail) -> None:
        """Raise when there are no customers, no positive weight, or nothing to learn.

        ``values`` holds each role per row and ``fail(role, problem, fix)`` raises with examples.
        """
        if n_rows == 0:
            raise DataError(f"{self._model_name}: the summary is empty (0 rows). Fix: check the input.")
        if not used.any():
            raise DataError(f"{self._model_name}: every weight is 0; there are no customers to fit.")
        for role, problem, fix in self._nothing_to_learn:
            if np.all(values[role][used] == 0):
                fail(role, problem, fix)

    def _row_warnings(self, names: dict[str, str], values: dict[str, np.ndarray], used: np.ndarray,
                      counts: np.ndarray, examples) -> None:
        """Warn about rows the model reads in a way the user may not expect (none by default).

        ``counts`` gives how many customers each row stands for; ``examples(mask, expr)`` returns up
        to five ids of the rows where ``mask`` (rows) or ``expr`` (a narwhals expression) holds.
        """

    def _pandas_data(self, summary: pd.DataFrame, names: dict[str, str], weights: Any) -> CompressedData:
        cols = self._read(summary, names)
        w = _read_weights(summary, weights)
        used = np.ones(len(summary), dtype=bool) if w is None else w > 0

        def fail(role: str, problem: str, fix: str) -> None:
            raise bad_rows_error(names[role], problem, summary.loc[used, list(names.values())],
                                 int(used.sum()), fix, error=DataError)

        self._check_learnable(len(summary), used, cols, fail)
        self._row_warnings(names, cols, used, np.ones(len(summary), dtype=np.int64),
                           lambda mask, expr: summary.index[mask][:5].tolist())
        return _engine.canonical(compress_rows(cols, w))

    def _engine_data(self, summary: Any, names: dict[str, str], weights: Any) -> CompressedData:
        """Checks inside the engine, then its distinct input rows with weights."""
        table, rows = _engine.compressed_rows(summary, names, weights, self._model_name,
                                              self._engine_checks(names))
        n_rows = int(rows["_rows"].sum())
        used = rows["_used"].to_numpy() > 0
        values = {role: rows[role].to_numpy() for role in names}
        w_pos = nw.col(weights).cast(nw.Float64) > 0 if isinstance(weights, str) else nw.lit(True)

        def fail(role: str, problem: str, fix: str) -> None:
            _engine.raise_rows(table, w_pos, list(names.values()), names[role], problem,
                               int(rows["_used"].sum()), fix)

        self._check_learnable(n_rows, used, values, fail)
        self._row_warnings(
            names, values, used, rows["_used"].to_numpy(),
            lambda mask, expr: _engine.row_examples(table, w_pos & expr, [names["frequency"]]).index.tolist())
        return _engine.to_compressed(rows, list(names), n_rows)


class TransactionModel(UnitModel):
    """Continuous-time models fitted on ``frequency``, ``recency`` and ``T``."""

    _nothing_to_learn: ClassVar[tuple[tuple[str, str, str], ...]] = (
        (
            "T",
            "T = 0 for every customer (all first purchases on the as_of day): "
            "there is no observed time in which to learn purchase rates",
            "use a later as_of / calibration_end, or check that T is the age (as_of minus first purchase)",
        ),
        (
            "frequency",
            "frequency = 0 for every customer (nobody made a repeat purchase): "
            "purchase rates and drop-out cannot be told apart",
            "use a longer calibration period, or check that frequency counts repeat purchases (orders - 1)",
        ),
    )

    def fit(
        self,
        summary: pd.DataFrame,
        *,
        weights: Any = None,
        columns: Mapping[str, str] | None = None,
        frequency: str | None = None,
        recency: str | None = None,
        T: str | None = None,
    ):
        """Fit by maximum likelihood on a customer summary.

        Parameters
        ----------
        summary : table
            One row per customer (or per group of identical customers with ``weights``), with
            ``frequency`` (repeat purchases), ``recency`` (last minus first purchase) and ``T``
            (age), all in one time unit. Build it with ``count="days"`` (several orders on one
            day are one purchase, as the models assume). pandas, or a polars, DuckDB or Spark
            table with the customer id first: then the rows are checked and compressed inside
            the engine and only the distinct rows with their weights are collected (give
            ``time_unit=`` to the model: an engine table does not record it; weights by
            column name).
        weights : str, Series or array, optional
            Column name, Series matched on the index, or array in row order: how many customers
            each row stands for. Identical rows are compressed either way.
        columns : mapping, optional
            Role -> column name, e.g. ``{"frequency": "x", "recency": "t_x"}``.
        frequency, recency, T : str, optional
            Column names (override ``columns``).

        Returns
        -------
        self

        Raises
        ------
        DataError
            Nothing to learn: no customer has a repeat purchase, or every ``T`` is 0.

        Warns
        -----
        DataWarning
            Customers with repeat purchases and recency 0 (several orders on the first day
            counted as separate purchases).
        BoundaryFitWarning
            The optimum is at a boundary of the parameter space (the message says what collapsed).
        """
        names = self._column_names(columns, False, frequency=frequency, recency=recency, T=T)
        return self._fit_recording(lambda: self._fit_summary(summary, names, weights))

    def _row_warnings(self, names, values, used, counts, examples) -> None:
        same_day = used & (values["frequency"] > 0) & (values["recency"] == 0)
        if same_day.any():
            expr = (nw.col(names["frequency"]).cast(nw.Float64) > 0) & (
                nw.col(names["recency"]).cast(nw.Float64) == 0)
            self._warn_same_day(names, int(counts[same_day].sum()), examples(same_day, expr))

    def _warn_same_day(self, names: dict[str, str], n: int, ids: list, stacklevel: int = 8) -> None:
        warnings.warn(
            f"column {names['recency']!r}: {n:,} customer{'s' if n > 1 else ''} have repeat purchases "
            f"but recency 0, i.e. every purchase on the first day (e.g. ids "
            f"{ids}). The {self._model_name} model treats purchases as separate "
            f"points in time: several orders on one day counted as repeat purchases inflate "
            f"frequency and make these customers look like they left right away (low P(alive)). "
            f"Fix: build the summary with count='days' (customer_summary or calibration_holdout).",
            DataWarning,
            stacklevel=stacklevel,
        )

    @limit_threads
    def log_likelihood_rows(
        self, summary: pd.DataFrame, *, columns: Any = None, **roles: str | None
    ) -> pd.Series:
        """Per-customer log-likelihood at the fitted parameters."""
        if _backend.is_engine(summary):
            return self._predict_engine(
                summary, lambda f, names: self.log_likelihood_rows(f, columns=names),
                "log_likelihood", columns, roles)
        x, tx, T = self._arrays(summary, columns, **roles)
        ll = self._loglik(self._theta(), {"frequency": x, "recency": tx, "T": T})
        return pd.Series(ll, index=summary.index, name="log_likelihood")

    @limit_threads
    def purchase_pmf(self, n: int | np.ndarray, t: float | np.ndarray) -> np.ndarray:
        """P(X(t) = n): probability of ``n`` repeat purchases in ``(0, t]`` for a new customer.

        ``n`` and ``t`` broadcast together (numpy rules).
        """
        theta = self._theta()
        n_arr, t_arr = np.broadcast_arrays(np.asarray(n, dtype="float64"), np.asarray(t, dtype="float64"))
        return self._pmf_at(theta, n_arr, t_arr)

    def _pmf_at(self, theta: np.ndarray, n: np.ndarray, t: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _future_pmf(self, x, T, n, t) -> np.ndarray:
        """P(n purchases in (T, T + t]) for a customer alive at T with history (x, T)."""
        raise NotImplementedError

    def _survival(self, x, T, t) -> np.ndarray:
        """P(alive at T + t | alive at T, history) per row."""
        raise NotImplementedError

    @limit_threads
    def expected_purchases(
        self,
        summary: pd.DataFrame,
        t: Any,
        *,
        columns: Any = None,
        frequency: str | None = None,
        recency: str | None = None,
        T: str | None = None,
    ) -> pd.Series | pd.DataFrame:
        """Expected purchases in ``(T, T + t]`` given each customer's history.

        Parameters
        ----------
        summary : table
            Customer summary in the model's time unit: pandas, or a polars, DuckDB or Spark
            table with the customer id first (the prediction is made once per distinct input
            row and joined back inside the engine, which returns a table of the same kind with
            the id and ``expected_purchases``, or ``expected_purchases_<t>`` per horizon).
        t : number, str, Series or list
            Horizon: a number of time units (or ``"13W"``-style string) for everyone; a Series
            matched on the index (one horizon per customer; pandas only); a list gives one
            column per horizon.
        columns, frequency, recency, T : optional
            Column names (default: those used in ``fit``).

        Returns
        -------
        Series named ``expected_purchases``, or a DataFrame (customers x ``t``) for a list of ``t``.

        Examples
        --------
        >>> import pandas as pd
        >>> from crmmine.value import BGNBD
        >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
        >>> one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
        >>> m.expected_purchases(one, [13, 26, 39]).round(3)
        t     13     26     39
        0  0.457  0.862  1.226
        """
        if _backend.is_engine(summary):
            return self._predict_engine(
                summary, lambda f, names: self.expected_purchases(f, t, columns=names),
                "expected_purchases", columns, {"frequency": frequency, "recency": recency, "T": T}, t)
        x, tx, T_ = self._arrays(summary, columns, frequency=frequency, recency=recency, T=T)
        grid, labels = _t_grid(t, summary.index, self._horizon)
        values = _on_grid(self._conditional_expectation, grid, x, tx, T_)
        return _shape_output(values, summary.index, labels, "expected_purchases", "t")

    @limit_threads
    def p_alive(
        self,
        summary: pd.DataFrame,
        t: Any = 0.0,
        *,
        columns: Any = None,
        frequency: str | None = None,
        recency: str | None = None,
        T: str | None = None,
    ) -> pd.Series | pd.DataFrame:
        """Probability that each customer is still active at ``T + t`` given the history.

        ``t = 0`` (default) is now (the end of the observed period); a later ``t`` also counts the
        chance of leaving in between (purchases in ``(T, T + t]`` are not observed, so they are
        averaged over). ``t`` combines with customers as in :meth:`expected_purchases`; a polars,
        DuckDB or Spark summary gives a table of the same kind with the id and ``p_alive``
        (computed once per distinct row, joined back inside the engine).

        Examples
        --------
        >>> import pandas as pd
        >>> from crmmine.value import BGNBD
        >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
        >>> one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
        >>> m.p_alive(one, [0, 52]).round(3)
        t     0      52
        0  0.727  0.532

        The same inside DuckDB (a relation in, a relation out):

        >>> import duckdb
        >>> rel = duckdb.from_df(one.rename_axis("customer_id").reset_index())
        >>> m.p_alive(rel).select("round(p_alive, 3)").fetchall()
        [(0.727,)]
        """
        if _backend.is_engine(summary):
            return self._predict_engine(
                summary, lambda f, names: self.p_alive(f, t, columns=names),
                "p_alive", columns, {"frequency": frequency, "recency": recency, "T": T}, t)
        x, tx, T_ = self._arrays(summary, columns, frequency=frequency, recency=recency, T=T)
        now = self._p_alive(x, tx, T_)
        grid, labels = _t_grid(t, summary.index, self._horizon)
        if grid.ndim == 2:
            values = now[:, None] * _on_grid(self._survival, grid, x, T_)
        elif np.all(grid == 0):
            values = now
        else:
            values = now * np.where(grid > 0, self._survival(x, T_, grid), 1.0)
        return _shape_output(values, summary.index, labels, "p_alive", "t")

    @limit_threads
    def conditional_purchase_pmf(
        self,
        summary: pd.DataFrame,
        n: Any,
        t: Any,
        *,
        columns: Any = None,
        frequency: str | None = None,
        recency: str | None = None,
        T: str | None = None,
    ) -> pd.Series | pd.DataFrame:
        """P(exactly ``n`` purchases in ``(T, T + t]`` | the customer's history).

        Given alive at ``T`` (probability :meth:`p_alive`), a customer's future is a new customer's
        process with parameters updated by her history; given dead, she makes no purchase. So
        ``P(n | history) = P(alive) P_new(n; updated) + (1 - P(alive)) [n = 0]``.

        Parameters
        ----------
        summary : table
            pandas, or a polars, DuckDB or Spark table (as in :meth:`expected_purchases`).
        n : int or list of int
            Number of purchases; a list gives one column per ``n``.
        t : number, str or Series
            Horizon, as in :meth:`expected_purchases` (a list of ``t`` together with a list of
            ``n`` is refused: ask for one at a time).

        Returns
        -------
        Series named ``purchase_probability`` or a DataFrame (customers x ``n``).

        Examples
        --------
        >>> import pandas as pd
        >>> from crmmine.value import BGNBD
        >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
        >>> one = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86]})
        >>> round(float(m.conditional_purchase_pmf(one, list(range(200)), 39).sum(axis=1).iloc[0]), 6)
        1.0

        References
        ----------
        Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy
        way. *Marketing Science* 24(2) (the updating of the individual-level parameters).
        Fader, P. S., Hardie, B. G. S. (2006). Deriving the conditional PMF of the Pareto/NBD
        model. http://brucehardie.com/notes/028/
        """
        if _backend.is_engine(summary):
            return self._predict_engine(
                summary, lambda f, names: self.conditional_purchase_pmf(f, n, t, columns=names),
                "purchase_probability", columns, {"frequency": frequency, "recency": recency, "T": T}, t)
        x, tx, T_ = self._arrays(summary, columns, frequency=frequency, recency=recency, T=T)
        many_n = isinstance(n, list | tuple | np.ndarray | pd.Index)
        grid, t_labels = _t_grid(t, summary.index, self._horizon)
        if many_n and t_labels is not None:
            raise ParameterError("give several n or several t, not both (call once per t).")
        n_values = np.asarray(n if many_n else [n], dtype="float64").ravel()
        if n_values.size == 0 or np.any(n_values < 0) or np.any(n_values != np.floor(n_values)):
            raise ParameterError(f"n must be whole numbers >= 0, got {n!r}.")
        with np.errstate(all="ignore"):
            (ux, utx, uT), codes = _distinct(x, tx, T_)
            alive = self._p_alive(ux, utx, uT)[codes]
        if t_labels is not None:  # one n, several t (the same for every customer): one column per t
            (fx, fT), fcodes = _distinct(x, T_)
            values = np.column_stack(
                [
                    self._pmf_given_alive(fx, fT, fcodes, alive, n_values[0], grid[0, j])
                    for j in range(grid.shape[1])
                ]
            )
            return _shape_output(values, summary.index, t_labels, "purchase_probability", "t")
        (fx, fT, ft), fcodes = _distinct(x, T_, grid)
        values = np.column_stack([self._pmf_given_alive(fx, fT, fcodes, alive, k, ft) for k in n_values])
        if not many_n:
            return pd.Series(values[:, 0], index=summary.index, name="purchase_probability")
        labels = [int(v) for v in n_values]
        return _shape_output(values, summary.index, labels, "purchase_probability", "n")

    def _pmf_given_alive(self, fx, fT, fcodes, alive, n: float, t: Any) -> np.ndarray:
        """``P(alive) x P_future(n) + (1 - P(alive)) [n = 0]`` per customer.

        The future PMF of an alive customer depends only on (x, T, t), which repeat far more often
        than (x, t_x, T): it is evaluated on the distinct rows ``fx, fT`` (``fcodes`` maps customers to
        them) and spread back.
        """
        with np.errstate(all="ignore"):
            future = self._future_pmf(fx, fT, np.full(fx.shape[0], float(n)), np.broadcast_to(t, fx.shape))
        return np.clip(alive * future[fcodes] + (1.0 - alive) * (n == 0), 0.0, 1.0)

    def _conditional_expectation(self, x, tx, T, t):
        raise NotImplementedError

    def _p_alive(self, x, tx, T):
        raise NotImplementedError

    @validate_params(SIMULATE_CONSTRAINTS)
    def simulate(self, T: Any, *, n_customers: int | None = None, random_state: Any = None) -> pd.DataFrame:
        """Draw customers from the fitted model: their summary after ``T`` time units.

        Parameters
        ----------
        T : number or array
            Age of each simulated customer; a number with ``n_customers`` gives everyone that age.
        n_customers : int, optional
            Number of customers when ``T`` is a number.
        random_state : None, int or numpy Generator

        Returns
        -------
        pandas.DataFrame
            ``frequency``, ``recency``, ``T`` (a summary the model can be fitted on) and ``alive``
            (whether the customer is still active at ``T``, hidden in real data).
        """
        theta = self._theta()
        ages = ages_from(T, n_customers)
        return self._simulate(theta, ages, rng_from(random_state))

    def _simulate(self, theta: np.ndarray, ages: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
        raise NotImplementedError
