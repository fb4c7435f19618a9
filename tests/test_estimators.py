"""Every exported estimator follows scikit-learn's contract (issue 11).

For each public class with a ``fit`` method: it is a ``CRMMineEstimator``;
``clone`` gives an unfitted copy with equal parameters; ``get_params`` /
``set_params`` round-trip; the repr is short and names the class; ``__init__``
stores its parameters unchanged (no validation or conversion there); and using
a fitted-only attribute before ``fit`` raises crmmine's ``NotFittedError``,
which is also scikit-learn's.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SkNotFittedError

from crmmine._estimator import CRMMineEstimator
from crmmine.errors import NotFittedError

PACKAGES = (
    "crmmine.data",
    "crmmine.segmentation",
    "crmmine.value",
    "crmmine.association",
    "crmmine.anomaly",
    "crmmine.churn",
    "crmmine.classification",
    "crmmine.credit",
    "crmmine.survey",
)


def _estimators():
    found = {}
    for name in PACKAGES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if inspect.isclass(obj) and callable(getattr(obj, "fit", None)):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return sorted(found.items())


ESTIMATORS = _estimators()
IDS = [name.rsplit(".", 1)[-1] for name, _ in ESTIMATORS]


def _make(cls):
    """An instance with default parameters (classes whose first parameter is required get a
    documented default through ``_test_instance`` if they define one)."""
    maker = getattr(cls, "_test_instance", None)
    return maker() if maker is not None else cls()


def test_estimators_found():
    assert len(ESTIMATORS) >= 10


@pytest.mark.parametrize("name,cls", ESTIMATORS, ids=IDS)
def test_is_crmmine_estimator(name, cls):
    assert issubclass(cls, CRMMineEstimator), f"{name} must derive from crmmine._estimator.CRMMineEstimator"


@pytest.mark.parametrize("name,cls", ESTIMATORS, ids=IDS)
def test_clone_params_and_repr(name, cls):
    est = _make(cls)
    params = est.get_params(deep=False)
    signature = inspect.signature(cls.__init__)
    for key, value in params.items():  # __init__ stores parameters as given
        default = signature.parameters[key].default
        if default is not inspect.Parameter.empty and not callable(default):
            assert value is default or value == default, f"{name}.__init__ changed {key!r}"
    copy = clone(est)
    assert type(copy) is cls and copy.get_params(deep=False).keys() == params.keys()
    assert copy.set_params(**params) is copy
    text = repr(est)
    assert text.startswith(cls.__name__) and len(text) < 400 and "object at 0x" not in text


@pytest.mark.parametrize("name,cls", ESTIMATORS, ids=IDS)
def test_not_fitted_error(name, cls):
    est = _make(cls)
    assert not est.__sklearn_is_fitted__()
    with pytest.raises(NotFittedError) as info:
        est._check_fitted()
    assert isinstance(info.value, SkNotFittedError)
    assert cls.__name__ in str(info.value)
