"""Synthetic smart-meter data, honest confounders and the false-data attacks of Jokar et al. (2016).

:func:`make_meter_readings` simulates daily consumption of households and businesses on feeders.
With ``confounders=`` it adds the honest behaviours that make theft detection hard: households
that move out (a vacant spell, then new occupants with their own level, weekly habit and season),
appliances bought or retired (a lasting additive change), vacations near zero, and a seasonal
phase and amplitude of each meter's own (electric heating peaks in winter, air conditioning in
summer). :func:`inject_theft` then turns a share of meters into thieves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd

from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine.errors import ParameterError

__all__ = ["ATTACKS", "CONFOUNDERS", "MeterData", "inject_theft", "make_meter_readings"]

#: The six attack types: h1 scaling by a factor, h2 zeroing an interval, h3 per-day random
#: scaling, h4 random scaling of the mean, h5 the flat mean, h6 time reversal.
ATTACKS = ("h1", "h2", "h3", "h4", "h5", "h6")

#: Honest confounders of :func:`make_meter_readings` and their default rates (share of meters
#: concerned; ``seasonal_phase`` applies to every meter when on).
CONFOUNDERS = {"moves": 0.08, "appliances": 0.10, "vacations": 0.30, "seasonal_phase": 1.0}

_CHUNK = 4096  # meters simulated at a time

_HOLIDAYS = ["01-01", "05-01", "07-14", "08-15", "11-01", "11-11", "12-24", "12-25", "12-26", "12-31"]


@dataclass(repr=False)
class MeterData(Result):
    """Synthetic meter data from :func:`make_meter_readings`.

    Returned by :func:`make_meter_readings`; the fields below are its attributes.

    Parameters
    ----------
    readings : pandas.DataFrame
        Long format, one row per meter and day: ``customer_id``, ``date``, ``kwh``, ``feeder``.
    customers : pandas.DataFrame
        Per meter (indexed by ``customer_id``): ``kind`` (household/business), ``feeder``,
        ``base_kwh`` and the honest confounders drawn for it: ``season_phase_days`` and
        ``season_amplitude``, ``move_day`` (new occupants from that day; NaT if none),
        ``vacancy_days`` (vacant days before the move), ``appliance_day`` and
        ``appliance_kwh`` (signed lasting change in kWh a day), ``vacation_days`` (days away).
    feeder_input : pandas.DataFrame
        Energy entering each feeder per day (``feeder``, ``date``, ``kwh_in``): the billed
        consumption of its meters plus technical losses.
    confounders : dict
        The confounder rates used, ``{name: share of meters}`` (empty without confounders).

    See Also
    --------
    make_meter_readings : builds it.
    inject_theft : turns a share of its meters into thieves.
    theft_scores : scores its readings.

    Examples
    --------
    >>> data = make_meter_readings(40, 30, n_feeders=4, random_state=0)
    >>> data
    MeterData(meters=40, rows=1,200)
    >>> data.summary().loc[["meters", "days", "moves"], "value"].tolist()
    [40, 30, 0]
    >>> sorted(data.feeder_input.columns)
    ['date', 'feeder', 'kwh_in']
    """

    readings: pd.DataFrame
    customers: pd.DataFrame
    feeder_input: pd.DataFrame
    confounders: dict

    def to_frame(self) -> pd.DataFrame:
        """The long readings table."""
        return self.readings

    def summary(self) -> pd.DataFrame:
        """Meters, days and how many meters carry each confounder."""
        c = self.customers
        rows = {
            "meters": len(c),
            "days": int(self.readings["date"].nunique()),
            "households": int((c["kind"] == "household").sum()),
            "businesses": int((c["kind"] == "business").sum()),
            "moves": int(c["move_day"].notna().sum()),
            "appliance changes": int(c["appliance_day"].notna().sum()),
            "meters with vacations": int((c["vacation_days"] > 0).sum()),
        }
        return pd.DataFrame({"value": pd.Series(rows)})

    def _repr_items(self) -> dict:
        return {"meters": len(self.customers), "rows": len(self.readings)}


def _confounder_rates(confounders) -> dict[str, float]:
    if confounders is None or confounders is False:
        return {}
    if confounders == "all" or confounders is True:
        return dict(CONFOUNDERS)
    if isinstance(confounders, str):
        confounders = (confounders,)
    if isinstance(confounders, Mapping):
        rates = dict(confounders)
    else:
        rates = {name: CONFOUNDERS.get(name, -1.0) for name in confounders}
    unknown = [k for k in rates if k not in CONFOUNDERS]
    if unknown:
        raise ParameterError(
            f"parameter 'confounders' of make_meter_readings(): unknown confounder(s) {unknown}; "
            f"known are {list(CONFOUNDERS)}. Fix: pass 'all', a list of names or a mapping name -> rate."
        )
    for name, rate in rates.items():
        if not isinstance(rate, Real) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise ParameterError(
                f"parameter 'confounders' of make_meter_readings(): the rate of {name!r} must be a "
                f"number in [0, 1], got {rate!r}."
            )
    return rates


def _season(doy: np.ndarray, phase: np.ndarray, amplitude: np.ndarray) -> np.ndarray:
    """Seasonal factor per meter and day: a main yearly wave plus a small half-year wave."""
    angle = 2 * np.pi * (doy[None, :] - 15 - phase[:, None]) / 365.25
    return (1 + amplitude[:, None] * np.cos(angle) + 0.3 * amplitude[:, None] * np.cos(2 * angle)).astype(
        np.float32
    )


@validate_params(
    {
        "n_meters": [Interval(Integral, 1, None)],
        "n_days": [Interval(Integral, 14, None)],
        "n_feeders": [Interval(Integral, 1, None)],
        "business_share": [Interval(Real, 0, 1)],
        "loss_rate": [Interval(Real, 0, 1, closed="left")],
        "random_state": ["random_state"],
    }
)
def make_meter_readings(
    n_meters: int = 2000,
    n_days: int = 365,
    *,
    start: str = "2020-01-01",
    n_feeders: int = 20,
    business_share: float = 0.2,
    loss_rate: float = 0.04,
    confounders: str | Mapping[str, float] | tuple[str, ...] | None = None,
    random_state: int | np.random.Generator | None = None,
) -> MeterData:
    """Daily consumption of households and businesses with weekly, seasonal and holiday patterns.

    Households use about 10 kWh a day (log-normal across homes), 15% more at weekends and on
    holidays, and leave some homes empty for a week or three; businesses about 55 kWh, 60% less at
    weekends and 70% less on holidays. All follow a winter peak and a smaller summer peak (shared
    within a feeder), a slow personal drift and day-to-day noise. Every feeder's input energy is
    its meters' total plus ``loss_rate`` technical losses (with noise).

    **Honest confounders** (``confounders="all"``, a list of names or ``{name: rate}``; default
    rates in :data:`CONFOUNDERS`):

    * ``"moves"``: the household moves out on a day in the middle 80% of the period; the home is
      vacant for 0-45 days (3-8% of normal use), then new occupants arrive with their own level,
      weekend habit, noise and seasonal phase. A lasting level change in either direction.
    * ``"appliances"``: from a day in the middle 80%, an appliance is added (60%) or retired
      (40%): a lasting additive change of 15-60% of the meter's base use, flat or seasonal
      (heating or cooling).
    * ``"vacations"``: one or two absences of 5-30 days at 3-10% of normal use (the fridge runs).
    * ``"seasonal_phase"``: each meter has its own seasonal amplitude (0.05-0.5) and phase: 70%
      peak in winter (phase about 0 +- 20 days), 30% in summer (about half a year later).

    Parameters
    ----------
    n_meters : int, default 2000
        Number of meters (at least 1).
    n_days : int, default 365
        Number of days (at least 14).
    start : str, default "2020-01-01"
        First day.
    n_feeders : int, default 20
        Feeders the meters are spread over (uniformly at random; a feeder may stay empty).
    business_share : float, default 0.2
        Share of business meters, in [0, 1].
    loss_rate : float, default 0.04
        Technical losses as a share of the billed energy, for ``feeder_input``, in [0, 1).
    confounders : str, sequence or mapping, optional
        Honest confounders to add (see above): ``"all"``, names from :data:`CONFOUNDERS`, or
        ``{name: rate}`` with rates in [0, 1]; ``None`` (default) adds none.
    random_state : int, numpy Generator or None
        Seed; the same seed gives the same data.

    Returns
    -------
    MeterData
        ``readings`` (``customer_id`` int32, ``date``, ``kwh``, ``feeder`` int32),
        ``customers`` (kind, feeder, base use and the confounders drawn) and ``feeder_input``.

    See Also
    --------
    MeterData : the result and its tables.
    inject_theft : turns a share of the meters into thieves.
    meter_matrix : the checked meters x days matrix of the readings.
    transformer_balance : energy balance of the feeders.

    Examples
    --------
    >>> data = make_meter_readings(20, 30, random_state=0)
    >>> data.readings.shape, sorted(data.readings.columns)
    ((600, 4), ['customer_id', 'date', 'feeder', 'kwh'])
    >>> noisy = make_meter_readings(200, 365, confounders="all", random_state=0)
    >>> int(noisy.customers["move_day"].notna().sum()) > 0
    True

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). Electricity theft detection in AMI using
    customers' consumption patterns. *IEEE Transactions on Smart Grid* 7(1), 216-226.
    """
    rates = _confounder_rates(confounders)
    rng = np.random.default_rng(random_state)
    days = pd.date_range(start, periods=n_days, freq="D")
    T = n_days
    business = rng.random(n_meters) < business_share
    base = np.where(
        business, rng.lognormal(np.log(55), 0.6, n_meters), rng.lognormal(np.log(10), 0.45, n_meters)
    )
    feeder = rng.integers(0, n_feeders, n_meters).astype(np.int32)
    doy = np.asarray(days.day_of_year, dtype=np.float64)
    weekend = np.asarray(days.day_of_week >= 5)
    holiday = np.isin(days.strftime("%m-%d"), _HOLIDAYS)
    feeder_tilt = 1 + 0.05 * rng.standard_normal(n_feeders)

    # seasonal phase and amplitude per meter
    if "seasonal_phase" in rates:
        own = rng.random(n_meters) < rates["seasonal_phase"]
        summer = rng.random(n_meters) < 0.3
        phase = np.where(own, np.where(summer, 182.0, 0.0) + rng.normal(0, 20, n_meters), 0.0)
        amplitude = np.where(own, rng.uniform(0.05, 0.5, n_meters), 0.25 * feeder_tilt[feeder])
    else:
        phase = np.zeros(n_meters)
        amplitude = 0.25 * feeder_tilt[feeder]

    week_bu = np.where(holiday, 0.3, np.where(weekend, 0.4, 1.0)).astype(np.float32)
    rest_day = weekend | holiday

    def persona(
        rows: np.ndarray, lvl: np.ndarray, wk_up: np.ndarray, sd: np.ndarray, ph: np.ndarray, amp: np.ndarray
    ) -> np.ndarray:
        out = _season(doy, ph, amp)
        pattern = np.where(rest_day[None, :], wk_up[:, None], 1.0).astype(np.float32)
        pattern = np.where(business[rows][:, None], week_bu[None, :], pattern)
        out *= pattern
        del pattern
        noise = rng.standard_normal((rows.size, T), dtype=np.float32)
        noise *= sd[:, None].astype(np.float32)
        np.exp(noise, out=noise)
        out *= noise
        del noise
        out *= lvl[:, None].astype(np.float32)
        return out

    wk_up = np.where(business, 1.0, 1.15)
    noise_sd = np.where(business, 0.08, 0.15)
    X = np.empty((n_meters, T), dtype=np.float32)
    for lo_row in range(0, n_meters, _CHUNK):  # blocks of meters keep the temporaries small
        rows = np.arange(lo_row, min(lo_row + _CHUNK, n_meters))
        block = persona(rows, base[rows], wk_up[rows], noise_sd[rows], phase[rows], amplitude[rows])
        drift = rng.standard_normal((rows.size, T), dtype=np.float32)
        drift *= np.float32(0.004)
        np.cumsum(drift, axis=1, out=drift)
        np.exp(drift, out=drift)
        block *= drift
        X[rows] = block
        del block, drift
    t = np.arange(T)[None, :]

    # empty homes: a 7-21 day absence for 3% of households, at 5% of normal use
    away = (~business) & (rng.random(n_meters) < 0.03)
    a_start = rng.integers(0, max(T - 21, 1), n_meters)
    a_len = rng.integers(7, 22, n_meters)
    mask = away[:, None] & (t >= a_start[:, None]) & (t < (a_start + a_len)[:, None])
    X[mask] *= 0.05
    vacation_days = mask.sum(axis=1)
    del mask

    lo, hi = int(0.1 * T), max(int(0.9 * T), int(0.1 * T) + 1)
    move_day = np.full(n_meters, -1)
    vacancy = np.zeros(n_meters, dtype=np.int64)
    if rates.get("moves", 0) > 0:
        movers = np.flatnonzero((~business) & (rng.random(n_meters) < rates["moves"]))
        if movers.size:
            m_day = rng.integers(lo, hi, movers.size)
            gap = rng.integers(0, 46, movers.size)
            new_base = rng.lognormal(np.log(10), 0.45, movers.size)
            new_up = rng.uniform(0.95, 1.35, movers.size)
            new_sd = rng.uniform(0.08, 0.25, movers.size)
            if "seasonal_phase" in rates:
                new_phase = np.where(rng.random(movers.size) < 0.3, 182.0, 0.0) + rng.normal(
                    0, 20, movers.size
                )
                new_amp = rng.uniform(0.05, 0.5, movers.size)
            else:
                new_phase, new_amp = phase[movers], amplitude[movers]
            after = persona(movers, new_base, new_up, new_sd, new_phase, new_amp)
            tm = t >= m_day[:, None]
            vacant = (t >= (m_day - gap)[:, None]) & ~tm
            baseload = rng.uniform(0.03, 0.08, movers.size)[:, None]
            X[movers] = np.where(tm, after, np.where(vacant, X[movers] * baseload, X[movers]))
            move_day[movers] = m_day
            vacancy[movers] = gap
            del after, tm, vacant

    appliance_day = np.full(n_meters, -1)
    appliance_kwh = np.zeros(n_meters)
    if rates.get("appliances", 0) > 0:
        owners = np.flatnonzero(rng.random(n_meters) < rates["appliances"])
        if owners.size:
            a_day = rng.integers(lo, hi, owners.size)
            size = rng.uniform(0.15, 0.6, owners.size) * base[owners]
            added = rng.random(owners.size) < 0.6
            kind = rng.integers(0, 3, owners.size)  # 0 flat, 1 heating (winter), 2 cooling (summer)
            ph = np.where(kind == 2, 182.0, 0.0)
            amp = np.where(kind == 0, 0.0, 0.9)
            shape = _season(doy, ph, amp) * rng.lognormal(0, 0.1, (owners.size, T)).astype(np.float32)
            on = np.where(added[:, None], t >= a_day[:, None], t < a_day[:, None])
            X[owners] += np.where(on, size[:, None] * shape, 0.0).astype(np.float32)
            appliance_day[owners] = a_day
            appliance_kwh[owners] = np.where(added, size, -size)
            del shape, on

    if rates.get("vacations", 0) > 0:
        travellers = np.flatnonzero((~business) & (rng.random(n_meters) < rates["vacations"]))
        for _ in range(2):  # at most two trips per traveller (a loop of two, vectorised over meters)
            if travellers.size == 0:
                break
            v_len = rng.integers(5, 31, travellers.size)
            v_start = rng.integers(0, max(T - 30, 1), travellers.size)
            level = rng.uniform(0.03, 0.10, travellers.size)[:, None]
            inside = (t >= v_start[:, None]) & (t < (v_start + v_len)[:, None])
            X[travellers] = np.where(inside, X[travellers] * level, X[travellers])
            vacation_days[travellers] += inside.sum(axis=1)
            travellers = travellers[rng.random(travellers.size) < 0.5]

    np.round(X, 3, out=X)
    ids = pd.Index(np.arange(1, n_meters + 1, dtype=np.int32), name="customer_id")
    # feeder totals before X is flattened: a sparse (feeders x meters) indicator times X
    from scipy.sparse import csr_matrix

    indicator = csr_matrix((np.ones(n_meters), (feeder, np.arange(n_meters))), shape=(n_feeders, n_meters))
    per_feeder = np.asarray(indicator @ X, dtype=np.float64)
    readings = pd.DataFrame(
        {
            "customer_id": np.repeat(ids.to_numpy(), T),
            "date": np.tile(days.to_numpy(), n_meters),
            "kwh": X.ravel().astype(np.float64),
            "feeder": np.repeat(feeder, T),
        },
        copy=False,
    )

    def as_date(day: np.ndarray) -> pd.DatetimeIndex:
        out = pd.DatetimeIndex(
            np.where(day >= 0, days[np.clip(day, 0, T - 1)].to_numpy(), np.datetime64("NaT"))
        )
        return out

    customers = pd.DataFrame(
        {
            "kind": np.where(business, "business", "household"),
            "feeder": feeder,
            "base_kwh": base,
            "season_phase_days": phase,
            "season_amplitude": amplitude,
            "move_day": as_date(move_day),
            "vacancy_days": vacancy,
            "appliance_day": as_date(appliance_day),
            "appliance_kwh": appliance_kwh,
            "vacation_days": vacation_days,
        },
        index=ids,
    )
    del X
    used = np.unique(feeder)
    per_feeder = per_feeder[used]
    kwh_in = per_feeder * (1 + loss_rate) * rng.normal(1, 0.005, per_feeder.shape)
    feeder_input = pd.DataFrame(
        {
            "feeder": np.repeat(used, T),
            "date": np.tile(days.to_numpy(), len(used)),
            "kwh_in": kwh_in.ravel(),
        }
    )
    return MeterData(readings=readings, customers=customers, feeder_input=feeder_input, confounders=rates)


@validate_params(
    {
        "share": [Interval(Real, 0, 1, closed="neither")],
        "random_state": ["random_state"],
    }
)
def inject_theft(
    readings: pd.DataFrame,
    attacks: tuple[str, ...] = ATTACKS,
    share: float = 0.08,
    *,
    start_range: tuple[float, float] = (0.3, 0.7),
    random_state: int | np.random.Generator | None = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    kwh: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn a share of meters into thieves with the false-data attacks of Jokar et al. (2016).

    From a start day (uniform in ``start_range`` of the period) the reported readings of each
    thief become: h1 ``x * a`` with a ~ U(0.1, 0.8); h2 zero for 30-120 days, then normal;
    h3 ``x_t * g_t`` with g_t ~ U(0.1, 0.8) each day; h4 ``mean(x) * g_t``; h5 ``mean(x)`` (flat);
    h6 the real readings in reverse order. Attacks are spread evenly over the thieves.

    Parameters
    ----------
    readings : pandas.DataFrame
        Complete long readings (one row per meter and day, as from :func:`make_meter_readings`).
    attacks : tuple of str
        Attack types among :data:`ATTACKS`.
    share : float
        Share of meters turned into thieves (at least one per attack).
    start_range : (float, float), default (0.3, 0.7)
        Range of the start day as fractions of the period (``0 <= lo < hi <= 1``).
    random_state : int, numpy Generator or None
        Seed of the thieves, attacks and start days.
    columns : mapping, optional
        ``{role: column}`` for the roles ``customer_id``, ``date``, ``kwh`` (see
        ``docs/conventions.md``).
    customer_id, date, kwh : str, optional
        Column names by role, overriding ``columns``.

    Returns
    -------
    readings : pandas.DataFrame
        A copy with the thieves' readings replaced (the input is not modified; the other
        columns share memory with the input under pandas' copy-on-write).
    truth : pandas.DataFrame
        Per meter: ``thief``, ``attack``, ``start`` (date) and ``stolen_kwh`` (real minus reported
        over the attack; zero for honest meters, and close to zero for h5 and h6, which shift
        consumption in time rather than hide it).

    See Also
    --------
    make_meter_readings : honest readings to attack.
    theft_scores : should find the thieves.
    unbilled_energy : estimates ``stolen_kwh`` from the readings alone.
    inspection_metrics : scores a ranking against ``truth["thief"]``.

    Examples
    --------
    >>> data = make_meter_readings(50, 60, random_state=0)
    >>> attacked, truth = inject_theft(data.readings, attacks=("h1",), share=0.1, random_state=1)
    >>> int(truth["thief"].sum()), truth.loc[truth["thief"], "attack"].unique().tolist()
    (5, ['h1'])
    >>> bool((truth.loc[truth["thief"], "stolen_kwh"] > 0).all())
    True

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). Electricity theft detection in AMI using
    customers' consumption patterns. *IEEE Transactions on Smart Grid* 7(1), 216-226.
    """
    from crmmine.anomaly.readings import METER_ROLES, meter_matrix

    bad = [a for a in attacks if a not in ATTACKS]
    if bad or not attacks:
        raise ParameterError(
            f"parameter 'attacks' of inject_theft() must be a non-empty tuple among {ATTACKS}, "
            f"got {attacks!r}."
        )
    lo_f, hi_f = start_range
    if not 0 <= lo_f < hi_f <= 1:
        raise ParameterError(
            "parameter 'start_range' of inject_theft() must be two fractions 0 <= lo < hi <= 1, "
            f"got {start_range!r}."
        )
    from crmmine._roles import resolve_roles

    roles = resolve_roles(columns, METER_ROLES, customer_id=customer_id, date=date, kwh=kwh)
    matrix = meter_matrix(
        readings, columns=roles, missing="raise", missing_feeder="one_group", keep_cells=True
    )
    X, meters, days = matrix.kwh, matrix.meters, matrix.days
    rng = np.random.default_rng(random_state)
    n, T = X.shape
    n_thieves = min(max(round(share * n), len(attacks)), n)
    thieves = rng.choice(n, n_thieves, replace=False)
    kinds = np.array(attacks)[np.arange(n_thieves) % len(attacks)]
    starts = rng.integers(int(lo_f * T), max(int(hi_f * T), int(lo_f * T) + 1), n_thieves)
    t = np.arange(T)[None, :]
    active = t >= starts[:, None]
    real = X[thieves].astype(np.float64)
    mean_after = np.nanmean(np.where(active, real, np.nan), axis=1, keepdims=True)
    g = rng.uniform(0.1, 0.8, (n_thieves, T))
    a = rng.uniform(0.1, 0.8, (n_thieves, 1))
    length = rng.integers(30, 121, n_thieves)[:, None]
    reversed_idx = np.clip(starts[:, None] + (T - 1) - t, 0, T - 1)  # within [start, T): reversed order
    fake = np.select(
        [kinds[:, None] == k for k in ATTACKS],
        [
            real * a,
            np.where(t < starts[:, None] + length, 0.0, real),
            real * g,
            mean_after * g,
            np.broadcast_to(mean_after, real.shape),
            np.take_along_axis(real, reversed_idx, axis=1),
        ],
    )
    reported = np.where(active, np.round(fake, 3), real)
    stolen = np.nansum(np.where(active, real - reported, 0.0), axis=1)
    # write back only the thieves' rows of the kwh column
    rows = matrix.cells  # row of ``readings`` of each (meter, day) cell
    new_kwh = readings[roles["kwh"]].to_numpy(dtype=np.float64, copy=True)
    cell_rows = rows[thieves].ravel()
    new_kwh[cell_rows] = reported.ravel()
    del matrix, rows, X
    # a new frame sharing every other column with the input (no copy of the big columns)
    out = pd.DataFrame(
        {c: (new_kwh if c == roles["kwh"] else readings[c].to_numpy(copy=False)) for c in readings.columns},
        index=readings.index,
        copy=False,
    )
    truth = pd.DataFrame(
        {
            "thief": np.zeros(n, dtype=bool),
            "attack": np.full(n, "", dtype=object),
            "start": pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]").to_numpy(),
            "stolen_kwh": np.zeros(n),
        },
        index=meters,
    )
    truth.iloc[thieves, 0] = True
    truth.iloc[thieves, 1] = kinds
    truth.iloc[thieves, 2] = days[starts]
    truth.iloc[thieves, 3] = stolen
    return out, truth
