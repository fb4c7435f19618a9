"""Input checks shared by the credit modules: the applications table and the 0/1 target."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._backend import to_pandas
from crmmine.errors import DataError, ParameterError, SchemaError, bad_rows_error

__all__ = ["check_applications", "check_target", "is_categorical"]


def is_categorical(series: pd.Series) -> bool:
    """Text, category and boolean columns are binned as categories; numbers as intervals."""
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def check_applications(X: Any, *, what: str = "X", variables: list[str] | None = None) -> pd.DataFrame:
    """``X`` as a pandas DataFrame of applicants (rows) by characteristics (columns).

    Raises when the table is empty, has duplicated column names, a requested variable is
    missing, a datetime column is among the variables, or a numeric column holds infinities.
    Arrays are accepted and get columns ``x0, x1, ...``. The input is never modified.
    """
    if isinstance(X, np.ndarray):
        if X.ndim != 2:
            raise ParameterError(f"{what} must be a 2-D table, got an array of shape {X.shape}.")
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    elif not isinstance(X, pd.DataFrame):
        X = to_pandas(X, what=what)
    if X.shape[0] == 0:
        raise DataError(f"{what} has no rows. Fix: pass at least one application per class.")
    if X.columns.has_duplicates:
        dup = X.columns[X.columns.duplicated()].unique().tolist()
        raise SchemaError(
            f"{what} has duplicated column names {dup}. Fix: rename them so that each "
            "characteristic has one column."
        )
    if variables is not None:
        missing = [v for v in variables if v not in X.columns]
        if missing:
            raise SchemaError(
                f"{what} is missing column(s) {missing} that the model was fitted on. Available "
                f"columns: {list(map(str, X.columns))[:20]}. Fix: pass a table with the same "
                "characteristics as at fit time."
            )
        X = X[variables]
    for col in X.columns:
        s = X[col]
        if pd.api.types.is_datetime64_any_dtype(s) or isinstance(s.dtype, pd.PeriodDtype):
            raise SchemaError(
                f"column {col!r} holds dates; a scorecard bins numbers and categories. Fix: turn "
                f"it into a number first (e.g. age in days: (as_of - X[{col!r}]).dt.days) or drop it."
            )
        if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
            values = s.to_numpy(dtype="float64", na_value=np.nan)
            bad = np.isinf(values)
            if bad.any():
                raise bad_rows_error(
                    str(col), "infinite values", s[bad], int(bad.sum()),
                    f"replace them with NaN (scored in the Missing bin) or with a special code "
                    f"listed in special_codes, e.g. X[{col!r}].replace([np.inf, -np.inf], np.nan).",
                )
    return X


def check_target(y: Any, index: pd.Index, *, what: str = "X") -> np.ndarray:
    """The binary target as an int array aligned on ``index`` (1 = default / bad).

    A Series is matched on its index (never by position); an array must have one value per
    row. Text labels, booleans stored as text, missing values, values other than 0/1 and a
    single class raise with the fix.
    """
    name = getattr(y, "name", None) or "y"
    series = align_to(y, index, name=str(name), target=what)
    if series.isna().any():
        bad = series.isna()
        raise bad_rows_error(
            str(name), "missing target values", series[bad], int(bad.sum()),
            "drop those applications or label them (1 = defaulted / bad, 0 = good).",
        )
    values = series.to_numpy()
    if values.dtype == bool or pd.api.types.is_bool_dtype(series):
        values = values.astype(np.int64)
    if not pd.api.types.is_numeric_dtype(pd.Series(values)):
        labels = pd.unique(series.astype(str))[:5].tolist()
        raise bad_rows_error(
            str(name), f"text labels {labels} instead of 0/1", series.head(), len(series),
            f"code the target as 1 = the event (default, 'bad') and 0 otherwise, e.g. "
            f"y = ({name} == 'bad').astype(int).",
        )
    numeric = values.astype("float64")
    wrong = ~np.isin(numeric, (0.0, 1.0))
    if wrong.any():
        raise bad_rows_error(
            str(name), "values other than 0 and 1", series[wrong], int(wrong.sum()),
            "code the target as 1 = the event (default, 'bad') and 0 otherwise; a 1/2 coding "
            f"becomes y = ({name} == 2).astype(int) when 2 means bad.",
        )
    counts = np.bincount(numeric.astype(np.int64), minlength=2)
    if counts.min() == 0:
        only = int(np.argmax(counts))
        raise DataError(
            f"target {name!r} has one class only (all {len(numeric):,} values are {only}): there is "
            "nothing to learn. Fix: pass applications of both outcomes (1 = bad, 0 = good)."
        )
    return numeric.astype(np.int64)
