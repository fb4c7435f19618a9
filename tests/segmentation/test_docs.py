"""Every code block of docs/segmentation.md runs as written (and prints no unexplained warning)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import matplotlib
import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "segmentation.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_page_has_the_examples_the_issues_ask_for():
    text = "\n".join(BLOCKS)
    for needle in (
        'preset="six_types"',
        "customer_pyramid",
        'preset="texts5"',
        "stage_actions",
        "lifecycle_transitions",
        "cluster_mixed",
        'locale="zh"',
        "cells=grid",
    ):
        assert needle in text, needle


@pytest.mark.parametrize("block", range(len(BLOCKS)))
def test_block_runs(block, capsys):
    matplotlib.use("Agg")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        exec(compile(BLOCKS[block], f"{DOC}:block{block}", "exec"), {})
    assert capsys.readouterr().out.strip()
