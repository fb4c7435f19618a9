"""Small HTML building blocks shared by result objects and the report.

This module sits at the bottom of the package: it imports nothing from crmmine,
so that the ``_repr_html_`` methods of results in any analysis package and the
report on top can both use it. Every string that comes from data passes
through :func:`html.escape`; figures are embedded as base64 PNG so that a page
is one self-contained file.

Numbers are written for people: thousands separators, no scientific notation
for amounts, identifiers (the index and columns whose name ends in ``id``)
without separators, and a plain 0..n-1 index is not shown.
"""

from __future__ import annotations

import base64
import html
import io
import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["esc", "figure_html", "format_number", "paragraph", "table_html"]


def esc(value: Any) -> str:
    """HTML-escape any value's string form.

    Examples
    --------
    >>> esc("<b>&</b>")
    '&lt;b&gt;&amp;&lt;/b&gt;'
    """
    return html.escape(str(value), quote=True)


def paragraph(text: str, *, css_class: str | None = None) -> str:
    """An escaped ``<p>`` element, optionally with a CSS class (``"note"``, ``"warning"``)."""
    cls = f' class="{esc(css_class)}"' if css_class else ""
    return f"<p{cls}>{esc(text)}</p>"


def format_number(value: Any) -> str:
    """Format a number for a business table.

    Integers get thousands separators; amounts of 1,000 or more are rounded to
    whole units; amounts from 1 to 1,000 keep two decimals; smaller numbers keep
    three significant digits; scientific notation appears only below 1e-4.

    Examples
    --------
    >>> [format_number(v) for v in (23571.2, 8830, 12.345, 0.01234, 0.0, -1500.5, 3e-7)]
    ['23,571', '8,830', '12.35', '0.0123', '0', '-1,500', '3e-07']
    """
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    v = float(value)
    if not math.isfinite(v):
        return str(v)
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 1:
        return f"{v:,.2f}"
    if a >= 1e-4:
        return f"{v:.3g}"
    return f"{v:.1g}"


def _is_missing(v: Any) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _cell(v: Any, *, is_id: bool) -> str:
    if _is_missing(v):
        return "<td></td>"
    if is_id or isinstance(v, str):
        return f"<td>{esc(v)}</td>"
    if isinstance(v, bool | np.bool_ | int | np.integer | float | np.floating):
        return f"<td>{esc(format_number(v))}</td>"
    if isinstance(v, pd.Timestamp):
        text = v.strftime("%Y-%m-%d") if v == v.normalize() else v.strftime("%Y-%m-%d %H:%M")
        return f"<td>{esc(text)}</td>"
    return f"<td>{esc(v)}</td>"


def _is_id_name(name: Any) -> bool:
    text = str(name)
    low = text.lower()
    return low == "id" or low.endswith(("_id", " id")) or text.endswith(("ID", "Id"))


def table_html(frame: pd.DataFrame | pd.Series, *, max_rows: int = 20, index: bool | None = None) -> str:
    """Render a table as escaped HTML (first ``max_rows`` rows) with readable numbers.

    Parameters
    ----------
    frame : DataFrame or Series
    max_rows : int
        Rows shown; a note counts the rest.
    index : bool, optional
        Show the index; by default it is shown unless it is unnamed integer row numbers (a
        named index such as ``customer_id`` is always shown, even when pandas stores it as a
        range).

    Examples
    --------
    >>> t = table_html(pd.DataFrame({"customer_id": [8830], "clv": [23571.2]}))
    >>> "8830" in t and "23,571" in t and "<th>0</th>" not in t
    True
    >>> two = pd.DataFrame({"clv": [1.0, 2.0]}, index=pd.Index([16446, 12415], name="customer_id"))
    >>> "<th>16446</th>" in table_html(two)
    True
    """
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    if index is None:
        index = not (frame.index.name is None and pd.api.types.is_integer_dtype(frame.index))
    shown = frame.head(max_rows)
    id_index = _is_id_name(shown.index.name) or not pd.api.types.is_float_dtype(shown.index)
    id_cols = [_is_id_name(c) for c in shown.columns]
    corner = f"<th>{esc(shown.index.name or '')}</th>" if index else ""
    head = "".join(f"<th>{esc(c)}</th>" for c in shown.columns)
    rows = []
    for idx, row in zip(shown.index, shown.itertuples(index=False)):
        cells = "".join(_cell(v, is_id=is_id) for v, is_id in zip(row, id_cols))
        label = _cell(idx, is_id=id_index).replace("<td>", "<th>").replace("</td>", "</th>")
        rows.append(f"<tr>{label if index else ''}{cells}</tr>")
    more = ""
    if len(frame) > max_rows:
        more = f'<p class="note">{len(frame) - max_rows:,} more rows not shown.</p>'
    return (
        f'<table class="data"><thead><tr>{corner}{head}</tr></thead>'
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
