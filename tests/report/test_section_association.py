"""The cross-selling section: rules, offers, sequential rules with time to the next purchase, up-sell."""

from __future__ import annotations

import crmmine as cm
from crmmine.report import ReportContext, Section
from crmmine.report.sections.association import report_section, upsell_part


def test_report_section_has_rules_sequences_and_upsell():
    tx, _ = cm.datasets.load_online_retail_clean()
    ctx = ReportContext.from_transactions(tx)
    section = report_section(ctx)
    assert isinstance(section, Section) and section.key == "association"
    assert section.n_figures == 1 and section.html.count("<img") == 1
    for part in ("Top rules by lift", "Next best offer", "Sequential rules", "days_median",
                 "Up-sell targets"):
        assert part in section.html
    assert len(ctx.association_rules) >= 15 and (ctx.association_rules["confidence"] >= 0.3).all()
    assert set(ctx.recommendations["source"]) == {"rule"}


def test_report_section_without_items():
    tx, _ = cm.datasets.load_online_retail_clean()
    ctx = ReportContext.from_transactions(tx.drop(columns="item"))
    section = report_section(ctx)
    assert section.n_figures == 0 and "skipped" in section.html


def test_upsell_needs_a_category_or_descriptions():
    tx, _ = cm.datasets.load_online_retail_clean()
    ctx = ReportContext.from_transactions(tx.drop(columns="Description"))
    assert "pass category= (--category COLUMN)" in upsell_part(ctx)
    ctx = ReportContext.from_transactions(tx.assign(family=tx["item"].str[:2]).drop(columns="Description"),
                                          category="family")
    html = upsell_part(ctx)
    assert "Categories: family;" in html and "<th>expected_gain</th>" in html
