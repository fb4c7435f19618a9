"""Shared fixtures: the public data folder beside the repository."""

from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """``../shared/data`` beside the repository; skips the test when it is absent."""
    if not SHARED_DATA.exists():
        pytest.skip(f"../shared/data not found at {SHARED_DATA.resolve()}: public datasets absent")
    return SHARED_DATA
