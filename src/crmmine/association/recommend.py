"""Cross-sell recommendations from rules, with explanations, and their out-of-sample evaluation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options, validate_params
from crmmine._results import Result
from crmmine._units import naive_utc
from crmmine.association._tables import checked_dates, read_columns, recommendations_like
from crmmine.association.baskets import Baskets, make_baskets
from crmmine.association.rules import SMALLER_IS_STRONGER, AssociationRules, _fmt_set
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import ParameterError, SchemaError, bad_rows_error, missing_columns_error

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["RecommendationEvaluation", "evaluate_recommendations", "recommend"]


def _explanations(rules: pd.DataFrame, unit: str) -> list[str]:
    """One sentence per rule: "62% of customers who bought {A} also bought B, 19.0x the base rate"."""
    who = {"customer": "customers who bought", "order": "orders with"}.get(unit, "baskets with")
    verb = "also bought" if unit == "customer" else "also contained"
    out = []
    for a, c, conf, lift in zip(rules["antecedent"], rules["consequent"], rules["confidence"],
                                rules["lift"]):
        out.append(f"{conf:.0%} of {who} {_fmt_set(a)} {verb} {_fmt_set(c)}, {lift:.1f}x the base rate")
    return out


def _rules_table(rules: AssociationRules | pd.DataFrame, metric: str) -> tuple[pd.DataFrame, str]:
    """The rules table and the basket unit it was mined per (a plain table: "order", the default)."""
    if isinstance(rules, AssociationRules):
        table, unit = rules.table, rules.unit
    elif isinstance(rules, pd.DataFrame):
        table, unit = rules, "order"
    else:
        raise SchemaError(f"rules must be the result of association_rules (or its to_frame()), "
                          f"got {type(rules).__name__}.")
    needed = ["antecedent", "consequent", "confidence", "lift"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise missing_columns_error(missing, table.columns, role="rules")
    if metric not in table.columns:
        raise ParameterError(f"parameter 'metric' = {metric!r} is not a column of the rules; use e.g. "
                             "'confidence' or 'lift'.")
    if metric in SMALLER_IS_STRONGER:
        raise ParameterError(f"parameter 'metric' = {metric!r}: a smaller p-value means a stronger rule, but "
                             "recommendations rank the highest score first. Fix: rank by metric='confidence' "
                             "or 'lift' and keep significant rules with association_rules(..., max_p=0.05).")
    for column in dict.fromkeys([metric, "confidence", "lift"]):
        values = table[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            raise ParameterError(f"column {column!r} of the rules is not numeric (parameter 'metric' = "
                                 f"{metric!r}). "
                                 "Fix: use a measure such as 'confidence', 'lift' or 'leverage'.")
        missing = values.isna().to_numpy()
        if missing.any():
            raise bad_rows_error(
                column, "missing values (rules from association_rules(..., support_only=True) have only "
                "a support)", table.loc[missing, ["antecedent", "consequent", column]].head(5),
                int(missing.sum()), "mine the rules without support_only=True, or drop those rules.")
    return table.reset_index(drop=True), unit


def _owned_keys(baskets: Baskets, n_codes: int) -> np.ndarray:
    rows = np.repeat(np.arange(baskets.n_baskets, dtype=np.int64), baskets.sizes())
    return rows * n_codes + baskets.indices  # sorted: rows ascending, codes ascending within


def _is_owned(keys: np.ndarray, cust: np.ndarray, item: np.ndarray, n_codes: int) -> np.ndarray:
    q = cust.astype(np.int64) * n_codes + item
    pos = np.minimum(np.searchsorted(keys, q), max(len(keys) - 1, 0))
    return (keys[pos] == q) if len(keys) else np.zeros(len(q), bool)


def _match(rules: pd.DataFrame, baskets: Baskets, metric: str, selected: np.ndarray, top_n: int
           ) -> tuple[pd.DataFrame, np.ndarray, int]:
    """Top-n (customer, item, rule) from the compiled matcher, with the code space of items."""
    from crmmine.association._kernels import match_rules

    code = {lab: i for i, lab in enumerate(baskets.items.tolist())}
    labels = list(baskets.items.tolist())
    cons = [sorted(c, key=str) for c in rules["consequent"]]
    for c in cons:
        for x in c:
            if x not in code:  # recommended items nobody in tx bought yet
                code[x] = len(labels)
                labels.append(x)
    n_codes = len(labels)
    n_in_tx = baskets.n_items
    ante = rules["antecedent"].tolist()
    ante_len = np.fromiter((len(a) for a in ante), np.int64, count=len(ante))
    cons_len = np.fromiter((len(c) for c in cons), np.int64, count=len(cons))
    # an antecedent item absent from tx makes the rule unusable: map it to a code nobody owns
    ante_codes = np.fromiter((code.get(x, n_codes) if code.get(x, n_codes) < n_in_tx else n_codes
                              for a in ante for x in a), np.int64, count=int(ante_len.sum()))
    cons_codes = np.fromiter((code[x] for c in cons for x in c), np.int64, count=int(cons_len.sum()))
    ante_ptr = np.zeros(len(ante) + 1, np.int64)
    np.cumsum(ante_len, out=ante_ptr[1:])
    cons_ptr = np.zeros(len(cons) + 1, np.int64)
    np.cumsum(cons_len, out=cons_ptr[1:])
    # anchor each usable rule at its rarest antecedent item
    freq = np.append(baskets.item_counts(), np.zeros(n_codes + 1 - n_in_tx, np.int64))
    owner = np.repeat(np.arange(len(ante)), ante_len)
    bad = np.bincount(owner, weights=(ante_codes >= n_codes), minlength=len(ante))
    usable = (ante_len > 0) & (bad == 0)
    anchor = np.full(len(ante), -1, np.int64)
    if usable.any():
        key = freq[ante_codes].astype(np.float64) + ante_codes / (n_codes + 2.0)
        order = np.lexsort((key, owner))
        first = order[ante_ptr[:-1][ante_len > 0]]
        anchor[ante_len > 0] = ante_codes[first]
    rules_u = np.flatnonzero(usable)
    by_anchor = rules_u[np.argsort(anchor[rules_u], kind="stable")]
    anchor_ptr = np.zeros(n_codes + 2, np.int64)
    np.cumsum(np.bincount(anchor[rules_u], minlength=n_codes + 1), out=anchor_ptr[1:])
    cust, item, rule = match_rules(
        selected.astype(np.int64), baskets.indptr, baskets.indices.astype(np.int64), n_codes + 1,
        anchor_ptr, by_anchor.astype(np.int64), ante_ptr, ante_codes, cons_ptr, cons_codes,
        rules[metric].to_numpy(float), rules["confidence"].to_numpy(float), rules["lift"].to_numpy(float),
        int(top_n))
    cand = pd.DataFrame({"cust": cust, "rule": rule, "item": item})
    return cand, np.asarray(labels, dtype=object), n_codes


def _popular(baskets: Baskets, need: pd.Series, n_codes: int, exclude: pd.DataFrame) -> pd.DataFrame:
    """Most-bought items each customer lacks, to fill ``need[c]`` more slots for customer code c."""
    counts = baskets.item_counts()
    order = np.argsort(-counts, kind="stable")
    max_owned = int(baskets.sizes().max(initial=0))
    top = order[: min(len(order), int(need.max()) + max_owned)]
    custs = need.index.to_numpy(np.int64)
    cust = np.repeat(custs, len(top))
    item = np.tile(top, len(custs)).astype(np.int64)
    mask = ~_is_owned(_owned_keys(baskets, n_codes), cust, item, n_codes)
    if len(exclude):
        ex = np.sort(exclude["cust"].to_numpy(np.int64) * n_codes + exclude["item"].to_numpy(np.int64))
        mask &= ~_is_owned(ex, cust, item, n_codes)
    out = pd.DataFrame({"cust": cust[mask], "item": item[mask]})
    out["pos"] = out.groupby("cust").cumcount()
    out = out[out["pos"] < need.reindex(out["cust"]).to_numpy()]
    out["score"] = counts[out["item"].to_numpy()] / max(baskets.n_baskets, 1)
    return out.drop(columns="pos")


@validate_params({
    "top_n": [Interval(Integral, 1, None)],
    "metric": [str],
    "fallback": [Options(("popular",)), None],
})
def recommend(
    rules: AssociationRules | pd.DataFrame,
    tx: Any,
    top_n: int = 5,
    *,
    metric: str = "confidence",
    fallback: str | None = "popular",
    customers: Iterable[Any] | None = None,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    item: str | None = None,
) -> Any:
    """Recommend, per customer, items not yet bought, each with the rule that explains it.

    A rule A => B applies to a customer who has bought every item of A and
    not B; B is scored by the rule's ``metric`` and, when several rules
    point at B, the best rule explains it.

    Parameters
    ----------
    rules : AssociationRules or DataFrame
        Output of :func:`association_rules`, or its ``to_frame()`` (possibly
        filtered; the explanations then speak of orders, the default unit).
    tx : table
        Long transaction table with customer and item columns (the customer's
        whole history is their basket); pandas, polars, pyarrow or DuckDB.
    top_n : int, default 5
        Recommendations per customer.
    metric : str, default "confidence"
        Rule column used as the score ("lift", "conviction", ... also work).
    fallback : {"popular", None}, default "popular"
        Fill the remaining slots with the most-bought items the customer
        lacks (marked ``source="popular"``), so every customer gets
        recommendations; ``None`` returns rule-based ones only.
    customers : iterable, optional
        Only recommend for these customer ids (all must be in ``tx``).
    columns, customer_id, item
        Column names.

    Returns
    -------
    DataFrame (same kind as ``tx``)
        One row per (customer, rank): the customer id column, ``rank``,
        ``item``, ``score``, ``confidence``, ``lift``, ``antecedent``,
        ``source`` ("rule" or "popular") and ``explanation``. pandas:
        customers without any recommendation are listed in
        ``attrs["customers_without_recommendations"]``. polars, pyarrow,
        DuckDB and Spark tables have no ``attrs``: each such customer is one
        row with ``source="none"`` and missing ``rank`` and ``item``, and
        ``antecedent`` is a list column.

    See Also
    --------
    association_rules : the rules read.
    evaluate_recommendations : the out-of-sample precision and recall of these offers.
    recommend_next : next purchases from sequential rules instead (order matters).

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.association import association_rules, frequent_itemsets
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3, 3, 4, 5],
    ...                    "item": ["tea", "mug", "tea", "mug", "tea", "cake", "tea", "cake"]})
    >>> rules = association_rules(frequent_itemsets(tx, unit="customer", min_count=2), 0.5)
    >>> recs = recommend(rules, tx, top_n=1)
    >>> recs.loc[recs["customer_id"] == 4, ["item", "source"]].values.tolist()
    [['mug', 'rule']]
    >>> print(recs.loc[recs["customer_id"] == 4, "explanation"].iloc[0])
    50% of customers who bought {tea} also bought {mug}, 1.2x the base rate

    References
    ----------
    Sarwar, B., Karypis, G., Konstan, J., Riedl, J. (2000). Analysis of
    recommendation algorithms for e-commerce. Proc. ACM EC, 158-167.
    Lin, W., Alvarez, S. A., Ruiz, C. (2002). Efficient adaptive-support
    association rule mining for recommender systems. Data Min. Knowl. Disc.
    6, 83-105.
    """
    rules, unit = _rules_table(rules, metric)
    cols = resolve_columns(columns, customer_id=customer_id, item=item)
    baskets = make_baskets(tx, unit="customer", columns=cols)
    if customers is not None:
        wanted = pd.Index(list(customers))
        pos = baskets.ids.get_indexer(wanted)
        if (pos < 0).any():
            missing = wanted[pos < 0]
            raise ParameterError(f"{len(missing):,} customers are not in tx, e.g. {missing[:5].tolist()}. "
                                 "Fix: pass ids that appear in the transactions.")
        selected = np.unique(pos)
    else:
        selected = np.arange(baskets.n_baskets)
    cand, labels, n_codes = _match(rules, baskets, metric, selected, top_n)
    score = rules[metric].to_numpy(float)
    conf = rules["confidence"].to_numpy(float)
    lift = rules["lift"].to_numpy(float)
    cand = cand.assign(score=score[cand["rule"]], conf=conf[cand["rule"]], lift=lift[cand["rule"]])
    recs = pd.DataFrame({
        "cust": cand["cust"].to_numpy(),
        "item_code": cand["item"].to_numpy(),
        "score": cand["score"].to_numpy(),
        "confidence": cand["conf"].to_numpy(),
        "lift": cand["lift"].to_numpy(),
        "rule": cand["rule"].to_numpy(),
        "source": "rule",
    })
    if fallback == "popular":
        have = recs.groupby("cust").size().reindex(selected, fill_value=0)
        need = (top_n - have)[lambda s: s > 0]
        if len(need):
            pop = _popular(baskets, need, n_codes, cand[["cust", "item"]])
            share = pop["score"].to_numpy()
            recs = pd.concat([recs, pd.DataFrame({
                "cust": pop["cust"].to_numpy(), "item_code": pop["item"].to_numpy(),
                "score": np.nan, "confidence": np.nan, "lift": np.nan, "rule": -1,
                "source": "popular", "share": share})], ignore_index=True)
    recs = recs.sort_values(["cust"], kind="stable").reset_index(drop=True)
    recs["rank"] = recs.groupby("cust").cumcount() + 1
    rule_idx = recs["rule"].to_numpy()
    is_rule = rule_idx >= 0
    ante = rules["antecedent"].tolist()
    explanation = np.empty(len(recs), dtype=object)
    antecedent = np.empty(len(recs), dtype=object)
    used = np.unique(rule_idx[is_rule])
    explain = dict(zip(used.tolist(), _explanations(rules.iloc[used], unit)))
    explanation[is_rule] = [explain[i] for i in rule_idx[is_rule].tolist()]
    antecedent[is_rule] = [ante[i] for i in rule_idx[is_rule]]
    if (~is_rule).any():
        word = "customers"
        explanation[~is_rule] = [f"bought by {s:.0%} of {word} (popular item; no rule applies)"
                                 for s in recs.loc[~is_rule, "share"]]
        antecedent[~is_rule] = frozenset()
    out = pd.DataFrame({
        cols.customer_id: baskets.ids[recs["cust"].to_numpy()],
        "rank": recs["rank"].to_numpy(np.int64),
        "item": labels[recs["item_code"].to_numpy(np.int64)],
        "score": recs["score"].to_numpy(float),
        "confidence": recs["confidence"].to_numpy(float),
        "lift": recs["lift"].to_numpy(float),
        "antecedent": antecedent,
        "source": recs["source"].to_numpy(),
        "explanation": explanation,
    })
    served = np.zeros(baskets.n_baskets, bool)
    served[recs["cust"].to_numpy(np.int64)] = True
    lacking = np.setdiff1d(selected, np.flatnonzero(served))
    out.attrs["customers_without_recommendations"] = baskets.ids[lacking].tolist()
    out.attrs["n_customers"] = len(selected)
    return recommendations_like(out, tx, cols.customer_id)


@dataclass(repr=False, eq=False)
class RecommendationEvaluation(Result):
    """Out-of-sample quality of rule-based recommendations against a popularity baseline.

    Returned by :func:`evaluate_recommendations`; the fields below are its attributes.

    Parameters
    ----------
    table : DataFrame
        One row per (model, k): ``precision``, ``hit_rate``, ``recall`` at k
        and ``coverage`` (share of evaluated customers with at least one rule
        recommendation).
    n_customers : int
        Customers evaluated (active in both periods).
    n_rules : int
        Rules mined on the calibration period.
    calibration_end : Timestamp
        Last day of the calibration period (rules are mined on it).
    recommendations : DataFrame
        The rule-based recommendations that were scored.

    See Also
    --------
    evaluate_recommendations : builds it.
    NextPurchaseEvaluation : the same measures for sequential next-purchase rules.

    Examples
    --------
    Customers 3 and 4 bought one of a and b in January and the other in February:

    >>> import pandas as pd
    >>> rows = [(1, "2024-01-02", "a"), (1, "2024-01-02", "b"), (2, "2024-01-03", "a"),
    ...         (2, "2024-01-03", "b"), (3, "2024-01-04", "a"), (3, "2024-02-10", "b"),
    ...         (4, "2024-01-05", "b"), (4, "2024-02-11", "a")]
    >>> tx = pd.DataFrame(rows, columns=["customer_id", "date", "item"])
    >>> tx["date"] = pd.to_datetime(tx["date"])
    >>> ev = evaluate_recommendations(tx, "2024-01-31", min_support=0.5, min_confidence=0.5, top_n=1,
    ...                               unit="customer")
    >>> ev.n_customers, ev.n_rules
    (2, 2)
    >>> ev.recommendations[["customer_id", "item", "source"]].values.tolist()
    [[3, 'b', 'rule'], [4, 'a', 'rule']]
    """

    table: pd.DataFrame
    n_customers: int
    n_rules: int
    calibration_end: pd.Timestamp
    recommendations: pd.DataFrame = field(repr=False)

    def to_frame(self) -> pd.DataFrame:
        """The metrics table, one row per (model, k)."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Precision, hit rate, recall and coverage of each model at the largest k."""
        k = int(self.table["k"].max())
        return self.table[self.table["k"] == k].reset_index(drop=True)

    def _repr_items(self) -> dict[str, Any]:
        k = int(self.table["k"].max())
        last = self.table[self.table["k"] == k].set_index("model")["precision"]
        items: dict[str, Any] = {"n_customers": int(self.n_customers), "n_rules": int(self.n_rules)}
        items.update({f"precision@{k}_{m}": float(v) for m, v in last.items()})
        return items

    def plot(self, ax: Axes | None = None, metric: str = "precision", **kwargs: Any) -> Axes:
        """Plot ``metric`` at k for the rules and the popularity baseline; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        for model, grp in self.table.groupby("model", sort=False):
            ax.plot(grp["k"], grp[metric], marker="o", label=model, **kwargs)
        ax.set_xlabel("k (recommendations per customer)")
        ax.set_ylabel(f"{metric}@k")
        ax.set_title("Out-of-sample cross-sell quality")
        ax.legend()
        return ax


def _score_lists(recs: pd.DataFrame, cust_col: str, bought: pd.DataFrame, customers: pd.Index,
                 k_max: int, model: str) -> pd.DataFrame:
    """precision/hit/recall at k=1..k_max for one model's recommendations."""
    recs = recs[recs[cust_col].isin(customers)]
    key = pd.MultiIndex.from_frame(bought[["cust", "item"]])
    hit = pd.MultiIndex.from_arrays([recs[cust_col], recs["item"]]).isin(key)
    recs = recs.assign(hit=hit)
    n_new = bought.groupby("cust").size().reindex(customers, fill_value=0).to_numpy()
    rows = []
    for k in range(1, k_max + 1):
        top = recs[recs["rank"] <= k]
        hits = top.groupby(cust_col)["hit"].sum().reindex(customers, fill_value=0).to_numpy()
        with np.errstate(invalid="ignore", divide="ignore"):
            recall = np.where(n_new > 0, hits / np.maximum(n_new, 1), np.nan)
        rows.append({"model": model, "k": k, "precision": float(hits.sum() / (k * len(customers))),
                     "hit_rate": float((hits > 0).mean()), "recall": float(np.nanmean(recall))})
    return pd.DataFrame(rows)


def _day(value: Any) -> pd.Timestamp:
    """The day of a date; a time-zone-aware one is read in UTC, as the dates are."""
    ts = pd.Timestamp(value)
    ts = naive_utc(ts)  # time-zone-aware: read in UTC
    return ts.normalize()


@validate_params({
    "calibration_end": ["date"],
    "observation_end": ["date", None],
    "min_support": [Interval(Real, 0, 1, closed="right")],
    "min_confidence": [Interval(Real, 0, 1)],
    "top_n": [Interval(Integral, 1, None)],
    "unit": [Options(("order", "customer"))],
    "metric": [str],
})
def evaluate_recommendations(
    tx: Any,
    calibration_end: Any,
    *,
    min_support: float = 0.01,
    min_confidence: float = 0.2,
    top_n: int = 5,
    unit: str = "order",
    metric: str = "confidence",
    observation_end: Any = None,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
) -> RecommendationEvaluation:
    """Mine rules on one period and measure their recommendations on the next.

    Rules are mined on the transactions dated on or before
    ``calibration_end`` (any time that day); each customer active in both
    periods gets ``top_n`` recommendations from their history up to then. A
    hit is a recommended item the customer bought after ``calibration_end``,
    up to ``observation_end`` (inclusive). Items they had bought before count
    neither as hits nor as targets. A popularity recommender (most-bought
    items not yet owned) is scored the same way as the baseline.

    Parameters
    ----------
    tx : table
        Long transactions with customer, date and item (and order for
        ``unit="order"``) columns; pandas, polars, pyarrow or DuckDB.
    calibration_end : date-like
        Last day of the calibration (mining) period.
    min_support, min_confidence : float
        Mining thresholds on the calibration period.
    top_n : int, default 5
        Largest k evaluated (k = 1 .. top_n).
    unit : {"order", "customer"}, default "order"
        Basket unit for mining (docs/conventions.md).
    metric : str
        Rule score for ranking.
    observation_end : date-like, optional
        Last day of the evaluation period (default: all data after
        ``calibration_end``).
    columns, customer_id, order_id, date, item
        Column names.

    Returns
    -------
    RecommendationEvaluation
        Precision, hit rate and recall at k = 1 .. ``top_n`` and the coverage of the rules,
        beside the popularity baseline (``to_frame()``).

    See Also
    --------
    recommend : the recommendations scored.
    evaluate_next_purchase : the same evaluation for sequential next-purchase rules.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 1, 2, 2, 3, 3, 1, 2, 3, 4, 4],
    ...     "item": ["a", "b", "a", "b", "a", "c", "c", "c", "b", "a", "b"],
    ...     "date": pd.to_datetime(["2024-01-01"] * 6 + ["2024-02-01"] * 3 + ["2024-01-05"] * 2)})
    >>> ev = evaluate_recommendations(tx, "2024-01-15", min_support=0.3, min_confidence=0.5, top_n=1,
    ...                               unit="customer")
    >>> ev.n_customers
    3
    >>> ev.to_frame()[["model", "k", "precision"]].round(3).values.tolist()
    [['rules', 1, 0.333], ['popular', 1, 1.0]]

    References
    ----------
    Sarwar, B., Karypis, G., Konstan, J., Riedl, J. (2000). Analysis of
    recommendation algorithms for e-commerce. Proc. ACM EC, 158-167.
    """
    from crmmine.association.itemsets import frequent_itemsets
    from crmmine.association.rules import association_rules

    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date, item=item)
    needed = [cols.customer_id, cols.date, cols.item] + ([cols.order_id] if unit == "order" else [])
    tx = read_columns(tx, needed)
    when = checked_dates(tx, cols.date)
    cut = _day(calibration_end) + pd.Timedelta(days=1)
    train_mask = (when < cut).to_numpy()
    test_mask = (when >= cut).to_numpy()
    if observation_end is not None:
        test_mask &= (when < _day(observation_end) + pd.Timedelta(days=1)).to_numpy()
    train, test = tx.loc[train_mask], tx.loc[test_mask]
    if len(train) == 0 or len(test) == 0:
        raise ParameterError(f"calibration_end {pd.Timestamp(calibration_end).date()} leaves {len(train):,} "
                             f"calibration and {len(test):,} evaluation rows. Fix: pick a date inside "
                             "the data.")
    itemsets = frequent_itemsets(train, min_support=min_support, unit=unit, columns=cols)
    rules = association_rules(itemsets, min_confidence=min_confidence, p_adjust="none")
    customers = pd.Index(np.intersect1d(train[cols.customer_id].unique(), test[cols.customer_id].unique()))
    rule_recs = recommend(rules, train, top_n=top_n, metric=metric, fallback=None, customers=customers,
                          columns=cols)
    pop_recs = recommend(rules.subset(np.zeros(len(rules), bool)), train, top_n=top_n, fallback="popular",
                         customers=customers, columns=cols)
    # targets: items bought in the test period that the customer had not bought before
    hist = pd.MultiIndex.from_frame(train[[cols.customer_id, cols.item]].drop_duplicates())
    fut = test[[cols.customer_id, cols.item]].drop_duplicates()
    fut = fut[~pd.MultiIndex.from_frame(fut).isin(hist)]
    bought = pd.DataFrame({"cust": fut[cols.customer_id].to_numpy(), "item": fut[cols.item].to_numpy()})
    table = pd.concat([
        _score_lists(rule_recs, cols.customer_id, bought, customers, top_n, "rules"),
        _score_lists(pop_recs, cols.customer_id, bought, customers, top_n, "popular"),
    ], ignore_index=True)
    covered = rule_recs[cols.customer_id].nunique() / max(len(customers), 1)
    table["coverage"] = np.where(table["model"] == "rules", covered, 1.0)
    return RecommendationEvaluation(table=table, n_customers=len(customers), n_rules=len(rules),
                                    calibration_end=_day(calibration_end),
                                    recommendations=rule_recs)
