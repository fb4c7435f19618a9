"""A brute-force reference for sequential patterns under time constraints (tests only).

Written straight from the definition (Srikant & Agrawal 1996, with an inclusive minimum gap),
independently of the miner: a customer holds a pattern when some choice of order ranges
``l1 <= u1 < l2 <= u2 < ...`` puts each element in the union of its range and meets the window,
gap and span limits. Patterns are enumerated exhaustively over a small alphabet.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pandas as pd

Sequence = list[tuple[int, frozenset]]  # (day, items) per order, in order
Pattern = tuple[tuple, ...]


def occurrences(seq: Sequence, pattern: Pattern, min_gap=None, max_gap=None, window=None, max_span=None
                ) -> Iterator[list[tuple[int, int]]]:
    """Every valid choice of (l, u) ranges for the pattern's elements."""
    days = [d for d, _ in seq]
    n = len(seq)

    def rec(i: int, chosen: list[tuple[int, int]]):
        if i == len(pattern):
            yield list(chosen)
            return
        start = 0 if i == 0 else chosen[-1][1] + 1
        for lo in range(start, n):
            for up in range(lo, n):
                if window is None and up != lo:
                    break
                if window is not None and days[up] - days[lo] > window:
                    break
                union = frozenset().union(*(seq[k][1] for k in range(lo, up + 1)))
                if not set(pattern[i]) <= union:
                    continue
                if i > 0:
                    pl, pu = chosen[-1]
                    if min_gap is not None and days[lo] - days[pu] < min_gap:
                        continue
                    if max_gap is not None and days[up] - days[pl] > max_gap:
                        continue
                first = lo if i == 0 else chosen[0][0]
                if max_span is not None and days[up] - days[first] > max_span:
                    continue
                chosen.append((lo, up))
                yield from rec(i + 1, chosen)
                chosen.pop()

    yield from rec(0, [])


def holds(seq: Sequence, pattern: Pattern, **constraints) -> bool:
    return next(occurrences(seq, pattern, **constraints), None) is not None


def all_patterns(alphabet: list, max_items: int) -> Iterator[Pattern]:
    """Every pattern (sequence of non-empty sorted itemsets) with at most ``max_items`` items."""
    subsets = [tuple(c) for r in range(1, max_items + 1) for c in itertools.combinations(sorted(alphabet), r)]

    def rec(prefix: list, used: int):
        if prefix:
            yield tuple(prefix)
        for s in subsets:
            if used + len(s) <= max_items:
                prefix.append(s)
                yield from rec(prefix, used + len(s))
                prefix.pop()

    yield from rec([], 0)


def frequent(db: list[Sequence], alphabet: list, min_count: int, max_items: int, **constraints
             ) -> dict[Pattern, int]:
    out = {}
    for pattern in all_patterns(alphabet, max_items):
        count = sum(holds(seq, pattern, **constraints) for seq in db)
        if count >= min_count:
            out[pattern] = count
    return out


def contains_pattern(small: Pattern, big: Pattern) -> bool:
    """Whether ``small`` is a sub-pattern of ``big`` (elements matched in order as subsets)."""
    j = 0
    for el in small:
        while j < len(big) and not set(el) <= set(big[j]):
            j += 1
        if j == len(big):
            return False
        j += 1
    return True


def closed_and_maximal(found: dict[Pattern, int]) -> tuple[set, set]:
    closed, maximal = set(), set()
    for p, c in found.items():
        supers = [q for q in found if q != p and contains_pattern(p, q)]
        if not supers:
            maximal.add(p)
        if not any(found[q] == c for q in supers):
            closed.add(p)
    return closed, maximal


def rule_delays(db: list[Sequence], pattern: Pattern, **constraints) -> dict[int, int]:
    """Per customer holding the pattern: the shortest days from the end of its next-to-last element
    to the end of its last element."""
    out = {}
    for c, seq in enumerate(db):
        best = None
        for occ in occurrences(seq, pattern, **constraints):
            d = seq[occ[-1][1]][0] - seq[occ[-2][1]][0]
            best = d if best is None else min(best, d)
        if best is not None:
            out[c] = best
    return out


def base_count(db: list[Sequence], element: tuple, within=None, **constraints) -> int:
    """Customers in whom ``element`` ends within ``within`` days of some earlier order (any order),
    under the same constraints (the earlier order acting as a one-order first element)."""
    count = 0
    for seq in db:
        ok = False
        for p in range(len(seq)):
            tagged = [(d, items | ({"__any__"} if k == p else frozenset()))
                      for k, (d, items) in enumerate(seq)]
            for occ in occurrences(tagged, (("__any__",), element), **constraints):
                if occ[0] != (p, p):
                    continue
                if within is None or tagged[occ[1][1]][0] - tagged[p][0] <= within:
                    ok = True
                    break
            if ok:
                break
        count += ok
    return count


def random_db(rng: np.random.Generator, n_customers: int, alphabet: list, max_orders: int = 5,
              max_day: int = 12) -> list[Sequence]:
    db = []
    for _ in range(n_customers):
        n = int(rng.integers(1, max_orders + 1))
        days = np.sort(rng.integers(0, max_day, n))
        seq = []
        for d in days:
            size = int(rng.integers(1, 3))
            seq.append((int(d), frozenset(rng.choice(alphabet, size=size, replace=False).tolist())))
        db.append(seq)
    return db


def to_table(db: list[Sequence]) -> pd.DataFrame:
    """A long table (customer_id, order_id, date, item) of a database of sequences."""
    rows = []
    order = 0
    for c, seq in enumerate(db):
        for day, items in seq:
            for it in sorted(items):
                rows.append((c, order, pd.Timestamp("2024-01-01") + pd.Timedelta(days=day), it))
            order += 1
    return pd.DataFrame(rows, columns=["customer_id", "order_id", "date", "item"])
