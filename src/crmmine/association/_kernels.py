"""Compiled kernels (numba, cached on disk) for itemset mining and sequence counting.

The itemset miner is Eclat (Zaki 2000): a depth-first search over the
vertical layout (one sorted tid-list per item), where the tid-list of an
extension is the intersection of two sibling tid-lists. Recursion is replaced
by explicit per-depth stacks over one growable arena of tids, so the kernel
allocates almost nothing while it runs. Output is a prefix tree: each found
itemset is stored as (parent itemset, last item, count), which takes 16 bytes
per itemset whatever its length.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["bitset_itemset_counts", "bitset_rule_counts", "eclat", "hypergeom_log_upper",
           "hypergeom_quantile", "match_rules", "sequence_pairs", "tree_to_csr"]


@njit(cache=True, nogil=True)
def _grow_i32(arr: np.ndarray, cap: int) -> np.ndarray:
    """A copy of ``arr`` with room for exactly ``cap`` entries."""
    out = np.empty(max(cap, len(arr)), dtype=arr.dtype)
    out[: len(arr)] = arr
    return out


@njit(cache=True, nogil=True)
def eclat(tid_ptr, tids, bptr, bitems, counts, min_count, max_len, max_out):
    """Mine all itemsets with count >= ``min_count``: depth-first, tid-lists by occurrence delivery.

    Parameters
    ----------
    tid_ptr : int64 array (m + 1)
        Item ``i`` (in mining order) has tids ``tids[tid_ptr[i]:tid_ptr[i + 1]]``.
    tids : int32 array
        Sorted basket numbers per item (baskets holding at least two frequent
        items; the others never support a longer itemset).
    bptr, bitems : int64, int32 arrays
        The same baskets horizontally: basket ``t`` holds the mining ranks
        ``bitems[bptr[t]:bptr[t + 1]]`` in decreasing order.
    counts : int64 array (m)
        Exact support count of each single item.
    min_count, max_len, max_out : int
        Minimum count, maximum itemset length, maximum number of itemsets.

    Returns
    -------
    parent, item, count : arrays of the n itemsets found (prefix-tree form)
    n : int
        Number of itemsets, or -1 when ``max_out`` was exceeded.

    Notes
    -----
    The tid-lists of all one-item extensions of a node are built in one scan
    of the node's baskets ("occurrence deliver", Uno et al. 2004), so the
    cost is the size of the projected database instead of one merge of two
    tid-lists per sibling pair.
    """
    m = len(tid_ptr) - 1
    ocap = max(1024, 4 * m)
    out_parent = np.empty(ocap, np.int64)
    out_item = np.empty(ocap, np.int32)
    out_count = np.empty(ocap, np.int64)
    if m > max_out:
        return out_parent[:0], out_item[:0], out_count[:0], -1
    for i in range(m):
        out_parent[i] = -1
        out_item[i] = i
        out_count[i] = counts[i]
    n_out = m
    if max_len <= 1 or m < 2:
        return out_parent[:n_out], out_item[:n_out], out_count[:n_out], n_out

    arena = np.empty(max(2 * len(tids), 1024), np.int32)
    arena[: len(tids)] = tids
    top = len(tids)
    ncap = max(4 * m, 1024)
    node_item = np.empty(ncap, np.int32)
    node_off = np.empty(ncap, np.int64)
    node_len = np.empty(ncap, np.int64)
    node_out = np.empty(ncap, np.int64)
    for i in range(m):
        node_item[i] = i
        node_off[i] = tid_ptr[i]
        node_len[i] = tid_ptr[i + 1] - tid_ptr[i]
        node_out[i] = i
    ntop = m
    cnt = np.zeros(m, np.int64)
    pos = np.zeros(m, np.int64)
    # level[j]: deepest class on the current path holding item j; only those items can extend
    level = np.zeros(m, np.int64)
    touched = np.empty(m, np.int32)
    depth_cap = m + 2
    cls_start = np.empty(depth_cap, np.int64)
    cls_end = np.empty(depth_cap, np.int64)
    cur = np.empty(depth_cap, np.int64)
    cls_arena = np.empty(depth_cap, np.int64)
    d = 0
    cls_start[0] = 0
    cls_end[0] = m
    cur[0] = 0
    cls_arena[0] = top
    while d >= 0:
        i = cur[d]
        if i >= cls_end[d]:
            for x in range(cls_start[d], cls_end[d]):
                level[node_item[x]] = d - 1
            ntop = cls_start[d]
            top = cls_arena[d]
            d -= 1
            continue
        cur[d] = i + 1
        if d + 2 > max_len or node_len[i] < min_count:
            continue
        r = node_item[i]
        oi = node_off[i]
        ei = oi + node_len[i]
        # pass 1: count the extensions (items ranked above r) in the node's baskets
        n_t = 0
        for a in range(oi, ei):
            t = arena[a]
            for q in range(bptr[t], bptr[t + 1]):
                j = bitems[q]
                if j <= r:
                    break
                if level[j] != d:
                    continue
                if cnt[j] == 0:
                    touched[n_t] = j
                    n_t += 1
                cnt[j] += 1
        # frequent extensions, in increasing rank (deterministic order)
        touched[:n_t].sort()
        need = 0
        n_freq = 0
        for x in range(n_t):
            j = touched[x]
            if cnt[j] >= min_count:
                need += cnt[j]
                n_freq += 1
        if n_freq == 0:
            for x in range(n_t):
                cnt[touched[x]] = 0
            continue
        if top + need > len(arena):
            arena = _grow_i32(arena, 2 * (top + need))
        if ntop + n_freq > len(node_item):
            new_cap = 2 * (ntop + n_freq)
            node_item = _grow_i32(node_item, new_cap)
            node_off = _grow_i64(node_off, new_cap)
            node_len = _grow_i64(node_len, new_cap)
            node_out = _grow_i64(node_out, new_cap)
        if n_out + n_freq > max_out:
            return out_parent[:n_out], out_item[:n_out], out_count[:n_out], -1
        if n_out + n_freq > len(out_item):
            new_cap = 2 * (n_out + n_freq)
            out_item = _grow_i32(out_item, new_cap)
            out_parent = _grow_i64(out_parent, new_cap)
            out_count = _grow_i64(out_count, new_cap)
        new_start = ntop
        arena_start = top
        for x in range(n_t):
            j = touched[x]
            c = cnt[j]
            if c >= min_count:
                pos[j] = top
                node_item[ntop] = j
                node_off[ntop] = top
                node_len[ntop] = c
                node_out[ntop] = n_out
                out_parent[n_out] = node_out[i]
                out_item[n_out] = j
                out_count[n_out] = c
                n_out += 1
                ntop += 1
                top += c
            else:
                pos[j] = -1
        # pass 2: deliver each basket to the tid-lists of its frequent extensions
        for a in range(oi, ei):
            t = arena[a]
            for q in range(bptr[t], bptr[t + 1]):
                j = bitems[q]
                if j <= r:
                    break
                if level[j] != d:
                    continue
                p = pos[j]
                if p >= 0:
                    arena[p] = t
                    pos[j] = p + 1
        for x in range(n_t):
            cnt[touched[x]] = 0
        d += 1
        cls_start[d] = new_start
        cls_end[d] = ntop
        cur[d] = new_start
        cls_arena[d] = arena_start
        for x in range(new_start, ntop):
            level[node_item[x]] = d
    return out_parent[:n_out], out_item[:n_out], out_count[:n_out], n_out


@njit(cache=True, nogil=True)
def sequence_pairs(cust_ptr, order_day, order_ptr, order_items, n_items, window, pair_index,
                   gap_out):
    """Count, per item pair (a, b), the customers who bought b in a later order within ``window`` days.

    Orders are sorted by customer then time; order ``o`` of a customer holds
    ``order_items[order_ptr[o]:order_ptr[o + 1]]`` and happened on day
    ``order_day[o]``. For every customer the kernel marks each pair (a, b)
    such that a is in an order at day t and b in a strictly later order at a
    day in [t, t + window]; it also marks each item b bought in an order that
    has an earlier order within the window (the base rate of b).

    When ``pair_index`` is given (pair -> rule id, -1 for none), the smallest
    gap in days per (customer, rule) is written to ``gap_out`` (one row per
    customer-rule, as rule id, gap) and the pair counts are not needed.

    Returns
    -------
    pair_count : int64 (n_items * n_items)  customers per pair (or empty)
    base_count : int64 (n_items)            customers per consequent base rate
    n_gaps : int                            rows written to gap_out
    """
    n_cust = len(cust_ptr) - 1
    collect = len(pair_index) > 0
    if collect:
        pair_count = np.zeros(0, np.int64)
    else:
        pair_count = np.zeros(n_items * n_items, np.int64)
    mark = np.full(n_items * n_items if not collect else 0, -1, np.int64)
    base_mark = np.full(n_items, -1, np.int64)
    base_count = np.zeros(n_items, np.int64)
    # per-customer list of (rule, gap) to flush
    touched = np.empty(1024, np.int64)
    rule_gap = np.full(int(pair_index.max()) + 1 if collect else 0, -1, np.int64)
    n_gaps = 0
    for cu in range(n_cust):
        o0 = cust_ptr[cu]
        o1 = cust_ptr[cu + 1]
        n_touched = 0
        lo = o0
        for oj in range(o0, o1):
            dj = order_day[oj]
            while lo < oj and dj - order_day[lo] > window:
                lo += 1
            if lo >= oj:
                continue
            # b in order oj has an earlier order within the window: base rate
            for q in range(order_ptr[oj], order_ptr[oj + 1]):
                b = order_items[q]
                if base_mark[b] != cu:
                    base_mark[b] = cu
                    base_count[b] += 1
            for oi in range(lo, oj):
                gap = dj - order_day[oi]
                for p in range(order_ptr[oi], order_ptr[oi + 1]):
                    a = order_items[p]
                    for q in range(order_ptr[oj], order_ptr[oj + 1]):
                        b = order_items[q]
                        if a == b:
                            continue
                        key = a * n_items + b
                        if collect:
                            r = pair_index[key]
                            if r < 0:
                                continue
                            if rule_gap[r] < 0:
                                if n_touched >= len(touched):
                                    touched = _grow_i64(touched, 2 * len(touched))
                                touched[n_touched] = r
                                n_touched += 1
                                rule_gap[r] = gap
                            elif gap < rule_gap[r]:
                                rule_gap[r] = gap
                        elif mark[key] != cu:
                            mark[key] = cu
                            pair_count[key] += 1
        if collect:
            for t in range(n_touched):
                r = touched[t]
                gap_out[n_gaps, 0] = r
                gap_out[n_gaps, 1] = rule_gap[r]
                gap_out[n_gaps, 2] = cu
                n_gaps += 1
                rule_gap[r] = -1
    return pair_count, base_count, n_gaps


@njit(cache=True, nogil=True)
def _grow_i64(arr: np.ndarray, cap: int) -> np.ndarray:
    """A copy of ``arr`` with room for exactly ``cap`` entries."""
    out = np.empty(max(cap, len(arr)), dtype=np.int64)
    out[: len(arr)] = arr
    return out


@njit(cache=True, nogil=True)
def tree_to_csr(parent, item, code_of):
    """Expand prefix-tree itemsets into CSR rows of item codes sorted ascending.

    ``parent[i] < i`` for every itemset with a parent; ``code_of`` maps the
    mining order of items back to their codes.
    """
    n = len(parent)
    length = np.empty(n, np.int64)
    for i in range(n):
        p = parent[i]
        length[i] = 1 if p < 0 else length[p] + 1
    ptr = np.empty(n + 1, np.int64)
    ptr[0] = 0
    for i in range(n):
        ptr[i + 1] = ptr[i] + length[i]
    out = np.empty(ptr[n], np.int32)
    for i in range(n):
        a = ptr[i]
        k = ptr[i + 1] - 1
        node = i
        while node >= 0:
            out[k] = code_of[item[node]]
            k -= 1
            node = parent[node]
        # insertion sort: itemsets are short
        for x in range(a + 1, ptr[i + 1]):
            v = out[x]
            y = x - 1
            while y >= a and out[y] > v:
                out[y + 1] = out[y]
                y -= 1
            out[y + 1] = v
    return ptr, out


@njit(cache=True, nogil=True, inline="always")
def _log_pmf(x, a, c, n):
    """log P(X = x) for X hypergeometric: n items, c successes, a draws."""
    return (math.lgamma(c + 1) - math.lgamma(x + 1) - math.lgamma(c - x + 1)
            + math.lgamma(n - c + 1) - math.lgamma(a - x + 1) - math.lgamma(n - c - a + x + 1)
            - (math.lgamma(n + 1) - math.lgamma(a + 1) - math.lgamma(n - a + 1)))


@njit(cache=True, nogil=True)
def hypergeom_log_upper(k, n_a, n_c, n):
    """``log P(X >= k)`` for X hypergeometric (n items, n_c successes, n_a draws), elementwise.

    Sums the pmf from the mode outwards on the smaller tail with the ratio
    recurrence between neighbouring terms, relative to the first term (whose
    log comes from ``lgamma``), so the log stays finite far below the
    smallest double (1e-308).
    """
    out = np.empty(len(k))
    for r in range(len(k)):
        a = n_a[r]
        c = n_c[r]
        lo = max(0, a + c - n)
        hi = min(a, c)
        x0 = k[r]
        if x0 <= lo:
            out[r] = 0.0
            continue
        if x0 > hi:
            out[r] = -np.inf
            continue
        mode = int((a + 1) * (c + 1) / (n + 2))
        # the tail that does not contain the mode is summed directly
        upper = x0 > mode
        start = x0 if upper else x0 - 1
        logp = _log_pmf(start, a, c, n)
        term = 1.0
        total = 1.0
        x = start
        if upper:
            while x < hi:
                term *= (a - x) * (c - x) / ((x + 1.0) * (n - a - c + x + 1.0))
                x += 1
                total += term
                if term < total * 1e-17:
                    break
            out[r] = min(logp + math.log(total), 0.0)
        else:
            while x > lo:
                term *= x * (n - a - c + x) / ((a - x + 1.0) * (c - x + 1.0))
                x -= 1
                total += term
                if term < total * 1e-17:
                    break
            lower = math.exp(logp) * total
            out[r] = math.log1p(-lower) if lower < 1.0 else -np.inf
    return out


@njit(cache=True, nogil=True)
def hypergeom_quantile(d, n_a, n_c, n):
    """Smallest x with ``P(X <= x) >= d`` for X hypergeometric, elementwise (R's ``qhyper``).

    Starts ten standard deviations above the mean (the mass beyond is below
    1e-20) and adds pmf terms downwards until the upper tail exceeds
    ``1 - d``, so the cost is a few standard deviations per rule.
    """
    out = np.empty(len(n_a))
    fuzz = 1.0 - 64.0 * 2.220446049250313e-16
    for r in range(len(n_a)):
        a = n_a[r]
        c = n_c[r]
        lo = max(0, a + c - n)
        hi = min(a, c)
        if hi == lo or d >= 1.0:
            out[r] = hi
            continue
        mean = a * c / n
        var = mean * (n - c) / n * (n - a) / max(n - 1.0, 1.0)
        top = min(hi, int(mean + 10.0 * math.sqrt(var) + 2.0))
        x = top
        term = math.exp(_log_pmf(x, a, c, n))
        tail = 0.0
        # P(X <= x - 1) = 1 - P(X >= x): step down while it still reaches d
        while x > lo:
            tail += term
            if 1.0 - tail < d * fuzz:
                break
            term *= x * (n - a - c + x) / ((a - x + 1.0) * (c - x + 1.0))
            x -= 1
        out[r] = x
    return out


@njit(cache=True, nogil=True, inline="always")
def _better(r1, i1, r2, i2, score, conf, lift):
    if score[r1] != score[r2]:
        return score[r1] > score[r2]
    if conf[r1] != conf[r2]:
        return conf[r1] > conf[r2]
    if lift[r1] != lift[r2]:
        return lift[r1] > lift[r2]
    if r1 != r2:
        return r1 < r2
    return i1 < i2


@njit(cache=True, nogil=True)
def match_rules(customers, cust_ptr, cust_items, n_codes, anchor_ptr, anchor_rules, ante_ptr, ante_items,
                cons_ptr, cons_items, score, conf, lift, top_n):
    """Top-n recommended items per customer from rules A => C.

    A rule applies when the customer owns every item of A; each item of C
    the customer lacks becomes a candidate, explained by its best rule
    (score, then confidence, then lift, then rule order). Rules are indexed
    by one "anchor" item of their antecedent, so only rules anchored at an
    owned item are checked.

    Returns
    -------
    cust, item, rule : int64 arrays (at most len(customers) * top_n rows)
    """
    n_out_cap = len(customers) * top_n
    out_c = np.empty(n_out_cap, np.int64)
    out_i = np.empty(n_out_cap, np.int64)
    out_r = np.empty(n_out_cap, np.int64)
    owned = np.full(n_codes, -1, np.int64)
    best = np.full(n_codes, -1, np.int64)
    touched = np.empty(n_codes, np.int64)
    n_out = 0
    for cu in customers:
        for q in range(cust_ptr[cu], cust_ptr[cu + 1]):
            owned[cust_items[q]] = cu
        nt = 0
        for q in range(cust_ptr[cu], cust_ptr[cu + 1]):
            it = cust_items[q]
            for x in range(anchor_ptr[it], anchor_ptr[it + 1]):
                rr = anchor_rules[x]
                ok = True
                for p in range(ante_ptr[rr], ante_ptr[rr + 1]):
                    if owned[ante_items[p]] != cu:
                        ok = False
                        break
                if not ok:
                    continue
                for p in range(cons_ptr[rr], cons_ptr[rr + 1]):
                    c = cons_items[p]
                    if owned[c] == cu:
                        continue
                    b = best[c]
                    if b < 0:
                        touched[nt] = c
                        nt += 1
                        best[c] = rr
                    elif _better(rr, c, b, c, score, conf, lift):
                        best[c] = rr
        k_max = min(top_n, nt)
        for k in range(k_max):
            arg = k
            for x in range(k + 1, nt):
                if _better(best[touched[x]], touched[x], best[touched[arg]], touched[arg], score, conf, lift):
                    arg = x
            tmp = touched[k]
            touched[k] = touched[arg]
            touched[arg] = tmp
            out_c[n_out] = cu
            out_i[n_out] = touched[k]
            out_r[n_out] = best[touched[k]]
            n_out += 1
        for x in range(nt):
            best[touched[x]] = -1
    return out_c[:n_out], out_i[:n_out], out_r[:n_out]


@njit(cache=True, nogil=True, inline="always")
def _popcount64(x):
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return int((x * np.uint64(0x0101010101010101)) >> np.uint64(56))


@njit(cache=True, nogil=True)
def bitset_itemset_counts(ptr, items, present, missing):
    """Per itemset (CSR ``ptr``/``items``): popcount of the AND of its present bitsets and of the
    OR of its missing bitsets."""
    n = len(ptr) - 1
    n_words = present.shape[1]
    out_p = np.zeros(n, np.int64)
    out_m = np.zeros(n, np.int64)
    for r in range(n):
        a, b = ptr[r], ptr[r + 1]
        cp = 0
        cm = 0
        for w in range(n_words):
            acc_p = present[items[a], w]
            acc_m = missing[items[a], w]
            for q in range(a + 1, b):
                acc_p &= present[items[q], w]
                acc_m |= missing[items[q], w]
            cp += _popcount64(acc_p)
            cm += _popcount64(acc_m)
        out_p[r] = cp
        out_m[r] = cm
    return out_p, out_m


@njit(cache=True, nogil=True)
def bitset_rule_counts(a_ptr, a_items, c_ptr, c_items, present, missing):
    """Per rule A => C: #(A all present and some C missing), #(C all present and some A missing),
    #(some item of A or C missing)."""
    n = len(a_ptr) - 1
    n_words = present.shape[1]
    out_ac = np.zeros(n, np.int64)
    out_ca = np.zeros(n, np.int64)
    out_any = np.zeros(n, np.int64)
    full = ~np.uint64(0)
    for r in range(n):
        n1 = 0
        n2 = 0
        n3 = 0
        for w in range(n_words):
            pa = full
            ma = np.uint64(0)
            for q in range(a_ptr[r], a_ptr[r + 1]):
                pa &= present[a_items[q], w]
                ma |= missing[a_items[q], w]
            pc = full
            mc = np.uint64(0)
            for q in range(c_ptr[r], c_ptr[r + 1]):
                pc &= present[c_items[q], w]
                mc |= missing[c_items[q], w]
            n1 += _popcount64(pa & mc)
            n2 += _popcount64(pc & ma)
            n3 += _popcount64(ma | mc)
        out_ac[r] = n1
        out_ca[r] = n2
        out_any[r] = n3
    return out_ac, out_ca, out_any
