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

from crmmine.errors import ParameterError, missing_columns_error

__all__ = ["DEFAULT_COLUMNS", "Columns", "resolve_columns", "require_columns", "time_unit_days"]


@dataclass(frozen=True)
class Columns:
    """Names of the transaction columns a function reads.

    Attributes
    ----------
    customer_id, order_id, date, amount, item, quantity : str
        Column names in the caller's table.

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


def require_columns(available: Iterable[Any], needed: Iterable[str], *, role: str = "input") -> None:
    """Raise :class:`~crmmine.errors.SchemaError` if any of ``needed`` is missing.

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
        raise missing_columns_error(missing, available, role=role)


_UNIT_DAYS = {
    "H": 1.0 / 24.0,
    "D": 1.0,
    "W": 7.0,
    "M": 365.25 / 12.0,
    "Q": 365.25 / 4.0,
    "Y": 365.25,
}


def time_unit_days(time_unit: str | float) -> float:
    """Length of a time unit in days.

    ``"D"`` is a day, ``"W"`` seven days, ``"M"`` an average Gregorian month
    (365.25 / 12 = 30.4375 days), ``"Q"`` a quarter, ``"Y"`` 365.25 days,
    ``"H"`` an hour. A string such as ``"14D"`` or ``"2W"`` multiplies a unit;
    a number is taken as days.

    Examples
    --------
    >>> time_unit_days("W")
    7.0
    >>> time_unit_days("14D")
    14.0
    >>> time_unit_days("M")
    30.4375
    """
    if isinstance(time_unit, (int, float)) and not isinstance(time_unit, bool):
        if time_unit <= 0:
            raise ParameterError(f"time_unit must be positive, got {time_unit}.")
        return float(time_unit)
    if not isinstance(time_unit, str) or not time_unit:
        raise ParameterError(f"time_unit must be a string such as 'D' or 'W', got {time_unit!r}.")
    text = time_unit.strip().upper()
    digits = ""
    while text and (text[0].isdigit() or text[0] == "."):
        digits += text[0]
        text = text[1:]
    if text not in _UNIT_DAYS:
        raise ParameterError(
            f"unknown time_unit {time_unit!r}; use one of {list(_UNIT_DAYS)} optionally "
            f"prefixed by a count such as '14D', or a number of days."
        )
    mult = float(digits) if digits else 1.0
    if mult <= 0:
        raise ParameterError(f"time_unit must be positive, got {time_unit!r}.")
    return mult * _UNIT_DAYS[text]
