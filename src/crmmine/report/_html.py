"""Small HTML building blocks for the report: escaped text, tables, inline figures.

Every string that comes from data passes through :func:`html.escape`; figures
are embedded as base64 PNG so the report is one self-contained file.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ReportContext", "Section", "esc", "figure_html", "paragraph", "table_html"]


def esc(value: Any) -> str:
    """HTML-escape any value's string form.

    Examples
    --------
    >>> esc("<b>&</b>")
    '&lt;b&gt;&amp;&lt;/b&gt;'
    """
    return html.escape(str(value), quote=True)


def paragraph(text: str) -> str:
    """An escaped ``<p>`` element."""
    return f"<p>{esc(text)}</p>"


def table_html(frame: pd.DataFrame, *, max_rows: int = 20, float_format: str = "{:,.4g}") -> str:
    """Render a DataFrame as an escaped HTML table (first ``max_rows`` rows).

    Examples
    --------
    >>> print(table_html(pd.DataFrame({"a": ["<x>"]}))[:40])
    <table class="data"><thead><tr><th></th>
    """
    shown = frame.head(max_rows)
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = []
    for idx, row in zip(shown.index, shown.itertuples(index=False)):
        cells = []
        for v in row:
            if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v):
                cells.append("<td></td>")
            elif isinstance(v, (bool, np.bool_)):
                cells.append(f"<td>{esc(v)}</td>")
            elif isinstance(v, (int, np.integer)):
                cells.append(f"<td>{int(v):,}</td>")
            elif isinstance(v, (float, np.floating)):
                cells.append(f"<td>{esc(float_format.format(v))}</td>")
            else:
                cells.append(f"<td>{esc(v)}</td>")
        rows.append(f"<tr><th>{esc(idx)}</th>{''.join(cells)}</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="note">{len(frame) - max_rows:,} more rows not shown.</p>'
    return (
        f'<table class="data"><thead><tr><th></th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{more}"
    )


def figure_html(fig: Figure, *, alt: str = "figure", dpi: int = 90) -> str:
    """Embed a matplotlib figure as an inline base64 PNG ``<img>`` and close it."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<figure><img class="fig" alt="{esc(alt)}" src="data:image/png;base64,{data}"></figure>'


@dataclass
class Section:
    """One section of the HTML report.

    Attributes
    ----------
    title : str
        Section heading (escaped when rendered).
    html : str
        Body, already built from escaped pieces (:func:`esc`, :func:`table_html`,
        :func:`figure_html`).
    n_figures : int
        Number of figures embedded in ``html``.
    """

    title: str
    html: str
    n_figures: int = 0


@dataclass
class ReportContext:
    """What every report section receives.

    Attributes
    ----------
    transactions : DataFrame
        Clean transactions in the default column names (``customer_id``,
        ``order_id``, ``date``, ``amount``, and ``item``/``quantity`` when known).
    summary : DataFrame
        The customer summary at ``as_of`` in ``time_unit``.
    as_of : Timestamp
    time_unit : str
    random_state : int
    cache : dict
        Results one section shares with later ones (e.g. a fitted CLV model).
    """

    transactions: pd.DataFrame
    summary: pd.DataFrame
    as_of: pd.Timestamp
    time_unit: str = "W"
    random_state: int = 0
    cache: dict[str, Any] = field(default_factory=dict)
