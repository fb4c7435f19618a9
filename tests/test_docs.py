"""Every ```python block of every page in docs/ runs.

The blocks of one page run in order in one namespace (a page may build on its
earlier blocks), in a temporary working directory, with matplotlib's Agg
backend. A block that must not run (a sketch of the user's own data) is fenced
as ```text or ```sh instead. A page that needs the public datasets skips, saying
why, when ``../shared/data`` is absent.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
BLOCK = re.compile(r"^```python[^\n]*\n(.*?)^```", re.S | re.M)
PAGES = sorted(p for p in DOCS.glob("*.md") if BLOCK.search(p.read_text(encoding="utf-8")))


def test_pages_found():
    assert PAGES, "no docs page with a python block was found"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_page_code_runs(page, tmp_path, monkeypatch, request):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    text = page.read_text(encoding="utf-8")
    if "data_home()" in text or "shared_data" in text or "full=True" in text:
        request.getfixturevalue("shared_data")  # skips with a reason when the datasets are absent
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": f"docs_{page.stem}"}
    for number, match in enumerate(BLOCK.finditer(text), start=1):
        code = match.group(1)
        line = text[: match.start()].count("\n") + 2
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", DeprecationWarning)
                exec(compile(code, f"{page.name}:block{number}(line {line})", "exec"), namespace)
        except Exception as exc:
            pytest.fail(f"{page.name}, block {number} (line {line}) failed: {type(exc).__name__}: {exc}")
        finally:
            plt.close("all")


def test_api_reference_lists_functions_named_like_their_module():
    # mkdocstrings shows crmmine.value.clv as the module clv.py, so the function clv (and the
    # like) would be missing from the reference unless docs/api.md names it by its full path
    import importlib
    import inspect

    api = (DOCS / "api.md").read_text(encoding="utf-8")
    packages = re.findall(r"^::: (crmmine\.\w+)$", api, flags=re.M)
    shadowed = []
    for name in packages:
        package = importlib.import_module(name)
        for attr in getattr(package, "__all__", ()):
            obj = getattr(package, attr)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            try:
                importlib.import_module(f"{name}.{attr}")
            except ModuleNotFoundError:
                continue
            shadowed.append(f"{obj.__module__}.{obj.__qualname__}")
    assert shadowed, "expected some functions named like their module"
    missing = [q for q in shadowed if f"::: {q}\n" not in api + "\n"]
    assert not missing, f"add these to docs/api.md: {missing}"
