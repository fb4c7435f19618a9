"""Figures of the report: a CJK font for Chinese labels (when one is installed), readable date axes.

matplotlib draws a character its font lacks as an empty box ("tofu"). Chinese figure text is
therefore used only when :func:`cjk_font` finds an installed font that has Chinese glyphs;
otherwise figures keep English text and the page says so (:func:`figure_locale`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

__all__ = ["cjk_font", "date_axis", "figure_locale", "figure_style"]

#: Families known to carry Chinese glyphs, tried first (their glyph coverage is still checked).
_KNOWN_CJK = (
    "Noto Sans CJK SC", "Noto Sans CJK", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Droid Sans Fallback", "SimHei", "Microsoft YaHei",
    "PingFang SC", "Heiti SC", "STHeiti", "AR PL UMing CN", "AR PL UKai CN", "Arial Unicode MS",
)
#: Characters a font must draw to count as a Chinese font (from the report's own labels).
_PROBE = "客户价值流失"
#: Unassigned code points: a font that maps them (a fallback such as "Last Resort", which draws
#: a placeholder box for every character) has no real Chinese glyphs.
_UNASSIGNED = (0x0378, 0x0379, 0x05FF)


def _has_glyphs(path: str) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    if any(cp in charmap for cp in _UNASSIGNED):
        return False
    return all(ord(ch) in charmap for ch in _PROBE)


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of an installed font with Chinese glyphs, or None.

    Looks at the fonts matplotlib knows (``matplotlib.font_manager.fontManager``): the usual
    Chinese families first, then every other font, and keeps the first whose character map
    holds a few common Chinese characters. The answer is cached for the process.

    Examples
    --------
    >>> cjk_font() is None or isinstance(cjk_font(), str)
    True
    """
    from matplotlib import font_manager

    entries = list(font_manager.fontManager.ttflist)
    rank = {name: i for i, name in enumerate(_KNOWN_CJK)}
    entries.sort(key=lambda f: rank.get(f.name, len(rank)))
    checked: set[str] = set()
    for entry in entries:
        if entry.fname in checked:
            continue
        checked.add(entry.fname)
        if _has_glyphs(entry.fname):
            return entry.name
    return None


def figure_locale(locale: str) -> str:
    """The language of figure text: ``locale``, or ``"en"`` when Chinese has no font to draw it."""
    if locale == "zh" and cjk_font() is None:
        return "en"
    return locale


@contextmanager
def figure_style(locale: str) -> Iterator[None]:
    """matplotlib settings of the report's figures (a CJK font first for Chinese text)."""
    import matplotlib

    rc: dict[str, Any] = {"axes.titlesize": 10, "axes.labelsize": 9, "xtick.labelsize": 8,
                          "ytick.labelsize": 8, "legend.fontsize": 8}
    font = cjk_font() if locale == "zh" else None
    if font is not None:
        rc["font.family"] = "sans-serif"
        rc["font.sans-serif"] = [font, *matplotlib.rcParams["font.sans-serif"]]
        rc["axes.unicode_minus"] = False
    with matplotlib.rc_context(rc):
        yield


def date_axis(ax: Any, *, max_ticks: int = 7) -> Any:
    """Give a date x-axis a few ticks with concise labels so that they never overlap."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    for label in ax.get_xticklabels():
        label.set_rotation(0)
        label.set_horizontalalignment("center")
    return ax
