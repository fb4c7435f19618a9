"""Small pieces every section uses: headings, notes, warning boxes, the sample caveat."""

from __future__ import annotations

from collections.abc import Iterable

from crmmine._html import esc, paragraph
from crmmine.report._text import t
from crmmine.report.context import ReportContext

__all__ = ["heading", "note", "sample_note", "warning_box"]


def heading(text: str) -> str:
    """An escaped ``<h3>``."""
    return f"<h3>{esc(text)}</h3>"


def note(text: str) -> str:
    """A small-print paragraph."""
    return paragraph(text, css_class="note")


def warning_box(messages: Iterable[str], locale: str, *, title: str | None = None) -> str:
    """A visible box listing warnings (empty string when there are none)."""
    items = [m for m in dict.fromkeys(messages) if m]
    if not items:
        return ""
    head = title if title is not None else t("Read these numbers with care:", locale)
    body = "".join(f"<li>{esc(m)}</li>" for m in items)
    return f"<div class='warning'><strong>{esc(head)}</strong><ul>{body}</ul></div>"


def sample_note(ctx: ReportContext) -> str:
    """A paragraph saying that the section sees a sample of the customers (or nothing)."""
    info = ctx.sample
    if info is None or not info.sampled:
        return ""
    return paragraph(
        t("This section analyses a random sample of {n:,} of the {total:,} customers (seed {seed}); "
          "counts and totals here are the sample's.", ctx.locale, n=info.n_sampled,
          total=info.n_customers, seed=info.random_state),
        css_class="note",
    )
