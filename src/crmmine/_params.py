"""Declared parameter checks, in the style of scikit-learn's parameter constraints.

A function or estimator declares what each parameter may be; one checker raises a
:class:`~crmmine.errors.ParameterError` (both ``ValueError`` and ``TypeError``)
that names the parameter, the caller, what was allowed and what was given.

Constraints
-----------
- ``Interval(Real, 0, None, closed="left")``: a number in a range (``Integral``
  for whole numbers; booleans are never numbers here);
- ``Options({"drop", "raise"})``: one of a set of values;
- ``InstanceOf(pd.DataFrame)`` or a bare type such as ``str``: an instance;
- ``None``: the value ``None``;
- ``"random_state"``: ``None``, an int or a ``numpy.random.Generator``/``RandomState``;
- ``"boolean"``: ``True`` or ``False`` (numpy booleans included);
- ``"callable"``, ``"array-like"``, ``"date"`` (anything ``pd.Timestamp`` accepts),
  ``"duration"`` (a positive number or a string such as ``"90D"``).

A parameter passes when it satisfies any of its constraints.

Examples
--------
>>> from numbers import Integral
>>> @validate_params({"bins": [Interval(Integral, 2, None)], "method": [Options({"rank", "edges"})]})
... def scores(bins=5, method="rank"):
...     return bins
>>> scores(bins=3)
3
>>> scores(bins=1)
Traceback (most recent call last):
...
crmmine.errors.ParameterError: parameter 'bins' of scores() must be an int in [2, inf), got 1.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine.errors import ParameterError

__all__ = ["InstanceOf", "Interval", "Options", "check_params", "validate_params"]


@dataclass(frozen=True)
class Interval:
    """A number in ``[left, right]`` (ends open or closed; ``None`` is unbounded)."""

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def __post_init__(self) -> None:
        if self.closed not in ("both", "left", "right", "neither"):
            raise ValueError(f"closed must be both, left, right or neither, got {self.closed!r}")

    def is_satisfied_by(self, value: Any) -> bool:
        if isinstance(value, bool | np.bool_) or not isinstance(value, self.kind):
            return False
        if value != value:  # NaN
            return False
        left_ok = (
            self.left is None
            or (value >= self.left if self.closed in ("both", "left") else value > self.left)
        )
        right_ok = (
            self.right is None
            or (value <= self.right if self.closed in ("both", "right") else value < self.right)
        )
        return bool(left_ok and right_ok)

    def __str__(self) -> str:
        noun = "an int" if self.kind is Integral else "a number"
        lo = "-inf" if self.left is None else f"{self.left:g}"
        hi = "inf" if self.right is None else f"{self.right:g}"
        lb = "[" if self.closed in ("both", "left") and self.left is not None else "("
        rb = "]" if self.closed in ("both", "right") and self.right is not None else ")"
        return f"{noun} in {lb}{lo}, {hi}{rb}"


@dataclass(frozen=True)
class Options:
    """One of a fixed set of values (compared with ``==``)."""

    values: frozenset

    def __init__(self, values: Iterable[Any]) -> None:
        object.__setattr__(self, "values", frozenset(values))

    def is_satisfied_by(self, value: Any) -> bool:
        try:
            return value in self.values
        except TypeError:  # unhashable
            return False

    def __str__(self) -> str:
        return "one of " + ", ".join(repr(v) for v in sorted(self.values, key=str))


@dataclass(frozen=True)
class InstanceOf:
    """An instance of a type (or tuple of types)."""

    kind: type | tuple[type, ...]

    def is_satisfied_by(self, value: Any) -> bool:
        if self.kind in (int, float) and isinstance(value, bool | np.bool_):
            return False
        return isinstance(value, self.kind)

    def __str__(self) -> str:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return "an instance of " + " or ".join(k.__name__ for k in kinds)


def _named(name: str) -> Any:
    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "random_state": (
            lambda v: v is None
            or (isinstance(v, Integral) and not isinstance(v, bool) and 0 <= int(v) < 2**32)
            or isinstance(v, np.random.Generator | np.random.RandomState),
            "None, an int in [0, 2**32) or a numpy random generator",
        ),
        "boolean": (lambda v: isinstance(v, bool | np.bool_), "True or False"),
        "callable": (callable, "a callable"),
        "array-like": (
            lambda v: hasattr(v, "__len__") and not isinstance(v, str | bytes | Mapping),
            "array-like",
        ),
        "date": (_is_date, "a date (a Timestamp or a string such as '2011-12-09')"),
        "duration": (_is_duration, "a positive number or a duration string such as '90D' or '13W'"),
    }
    if name not in checks:
        raise ValueError(f"unknown named constraint {name!r}")
    func, text = checks[name]
    return _Named(name, func, text)


@dataclass(frozen=True)
class _Named:
    name: str
    func: Callable[[Any], bool]
    text: str

    def is_satisfied_by(self, value: Any) -> bool:
        try:
            return bool(self.func(value))
        except Exception:
            return False

    def __str__(self) -> str:
        return self.text


def _is_date(value: Any) -> bool:
    if isinstance(value, bool | np.bool_ | int | float | np.integer | np.floating):
        return False
    try:
        return pd.Timestamp(value) is not pd.NaT
    except (TypeError, ValueError):
        return False


def _is_duration(value: Any) -> bool:
    from crmmine._units import time_unit_days

    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, Real):
        return bool(np.isfinite(value) and value > 0)
    if isinstance(value, str):
        try:
            return time_unit_days(value) > 0
        except Exception:
            return False
    return False


def _constraint(spec: Any) -> Any:
    if spec is None:
        return _Named("None", lambda v: v is None, "None")
    if isinstance(spec, str):
        return _named(spec)
    if isinstance(spec, type):
        return InstanceOf(spec)
    return spec


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def check_params(
    params: Mapping[str, Any], constraints: Mapping[str, list[Any]], *, caller: str
) -> None:
    """Check ``params`` against ``constraints``; raise :class:`ParameterError` on the first mismatch.

    Parameters not named in ``constraints`` are not checked.

    Examples
    --------
    >>> check_params({"k": 0}, {"k": [Interval(Integral, 1, None)]}, caller="f()")
    Traceback (most recent call last):
    ...
    crmmine.errors.ParameterError: parameter 'k' of f() must be an int in [1, inf), got 0.
    """
    for name, specs in constraints.items():
        if name not in params:
            continue
        value = params[name]
        checks = [_constraint(s) for s in specs]
        if any(c.is_satisfied_by(value) for c in checks):
            continue
        allowed = " or ".join(str(c) for c in checks)
        raise ParameterError(f"parameter {name!r} of {caller} must be {allowed}, got {_describe(value)}.")


def validate_params(constraints: Mapping[str, list[Any]]) -> Callable:
    """Decorator: check a function's arguments against declared constraints before it runs."""

    def decorate(func: Callable) -> Callable:
        signature = inspect.signature(func)
        caller = f"{func.__name__}()"

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise ParameterError(f"{caller}: {exc}") from None
            bound.apply_defaults()
            check_params(bound.arguments, constraints, caller=caller)
            return func(*args, **kwargs)

        wrapper.__crmmine_constraints__ = dict(constraints)  # type: ignore[attr-defined]
        return wrapper

    return decorate
