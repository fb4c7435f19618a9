"""The customer-event method: expected future events per customer, valued and discounted.

Each customer ``i`` has an expected rate ``lambda_ie`` per time unit of every event type ``e``
(purchases, service calls, returns, visits ...), each worth ``v_ie`` (a margin, or a negative
cost). While she remains a customer, which she does now with probability ``p_i`` (P(alive),
default 1) and from one time unit to the next with probability ``rho_i`` (retention per time
unit, default 1), her value over the horizon ``H`` is

    V_i = sum_e v_ie sum_k lambda_ie * len_k * p_i * rho_i^{t_k} / (1 + d)^{t_k}

over discounting steps ``k`` of length ``len_k`` ending at ``t_k`` (``step`` time units each,
the last one cut at ``H``), ``d`` the rate per time unit equivalent to the annual rate.
:func:`event_schedule_value` takes the events already forecast per future period instead of
constant rates. Rates come from anywhere: :func:`event_rates` measures them from an event
log (a customer's count over her observed tenure), a BTYD model gives purchase rates.

References
----------
Gupta, S., Hanssens, D., Hardie, B., Kahn, W., Kumar, V., Lin, N., Ravishanker, N. and
Sriram, S. (2006). Modeling customer lifetime value. *Journal of Service Research* 9(2), 139-155.
Kumar, V. and Reinartz, W. (2012). *Customer Relationship Management*, 2nd ed., Springer.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._params import Interval, validate_params
from crmmine._roles import resolve_roles
from crmmine._units import horizon_in_units, time_unit_days
from crmmine.errors import DataError, ParameterError, bad_rows_error
from crmmine.value._methods_common import (
    as_timestamp,
    check_dates,
    check_ids,
    check_numeric_column,
    discount_per,
    require_frame,
    unique_index,
    utc_days,
    warn_after_as_of,
)

__all__ = ["event_rates", "event_schedule_value", "event_value"]

_EVENT_ROLES = {"customer_id": "customer_id", "date": "date", "event": "event"}
_SCHEDULE_ROLES = {"customer_id": "customer_id", "time": "time", "event": "event", "count": "count"}


def _per_customer(
    value: Any, index: pd.Index, name: str, *, low: float | None = None, high: float | None = None
) -> np.ndarray:
    """A scalar, or a Series aligned on ``index``, as floats with range checks."""
    if isinstance(value, Real) and not isinstance(value, bool):
        arr = np.full(len(index), float(value))
    else:
        arr = align_to(value, index, name=name, target="rates").to_numpy(dtype="float64")
    bad = ~np.isfinite(arr)
    if low is not None:
        bad |= arr < low
    if high is not None:
        bad |= arr > high
    if bad.any():
        rng = f" in [{low}, {high}]" if high is not None else ""
        raise bad_rows_error(
            name,
            f"missing or out-of-range values (must be finite{rng})",
            pd.Series(arr[bad], index=index[bad]),
            int(bad.sum()),
            f"give every customer a valid {name}",
        )
    return arr


def _values(values: Mapping[str, Any], events: list[str], index: pd.Index) -> dict[str, np.ndarray]:
    if not isinstance(values, Mapping) or not values:
        raise ParameterError(
            "values must map each event type to its value per event, e.g. "
            "{'purchases': 35.0, 'service_calls': -4.0}."
        )
    unknown = sorted(set(values) - set(events), key=str)
    missing = [e for e in events if e not in values]
    if unknown or missing:
        raise ParameterError(
            f"values and the events do not match: no value for {missing}, no such event {unknown}. "
            "Fix: give one value per event column (0 to ignore an event)."
        )
    return {e: _per_customer(values[e], index, f"values[{e!r}]") for e in events}


@validate_params(
    {
        "horizon": ["duration"],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "step": [Interval(Real, 0, None, closed="neither")],
        "time_unit": [str, Interval(Real, 0, None, closed="neither")],
    }
)
def event_value(
    rates: pd.DataFrame,
    values: Mapping[str, Any],
    *,
    horizon: float | str,
    time_unit: str | float = "D",
    annual_discount_rate: float = 0.0,
    step: float = 1.0,
    p_alive: Any = 1.0,
    retention: Any = 1.0,
) -> pd.DataFrame:
    """Discounted value of expected future events at constant per-customer rates.

    Parameters
    ----------
    rates : pandas.DataFrame
        Indexed by customer id, one column per event type: expected events per ``time_unit``.
    values : mapping of event type to a number or a Series per customer
        Value of one event (margin, or a negative cost), in currency; a Series is aligned on
        ``rates``' index. Every column of ``rates`` needs a value.
    horizon : float or str
        Future window, in ``time_unit`` or as a string such as ``"1Y"``.
    time_unit : str or float, default "D"
        Unit of the rates and of a numeric ``horizon`` (a unit string or a number of days).
    annual_discount_rate : float, default 0
        Yearly discount rate, converted to ``time_unit`` by compounding.
    step : float, default 1
        Length of a discounting step, in time units (events of a step are discounted at its end).
    p_alive : float or Series, default 1
        Probability that each customer is still a customer now.
    retention : float or Series, default 1
        Probability of staying a customer from one time unit to the next.

    Returns
    -------
    pandas.DataFrame
        Indexed like ``rates``: one column per event type (its discounted value) and ``value``
        (their sum); ``attrs`` records the horizon, unit and rate.

    Raises
    ------
    DataError
        Negative or missing rates, duplicated customer ids, probabilities outside [0, 1].
    ParameterError
        ``rates`` that is not a DataFrame with event columns, or an event without a value.

    See Also
    --------
    event_rates : measures the rates from an event log.
    event_schedule_value : the same valuation for events already forecast per period.
    clv : BTYD purchases valued with P(alive) from the customer's history.

    Examples
    --------
    Two purchases a year worth 30 and one service call a year costing 10, for one year,
    no discounting: 2 x 30 - 10 = 50.

    >>> import pandas as pd
    >>> rates = pd.DataFrame({"purchases": [2.0], "calls": [1.0]}, index=pd.Index(["a"], name="customer_id"))
    >>> event_value(rates, {"purchases": 30.0, "calls": -10.0}, horizon=1, time_unit="Y")["value"].tolist()
    [50.0]
    """
    if not isinstance(rates, pd.DataFrame) or rates.shape[1] == 0:
        raise ParameterError(
            "rates must be a DataFrame indexed by customer id with one column per event type."
        )
    unique_index(rates.index, what="rates")
    events = [str(c) for c in rates.columns]
    lam = {
        e: check_numeric_column(
            rates,
            c,
            what="event rates",
            minimum=0.0,
            fix="rates are expected events per time unit: non-negative numbers",
        )
        for e, c in zip(events, rates.columns, strict=True)
    }
    val = _values(values, events, rates.index)
    p = _per_customer(p_alive, rates.index, "p_alive", low=0.0, high=1.0)
    rho = _per_customer(retention, rates.index, "retention", low=0.0, high=1.0)
    h = horizon_in_units(horizon, time_unit)
    ends = np.append(np.arange(step, h, step), h)
    lengths = np.diff(np.concatenate([[0.0], ends]))
    d = discount_per(annual_discount_rate, time_unit)
    weight = np.zeros(len(rates))
    for end, length in zip(ends, lengths, strict=True):  # loop over steps, vectorised over customers
        weight += length * p * rho**end / (1.0 + d) ** end
    out = pd.DataFrame({e: val[e] * lam[e] * weight for e in events}, index=rates.index)
    out["value"] = out.sum(axis=1)
    out.attrs.update({"horizon": h, "time_unit": time_unit, "annual_discount_rate": annual_discount_rate})
    return out


@validate_params(
    {
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "time_unit": [str, Interval(Real, 0, None, closed="neither")],
    }
)
def event_schedule_value(
    schedule: Any,
    values: Mapping[str, Any],
    *,
    time_unit: str | float = "D",
    annual_discount_rate: float = 0.0,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    time: str | None = None,
    event: str | None = None,
    count: str | None = None,
) -> pd.DataFrame:
    """Discounted value of events already forecast per customer and future time.

    Parameters
    ----------
    schedule : table
        Long table: ``customer_id``, ``time`` (when the events happen, in ``time_unit`` from
        now, > 0), ``event`` (type), ``count`` (expected number, >= 0).
    values : mapping of event type to a number or a Series per customer
        Value of one event (margin, or a negative cost); a Series is aligned on customer id.
        Every event type of the schedule needs a value.
    time_unit : str or float, default "D"
        Unit of ``time`` (a unit string or a number of days).
    annual_discount_rate : float, default 0
        Yearly discount rate ``d`` converted to ``time_unit`` by compounding; each row is
        worth ``count x value / (1 + d)^time``.
    columns : mapping, optional
        Role -> column name for ``customer_id``, ``time``, ``event`` and ``count``.
    customer_id, time, event, count : str, optional
        Column names of the roles (override ``columns``).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id (every customer of the schedule): one column per event type
        and ``value`` (their sum), in the order customers first appear.

    Raises
    ------
    DataError
        An empty schedule, missing ids, times that are not in the future, negative counts.

    See Also
    --------
    event_value : the same valuation at constant per-customer rates.
    event_rates : historical rates per customer from an event log.

    Examples
    --------
    >>> import pandas as pd
    >>> plan = pd.DataFrame({"customer_id": [1, 1, 2], "time": [1, 2, 1],
    ...                      "event": ["purchase", "purchase", "call"], "count": [1.0, 1.0, 2.0]})
    >>> event_schedule_value(plan, {"purchase": 110.0, "call": -5.5}, time_unit="Y",
    ...                      annual_discount_rate=0.1)["value"].round(2).tolist()
    [190.91, -10.0]
    """
    roles = resolve_roles(
        columns, _SCHEDULE_ROLES, customer_id=customer_id, time=time, event=event, count=count
    )
    frame = require_frame(schedule, list(roles.values()), what="event schedule")
    if len(frame) == 0:
        raise DataError("the event schedule is empty. Fix: pass at least one forecast event.")
    check_ids(frame, roles["customer_id"], fix="every forecast event needs a customer id")
    ids = frame[roles["customer_id"]]
    when = check_numeric_column(
        frame,
        roles["time"],
        what="event times",
        minimum=0.0,
        strictly=True,
        fix="times are how far ahead the events happen, in time_unit (> 0)",
    )
    n = check_numeric_column(
        frame,
        roles["count"],
        what="expected event counts",
        minimum=0.0,
        fix="counts are expected numbers of events (>= 0)",
    )
    kinds = frame[roles["event"]].astype(str)
    index = pd.Index(pd.unique(ids), name=roles["customer_id"])
    events = sorted(pd.unique(kinds).tolist())
    val = _values(values, events, index)
    d = discount_per(annual_discount_rate, time_unit)
    codes = index.get_indexer(ids)
    out = pd.DataFrame(index=index)
    for e in events:  # loop over event types, vectorised over rows
        mask = (kinds == e).to_numpy()
        contrib = n[mask] * val[e][codes[mask]] / (1.0 + d) ** when[mask]
        out[e] = np.bincount(codes[mask], weights=contrib, minlength=len(index))
    out["value"] = out[events].sum(axis=1)
    return out


def event_rates(
    events_log: Any,
    *,
    as_of: Any = None,
    time_unit: str | float = "D",
    start: pd.Series | None = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    event: str | None = None,
) -> pd.DataFrame:
    """Each customer's historical rate of every event type, per ``time_unit``.

    rate = events up to ``as_of`` / tenure, tenure from the customer's first event (or
    ``start``, a Series of first-purchase dates aligned on customer id) to ``as_of``, at least
    one day. Events after ``as_of`` are not counted (a ``DataWarning`` counts them and the
    customers left without any event).

    Parameters
    ----------
    events_log : table
        One row per event (pandas or any backend crmmine reads): ``customer_id``, ``date``
        (datetime) and ``event`` (its type: purchase, call, visit ...).
    as_of : date-like, optional
        End of the history; default the last event date.
    time_unit : str or float, default "D"
        Unit of the rates (``"Y"`` for events per year), or a number of days.
    start : pandas.Series, optional
        Start of each customer's tenure (e.g. her first purchase date), indexed by customer
        id; default her first event.
    columns : mapping, optional
        Role -> column name for ``customer_id``, ``date`` and ``event``.
    customer_id, date, event : str, optional
        Column names of the roles (override ``columns``).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id, one column per event type (0 where a customer had none):
        events per ``time_unit``.

    Raises
    ------
    DataError
        Missing ids or dates, or a ``start`` without every customer of the log.

    See Also
    --------
    event_value : values these rates over a future horizon.
    crmmine.customer_summary : purchase counts and tenure from a transaction log.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({"customer_id": [1, 1, 1], "event": ["call", "call", "visit"],
    ...                     "date": pd.to_datetime(["2020-01-01", "2020-07-01", "2020-12-31"])})
    >>> event_rates(log, as_of="2021-01-01", time_unit="Y").round(3).to_dict("index")
    {1: {'call': 1.996, 'visit': 0.998}}
    """
    roles = resolve_roles(columns, _EVENT_ROLES, customer_id=customer_id, date=date, event=event)
    frame = require_frame(events_log, list(roles.values()), what="event log")
    cid, dcol, ecol = roles["customer_id"], roles["date"], roles["event"]
    check_dates(frame, dcol, fix="parse the dates (pd.to_datetime) and drop rows without one")
    check_ids(frame, cid, fix="drop or fill them")
    day = utc_days(frame[dcol])
    ref = as_timestamp(as_of, "as_of").normalize() if as_of is not None else day.max()
    in_past = (day <= ref).to_numpy()
    past = frame[in_past]
    warn_after_as_of(frame[cid], in_past, ref, rows="events", caller="event_rates", stacklevel=2,
                     left="have no event up to as_of and are left out")
    counts = pd.crosstab(past[cid], past[ecol].astype(str))
    counts.columns.name = None
    first = day[(day <= ref).to_numpy()].groupby(past[cid]).min()
    if start is not None:
        first = align_to(pd.to_datetime(start), counts.index, name="start", target="the event log")
    tenure = np.maximum((ref - first).dt.days.to_numpy(dtype="float64"), 1.0) / time_unit_days(time_unit)
    rates = counts.div(tenure, axis=0).astype("float64")
    rates.index.name = cid
    return rates
