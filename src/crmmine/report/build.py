"""Build the one-page HTML report: data quality, customer summary, one section per module."""

from __future__ import annotations

import datetime as _dt
import importlib
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from crmmine.data.clean import CleaningLog, clean_transactions
from crmmine.data.summary import customer_summary
from crmmine.report._html import ReportContext, Section, esc, figure_html, paragraph, table_html

__all__ = ["SECTIONS", "Report", "build_report", "write_report"]

#: Module sections in report order: (title, "module:function").
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Segmentation", "crmmine.report.sections.segmentation:report_section"),
    ("Customer lifetime value", "crmmine.report.sections.value:report_section"),
    ("Cross-selling", "crmmine.report.sections.association:report_section"),
    ("Fraud and anomalies", "crmmine.report.sections.anomaly:report_section"),
    ("Churn and retention", "crmmine.report.sections.churn:report_section"),
)


@dataclass
class Report:
    """A built report.

    Attributes
    ----------
    html : str
        The self-contained page.
    sections : list of Section
    errors : dict
        Section title -> error text, for sections that failed.
    timings : dict
        Seconds per section.
    """

    html: str
    sections: list[Section] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def n_figures(self) -> int:
        """Number of figures in the page."""
        return sum(s.n_figures for s in self.sections)

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        return out


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[crmmine] {message}", file=sys.stderr, flush=True)


def _quality_section(log: CleaningLog, tx: pd.DataFrame) -> Section:
    parts = [paragraph(
        f"{log.n_input:,} raw rows; {log.n_output:,} clean rows; "
        f"{tx['customer_id'].nunique():,} customers; {tx['order_id'].nunique():,} orders from "
        f"{tx['date'].min():%Y-%m-%d} to {tx['date'].max():%Y-%m-%d}. Returns policy: "
        f"{log.policy.get('returns')}."
    ), table_html(log.to_frame(), max_rows=30)]
    for reason, rows in log.examples.items():
        parts.append(f"<details><summary>Examples: {esc(reason)}</summary>"
                     f"{table_html(rows, max_rows=5)}</details>")
    return Section("Data quality", "".join(parts))


def _summary_section(summary: pd.DataFrame, time_unit: str) -> Section:
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(12, 3.2))
    specs = (("frequency", "repeat purchases", False),
             ("since_last", f"time since last purchase ({time_unit})", False),
             ("monetary", "total spend (log scale)", True))
    for ax, (col, label, logx) in zip(axes, specs):
        values = summary[col].to_numpy(dtype="float64")
        if logx:
            values = np.log10(np.clip(values, 1e-2, None))
            label += " [log10]"
        ax.hist(values, bins=40, color="#3b6ea8")
        ax.set_xlabel(label)
        ax.set_ylabel("customers")
    fig.suptitle("Customer summary distributions")
    fig.tight_layout()
    desc = summary[["orders", "frequency", "recency", "T", "since_last", "monetary",
                    "monetary_mean"]].describe().T
    fig2, ax2 = plt.subplots(figsize=(6, 3.2))
    daily = summary.groupby(summary["first_purchase"].dt.to_period("M")).size()
    ax2.bar(daily.index.astype(str), daily.to_numpy(), color="#7a9e3b")
    ax2.set_title("New customers by month of first purchase")
    ax2.tick_params(axis="x", rotation=60, labelsize=7)
    ax2.set_ylabel("customers")
    html = (paragraph(f"{len(summary):,} customers at as_of; time unit {time_unit}.")
            + table_html(desc) + figure_html(fig, alt="summary distributions")
            + figure_html(fig2, alt="new customers by month"))
    return Section("Customer summary", html, n_figures=2)


def _load_section(target: str) -> Callable[[ReportContext], Section] | None:
    module_name, func = target.split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None
        raise
    return getattr(module, func, None)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2733;
background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
nav{padding:8px 32px;background:#e8edf3}nav a{margin-right:16px;color:#1f3a5f}
main{padding:8px 32px 48px}section{background:#fff;border-radius:6px;padding:12px 20px;
margin:16px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}h2{color:#1f3a5f}
table.data{border-collapse:collapse;font-size:12px;margin:8px 0}
table.data td,table.data th{border:1px solid #d5dbe3;padding:3px 7px;text-align:right}
table.data thead th{background:#eef2f7}img.fig{max-width:100%}
.error{background:#fdecea;border-left:4px solid #c62828;padding:8px}.note{color:#667;font-size:12px}
"""

_JS = """
document.addEventListener('DOMContentLoaded', function () {
  var nav = document.getElementById('toc');
  document.querySelectorAll('main section h2').forEach(function (h, i) {
    var id = 's' + i; h.parentElement.id = id;
    var a = document.createElement('a'); a.href = '#' + id; a.textContent = h.textContent;
    nav.appendChild(a);
  });
  document.body.setAttribute('data-ready', 'yes');
});
"""


def _page(title: str, subtitle: str, sections: list[Section]) -> str:
    body = "".join(f"<section><h2>{esc(s.title)}</h2>{s.html}</section>" for s in sections)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><div>{esc(subtitle)}</div></header>"
        f"<nav id='toc'></nav><main>{body}</main><script>{_JS}</script></body></html>"
    )


def build_report(
    raw: pd.DataFrame,
    *,
    as_of: str | pd.Timestamp | None = None,
    time_unit: str = "W",
    columns: Mapping[str, str] | None = None,
    unit_price: str | None = None,
    returns: str = "drop",
    bad_dates: str = "drop",
    bad_amounts: str = "raise",
    date_format: str | None = None,
    dayfirst: bool | None = None,
    sections: Iterable[str] | None = None,
    random_state: int = 0,
    title: str = "crmmine customer analytics report",
    progress: bool = False,
) -> Report:
    """Run the whole analysis on a raw transaction log and build the HTML report.

    Parameters
    ----------
    raw : DataFrame
        The raw log (cleaned here with :func:`crmmine.clean_transactions`).
    as_of : date-like, optional
        Reference date; defaults to the last transaction date.
    time_unit : str
        Time unit of the customer summary (``"W"`` by default).
    columns : mapping, optional
        Column names by role, e.g. ``crmmine.datasets.ONLINE_RETAIL_COLUMNS``.
    unit_price : str, optional
        Unit-price column; when given ``amount = quantity * unit price``.
    returns : {"drop", "net", "separate"}
        Returns policy of the cleaning.
    bad_dates, bad_amounts, date_format, dayfirst
        Passed to :func:`crmmine.clean_transactions`. The report drops rows
        with a missing or unparseable date by default (``bad_dates="drop"``;
        they are counted in the data-quality table) so that one bad date does
        not abort the whole report.
    sections : iterable of str, optional
        Titles of the module sections to include (default: all available).
    random_state : int
        Seed passed to every random step.
    title : str
    progress : bool
        Print progress lines to standard error.

    Returns
    -------
    Report
        ``.html``, ``.sections``, ``.errors`` (sections that failed, with
        their error, also shown in the page) and ``.write(path)``.

    Examples
    --------
    >>> import crmmine as cm
    >>> raw = cm.datasets.load_online_retail()
    >>> rep = build_report(raw.head(3000), columns=cm.datasets.ONLINE_RETAIL_COLUMNS,
    ...                    unit_price="UnitPrice", sections=[])
    >>> rep.n_figures >= 2 and "<script>" in rep.html
    True
    """
    started = time.perf_counter()
    _progress(progress, f"cleaning {len(raw):,} rows (returns={returns!r})")
    tx, log = clean_transactions(raw, columns=columns, unit_price=unit_price, returns=returns,
                                 bad_dates=bad_dates, bad_amounts=bad_amounts,
                                 date_format=date_format, dayfirst=dayfirst)
    as_of_ts = pd.Timestamp(as_of) if as_of is not None else tx["date"].max().normalize()
    _progress(progress, f"customer summary at {as_of_ts.date()} in unit {time_unit!r}")
    summary = customer_summary(tx, as_of=as_of_ts, time_unit=time_unit, future="ignore",
                               returns="net" if returns == "net" else "raise")
    ctx = ReportContext(transactions=tx[tx["date"] < as_of_ts + pd.Timedelta(days=1)],
                        summary=summary, as_of=as_of_ts, time_unit=time_unit,
                        random_state=random_state)
    built = [_quality_section(log, tx), _summary_section(summary, time_unit)]
    report = Report(html="")
    wanted = None if sections is None else set(sections)
    for name, target in SECTIONS:
        if wanted is not None and name not in wanted:
            continue
        func = _load_section(target)
        if func is None:
            continue
        _progress(progress, f"section: {name}")
        t0 = time.perf_counter()
        try:
            section = func(ctx)
        except Exception as exc:  # a failing section is shown, not hidden
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            report.errors[name] = detail
            section = Section(name, f"<div class='error'>This section failed: {esc(detail)}</div>")
        report.timings[name] = time.perf_counter() - t0
        built.append(section)
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    subtitle = (f"as of {as_of_ts.date()} - {len(summary):,} customers - generated {stamp} "
                f"in {time.perf_counter() - started:.1f} s")
    report.sections = built
    report.html = _page(title, subtitle, built)
    return report


def write_report(raw: pd.DataFrame, output: str | Path = "report.html", **kwargs) -> Report:
    """Build the report (see :func:`build_report`) and write it to ``output``."""
    report = build_report(raw, **kwargs)
    report.write(output)
    return report
