"""Labels in English and Chinese (``locale="en"`` or ``locale="zh"``).

crmmine's code and column names are English; labels meant for people (segment
names, tiers, lifecycle stages, actions, report headings) can be shown in
Chinese. Each package keeps its own table of translations and registers it
here; :func:`translate` looks a label up and leaves unknown labels unchanged.

Examples
--------
>>> register({"Champions": "冠军客户"})
>>> translate("Champions", "zh"), translate("Champions", "en"), translate("Unknown", "zh")
('冠军客户', 'Champions', 'Unknown')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from crmmine.errors import ParameterError

__all__ = ["LOCALES", "check_locale", "register", "translate", "translate_all"]

#: Supported locales.
LOCALES = ("en", "zh")

_ZH: dict[str, str] = {}


def check_locale(locale: str) -> str:
    """Return ``locale`` if supported, else raise :class:`ParameterError`."""
    if locale not in LOCALES:
        raise ParameterError(f"locale must be one of {LOCALES}, got {locale!r}.")
    return locale


def register(mapping: Mapping[str, str], locale: str = "zh") -> None:
    """Add translations (English label -> label in ``locale``)."""
    check_locale(locale)
    if locale == "zh":
        _ZH.update(mapping)


def translate(label: Any, locale: str = "en") -> Any:
    """The label in ``locale``; unknown labels and non-strings come back unchanged."""
    check_locale(locale)
    if locale == "en" or not isinstance(label, str):
        return label
    return _ZH.get(label, label)


def translate_all(labels: Iterable[Any], locale: str = "en") -> list[Any]:
    """:func:`translate` over an iterable."""
    return [translate(x, locale) for x in labels]
