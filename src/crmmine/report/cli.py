"""Command line: ``crmmine report [INPUT] [-o report.html] ...``.

Errors are printed with the command-line flag to change (``--dayfirst``, not
``dayfirst=True``); ``--quiet`` silences the progress lines and the warnings of
other libraries (crmmine's own warnings, which change how a number should be
read, still show).
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from crmmine.data.columns import DEFAULT_COLUMNS
from crmmine.errors import CRMMineError, CRMMineWarning, ParameterError

__all__ = ["main"]

_ROLES = list(DEFAULT_COLUMNS.as_dict())
_SEPARATORS = {"whitespace": r"\s+", "tab": "\t", "comma": ",", "semicolon": ";"}

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


def _read(path: Path, sep: str | None) -> pd.DataFrame:
    if not path.exists():
        raise ParameterError(f"input file not found: {path}. Fix: check the path given to crmmine report.")
    suffixes = "".join(path.suffixes).lower()
    if ".parquet" in suffixes:
        return pd.read_parquet(path)
    if ".xls" in suffixes:
        return pd.read_excel(path)
    separator = _SEPARATORS.get(sep, sep) if sep is not None else ","
    return pd.read_csv(path, sep=separator, dtype={"InvoiceNo": str, "StockCode": str})


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmmine", description="Customer analytics for CRM.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser(
        "report", help="run the whole analysis and write one HTML report",
        description="Clean a transaction log, summarise its customers and write one HTML page "
                    "with every analysis.",
    )
    rep.add_argument("input", nargs="?", help="CSV, Parquet or Excel transaction log, one row per "
                     "order line (default: the embedded Online Retail sample)")
    rep.add_argument("-o", "--output", default="report.html",
                     help="output HTML file (default: report.html)")
    rep.add_argument("--sep", default=None,
                     help="field separator of a CSV input: a character, or 'whitespace' (the "
                          "CDNOW master file), 'tab', 'comma', 'semicolon' (default: comma)")
    rep.add_argument("--columns", default=None,
                     help="role=column pairs separated by commas, e.g. customer_id=CustomerID,"
                          f"date=InvoiceDate; roles: {', '.join(_ROLES)} (default: the role "
                          "names themselves, or the Online Retail names when present)")
    rep.add_argument("--unit-price", default=None,
                     help="unit-price column; amount = quantity * unit price")
    rep.add_argument("--as-of", default=None,
                     help="reference date, e.g. 2011-12-09 (default: the last date in the log)")
    rep.add_argument("--time-unit", default=None,
                     help="time unit of the summary and the models: D, W, M, Q, Y or a multiple "
                          "such as 14D (default: the report's, weeks)")
    rep.add_argument("--returns", default="drop", choices=["drop", "net", "separate"],
                     help="returns and cancellations: drop them, net them against purchases, or "
                          "set them apart (default: drop)")
    rep.add_argument("--date-format", default=None,
                     help="strftime format of the dates, e.g. '%%d/%%m/%%Y %%H:%%M' (default: "
                          "ISO dates, YYYYMMDD numbers, and day/month text when the column shows "
                          "the order)")
    order = rep.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True,
                       default=None, help="read dates such as 01/02/2020 day first (1 February)")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="read dates such as 01/02/2020 month first (2 January)")
    rep.add_argument("--bad-dates", default="drop", choices=["drop", "raise"],
                     help="rows with a missing or unparseable date: drop them (counted in the "
                          "report's data-quality table) or stop with an error (default: drop)")
    rep.add_argument("--bad-amounts", default="raise", choices=["raise", "drop"],
                     help="rows with a missing, non-numeric or infinite amount: stop with an "
                          "error or drop them (logged) (default: raise)")
    rep.add_argument("--random-state", type=int, default=0,
                     help="seed of every random step (default: 0)")
    rep.add_argument("--quiet", action="store_true",
                     help="no progress lines and no warnings from other libraries (crmmine's own "
                          "warnings still show)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmmine`` console script; returns the exit status."""
    args = _build_parser().parse_args(argv)
    with warnings.catch_warnings():
        if args.quiet:
            warnings.simplefilter("ignore")
            warnings.simplefilter("default", CRMMineWarning)
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from crmmine import datasets
    from crmmine.report.build import write_report

    try:
        columns = _parse_columns(args.columns)
        unit_price = args.unit_price
        if args.input is None:
            raw = datasets.load_online_retail()
        else:
            raw = _read(Path(args.input), args.sep)
        if columns is None and set(datasets.ONLINE_RETAIL_COLUMNS.values()) <= set(raw.columns):
            columns = datasets.ONLINE_RETAIL_COLUMNS
            unit_price = unit_price or ("UnitPrice" if "UnitPrice" in raw.columns else None)
        options = {} if args.time_unit is None else {"time_unit": args.time_unit}
        report = write_report(
            raw, args.output, as_of=args.as_of, columns=columns, unit_price=unit_price,
            returns=args.returns, bad_dates=args.bad_dates, bad_amounts=args.bad_amounts,
            date_format=args.date_format, dayfirst=args.dayfirst,
            random_state=args.random_state, progress=not args.quiet, **options,
        )
    except CRMMineError as exc:
        print(f"crmmine: error: {cli_message(str(exc))}", file=sys.stderr)
        return 2
    for name, err in report.errors.items():
        print(f"crmmine: section {name!r} failed: {cli_message(err)}", file=sys.stderr)
    print(f"wrote {args.output} ({report.n_figures} figures, {len(report.sections)} sections)",
          file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
