"""Next-purchase recommendations from sequential rules, and their out-of-sample evaluation.

A rule "A, then B -> C" applies to a customer whose history ends with its
antecedent: A in an earlier order and B in her latest order (under the
patterns' time constraints). Her recommendations are the consequents of the
rules that apply, ranked by the rules' confidence (or another measure);
popular items fill the remaining places. :func:`evaluate_next_purchase`
mines the rules on the history up to ``as_of`` and scores the recommendations
on what customers bought in the following ``horizon``, against a popularity
baseline computed in the same run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from crmmine._estimator import CRMMineEstimator
from crmmine._params import InstanceOf, Interval, Options, check_params, validate_params
from crmmine._results import Result
from crmmine._units import horizon_days, naive_utc
from crmmine.association._sequence_db import SequenceDB, encode_table, read_table, warn_split_orders
from crmmine.association._tables import recommendations_like
from crmmine.association.sequential_patterns import (
    MINING_CONSTRAINTS,
    RULE_CONSTRAINTS,
    SequentialPatternRules,
    _make_constraints,
    _mine_database,
    _Tree,
    sequential_pattern_rules,
    sequential_patterns,
)
from crmmine.data.columns import Columns
from crmmine.errors import DataError, ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "NextPurchaseEvaluation",
    "NextPurchaseRecommender",
    "evaluate_next_purchase",
    "recommend_next",
]

_METRICS = ("confidence", "lift", "support", "support_count")
_FALLBACKS = ("popular", None)
_DAY = pd.Timedelta(days=1)


def _history_end(as_of: Any) -> pd.Timestamp:
    """The first instant after the day ``as_of`` (history is "on or before that day")."""
    day = pd.Timestamp(as_of)
    day = naive_utc(day)  # time-zone-aware: read in UTC
    return day.normalize() + _DAY


def _matches(rules: SequentialPatternRules, db: SequenceDB) -> tuple[np.ndarray, np.ndarray]:
    """(rule, customer) pairs: rules whose antecedent ends in the customer's latest order."""
    from crmmine.association._sequence_kernels import replay

    pats = rules._patterns
    tree: _Tree = pats._tree
    ante = rules._ante_nodes
    if len(ante) == 0 or db.n_customers == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    nodes, ante_idx = np.unique(ante, return_inverse=True)
    target = np.full(tree.n, -1, np.int64)
    target[nodes] = np.arange(len(nodes))
    child_ptr, child_idx, roots = tree.children()
    last_order = db.cust_ptr[1:] - 1
    out = replay(db.cust_ptr, db.day, db.iptr, db.items, max(len(db.labels), 1), tree.parent, tree.item,
                 tree.kind, child_ptr, child_idx, roots, tree.need(target >= 0), target, False, 1, last_order,
                 *_constraint_args(pats.constraints))
    # expand each matched antecedent to its rules
    by_ante = np.argsort(ante_idx, kind="stable")
    ptr = np.zeros(len(nodes) + 1, np.int64)
    np.cumsum(np.bincount(ante_idx, minlength=len(nodes)), out=ptr[1:])
    sizes = ptr[out[:, 0] + 1] - ptr[out[:, 0]]
    cust = np.repeat(out[:, 1], sizes)
    offsets = np.repeat(ptr[out[:, 0]] - np.cumsum(sizes) + sizes, sizes) + np.arange(int(sizes.sum()))
    return by_ante[offsets], cust


def _constraint_args(constraints: Mapping[str, int | None]) -> tuple[int, int, int, int]:
    from crmmine.association._sequence_db import Constraints

    return Constraints(**constraints).kernel_args()


def _history(frame: pd.DataFrame, cols: Columns, use_order: bool, as_of: Any
             ) -> tuple[SequenceDB, pd.Timestamp]:
    """The encoded history on or before ``as_of`` (all of it when None) and the day "now"."""
    if as_of is not None:
        end = _history_end(as_of)
        frame = frame[(frame[cols.date] < end).to_numpy()]
        if len(frame) == 0:
            raise ParameterError(f"as_of={pd.Timestamp(as_of).date()} is before every date in "
                                 f"column {cols.date!r}. Fix: pass a later as_of (or None).")
        now = end - _DAY
    else:
        now = frame[cols.date].max().normalize()
    full, split = encode_table(frame, cols, use_order)
    warn_split_orders(split, cols.order_id)
    return full, now


def _recommend_db(rules: SequentialPatternRules, full: SequenceDB, now: pd.Timestamp, id_column: str,
                  top_n: int, metric: str, fallback: str | None, exclude_bought: bool,
                  customers: Iterable[Any] | None, use_rules: bool = True) -> pd.DataFrame:
    """The recommendations for an encoded history, as a pandas frame (see :func:`recommend_next`)."""
    pats = rules._patterns
    popularity = pats._item_counts  # training customers per item label (all items)
    pop_index = popularity.index
    db = full.recode(pats._db.labels)
    n_cust = full.n_customers
    if customers is not None:
        wanted = pd.Index(list(customers))
        pos = full.customers.get_indexer(wanted)
        if (pos < 0).any():
            missing = wanted[pos < 0]
            noun = "customer is" if len(missing) == 1 else "customers are"
            raise ParameterError(f"{len(missing):,} {noun} not in the history, e.g. "
                                 f"{missing[:5].tolist()}. Fix: pass ids that appear in the transactions "
                                 "(on or before as_of).")
        selected = np.zeros(n_cust, bool)
        selected[pos] = True
    else:
        selected = np.ones(n_cust, bool)
    # owned items in the popularity code space (items never seen in training cannot be offered)
    width = len(pop_index) + 1
    order_cust = np.repeat(np.arange(n_cust, dtype=np.int64), np.diff(full.cust_ptr))
    line_cust = np.repeat(order_cust, np.diff(full.iptr))
    line_pop = pop_index.get_indexer(full.labels)[full.items] if len(full.items) else np.zeros(0, np.int64)
    owned = np.unique(line_cust[line_pop >= 0] * width + line_pop[line_pop >= 0])
    table = rules.table
    vocab_pop = pop_index.get_indexer(pats._db.labels)
    if use_rules and len(table):
        rule_idx, cust = _matches(rules, db)
        keep = selected[cust]
        rule_idx, cust = rule_idx[keep], cust[keep]
        cons_sizes = np.asarray([len(c) for c in rules._cons_codes], np.int64)
        cons_ptr = np.zeros(len(cons_sizes) + 1, np.int64)
        np.cumsum(cons_sizes, out=cons_ptr[1:])
        cons_flat = np.asarray([x for c in rules._cons_codes for x in c], np.int64)
        sizes = cons_sizes[rule_idx]
        c_rep = np.repeat(cust, sizes)
        r_rep = np.repeat(rule_idx, sizes)
        starts = cons_ptr[rule_idx] - np.cumsum(sizes) + sizes
        offsets = np.repeat(starts, sizes) + np.arange(int(sizes.sum()))
        item_pop = vocab_pop[cons_flat[offsets]] if len(offsets) else np.zeros(0, np.int64)
        cand = pd.DataFrame({"cust": c_rep, "item": item_pop, "rule": r_rep,
                             "score": table[metric].to_numpy(float)[r_rep],
                             "lift": table["lift"].to_numpy(float)[r_rep],
                             "support_count": table["support_count"].to_numpy(np.int64)[r_rep]})
        if exclude_bought:
            cand = cand[~np.isin(cand["cust"].to_numpy() * width + cand["item"].to_numpy(), owned)]
        cand = cand.sort_values(["cust", "score", "lift", "support_count", "rule"],
                                ascending=[True, False, False, False, True], kind="stable")
        cand = cand.drop_duplicates(["cust", "item"], keep="first")
        cand = cand[cand.groupby("cust").cumcount() < top_n]
        recs = pd.DataFrame({"cust": cand["cust"].to_numpy(), "item": cand["item"].to_numpy(),
                             "rule": cand["rule"].to_numpy(), "source": "rule"})
    else:
        recs = pd.DataFrame({"cust": np.zeros(0, np.int64), "item": np.zeros(0, np.int64),
                             "rule": np.zeros(0, np.int64), "source": pd.Series([], dtype=object)})
    if fallback == "popular":
        have = np.bincount(recs["cust"].to_numpy(np.int64), minlength=n_cust)
        need = np.where(selected, top_n - have, 0)
        ranked = np.lexsort((np.arange(len(popularity)), -popularity.to_numpy()))
        taken = np.unique(recs["cust"].to_numpy(np.int64) * width + recs["item"].to_numpy(np.int64))
        blocked = np.union1d(taken, owned) if exclude_bought else taken
        extra = []
        k = top_n
        todo = np.flatnonzero(need > 0)
        while len(todo):
            k = min(k * 2, len(ranked))
            cc = np.repeat(todo, k)
            ii = np.tile(ranked[:k], len(todo))
            ok = ~np.isin(cc * width + ii, blocked)
            cc, ii = cc[ok], ii[ok]
            pos = pd.Series(cc).groupby(cc).cumcount().to_numpy()
            fill = pos < need[cc]
            got = np.bincount(cc[fill], minlength=n_cust)
            done = (got[todo] >= need[todo]) | (k >= len(ranked))
            finished = todo[done]
            sel = np.isin(cc, finished) & fill
            extra.append(pd.DataFrame({"cust": cc[sel], "item": ii[sel], "rule": -1, "source": "popular"}))
            todo = todo[~done]
        if extra:
            recs = pd.concat([recs, *extra], ignore_index=True)
    recs = recs.sort_values("cust", kind="stable").reset_index(drop=True)
    rule = recs["rule"].to_numpy(np.int64)
    is_rule = rule >= 0
    r = np.where(is_rule, rule, 0)

    def from_rules(column: str) -> np.ndarray:
        if not len(table):
            return np.full(len(recs), np.nan)
        return np.where(is_rule, table[column].to_numpy(float)[r], np.nan)

    cust = recs["cust"].to_numpy(np.int64)
    last_day = full.day[full.cust_ptr[1:] - 1]
    now_day = (now - pd.Timestamp(0)) // _DAY
    popular_share = popularity.to_numpy()[recs["item"].to_numpy(np.int64)] / max(pats.n_customers, 1)
    rule_text = np.full(len(recs), None, dtype=object)
    if len(table):
        rule_text[is_rule] = table["rule"].to_numpy(object)[rule[is_rule]]
    out = pd.DataFrame({
        id_column: full.customers[cust],
        "rank": (recs.groupby("cust").cumcount() + 1).to_numpy(np.int64),
        "item": pop_index[recs["item"].to_numpy(np.int64)],
        "score": np.where(is_rule, from_rules(metric), popular_share),
        "confidence": from_rules("confidence"),
        "lift": from_rules("lift"),
        "days_median": from_rules("days_median"),
        "rule": pd.Series(rule_text, dtype="str"),
        "source": pd.Series(recs["source"].to_numpy(object), dtype="str"),
        "days_since_last": (now_day - last_day[cust]).astype(np.int64),
    })
    served = np.zeros(n_cust, bool)
    served[cust] = True
    lacking = np.flatnonzero(selected & ~served)
    out.attrs["customers_without_recommendations"] = full.customers[lacking].tolist()
    out.attrs["n_customers"] = int(selected.sum())
    return out


@validate_params({
    "rules": [InstanceOf(SequentialPatternRules)],
    "top_n": [Interval(Integral, 1, None)],
    "as_of": ["date", None],
    "metric": [Options(_METRICS)],
    "fallback": [Options(_FALLBACKS)],
    "exclude_bought": ["boolean"],
})
def recommend_next(
    rules: SequentialPatternRules,
    tx: Any,
    top_n: int = 5,
    *,
    as_of: Any = None,
    metric: str = "confidence",
    fallback: str | None = "popular",
    exclude_bought: bool = False,
    customers: Iterable[Any] | None = None,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
) -> Any:
    """Recommend each customer's next purchases from sequential rules.

    A rule "A, then B -> C" applies to a customer when her history (on or
    before ``as_of``) holds the antecedent with its last element in her latest
    order (so the rule speaks about what comes next for her), under the time
    constraints the patterns were mined with. Each consequent item is scored by
    the best applying rule's ``metric``; the ``top_n`` best are kept.

    Parameters
    ----------
    rules : SequentialPatternRules
        Output of :func:`sequential_pattern_rules`.
    tx : DataFrame
        Long transactions (customer, date, item and optionally order columns; any
        backend crmmine reads), the customers' histories.
    top_n : int, default 5
        Recommendations per customer.
    as_of : date-like, optional
        Only history on or before this day is used (default: all of ``tx``).
    metric : {"confidence", "lift", "support", "support_count"}
        Rule measure used as the score.
    fallback : {"popular", None}
        Fill the remaining places with the items bought by most customers in the
        data the rules were mined on (``source="popular"``, score = their share),
        or leave them empty.
    exclude_bought : bool, default False
        Leave out items the customer has bought before (repeat purchases are
        recommended by default: in retail data they are most next purchases).
    customers : iterable, optional
        Only recommend for these customer ids.
    columns, customer_id, order_id, date, item
        Column names by role.

    Returns
    -------
    DataFrame (same kind as ``tx``)
        One row per (customer, rank): the customer id column, ``rank``, ``item``,
        ``score``, ``confidence``, ``lift``, ``days_median`` (the rule's median
        days to the consequent), ``rule`` (text), ``source`` ("rule" or
        "popular") and ``days_since_last`` (days from the latest order to
        ``as_of``). pandas: customers left without any recommendation are
        listed in ``attrs["customers_without_recommendations"]``; polars,
        pyarrow, DuckDB and Spark tables have no ``attrs``, so each such
        customer is one row with ``source="none"`` and missing ``rank`` and
        ``item``.

    See Also
    --------
    sequential_pattern_rules : the rules read.
    evaluate_next_purchase : the out-of-sample quality of these recommendations.
    NextPurchaseRecommender : mining and recommending as one estimator.
    recommend : cross-sell offers from association rules (order does not matter).

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.association import sequential_pattern_rules, sequential_patterns
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3, 3, 4],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-01", "2024-01-21",
    ...                             "2024-01-01", "2024-03-01", "2024-03-05"]),
    ...     "item": ["printer", "ink", "printer", "ink", "printer", "ink", "printer"]})
    >>> rules = sequential_pattern_rules(sequential_patterns(tx, min_count=2))
    >>> recs = recommend_next(rules, tx, top_n=1)
    >>> recs.loc[recs["customer_id"] == 4, ["item", "source", "confidence"]].values.tolist()
    [['ink', 'rule', 0.75]]

    References
    ----------
    Mobasher, B., Dai, H., Luo, T., Nakagawa, M. (2002). Using sequential and non-sequential
    patterns in predictive web usage mining tasks. Proc. IEEE ICDM, 669-672.
    Fournier-Viger, P., Gueniche, T., Tseng, V. S. (2012). Using partially-ordered sequential
    rules to generate more accurate sequence prediction. Proc. ADMA, LNCS 7713, 431-442.
    """
    frame, cols, use_order = read_table(tx, columns=columns, customer_id=customer_id, order_id=order_id,
                                        date=date, item=item)
    full, now = _history(frame, cols, use_order, as_of)
    out = _recommend_db(rules, full, now, cols.customer_id, int(top_n), metric, fallback,
                        bool(exclude_bought), customers)
    return recommendations_like(out, tx, cols.customer_id)


@dataclass(repr=False)
class NextPurchaseEvaluation(Result):
    """Out-of-sample quality of next-purchase recommendations against a popularity baseline.

    Returned by :func:`evaluate_next_purchase`; the fields below are its attributes.

    Parameters
    ----------
    table : DataFrame
        One row per (model, k): ``precision``, ``hit_rate`` and ``recall`` at k and
        ``coverage`` (share of evaluated customers with at least one rule-based
        recommendation). Models: ``"rules"`` (rules only), ``"rules+popular"``
        (popular items fill the places rules leave) and ``"popular"``.
    n_customers : int
        Customers evaluated: with history on or before ``as_of`` and at least one
        target purchase in the following horizon.
    n_rules : int
        Rules mined on the history.
    as_of : Timestamp
        Last day of the history.
    horizon_days : float
        Length of the test window, in days.
    recommendations : DataFrame
        The "rules+popular" recommendations that were scored.

    See Also
    --------
    evaluate_next_purchase : builds it.
    RecommendationEvaluation : the same measures for association-rule recommendations.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-01", "2024-01-21", "2024-01-03",
    ...                             "2024-02-01", "2024-02-20", "2024-03-10", "2024-02-25", "2024-03-15"]),
    ...     "item": ["printer", "ink"] * 4 + ["printer", "paper"]})
    >>> ev = evaluate_next_purchase(tx, "2024-02-29", "30D", min_count=2, top_n=1)
    >>> ev.n_customers, ev.n_rules
    (2, 1)
    >>> ev.summary()["hit_rate"].to_dict()  # customer 4 bought the ink, customer 5 paper
    {'rules': 0.5, 'rules+popular': 0.5, 'popular': 0.0}
    """

    table: pd.DataFrame
    n_customers: int
    n_rules: int
    as_of: pd.Timestamp
    horizon_days: float
    recommendations: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The metrics table."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """The metrics at the largest k, one row per model."""
        k = int(self.table["k"].max())
        return self.table[self.table["k"] == k].set_index("model").drop(columns="k")

    def _repr_items(self) -> dict[str, Any]:
        last = self.summary()
        items: dict[str, Any] = {"customers": self.n_customers, "rules": self.n_rules}
        for model in ("rules+popular", "popular"):
            if model in last.index:
                items[f"hit_rate[{model}]"] = float(last.loc[model, "hit_rate"])
        return items

    def plot(self, ax: Axes | None = None, *, metric: str = "hit_rate", **kwargs: Any) -> Axes:
        """``metric`` at k for each model; returns the Axes."""
        import matplotlib.pyplot as plt

        if metric not in ("precision", "hit_rate", "recall", "coverage"):
            raise ParameterError(f"metric must be precision, hit_rate, recall or coverage, got {metric!r}.")
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 3.5))
        for model, grp in self.table.groupby("model", sort=False):
            ax.plot(grp["k"], grp[metric], marker="o", label=model, **kwargs)
        ax.set_xlabel("k (recommendations per customer)")
        ax.set_ylabel(f"{metric}@k")
        ax.set_title(f"Next purchase within {self.horizon_days:g} days of {self.as_of.date()}")
        ax.legend()
        return ax


def _scores(recs: pd.DataFrame, cust_col: str, targets: pd.DataFrame, customers: pd.Index, top_n: int,
            model: str) -> pd.DataFrame:
    """precision / hit rate / recall at k = 1 .. top_n for one model."""
    recs = recs[recs[cust_col].isin(customers)]
    key = pd.MultiIndex.from_frame(targets[["customer", "item"]])
    hit = pd.MultiIndex.from_arrays([recs[cust_col], recs["item"]]).isin(key)
    recs = recs.assign(hit=hit)
    n_targets = targets.groupby("customer").size().reindex(customers, fill_value=0).to_numpy()
    covered = recs.loc[recs["source"] == "rule", cust_col].nunique() / max(len(customers), 1)
    rows = []
    for k in range(1, top_n + 1):
        hits = recs[recs["rank"] <= k].groupby(cust_col)["hit"].sum().reindex(customers, fill_value=0)
        hits = hits.to_numpy()
        rows.append({"model": model, "k": k, "precision": float(hits.sum() / (k * max(len(customers), 1))),
                     "hit_rate": float((hits > 0).mean()) if len(customers) else np.nan,
                     "recall": float(np.mean(hits / np.maximum(n_targets, 1))) if len(customers) else np.nan,
                     "coverage": float(covered)})
    return pd.DataFrame(rows)


@validate_params({
    "as_of": ["date"],
    "horizon": ["duration"],
    **MINING_CONSTRAINTS,
    **RULE_CONSTRAINTS,
    "metric": [Options(_METRICS)],
    "top_n": [Interval(Integral, 1, None)],
    "exclude_bought": ["boolean"],
})
def evaluate_next_purchase(
    tx: Any,
    as_of: Any,
    horizon: Any = "90D",
    *,
    min_support: float = 0.01,
    min_count: int | None = None,
    min_gap: Any = None,
    max_gap: Any = None,
    window: Any = None,
    max_span: Any = None,
    max_len: int | None = None,
    within: Any = None,
    min_confidence: float = 0.0,
    metric: str = "confidence",
    top_n: int = 5,
    exclude_bought: bool = False,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
) -> NextPurchaseEvaluation:
    """Mine sequential rules on the history up to ``as_of`` and score next-purchase
    recommendations on the following ``horizon``.

    Patterns and rules are mined on the transactions dated on or before
    ``as_of``; every customer with such history and at least one target purchase
    in ``(as_of, as_of + horizon]`` gets ``top_n`` recommendations from her
    history (:func:`recommend_next`). A hit is a recommended item she bought in
    that window; targets are the distinct items she bought there (only those she
    had never bought before, with ``exclude_bought``). Three recommenders are
    scored in the same run: rules only, rules filled up with popular items, and
    popular items only (the baseline).

    Parameters
    ----------
    tx : DataFrame
        Long transactions (customer, date, item and optionally order columns).
    as_of : date-like
        Last day of the history.
    horizon : number of days or duration string, default "90D"
        Length of the test window after ``as_of``.
    min_support, min_count, min_gap, max_gap, window, max_span, max_len
        Mining parameters (see :func:`sequential_patterns`).
    within, min_confidence
        Rule parameters (see :func:`sequential_pattern_rules`).
    metric : str, default "confidence"
        Rule measure used to rank.
    top_n : int, default 5
        Largest k evaluated (k = 1 .. top_n).
    exclude_bought : bool, default False
        Recommend and count only items new to the customer.
    columns, customer_id, order_id, date, item
        Column names by role.

    Returns
    -------
    NextPurchaseEvaluation
        Precision, hit rate, recall and coverage at k = 1 .. ``top_n`` for the three
        recommenders (``to_frame()``), and the recommendations scored.

    See Also
    --------
    recommend_next : the recommendations scored.
    evaluate_recommendations : the same evaluation for association-rule recommendations.

    Examples
    --------
    >>> import crmmine as cm
    >>> from crmmine.association import evaluate_next_purchase
    >>> tx, _ = cm.datasets.load_online_retail_clean()
    >>> ev = evaluate_next_purchase(tx, "2011-09-30", "60D", min_support=0.03, top_n=3)
    >>> ev.summary().index.tolist()
    ['rules', 'rules+popular', 'popular']

    References
    ----------
    Sarwar, B., Karypis, G., Konstan, J., Riedl, J. (2000). Analysis of recommendation
    algorithms for e-commerce. Proc. ACM EC, 158-167.
    """
    frame, cols, use_order = read_table(tx, columns=columns, customer_id=customer_id, order_id=order_id,
                                        date=date, item=item)
    end = _history_end(as_of)
    days = horizon_days(horizon, "D")
    when = frame[cols.date]
    train = frame[(when < end).to_numpy()]
    test = frame[((when >= end) & (when < end + pd.Timedelta(days=days))).to_numpy()]
    if len(train) == 0 or len(test) == 0:
        raise ParameterError(
            f"as_of={pd.Timestamp(as_of).date()} with horizon {days:g} days leaves {len(train):,} history "
            f"and {len(test):,} test rows in column {cols.date!r}. Fix: pick as_of inside the data, with "
            "transactions after it.")
    constraints = _make_constraints(min_gap, max_gap, window, max_span)
    history, now = _history(train, cols, use_order, None)
    patterns = _mine_database(history, constraints, min_support=min_support, min_count=min_count,
                             max_len=max_len, kind="all", max_patterns=10_000_000)
    rules = sequential_pattern_rules(patterns, within=within, min_confidence=min_confidence)
    tgt = test[[cols.customer_id, cols.item]].drop_duplicates()
    tgt.columns = ["customer", "item"]
    if exclude_bought:
        seen = pd.MultiIndex.from_frame(train[[cols.customer_id, cols.item]].drop_duplicates())
        tgt = tgt[~pd.MultiIndex.from_frame(tgt).isin(seen)]
    customers = pd.Index(np.intersect1d(train[cols.customer_id].unique(), tgt["customer"].unique()))
    if len(customers) == 0:
        raise DataError("no customer has both history on or before as_of and a target purchase in the "
                        "horizon. Fix: pick another as_of or a longer horizon.")
    models = {"rules": (True, None), "rules+popular": (True, "popular"), "popular": (False, "popular")}
    tables = []
    kept = None
    for model, (use_rules, fallback) in models.items():
        recs = _recommend_db(rules, history, now, cols.customer_id, int(top_n), metric, fallback,
                             bool(exclude_bought), customers, use_rules=use_rules)
        tables.append(_scores(recs, cols.customer_id, tgt, customers, int(top_n), model))
        if model == "rules+popular":
            kept = recs
    return NextPurchaseEvaluation(table=pd.concat(tables, ignore_index=True), n_customers=len(customers),
                                  n_rules=len(rules.table), as_of=pd.Timestamp(as_of).normalize(),
                                  horizon_days=days, recommendations=kept)


class NextPurchaseRecommender(CRMMineEstimator):
    """Next-purchase recommender built on sequential rules (scikit-learn's estimator contract).

    ``fit`` mines sequential patterns and rules from a transaction table;
    ``recommend`` ranks, for each customer, the consequents of the rules whose
    antecedent ends her history.

    Parameters
    ----------
    min_support, min_count, min_gap, max_gap, window, max_span, max_len
        Mining parameters (see :func:`sequential_patterns`).
    within, min_confidence
        Rule parameters (see :func:`sequential_pattern_rules`).
    metric : {"confidence", "lift", "support", "support_count"}
        Rule measure used as the score.
    top_n : int, default 5
        Recommendations per customer.
    fallback : {"popular", None}
        Fill the remaining places with popular items, or leave them empty.
    exclude_bought : bool, default False
        Leave out items the customer has bought before.

    Attributes
    ----------
    patterns_ : SequentialPatterns
    rules_ : SequentialPatternRules
    n_rules_ : int

    See Also
    --------
    recommend_next : the function ``recommend`` calls.
    evaluate_next_purchase : measure the recommendations on a later period.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3],
    ...     "date": pd.to_datetime(["2024-01-01", "2024-01-11", "2024-01-01", "2024-01-21", "2024-03-05"]),
    ...     "item": ["printer", "ink", "printer", "ink", "printer"]})
    >>> model = NextPurchaseRecommender(min_count=2, top_n=1).fit(tx)
    >>> model.recommend(tx, customers=[3])[["customer_id", "item", "source"]].values.tolist()
    [[3, 'ink', 'rule']]

    References
    ----------
    Mobasher, B., Dai, H., Luo, T., Nakagawa, M. (2002). Proc. IEEE ICDM, 669-672.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **MINING_CONSTRAINTS,
        **RULE_CONSTRAINTS,
        "metric": [Options(_METRICS)],
        "top_n": [Interval(Integral, 1, None)],
        "fallback": [Options(_FALLBACKS)],
        "exclude_bought": ["boolean"],
    }

    def __init__(self, min_support: float = 0.01, *, min_count: int | None = None, min_gap: Any = None,
                 max_gap: Any = None, window: Any = None, max_span: Any = None, max_len: int | None = None,
                 within: Any = None, min_confidence: float = 0.0, metric: str = "confidence", top_n: int = 5,
                 fallback: str | None = "popular", exclude_bought: bool = False) -> None:
        self.min_support = min_support
        self.min_count = min_count
        self.min_gap = min_gap
        self.max_gap = max_gap
        self.window = window
        self.max_span = max_span
        self.max_len = max_len
        self.within = within
        self.min_confidence = min_confidence
        self.metric = metric
        self.top_n = top_n
        self.fallback = fallback
        self.exclude_bought = exclude_bought

    def fit(self, X: Any, y: Any = None, *, columns: Mapping[str, str] | Columns | None = None,
            customer_id: str | None = None, order_id: str | None = None, date: str | None = None,
            item: str | None = None) -> NextPurchaseRecommender:
        """Mine the patterns and rules of the transactions ``X`` (``y`` is ignored)."""
        self._validate_params()
        self.patterns_ = sequential_patterns(
            X, self.min_support, min_count=self.min_count, min_gap=self.min_gap, max_gap=self.max_gap,
            window=self.window, max_span=self.max_span, max_len=self.max_len, columns=columns,
            customer_id=customer_id, order_id=order_id, date=date, item=item)
        self.rules_ = sequential_pattern_rules(self.patterns_, within=self.within,
                                               min_confidence=self.min_confidence)
        self.n_rules_ = len(self.rules_.table)
        return self

    def recommend(self, X: Any, *, as_of: Any = None, customers: Iterable[Any] | None = None,
                  columns: Mapping[str, str] | Columns | None = None, customer_id: str | None = None,
                  order_id: str | None = None, date: str | None = None, item: str | None = None) -> Any:
        """Top ``top_n`` next purchases per customer of ``X`` (see :func:`recommend_next`)."""
        self._check_fitted()
        check_params({"as_of": as_of}, {"as_of": ["date", None]},
                     caller="NextPurchaseRecommender.recommend()")
        return recommend_next(self.rules_, X, self.top_n, as_of=as_of, metric=self.metric,
                              fallback=self.fallback, exclude_bought=self.exclude_bought, customers=customers,
                              columns=columns, customer_id=customer_id, order_id=order_id, date=date,
                              item=item)
