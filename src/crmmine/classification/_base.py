"""The shared base of crmmine's classifiers on customer tables (mixed column types).

:class:`TableClassifier` is a scikit-learn classifier (``classes_``, ``predict``,
``predict_proba`` of shape (n, 2), ``decision_function``) that takes a customer
table as it comes:

- ``X`` is a DataFrame (columns matched by name, customer ids kept) or an array
  (columns taken by position);
- ``y`` is aligned on ``X``'s index (never by position) when both carry ids;
- datetime columns become the age in days at a reference date, all-empty
  columns are dropped with a :class:`~crmmine.errors.DataWarning`, and
  infinite values or mixed-type columns raise;
- BLAS and OpenMP threads are limited to ``n_jobs`` inside every fit and prediction.

Subclasses implement ``_fit_model(Z, y01)`` and ``_proba_positive(Z)`` on the
prepared feature frame ``Z`` (numeric columns as floats, categorical columns as
objects with ``NaN`` for missing).
"""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin

from crmmine._align import align_to
from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, Options
from crmmine._threads import thread_limits
from crmmine._units import naive_utc
from crmmine.errors import (
    DataError,
    DataWarning,
    ParameterError,
    SchemaError,
    bad_rows_error,
    missing_columns_error,
)

__all__ = ["TableClassifier", "read_labels", "seed_of", "warn_unseen_levels"]

_NUMERIC_OBJECT = {"integer", "floating", "mixed-integer-float", "decimal"}
_DATETIME_OBJECT = {"datetime", "datetime64", "date"}
_MIXED = {"mixed", "mixed-integer"}


def seed_of(random_state: Any) -> Any:
    """A seed scikit-learn accepts: an int, ``None`` or a ``RandomState``; a numpy Generator
    gives one integer drawn from it (so the same Generator state gives the same model)."""
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**31 - 1))
    return random_state


def _is_datetime(col: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(col):
        return True
    return col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) in _DATETIME_OBJECT


def read_labels(
    y: Any, frame: pd.DataFrame, *, by_position: bool, pos_label: Any, owner: str
) -> tuple[np.ndarray, np.ndarray]:
    """Check labels ``y`` against the table ``frame``; return ``(classes, 0/1 codes)``.

    A Series is aligned on ``frame``'s index (ids on one side only raise) unless
    ``by_position`` (the table has no ids); arrays are taken in row order. Missing labels,
    continuous values, more or fewer than two classes raise a :class:`DataError`.
    ``classes[1]`` is ``pos_label``, or the greater label.
    """
    from sklearn.utils.multiclass import type_of_target
    from sklearn.utils.validation import column_or_1d

    if y is None:
        raise ParameterError(
            f"{owner} requires y to be passed, but the target y is None. Fix: pass the labels "
            "(a Series indexed like X, 1 = the event)."
        )
    if isinstance(y, pd.Series | pd.DataFrame) and not by_position:
        labels = align_to(y, frame.index, name="y", target="X")
    else:
        values = y.to_numpy() if isinstance(y, pd.Series | pd.DataFrame) else y
        arr = column_or_1d(np.asarray(values, dtype=None), warn=True)
        if arr.shape[0] != len(frame):
            raise DataError(
                f"y has {arr.shape[0]:,} values but X has {len(frame):,} rows. Fix: one label per "
                "customer (a Series indexed like X)."
            )
        labels = pd.Series(arr, index=frame.index)
    label_name = labels.name if isinstance(labels.name, str) else "y"
    missing = labels.isna().to_numpy()
    if missing.any():
        raise bad_rows_error(
            label_name,
            "missing labels",
            labels[missing].to_frame(label_name),
            int(missing.sum()),
            "drop these customers or give them a 0/1 label before fitting",
        )
    values = labels.to_numpy()
    try:
        kind = type_of_target(values)
        classes = np.unique(values)
    except (TypeError, ValueError):
        kind, classes = "unknown", np.array([])
    if kind in ("continuous", "continuous-multioutput", "unknown", "multilabel-indicator"):
        raise DataError(
            f"Unknown label type: {kind}. {label_name} must hold two classes (1 = the event, "
            f"0 = not), got values such as {pd.unique(values)[:5].tolist()}. Fix: map the labels "
            "to 0/1 (prepare_table does it for Yes/No and True/False)."
        )
    if classes.size > 2:
        raise DataError(
            f"Only binary classification is supported. {label_name} has {classes.size} classes "
            f"{classes[:5].tolist()}; {owner} predicts one event. Fix: map the labels to 0/1 "
            "(1 = the event, 0 = everything else)."
        )
    if classes.size < 2:
        raise DataError(
            f"{label_name} holds one class only ({classes.tolist()}): nothing to learn. Fix: "
            "use a sample or label window in which both outcomes occur."
        )
    if pos_label is not None:
        if pos_label not in classes:
            raise ParameterError(
                f"pos_label={pos_label!r} is not one of the classes {classes.tolist()} of y."
            )
        classes = np.array([c for c in classes if c != pos_label] + [pos_label], dtype=classes.dtype)
    return classes, (values == classes[1]).astype(np.int64)


#: Largest magnitude of a numeric feature: squares of larger values overflow float64.
_HUGE = 1e150


class TableClassifier(ClassifierMixin, CRMMineEstimator):
    """Base class: input handling, classes, thread limits and the prediction methods."""

    #: constraints of the parameters every subclass takes (each adds its own)
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "class_weight": [Options({"balanced"}), dict, None],
        "as_of": ["date", None],
        "pos_label": [str, Integral, bool, None],
        "n_jobs": [Interval(Integral, 1, None), Interval(Integral, None, -1), None],
        "random_state": ["random_state"],
    }
    #: name of the Series returned by :meth:`predict_positive`
    _probability_name: ClassVar[str] = "probability"
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("classes_", "feature_names_")

    # -- inputs ---------------------------------------------------------------------------
    def _input_frame(self, X: Any, *, reset: bool) -> pd.DataFrame:
        """``X`` as a DataFrame with the model's internal column names (and its own index)."""
        from sklearn.utils.validation import check_array, validate_data

        name = type(self).__name__
        if X is None:
            raise ParameterError(f"{name}: X is None. Fix: pass a DataFrame of customers x features.")
        if isinstance(X, pd.Series):
            raise ParameterError(
                f"{name}: X is a Series; a table is needed. Fix: pass series.to_frame() or the DataFrame."
            )
        if isinstance(X, pd.DataFrame):
            if X.columns.has_duplicates:
                dup = X.columns[X.columns.duplicated()].unique().tolist()
                raise SchemaError(
                    f"X has duplicated column names {dup[:5]}. Fix: rename them so each column is unique."
                )
            if not reset:
                fitted_names = getattr(self, "feature_names_in_", None)
                if fitted_names is not None:
                    missing = [c for c in fitted_names if c not in X.columns]
                    if missing:
                        raise missing_columns_error(missing, X.columns, role="X")
                    X = X[list(fitted_names)]  # columns are matched by name; extra ones are ignored
            if X.shape[1] == 0:
                raise DataError(f"{name}: X has no columns. Fix: pass at least one feature column.")
            if X.shape[0] == 0:
                raise DataError(
                    f"{name}: X has no rows (found array with 0 sample(s)). Fix: pass at least one customer."
                )
            validate_data(self, X, reset=reset, skip_check_array=True)
            frame = X
        else:
            try:
                arr = check_array(X, dtype=None, ensure_all_finite=False, ensure_2d=True)
            except (TypeError, ValueError) as exc:
                raise ParameterError(
                    f"{name}: X cannot be read as a table: {exc} Fix: pass a pandas DataFrame "
                    "(customers x features) or a 2-D array."
                ) from None
            validate_data(self, arr, reset=reset, skip_check_array=True)
            frame = pd.DataFrame(arr)
        if reset:
            names = getattr(self, "feature_names_in_", None)
            self.input_names_ = (
                [str(c) for c in names] if names is not None else [f"x{i}" for i in range(frame.shape[1])]
            )
        if list(frame.columns) != self.input_names_:
            frame = frame.set_axis(self.input_names_, axis=1)
        return frame

    def _target(self, y: Any, frame: pd.DataFrame, *, by_position: bool) -> np.ndarray:
        """Check ``y`` (aligned on ``frame``'s index), learn ``classes_``; return 0/1 codes."""
        self.classes_, y01 = read_labels(
            y,
            frame,
            by_position=by_position,
            pos_label=getattr(self, "pos_label", None),
            owner=type(self).__name__,
        )
        return y01

    # -- features -------------------------------------------------------------------------
    def _kind(self, col: str, s: pd.Series) -> str:
        """How a training column is used: numeric, datetime, timedelta or categorical."""
        if _is_datetime(s):
            return "datetime"
        if pd.api.types.is_timedelta64_dtype(s):
            return "timedelta"
        if pd.api.types.is_complex_dtype(s):
            raise ParameterError(
                f"column {col!r}: Complex data not supported. Fix: split it into real columns."
            )
        if pd.api.types.is_bool_dtype(s) or isinstance(s.dtype, pd.CategoricalDtype):
            return "categorical"
        if pd.api.types.is_numeric_dtype(s):
            return "numeric"
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind in _MIXED:
            types = s.dropna().map(lambda v: type(v).__name__)
            rows = (types != types.iloc[0]).to_numpy()
            raise bad_rows_error(
                col,
                f"values of several types ({', '.join(sorted(set(types.unique())))}) in one column",
                s.dropna()[rows].to_frame(col),
                int(rows.sum()),
                "give the column one type (all numbers, or all text such as df[col].astype(str))",
            )
        return "numeric" if kind in _NUMERIC_OBJECT else "categorical"

    def _convert(self, frame: pd.DataFrame, *, fit: bool) -> pd.DataFrame:
        """Numeric columns as floats, datetimes as age in days at ``as_of_``, categories as objects."""
        if fit:
            self.column_kinds_ = {c: self._kind(c, frame[c]) for c in frame.columns}
        out: dict[str, pd.Series] = {}
        for col in frame.columns:
            s, kind = frame[col], self.column_kinds_[col]
            if kind == "datetime":
                try:
                    out[col] = pd.to_datetime(s, utc=True).dt.tz_localize(None)
                except (TypeError, ValueError):
                    raise bad_rows_error(
                        col,
                        "values that are not dates (the column held dates when the model was fitted)",
                        s.head(),
                        len(s),
                        "pass dates in this column",
                    ) from None
            elif kind == "timedelta":
                out[col] = pd.to_timedelta(s) / pd.Timedelta(days=1)
            elif kind == "numeric":
                if pd.api.types.is_bool_dtype(s) or not (
                    pd.api.types.is_numeric_dtype(s)
                    or pd.api.types.infer_dtype(s, skipna=True) in _NUMERIC_OBJECT | {"empty"}
                ):
                    raise bad_rows_error(
                        col,
                        "values that are not numbers (the column was numeric when the model was fitted)",
                        s.head(),
                        len(s),
                        "pass numbers in this column, as when fitting",
                    )
                out[col] = pd.to_numeric(s).astype("float64")
            else:
                out[col] = s.astype(object).where(s.notna(), np.nan)
        dates = [c for c in frame.columns if self.column_kinds_[c] == "datetime"]
        if fit:
            if self.as_of is not None:
                as_of = pd.Timestamp(self.as_of)  # dates are compared in UTC without a zone
                self.as_of_ = naive_utc(as_of)
            else:
                latest = [out[c].max() for c in dates]
                latest = [t for t in latest if not pd.isna(t)]
                self.as_of_ = max(latest) if latest else None
        for col in dates:
            reference = self.as_of_ if self.as_of_ is not None else pd.Timestamp("1970-01-01")
            out[col] = (reference - out[col]) / pd.Timedelta(days=1)
        return pd.DataFrame(out, index=frame.index)

    def _fit_features(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Convert the training table, drop all-empty columns (warning), check for infinities."""
        Z = self._convert(frame, fit=True)
        self.datetime_columns_ = [c for c, k in self.column_kinds_.items() if k == "datetime"]
        empty = [c for c in Z.columns if Z[c].isna().all()]
        if empty:
            warnings.warn(
                f"{len(empty)} column(s) of X hold no value at all and are not used: {empty[:10]}. "
                "(Every value is missing; drop them to silence this warning.)",
                DataWarning,
                stacklevel=4,
            )
        self.dropped_columns_ = empty
        if len(empty) == Z.shape[1]:
            raise DataError(
                f"every column of X is empty (all values missing): {empty[:10]}. Fix: pass features "
                "with values."
            )
        Z = Z.drop(columns=empty)
        self.feature_names_ = list(Z.columns)
        self.numeric_features_ = [c for c in Z.columns if Z[c].dtype == "float64"]
        self.categorical_features_ = [c for c in Z.columns if c not in self.numeric_features_]
        self._check_finite(Z, frame)
        return Z

    def _features(self, X: Any) -> pd.DataFrame:
        """The prepared feature frame of new data for a fitted model."""
        self._check_fitted()
        frame = self._input_frame(X, reset=False)
        Z = self._convert(frame[self.feature_names_], fit=False)
        self._check_finite(Z, frame)
        return Z

    def _check_finite(self, Z: pd.DataFrame, frame: pd.DataFrame) -> None:
        numeric = [c for c in self.numeric_features_ if c in Z.columns]
        if not numeric:
            return
        values = Z[numeric].to_numpy(dtype="float64")
        bad = np.isinf(values)
        if bad.any():
            j = int(np.flatnonzero(bad.any(axis=0))[0])
            col = numeric[j]
            rows = bad[:, j]
            raise bad_rows_error(
                col,
                "infinite values (inf)",
                frame.loc[rows, [col]],
                int(rows.sum()),
                "replace them with NaN (the model fills missing values) or a finite cap",
            )
        with np.errstate(invalid="ignore"):
            huge = np.abs(values) > _HUGE
        if huge.any():  # their squares overflow: the scaler's variance becomes inf and then NaN
            j = int(np.flatnonzero(huge.any(axis=0))[0])
            col = numeric[j]
            rows = huge[:, j]
            raise bad_rows_error(
                col,
                f"values too large to compute with (beyond +-{_HUGE:.0e})",
                frame.loc[rows, [col]],
                int(rows.sum()),
                "rescale the column (e.g. divide by a power of ten or take logs) or cap it",
            )

    def _fit_inputs(self, X: Any, y: Any) -> tuple[pd.DataFrame, np.ndarray]:
        """Validate parameters and inputs; return the prepared features and 0/1 labels."""
        self._validate_params()
        for attr in ("classes_", "feature_names_", "feature_names_in_", "n_features_in_"):
            if hasattr(self, attr):
                delattr(self, attr)
        frame = self._input_frame(X, reset=True)
        y01 = self._target(y, frame, by_position=not isinstance(X, pd.DataFrame))
        Z = self._fit_features(frame)
        return Z, y01

    # -- predictions ----------------------------------------------------------------------
    def _proba_positive(self, Z: pd.DataFrame) -> np.ndarray:
        raise NotImplementedError

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of the two classes, columns in the order of ``classes_``.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)
            Columns are matched by name (extra columns are ignored).

        Returns
        -------
        numpy.ndarray of shape (n_customers, 2)
        """
        Z = self._features(X)
        with thread_limits(getattr(self, "n_jobs", None)):
            p = self._proba_positive(Z)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """The more probable class of each customer (the positive class when its probability > 0.5).

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_customers,)
            Labels from ``classes_``.
        """
        p = self.predict_proba(X)[:, 1]
        return self.classes_[(p > 0.5).astype(np.int64)]

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of the positive class (``classes_[1]``); positive means it is predicted.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)

        Returns
        -------
        numpy.ndarray of shape (n_customers,)
        """
        p = np.clip(self.predict_proba(X)[:, 1], 1e-15, 1 - 1e-15)
        return np.log(p) - np.log1p(-p)

    def predict_positive(self, X: Any) -> pd.Series:
        """Probability of the positive class (``classes_[1]``) as a Series indexed like ``X``.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)

        Returns
        -------
        pandas.Series
            Named after what it measures (``probability``; ``churn_probability`` for
            :class:`~crmmine.churn.ChurnModel`), indexed like ``X`` (0..n-1 for an array).
        """
        index = X.index if isinstance(X, pd.DataFrame) else None
        p = self.predict_proba(X)[:, 1]
        return pd.Series(p, index=index, name=self._probability_name)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.classifier_tags.multi_class = False
        return tags


def warn_unseen_levels(column: str, text: pd.Series, levels: Any, consequence: str, *,
                       stacklevel: int = 4) -> None:
    """Warn (``DataWarning``) when ``text`` holds category levels not in ``levels`` (the training ones)."""
    unseen = ~text.isin(levels)
    if not unseen.any():
        return
    counts = text[unseen].value_counts()
    shown = ", ".join(f"{v!r} ({n:,})" for v, n in counts.head(5).items())
    warnings.warn(
        f"column {column!r} has levels not seen in training: {shown}; {int(unseen.sum()):,} "
        f"customer(s) in all. {consequence} Fix: refit with these levels, or map them to known ones.",
        DataWarning,
        stacklevel=stacklevel + 1,
    )
