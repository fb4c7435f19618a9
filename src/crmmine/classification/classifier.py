"""CustomerClassifier: a scikit-learn classifier for customer tables (churn, response, risk)."""

from __future__ import annotations

import warnings
from numbers import Integral
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options, check_params
from crmmine._threads import effective_n_jobs, thread_limits
from crmmine.classification._base import TableClassifier, seed_of, warn_unseen_levels
from crmmine.errors import DataError

__all__ = ["CustomerClassifier"]

KINDS = ("logistic", "random_forest", "gradient_boosting")


class CustomerClassifier(TableClassifier):
    """A general customer classifier: churn, campaign response, credit risk, ...

    A scikit-learn classifier that takes a customer table as it comes. Numeric columns are
    imputed (median) and, for the logistic model, standardised; text, boolean and
    categorical columns are imputed (most frequent level) and one-hot encoded (at most 30
    levels, rarer ones grouped; levels not seen in training are read as none of the known
    ones, with a :class:`~crmmine.errors.DataWarning`); datetime columns become the age in
    days at ``as_of``; columns with no value at all are dropped with a
    :class:`~crmmine.errors.DataWarning`. Class imbalance is handled with balanced class
    weights, and probabilities are then calibrated (Platt scaling in 3-fold
    cross-validation) so they can be read as risks.

    Parameters
    ----------
    kind : {"logistic", "random_forest", "gradient_boosting"}, default "logistic"
        The model: L2-regularised logistic regression, a random forest (300 trees, leaves of
        at least 5 customers) or histogram gradient boosting (300 iterations, 15 leaves,
        learning rate 0.05).
    calibrate : bool, default True
        Platt scaling in 3-fold cross-validation (2 folds when a class has only 2 customers;
        a class of one customer raises).
    class_weight : "balanced", dict or None, default "balanced"
    as_of : date, optional
        Reference date for datetime columns, which become ``as_of - date`` in days (an age).
        Default: the latest date in any datetime column of the training table (kept in
        ``as_of_``, so new customers are measured against the same date).
    pos_label : label, optional
        The positive class (the event). Default: the greater label (1, True, or the last in
        sort order), scikit-learn's convention.
    n_jobs : int, optional
        Threads for BLAS, OpenMP and the random forest (``None`` = 1, ``-1`` = all cores).
        crmmine sets the limit itself inside every fit and prediction, so ``OMP_NUM_THREADS``
        need not be set.
    random_state : None, int or numpy Generator, default 0

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
        The classes; ``classes_[1]`` is the positive one.
    pipeline_ : sklearn estimator
        The fitted pipeline (preprocessing, model, calibration).
    feature_names_ : list of str
        Columns used (after dropping empty ones).
    n_features_in_, feature_names_in_ : scikit-learn's input description.
    column_kinds_ : dict
        How each input column was read: numeric, categorical, datetime or timedelta.
    as_of_ : Timestamp or None
        Reference date of datetime columns.
    dropped_columns_ : list of str
        Columns with no value, not used.
    base_rate_ : float
        Share of positives in the training data.
    reference_values_ : dict
        Training median (numeric) or most frequent level per feature, used by
        :meth:`reason_codes`.
    warnings_ : list of str
        crmmine warnings raised while fitting.

    See Also
    --------
    crmmine.churn.ChurnModel : the churn preset.
    crmmine.classification.DecisionRules : a readable decision-tree model.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"calls": rng.poisson(2, 400), "plan": rng.choice(["a", "b"], 400)})
    >>> y = pd.Series((X["calls"] + (X["plan"] == "b") * 2 + rng.normal(0, 1, 400) > 4).astype(int))
    >>> model = CustomerClassifier("logistic").fit(X, y)
    >>> model.predict_proba(X).shape, model.classes_.tolist()
    ((400, 2), [0, 1])
    >>> p = model.predict_positive(X)
    >>> p.name, bool(p.between(0, 1).all()), p.index.equals(X.index)
    ('probability', True, True)

    References
    ----------
    Platt, J. (1999). Probabilistic outputs for support vector machines and comparisons to
    regularized likelihood methods. *Advances in Large Margin Classifiers*, 61-74.
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). New insights into
    churn prediction in the telecommunication sector: a profit driven data mining approach.
    *European Journal of Operational Research* 218(1), 211-229.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **TableClassifier._parameter_constraints,
        "kind": [Options(KINDS)],
        "calibrate": ["boolean"],
    }

    def __init__(
        self,
        kind: str = "logistic",
        *,
        calibrate: bool = True,
        class_weight: str | dict | None = "balanced",
        as_of: Any = None,
        pos_label: Any = None,
        n_jobs: int | None = None,
        random_state: Any = 0,
    ) -> None:
        self.kind = kind
        self.calibrate = calibrate
        self.class_weight = class_weight
        self.as_of = as_of
        self.pos_label = pos_label
        self.n_jobs = n_jobs
        self.random_state = random_state

    def _make_estimator(self, seed: Any, folds: int = 3) -> Any:
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline, make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        num_steps: list[Any] = [SimpleImputer(strategy="median")]
        if self.kind == "logistic":
            num_steps.append(StandardScaler())
        pre = ColumnTransformer(
            [
                ("num", make_pipeline(*num_steps), self.numeric_features_),
                (
                    "cat",
                    make_pipeline(
                        SimpleImputer(strategy="most_frequent"),
                        OneHotEncoder(
                            handle_unknown="infrequent_if_exist", max_categories=30, sparse_output=False
                        ),
                    ),
                    self.categorical_features_,
                ),
            ]
        )
        if self.kind == "logistic":
            clf = LogisticRegression(max_iter=2000, class_weight=self.class_weight)
        elif self.kind == "random_forest":
            clf = RandomForestClassifier(
                n_estimators=300,
                min_samples_leaf=5,
                class_weight=self.class_weight,
                n_jobs=effective_n_jobs(self.n_jobs),
                random_state=seed,
            )
        else:
            clf = HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=300,
                max_leaf_nodes=15,
                class_weight=self.class_weight,
                random_state=seed,
            )
        pipe = Pipeline([("prepare", pre), ("model", clf)])
        if self.calibrate:
            from sklearn.calibration import CalibratedClassifierCV

            return CalibratedClassifierCV(pipe, method="sigmoid", cv=folds)
        return pipe

    def fit(self, X: Any, y: Any) -> CustomerClassifier:
        """Fit on a customer table and its labels.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)
        y : Series or array of shape (n_customers,)
            Two classes (1 = the event). A Series is matched to ``X`` by index (customer id),
            never by position; ids on one side only raise a :class:`~crmmine.errors.DataError`.
            With an array ``X`` (no ids), ``y`` is taken in row order.

        Returns
        -------
        self
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Z, y01 = self._fit_inputs(X, y)
            smallest = int(np.bincount(y01, minlength=2).min())
            if self.calibrate and smallest < 2:
                counts = dict(zip(self.classes_.tolist(), np.bincount(y01, minlength=2).tolist()))
                raise DataError(
                    f"y has one customer only in a class {counts}: Platt scaling in cross-validation "
                    "needs at least 2 of each class. Fix: more data, or calibrate=False."
                )
            with thread_limits(self.n_jobs):
                estimator = self._make_estimator(seed_of(self.random_state), folds=min(3, smallest))
                self.pipeline_ = estimator.fit(Z, y01)
        self._record_warnings(caught)
        self.base_rate_ = float(y01.mean())
        self.category_levels_ = {c: frozenset(Z[c].dropna().astype(str)) for c in self.categorical_features_}
        self.reference_values_ = {
            c: (Z[c].median() if c in self.numeric_features_ else Z[c].mode(dropna=True).iloc[0])
            for c in self.feature_names_
        }
        return self

    def _proba_positive(self, Z: pd.DataFrame) -> np.ndarray:
        for col, levels in getattr(self, "category_levels_", {}).items():
            warn_unseen_levels(
                col, Z[col].dropna().astype(str), levels,
                "The encoder reads them as none of the training levels (or as the grouped rare "
                "levels), so their scores rest on the other columns.",
            )
        return self.pipeline_.predict_proba(Z)[:, 1]

    def cross_validate(self, X: pd.DataFrame, y: pd.Series, n_splits: int = 5) -> pd.Series:
        """Out-of-fold probabilities of the positive class from stratified ``n_splits``-fold
        cross-validation (shuffled with ``random_state``).

        ``y`` is aligned on ``X``'s index first. Each fold fits a clone of this model.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)
        y : Series or array of shape (n_customers,)
        n_splits : int, default 5

        Returns
        -------
        pandas.Series
            Indexed like ``X``, named like :meth:`predict_positive`.
        """
        from sklearn.base import clone
        from sklearn.model_selection import StratifiedKFold

        self._validate_params()
        check_params(
            {"n_splits": n_splits}, {"n_splits": [Interval(Integral, 2, None)]}, caller="cross_validate()"
        )
        check = clone(self)
        frame = check._input_frame(X, reset=True)
        y01 = check._target(y, frame, by_position=not isinstance(X, pd.DataFrame))
        labels = check.classes_[y01]
        out = np.empty(len(frame))
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed_of(self.random_state))
        data = X if isinstance(X, pd.DataFrame) else frame
        for train, test in folds.split(frame, y01):  # a handful of folds
            model = clone(self).fit(data.iloc[train], labels[train])
            out[test] = model.predict_proba(data.iloc[test])[:, 1]
        return pd.Series(out, index=frame.index, name=self._probability_name)

    def reason_codes(self, X: pd.DataFrame, top_n: int = 3) -> pd.DataFrame:
        """The features that push each customer's probability up most.

        For each feature, the customer's value is replaced by the training median (numeric)
        or most frequent level (categorical) and the probability is recomputed; the drop is
        that feature's contribution. Works for every model kind (one prediction pass per
        feature, vectorised over customers).

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)
        top_n : int, default 3
            Reasons per customer.

        Returns
        -------
        pandas.DataFrame
            ``reason_1..top_n`` (feature names) and ``impact_1..top_n`` (probability points),
            indexed like ``X``.
        """
        check_params({"top_n": top_n}, {"top_n": [Interval(Integral, 1, None)]}, caller="reason_codes()")
        Z = self._features(X)
        with thread_limits(self.n_jobs):
            base = self._proba_positive(Z)
            impacts = np.empty((len(Z), len(self.feature_names_)))
            for j, col in enumerate(self.feature_names_):  # loop over features, not customers
                neutral = Z.copy()
                neutral[col] = self.reference_values_[col]
                impacts[:, j] = base - self._proba_positive(neutral)
        order = np.argsort(-impacts, axis=1, kind="stable")[:, :top_n]
        names = np.array(self.feature_names_, dtype=object)
        out = pd.DataFrame(index=Z.index)
        for k in range(min(top_n, len(self.feature_names_))):
            out[f"reason_{k + 1}"] = names[order[:, k]]
            out[f"impact_{k + 1}"] = np.take_along_axis(impacts, order[:, [k]], axis=1)[:, 0]
        return out
