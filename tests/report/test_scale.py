"""The report at scale (issue 12 item 3): Parquet files and globs, DuckDB database tables, the
DuckDB engine that never loads every transaction into pandas, and the seeded customer sample."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import ParameterError
from crmmine.report import _engine, build_report
from crmmine.report.cli import main

duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def raw():
    return cm.datasets.load_online_retail()


@pytest.fixture(scope="module")
def files(raw, tmp_path_factory):
    """The embedded sample as a DuckDB database (two tables) and as two Parquet files."""
    root = tmp_path_factory.mktemp("scale")
    db = root / "retail.duckdb"
    con = duckdb.connect(str(db))
    con.register("raw_df", raw)
    con.execute("create table transactions as select * from raw_df")
    con.execute("create table stores as select 1 as store_id")
    con.close()
    parts = root / "parts"
    parts.mkdir()
    half = len(raw) // 2
    raw.iloc[:half].to_parquet(parts / "part-0.parquet")
    raw.iloc[half:].to_parquet(parts / "part-1.parquet")
    return {"db": db, "glob": str(parts / "*.parquet")}


def _text(path) -> str:
    page = path.read_text(encoding="utf-8")
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_duckdb_table_through_the_cli(files, tmp_path, capsys):
    out = tmp_path / "r.html"
    code = main(["report", str(files["db"]), "--table", "transactions", "-o", str(out), "--quiet",
                 "--sample-size", "250", "--sections", "segmentation,churn"])
    assert code == 0, capsys.readouterr().err
    text = _text(out)
    assert "engine duckdb" in text and "sample_size 250 / 991" in text
    # whole-base figures cover every customer, the sections say they see a sample
    assert "991 customers at 2011-12-09" in text
    assert text.count("This section analyses a random sample of 250 of the 991 customers (seed 0)") == 2
    # two tables and no --table: the error lists them
    code = main(["report", str(files["db"]), "-o", str(out), "--quiet"])
    assert code == 2 and "holds 2 tables (stores, transactions)" in capsys.readouterr().err


def test_parquet_glob_with_both_engines(files, raw, tmp_path, capsys):
    pages = {}
    for engine, extra in (("pandas", []), ("duckdb", ["--memory-limit", "500MB"])):
        out = tmp_path / f"{engine}.html"
        code = main(["report", files["glob"], "--engine", engine, "-o", str(out), "--quiet",
                     "--sections", "", *extra])
        assert code == 0, capsys.readouterr().err
        pages[engine] = _text(out)
    for text in pages.values():
        assert "123,526 raw rows; 89,254 clean rows up to 2011-12-09; 991 customers; 4,079 orders" in text


def test_whole_base_facts_agree_between_engines(raw):
    options = {"columns": cm.datasets.ONLINE_RETAIL_COLUMNS, "unit_price": "UnitPrice", "returns": "drop",
               "bad_dates": "drop", "bad_amounts": "raise", "date_format": None, "dayfirst": None}
    facts = {}
    for engine, table in (("pandas", raw), ("duckdb", duckdb.connect().from_df(raw))):
        facts[engine] = _engine.prepare(table, engine=engine, clean_options=options, as_of=None,
                                        time_unit="D", sample_size=None, random_state=0).facts
    a, b = facts["pandas"], facts["duckdb"]
    assert (a.n_rows, a.n_customers, a.n_orders, a.n_after_as_of) == (b.n_rows, b.n_customers, b.n_orders, 0)
    assert a.returns == b.returns == {"lines": 1869, "customers": 351, "cancelled_lines": 1869,
                                      "negative_lines": 0}
    # the summary's distribution (DuckDB's quantile_cont is pandas' linear interpolation); sums in
    # another order differ in the last bits only
    pd.testing.assert_frame_equal(a.describe, b.describe, rtol=1e-9)
    pd.testing.assert_series_equal(a.new_by_month, b.new_by_month, check_names=False)


def test_duckdb_mode_collects_only_the_sample(raw, monkeypatch):
    collected = []
    original = _engine.to_pandas

    def spy(table, **kwargs):
        frame = original(table, **kwargs)
        collected.append((kwargs.get("what"), len(frame)))
        return frame

    monkeypatch.setattr(_engine, "to_pandas", spy)
    rel = duckdb.connect().from_df(raw)
    report = build_report(rel, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice",
                          sample_size=100, sections=[], random_state=7)
    assert report.sample.engine == "duckdb" and report.sample.n_sampled == 100
    assert report.sample.n_customers == 991
    rows = dict(collected)
    assert set(rows) == {"transactions", "returns"}
    # only the sampled customers' rows travel to pandas (the clean log has 89,254)
    assert rows["transactions"] < 89_254 * 0.2
    again = build_report(duckdb.connect().from_df(raw), columns=cm.datasets.ONLINE_RETAIL_COLUMNS,
                         unit_price="UnitPrice", sample_size=100, sections=[], random_state=7)
    assert again.sample == report.sample  # the sample is seeded


def test_pandas_sample_is_seeded_and_said(raw):
    rep = build_report(raw, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice",
                       sample_size=150, sections=["anomaly"], random_state=1)
    assert rep.sample.sampled and rep.sample.n_sampled == 150 and rep.sample.engine == "pandas"
    assert "random sample of 150 of the 991 customers (seed 1)" in html.unescape(rep.html)


def test_engine_choice_by_size(files, monkeypatch, tmp_path):
    assert _engine.choose_engine(None) == "pandas"
    assert _engine.choose_engine(str(files["db"]), table="transactions") == "duckdb"
    assert _engine.choose_engine(files["glob"]) == "pandas"  # 123,526 rows: below the threshold
    monkeypatch.setattr(_engine, "DUCKDB_MIN_ROWS", 100_000)
    assert _engine.choose_engine(files["glob"]) == "duckdb"
    rows, kind = _engine.count_rows(files["glob"])
    assert (rows, kind) == (123_526, "parquet")
    csv = tmp_path / "tx.csv"
    pd.DataFrame({"customer_id": range(20_000), "amount": 1.0}).to_csv(csv, index=False)
    estimate, kind = _engine.count_rows(str(csv))
    assert kind == "csv" and abs(estimate - 20_001) < 200  # size x lines of the first MiB
    assert _engine.choose_engine(str(csv), "duckdb") == "duckdb"
    with pytest.raises(ParameterError, match="no file matches"):
        _engine.choose_engine(str(tmp_path / "nothing-*.parquet"))
