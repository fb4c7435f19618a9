"""Alignment of labels, scores and weights on their index, never by position.

Whatever carries an index (a Series of labels, scores, weights or CLVs) is
matched to a table on that index; ids present on one side only raise a
:class:`~crmmine.errors.DataError` that names them. Plain arrays and lists have
no ids: they are accepted only when the lengths match and are then taken in
the table's row order, which is stated in the docstring of every function that
allows it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine.errors import DataError

__all__ = ["align_to", "align_pair"]


def _missing_text(ids: pd.Index, limit: int = 5) -> str:
    shown = ", ".join(repr(x) for x in ids[:limit])
    return f"{len(ids):,} (e.g. {shown})"


def align_to(values: Any, index: pd.Index, *, name: str, target: str = "the table",
             allow_subset: bool = False) -> pd.Series:
    """Return ``values`` as a Series on ``index``, matching by id.

    Parameters
    ----------
    values : Series, DataFrame with one column, array or list
        Labels, scores or weights. A Series is matched on its index; an array or
        list must have one entry per row of ``index`` and is taken in row order.
    index : Index
        The ids of the table the values belong to.
    name : str
        What the values are (used in messages), e.g. ``"y"`` or ``"weights"``.
    target : str
        What ``index`` belongs to, e.g. ``"X"``.
    allow_subset : bool
        Accept a Series that covers only part of ``index`` (missing rows become NaN).

    Raises
    ------
    DataError
        Ids on one side only, or duplicated ids in ``values``.

    Examples
    --------
    >>> idx = pd.Index([10, 20, 30], name="customer_id")
    >>> align_to(pd.Series([1, 0, 1], index=[30, 10, 20]), idx, name="y").tolist()
    [0, 1, 1]
    >>> align_to(pd.Series([1, 0], index=[10, 99]), idx, name="y")
    Traceback (most recent call last):
    ...
    crmmine.errors.DataError: y and the table do not have the same ids: ...
    """
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise DataError(f"{name} must be one column, got {values.shape[1]} columns.")
        values = values.iloc[:, 0]
    if isinstance(values, pd.Series):
        if values.index.has_duplicates:
            dup = values.index[values.index.duplicated()].unique()
            raise DataError(f"{name} has duplicated ids: {_missing_text(dup)}. Fix: one value per id.")
        if values.index.equals(index):
            return values
        extra = values.index.difference(index, sort=False)
        missing = index.difference(values.index, sort=False)
        if len(extra) or (len(missing) and not allow_subset):
            parts = []
            if len(missing):
                parts.append(f"{_missing_text(missing)} ids of {target} are missing from {name}")
            if len(extra):
                parts.append(f"{_missing_text(extra)} ids of {name} are not in {target}")
            raise DataError(
                f"{name} and {target} do not have the same ids: " + "; ".join(parts)
                + f". Fix: give {name} the same index as {target} (values are matched by id, "
                "never by position)."
            )
        return values.reindex(index)
    arr = np.asarray(values)
    if arr.ndim != 1 or arr.shape[0] != len(index):
        raise DataError(
            f"{name} has shape {arr.shape} but {target} has {len(index):,} rows. Fix: pass a Series "
            f"indexed like {target}, or an array with one value per row."
        )
    return pd.Series(arr, index=index, name=name)


def align_pair(
    a: Any, b: Any, *, names: tuple[str, str] = ("y_true", "y_score")
) -> tuple[pd.Series, pd.Series]:
    """Align two value sets with each other (Series on their index, arrays by position).

    Examples
    --------
    >>> y, s = align_pair(pd.Series([1, 0], index=["a", "b"]), pd.Series([0.2, 0.9], index=["b", "a"]))
    >>> s.tolist()
    [0.9, 0.2]
    """
    if isinstance(a, pd.Series | pd.DataFrame):
        first = align_to(a, a.index, name=names[0])
        return first, align_to(b, first.index, name=names[1], target=names[0])
    if isinstance(b, pd.Series | pd.DataFrame):
        second = align_to(b, b.index, name=names[1])
        return align_to(a, second.index, name=names[0], target=names[1]), second
    arr_a, arr_b = np.asarray(a), np.asarray(b)
    if arr_a.shape != arr_b.shape:
        raise DataError(f"{names[0]} has shape {arr_a.shape} but {names[1]} has shape {arr_b.shape}.")
    idx = pd.RangeIndex(arr_a.shape[0])
    return pd.Series(arr_a, index=idx, name=names[0]), pd.Series(arr_b, index=idx, name=names[1])
