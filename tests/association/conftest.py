"""Fixtures for the association tests: the public basket datasets beside the repository, Spark."""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def assoc_data() -> Path:
    """``<repo>/../shared/data``; skips when the public datasets are absent."""
    if not DATA.exists():
        pytest.skip(f"../shared/data not found: {DATA.resolve()} (public datasets absent)")
    return DATA


def read_groceries(folder: Path) -> list[list[str]]:
    """Groceries baskets: split on commas WITHOUT stripping (two names end in a space)."""
    text = (folder / "baskets" / "groceries.csv").read_text()
    return [line.split(",") for line in text.split("\n") if line]


def read_fimi(path: Path) -> list[list[str]]:
    """A FIMI .dat(.xz) file: one basket per line, items separated by spaces."""
    opener = lzma.open if path.suffix == ".xz" else open
    with opener(path, "rt") as fh:
        return [line.split() for line in fh if line.strip()]


@pytest.fixture(scope="session")
def groceries(assoc_data: Path) -> list[list[str]]:
    return read_groceries(assoc_data)


@pytest.fixture(scope="session")
def retail(assoc_data: Path) -> list[list[str]]:
    return read_fimi(assoc_data / "baskets" / "retail.dat.xz")


@pytest.fixture
def spark(spark_session):
    """The shared local Spark session of ``tests/conftest.py``, alive (skips without Spark or Java)."""
    from tests.conftest import _live_spark

    return _live_spark()
