"""Leakage-safe per-entity history features without Python loops over rows.

Rows are put in one order: by entity, then time, then input position. A row's history is the
rows before it in that order: earlier timestamps of the same entity, or the same timestamp and
earlier in the input. Every feature here looks only at that history (plus the row itself where
the docstring says so), so a feature never changes when later rows are added or altered.

Windows use sorted keys and ``numpy.searchsorted``; first occurrences use hashing; all is
vectorised over rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["History"]

_SHIFT = np.int64(2**33)  # seconds: ~272 years, more than any time span between two rows


class History:
    """The ordering of rows by entity and time, and the history features computed on it.

    Parameters
    ----------
    entity : array-like
        Entity (card, customer, subscriber) of each row.
    when : array-like of datetime64
        Timestamp of each row.
    """

    def __init__(self, entity, when) -> None:
        codes, uniques = pd.factorize(pd.Series(entity), sort=False)
        if (codes < 0).any():
            raise ValueError("entity has missing values")
        self.n = len(codes)
        self.entity = codes.astype(np.int64)
        self.n_entities = len(uniques)
        ns = pd.to_datetime(pd.Series(when)).to_numpy(dtype="datetime64[ns]").view(np.int64)
        self.t0 = int(ns.min()) if self.n else 0
        self.seconds = ((ns - self.t0) // 1_000_000_000).astype(np.int64)
        pos = np.arange(self.n)
        # stable lexicographic order: entity, then exact time (ns), then input position
        self.order = np.lexsort((pos, ns, self.entity))
        self.rank = np.empty(self.n, dtype=np.int64)
        self.rank[self.order] = np.arange(self.n)
        self.key = (self.entity * _SHIFT + self.seconds)[self.order]
        ent_sorted = self.entity[self.order]
        first = np.ones(self.n, dtype=bool)
        first[1:] = ent_sorted[1:] != ent_sorted[:-1]
        self.start_of_entity = np.maximum.accumulate(np.where(first, np.arange(self.n), 0))

    def _unsort(self, values_sorted: np.ndarray) -> np.ndarray:
        return values_sorted[self.rank]

    def n_prior(self) -> np.ndarray:
        """Rows of the same entity before each row."""
        return self._unsort(np.arange(self.n) - self.start_of_entity)

    def window(self, values: np.ndarray | None, seconds: int) -> tuple[np.ndarray, np.ndarray]:
        """Count and sum of ``values`` over the entity's earlier rows within ``seconds`` before each row.

        The window is ``[t - seconds, t]``; the row itself is excluded.
        """
        idx = np.arange(self.n)
        left = np.searchsorted(self.key, self.key - np.int64(seconds), side="left")
        count = idx - left
        if values is None:
            return self._unsort(count), np.zeros(self.n)
        v = np.asarray(values, dtype=np.float64)[self.order]
        cs = np.concatenate([[0.0], np.cumsum(v)])
        total = cs[idx] - cs[left]
        return self._unsort(count), self._unsort(total)

    def expanding_mean_sd(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mean and standard deviation of ``values`` over each row's earlier rows, and their count."""
        v = np.asarray(values, dtype=np.float64)[self.order]
        cs = np.concatenate([[0.0], np.cumsum(v)])
        cs2 = np.concatenate([[0.0], np.cumsum(v * v)])
        idx = np.arange(self.n)
        s = self.start_of_entity
        n = idx - s
        total = cs[idx] - cs[s]
        total2 = cs2[idx] - cs2[s]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, total / np.maximum(n, 1), np.nan)
            var = np.where(n > 1, (total2 - n * mean**2) / np.maximum(n - 1, 1), np.nan)
        return self._unsort(mean), self._unsort(np.sqrt(np.clip(var, 0, None))), self._unsort(n)

    def is_new(self, values) -> np.ndarray:
        """True where the entity has not used this value in any earlier row."""
        codes = pd.factorize(pd.Series(values), sort=False)[0].astype(np.int64)
        pair = self.entity[self.order] * (codes.max() + 2) + codes[self.order] + 1
        seen = pd.Series(pair).duplicated(keep="first").to_numpy()
        return self._unsort(~seen)

    def prior_uses(self, values) -> np.ndarray:
        """How many earlier rows of the entity have the same value."""
        codes = pd.factorize(pd.Series(values), sort=False)[0].astype(np.int64)
        pair = self.entity[self.order] * (codes.max() + 2) + codes[self.order] + 1
        uses = pd.Series(pair).groupby(pair).cumcount().to_numpy()
        return self._unsort(uses)

    def previous(self, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The value at the entity's previous row and the seconds since it (NaN for a first row)."""
        v = np.asarray(values, dtype=np.float64)[self.order]
        t = self.seconds[self.order].astype(np.float64)
        has = np.arange(self.n) > self.start_of_entity
        prev_v = np.where(has, np.roll(v, 1), np.nan)
        gap = np.where(has, t - np.roll(t, 1), np.nan)
        return self._unsort(prev_v), self._unsort(gap)

    def count_in_bins(self, bins: np.ndarray, n_bins: int, offsets: tuple[int, ...]) -> np.ndarray:
        """Earlier rows of the entity whose bin is within ``offsets`` of this row's bin (circular)."""
        bins = np.asarray(bins, dtype=np.int64)
        # data keys: (entity, bin, global rank); queries: (entity, bin + offset, this row's rank)
        width = np.int64(self.n + 1)
        data = np.sort((self.entity * n_bins + bins) * width + self.rank)
        total = np.zeros(self.n, dtype=np.int64)
        for off in offsets:  # a handful of neighbouring bins, each vectorised over rows
            b = (bins + off) % n_bins
            base = (self.entity * n_bins + b) * width
            total += np.searchsorted(data, base + self.rank, side="left") - np.searchsorted(
                data, base, side="left"
            )
        return total
