"""Bad input at the report's entry points (``build_report`` and ``crmmine report``).

Each case asserts a crmmine error whose message names the parameter, flag or column and the fix,
or the report's documented policy (a bad date is dropped and counted on the page), and that the
input was not modified. Policies: docs/report.md ("Bad input").
"""

from __future__ import annotations

import copy

import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import CRMMineError, DataError, ParameterError, SchemaError
from crmmine.report import build_report
from crmmine.report.cli import main

OPTIONS = {"columns": cm.datasets.ONLINE_RETAIL_COLUMNS, "unit_price": "UnitPrice", "sections": []}


@pytest.fixture(scope="module")
def raw():
    return cm.datasets.load_online_retail().head(4000)


def expect_error(raw, error, *needles, **kwargs):
    before = copy.deepcopy(raw)
    with pytest.raises(error) as info:
        build_report(raw, **{**OPTIONS, **kwargs})
    assert isinstance(info.value, CRMMineError)
    for needle in needles:
        assert needle in str(info.value), f"{needle!r} not in {info.value}"
    pd.testing.assert_frame_equal(raw, before)


@pytest.mark.parametrize(("kwargs", "needles"), [
    ({"top_n": 0}, ("top_n", "[1, inf)")),
    ({"clv_horizon": "soon"}, ("clv_horizon", "'14D'")),
    ({"churn_horizon": -5}, ("churn_horizon", "positive")),
    ({"holdout": "2 weeks"}, ("holdout",)),
    ({"annual_discount_rate": -0.1}, ("annual_discount_rate",)),
    ({"margin": 1.5}, ("margin", "(0, 1]")),
    ({"locale": "fr"}, ("locale", "'en', 'zh'")),
    ({"rfm_preset": "fancy"}, ("rfm_preset", "rf_grid")),
    ({"lifecycle_preset": "seven"}, ("lifecycle_preset", "texts5")),
    ({"engine": "spark"}, ("engine", "duckdb")),
    ({"sample_size": 0}, ("sample_size",)),
    ({"time_unit": "fortnight"}, ("time unit", "'14D'")),
    ({"sections": ["value", "charts"]}, ("unknown ['charts']", "--sections")),
    ({"sections": ["survey"]}, ("needs survey=", "--survey FILE")),
])
def test_bad_settings_name_the_parameter(raw, kwargs, needles):
    expect_error(raw, ParameterError, *needles, **kwargs)


def test_as_of_before_the_data(raw):
    expect_error(raw, DataError, "as_of='2001-01-01'", "Fix: pass a later as_of", as_of="2001-01-01")


def test_missing_amount_column_names_the_role(raw):
    expect_error(raw.drop(columns="UnitPrice"), SchemaError, "UnitPrice", "Fix")


def test_empty_log(raw):
    expect_error(raw.iloc[:0], DataError, "empty", "Fix")


def test_one_bad_date_is_dropped_and_counted_not_fatal(raw):
    bad = raw.assign(InvoiceDate=raw["InvoiceDate"].astype(str))
    bad.loc[bad.index[3], "InvoiceDate"] = "not a date"
    before = bad.copy()
    report = build_report(bad, **OPTIONS)
    pd.testing.assert_frame_equal(bad, before)
    assert report.log.to_frame().set_index("reason").loc["missing or unparseable dates", "rows"] == 1
    assert "1 rows with a missing or unparseable date were dropped" in report.html
    with pytest.raises(DataError, match=r"bad_dates='drop'"):
        build_report(bad, **{**OPTIONS, "bad_dates": "raise"})


def test_applications_without_the_target_column(raw):
    apps = pd.DataFrame({"income": [1.0, 2.0, 3.0], "bad": [0, 1, 0]})
    report = build_report(raw, **{**OPTIONS, "sections": ["credit"]}, applications=apps, target="default")
    assert "credit" in report.errors and "target=" in report.errors["credit"]


def test_text_labels_in_the_target_are_refused_with_the_fix(raw):
    apps = pd.DataFrame({"income": [1.0, 2.0, 3.0], "outcome": ["good", "bad", "good"]})
    report = build_report(raw, **{**OPTIONS, "sections": ["credit"]}, applications=apps, target="outcome")
    assert "column 'outcome'" in report.errors["credit"] and "--bad-value" in report.errors["credit"]


def test_cli_missing_input_and_unknown_table(tmp_path, capsys):
    assert main(["report", str(tmp_path / "nope.csv"), "-o", str(tmp_path / "r.html"), "--quiet"]) == 2
    assert "input file not found" in capsys.readouterr().err
    duckdb = pytest.importorskip("duckdb")
    db = tmp_path / "x.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table sales as select 1 as customer_id")
    con.close()
    assert main(["report", str(db), "--table", "orders", "-o", str(tmp_path / "r.html"), "--quiet"]) == 2
    assert "--table orders: no such table" in capsys.readouterr().err
    assert main(["report", "-o", str(tmp_path / "r.html"), "--quiet", "--target", "y"]) == 2
    assert "--applications FILE" in capsys.readouterr().err
    out = str(tmp_path / "r.html")
    assert main(["report", str(db), "--table", "sales", "--memory-limit", "lots", "-o", out, "--quiet"]) == 2
    assert "--memory-limit lots" in capsys.readouterr().err


def test_as_of_after_the_log_fails_the_label_sections_visibly(raw):
    report = build_report(raw, **{**OPTIONS, "sections": ["churn"]}, as_of="2011-12-31")
    assert "churn" in report.errors and "Fix" in report.errors["churn"]
    assert "This section failed" in report.html
