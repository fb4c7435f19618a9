"""Card fraud: per-transaction features that fraud teams use, a generator with injected fraud, scores.

Features (:func:`card_features`) describe each transaction against the card holder's own earlier
transactions only (never later ones): velocity (count and amount in the last hour and day), the
amount against the customer's own history, a first use of a merchant, category, country or
device, an unusual hour of day, and the travel speed from the previous transaction (impossible
travel). :func:`make_card_transactions` simulates honest card holders and injects documented
fraud patterns with their truth labels; :func:`card_fraud_scores` turns the features into a
score with reasons and an alert budget per day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._backend import to_pandas
from crmmine._params import Interval, check_params, validate_params
from crmmine._results import Result
from crmmine._roles import resolve_roles
from crmmine._units import naive_utc, time_unit_days
from crmmine.anomaly._windows import History
from crmmine.anomaly.fraud import fraud_scores
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error, missing_columns_error

__all__ = [
    "CARD_DIRECTIONS",
    "CARD_GROUPS",
    "CARD_PATTERNS",
    "CARD_ROLES",
    "CardData",
    "card_features",
    "card_fraud_scores",
    "make_card_transactions",
]

#: Column roles of card transactions and their default names (docs/conventions.md).
CARD_ROLES = {
    "customer_id": "customer_id",
    "date": "date",
    "amount": "amount",
    "merchant": "merchant",
    "category": "category",
    "country": "country",
    "device": "device",
    "latitude": "latitude",
    "longitude": "longitude",
}
_REQUIRED = ("customer_id", "date", "amount")

#: Fraud patterns of :func:`make_card_transactions`.
CARD_PATTERNS = ("card_testing", "account_takeover", "cloned_card", "night_spree", "big_ticket")

#: Features :func:`card_fraud_scores` uses by default and their suspicious direction (the velocity
#: features of other ``windows`` are added, also ``"high"``).
CARD_DIRECTIONS = {
    "count_1H": "high",
    "amount_1H": "high",
    "count_24H": "high",
    "amount_24H": "high",
    "amount_z": "high",
    "merchant_rarity": "high",
    "category_rarity": "high",
    "country_rarity": "high",
    "device_rarity": "high",
    "hour_rarity": "high",
    "speed_kmh": "high",
}

#: Features that measure one thing count once in the card score (their largest surprise).
CARD_GROUPS = {
    "velocity": ["count_1H", "amount_1H", "count_24H", "amount_24H"],
    "novelty": ["merchant_rarity", "category_rarity"],
}

_EARTH_KM = 6371.0088


def _haversine(lat1, lon1, lat2, lon2) -> np.ndarray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2) - np.radians(lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _window_seconds(window: str) -> int:
    try:
        return round(time_unit_days(window) * 86400)
    except Exception:
        raise ParameterError(
            f"parameter 'windows': {window!r} is not a duration. "
            "Fix: use strings such as '1H', '24H' or '7D'."
        ) from None


def _is_velocity(column: str) -> bool:
    """Whether a feature column is a velocity feature ``count_<window>`` or ``amount_<window>``."""
    kind, _, window = str(column).partition("_")
    if kind not in ("count", "amount") or not window:
        return False
    try:
        time_unit_days(window)
    except Exception:  # amount_z, amount_ratio, ...: not a window
        return False
    return True


def _resolve(columns, overrides: dict, roles: dict, frame: pd.DataFrame, what: str) -> dict[str, str | None]:
    """Resolve roles; optional roles whose default column is absent become None."""
    named = {k for k, v in overrides.items() if v is not None}
    if columns is not None and isinstance(columns, Mapping):
        named |= set(columns)
    resolved = resolve_roles(columns, roles, **overrides)
    out: dict[str, str | None] = {}
    for role, name in resolved.items():
        if name in frame.columns:
            out[role] = name
        elif role in _REQUIRED or role in named:
            raise missing_columns_error([name], frame.columns, role=what)
        else:
            out[role] = None
    return out


def _checked_times(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        when = values
        when = naive_utc(when)  # time-zone-aware: read in UTC
    else:
        when = pd.to_datetime(values, errors="coerce", format="mixed")
    bad = when.isna()
    if bad.any():
        raise bad_rows_error(
            column,
            "missing or unparseable timestamps",
            frame.loc[bad],
            int(bad.sum()),
            "correct or remove these rows, or parse the column with pd.to_datetime first.",
        )
    return when


def _checked_ids(frame: pd.DataFrame, column: str) -> None:
    bad = frame[column].isna()
    if bad.any():
        raise bad_rows_error(
            column,
            "a missing customer id",
            frame.loc[bad],
            int(bad.sum()),
            "drop these rows or fill in the id.",
        )


@validate_params(
    {
        "min_history": [Interval(Integral, 0, None)],
        "max_speed_kmh": [Interval(Real, 0, None, closed="neither")],
        "prior_weight": [Interval(Real, 0, None)],
        "distance_tolerance_km": [Interval(Real, 0, None)],
    }
)
def card_features(
    transactions,
    *,
    windows: tuple[str, ...] = ("1H", "24H"),
    min_history: int = 5,
    max_speed_kmh: float = 900.0,
    prior_weight: float = 5.0,
    distance_tolerance_km: float = 50.0,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
    merchant: str | None = None,
    category: str | None = None,
    country: str | None = None,
    device: str | None = None,
    latitude: str | None = None,
    longitude: str | None = None,
) -> pd.DataFrame:
    """Per-transaction fraud features, each computed from the card holder's earlier transactions only.

    "Earlier" means an earlier timestamp, or the same timestamp and an earlier row of the input;
    a feature of a transaction never changes when later transactions are added or altered.
    Everything is vectorised (sorted time keys and ``searchsorted``, cumulative sums, hashing).

    Features (optional roles give their features only when the column is present):

    * ``n_prior``: the customer's earlier transactions;
    * ``count_<w>``, ``amount_<w>``: count and amount of her transactions in the ``w`` before
      (``windows``, e.g. ``"1H"``, ``"24H"``), the current one excluded;
    * ``amount_z``: the log amount against her own earlier ones (mean and sd, shrunk towards
      everyone's earlier transactions with ``prior_weight`` pseudo-transactions); with a category
      column, amounts are first taken relative to the category's typical amount so far (a
      television is not compared with a grocery bill); ``amount_ratio``: the amount over what
      would be usual for her (in this category);
    * ``new_merchant``, ``new_category``, ``new_country``, ``new_device``: 1 for a value she has
      never used before, once she has ``min_history`` earlier transactions (0 before), and
      ``merchant_rarity`` (and for category, country, device): ``log10((n + 1) / (u + 1))`` with
      ``n`` her earlier transactions and ``u`` those with this value (0 for her usual merchant,
      2 for a first use after 99 transactions; the second purchase of a spree is still rare);
    * ``hour_rarity``: ``-log10`` of the share of her earlier transactions within an hour of this
      hour of day, smoothed with ten pseudo-transactions spread like everyone's earlier ones;
    * ``distance_km``, ``hours_since_prev`` and ``speed_kmh`` from her previous transaction (great
      circle distance less ``distance_tolerance_km`` for the precision of the location; at least
      one minute between), ``impossible_travel`` = speed above ``max_speed_kmh``.

    Parameters
    ----------
    transactions : table
        One row per transaction (pandas, polars, DuckDB or Spark; collected to pandas); amounts
        must be present and non-negative (refunds removed).
    windows : tuple of str, default ("1H", "24H")
        Velocity windows as durations (``"1H"``, ``"24H"``, ``"7D"``); each gives ``count_<w>``
        and ``amount_<w>``.
    min_history : int, default 5
        Earlier transactions needed before a first use counts as new.
    max_speed_kmh : float, default 900.0
        Travel speed (km/h) above which ``impossible_travel`` is 1 (900: an airliner).
    prior_weight : float, default 5.0
        Pseudo-transactions of population behaviour (all earlier transactions of everyone) in the
        customer's amount history.
    distance_tolerance_km : float, default 50.0
        Distance (km) within which two locations count as the same place (city-level
        geolocation).
    columns : mapping, optional
        ``{role: column}`` for the roles of :data:`CARD_ROLES` (``docs/conventions.md``).
    customer_id, date, amount : str, optional
        Column names of the required roles (``date`` holds timestamps), overriding ``columns``.
    merchant, category, country, device, latitude, longitude : str, optional
        Column names of the optional roles; a role whose column is absent gives no features.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``transactions``: the customer id and date columns, then the features.

    See Also
    --------
    card_fraud_scores : scores these features with reasons and an alert budget.
    make_card_transactions : synthetic transactions with injected fraud.
    call_features : the same idea for call records.

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 1, 1],
    ...     "date": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 10:20",
    ...                             "2024-01-01 10:40", "2024-01-02 00:00"]),
    ...     "amount": [10.0, 1.0, 1.0, 30.0]})
    >>> card_features(tx)[["n_prior", "count_1H", "count_24H"]].values.tolist()
    [[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 0, 3]]

    References
    ----------
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical
    Science* 17(3), 235-255.
    Whitrow, C., Hand, D. J., Juszczak, P., Weston, D. and Adams, N. M. (2009). Transaction
    aggregation as a strategy for credit card fraud detection. *Data Mining and Knowledge
    Discovery* 18(1), 30-55.
    """
    frame = to_pandas(transactions, what="card transactions")
    overrides = dict(
        customer_id=customer_id,
        date=date,
        amount=amount,
        merchant=merchant,
        category=category,
        country=country,
        device=device,
        latitude=latitude,
        longitude=longitude,
    )
    roles = _resolve(columns, overrides, CARD_ROLES, frame, "card transactions")
    require_columns(frame.columns, [roles[r] for r in _REQUIRED], role="card transactions",
                    parameters={roles[r]: r for r in _REQUIRED})
    if len(frame) == 0:
        raise DataError("card transactions are empty (0 rows). Fix: pass at least one transaction.")
    if isinstance(windows, str) or not all(isinstance(w, str) for w in windows):
        raise ParameterError("parameter 'windows' must be a tuple of duration strings such as ('1H', '24H').")
    cid, dcol, acol = roles["customer_id"], roles["date"], roles["amount"]
    _checked_ids(frame, cid)
    when = _checked_times(frame, dcol)
    amt = pd.to_numeric(frame[acol], errors="coerce")
    bad = amt.isna() | ~np.isfinite(amt.to_numpy(dtype=np.float64, na_value=np.nan)) | (amt < 0)
    if bad.any():
        raise bad_rows_error(
            acol,
            "missing, non-numeric, infinite or negative amounts",
            frame.loc[bad],
            int(bad.sum()),
            "remove refunds and reversals (negative amounts) or repair these rows.",
        )
    a = amt.to_numpy(dtype=np.float64)
    h = History(frame[cid].to_numpy(), when.to_numpy())
    out = pd.DataFrame({cid: frame[cid].to_numpy(), dcol: when.to_numpy()}, index=frame.index)
    n_prior = h.n_prior()
    out["n_prior"] = n_prior
    for w in windows:
        count, total = h.window(a, _window_seconds(w))
        out[f"count_{w}"] = count
        out[f"amount_{w}"] = total
    la = np.log1p(a)
    # everyone's earlier transactions (global time order): the prior, so no feature sees the future
    everyone = History(np.zeros(len(a), dtype=np.int64), when.to_numpy())
    if roles["category"] is not None:
        # amounts relative to the category's typical amount so far (a television is not a grocery bill)
        cat_values = (
            frame[roles["category"]].astype(object).where(frame[roles["category"]].notna(), "<missing>")
        )
        by_cat = History(cat_values.to_numpy(), when.to_numpy())
        cat_mean, _, cat_n = by_cat.expanding_mean_sd(la)
        pop_all, _, pop_all_n = everyone.expanding_mean_sd(la)
        base = np.where(pop_all_n > 0, pop_all, la)
        cat_level = (np.nan_to_num(cat_mean) * cat_n + 5.0 * base) / (cat_n + 5.0)
        rel = la - cat_level
    else:
        rel = la
    mean, sd, n = h.expanding_mean_sd(rel)
    pop_mean, pop_sd, pop_n = everyone.expanding_mean_sd(rel)
    pop_mean = np.where(pop_n > 0, pop_mean, rel)
    pop_sd = np.maximum(np.where(pop_n > 1, np.nan_to_num(pop_sd), 1.0), 0.1)
    k = prior_weight
    with np.errstate(invalid="ignore"):
        m = (np.nan_to_num(mean) * n + k * pop_mean) / np.maximum(n + k, 1e-12)
        var = ((np.nan_to_num(sd) ** 2) * np.maximum(n - 1, 0) + k * pop_sd**2) / np.maximum(n - 1 + k, 1e-12)
    out["amount_z"] = (rel - m) / np.sqrt(np.maximum(var, 1e-6))
    out["amount_ratio"] = np.exp(rel - m)
    enough = n_prior >= min_history
    for role in ("merchant", "category", "country", "device"):
        col = roles[role]
        if col is None:
            continue
        values = frame[col]
        if values.isna().any():
            values = values.astype(object).where(values.notna(), "<missing>")
        values = values.to_numpy()
        out[f"new_{role}"] = (h.is_new(values) & enough).astype(np.int64)
        out[f"{role}_rarity"] = np.log10((n_prior + 1.0) / (h.prior_uses(values) + 1.0))
    hour = when.dt.hour.to_numpy().astype(np.int64)
    near = h.count_in_bins(hour, 24, (-1, 0, 1))
    # prior: everyone's earlier transactions at these hours, worth ten pseudo-transactions
    pop_near = everyone.count_in_bins(hour, 24, (-1, 0, 1))
    pop_share = (pop_near + 3.0 / 24.0) / (np.arange(len(hour))[everyone.rank] * 0 + everyone.n_prior() + 1.0)
    smoothed = (near + 10.0 * pop_share) / (n_prior + 10.0)
    out["hour_rarity"] = -np.log10(np.clip(smoothed, 1e-6, 1.0))
    if roles["latitude"] is not None and roles["longitude"] is not None:
        lat = pd.to_numeric(frame[roles["latitude"]], errors="coerce").to_numpy(dtype=np.float64)
        lon = pd.to_numeric(frame[roles["longitude"]], errors="coerce").to_numpy(dtype=np.float64)
        bad = ~(np.isfinite(lat) & np.isfinite(lon)) | (np.abs(lat) > 90) | (np.abs(lon) > 180)
        if bad.any():
            raise bad_rows_error(
                f"{roles['latitude']}, {roles['longitude']}",
                "missing or impossible coordinates",
                frame.loc[bad],
                int(bad.sum()),
                "repair these rows, or drop the coordinate columns to skip the travel features.",
            )
        prev_lat, gap = h.previous(lat)
        prev_lon, _ = h.previous(lon)
        dist = np.where(
            np.isnan(prev_lat), 0.0, _haversine(np.nan_to_num(prev_lat), np.nan_to_num(prev_lon), lat, lon)
        )
        hours = gap / 3600.0
        out["distance_km"] = dist
        out["hours_since_prev"] = np.where(np.isnan(hours), np.inf, hours)
        moved = np.clip(dist - distance_tolerance_km, 0, None)
        speed = np.where(np.isnan(hours), 0.0, moved / np.maximum(np.nan_to_num(hours), 1.0 / 60.0))
        out["speed_kmh"] = speed
        out["impossible_travel"] = (speed > max_speed_kmh).astype(np.int64)
    return out


def _describe(window_labels: tuple[str, ...]) -> dict:
    def hours_text(w: str) -> str:
        return {"1H": "hour", "24H": "day", "1D": "day", "7D": "week"}.get(w.upper(), w)

    def count_text(w: str):
        return lambda r: f"{int(r[f'count_{w}'])} transactions in the {hours_text(w)} before"

    def amount_text(w: str):
        return lambda r: f"{r[f'amount_{w}']:,.0f} spent in the {hours_text(w)} before"

    d = {}
    for w in window_labels:
        d[f"count_{w}"] = count_text(w)
        d[f"amount_{w}"] = amount_text(w)
    d["amount_z"] = lambda r: f"amount {r['amount_ratio']:,.1f}x what is usual for the customer"

    def rare(role: str, first: str, again: str):
        return lambda r: first if r.get(f"new_{role}", 0) == 1 else again

    d["merchant_rarity"] = rare(
        "merchant", "first purchase at this merchant", "a merchant the customer rarely uses"
    )
    d["category_rarity"] = rare(
        "category", "first purchase in this category", "a category the customer rarely buys"
    )
    d["country_rarity"] = rare(
        "country", "first transaction in this country", "a country the customer is rarely in"
    )
    d["device_rarity"] = rare("device", "first use of this device", "a device the customer rarely uses")
    d["hour_rarity"] = lambda r: f"at {pd.Timestamp(r['__date']).hour:02d}h, an hour the customer rarely uses"
    d["speed_kmh"] = lambda r: (
        f"{r['distance_km']:,.0f} km from the previous transaction "
        f"{r['hours_since_prev']:.1f} h earlier ({r['speed_kmh']:,.0f} km/h)"
    )
    return d


def card_fraud_scores(
    transactions,
    *,
    direction: Mapping[str, str | None] | None = None,
    top_n: int | None = None,
    share: float | None = None,
    period: str = "D",
    top_signals: int = 3,
    windows: tuple[str, ...] = ("1H", "24H"),
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    **roles: str | None,
) -> pd.DataFrame:
    """Score card transactions for fraud with reasons, and flag them within an alert budget.

    The features of :func:`card_features` become one-sided tail surprises (see
    :func:`~crmmine.anomaly.fraud_scores`); the velocity features count as one signal and so do
    the merchant and category novelty (:data:`CARD_GROUPS`); the score adds a transaction's
    ``top_signals`` largest signals.

    Parameters
    ----------
    transactions : table or the output of :func:`card_features`
        Card transactions (roles of :data:`CARD_ROLES`), or their features to score them again
        without recomputing.
    direction : mapping, optional
        Suspicious direction per feature, merged over :data:`CARD_DIRECTIONS` and the velocity
        features of every window (all ``"high"``; ``None`` drops a feature). Features absent
        from the data (no device column, say) are skipped.
    top_n : int, optional
        Alerts per ``period`` (analyst capacity per day). Give at most one of ``top_n`` and
        ``share``; without either nothing is flagged.
    share : float, optional
        Share of each period's transactions to alert, in (0, 1], rounded up.
    period : str, default "D"
        Budget period (pandas frequency).
    top_signals : int, default 3
        Signals (the velocity group, the novelty group, each other feature) added up per
        transaction.
    windows : tuple of str, default ("1H", "24H")
        Velocity windows, passed to :func:`card_features`.
    columns : mapping, optional
        ``{role: column}`` for the roles of :data:`CARD_ROLES`.
    customer_id, date : str, optional
        Column names of the customer id and the timestamp, overriding ``columns``.
    **roles
        Other column roles passed to :func:`card_features` (``amount=``, ``merchant=``, ...).

    Returns
    -------
    pandas.DataFrame
        The features plus ``s_<feature>`` surprises, ``score``, ``rank``, ``flag`` and ``reasons``,
        indexed like ``transactions``.

    See Also
    --------
    card_features : the features it scores.
    fraud_scores : the scoring of any feature table.
    budget_metrics : precision, recall and case recall of the alerts against the truth.
    call_fraud_scores : the same for call records.

    Examples
    --------
    >>> data = make_card_transactions(300, 60, fraud_share=0.05, random_state=0)
    >>> scored = card_fraud_scores(data.transactions, top_n=5)
    >>> base_rate = data.truth["fraud"].mean()
    >>> hit_rate = data.truth.loc[scored.index[scored["flag"]], "fraud"].mean()
    >>> bool(hit_rate > 10 * base_rate)
    True

    References
    ----------
    Goldstein, M. and Dengel, A. (2012). Histogram-based outlier score (HBOS): a fast unsupervised
    anomaly detection algorithm. *KI-2012: Poster and Demo Track*, 59-63.
    Whitrow, C., Hand, D. J., Juszczak, P., Weston, D. and Adams, N. M. (2009). Transaction
    aggregation as a strategy for credit card fraud detection. *Data Mining and Knowledge
    Discovery* 18(1), 30-55.
    """
    check_params(
        {"share": share, "top_n": top_n},
        {"share": [Interval(Real, 0, 1, closed="right"), None], "top_n": [Interval(Integral, 0, None), None]},
        caller="card_fraud_scores()",
    )
    frame = transactions
    if not (isinstance(frame, pd.DataFrame) and "n_prior" in frame.columns and "amount_z" in frame.columns):
        frame = card_features(
            transactions, windows=windows, columns=columns, customer_id=customer_id, date=date, **roles
        )
    velocity = [c for c in frame.columns if _is_velocity(c)]
    # every velocity window present is scored (suspicious when high), not only the default ones
    merged = {**dict.fromkeys(velocity, "high"), **CARD_DIRECTIONS}
    if direction is not None:
        if not isinstance(direction, Mapping):
            raise ParameterError(
                "parameter 'direction' must be a mapping feature -> 'high', 'low', 'both' or None."
            )
        unknown = [k for k in direction if k not in frame.columns]
        if unknown:
            raise ParameterError(
                f"parameter 'direction' names {unknown}, which card_features did not produce. "
                f"Known: {[c for c in frame.columns]}."
            )
        merged.update(direction)
    used = {k: v for k, v in merged.items() if k in frame.columns}
    dcol = resolve_roles(columns, CARD_ROLES, customer_id=customer_id, date=date)["date"]
    if dcol not in frame.columns:
        raise missing_columns_error([dcol], frame.columns, role="card features")
    describe = _describe(windows)
    shown = frame.assign(__date=frame[dcol])
    groups = {"velocity": velocity, "novelty": CARD_GROUPS["novelty"]}
    groups = {g: [f for f in fs if f in frame.columns] for g, fs in groups.items()}
    scored = fraud_scores(
        shown,
        direction=used,
        top_signals=top_signals,
        dates=frame[dcol] if (top_n is not None or share is not None) else None,
        top_n=top_n,
        share=share,
        period=period,
        groups=groups,
        describe=describe,
    )
    return pd.concat([frame, scored], axis=1)


@dataclass(repr=False)
class CardData(Result):
    """Synthetic card transactions from :func:`make_card_transactions`.

    Returned by :func:`make_card_transactions`; the fields below are its attributes.

    Parameters
    ----------
    transactions : pandas.DataFrame
        One row per transaction (index ``transaction_id``, in time order): ``customer_id``,
        ``date`` (timestamp), ``amount``, ``merchant``, ``category``, ``country``, ``device``,
        ``latitude``, ``longitude``.
    truth : pandas.DataFrame
        Per transaction: ``fraud`` (bool), ``pattern`` (empty for genuine ones) and ``case`` (the
        fraud episode, one per defrauded customer).
    customers : pandas.DataFrame
        Per customer (index ``customer_id``): home ``city`` (a number), ``country``, daily
        purchase ``rate``, ``pattern`` of the fraud episode (empty if none) and its
        ``fraud_start`` (timestamp; NaT if none).

    See Also
    --------
    make_card_transactions : builds it.
    card_fraud_scores : scores its transactions.
    budget_metrics : evaluates alerts against its ``truth``.

    Examples
    --------
    >>> data = make_card_transactions(60, 40, fraud_share=0.1, random_state=0)
    >>> data
    CardData(transactions=3,191, frauds=42)
    >>> bool(data.truth.index.equals(data.transactions.index))
    True
    >>> episodes = data.customers[data.customers["pattern"] != ""]
    >>> len(episodes), data.truth.loc[data.truth["fraud"], "case"].nunique()
    (6, 6)
    """

    transactions: pd.DataFrame
    truth: pd.DataFrame
    customers: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The transactions."""
        return self.transactions

    def summary(self) -> pd.DataFrame:
        """Transactions, customers and fraudulent transactions per pattern."""
        counts = self.truth.loc[self.truth["fraud"], "pattern"].value_counts()
        rows = {
            "transactions": len(self.transactions),
            "customers": len(self.customers),
            "fraudulent transactions": int(self.truth["fraud"].sum()),
        }
        rows.update({f"  {k}": int(v) for k, v in counts.items()})
        return pd.DataFrame({"value": pd.Series(rows)})

    def _repr_items(self) -> dict:
        return {"transactions": len(self.transactions), "frauds": int(self.truth["fraud"].sum())}


_CATEGORIES = {
    # name: (median amount, share of honest purchases, card present)
    "grocery": (35.0, 0.25, True),
    "fuel": (55.0, 0.10, True),
    "restaurant": (30.0, 0.15, True),
    "online_retail": (60.0, 0.15, False),
    "electronics": (250.0, 0.03, True),
    "travel": (320.0, 0.02, False),
    "fashion": (80.0, 0.08, True),
    "pharmacy": (20.0, 0.07, True),
    "entertainment": (40.0, 0.07, False),
    "utilities": (90.0, 0.06, False),
    "jewelry": (400.0, 0.005, True),
    "gambling": (50.0, 0.015, False),
}


def _cities(rng: np.random.Generator, n_home: int = 6, n_far: int = 2, per_country: int = 4):
    """Cities of six neighbouring home countries (a 2,000 km region) and two far-away countries."""
    centres_lat = np.r_[rng.uniform(40, 60, n_home), rng.uniform(-35, 35, n_far)]
    centres_lon = np.r_[rng.uniform(-5, 25, n_home), rng.uniform(70, 140, n_far)]
    n = (n_home + n_far) * per_country
    lat = np.repeat(centres_lat, per_country) + rng.uniform(-1.2, 1.2, n)
    lon = np.repeat(centres_lon, per_country) + rng.uniform(-1.8, 1.8, n)
    country = np.repeat(np.array([f"C{c}" for c in range(n_home + n_far)]), per_country)
    far = np.repeat(np.arange(n_home + n_far) >= n_home, per_country)
    return lat, lon, country, far


@validate_params(
    {
        "n_customers": [Interval(Integral, 1, None)],
        "n_days": [Interval(Integral, 30, None)],
        "fraud_share": [Interval(Real, 0, 1)],
        "random_state": ["random_state"],
    }
)
def make_card_transactions(
    n_customers: int = 2000,
    n_days: int = 90,
    *,
    fraud_share: float = 0.02,
    patterns: tuple[str, ...] = CARD_PATTERNS,
    start: str = "2024-01-01",
    random_state: int | np.random.Generator | None = None,
) -> CardData:
    """Honest card holders with injected fraud episodes, and the truth labels.

    **Honest behaviour.** Each customer lives in one of 24 cities (6 neighbouring countries), buys about 1.2
    times a day (gamma-distributed rate), mostly at 5-25 favourite merchants of her city (88%)
    and otherwise at other merchants there, across 12 categories with their own typical
    amounts, at hours around a personal peak (a few at any hour), with one or two devices for
    purchases online. 8% of customers take a trip of 3-10 days to another city (new merchants,
    often a new country, 15% of trips to one of two far-away countries; no purchases for a day
    either side, so the travel speed is plausible).

    **Fraud patterns** (``patterns``, spread evenly over ``fraud_share`` of the customers, each an
    episode starting after 20 days of history; the feature that should catch it in brackets):

    * ``"card_testing"``: 6-15 tiny online purchases (0.5-5) within 45 minutes on a new device at
      new merchants, then one purchase of 200-800 [``count_1H``, ``device_rarity``];
    * ``"account_takeover"``: 3-6 online purchases of 300-2,000 within four hours from a new device
      in another country [``device_rarity``, ``country_rarity``, ``amount_z``];
    * ``"cloned_card"``: 2-5 card-present purchases of 100-600 in a far-away country, starting
      0.5-2 hours after a genuine purchase at home [``speed_kmh``, ``country_rarity``];
    * ``"night_spree"``: 3-8 purchases of 50-400 between 01:00 and 05:00 at new merchants, from the
      customer's own device (a stolen phone) [``hour_rarity``, ``count_24H``];
    * ``"big_ticket"``: one card-present purchase of 20-50 times the customer's typical amount at a
      new jewelry or electronics merchant in her city [``amount_z``, ``merchant_rarity``].

    Parameters
    ----------
    n_customers : int, default 2000
        Number of card holders (at least 1).
    n_days : int, default 90
        Number of days (at least 30).
    fraud_share : float, default 0.02
        Share of customers with a fraud episode, in [0, 1] (at least one per pattern when
        positive).
    patterns : tuple of str, default CARD_PATTERNS
        Patterns among :data:`CARD_PATTERNS`.
    start : str, default "2024-01-01"
        First day.
    random_state : int, numpy Generator or None
        Seed; the same seed gives the same transactions.

    Returns
    -------
    CardData
        ``transactions`` (one row per transaction, in time order), ``truth`` (per transaction)
        and ``customers``.

    See Also
    --------
    CardData : the result and its tables.
    card_features : features of the transactions.
    card_fraud_scores : scores of the transactions.
    make_call_records : the generator for call fraud.

    Examples
    --------
    >>> data = make_card_transactions(200, 60, random_state=0)
    >>> sorted(data.truth.loc[data.truth["fraud"], "pattern"].unique())
    ['account_takeover', 'big_ticket', 'card_testing', 'cloned_card', 'night_spree']

    References
    ----------
    Bolton, R. J. and Hand, D. J. (2002). Statistical fraud detection: a review. *Statistical
    Science* 17(3), 235-255.
    """
    bad = [p for p in patterns if p not in CARD_PATTERNS]
    if bad or isinstance(patterns, str):
        raise ParameterError(f"parameter 'patterns' must be a tuple among {CARD_PATTERNS}, got {patterns!r}.")
    rng = np.random.default_rng(random_state)
    t0 = pd.Timestamp(start)
    city_lat, city_lon, city_country, city_far = _cities(rng)
    n_cities = city_lat.size
    home_cities = np.flatnonzero(~city_far)
    far_cities = np.flatnonzero(city_far)
    cat_names = np.array(list(_CATEGORIES))
    cat_median = np.array([v[0] for v in _CATEGORIES.values()])
    cat_weight = np.array([v[1] for v in _CATEGORIES.values()])
    cat_weight = cat_weight / cat_weight.sum()
    cat_present = np.array([v[2] for v in _CATEGORIES.values()])
    n_merchants = 150 * n_cities
    m_city = rng.integers(0, n_cities, n_merchants)
    m_cat = rng.choice(cat_names.size, n_merchants, p=cat_weight)
    # customers
    home = home_cities[rng.integers(0, home_cities.size, n_customers)]
    rate = rng.gamma(2.0, 0.6, n_customers)
    scale = rng.lognormal(0, 0.35, n_customers)
    peak = np.clip(rng.normal(14, 3, n_customers), 8, 21)
    n_fav = rng.integers(5, 26, n_customers)
    n_dev = rng.integers(1, 3, n_customers)
    # honest transactions
    counts = rng.poisson(rate * n_days)
    cust = np.repeat(np.arange(n_customers), counts)
    N = cust.size
    day = rng.uniform(0, n_days, N).astype(np.int64)
    hour = np.where(
        rng.random(N) < 0.03, rng.uniform(0, 24, N), np.clip(rng.normal(peak[cust], 2.5), 6, 23.99)
    )
    t = day * 24.0 + hour  # hours since start
    # trips
    travels = rng.random(n_customers) < 0.08
    trip_start = rng.uniform(5, max(n_days - 11, 6), n_customers) * 24.0
    trip_len = rng.integers(3, 11, n_customers) * 24.0
    trip_city = np.where(
        rng.random(n_customers) < 0.15,
        far_cities[rng.integers(0, far_cities.size, n_customers)],
        home_cities[
            (np.searchsorted(home_cities, home) + rng.integers(1, home_cities.size, n_customers))
            % home_cities.size
        ],
    )
    on_trip = travels[cust] & (t >= trip_start[cust]) & (t < trip_start[cust] + trip_len[cust])
    near_edge = travels[cust] & (  # no purchases while travelling (a day either side of the trip)
        (np.abs(t - trip_start[cust]) < 20) | (np.abs(t - trip_start[cust] - trip_len[cust]) < 20)
    )
    keep = ~near_edge
    cust, t, on_trip = cust[keep], t[keep], on_trip[keep]
    N = cust.size
    city = np.where(on_trip, trip_city[cust], home[cust])
    # merchant choice: a favourite (rank r with Zipf weights) or any merchant of the current city
    order_by_city = np.argsort(m_city, kind="stable")
    city_start = np.searchsorted(m_city[order_by_city], np.arange(n_cities))
    city_count = np.bincount(m_city, minlength=n_cities)
    fav_rank = np.minimum((rng.zipf(1.6, N) - 1), n_fav[cust] - 1)
    fav_slot = (cust * 7919 + fav_rank * 104729) % np.maximum(city_count[home[cust]], 1)
    any_slot = rng.integers(0, 1 << 30, N) % np.maximum(city_count[city], 1)
    use_fav = (rng.random(N) < 0.88) & ~on_trip
    slot = np.where(use_fav, fav_slot, any_slot)
    merchant = order_by_city[city_start[city] + slot]
    category = m_cat[merchant]
    amount = cat_median[category] * scale[cust] * rng.lognormal(0, 0.55, N)
    dev_slot = rng.integers(0, 2, N) % n_dev[cust]
    device = np.where(
        cat_present[category],
        "card_present",
        np.char.add(np.char.add("dev", cust.astype(str)), np.char.add("_", dev_slot.astype(str))),
    )
    lat = city_lat[city] + rng.normal(0, 0.05, N)
    lon = city_lon[city] + rng.normal(0, 0.05, N)
    honest = pd.DataFrame(
        {
            "cust": cust,
            "t": t,
            "merchant": merchant,
            "category": category,
            "amount": amount,
            "device": device,
            "lat": lat,
            "lon": lon,
            "country": city_country[city],
            "fraud": False,
            "pattern": "",
        }
    )
    # fraud episodes
    n_fraud = 0 if fraud_share == 0 else max(round(fraud_share * n_customers), len(patterns))
    n_fraud = min(n_fraud, n_customers)
    victims = rng.choice(n_customers, n_fraud, replace=False)
    kinds = np.array(patterns)[np.arange(n_fraud) % len(patterns)] if n_fraud else np.array([], dtype=str)
    f_start = rng.uniform(20, n_days - 3, n_fraud) * 24.0
    typical = (
        np.exp(pd.Series(np.log(amount)).groupby(cust).mean())
        .reindex(range(n_customers))
        .fillna(40.0)
        .to_numpy()
    )
    cat_index = {name: j for j, name in enumerate(cat_names)}

    def pick(where: np.ndarray, cats: tuple[str, ...], anywhere: bool = False) -> np.ndarray:
        """A random merchant of the given categories in each city (any city when none there)."""
        cand = np.flatnonzero(np.isin(m_cat, [cat_index[x] for x in cats]))
        cc = m_city[cand]
        o = np.argsort(cc, kind="stable")
        cand, cc = cand[o], cc[o]
        first = np.searchsorted(cc, np.arange(n_cities))
        count = np.bincount(cc, minlength=n_cities)
        r = rng.integers(0, 1 << 30, where.size)
        local = cand[np.minimum(first[where] + r % np.maximum(count[where], 1), cand.size - 1)]
        anyone = cand[r % cand.size]
        return np.where(anywhere | (count[where] == 0), anyone, local)

    frames = [honest]
    for kind in patterns:  # one vectorised block per pattern (five at most)
        v = victims[kinds == kind]
        s = f_start[kinds == kind]
        if v.size == 0:
            continue
        # fraudsters operate from another country: a neighbouring one, or a far one for cloned cards
        near = home_cities[
            (np.searchsorted(home_cities, home[v]) + rng.integers(4, home_cities.size - 3, v.size))
            % home_cities.size
        ]
        far = far_cities[rng.integers(0, far_cities.size, v.size)]
        abroad = far if kind == "cloned_card" else np.where(rng.random(v.size) < 0.5, near, far)
        if kind == "card_testing":
            k = rng.integers(6, 16, v.size)
            c = np.repeat(v, k + 1)
            last = np.zeros(c.size, dtype=bool)
            last[np.cumsum(k + 1) - 1] = True
            tt = np.repeat(s, k + 1) + np.where(last, 0.9, rng.uniform(0, 0.75, c.size))
            merch = pick(np.repeat(abroad, k + 1), ("online_retail",), anywhere=True)
            amt = np.where(last, rng.uniform(200, 800, c.size), rng.uniform(0.5, 5, c.size))
            dev = np.char.add("fraud_dev_", c.astype(str))
            loc = np.repeat(abroad, k + 1)
        elif kind == "account_takeover":
            k = rng.integers(3, 7, v.size)
            c = np.repeat(v, k)
            tt = np.repeat(s, k) + rng.uniform(0, 4, c.size)
            merch = pick(np.repeat(abroad, k), ("online_retail", "electronics", "jewelry"), anywhere=True)
            amt = rng.uniform(300, 2000, c.size)
            dev = np.char.add("fraud_dev_", c.astype(str))
            loc = np.repeat(abroad, k)
        elif kind == "cloned_card":
            k = rng.integers(2, 6, v.size)
            # anchored on a genuine purchase: the victim's last honest transaction before the start
            start_of = pd.Series(s, index=v)
            h = honest.loc[honest["cust"].isin(v), ["cust", "t"]]
            h = h[h["t"].to_numpy() < start_of.reindex(h["cust"]).to_numpy()]
            anchor = h.groupby("cust")["t"].max().reindex(v).fillna(start_of).to_numpy()
            c = np.repeat(v, k)
            tt = np.repeat(anchor + rng.uniform(0.5, 2, v.size), k) + rng.uniform(0, 4, c.size)
            loc = np.repeat(abroad, k)
            merch = pick(loc, ("fashion", "electronics", "jewelry"))
            amt = rng.uniform(100, 600, c.size)
            dev = np.full(c.size, "card_present")
        elif kind == "night_spree":
            k = rng.integers(3, 9, v.size)
            c = np.repeat(v, k)
            night = np.floor(np.repeat(s, k) / 24.0) * 24.0 + 24.0
            tt = night + rng.uniform(1, 5, c.size)
            merch = pick(home[c], ("gambling", "electronics", "online_retail"), anywhere=True)
            amt = rng.uniform(50, 400, c.size)
            dev = np.char.add(np.char.add("dev", c.astype(str)), "_0")
            loc = home[c]
        else:  # big_ticket
            c = v
            tt = np.floor(s / 24.0) * 24.0 + np.clip(rng.normal(peak[v], 1.5), 9, 20)
            merch = pick(home[v], ("jewelry", "electronics"))
            amt = np.maximum(typical[v], 20.0) * rng.uniform(20, 50, v.size)
            dev = np.full(c.size, "card_present")
            loc = home[v]
        frames.append(
            pd.DataFrame(
                {
                    "cust": c,
                    "t": tt,
                    "merchant": merch,
                    "category": m_cat[merch],
                    "amount": amt,
                    "device": dev,
                    "lat": city_lat[loc] + rng.normal(0, 0.05, c.size),
                    "lon": city_lon[loc] + rng.normal(0, 0.05, c.size),
                    "country": city_country[loc],
                    "fraud": True,
                    "pattern": kind,
                }
            )
        )
    allrows = pd.concat(frames, ignore_index=True)
    allrows = (
        allrows[allrows["t"] < n_days * 24.0].sort_values(["t", "cust"], kind="stable").reset_index(drop=True)
    )
    ids = pd.Index(np.arange(1, n_customers + 1), name="customer_id")
    tx = pd.DataFrame(
        {
            "customer_id": ids.to_numpy()[allrows["cust"].to_numpy()],
            "date": (t0 + pd.to_timedelta(np.round(allrows["t"].to_numpy() * 3600), unit="s")),
            "amount": np.round(allrows["amount"].to_numpy(), 2),
            "merchant": np.char.add("m", allrows["merchant"].to_numpy().astype(str)),
            "category": cat_names[allrows["category"].to_numpy()],
            "country": allrows["country"].to_numpy(),
            "device": allrows["device"].to_numpy().astype(str),
            "latitude": np.round(allrows["lat"].to_numpy(), 4),
            "longitude": np.round(allrows["lon"].to_numpy(), 4),
        },
        index=pd.RangeIndex(len(allrows), name="transaction_id"),
    )
    truth = pd.DataFrame(
        {
            "fraud": allrows["fraud"].to_numpy(dtype=bool),
            "pattern": allrows["pattern"].to_numpy(),
            "case": np.where(allrows["fraud"], ids.to_numpy()[allrows["cust"].to_numpy()], 0),
        },
        index=tx.index,
    )
    pattern_of = np.full(n_customers, "", dtype=object)
    pattern_of[victims] = kinds
    start_of = pd.Series(pd.NaT, index=range(n_customers), dtype="datetime64[ns]")
    start_of.iloc[victims] = t0 + pd.to_timedelta(np.round(f_start * 3600), unit="s")
    customers = pd.DataFrame(
        {
            "city": home,
            "country": city_country[home],
            "rate": rate,
            "pattern": pattern_of,
            "fraud_start": start_of.to_numpy(),
        },
        index=ids,
    )
    return CardData(transactions=tx, truth=truth, customers=customers)
