"""Association rules from frequent itemsets: interest measures, significance, redundancy."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options, validate_params
from crmmine._results import Result
from crmmine.association._encoded import EncodedItemsets, encode_frame, no_gc, zobrist_keys
from crmmine.association.frequent import FrequentItemsets
from crmmine.association.measures import RULE_METRICS, rule_metrics
from crmmine.association.significance import adjust_log_pvalues
from crmmine.errors import DataError, ParameterError

__all__ = ["RULE_METRICS", "AssociationRules", "association_rules", "rule_metrics"]

_P_ADJUST = ("holm", "bh", "bonferroni", "none")
#: Rule columns where a smaller value means a stronger rule (the p-values).
SMALLER_IS_STRONGER = ("p_value", "log_p", "p_adjusted")
_COUNT_COLUMNS = ("antecedent_count", "consequent_count", "support_count")


def _fmt_set(items: Iterable[Any]) -> str:
    return "{" + ", ".join(sorted(map(str, items))) + "}"


@dataclass(repr=False, eq=False)
class AssociationRules(Result):
    """Association rules A => C with their measures, and what they were mined from.

    Returned by :func:`association_rules`; the fields below are its attributes.

    Parameters
    ----------
    table : DataFrame
        One row per rule: ``antecedent``, ``consequent`` (frozensets),
        ``antecedent_count``, ``consequent_count``, ``support_count``,
        ``antecedent_support``, ``consequent_support``, the measures in
        :data:`RULE_METRICS`, ``p_value`` (one-sided Fisher), ``log_p`` (its
        natural log, finite where ``p_value`` underflows to 0) and
        ``p_adjusted``.
    n_transactions : int
        Number of baskets the itemsets were mined from.
    unit : str
        What a basket was (``"order"``, ``"customer"``, ...): it decides how
        :func:`recommend` words its explanations.
    p_adjust : str
        Multiple-testing adjustment of ``p_adjusted``.

    See Also
    --------
    association_rules : builds it.
    recommend : per-customer offers from the rules, each with its explanation.

    Examples
    --------
    >>> from crmmine.association import association_rules, frequent_itemsets
    >>> rules = association_rules(frequent_itemsets([["tea", "mug"], ["tea", "mug"], ["tea"]], min_count=1),
    ...                           min_confidence=0.6)
    >>> rules
    AssociationRules(rules=2, n_transactions=3, unit='basket')
    >>> rules.to_frame()[["confidence", "lift"]].round(3).values.tolist()
    [[1.0, 1.0], [0.667, 1.0]]
    """

    table: pd.DataFrame
    n_transactions: int
    unit: str = "order"
    p_adjust: str = "holm"

    def __len__(self) -> int:
        return len(self.table)

    def to_frame(self) -> pd.DataFrame:
        """The rules table (a new frame; changing it leaves the result unchanged)."""
        return self.table.copy(deep=False)

    def subset(self, rows: Any) -> AssociationRules:
        """The rules selected by a boolean mask or positions, as a new :class:`AssociationRules`.

        Examples
        --------
        >>> from crmmine.association import association_rules, frequent_itemsets
        >>> rules = association_rules(frequent_itemsets([["a", "b"], ["a", "b"], ["a"]], min_count=1), 0.5)
        >>> strong = rules.subset(rules.to_frame()["confidence"] == 1.0)
        >>> len(rules), len(strong)
        (2, 1)
        """
        mask = np.asarray(rows)
        if mask.dtype == bool:
            if len(mask) != len(self.table):
                raise ParameterError(f"subset needs a mask of {len(self.table)} booleans, got {len(mask)}.")
            part = self.table.loc[mask]
        else:
            part = self.table.iloc[mask]
        return AssociationRules(table=part.reset_index(drop=True), n_transactions=self.n_transactions,
                                unit=self.unit, p_adjust=self.p_adjust)

    def summary(self) -> pd.DataFrame:
        """The first ten rules, readable: rule, baskets, support, confidence, lift, adjusted p."""
        top = self.table.head(10)
        return pd.DataFrame({
            "rule": [f"{_fmt_set(a)} => {_fmt_set(c)}" for a, c in zip(top["antecedent"], top["consequent"])],
            "support_count": top["support_count"].to_numpy(),
            "support": top["support"].to_numpy(),
            "confidence": top["confidence"].to_numpy(),
            "lift": top["lift"].to_numpy(),
            "p_adjusted": top["p_adjusted"].to_numpy(),
        })

    def _repr_items(self) -> dict[str, Any]:
        return {"rules": len(self), "n_transactions": int(self.n_transactions), "unit": self.unit}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Support against confidence, coloured by log2 lift (the arulesViz scatter); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        t = self.table
        if len(t) == 0:
            ax.set_title("no rules")
            return ax
        with np.errstate(divide="ignore"):
            colour = np.log2(t["lift"].to_numpy(float))
        pts = ax.scatter(t["support"], t["confidence"], c=colour, cmap=kwargs.pop("cmap", "viridis"),
                         s=12 + 4 * t["antecedent"].map(len), **kwargs)
        ax.set_xscale("log")
        ax.set_xlabel(f"support (share of {self.unit}s)")
        ax.set_ylabel("confidence")
        ax.set_title(f"{len(t):,} association rules")
        ax.figure.colorbar(pts, ax=ax, label="log2 lift")
        return ax


def _consequent_sizes(consequent_len: int | tuple[int, int] | None) -> tuple[int, int]:
    if consequent_len is None:
        return 1, 1 << 30
    if isinstance(consequent_len, (int, np.integer)) and not isinstance(consequent_len, bool):
        if consequent_len < 1:
            raise ParameterError(f"parameter 'consequent_len' must be >= 1, got {consequent_len}.")
        return int(consequent_len), int(consequent_len)
    if isinstance(consequent_len, tuple) and len(consequent_len) == 2:
        lo, hi = consequent_len
        if not (1 <= lo <= hi):
            raise ParameterError("parameter 'consequent_len'=(lo, hi) needs 1 <= lo <= hi, "
                                 f"got {consequent_len}.")
        return int(lo), int(hi)
    raise ParameterError(
        "parameter 'consequent_len' must be an int, a (min, max) tuple or None (any), "
        f"got {consequent_len!r}."
    )


def _allowed(enc: EncodedItemsets, items: Iterable[Any] | None, name: str) -> np.ndarray | None:
    if items is None:
        return None
    if isinstance(items, (str, bytes)):
        items = [items]
    wanted = set(items)
    labels = enc.labels.tolist()
    mask = np.fromiter((lab in wanted for lab in labels), dtype=bool, count=len(labels))
    unknown = wanted - set(labels)
    if len(unknown) == len(wanted) and wanted:
        raise ParameterError(f"none of the items in {name} appears in the itemsets "
                             f"(e.g. {sorted(map(str, unknown))[:5]}). Fix: check the item labels.")
    return mask


def _empty_table() -> pd.DataFrame:
    cols: dict[str, Any] = {"antecedent": pd.Series([], dtype=object),
                            "consequent": pd.Series([], dtype=object)}
    cols.update({c: np.zeros(0, np.int64) for c in _COUNT_COLUMNS})
    cols.update({"antecedent_support": np.zeros(0), "consequent_support": np.zeros(0)})
    cols.update({m: np.zeros(0) for m in RULE_METRICS})
    cols.update({"p_value": np.zeros(0), "log_p": np.zeros(0), "p_adjusted": np.zeros(0)})
    return pd.DataFrame(cols)


@validate_params({
    "min_confidence": [None, Interval(Real, 0, 1)],
    "min_lift": [Interval(Real, 0, None), None],
    "metric": [Options((*RULE_METRICS, "antecedent_support", "consequent_support", "p_value", "log_p",
                        "p_adjusted")), None],
    "min_threshold": [Interval(Real, None, None), None],
    "empty_antecedent": ["boolean"],
    "prune_redundant": ["boolean"],
    "support_only": ["boolean"],
    "p_adjust": [Options(_P_ADJUST)],
    "max_p": [Interval(Real, 0, 1), None],
    "n_transactions": [Interval(Integral, 1, None), None],
    "unit": [Options(("order", "customer", "basket", "row")), None],
})
def association_rules(
    itemsets: FrequentItemsets | pd.DataFrame,
    min_confidence: float | None = None,
    *,
    min_lift: float | None = None,
    metric: str | None = None,
    min_threshold: float | None = None,
    consequent_len: int | tuple[int, int] | None = 1,
    antecedent_items: Iterable[Any] | None = None,
    consequent_items: Iterable[Any] | None = None,
    exclude_items: Iterable[Any] | None = None,
    empty_antecedent: bool = False,
    prune_redundant: bool = False,
    support_only: bool = False,
    p_adjust: str = "holm",
    max_p: float | None = None,
    sort_by: str = "lift",
    n_transactions: int | None = None,
    unit: str | None = None,
) -> AssociationRules:
    """Generate association rules A => C from frequent itemsets.

    Parameters
    ----------
    itemsets : FrequentItemsets or DataFrame
        The result of :func:`frequent_itemsets` (its encoding is used
        directly), or a plain table of itemsets: ``FrequentItemsets.to_frame()``
        (possibly filtered) or mlxtend's ``itemsets``/``support`` frame, which
        is re-encoded (give ``n_transactions`` when it has no
        ``support_count`` column). All subsets of every itemset must be in it
        (downward closed: not closed or maximal sets) unless ``support_only``.
    min_confidence : float, optional
        Keep rules with confidence >= this. Default: 0.8 without ``metric``;
        with ``metric`` no confidence floor unless given (mlxtend's
        ``metric``/``min_threshold`` filter alone).
    min_lift : float, optional
        Keep rules with lift >= this.
    metric, min_threshold : str and float, optional
        A general filter, mlxtend's ``metric``/``min_threshold``: keep rules
        whose ``metric`` column is >= ``min_threshold`` (any measure of the
        table but the p-values, where smaller means stronger: use
        ``max_p``). The metric alone filters, as in mlxtend, unless
        ``min_confidence`` is also given.
    consequent_len : int, (min, max) or None, default 1
        Number of items on the right-hand side; 1 is the cross-sell question
        "who buys A also buys B". ``None`` allows any size.
    antecedent_items, consequent_items : iterable, optional
        Only these items may appear on the left / right side.
    exclude_items : iterable, optional
        Items that may appear on neither side.
    empty_antecedent : bool, default False
        Also return the rules {} => C (confidence P(C), lift 1), as arules
        does with ``minlen = 1``: the baseline every other rule is compared with.
    prune_redundant : bool, default False
        Drop a rule when a more general rule (same consequent, an antecedent
        that is a proper subset, the empty set included) has equal or higher
        confidence: arules' ``is.redundant``, i.e. ``improvement <= 0``.
    support_only : bool, default False
        Compute only each rule's support (mlxtend's ``support_only``): the
        other measures are NaN, the confidence filter is not applied, and the
        itemsets need not be downward closed.
    p_adjust : {"holm", "bh", "bonferroni", "none"}, default "holm"
        Adjustment of the Fisher's exact test p-values over the returned rules.
    max_p : float, optional
        Keep rules whose adjusted p-value is <= this.
    sort_by : str, default "lift"
        Column to sort by, descending (ties keep confidence order); the
        p-value columns (``p_value``, ``log_p``, ``p_adjusted``) ascending,
        so that the strongest evidence comes first.
    n_transactions : int, optional
        Number of baskets, for a plain itemsets table without counts.
    unit : {"order", "customer", "basket", "row"}, optional
        What a basket is, for a plain itemsets table (default ``"order"``); a
        :class:`FrequentItemsets` carries its own and a different value raises.

    Returns
    -------
    AssociationRules
        ``to_frame()`` gives one row per rule: ``antecedent``, ``consequent``
        (frozensets), ``antecedent_count``, ``consequent_count``,
        ``support_count``, ``antecedent_support``, ``consequent_support``,
        the measures in :data:`RULE_METRICS` (``improvement`` is the
        confidence minus the best confidence of a more general rule, the empty
        rule's P(C) included), ``p_value`` (one-sided Fisher), ``log_p`` and
        ``p_adjusted``.

    Raises
    ------
    DataError
        If a subset of an itemset is missing from ``itemsets``.

    See Also
    --------
    frequent_itemsets : the itemsets the rules come from.
    recommend : turns the rules into per-customer offers.
    evaluate_recommendations : measures those offers on a later period.
    rule_metrics : the definitions of the measures.

    Notes
    -----
    With itemsets mined from a one-hot frame with missing values, the
    mlxtend measures follow mlxtend's ``null_values`` definitions (confidence
    among the baskets that observe every item of the rule, ``representativity``
    the share of such baskets); the count-based measures (odds ratio,
    chi-squared, Fisher's test, ...) use the table of those baskets. Without
    missing values ``representativity`` is 1.

    Examples
    --------
    >>> from crmmine.association import frequent_itemsets
    >>> baskets = [["milk", "bread"], ["milk", "eggs"], ["milk", "bread", "eggs"], ["bread"]]
    >>> rules = association_rules(frequent_itemsets(baskets, min_support=0.5), min_confidence=0.6)
    >>> table = rules.to_frame()
    >>> [(sorted(a), sorted(c)) for a, c in zip(table["antecedent"], table["consequent"])]
    [(['eggs'], ['milk']), (['milk'], ['eggs']), (['milk'], ['bread']), (['bread'], ['milk'])]
    >>> table["confidence"].round(3).tolist()
    [1.0, 0.667, 0.667, 0.667]

    References
    ----------
    Agrawal, R., Srikant, R. (1994). Fast algorithms for mining association
    rules. Proc. 20th VLDB, 487-499.
    Hahsler, M., Gruen, B., Hornik, K. (2005). arules - a computational
    environment for mining association rules and frequent item sets. Journal
    of Statistical Software 14(15).
    Bayardo, R., Agrawal, R., Gunopulos, D. (2000). Constraint-based rule
    mining in large, dense databases. Data Min. Knowl. Disc. 4, 217-240
    (improvement, redundant rules).
    """
    if metric in SMALLER_IS_STRONGER:
        raise ParameterError(f"parameter 'metric' = {metric!r}: metric keeps rules whose value is >= "
                             "min_threshold, but a smaller p-value means a stronger rule. Fix: keep "
                             "significant rules with max_p=0.05 (on p_adjusted; p_adjust='none' for the raw "
                             "p-value).")
    if (metric is None) != (min_threshold is None):
        raise ParameterError("parameters 'metric' and 'min_threshold' go together: pass both "
                             "(e.g. metric='lift', min_threshold=1.2) or neither.")
    # the confidence floor: 0.8 by default, none when mlxtend's metric filter is used instead
    floor = min_confidence if min_confidence is not None else (0.8 if metric is None else 0.0)
    if support_only and prune_redundant:
        raise ParameterError("parameter 'prune_redundant' needs confidences, which support_only=True does "
                             "not compute. Fix: drop one of them.")
    lo, hi = _consequent_sizes(consequent_len)
    sortable = {*RULE_METRICS, *_COUNT_COLUMNS, "antecedent_support", "consequent_support", "p_value",
                "log_p", "p_adjusted"}
    if sort_by not in sortable:
        raise ParameterError(f"parameter 'sort_by' must be a numeric column of the rules, one of "
                             f"{sorted(sortable)}; got {sort_by!r}.")
    if isinstance(itemsets, FrequentItemsets):
        if unit is not None and unit != itemsets.unit:
            raise ParameterError(f"parameter 'unit'={unit!r} contradicts the itemsets, which were mined per "
                                 f"{itemsets.unit!r}. Fix: drop unit=.")
        if n_transactions is not None and n_transactions != itemsets.n_transactions:
            raise ParameterError(f"parameter 'n_transactions'={n_transactions} contradicts the itemsets "
                                 f"({itemsets.n_transactions} baskets). Fix: drop n_transactions=.")
        enc = itemsets.encoding
        basket_unit = itemsets.unit
        observed = itemsets.observed
        cells = itemsets.missing
    else:
        enc = encode_frame(itemsets, n_transactions)
        basket_unit = unit if unit is not None else "order"
        observed, cells = None, None
    if cells is not None and observed is None:  # pragma: no cover - built together
        raise DataError("missing-value itemsets without observed counts.")
    n = enc.n_transactions
    keys = enc.keys
    keys2 = zobrist_keys(len(enc.labels), seed=7919)
    allow_a = _allowed(enc, antecedent_items, "antecedent_items")
    allow_c = _allowed(enc, consequent_items, "consequent_items")
    excl = _allowed(enc, exclude_items, "exclude_items") if exclude_items is not None else None
    if excl is not None:
        allow_a = ~excl if allow_a is None else allow_a & ~excl
        allow_c = ~excl if allow_c is None else allow_c & ~excl

    lengths = enc.lengths
    blocks: list[dict[str, Any]] = []
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("row", "ante", "cons", "key", "alen")}
    min_k = 1 if empty_antecedent else 2
    for k in range(min_k, int(lengths.max(initial=0)) + 1):
        rows_k = np.flatnonzero(lengths == k)
        if len(rows_k) == 0:
            continue
        items2d = enc.items[enc.ptr[rows_k][:, None] + np.arange(k)[None, :]]
        h = enc.hashes[rows_k]
        for csize in range(lo, min(hi, k) + 1):
            if csize == k and not empty_antecedent:
                continue
            for combo in itertools.combinations(range(k), csize):
                ante_pos = [p for p in range(k) if p not in combo]
                keep = np.ones(len(rows_k), bool)
                if allow_c is not None:
                    keep &= allow_c[items2d[:, list(combo)]].all(axis=1)
                if allow_a is not None and ante_pos:
                    keep &= allow_a[items2d[:, ante_pos]].all(axis=1)
                if not keep.any():
                    continue
                sub = items2d[keep]
                cons_hash = np.bitwise_xor.reduce(keys[sub[:, list(combo)]], axis=1)
                cons_hash2 = np.bitwise_xor.reduce(keys2[sub[:, list(combo)]], axis=1)
                ante_hash = h[keep] ^ cons_hash
                blocks.append({"items": sub, "ante_pos": ante_pos, "cons_pos": list(combo),
                               "alen": k - csize, "csize": csize})
                parts["row"].append(rows_k[keep])
                parts["ante"].append(ante_hash)
                parts["cons"].append(cons_hash)
                parts["key"].append(ante_hash ^ cons_hash2)
                parts["alen"].append(np.full(len(sub), k - csize, np.int64))
    if not blocks:
        return AssociationRules(table=_empty_table(), n_transactions=n, unit=basket_unit, p_adjust=p_adjust)
    row = np.concatenate(parts["row"])
    alen = np.concatenate(parts["alen"])
    clen = lengths[row] - alen
    n_ac = enc.counts[row]
    if support_only:
        conf = np.full(len(row), np.nan)
        keep = alen > 0
        ante_idx = cons_idx = np.full(len(row), -1, np.int64)
    else:
        ante_idx = np.where(alen > 0, enc.lookup(np.concatenate(parts["ante"]), alen), -2)
        cons_idx = enc.lookup(np.concatenate(parts["cons"]), clen)
        if (ante_idx == -1).any() or (cons_idx < 0).any():
            raise DataError(
                "itemsets is not downward closed: the support of some antecedents or consequents is "
                "missing (closed/maximal sets or a filtered frame?). Fix: pass all frequent itemsets, "
                "frequent_itemsets(..., kind='all'), to association_rules, or support_only=True."
            )
        n_a = np.where(alen > 0, enc.counts[np.maximum(ante_idx, 0)], n)
        n_c = enc.counts[cons_idx]
        a_obs = c_obs = ac_obs = None
        if cells is not None:
            assert observed is not None
            ac_obs = observed[row]
            a_obs = np.where(alen > 0, observed[np.maximum(ante_idx, 0)], n)
            c_obs = observed[cons_idx]
            a_ptr, a_items, c_ptr, c_items = _rule_codes(blocks)
            a_present_c_missing, c_present_a_missing, _ = cells.rule_counts(a_ptr, a_items, c_ptr, c_items)
            n_a = n_a - a_present_c_missing  # baskets with A that observe C
            n_c_table = n_c - c_present_a_missing
        with np.errstate(divide="ignore", invalid="ignore"):
            conf = n_ac / n_a
        keep = conf >= float(floor) - 1e-12
        if not empty_antecedent:
            keep &= alen > 0
        base = (n_c / n) if cells is None else n_c / c_obs
        best_sub = _best_general_confidence(blocks, np.concatenate(parts["key"]), conf, keys, keep)
        improvement = conf - np.maximum(best_sub, base)
        improvement[alen == 0] = np.nan
        if prune_redundant:
            keep &= ~(improvement <= 1e-12)
        if min_lift is not None:
            s_c = (n_c / n) if cells is None else n_c / c_obs
            keep &= conf / s_c >= float(min_lift) - 1e-12
    sel = np.flatnonzero(keep)
    if support_only:
        nan = np.full(len(sel), np.nan)
        metrics = {m: nan for m in RULE_METRICS}
        metrics["support"] = n_ac[sel] / n
        columns: dict[str, Any] = {"antecedent_count": nan, "consequent_count": nan,
                                   "support_count": n_ac[sel], "antecedent_support": nan,
                                   "consequent_support": nan, **metrics,
                                   "p_value": nan, "log_p": nan, "p_adjusted": nan}
    else:
        if cells is None:
            metrics = rule_metrics(n_ac[sel], n_a[sel], n_c[sel], n)
            metrics["representativity"] = np.ones(len(sel))
            a_support, c_support = n_a[sel] / n, n_c[sel] / n
            a_count = n_a[sel]
        else:
            assert a_obs is not None and c_obs is not None and ac_obs is not None
            metrics, a_support, c_support = _null_metrics(
                n_ac[sel], n_a[sel], n_c_table[sel], n_c[sel], enc.counts[np.maximum(ante_idx[sel], 0)],
                alen[sel], ac_obs[sel], a_obs[sel], c_obs[sel], n)
            a_count = np.where(alen[sel] > 0, enc.counts[np.maximum(ante_idx[sel], 0)], n)
        metrics["improvement"] = improvement[sel]
        log_p = metrics.pop("log_p")
        columns = {"antecedent_count": a_count, "consequent_count": n_c[sel], "support_count": n_ac[sel],
                   "antecedent_support": a_support, "consequent_support": c_support,
                   **{m: metrics[m] for m in RULE_METRICS},
                   "p_value": np.exp(log_p), "log_p": log_p,
                   "p_adjusted": np.exp(adjust_log_pvalues(log_p, p_adjust))}
    columns = {k: np.asarray(v) for k, v in columns.items()}
    mask = np.ones(len(sel), bool)
    if max_p is not None:
        mask &= columns["p_adjusted"] <= float(max_p)
    if metric is not None:
        mask &= columns[metric].astype(float) >= float(min_threshold) - 1e-12  # type: ignore[arg-type]
    rows = np.flatnonzero(mask)
    key = columns[sort_by][rows].astype(float)
    if sort_by in SMALLER_IS_STRONGER:  # strongest evidence first: smallest p-value
        key = -key
    conf_key = columns["confidence"][rows].astype(float)
    order = np.lexsort((-np.nan_to_num(conf_key, nan=-np.inf), -np.nan_to_num(key, nan=-np.inf)))
    # frozensets of the kept rules only, then everything in the sorted order (one copy of each column)
    ante_list, cons_list = _rule_sets(blocks, sel[rows], enc.labels)
    ante_arr = np.empty(len(rows), dtype=object)
    cons_arr = np.empty(len(rows), dtype=object)
    ante_arr[:] = ante_list
    cons_arr[:] = cons_list
    take = rows[order]
    frame = pd.DataFrame({"antecedent": ante_arr[order], "consequent": cons_arr[order],
                          **{k: v[take] for k, v in columns.items()}})
    return AssociationRules(table=frame, n_transactions=n, unit=basket_unit, p_adjust=p_adjust)


def _rule_codes(blocks: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """CSR item codes of every candidate's antecedent and consequent, in candidate order."""
    a_len = np.concatenate([np.full(len(b["items"]), len(b["ante_pos"]), np.int64) for b in blocks])
    c_len = np.concatenate([np.full(len(b["items"]), len(b["cons_pos"]), np.int64) for b in blocks])
    a_items = np.concatenate([b["items"][:, b["ante_pos"]].ravel() for b in blocks]).astype(np.int64)
    c_items = np.concatenate([b["items"][:, b["cons_pos"]].ravel() for b in blocks]).astype(np.int64)
    a_ptr = np.zeros(len(a_len) + 1, np.int64)
    np.cumsum(a_len, out=a_ptr[1:])
    c_ptr = np.zeros(len(c_len) + 1, np.int64)
    np.cumsum(c_len, out=c_ptr[1:])
    return a_ptr, a_items, c_ptr, c_items


def _null_metrics(n_ac: np.ndarray, n_a_table: np.ndarray, n_c_table: np.ndarray, n_c: np.ndarray,
                  n_a_all: np.ndarray, alen: np.ndarray, ac_obs: np.ndarray, a_obs: np.ndarray,
                  c_obs: np.ndarray, n: int) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Measures with missing cells: mlxtend's ``null_values`` formulas for its measures, the table of
    the baskets observing every item of the rule for the count-based ones."""
    metrics = rule_metrics(n_ac, n_a_table, n_c_table, ac_obs)
    with np.errstate(divide="ignore", invalid="ignore"):
        s_ac = n_ac / ac_obs
        s_a = np.where(alen > 0, n_a_all / a_obs, 1.0)
        s_c = n_c / c_obs
        conf = n_ac / n_a_table
        leverage = s_ac - s_a * s_c
        denom = np.maximum(s_ac * (1 - s_a), s_a * (s_c - s_ac))
        metrics.update({
            "support": s_ac, "confidence": conf, "lift": conf / s_c, "leverage": leverage,
            "conviction": np.where(conf < 1.0, (1.0 - s_c) / (1.0 - conf), np.inf),
            "zhangs_metric": np.where(denom == 0, 0.0, leverage / denom),
            "jaccard": s_ac / (s_a + s_c - s_ac),
            "certainty": np.where(1 - s_c == 0, 0.0, (conf - s_c) / (1 - s_c)),
            "kulczynski": 0.5 * (conf + n_ac / n_c_table),
            "added_value": conf - s_c,
            "representativity": ac_obs / n,
        })
    return metrics, s_a, s_c


def _rule_sets(blocks: list[dict[str, Any]], sel: np.ndarray, labels: np.ndarray
               ) -> tuple[list[frozenset], list[frozenset]]:
    """Antecedent and consequent frozensets of the selected candidates, block by block."""
    ante_sets: list[frozenset] = []
    cons_sets: list[frozenset] = []
    start = 0
    with no_gc():
        for blk in blocks:
            size = len(blk["items"])
            local = sel[(sel >= start) & (sel < start + size)] - start
            start += size
            if len(local) == 0:
                continue
            lab = labels[blk["items"][local]]
            if blk["ante_pos"]:
                ante_sets.extend(map(frozenset, lab[:, blk["ante_pos"]].tolist()))
            else:
                ante_sets.extend([frozenset()] * len(local))
            cons_sets.extend(map(frozenset, lab[:, blk["cons_pos"]].tolist()))
    return ante_sets, cons_sets


def _best_general_confidence(blocks: list[dict[str, Any]], rule_key: np.ndarray, conf: np.ndarray,
                             keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Best confidence of a rule with the same consequent and a non-empty proper-subset antecedent
    (-inf when there is none), for the ``wanted`` rules; the empty antecedent is added by the caller.

    Every proper subset of a wanted rule's antecedent is looked up directly (its key is the rule's
    key XOR the keys of the items left out), so rules that are filtered out cost nothing.
    """
    order = np.argsort(rule_key, kind="stable")
    sorted_keys = rule_key[order]
    best = np.full(len(conf), -np.inf)
    offsets = np.cumsum([0] + [len(b["items"]) for b in blocks])
    for b_i, blk in enumerate(blocks):
        alen = len(blk["ante_pos"])
        if alen < 2:
            continue
        a, z = offsets[b_i], offsets[b_i + 1]
        local = np.flatnonzero(wanted[a:z])
        if len(local) == 0:
            continue
        base_key = rule_key[a:z][local]
        items = blk["items"][local]
        acc = np.full(len(local), -np.inf)
        for size in range(1, alen):
            for kept in itertools.combinations(blk["ante_pos"], size):
                dropped = [p for p in blk["ante_pos"] if p not in kept]
                sub_key = base_key ^ np.bitwise_xor.reduce(keys[items[:, dropped]], axis=1)
                pos = np.minimum(np.searchsorted(sorted_keys, sub_key), len(sorted_keys) - 1)
                found = sorted_keys[pos] == sub_key
                acc[found] = np.maximum(acc[found], conf[order[pos[found]]])
        best[a + local] = acc
    return best
