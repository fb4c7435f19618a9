"""Customer classifiers (churn as the preset): pipelines, cross-validation and reason codes."""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["ChurnModel", "CustomerClassifier", "prepare_table"]

_KINDS = ("logistic", "random_forest", "gradient_boosting")
_TRUE = {"1", "yes", "true", "true.", "y", "churn", "churned", "exited"}
_FALSE = {"0", "no", "false", "false.", "n", "stayed"}


def prepare_table(
    frame: pd.DataFrame, target: str, *, drop: tuple[str, ...] | list[str] = ()
) -> tuple[pd.DataFrame, pd.Series]:
    """Split a customer table into features and a 0/1 target, as the public churn tables come.

    * The target may be 0/1, booleans, or text such as Yes/No and True./False.; anything else
      raises a ``DataError`` listing the values.
    * Text columns whose non-blank values are all numbers (e.g. Telco's ``TotalCharges``, blank
      for customers with tenure 0) become numeric; blanks become missing values that the
      model's imputer fills, and their count is recorded in ``X.attrs["coerced"]``.
    * Identifier-like columns (text with a distinct value on every row, e.g. ``customerID``,
      ``Phone``, ``Surname`` when unique) are dropped and listed in ``X.attrs["dropped"]``, as
      are the columns in ``drop``.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"id": ["a", "b", "c"], "charges": ["1.5", " ", "3"], "Churn": ["Yes", "No", "No"]})
    >>> X, y = prepare_table(t, "Churn")
    >>> list(X.columns), y.tolist(), X.attrs["coerced"]
    (['charges'], [1, 0, 0], {'charges': 1})
    """
    if target not in frame.columns:
        from crmmine.data.columns import require_columns

        require_columns(frame.columns, [target], role="customer table")
    raw = frame[target]
    if raw.dtype == bool:
        y = raw.astype("int64")
    elif pd.api.types.is_numeric_dtype(raw):
        y = raw
    else:
        text = raw.astype(str).str.strip().str.lower()
        y = pd.Series(np.where(text.isin(_TRUE), 1, np.where(text.isin(_FALSE), 0, -1)), index=frame.index)
    bad = ~pd.Series(y, index=frame.index).isin([0, 1])
    if bad.any():
        raise bad_rows_error(
            target,
            "target values that are not 0/1, yes/no or true/false",
            frame.loc[bad, [target]],
            int(bad.sum()),
            "map the target to 0/1 first",
        )
    X = frame.drop(columns=[target, *drop])
    dropped = list(drop)
    coerced = {}
    for col in list(X.columns):
        if X[col].dtype == object or pd.api.types.is_string_dtype(X[col]):
            stripped = X[col].astype(str).str.strip()
            numeric = pd.to_numeric(stripped.replace("", np.nan), errors="coerce")
            blank = stripped.eq("") | X[col].isna()
            if numeric[~blank].notna().all() and (~blank).any():
                X[col] = numeric
                if blank.any():
                    coerced[col] = int(blank.sum())
            elif X[col].nunique() == len(X) and len(X) > 1:
                X = X.drop(columns=col)
                dropped.append(col)
    X.attrs["coerced"] = coerced
    X.attrs["dropped"] = dropped
    return X, pd.Series(y, index=frame.index, name=target).astype("int64")


class CustomerClassifier:
    """A general customer classifier: churn, campaign response, credit risk, ...

    A scikit-learn pipeline that takes a customer table as it comes: numeric columns are
    imputed (median) and, for the logistic model, standardised; text and categorical
    columns are imputed (most frequent) and one-hot encoded (unknown levels ignored).
    Class imbalance is handled with balanced class weights, and probabilities are then
    calibrated (Platt scaling in 3-fold cross-validation) so they can be read as risks.

    Parameters
    ----------
    kind : {"logistic", "random_forest", "gradient_boosting"}
    calibrate : bool, default True
    class_weight : "balanced" or None, default "balanced"
    random_state : int, default 0

    Attributes
    ----------
    pipeline_ : sklearn estimator
    feature_names_ : list of str
    base_rate_ : float
        Share of positives in the training data.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"calls": rng.poisson(2, 400), "plan": rng.choice(["a", "b"], 400)})
    >>> y = pd.Series((X["calls"] + (X["plan"] == "b") * 2 + rng.normal(0, 1, 400) > 4).astype(int))
    >>> model = CustomerClassifier("logistic").fit(X, y)
    >>> p = model.predict_proba(X)
    >>> bool(p.between(0, 1).all()), p.index.equals(X.index)
    (True, True)
    """

    def __init__(
        self,
        kind: str = "logistic",
        *,
        calibrate: bool = True,
        class_weight: str | None = "balanced",
        random_state: int = 0,
    ) -> None:
        self.kind = kind
        self.calibrate = calibrate
        self.class_weight = class_weight
        self.random_state = random_state

    def _estimator(self, X: pd.DataFrame):
        from sklearn.compose import ColumnTransformer
        from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline, make_pipeline
        from sklearn.preprocessing import OneHotEncoder, StandardScaler

        if self.kind not in _KINDS:
            raise ParameterError(f"kind must be one of {_KINDS}, got {self.kind!r}")
        numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and X[c].dtype != bool]
        categorical = [c for c in X.columns if c not in numeric]
        num_steps = [SimpleImputer(strategy="median")]
        if self.kind == "logistic":
            num_steps.append(StandardScaler())
        pre = ColumnTransformer(
            [
                ("num", make_pipeline(*num_steps), numeric),
                (
                    "cat",
                    make_pipeline(
                        SimpleImputer(strategy="most_frequent"),
                        OneHotEncoder(
                            handle_unknown="infrequent_if_exist", max_categories=30, sparse_output=False
                        ),
                    ),
                    categorical,
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
                n_jobs=-1,
                random_state=self.random_state,
            )
        else:
            clf = HistGradientBoostingClassifier(
                learning_rate=0.05,
                max_iter=300,
                max_leaf_nodes=15,
                class_weight=self.class_weight,
                random_state=self.random_state,
            )
        pipe = Pipeline([("prepare", pre), ("model", clf)])
        if self.calibrate:
            from sklearn.calibration import CalibratedClassifierCV

            return CalibratedClassifierCV(pipe, method="sigmoid", cv=3)
        return pipe

    @staticmethod
    def _check(X: pd.DataFrame, y: pd.Series | None = None) -> None:
        if not isinstance(X, pd.DataFrame):
            raise ParameterError(f"X must be a pandas DataFrame, got {type(X).__name__}")
        if len(X) == 0:
            raise DataError("no customers to model")
        numeric = X.select_dtypes("number")
        infinite = ~np.isfinite(numeric.fillna(0.0).to_numpy(dtype="float64")).all(axis=0)
        if infinite.any():
            col = numeric.columns[infinite][0]
            rows = ~np.isfinite(numeric[col].fillna(0.0))
            raise bad_rows_error(
                col,
                "infinite values",
                X.loc[rows, [col]],
                int(rows.sum()),
                "replace them with NaN (imputed) or a finite cap",
            )
        if y is not None:
            if len(y) != len(X):
                raise ParameterError(f"X has {len(X)} rows but y has {len(y)}")
            values = set(pd.unique(np.asarray(y)))
            if not values <= {0, 1} or len(values) < 2:
                raise DataError(f"y must hold both classes 0 and 1, got values {sorted(values)[:10]}")

    def fit(self, X: pd.DataFrame, y: pd.Series) -> CustomerClassifier:
        """Fit on a customer table and a 0/1 target."""
        self._check(X, y)
        self.feature_names_ = list(X.columns)
        self.pipeline_ = self._estimator(X).fit(X, np.asarray(y))
        self.base_rate_ = float(np.mean(y))
        self._reference = X.iloc[:0].copy()
        self._medians = {
            c: (
                X[c].median()
                if pd.api.types.is_numeric_dtype(X[c]) and X[c].dtype != bool
                else X[c].mode(dropna=True).iloc[0]
            )
            for c in X.columns
        }
        return self

    def predict_proba(self, X: pd.DataFrame) -> pd.Series:
        """Probability of the positive class (churn) per customer."""
        if not hasattr(self, "pipeline_"):
            raise ParameterError("the model is not fitted: call fit(X, y) first")
        self._check(X)
        missing = [c for c in self.feature_names_ if c not in X.columns]
        if missing:
            from crmmine.errors import missing_columns_error

            raise missing_columns_error(missing, list(X.columns), role="customer table")
        return pd.Series(
            self.pipeline_.predict_proba(X[self.feature_names_])[:, 1], index=X.index, name="risk"
        )

    def cross_validate(self, X: pd.DataFrame, y: pd.Series, n_splits: int = 5) -> pd.Series:
        """Out-of-fold probabilities from stratified ``n_splits``-fold cross-validation (seeded)."""
        from sklearn.model_selection import StratifiedKFold

        self._check(X, y)
        y_arr = np.asarray(y)
        out = np.empty(len(X))
        folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=self.random_state)
        for train, test in folds.split(X, y_arr):  # loop over folds
            model = type(self)(
                self.kind,
                calibrate=self.calibrate,
                class_weight=self.class_weight,
                random_state=self.random_state,
            ).fit(X.iloc[train], y_arr[train])
            out[test] = model.predict_proba(X.iloc[test]).to_numpy()
        return pd.Series(out, index=X.index, name="risk")

    def reason_codes(self, X: pd.DataFrame, top: int = 3) -> pd.DataFrame:
        """The features that push each customer's risk up most.

        For each feature, the customer's value is replaced by the training median (numeric) or
        most frequent level (categorical) and the risk is recomputed; the drop in risk is that
        feature's contribution. Works for every model kind (one prediction pass per feature,
        vectorised over customers).

        Returns
        -------
        pandas.DataFrame
            ``reason_1..top`` (feature names) and ``impact_1..top`` (risk points), per customer.
        """
        base = self.predict_proba(X).to_numpy()
        impacts = np.empty((len(X), len(self.feature_names_)))
        for j, col in enumerate(self.feature_names_):  # loop over features, not customers
            neutral = X[self.feature_names_].copy()
            neutral[col] = self._medians[col]
            impacts[:, j] = base - self.predict_proba(neutral).to_numpy()
        order = np.argsort(-impacts, axis=1)[:, :top]
        names = np.array(self.feature_names_, dtype=object)
        out = pd.DataFrame(index=X.index)
        for k in range(min(top, len(self.feature_names_))):
            out[f"reason_{k + 1}"] = names[order[:, k]]
            out[f"impact_{k + 1}"] = np.take_along_axis(impacts, order[:, [k]], axis=1)[:, 0]
        return out


class ChurnModel(CustomerClassifier):
    """The churn preset of :class:`CustomerClassifier` (positive class = churned).

    References
    ----------
    Verbeke, W., Dejaeger, K., Martens, D., Hur, J. and Baesens, B. (2012). New insights into
    churn prediction in the telecommunication sector: a profit driven data mining approach.
    *European Journal of Operational Research* 218(1), 211-229.
    """
