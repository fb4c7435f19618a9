"""Association rules from frequent itemsets: interest measures, significance, redundancy."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from crmmine.association._encoded import EncodedItemsets, encode_frame, no_gc, zobrist_keys
from crmmine.association.significance import adjust_pvalues, fisher_pvalues
from crmmine.errors import DataError, ParameterError

__all__ = ["RULE_METRICS", "association_rules", "rule_metrics"]

#: Interest measures computed for every rule (the mlxtend/arules definitions).
RULE_METRICS = ("support", "confidence", "lift", "leverage", "conviction", "zhangs_metric",
                "jaccard", "certainty", "kulczynski")


def rule_metrics(n_ac: Any, n_a: Any, n_c: Any, n: int) -> dict[str, np.ndarray]:
    """Interest measures of rules A => C from basket counts.

    Parameters
    ----------
    n_ac, n_a, n_c : array of int
        Baskets holding both A and C, A, and C.
    n : int
        Number of baskets.

    Returns
    -------
    dict of name -> ndarray
        ``support`` = P(AC); ``confidence`` = P(C|A); ``lift`` =
        conf / P(C); ``leverage`` = P(AC) - P(A)P(C); ``conviction`` =
        (1 - P(C)) / (1 - conf), infinite when conf is 1; ``zhangs_metric`` =
        leverage / max(P(AC)(1 - P(A)), P(A)(P(C) - P(AC))), 0 when the
        denominator is 0; ``jaccard`` = P(AC) / (P(A) + P(C) - P(AC));
        ``certainty`` = (conf - P(C)) / (1 - P(C)), 0 when P(C) is 1;
        ``kulczynski`` = (P(C|A) + P(A|C)) / 2.

    Examples
    --------
    >>> m = rule_metrics([2], [3], [2], 4)
    >>> round(float(m["confidence"][0]), 4), round(float(m["lift"][0]), 4)
    (0.6667, 1.3333)

    References
    ----------
    Hahsler, M. (2015). A probabilistic comparison of commonly used interest
    measures for association rules. https://mhahsler.github.io/arules/docs/measures
    Zhang, T. (2000). Association rules. Proc. PAKDD 2000, 245-256.
    Wu, T., Chen, Y., Han, J. (2010). Re-examination of interestingness measures
    in pattern mining: a unified framework. Data Min. Knowl. Disc. 21, 371-397.
    """
    n_ac = np.asarray(n_ac, dtype=float)
    s_a = np.asarray(n_a, dtype=float) / n
    s_c = np.asarray(n_c, dtype=float) / n
    s_ac = n_ac / n
    conf = n_ac / np.asarray(n_a, dtype=float)
    lift = conf / s_c
    leverage = s_ac - s_a * s_c
    with np.errstate(divide="ignore", invalid="ignore"):
        conviction = np.where(conf < 1.0, (1.0 - s_c) / (1.0 - conf), np.inf)
        denom = np.maximum(s_ac * (1.0 - s_a), s_a * (s_c - s_ac))
        zhang = np.where(denom == 0, 0.0, leverage / denom)
        certainty = np.where(s_c == 1.0, 0.0, (conf - s_c) / (1.0 - s_c))
    jaccard = s_ac / (s_a + s_c - s_ac)
    kulczynski = 0.5 * (conf + n_ac / np.asarray(n_c, dtype=float))
    return {"support": s_ac, "confidence": conf, "lift": lift, "leverage": leverage,
            "conviction": conviction, "zhangs_metric": zhang, "jaccard": jaccard,
            "certainty": certainty, "kulczynski": kulczynski}


def _consequent_sizes(consequent_len: int | tuple[int, int] | None) -> tuple[int, int]:
    if consequent_len is None:
        return 1, 1 << 30
    if isinstance(consequent_len, (int, np.integer)) and not isinstance(consequent_len, bool):
        if consequent_len < 1:
            raise ParameterError(f"consequent_len must be >= 1, got {consequent_len}.")
        return int(consequent_len), int(consequent_len)
    if isinstance(consequent_len, tuple) and len(consequent_len) == 2:
        lo, hi = consequent_len
        if not (1 <= lo <= hi):
            raise ParameterError(f"consequent_len=(lo, hi) needs 1 <= lo <= hi, got {consequent_len}.")
        return int(lo), int(hi)
    raise ParameterError(
        f"consequent_len must be an int, a (min, max) tuple or None (any), got {consequent_len!r}."
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


def association_rules(
    itemsets: pd.DataFrame,
    min_confidence: float = 0.8,
    *,
    min_lift: float | None = None,
    consequent_len: int | tuple[int, int] | None = 1,
    antecedent_items: Iterable[Any] | None = None,
    consequent_items: Iterable[Any] | None = None,
    exclude_items: Iterable[Any] | None = None,
    prune_redundant: bool = False,
    p_adjust: str = "holm",
    max_p: float | None = None,
    sort_by: str = "lift",
    n_transactions: int | None = None,
) -> pd.DataFrame:
    """Generate association rules A => C from frequent itemsets.

    Parameters
    ----------
    itemsets : DataFrame
        All frequent itemsets, as returned by :func:`frequent_itemsets` (the
        supports of antecedents and consequents are read from it, so it must
        be downward closed: not filtered to closed or maximal sets). mlxtend's
        ``itemsets``/``support`` frame is accepted with ``n_transactions``.
    min_confidence : float, default 0.8
        Keep rules with confidence >= this.
    min_lift : float, optional
        Keep rules with lift >= this.
    consequent_len : int, (min, max) or None, default 1
        Number of items on the right-hand side; 1 is the cross-sell question
        "who buys A also buys B". ``None`` allows any size.
    antecedent_items, consequent_items : iterable, optional
        Only these items may appear on the left / right side.
    exclude_items : iterable, optional
        Items that may appear on neither side.
    prune_redundant : bool, default False
        Drop a rule when a more general rule (same consequent, an antecedent
        that is a proper subset) has equal or higher confidence (arules'
        ``is.redundant``, i.e. improvement <= 0).
    p_adjust : {"holm", "bh", "bonferroni", "none"}, default "holm"
        Adjustment of the Fisher's exact test p-values over the returned rules.
    max_p : float, optional
        Keep rules whose adjusted p-value is <= this.
    sort_by : str, default "lift"
        Column to sort by, descending (ties keep confidence order).
    n_transactions : int, optional
        Number of baskets, needed only for itemsets not made by crmmine.

    Returns
    -------
    DataFrame
        ``antecedent``, ``consequent`` (frozensets), ``antecedent_count``,
        ``consequent_count``, ``support_count``, the measures in
        :data:`RULE_METRICS`, ``p_value`` (one-sided Fisher) and
        ``p_adjusted``.

    Raises
    ------
    DataError
        If a subset of an itemset is missing from ``itemsets``.

    Examples
    --------
    >>> from crmmine.association import frequent_itemsets
    >>> baskets = [["milk", "bread"], ["milk", "eggs"], ["milk", "bread", "eggs"], ["bread"]]
    >>> rules = association_rules(frequent_itemsets(baskets, min_support=0.5), min_confidence=0.6)
    >>> [(sorted(a), sorted(c)) for a, c in zip(rules["antecedent"], rules["consequent"])]
    [(['eggs'], ['milk']), (['milk'], ['eggs']), (['milk'], ['bread']), (['bread'], ['milk'])]
    >>> rules["confidence"].round(3).tolist()
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
    if isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float, np.number)) \
            or not 0 <= float(min_confidence) <= 1:
        raise ParameterError(f"min_confidence must be a number in [0, 1], got {min_confidence!r}.")
    if max_p is not None and not 0 <= float(max_p) <= 1:
        raise ParameterError(f"max_p must be in [0, 1], got {max_p!r}.")
    lo, hi = _consequent_sizes(consequent_len)
    enc = encode_frame(itemsets, n_transactions)
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
    for k in range(2, int(lengths.max(initial=0)) + 1):
        rows_k = np.flatnonzero(lengths == k)
        if len(rows_k) == 0:
            continue
        items2d = enc.items[enc.ptr[rows_k][:, None] + np.arange(k)[None, :]]
        h = enc.hashes[rows_k]
        for csize in range(lo, min(hi, k - 1) + 1):
            for combo in itertools.combinations(range(k), csize):
                ante_pos = [p for p in range(k) if p not in combo]
                keep = np.ones(len(rows_k), bool)
                if allow_c is not None:
                    keep &= allow_c[items2d[:, list(combo)]].all(axis=1)
                if allow_a is not None:
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
        empty = _empty_rules(n)
        empty.attrs["unit"] = itemsets.attrs.get("unit", "order")
        return empty
    row = np.concatenate(parts["row"])
    alen = np.concatenate(parts["alen"])
    clen = lengths[row] - alen
    ante_idx = enc.lookup(np.concatenate(parts["ante"]), alen)
    cons_idx = enc.lookup(np.concatenate(parts["cons"]), clen)
    if (ante_idx < 0).any() or (cons_idx < 0).any():
        raise DataError(
            "itemsets is not downward closed: the support of some antecedents or consequents is "
            "missing (closed/maximal sets or a filtered frame?). Fix: pass all frequent itemsets, "
            "frequent_itemsets(..., kind='all'), to association_rules."
        )
    n_ac = enc.counts[row]
    n_a = enc.counts[ante_idx]
    n_c = enc.counts[cons_idx]
    conf = n_ac / n_a
    keep = conf >= float(min_confidence) - 1e-12
    if prune_redundant:
        keep &= ~_redundant(blocks, np.concatenate(parts["key"]), conf, alen, keys)
    if min_lift is not None:
        keep &= conf / (n_c / n) >= float(min_lift) - 1e-12
    sel = np.flatnonzero(keep)
    metrics = rule_metrics(n_ac[sel], n_a[sel], n_c[sel], n)
    p_value = fisher_pvalues(n_ac[sel], n_a[sel], n_c[sel], n)
    p_adj = adjust_pvalues(p_value, p_adjust)
    # frozensets, block by block
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
            lab = enc.labels[blk["items"][local]]
            ante_sets.extend(map(frozenset, lab[:, blk["ante_pos"]].tolist()))
            cons_sets.extend(map(frozenset, lab[:, blk["cons_pos"]].tolist()))
    frame = pd.DataFrame({
        "antecedent": pd.Series(ante_sets, dtype=object),
        "consequent": pd.Series(cons_sets, dtype=object),
        "antecedent_count": n_a[sel],
        "consequent_count": n_c[sel],
        "support_count": n_ac[sel],
        **metrics,
        "p_value": p_value,
        "p_adjusted": p_adj,
    })
    if max_p is not None:
        frame = frame[frame["p_adjusted"] <= float(max_p)]
    if sort_by not in frame.columns:
        raise ParameterError(f"sort_by must be a column of the rules, one of {list(frame.columns)[2:]}; "
                             f"got {sort_by!r}.")
    order = np.lexsort((-frame["confidence"].to_numpy(), -frame[sort_by].to_numpy()))
    frame = frame.iloc[order].reset_index(drop=True)
    frame.attrs["n_transactions"] = n
    frame.attrs["p_adjust"] = p_adjust
    frame.attrs["unit"] = itemsets.attrs.get("unit", "order")
    return frame


def _redundant(blocks: list[dict[str, Any]], rule_key: np.ndarray, conf: np.ndarray, alen: np.ndarray,
               keys: np.ndarray) -> np.ndarray:
    """True where a rule with the same consequent and a smaller antecedent is at least as confident."""
    order = np.argsort(rule_key, kind="stable")
    sorted_keys = rule_key[order]
    best = np.full(len(conf), -np.inf)
    offsets = np.cumsum([0] + [len(b["items"]) for b in blocks])
    for b_i in np.argsort([b["alen"] for b in blocks], kind="stable"):
        blk = blocks[b_i]
        if blk["alen"] < 2:
            continue
        a, z = offsets[b_i], offsets[b_i + 1]
        for p in blk["ante_pos"]:
            sub_key = rule_key[a:z] ^ keys[blk["items"][:, p]]
            pos = np.minimum(np.searchsorted(sorted_keys, sub_key), len(sorted_keys) - 1)
            found = sorted_keys[pos] == sub_key
            idx = order[pos[found]]
            cand = np.maximum(conf[idx], best[idx])
            target = np.flatnonzero(found) + a
            best[target] = np.maximum(best[target], cand)
    return best >= conf - 1e-12


def _empty_rules(n: int) -> pd.DataFrame:
    cols: dict[str, Any] = {"antecedent": pd.Series([], dtype=object),
                            "consequent": pd.Series([], dtype=object),
                            "antecedent_count": np.zeros(0, np.int64),
                            "consequent_count": np.zeros(0, np.int64),
                            "support_count": np.zeros(0, np.int64)}
    cols.update({m: np.zeros(0) for m in RULE_METRICS})
    cols.update({"p_value": np.zeros(0), "p_adjusted": np.zeros(0)})
    frame = pd.DataFrame(cols)
    frame.attrs["n_transactions"] = n
    return frame
