"""Synthetic smart-meter data and the false-data (theft) attacks of Jokar et al. (2016)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from crmmine.data.columns import require_columns
from crmmine.errors import ParameterError

__all__ = ["ATTACKS", "MeterData", "inject_theft", "make_meter_readings", "readings_matrix"]

#: The six attack types: h1 scaling by a factor, h2 zeroing an interval, h3 per-day random
#: scaling, h4 random scaling of the mean, h5 the flat mean, h6 time reversal.
ATTACKS = ("h1", "h2", "h3", "h4", "h5", "h6")


@dataclass
class MeterData:
    """Synthetic meter data.

    Attributes
    ----------
    readings : pandas.DataFrame
        Long format: ``customer_id``, ``date``, ``kwh``, ``feeder``.
    customers : pandas.DataFrame
        Per meter: ``kind`` (household/business), ``feeder``, ``base_kwh``.
    feeder_input : pandas.DataFrame
        Energy entering each feeder per day (``feeder``, ``date``, ``kwh_in``): the billed
        consumption of its meters plus technical losses.
    """

    readings: pd.DataFrame
    customers: pd.DataFrame
    feeder_input: pd.DataFrame


def readings_matrix(
    readings: pd.DataFrame, *, customer_id: str = "customer_id", date: str = "date", kwh: str = "kwh"
) -> tuple[np.ndarray, pd.Index, pd.DatetimeIndex]:
    """Pivot long readings into a (meters x days) float matrix; missing days become NaN."""
    require_columns(readings.columns, [customer_id, date, kwh], role="meter readings")
    c_codes, meters = pd.factorize(readings[customer_id], sort=True)
    days = pd.to_datetime(readings[date]).dt.normalize()
    d_codes, uniq_days = pd.factorize(days, sort=True)
    full_days = pd.date_range(uniq_days.min(), uniq_days.max(), freq="D")
    col = (uniq_days[d_codes] - full_days[0]).days.to_numpy()
    X = np.full((len(meters), len(full_days)), np.nan)
    X[c_codes, col] = readings[kwh].to_numpy(dtype="float64")
    return X, pd.Index(meters, name=customer_id), full_days


def make_meter_readings(
    n_meters: int = 2000,
    n_days: int = 365,
    *,
    start: str = "2020-01-01",
    n_feeders: int = 20,
    business_share: float = 0.2,
    loss_rate: float = 0.04,
    random_state: int | None = None,
) -> MeterData:
    """Daily consumption of households and businesses with weekly, seasonal and holiday patterns.

    Households: about 10 kWh a day (log-normal across homes), 15% more at weekends and on
    holidays, some empty-home weeks; businesses: about 55 kWh, 60% less at weekends and 70%
    less on holidays. Both follow a winter peak and a smaller summer peak, a slow personal
    drift and day-to-day noise. Every feeder's input energy is its meters' total plus
    ``loss_rate`` technical losses (with noise).

    Examples
    --------
    >>> data = make_meter_readings(20, 30, random_state=0)
    >>> data.readings.shape, sorted(data.readings.columns)
    ((600, 4), ['customer_id', 'date', 'feeder', 'kwh'])
    """
    if n_meters < 1 or n_days < 14:
        raise ParameterError("need at least one meter and 14 days")
    rng = np.random.default_rng(random_state)
    days = pd.date_range(start, periods=n_days, freq="D")
    business = rng.random(n_meters) < business_share
    base = np.where(
        business, rng.lognormal(np.log(55), 0.6, n_meters), rng.lognormal(np.log(10), 0.45, n_meters)
    )
    feeder = rng.integers(0, n_feeders, n_meters)
    doy = np.asarray(days.day_of_year)
    season = (
        1 + 0.25 * np.cos(2 * np.pi * (doy - 15) / 365.25) + 0.08 * np.cos(4 * np.pi * (doy - 15) / 365.25)
    )
    weekend = np.asarray(days.day_of_week >= 5)
    holiday = np.isin(
        days.strftime("%m-%d"),
        ["01-01", "05-01", "07-14", "08-15", "11-01", "11-11", "12-24", "12-25", "12-26", "12-31"],
    )
    week_hh = np.where(weekend | holiday, 1.15, 1.0)
    week_bu = np.where(holiday, 0.3, np.where(weekend, 0.4, 1.0))
    pattern = np.where(business[:, None], week_bu[None, :], week_hh[None, :])
    feeder_tilt = 1 + 0.05 * rng.standard_normal(n_feeders)
    drift = np.exp(np.cumsum(rng.normal(0, 0.004, (n_meters, n_days)), axis=1))
    noise = rng.lognormal(0, np.where(business, 0.08, 0.15)[:, None], (n_meters, n_days))
    X = base[:, None] * pattern * (season[None, :] ** feeder_tilt[feeder][:, None]) * drift * noise
    # empty homes: a 7-21 day absence for 3% of households, at 5% of normal use
    away = (~business) & (rng.random(n_meters) < 0.03)
    starts = rng.integers(0, max(n_days - 21, 1), n_meters)
    length = rng.integers(7, 22, n_meters)
    t = np.arange(n_days)[None, :]
    X = np.where(away[:, None] & (t >= starts[:, None]) & (t < (starts + length)[:, None]), X * 0.05, X)
    X = np.round(X, 3)
    ids = pd.Index(np.arange(1, n_meters + 1), name="customer_id")
    readings = pd.DataFrame(
        {
            "customer_id": np.repeat(ids.to_numpy(), n_days),
            "date": np.tile(days, n_meters),
            "kwh": X.ravel(),
            "feeder": np.repeat(feeder, n_days),
        }
    )
    customers = pd.DataFrame(
        {"kind": np.where(business, "business", "household"), "feeder": feeder, "base_kwh": base}, index=ids
    )
    per_feeder = pd.DataFrame(X).groupby(feeder).sum()
    kwh_in = per_feeder.to_numpy() * (1 + loss_rate) * rng.normal(1, 0.005, per_feeder.shape)
    feeder_input = pd.DataFrame(
        {
            "feeder": np.repeat(per_feeder.index.to_numpy(), n_days),
            "date": np.tile(days, len(per_feeder)),
            "kwh_in": kwh_in.ravel(),
        }
    )
    return MeterData(readings=readings, customers=customers, feeder_input=feeder_input)


def inject_theft(
    readings: pd.DataFrame,
    attacks: tuple[str, ...] = ATTACKS,
    share: float = 0.08,
    *,
    start_range: tuple[float, float] = (0.3, 0.7),
    random_state: int | None = None,
    customer_id: str = "customer_id",
    date: str = "date",
    kwh: str = "kwh",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn a share of meters into thieves with the false-data attacks of Jokar et al. (2016).

    From a start day (uniform in ``start_range`` of the period) the reported readings of each
    thief become: h1 ``x * a`` with a ~ U(0.1, 0.8); h2 zero for 30-120 days, then normal;
    h3 ``x_t * g_t`` with g_t ~ U(0.1, 0.8) each day; h4 ``mean(x) * g_t``; h5 ``mean(x)`` (flat);
    h6 the real readings in reverse order. Attacks are spread evenly over the thieves.

    Returns
    -------
    readings : pandas.DataFrame
        A copy with the thieves' readings replaced (the input is not modified).
    truth : pandas.DataFrame
        Per meter: ``thief``, ``attack``, ``start`` (date) and ``stolen_kwh`` (real minus reported
        over the attack; zero for honest meters, and close to zero for h5 and h6, which shift
        consumption in time rather than hide it).

    References
    ----------
    Jokar, P., Arianpoo, N. and Leung, V. C. M. (2016). Electricity theft detection in AMI using
    customers' consumption patterns. *IEEE Transactions on Smart Grid* 7(1), 216-226.
    """
    bad = [a for a in attacks if a not in ATTACKS]
    if bad or not attacks:
        raise ParameterError(f"attacks must be among {ATTACKS}, got {attacks}")
    if not 0 < share < 1:
        raise ParameterError(f"share must be in (0, 1), got {share}")
    X, meters, days = readings_matrix(readings, customer_id=customer_id, date=date, kwh=kwh)
    rng = np.random.default_rng(random_state)
    n, T = X.shape
    n_thieves = max(round(share * n), len(attacks))
    thieves = rng.choice(n, n_thieves, replace=False)
    kinds = np.array(attacks)[np.arange(n_thieves) % len(attacks)]
    starts = rng.integers(int(start_range[0] * T), int(start_range[1] * T), n_thieves)
    Y = X.copy()
    t = np.arange(T)[None, :]
    active = t >= starts[:, None]
    real = X[thieves]
    mean_after = np.nanmean(np.where(active, real, np.nan), axis=1, keepdims=True)
    g = rng.uniform(0.1, 0.8, (n_thieves, T))
    a = rng.uniform(0.1, 0.8, (n_thieves, 1))
    length = rng.integers(30, 121, n_thieves)[:, None]
    reversed_idx = np.clip(starts[:, None] + (T - 1) - t, 0, T - 1)  # within [start, T): reversed order
    fake = np.select(
        [
            kinds[:, None] == "h1",
            kinds[:, None] == "h2",
            kinds[:, None] == "h3",
            kinds[:, None] == "h4",
            kinds[:, None] == "h5",
            kinds[:, None] == "h6",
        ],
        [
            real * a,
            np.where(t < starts[:, None] + length, 0.0, real),
            real * g,
            mean_after * g,
            np.broadcast_to(mean_after, real.shape),
            np.take_along_axis(real, reversed_idx, axis=1),
        ],
    )
    Y[thieves] = np.where(active, np.round(fake, 3), real)
    stolen = np.nansum(np.where(active, real - Y[thieves], 0.0), axis=1)
    out = readings.copy()
    codes = pd.Index(meters).get_indexer(readings[customer_id])
    cols = (pd.to_datetime(readings[date]).dt.normalize() - days[0]).dt.days.to_numpy()
    out[kwh] = Y[codes, cols]
    truth = pd.DataFrame({"thief": False, "attack": "", "start": pd.NaT, "stolen_kwh": 0.0}, index=meters)
    truth.iloc[thieves, 0] = True
    truth.iloc[thieves, 1] = kinds
    truth.iloc[thieves, 2] = days[starts]
    truth.iloc[thieves, 3] = stolen
    return out, truth
