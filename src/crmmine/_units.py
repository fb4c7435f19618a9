"""Time units and horizons: one meaning everywhere (see ``docs/conventions.md``).

- A **time unit** is the unit in which durations of a customer summary and the
  models fitted on it are expressed: ``"D"`` (the default everywhere), ``"W"``,
  ``"M"`` (365.25 / 12 days), ``"Q"``, ``"Y"``, ``"H"``, a multiple such as
  ``"14D"``, or a number of days.
- A **horizon** is the length of a future window. A number is counted in the
  time unit of the call (or of the fitted model); a string carries its own unit
  (``"90D"``, ``"13W"``, ``"12M"``, ``"1Y"``) and is converted.
"""

from __future__ import annotations

from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine.errors import ParameterError

__all__ = [
    "DEFAULT_TIME_UNIT", "horizon_days", "horizon_in_units", "naive_utc", "time_unit_days", "time_unit_label",
]

#: The one default time unit of crmmine: days.
DEFAULT_TIME_UNIT = "D"

_UNIT_DAYS = {
    "H": 1.0 / 24.0,
    "D": 1.0,
    "W": 7.0,
    "M": 365.25 / 12.0,
    "Q": 365.25 / 4.0,
    "Y": 365.25,
}
_UNIT_WORDS = {"H": "hours", "D": "days", "W": "weeks", "M": "months", "Q": "quarters", "Y": "years"}


def _split(time_unit: str) -> tuple[float, str]:
    text = time_unit.strip().upper()
    digits = ""
    while text and (text[0].isdigit() or text[0] == "."):
        digits += text[0]
        text = text[1:]
    if text not in _UNIT_DAYS:
        raise ParameterError(
            f"unknown time unit {time_unit!r}; use one of {list(_UNIT_DAYS)} optionally "
            f"prefixed by a count such as '14D', or a number of days."
        )
    try:
        mult = float(digits) if digits else 1.0
    except ValueError:
        raise ParameterError(f"cannot read the count in time unit {time_unit!r}.") from None
    if mult <= 0:
        raise ParameterError(f"time unit must be positive, got {time_unit!r}.")
    return mult, text


def time_unit_days(time_unit: str | float) -> float:
    """Length of a time unit in days.

    ``"D"`` is a day, ``"W"`` seven days, ``"M"`` an average Gregorian month
    (365.25 / 12 = 30.4375 days), ``"Q"`` a quarter, ``"Y"`` 365.25 days,
    ``"H"`` an hour. A string such as ``"14D"`` or ``"2W"`` multiplies a unit;
    a number is taken as days.

    Parameters
    ----------
    time_unit : str or float
        A unit code (``"D"``, ``"W"``, ``"M"``, ``"Q"``, ``"Y"``, ``"H"``), optionally
        prefixed by a count (``"14D"``), or a positive number of days.

    Returns
    -------
    float
        The number of days in one ``time_unit``.

    Raises
    ------
    ParameterError
        For an unknown code, a count that is not positive, or a number of days that is
        not positive and finite.

    See Also
    --------
    horizon_days : a horizon (a number in a unit, or ``"90D"``) in days.
    horizon_in_units : a horizon expressed in a time unit.
    crmmine.data.customer_summary : measures recency, ``T`` and the windows in ``time_unit``.

    Examples
    --------
    >>> time_unit_days("W")
    7.0
    >>> time_unit_days("14D")
    14.0
    >>> time_unit_days("M")
    30.4375
    """
    if isinstance(time_unit, Real) and not isinstance(time_unit, bool | np.bool_):
        if not np.isfinite(time_unit) or time_unit <= 0:
            raise ParameterError(f"time_unit must be a positive number of days, got {time_unit}.")
        return float(time_unit)
    if not isinstance(time_unit, str) or not time_unit.strip():
        raise ParameterError(f"time_unit must be a string such as 'D' or 'W', got {time_unit!r}.")
    mult, unit = _split(time_unit)
    return mult * _UNIT_DAYS[unit]


def time_unit_label(time_unit: str | float) -> str:
    """A readable name for a time unit, for tables and axis labels.

    Parameters
    ----------
    time_unit : str or float
        A time unit as :func:`time_unit_days` reads it.

    Returns
    -------
    str
        The plural word of the unit (``"weeks"``), or ``"<n>-<unit> periods"`` for a
        multiple or a number of days.

    See Also
    --------
    time_unit_days : the length of the unit in days.

    Examples
    --------
    >>> time_unit_label("W"), time_unit_label("14D"), time_unit_label(7)
    ('weeks', '14-day periods', '7-day periods')
    """
    if isinstance(time_unit, str):
        mult, unit = _split(time_unit)
        if mult == 1:
            return _UNIT_WORDS[unit]
        return f"{mult:g}-{_UNIT_WORDS[unit][:-1]} periods"
    return f"{time_unit_days(time_unit):g}-day periods"


def horizon_days(horizon: Any, time_unit: str | float = DEFAULT_TIME_UNIT, *, name: str = "horizon") -> float:
    """A horizon in days: a number is in ``time_unit``; a string carries its own unit.

    Parameters
    ----------
    horizon : float, str or Timedelta
        A positive number of ``time_unit``, a duration string (``"90D"``, ``"13W"``,
        ``"1Y"``) or anything :class:`pandas.Timedelta` reads.
    time_unit : str or float, default "D"
        The unit of a numeric ``horizon``.
    name : str, default "horizon"
        The parameter name used in error messages.

    Returns
    -------
    float
        The horizon in days.

    See Also
    --------
    horizon_in_units : the same horizon in a given time unit.
    time_unit_days : the length of a time unit in days.

    Examples
    --------
    >>> horizon_days("90D"), horizon_days(13, "W"), horizon_days("1Y")
    (90.0, 91.0, 365.25)
    """
    if isinstance(horizon, bool | np.bool_):
        raise ParameterError(f"{name} must be a number or a duration such as '90D', got {horizon!r}.")
    if isinstance(horizon, Real):
        if not np.isfinite(horizon) or horizon <= 0:
            raise ParameterError(f"{name} must be positive and finite, got {horizon!r}.")
        return float(horizon) * time_unit_days(time_unit)
    if isinstance(horizon, str):
        try:
            return time_unit_days(horizon)
        except ParameterError as exc:
            raise ParameterError(f"{name}={horizon!r} is not a duration: {exc}") from None
    try:
        import pandas as pd

        delta = pd.Timedelta(horizon)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name} must be a number (in {time_unit!r}) or a duration such as '90D' or '13W', "
            f"got {horizon!r}."
        ) from None
    if delta <= pd.Timedelta(0):
        raise ParameterError(f"{name} must be positive, got {horizon!r}.")
    return delta / pd.Timedelta(days=1)


def horizon_in_units(
    horizon: Any, time_unit: str | float = DEFAULT_TIME_UNIT, *, name: str = "horizon"
) -> float:
    """A horizon expressed in ``time_unit``.

    Parameters
    ----------
    horizon : float, str or Timedelta
        As in :func:`horizon_days`: a number counts ``time_unit``, a string carries its unit.
    time_unit : str or float, default "D"
        The unit of the result (and of a numeric ``horizon``).
    name : str, default "horizon"
        The parameter name used in error messages.

    Returns
    -------
    float
        The horizon as a (possibly fractional) number of ``time_unit``.

    See Also
    --------
    horizon_days : the same horizon in days.

    Examples
    --------
    >>> horizon_in_units(52, "W"), horizon_in_units("1Y", "W"), horizon_in_units("90D", "D")
    (52.0, 52.17857142857143, 90.0)
    """
    return horizon_days(horizon, time_unit, name=name) / time_unit_days(time_unit)


def naive_utc(value: Any) -> Any:
    """A time-zone-aware Timestamp or datetime Series as naive UTC; naive values unchanged.

    crmmine reads time-zone-aware dates (and ``as_of``) in UTC everywhere, as
    ``customer_summary`` does (docs/conventions.md).

    Examples
    --------
    >>> naive_utc(pd.Timestamp("2024-03-01 02:00", tz="Asia/Shanghai"))
    Timestamp('2024-02-29 18:00:00')
    >>> naive_utc(pd.Series(pd.to_datetime(["2024-01-01 23:00"]).tz_localize("Europe/Paris"))).tolist()
    [Timestamp('2024-01-01 22:00:00')]
    >>> naive_utc(pd.Timestamp("2024-01-01"))
    Timestamp('2024-01-01 00:00:00')
    """
    if isinstance(value, pd.Series):
        return value.dt.tz_convert(None) if getattr(value.dt, "tz", None) is not None else value
    return value.tz_convert(None) if getattr(value, "tzinfo", None) is not None else value
