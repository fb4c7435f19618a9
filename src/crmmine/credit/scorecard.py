"""The logistic credit scorecard: WoE bins, selection, points, grades and reason codes.

Points follow the industry scaling (Siddiqi 2006, ch. 6): with ``factor = pdo / ln 2`` and
``offset = base_points - factor * ln(base_odds)``,

``points = offset + factor * ln(odds of good)``,

so that ``base_points`` is scored at good:bad odds of ``base_odds`` and every ``pdo`` points
double the odds. The log-odds of good is ``-(b0 + sum_j b_j * WoE_j)`` for the logistic
regression of the bad flag on the WoE columns, so each bin carries ``-factor * b_j * WoE``
points and the intercept gives the ``(base)`` row ``offset - factor * b0``.

Direction: **more points = safer**, as in every credit bureau and lender's scorecard; the
probability of default (``predict_positive``, ``predict_proba[:, 1]``) is the risk score
that grows with the event, as crmmine's conventions ask of scores.
"""

from __future__ import annotations

import string
import warnings
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.base import ClassifierMixin
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, check_params
from crmmine.credit._checks import check_applications, check_target
from crmmine.credit.binning import WOEBinning
from crmmine.credit.evaluation import CreditEvaluation, evaluate_scorecard
from crmmine.credit.selection import SELECTION_CONSTRAINTS, VariableSelection, select_variables
from crmmine.errors import DataWarning, ParameterError

__all__ = ["Scorecard"]


class Scorecard(CRMMineEstimator, ClassifierMixin):
    """A points scorecard: WoE binning, variable selection and logistic regression.

    Parameters
    ----------
    variables, categorical, monotonic_trend, max_n_bins, min_bin_size, special_codes, \
user_splits, unknown
        Passed to :class:`~crmmine.credit.WOEBinning`.
    min_iv, max_iv, max_correlation, max_variables
        Passed to :func:`~crmmine.credit.select_variables`.
    select : bool, default True
        Select variables; ``False`` keeps every binned characteristic.
    C : float, default 1.0
        Inverse L2 regularisation strength of the logistic regression (``numpy.inf``: none).
    base_points : float, default 600
        Points scored at good:bad odds of ``base_odds``.
    base_odds : float, default 50
        Good:bad odds at ``base_points`` (50 means 50 goods for each bad).
    pdo : float, default 20
        Points to double the odds.
    grades : int or sequence of float, default 5
        Number of grades (``A`` = most points) cut at equal-count quantiles of the training
        points, or ascending point cut-offs (``k`` cut-offs give ``k + 1`` grades).
    n_jobs : int, optional
        Parallel binning jobs and BLAS threads (``None`` = 1).

    Attributes
    ----------
    binning_ : WOEBinning
    selection_ : VariableSelection
    variables_ : list of str
        Characteristics in the scorecard.
    coef_ : Series
        Logistic coefficient per characteristic (on its WoE; negative = as expected).
    intercept_ : float
    factor_, offset_ : float
        Points scaling.
    points_table_ : DataFrame
        ``variable, bin, count, bad_rate, woe, points``, with a ``(base)`` row.
    grade_cutoffs_ : ndarray
        Ascending point cut-offs between grades.
    grade_table_ : DataFrame
        Per grade on the training sample: ``min_points, max_points, count, bad, default_rate``.
    classes_ : ndarray
        ``[0, 1]``.

    See Also
    --------
    WOEBinning : the binning step on its own, with the binning tables.
    select_variables : the selection step on its own.
    evaluate_scorecard : KS, AUC and Gini on a holdout (``Scorecard.evaluate`` calls it).
    population_stability : watch the points for drift after deployment.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"debt_ratio": rng.uniform(0, 1, 3000),
    ...                   "years_at_address": rng.integers(0, 30, 3000)})
    >>> logit = -3 + 3 * X["debt_ratio"] - 0.05 * X["years_at_address"]
    >>> y = pd.Series((rng.uniform(size=3000) < 1 / (1 + np.exp(-logit))).astype(int))
    >>> card = Scorecard(base_points=600, base_odds=50, pdo=20).fit(X, y)
    >>> card.variables_
    ['debt_ratio', 'years_at_address']
    >>> card.grade_table_["default_rate"].is_monotonic_increasing
    True
    >>> card.reason_codes(X.head(2), top_n=1).columns.tolist()
    ['reason_1', 'points_lost_1']

    References
    ----------
    Siddiqi, N. (2006). *Credit Risk Scorecards: Developing and Implementing Intelligent Credit
    Scoring*. Wiley, Hoboken, NJ.
    Thomas, L. C., Edelman, D. B. and Crook, J. N. (2002). *Credit Scoring and Its Applications*.
    SIAM, Philadelphia.
    """

    # the binning and selection parameters are those of WOEBinning and select_variables
    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **WOEBinning._parameter_constraints,
        **SELECTION_CONSTRAINTS,
        "select": ["boolean"],
        "C": [Interval(Real, 0, None, closed="neither")],
        "base_points": [Interval(Real, None, None)],
        "base_odds": [Interval(Real, 0, None, closed="neither")],
        "pdo": [Interval(Real, 0, None, closed="neither")],
        "grades": [Interval(Integral, 2, 26), list, tuple, np.ndarray],
    }

    def __init__(
        self,
        variables: Sequence[str] | None = None,
        *,
        categorical: Sequence[str] | None = None,
        monotonic_trend: str | Mapping[str, str | None] | None = "auto",
        max_n_bins: int | None = None,
        min_bin_size: float | None = None,
        special_codes: Sequence[Any] | Mapping[str, Sequence[Any]] | None = None,
        user_splits: Mapping[str, Sequence[Any]] | None = None,
        unknown: str = "raise",
        min_iv: float = 0.02,
        max_iv: float | None = None,
        max_correlation: float = 0.7,
        max_variables: int | None = None,
        select: bool = True,
        C: float = 1.0,
        base_points: float = 600.0,
        base_odds: float = 50.0,
        pdo: float = 20.0,
        grades: int | Sequence[float] = 5,
        n_jobs: int | None = None,
    ) -> None:
        self.variables = variables
        self.categorical = categorical
        self.monotonic_trend = monotonic_trend
        self.max_n_bins = max_n_bins
        self.min_bin_size = min_bin_size
        self.special_codes = special_codes
        self.user_splits = user_splits
        self.unknown = unknown
        self.min_iv = min_iv
        self.max_iv = max_iv
        self.max_correlation = max_correlation
        self.max_variables = max_variables
        self.select = select
        self.C = C
        self.base_points = base_points
        self.base_odds = base_odds
        self.pdo = pdo
        self.grades = grades
        self.n_jobs = n_jobs

    # ------------------------------------------------------------------ fit
    def fit(self, X: Any, y: Any) -> Scorecard:
        """Bin, select, regress and scale to points.

        Parameters
        ----------
        X : DataFrame
            Training applications, one column per characteristic.
        y : Series or array
            1 = bad (defaulted), 0 = good; a Series is aligned on ``X``'s index.

        Returns
        -------
        self
        """
        self._validate_params()
        if not isinstance(self.grades, Integral):
            cuts = np.asarray(self.grades, dtype="float64")
            if cuts.ndim != 1 or cuts.size == 0 or np.any(np.diff(cuts) <= 0) or cuts.size > 25:
                raise ParameterError(
                    f"grades must be an int in [2, 26] or 1 to 25 strictly increasing point "
                    f"cut-offs, got {self.grades!r}."
                )
        X = check_applications(X)
        target = pd.Series(check_target(y, X.index), index=X.index, name="bad")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            self._fit(X, target)
        self._record_warnings(caught)
        return self

    def _fit(self, X: pd.DataFrame, target: pd.Series) -> None:
        binning = WOEBinning(**{name: getattr(self, name) for name in WOEBinning._parameter_constraints})
        binning.fit(X, target)
        if self.select:
            selection = select_variables(binning, X, **{name: getattr(self, name)
                                                        for name in SELECTION_CONSTRAINTS})
        else:
            table = binning.iv_table()[["iv", "strength"]]
            table["selected"] = True
            table["reason"] = "kept (select=False)"
            selection = VariableSelection(table=table)
        variables = selection.selected
        woe = binning.transform(X)[variables]
        model = LogisticRegression(C=self.C, max_iter=1000)
        with threadpool_limits(limits=max(1, self.n_jobs or 1)):
            model.fit(woe.to_numpy(), target.to_numpy())
        self.binning_ = binning
        self.selection_ = selection
        self.variables_ = variables
        self.n_features_in_ = X.shape[1]
        self.feature_names_in_ = np.asarray(X.columns, dtype=object)
        self.classes_ = np.array([0, 1])
        self.coef_ = pd.Series(model.coef_[0], index=variables, name="coef")
        self.intercept_ = float(model.intercept_[0])
        reversed_ = self.coef_[self.coef_ > 0]
        if len(reversed_):
            warnings.warn(
                f"{len(reversed_)} characteristic(s) have a positive coefficient on their WoE "
                f"({', '.join(f'{k}: {v:.3f}' for k, v in reversed_.items())}): their safer bins "
                "score fewer points, usually because correlated characteristics share the effect. "
                "Fix: lower max_correlation or drop them with variables=.",
                DataWarning,
                stacklevel=3,
            )
        self.factor_ = float(self.pdo / np.log(2.0))
        self.offset_ = float(self.base_points - self.factor_ * np.log(self.base_odds))
        self.base_points_ = self.offset_ - self.factor_ * self.intercept_
        rows = [{"variable": "(base)", "bin": "", "count": len(X), "bad_rate": float(target.mean()),
                 "woe": np.nan, "points": self.base_points_}]
        self._bin_points = {}
        for name in variables:
            table = binning.tables_[name]
            pts = -self.factor_ * self.coef_[name] * table["woe"].to_numpy()
            self._bin_points[name] = pts
            for label, count, rate, w, p in zip(table["bin"], table["count"], table["bad_rate"],
                                                table["woe"], pts):
                rows.append({"variable": name, "bin": label, "count": int(count), "bad_rate": rate,
                             "woe": w, "points": p})
        self.points_table_ = pd.DataFrame(rows)
        points = self.points(X)
        self._fit_grades(points, target)

    def _fit_grades(self, points: pd.Series, target: pd.Series) -> None:
        if isinstance(self.grades, Integral):
            k = int(self.grades)
            cuts = np.unique(np.quantile(points.to_numpy(), np.linspace(0, 1, k + 1)[1:-1]))
            if cuts.size < k - 1:
                warnings.warn(
                    f"the training points take too few distinct values for {k} equal-count grades; "
                    f"{cuts.size + 1} grades were made. Fix: ask for fewer grades or give cut-offs.",
                    DataWarning,
                    stacklevel=4,
                )
        else:
            cuts = np.asarray(self.grades, dtype="float64")
        self.grade_cutoffs_ = cuts
        self.grade_labels_ = list(string.ascii_uppercase[: cuts.size + 1])
        grade = self._grade_from_points(points)
        frame = pd.DataFrame({"grade": grade, "points": points, "bad": target})
        table = frame.groupby("grade", sort=True, observed=False).agg(
            min_points=("points", "min"), max_points=("points", "max"), count=("bad", "size"),
            bad=("bad", "sum"),
        ).reindex(self.grade_labels_)
        table["count"] = table["count"].fillna(0).astype(np.int64)
        table["bad"] = table["bad"].fillna(0).astype(np.int64)
        table["default_rate"] = table["bad"] / table["count"].where(table["count"] > 0)
        self.grade_table_ = table
        rates = table["default_rate"].dropna()
        if not rates.is_monotonic_increasing:
            warnings.warn(
                "training default rates do not rise steadily from grade A to grade "
                f"{self.grade_labels_[-1]} ({rates.round(3).to_dict()}): grades do not rank risk "
                "monotonically. Fix: use fewer grades or check the scorecard's bins.",
                DataWarning,
                stacklevel=4,
            )

    # -------------------------------------------------------------- predict
    def _woe(self, X: Any) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
        self._check_fitted()
        frame = check_applications(X, variables=self.binning_.variables_)
        idx = self.binning_._indices(frame)
        return frame, idx

    def decision_function(self, X: Any) -> np.ndarray:
        """Log-odds of bad, ``b0 + sum_j b_j WoE_j``."""
        _, idx = self._woe(X)
        logit = np.full(len(next(iter(idx.values()))), self.intercept_)
        for name in self.variables_:
            logit += self.coef_[name] * self.binning_.bins_[name].woe[idx[name]]
        return logit

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probabilities of good and bad, shape ``(n, 2)`` (columns follow ``classes_``)."""
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """1 (bad) where the probability of default is at least 0.5."""
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(np.int64)

    def predict_positive(self, X: Any) -> pd.Series:
        """Probability of default per application, a Series indexed like ``X``."""
        frame, _ = self._woe(X)
        return pd.Series(self.predict_proba(frame)[:, 1], index=frame.index, name="default_probability")

    def points(self, X: Any) -> pd.Series:
        """Total points per application (more points = safer), indexed like ``X``."""
        frame, idx = self._woe(X)
        total = np.full(len(frame), self.base_points_)
        for name in self.variables_:
            total += self._bin_points[name][idx[name]]
        return pd.Series(total, index=frame.index, name="points")

    def points_by_variable(self, X: Any) -> pd.DataFrame:
        """Points each characteristic gives each application (plus the base points)."""
        frame, idx = self._woe(X)
        out = pd.DataFrame({name: self._bin_points[name][idx[name]] for name in self.variables_},
                           index=frame.index)
        out.insert(0, "(base)", self.base_points_)
        return out

    def grade(self, X: Any) -> pd.Series:
        """Grade per application (``A`` = most points, safest), indexed like ``X``."""
        return self._grade_from_points(self.points(X))

    def _grade_from_points(self, points: pd.Series) -> pd.Series:
        pos = np.digitize(points.to_numpy(), self.grade_cutoffs_, right=False)
        labels = np.asarray(self.grade_labels_, dtype=object)[::-1]
        return pd.Series(labels[pos], index=points.index, name="grade")

    def reason_codes(self, X: Any, top_n: int = 3) -> pd.DataFrame:
        """The characteristics that cost each applicant the most points.

        For each characteristic, the points lost are the best bin's points (among bins seen in
        training) minus the applicant's; the ``top_n`` largest positive losses are listed
        (adverse-action reasons), ``None`` when fewer characteristics cost points.

        Returns
        -------
        DataFrame
            ``reason_1, points_lost_1, ..., reason_n, points_lost_n`` per application, always
            ``top_n`` pairs (``None`` and 0 where no further characteristic costs points).
        """
        check_params({"top_n": top_n}, {"top_n": [Interval(Integral, 1, None)]},
                     caller="Scorecard.reason_codes()")
        frame, idx = self._woe(X)
        names = np.asarray(self.variables_, dtype=object)
        lost = np.empty((len(frame), len(names)))
        for j, name in enumerate(self.variables_):
            pts = self._bin_points[name]
            seen = self.binning_.tables_[name]["count"].to_numpy() > 0
            lost[:, j] = pts[seen].max() - pts[idx[name]]
        order = np.argsort(-lost, axis=1, kind="stable")
        out = pd.DataFrame(index=frame.index)
        for k in range(top_n):
            if k >= len(names):  # fewer characteristics than reasons asked for: the columns stay empty
                out[f"reason_{k + 1}"] = pd.Series(None, index=frame.index, dtype=object)
                out[f"points_lost_{k + 1}"] = 0.0
                continue
            col = order[:, k]
            value = lost[np.arange(len(frame)), col]
            has = value > 1e-9
            out[f"reason_{k + 1}"] = np.where(has, names[col], None)
            out[f"points_lost_{k + 1}"] = np.where(has, value, 0.0)
        return out

    def evaluate(self, X: Any, y: Any, *, bins: int = 10) -> CreditEvaluation:
        """KS, AUC and Gini of the probability of default on ``(X, y)`` (e.g. a holdout)."""
        return evaluate_scorecard(y, self.predict_positive(X), bins=bins)

    def summary(self) -> pd.DataFrame:
        """Per characteristic: IV, coefficient and the range of its points."""
        self._check_fitted()
        rows = []
        for name in self.variables_:
            pts = self._bin_points[name][self.binning_.tables_[name]["count"].to_numpy() > 0]
            rows.append({"variable": name, "iv": float(self.binning_.iv_[name]),
                         "coef": float(self.coef_[name]), "min_points": float(pts.min()),
                         "max_points": float(pts.max())})
        return pd.DataFrame(rows).set_index("variable")
