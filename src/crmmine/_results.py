"""The result protocol shared by every crmmine result object.

A result is what a function returns when a table alone is not enough (an
evaluation, a fitted segmentation, a cleaning log). Every result offers:

- ``to_frame()``: the main table, one row per customer / rule / item as the
  result's docstring says;
- ``summary()``: a small :class:`pandas.DataFrame` of headline figures;
- a short ``repr``: the class name and a few headline numbers, never every row;
- ``_repr_html_()``: the summary as an HTML table for notebooks;
- ``plot(ax=None, **kwargs)``: a picture on a matplotlib Axes, returned (where a
  picture helps; otherwise a :class:`~crmmine.errors.ParameterError` says so).

Subclasses are usually dataclasses; declare them with ``@dataclass(repr=False)``
so that the short repr of this base class is kept.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmmine._html import esc, table_html
from crmmine.errors import ParameterError

__all__ = ["Result"]


class Result:
    """Base class of crmmine's result objects (see the module docstring)."""

    def to_frame(self) -> pd.DataFrame:
        """The result's main table."""
        raise NotImplementedError

    def summary(self) -> pd.DataFrame:
        """Headline figures as a small DataFrame (by default the first rows of :meth:`to_frame`)."""
        return self.to_frame().head(10)

    def _repr_items(self) -> dict[str, Any]:
        """A few headline values for the repr (override in subclasses)."""
        try:
            frame = self.to_frame()
        except NotImplementedError:
            return {}
        return {"rows": len(frame)}

    def __repr__(self) -> str:
        parts = []
        for key, value in self._repr_items().items():
            if isinstance(value, bool):
                parts.append(f"{key}={value}")
            elif isinstance(value, float):
                parts.append(f"{key}={value:.4g}")
            elif isinstance(value, int):
                parts.append(f"{key}={value:,}")
            else:
                text = repr(value)
                parts.append(f"{key}={text if len(text) <= 40 else text[:37] + '...'}")
        return f"{type(self).__name__}({', '.join(parts)})"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        return f"<div><strong>{esc(repr(self))}</strong>{table_html(self.summary(), max_rows=30)}</div>"

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Draw the result on ``ax`` (a new figure when ``None``) and return the Axes."""
        raise ParameterError(f"{type(self).__name__} has no plot; use to_frame() or summary().")
