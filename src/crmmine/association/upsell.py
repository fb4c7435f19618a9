"""Up-selling: who is likely to move to a higher-value product of the same category, and what to offer.

A customer *moves up* in a category when they buy an item of a higher price
tier (see :func:`~crmmine.association.product_catalog`) than any they had
bought in that category before. For each (customer, category) pair where a
higher tier exists, :func:`upsell_features` describes the purchase history up
to a reference date ``as_of`` (nothing after it is read) and
:func:`upsell_labels` says whether the customer moved up in the ``horizon``
after it. :class:`UpsellModel` learns the propensity to move up with a
scikit-learn classifier and ranks offers by expected margin gain:

    expected gain = P(move up in c) * P(item j | move up in c from tier t) * (value_j - value_now) * units

where the choice probability comes from the moves up observed in the
history (shrunk towards the item's popularity) and ``units`` is the
customer's median quantity per order line in the category.
:func:`evaluate_upsell` trains on one period and scores the next, against a
popularity baseline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, Options, check_params
from crmmine._results import Result
from crmmine._threads import thread_limits
from crmmine._units import horizon_days, naive_utc
from crmmine.association._tables import checked_dates, read_columns
from crmmine.data.columns import Columns, resolve_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = ["UpsellEvaluation", "UpsellModel", "evaluate_upsell", "upsell_features", "upsell_labels"]

#: Feature columns of :func:`upsell_features`, in order.
FEATURES = (
    "cat_orders", "cat_lines", "cat_units", "cat_spend", "cat_days_since_last", "cat_days_since_first",
    "cat_items", "current_tier", "headroom", "relative_tier", "mean_relative_tier", "next_tier_gap",
    "cat_moves_up", "orders", "spend", "days_since_last", "tenure_days", "categories", "moves_up",
    "customer_relative_tier", "cat_share_of_spend", "n_tiers", "category_move_up_rate",
    "cat_orders_90d", "orders_90d",
)


def _cut(as_of: Any) -> pd.Timestamp:
    """First instant after the reference day (data dated on ``as_of``, any time, is history)."""
    try:
        day = pd.Timestamp(as_of)
    except (TypeError, ValueError):
        raise ParameterError(
            f"parameter 'as_of' must be a date such as '2011-06-30', got {as_of!r}.") from None
    if day is pd.NaT:
        raise ParameterError("parameter 'as_of' must be a date, got NaT.")
    day = naive_utc(day)  # time-zone-aware: read in UTC
    return day.normalize() + pd.Timedelta(days=1)


def _lines(tx: Any, catalog: pd.DataFrame, cols: Columns) -> pd.DataFrame:
    """Order lines joined with the catalog (items outside it are left out: they cannot be up-sold)."""
    needed_info = {"category", "tier", "n_tiers", "value"}
    if not isinstance(catalog, pd.DataFrame) or not needed_info <= set(catalog.columns):
        raise ParameterError("parameter 'catalog' must be the DataFrame of product_catalog (columns "
                             "category, "
                             "tier, n_tiers, value, indexed by item).")
    frame = read_columns(tx, [cols.customer_id, cols.order_id, cols.date, cols.item, cols.amount,
                              cols.quantity])
    for column in (cols.customer_id, cols.date, cols.item):
        bad = frame[column].isna().to_numpy()
        if bad.any():
            raise bad_rows_error(column, "missing values", frame.loc[bad], int(bad.sum()),
                                 "drop or fill these rows first (see clean_transactions)")
    out = pd.DataFrame({
        "cust": frame[cols.customer_id].to_numpy(),
        "order": frame[cols.order_id].to_numpy(),
        "date": checked_dates(frame, cols.date).to_numpy(),
        "item": frame[cols.item].to_numpy(),
        "amount": frame[cols.amount].to_numpy(float),
        "qty": frame[cols.quantity].to_numpy(float),
    })
    info = catalog.reindex(out["item"])
    out["category"] = info["category"].to_numpy()
    out["tier"] = info["tier"].to_numpy(float)
    out["n_tiers"] = info["n_tiers"].to_numpy(float)
    out["value"] = info["value"].to_numpy(float)
    return out[out["category"].notna()].reset_index(drop=True)


def _history(lines: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    hist = lines[lines["date"] < cut]
    if hist.empty:
        day = (cut - pd.Timedelta(days=1)).date()
        raise DataError(f"no order line of a catalog item is dated on or before {day}. "
                        "Fix: pick an as_of inside the data.")
    return hist


def _moves_up(hist: pd.DataFrame) -> pd.DataFrame:
    """Lines that move a customer up in a category: a tier above every earlier purchase in it."""
    h = hist.sort_values(["cust", "category", "date"], kind="stable")
    # the best tier bought on earlier days (same-day lines are one purchase)
    day = h.groupby(["cust", "category", "date"], sort=False)["tier"].max().rename("day_tier").reset_index()
    keys = ["cust", "category"]
    day["best"] = day.groupby(keys, sort=False)["day_tier"].cummax()
    day["before"] = day.groupby(keys, sort=False)["best"].shift(1)
    h = h.merge(day[["cust", "category", "date", "before"]], on=["cust", "category", "date"], how="left")
    moved = h[h["before"].notna() & (h["tier"] > h["before"])]
    return moved


def _features(lines: pd.DataFrame, catalog: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    hist = _history(lines, cut)
    now = cut
    days = lambda t: (now - t) / pd.Timedelta(days=1)  # noqa: E731
    g = hist.groupby(["cust", "category"], sort=True)
    pair = pd.DataFrame({
        "cat_orders": g["order"].nunique(),
        "cat_lines": g.size(),
        "cat_units": g["qty"].sum(),
        "cat_spend": g["amount"].sum(),
        "cat_days_since_last": days(g["date"].max()),
        "cat_days_since_first": days(g["date"].min()),
        "cat_items": g["item"].nunique(),
        "current_tier": g["tier"].max(),
        "n_tiers": g["n_tiers"].first(),
        "current_value": g["value"].max(),
        "mean_tier": g["tier"].mean(),
        "units_per_line": g["qty"].median(),
    })
    recent = hist[hist["date"] >= now - pd.Timedelta(days=90)]
    pair["cat_orders_90d"] = recent.groupby(["cust", "category"])["order"].nunique().reindex(
        pair.index, fill_value=0)
    moved = _moves_up(hist)
    pair["cat_moves_up"] = moved.groupby(["cust", "category"]).size().reindex(pair.index, fill_value=0)
    span = (pair["n_tiers"] - 1).clip(lower=1)
    pair["headroom"] = pair["n_tiers"] - pair["current_tier"]
    pair["relative_tier"] = (pair["current_tier"] - 1) / span
    pair["mean_relative_tier"] = (pair["mean_tier"] - 1) / span
    # value of the cheapest item one tier up, relative to the best value bought
    tier_value = catalog.groupby(["category", "tier"])["value"].min()
    key = pd.MultiIndex.from_arrays([pair.index.get_level_values("category"), pair["current_tier"] + 1])
    nxt = tier_value.reindex(key).to_numpy(float)
    pair["next_tier_gap"] = (nxt - pair["current_value"].to_numpy()) / pair["current_value"].to_numpy()
    c = hist.groupby("cust", sort=True)
    cust = pd.DataFrame({
        "orders": c["order"].nunique(),
        "spend": c["amount"].sum(),
        "days_since_last": days(c["date"].max()),
        "tenure_days": days(c["date"].min()),
        "categories": c["category"].nunique(),
        "customer_relative_tier": ((hist["tier"] - 1) / (hist["n_tiers"] - 1).clip(lower=1)).groupby(
            hist["cust"]).mean(),
    })
    cust["orders_90d"] = recent.groupby("cust")["order"].nunique().reindex(cust.index, fill_value=0)
    cust["moves_up"] = pair.groupby(level="cust")["cat_moves_up"].sum().reindex(cust.index, fill_value=0)
    pair = pair.join(cust, on="cust")
    pair["cat_share_of_spend"] = pair["cat_spend"] / pair["spend"].where(pair["spend"] != 0)
    rate = (pair["cat_moves_up"] > 0).groupby(level="category").mean()
    pair["category_move_up_rate"] = rate.reindex(pair.index.get_level_values("category")).to_numpy()
    eligible = pair["current_tier"] < pair["n_tiers"]
    pair = pair[eligible]
    pair.index = pair.index.set_names(["customer_id", "category"])
    return pair


def _pairs(tx: Any, catalog: pd.DataFrame, cols: Columns, as_of: Any
           ) -> tuple[pd.DataFrame, pd.Timestamp, pd.DataFrame]:
    """The catalog items' order lines, the first instant after ``as_of`` and the features of the
    eligible (customer, category) pairs at ``as_of``."""
    lines = _lines(tx, catalog, cols)
    cut = _cut(as_of)
    return lines, cut, _features(lines, catalog, cut)


def _check_common(catalog: Any, as_of: Any, horizon: Any = None) -> None:
    check_params({"as_of": as_of}, {"as_of": ["date"]}, caller="up-sell")
    if horizon is not None:
        check_params({"horizon": horizon}, {"horizon": ["duration"]}, caller="up-sell")


def upsell_features(
    tx: Any,
    catalog: pd.DataFrame,
    as_of: Any,
    *,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
) -> pd.DataFrame:
    """Features of each (customer, category) pair that can move up, from the history up to ``as_of``.

    Only order lines dated on or before ``as_of`` (any time that day) are
    read, so rows after it can never leak into the features. Items missing
    from ``catalog`` are ignored.

    Parameters
    ----------
    tx : table
        Order lines with customer, order, date, item, amount and quantity.
    catalog : DataFrame
        The result of :func:`product_catalog`.
    as_of : date-like
        Reference date.
    columns, customer_id, order_id, date, item, amount, quantity
        Column names.

    Returns
    -------
    DataFrame
        Indexed by (customer id, category), for pairs whose best tier so far
        is below the category's top tier: the columns in ``FEATURES`` plus
        ``current_value`` (best value per unit bought) and ``units_per_line``.
        Days are counted to the end of ``as_of``.

    See Also
    --------
    upsell_labels : whether each of these pairs moved up afterwards.
    UpsellModel : learns from these features.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.association import product_catalog
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "order_id": [1, 2, 3],
    ...                    "date": pd.to_datetime(["2024-01-02", "2024-02-01", "2024-01-05"]),
    ...                    "item": ["mug-s", "mug-l", "mug-xl"], "quantity": [1, 1, 1],
    ...                    "amount": [2.0, 3.5, 6.0]})
    >>> cat = product_catalog(tx, {"mug-s": "mug", "mug-l": "mug", "mug-xl": "mug"})
    >>> f = upsell_features(tx, cat, "2024-01-31")
    >>> f[["current_tier", "headroom", "cat_days_since_last"]].values.tolist()
    [[1.0, 2.0, 30.0]]

    References
    ----------
    Fader, P. S., Hardie, B. G. S., Lee, K. L. (2005). RFM and CLV: using
    iso-value curves for customer base analysis. Journal of Marketing
    Research 42(4), 415-430 (recency, frequency and monetary value as
    behavioural predictors).
    """
    _check_common(catalog, as_of)
    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date, item=item,
                           amount=amount, quantity=quantity)
    _, _, out = _pairs(tx, catalog, cols, as_of)
    return out.rename_axis([cols.customer_id, "category"])


def _labels(lines: pd.DataFrame, pairs: pd.DataFrame, cut: pd.Timestamp, days: float,
            allow_incomplete: bool) -> tuple[pd.Series, pd.DataFrame]:
    end = cut + pd.Timedelta(days=days)
    last = lines["date"].max()
    if last < end - pd.Timedelta(days=1) and not allow_incomplete:
        raise DataError(f"the transactions end on {last.date()}, before the end of the label window "
                        f"({(end - pd.Timedelta(days=1)).date()}): customers would look as if they did not "
                        "move up only because the data stop. Fix: pick an earlier as_of, a shorter horizon, "
                        "or allow_incomplete=True.")
    fut = lines[(lines["date"] >= cut) & (lines["date"] < end)]
    fut = fut.merge(pairs[["current_tier"]].rename_axis(["cust", "category"]).reset_index(),
                    on=["cust", "category"], how="inner")
    up = fut[fut["tier"] > fut["current_tier"]]
    moved = up.groupby(["cust", "category"]).size()
    y = pd.Series(0, index=pairs.index, name="moved_up", dtype=np.int64)
    y.loc[y.index.isin(moved.index)] = 1
    return y, up


def upsell_labels(
    tx: Any,
    catalog: pd.DataFrame,
    as_of: Any,
    horizon: Any = "90D",
    *,
    allow_incomplete: bool = False,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
) -> pd.Series:
    """Whether each eligible (customer, category) pair moved up in the ``horizon`` after ``as_of``.

    A pair moved up (1) when the customer bought, after ``as_of`` and within
    ``horizon``, an item of the category in a tier above the best tier they
    had bought up to ``as_of``. The pairs are those of :func:`upsell_features`.

    Parameters
    ----------
    tx, catalog, as_of
        As in :func:`upsell_features`.
    horizon : str or number, default "90D"
        Length of the label window (a number is days).
    allow_incomplete : bool, default False
        The data must reach the end of the window, else a ``DataError``.
    columns, customer_id, order_id, date, item, amount, quantity
        Column names.

    Returns
    -------
    Series
        1 = moved up, 0 = did not; indexed like :func:`upsell_features`,
        named ``moved_up``.

    See Also
    --------
    upsell_features : the pairs and their features at ``as_of``.
    UpsellModel : fits on features and labels in one call.

    Examples
    --------
    Customer 1 buys a large mug the day after ``as_of``, customer 2 nothing more:

    >>> import pandas as pd
    >>> from crmmine.association import product_catalog
    >>> rows = [(1, "2024-01-02", "mug-s", 2.0), (2, "2024-01-05", "mug-s", 2.0),
    ...         (1, "2024-02-01", "mug-l", 3.5), (3, "2024-03-01", "mug-xl", 6.0)]
    >>> tx = pd.DataFrame(rows, columns=["customer_id", "date", "item", "amount"])
    >>> tx = tx.assign(date=pd.to_datetime(tx["date"]), order_id=range(4), quantity=1)
    >>> cat = product_catalog(tx, {"mug-s": "mug", "mug-l": "mug", "mug-xl": "mug"})
    >>> upsell_labels(tx, cat, "2024-01-31", "30D").to_dict()
    {(1, 'mug'): 1, (2, 'mug'): 0}
    """
    _check_common(catalog, as_of, horizon)
    cols = resolve_columns(columns, customer_id=customer_id, order_id=order_id, date=date, item=item,
                           amount=amount, quantity=quantity)
    lines, cut, pairs = _pairs(tx, catalog, cols, as_of)
    y, _ = _labels(lines, pairs, cut, horizon_days(horizon), allow_incomplete)
    return y.rename_axis([cols.customer_id, "category"])


def _choice_table(events: pd.DataFrame) -> pd.DataFrame:
    """Customers choosing each item when moving up from a tier: (category, from_tier, item) -> count."""
    if events.empty:
        return pd.DataFrame(columns=["category", "from_tier", "item", "n"])
    first = events.drop_duplicates(["cust", "category", "item"])
    return first.groupby(["category", "from_tier", "item"]).size().rename("n").reset_index()


class UpsellModel(CRMMineEstimator):
    """Propensity to move up to a higher-value product of the same category, and the offer to make.

    Parameters
    ----------
    catalog : DataFrame
        The result of :func:`product_catalog`.
    horizon : str or number, default "90D"
        Window after ``as_of`` in which a move up counts (a number is days).
    model : {"logistic", "gbm"}, default "logistic"
        scikit-learn classifier: a standardised logistic regression, or
        histogram gradient boosting. On Online Retail (train at 2011-05-31,
        score at 2011-08-31, 90 days) the logistic model ranks better (AUC 0.64
        against 0.61), see docs/association.md.
    smoothing : float, default 5.0
        Prior weight, in customers, of an item's popularity in the choice
        probability P(item | move up from a tier).
    n_jobs : int, optional
        Threads for the classifier (None = 1, -1 = all cores); BLAS and OpenMP
        are limited to it with threadpoolctl.
    random_state : int, optional
        Seed of the classifier.
    columns, customer_id, order_id, date, item, amount, quantity
        Column names of the transactions.

    Attributes
    ----------
    classifier_ : sklearn estimator
        The fitted classifier.
    as_of_ : Timestamp
        Training reference date.
    n_pairs_ : int
        Training (customer, category) pairs.
    base_rate_ : float
        Share of training pairs that moved up.
    choices_ : DataFrame
        (category, from_tier, item, n): customers who moved up to the item, in
        the history and the training window.

    See Also
    --------
    product_catalog : the catalog of categories and price tiers.
    upsell_features : the features the classifier learns from.
    evaluate_upsell : train on one period, score the next, against popularity.
    crmmine.association.recommend : cross-sell offers (other categories) from association rules.

    Examples
    --------
    Eight customers buy a small mug in January; four move up to a large one in February:

    >>> import pandas as pd
    >>> from crmmine.association import product_catalog
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 1],
    ...     "date": pd.to_datetime(["2024-01-10"] * 8 + ["2024-02-15"] * 4
    ...                            + ["2024-04-12", "2024-04-20", "2024-04-30"]),
    ...     "item": ["mug-s"] * 8 + ["mug-l"] * 4 + ["mug-xl", "mug-l", "mug-xl"]})
    >>> tx = tx.assign(order_id=range(len(tx)), quantity=1,
    ...                amount=tx["item"].map({"mug-s": 2.0, "mug-l": 3.5, "mug-xl": 6.0}))
    >>> catalog = product_catalog(tx, {"mug-s": "mug", "mug-l": "mug", "mug-xl": "mug"})
    >>> model = UpsellModel(catalog, horizon="30D", random_state=0).fit(tx, as_of="2024-01-31")
    >>> model.n_pairs_, model.base_rate_
    (8, 0.5)
    >>> offers = model.offers(tx, as_of="2024-03-31", top_n=1)
    >>> offers[["customer_id", "item", "current_tier", "offer_tier"]].values.tolist()[3:5]
    [[4, 'mug-xl', 2.0, 3], [5, 'mug-l', 1.0, 2]]
    >>> offers["propensity"].round(2).unique().tolist()  # identical histories: the base rate
    [0.5]

    References
    ----------
    Kamakura, W. A., Wedel, M., de Rosa, F., Mazzon, J. A. (2003). Cross-selling
    through database marketing: a mixed data factor analyzer for data
    augmentation and prediction. International Journal of Research in
    Marketing 20(1), 45-65.
    Knott, A., Hayes, A., Neslin, S. A. (2002). Next-product-to-buy models for
    cross-selling applications. Journal of Interactive Marketing 16(3), 59-75.
    Friedman, J. H. (2001). Greedy function approximation: a gradient boosting
    machine. Annals of Statistics 29(5), 1189-1232.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "catalog": [pd.DataFrame, None],
        "horizon": ["duration"],
        "model": [Options(("gbm", "logistic"))],
        "smoothing": [Interval(Real, 0, None)],
        "n_jobs": [Interval(Integral, -1, None), None],
        "random_state": ["random_state"],
    }
    _fitted_attributes = ("classifier_",)

    def __init__(self, catalog: pd.DataFrame | None = None, *, horizon: Any = "90D", model: str = "logistic",
                 smoothing: float = 5.0, n_jobs: int | None = None, random_state: Any = None,
                 columns: Mapping[str, str] | Columns | None = None, customer_id: str | None = None,
                 order_id: str | None = None, date: str | None = None, item: str | None = None,
                 amount: str | None = None, quantity: str | None = None) -> None:
        self.catalog = catalog
        self.horizon = horizon
        self.model = model
        self.smoothing = smoothing
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.columns = columns
        self.customer_id = customer_id
        self.order_id = order_id
        self.date = date
        self.item = item
        self.amount = amount
        self.quantity = quantity

    def _cols(self) -> Columns:
        return resolve_columns(self.columns, customer_id=self.customer_id, order_id=self.order_id,
                               date=self.date, item=self.item, amount=self.amount, quantity=self.quantity)

    def _classifier(self) -> Any:
        if self.model == "gbm":
            from sklearn.ensemble import HistGradientBoostingClassifier

            return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15,
                                                  min_samples_leaf=40, l2_regularization=1.0,
                                                  early_stopping=False, random_state=self.random_state)
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(SimpleImputer(strategy="median"), StandardScaler(),
                             LogisticRegression(max_iter=2000, C=1.0, random_state=self.random_state))

    def fit(self, tx: Any, y: None = None, *, as_of: Any, allow_incomplete: bool = False) -> UpsellModel:
        """Learn the propensity from features up to ``as_of`` and moves up in the ``horizon`` after it.

        The data must reach ``as_of + horizon`` (else a ``DataError``), unless
        ``allow_incomplete=True`` says the window is complete although ``tx``
        stops earlier (e.g. a sample of customers of a log that does reach it).
        Returns ``self``.
        """
        self._validate_params()
        if self.catalog is None:
            raise ParameterError("parameter 'catalog' of UpsellModel is None. Fix: pass "
                                 "catalog=product_catalog(tx, category=...).")
        cols = self._cols()
        lines, cut, pairs = _pairs(tx, self.catalog, cols, as_of)
        yy, up = _labels(lines, pairs, cut, horizon_days(self.horizon), allow_incomplete)
        if yy.nunique() < 2:
            raise DataError(f"all {len(yy):,} training pairs have the same label ({int(yy.iloc[0])}): "
                            "nothing to learn. Fix: use a longer horizon or more data.")
        with thread_limits(self.n_jobs):
            clf = self._classifier().fit(pairs[list(FEATURES)].to_numpy(float), yy.to_numpy())
        # choices: moves up in the history and in the training window, by the tier moved from
        hist_moves = _moves_up(_history(lines, cut))
        hist_moves = hist_moves.assign(from_tier=hist_moves["before"])
        window = up.assign(from_tier=up["current_tier"])
        events = pd.concat([hist_moves[["cust", "category", "item", "from_tier"]],
                            window[["cust", "category", "item", "from_tier"]]], ignore_index=True)
        self.classifier_ = clf
        self.as_of_ = cut - pd.Timedelta(days=1)
        self.n_pairs_ = len(pairs)
        self.base_rate_ = float(yy.mean())
        self.choices_ = _choice_table(events)
        self.feature_names_in_ = np.asarray(FEATURES, dtype=object)
        return self

    def predict_propensity(self, tx: Any, *, as_of: Any) -> pd.Series:
        """P(move up within the horizon) for every eligible (customer, category) pair at ``as_of``."""
        self._check_fitted()
        cols = self._cols()
        _, _, pairs = _pairs(tx, self.catalog, cols, as_of)
        return pd.Series(self._propensity(pairs), index=pairs.index.rename([cols.customer_id, "category"]),
                         name="upsell_propensity")

    def _propensity(self, pairs: pd.DataFrame) -> np.ndarray:
        """P(move up) of each pair of a features table, from the fitted classifier."""
        with thread_limits(self.n_jobs):
            return self.classifier_.predict_proba(pairs[list(FEATURES)].to_numpy(float))[:, 1]

    def offers(self, tx: Any, *, as_of: Any, top_n: int = 3) -> pd.DataFrame:
        """The ``top_n`` offers per customer at ``as_of``, ranked by expected margin gain.

        Returns
        -------
        DataFrame
            One row per (customer, rank): the customer id, ``rank``, ``item``,
            ``category``, ``current_tier``, ``offer_tier``, ``propensity``,
            ``choice_probability``, ``gain_per_unit``, ``units`` and
            ``expected_gain``. Customers without an eligible pair are listed in
            ``attrs["customers_without_offers"]``.
        """
        self._check_fitted()
        check_params({"top_n": top_n}, {"top_n": [Interval(Integral, 1, None)]},
                     caller="UpsellModel.offers()")
        cols = self._cols()
        lines, cut, pairs = _pairs(tx, self.catalog, cols, as_of)
        cand = _candidates(pairs, self.catalog, lines, cut, self.choices_, float(self.smoothing))
        out = _rank(_with_expected_gain(cand, pairs, self._propensity(pairs)), "expected_gain", top_n)
        out = out.rename(columns={"cust": cols.customer_id})
        everyone = lines.loc[lines["date"] < cut, "cust"].unique()
        out.attrs["customers_without_offers"] = sorted(set(everyone) - set(out[cols.customer_id]),
                                                       key=str)
        return out


def _candidates(pairs: pd.DataFrame, catalog: pd.DataFrame, lines: pd.DataFrame, cut: pd.Timestamp,
                choices: pd.DataFrame, smoothing: float) -> pd.DataFrame:
    """Every higher-tier item of each eligible pair, with its choice probability and gain."""
    base = pairs[["current_tier", "current_value", "units_per_line"]].rename_axis(["cust", "category"])
    base = base.reset_index()
    items = catalog.rename_axis("item").reset_index()[["item", "category", "tier", "value"]]
    cand = base.merge(items, on="category", how="inner")
    cand = cand[cand["tier"] > cand["current_tier"]]
    # popularity: customers who bought the item up to the cut
    hist = lines[lines["date"] < cut]
    buyers = hist.drop_duplicates(["cust", "item"]).groupby("item").size()
    cand["buyers"] = buyers.reindex(cand["item"]).fillna(0).to_numpy()
    grp = ["cust", "category"]
    pop_total = cand.groupby(grp)["buyers"].transform("sum")
    n_items = cand.groupby(grp)["item"].transform("size")
    pop = np.where(pop_total > 0, cand["buyers"] / pop_total.where(pop_total > 0, 1), 1.0 / n_items)
    key = cand[["category", "current_tier", "item"]].rename(columns={"current_tier": "from_tier"})
    counts = choices.set_index(["category", "from_tier", "item"])["n"] if len(choices) else pd.Series(
        dtype=float)
    n_j = counts.reindex(pd.MultiIndex.from_frame(key)).fillna(0).to_numpy() if len(choices) else \
        np.zeros(len(cand))
    cand["n_chosen"] = n_j
    n_total = cand.groupby(grp)["n_chosen"].transform("sum").to_numpy()
    cand["choice_probability"] = (n_j + smoothing * pop) / (n_total + smoothing)
    cand["gain_per_unit"] = cand["value"] - cand["current_value"]
    cand["units"] = cand["units_per_line"].clip(lower=1)
    cand = cand.rename(columns={"tier": "offer_tier"})
    return cand[cand["gain_per_unit"] > 0].reset_index(drop=True)


def _with_expected_gain(cand: pd.DataFrame, pairs: pd.DataFrame, propensity: np.ndarray) -> pd.DataFrame:
    """Candidates with their pair's ``propensity`` and the ``expected_gain`` of the offer:
    propensity x choice probability x gain per unit x units."""
    cand["propensity"] = pd.Series(propensity, index=pairs.index).reindex(
        pd.MultiIndex.from_frame(cand[["cust", "category"]])).to_numpy()
    cand["expected_gain"] = (cand["propensity"] * cand["choice_probability"] * cand["gain_per_unit"]
                             * cand["units"])
    return cand


def _rank(cand: pd.DataFrame, score: str, top_n: int) -> pd.DataFrame:
    ordered = cand.sort_values(["cust", score, "item"], ascending=[True, False, True], kind="stable")
    ordered = ordered.drop_duplicates(["cust", "item"])
    ordered["rank"] = ordered.groupby("cust", sort=False).cumcount() + 1
    top = ordered[ordered["rank"] <= top_n]
    columns = ["cust", "rank", "item", "category", "current_tier", "offer_tier", "propensity",
               "choice_probability", "gain_per_unit", "units", "expected_gain"]
    return top[[c for c in columns if c in top.columns]].reset_index(drop=True)


@dataclass(repr=False, eq=False)
class UpsellEvaluation(Result):
    """Out-of-sample quality of the up-sell propensity and offers, against a popularity baseline.

    Returned by :func:`evaluate_upsell`; the fields below are its attributes.

    Parameters
    ----------
    table : DataFrame
        One row per model ("propensity model" and "popularity"): ``auc`` and
        ``top_decile_lift`` of the pair ranking (the popularity baseline
        ranks pairs by the category's past move-up rate), ``hit_rate`` (share
        of customers who bought one of their ``top_n`` offers in the window),
        ``hits`` and ``realized_gain`` (gain per unit times units of the offers
        that were bought).
    n_pairs, n_customers : int
        Evaluated (customer, category) pairs and customers.
    base_rate : float
        Share of evaluated pairs that moved up.
    train_as_of, as_of : Timestamp
        The training and evaluation reference dates.
    horizon_days : float
        The label window, in days.
    top_n : int
        Offers per customer.

    See Also
    --------
    evaluate_upsell : builds it.
    UpsellModel : the model evaluated.

    Examples
    --------
    The run of :func:`evaluate_upsell`'s example, with the data written as rows:

    >>> import pandas as pd
    >>> from crmmine.association import evaluate_upsell, product_catalog
    >>> rows = ([(c, "2024-01-10", "mug-s") for c in range(1, 9)]
    ...         + [(c, "2024-02-15", "mug-l") for c in range(1, 5)]
    ...         + [(5, "2024-04-12", "mug-xl"), (6, "2024-04-20", "mug-l"), (1, "2024-04-30", "mug-xl")])
    >>> tx = pd.DataFrame(rows, columns=["customer_id", "date", "item"]).assign(
    ...     date=lambda t: pd.to_datetime(t["date"]), order_id=range(len(rows)), quantity=1,
    ...     amount=lambda t: t["item"].map({"mug-s": 2.0, "mug-l": 3.5, "mug-xl": 6.0}))
    >>> catalog = product_catalog(tx, {"mug-s": "mug", "mug-l": "mug", "mug-xl": "mug"})
    >>> ev = evaluate_upsell(tx, catalog, train_as_of="2024-01-31", as_of="2024-03-31",
    ...                      horizon="30D", top_n=1)
    >>> ev
    UpsellEvaluation(n_pairs=8, base_rate=0.375, auc=0.5, hit_rate=0.25, hit_rate_popularity=0.25)
    >>> str(ev.train_as_of.date()), str(ev.as_of.date()), ev.horizon_days
    ('2024-01-31', '2024-03-31', 30.0)
    """

    table: pd.DataFrame
    n_pairs: int
    n_customers: int
    base_rate: float
    train_as_of: pd.Timestamp
    as_of: pd.Timestamp
    horizon_days: float
    top_n: int

    def to_frame(self) -> pd.DataFrame:
        """The comparison table."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """The comparison table (two rows)."""
        return self.table.copy()

    def _repr_items(self) -> dict[str, Any]:
        row = self.table.set_index("model")
        return {"n_pairs": int(self.n_pairs), "base_rate": float(self.base_rate),
                "auc": float(row.loc["propensity model", "auc"]),
                "hit_rate": float(row.loc["propensity model", "hit_rate"]),
                "hit_rate_popularity": float(row.loc["popularity", "hit_rate"])}

    def plot(self, ax: Any = None, **kwargs: Any) -> Any:
        """Bars of hit rate and AUC for the model and the baseline; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(5, 3.5))
        t = self.table.set_index("model")[["auc", "hit_rate"]]
        x = np.arange(len(t.columns))
        for i, (model, row) in enumerate(t.iterrows()):
            ax.bar(x + 0.38 * i, row.to_numpy(float), width=0.38, label=model, **kwargs)
        ax.set_xticks(x + 0.19, ["AUC (pairs)", f"hit rate@{self.top_n}"])
        ax.set_ylim(0, 1)
        ax.set_title("Up-sell: model against popularity")
        ax.legend()
        return ax


def _auc_lift(y: np.ndarray, score: np.ndarray) -> tuple[float, float]:
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y, score)) if 0 < y.sum() < len(y) else float("nan")
    k = max(1, int(np.ceil(0.1 * len(y))))
    top = np.argsort(-score, kind="stable")[:k]
    lift = float(y[top].mean() / y.mean()) if y.mean() > 0 else float("nan")
    return auc, lift


def evaluate_upsell(
    tx: Any,
    catalog: pd.DataFrame,
    *,
    train_as_of: Any,
    as_of: Any,
    horizon: Any = "90D",
    top_n: int = 3,
    model: str = "logistic",
    smoothing: float = 5.0,
    n_jobs: int | None = None,
    random_state: Any = 0,
    columns: Mapping[str, str] | Columns | None = None,
    customer_id: str | None = None,
    order_id: str | None = None,
    date: str | None = None,
    item: str | None = None,
    amount: str | None = None,
    quantity: str | None = None,
    allow_incomplete: bool = False,
) -> UpsellEvaluation:
    """Train the up-sell model at ``train_as_of``, then score the next period from ``as_of``.

    The model learns from features up to ``train_as_of`` and moves up in the
    ``horizon`` after it, which must end on or before ``as_of`` (so nothing
    of the evaluation window is seen). It then ranks the pairs and makes
    ``top_n`` offers from the history up to ``as_of``, and both are scored on
    the ``horizon`` after ``as_of``, beside a popularity baseline scored the
    same way: pairs ranked by their category's past move-up rate, offers = the
    most-bought higher-tier items of the customer's categories.

    Parameters
    ----------
    tx, catalog
        As in :class:`UpsellModel`.
    train_as_of, as_of : date-like
        Training and evaluation reference dates.
    horizon : str or number, default "90D"
    top_n : int, default 3
        Offers per customer.
    model, smoothing, n_jobs, random_state
        As in :class:`UpsellModel`.
    columns, customer_id, order_id, date, item, amount, quantity
        Column names.
    allow_incomplete : bool, default False
        Accept a ``tx`` that stops before the end of the evaluation window (as in
        :meth:`UpsellModel.fit`).

    Returns
    -------
    UpsellEvaluation
        Per model (the propensity model and the popularity baseline): AUC and top-decile
        lift of the pair ranking, hit rate, hits and realized gain of the offers.

    See Also
    --------
    UpsellModel : the model trained.
    evaluate_recommendations : the same kind of evaluation for cross-sell recommendations.

    Examples
    --------
    Customers 1 to 4 move up in February (the training window); in April customer 1 moves
    up again and customers 5 and 6 move up for the first time:

    >>> import pandas as pd
    >>> from crmmine.association import evaluate_upsell, product_catalog
    >>> tx = pd.DataFrame({
    ...     "customer_id": [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 1],
    ...     "date": pd.to_datetime(["2024-01-10"] * 8 + ["2024-02-15"] * 4
    ...                            + ["2024-04-12", "2024-04-20", "2024-04-30"]),
    ...     "item": ["mug-s"] * 8 + ["mug-l"] * 4 + ["mug-xl", "mug-l", "mug-xl"]})
    >>> tx = tx.assign(order_id=range(len(tx)), quantity=1,
    ...                amount=tx["item"].map({"mug-s": 2.0, "mug-l": 3.5, "mug-xl": 6.0}))
    >>> catalog = product_catalog(tx, {"mug-s": "mug", "mug-l": "mug", "mug-xl": "mug"})
    >>> ev = evaluate_upsell(tx, catalog, train_as_of="2024-01-31", as_of="2024-03-31",
    ...                      horizon="30D", top_n=1)
    >>> ev.n_pairs, ev.base_rate
    (8, 0.375)
    >>> ev.to_frame()[["model", "hit_rate", "hits"]].values.tolist()
    [['propensity model', 0.25, 2], ['popularity', 0.25, 2]]

    References
    ----------
    Knott, A., Hayes, A., Neslin, S. A. (2002). Next-product-to-buy models for
    cross-selling applications. Journal of Interactive Marketing 16(3), 59-75.
    """
    _check_common(catalog, as_of, horizon)
    check_params({"top_n": top_n, "train_as_of": train_as_of},
                 {"top_n": [Interval(Integral, 1, None)], "train_as_of": ["date"]},
                 caller="evaluate_upsell()")
    days = horizon_days(horizon)
    if _cut(train_as_of) + pd.Timedelta(days=days) > _cut(as_of):
        raise ParameterError("the training window ends after as_of: train_as_of + horizon must be on or "
                             f"before as_of ({pd.Timestamp(as_of).date()}), or the evaluation would see "
                             "its own "
                             "period. Fix: pick an earlier train_as_of or a shorter horizon.")
    est = UpsellModel(catalog, horizon=horizon, model=model, smoothing=smoothing, n_jobs=n_jobs,
                      random_state=random_state, columns=columns, customer_id=customer_id,
                      order_id=order_id, date=date, item=item, amount=amount, quantity=quantity)
    est.fit(tx, as_of=train_as_of, allow_incomplete=allow_incomplete)
    cols = est._cols()
    lines, cut, pairs = _pairs(tx, catalog, cols, as_of)
    y, up = _labels(lines, pairs, cut, days, allow_incomplete)
    prop = est._propensity(pairs)
    auc_m, lift_m = _auc_lift(y.to_numpy(), prop)
    auc_p, lift_p = _auc_lift(y.to_numpy(), pairs["category_move_up_rate"].to_numpy(float))
    bought = pd.MultiIndex.from_frame(up[["cust", "item"]].drop_duplicates())
    cand = _with_expected_gain(_candidates(pairs, catalog, lines, cut, est.choices_, float(smoothing)),
                               pairs, prop)
    rows = []
    for name, score, auc, lift in (("propensity model", "expected_gain", auc_m, lift_m),
                                   ("popularity", "buyers", auc_p, lift_p)):
        offers = _rank(cand, score, top_n)
        hit = pd.MultiIndex.from_frame(offers[["cust", "item"]]).isin(bought)
        customers = offers["cust"].nunique()
        hit_customers = offers.loc[hit, "cust"].nunique()
        gain = float((offers.loc[hit, "gain_per_unit"] * offers.loc[hit, "units"]).sum())
        rows.append({"model": name, "auc": auc, "top_decile_lift": lift,
                     "hit_rate": hit_customers / max(customers, 1), "hits": int(hit.sum()),
                     "customers": int(customers), "realized_gain": gain})
    return UpsellEvaluation(table=pd.DataFrame(rows), n_pairs=len(pairs),
                            n_customers=int(pairs.index.get_level_values(0).nunique()),
                            base_rate=float(y.mean()), train_as_of=_cut(train_as_of) - pd.Timedelta(days=1),
                            as_of=cut - pd.Timedelta(days=1), horizon_days=days, top_n=int(top_n))
