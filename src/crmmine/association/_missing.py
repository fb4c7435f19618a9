"""Missing cells of a one-hot basket table, as packed bitsets per item (internal).

mlxtend accepts one-hot frames with missing values (``NaN``: "not known
whether the basket holds the item"). An itemset's support is then counted
among the baskets where none of its items is missing. Each item keeps two
bitsets over the baskets, "present" (the cell is 1) and "missing", packed 64
baskets to a word, so the counts of any itemset or rule are a few AND/OR and
popcount passes over ``n_baskets / 64`` words.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["MissingCells", "pack_columns"]


def pack_columns(cells: np.ndarray) -> np.ndarray:
    """Pack a boolean (n_rows, n_items) array into (n_items, n_words) uint64 bitsets."""
    n_rows, n_items = cells.shape
    n_words = max(1, -(-n_rows // 64))
    padded = np.zeros((n_items, n_words * 64), dtype=bool)
    padded[:, :n_rows] = cells.T
    return np.packbits(padded, axis=1, bitorder="little").view(np.uint64).reshape(n_items, n_words)


@dataclass(frozen=True, eq=False)
class MissingCells:
    """Present and missing cells of a one-hot table, one packed bitset per item code."""

    present: np.ndarray  # (n_items, n_words) uint64: the cell is 1
    missing: np.ndarray  # (n_items, n_words) uint64: the cell is missing
    n_rows: int

    @property
    def missing_per_item(self) -> np.ndarray:
        """Number of baskets where each item is missing."""
        return np.bitwise_count(self.missing).sum(axis=1).astype(np.int64)

    @property
    def observed_per_item(self) -> np.ndarray:
        """Number of baskets where each item is observed (0 or 1)."""
        return self.n_rows - self.missing_per_item

    def itemset_counts(self, ptr: np.ndarray, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per itemset: baskets holding all its items (observed 1), and baskets observing all of them."""
        from crmmine.association._kernels import bitset_itemset_counts

        present, any_missing = bitset_itemset_counts(ptr, items.astype(np.int64), self.present, self.missing)
        return present, self.n_rows - any_missing

    def rule_counts(self, a_ptr: np.ndarray, a_items: np.ndarray, c_ptr: np.ndarray, c_items: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per rule A => C: baskets with A present and a C item missing, with C present and an A item
        missing, and with any item of A or C missing."""
        from crmmine.association._kernels import bitset_rule_counts

        return bitset_rule_counts(a_ptr, a_items.astype(np.int64), c_ptr, c_items.astype(np.int64),
                                  self.present, self.missing)
