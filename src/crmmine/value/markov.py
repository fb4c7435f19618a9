"""Customer-migration (Markov chain) model of customer lifetime value."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmmine._backend import to_pandas
from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, Options, validate_params
from crmmine._units import time_unit_days
from crmmine.data.columns import require_columns, resolve_columns
from crmmine.errors import DataError, DataWarning, ParameterError
from crmmine.value._methods_common import as_timestamp, utc_days

__all__ = ["MarkovCLV"]


def _state_labels(k: int) -> list[str]:
    return [f"R{i}" if i < k - 1 else f"R{k - 1}+" for i in range(k)]


def _per_state(value: Any, labels: list[str], name: str) -> np.ndarray:
    """A number for every state, or one value per state (sequence in state order, or mapping by label)."""
    k = len(labels)
    if isinstance(value, Mapping | pd.Series):
        unknown = [s for s in value if s not in labels]
        if unknown:
            raise ParameterError(f"{name} names unknown states {unknown}; the states are {labels}.")
        out = np.zeros(k)
        for i, s in enumerate(labels):
            out[i] = float(value.get(s, 0.0))
        return out
    arr = np.asarray(value, dtype="float64")
    if arr.ndim == 0:
        return np.full(k, float(arr))
    if arr.shape != (k,):
        raise ParameterError(
            f"{name} must be one number or {k} values (one per state {labels}), got {arr.shape}."
        )
    return arr


class MarkovCLV(CRMMineEstimator):
    """Recency-state Markov chain CLV (Pfeifer & Carraway 2000; Dwyer 1989).

    Time is cut into periods. A customer is in state ``R0`` in a period in which she buys, and in
    state ``Rk`` when her last purchase was ``k`` periods ago; the last state pools every
    recency from ``n_states - 1`` on ("lapsed"). Transition probabilities between consecutive
    periods are estimated from all customers' histories. Each state earns a reward per period,
    ``margin x spend - cost``, and the state values are the expected discounted rewards

    ``V = sum_t (P / (1 + d))^t R = (I - P / (1 + d))^-1 R``

    (infinite horizon) or the sum to ``horizon`` periods, counting the current period's reward
    as Pfeifer & Carraway do; ``d`` is the annual rate converted to one period by compounding.

    Parameters
    ----------
    period : str, default "Q"
        Period length (``"M"``, ``"Q"``, ``"Y"``, ``"W"``, ``"90D"``...).
    n_states : int, default 5
        Recency states, the last one pooled.
    annual_discount_rate : float, default 0.0
        Yearly discount rate, converted to the period: ``(1 + rate) ** (period in years) - 1``.
    margin : float, default 1.0
        Share of spend that is profit.
    spend : None, float, sequence or mapping, default None
        Spend per period in each state. ``None``: the mean spend of the purchase periods in the
        data, earned in ``R0`` (the other states earn nothing). A number: that spend in ``R0``.
        One value per state (a sequence in state order, or a mapping such as
        ``{"R0": 120.0, "R1": 15.0}``, missing states 0): state-specific spend.
    cost : float, sequence or mapping, default 0.0
        Cost per period (e.g. a mailing). A number applies to every state but the lapsed one;
        one value per state sets each state's cost.
    horizon : int, optional
        Number of periods after the current one; infinite when None (needs
        ``annual_discount_rate > 0`` or a lapsed state that does not return).
    empty_states : {"raise", "lapse"}, default "raise"
        What to do when some state has no observed transition out of it (no customer was seen in
        it with a following period, typically when the history is short for the period length):
        raise a ``DataError`` saying how to fix it, or treat it as lapsed for good (it keeps its
        reward and never leaves; the pessimistic reading) with a ``DataWarning``.

    Attributes
    ----------
    transition_matrix_, transition_counts_ : pandas.DataFrame
    rewards_ : pandas.Series
        Reward per period in each state.
    state_values_ : pandas.Series
    states_ : pandas.Series
        Each customer's state in the last complete period.
    period_discount_rate_ : float
        The discount rate per period used.
    empty_states_ : list of str
        States without observed transitions (made absorbing under ``empty_states="lapse"``).
    warnings_ : list of str

    See Also
    --------
    DwyerMigration : Dwyer's recency-cell migration model on a period table.
    migration_clv : the same migration value computed from given probabilities.
    clv : CLV from a fitted buy-till-you-die model instead of recency states.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 3, 3],
    ...                    "date": pd.to_datetime(["2020-01-05", "2020-04-10", "2020-01-20",
    ...                                            "2020-12-01", "2020-02-01", "2020-05-02",
    ...                                            "2020-11-20"]),
    ...                    "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 4.0, 6.0]})
    >>> m = MarkovCLV(period="Q", n_states=3, annual_discount_rate=0.2).fit(tx, as_of="2021-01-10")
    >>> m.transition_matrix_.shape
    (3, 3)
    >>> bool(m.state_values_.iloc[0] > m.state_values_.iloc[-1])
    True

    References
    ----------
    Pfeifer, P. E. and Carraway, R. L. (2000). Modeling customer relationships as Markov chains.
    *Journal of Interactive Marketing* 14(2), 43-55.
    Dwyer, F. R. (1989). Customer lifetime valuation to support marketing decision making.
    *Journal of Direct Marketing* 3(4), 8-15.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "period": ["duration"],
        "n_states": [Interval(Integral, 2, None)],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, None, None)],
        "spend": [None, Interval(Real, None, None), "array-like", Mapping],
        "cost": [Interval(Real, None, None), "array-like", Mapping],
        "horizon": [None, Interval(Integral, 0, None)],
        "empty_states": [Options({"raise", "lapse"})],
    }
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("transition_matrix_", "state_values_")

    def __init__(
        self,
        period: str = "Q",
        n_states: int = 5,
        annual_discount_rate: float = 0.0,
        margin: float = 1.0,
        spend: Any = None,
        cost: Any = 0.0,
        horizon: int | None = None,
        empty_states: str = "raise",
    ) -> None:
        self.period = period
        self.n_states = n_states
        self.annual_discount_rate = annual_discount_rate
        self.margin = margin
        self.spend = spend
        self.cost = cost
        self.horizon = horizon
        self.empty_states = empty_states

    def _period_rate(self) -> float:
        return float((1.0 + self.annual_discount_rate) ** (time_unit_days(self.period) / 365.25) - 1.0)

    def _state_matrix(self, tx: Any, as_of: Any, cols) -> tuple[pd.Index, np.ndarray, np.ndarray, np.ndarray]:
        frame = to_pandas(tx, what="transactions")
        require_columns(frame.columns, [cols.customer_id, cols.date, cols.amount], role="transactions",
                        parameters=cols.keywords())
        frame = frame[[cols.customer_id, cols.date, cols.amount]]
        if frame.empty:
            raise DataError("the transaction table is empty (0 rows). Fix: check the input.")
        if frame.isna().any().any():
            bad = frame.isna().any(axis=1)
            raise DataError(
                f"{int(bad.sum()):,} transactions have a missing customer id, date or amount, e.g.\n"
                f"{frame[bad].head(5)}\nFix: clean the log first with clean_transactions(...)."
            )
        days = time_unit_days(self.period)
        dates = utc_days(frame[cols.date])
        start = dates.min().normalize()
        end = (
            as_timestamp(as_of, "as_of").normalize() + pd.Timedelta(days=1)
            if as_of is not None
            else dates.max().normalize() + pd.Timedelta(days=1)
        )
        n_periods = int(np.floor((end - start).days / days))
        if n_periods < 2:
            raise DataError(
                f"fewer than two complete periods of length {self.period!r} between "
                f"{start.date()} and {(end - pd.Timedelta(days=1)).date()}: use a shorter period."
            )
        period_idx = np.floor((dates - start).dt.days.to_numpy() / days).astype(int)
        keep = period_idx < n_periods
        codes, customers = pd.factorize(frame[cols.customer_id], sort=True)
        bought = np.zeros((len(customers), n_periods), dtype=bool)
        bought[codes[keep], period_idx[keep]] = True
        spend = np.bincount(
            codes[keep] * n_periods + period_idx[keep],
            weights=frame[cols.amount].to_numpy(dtype="float64")[keep],
            minlength=len(customers) * n_periods,
        ).reshape(len(customers), n_periods)
        steps = np.arange(n_periods)
        last = np.maximum.accumulate(np.where(bought, steps[None, :], -1), axis=1)
        state = np.where(last >= 0, np.minimum(steps[None, :] - last, self.n_states - 1), -1)
        index = pd.Index(customers, name=cols.customer_id)
        self._last_period_end = start + pd.Timedelta(days=n_periods * days)
        return index, state, bought, spend

    def _final_states(self, customers: pd.Index, state: np.ndarray, labels: list[str]) -> pd.Series:
        """Each customer's state in the last complete period; missing (with a DataWarning) for
        customers whose first purchase came after it, who have not entered the chain yet."""
        last = state[:, -1]
        out = pd.Series(np.array(labels, dtype=object)[np.maximum(last, 0)], index=customers, name="state")
        later = last < 0
        if later.any():
            out[later] = np.nan
            end = (self._last_period_end - pd.Timedelta(days=1)).date()
            warnings.warn(
                f"MarkovCLV: {int(later.sum()):,} customers (e.g. {customers[later][:5].tolist()}) first "
                f"bought after the last complete period (ending {end}), so they have no state yet: their "
                "state and value are missing. Fix: pass an as_of at the end of a later period to value them.",
                DataWarning,
                stacklevel=3,
            )
        return out

    def fit(
        self,
        tx: Any,
        *,
        as_of: Any = None,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        date: str | None = None,
        amount: str | None = None,
    ) -> MarkovCLV:
        """Estimate transitions and rewards from a transaction log.

        Only complete periods up to ``as_of`` (inclusive; default the last date) are used; a
        customer enters the chain in the period of her first purchase.

        Parameters
        ----------
        tx : table
            Clean transactions (pandas, polars, DuckDB or PySpark).
        as_of : date-like, optional
        columns, customer_id, date, amount : optional
            Column names (see :func:`crmmine.data.columns.resolve_columns`).

        Returns
        -------
        self

        Raises
        ------
        DataError
            Fewer than two complete periods, or (``empty_states="raise"``) a state with no
            observed transition.
        """
        self._validate_params()
        cols = resolve_columns(columns, customer_id=customer_id, date=date, amount=amount)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            customers, state, bought, spend = self._state_matrix(tx, as_of, cols)
            k = self.n_states
            labels = _state_labels(k)
            src, dst = state[:, :-1].ravel(), state[:, 1:].ravel()
            valid = src >= 0
            counts = np.bincount(src[valid] * k + dst[valid], minlength=k * k).reshape(k, k).astype(float)
            rows = counts.sum(axis=1)
            empty = [labels[i] for i in np.flatnonzero(rows == 0)]
            if empty:
                self._empty(empty, state.shape[1])
            P = np.divide(counts, rows[:, None], out=np.eye(k), where=rows[:, None] > 0)
            mean_spend = float(spend[bought].mean())
            self.mean_spend_ = mean_spend
            self.empty_states_ = empty
            self.transition_counts_ = pd.DataFrame(counts, index=labels, columns=labels)
            self.transition_matrix_ = pd.DataFrame(P, index=labels, columns=labels)
            self.rewards_ = pd.Series(self._rewards(labels, mean_spend), index=labels, name="reward")
            self.period_discount_rate_ = self._period_rate()
            self.state_values_ = pd.Series(
                self.values(P, self.rewards_.to_numpy()), index=labels, name="value"
            )
            self.states_ = self._final_states(customers, state, labels)
            self.input_columns_ = cols.as_dict() if hasattr(cols, "as_dict") else dict(cols)
        self._record_warnings(caught)
        return self

    def _empty(self, empty: list[str], n_periods: int) -> None:
        what = (
            f"state{'s' if len(empty) > 1 else ''} {', '.join(empty)} {'have' if len(empty) > 1 else 'has'} "
            f"no observed transition (no customer was seen in {'them' if len(empty) > 1 else 'it'} with a "
            f"following period; {n_periods} complete periods of {self.period!r})"
        )
        fix = (
            "use a shorter period (e.g. period='M'), fewer states (n_states), or a longer history; "
            "or pass empty_states='lapse' to treat them as lapsed for good"
        )
        if self.empty_states == "raise":
            their = "their" if len(empty) > 1 else "its"
            raise DataError(
                f"MarkovCLV: {what}, so {their} transition probabilities cannot be estimated. Fix: {fix}."
            )
        warnings.warn(
            f"MarkovCLV: {what}; under empty_states='lapse' they are treated as lapsed for good (they keep "
            f"their own reward and never leave), which values their customers pessimistically. To estimate "
            f"them instead: {fix.split('; or')[0]}.",
            DataWarning,
            stacklevel=4,
        )

    def _rewards(self, labels: list[str], mean_spend: float) -> np.ndarray:
        k = len(labels)
        if self.spend is None or (np.ndim(self.spend) == 0 and not isinstance(self.spend, Mapping)):
            base = mean_spend if self.spend is None else float(self.spend)
            spend = np.where(np.arange(k) == 0, base, 0.0)
        else:
            spend = _per_state(self.spend, labels, "spend")
        if np.ndim(self.cost) == 0 and not isinstance(self.cost, Mapping | pd.Series):
            cost = np.where(np.arange(k) < k - 1, float(self.cost), 0.0)
        else:
            cost = _per_state(self.cost, labels, "cost")
        return self.margin * spend - cost

    @classmethod
    def from_matrix(
        cls,
        transition_matrix: Any,
        rewards: Any,
        *,
        period: str = "Q",
        annual_discount_rate: float = 0.0,
        horizon: int | None = None,
    ) -> MarkovCLV:
        """A model from a known transition matrix and reward vector (e.g. a published example).

        Parameters
        ----------
        transition_matrix : square array or DataFrame
            Row-stochastic transition probabilities between consecutive periods.
        rewards : sequence
            Net reward per period in each state.
        period, annual_discount_rate, horizon
            As in the constructor.

        Examples
        --------
        >>> m = MarkovCLV.from_matrix([[0.6, 0.4], [0.2, 0.8]], [100.0, 0.0], period="Y",
        ...                           annual_discount_rate=0.1)
        >>> m.state_values_.round(2).tolist()
        [471.43, 314.29]
        """
        P = np.asarray(transition_matrix, dtype="float64")
        if P.ndim != 2 or P.shape[0] != P.shape[1] or P.shape[0] < 2:
            raise ParameterError(f"transition_matrix must be square (at least 2 x 2), got shape {P.shape}.")
        if np.any(P < 0) or not np.allclose(P.sum(axis=1), 1.0, atol=1e-9):
            raise ParameterError("transition_matrix must have non-negative rows that sum to 1.")
        R = np.asarray(rewards, dtype="float64")
        if R.shape != (P.shape[0],) or not np.all(np.isfinite(R)):
            raise ParameterError(f"rewards must be {P.shape[0]} finite numbers, one per state.")
        labels = (
            [str(c) for c in transition_matrix.index]
            if isinstance(transition_matrix, pd.DataFrame)
            else _state_labels(P.shape[0])
        )
        model = cls(
            period=period, n_states=P.shape[0], annual_discount_rate=annual_discount_rate, horizon=horizon
        )
        model._validate_params()
        model.transition_counts_ = pd.DataFrame(np.nan, index=labels, columns=labels)
        model.transition_matrix_ = pd.DataFrame(P, index=labels, columns=labels)
        model.rewards_ = pd.Series(R, index=labels, name="reward")
        model.period_discount_rate_ = model._period_rate()
        model.state_values_ = pd.Series(model.values(P, R), index=labels, name="value")
        model.empty_states_ = []
        model.warnings_ = []
        return model

    def values(self, P: Any, rewards: Any) -> np.ndarray:
        """Expected discounted value of each state for transition matrix ``P`` and ``rewards``.

        The current period's reward counts undiscounted; the reward ``t`` periods ahead is
        discounted by ``(1 + d) ** t`` with ``d`` the per-period rate.
        """
        self._validate_params()
        P = np.asarray(P, dtype="float64")
        d = 1.0 / (1.0 + self._period_rate())
        if self.horizon is None:
            A = np.eye(P.shape[0]) - d * P
            try:
                return np.linalg.solve(A, np.asarray(rewards, dtype="float64"))
            except np.linalg.LinAlgError as exc:
                raise ParameterError(
                    "the infinite-horizon value does not exist (no discounting and a recurrent earning "
                    "state): set annual_discount_rate > 0 or a horizon"
                ) from exc
        value = np.zeros(P.shape[0])
        step = np.asarray(rewards, dtype="float64").copy()
        for _ in range(int(self.horizon) + 1):  # loop over periods, not customers
            value += step
            step = d * P @ step
        return value

    def predict(
        self,
        tx: Any = None,
        *,
        as_of: Any = None,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        date: str | None = None,
        amount: str | None = None,
    ) -> pd.DataFrame:
        """Per customer: state in the last complete period and its value.

        With ``tx`` the states are computed from that log (on the fitted period length and
        states, up to ``as_of``); otherwise the customers seen in ``fit`` are used.
        """
        self._check_fitted()
        if tx is None:
            states = self.states_
        else:
            cols = resolve_columns(columns, customer_id=customer_id, date=date, amount=amount)
            customers, state, _, _ = self._state_matrix(tx, as_of, cols)
            states = self._final_states(customers, state, list(self.state_values_.index))
        return pd.DataFrame(
            {"state": states, "value": self.state_values_.reindex(states).to_numpy()}, index=states.index
        )

    @validate_params(
        {
            "n_periods": [Interval(Integral, 1, None)],
            "n_customers": [Interval(Integral, 1, None)],
        }
    )
    def simulate(
        self, n_periods: int, *, start_state: str = "R0", n_customers: int = 1, random_state: Any = None
    ) -> pd.DataFrame:
        """Simulate state paths from the fitted chain.

        Parameters
        ----------
        n_periods : int
            Periods after the start.
        start_state : str, default "R0"
        n_customers : int, default 1
        random_state : None, int or numpy Generator

        Returns
        -------
        pandas.DataFrame
            One row per simulated customer: the state in periods ``0..n_periods`` and
            ``discounted_reward`` (the realised value, whose mean over many customers tends to
            the state value over the same horizon).
        """
        from crmmine.value.simulate import rng_from

        self._check_fitted()
        labels = list(self.state_values_.index)
        if start_state not in labels:
            raise ParameterError(f"start_state must be one of {labels}, got {start_state!r}.")
        rng = rng_from(random_state)
        cum = np.cumsum(self.transition_matrix_.to_numpy(), axis=1)
        rewards = self.rewards_.to_numpy()
        d = 1.0 / (1.0 + self.period_discount_rate_)
        state = np.full(n_customers, labels.index(start_state))
        path = np.empty((n_customers, n_periods + 1), dtype=int)
        value = np.zeros(n_customers)
        for step in range(n_periods + 1):  # a loop over periods, vectorised over customers
            path[:, step] = state
            value += d**step * rewards[state]
            u = rng.random(n_customers)
            state = np.minimum((u[:, None] > cum[state]).sum(axis=1), len(labels) - 1)
        out = pd.DataFrame(np.array(labels)[path], columns=pd.Index(range(n_periods + 1), name="period"))
        out["discounted_reward"] = value
        out.index.name = "customer"
        return out

    def plot(self, ax=None, **kwargs: Any):
        """Transition matrix heat map with state values; returns the Axes."""
        import matplotlib.pyplot as plt

        self._check_fitted()
        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        P = self.transition_matrix_
        image = ax.imshow(P.to_numpy(), cmap=kwargs.get("cmap", "Blues"), vmin=0, vmax=1)
        ax.set_xticks(range(len(P)), P.columns)
        ax.set_yticks(range(len(P)), [f"{s} (V={v:,.0f})" for s, v in self.state_values_.items()])
        for (i, j), p in np.ndenumerate(P.to_numpy()):
            ax.text(j, i, f"{p:.2f}", ha="center", va="center", fontsize=8)
        ax.figure.colorbar(image, ax=ax, label="transition probability")
        ax.set_title("Recency-state transitions")
        return ax
