"""Sequential rules: "after buying A, customers buy B within N days"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine.association._tables import read_columns
from crmmine.association.baskets import check_values
from crmmine.association.frequent import min_count_for
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["SequentialRules", "sequential_rules"]

_MAX_PAIR_CELLS = 64_000_000


@dataclass(repr=False, eq=False)
class SequentialRules(Result):
    """Rules A -> B ("B bought in a later order within the window after A").

    Returned by :func:`sequential_rules`; the fields below are its attributes.

    Parameters
    ----------
    rules : DataFrame
        One row per rule: ``antecedent``, ``consequent`` (item labels),
        ``antecedent_count`` (customers who bought A), ``support_count``
        (customers who bought B in a later order within the window after A),
        ``support`` (share of all customers), ``confidence`` (support_count /
        antecedent_count), ``base_rate`` (share of customers who bought B in a
        later order within the window after any order), ``lift`` (confidence /
        base_rate), and the days from A to B: ``days_mean``, ``days_median``,
        ``days_q25``, ``days_q75``. Sorted by lift, descending.
    gaps : DataFrame
        ``rule`` (row of ``rules``), ``customer`` and ``days``: for each
        customer supporting a rule, the shortest gap from an A order to a
        later B order within the window.
    within_days : float
        The window, in days.
    n_customers : int
        Customers in the data: the denominator of ``support`` and ``base_rate``.

    See Also
    --------
    sequential_rules : builds it.
    SequentialPatternRules : rules between sequences of itemsets, under time constraints.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [(1, "2024-05-01", "tent"), (1, "2024-05-20", "stove"), (2, "2024-06-02", "tent"),
    ...         (2, "2024-08-30", "stove"), (3, "2024-06-10", "stove")]
    >>> tx = pd.DataFrame(rows, columns=["customer_id", "date", "item"])
    >>> tx["date"] = pd.to_datetime(tx["date"])
    >>> seq = sequential_rules(tx, within="30D", min_count=1)
    >>> seq
    SequentialRules(rules=1, within_days=30, n_customers=3)
    >>> seq.rules[["support_count", "confidence", "base_rate", "lift"]].round(3).values.tolist()
    [[1.0, 0.5, 0.333, 1.5]]
    >>> seq.gaps.values.tolist()  # rule 0: customer 1 bought the stove 19 days after the tent
    [[0, 1, 19]]
    """

    rules: pd.DataFrame
    gaps: pd.DataFrame = field(repr=False)
    within_days: float
    n_customers: int

    def to_frame(self) -> pd.DataFrame:
        """The rules table."""
        return self.rules.copy()

    def summary(self) -> pd.DataFrame:
        """The ten strongest rules: antecedent, consequent, customers, confidence, lift, median days."""
        return self.rules.head(10)[["antecedent", "consequent", "support_count", "confidence", "lift",
                                    "days_median"]].reset_index(drop=True)

    def _repr_items(self) -> dict[str, Any]:
        return {"rules": len(self.rules), "within_days": float(self.within_days),
                "n_customers": int(self.n_customers)}

    def days(self, rule: int = 0) -> np.ndarray:
        """Days from A to B for each customer supporting rule ``rule`` (a row of ``rules``)."""
        return self.gaps.loc[self.gaps["rule"] == rule, "days"].to_numpy()

    def plot(self, ax: Axes | None = None, rule: int = 0, **kwargs: Any) -> Axes:
        """Histogram of days from A to B for one rule (a row of ``rules``); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        if len(self.rules) == 0:
            ax.set_title("no sequential rules")
            return ax
        r = self.rules.iloc[rule]
        ax.hist(self.days(rule), bins=np.arange(0, self.within_days + 2) - 0.5,
                color=kwargs.pop("color", "#4c72b0"), **kwargs)
        ax.set_xlabel("days from A to B")
        ax.set_ylabel("customers")
        ax.set_title(f"after {r['antecedent']} -> {r['consequent']}")
        return ax


def _window_days(within: Any) -> float:
    if isinstance(within, (int, float, np.integer, np.floating)) and not isinstance(within, bool):
        days = float(within)
    else:
        try:
            days = pd.Timedelta(within) / pd.Timedelta(days=1)
        except (ValueError, TypeError) as exc:
            raise ParameterError(f"within must be a duration such as '30D' or a number of days, "
                                 f"got {within!r}.") from exc
    if not days >= 0:
        raise ParameterError(f"within must be a non-negative duration, got {within!r}.")
    return days


@validate_params({
    "min_support": [Interval(Real, 0, 1, closed="right")],
    "min_count": [Interval(Integral, 1, None), None],
    "min_confidence": [Interval(Real, 0, 1)],
    "min_lift": [Interval(Real, 0, None), None],
})
def sequential_rules(
    tx: Any,
    within: Any = "30D",
    *,
    min_support: float = 0.01,
    min_count: int | None = None,
    min_confidence: float = 0.0,
    min_lift: float | None = None,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
) -> SequentialRules:
    """Find rules "after buying A, customers buy B within N days".

    Each order (a customer's purchases at one timestamp) is an unordered set
    of items. A customer supports A -> B when some order holds A and a
    strictly later order, at most ``within`` calendar days after it, holds B
    (B != A). Counts are of customers, so heavy buyers count once.

    Parameters
    ----------
    tx : table
        Long transactions with customer, date and item columns (pandas, polars,
        pyarrow or DuckDB; only those three columns are read).
    within : str, Timedelta or number, default "30D"
        Window after the A order; a number is days.
    min_support : float, default 0.01
        Minimum share of customers supporting a rule (count >= ceil(s * N)).
    min_count : int, optional
        Absolute minimum number of customers; overrides ``min_support``.
    min_confidence : float, default 0
        Minimum share of A-buyers who then bought B within the window.
    min_lift : float, optional
        Minimum lift against B's base rate in the same window.
    columns, customer_id, date, item
        Column names.

    Returns
    -------
    SequentialRules
        ``rules``: one row per rule A -> B with its customers, support, confidence, base
        rate, lift and days from A to B; ``gaps``: the days of every supporting customer.

    See Also
    --------
    sequential_patterns : general sequential patterns (several items per step, time constraints).
    association_rules : rules among items bought together, whatever the order.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-01", "2024-01-20",
    ...                             "2024-01-01", "2024-03-01"]),
    ...     "item": ["printer", "ink", "printer", "ink", "printer", "ink"]})
    >>> seq = sequential_rules(tx, within="30D", min_count=1)
    >>> seq.rules[["antecedent", "consequent", "support_count", "confidence"]].values.tolist()
    [['printer', 'ink', 2, 0.6666666666666666]]
    >>> seq.days(0).tolist()
    [9, 19]

    References
    ----------
    Agrawal, R., Srikant, R. (1995). Mining sequential patterns. Proc. 11th
    ICDE, 3-14.
    Fournier-Viger, P., Wu, C.-W., Tseng, V. S., Cao, L., Nkambou, R. (2015).
    Mining partially-ordered sequential rules common to multiple sequences.
    IEEE TKDE 27(8), 2203-2216.
    """
    from crmmine.association._kernels import sequence_pairs

    window = _window_days(within)
    cols = resolve_columns(columns, customer_id=customer_id, date=date, item=item)
    needed = [cols.customer_id, cols.date, cols.item]
    tx = read_columns(tx, needed)
    for c in needed:
        mask = tx[c].isna().to_numpy()
        if mask.any():
            raise bad_rows_error(c, "missing values", tx.loc[mask, needed], int(mask.sum()),
                                 "drop or fill these rows (see clean_transactions)")
    if len(tx) == 0:
        raise DataError("the transaction table is empty. Fix: pass at least one row.")
    check_values(tx[cols.customer_id], cols.customer_id, what="customer ids", rows=tx[needed])
    check_values(tx[cols.item], cols.item, what="items", rows=tx[needed])
    when = pd.to_datetime(tx[cols.date])
    cust_codes, cust_ids = pd.factorize(tx[cols.customer_id])
    item_codes, item_labels = pd.factorize(tx[cols.item])
    n_cust = len(cust_ids)
    threshold = int(min_count) if min_count is not None else min_count_for(min_support, n_cust)
    # customers per item; items below the threshold cannot be in a rule
    ci = np.unique(cust_codes.astype(np.int64) * len(item_labels) + item_codes)
    buyers = np.bincount(ci % len(item_labels), minlength=len(item_labels))
    freq = np.flatnonzero(buyers >= threshold)
    m = len(freq)
    if m * m > _MAX_PAIR_CELLS:
        raise ParameterError(f"{m:,} items reach the minimum count {threshold}: the pair table would need "
                             f"{m * m * 16 / 1e9:.1f} GB. Fix: raise min_support or use a hierarchy.")
    remap = np.full(len(item_labels), -1, np.int64)
    remap[freq] = np.arange(m)
    ts = when.to_numpy("datetime64[ns]").astype(np.int64)
    day = when.dt.normalize().to_numpy("datetime64[D]").astype(np.int64)
    # every order counts for "an earlier order within the window" (the base rate), even one
    # holding only infrequent items; only frequent items enter the pairs
    frame = pd.DataFrame({"c": cust_codes, "t": ts, "d": day, "i": remap[item_codes]})
    frame = frame.drop_duplicates(["c", "t", "i"]).sort_values(["c", "t", "i"], kind="stable")
    c_arr = frame["c"].to_numpy(np.int64)
    t_arr = frame["t"].to_numpy(np.int64)
    new_order = np.ones(len(frame), bool)
    new_order[1:] = (c_arr[1:] != c_arr[:-1]) | (t_arr[1:] != t_arr[:-1])
    starts = np.flatnonzero(new_order)
    order_of_row = np.cumsum(new_order) - 1
    order_day = frame["d"].to_numpy(np.int64)[starts]
    order_cust = c_arr[starts]
    cust_ptr = np.zeros(n_cust + 1, np.int64)
    np.cumsum(np.bincount(order_cust, minlength=n_cust), out=cust_ptr[1:])
    i_arr = frame["i"].to_numpy(np.int64)
    kept = i_arr >= 0
    order_ptr = np.zeros(len(starts) + 1, np.int64)
    np.cumsum(np.bincount(order_of_row[kept], minlength=len(starts)), out=order_ptr[1:])
    order_items = i_arr[kept]
    win = np.int64(np.floor(window))
    empty_idx = np.zeros(0, np.int64)
    pair_count, base_count, _ = sequence_pairs(cust_ptr, order_day, order_ptr, order_items, m, win,
                                               empty_idx, np.zeros((0, 3), np.int64))
    a_buyers = buyers[freq]
    pair_count = pair_count.reshape(m, m)
    a_idx, b_idx = np.nonzero(pair_count >= threshold)
    support_count = pair_count[a_idx, b_idx]
    confidence = support_count / a_buyers[a_idx]
    base_rate = base_count[b_idx] / n_cust
    lift = confidence / base_rate
    sel = confidence >= float(min_confidence) - 1e-12
    if min_lift is not None:
        sel &= lift >= float(min_lift) - 1e-12
    a_idx, b_idx, support_count = a_idx[sel], b_idx[sel], support_count[sel]
    confidence, base_rate, lift = confidence[sel], base_rate[sel], lift[sel]
    order = np.lexsort((-support_count, -lift))
    a_idx, b_idx, support_count = a_idx[order], b_idx[order], support_count[order]
    confidence, base_rate, lift = confidence[order], base_rate[order], lift[order]
    n_rules = len(a_idx)
    # second pass: shortest gap per (customer, rule)
    pair_index = np.full(max(m * m, 1), -1, np.int64)
    pair_index[a_idx * m + b_idx] = np.arange(n_rules)
    gap_out = np.zeros((int(support_count.sum()), 3), np.int64)
    if n_rules:
        _, _, n_gaps = sequence_pairs(cust_ptr, order_day, order_ptr, order_items, m, win, pair_index,
                                      gap_out)
        gap_out = gap_out[:n_gaps]
    gaps = pd.DataFrame({"rule": gap_out[:, 0], "customer": np.asarray(cust_ids)[gap_out[:, 2]],
                         "days": gap_out[:, 1]})
    gaps = gaps.sort_values(["rule", "days"], kind="stable").reset_index(drop=True)
    stats = gaps.groupby("rule")["days"].agg(["mean", "median", lambda s: s.quantile(0.25),
                                              lambda s: s.quantile(0.75)])
    stats.columns = ["days_mean", "days_median", "days_q25", "days_q75"]
    stats = stats.reindex(np.arange(n_rules))
    labels = np.asarray(item_labels, dtype=object)[freq]
    rules = pd.DataFrame({
        "antecedent": labels[a_idx],
        "consequent": labels[b_idx],
        "antecedent_count": a_buyers[a_idx].astype(np.int64),
        "support_count": support_count.astype(np.int64),
        "support": support_count / n_cust,
        "confidence": confidence,
        "base_rate": base_rate,
        "lift": lift,
        "days_mean": stats["days_mean"].to_numpy(float),
        "days_median": stats["days_median"].to_numpy(float),
        "days_q25": stats["days_q25"].to_numpy(float),
        "days_q75": stats["days_q75"].to_numpy(float),
    })
    return SequentialRules(rules=rules, gaps=gaps, within_days=window, n_customers=n_cust)
