"""Compiled kernels (numba, cached on disk) for sequential pattern mining under time constraints.

The sequence database
---------------------
Customers ``c`` own the orders ``cust_ptr[c]:cust_ptr[c + 1]`` (sorted by time);
order ``o`` falls on calendar day ``day[o]`` and holds the sorted item codes
``items[iptr[o]:iptr[o + 1]]``.

Occurrence states
-----------------
The miner is a depth-first pattern growth in the PrefixSpan/SPADE family: every
pattern carries, per customer, the list of places where it can end. A state is
one row ``(customer, l, u, l1, anchor)``:

- ``l .. u`` (order positions, ``l <= u``) is the range of orders whose union
  holds the pattern's last element (``l == u`` without a window);
- ``l1`` is the latest possible first order of the whole pattern among the
  occurrences ending in that range (only the maximum span needs it);
- ``anchor`` is the latest possible day of the end of the element before the
  last (the time from it to ``day[u]`` is the time to the consequent of the
  rule "pattern without its last element -> last element").

Every valid range of the last element is kept (GSP's sliding-window definition,
Srikant & Agrawal 1996), so an i-extension (one more item in the last element)
is a filter of the states and an s-extension (a new element) is a scan of the
orders after them. Without constraints this is PrefixSpan's projection with
all end positions kept (Pei et al. 2004); with gaps, windows and a span it is
the constrained containment of GSP and cSPADE (Zaki 2000).

The pattern tree
----------------
Patterns come out as a prefix tree in depth-first preorder: node ``k`` is its
parent's pattern extended by ``item[k]``, either as a new element (``kind 0``,
an s-extension) or into the last element (``kind 1``, an i-extension), with
the number of customers ``count[k]``. Roots have parent ``-1``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "closed_maximal",
    "last_occurrences",
    "mine",
    "replay",
    "tree_shape",
    "vertical_index",
]

_S, _I = 0, 1  # extension kinds: new element, item added to the last element


@njit(cache=True, nogil=True)
def _grow2(arr, need):
    """``arr`` (2-D) with room for at least ``need`` rows."""
    if need <= arr.shape[0]:
        return arr
    cap = max(need, 2 * arr.shape[0] + 16)
    out = np.empty((cap, arr.shape[1]), dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@njit(cache=True, nogil=True)
def _grow1(arr, need):
    """``arr`` (1-D) with room for at least ``need`` entries."""
    if need <= arr.shape[0]:
        return arr
    cap = max(need, 2 * arr.shape[0] + 16)
    out = np.empty(cap, dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


@njit(cache=True, nogil=True, inline="always")
def _has(items, iptr, o, x):
    """Whether order ``o`` holds item ``x`` (binary search in its sorted items)."""
    lo = iptr[o]
    hi = iptr[o + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        v = items[mid]
        if v < x:
            lo = mid + 1
        elif v > x:
            hi = mid
        else:
            return True
    return False


@njit(cache=True, nogil=True, inline="always")
def _first_above(items, iptr, o, x):
    """Position in ``items`` of the first item of order ``o`` greater than ``x``."""
    lo = iptr[o]
    hi = iptr[o + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if items[mid] <= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def last_occurrences(cust_ptr, iptr, items, n_items):
    """CSR order -> the items whose last occurrence in the customer's sequence is that order.

    The distinct items of a customer's orders ``s ..`` are then the disjoint union of these lists
    over the orders from ``s`` on, which makes counting s-extensions proportional to the number of
    distinct items rather than of order lines.
    """
    n_cust = len(cust_ptr) - 1
    n_orders = len(iptr) - 1
    seen = np.full(n_items, -1, np.int64)
    flag = np.zeros(len(items), np.bool_)
    counts = np.zeros(n_orders + 1, np.int64)
    for c in range(n_cust):
        for o in range(cust_ptr[c + 1] - 1, cust_ptr[c] - 1, -1):
            for k in range(iptr[o], iptr[o + 1]):
                y = items[k]
                if seen[y] != c:
                    seen[y] = c
                    flag[k] = True
                    counts[o + 1] += 1
    ptr = np.cumsum(counts)
    out = np.empty(ptr[-1], np.int64)
    pos = 0
    for k in range(len(items)):
        if flag[k]:
            out[pos] = items[k]
            pos += 1
    return ptr, out


@njit(cache=True, nogil=True)
def _group_prep(st, g0, g1, day, cend, min_gap, starts, prefl1):
    """Per-customer prep of states ``st[g0:g1]`` (sorted by ``u``): the first order each state lets
    a new element start at, the running maximum of ``l1``; returns (max day of l, max l1)."""
    maxlday = day[st[g0, 1]]
    best = st[g0, 3]
    for j in range(g0, g1):
        u = st[j, 2]
        q = u + 1
        while q < cend and day[q] - day[u] < min_gap:
            q += 1
        starts[j - g0] = q
        if st[j, 3] > best:
            best = st[j, 3]
        prefl1[j - g0] = best
        if day[st[j, 1]] > maxlday:
            maxlday = day[st[j, 1]]
    return maxlday, best


@njit(cache=True, nogil=True)
def _last_start_at_most(starts, n, lp):
    """Largest ``j < n`` with ``starts[j] <= lp`` (starts ascending), or -1."""
    lo = 0
    hi = n
    while lo < hi:
        mid = (lo + hi) >> 1
        if starts[mid] <= lp:
            lo = mid + 1
        else:
            hi = mid
    return lo - 1


@njit(cache=True, nogil=True)
def _eligible(st, g0, jmax, day, up, max_gap, max_span, prefl1):
    """Best (l1, anchor day) over the states ``st[g0:g0 + jmax + 1]`` from which a new element ending
    at order ``up`` satisfies the maximum gap and span; ``found`` is False when none does."""
    if jmax < 0:
        return False, 0, 0
    if max_gap < 0:
        if max_span < 0:
            return True, prefl1[jmax], day[st[g0 + jmax, 2]]
        if day[up] - day[prefl1[jmax]] > max_span:
            return False, 0, 0
        for j in range(g0 + jmax, g0 - 1, -1):
            if day[up] - day[st[j, 3]] <= max_span:
                return True, prefl1[jmax], day[st[j, 2]]
        return False, 0, 0
    lo_day = day[up] - max_gap
    found = False
    best_l1 = 0
    anchor = 0
    for j in range(g0 + jmax, g0 - 1, -1):
        if day[st[j, 2]] < lo_day:
            break
        if day[st[j, 1]] < lo_day:
            continue
        if max_span >= 0 and day[up] - day[st[j, 3]] > max_span:
            continue
        if not found:
            found = True
            anchor = day[st[j, 2]]
            best_l1 = st[j, 3]
        elif st[j, 3] > best_l1:
            best_l1 = st[j, 3]
    return found, best_l1, anchor


@njit(cache=True, nogil=True)
def vertical_index(cust_ptr, iptr, items, n_items):
    """For each item, the orders holding it, sorted by customer then order (SPADE's id-lists):
    ``vcust[vptr[x]:vptr[x + 1]]`` and ``vpos[...]`` (global order numbers)."""
    n_cust = len(cust_ptr) - 1
    counts = np.zeros(n_items + 1, np.int64)
    for k in range(len(items)):
        counts[items[k] + 1] += 1
    vptr = np.cumsum(counts)
    vcust = np.empty(len(items), np.int64)
    vpos = np.empty(len(items), np.int64)
    fill = vptr[:-1].copy()
    for c in range(n_cust):
        for o in range(cust_ptr[c], cust_ptr[c + 1]):
            for k in range(iptr[o], iptr[o + 1]):
                y = items[k]
                vcust[fill[y]] = c
                vpos[fill[y]] = o
                fill[y] += 1
    return vptr, vcust, vpos


@njit(cache=True, nogil=True)
def _find_customer(vcust, lo, hi, c):
    """First index in ``vcust[lo:hi]`` (ascending) holding customer ``c``, or ``hi``."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if vcust[mid] < c:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _ranges(st, top, c, first, cend, k0, k1, vpos, day, window, max_span, g0, starts, n, prefl1,
            max_gap, root, maxlday, maxl1):
    """Write the states of a new element holding ``x`` (whose orders are ``vpos[k0:k1]``, ascending)
    in customer ``c``'s orders ``first .. cend - 1``; ``root``: the pattern's first element."""
    if k0 >= k1:
        return st, top
    if window < 0:
        for k in range(k0, k1):
            up = vpos[k]
            if not root and ((max_gap >= 0 and day[up] - maxlday > max_gap)
                             or (max_span >= 0 and day[up] - day[maxl1] > max_span)):
                break
            if root:
                st = _grow2(st, top + 1)
                st[top, 0] = c
                st[top, 1] = up
                st[top, 2] = up
                st[top, 3] = up
                st[top, 4] = 0
                top += 1
                continue
            jmax = _last_start_at_most(starts, n, up)
            found, l1, anchor = _eligible(st, g0, jmax, day, up, max_gap, max_span, prefl1)
            if found:
                st = _grow2(st, top + 1)
                st[top, 0] = c
                st[top, 1] = up
                st[top, 2] = up
                st[top, 3] = l1
                st[top, 4] = anchor
                top += 1
        return st, top
    # with a window: every range lp .. up (lp >= first, day span <= window) holding an order of x
    k = k0
    latest = -1
    for up in range(vpos[k0], cend):
        while k < k1 and vpos[k] <= up:
            latest = vpos[k]
            k += 1
        if k >= k1 and day[up] - day[latest] > window:
            break
        if not root and ((max_gap >= 0 and day[up] - maxlday > max_gap)
                         or (max_span >= 0 and day[up] - day[maxl1] > max_span)):
            break
        lp = latest
        while lp >= first and day[up] - day[lp] <= window:
            if root:
                if max_span < 0 or day[up] - day[lp] <= max_span:
                    st = _grow2(st, top + 1)
                    st[top, 0] = c
                    st[top, 1] = lp
                    st[top, 2] = up
                    st[top, 3] = lp
                    st[top, 4] = 0
                    top += 1
            else:
                jmax = _last_start_at_most(starts, n, lp)
                found, l1, anchor = _eligible(st, g0, jmax, day, up, max_gap, max_span, prefl1)
                if found:
                    st = _grow2(st, top + 1)
                    st[top, 0] = c
                    st[top, 1] = lp
                    st[top, 2] = up
                    st[top, 3] = l1
                    st[top, 4] = anchor
                    top += 1
            lp -= 1
    return st, top


@njit(cache=True, nogil=True)
def _initial(st, top, x, cust_ptr, day, vptr, vcust, vpos, window, max_span, starts, prefl1):
    """States of the one-element pattern ``<(x)>``, written at ``top``."""
    k0 = vptr[x]
    end = vptr[x + 1]
    while k0 < end:
        c = vcust[k0]
        k1 = k0 + 1
        while k1 < end and vcust[k1] == c:
            k1 += 1
        st, top = _ranges(st, top, c, cust_ptr[c], cust_ptr[c + 1], k0, k1, vpos, day, window, max_span,
                          0, starts, 0, prefl1, -1, True, 0, 0)
        k0 = k1
    return st, top


@njit(cache=True, nogil=True)
def _s_extend(st, b, e, x, top, cust_ptr, day, vptr, vcust, vpos, min_gap, max_gap, window, max_span,
              starts, prefl1):
    """States of the pattern followed by the new element ``(x)``, from the states ``st[b:e]``."""
    g0 = b
    lo = vptr[x]
    hi = vptr[x + 1]
    while g0 < e:
        c = st[g0, 0]
        g1 = g0 + 1
        while g1 < e and st[g1, 0] == c:
            g1 += 1
        k0 = _find_customer(vcust, lo, hi, c)
        lo = k0
        if k0 >= hi or vcust[k0] != c:
            g0 = g1
            continue
        k1 = k0 + 1
        while k1 < hi and vcust[k1] == c:
            k1 += 1
        n = g1 - g0
        if starts.shape[0] < n:
            starts = np.empty(2 * n, np.int64)
            prefl1 = np.empty(2 * n, np.int64)
        cend = cust_ptr[c + 1]
        maxlday, maxl1 = _group_prep(st, g0, g1, day, cend, min_gap, starts, prefl1)
        first = starts[0]
        while k0 < k1 and vpos[k0] < first:  # ranges start at ``first`` at the earliest
            k0 += 1
        st, top = _ranges(st, top, c, first, cend, k0, k1, vpos, day, window, max_span, g0, starts, n,
                          prefl1, max_gap, False, maxlday, maxl1)
        g0 = g1
    return st, top, starts, prefl1


@njit(cache=True, nogil=True)
def _i_extend(st, b, e, x, top, iptr, items):
    """States of the pattern with ``x`` added to its last element: the ranges that also hold ``x``."""
    st = _grow2(st, top + (e - b))
    for j in range(b, e):
        ok = False
        for o in range(st[j, 1], st[j, 2] + 1):
            if _has(items, iptr, o, x):
                ok = True
                break
        if ok:
            for k in range(5):
                st[top, k] = st[j, k]
            top += 1
    return st, top


@njit(cache=True, nogil=True)
def _n_customers(st, b, e):
    n = 0
    for j in range(b, e):
        if j == b or st[j, 0] != st[j - 1, 0]:
            n += 1
    return n


@njit(cache=True, nogil=True, inline="always")
def _touch(y, cnt_s, cnt_i, touched, n_touched):
    if cnt_s[y] == 0 and cnt_i[y] == 0:
        touched[n_touched] = y
        n_touched += 1
    return n_touched


@njit(cache=True, nogil=True)
def _last_position(vptr, vcust, vpos, y, c):
    """Last order of customer ``c`` holding item ``y`` (binary search in y's id-list), or -1."""
    lo = vptr[y]
    hi = vptr[y + 1]
    while lo < hi:
        mid = (lo + hi) >> 1
        if vcust[mid] <= c:
            lo = mid + 1
        else:
            hi = mid
    if lo > vptr[y] and vcust[lo - 1] == c:
        return vpos[lo - 1]
    return -1


@njit(cache=True, nogil=True)
def _count_extensions(st, b, e, lastmax, cust_ptr, day, iptr, items, lo_ptr, lo_items, lastpos, n_items,
                      vptr, vcust, vpos, min_gap, max_gap, window, max_span, starts, prefl1, s_list, n_s,
                      ok_s, ok_i, i_list, n_i, cnt_s, cnt_i, seen_s, seen_i, ostamp, stamp, touched,
                      n_touched, skip_s):
    """Count, per candidate item, the customers whose states allow an s-extension and an
    i-extension by it (each customer once).

    Only items flagged in ``ok_s`` / ``ok_i`` are counted (``i_list``: the i-candidates above
    ``lastmax``; ``skip_s``: no s-candidate is left): the extensions of a pattern are among those
    of its parent (support only falls along a branch). Without a maximum gap or span, a
    customer's s-extensions are the distinct items from her first possible start on: they are read
    either from the last-occurrence lists or, when the parent left few candidates, by looking up
    the last order of each candidate (whichever touches fewer entries).
    """
    unconstrained = max_gap < 0 and max_span < 0
    use_lookup = False
    if unconstrained:
        scan = 0
        groups = 0
        g0 = b
        while g0 < e:
            c = st[g0, 0]
            g1 = g0 + 1
            while g1 < e and st[g1, 0] == c:
                g1 += 1
            scan += lo_ptr[cust_ptr[c + 1]] - lo_ptr[st[g0, 2] + 1]
            groups += 1
            g0 = g1
        per_lookup = 1 if lastpos.shape[0] > 0 else 6
        use_lookup = groups * n_s * per_lookup < scan
    g0 = b
    while g0 < e:
        c = st[g0, 0]
        g1 = g0 + 1
        while g1 < e and st[g1, 0] == c:
            g1 += 1
        n = g1 - g0
        cend = cust_ptr[c + 1]
        stamp += 1
        # s-extensions: items of every order that can start (and end) a new element
        if skip_s:
            pass
        elif unconstrained:
            u = st[g0, 2]  # states are sorted by u: the first allows the earliest start
            q = u + 1
            while q < cend and day[q] - day[u] < min_gap:
                q += 1
            if q < cend:
                if use_lookup:
                    for t in range(n_s):
                        y = s_list[t]
                        if lastpos.shape[0] > 0:
                            last = lastpos[c * n_items + y]
                        else:
                            last = _last_position(vptr, vcust, vpos, y, c)
                        if last >= q:
                            n_touched = _touch(y, cnt_s, cnt_i, touched, n_touched)
                            cnt_s[y] += 1
                else:
                    for k in range(lo_ptr[q], lo_ptr[cend]):
                        y = lo_items[k]
                        if ok_s[y]:
                            n_touched = _touch(y, cnt_s, cnt_i, touched, n_touched)
                            cnt_s[y] += 1
        else:
            if starts.shape[0] < n:
                starts = np.empty(2 * n, np.int64)
                prefl1 = np.empty(2 * n, np.int64)
            maxlday, maxl1 = _group_prep(st, g0, g1, day, cend, min_gap, starts, prefl1)
            jmax = -1
            for p in range(starts[0], cend):
                if max_gap >= 0 and day[p] - maxlday > max_gap:
                    break
                if max_span >= 0 and day[p] - day[maxl1] > max_span:
                    break
                while jmax + 1 < n and starts[jmax + 1] <= p:
                    jmax += 1
                found, _, _ = _eligible(st, g0, jmax, day, p, max_gap, max_span, prefl1)
                if not found:
                    continue
                for k in range(iptr[p], iptr[p + 1]):
                    y = items[k]
                    if ok_s[y] and seen_s[y] != stamp:
                        seen_s[y] = stamp
                        n_touched = _touch(y, cnt_s, cnt_i, touched, n_touched)
                        cnt_s[y] += 1
        # i-extensions: items above the last element's largest, in the orders its ranges cover
        # (each order scanned, or probed for each candidate when there are few candidates)
        for j in range(g0, g1 if n_i > 0 else g0):
            for o in range(st[j, 1], st[j, 2] + 1):
                if ostamp[o] == stamp:
                    continue
                ostamp[o] = stamp
                if 4 * n_i < iptr[o + 1] - iptr[o]:
                    for t in range(n_i):
                        y = i_list[t]
                        if seen_i[y] != stamp and _has(items, iptr, o, y):
                            seen_i[y] = stamp
                            n_touched = _touch(y, cnt_s, cnt_i, touched, n_touched)
                            cnt_i[y] += 1
                    continue
                for k in range(_first_above(items, iptr, o, lastmax), iptr[o + 1]):
                    y = items[k]
                    if ok_i[y] and seen_i[y] != stamp:
                        seen_i[y] = stamp
                        n_touched = _touch(y, cnt_s, cnt_i, touched, n_touched)
                        cnt_i[y] += 1
        g0 = g1
    return starts, prefl1, stamp, n_touched


@njit(cache=True, nogil=True)
def mine(cust_ptr, day, iptr, items, n_items, min_count, max_len, min_gap, max_gap, window, max_span,
         max_out, dense_limit):
    """Mine every pattern held by at least ``min_count`` customers (depth-first, see the module doc).

    Constraints are whole days, ``-1`` meaning none (``min_gap`` 0 means none). Every item code in
    ``0 .. n_items - 1`` must be held by at least ``min_count`` customers.

    Returns
    -------
    parent, item, kind, count : int64 arrays of the pattern tree (preorder)
    n : number of patterns
    overflow : True when more than ``max_out`` patterns exist (the output is then incomplete)
    """
    n_orders = len(day)
    vptr, vcust, vpos = vertical_index(cust_ptr, iptr, items, n_items)
    lo_ptr, lo_items = last_occurrences(cust_ptr, iptr, items, n_items)
    n_cust = len(cust_ptr) - 1
    if n_cust * n_items <= dense_limit:
        lastpos = np.full(n_cust * n_items, -1, np.int32)
        for c in range(n_cust):
            for o in range(cust_ptr[c], cust_ptr[c + 1]):
                for k in range(iptr[o], iptr[o + 1]):
                    lastpos[c * n_items + items[k]] = o
    else:
        lastpos = np.empty(0, np.int32)
    s_list = np.empty(max(n_items, 1), np.int64)
    i_list = np.empty(max(n_items, 1), np.int64)
    # with a maximum gap, an item may follow a pattern's last element closely enough but not its
    # parent's: s-extension candidates are then not inherited
    inherit_s = max_gap < 0
    ok_s = np.zeros(n_items, np.bool_) if inherit_s else np.ones(n_items, np.bool_)
    ok_i = np.zeros(n_items, np.bool_)
    parent = np.empty(1024, np.int64)
    item_out = np.empty(1024, np.int64)
    kind_out = np.empty(1024, np.int64)
    count_out = np.empty(1024, np.int64)
    n_out = 0
    st = np.empty((4096, 5), np.int64)
    cand = np.empty((max(n_items, 16), 2), np.int64)
    frames = np.empty((64, 8), np.int64)  # node, sb, se, cb, ce, cp, lastmax, length
    starts = np.empty(64, np.int64)
    prefl1 = np.empty(64, np.int64)
    cnt_s = np.zeros(n_items, np.int64)
    cnt_i = np.zeros(n_items, np.int64)
    seen_s = np.zeros(n_items, np.int64)
    seen_i = np.zeros(n_items, np.int64)
    touched = np.empty(n_items, np.int64)
    ostamp = np.zeros(n_orders, np.int64)
    stamp = 0
    for y in range(n_items):
        cand[y, 0] = y
        cand[y, 1] = _S
    cand_top = n_items
    frames[0, 0] = -1
    frames[0, 1] = 0
    frames[0, 2] = 0
    frames[0, 3] = 0
    frames[0, 4] = n_items
    frames[0, 5] = 0
    frames[0, 6] = -1
    frames[0, 7] = 0
    depth = 1
    top = 0
    overflow = False
    while depth > 0:
        f = depth - 1
        if frames[f, 5] == frames[f, 4]:
            top = frames[f, 1]
            cand_top = frames[f, 3]
            depth -= 1
            continue
        x = cand[frames[f, 5], 0]
        kind = cand[frames[f, 5], 1]
        frames[f, 5] += 1
        sb = top
        if frames[f, 0] < 0:
            st, top = _initial(st, top, x, cust_ptr, day, vptr, vcust, vpos, window, max_span, starts, prefl1)
        elif kind == _S:
            st, top, starts, prefl1 = _s_extend(st, frames[f, 1], frames[f, 2], x, top, cust_ptr, day,
                                                vptr, vcust, vpos, min_gap, max_gap, window, max_span, starts,
                                                prefl1)
        else:
            st, top = _i_extend(st, frames[f, 1], frames[f, 2], x, top, iptr, items)
        if n_out >= max_out:
            overflow = True
            break
        if n_out == parent.shape[0]:
            parent = _grow1(parent, n_out + 1)
            item_out = _grow1(item_out, n_out + 1)
            kind_out = _grow1(kind_out, n_out + 1)
            count_out = _grow1(count_out, n_out + 1)
        node = n_out
        parent[node] = frames[f, 0]
        item_out[node] = x
        kind_out[node] = kind
        count_out[node] = _n_customers(st, sb, top)
        n_out += 1
        length = frames[f, 7] + 1
        cb = cand_top
        if max_len < 0 or length < max_len:
            # candidates: the parent's frequent extensions (s: its s-extensions; i: its s- or
            # i-extensions, as the child was an s- or i-extension)
            n_s = 0
            n_i = 0
            for t in range(frames[f, 3], frames[f, 4]):
                y = cand[t, 0]
                if cand[t, 1] == _S:
                    if inherit_s:
                        ok_s[y] = True
                        s_list[n_s] = y
                        n_s += 1
                    if kind == _S and y > x:
                        ok_i[y] = True
                        i_list[n_i] = y
                        n_i += 1
                elif kind == _I and y > x:
                    ok_i[y] = True
                    i_list[n_i] = y
                    n_i += 1
            skip_s = inherit_s and n_s == 0
            starts, prefl1, stamp, n_touched = _count_extensions(
                st, sb, top, x, cust_ptr, day, iptr, items, lo_ptr, lo_items, lastpos, n_items, vptr, vcust,
                vpos, min_gap, max_gap, window, max_span, starts, prefl1, s_list, n_s, ok_s, ok_i, i_list,
                n_i, cnt_s, cnt_i, seen_s, seen_i, ostamp, stamp, touched, 0, skip_s)
            for t in range(frames[f, 3], frames[f, 4]):
                if inherit_s:
                    ok_s[cand[t, 0]] = False
                ok_i[cand[t, 0]] = False
            cand = _grow2(cand, cand_top + 2 * n_touched)
            for t in range(n_touched):
                y = touched[t]
                if cnt_s[y] >= min_count:
                    cand[cand_top, 0] = y
                    cand[cand_top, 1] = _S
                    cand_top += 1
                if cnt_i[y] >= min_count:
                    cand[cand_top, 0] = y
                    cand[cand_top, 1] = _I
                    cand_top += 1
                cnt_s[y] = 0
                cnt_i[y] = 0
        frames = _grow2(frames, depth + 1)
        frames[depth, 0] = node
        frames[depth, 1] = sb
        frames[depth, 2] = top
        frames[depth, 3] = cb
        frames[depth, 4] = cand_top
        frames[depth, 5] = cb
        frames[depth, 6] = x
        frames[depth, 7] = length
        depth += 1
    return parent[:n_out], item_out[:n_out], kind_out[:n_out], count_out[:n_out], n_out, overflow


@njit(cache=True, nogil=True)
def replay(cust_ptr, day, iptr, items, n_items, parent, item, kind, child_ptr, child_idx, roots, need,
           target, wildcard, mode, last_order, min_gap, max_gap, window, max_span):
    """Follow a given pattern tree over a sequence database and report its occurrences.

    Only nodes with ``need[k]`` are visited. At a node with ``target[k] >= 0``, one row is written
    per customer holding the pattern: ``(target[k], customer, value)`` where, with ``mode`` 0, value
    is the shortest time in days from the end of the element before the last to the end of the last
    element (the time to the consequent), and with ``mode`` 1 a row is written only for customers
    whose occurrence ends at their order ``last_order[c]`` (value 0).

    With ``wildcard`` the roots are new elements after a virtual first element that matches any
    order (this measures the base rate of a consequent: "any purchase, then this element").
    """
    n_cust = len(cust_ptr) - 1
    vptr, vcust, vpos = vertical_index(cust_ptr, iptr, items, n_items)
    st = np.empty((4096, 5), np.int64)
    top = 0
    base_end = 0
    if wildcard:
        n_orders = len(day)
        st = _grow2(st, n_orders)
        for c in range(n_cust):
            for o in range(cust_ptr[c], cust_ptr[c + 1]):
                st[top, 0] = c
                st[top, 1] = o
                st[top, 2] = o
                st[top, 3] = o
                st[top, 4] = 0
                top += 1
        base_end = top
    out = np.empty((1024, 3), np.int64)
    n_out = 0
    starts = np.empty(64, np.int64)
    prefl1 = np.empty(64, np.int64)
    frames = np.empty((64, 5), np.int64)  # node, sb, se, child pointer, child end
    depth = 0
    for ri in range(len(roots)):
        r = roots[ri]
        if not need[r]:
            continue
        top = base_end
        # push a pseudo-frame for the root's own computation
        frames[0, 0] = -1
        frames[0, 1] = 0
        frames[0, 2] = base_end
        frames[0, 3] = 0
        frames[0, 4] = 0
        depth = 1
        pending = r
        while True:
            if pending >= 0:
                k = pending
                pending = -1
                f = depth - 1
                sb = top
                x = item[k]
                if frames[f, 0] < 0 and not wildcard:
                    st, top = _initial(st, top, x, cust_ptr, day, vptr, vcust, vpos, window, max_span,
                                       starts, prefl1)
                elif kind[k] == _S:
                    st, top, starts, prefl1 = _s_extend(st, frames[f, 1], frames[f, 2], x, top, cust_ptr,
                                                        day, vptr, vcust, vpos, min_gap, max_gap, window,
                                                        max_span, starts, prefl1)
                else:
                    st, top = _i_extend(st, frames[f, 1], frames[f, 2], x, top, iptr, items)
                if target[k] >= 0 and top > sb:
                    j = sb
                    while j < top:
                        c = st[j, 0]
                        best = -1
                        hit = False
                        while j < top and st[j, 0] == c:
                            if mode == 0:
                                d = day[st[j, 2]] - st[j, 4]
                                if best < 0 or d < best:
                                    best = d
                                hit = True
                            elif st[j, 2] == last_order[c]:
                                hit = True
                                best = 0
                            j += 1
                        if hit:
                            out = _grow2(out, n_out + 1)
                            out[n_out, 0] = target[k]
                            out[n_out, 1] = c
                            out[n_out, 2] = best
                            n_out += 1
                frames = _grow2(frames, depth + 1)
                frames[depth, 0] = k
                frames[depth, 1] = sb
                frames[depth, 2] = top
                frames[depth, 3] = child_ptr[k] if top > sb else child_ptr[k + 1]
                frames[depth, 4] = child_ptr[k + 1]
                depth += 1
            f = depth - 1
            if f == 0:
                break
            if frames[f, 3] == frames[f, 4]:
                top = frames[f, 1]
                depth -= 1
                if depth == 1:
                    break
                continue
            ch = child_idx[frames[f, 3]]
            frames[f, 3] += 1
            if need[ch]:
                pending = ch
    return out[:n_out]


@njit(cache=True, nogil=True)
def tree_shape(parent, kind):
    """Per node of a preorder pattern tree: number of elements, number of items, and the node that
    starts its last element."""
    n = len(parent)
    n_el = np.empty(n, np.int64)
    length = np.empty(n, np.int64)
    last_start = np.empty(n, np.int64)
    for k in range(n):
        p = parent[k]
        if p < 0:
            n_el[k] = 1
            length[k] = 1
            last_start[k] = k
        else:
            length[k] = length[p] + 1
            if kind[k] == _S:
                n_el[k] = n_el[p] + 1
                last_start[k] = k
            else:
                n_el[k] = n_el[p]
                last_start[k] = last_start[p]
    return n_el, length, last_start


@njit(cache=True, nogil=True)
def _path(k, parent, item, kind, buf_item, buf_kind):
    """Write the (item, kind) sequence of node ``k`` into the buffers; returns its length."""
    n = 0
    j = k
    while j >= 0:
        n += 1
        j = parent[j]
    j = k
    for pos in range(n - 1, -1, -1):
        buf_item[pos] = item[j]
        buf_kind[pos] = kind[j]
        j = parent[j]
    buf_kind[0] = _S
    return n


@njit(cache=True, nogil=True)
def _hash_key(p, x, kd, n_items):
    return ((p + 1) * n_items + x) * 2 + kd


@njit(cache=True, nogil=True)
def _lookup(table_keys, table_vals, mask, key):
    h = (key * 0x27D4EB2F165667C5) & mask
    while True:
        k = table_keys[h]
        if k == key:
            return table_vals[h]
        if k == -1:
            return -1
        h = (h + 1) & mask


@njit(cache=True, nogil=True)
def _contains_pattern(pi, pk, pn, qi, qk, qn):
    """Whether pattern p (items, kinds, length) is a sub-pattern of q (greedy element matching)."""
    a = 0  # position in p (start of its current element)
    b = 0  # position in q (start of the element to try)
    while a < pn:
        ae = a + 1
        while ae < pn and pk[ae] == _I:
            ae += 1
        matched = False
        while b < qn:
            be = b + 1
            while be < qn and qk[be] == _I:
                be += 1
            # subset test of sorted runs p[a:ae] in q[b:be]
            i = a
            j = b
            while i < ae and j < be:
                if pi[i] == qi[j]:
                    i += 1
                    j += 1
                elif pi[i] > qi[j]:
                    j += 1
                else:
                    break
            b = be
            if i == ae:
                matched = True
                break
        if not matched:
            return False
        a = ae
    return True


@njit(cache=True, nogil=True)
def closed_maximal(parent, item, kind, count, n_items, general):
    """Closed and maximal flags of the patterns of a mined tree.

    A pattern is closed when no super-pattern in the tree has the same count and maximal when no
    super-pattern is in the tree. Every one-item-shorter sub-pattern of every pattern is looked up
    in the tree; this finds every super-pattern relation when support is anti-monotone under
    deleting an item, i.e. without a maximum gap. With ``general`` (a maximum gap), the remaining
    candidates are also compared pairwise (maximal among maximal candidates, closed among closed
    candidates of equal count), which is exact because every frequent pattern lies under a truly
    maximal one and every pattern under a truly closed one of its count.
    """
    n = len(parent)
    cap = 1
    while cap < 2 * n + 2:
        cap *= 2
    mask = cap - 1
    keys = np.full(cap, -1, np.int64)
    vals = np.empty(cap, np.int64)
    for k in range(n):
        key = _hash_key(parent[k], item[k], kind[k], n_items)
        h = (key * 0x27D4EB2F165667C5) & mask
        while keys[h] != -1:
            h = (h + 1) & mask
        keys[h] = key
        vals[h] = k
    closed = np.ones(n, np.bool_)
    maximal = np.ones(n, np.bool_)
    depth = 1
    for k in range(n):
        m = 0
        j = k
        while j >= 0:
            m += 1
            j = parent[j]
        if m > depth:
            depth = m
    qi = np.empty(depth, np.int64)
    qk = np.empty(depth, np.int64)
    for k in range(n):
        qn = _path(k, parent, item, kind, qi, qk)
        if qn < 2:
            continue
        for d in range(qn):
            # walk the tree along q without position d
            node = -1
            ok = True
            first = True
            for pos in range(qn):
                if pos == d:
                    continue
                kd = qk[pos]
                if pos == d + 1 and qk[d] == _S:
                    kd = _S  # the deleted item started this element: the next item starts it now
                if first:
                    kd = _S
                    first = False
                node = _lookup(keys, vals, mask, _hash_key(node, qi[pos], kd, n_items))
                if node < 0:
                    ok = False
                    break
            if ok and node >= 0:
                maximal[node] = False
                if count[node] == count[k]:
                    closed[node] = False
    if general:
        # flat paths and 64-bit item signatures of every pattern, then pairwise tests
        ptr = np.zeros(n + 1, np.int64)
        for k in range(n):
            m = 0
            j = k
            while j >= 0:
                m += 1
                j = parent[j]
            ptr[k + 1] = ptr[k] + m
        flat_i = np.empty(ptr[n], np.int64)
        flat_k = np.empty(ptr[n], np.int64)
        sig = np.zeros(n, np.uint64)
        for k in range(n):
            m = _path(k, parent, item, kind, qi, qk)
            s = np.uint64(0)
            for t in range(m):
                flat_i[ptr[k] + t] = qi[t]
                flat_k[ptr[k] + t] = qk[t]
                s |= np.uint64(1) << np.uint64(qi[t] % 64)
            sig[k] = s
        cand_m = np.flatnonzero(maximal)
        for a in range(len(cand_m)):
            p = cand_m[a]
            for b in range(len(cand_m)):
                q = cand_m[b]
                if q == p or ptr[q + 1] - ptr[q] <= ptr[p + 1] - ptr[p] or (sig[p] & ~sig[q]) != 0:
                    continue
                if _contains_pattern(flat_i[ptr[p]:ptr[p + 1]], flat_k[ptr[p]:ptr[p + 1]],
                                     ptr[p + 1] - ptr[p], flat_i[ptr[q]:ptr[q + 1]],
                                     flat_k[ptr[q]:ptr[q + 1]], ptr[q + 1] - ptr[q]):
                    maximal[p] = False
                    break
        cand_c = np.flatnonzero(closed)
        order = np.argsort(count[cand_c], kind="mergesort")
        cand_c = cand_c[order]
        g0 = 0
        while g0 < len(cand_c):
            g1 = g0 + 1
            while g1 < len(cand_c) and count[cand_c[g1]] == count[cand_c[g0]]:
                g1 += 1
            for a in range(g0, g1):
                p = cand_c[a]
                for b in range(g0, g1):
                    q = cand_c[b]
                    if q == p or ptr[q + 1] - ptr[q] <= ptr[p + 1] - ptr[p] or (sig[p] & ~sig[q]) != 0:
                        continue
                    if _contains_pattern(flat_i[ptr[p]:ptr[p + 1]], flat_k[ptr[p]:ptr[p + 1]],
                                         ptr[p + 1] - ptr[p], flat_i[ptr[q]:ptr[q + 1]],
                                         flat_k[ptr[q]:ptr[q + 1]], ptr[q + 1] - ptr[q]):
                        closed[p] = False
                        break
            g0 = g1
    return closed, maximal
