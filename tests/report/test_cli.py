"""The command line's data options: --sep, --date-format, --dayfirst, --bad-dates, --quiet, and
the messages that name flags.

(The page itself is tested in test_report.py; here the module sections are left out so that
each run only cleans, summarises and writes the opening sections.)
"""

from __future__ import annotations

import argparse
import warnings

import pandas as pd
import pytest

from crmmine.report import build
from crmmine.report.cli import _build_parser, cli_message, main

CDNOW_LIKE = """customer_id  date number_of_cds  dollar_value
1 19970101 1 11.77
2 19970112 1 12.00
2 19970112 5 77.00
3 19970102 2 20.76
3 19970330 2 20.76
3 19970402 2 19.54
"""


@pytest.fixture
def no_sections(monkeypatch):
    monkeypatch.setattr(build, "SECTIONS", ())


def _run(args, capsys):
    code = main(["report", *map(str, args), "--quiet"])
    return code, capsys.readouterr().err


def test_every_option_has_help_and_columns_lists_the_roles():
    parser = _build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    report = sub.choices["report"]
    options = [a for a in report._actions if not isinstance(a, argparse._HelpAction)]
    assert {a.dest for a in options} >= {"sep", "date_format", "dayfirst", "bad_dates", "quiet"}
    for action in options:
        assert action.help, f"{action.option_strings or action.dest} has no help text"
    columns_help = next(a.help for a in options if a.dest == "columns")
    for role in ("customer_id", "order_id", "date", "amount", "item", "quantity"):
        assert role in columns_help


def test_sep_reads_the_cdnow_master_format(tmp_path, capsys, no_sections):
    src = tmp_path / "CDNOW_master.txt"
    src.write_text(CDNOW_LIKE)
    out = tmp_path / "r.html"
    code, err = _run([src, "-o", out, "--sep", "whitespace",
                      "--columns", "amount=dollar_value,quantity=number_of_cds"], capsys)
    assert code == 0, err
    html = out.read_text(encoding="utf-8")
    assert "as of 1997-04-02" in html  # integer YYYYMMDD dates, not 1970
    assert "whole-number dates read as YYYYMMDD" in html
    # without --sep the file is one column: the error names the flags to use
    code, err = _run([src, "-o", out], capsys)
    assert code == 2 and "--columns customer_id=" in err and "customer_id='" not in err


def test_a_bad_date_is_dropped_and_logged_by_default(tmp_path, capsys, no_sections):
    src = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": [1, 1, 2], "date": ["2020-01-05", "2020-02-30", "2020-03-01"],
                  "amount": [1.0, 2.0, 3.0]}).to_csv(src, index=False)
    out = tmp_path / "r.html"
    code, err = _run([src, "-o", out], capsys)
    assert code == 0, err
    assert "missing or unparseable dates" in out.read_text(encoding="utf-8")
    code, err = _run([src, "-o", out, "--bad-dates", "raise"], capsys)
    assert code == 2
    assert "file lines 3" in err and "--bad-dates drop" in err and "bad_dates=" not in err


def test_ambiguous_dates_name_the_flags_and_the_flags_resolve_them(tmp_path, capsys,
                                                                   no_sections):
    src = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": [1, 1, 2], "date": ["01/02/2020", "03/04/2020", "05/06/2020"],
                  "amount": [1.0, 2.0, 3.0]}).to_csv(src, index=False)
    out = tmp_path / "r.html"
    code, err = _run([src, "-o", out], capsys)
    assert code == 2
    assert "--dayfirst" in err and "--monthfirst" in err and "--date-format" in err
    assert "dayfirst=" not in err and "date_format=" not in err
    code, err = _run([src, "-o", out, "--dayfirst"], capsys)
    assert code == 0, err
    assert "as of 2020-06-05" in out.read_text(encoding="utf-8")
    code, err = _run([src, "-o", out, "--date-format", "%m/%d/%Y"], capsys)
    assert code == 0, err
    assert "as of 2020-05-06" in out.read_text(encoding="utf-8")


def test_unknown_role_lists_the_roles(tmp_path, capsys):
    src = tmp_path / "tx.csv"
    pd.DataFrame({"who": [1], "when": ["2011-01-01"], "amount": [1.0]}).to_csv(src, index=False)
    code, err = _run([src, "--columns", "client=who"], capsys)
    assert code == 2
    assert "unknown role 'client'" in err and "customer_id, order_id, date" in err


def test_quiet_silences_other_libraries_warnings(monkeypatch, tmp_path, recwarn):
    class Done:
        def __init__(self):
            self.errors, self.n_figures, self.sections, self.warnings = {}, 0, [], []

    def fake_write_report(raw, output, **kwargs):
        warnings.warn("a third-party library is noisy", FutureWarning, stacklevel=1)
        return Done()

    monkeypatch.setattr(build, "write_report", fake_write_report)
    src = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": [1], "date": ["2011-01-01"], "amount": [1.0]}).to_csv(
        src, index=False)
    assert main(["report", str(src), "-o", str(tmp_path / "r.html")]) == 0
    assert {type(w.message) for w in recwarn} == {FutureWarning}
    recwarn.clear()
    assert main(["report", str(src), "-o", str(tmp_path / "r.html"), "--quiet"]) == 0
    assert not recwarn


def test_crmmine_warnings_go_to_the_page_not_to_the_terminal(monkeypatch, tmp_path, capsys, recwarn):
    from crmmine.errors import BoundaryFitWarning
    from crmmine.report import Section, SectionSpec

    def collapsing(ctx):
        warnings.warn("BG/NBD fit at a boundary: the drop-out process collapsed", BoundaryFitWarning,
                      stacklevel=1)
        return Section("Value", "<p>CLV</p>", key="value")

    monkeypatch.setattr(build, "SECTIONS", (SectionSpec("value", "Value", collapsing),))
    src = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": [1, 2], "date": ["2011-01-01", "2011-01-02"], "amount": [1.0, 2.0]}).to_csv(
        src, index=False)
    out = tmp_path / "r.html"
    assert main(["report", str(src), "-o", str(out), "--quiet"]) == 0
    assert not [w for w in recwarn if issubclass(w.category, BoundaryFitWarning)]
    assert "crmmine: 1 crmmine warning(s), shown in the page: value (1)" in capsys.readouterr().err
    assert "the drop-out process collapsed" in out.read_text(encoding="utf-8")


def test_cli_messages_name_flags():
    text = ("pass dayfirst=False, returns='net', time_unit='W', as_of='2011-12-09' or "
            "columns={'customer_id': 'CustomerID'}; parameter 'returns' of x() must be ...")
    got = cli_message(text)
    assert got == ("pass --monthfirst, --returns net, --time-unit W, --as-of 2011-12-09 or "
                   "--columns role=column,...; option --returns of x() must be ...")
    assert cli_message("parameter 'top_n' of build_report() must be an int") == (
        "option --top-n of build_report() must be an int")
    assert cli_message("pass churn_horizon='30D'") == "pass --churn-horizon 30D"


def test_analysis_flags_reach_the_page(tmp_path, capsys, no_sections):
    out = tmp_path / "r.html"
    code = main(["report", "-o", str(out), "--quiet", "--time-unit", "W", "--clv-horizon", "26W",
                 "--annual-discount-rate", "0.05", "--churn-horizon", "30D", "--top-n", "7"])
    assert code == 0, capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    for name, value in (("time_unit", "W"), ("clv_horizon", "26W"), ("annual_discount_rate", "0.05"),
                        ("churn_horizon", "30D"), ("top_n", "7")):
        assert f"<tr><th>{name}</th><td>{value}</td>" in page
    code = main(["report", "-o", str(out), "--quiet", "--top-n", "0"])
    assert code == 2 and "option --top-n" in capsys.readouterr().err
