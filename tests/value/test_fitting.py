"""Tests of the shared BTYD fitting core (compression, multi-start L-BFGS-B, Hessian, errors)."""

from __future__ import annotations

import numpy as np
import pytest

from crmmine.errors import ConvergenceError
from crmmine.value._fitting import compress_rows, numeric_hessian, optimise


def test_compress_rows_sums_weights_and_keeps_every_customer():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 3, size=1000)
    t = rng.integers(0, 4, size=1000).astype(float)
    w = rng.uniform(0.5, 2.0, size=1000)
    data = compress_rows({"x": x, "t": t}, weights=w)
    assert data.n_input_rows == 1000
    assert data.n_rows == len({(a, b) for a, b in zip(x, t, strict=True)})
    assert data.n_obs == pytest.approx(w.sum(), rel=1e-12)
    # each distinct row carries the sum of its input weights
    for xi, ti, wi in zip(data.columns["x"], data.columns["t"], data.weights, strict=True):
        assert wi == pytest.approx(w[(x == xi) & (t == ti)].sum(), rel=1e-12)


def test_optimise_finds_known_minimum_with_and_without_gradient():
    target = np.log(np.array([0.5, 4.0, 2.0]))

    def objective(z: np.ndarray) -> float:
        return float(np.sum((z - target) ** 2))

    def value_and_grad(z: np.ndarray) -> tuple[float, np.ndarray]:
        return objective(z), 2.0 * (z - target)

    starts = [np.zeros(3), np.ones(3)]
    for kwargs in ({}, {"value_and_grad": value_and_grad}):
        res = optimise(objective, starts, model="toy", param_names=["a", "b", "c"], **kwargs)
        np.testing.assert_allclose(np.exp(res.x), [0.5, 4.0, 2.0], rtol=1e-5)
        assert res.runs and all("start" in r for r in res.runs)


def test_optimise_raises_convergence_error_naming_what_was_tried():
    def never_finite(z: np.ndarray) -> float:
        return float("nan")

    with pytest.raises(ConvergenceError) as info:
        optimise(never_finite, [np.zeros(2), np.ones(2)], model="toy", param_names=["a", "b"])
    message = str(info.value)
    assert "Tried" in message and "penalizer" in message and "n_starts" in message


def test_numeric_hessian_of_quadratic_form():
    a = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.0], [0.5, 0.0, 2.0]])
    h = numeric_hessian(lambda v: float(0.5 * v @ a @ v), np.array([1.0, -2.0, 0.5]))
    np.testing.assert_allclose(h, a, rtol=1e-6, atol=1e-6)
