"""The shared column-name convention and helpers to resolve user mappings.

crmmine functions take column names as keyword arguments with one default
set (``customer_id``, ``order_id``, ``date``, ``amount``, ``item``,
``quantity``). A user whose columns are named differently maps them once,
either by keyword (``customer_id="CustomerID"``) or with a mapping passed as
``columns={"customer_id": "CustomerID"}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from crmmine._units import time_unit_days
from crmmine.errors import ParameterError, missing_columns_error

__all__ = ["DEFAULT_COLUMNS", "Columns", "resolve_columns", "require_columns", "time_unit_days"]


@dataclass(frozen=True)
class Columns:
    """Names of the transaction columns a function reads.

    Every field defaults to the role's own name; build one with
    :func:`resolve_columns` rather than by hand.

    Parameters
    ----------
    customer_id, order_id, date, amount, item, quantity : str
        Column names in the caller's table.

    See Also
    --------
    resolve_columns : a mapping plus keyword overrides, checked, as a ``Columns``.
    crmmine.datasets.ONLINE_RETAIL_COLUMNS : the mapping of the Online Retail file.

    Examples
    --------
    >>> Columns().customer_id
    'customer_id'
    >>> resolve_columns(customer_id="CustomerID").customer_id
    'CustomerID'
    """

    customer_id: str = "customer_id"
    order_id: str = "order_id"
    date: str = "date"
    amount: str = "amount"
    item: str = "item"
    quantity: str = "quantity"

    def as_dict(self) -> dict[str, str]:
        """Return ``{role: column name}``."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def keywords(self) -> dict[str, str]:
        """Return ``{column name: role keyword}``, for errors that name the keyword to pass."""
        return {column: role for role, column in self.as_dict().items()}


DEFAULT_COLUMNS = Columns()
_ROLES = tuple(f.name for f in fields(Columns))


def resolve_columns(
    columns: Mapping[str, str] | Columns | None = None, **overrides: str | None
) -> Columns:
    """Combine a mapping and keyword overrides into a :class:`Columns`.

    Parameters
    ----------
    columns : mapping or Columns, optional
        ``{role: name}``, e.g. ``{"customer_id": "CustomerID"}``.
    **overrides
        Keyword overrides by role; ``None`` values are ignored.

    Returns
    -------
    Columns

    Raises
    ------
    ParameterError
        If a role is not one of the known roles.

    See Also
    --------
    Columns : the result.
    clean_transactions : one of the many functions that take ``columns=`` and role keywords.

    Examples
    --------
    >>> cols = resolve_columns({"customer_id": "CustomerID", "date": "InvoiceDate"}, date="Day")
    >>> cols.customer_id, cols.date, cols.amount
    ('CustomerID', 'Day', 'amount')
    >>> resolve_columns({"client": "CustomerID"})
    Traceback (most recent call last):
    ...
    crmmine.errors.ParameterError: unknown column role 'client'; known roles are [...]...
    """
    base = DEFAULT_COLUMNS
    if isinstance(columns, Columns):
        base = columns
        columns = None
    merged: dict[str, str] = {}
    for source in (columns or {}, overrides):
        for role, name in source.items():
            if name is None:
                continue
            if role not in _ROLES:
                raise ParameterError(
                    f"unknown column role {role!r}; known roles are {list(_ROLES)}. "
                    f"Fix: map one of those roles, e.g. columns={{'customer_id': 'CustomerID'}}."
                )
            if not isinstance(name, str):
                raise ParameterError(
                    f"column name for {role!r} must be a string, got {type(name).__name__}."
                )
            merged[role] = name
    return replace(base, **merged)


def require_columns(available: Iterable[Any], needed: Iterable[str], *, role: str = "input",
                    parameters: Mapping[str, str] | None = None) -> None:
    """Raise :class:`~crmmine.errors.SchemaError` if any of ``needed`` is missing.

    ``parameters`` maps a needed column to the keyword argument that named it, so the
    error's fix names that keyword (``value=``) rather than the column.

    Examples
    --------
    >>> require_columns(["a", "b"], ["a"])
    >>> require_columns(["CustomerID"], ["customer_id"])
    Traceback (most recent call last):
    ...
    crmmine.errors.SchemaError: input is missing column 'customer_id' (did you mean 'CustomerID'?)...
    """
    available = list(available)
    missing = [c for c in needed if c not in available]
    if missing:
        raise missing_columns_error(missing, available, role=role, parameters=parameters)
