"""Call fraud: per subscriber-day features from call records, a generator with injected fraud, scores.

:func:`call_features` summarises each subscriber's day against her own earlier days only: spikes
in outgoing calls and minutes, calls to international destinations she never called before,
premium-rate calls, and the SIM-box pattern over the last week (many short outgoing calls to
ever new numbers, almost none incoming, no SMS or data, one cell). :func:`make_call_records`
simulates honest subscribers and injects documented fraud patterns with their truth labels;
:func:`call_fraud_scores` scores subscriber-days with reasons and an alert budget per day.
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
from crmmine.anomaly._windows import History
from crmmine.anomaly.cards import _checked_ids, _checked_times
from crmmine.anomaly.fraud import fraud_scores
from crmmine.data.columns import require_columns
from crmmine.errors import DataError, ParameterError, bad_rows_error

__all__ = [
    "CALL_DIRECTIONS",
    "CALL_PATTERNS",
    "CALL_ROLES",
    "CallData",
    "call_features",
    "call_fraud_scores",
    "make_call_records",
]

#: Column roles of call records (one row per call, SMS or data session) and their default names.
CALL_ROLES = {
    "customer_id": "customer_id",
    "date": "date",
    "duration": "duration",
    "destination": "destination",
    "destination_type": "destination_type",
    "direction": "direction",
    "service": "service",
    "cell": "cell",
}

#: Fraud patterns of :func:`make_call_records`.
CALL_PATTERNS = ("simbox", "premium_rate", "international_spree", "call_spike")

#: Features :func:`call_fraud_scores` uses by default and their suspicious direction.
CALL_DIRECTIONS = {
    "calls_out_z": "high",
    "minutes_out_z": "high",
    "new_international": "high",
    "international_minutes_z": "high",
    "premium_calls": "high",
    "premium_minutes": "high",
    "simbox_index": "high",
}

_GROUPS = {
    "volume": ["calls_out_z", "minutes_out_z"],
    "international": ["new_international", "international_minutes_z"],
    "premium": ["premium_calls", "premium_minutes"],
}


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, end)`` for each pair, vectorised."""
    lengths = np.maximum(ends - starts, 0)
    offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    return np.repeat(starts, lengths) + offsets


def _trailing(grid: np.ndarray, days: int) -> np.ndarray:
    """Sum over the last ``days`` days including today, per row of a (subscribers x days) grid."""
    cs = np.concatenate([np.zeros((grid.shape[0], 1)), np.cumsum(grid, axis=1)], axis=1)
    D = grid.shape[1]
    hi = np.arange(1, D + 1)
    lo = np.maximum(hi - days, 0)
    return cs[:, hi] - cs[:, lo]


def _distinct_trailing(
    sub: np.ndarray, day: np.ndarray, value_codes: np.ndarray, n_sub: int, D: int, days: int
) -> np.ndarray:
    """Distinct values per subscriber over the last ``days`` days including today (difference arrays).

    Each event at day ``t`` whose pair (subscriber, value) next occurs at day ``u`` (or never)
    keeps the pair counted on days ``t .. min(u, t + days) - 1``.
    """
    order = np.lexsort((day, value_codes, sub))
    s, v, t = sub[order], value_codes[order], day[order]
    same_next = np.r_[(s[1:] == s[:-1]) & (v[1:] == v[:-1]), False]
    nxt = np.where(same_next, np.r_[t[1:], 0], D + days)
    end = np.minimum(np.minimum(nxt, t + days), D)
    keep = end > t
    diff = np.zeros(n_sub * (D + 1))
    np.add.at(diff, s[keep] * (D + 1) + t[keep], 1.0)
    np.add.at(diff, s[keep] * (D + 1) + end[keep], -1.0)
    return np.cumsum(diff.reshape(n_sub, D + 1), axis=1)[:, :D]


@validate_params(
    {
        "window_days": [Interval(Integral, 1, None)],
        "baseline_days": [Interval(Integral, 1, None)],
        "min_history_days": [Interval(Integral, 0, None)],
        "short_call_seconds": [Interval(Real, 0, None)],
    }
)
def call_features(
    records,
    *,
    window_days: int = 7,
    baseline_days: int = 28,
    min_history_days: int = 7,
    short_call_seconds: float = 120.0,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    duration: str | None = None,
    destination: str | None = None,
    destination_type: str | None = None,
    direction: str | None = None,
    service: str | None = None,
    cell: str | None = None,
) -> pd.DataFrame:
    """Per subscriber-day fraud features from call records, each from the subscriber's own past only.

    A row summarises one day of one subscriber (days on which she had any record); every feature
    uses that day's records and earlier ones, never later ones. Values of the roles:
    ``direction`` is ``"out"`` or ``"in"``; ``service`` is ``"voice"``, ``"sms"`` or ``"data"``;
    ``destination_type`` is ``"international"``, ``"premium"`` or anything else (national).

    * ``calls_out``, ``minutes_out``, ``calls_in``: that day's outgoing voice calls and minutes,
      incoming calls;
    * ``calls_out_z``, ``minutes_out_z``: the day against her previous ``baseline_days`` days
      (``(x - mean) / sqrt(var + mean + 1)``, a count-friendly scale; 0 until she has
      ``min_history_days`` days of history);
    * ``new_international``: outgoing calls to international numbers she never called before
      (counted once she has ``min_history_days`` days of history), ``international_minutes`` and
      its spike ``international_minutes_z`` (as above);
    * ``premium_calls``, ``premium_minutes``: calls to premium-rate numbers;
    * over the last ``window_days`` days including today: ``out_calls_w``, ``distinct_share_w``
      (distinct numbers called per outgoing call), ``in_out_ratio_w`` (incoming per outgoing
      call), ``sms_data_share_w`` (SMS and data sessions among all her records), ``cells_w``
      (distinct cells), ``short_share_w`` (outgoing calls under ``short_call_seconds``), and the
      SIM-box index ``log(1 + out_calls_w) x distinct_share_w x (1 - min(in_out_ratio_w, 1)) x
      (1 - sms_data_share_w) / cells_w``: high only when all the marks of a SIM box come together.

    Parameters
    ----------
    records : table
        One row per call, SMS or data session (pandas, polars, DuckDB or Spark; collected).
    window_days : int, default 7
        Days of the SIM-box window (today included).
    baseline_days : int, default 28
        Earlier days a spike is measured against.
    min_history_days : int, default 7
        Days of history needed before spikes and new destinations count.
    short_call_seconds : float, default 120.0
        A call shorter than this (seconds) is short.
    columns : mapping, optional
        ``{role: column}`` for the roles of :data:`CALL_ROLES` (``docs/conventions.md``); all
        roles are required.
    customer_id, date, duration, destination, destination_type, direction, service, cell : str, optional
        Column names by role, overriding ``columns``.

    Returns
    -------
    pandas.DataFrame
        Indexed by (customer id, day), named like the input's id and date columns, one row per
        subscriber-day with a record; the features above as columns.

    See Also
    --------
    call_fraud_scores : scores these features with reasons and a daily alert budget.
    make_call_records : synthetic records with injected fraud.
    card_features : the same idea for card transactions.

    Examples
    --------
    >>> data = make_call_records(50, 30, fraud_share=0.1, random_state=0)
    >>> f = call_features(data.records)
    >>> list(f.index.names), bool(f["simbox_index"].ge(0).all())
    (['customer_id', 'date'], True)

    References
    ----------
    Hilas, C. S. and Mastorocostas, P. A. (2008). An application of supervised and unsupervised
    learning approaches to telecommunications fraud detection. *Knowledge-Based Systems* 21(7),
    721-726 (user profiles from call records).
    Murynets, I., Zabarankin, M., Jover, R. P. and Panagia, A. (2014). Analysis and detection of
    SIMbox fraud in mobility networks. *Proc. IEEE INFOCOM*, 1519-1526.
    """
    frame = to_pandas(records, what="call records")
    roles = resolve_roles(
        columns,
        CALL_ROLES,
        customer_id=customer_id,
        date=date,
        duration=duration,
        destination=destination,
        destination_type=destination_type,
        direction=direction,
        service=service,
        cell=cell,
    )
    require_columns(frame.columns, list(roles.values()), role="call records",
                    parameters={c: r for r, c in roles.items()})
    if len(frame) == 0:
        raise DataError("call records are empty (0 rows). Fix: pass at least one record.")
    cid, dcol = roles["customer_id"], roles["date"]
    _checked_ids(frame, cid)
    when = _checked_times(frame, dcol)
    dur = pd.to_numeric(frame[roles["duration"]], errors="coerce")
    bad = dur.isna() | (dur < 0) | ~np.isfinite(dur.to_numpy(dtype=np.float64, na_value=np.nan))
    if bad.any():
        raise bad_rows_error(
            roles["duration"],
            "missing, negative or infinite durations",
            frame.loc[bad],
            int(bad.sum()),
            "repair these rows (use 0 for SMS and data sessions).",
        )
    way = frame[roles["direction"]].astype(str).str.lower()
    bad = ~way.isin(["out", "in"])
    if bad.any():
        raise bad_rows_error(
            roles["direction"],
            "directions other than 'out' and 'in'",
            frame.loc[bad],
            int(bad.sum()),
            "map the directions to 'out' (made) and 'in' (received).",
        )
    kind = frame[roles["service"]].astype(str).str.lower()
    bad = ~kind.isin(["voice", "sms", "data"])
    if bad.any():
        raise bad_rows_error(
            roles["service"],
            "services other than 'voice', 'sms' and 'data'",
            frame.loc[bad],
            int(bad.sum()),
            "map the services to 'voice', 'sms' or 'data'.",
        )
    dtype_ = frame[roles["destination_type"]].astype(str).str.lower().to_numpy()
    out_voice = ((way == "out") & (kind == "voice")).to_numpy()
    in_voice = ((way == "in") & (kind == "voice")).to_numpy()
    sms_data = (kind != "voice").to_numpy()
    minutes = dur.to_numpy(dtype=np.float64) / 60.0
    intl = out_voice & (dtype_ == "international")
    prem = out_voice & (dtype_ == "premium")
    sub_codes, subs = pd.factorize(frame[cid], sort=True)
    day_ts = when.dt.normalize()
    d0 = day_ts.min()
    day = ((day_ts - d0).dt.days).to_numpy().astype(np.int64)
    n_sub, D = len(subs), int(day.max()) + 1
    cell_idx = sub_codes * D + day

    def grid(weights=None, mask=None) -> np.ndarray:
        m = np.ones(len(day), dtype=bool) if mask is None else mask
        w = None if weights is None else weights[m]
        return np.bincount(cell_idx[m], weights=w, minlength=n_sub * D).reshape(n_sub, D).astype(np.float64)

    events = grid()
    calls_out, mins_out = grid(mask=out_voice), grid(minutes, out_voice)
    calls_in, smsdata = grid(mask=in_voice), grid(mask=sms_data)
    short = grid(mask=out_voice & (dur.to_numpy() < short_call_seconds))
    premium_calls, premium_minutes = grid(mask=prem), grid(minutes, prem)
    intl_minutes = grid(minutes, intl)
    first_day = np.where(events.any(axis=1), np.argmax(events > 0, axis=1), D)
    history = np.arange(D)[None, :] - first_day[:, None]  # days of history before each day
    enough = history >= min_history_days
    # new international destinations (first call of the subscriber to that number, in time order)
    h = History(frame[cid].to_numpy(), when.to_numpy())
    dest_codes = pd.factorize(frame[roles["destination"]])[0].astype(np.int64)
    new_dest = h.is_new(np.where(intl, dest_codes, -1)) & intl
    new_intl = grid(mask=new_dest) * enough

    def spike(g: np.ndarray) -> np.ndarray:
        prev = _trailing(g, baseline_days) - g
        prev2 = _trailing(g * g, baseline_days) - g * g
        n = np.minimum(np.maximum(history, 0), baseline_days).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(n > 0, prev / np.maximum(n, 1), 0.0)
            var = np.where(n > 1, (prev2 - n * mean**2) / np.maximum(n - 1, 1), 0.0)
        z = (g - mean) / np.sqrt(np.clip(var, 0, None) + mean + 1.0)
        return np.where(enough, z, 0.0)

    w = window_days
    out_w = _trailing(calls_out, w)
    in_w = _trailing(calls_in, w)
    sd_w = _trailing(smsdata, w)
    ev_w = _trailing(events, w)
    short_w = _trailing(short, w)
    distinct_w = _distinct_trailing(
        sub_codes[out_voice].astype(np.int64), day[out_voice], dest_codes[out_voice], n_sub, D, w
    )
    cells_codes = pd.factorize(frame[roles["cell"]])[0].astype(np.int64)
    cells_w = _distinct_trailing(sub_codes.astype(np.int64), day, cells_codes, n_sub, D, w)
    with np.errstate(invalid="ignore", divide="ignore"):
        distinct_share = np.where(out_w > 0, distinct_w / np.maximum(out_w, 1), 0.0)
        in_out = np.where(out_w > 0, in_w / np.maximum(out_w, 1), 1.0)
        sms_share = np.where(ev_w > 0, sd_w / np.maximum(ev_w, 1), 0.0)
        short_share = np.where(out_w > 0, short_w / np.maximum(out_w, 1), 0.0)
    simbox = (
        np.log1p(out_w)
        * distinct_share
        * (1 - np.minimum(in_out, 1.0))
        * (1 - sms_share)
        / np.maximum(cells_w, 1.0)
    )
    active = events > 0
    rows_s, rows_d = np.nonzero(active)
    pick = (rows_s, rows_d)
    index = pd.MultiIndex.from_arrays(
        [subs[rows_s], (d0 + pd.to_timedelta(rows_d, unit="D"))], names=[cid, dcol]
    )
    return pd.DataFrame(
        {
            "calls_out": calls_out[pick],
            "minutes_out": mins_out[pick],
            "calls_in": calls_in[pick],
            "calls_out_z": spike(calls_out)[pick],
            "minutes_out_z": spike(mins_out)[pick],
            "new_international": new_intl[pick],
            "international_minutes": intl_minutes[pick],
            "international_minutes_z": spike(intl_minutes)[pick],
            "premium_calls": premium_calls[pick],
            "premium_minutes": premium_minutes[pick],
            "out_calls_w": out_w[pick],
            "distinct_share_w": distinct_share[pick],
            "in_out_ratio_w": in_out[pick],
            "sms_data_share_w": sms_share[pick],
            "cells_w": cells_w[pick],
            "short_share_w": short_share[pick],
            "simbox_index": simbox[pick],
            "history_days": np.maximum(history, 0)[pick],
        },
        index=index,
    )


def _describe() -> dict:
    return {
        "calls_out_z": lambda r: (
            f"{int(r['calls_out'])} outgoing calls, far above her usual (z {r['calls_out_z']:.1f})"
        ),
        "minutes_out_z": lambda r: (
            f"{r['minutes_out']:,.0f} minutes of outgoing calls (z {r['minutes_out_z']:.1f})"
        ),
        "new_international": lambda r: (
            f"{int(r['new_international'])} calls to international numbers never called before"
        ),
        "international_minutes_z": lambda r: (
            f"{r['international_minutes']:,.0f} minutes to international "
            f"numbers (z {r['international_minutes_z']:.1f})"
        ),
        "premium_calls": lambda r: f"{int(r['premium_calls'])} calls to premium-rate numbers",
        "premium_minutes": lambda r: f"{r['premium_minutes']:,.0f} minutes to premium-rate numbers",
        "simbox_index": lambda r: (
            f"SIM-box pattern over the week: {int(r['out_calls_w'])} outgoing calls, "
            f"{r['distinct_share_w']:.0%} to distinct numbers, "
            f"{r['in_out_ratio_w']:.2f} incoming per outgoing, "
            f"{r['sms_data_share_w']:.0%} SMS/data, {int(r['cells_w'])} cell(s)"
        ),
    }


def call_fraud_scores(
    records,
    *,
    direction: Mapping[str, str | None] | None = None,
    top_n: int | None = None,
    share: float | None = None,
    top_signals: int = 2,
    columns: Mapping[str, str] | None = None,
    **roles,
) -> pd.DataFrame:
    """Score subscriber-days for call fraud with reasons, and flag them within a daily alert budget.

    The features of :func:`call_features` become one-sided tail surprises (see
    :func:`~crmmine.anomaly.fraud_scores`); outgoing volume, international calls and premium
    calls each count as one signal; the score adds the ``top_signals`` largest.

    Parameters
    ----------
    records : table or the output of :func:`call_features`
        Call records (roles of :data:`CALL_ROLES`), or their features to score them again
        without recomputing.
    direction : mapping, optional
        ``{feature: "high" | "low" | "both" | None}`` merged over :data:`CALL_DIRECTIONS`
        (``None`` drops a feature).
    top_n : int, optional
        Alerts per day. Give at most one of ``top_n`` and ``share``; without either nothing is
        flagged.
    share : float, optional
        Share of each day's active subscribers to alert, in (0, 1], rounded up.
    top_signals : int, default 2
        Signals (outgoing volume, international, premium, each feature outside a group) added
        up per subscriber-day.
    columns, **roles
        Column roles passed to :func:`call_features` (``customer_id=``, ``date=``, ...).

    Returns
    -------
    pandas.DataFrame
        Indexed by (customer id, day): the features, one ``s_<feature>`` surprise per scored
        feature, ``score``, ``rank`` (1 = most suspicious), ``flag`` and ``reasons``.

    See Also
    --------
    call_features : the features it scores.
    fraud_scores : the scoring of any feature table.
    budget_metrics : precision and recall of the daily alerts against the truth.
    card_fraud_scores : the same for card transactions.

    Examples
    --------
    >>> data = make_call_records(200, 40, fraud_share=0.04, random_state=0)
    >>> scored = call_fraud_scores(data.records, top_n=3)
    >>> hits = data.truth.reindex(scored.index[scored["flag"]])["fraud"].mean()
    >>> bool(hits > 0.5)
    True
    """
    check_params(
        {"share": share, "top_n": top_n, "top_signals": top_signals},
        {
            "share": [Interval(Real, 0, 1, closed="right"), None],
            "top_n": [Interval(Integral, 0, None), None],
            "top_signals": [Interval(Integral, 1, None)],
        },
        caller="call_fraud_scores()",
    )
    feats = records
    if not (isinstance(feats, pd.DataFrame) and "simbox_index" in feats.columns):
        feats = call_features(records, columns=columns, **roles)
    merged = dict(CALL_DIRECTIONS)
    if direction is not None:
        if not isinstance(direction, Mapping):
            raise ParameterError(
                "parameter 'direction' must be a mapping feature -> 'high', 'low', 'both' or None."
            )
        merged.update(direction)
    days = feats.index.get_level_values(-1) if isinstance(feats.index, pd.MultiIndex) else None
    budget = top_n is not None or share is not None
    scored = fraud_scores(
        feats,
        direction=merged,
        top_signals=top_signals,
        dates=days if budget else None,
        top_n=top_n,
        share=share,
        groups={g: [f for f in fs if f in feats.columns] for g, fs in _GROUPS.items()},
        describe=_describe(),
    )
    return pd.concat([feats, scored], axis=1)


@dataclass(repr=False)
class CallData(Result):
    """Synthetic call records from :func:`make_call_records`.

    Returned by :func:`make_call_records`; the fields below are its attributes.

    Parameters
    ----------
    records : pandas.DataFrame
        One row per call, SMS or data session, in time order: ``customer_id``, ``date``,
        ``duration`` (seconds), ``destination`` (the other party's number, as an integer),
        ``destination_type`` (``"national"``,
        ``"international"``, ``"premium"``; ``"sms"``/``"data"`` rows have the subscriber's own
        type), ``direction`` (``"out"``/``"in"``), ``service`` (``"voice"``/``"sms"``/``"data"``),
        ``cell`` (an integer id).
    truth : pandas.DataFrame
        Per subscriber-day (index ``customer_id``, ``date``) on which a fraud pattern was active:
        ``fraud`` (True) and ``pattern``; absent days are genuine (``reindex`` with
        ``fill_value=False``).
    subscribers : pandas.DataFrame
        Per subscriber: the ``pattern`` of the fraud episode (empty if none), ``fraud_start`` and
        ``fraud_end`` (day numbers counted from the first day, the end excluded; -1 if none).

    See Also
    --------
    make_call_records : builds it.
    call_fraud_scores : scores its records.

    Examples
    --------
    >>> data = make_call_records(40, 25, fraud_share=0.1, random_state=0)
    >>> episodes = data.subscribers[data.subscribers["pattern"] != ""]
    >>> len(episodes), int((episodes["fraud_end"] - episodes["fraud_start"]).sum()), len(data.truth)
    (4, 26, 26)
    >>> sorted(data.records["service"].unique())
    ['data', 'sms', 'voice']
    """

    records: pd.DataFrame
    truth: pd.DataFrame
    subscribers: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The call records."""
        return self.records

    def summary(self) -> pd.DataFrame:
        """Records, subscribers and fraudulent subscriber-days per pattern."""
        rows = {
            "records": len(self.records),
            "subscribers": len(self.subscribers),
            "fraudulent subscriber-days": len(self.truth),
        }
        rows.update({f"  {k}": int(v) for k, v in self.truth["pattern"].value_counts().items()})
        return pd.DataFrame({"value": pd.Series(rows)})

    def _repr_items(self) -> dict:
        return {"records": len(self.records), "fraud_days": len(self.truth)}


@validate_params(
    {
        "n_subscribers": [Interval(Integral, 1, None)],
        "n_days": [Interval(Integral, 21, None)],
        "fraud_share": [Interval(Real, 0, 1)],
        "random_state": ["random_state"],
    }
)
def make_call_records(
    n_subscribers: int = 1000,
    n_days: int = 60,
    *,
    fraud_share: float = 0.03,
    patterns: tuple[str, ...] = CALL_PATTERNS,
    start: str = "2024-01-01",
    random_state: int | np.random.Generator | None = None,
) -> CallData:
    """Honest subscribers' calls, SMS and data sessions with injected fraud episodes, and the truth.

    **Honest behaviour.** Each subscriber makes about five outgoing calls a day (gamma-distributed
    rate) and receives 0.6-1.4 times as many, mostly to and from 10-80 contacts (Zipf weights),
    with log-normal durations (median two minutes), sends SMS and opens data sessions, and moves
    between a home and a work cell (10% elsewhere). 12% call family abroad (1-4 international
    contacts, 10-25% of their calls); 2% call a premium-rate line now and then.

    **Fraud patterns** (spread evenly over ``fraud_share`` of the subscribers; each starts on a day
    in the middle of the period after 14 days of history; the feature that should catch it in
    brackets):

    * ``"simbox"``: from its start the SIM sits in a SIM box: 80-250 outgoing calls a day to ever
      new national numbers, 30-180 seconds, 0-2 incoming, no SMS or data, one cell; until the end
      [``simbox_index``];
    * ``"premium_rate"``: 10-40 calls a day of 5-20 minutes to 1-3 premium-rate numbers, mostly at
      night, for 3-10 days [``premium_calls``];
    * ``"international_spree"``: 15-50 calls a day of 3-30 minutes to international numbers never
      called before, for 3-10 days [``new_international``];
    * ``"call_spike"``: 5-10 times her usual outgoing calls, twice as long, from another cell, for
      3-10 days [``calls_out_z``].

    Parameters
    ----------
    n_subscribers : int, default 1000
        Number of subscribers (at least 1).
    n_days : int, default 60
        Number of days (at least 21).
    fraud_share : float, default 0.03
        Share of subscribers with a fraud episode, in [0, 1] (at least one per pattern when
        positive).
    patterns : tuple of str, default CALL_PATTERNS
        Patterns among :data:`CALL_PATTERNS`.
    start : str, default "2024-01-01"
        First day.
    random_state : int, numpy Generator or None
        Seed; the same seed gives the same records.

    Returns
    -------
    CallData
        ``records`` (one row per call, SMS or data session), ``truth`` (the fraudulent
        subscriber-days) and ``subscribers`` (the episode of each).

    See Also
    --------
    CallData : the result and its tables.
    call_features : features of the records.
    call_fraud_scores : scores of the records.
    make_card_transactions : the generator for card fraud.

    Examples
    --------
    >>> data = make_call_records(100, 30, random_state=0)
    >>> sorted(data.truth["pattern"].unique())
    ['call_spike', 'international_spree', 'premium_rate', 'simbox']

    References
    ----------
    Murynets, I., Zabarankin, M., Jover, R. P. and Panagia, A. (2014). Analysis and detection of
    SIMbox fraud in mobility networks. *Proc. IEEE INFOCOM*, 1519-1526.
    """
    bad = [p for p in patterns if p not in CALL_PATTERNS]
    if bad or isinstance(patterns, str):
        raise ParameterError(f"parameter 'patterns' must be a tuple among {CALL_PATTERNS}, got {patterns!r}.")
    rng = np.random.default_rng(random_state)
    t0 = pd.Timestamp(start)
    S, D = n_subscribers, n_days
    rate_out = rng.gamma(2.0, 2.5, S)
    rate_in = rate_out * rng.uniform(0.6, 1.4, S)
    rate_sms = rng.gamma(1.5, 1.5, S)
    rate_data = rng.gamma(2.0, 1.5, S)
    n_contacts = rng.integers(10, 81, S)
    abroad = rng.random(S) < 0.12
    n_intl = np.where(abroad, rng.integers(1, 5, S), 0)
    intl_share = np.where(abroad, rng.uniform(0.10, 0.25, S), 0.0)
    premium_user = rng.random(S) < 0.02
    home_cell = rng.integers(0, 300, S)
    work_cell = rng.integers(0, 300, S)
    # fraud episodes
    n_fraud = 0 if fraud_share == 0 else min(max(round(fraud_share * S), len(patterns)), S)
    victims = rng.choice(S, n_fraud, replace=False)
    kinds = np.array(patterns)[np.arange(n_fraud) % len(patterns)] if n_fraud else np.array([], dtype=str)
    f_start = rng.integers(14, max(D - 5, 15), n_fraud)
    f_len = rng.integers(3, 11, n_fraud)
    f_end = np.where(kinds == "simbox", D, np.minimum(f_start + f_len, D))
    simbox_of = np.full(S, D + 1)
    simbox_of[victims[kinds == "simbox"]] = f_start[kinds == "simbox"]

    def events(rate: np.ndarray, label: str) -> pd.DataFrame:
        n = rng.poisson(np.repeat(rate, D))
        sub = np.repeat(np.repeat(np.arange(S), D), n)
        day = np.repeat(np.tile(np.arange(D), S), n)
        frame = pd.DataFrame({"sub": sub, "day": day, "kind": label})
        return frame[frame["day"].to_numpy() < simbox_of[frame["sub"].to_numpy()]]  # the SIM box takes over

    parts = []
    for label, rate in (("out", rate_out), ("in", rate_in), ("sms", rate_sms), ("data", rate_data)):
        parts.append(events(rate, label))  # four kinds of event, each vectorised
    ev = pd.concat(parts, ignore_index=True)
    N = len(ev)
    sub = ev["sub"].to_numpy()
    # contacts: number = subscriber * 1000 + contact rank (Zipf); international contacts are ranks 0..n_intl-1
    rank = np.minimum(rng.zipf(1.3, N) - 1, n_contacts[sub] - 1)
    to_intl = (rng.random(N) < intl_share[sub]) & (n_intl[sub] > 0)
    rank = np.where(to_intl, rng.integers(0, 1 << 20, N) % np.maximum(n_intl[sub], 1), rank + n_intl[sub])
    # numbers as integers: national 1..., international 9..., premium-rate 900...
    dest = np.where(to_intl, 9_000_000_000, 1_000_000_000) + sub * 1000 + rank
    dtype_ = np.where(to_intl, "international", "national")
    is_prem = (ev["kind"].to_numpy() == "out") & premium_user[sub] & (rng.random(N) < 0.005)
    dest = np.where(is_prem, 900_000_000 + sub % 7, dest)
    dtype_ = np.where(is_prem, "premium", dtype_)
    kind = ev["kind"].to_numpy()
    voice = (kind == "out") | (kind == "in")
    seconds = np.where(voice, np.round(rng.lognormal(np.log(120), 0.9, N)), 0.0)
    hour = np.clip(rng.normal(14, 4, N), 6, 23.9)
    cell = np.where(
        rng.random(N) < 0.1,
        rng.integers(0, 300, N),
        np.where(rng.random(N) < 0.5, home_cell[sub], work_cell[sub]),
    )
    honest = pd.DataFrame(
        {
            "sub": sub,
            "t": ev["day"].to_numpy() * 24.0 + hour,
            "duration": seconds,
            "destination": dest,
            "destination_type": dtype_,
            "direction": np.where(kind == "in", "in", "out"),
            "service": np.where(voice, "voice", kind),
            "cell": cell,
            "fraud": False,
        }
    )
    frames = [honest]
    for kind_name in patterns:  # one vectorised block per pattern (four at most)
        sel = kinds == kind_name
        v, s0, s1 = victims[sel], f_start[sel], f_end[sel]
        if v.size == 0:
            continue
        ndays = s1 - s0
        vd = np.repeat(v, ndays)
        dd = _ranges(s0, s1)
        if kind_name == "simbox":
            per = rng.integers(80, 251, vd.size)
            c = np.repeat(vd, per)
            d = np.repeat(dd, per)
            M = c.size
            frames.append(
                pd.DataFrame(
                    {
                        "sub": c,
                        "t": d * 24.0 + rng.uniform(0, 24, M),
                        "duration": rng.integers(30, 181, M).astype(float),
                        "destination": rng.integers(2 * 10**9, 3 * 10**9, M),
                        "destination_type": "national",
                        "direction": "out",
                        "service": "voice",
                        "cell": home_cell[c],
                        "fraud": True,
                    }
                )
            )
            inc = rng.integers(0, 3, vd.size)
            ci, di = np.repeat(vd, inc), np.repeat(dd, inc)
            frames.append(
                pd.DataFrame(
                    {
                        "sub": ci,
                        "t": di * 24.0 + rng.uniform(0, 24, ci.size),
                        "duration": 30.0,
                        "destination": rng.integers(2 * 10**9, 3 * 10**9, ci.size),
                        "destination_type": "national",
                        "direction": "in",
                        "service": "voice",
                        "cell": home_cell[ci],
                        "fraud": True,
                    }
                )
            )
        elif kind_name == "premium_rate":
            per = rng.integers(10, 41, vd.size)
            c, d = np.repeat(vd, per), np.repeat(dd, per)
            M = c.size
            frames.append(
                pd.DataFrame(
                    {
                        "sub": c,
                        "t": d * 24.0
                        + np.where(rng.random(M) < 0.7, rng.uniform(0, 5, M), rng.uniform(5, 24, M)),
                        "duration": rng.uniform(300, 1200, M).round(),
                        "destination": 909_000_000 + c * 10 + rng.integers(0, 3, M),
                        "destination_type": "premium",
                        "direction": "out",
                        "service": "voice",
                        "cell": home_cell[c],
                        "fraud": True,
                    }
                )
            )
        elif kind_name == "international_spree":
            per = rng.integers(15, 51, vd.size)
            c, d = np.repeat(vd, per), np.repeat(dd, per)
            M = c.size
            frames.append(
                pd.DataFrame(
                    {
                        "sub": c,
                        "t": d * 24.0 + rng.uniform(0, 24, M),
                        "duration": rng.uniform(180, 1800, M).round(),
                        "destination": 8_000_000_000 + c * 100 + rng.integers(0, 20, M),
                        "destination_type": "international",
                        "direction": "out",
                        "service": "voice",
                        "cell": home_cell[c],
                        "fraud": True,
                    }
                )
            )
        else:  # call_spike
            per = rng.poisson(rate_out[vd] * rng.uniform(5, 10, vd.size)).astype(np.int64) + 5
            c, d = np.repeat(vd, per), np.repeat(dd, per)
            M = c.size
            r = np.minimum(rng.zipf(1.3, M) - 1, n_contacts[c] - 1) + n_intl[c]
            frames.append(
                pd.DataFrame(
                    {
                        "sub": c,
                        "t": d * 24.0 + rng.uniform(0, 24, M),
                        "duration": np.round(2 * rng.lognormal(np.log(120), 0.9, M)),
                        "destination": 1_000_000_000 + c * 1000 + r,
                        "destination_type": "national",
                        "direction": "out",
                        "service": "voice",
                        "cell": rng.integers(300, 400, M),
                        "fraud": True,
                    }
                )
            )
    allrows = (
        pd.concat(frames, ignore_index=True).sort_values(["t", "sub"], kind="stable").reset_index(drop=True)
    )
    ids = pd.Index(np.arange(1, S + 1), name="customer_id")
    records = pd.DataFrame(
        {
            "customer_id": ids.to_numpy()[allrows["sub"].to_numpy()],
            "date": t0 + pd.to_timedelta(np.round(allrows["t"].to_numpy() * 3600), unit="s"),
            "duration": allrows["duration"].to_numpy(dtype=np.float64),
            "destination": allrows["destination"].to_numpy(dtype=np.int64),
            "destination_type": allrows["destination_type"].to_numpy().astype(str),
            "direction": allrows["direction"].to_numpy().astype(str),
            "service": allrows["service"].to_numpy().astype(str),
            "cell": allrows["cell"].to_numpy(dtype=np.int64),
        }
    )
    if n_fraud:
        vd = np.repeat(victims, f_end - f_start)
        dd = _ranges(f_start, f_end)
        kd = np.repeat(kinds, f_end - f_start)
    else:
        vd, dd, kd = np.array([], int), np.array([], int), np.array([], str)
    truth = pd.DataFrame(
        {"fraud": np.ones(vd.size, dtype=bool), "pattern": kd},
        index=pd.MultiIndex.from_arrays(
            [ids.to_numpy()[vd], t0 + pd.to_timedelta(dd, unit="D")], names=["customer_id", "date"]
        ),
    )
    pattern_of = np.full(S, "", dtype=object)
    pattern_of[victims] = kinds
    start_of = np.full(S, -1)
    start_of[victims] = f_start
    end_of = np.full(S, -1)
    end_of[victims] = f_end
    subscribers = pd.DataFrame(
        {"pattern": pattern_of, "fraud_start": start_of, "fraud_end": end_of}, index=ids
    )
    return CallData(records=records, truth=truth, subscribers=subscribers)
