"""The README's tour must run as written, every warning it raises explained in its comments: it is
the first code a user copies."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_readme_opens_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    first_block = re.search(r"```sh\n(.*?)```", text, flags=re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["make demo", "make test"]


def test_readme_tour_runs(capsys):
    blocks = _python_blocks()
    assert blocks, "README has no python block"
    tour = blocks[0]
    assert len([ln for ln in tour.splitlines() if ln.strip()]) <= 12
    namespace: dict = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(tour, str(README), "exec"), namespace)  # the README is ours
    # every warning the tour raises is explained in its comments, by the warning's name
    comments = " ".join(line.split("#", 1)[1] for line in tour.splitlines() if "#" in line)
    unexplained = [f"{w.category.__name__}: {w.message}" for w in caught
                   if w.category.__name__ not in comments]
    assert not unexplained, unexplained
    assert len(namespace["summary"]) == namespace["tx"]["customer_id"].nunique()
    assert len(namespace["rules"]) > 0
    assert namespace["model"].params_.notna().all()
    if "scores" in namespace:
        assert namespace["scores"].index.equals(namespace["summary"].index)
    capsys.readouterr()


if __name__ == "__main__":  # pragma: no cover
    pytest.main([__file__])
