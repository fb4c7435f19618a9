"""The cross-selling report section builds from the embedded Online Retail sample."""

from __future__ import annotations

import crmmine as cm
from crmmine.report._html import ReportContext, Section
from crmmine.report.sections.association import report_section


def test_report_section_has_rules_figure_and_offers():
    tx, _ = cm.datasets.load_online_retail_clean()
    ctx = ReportContext(transactions=tx, summary=None, as_of=tx["date"].max(), time_unit="W")
    section = report_section(ctx)
    assert isinstance(section, Section)
    assert section.title == "Cross-selling"
    assert section.n_figures == 1 and section.html.count("<img") == 1
    assert "Top rules by lift" in section.html and "Next best offer" in section.html
    rules = ctx.cache["association_rules"]
    assert len(rules) >= 20 and (rules["confidence"] >= 0.3).all()
    assert set(ctx.cache["recommendations"]["source"]) == {"rule"}


def test_report_section_without_items():
    tx, _ = cm.datasets.load_online_retail_clean()
    ctx = ReportContext(transactions=tx.drop(columns="item"), summary=None, as_of=tx["date"].max())
    section = report_section(ctx)
    assert section.n_figures == 0 and "skipped" in section.html
