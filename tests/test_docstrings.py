"""Numpydoc sections of every public function and class, checked with numpydoc's validator.

Each public name (in a subpackage's ``__all__``) documents its parameters
(PR01/PR02), what it returns (RT01, functions only), has an Examples section
(EX01) and a See Also section (SA01). Classes document their constructor
parameters in the class docstring, as numpydoc and scikit-learn do.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

numpydoc_validate = pytest.importorskip("numpydoc.validate", reason="numpydoc is in the dev extra")

PACKAGES = (
    "crmmine",
    "crmmine.data",
    "crmmine.datasets",
    "crmmine.segmentation",
    "crmmine.value",
    "crmmine.association",
    "crmmine.anomaly",
    "crmmine.churn",
    "crmmine.classification",
    "crmmine.credit",
    "crmmine.survey",
    "crmmine.report",
)
CHECKS = {"PR01", "PR02", "RT01", "EX01", "SA01"}


def _public_objects():
    seen = {}
    for name in PACKAGES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if not getattr(obj, "__module__", "").startswith("crmmine"):
                continue
            if inspect.isclass(obj) and issubclass(obj, BaseException | Warning):
                continue
            key = f"{obj.__module__}.{obj.__qualname__}"
            seen.setdefault(key, obj)
    return sorted(seen.items())


OBJECTS = _public_objects()


def test_public_names_found():
    assert len(OBJECTS) > 50


@pytest.mark.parametrize("qualname,obj", OBJECTS, ids=[q for q, _ in OBJECTS])
def test_numpydoc_sections(qualname, obj):
    result = numpydoc_validate.validate(qualname)
    wanted = set(CHECKS)
    if inspect.isclass(obj):
        wanted.discard("RT01")
    problems = [f"{code}: {msg}" for code, msg in result["errors"] if code in wanted]
    assert not problems, f"{qualname}:\n" + "\n".join(problems)
