"""Build the one-page HTML report: settings, data quality, the customer summary, one section per
analysis package, and the optional credit and satisfaction sections."""

from __future__ import annotations

import datetime as _dt
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from crmmine._backend import backend_of
from crmmine._html import esc
from crmmine._params import Interval, Options, check_params
from crmmine._results import Result
from crmmine.errors import CRMMineWarning, ParameterError
from crmmine.report._engine import Prepared, prepare
from crmmine.report._figures import figure_locale
from crmmine.report._text import t
from crmmine.report.context import ReportContext, ReportSettings, SampleInfo, Section
from crmmine.report.sections import anomaly, association, churn, credit, segmentation, survey, value
from crmmine.report.sections._util import note, warning_box
from crmmine.report.sections.data import quality_section, settings_section, summary_section

__all__ = ["SECTIONS", "Report", "SectionSpec", "build_report", "write_report"]


@dataclass(frozen=True)
class SectionSpec:
    """A module section: its key (for ``sections=``), its title, its builder, and the input it needs.

    :data:`SECTIONS` lists the report's module sections as ``SectionSpec`` objects, in report
    order; :func:`build_report` calls each builder with the shared :class:`ReportContext`.

    Parameters
    ----------
    key : str
        Short name of the section, used by ``build_report(sections=[...])`` and
        ``crmmine report --sections`` (``"segmentation"``, ``"value"``, ``"churn"``, ...).
    title : str
        English heading, translated to the page's locale; shown with the error when the
        builder fails.
    build : callable
        ``build(ctx) -> Section``: reads the :class:`ReportContext` (and may fill the
        fields later sections use) and returns the section.
    needs : str, optional
        The :class:`ReportContext` field an optional section requires (``"applications"``,
        ``"survey"``); such a section runs only when that input is given, and asking for it
        without the input raises a :class:`~crmmine.errors.ParameterError`. Default: None,
        the section always runs.

    See Also
    --------
    Section : what a builder returns.
    build_report : runs the chosen sections.

    Examples
    --------
    >>> from crmmine.report import SECTIONS
    >>> [spec.key for spec in SECTIONS]
    ['segmentation', 'value', 'association', 'anomaly', 'churn', 'credit', 'survey']
    >>> {spec.key: spec.needs for spec in SECTIONS if spec.needs}
    {'credit': 'applications', 'survey': 'survey'}
    """

    key: str
    title: str
    build: Callable[[ReportContext], Section]
    needs: str | None = None


#: Module sections in report order. Each builder receives the :class:`ReportContext`.
SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("segmentation", "Segmentation", segmentation.report_section),
    SectionSpec("value", "Customer lifetime value", value.report_section),
    SectionSpec("association", "Cross-selling and up-selling", association.report_section),
    SectionSpec("anomaly", "Fraud and anomalies", anomaly.report_section),
    SectionSpec("churn", "Churn and retention", churn.report_section),
    SectionSpec("credit", "Credit scorecard", credit.report_section, needs="applications"),
    SectionSpec("survey", "Customer satisfaction", survey.report_section, needs="survey"),
)


@dataclass(repr=False)
class Report(Result):
    """A built report (a result object: ``to_frame()`` lists the sections, ``summary()`` too).

    :func:`build_report` returns it; ``write(path)`` saves the page (UTF-8) and returns the
    path, ``section(key)`` gives one section, ``n_figures`` counts the figures, and in a
    notebook the result shows as a table of its sections.

    Parameters
    ----------
    html : str
        The self-contained page (styles, figures and the table-of-contents script inline).
    sections : list of Section, default []
        The sections in page order: ``"settings"``, ``"quality"``, ``"summary"``, then the
        module sections that ran.
    errors : dict, default {}
        Section key -> error text, for sections that failed (also shown in the page).
    warnings : list of tuple, default []
        ``(section key, "WarningClass: message")`` for every crmmine warning raised while the
        report was built; each is shown in its section, none is printed.
    timings : dict, default {}
        Seconds per section (``"quality"``: the cleaning, the whole-base figures and the summaries).
    settings : ReportSettings, optional
        The choices the report was built with.
    sample : SampleInfo, optional
        The engine and how many customers the per-customer sections saw.
    log : CleaningLog, optional
        What the cleaning removed or changed (:func:`crmmine.clean_transactions`'s log).

    See Also
    --------
    build_report : builds it.
    write_report : builds it and writes the page.
    Section : one section of the page.

    Examples
    --------
    >>> rep = Report(html="<html></html>", timings={"churn": 0.25},
    ...              sections=[Section("Churn and retention", "<p>...</p>", n_figures=1, key="churn")])
    >>> rep
    Report(sections=1, figures=1, errors=0, warnings=0)
    >>> rep.to_frame()[["title", "figures", "seconds"]]
                           title  figures  seconds
    section
    churn    Churn and retention        1     0.25
    >>> rep.section("churn").n_figures
    1
    """

    html: str
    sections: list[Section] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    settings: ReportSettings | None = None
    sample: SampleInfo | None = None
    log: Any = None

    @property
    def n_figures(self) -> int:
        """Number of figures in the page."""
        return sum(s.n_figures for s in self.sections)

    def section(self, key: str) -> Section:
        """The section with this key (``"value"``, ``"churn"``, ...)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; the report has {[s.key for s in self.sections]}")

    def write(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        out = Path(path)
        out.write_text(self.html, encoding="utf-8")
        return out

    def to_frame(self) -> pd.DataFrame:
        """One row per section: its title, figures, seconds, crmmine warnings and error (if it failed)."""
        counts: dict[str, int] = {}
        for key, _ in self.warnings:
            counts[key] = counts.get(key, 0) + 1
        return pd.DataFrame(
            {"title": [s.title for s in self.sections],
             "figures": [s.n_figures for s in self.sections],
             "seconds": [self.timings.get(s.key, float("nan")) for s in self.sections],
             "warnings": [counts.get(s.key, 0) for s in self.sections],
             "error": [self.errors.get(s.key, "") for s in self.sections]},
            index=pd.Index([s.key for s in self.sections], name="section"),
        )

    def summary(self) -> pd.DataFrame:
        """The sections table (:meth:`to_frame`)."""
        return self.to_frame()

    def _repr_items(self) -> dict[str, Any]:
        return {"sections": len(self.sections), "figures": self.n_figures, "errors": len(self.errors),
                "warnings": len(self.warnings)}


def _progress(enabled: bool, message: str) -> None:
    if enabled:
        print(f"[crmmine] {message}", file=sys.stderr, flush=True)


def _split_warnings(caught: list[warnings.WarningMessage]) -> list[str]:
    """crmmine warnings as ``"Class: message"`` (kept for the page); others re-emitted outside."""
    ours = []
    for w in caught:
        if issubclass(w.category, CRMMineWarning):
            ours.append(f"{w.category.__name__}: {w.message}")
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return list(dict.fromkeys(ours))


def _attach_warnings(section: Section, messages: list[str], locale: str) -> None:
    """Show in the section every warning it does not show already (by its opening words)."""
    section.warnings = messages
    missing = []
    for m in messages:
        text = m.split(": ", 1)[-1]
        if esc(text[:80]) not in section.html:
            missing.append(m)
    if missing:
        section.html += warning_box(missing, locale, title=t("Warnings raised while building this section:",
                                                               locale))


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;
margin:0;color:#1d2733;background:#f6f7f9}
header{background:#1f3a5f;color:#fff;padding:18px 32px}header h1{margin:0;font-size:24px}
nav{padding:8px 32px;background:#e8edf3}nav a{margin-right:16px;color:#1f3a5f}
main{padding:8px 32px 48px}section{background:#fff;border-radius:6px;padding:12px 20px;
margin:16px 0;box-shadow:0 1px 3px rgba(0,0,0,.08);overflow-x:auto}h2{color:#1f3a5f}
table.data{border-collapse:collapse;font-size:12px;margin:8px 0}
table.data td,table.data th{border:1px solid #d5dbe3;padding:3px 7px;text-align:right}
table.data thead th{background:#eef2f7}img.fig{max-width:100%}
.error{background:#fdecea;border-left:4px solid #c62828;padding:8px}
.warning{background:#fff8e1;border-left:4px solid #f0a500;padding:6px 10px;font-size:13px}
.warning ul{margin:4px 0;padding-left:20px}.note{color:#667;font-size:12px}
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


def _page(title: str, subtitle: str, sections: list[Section], locale: str) -> str:
    body = "".join(f"<section><h2>{esc(s.title)}</h2>{s.html}</section>" for s in sections)
    return (
        f"<!DOCTYPE html><html lang='{esc(locale)}'><head><meta charset='utf-8'>"
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{esc(title)}</h1><div>{esc(subtitle)}</div></header>"
        f"<nav id='toc'></nav><main>{body}</main><script>{_JS}</script></body></html>"
    )


def _engine_for(raw: Any, engine: str) -> str:
    kind = backend_of(raw)
    if kind == "pyspark":
        raise ParameterError(
            "build_report reads pandas, polars, pyarrow and DuckDB tables, not a Spark DataFrame. Fix: write "
            "it to Parquet (df.write.parquet('data')) and run crmmine report 'data/*.parquet'."
        )
    if engine == "auto":
        return "duckdb" if kind == "duckdb" else "pandas"
    return engine


def _check_sections(sections: Iterable[str] | None, given: dict[str, Any]) -> list[str] | None:
    """The chosen section keys, checked before any work: known keys, and the inputs they need."""
    if sections is None:
        return None
    keys = [s.key for s in SECTIONS]
    chosen = list(sections)
    unknown = [k for k in chosen if k not in keys]
    if unknown:
        raise ParameterError(f"sections: unknown {unknown}; the sections are {keys}. Fix: pick from these "
                             "(--sections value,churn).")
    for spec in SECTIONS:
        if spec.key in chosen and spec.needs is not None and given.get(spec.needs) is None:
            raise ParameterError(f"section {spec.key!r} needs {spec.needs}= (--{spec.needs} FILE).")
    return chosen


def _wanted(chosen: list[str] | None, ctx: ReportContext) -> list[SectionSpec]:
    if chosen is None:
        return [s for s in SECTIONS if s.needs is None or getattr(ctx, s.needs) is not None]
    return [s for s in SECTIONS if s.key in chosen]


def build_report(
    raw: Any,
    *,
    as_of: str | pd.Timestamp | None = None,
    time_unit: str = "D",
    columns: Mapping[str, str] | None = None,
    unit_price: str | None = None,
    returns: str = "drop",
    bad_dates: str = "drop",
    bad_amounts: str = "raise",
    date_format: str | None = None,
    dayfirst: bool | None = None,
    clv_horizon: str | float = "1Y",
    annual_discount_rate: float = 0.10,
    margin: float = 1.0,
    churn_horizon: str = "90D",
    incentive: float = 10.0,
    contact_cost: float = 1.0,
    holdout: str = "13W",
    offer_horizon: str = "90D",
    rfm_preset: str = "rf_grid",
    lifecycle_preset: str = "texts5",
    top_n: int = 15,
    locale: str = "en",
    engine: str = "auto",
    sample_size: int | None = None,
    category: str | None = None,
    applications: pd.DataFrame | None = None,
    target: str | None = None,
    survey: Any = None,
    survey_scale: tuple[float, float] | None = None,
    sections: Iterable[str] | None = None,
    random_state: int = 0,
    title: str | None = None,
    progress: bool = False,
) -> Report:
    """Run the whole analysis on a raw transaction log and build the HTML report.

    Parameters
    ----------
    raw : pandas, polars or pyarrow table, or DuckDB relation
        The raw log (cleaned here with :func:`crmmine.clean_transactions`; it is not modified).
    as_of : date-like, optional
        Reference date; defaults to the last transaction date. Later rows are left out (and
        counted on the page).
    time_unit : str, default "D"
        Time unit of the customer summary and the BTYD models (``"D"``, crmmine's default).
    columns : mapping, optional
        Column names by role, e.g. ``crmmine.datasets.ONLINE_RETAIL_COLUMNS``.
    unit_price : str, optional
        Unit-price column; when given ``amount = quantity * unit price``.
    returns : {"drop", "net", "separate"}, default "drop"
        Returns policy of the cleaning (see :func:`crmmine.clean_transactions`). Return lines
        are always counted on the page by kind (cancelled orders, other negative lines).
    bad_dates : {"drop", "raise"}, default "drop"
        Rows with a missing or unparseable date, passed to :func:`crmmine.clean_transactions`.
        The report drops them by default (counted in the data-quality table) so that one bad
        date does not abort the whole report.
    bad_amounts : {"raise", "drop"}, default "raise"
        Rows with a missing, non-numeric or infinite amount, quantity or price.
    date_format : str, optional
        strftime format of text or integer dates, e.g. ``"%d/%m/%Y %H:%M"``.
    dayfirst : bool, optional
        Read dates such as ``01/02/2020`` day first (True) or month first (False); a column
        that could be read both ways raises unless this or ``date_format`` is given.
    clv_horizon : str or float, default "1Y"
        Future window of the CLV: one year whatever the time unit (a number is in ``time_unit``).
    annual_discount_rate : float, default 0.10
        Yearly discount rate, compounded to the time unit.
    margin : float, default 1.0
        Profit share of revenue applied to the CLV (1 = revenue).
    churn_horizon : str, default "90D"
        Churn = no purchase in this window after the cutoff ``as_of - churn_horizon``.
    incentive, contact_cost : float, default 10 and 1
        Retention campaign: cost of the offer to a customer who accepts it, and of each contact
        (EMPC and the retention list).
    holdout : str, default "13W"
        Length of the holdout period of the BTYD check.
    offer_horizon : str, default "90D"
        Window of the sequential rules ("B within 90 days after A") and of the up-sell label.
    rfm_preset : {"rf_grid", "crm4", "eight", "putler"}, default "rf_grid"
        RFM segment table (:func:`crmmine.segmentation.rfm_segments`).
    lifecycle_preset : {"texts5", "crmmine"}, default "texts5"
        Lifecycle stages: the CRM texts' five stages with their actions, or crmmine's six.
    top_n : int, default 15
        Rows of every customer list.
    locale : {"en", "zh"}, default "en"
        Language of the page (headings, sentences, column labels, segment/tier/stage/action
        names; figure text too when matplotlib has a font with Chinese characters).
    engine : {"auto", "pandas", "duckdb"}, default "auto"
        Where the cleaning and the whole-base figures run. ``"auto"``: DuckDB for a DuckDB
        relation, pandas otherwise. In DuckDB mode the per-customer sections analyse a sample
        of ``sample_size`` customers (default :data:`crmmine.report.ENGINE_SAMPLE_SIZE`).
    sample_size : int, optional
        Customers analysed by the per-customer sections, drawn at random with
        ``random_state`` (default: all of them with pandas, 20,000 with DuckDB). The page
        says when it shows a sample.
    category : str, optional
        Column of the transactions with the product category, for the up-sell targets
        (default: derived from an Online Retail ``Description`` column when present).
    applications : DataFrame, optional
        Credit applications, one row per application, with the outcome column ``target``
        (1 = bad): adds the credit-scorecard section.
    target : str, optional
        The outcome column of ``applications``.
    survey : DataFrame or fitted PLSPathModel, optional
        A satisfaction survey in the ECSI layout (``crmmine.survey.ECSI_BLOCKS``), or a fitted
        model: adds the customer-satisfaction section.
    survey_scale : (low, high), optional
        Answer scale of the survey table, e.g. ``(1, 10)`` (default: the observed range).
    sections : iterable of str, optional
        Keys of the module sections to include (``"segmentation"``, ``"value"``,
        ``"association"``, ``"anomaly"``, ``"churn"``, ``"credit"``, ``"survey"``); default:
        every section whose input is there.
    random_state : int, default 0
        Seed of every random step (sampling, clustering, models, cross-validation).
    title : str, optional
        Heading of the page. Default: "crmmine customer analytics report" (translated).
    progress : bool, default False
        Print progress lines to standard error.

    Returns
    -------
    Report
        ``.html``, ``.sections``, ``.errors`` (sections that failed, also shown in the page),
        ``.warnings`` (crmmine warnings, each shown in its section) and ``.write(path)``.
        A failing section does not stop the report: its error is shown in its place.

    See Also
    --------
    write_report : build and write the page in one call.
    Report : the result, with ``to_frame()`` listing the sections.
    ReportSettings : the settings shown in the page's first section.
    crmmine.clean_transactions : the cleaning the report runs first.

    Examples
    --------
    >>> import crmmine as cm
    >>> raw = cm.datasets.load_online_retail()
    >>> rep = build_report(raw.head(3000), columns=cm.datasets.ONLINE_RETAIL_COLUMNS,
    ...                    unit_price="UnitPrice", sections=[])
    >>> rep.n_figures >= 2 and "<script>" in rep.html
    True
    >>> rep.to_frame().index.tolist(), rep.errors
    (['settings', 'quality', 'summary'], {})
    """
    started = time.perf_counter()
    settings = ReportSettings(
        time_unit=time_unit, clv_horizon=clv_horizon, annual_discount_rate=annual_discount_rate,
        margin=margin, churn_horizon=churn_horizon, incentive=incentive, contact_cost=contact_cost,
        holdout=holdout, offer_horizon=offer_horizon,
        rfm_preset=rfm_preset, lifecycle_preset=lifecycle_preset, top_n=top_n, locale=locale,
        random_state=random_state,
    )
    check_params(
        {"engine": engine, "sample_size": sample_size},
        {"engine": [Options({"auto", "pandas", "duckdb"})], "sample_size": [Interval(int, 1, None), None]},
        caller="build_report()",
    )
    chosen = _check_sections(sections, {"applications": applications, "survey": survey})
    mode = _engine_for(raw, engine)
    report = Report(html="", settings=settings)
    clean_options = {"columns": columns, "unit_price": unit_price, "returns": returns, "bad_dates": bad_dates,
                     "bad_amounts": bad_amounts, "date_format": date_format, "dayfirst": dayfirst}
    _progress(progress, f"cleaning with {mode} (returns={returns!r}, bad_dates={bad_dates!r})")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepared: Prepared = prepare(raw, engine=mode, clean_options=clean_options, as_of=as_of,
                                     time_unit=time_unit, sample_size=sample_size, random_state=random_state)
    data_warnings = _split_warnings(caught)
    sample = SampleInfo(engine=prepared.engine, n_customers=prepared.n_customers,
                        n_sampled=prepared.n_sampled, random_state=random_state)
    report.sample, report.log = sample, prepared.log
    _progress(progress, f"customer summaries at {prepared.as_of.date()} in unit {time_unit!r} "
                        f"({sample.n_sampled:,} of {sample.n_customers:,} customers)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ctx = ReportContext.from_transactions(
            prepared.transactions, as_of=prepared.as_of, settings=settings, returns=prepared.returns,
            net_returns=returns == "net",
            data_end=prepared.facts.last_date.normalize(),
            sample=sample, category=category, applications=applications, target=target, survey=survey,
            survey_scale=survey_scale)
    data_warnings += _split_warnings(caught)
    specs = _wanted(chosen, ctx)
    extra = {"engine": sample.engine,
             "sample_size": (f"{sample.n_sampled:,} / {sample.n_customers:,}" if sample.sampled
                             else t("all customers", locale)),
             "returns": returns, "bad_dates": bad_dates, "bad_amounts": bad_amounts}
    t_settings = time.perf_counter()
    opening = settings_section(ctx, extra)
    report.timings["settings"] = time.perf_counter() - t_settings
    if figure_locale(locale) != locale:
        opening.html += note(t("Figure text is in English: matplotlib has no font with Chinese characters "
                               "on this machine (install one, e.g. fonts-noto-cjk, to get Chinese figures).",
                               locale))
    quality = quality_section(ctx, prepared.log, prepared.facts)
    _attach_warnings(quality, data_warnings, locale)
    report.warnings += [("quality", m) for m in data_warnings]
    # cleaning, whole-base figures and summaries count to the quality section
    report.timings["quality"] = time.perf_counter() - started - report.timings["settings"]
    t0 = time.perf_counter()
    built = [opening, quality, summary_section(ctx, prepared.facts)]
    report.timings["summary"] = time.perf_counter() - t0
    for spec in specs:
        _progress(progress, f"section: {spec.key}")
        t0 = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                section = spec.build(ctx)
            except Exception as exc:  # a failing section is shown, not hidden
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                report.errors[spec.key] = detail
                failed = esc(t("This section failed:", locale))
                section = Section(t(spec.title, locale), f"<div class='error'>{failed} {esc(detail)}</div>",
                                  key=spec.key)
        messages = _split_warnings(caught)
        _attach_warnings(section, messages, locale)
        report.warnings += [(spec.key, m) for m in messages]
        report.timings[spec.key] = time.perf_counter() - t0
        built.append(section)
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    subtitle = t("as of {as_of} - {n:,} customers - generated {stamp} in {seconds:.1f} s", locale,
                 as_of=prepared.as_of.date(), n=sample.n_customers, stamp=stamp,
                 seconds=time.perf_counter() - started)
    report.sections = built
    report.html = _page(title or t("crmmine customer analytics report", locale), subtitle, built, locale)
    return report


def write_report(raw: Any, output: str | Path = "report.html", **kwargs: Any) -> Report:
    """Build the report (see :func:`build_report`) and write it to ``output``.

    Parameters
    ----------
    raw : pandas, polars or pyarrow table, or DuckDB relation
        The raw transaction log (not modified).
    output : str or Path, default "report.html"
        File to write the page to (UTF-8; an existing file is replaced).
    **kwargs
        Every keyword of :func:`build_report` (``columns=``, ``as_of=``, ``locale=``,
        ``sections=``, ...).

    Returns
    -------
    Report
        The built report, as :func:`build_report` returns it.

    See Also
    --------
    build_report : build without writing.
    Report.write : write a report built earlier.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> raw = pd.DataFrame({"customer_id": [1, 1, 2, 2, 3], "order_id": [10, 11, 12, 13, 14],
    ...                     "date": pd.to_datetime(["2021-01-04", "2021-03-01", "2021-01-20",
    ...                                             "2021-02-15", "2021-03-10"]),
    ...                     "amount": [20.0, 35.0, 12.5, 8.0, 40.0]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = pathlib.Path(folder) / "report.html"
    ...     rep = write_report(raw, path, sections=[])
    ...     page = path.read_text(encoding="utf-8")
    >>> page == rep.html, rep.sample.n_customers
    (True, 3)
    """
    report = build_report(raw, **kwargs)
    report.write(output)
    return report

