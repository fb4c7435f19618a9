"""Command line: ``crmmine report [INPUT] [-o report.html] ...``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from crmmine.errors import CRMMineError, ParameterError

__all__ = ["main"]


def _parse_columns(text: str | None) -> dict[str, str] | None:
    if not text:
        return None
    mapping = {}
    for part in text.split(","):
        if "=" not in part:
            raise ParameterError(
                f"--columns expects role=column pairs separated by commas, got {part!r}. "
                "Example: --columns customer_id=CustomerID,order_id=InvoiceNo"
            )
        role, name = part.split("=", 1)
        mapping[role.strip()] = name.strip()
    return mapping


def _read(path: Path) -> pd.DataFrame:
    suffixes = "".join(path.suffixes).lower()
    if ".parquet" in suffixes:
        return pd.read_parquet(path)
    if ".xls" in suffixes:
        return pd.read_excel(path)
    return pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str})


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crmmine", description="Customer analytics for CRM.")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="run the whole analysis and write one HTML report")
    rep.add_argument("input", nargs="?", help="CSV/Parquet transaction log (default: the "
                     "embedded Online Retail sample)")
    rep.add_argument("-o", "--output", default="report.html", help="output HTML file")
    rep.add_argument("--as-of", default=None, help="reference date (default: last date)")
    rep.add_argument("--time-unit", default="W", help="summary time unit: D, W, M... (default W)")
    rep.add_argument("--columns", default=None,
                     help="role=column pairs, e.g. customer_id=CustomerID,date=InvoiceDate")
    rep.add_argument("--unit-price", default=None,
                     help="unit-price column; amount = quantity * unit price")
    rep.add_argument("--returns", default="drop", choices=["drop", "net", "separate"])
    rep.add_argument("--random-state", type=int, default=0)
    rep.add_argument("--quiet", action="store_true", help="no progress lines")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crmmine`` console script; returns the exit status."""
    args = _build_parser().parse_args(argv)
    from crmmine import datasets
    from crmmine.report.build import write_report

    try:
        columns = _parse_columns(args.columns)
        unit_price = args.unit_price
        if args.input is None:
            raw = datasets.load_online_retail()
        else:
            raw = _read(Path(args.input))
        if columns is None and set(datasets.ONLINE_RETAIL_COLUMNS.values()) <= set(raw.columns):
            columns = datasets.ONLINE_RETAIL_COLUMNS
            unit_price = unit_price or ("UnitPrice" if "UnitPrice" in raw.columns else None)
        report = write_report(
            raw, args.output, as_of=args.as_of, time_unit=args.time_unit, columns=columns,
            unit_price=unit_price, returns=args.returns, random_state=args.random_state,
            progress=not args.quiet,
        )
    except CRMMineError as exc:
        print(f"crmmine: error: {exc}", file=sys.stderr)
        return 2
    for name, err in report.errors.items():
        print(f"crmmine: section {name!r} failed: {err}", file=sys.stderr)
    print(f"wrote {args.output} ({report.n_figures} figures, {len(report.sections)} sections)",
          file=sys.stderr)
    return 1 if report.errors else 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
