"""The HTML report: content of the demo page, escaping, failures, warnings, and a render in a browser.

Most checks read the demo page (``crmmine report`` on the embedded Online Retail sample, built
once per session by the ``demo`` fixture): each fix of issue 10 item 6 is asserted on it.
"""

from __future__ import annotations

import html as html_lib
import itertools
import re
import shutil
import subprocess
import sys
import warnings

import pytest

import crmmine as cm
from crmmine.errors import BoundaryFitWarning, CRMMineWarning
from crmmine.report import SECTIONS, Report, Section, SectionSpec, build_report


def _text(page: str) -> str:
    """The page's visible text, tags removed, whitespace collapsed."""
    body = page.split("<main>", 1)[-1]
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _section(page: str, title: str) -> str:
    """The HTML of one section, by its heading."""
    for part in page.split("<section>")[1:]:
        if part.startswith(f"<h2>{title}</h2>"):
            return part.split("</section>", 1)[0]
    raise AssertionError(f"no section {title!r}")


def _small_raw():
    raw = cm.datasets.load_online_retail()
    keep = raw["CustomerID"].isin(raw["CustomerID"].dropna().unique()[:60])
    return raw[keep | raw["CustomerID"].isna()].head(6000).copy()


# -- the demo page -----------------------------------------------------------------------------


def test_demo_has_every_section_and_no_failure(demo):
    page = demo["html"]
    for title in ("Settings", "Data quality", "Customer summary", "Segmentation", "Customer lifetime value",
                  "Cross-selling and up-selling", "Fraud and anomalies", "Churn and retention"):
        assert f"<h2>{title}</h2>" in page
    assert "This section failed" not in page
    assert len(re.findall(r"<img class=\"fig\"", page)) >= 10
    assert page.startswith("<!DOCTYPE html><html lang='en'>")


def test_demo_prints_no_raw_warning_and_sums_them_up(demo):
    err = demo["stderr"]
    # crmmine's warnings are in the page, never printed as Python warnings ("file:line: Class: ...")
    assert not re.search(r"\.py:\d+: \w*Warning", err), err
    assert re.search(r"crmmine: \d+ crmmine warning\(s\), shown in the page: value", err)


def test_settings_are_shown(demo):
    settings = _text(_section(demo["html"], "Settings"))
    for name, value in (("clv_horizon", "1Y"), ("annual_discount_rate", "0.1"), ("churn_horizon", "90D"),
                        ("holdout", "13W"), ("time_unit", "D"), ("top_n", "15"), ("locale", "en")):
        assert f"{name} {value}" in settings


def test_summary_text_prints_the_date_not_as_of(demo):
    text = _text(_section(demo["html"], "Customer summary"))
    assert "991 customers at 2011-12-09" in text
    assert "at as_of" not in _text(demo["html"])


def test_rfm_table_names_the_unit_of_time_since_last(demo):
    seg = _section(demo["html"], "Segmentation")
    assert "<th>mean_days_since_last</th>" in seg  # time unit D: days, and named so
    assert "mean_weeks_since_last" not in seg


def test_tables_show_readable_numbers_ids_and_no_row_numbers(demo):
    page = demo["html"]
    value = _section(page, "Customer lifetime value")
    top = value.split("Top 15 customers by CLV", 1)[1]
    assert "<th>customer_id</th>" in top
    ids = re.findall(r"<tr><th>(\d[\d,]*)</th>", top)
    assert ids and all("," not in i for i in ids)  # ids as written: 16446, not 16,446
    cells = re.findall(r"<td>([^<]*)</td>", page)
    assert not [c for c in cells if re.fullmatch(r"-?[\d.]+e[+-]?\d+", c) and "e+" in c]  # no 2.357e+04
    for title in ("Cross-selling and up-selling", "Churn and retention", "Fraud and anomalies"):
        # every listed table is keyed by an id (customer or order), never a 0..n row number
        part = _section(page, title)
        assert not re.search(r"<tr><th>0</th>", part)
    offers = _section(page, "Cross-selling and up-selling").split("Next best offer", 1)[1]
    assert "<th>customer_id</th>" in offers.split("</thead>", 1)[0]


def test_one_year_clv_and_boundary_fit_shown_beside_the_numbers(demo):
    value = _section(demo["html"], "Customer lifetime value")
    text = _text(value)
    assert "next 1Y (365.25 days)" in text and "total CLV over 1Y at 10% a year" in text
    # the collapsed BG/NBD fit: said right after the headline numbers and in the parameter table
    assert text.index("The BG/NBD fit is at a boundary") < text.index("Caveat")
    assert "at a boundary: drop-out collapsed" in text
    assert "BoundaryFitWarning" not in text or "Warnings raised while building" in text
    assert "reduced to the NBD model" in text


def test_collapsed_holdout_models_say_they_are_identical(demo):
    text = _text(_section(demo["html"], "Customer lifetime value").split("Holdout check", 1)[1])
    assert "identical to Pareto/NBD: both reduced to the NBD model (no drop-out)" in text
    assert "identical to BG/NBD: both reduced to the NBD model (no drop-out)" in text


def test_one_time_buyer_segments_get_the_p_alive_caveat(demo):
    text = _text(_section(demo["html"], "Customer lifetime value"))
    assert "Caveat: BG/NBD gives P(alive) = 1 to every customer without a repeat purchase" in text
    flagged = re.search(r"In (.*?), most customers bought once", text).group(1).split(", ")
    assert "Hibernating" in flagged and "New customers" in flagged and "Champions" not in flagged


def test_clv_components_by_segment(demo):
    value = _section(demo["html"], "Customer lifetime value")
    assert "CLV components by RFM segment" in value
    head = value.split("CLV components by RFM segment", 1)[1].split("</thead>", 1)[0]
    for col in ("historical", "current", "potential", "clv", "share_of_total"):
        assert f"<th>{col}</th>" in head


def test_tracking_chart_dates_do_not_overlap():
    import matplotlib.pyplot as plt

    from crmmine.report._figures import date_axis
    from crmmine.value import BGNBD, tracking

    tx, _ = cm.datasets.load_online_retail_clean()
    cal, _ = cm.calibration_holdout(tx, "2011-09-09", "2011-12-09")
    with pytest.warns(BoundaryFitWarning):  # the sample's calibration shows no drop-out
        model = BGNBD().fit(cal)
    track = tracking(model, tx, calibration_end="2011-09-09", observation_end="2011-12-09")
    for width in (6.0, 4.0):  # the report's half-width panel, and narrower
        fig, ax = plt.subplots(figsize=(width, 3.8))
        track.plot(ax=ax)
        date_axis(ax)
        fig.canvas.draw()
        boxes = [lab.get_window_extent() for lab in ax.get_xticklabels() if lab.get_text()]
        assert len(boxes) >= 3
        boxes.sort(key=lambda b: b.x0)
        assert all(a.x1 <= b.x0 for a, b in itertools.pairwise(boxes)), "tick labels overlap"
        plt.close(fig)


def test_fraud_lists_customers_for_one_sided_suspicion_only(demo):
    part = _section(demo["html"], "Fraud and anomalies").split("Unusual customers", 1)[1]
    reasons = re.findall(r"<td>([^<]*the median[^<]*)</td>", part)
    assert reasons, "no flagged customer"
    assert all("since_last" not in r for r in reasons)
    # every reason is an excess: 'N x the median (value vs median)' with value above the median
    for r in reasons:
        for value, median in re.findall(r"\(([\d,.]+) vs ([\d,.]+)\)", r):
            assert float(value.replace(",", "")) > float(median.replace(",", ""))


def test_churn_empc_uses_the_reports_own_clv(demo):
    text = _text(_section(demo["html"], "Churn and retention"))
    assert "value of a kept customer = CLV over 1Y from the value section" in text
    mean = float(re.search(r"from the value section \(mean ([\d,.]+)", text).group(1).replace(",", ""))
    assert mean != 200.0 and mean > 0


def test_returns_are_described_by_what_the_log_counted(demo):
    text = _text(_section(demo["html"], "Data quality"))
    assert ("counted 1,869 lines of 351 customers, left out of the analysis: 1,869 lines of orders whose id "
            "starts with 'C' (cancelled invoices) and 0 lines with a negative quantity or amount") in text
    assert "returns, corrections or write-offs" in text


def test_lifecycle_preset_with_actions(demo):
    seg = _section(demo["html"], "Segmentation")
    for stage, action in (("development", "cross-selling through partners"), ("growth", "points membership"),
                          ("maturity", "one-to-one service"), ("termination", "win-back"),
                          ("prospect", "advertising")):
        assert re.search(rf"<th>{stage}</th>.*?<td>{action}</td>", seg)


def test_sequential_rules_and_upsell_targets(demo):
    part = _section(demo["html"], "Cross-selling and up-selling")
    seq = part.split("Sequential rules", 1)[1]
    assert "<th>days_median</th>" in seq and "<th>days_q25</th>" in seq
    assert len(re.findall(r"<tr>", seq.split("Up-sell targets", 1)[0])) >= 10
    upsell = part.split("Up-sell targets (top 15)", 1)[1]
    assert "<th>expected_gain</th>" in upsell and "Out-of-sample check one period earlier" in upsell


# -- in-process behaviour ----------------------------------------------------------------------


def test_report_has_quality_summary_and_escapes_data():
    raw = _small_raw()
    raw.loc[raw.index[0], "Description"] = "<script>alert('x')</script>"
    rep = build_report(raw, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice", sections=[])
    assert [s.key for s in rep.sections] == ["settings", "quality", "summary"]
    frame = rep.to_frame()
    assert frame.index.tolist() == ["settings", "quality", "summary"]
    assert frame["figures"].sum() == rep.n_figures and rep.timings["quality"] > 0
    assert frame["seconds"].notna().all()  # every section, the settings too, is timed
    assert "<table" in rep._repr_html_() and repr(rep).startswith("Report(sections=3")
    assert rep.n_figures >= 2
    assert "alert('x')</script>" not in rep.html
    assert rep.html.count("<script>") == 1  # only the page's own script
    assert "missing customer id" in rep.html


def test_failing_section_is_shown_not_hidden(monkeypatch):
    from crmmine.report import build as build_mod

    def broken(ctx):
        raise ValueError("boom <b>")

    monkeypatch.setattr(build_mod, "SECTIONS", (SectionSpec("broken", "Broken", broken),))
    rep = build_mod.build_report(_small_raw(), columns=cm.datasets.ONLINE_RETAIL_COLUMNS,
                                 unit_price="UnitPrice")
    assert "broken" in rep.errors
    assert "boom &lt;b&gt;" in rep.html


def test_crmmine_warnings_are_caught_and_shown_in_their_section(monkeypatch):
    from crmmine.report import build as build_mod

    def noisy(ctx):
        warnings.warn("the fit collapsed <here>", BoundaryFitWarning, stacklevel=1)
        return Section("Noisy", "<p>numbers</p>", key="noisy")

    monkeypatch.setattr(build_mod, "SECTIONS", (SectionSpec("noisy", "Noisy", noisy),))
    with warnings.catch_warnings():
        warnings.simplefilter("error", CRMMineWarning)  # any crmmine warning escaping would raise
        rep = build_mod.build_report(_small_raw(), columns=cm.datasets.ONLINE_RETAIL_COLUMNS,
                                     unit_price="UnitPrice")
    assert rep.warnings == [("noisy", "BoundaryFitWarning: the fit collapsed <here>")]
    assert "BoundaryFitWarning: the fit collapsed &lt;here&gt;" in rep.section("noisy").html


def test_unknown_section_and_bad_settings_raise():
    from crmmine.errors import ParameterError

    raw = _small_raw()
    options = {"columns": cm.datasets.ONLINE_RETAIL_COLUMNS, "unit_price": "UnitPrice"}
    with pytest.raises(ParameterError, match=r"unknown.*'segmentation'"):
        build_report(raw, sections=["segments"], **options)
    with pytest.raises(ParameterError, match="locale"):
        build_report(raw, locale="fr", **options)
    with pytest.raises(ParameterError, match="churn_horizon"):
        build_report(raw, churn_horizon="soon", **options)
    with pytest.raises(ParameterError, match="needs applications="):
        build_report(raw, sections=["credit"], **options)


def test_a_bad_date_never_aborts_the_report():
    raw = _small_raw()
    raw["InvoiceDate"] = raw["InvoiceDate"].astype(str)
    raw.loc[raw.index[5], "InvoiceDate"] = "2011-02-30 10:00"
    rep = build_report(raw, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice",
                       sections=["segmentation"])
    assert not rep.errors
    text = _text(rep.html)
    assert "1 rows with a missing or unparseable date were dropped" in text
    assert rep.log.to_frame().set_index("reason").loc["missing or unparseable dates", "rows"] == 1


def test_report_is_a_sorted_section_list():
    assert [s.key for s in SECTIONS] == ["segmentation", "value", "association", "anomaly", "churn", "credit",
                                         "survey"]
    assert "Report(sections=" in repr(Report(html=""))


def test_report_renders_in_headless_chromium(demo, tmp_path):
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
    url = demo["path"].resolve().as_uri()
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
    colours = len(img.resize((200, 300)).getcolors(maxcolors=256))
    assert colours > 20


def test_the_report_path_imports_no_engine_it_does_not_need():
    """``make demo`` installs crmmine alone: no DuckDB, polars or PySpark import on the way."""
    code = ("import sys; import crmmine.report, crmmine.report.cli; "
            "print(sorted(m for m in ('duckdb', 'polars', 'pyspark') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_net_returns_policy_is_followed_and_said():
    raw = cm.datasets.load_online_retail()
    rep = build_report(raw, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice", returns="net",
                       sections=["value", "association"])
    assert not rep.errors
    text = _text(rep.html)
    # 10 customers of the sample only returned goods: named and counted, not a crash
    assert "10 customers only returned goods in the period" in text
    assert "1,853 returned lines (negative amounts, kept under --returns net) are left out" in text
    assert "Historical value counts purchase lines only" in text
    assert "Holdout check: calibration to 2011-09-09" in text
