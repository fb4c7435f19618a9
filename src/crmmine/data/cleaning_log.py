"""The record of what :func:`crmmine.clean_transactions` removed, changed or kept, and why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crmmine._results import Result

__all__ = ["CleaningLog"]


@dataclass(repr=False)
class CleaningLog(Result):
    """What :func:`~crmmine.clean_transactions` removed or changed, and why.

    A result object (``to_frame``, ``summary``, short repr, ``_repr_html_``); the
    fields below are its attributes.

    Parameters
    ----------
    n_input : int
        Rows in the raw table.
    n_output : int
        Rows in the clean table.
    steps : list of dict
        One entry per rule, in the order applied: ``reason``, ``action``
        (``"removed"``, ``"moved to returns"``, ``"kept"``, ``"kept as negative
        lines"`` or ``"changed"``), ``rows`` and ``customers`` affected
        (``None`` where the rule concerns rows without a known customer).
        ``"changed"`` entries record interpretations (dates read as
        ``YYYYMMDD``, converted to UTC, read day-first; ids written as floats
        made whole numbers) and do not remove rows.
    examples : dict
        Up to five example rows (in the raw table's columns) per reason.
    returns : table or None
        The return/cancellation lines under ``returns="separate"``, in the
        input's backend.
    policy : dict
        The parameters the cleaning ran with.
    customers_input, customers_output : int
        Distinct customer ids in the raw table (ignoring missing ids) and in
        the clean table; the difference is the number of customers all of
        whose rows were removed.

    See Also
    --------
    clean_transactions : the cleaning that writes the log.
    crmmine.datasets.load_online_retail_clean : Online Retail cleaned, with its log.

    Examples
    --------
    >>> log = CleaningLog(n_input=3, n_output=2, customers_input=2, customers_output=2,
    ...                   steps=[{"reason": "exact duplicate rows", "action": "removed",
    ...                           "rows": 1, "customers": 1}])
    >>> log
    CleaningLog(rows_in=3, rows_out=2, removed=1, changed=0)
    >>> log.summary()["rows"].tolist()
    [3, 1, 2]
    """

    n_input: int
    n_output: int = 0
    steps: list[dict] = field(default_factory=list)
    examples: dict[str, pd.DataFrame] = field(default_factory=dict)
    returns: Any = None
    policy: dict = field(default_factory=dict)
    customers_input: int | None = None
    customers_output: int | None = None

    def _add(self, reason: str, action: str, rows: int, customers: int | None,
             examples: pd.DataFrame | None = None) -> None:
        self.steps.append({"reason": reason, "action": action, "rows": int(rows),
                           "customers": None if customers is None else int(customers)})
        if examples is not None and len(examples):
            self.examples[reason] = examples

    @property
    def n_removed(self) -> int:
        """Rows removed (or moved to ``returns``) by all rules together."""
        return sum(s["rows"] for s in self.steps if s["action"] in ("removed", "moved to returns"))

    @property
    def n_changed(self) -> int:
        """Rows whose values were interpreted or converted (``"changed"`` entries)."""
        return sum(s["rows"] for s in self.steps if s["action"] == "changed")

    def to_frame(self) -> pd.DataFrame:
        """One row per rule with the number of rows and customers affected.

        ``customers`` is missing where the rule does not concern known customers
        (rows without a customer id). ``attrs`` holds ``n_input`` and ``n_output``
        (for information).
        """
        frame = pd.DataFrame(self.steps, columns=["reason", "action", "rows", "customers"])
        frame["rows"] = frame["rows"].astype("int64")
        frame["customers"] = frame["customers"].astype("Int64")
        frame.attrs.update({"n_input": self.n_input, "n_output": self.n_output})
        return frame

    def summary(self) -> pd.DataFrame:
        """The raw rows, each rule, and the clean rows, as one small table indexed by step."""
        rows = [{"step": "raw rows", "action": "input", "rows": self.n_input,
                 "customers": self.customers_input}]
        rows += [{"step": s["reason"], "action": s["action"], "rows": s["rows"],
                  "customers": s["customers"]} for s in self.steps]
        lost = None
        if self.customers_input is not None and self.customers_output is not None:
            lost = self.customers_input - self.customers_output
        if lost:
            rows.append({"step": "customers with no clean row left", "action": "removed",
                         "rows": None, "customers": lost})
        rows.append({"step": "clean rows", "action": "output", "rows": self.n_output,
                     "customers": self.customers_output})
        frame = pd.DataFrame(rows).set_index("step")
        frame["rows"] = frame["rows"].astype("Int64")
        frame["customers"] = frame["customers"].astype("Int64")
        return frame

    def to_text(self) -> str:
        """A short text account of the cleaning (one line per rule).

        Examples
        --------
        >>> print(CleaningLog(n_input=3, n_output=2, steps=[{"reason": "exact duplicate rows",
        ...       "action": "removed", "rows": 1, "customers": 1}]).to_text())
        3 rows in, 2 rows out
          exact duplicate rows: 1 rows removed
        """
        lines = [f"{self.n_input:,} rows in, {self.n_output:,} rows out"]
        for s in self.steps:
            lines.append(f"  {s['reason']}: {s['rows']:,} rows {s['action']}")
        return "\n".join(lines)

    def _repr_items(self) -> dict[str, Any]:
        return {"rows_in": self.n_input, "rows_out": self.n_output, "removed": self.n_removed,
                "changed": self.n_changed}
