"""Dwyer's two customer-value models, in the closed forms of Berger & Nasr (1998).

**Customer retention ("lost for good").** A customer who fails to buy in a period is gone
forever. With margin ``GC_i`` from a purchase at the start of period ``i`` (``i = 0`` is the
purchase that starts the relationship), retention ``r_i`` from period ``i - 1`` to ``i``
(survival ``S_i = r_1 ... r_i``), a promotion cost ``M`` spent on every surviving customer a
fraction ``tau`` into each period to bring the next purchase, and a discount rate ``d`` per
period (Berger & Nasr 1998, Case 1; Case 2 is the same with a period other than a year,
Case 3 a margin that changes with ``i``):

    CLV = sum_{i=0}^{n} GC_i S_i / (1 + d)^i  -  sum_{i=1}^{n} M S_{i-1} / (1 + d)^(i - 1 + tau)

With constant ``GC``, ``r`` and ``q = r / (1 + d)`` the sums are geometric:
``GC (1 - q^(n+1)) / (1 - q) - M (1 + d)^-tau (1 - q^n) / (1 - q)``; Berger & Nasr's
``tau = 0.5`` puts the promotion in the middle of the year.

**Customer migration ("always a share").** A customer who skips a period may come back; the
chance she buys depends on her recency ``k`` (periods since her last purchase): ``p_k``,
with ``p_k = 0`` from the recency at which she is considered lost. Each period the firm
spends ``M`` on every customer not lost, and earns ``GC`` when she buys. The value of a
customer at the start of a period in recency ``k`` solves ``V = R + P V / (1 + d)`` with
``R_k = p_k GC - M`` and ``P`` moving her to recency 1 (bought) or ``k + 1`` (did not), so
``V = (I - P / (1 + d))^-1 R`` (Berger & Nasr 1998, Case 5; Pfeifer & Carraway 2000 show
the Markov-chain form). A customer who has just bought is worth ``GC + V_1 / (1 + d)``.

:class:`DwyerRetention` and :class:`DwyerMigration` estimate the retention rates (by cohort
and age) and the purchase probabilities (by recency) from a transaction log and value every
customer.

References
----------
Dwyer, F. R. (1989). Customer lifetime valuation to support marketing decision making.
*Journal of Direct Marketing* 3(4), 8-15.
Berger, P. D. and Nasr, N. I. (1998). Customer lifetime value: marketing models and
applications. *Journal of Interactive Marketing* 12(1), 17-30.
Pfeifer, P. E. and Carraway, R. L. (2000). Modeling customer relationships as Markov chains.
*Journal of Interactive Marketing* 14(2), 43-55.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, validate_params
from crmmine._roles import resolve_roles
from crmmine.errors import DataError, ParameterError
from crmmine.value._methods_common import (
    as_timestamp,
    check_dates,
    check_ids,
    check_numeric_column,
    discount_per,
    period_days,
    require_frame,
    utc_days,
    warn_after_as_of,
)

__all__ = ["DwyerMigration", "DwyerRetention", "migration_clv", "period_grid", "retention_clv"]

_TX_ROLES = {"customer_id": "customer_id", "date": "date", "amount": "amount"}


def _sequence(
    value: Any, length: int, name: str, *, low: float | None = None, high: float | None = None
) -> np.ndarray:
    arr = np.asarray(value, dtype="float64")
    if arr.ndim == 0:
        arr = np.full(length, float(arr))
    if arr.ndim != 1 or arr.shape[0] != length:
        raise ParameterError(
            f"{name} must be a number or a sequence of {length} values, got shape {arr.shape}."
        )
    if (
        not np.all(np.isfinite(arr))
        or (low is not None and np.any(arr < low))
        or (high is not None and np.any(arr > high))
    ):
        raise ParameterError(f"{name} must be finite and within [{low}, {high}], got {value!r}.")
    return arr


@validate_params(
    {
        "horizon": [None, Interval(Integral, 0, None)],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "cost_timing": [Interval(Real, 0, 1, closed="both")],
    }
)
def retention_clv(
    margin: float | Any,
    retention: float | Any,
    *,
    horizon: int | None,
    annual_discount_rate: float = 0.0,
    period: str | float = "Y",
    cost: float = 0.0,
    cost_timing: float = 0.5,
) -> float:
    """CLV under the customer-retention ("lost for good") model (Berger & Nasr 1998, Cases 1-3).

    Parameters
    ----------
    margin : float or sequence of ``horizon + 1`` floats
        Gross contribution ``GC_i`` of the purchase at the start of period ``i`` (``i = 0`` first).
    retention : float or sequence of ``horizon`` floats in [0, 1]
        ``r_i``, the share of period ``i - 1``'s customers who buy again in period ``i``.
    horizon : int or None
        ``n``, the last period counted; ``None`` for no end (constant margin and retention only,
        and ``retention < 1 + d``).
    annual_discount_rate : float, default 0
        Converted to the ``period`` by compounding.
    period : str, default "Y"
        Length of a purchase cycle (``"Y"`` in Berger & Nasr's Case 1; Case 2 uses other cycles).
    cost : float, default 0
        Promotion cost ``M`` per surviving customer and period.
    cost_timing : float, default 0.5
        When in the period before a purchase the promotion is paid (0 = start, 0.5 = middle).

    Returns
    -------
    float
        The customer's lifetime value at the start of the relationship (the first purchase's
        margin included), in the currency of ``margin`` and ``cost``.

    Raises
    ------
    ParameterError
        Sequences of the wrong length, retention outside [0, 1], or ``horizon=None`` with
        varying margin or retention or with an infinite value (retention 1 and no discounting).

    See Also
    --------
    DwyerRetention : estimates retention and margin by age from a transaction log.
    migration_clv : the "always a share" model, where lapsed customers may come back.
    crmmine.value.ShiftedBetaGeometric : retention that varies across customers.

    Examples
    --------
    By hand, GC = 100, M = 20, r = 0.8, d = 0.2 a year, n = 2:
    100 (1 + 0.8 / 1.2 + 0.64 / 1.44) - 20 (1.2^-0.5 + 0.8 x 1.2^-1.5) = 180.68.

    >>> round(retention_clv(100, 0.8, horizon=2, annual_discount_rate=0.2, cost=20), 2)
    180.68
    """
    d = discount_per(annual_discount_rate, period)
    if horizon is None:
        if np.ndim(margin) or np.ndim(retention):
            raise ParameterError("horizon=None (no end) needs a constant margin and retention.")
        q = float(retention) / (1.0 + d)
        if not 0 <= float(retention) <= 1:
            raise ParameterError(f"retention must be in [0, 1], got {retention!r}.")
        if q >= 1:
            raise ParameterError(
                "horizon=None: the value is infinite without discounting and with retention 1. "
                "Fix: set annual_discount_rate > 0 or a finite horizon."
            )
        return float(margin) / (1 - q) - cost * (1 + d) ** -cost_timing / (1 - q)
    n = int(horizon)
    gc = _sequence(margin, n + 1, "margin")
    r = _sequence(retention, n, "retention", low=0.0, high=1.0)
    survival = np.concatenate([[1.0], np.cumprod(r)])
    i = np.arange(n + 1, dtype="float64")
    income = float(np.sum(gc * survival / (1 + d) ** i))
    spend = float(np.sum(cost * survival[:-1] / (1 + d) ** (i[1:] - 1 + cost_timing)))
    return income - spend


@validate_params(
    {
        "horizon": [None, Interval(Integral, 1, None)],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
    }
)
def migration_clv(
    purchase_probabilities: Any,
    margin: float,
    *,
    cost: float = 0.0,
    horizon: int | None = None,
    annual_discount_rate: float = 0.0,
    period: str | float = "Y",
) -> pd.Series:
    """Value by recency under the customer-migration model (Berger & Nasr 1998, Case 5).

    Parameters
    ----------
    purchase_probabilities : sequence of floats in [0, 1]
        ``p_1, ..., p_K``: chance of buying in a period given the last purchase was ``k``
        periods ago. After ``K`` periods without a purchase the customer is lost (worth 0,
        no more cost).
    margin : float
        Gross contribution ``GC`` of a purchase.
    cost : float, default 0
        Promotion cost ``M`` per period for every customer not lost.
    horizon : int, optional
        Number of periods counted; ``None`` for no end (needs discounting or a lost state).
    annual_discount_rate : float, default 0
        Yearly discount rate, converted to one ``period`` by compounding.
    period : str or float, default "Y"
        Length of a period: a unit string (``"Y"``, ``"Q"``, ``"M"``, ``"90D"``) or a number
        of days.

    Returns
    -------
    pandas.Series
        ``value`` indexed ``R1 .. RK`` (value at the start of a period, recency k) and
        ``just bought`` (``GC + V_R1 / (1 + d)``, the CLV of a customer who buys now).

    Raises
    ------
    ParameterError
        Probabilities outside [0, 1] or an empty sequence.

    See Also
    --------
    DwyerMigration : estimates the purchase probabilities by recency from a transaction log.
    retention_clv : the "lost for good" model.
    MarkovCLV : recency-state Markov chain fitted on a log, with spend and cost per state.

    Examples
    --------
    One recency state, p = 0.5, GC = 10, no cost, d = 0 and 2 periods: the customer buys now
    with probability 0.5 (5), and if she does, again with 0.5 (2.5): V_R1 = 7.5.

    >>> migration_clv([0.5], 10.0, horizon=2)["R1"]
    np.float64(7.5)
    """
    p = np.asarray(purchase_probabilities, dtype="float64").ravel()
    if p.size == 0 or not np.all(np.isfinite(p)) or np.any(p < 0) or np.any(p > 1):
        raise ParameterError(
            "purchase_probabilities must be one or more probabilities in [0, 1], "
            f"got {purchase_probabilities!r}."
        )
    d = discount_per(annual_discount_rate, period)
    k = p.size
    P = np.zeros((k + 1, k + 1))
    P[np.arange(k), 0] = p
    P[np.arange(k - 1), np.arange(1, k)] += 1.0 - p[:-1]
    P[k - 1, k] += 1.0 - p[-1]
    P[k, k] = 1.0  # lost for good
    rewards = np.append(p * margin - cost, 0.0)
    disc = 1.0 / (1.0 + d)
    if horizon is None:
        try:
            values = np.linalg.solve(np.eye(k + 1) - disc * P, rewards)
        except np.linalg.LinAlgError:  # pragma: no cover - the lost state makes I - P/(1+d) regular
            raise ParameterError("no finite value: set annual_discount_rate > 0 or a horizon.") from None
    else:
        values = np.zeros(k + 1)
        step = rewards.copy()
        for _ in range(int(horizon)):  # a loop over periods, vectorised over states
            values += step
            step = disc * P @ step
    labels = [f"R{i + 1}" for i in range(k)]
    out = pd.Series(values[:k], index=labels, name="value")
    out["just bought"] = (
        margin + disc * values[0]
        if horizon is None
        else margin + disc * (values[0] - _last_term(P, rewards, disc, int(horizon)))
    )
    out.index.name = "recency"
    return out


def _last_term(P: np.ndarray, rewards: np.ndarray, disc: float, horizon: int) -> float:
    """The value of the horizon's last period from R1 (a just-bought customer has one period less)."""
    return float((disc ** (horizon - 1)) * (np.linalg.matrix_power(P, horizon - 1) @ rewards)[0])


def period_grid(
    tx: Any,
    *,
    period: str | float,
    as_of: Any = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> tuple[pd.Index, np.ndarray, np.ndarray, pd.Timestamp]:
    """Purchases and spend per customer and period, periods counted back from ``as_of``.

    Period ``n_periods - 1`` is the one that ends on ``as_of`` (inclusive); period 0 holds the
    first transaction (it may be partial). Transactions after ``as_of`` are not used.

    Returns
    -------
    customers : Index
        Customer ids (sorted), one row each.
    bought : ndarray of bool, shape (customers, periods)
    spend : ndarray of float, shape (customers, periods)
    as_of : Timestamp
    """
    roles = resolve_roles(columns, _TX_ROLES, customer_id=customer_id, date=date, amount=amount)
    frame = require_frame(tx, list(roles.values()), what="transactions")
    cid, dcol, acol = roles["customer_id"], roles["date"], roles["amount"]
    check_ids(frame, cid, fix="drop or fill them (clean_transactions)")
    check_dates(frame, dcol, fix="parse and clean the dates first (crmmine.clean_transactions)")
    amounts = check_numeric_column(
        frame,
        acol,
        what="amounts",
        minimum=0.0,
        fix="drop returns and bad amounts first (clean_transactions(returns='drop'))",
    )
    if len(frame) == 0:
        raise DataError("transactions are empty. Fix: pass a log with at least one purchase.")
    day = utc_days(frame[dcol])
    ref = as_timestamp(as_of, "as_of").normalize() if as_of is not None else day.max()
    keep = (day <= ref).to_numpy()
    if not keep.any():
        raise DataError(f"no transaction on or before as_of={ref.date()}. Fix: pass a later as_of.")
    warn_after_as_of(frame[cid], keep, ref, stacklevel=3)
    length = period_days(period)
    back = np.floor(((ref - day[keep]).dt.days.to_numpy()) / length).astype("int64")
    n_periods = int(back.max()) + 1
    col = n_periods - 1 - back
    codes, customers = pd.factorize(frame.loc[keep, cid], sort=True)
    flat = codes.astype("int64") * n_periods + col
    size = len(customers) * n_periods
    bought = np.bincount(flat, minlength=size).reshape(len(customers), n_periods) > 0
    spend = np.bincount(flat, weights=amounts[keep], minlength=size).reshape(len(customers), n_periods)
    return pd.Index(customers, name=cid), bought, spend, ref


class PeriodModel(CRMMineEstimator):
    """An estimator fitted on a log's purchases and spend by period (:func:`period_grid`).

    :class:`DwyerRetention`, :class:`DwyerMigration` and :class:`~crmmine.value.ValueCurves`
    value the customers of the log they are fitted on: ``fit`` reads the log up to ``as_of``
    and hands the grid to ``_fit_grid``, which sets ``values_``; ``predict`` returns it.
    """

    _fitted_attributes: ClassVar[tuple[str, ...]] = ("values_",)

    def fit(
        self,
        tx: Any,
        y: None = None,
        *,
        as_of: Any = None,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        date: str | None = None,
        amount: str | None = None,
    ) -> PeriodModel:
        """Estimate the model on the transaction log up to ``as_of`` and value every customer.

        Parameters
        ----------
        tx : table
            Transactions (pandas or any backend crmmine reads) with the customer id, date and
            amount; rows after ``as_of`` are not used.
        y : None
            Ignored (scikit-learn's signature).
        as_of : date-like, optional
            Last day of the history (default: the last transaction date); periods are counted
            back from it.
        columns : mapping, optional
            Role -> column name for ``customer_id``, ``date`` and ``amount``.
        customer_id, date, amount : str, optional
            Column names (override ``columns``).

        Returns
        -------
        self
        """
        self._validate_params()
        customers, bought, spend, ref = period_grid(
            tx,
            period=self.period,
            as_of=as_of,
            columns=columns,
            customer_id=customer_id,
            date=date,
            amount=amount,
        )
        self._fit_grid(customers, bought, spend)
        self.as_of_ = ref
        return self

    def _fit_grid(self, customers: pd.Index, bought: np.ndarray, spend: np.ndarray) -> None:
        raise NotImplementedError

    def predict(self, X: Any = None) -> pd.DataFrame:
        """The values of the customers of the fitted log (a copy of ``values_``).

        Parameters
        ----------
        X : None
            The model values the log it was fitted on: to value another log, fit on it.

        Returns
        -------
        pandas.DataFrame
            ``values_``: one row per customer of the fitted log.
        """
        self._check_fitted()
        if X is not None:
            raise ParameterError(
                f"{type(self).__name__}.predict values the customers it was fitted on; call fit(tx) "
                "on the new log instead."
            )
        return self.values_.copy()


class DwyerRetention(PeriodModel):
    """Customer-retention ("lost for good") model by cohort, estimated from transactions.

    Customers are grouped by the period of their first purchase (their cohort). A customer is
    retained at age ``k`` (``k`` periods after her first) while she has bought in every period
    since her first; the first period without a purchase loses her for good. Retention by age
    pools the cohorts: ``r_k = sum_c active_c(k) / sum_c active_c(k - 1)`` over the cohorts
    observed at age ``k``; margin per retained customer by age is the mean spend of the
    retained customers times ``margin``. A retained customer of age ``a`` is worth
    ``sum_{i=1}^{h} S(a + i) / S(a) x GC(a + i) / (1 + d)^i`` (Berger & Nasr's Case 1 with
    age-varying retention and margin, Case 3); ages beyond the data keep the last observed
    retention and margin. Lost customers are worth 0.

    Parameters
    ----------
    period : str or float, default "Y"
        Purchase cycle: a unit string (``"Y"``, ``"Q"``, ``"M"``) or a number of days
        (Dwyer's examples are annual); periods are counted back from ``as_of``.
    horizon : int, default 5
        Future periods valued.
    annual_discount_rate : float, default 0.1
        Yearly discount rate, converted to one ``period`` by compounding.
    margin : float, default 1
        Profit share of spend, in [0, 1].
    cost : float, default 0
        Promotion cost per retained customer and period (paid ``cost_timing`` into the period
        before each purchase), in the currency of the amounts.
    cost_timing : float, default 0.5
        Fraction of the period at which the promotion is paid (0 = start, 0.5 = middle).

    Attributes
    ----------
    cohorts_ : pandas.DataFrame
        Retained customers by cohort (rows) and age (columns).
    retention_ : pandas.Series
        Pooled retention by age (age 1, 2, ...).
    margin_by_age_ : pandas.Series
        Margin per retained customer by age (age 0, 1, ...).
    value_by_age_ : pandas.Series
        Value of a retained customer by age (age 0, 1, ...).
    values_ : pandas.DataFrame
        Per customer: ``cohort``, ``age``, ``retained``, ``value``.
    as_of_ : pandas.Timestamp
        Last day of the history used.

    See Also
    --------
    retention_clv : the same model's value from given retention and margin.
    DwyerMigration : the "always a share" model, where lapsed customers may come back.
    crmmine.value.ShiftedBetaGeometric : retention that varies across customers (contracts).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2, 3],
    ...                    "date": pd.to_datetime(["2018-03-01", "2019-03-01", "2020-03-01",
    ...                                            "2018-05-01", "2020-05-01", "2019-06-01"]),
    ...                    "amount": [10.0, 10.0, 10.0, 20.0, 20.0, 5.0]})
    >>> m = DwyerRetention(horizon=3).fit(tx, as_of="2020-12-31")
    >>> m.retention_.round(3).tolist()
    [0.333, 1.0]
    >>> m.values_["retained"].tolist()
    [True, False, False]

    References
    ----------
    Dwyer (1989); Berger and Nasr (1998), see the module docstring.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "period": [str, Interval(Real, 0, None, closed="neither")],
        "horizon": [Interval(Integral, 1, None)],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, 0, 1, closed="both")],
        "cost": [Interval(Real, 0, None)],
        "cost_timing": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        period: str | float = "Y",
        horizon: int = 5,
        annual_discount_rate: float = 0.1,
        margin: float = 1.0,
        cost: float = 0.0,
        cost_timing: float = 0.5,
    ) -> None:
        self.period = period
        self.horizon = horizon
        self.annual_discount_rate = annual_discount_rate
        self.margin = margin
        self.cost = cost
        self.cost_timing = cost_timing

    def _fit_grid(self, customers: pd.Index, bought: np.ndarray, spend: np.ndarray) -> None:
        """Retention and margin by age from the purchase grid, and every customer's value."""
        _n_cust, n_per = bought.shape
        first = np.argmax(bought, axis=1)
        cols = np.arange(n_per)
        age = cols[None, :] - first[:, None]  # age of the customer in each period (negative before)
        observed = age >= 0
        # retained at age k: bought in every period from the first up to k (cumulative product)
        streak = np.cumprod(np.where(observed, bought, True), axis=1).astype(bool) & observed
        max_age = n_per
        flat_age = age[observed]
        active_by_age = np.bincount(flat_age, weights=streak[observed], minlength=max_age)
        spend_by_age = np.bincount(flat_age, weights=(spend * streak)[observed], minlength=max_age)
        exposed = np.bincount(flat_age, minlength=max_age)  # customers observed at each age
        # retention pools the cohorts observed at age k: compare with their own count at age k - 1
        prev_active = np.zeros(max_age)
        rows, cols_idx = np.nonzero(observed & (age >= 1))
        np.add.at(prev_active, age[rows, cols_idx], streak[rows, cols_idx - 1])
        with np.errstate(divide="ignore", invalid="ignore"):
            retention = np.where(prev_active > 0, active_by_age / np.maximum(prev_active, 1e-300), np.nan)
            gc = np.where(active_by_age > 0, self.margin * spend_by_age / active_by_age, np.nan)
        last = int(np.max(np.flatnonzero(exposed > 0))) if exposed.any() else 0
        ret = retention[1 : last + 1]
        if ret.size == 0 or np.all(np.isnan(ret)):
            raise DataError(
                f"DwyerRetention: the data span a single {self.period!r} period, so no retention can be "
                "measured. Fix: use a shorter period or a longer history."
            )
        ret = pd.Series(ret, index=pd.RangeIndex(1, last + 1, name="age"), name="retention").ffill()
        gcs = pd.Series(gc[: last + 1], index=pd.RangeIndex(0, last + 1, name="age"), name="margin").ffill()
        cohort_codes = first
        cohort_table = pd.DataFrame(
            np.zeros((n_per, n_per)),
            index=pd.RangeIndex(n_per, name="cohort"),
            columns=pd.RangeIndex(n_per, name="age"),
        )
        np.add.at(
            cohort_table.values,
            (np.broadcast_to(cohort_codes[:, None], age.shape)[observed], flat_age),
            streak[observed].astype(float),
        )
        self.cohorts_ = cohort_table.loc[:, (cohort_table.sum(axis=0) > 0)].astype("int64")
        self.retention_ = ret
        self.margin_by_age_ = gcs
        current_age = (n_per - 1) - first
        retained = streak[:, -1]
        age_values = self._value_by_age(last)
        value = np.where(retained, age_values[np.minimum(current_age, len(age_values) - 1)], 0.0)
        self.values_ = pd.DataFrame(
            {"cohort": cohort_codes, "age": current_age, "retained": retained, "value": value},
            index=customers,
        )
        self.value_by_age_ = pd.Series(
            age_values, index=pd.RangeIndex(len(age_values), name="age"), name="value"
        )

    def _value_by_age(self, last: int) -> np.ndarray:
        d = discount_per(self.annual_discount_rate, self.period)
        h = int(self.horizon)
        ages = np.arange(last + h + 2)
        r = np.concatenate([[1.0], self.retention_.to_numpy()])
        r = np.concatenate([r, np.full(max(len(ages) - len(r), 0), r[-1])])[: len(ages)]
        g = self.margin_by_age_.to_numpy()
        g = np.concatenate([g, np.full(max(len(ages) - len(g), 0), g[-1])])[: len(ages)]
        out = np.zeros(last + 1)
        for a in range(last + 1):  # a loop over ages (few), vectorised over the horizon
            cond = np.cumprod(r[a + 1 : a + h + 1])  # S(a + i) / S(a)
            prev = np.concatenate([[1.0], cond[:-1]])
            i = np.arange(1, h + 1)
            out[a] = float(
                np.sum(g[a + 1 : a + h + 1] * cond / (1 + d) ** i)
                - np.sum(self.cost * prev / (1 + d) ** (i - 1 + self.cost_timing))
            )
        return out



class DwyerMigration(PeriodModel):
    """Customer-migration ("always a share") model by recency, estimated from transactions.

    In every period after her first purchase a customer has a recency ``k`` (periods since her
    last purchase, 1 = bought last period). ``p_k`` is estimated as the share of
    customer-periods at recency ``k`` with a purchase; from ``lost_after`` periods without a
    purchase she is lost (``p = 0``). A purchase earns ``margin`` x the mean spend of purchase
    periods. State values follow :func:`migration_clv`; each customer is valued at her recency
    at the start of the period after ``as_of`` (``R1`` if she bought in the last period).

    Parameters
    ----------
    period : str or float, default "Q"
        Length of a period: a unit string (``"M"``, ``"Q"``, ``"Y"``, ``"90D"``) or a number
        of days; periods are counted back from ``as_of``.
    lost_after : int, default 4
        Recency states ``R1 .. R{lost_after}``; a customer with no purchase for ``lost_after``
        periods is lost. Recencies never observed get ``p = 0`` and are listed in ``notes_``.
    horizon : int, optional
        Periods valued; ``None`` (default) for no end.
    annual_discount_rate : float, default 0.1
        Yearly discount rate, converted to one ``period`` by compounding.
    margin : float, default 1
        Profit share of spend, in [0, 1].
    cost : float, default 0
        Promotion cost per period for every customer not lost, in the currency of the amounts.

    Attributes
    ----------
    purchase_probabilities_ : pandas.DataFrame
        ``at_risk``, ``purchases``, ``p`` by recency state.
    state_values_ : pandas.Series
        :func:`migration_clv` output.
    margin_per_purchase_ : float
        ``margin`` x the mean spend of the purchase periods.
    values_ : pandas.DataFrame
        Per customer: ``recency`` (state label or ``"lost"``), ``value``.
    notes_ : list of str
        Recency states never observed.
    as_of_ : pandas.Timestamp
        Last day of the history used.

    See Also
    --------
    migration_clv : the state values from given purchase probabilities.
    DwyerRetention : the "lost for good" model.
    MarkovCLV : recency states with state-specific spend and cost, estimated the same way.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 2, 2],
    ...                    "date": pd.to_datetime(["2020-01-15", "2020-04-15", "2020-10-15",
    ...                                            "2020-02-01", "2020-03-01"]),
    ...                    "amount": [10.0, 10.0, 10.0, 20.0, 20.0]})
    >>> m = DwyerMigration(period="Q", lost_after=3).fit(tx, as_of="2020-12-31")
    >>> m.values_["recency"].tolist()
    ['R1', 'lost']

    References
    ----------
    Dwyer (1989); Berger and Nasr (1998), Case 5; Pfeifer and Carraway (2000), see the module
    docstring.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "period": [str, Interval(Real, 0, None, closed="neither")],
        "lost_after": [Interval(Integral, 1, None)],
        "horizon": [None, Interval(Integral, 1, None)],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, 0, 1, closed="both")],
        "cost": [Interval(Real, 0, None)],
    }

    def __init__(
        self,
        period: str | float = "Q",
        lost_after: int = 4,
        horizon: int | None = None,
        annual_discount_rate: float = 0.1,
        margin: float = 1.0,
        cost: float = 0.0,
    ) -> None:
        self.period = period
        self.lost_after = lost_after
        self.horizon = horizon
        self.annual_discount_rate = annual_discount_rate
        self.margin = margin
        self.cost = cost

    def _fit_grid(self, customers: pd.Index, bought: np.ndarray, spend: np.ndarray) -> None:
        """Purchase probabilities by recency from the purchase grid, and every customer's value."""
        n_cust, n_per = bought.shape
        if n_per < 2:
            raise DataError(
                f"DwyerMigration needs at least two {self.period!r} periods of history. "
                "Fix: use a shorter period or a longer history."
            )
        cols = np.arange(n_per)
        last_buy = np.maximum.accumulate(np.where(bought, cols[None, :], -1), axis=1)
        # recency at the start of period t is t - (last purchase period before t)
        before = np.concatenate([np.full((n_cust, 1), -1), last_buy[:, :-1]], axis=1)
        rec = np.where(before >= 0, cols[None, :] - before, 0)
        k = int(self.lost_after)
        at_risk_mask = (rec >= 1) & (rec <= k)
        at_risk = np.bincount(rec[at_risk_mask] - 1, minlength=k)[:k].astype(float)
        purchases = np.bincount(rec[at_risk_mask & bought] - 1, minlength=k)[:k].astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            p = np.where(at_risk > 0, purchases / np.maximum(at_risk, 1), 0.0)
        labels = [f"R{i + 1}" for i in range(k)]
        self.notes_ = []
        if (at_risk == 0).any():
            unseen = [labels[i] for i in np.flatnonzero(at_risk == 0)]
            self.notes_.append(
                f"recency states {unseen} were never observed; their purchase probability is 0. "
                "Fix: a shorter period or fewer states (lost_after)."
            )
        self.purchase_probabilities_ = pd.DataFrame(
            {"at_risk": at_risk, "purchases": purchases, "p": p}, index=pd.Index(labels, name="recency")
        )
        gc = self.margin * float(spend[bought].mean())
        self.margin_per_purchase_ = gc
        self.state_values_ = migration_clv(
            p,
            gc,
            cost=self.cost,
            horizon=self.horizon,
            annual_discount_rate=self.annual_discount_rate,
            period=self.period,
        )
        now = n_per - last_buy[:, -1]  # recency at the start of the next period
        state = np.where(
            now <= k, np.array([*labels, "lost"], dtype=object)[np.minimum(now, k + 1) - 1], "lost"
        )
        values = np.where(now <= k, self.state_values_.to_numpy()[np.minimum(now, k) - 1], 0.0)
        self.values_ = pd.DataFrame({"recency": state, "value": values}, index=customers)
