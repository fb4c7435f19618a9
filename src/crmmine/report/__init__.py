"""The one-page HTML report and the ``crmmine report`` command."""

from crmmine.report._html import ReportContext, Section
from crmmine.report.build import SECTIONS, Report, build_report, write_report

__all__ = ["SECTIONS", "Report", "ReportContext", "Section", "build_report", "write_report"]
