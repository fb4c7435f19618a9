"""The estimator base class: scikit-learn's contract plus crmmine's checks.

Every crmmine class with a ``fit`` method derives from :class:`CRMMineEstimator`:

- ``__init__`` only stores its parameters (so ``get_params``, ``set_params``,
  ``clone`` and the readable repr come from :class:`sklearn.base.BaseEstimator`);
- ``fit`` first calls :meth:`_validate_params`, which checks the declared
  ``_parameter_constraints`` (see :mod:`crmmine._params`), then learns attributes
  whose names end in ``_`` and returns ``self``;
- methods that need a fitted model call :meth:`_check_fitted`, which raises
  :class:`crmmine.errors.NotFittedError` (also scikit-learn's ``NotFittedError``);
- warnings raised during ``fit`` that change how the numbers should be read are
  kept in ``warnings_`` so that ``summary()`` and the report can show them.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any, ClassVar

from sklearn.base import BaseEstimator

from crmmine._params import check_params
from crmmine.errors import CRMMineWarning, NotFittedError

__all__ = ["CRMMineEstimator", "warn"]


def warn(message: str, category: type[Warning] = CRMMineWarning, *, stacklevel: int = 3) -> None:
    """Emit a crmmine warning (a thin wrapper so every module warns the same way)."""
    warnings.warn(message, category, stacklevel=stacklevel)


class CRMMineEstimator(BaseEstimator):
    """Base class of crmmine's estimators (see the module docstring)."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {}
    #: attributes whose presence shows the estimator is fitted (default: any attribute ending in "_")
    _fitted_attributes: ClassVar[tuple[str, ...]] = ()

    def _validate_params(self) -> None:
        check_params(self.get_params(deep=False), self._parameter_constraints, caller=type(self).__name__)

    def __sklearn_is_fitted__(self) -> bool:
        if self._fitted_attributes:
            return all(hasattr(self, a) for a in self._fitted_attributes)
        return any(k.endswith("_") and not k.startswith("__") for k in vars(self))

    def _check_fitted(self, hint: str | None = None) -> None:
        if not self.__sklearn_is_fitted__():
            name = type(self).__name__
            raise NotFittedError(
                f"this {name} is not fitted yet. Fix: call {name}(...).fit(...) first"
                + (f" ({hint})" if hint else "")
                + "."
            )

    def _record_warnings(self, caught: Iterable[warnings.WarningMessage]) -> None:
        """Keep crmmine warnings raised while fitting in ``warnings_`` and re-emit them."""
        kept = []
        for w in caught:
            if issubclass(w.category, CRMMineWarning):
                kept.append(f"{w.category.__name__}: {w.message}")
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        self.warnings_ = kept
