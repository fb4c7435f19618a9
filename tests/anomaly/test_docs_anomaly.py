"""Every code block of docs/anomaly.md runs (each block on its own: they are self-contained)."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "anomaly.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_there_are_code_blocks():
    assert len(BLOCKS) >= 6


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_code_block_runs(index, capsys):
    import matplotlib

    matplotlib.use("Agg")
    with warnings.catch_warnings():
        # blocks that provoke a documented repair record the warning themselves
        warnings.simplefilter("error")
        exec(compile(BLOCKS[index], f"docs/anomaly.md block {index}", "exec"), {"__name__": "__docs__"})
    assert capsys.readouterr().out.strip()  # every block shows something
