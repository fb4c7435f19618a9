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


@pytest.fixture
def run_example(capsys):
    """Run ``examples/<name>`` as a script; returns what it printed (fails on a non-zero exit)."""
    import runpy
    import sys

    def run(name: str) -> str:
        script = Path(__file__).resolve().parents[1] / "examples" / name
        old = sys.argv
        sys.argv = [str(script)]
        try:
            with pytest.raises(SystemExit) as done:
                runpy.run_path(str(script), run_name="__main__")
        finally:
            sys.argv = old
        assert done.value.code == 0, f"{name} exited with {done.value.code}"
        return capsys.readouterr().out

    return run
