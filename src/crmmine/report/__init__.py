"""The one-page HTML report and the ``crmmine report`` command.

The report sits on top of crmmine: its sections (``crmmine.report.sections``) call the public
API of the analysis packages, and nothing below imports the report.
"""

from crmmine.report._engine import DUCKDB_MIN_ROWS, ENGINE_SAMPLE_SIZE
from crmmine.report._figures import cjk_font
from crmmine.report.build import SECTIONS, Report, SectionSpec, build_report, write_report
from crmmine.report.context import ReportContext, ReportSettings, SampleInfo, Section

__all__ = [
    "DUCKDB_MIN_ROWS",
    "ENGINE_SAMPLE_SIZE",
    "SECTIONS",
    "Report",
    "ReportContext",
    "ReportSettings",
    "SampleInfo",
    "Section",
    "SectionSpec",
    "build_report",
    "cjk_font",
    "write_report",
]
