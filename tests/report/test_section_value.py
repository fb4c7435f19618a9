"""The value section of the report on the embedded Online Retail sample."""

from __future__ import annotations

import crmmine as cm
from crmmine.report._html import ReportContext
from crmmine.report.sections.value import report_section


def test_value_section_has_figures_and_caches_clv():
    tx, _ = cm.datasets.load_online_retail_clean()
    as_of = tx["date"].max().normalize() + __import__("pandas").Timedelta(days=1)
    summary = cm.customer_summary(tx, as_of=as_of, time_unit="W")
    ctx = ReportContext(transactions=tx, summary=summary, as_of=as_of)
    section = report_section(ctx)
    assert section.n_figures == 2
    assert "Holdout check:" in section.html and "skipped" not in section.html
    assert ctx.cache["clv"].index.equals(summary.index)
    assert (ctx.cache["clv"]["clv"] >= 0).all()


def test_cdnow_example_runs(shared_data, run_example):
    assert "Holdout (39 weeks)" in run_example("value_cdnow.py")
