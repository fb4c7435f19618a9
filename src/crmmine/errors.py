"""Exceptions raised by crmmine.

Every error is a :class:`CRMMineError`. Messages follow one pattern: they name
the column (or parameter), show up to five offending rows, give the count and
say how to fix the problem. Use :func:`bad_rows_error` to build such a message
from a boolean mask so that every module reports bad input the same way.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sklearn.exceptions import NotFittedError as _SklearnNotFittedError

__all__ = [
    "BoundaryFitWarning",
    "CRMMineError",
    "CRMMineWarning",
    "ConvergenceError",
    "DataError",
    "DataWarning",
    "NotFittedError",
    "ParameterError",
    "SchemaError",
    "bad_rows_error",
    "missing_columns_error",
]


class CRMMineError(Exception):
    """Base class of every error raised by crmmine."""


class SchemaError(CRMMineError, KeyError):
    """A required column is missing, duplicated or of the wrong type."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class DataError(CRMMineError, ValueError):
    """Values in the data are invalid (nulls, unparseable dates, negative amounts...)."""


class ParameterError(CRMMineError, ValueError, TypeError):
    """A function argument is invalid (both a ``ValueError`` and a ``TypeError``)."""


class ConvergenceError(CRMMineError, RuntimeError):
    """A model fit did not converge; the message says what was tried."""


class NotFittedError(CRMMineError, _SklearnNotFittedError):
    """A model was used before ``fit``; also scikit-learn's ``NotFittedError``.

    Examples
    --------
    >>> from sklearn.exceptions import NotFittedError as SkNotFitted
    >>> issubclass(NotFittedError, SkNotFitted) and issubclass(NotFittedError, CRMMineError)
    True
    """


class CRMMineWarning(UserWarning):
    """Base class of crmmine's warnings: something changes how a number should be read."""


class DataWarning(CRMMineWarning):
    """Input data was repaired or interpreted under a documented policy (and logged)."""


class BoundaryFitWarning(CRMMineWarning):
    """A model fit ended at the boundary of its parameter space.

    The message says which parameter collapsed, what the model reduces to and what that
    means for its predictions; the fitted model also lists it in ``warnings_`` and
    ``summary()``.
    """


def _format_examples(examples: Any, max_rows: int = 5) -> str:
    """Render up to ``max_rows`` example rows as indented text."""
    try:
        import pandas as pd

        if isinstance(examples, (pd.DataFrame, pd.Series)):
            text = examples.head(max_rows).to_string()
        else:
            text = "\n".join(repr(x) for x in list(examples)[:max_rows])
    except Exception:  # pragma: no cover - defensive: never fail while failing
        text = repr(examples)
    return "\n".join("    " + line for line in text.splitlines())


def bad_rows_error(
    column: str,
    problem: str,
    examples: Any,
    count: int,
    fix: str,
    *,
    error: type[CRMMineError] = DataError,
) -> CRMMineError:
    """Build an error that names the column, shows examples, counts and suggests a fix.

    Parameters
    ----------
    column : str
        Name of the offending column.
    problem : str
        What is wrong, e.g. ``"dates that cannot be parsed"``.
    examples : DataFrame, Series or iterable
        The offending rows; at most five are shown.
    count : int
        Total number of offending rows.
    fix : str
        What the user should do about it.
    error : type, default DataError
        The error class to instantiate.

    Returns
    -------
    CRMMineError
        The error, ready to ``raise``.

    Examples
    --------
    >>> import pandas as pd
    >>> err = bad_rows_error("amount", "negative amounts", pd.Series([-1.0]), 1,
    ...                      "use clean_transactions(returns='drop')")
    >>> print(err)  # doctest: +NORMALIZE_WHITESPACE
    column 'amount': 1 row with negative amounts. Examples:
        0   -1.0
    Fix: use clean_transactions(returns='drop')
    """
    noun = "row" if count == 1 else "rows"
    body = _format_examples(examples)
    msg = f"column {column!r}: {count:,} {noun} with {problem}. Examples:\n{body}\nFix: {fix}"
    return error(msg)


def missing_columns_error(
    missing: Sequence[str], available: Iterable[str], *, role: str = "input",
    parameters: Mapping[str, str] | None = None,
) -> SchemaError:
    """Build a :class:`SchemaError` for missing columns, suggesting close names.

    ``parameters`` maps a column to the keyword that names it (``{"monetary": "value"}``
    when the column came from ``value=``), so the fix names the right keyword; by default
    the keyword is the column's own name (the role keywords of transactions).

    Examples
    --------
    >>> print(missing_columns_error(["customer_id"], ["CustomerID", "date"]))
    input is missing column 'customer_id' (did you mean 'CustomerID'?). Available columns: \
['CustomerID', 'date']. Fix: rename the column or pass customer_id='<your column>'.
    """
    available = [str(c) for c in available]
    parts = []
    for name in missing:
        lowered = {a.lower().replace("_", ""): a for a in available}
        close = difflib.get_close_matches(name, available, n=2, cutoff=0.5)
        key = name.lower().replace("_", "")
        if key in lowered and lowered[key] not in close:
            close.insert(0, lowered[key])
        hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
        parts.append(f"{name!r}{hint}")
    noun = "column" if len(missing) == 1 else "columns"
    first = missing[0]
    keyword = (parameters or {}).get(first, first)
    return SchemaError(
        f"{role} is missing {noun} {', '.join(parts)}. Available columns: {available}. "
        f"Fix: rename the column or pass {keyword}='<your column>'."
    )
