"""Column roles for any table: ``columns=`` mapping plus one keyword per role.

Every function that reads a table takes ``columns={"role": "their name"}`` and a
keyword per role it reads (``customer_id="CustomerID"``); keywords override the
mapping, unknown roles raise. Transaction tables use
:class:`crmmine.data.columns.Columns`; other tables (meter readings, card
transactions, call records, applications) declare their roles and defaults and
resolve them here.

Examples
--------
>>> METER_ROLES = {"customer_id": "customer_id", "date": "date", "kwh": "kwh", "feeder": "feeder"}
>>> resolve_roles({"kwh": "consumption"}, METER_ROLES, customer_id="meter")
{'customer_id': 'meter', 'date': 'date', 'kwh': 'consumption', 'feeder': 'feeder'}
>>> resolve_roles({"kw": "x"}, METER_ROLES)
Traceback (most recent call last):
...
crmmine.errors.ParameterError: unknown column role 'kw'; known roles are ['customer_id', 'date', ...
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crmmine.errors import ParameterError

__all__ = ["resolve_roles"]


def resolve_roles(
    columns: Mapping[str, str] | Any | None, defaults: Mapping[str, str], **overrides: str | None
) -> dict[str, str]:
    """Merge defaults, a ``columns`` mapping and keyword overrides into ``{role: column name}``.

    ``columns`` may also be an object with an ``as_dict()`` method (such as
    :class:`crmmine.data.columns.Columns`); ``None`` keyword values are ignored.
    """
    merged = dict(defaults)
    if columns is not None and hasattr(columns, "as_dict"):
        columns = {k: v for k, v in columns.as_dict().items() if k in defaults}
    if columns is not None and not isinstance(columns, Mapping):
        raise ParameterError(
            f"columns must be a mapping of role to column name, got {type(columns).__name__}. "
            "Example: columns={'customer_id': 'CustomerID'}."
        )
    for source in (columns or {}, overrides):
        for role, name in source.items():
            if name is None:
                continue
            if role not in defaults:
                raise ParameterError(
                    f"unknown column role {role!r}; known roles are {list(defaults)}. "
                    f"Fix: map one of those roles, e.g. "
                    f"columns={{{next(iter(defaults))!r}: '<your column>'}}."
                )
            if not isinstance(name, str):
                raise ParameterError(f"column name for role {role!r} must be a string, got {name!r}.")
            merged[role] = name
    return merged
