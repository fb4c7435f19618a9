"""Report sections and their context; the HTML helpers live in :mod:`crmmine._html`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from crmmine._html import esc, figure_html, format_number, paragraph, table_html

__all__ = ["ReportContext", "Section", "esc", "figure_html", "format_number", "paragraph", "table_html"]


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
