"""Save and load fitted value models as versioned JSON files.

A file holds one fitted model::

    {"format": "crmmine.value.model", "format_version": 1, "crmmine_version": "...",
     "model_class": "BGNBD", "params": {...constructor parameters...},
     "fitted": {"params_": ..., "time_unit_": "W", "log_likelihood_": ..., ...}}

Every fitted attribute (parameters, time unit, standard errors, covariance, convergence
diagnostics, warnings) is written; tables as ``{"index": [...], "columns": [...], "data":
[...]}``, non-finite numbers as ``{"__float__": "nan"}`` so that the file is standard JSON.
Loading checks the format, its version and (when asked) the class, and raises a clear
error otherwise. JSON holds no code: loading a file never runs anything.

Examples
--------
>>> import tempfile, pathlib
>>> from crmmine.value import BGNBD, load_model
>>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
>>> path = pathlib.Path(tempfile.mkdtemp()) / "bgnbd.json"
>>> m.save(path)
>>> back = load_model(path)
>>> type(back).__name__, back.time_unit_, float(back.params_["a"])
('BGNBD', 'W', 0.7929)
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from crmmine._estimator import CRMMineEstimator
from crmmine.errors import DataError, ParameterError

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "save_model"]

FORMAT = "crmmine.value.model"
FORMAT_VERSION = 1


def _classes() -> dict[str, type]:
    """crmmine.value's estimator classes by name (found as subclasses, so no model is imported here)."""
    found: dict[str, type] = {}
    todo = list(CRMMineEstimator.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        abstract = ("BTYDModel", "UnitModel", "TransactionModel", "PeriodModel")
        public = not cls.__name__.startswith("_") and cls.__name__ not in abstract
        if cls.__module__.startswith("crmmine.value.") and public:
            found[cls.__name__] = cls
    return found


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("crmmine")
    except Exception:  # not installed as a distribution (e.g. run from the source tree)
        return "unknown"


def _encode(value: Any) -> Any:
    if isinstance(value, pd.DataFrame):
        return {
            "__frame__": {
                "index": [_encode(v) for v in value.index.tolist()],
                "index_name": value.index.name,
                "columns": [_encode(v) for v in value.columns.tolist()],
                "data": [[_encode(v) for v in row] for row in value.to_numpy(dtype=object).tolist()],
            }
        }
    if isinstance(value, pd.Series):
        return {
            "__series__": {
                "index": [_encode(v) for v in value.index.tolist()],
                "index_name": value.index.name,
                "name": value.name,
                "data": [_encode(v) for v in value.tolist()],
            }
        }
    if isinstance(value, pd.Timestamp):
        return {"__timestamp__": value.isoformat()}
    if isinstance(value, np.ndarray):
        return [_encode(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        value = float(value)
        if not math.isfinite(value):
            return {"__float__": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
        return value
    if value is None or isinstance(value, bool | int | str):
        return value
    raise ParameterError(f"cannot write a value of type {type(value).__name__} to a model file.")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if isinstance(value, dict):
        if "__float__" in value:
            return float(value["__float__"])
        if "__timestamp__" in value:
            return pd.Timestamp(value["__timestamp__"])
        if "__series__" in value:
            d = value["__series__"]
            index = pd.Index([_decode(v) for v in d["index"]], name=d["index_name"])
            return pd.Series([_decode(v) for v in d["data"]], index=index, name=d["name"])
        if "__frame__" in value:
            d = value["__frame__"]
            index = pd.Index([_decode(v) for v in d["index"]], name=d["index_name"])
            frame = pd.DataFrame(
                [[_decode(v) for v in row] for row in d["data"]],
                index=index,
                columns=[_decode(v) for v in d["columns"]],
            )
            return frame.infer_objects()
        return {k: _decode(v) for k, v in value.items()}
    return value


def save_model(model: Any, path: str | Path) -> None:
    """Write a fitted crmmine value model to ``path`` as versioned JSON.

    The file holds the constructor parameters and every fitted attribute (parameters, time
    unit, standard errors, diagnostics, warnings); the module docs describe the format.
    ``model.save(path)`` calls this.

    Parameters
    ----------
    model : fitted crmmine.value estimator
        BGNBD, ParetoNBD, MBGNBD, BGBB, GammaGamma, MarkovCLV, ShiftedBetaGeometric, the
        Dwyer models or ValueCurves (fitted, or built with ``from_params``).
    path : str or pathlib.Path
        File to write (overwritten if it exists); ``.json`` is the usual suffix.

    Returns
    -------
    None
        The model is written to ``path``.

    Raises
    ------
    NotFittedError
        The model is not fitted.
    ParameterError
        The object is not one of crmmine's value models.

    See Also
    --------
    load_model : reads the file back.

    Examples
    --------
    >>> import json, pathlib, tempfile
    >>> from crmmine.value import ShiftedBetaGeometric
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "sbg.json"
    >>> save_model(ShiftedBetaGeometric.from_params(0.704, 1.182, period="Y"), path)
    >>> doc = json.loads(path.read_text())
    >>> doc["model_class"], doc["params"]["period"], doc["fitted"]["params_"]["__series__"]["data"]
    ('ShiftedBetaGeometric', 'Y', [0.704, 1.182])
    """
    name = type(model).__name__
    if _classes().get(name) is not type(model):
        raise ParameterError(f"save_model writes crmmine.value models, got {name}.")
    model._check_fitted()
    fitted = {k: _encode(v) for k, v in vars(model).items() if k.endswith("_") and not k.startswith("_")}
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "crmmine_version": _version(),
        "model_class": name,
        "params": _encode(model.get_params(deep=False)),
        "fitted": fitted,
    }
    Path(path).write_text(json.dumps(document, indent=1, allow_nan=False), encoding="utf-8")


def load_model(path: str | Path, *, expected: type | None = None) -> Any:
    """Read a model written by :func:`save_model` (or a model's ``save``).

    Parameters
    ----------
    path : str or pathlib.Path
        A file written by :func:`save_model`.
    expected : class, optional
        Raise unless the file holds this class (``BGNBD.load(path)`` passes ``BGNBD``).

    Returns
    -------
    crmmine.value estimator
        A fitted model of the class named in the file, with the saved constructor parameters
        and fitted attributes; its predictions equal the saved model's.

    Raises
    ------
    DataError
        Not a crmmine model file, or written in another format version.
    ParameterError
        The file holds another model class than ``expected``.

    See Also
    --------
    save_model : writes the file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import pandas as pd
    >>> from crmmine.value import GammaGamma
    >>> gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "gg.json"
    >>> gg.save(path)
    >>> back = load_model(path, expected=GammaGamma)
    >>> s = pd.DataFrame({"frequency": [0, 4], "repeat_monetary_mean": [0.0, 50.0]})
    >>> back.expected_spend(s).equals(gg.expected_spend(s))
    True
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise DataError(f"{path} is not a crmmine model file (not JSON: {exc}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        found = document.get("format") if isinstance(document, dict) else None
        raise DataError(
            f"{path} is not a crmmine model file (its 'format' is {found!r}, expected {FORMAT!r}). "
            "Fix: write models with model.save(path)."
        )
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise DataError(
            f"{path} was written in model-file format version {version!r}, but this crmmine reads "
            f"version {FORMAT_VERSION} (written by crmmine {document.get('crmmine_version', 'unknown')}). "
            "Fix: load it with the crmmine version that wrote it and refit, or save it again."
        )
    name = document.get("model_class")
    classes = _classes()
    if name not in classes:
        raise DataError(f"{path} holds an unknown model class {name!r}; known: {sorted(classes)}.")
    cls = classes[name]
    if expected is not None and cls is not expected:
        raise ParameterError(
            f"{path} holds a {name} model, not a {expected.__name__}. Fix: load it with "
            f"{name}.load(path) or crmmine.value.load_model(path)."
        )
    model = cls(**_decode(document.get("params", {})))
    for key, value in _decode(document.get("fitted", {})).items():
        setattr(model, key, value)
    if "params_" in vars(model):
        model.params_ = model.params_.astype("float64")
    return model
