"""Simulation from fitted buy-till-you-die and spend models.

Every model draws customers from its own story, vectorised over customers (no Python loop
over customers; BG/BB loops over opportunities):

- **BG/NBD**: rate ``lambda ~ Gamma(r, alpha)``, drop-out ``p ~ Beta(a, b)``. Over ``(0, T]``
  a customer would make ``m ~ Poisson(lambda T)`` purchases if she never left; she leaves right
  after purchase ``K ~ Geometric(p)``. So ``x = min(K, m)``, she is alive at ``T`` when ``K > m``,
  and her last purchase is the ``x``-th of ``m`` uniform times: ``t_x = T Beta(x, m - x + 1)``.
- **MBG/NBD**: as BG/NBD with a toss at time 0 too, so ``x = min(K - 1, m)``.
- **Pareto/NBD**: lifetime ``tau ~ Exponential(mu)``, ``mu ~ Gamma(s, beta)``; ``x ~
  Poisson(lambda min(tau, T))`` and ``t_x = min(tau, T) U^(1/x)`` (the largest of ``x``
  uniform times).
- **BG/BB**: ``p ~ Beta(alpha, beta)``, ``theta ~ Beta(gamma, delta)``; at the start of each
  opportunity the customer leaves with probability ``theta``, else transacts with probability ``p``.
- **Gamma-Gamma**: ``nu ~ Gamma(q, gamma)``; the mean of ``x`` transaction values
  ``Gamma(p, nu)`` is ``Gamma(p x, nu) / x``.

Examples
--------
>>> from crmmine.value import BGNBD
>>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
>>> sim = m.simulate(39.0, n_customers=1000, random_state=0)
>>> sorted(sim.columns)
['T', 'alive', 'frequency', 'recency']
>>> bool((sim["recency"] <= sim["T"]).all())
True

References
----------
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way.
*Marketing Science* 24(2), 275-284.
Fader, P. S., Hardie, B. G. S. and Shang, J. (2010). Customer-base analysis in a discrete-time
noncontractual setting. *Marketing Science* 29(6), 1086-1108.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import check_params
from crmmine.errors import ParameterError

__all__ = [
    "ages_from",
    "rng_from",
    "simulate_bgbb",
    "simulate_bgnbd",
    "simulate_pareto",
    "simulate_spend",
]


def rng_from(random_state: Any) -> np.random.Generator:
    """A numpy Generator from ``None``, an int, a Generator or a legacy RandomState."""
    check_params({"random_state": random_state}, {"random_state": ["random_state"]}, caller="simulate()")
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(int(random_state.randint(0, 2**31 - 1)))
    return np.random.default_rng(random_state)


def ages_from(T: Any, n_customers: int | None, what: str = "T") -> np.ndarray:
    """Ages (or opportunities) of the customers to simulate: one number with ``n_customers``, or one each."""
    if isinstance(T, pd.Series):
        T = T.to_numpy()
    arr = np.asarray(T, dtype="float64")
    if arr.ndim == 0:
        if n_customers is None:
            raise ParameterError(
                f"give n_customers when {what} is one number (or pass one {what} per customer)."
            )
        arr = np.full(int(n_customers), float(arr))
    elif n_customers is not None and n_customers != arr.shape[0]:
        raise ParameterError(f"n_customers={n_customers} but {arr.shape[0]} values of {what} were given.")
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr) & (arr >= 0)):
        raise ParameterError(f"{what} must be finite numbers >= 0 (one number, or one per customer).")
    return arr


def _geometric(rng: np.random.Generator, p: np.ndarray) -> np.ndarray:
    """Trials up to and including the first success (>= 1), as floats; ``inf`` when ``p == 0``."""
    u = rng.random(p.shape[0])
    with np.errstate(divide="ignore"):
        return np.floor(np.log1p(-u) / np.log1p(-np.minimum(p, 1.0 - 1e-16))) + 1.0


def _last_of(rng: np.random.Generator, x: np.ndarray, m: np.ndarray, span: np.ndarray) -> np.ndarray:
    """Time of the x-th of m uniform times on (0, span] (0 where x = 0)."""
    pos = x > 0
    draws = rng.beta(np.where(pos, x, 1.0), np.where(pos, m - x + 1.0, 1.0))
    return np.where(pos, span * draws, 0.0)


def _frame(x, tx, T, alive, age_name: str = "T") -> pd.DataFrame:
    return pd.DataFrame(
        {"frequency": x.astype("int64"), "recency": tx, age_name: T, "alive": alive},
        index=pd.RangeIndex(x.shape[0], name="customer_id"),
    )


def simulate_bgnbd(theta: np.ndarray, ages: np.ndarray, rng: np.random.Generator, *, modified: bool = False):
    """BG/NBD (``modified=False``) or MBG/NBD customers of the given ages (see the module docstring)."""
    r, alpha, a, b = theta
    size = ages.shape[0]
    lam = rng.gamma(r, 1.0 / alpha, size)
    p = rng.beta(a, b, size)
    m = rng.poisson(lam * ages).astype("float64")
    K = _geometric(rng, p)
    before_leaving = K - 1.0 if modified else K  # purchases she makes before leaving
    x = np.minimum(before_leaving, m)
    return _frame(x, _last_of(rng, x, m, ages), ages, before_leaving > m)


def simulate_pareto(theta: np.ndarray, ages: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Pareto/NBD customers of the given ages (see the module docstring)."""
    r, alpha, s, beta = theta
    size = ages.shape[0]
    lam = rng.gamma(r, 1.0 / alpha, size)
    mu = rng.gamma(s, 1.0 / beta, size)
    with np.errstate(divide="ignore"):
        tau = rng.exponential(1.0, size) / mu
    window = np.minimum(tau, ages)
    x = rng.poisson(lam * window).astype("float64")
    pos = x > 0
    tx = np.where(pos, window * rng.random(size) ** (1.0 / np.where(pos, x, 1.0)), 0.0)
    return _frame(x, tx, ages, tau > ages)


def simulate_bgbb(theta: np.ndarray, n: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """BG/BB customers observed over ``n`` opportunities (see the module docstring)."""
    if np.any(n != np.floor(n)):
        raise ParameterError("n_periods must be whole numbers of opportunities.")
    al, be, ga, de = theta
    size = n.shape[0]
    p = rng.beta(al, be, size)
    death = _geometric(rng, rng.beta(ga, de, size))  # the opportunity at whose start she leaves
    active_until = np.minimum(death - 1.0, n)
    x = np.zeros(size)
    last = np.zeros(size)
    for j in range(1, int(n.max()) + 1):  # a loop over opportunities, vectorised over customers
        bought = (j <= active_until) & (rng.random(size) < p)
        x += bought
        last = np.where(bought, float(j), last)
    return _frame(x, last, n, death > n + 1.0, age_name="periods")


def simulate_spend(theta: np.ndarray, frequency: Any, rng: np.random.Generator) -> pd.DataFrame:
    """Mean repeat spend of customers with the given repeat-purchase counts (Gamma-Gamma)."""
    p, q, g = theta
    index = frequency.index if isinstance(frequency, pd.Series) else None
    x = np.asarray(frequency, dtype="float64")
    if x.ndim != 1 or x.size == 0 or not np.all(np.isfinite(x) & (x >= 0) & (x == np.floor(x))):
        raise ParameterError("frequency must be whole numbers >= 0, one per customer.")
    nu = rng.gamma(q, 1.0 / g, x.shape[0])
    pos = x > 0
    total = rng.gamma(np.where(pos, p * x, 1.0), 1.0 / nu)
    spend = np.where(pos, total / np.where(pos, x, 1.0), 0.0)
    if index is None:
        index = pd.RangeIndex(x.shape[0], name="customer_id")
    return pd.DataFrame({"frequency": x.astype("int64"), "repeat_monetary_mean": spend}, index=index)
