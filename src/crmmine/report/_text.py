"""Words of the report in English and Chinese, and tables shown in the page's language.

The English text is the key: ``t("Churn and retention", "zh")`` gives its Chinese form, and a
template such as ``t("{n:,} customers", locale, n=10)`` is translated first and then filled.
A key without a Chinese form falls back to English and is recorded in :data:`MISSING` (the
tests build a Chinese report and require it to stay empty). Labels that the analysis packages
translate (segments, tiers, stages, actions) come from :mod:`crmmine._i18n`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmmine._html import table_html
from crmmine._i18n import translate
from crmmine._units import time_unit_days, time_unit_label
from crmmine.report._zh import COLUMNS_ZH, UNITS_ZH, ZH

__all__ = ["MISSING", "column", "show_table", "t", "unit_words"]

#: English keys asked for in Chinese that have no translation (a test keeps it empty).
MISSING: set[str] = set()


def t(text: str, locale: str, /, **values: Any) -> str:
    """``text`` in ``locale``, with ``values`` filled in (``str.format``).

    Examples
    --------
    >>> t("{n:,} customers", "en", n=1200)
    '1,200 customers'
    >>> t("Churn and retention", "zh")
    '客户流失与挽留'
    """
    if locale == "zh":
        zh = ZH.get(text)
        if zh is None:
            MISSING.add(text)
        else:
            text = zh
    return text.format(**values) if values else text


def unit_words(time_unit: str | float, locale: str) -> str:
    """The time unit as a word for tables and sentences ("weeks", "周", "14-day periods").

    Examples
    --------
    >>> unit_words("W", "en"), unit_words("W", "zh"), unit_words("14D", "zh")
    ('weeks', '周', '14天')
    """
    words = time_unit_label(time_unit)
    if locale != "zh":
        return words
    if words in UNITS_ZH:
        return UNITS_ZH[words]
    return f"{time_unit_days(time_unit):g}天"


def column(name: Any, locale: str) -> Any:
    """A column label in ``locale`` (unknown labels unchanged; recorded in :data:`MISSING`)."""
    if locale != "zh" or not isinstance(name, str):
        return name
    if name in COLUMNS_ZH:
        return COLUMNS_ZH[name]
    zh = translate(name, "zh")
    if zh == name and not _is_code(name):
        MISSING.add(name)
    return zh


def _is_code(name: str) -> bool:
    """Labels that stay as they are in every language (model and measure names, R/F/M codes)."""
    return name.isupper() or name in _CODES or any(ch >= "\u4e00" for ch in name)


_CODES = {"BG/NBD", "Pareto/NBD", "MBG/NBD", "r", "alpha", "a", "b", "s", "beta", "p", "q", "gamma"}


def _is_id(name: Any) -> bool:
    text = str(name)
    low = text.lower()
    return low == "id" or low.endswith(("_id", " id")) or text.endswith(("ID", "Id"))


def show_table(
    frame: pd.DataFrame | pd.Series,
    locale: str,
    *,
    max_rows: int = 20,
    labels: tuple[str, ...] = (),
    index_labels: bool = False,
    index: bool | None = None,
    translate_columns: bool = True,
) -> str:
    """:func:`crmmine._html.table_html` in the page's language.

    Identifiers (the index and columns named ``*_id``) are shown as written, without
    thousands separators, in every language; column names are translated with
    :func:`column`; the values of the columns in ``labels`` (and of the index with
    ``index_labels=True``) are translated with :func:`crmmine._i18n.translate` (segment,
    tier, stage names). ``translate_columns=False`` keeps the column names as they are (rows of
    the user's own table). Row numbers (a 0..n-1 index, or an unnamed integer index) are never shown.
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    out = frame.copy()
    if index is None:  # row numbers (an unnamed integer index, sorted or not) are not shown
        index = not (out.index.name is None and pd.api.types.is_integer_dtype(out.index))
    if _is_id(out.index.name):
        out.index = out.index.astype(str)
    for name in out.columns:
        if _is_id(name):
            out[name] = out[name].map(lambda v: "" if pd.isna(v) else str(v))
    if locale == "zh":
        for name in labels:
            if name in out.columns:
                out[name] = out[name].map(lambda v: translate(v, "zh") if isinstance(v, str) else v)
        if index_labels:
            out.index = pd.Index([translate(v, "zh") if isinstance(v, str) else v for v in out.index],
                                 name=out.index.name)
        if translate_columns:
            out.columns = [column(c, locale) for c in out.columns]
            out.index.name = column(out.index.name, locale) if out.index.name is not None else None
    return table_html(out, max_rows=max_rows, index=index)
