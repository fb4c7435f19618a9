"""A synthetic transaction generator with known ground truth.

:func:`make_transactions` simulates a cohort under the BG/NBD purchase and
dropout process (Fader, Hardie & Lee 2005) with Gamma-Gamma spend (Fader,
Hardie & Lee 2005b; Colombo & Jiang 1999), optionally with item baskets that
contain planted association rules and a few planted anomalous orders. Every
step is vectorised, so a million customers take a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._params import Interval, validate_params
from crmmine.data.columns import time_unit_days
from crmmine.errors import ParameterError

__all__ = ["SyntheticTransactions", "make_transactions"]

# CDNOW estimates (weeks): Fader, Hardie & Lee (2005), Table 1; Gamma-Gamma from
# Fader, Hardie & Lee (2005) "RFM and CLV: using iso-value curves", p=6.25, q=3.74, gamma=15.44.
_BGNBD = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
_SPEND = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@dataclass
class SyntheticTransactions:
    """Output of :func:`make_transactions`: the simulated log and the truth behind it.

    Parameters
    ----------
    transactions : DataFrame
        ``customer_id``, ``order_id``, ``date``, ``amount`` and, with items,
        ``item`` and ``quantity`` (one row per order line).
    customers : DataFrame
        Ground truth per customer: ``first_purchase``, ``lambda_`` (purchase
        rate per time unit), ``p_dropout``, ``spend_nu``, ``dropout_date``
        (NaT when still alive at the end), ``alive`` at ``observation_end``.
    params : dict
        The generating parameters.
    planted_rules : DataFrame
        Planted associations ``antecedent``, ``consequent``, ``probability``.
    anomalies : DataFrame
        Planted anomalous orders (``order_id``, ``customer_id``, ``factor``).
    observation_end : Timestamp
        Last day of the simulated observation period.

    See Also
    --------
    make_transactions : builds it.

    Examples
    --------
    >>> sim = make_transactions(300, n_items=20, n_planted_rules=2, random_state=0)
    >>> sim.customers.shape, sim.customers.columns.tolist()[:3]
    ((300, 6), ['first_purchase', 'lambda_', 'p_dropout'])
    >>> sim.planted_rules[["antecedent", "consequent"]].values.tolist()
    [['I8', 'I16'], ['I15', 'I19']]
    >>> str(sim.observation_end.date()), sim.params["purchase"]["r"]
    ('2021-06-30', 0.2426)
    """

    transactions: pd.DataFrame
    customers: pd.DataFrame
    params: dict
    planted_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    anomalies: pd.DataFrame = field(default_factory=pd.DataFrame)
    observation_end: pd.Timestamp | None = None


def _grouped_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting at each group of ``counts`` consecutive values."""
    total = np.cumsum(values)
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    offset = np.concatenate([[0.0], total])[starts]
    return total - offset


@validate_params({
    "n_customers": [Interval(Integral, 1, None)],
    "random_state": ["random_state"],
    "start": ["date"],
    "acquisition_periods": [Interval(Real, 0, None, closed="neither")],
    "observation_periods": [Interval(Real, 0, None, closed="neither")],
    "time_unit": [Interval(Real, 0, None, closed="neither"), str],
    "purchase_params": [None, dict],
    "spend_params": [None, dict],
    "n_items": [Interval(Integral, 0, None)],
    "basket_size": [Interval(Real, 0, None, closed="neither")],
    "n_planted_rules": [Interval(Integral, 0, None)],
    "n_anomalies": [Interval(Integral, 0, None)],
})
def make_transactions(
    n_customers: int = 1000,
    *,
    random_state: int | None = None,
    start: str = "2020-01-01",
    acquisition_periods: float = 12.0,
    observation_periods: float = 78.0,
    time_unit: str = "W",
    purchase_params: dict | None = None,
    spend_params: dict | None = None,
    n_items: int = 0,
    basket_size: float = 3.0,
    n_planted_rules: int = 5,
    n_anomalies: int = 0,
    anomaly_factor: tuple[float, float] = (20.0, 100.0),
) -> SyntheticTransactions:
    """Simulate a customer cohort with known purchase, dropout and spend processes.

    Each customer is acquired at a uniform time in the first
    ``acquisition_periods`` and makes a first purchase then. Repeat purchases
    follow a Poisson process with rate ``lambda ~ Gamma(r, alpha)`` per time
    unit; after each repeat purchase the customer drops out with probability
    ``p ~ Beta(a, b)`` (BG/NBD). Order values are ``Gamma(p_s, nu)`` with
    ``nu ~ Gamma(q, gamma)`` per customer (Gamma-Gamma). With ``n_items > 0``
    every order becomes a basket of lines drawn from a Zipf-like catalogue,
    with ``n_planted_rules`` pairs where buying the antecedent adds the
    consequent with a given probability. ``n_anomalies`` orders get their
    amount (and quantities) multiplied by a factor drawn from
    ``anomaly_factor``.

    Parameters
    ----------
    n_customers : int
    random_state : int, optional
        Seed of the NumPy generator; the same seed gives the same data.
    start : date-like
        Start of the acquisition window.
    acquisition_periods, observation_periods : float
        Lengths, in ``time_unit``, of the acquisition window and of the whole
        observation (from ``start``).
    time_unit : str
        Unit of the rates and periods. ``"W"`` by default, the one exception to
        crmmine's default of days: the default parameters are the published
        weekly CDNOW estimates, and a default in days would silently change
        their meaning.
    purchase_params : dict, optional
        BG/NBD ``r, alpha, a, b``; defaults to the CDNOW estimates of Fader,
        Hardie & Lee (2005): 0.2426, 4.4136, 0.7929, 2.4259.
    spend_params : dict, optional
        Gamma-Gamma ``p, q, gamma``; defaults to 6.25, 3.74, 15.44.
    n_items : int
        Catalogue size; 0 gives one line per order without items.
    basket_size : float
        Mean number of distinct items per order.
    n_planted_rules : int
        Number of planted antecedent -> consequent pairs.
    n_anomalies : int
        Number of planted anomalous orders.
    anomaly_factor : (float, float)
        Range of the multiplier applied to an anomalous order.

    Returns
    -------
    SyntheticTransactions

    See Also
    --------
    SyntheticTransactions : the result, with the ground truth per customer.
    crmmine.value.BGNBD : recovers ``purchase_params`` from the simulated summary.
    crmmine.association.frequent_itemsets : finds the planted rules when ``n_items > 0``.

    Examples
    --------
    >>> sim = make_transactions(200, random_state=1)
    >>> sim.transactions.columns.tolist()
    ['customer_id', 'order_id', 'date', 'amount']
    >>> sim.transactions["customer_id"].nunique()
    200
    >>> bool(sim.transactions["amount"].gt(0).all())
    True

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). "Counting your
    customers" the easy way: an alternative to the Pareto/NBD model.
    Marketing Science 24(2), 275-284.
    Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). RFM and CLV: using
    iso-value curves for customer base analysis. Journal of Marketing
    Research 42(4), 415-430.
    """
    if observation_periods <= acquisition_periods:
        raise ParameterError("observation_periods must exceed acquisition_periods.")
    pp = {**_BGNBD, **(purchase_params or {})}
    sp = {**_SPEND, **(spend_params or {})}
    for name, value in {**pp, **sp}.items():
        if not value > 0:
            raise ParameterError(f"parameter {name} must be positive, got {value}.")
    rng = np.random.default_rng(random_state)
    n = int(n_customers)
    unit = time_unit_days(time_unit)
    origin = pd.Timestamp(start)

    birth = rng.uniform(0.0, acquisition_periods, n)
    horizon = observation_periods - birth  # T_i in time units
    lam = rng.gamma(pp["r"], 1.0 / pp["alpha"], n)
    p_drop = rng.beta(pp["a"], pp["b"], n)
    # repeat purchases until dropout: dies after the K-th repeat purchase, K ~ Geometric(p)
    k_drop = rng.geometric(p_drop)
    n_poisson = rng.poisson(lam * horizon)
    n_rep = np.minimum(k_drop, n_poisson)
    # order statistics of n_poisson uniforms on (0, T): first n_rep of them via
    # normalised exponential spacings (the total includes the unused spacings).
    exps = rng.standard_exponential(int(n_rep.sum()))
    partial = _grouped_cumsum(exps, n_rep)
    last_partial = np.zeros(n)
    has = n_rep > 0
    ends = np.cumsum(n_rep) - 1
    last_partial[has] = partial[ends[has]]
    rest = rng.gamma(np.maximum(n_poisson - n_rep + 1, 1).astype(float), 1.0)
    total = last_partial + rest
    cust_of_rep = np.repeat(np.arange(n), n_rep)
    rep_time = birth[cust_of_rep] + partial / total[cust_of_rep] * horizon[cust_of_rep]
    dropped = k_drop <= n_poisson
    dropout_time = np.full(n, np.nan)
    dropout_time[dropped] = rep_time[ends[dropped]]

    cust = np.concatenate([np.arange(n), cust_of_rep])
    times = np.concatenate([birth, rep_time])
    order = np.lexsort((times, cust))
    cust, times = cust[order], times[order]
    nu = rng.gamma(sp["q"], 1.0 / sp["gamma"], n)
    amount = rng.gamma(sp["p"], 1.0, len(cust)) / nu[cust]
    dates = origin + pd.to_timedelta(np.floor(times * unit * 86400.0), unit="s")
    ids = np.arange(1, n + 1)
    tx = pd.DataFrame({
        "customer_id": ids[cust],
        "order_id": np.arange(1, len(cust) + 1),
        "date": dates.astype("datetime64[us]"),
        "amount": np.round(amount, 2).clip(min=0.01),
    })

    anomalies = pd.DataFrame(columns=["order_id", "customer_id", "factor"])
    if n_anomalies:
        pick = rng.choice(len(tx), size=min(n_anomalies, len(tx)), replace=False)
        factor = rng.uniform(*anomaly_factor, len(pick))
        tx.loc[pick, "amount"] = np.round(tx["amount"].to_numpy()[pick] * factor, 2)
        anomalies = pd.DataFrame({"order_id": tx["order_id"].to_numpy()[pick],
                                  "customer_id": tx["customer_id"].to_numpy()[pick],
                                  "factor": factor})

    planted = pd.DataFrame(columns=["antecedent", "consequent", "probability"])
    if n_items:
        tx, planted = _add_baskets(tx, rng, n_items, basket_size, n_planted_rules, anomalies)

    obs_end = origin + pd.Timedelta(days=observation_periods * unit)
    customers = pd.DataFrame({
        "first_purchase": (origin + pd.to_timedelta(np.floor(birth * unit * 86400), unit="s"))
        .astype("datetime64[us]"),
        "lambda_": lam, "p_dropout": p_drop, "spend_nu": nu,
        "dropout_date": (origin + pd.to_timedelta(dropout_time * unit * 86400, unit="s"))
        .astype("datetime64[us]"),
        "alive": ~dropped,
    }, index=pd.Index(ids, name="customer_id"))
    return SyntheticTransactions(
        transactions=tx, customers=customers,
        params={"purchase": pp, "spend": sp, "time_unit": time_unit,
                "acquisition_periods": acquisition_periods,
                "observation_periods": observation_periods, "start": origin},
        planted_rules=planted, anomalies=anomalies, observation_end=obs_end.normalize(),
    )


def _add_baskets(tx: pd.DataFrame, rng: np.random.Generator, n_items: int, basket_size: float,
                 n_rules: int, anomalies: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Expand orders into item lines with planted antecedent -> consequent pairs."""
    if n_items < 2 * n_rules + 2:
        raise ParameterError(f"n_items={n_items} is too small for {n_rules} planted rules.")
    weights = 1.0 / np.arange(1, n_items + 1) ** 0.8
    weights /= weights.sum()
    n_orders = len(tx)
    sizes = 1 + rng.poisson(max(basket_size - 1.0, 0.0), n_orders)
    line_order = np.repeat(np.arange(n_orders), sizes)
    items = rng.choice(n_items, size=len(line_order), p=weights)
    # planted rules among mid-popularity items so that they stand out from the base rate
    cand = rng.choice(np.arange(n_items // 10, n_items), size=2 * n_rules, replace=False)
    ante, cons = cand[:n_rules], cand[n_rules:]
    prob = rng.uniform(0.5, 0.8, n_rules)
    extra_order, extra_item = [], []
    for a, c, pr in zip(ante, cons, prob):  # loop over the few planted rules, not over rows
        with_a = np.unique(line_order[items == a])
        hit = with_a[rng.random(len(with_a)) < pr]
        extra_order.append(hit)
        extra_item.append(np.full(len(hit), c))
    line_order = np.concatenate([line_order, *extra_order])
    items = np.concatenate([items, *extra_item])
    lines = pd.DataFrame({"o": line_order, "item": items}).drop_duplicates()
    lines = lines.sort_values(["o", "item"], kind="stable")
    o = lines["o"].to_numpy()
    items = lines["item"].to_numpy()
    qty = 1 + rng.poisson(0.5, len(lines))
    share = rng.gamma(2.0, 1.0, len(lines))
    share_sum = np.bincount(o, weights=share, minlength=n_orders)
    amt = tx["amount"].to_numpy()[o] * share / share_sum[o]
    out = pd.DataFrame({
        "customer_id": tx["customer_id"].to_numpy()[o],
        "order_id": tx["order_id"].to_numpy()[o],
        "date": tx["date"].to_numpy()[o],
        "amount": np.round(amt, 2).clip(min=0.01),
        "item": np.char.add("I", items.astype(str)) if len(items) else items.astype(str),
        "quantity": qty,
    })
    if len(anomalies):
        big = out["order_id"].isin(anomalies["order_id"]).to_numpy()
        f = anomalies.set_index("order_id")["factor"].reindex(out.loc[big, "order_id"]).to_numpy()
        out.loc[big, "quantity"] = np.ceil(out.loc[big, "quantity"].to_numpy() * f).astype(int)
    planted = pd.DataFrame({"antecedent": [f"I{a}" for a in ante],
                            "consequent": [f"I{c}" for c in cons], "probability": prob})
    return out.reset_index(drop=True), planted
