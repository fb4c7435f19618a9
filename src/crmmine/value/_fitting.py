"""Shared fitting core for the buy-till-you-die models.

Three ideas make fitting fast and robust:

* **Compression.** Customers with identical inputs contribute identical
  likelihood terms, so rows are grouped once and carried with integer weights
  (always, even when the caller passes weights of their own).
* **Log-parameters.** The optimiser works on ``log(theta)``, so every parameter
  stays positive without bounds tricks, and the objective is the weighted mean
  negative log-likelihood plus an optional L2 penalty on ``theta``.
* **Several starts.** L-BFGS-B runs from a few starting points; the best
  converged run wins and every run is kept in the diagnostics.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from crmmine.errors import ConvergenceError

__all__ = [
    "CompressedData",
    "Factorised",
    "FitResult",
    "compress_rows",
    "factorise",
    "numeric_hessian",
    "optimise",
]


@dataclass
class CompressedData:
    """Distinct input rows with their weights.

    Attributes
    ----------
    columns : dict of str to ndarray
        One array per model input, one entry per distinct row.
    weights : ndarray
        How many customers (or the caller's weights summed) each row stands for.
    n_input_rows : int
        Rows before compression.
    """

    columns: dict[str, np.ndarray]
    weights: np.ndarray
    n_input_rows: int

    @property
    def n_rows(self) -> int:
        """Distinct rows after compression."""
        return int(self.weights.shape[0])

    @property
    def n_obs(self) -> float:
        """Customers represented (sum of the weights)."""
        return float(self.weights.sum())


def compress_rows(columns: dict[str, np.ndarray], weights: np.ndarray | None = None) -> CompressedData:
    """Group identical rows and sum their weights.

    Examples
    --------
    >>> import numpy as np
    >>> data = compress_rows({"x": np.array([0, 1, 0]), "t": np.array([2.0, 3.0, 2.0])})
    >>> data.n_rows, data.weights.tolist()
    (2, [2.0, 1.0])
    """
    frame = pd.DataFrame({k: np.asarray(v, dtype="float64") for k, v in columns.items()})
    n = len(frame)
    frame["__w"] = 1.0 if weights is None else np.asarray(weights, dtype="float64")
    grouped = frame.groupby(list(columns), sort=False, observed=True)["__w"].sum()
    keys = grouped.index.to_frame(index=False)
    return CompressedData(
        columns={k: keys[k].to_numpy(dtype="float64") for k in columns},
        weights=grouped.to_numpy(dtype="float64"),
        n_input_rows=n,
    )


@dataclass
class Factorised:
    """Distinct values of each input with row indices, so per-value terms are computed once."""

    values: dict[str, np.ndarray]
    index: dict[str, np.ndarray]
    weight_by: dict[str, np.ndarray]
    weights: np.ndarray
    rows: dict[str, np.ndarray]


def factorise(data: CompressedData) -> Factorised:
    """Index each input column by its distinct values (a log-likelihood term that depends on one
    column only is then evaluated once per distinct value, not once per row).

    Examples
    --------
    >>> import numpy as np
    >>> f = factorise(compress_rows({"x": np.array([0, 1, 1]), "t": np.array([1.0, 2.0, 3.0])}))
    >>> f.values["x"].tolist(), f.weight_by["x"].tolist()
    ([0.0, 1.0], [1.0, 2.0])
    """
    values, index, weight_by = {}, {}, {}
    for name, col in data.columns.items():
        uniq, inv = np.unique(col, return_inverse=True)
        values[name] = uniq
        index[name] = inv
        weight_by[name] = np.bincount(inv, weights=data.weights, minlength=uniq.shape[0])
    return Factorised(values, index, weight_by, data.weights, data.columns)


@dataclass
class FitResult:
    """Outcome of :func:`optimise`: best log-parameters and what each start did."""

    x: np.ndarray
    fun: float
    runs: list[dict] = field(default_factory=list)


def _central_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    grad = np.empty_like(x)
    for i in range(x.shape[0]):  # loop over parameters (a handful), not over customers
        step = np.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2.0 * h)
    return grad


def optimise(
    objective: Callable[[np.ndarray], float],
    starts: Sequence[np.ndarray],
    *,
    model: str,
    param_names: Sequence[str],
    gradient: Callable[[np.ndarray], np.ndarray] | None = None,
    value_and_grad: Callable[[np.ndarray], tuple[float, np.ndarray]] | None = None,
    tol: float = 1e-10,
    max_iter: int = 2000,
    agree: float = 1e-8,
    check_tol: float = 1e-9,
) -> FitResult:
    """Minimise ``objective`` over log-parameters from several starting points.

    Parameters
    ----------
    objective : callable
        Mean penalised negative log-likelihood as a function of ``log(theta)``.
    starts : sequence of ndarray
        Starting log-parameters.
    model, param_names : str, sequence of str
        Used in diagnostics and error messages.
    gradient : callable, optional
        Analytic gradient; central differences otherwise.
    value_and_grad : callable, optional
        Returns objective and gradient together (one pass over the data); preferred when given.
    tol, max_iter : float, int
        L-BFGS-B's ``ftol``/``gtol`` and iteration limit.
    agree : float
        Once two converged starts reach the same optimum (relative difference below
        ``agree``), the remaining starts are skipped and recorded as such.
    check_tol : float
        Tolerance for starts after the first converged one (they are polished to ``tol`` only
        when they find a better optimum).

    Returns
    -------
    FitResult

    Raises
    ------
    ConvergenceError
        When no start reaches a finite optimum; the message lists what was tried.

    Examples
    --------
    >>> import numpy as np
    >>> res = optimise(lambda z: float(((np.exp(z) - 2.0) ** 2).sum()), [np.zeros(1)],
    ...                model="toy", param_names=["a"])
    >>> round(float(np.exp(res.x[0])), 4)
    2.0
    """

    def safe(z: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = float(objective(z))
        return value if np.isfinite(value) else 1e300

    if value_and_grad is not None:

        def fun(z: np.ndarray) -> tuple[float, np.ndarray]:
            with np.errstate(all="ignore"):
                value, grad = value_and_grad(z)
            if not (np.isfinite(value) and np.all(np.isfinite(grad))):
                return 1e300, np.zeros_like(z)
            return float(value), grad

        jac: Callable[[np.ndarray], np.ndarray] | bool = True
        target: Callable = fun

        def grad_of(z: np.ndarray) -> np.ndarray:
            return fun(z)[1]

    else:
        jac = gradient if gradient is not None else (lambda z: _central_gradient(safe, z))
        target = safe
        grad_of = jac  # type: ignore[assignment]
    runs: list[dict] = []
    best: tuple[float, np.ndarray] | None = None
    agreed = False

    def run(x0: np.ndarray, ftol: float):
        return minimize(
            target,
            x0,
            jac=jac,
            method="L-BFGS-B",
            bounds=[(-30.0, 30.0)] * x0.shape[0],
            options={"maxiter": max_iter, "ftol": ftol, "gtol": 1e-9},
        )

    for start in starts:
        start = np.asarray(start, dtype="float64")
        if agreed:
            runs.append(
                {
                    "start": np.exp(start).tolist(),
                    "success": None,
                    "message": "skipped: two earlier starts reached the same optimum",
                }
            )
            continue
        # Once one start has converged, later starts only need to show which basin they reach:
        # they run with a looser tolerance and are polished only if they beat the best so far.
        checking = best is not None
        try:
            res = run(start, max(tol, check_tol) if checking else tol)
            if checking and np.isfinite(res.fun) and res.fun < best[0] - agree * max(abs(best[0]), 1.0):
                res = run(res.x, tol)
        except (FloatingPointError, ValueError) as exc:  # pragma: no cover - defensive
            runs.append({"start": np.exp(start).tolist(), "success": False, "message": str(exc)})
            continue
        grad_norm = float(np.max(np.abs(grad_of(res.x))))
        finite = bool(np.isfinite(res.fun) and res.fun < 1e299)
        ok = finite and (bool(res.success) or grad_norm < 1e-4)
        runs.append(
            {
                "start": np.exp(start).tolist(),
                "success": ok,
                "objective": float(res.fun),
                "iterations": int(res.nit),
                "evaluations": int(res.nfev),
                "max_abs_gradient": grad_norm,
                "message": str(res.message),
                "params": np.exp(res.x).tolist(),
                "check_only": checking,
            }
        )
        if ok and best is not None and abs(res.fun - best[0]) <= agree * max(abs(best[0]), 1.0):
            agreed = True
        if ok and (best is None or res.fun < best[0]):
            best = (float(res.fun), res.x.copy())
    if best is None:
        tried = "; ".join(f"start {np.round(r['start'], 4).tolist()}: {r['message']}" for r in runs)
        raise ConvergenceError(
            f"{model}: no starting point reached a finite optimum of the likelihood "
            f"(parameters {list(param_names)}). Tried: {tried}. "
            "Try: a small penalizer (e.g. penalizer=0.001), more starts (n_starts=10), a coarser "
            "time unit, or check that the summary's frequency/recency/T come from the same time unit."
        )
    return FitResult(x=best[1], fun=best[0], runs=runs)


def numeric_hessian(
    f: Callable[[np.ndarray], float], theta: np.ndarray, rel_step: float = 1e-4
) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``theta`` with relative steps.

    Examples
    --------
    >>> import numpy as np
    >>> h = numeric_hessian(lambda t: float(t[0] ** 2 + 3 * t[0] * t[1]), np.array([1.0, 2.0]))
    >>> np.round(h, 4).tolist()
    [[2.0, 3.0], [3.0, 0.0]]
    """
    theta = np.asarray(theta, dtype="float64")
    p = theta.shape[0]
    steps = rel_step * np.maximum(np.abs(theta), 1e-3)
    hess = np.empty((p, p))
    f0 = f(theta)
    for i in range(p):  # p is the number of parameters (at most four here)
        ei = np.zeros(p)
        ei[i] = steps[i]
        hess[i, i] = (f(theta + ei) - 2.0 * f0 + f(theta - ei)) / steps[i] ** 2
        for j in range(i + 1, p):
            ej = np.zeros(p)
            ej[j] = steps[j]
            val = (f(theta + ei + ej) - f(theta + ei - ej) - f(theta - ei + ej) + f(theta - ei - ej)) / (
                4.0 * steps[i] * steps[j]
            )
            hess[i, j] = hess[j, i] = val
    return hess
