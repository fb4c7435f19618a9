"""Customer-migration (Markov chain) model of customer lifetime value."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns, time_unit_days
from crmmine.errors import ParameterError

__all__ = ["MarkovCLV"]


class MarkovCLV:
    """Recency-state Markov chain CLV (Pfeifer & Carraway 2000; Dwyer 1989).

    Time is cut into periods. A customer is in state 0 in a period in which she buys, and in
    state ``k`` when her last purchase was ``k`` periods ago; the last state pools every
    recency from ``n_states - 1`` on ("lapsed"). Transition probabilities between consecutive
    periods are estimated from all customers' histories, a purchase period earns the mean spend
    times ``margin``, every non-lapsed state may cost ``cost`` (e.g. a mailing), and state values
    are the expected discounted rewards

    ``V = sum_t (P / (1 + d))^t R = (I - P / (1 + d))^-1 R``

    (infinite horizon) or the sum to ``horizon`` periods, counting the current period's reward
    as in Pfeifer & Carraway.

    Parameters
    ----------
    period : str, default "Q"
        Period length (``"M"``, ``"Q"``, ``"W"``, ``"90D"``...).
    n_states : int, default 5
        Recency states, the last one pooled.
    discount_rate : float, default 0.0
        Discount rate per period.
    margin : float, default 1.0
        Share of spend that is profit.
    cost : float, default 0.0
        Cost per period of keeping a customer in a non-lapsed state.
    horizon : int, optional
        Number of periods; infinite when None (needs ``discount_rate > 0`` or a lapsed state
        that does not return).

    Attributes
    ----------
    transition_matrix_ : pandas.DataFrame
    transition_counts_ : pandas.DataFrame
    rewards_ : pandas.Series
    state_values_ : pandas.Series
    states_ : pandas.Series
        Each customer's state in the last complete period.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3],
    ...                    "date": pd.to_datetime(["2020-01-05", "2020-04-10", "2020-01-20",
    ...                                            "2020-10-01", "2020-02-01"]),
    ...                    "amount": [10.0, 20.0, 5.0, 5.0, 8.0]})
    >>> m = MarkovCLV(period="Q", n_states=3, discount_rate=0.05).fit(tx, as_of="2021-01-01")
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

    def __init__(
        self,
        period: str = "Q",
        n_states: int = 5,
        discount_rate: float = 0.0,
        margin: float = 1.0,
        cost: float = 0.0,
        horizon: int | None = None,
    ) -> None:
        self.period = period
        self.n_states = n_states
        self.discount_rate = discount_rate
        self.margin = margin
        self.cost = cost
        self.horizon = horizon

    def _state_matrix(self, tx: pd.DataFrame, as_of, customer_id: str, date: str, amount: str):
        require_columns(tx.columns, [customer_id, date, amount], role="transactions")
        if self.n_states < 2:
            raise ParameterError(f"n_states must be >= 2, got {self.n_states}")
        days = time_unit_days(self.period)
        dates = pd.to_datetime(tx[date])
        start = dates.min().normalize()
        end = pd.Timestamp(as_of) if as_of is not None else dates.max().normalize() + pd.Timedelta(days=1)
        n_periods = int(np.floor((end - start).days / days))
        if n_periods < 2:
            raise ParameterError(
                f"fewer than two complete periods of length {self.period!r} between "
                f"{start.date()} and {end.date()}: use a shorter period."
            )
        period_idx = np.floor((dates - start).dt.days.to_numpy() / days).astype(int)
        keep = period_idx < n_periods
        codes, customers = pd.factorize(tx[customer_id], sort=True)
        bought = np.zeros((len(customers), n_periods), dtype=bool)
        bought[codes[keep], period_idx[keep]] = True
        spend = np.bincount(
            codes[keep] * n_periods + period_idx[keep],
            weights=tx[amount].to_numpy(dtype="float64")[keep],
            minlength=len(customers) * n_periods,
        ).reshape(len(customers), n_periods)
        cols = np.arange(n_periods)
        last = np.maximum.accumulate(np.where(bought, cols[None, :], -1), axis=1)
        state = np.where(last >= 0, np.minimum(cols[None, :] - last, self.n_states - 1), -1)
        return customers, state, bought, spend

    def fit(
        self,
        tx: pd.DataFrame,
        *,
        as_of=None,
        customer_id: str = "customer_id",
        date: str = "date",
        amount: str = "amount",
    ) -> MarkovCLV:
        """Estimate transitions and rewards from a transaction log.

        Only complete periods before ``as_of`` are used; a customer enters the chain in the
        period of her first purchase.
        """
        customers, state, bought, spend = self._state_matrix(tx, as_of, customer_id, date, amount)
        k = self.n_states
        src, dst = state[:, :-1].ravel(), state[:, 1:].ravel()
        valid = src >= 0
        counts = np.bincount(src[valid] * k + dst[valid], minlength=k * k).reshape(k, k).astype(float)
        rows = counts.sum(axis=1, keepdims=True)
        P = np.divide(counts, rows, out=np.eye(k), where=rows > 0)
        labels = [f"R{i}" if i < k - 1 else f"R{k - 1}+" for i in range(k)]
        self.transition_counts_ = pd.DataFrame(counts, index=labels, columns=labels)
        self.transition_matrix_ = pd.DataFrame(P, index=labels, columns=labels)
        mean_spend = float(spend[bought].mean())
        rewards = np.where(np.arange(k) == 0, self.margin * mean_spend, 0.0)
        rewards = rewards - np.where(np.arange(k) < k - 1, self.cost, 0.0)
        self.rewards_ = pd.Series(rewards, index=labels, name="reward")
        self.state_values_ = pd.Series(self.values(P, rewards), index=labels, name="value")
        self.states_ = pd.Series(
            np.array(labels)[state[:, -1]], index=pd.Index(customers, name=customer_id), name="state"
        )
        return self

    def values(self, P: np.ndarray, rewards: np.ndarray) -> np.ndarray:
        """Expected discounted value of each state for transition matrix ``P`` and ``rewards``."""
        P = np.asarray(P, dtype="float64")
        d = 1.0 / (1.0 + self.discount_rate)
        if self.horizon is None:
            A = np.eye(P.shape[0]) - d * P
            try:
                return np.linalg.solve(A, rewards)
            except np.linalg.LinAlgError as exc:
                raise ParameterError(
                    "the infinite-horizon value does not exist (no discounting and a "
                    "recurrent earning state): set discount_rate > 0 or a horizon"
                ) from exc
        value = np.zeros(P.shape[0])
        step = np.asarray(rewards, dtype="float64").copy()
        for _ in range(int(self.horizon) + 1):  # loop over periods, not customers
            value += step
            step = d * P @ step
        return value

    def predict(self, tx: pd.DataFrame | None = None, **kwargs) -> pd.DataFrame:
        """Per customer: state in the last complete period and its value.

        With ``tx`` the states are recomputed from that log (same period grid options as
        :meth:`fit` via keyword arguments); otherwise the fitted customers are used.
        """
        states = (
            self.states_ if tx is None else type(self)(self.period, self.n_states).fit(tx, **kwargs).states_
        )
        return pd.DataFrame(
            {"state": states, "value": self.state_values_.reindex(states).to_numpy()}, index=states.index
        )

    def plot(self, ax=None):
        """Transition matrix heat map with state values; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 4))
        P = self.transition_matrix_
        image = ax.imshow(P.to_numpy(), cmap="Blues", vmin=0, vmax=1)
        ax.set_xticks(range(len(P)), P.columns)
        ax.set_yticks(range(len(P)), [f"{s} (V={v:,.0f})" for s, v in self.state_values_.items()])
        for (i, j), p in np.ndenumerate(P.to_numpy()):
            ax.text(j, i, f"{p:.2f}", ha="center", va="center", fontsize=8)
        ax.figure.colorbar(image, ax=ax, label="transition probability")
        ax.set_title("Recency-state transitions")
        return ax
