"""Readable decision rules: a pruned decision tree whose leaves print as IF ... THEN rules."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options
from crmmine._results import Result
from crmmine._threads import effective_n_jobs, thread_limits
from crmmine.classification._base import TableClassifier, read_labels, seed_of, warn_unseen_levels
from crmmine.errors import DataError, DataWarning, ParameterError

__all__ = ["DecisionRuleSet", "DecisionRules"]

MISSING_LEVEL = "(missing)"
OTHER_LEVEL = "(other)"


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _level_text(level: Any) -> str:
    if level == MISSING_LEVEL:
        return "missing"
    if level == OTHER_LEVEL:
        return "another level"
    return f'"{level}"'


@dataclass(repr=False)
class DecisionRuleSet(Result):
    """The rules of a fitted :class:`DecisionRules` model, one per leaf of the tree.

    ``to_frame()`` has one row per rule (index ``rule``, 1 = highest share of positives):

    - ``rule``: the whole rule as text, ``IF ... THEN target = class``;
    - ``conditions``: the IF part; ``then``: the class the rule predicts;
    - ``customers``: customers the IF part covers; ``coverage``: their share of all customers;
    - ``support``: share of all customers covered by the rule **and** in the THEN class;
    - ``confidence``: share of the covered customers in the THEN class;
    - ``lift``: confidence over the share of the THEN class among all customers;
    - ``positives`` and ``positive_rate``: covered customers of the positive class, and
      their share (the actual probability of the event under the rule).

    The measures are counts on the data the rules were measured on (the training data for
    ``model.rules_``, any labelled table for ``model.rules_on(X, y)``), unweighted.

    Parameters
    ----------
    table : DataFrame
        The rules, one row each, with the columns above.
    target : str
        Name of the target (the ``y`` Series' name, or ``"y"``), used in the THEN parts.
    positive_class : label
        The event class (``classes_[1]`` of the model).
    base_rate : float
        Share of the positive class among all customers measured.
    n : int
        Customers measured.

    See Also
    --------
    DecisionRules : the model whose leaves these rules are.
    crmmine.association.AssociationRules : rules between items rather than towards a target.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"plan": ["a"] * 6 + ["b"] * 4})
    >>> y = pd.Series([0] * 5 + [1] + [1] * 3 + [0], name="bought")
    >>> rules = DecisionRules(ccp_alpha=0.0, min_samples_leaf=1).fit(X, y).rules_
    >>> rules
    DecisionRuleSet(rules=2, customers=10, base_rate=0.4)
    >>> rules.to_frame()[["conditions", "then", "customers", "positive_rate"]].round(3).values.tolist()
    [['plan = "b"', 1, 4, 0.75], ['plan = "a"', 0, 6, 0.167]]
    """

    table: pd.DataFrame
    target: str
    positive_class: Any
    base_rate: float
    n: int

    def to_frame(self) -> pd.DataFrame:
        """One row per rule (see the class docstring)."""
        return self.table

    def summary(self) -> pd.DataFrame:
        """Headline figures: number of rules, customers, base rate, best lift."""
        t = self.table
        values = {
            "rules": len(t),
            "customers": self.n,
            "target": self.target,
            "positive_class": self.positive_class,
            "base_rate": self.base_rate,
            "rules_predicting_positive": int((t["then"] == self.positive_class).sum()),
            "highest_positive_rate": float(t["positive_rate"].max()) if len(t) else np.nan,
        }
        return pd.Series(values, name="value", dtype=object).rename_axis("measure").to_frame()

    def _repr_items(self) -> dict[str, Any]:
        return {"rules": len(self.table), "customers": self.n, "base_rate": self.base_rate}

    def to_text(self, top_n: int | None = None) -> str:
        """The rules as text, one block per rule with its measures.

        Parameters
        ----------
        top_n : int, optional
            Only the first ``top_n`` rules (highest share of positives first).

        Returns
        -------
        str

        Examples
        --------
        >>> import pandas as pd
        >>> X = pd.DataFrame({"plan": ["a"] * 6 + ["b"] * 4})
        >>> y = pd.Series([0] * 5 + [1] + [1] * 3 + [0], name="bought")
        >>> rules = DecisionRules(ccp_alpha=0.0, min_samples_leaf=1).fit(X, y).rules_
        >>> print(rules.to_text())
        rule 1: IF plan = "b" THEN bought = 1
                (customers 4, coverage 0.4, support 0.3, confidence 0.75, lift 1.875)
        rule 2: IF plan = "a" THEN bought = 0
                (customers 6, coverage 0.6, support 0.5, confidence 0.8333, lift 1.389)
        """
        lines = []
        t = self.table if top_n is None else self.table.head(top_n)
        for rid, row in t.iterrows():  # one line per rule (a few dozen at most)
            lines.append(f"rule {rid}: {row['rule']}")
            pad = " " * (len(f"rule {rid}: "))
            lines.append(
                f"{pad}(customers {row['customers']:,}, coverage {row['coverage']:.4g}, support "
                f"{row['support']:.4g}, confidence {row['confidence']:.4g}, lift {row['lift']:.4g})"
            )
        return "\n".join(lines)

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Positive rate of each rule (bars, width by coverage order) against the base rate."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, max(2.5, 0.35 * len(self.table) + 1)))
        t = self.table.iloc[::-1]
        ax.barh([f"rule {i}" for i in t.index], t["positive_rate"], **kwargs)
        ax.axvline(self.base_rate, color="k", linestyle=":", label=f"base rate {self.base_rate:.3f}")
        ax.set_xlabel(f"share of {self.target} = {self.positive_class} under the rule")
        ax.set_title("Decision rules")
        ax.legend(loc="lower right")
        return ax


class DecisionRules(TableClassifier):
    """Readable IF ... THEN rules from a decision tree pruned by cross-validation.

    For response and risk questions ("will this customer buy: yes or no?"). The model is
    scikit-learn's :class:`~sklearn.tree.DecisionTreeClassifier` (CART) on a customer table
    with mixed columns: numeric columns are split on thresholds (missing values go to the
    side the tree learnt, shown as "or missing"), text, boolean and categorical columns are
    one-hot encoded so that conditions read ``plan = "premium"`` or ``plan not in {...}``
    (missing values form their own level; levels beyond the ``max_categories`` most frequent
    are grouped), datetime columns become the age in days at ``as_of``.

    The tree is grown to ``max_depth`` and then pruned by minimal cost-complexity pruning
    (Breiman et al. 1984): the candidate ``ccp_alpha`` values are the geometric means of
    consecutive values of the tree's pruning path, each is scored by stratified
    ``cv``-fold cross-validation, and ``"1se"`` keeps the simplest tree whose score is within
    one standard error of the best (``"best"`` keeps the best).

    Each leaf becomes a rule; ``rules_`` lists them with support, confidence and lift
    (:class:`DecisionRuleSet`).

    Parameters
    ----------
    max_depth : int or None, default 5
        Depth of the tree before pruning (and so the most conditions in a rule).
    min_samples_leaf : int or float, default 0.01
        Smallest rule: a number of customers, or a share of them.
    ccp_alpha : {"1se", "best"} or float, default "1se"
        Pruning strength: chosen by cross-validation, or fixed (0 = no pruning).
    cv : int, default 5
        Folds of the cross-validation that chooses ``ccp_alpha`` (fewer when a class has fewer
        customers; with a single customer in a class the tree is not pruned, with a
        :class:`~crmmine.errors.DataWarning`).
    scoring : str, default "roc_auc"
        scikit-learn scorer used to compare pruning strengths.
    class_weight : "balanced", dict or None, default "balanced"
        With ``"balanced"``, both classes weigh the same, so a rule predicts the class its
        customers over-represent (lift above 1) even for a rare event; ``predict_proba``
        follows scikit-learn's trees and returns these weighted shares, while
        :meth:`predict_positive` and the rules' ``positive_rate`` give the actual share.
    max_categories : int, default 20
        Most frequent levels kept per categorical column; the others are grouped.
    as_of : date, optional
        Reference date for datetime columns (age in days); default the latest date in them.
    pos_label : label, optional
        The positive class; default the greater label.
    n_jobs : int, optional
        Threads for the cross-validation fits, BLAS and OpenMP (``None`` = 1).
    random_state : None, int or numpy Generator, default 0

    Attributes
    ----------
    tree_model_ : sklearn.tree.DecisionTreeClassifier
        The pruned tree, on the encoded columns ``encoded_names_``.
    ccp_alpha_ : float
        The pruning strength used.
    cv_results_ : pandas.DataFrame or None
        Mean and standard error of the cross-validated score per candidate ``ccp_alpha``.
    rules_ : DecisionRuleSet
        The rules with their measures on the training data.
    classes_, feature_names_, n_features_in_, feature_names_in_, column_kinds_, as_of_ :
        as in :class:`~crmmine.classification.CustomerClassifier`.

    See Also
    --------
    crmmine.classification.CustomerClassifier : a more accurate, less readable model.

    Examples
    --------
    >>> import pandas as pd
    >>> X = pd.DataFrame({"plan": ["basic"] * 10 + ["premium"] * 10, "visits": list(range(20))})
    >>> y = pd.Series([0] * 9 + [1] + [1] * 8 + [0] * 2, name="bought")  # 9 buyers of 20
    >>> model = DecisionRules(max_depth=1, ccp_alpha=0.0, min_samples_leaf=1).fit(X, y)
    >>> print(model.rules_.to_text())  # 9 of the 11 with visits 9-19 bought: 0.818 / 0.45 = 1.818
    rule 1: IF visits > 8.5 THEN bought = 1
            (customers 11, coverage 0.55, support 0.45, confidence 0.8182, lift 1.818)
    rule 2: IF visits <= 8.5 THEN bought = 0
            (customers 9, coverage 0.45, support 0.45, confidence 1, lift 1.818)

    References
    ----------
    Breiman, L., Friedman, J. H., Olshen, R. A. and Stone, C. J. (1984). *Classification and
    Regression Trees*. Wadsworth, chapter 3 (minimal cost-complexity pruning and the 1-SE rule).
    Quinlan, J. R. (1987). Generating production rules from decision trees. *Proceedings of
    IJCAI-87*, 304-307.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **TableClassifier._parameter_constraints,
        "max_depth": [Interval(Integral, 1, None), None],
        "min_samples_leaf": [Interval(Integral, 1, None), Interval(Real, 0, 1, closed="neither")],
        "ccp_alpha": [Options({"1se", "best"}), Interval(Real, 0, None)],
        "cv": [Interval(Integral, 2, None)],
        "scoring": [str],
        "max_categories": [Interval(Integral, 1, None)],
    }

    def __init__(
        self,
        *,
        max_depth: int | None = 5,
        min_samples_leaf: int | float = 0.01,
        ccp_alpha: str | float = "1se",
        cv: int = 5,
        scoring: str = "roc_auc",
        class_weight: str | dict | None = "balanced",
        max_categories: int = 20,
        as_of: Any = None,
        pos_label: Any = None,
        n_jobs: int | None = None,
        random_state: Any = 0,
    ) -> None:
        self.max_depth = max_depth
        self.min_samples_leaf = min_samples_leaf
        self.ccp_alpha = ccp_alpha
        self.cv = cv
        self.scoring = scoring
        self.class_weight = class_weight
        self.max_categories = max_categories
        self.as_of = as_of
        self.pos_label = pos_label
        self.n_jobs = n_jobs
        self.random_state = random_state

    # -- encoding -------------------------------------------------------------------------
    def _learn_levels(self, Z: pd.DataFrame) -> None:
        self.levels_ = {}
        for col in self.categorical_features_:
            counts = Z[col].fillna(MISSING_LEVEL).astype(str).value_counts()
            counts = counts.reset_index().sort_values(["count", col], ascending=[False, True], kind="stable")
            levels = counts[col].tolist()
            if len(levels) > self.max_categories:
                levels = [*levels[: self.max_categories], OTHER_LEVEL]
            self.levels_[col] = levels
        self.encoded_ = [(c, None) for c in self.numeric_features_] + [
            (c, level) for c in self.categorical_features_ for level in self.levels_[c]
        ]
        self.encoded_names_ = [c if lv is None else f"{c}={lv}" for c, lv in self.encoded_]
        self.had_missing_ = {c: bool(Z[c].isna().any()) for c in self.numeric_features_}

    def _encode(self, Z: pd.DataFrame, *, fit: bool = False) -> np.ndarray:
        parts = [Z[self.numeric_features_].to_numpy(dtype="float64")] if self.numeric_features_ else []
        for col in self.categorical_features_:
            levels = self.levels_[col]
            text = Z[col].fillna(MISSING_LEVEL).astype(str)
            if OTHER_LEVEL in levels:
                text = text.where(text.isin(levels[:-1]), OTHER_LEVEL)
            elif not fit:
                warn_unseen_levels(
                    col, text, levels,
                    f"They follow the branches where {col} is none of the training levels, so a rule "
                    f"written '{col} = ...' for the last remaining level also takes them.",
                )
            codes = pd.Categorical(text.where(text.isin(levels)), categories=levels).codes
            onehot = np.zeros((len(Z), len(levels)))
            known = codes >= 0
            onehot[np.flatnonzero(known), codes[known]] = 1.0
            parts.append(onehot)
        return np.hstack(parts) if parts else np.empty((len(Z), 0))

    # -- fitting --------------------------------------------------------------------------
    def _tree(self, alpha: float, seed: Any) -> Any:
        from sklearn.tree import DecisionTreeClassifier

        return DecisionTreeClassifier(
            max_depth=self.max_depth,
            min_samples_leaf=self.min_samples_leaf,
            class_weight=self.class_weight,
            ccp_alpha=alpha,
            random_state=seed,
        )

    def _choose_alpha(self, M: np.ndarray, y01: np.ndarray, seed: Any) -> tuple[float, pd.DataFrame | None]:
        from joblib import Parallel, delayed
        from sklearn.metrics import get_scorer
        from sklearn.model_selection import StratifiedKFold

        if not isinstance(self.ccp_alpha, str):
            return float(self.ccp_alpha), None
        path = self._tree(0.0, seed).cost_complexity_pruning_path(M, y01)
        alphas = np.unique(np.maximum(path.ccp_alphas, 0.0))
        # the tree pruned with alpha_k is optimal on [alpha_k, alpha_k+1): score the geometric mean
        candidates = np.r_[np.sqrt(alphas[:-1] * alphas[1:]), alphas[-1]] if alphas.size > 1 else alphas
        if candidates.size > 40:
            candidates = candidates[np.unique(np.linspace(0, candidates.size - 1, 40).round().astype(int))]
        n_splits = int(min(self.cv, np.bincount(y01).min()))
        if n_splits < 2:
            warnings.warn(
                "y has a single customer in one class: cross-validation cannot choose the pruning "
                "strength, so the tree is not pruned (ccp_alpha_ = 0). Fix: more data, or a fixed ccp_alpha.",
                DataWarning,
                stacklevel=4,
            )
            return 0.0, None
        try:
            scorer = get_scorer(self.scoring)
        except ValueError as exc:
            raise ParameterError(f"scoring={self.scoring!r} is not a scikit-learn scorer: {exc}") from None
        folds = list(StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(M, y01))

        def score(f: int, alpha: float) -> float:
            train, test = folds[f]
            tree = self._tree(alpha, seed).fit(M[train], y01[train])
            return float(scorer(tree, M[test], y01[test]))

        def leaves(alpha: float) -> int:
            return int(self._tree(alpha, seed).fit(M, y01).get_n_leaves())

        # trees release the GIL: with n_jobs > 1 the fits run in threads
        parallel = Parallel(n_jobs=effective_n_jobs(self.n_jobs), prefer="threads")
        values = parallel(delayed(score)(f, float(a)) for f in range(n_splits) for a in candidates)
        scores = np.asarray(values).reshape(n_splits, candidates.size)
        table = pd.DataFrame(
            {
                "ccp_alpha": candidates,
                "mean_score": scores.mean(axis=0),
                "std_error": scores.std(axis=0, ddof=1) / np.sqrt(n_splits),
                "leaves": parallel(delayed(leaves)(float(a)) for a in candidates),
            }
        )
        best = int(table["mean_score"].to_numpy().argmax())
        if self.ccp_alpha == "best":
            chosen = best
        else:
            floor = table["mean_score"].iloc[best] - table["std_error"].iloc[best]
            chosen = int(np.flatnonzero(table["mean_score"].to_numpy() >= floor).max())
        table["chosen"] = np.arange(len(table)) == chosen
        return float(candidates[chosen]), table

    def fit(self, X: Any, y: Any) -> DecisionRules:
        """Grow, prune and read the tree.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)
        y : Series or array of shape (n_customers,)
            Two classes (1 = the event), matched to ``X`` by index when both carry ids.

        Returns
        -------
        self
        """
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            Z, y01 = self._fit_inputs(X, y)
            self._learn_levels(Z)
            M = self._encode(Z, fit=True)
            seed = seed_of(self.random_state)
            with thread_limits(self.n_jobs):
                self.ccp_alpha_, self.cv_results_ = self._choose_alpha(M, y01, seed)
                self.tree_model_ = self._tree(self.ccp_alpha_, seed).fit(M, y01)
        self._record_warnings(caught)
        self.target_name_ = y.name if isinstance(y, pd.Series) and isinstance(y.name, str) else "y"
        self.leaf_rules_ = self._leaf_conditions()
        measures = self._node_measures(self.tree_model_.apply(M), y01)
        self.leaf_positive_rate_ = measures["positive_rate"]
        order = np.lexsort((-measures["customers"].to_numpy(), -measures["positive_rate"].to_numpy()))
        nodes = measures.index.to_numpy()[order]
        self.rule_of_node_ = pd.Series(np.arange(1, len(nodes) + 1), index=nodes, name="rule")
        self.rules_ = self._rule_set(measures, y01)
        return self

    # -- reading the tree -----------------------------------------------------------------
    def _leaf_conditions(self) -> pd.Series:
        """IF text of every leaf (index: the tree's node id)."""
        t = self.tree_model_.tree_
        missing_left = getattr(t, "missing_go_to_left", np.zeros(t.node_count, dtype=np.uint8))
        out: dict[int, str] = {}
        stack: list[tuple[int, list[tuple[int, bool, float, bool]]]] = [(0, [])]
        while stack:  # walk the tree (a few dozen nodes)
            node, path = stack.pop()
            left, right = t.children_left[node], t.children_right[node]
            if left == right:  # a leaf
                out[node] = self._describe(path)
                continue
            f, thr, m_left = int(t.feature[node]), float(t.threshold[node]), bool(missing_left[node])
            stack.append((right, [*path, (f, False, thr, not m_left)]))
            stack.append((left, [*path, (f, True, thr, m_left)]))
        return pd.Series(out, dtype=object).sort_index()

    def _describe(self, path: list[tuple[int, bool, float, bool]]) -> str:
        if not path:
            return "(all customers)"
        by_col: dict[str, list[tuple[Any, bool, float, bool]]] = {}
        for f, is_left, thr, missing_here in path:
            col, level = self.encoded_[f]
            by_col.setdefault(col, []).append((level, is_left, thr, missing_here))
        parts = []
        for col, conds in by_col.items():  # columns in the order the tree first used them
            if conds[0][0] is None:  # numeric
                uppers = [thr for _, left, thr, _ in conds if left]
                lowers = [thr for _, left, thr, _ in conds if not left]
                hi = min(uppers) if uppers else None
                lo = max(lowers) if lowers else None
                if lo is not None and hi is not None:
                    text = f"{_fmt(lo)} < {col} <= {_fmt(hi)}"
                elif hi is not None:
                    text = f"{col} <= {_fmt(hi)}"
                else:
                    text = f"{col} > {_fmt(lo)}"
                if self.had_missing_.get(col) and all(m for *_, m in conds):
                    text = f"({text} or {col} missing)"
                parts.append(text)
            else:  # one-hot levels: "> 0.5" is the right branch (the level), "<= 0.5" the left
                equal = [lv for lv, left, _, _ in conds if not left]
                if equal:
                    parts.append(
                        f"{col} = {_level_text(equal[0])}"
                        if equal[0] != MISSING_LEVEL
                        else f"{col} is missing"
                    )
                else:
                    excluded = {lv for lv, _, _, _ in conds}
                    remaining = [lv for lv in self.levels_[col] if lv not in excluded]
                    if len(remaining) == 1:
                        parts.append(
                            f"{col} is missing"
                            if remaining[0] == MISSING_LEVEL
                            else f"{col} = {_level_text(remaining[0])}"
                        )
                    elif len(remaining) < len(excluded):
                        parts.append(f"{col} in {{{', '.join(_level_text(v) for v in remaining)}}}")
                    elif len(excluded) == 1:
                        (only,) = excluded
                        parts.append(
                            f"{col} is not missing"
                            if only == MISSING_LEVEL
                            else f"{col} != {_level_text(only)}"
                        )
                    else:
                        ordered = [lv for lv in self.levels_[col] if lv in excluded]
                        parts.append(f"{col} not in {{{', '.join(_level_text(v) for v in ordered)}}}")
        return " AND ".join(parts)

    def _node_measures(self, leaves: np.ndarray, y01: np.ndarray) -> pd.DataFrame:
        """Per leaf (index: node id): the rule text, its class and its counts on labelled customers."""
        node_ids = self.leaf_rules_.index.to_numpy()
        value = self.tree_model_.tree_.value[node_ids, 0, :]
        predicts_positive = value[:, 1] > value[:, 0]  # the tree's argmax (ties to the first class)
        n = len(y01)
        counts = pd.Series(leaves).value_counts().reindex(node_ids, fill_value=0).to_numpy()
        pos = pd.Series(y01).groupby(leaves).sum().reindex(node_ids, fill_value=0).to_numpy()
        base = float(y01.mean())
        then_count = np.where(predicts_positive, pos, counts - pos)
        then_share = np.where(predicts_positive, base, 1.0 - base)
        with np.errstate(divide="ignore", invalid="ignore"):
            confidence = then_count / counts
            positive_rate = pos / counts
            lift = confidence / then_share
        then = self.classes_[predicts_positive.astype(np.int64)]
        conditions = self.leaf_rules_.to_numpy()
        return pd.DataFrame(
            {
                "rule": [f"IF {c} THEN {self.target_name_} = {label}" for c, label in zip(conditions, then)],
                "conditions": conditions,
                "then": then,
                "customers": counts.astype(np.int64),
                "coverage": counts / n,
                "support": then_count / n,
                "confidence": confidence,
                "lift": lift,
                "positives": pos.astype(np.int64),
                "positive_rate": positive_rate,
            },
            index=pd.Index(node_ids, name="node"),
        )

    def _rule_set(self, measures: pd.DataFrame, y01: np.ndarray) -> DecisionRuleSet:
        table = measures.loc[self.rule_of_node_.index]
        table.index = pd.Index(self.rule_of_node_.to_numpy(), name="rule")
        return DecisionRuleSet(
            table=table,
            target=self.target_name_,
            positive_class=self.classes_[1],
            base_rate=float(y01.mean()),
            n=len(y01),
        )

    # -- predictions ----------------------------------------------------------------------
    def _proba_positive(self, Z: pd.DataFrame) -> np.ndarray:
        return self.tree_model_.predict_proba(self._encode(Z))[:, 1]

    def _leaves(self, Z: pd.DataFrame) -> np.ndarray:
        """The tree leaf (node id) of each customer of the prepared features ``Z``."""
        return self.tree_model_.apply(self._encode(Z))

    def apply(self, X: Any) -> pd.Series:
        """The rule (``rules_`` index) each customer falls under.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)

        Returns
        -------
        pandas.Series
            Rule numbers, named ``rule``, indexed like ``X``.
        """
        Z = self._features(X)
        leaves = self._leaves(Z)
        return pd.Series(self.rule_of_node_.reindex(leaves).to_numpy(), index=Z.index, name="rule")

    def predict_positive(self, X: Any) -> pd.Series:
        """Actual share of the positive class among the training customers of each customer's
        rule (its ``positive_rate``), as a Series indexed like ``X`` named ``probability``.

        Unlike ``predict_proba`` under balanced class weights, this is not reweighted.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)

        Returns
        -------
        pandas.Series
        """
        Z = self._features(X)
        rate = self.leaf_positive_rate_.reindex(self._leaves(Z)).to_numpy()
        return pd.Series(rate, index=Z.index, name=self._probability_name)

    def rules_on(self, X: Any, y: Any) -> DecisionRuleSet:
        """The same rules measured on other labelled customers (for example a hold-out sample).

        ``y`` is aligned on ``X``'s index (or taken in row order for an array ``X``); its
        classes must be those of the training labels.

        Parameters
        ----------
        X : DataFrame or array of shape (n_customers, n_features)
        y : Series or array of shape (n_customers,)

        Returns
        -------
        DecisionRuleSet
            The same rules (same numbers and order) with the measures on these customers;
            a rule that covers none of them has missing confidence and lift.
        """
        Z = self._features(X)
        classes, y01 = read_labels(
            y,
            Z,
            by_position=not isinstance(X, pd.DataFrame),
            pos_label=self.pos_label,
            owner=type(self).__name__,
        )
        if classes.tolist() != self.classes_.tolist():
            raise DataError(
                f"y has classes {classes.tolist()} but the model was fitted on {self.classes_.tolist()}. "
                "Fix: measure the rules on labels coded as in training."
            )
        return self._rule_set(self._node_measures(self._leaves(Z), y01), y01)
