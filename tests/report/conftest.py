"""Shared reports: the demo page (through the console script) and the Chinese page, built once."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest

#: Packages that ``make demo`` does not install (extras): the demo must run without them.
EXTRAS = ("duckdb", "polars", "pyspark", "pyarrow", "optbinning", "kmodes", "mlxtend", "fim", "lifetimes",
          "prefixspan", "psutil")

_WITHOUT_EXTRAS = """
import sys
class _Blocked:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {extras!r}:
            raise ImportError(f"{{name}} is not installed by make demo")
        return None
sys.meta_path.insert(0, _Blocked())
from crmmine.report.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """``crmmine report -o report.html`` on the embedded sample, as ``make demo`` runs it: with
    crmmine's core dependencies only (every extra's import fails).

    Returns the page's text and what the command printed on standard error.
    """
    out = tmp_path_factory.mktemp("demo") / "report.html"
    code = _WITHOUT_EXTRAS.format(extras=set(EXTRAS))
    proc = subprocess.run([sys.executable, "-c", code, "report", "-o", str(out)], capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return {"path": out, "html": out.read_text(encoding="utf-8"), "stderr": proc.stderr}


@pytest.fixture(scope="session")
def zh_report():
    """The Chinese report of the embedded sample, built in-process; every warning recorded."""
    import crmmine as cm
    from crmmine.report import build_report
    from crmmine.report._text import MISSING

    MISSING.clear()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = build_report(cm.datasets.load_online_retail(), columns=cm.datasets.ONLINE_RETAIL_COLUMNS,
                              unit_price="UnitPrice", locale="zh")
    return {"report": report, "warnings": [str(w.message) for w in caught], "missing": set(MISSING)}
