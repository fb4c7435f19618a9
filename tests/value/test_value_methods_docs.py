"""docs/value-methods.md runs as written, and the value-methods examples run."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "value-methods.md"
BLOCKS = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_docs_block_runs(index, capsys):
    import matplotlib

    matplotlib.use("Agg")
    namespace: dict = {}
    exec(compile(BLOCKS[index], f"{PAGE}:block{index}", "exec"), namespace)  # our own page
    assert capsys.readouterr().out.strip()


def test_docs_sbg_block_prints_the_published_estimates(capsys):
    block = next(b for b in BLOCKS if "ShiftedBetaGeometric(period=\"Y\")" in b)
    namespace: dict = {}
    exec(compile(block, str(PAGE), "exec"), namespace)
    capsys.readouterr()
    assert namespace["regular"].params_.round(3).tolist() == [0.704, 1.182]
    assert namespace["high_end"].params_.round(3).tolist() == [0.668, 3.806]


def test_examples_run(run_example):
    out = run_example("value_methods_online_retail.py")
    assert "historical" in out and "Dwyer" in out
    out = run_example("value_contractual.py")
    assert "alpha" in out and "DERL" in out
