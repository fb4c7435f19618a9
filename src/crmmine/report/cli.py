"""Command line: ``crmmine report [INPUT] [-o report.html] ...``.

``INPUT`` is a CSV, Parquet or Excel file, a quoted glob of Parquet or CSV files
(``'data/*.parquet'``), or a DuckDB database with ``--table NAME``; without it the embedded
Online Retail sample is used. Inputs of more than :data:`crmmine.report.DUCKDB_MIN_ROWS` rows
(and DuckDB databases) run through DuckDB (``--engine auto``; force with ``--engine duckdb`` or
``--engine pandas``).

Errors are printed with the command-line flag to change (``--dayfirst``, not
``dayfirst=True``). crmmine's own warnings are shown in the page, in the section they concern,
and summed up in one line on standard error; ``--quiet`` silences the progress lines and the
warnings of other libraries.
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from crmmine.data import DEFAULT_COLUMNS
from crmmine.errors import CRMMineError, ParameterError

__all__ = ["cli_message", "main"]

_ROLES = list(DEFAULT_COLUMNS.as_dict())

# Python keywords in crmmine's messages -> the flag that sets them here.
_FLAGS = {
    "date_format": "--date-format",
    "bad_dates": "--bad-dates",
    "bad_amounts": "--bad-amounts",
    "returns": "--returns",
    "as_of": "--as-of",
    "time_unit": "--time-unit",
    "unit_price": "--unit-price",
    "random_state": "--random-state",
    "clv_horizon": "--clv-horizon",
    "annual_discount_rate": "--annual-discount-rate",
    "margin": "--margin",
    "churn_horizon": "--churn-horizon",
    "incentive": "--incentive",
    "contact_cost": "--contact-cost",
    "holdout": "--holdout",
    "offer_horizon": "--offer-horizon",
    "rfm_preset": "--rfm-preset",
    "lifecycle_preset": "--lifecycle-preset",
    "top_n": "--top-n",
    "locale": "--locale",
    "engine": "--engine",
    "sample_size": "--sample-size",
    "category": "--category",
    "target": "--target",
    "bad_value": "--bad-value",
    "sections": "--sections",
}
_VALUE = r"""('[^']*'|"[^"]*"|[^\s,;)]+)"""


def cli_message(text: str) -> str:
    """Rewrite the Python keywords of a crmmine message as this command's flags.

    Examples
    --------
    >>> cli_message("pass dayfirst=True or date_format='%d/%m/%Y', or bad_dates='drop'.")
    "pass --dayfirst or --date-format '%d/%m/%Y', or --bad-dates drop."
    >>> cli_message("Fix: rename the column or pass customer_id='<your column>'.")
    'Fix: rename the column or pass --columns customer_id=<your column>.'
    """
    text = re.sub(r"\bdayfirst=True\b", "--dayfirst", text)
    text = re.sub(r"\bdayfirst=False\b", "--monthfirst", text)
    text = re.sub(r"(?<![-\w])dayfirst(?=[' ])", "--dayfirst/--monthfirst", text)

    def flag(match: re.Match) -> str:
        value = match.group(2)
        if value.startswith("'") and value.endswith("'") and " " not in value and "%" not in value:
            value = value[1:-1]
        return f"{_FLAGS[match.group(1)]} {value}"

    names = "|".join(_FLAGS)
    text = re.sub(rf"\b({names})={_VALUE}", flag, text)
    text = re.sub(rf"\b({'|'.join(_ROLES)})='([^']*)'", r"--columns \1=\2", text)
    text = re.sub(r"\bcolumns=\{[^}]*\}", "--columns role=column,...", text)
    text = re.sub(rf"\b(parameter )'({names})'", lambda m: f"option {_FLAGS[m.group(2)]}", text)
    return text


def _parse_columns(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    mapping = {}
    for part in text.split(","):
        if "=" not in part:
            raise ParameterError(
                f"--columns expects role=column pairs separated by commas, got {part!r}. "
                f"Roles: {', '.join(_ROLES)}. Example: --columns customer_id=CustomerID,"
                "order_id=InvoiceNo"
            )
        role, name = part.split("=", 1)
        role = role.strip()
        if role not in _ROLES:
            raise ParameterError(
                f"--columns: unknown role {role!r}; the roles are {', '.join(_ROLES)}. "
                "Example: --columns customer_id=CustomerID"
            )
        mapping[role] = name.strip()
    return mapping


def _parse_scale(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        low, high = (float(x) for x in text.split(","))
    except ValueError:
        raise ParameterError(f"--survey-scale expects LOW,HIGH such as 1,10, got {text!r}.") from None
    return low, high


def _number(text: str) -> str | float:
    """A horizon flag: a duration string ('90D', '1Y') stays text; a bare number is a count of time units."""
    try:
        return float(text)
    except ValueError:
        return text


def _read_table(path: str, what: str) -> pd.DataFrame:
    file = Path(path)
    if not file.exists():
        raise ParameterError(f"{what} file not found: {file}. Fix: check the path.")
    if ".parquet" in "".join(file.suffixes).lower():
        return pd.read_parquet(file)
    if ".xls" in file.suffix.lower():
        return pd.read_excel(file)
    return pd.read_csv(file)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmmine", description="Customer analytics for CRM.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser(
        "report", help="run the whole analysis and write one HTML report",
        description="Clean a transaction log, summarise its customers and write one HTML page "
                    "with every analysis. Every choice is a flag and is shown in the page.",
    )
    data = rep.add_argument_group("input and cleaning")
    data.add_argument("input", nargs="?",
                      help="transaction log, one row per order line: a CSV, Parquet or Excel file, a quoted "
                           "glob such as 'data/*.parquet', or a DuckDB database (.duckdb) with --table "
                           "(default: the embedded Online Retail sample)")
    data.add_argument("-o", "--output", default="report.html", help="output HTML file (default: report.html)")
    data.add_argument("--table", default=None,
                      help="table of a DuckDB database input (needed when it holds more than one table)")
    data.add_argument("--engine", default="auto", choices=["auto", "pandas", "duckdb"],
                      help="where cleaning and the whole-base figures run: auto = DuckDB for DuckDB "
                           "databases and for inputs of more than 5,000,000 rows, pandas otherwise "
                           "(default: auto)")
    data.add_argument("--memory-limit", default=None,
                      help="cap of DuckDB's memory in DuckDB mode, e.g. 2GB (default: DuckDB's, 80%% of the "
                           "RAM; beyond it DuckDB spills to disk)")
    data.add_argument("--sample-size", type=int, default=None,
                      help="customers analysed by the per-customer sections, drawn at random with "
                           "--random-state (default: all with pandas, 20,000 with DuckDB)")
    data.add_argument("--sep", default=None,
                      help="field separator of a CSV input: a character, or 'whitespace' (the CDNOW master "
                           "file), 'tab', 'comma', 'semicolon' (default: comma)")
    data.add_argument("--columns", default=None,
                      help="role=column pairs separated by commas, e.g. customer_id=CustomerID,"
                           f"date=InvoiceDate; roles: {', '.join(_ROLES)} (default: the role names "
                           "themselves, or the Online Retail names when present)")
    data.add_argument("--unit-price", default=None, help="unit-price column; amount = quantity * unit price")
    data.add_argument("--returns", default="drop", choices=["drop", "net", "separate"],
                      help="returns and cancellations: drop them, net them against purchases, or set them "
                           "apart (default: drop; the page counts them by kind either way)")
    data.add_argument("--date-format", default=None,
                      help="strftime format of the dates, e.g. '%%d/%%m/%%Y %%H:%%M' (default: ISO dates, "
                           "YYYYMMDD numbers, and day/month text when the column shows the order)")
    order = data.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True, default=None,
                       help="read dates such as 01/02/2020 day first (1 February)")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="read dates such as 01/02/2020 month first (2 January)")
    data.add_argument("--bad-dates", default="drop", choices=["drop", "raise"],
                      help="rows with a missing or unparseable date: drop them (counted in the report's "
                           "data-quality table) or stop with an error (default: drop)")
    data.add_argument("--bad-amounts", default="raise", choices=["raise", "drop"],
                      help="rows with a missing, non-numeric or infinite amount: stop with an error or drop "
                           "them (logged) (default: raise)")
    data.add_argument("--category", default=None,
                      help="column with the product category, for the up-sell targets (default: derived "
                           "from an Online Retail Description column when present)")
    analysis = rep.add_argument_group("analysis settings (all shown in the page)")
    analysis.add_argument("--as-of", default=None,
                          help="reference date, e.g. 2011-12-09 (default: the last date in the log)")
    analysis.add_argument("--time-unit", default="D",
                          help="time unit of the summary and the BTYD models: D, W, M, Q, Y or a multiple "
                               "such as 14D (default: D)")
    analysis.add_argument("--clv-horizon", default="1Y", type=_number,
                          help="future window of the CLV: a duration such as 1Y or 26W, or a number of time "
                               "units (default: 1Y, one year whatever the time unit)")
    analysis.add_argument("--annual-discount-rate", type=float, default=0.10,
                          help="yearly discount rate of the CLV (default: 0.10)")
    analysis.add_argument("--margin", type=float, default=1.0,
                          help="profit share of revenue in the CLV, in (0, 1] (default: 1 = revenue)")
    analysis.add_argument("--churn-horizon", default="90D",
                          help="churned = no purchase in this window after the cutoff (default: 90D)")
    analysis.add_argument("--incentive", type=float, default=10.0,
                          help="retention offer's cost for a customer who accepts it (EMPC and the retention "
                               "list; default: 10)")
    analysis.add_argument("--contact-cost", type=float, default=1.0,
                          help="cost of each retention contact (default: 1)")
    analysis.add_argument("--holdout", default="13W",
                          help="length of the holdout period of the BTYD check (default: 13W)")
    analysis.add_argument("--offer-horizon", default="90D",
                          help="window of the sequential rules and of the up-sell label (default: 90D)")
    analysis.add_argument("--rfm-preset", default="rf_grid", choices=["rf_grid", "crm4", "eight", "putler"],
                          help="RFM segment table (default: rf_grid)")
    analysis.add_argument("--lifecycle-preset", default="texts5", choices=["texts5", "crmmine"],
                          help="lifecycle stages: the CRM texts' five stages with their actions, or "
                               "crmmine's six (default: texts5)")
    analysis.add_argument("--top-n", type=int, default=15, help="rows of every customer list (default: 15)")
    analysis.add_argument("--locale", default="en", choices=["en", "zh"],
                          help="language of the page: en or zh (Chinese) (default: en)")
    analysis.add_argument("--sections", default=None,
                          help="comma-separated sections to include: segmentation, value, association, "
                               "anomaly, churn, credit, survey (default: all whose input is given)")
    analysis.add_argument("--random-state", type=int, default=0,
                          help="seed of every random step (default: 0)")
    analysis.add_argument("--title", default=None, help="page title")
    optional = rep.add_argument_group("optional sections")
    optional.add_argument("--applications", default=None,
                          help="credit applications (CSV, Parquet or Excel), one row per application, with "
                               "the outcome column --target: adds the credit-scorecard section")
    optional.add_argument("--target", default=None,
                          help="outcome column of --applications: 1 = bad (defaulted), 0 = good, or text "
                               "labels with --bad-value")
    optional.add_argument("--bad-value", default=None,
                          help="the value of --target that marks a bad application, e.g. bad")
    optional.add_argument("--survey", default=None,
                          help="satisfaction survey (CSV, Parquet or Excel) in the ECSI layout (columns "
                               "IMAG1..CUSL3): adds the customer-satisfaction section")
    optional.add_argument("--survey-scale", default=None,
                          help="answer scale of --survey as LOW,HIGH, e.g. 1,10 (default: the observed "
                               "range)")
    rep.add_argument("--quiet", action="store_true",
                     help="no progress lines and no warnings from other libraries (crmmine's own warnings "
                          "are in the page and summed up in one line)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmmine`` console script; returns the exit status."""
    args = _build_parser().parse_args(argv)
    with warnings.catch_warnings():
        if args.quiet:
            warnings.simplefilter("ignore")
        return _run(args)


def _options(args: argparse.Namespace) -> dict[str, Any]:
    from crmmine.report.sections.credit import coded_target

    options: dict[str, Any] = {}
    if args.applications is not None:
        if args.target is None:
            raise ParameterError("--applications needs --target COLUMN naming the outcome column.")
        apps = _read_table(args.applications, "--applications")
        apps[args.target] = coded_target(apps, args.target, args.bad_value)
        options.update(applications=apps, target=args.target)
    elif args.target is not None:
        raise ParameterError("--target names the outcome column of --applications FILE; give the file too.")
    if args.survey is not None:
        options.update(survey=_read_table(args.survey, "--survey"),
                       survey_scale=_parse_scale(args.survey_scale))
    if args.sections is not None:
        options["sections"] = [s.strip() for s in args.sections.split(",") if s.strip()]
    return options


def _run(args: argparse.Namespace) -> int:
    from crmmine import datasets
    from crmmine.report import build
    from crmmine.report._engine import choose_engine, read_input

    try:
        columns = _parse_columns(args.columns)
        unit_price = args.unit_price
        engine = choose_engine(args.input, args.engine, table=args.table)
        raw = read_input(args.input, engine=engine, sep=args.sep, table=args.table,
                         memory_limit=args.memory_limit)
        names = set(raw.columns)
        if columns is None and set(datasets.ONLINE_RETAIL_COLUMNS.values()) <= names:
            columns = datasets.ONLINE_RETAIL_COLUMNS
            unit_price = unit_price or ("UnitPrice" if "UnitPrice" in names else None)
        report = build.write_report(
            raw, args.output, as_of=args.as_of, columns=columns, unit_price=unit_price,
            returns=args.returns, bad_dates=args.bad_dates, bad_amounts=args.bad_amounts,
            date_format=args.date_format, dayfirst=args.dayfirst, time_unit=args.time_unit,
            clv_horizon=args.clv_horizon, annual_discount_rate=args.annual_discount_rate, margin=args.margin,
            churn_horizon=args.churn_horizon, incentive=args.incentive, contact_cost=args.contact_cost,
            holdout=args.holdout, offer_horizon=args.offer_horizon,
            rfm_preset=args.rfm_preset, lifecycle_preset=args.lifecycle_preset, top_n=args.top_n,
            locale=args.locale, engine=engine, sample_size=args.sample_size, category=args.category,
            random_state=args.random_state, title=args.title, progress=not args.quiet, **_options(args),
        )
    except CRMMineError as exc:
        print(f"crmmine: error: {cli_message(str(exc))}", file=sys.stderr)
        return 2
    for name, err in report.errors.items():
        print(f"crmmine: section {name!r} failed: {cli_message(err)}", file=sys.stderr)
    if report.warnings:
        by_section = Counter(key for key, _ in report.warnings)
        where = ", ".join(f"{key} ({n})" for key, n in by_section.items())
        print(f"crmmine: {len(report.warnings)} crmmine warning(s), shown in the page: {where}",
              file=sys.stderr)
    print(f"wrote {args.output} ({report.n_figures} figures, {len(report.sections)} sections)",
          file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
