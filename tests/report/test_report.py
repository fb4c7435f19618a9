"""The HTML report: content, escaping, the CLI, and a render in a real browser."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import crmmine as cm
from crmmine.report import build_report
from crmmine.report.cli import main


def _small_raw():
    raw = cm.datasets.load_online_retail()
    keep = raw["CustomerID"].isin(raw["CustomerID"].dropna().unique()[:60])
    return raw[keep | raw["CustomerID"].isna()].head(6000).copy()


def test_report_has_quality_summary_and_escapes_data():
    raw = _small_raw()
    raw.loc[raw.index[0], "Description"] = "<script>alert('x')</script>"
    rep = build_report(raw, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice", sections=[])
    assert rep.sections[0].title == "Data quality"
    assert rep.sections[1].title == "Customer summary"
    assert rep.n_figures >= 2
    assert "alert('x')</script>" not in rep.html
    assert rep.html.count("<script>") == 1  # only the page's own script
    assert "missing customer id" in rep.html


def test_failing_section_is_shown_not_hidden(monkeypatch):
    from crmmine.report import build as build_mod

    def broken(ctx):
        raise ValueError("boom <b>")

    monkeypatch.setattr(build_mod, "SECTIONS", (("Broken", "x:y"),))
    monkeypatch.setattr(build_mod, "_load_section", lambda target: broken)
    rep = build_mod.build_report(
        _small_raw(), columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice"
    )
    assert "Broken" in rep.errors
    assert "boom &lt;b&gt;" in rep.html


def test_cli_writes_report(tmp_path):
    src = tmp_path / "tx.csv"
    _small_raw().to_csv(src, index=False)
    out = tmp_path / "r.html"
    code = main(["report", str(src), "-o", str(out), "--quiet"])
    assert code == 0
    assert out.stat().st_size > 10_000


def test_cli_reports_bad_columns(tmp_path, capsys):
    src = tmp_path / "tx.csv"
    pd.DataFrame({"who": [1], "when": ["2011-01-01"], "amount": [1.0]}).to_csv(src, index=False)
    code = main(["report", str(src), "-o", str(tmp_path / "r.html"), "--quiet"])
    assert code == 2
    assert "customer_id" in capsys.readouterr().err


@pytest.fixture(scope="module")
def full_report(tmp_path_factory):
    """The demo: the report of the embedded sample through the console script."""
    out = tmp_path_factory.mktemp("demo") / "report.html"
    exe = Path(sys.executable).with_name("crmmine")
    proc = subprocess.run([str(exe), "report", "-o", str(out)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


def test_demo_report_has_every_section_and_figures(full_report):
    html = full_report.read_text(encoding="utf-8")
    assert len(re.findall(r"<img class=\"fig\"", html)) >= 2
    assert "This section failed" not in html


def test_report_renders_in_headless_chromium(full_report, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    shot = tmp_path / "shot.png"
    base = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    url = full_report.resolve().as_uri()
    dom = subprocess.run(
        [*base, "--enable-logging=stderr", "--v=0", "--dump-dom", url],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    # the page's script ran (it marks the body) and built the table of contents
    assert 'data-ready="yes"' in dom.stdout
    assert '<a href="#s0">' in dom.stdout
    # no uncaught script error in the console log
    assert "Uncaught" not in dom.stderr
    subprocess.run(
        [*base, f"--screenshot={shot}", "--window-size=1200,2000", url],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    from PIL import Image

    img = Image.open(shot).convert("L")
    lo, hi = img.getextrema()
    assert hi - lo > 100  # not a blank page
    colours = len(set(img.resize((200, 300)).getdata()))
    assert colours > 20
