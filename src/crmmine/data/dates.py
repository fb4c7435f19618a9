"""Reading the date column: one rule for every table crmmine reads.

- Datetime columns are used as they are; time-zone-aware ones are converted to
  UTC and stored without a zone (wall-clock UTC).
- Integers (and integral floats, as ``pd.read_csv`` gives for an integer column
  with a gap) and 8-digit strings are ``YYYYMMDD`` calendar dates: ``19970101`` is
  1 January 1997, never 19,970,101 nanoseconds after 1970.
- Text is read as ISO 8601 (``2011-12-09``, ``2011-12-09 08:26:00``, ``2011/12/09``,
  with an optional UTC offset, converted to UTC). Text such as ``01/02/2020``, where
  the first two numbers can be a month and a day in either order, is read one way
  for the whole column: day first when a value such as ``13/02/2020`` shows it,
  month first when a value such as ``02/13/2020`` shows it. When no value decides
  (``01/02/2020`` alone) or values point both ways, a :class:`~crmmine.errors.DataError`
  names the ambiguity and asks for ``dayfirst=`` or ``date_format=``.
- ``date_format=`` (a strftime format such as ``"%d/%m/%Y %H:%M"``) overrides all of
  the above for text and integer columns.

Missing and unparseable dates are reported as a mask; the caller applies its
policy (:func:`crmmine.clean_transactions` raises or drops and logs them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import narwhals as nw
import numpy as np
import pandas as pd

import crmmine._backend as _backend
from crmmine.errors import DataError, bad_rows_error

__all__ = ["ParsedDates", "parse_dates"]

# Day-month-year or month-day-year text: two numbers of one or two digits, a separator.
_NUMERIC_DM = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})(?:(?:\s+|T)(.*))?\s*$"
_YEAR_FIRST = r"^\s*(\d{4})[/.\-](\d{1,2})[/.\-](\d{1,2})(?:(?:\s+|T)(.*))?\s*$"
_SEP = r"[/.\-]"
_LOW = r"(?:0?[1-9]|1[0-2])"  # a number that can be a month
_HIGH = r"(?:1[3-9]|2[0-9]|3[01])"  # a number that can only be a day
#: first number can only be a day: the column is day-first
DAY_FIRST_EVIDENCE = rf"^\s*{_HIGH}{_SEP}{_LOW}{_SEP}\d{{2,4}}"
#: second number can only be a day: the column is month-first
MONTH_FIRST_EVIDENCE = rf"^\s*{_LOW}{_SEP}{_HIGH}{_SEP}\d{{2,4}}"
#: both numbers can be months (the value reads differently unless they are equal)
BOTH_MONTHS = rf"^\s*{_LOW}{_SEP}{_LOW}{_SEP}\d{{2,4}}"
#: both numbers equal (01/01/2020 reads the same either way)
EQUAL_PAIR = (
    r"^\s*(?:" + "|".join(rf"0?{m}{_SEP}0?{m}" if m < 10 else rf"{m}{_SEP}{m}" for m in range(1, 13))
    + rf"){_SEP}\d{{2,4}}"
)
_OFFSET = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})\s*$"  # after a clock time
_MONTH_NAME = r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"

#: text formats tried inside engines (DuckDB, Spark, polars) when no date_format is given
ISO_FORMATS = [
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d",
    "%Y%m%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
]


def _numeric_dm_formats(dayfirst: bool) -> list[str]:
    first, second = ("%d", "%m") if dayfirst else ("%m", "%d")
    return [
        f"{first}{sep}{second}{sep}%Y{clock}"
        for sep in ("/", "-", ".")
        for clock in (" %H:%M:%S", " %H:%M", "")
    ]


@dataclass
class ParsedDates:
    """A parsed date column and what was decided on the way.

    Returned by :func:`parse_dates`.

    Parameters
    ----------
    values : Series
        Time-zone-naive datetimes (NaT where ``bad``), same index as the input.
    bad : ndarray of bool
        Missing or unparseable values.
    notes : list of (str, int)
        Interpretations applied, with the number of rows concerned (e.g. dates
        converted to UTC), for the cleaning log.

    See Also
    --------
    parse_dates : builds it.

    Examples
    --------
    >>> parsed = parse_dates(pd.Series(["2011-12-09 08:26", None]), "InvoiceDate")
    >>> parsed.values.tolist(), parsed.bad.tolist()
    ([Timestamp('2011-12-09 08:26:00'), NaT], [False, True])
    """

    values: pd.Series
    bad: np.ndarray
    notes: list[tuple[str, int]] = field(default_factory=list)


def _ambiguity_error(column: str, examples: pd.Series, count: int, both_ways: bool) -> DataError:
    if both_ways:
        problem = ("dates that point both ways: some can only be day-first (13/02/2020) and "
                   "others only month-first (02/13/2020), so the column has no single reading")
    else:
        problem = ("ambiguous dates such as 01/02/2020, which is 2 January month-first and "
                   "1 February day-first; nothing in the column decides which")
    return bad_rows_error(
        column, problem, examples, count,
        "say how to read them: dayfirst=True (31/12/2020), dayfirst=False (12/31/2020) or "
        "date_format='%d/%m/%Y' (any strftime format).",
    )


def _check_dayfirst_text(text: pd.Series, column: str) -> bool | None:
    """Decide the day/month order of numeric d/m text; raise when the column does not decide."""
    day_first = text.str.contains(DAY_FIRST_EVIDENCE, regex=True, na=False)
    month_first = text.str.contains(MONTH_FIRST_EVIDENCE, regex=True, na=False)
    ambiguous = (text.str.contains(BOTH_MONTHS, regex=True, na=False)
                 & ~text.str.contains(EQUAL_PAIR, regex=True, na=False))
    if day_first.any() and month_first.any():
        shown = pd.concat([text[day_first].head(3), text[month_first].head(2)])
        raise _ambiguity_error(column, shown, int(day_first.sum() + month_first.sum()), True)
    if ambiguous.any() and not (day_first.any() or month_first.any()):
        raise _ambiguity_error(column, text[ambiguous], int(ambiguous.sum()), False)
    if day_first.any():
        return True
    if month_first.any():
        return False
    return None


def _two_digit_year(year: pd.Series) -> pd.Series:
    """strftime's %y rule: 00-68 are 2000-2068, 69-99 are 1969-1999."""
    short = year.str.len() == 2
    number = pd.to_numeric(year, errors="coerce")
    full = np.where(number < 69, 2000 + number, 1900 + number)
    return year.where(~short, pd.Series(full, index=year.index).astype("Int64").astype(str))


def _iso_text(year: pd.Series, month: pd.Series, day: pd.Series, clock: pd.Series) -> pd.Series:
    clock = clock.fillna("").str.strip()
    date = year.str.zfill(4) + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    return date.where(clock == "", date + " " + clock)


def _parse_text(text: pd.Series, column: str, date_format: str | None, dayfirst: bool | None,
                notes: list[tuple[str, int]]) -> pd.Series:
    """Parse stripped text (RangeIndex); returns UTC-aware timestamps, NaT where unparseable."""
    if date_format is not None:
        return pd.to_datetime(text, format=date_format, errors="coerce", utc=True)
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
    rest = text[parsed.isna() & text.notna()]
    if len(rest):
        # year first without zero padding: 2011-1-2, 2011/1/2 10:00
        ymd = rest.str.extract(_YEAR_FIRST)
        found = ymd[0].notna()
        if found.any():
            y = ymd[found]
            iso = _iso_text(y[0], y[1], y[2], y[3])
            parsed.loc[iso.index] = pd.to_datetime(iso, format="ISO8601", errors="coerce", utc=True)
        rest = rest[~found]
    if len(rest):
        parts = rest.str.extract(_NUMERIC_DM)
        numeric_dm = parts[0].notna()
        if numeric_dm.any():
            order = dayfirst
            if order is None:
                order = _check_dayfirst_text(rest[numeric_dm], column)
                if order is True:
                    notes.append(("dates read day-first (a value such as 13/02/2020 shows it)",
                                  int(numeric_dm.sum())))
            p = parts[numeric_dm]
            day, month = (p[0], p[1]) if order else (p[1], p[0])
            iso = _iso_text(_two_digit_year(p[2]), month, day, p[3])
            parsed.loc[iso.index] = pd.to_datetime(iso, format="ISO8601", errors="coerce", utc=True)
        # written-out months ("5 Jan 2011", "Tue, 01 Feb 2011 10:00 GMT") are unambiguous
        other = rest[~numeric_dm]
        worded = other[other.str.contains(_MONTH_NAME, regex=True, na=False)]
        if len(worded):
            parsed.loc[worded.index] = pd.to_datetime(worded, format="mixed", errors="coerce",
                                                      utc=True, dayfirst=False)
    # an offset follows a clock time: look only at text with a sign or a Z after the date
    tail = text.str.slice(start=11)
    candidates = (tail.str.contains("+", regex=False, na=False)
                  | tail.str.contains("-", regex=False, na=False)
                  | tail.str.endswith("Z").fillna(False)).to_numpy(dtype=bool)
    offsets = np.zeros(len(text), dtype=bool)
    if candidates.any():
        found = text[candidates].str.contains(_OFFSET, regex=True, na=False).to_numpy(dtype=bool)
        offsets[np.flatnonzero(candidates)[found]] = True
    offsets &= parsed.notna().to_numpy()
    if offsets.any():
        notes.append(("dates with a UTC offset converted to UTC (zone removed)", int(offsets.sum())))
    return parsed


def _integral_text(values: pd.Series, column: str) -> pd.Series:
    """Integral numbers as text of digits (``19970101``); fractions raise, NaN stays missing."""
    numbers = values.astype("float64")
    finite = np.isfinite(numbers.to_numpy())
    fraction = finite & (numbers.to_numpy() != np.round(numbers.to_numpy()))
    if fraction.any():
        raise bad_rows_error(
            column, "numbers with a fraction where dates were expected", values[fraction],
            int(fraction.sum()),
            "crmmine reads whole numbers as YYYYMMDD dates; convert other numbers yourself "
            "(e.g. pd.to_datetime(values, unit='s') for Unix seconds) before cleaning.",
        )
    text = pd.Series(pd.NA, index=values.index, dtype="string")
    text[finite] = numbers[finite].astype("int64").astype(str)
    return text


def parse_dates(
    values: pd.Series,
    column: str,
    *,
    date_format: str | None = None,
    dayfirst: bool | None = None,
) -> ParsedDates:
    """Parse a pandas column of dates under crmmine's date rules (see the module docstring).

    Parameters
    ----------
    values : Series
        The raw column; it is not modified.
    column : str
        Its name, for messages.
    date_format : str, optional
        strftime format of text or integer dates (e.g. ``"%d/%m/%Y"``).
    dayfirst : bool, optional
        How to read numeric day/month text such as ``01/02/2020``.

    Returns
    -------
    ParsedDates
        ``values`` (naive datetimes, NaT where bad), ``bad`` and ``notes``.

    Raises
    ------
    DataError
        Ambiguous day/month text without ``dayfirst``/``date_format``; a column of
        booleans or fractional numbers.

    See Also
    --------
    ParsedDates : the result.
    clean_transactions : applies these rules and logs or drops the bad dates.

    Examples
    --------
    >>> parse_dates(pd.Series([19970101, 19970102]), "date").values.dt.strftime("%Y-%m-%d").tolist()
    ['1997-01-01', '1997-01-02']
    >>> parse_dates(pd.Series(["13/02/2020", "01/02/2020"]), "date").values.dt.day.tolist()
    [13, 1]
    >>> parse_dates(pd.Series(["01/02/2020", "03/04/2020"]), "date")
    Traceback (most recent call last):
    ...
    crmmine.errors.DataError: column 'date': 2 rows with ambiguous dates such as 01/02/2020...
    >>> parse_dates(pd.Series(["01/02/2020", "x"]), "date", dayfirst=True).bad.tolist()
    [False, True]
    """
    notes: list[tuple[str, int]] = []
    index = values.index
    values = values.reset_index(drop=True)
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values = values.astype(dtype.categories.dtype)
        dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        raise DataError(
            f"column {column!r} holds booleans, not dates. Fix: map the date column with "
            f"date='<your date column>' (or columns={{'date': ...}})."
        )
    if pd.api.types.is_datetime64_any_dtype(dtype):
        parsed = values
        if getattr(dtype, "tz", None) is not None:
            parsed = values.dt.tz_convert("UTC").dt.tz_localize(None)
            notes.append(("time-zone-aware dates converted to UTC (zone removed)",
                          int(values.notna().sum())))
        bad = parsed.isna().to_numpy()
        return ParsedDates(parsed.set_axis(index), bad, notes)
    if pd.api.types.is_numeric_dtype(dtype):
        text = _integral_text(values, column)
        fmt = date_format or "%Y%m%d"
        parsed = pd.to_datetime(text, format=fmt, errors="coerce", utc=True)
        if date_format is None:
            notes.append(("whole-number dates read as YYYYMMDD", int(parsed.notna().sum())))
    else:
        if pd.api.types.infer_dtype(values, skipna=True) in ("datetime", "datetime64", "date"):
            parsed = pd.to_datetime(values, errors="coerce", utc=True)
        else:
            text = values.astype("str").str.strip()
            text = text.mask(text == "")
            parsed = _parse_text(text, column, date_format, dayfirst, notes)
    parsed = parsed.dt.tz_localize(None).set_axis(index)
    bad = parsed.isna().to_numpy()
    return ParsedDates(parsed, bad, notes)


# ---------------------------------------------------------------------------- engines

def engine_date_column(
    lf: nw.LazyFrame,
    column: str,
    out: str,
    *,
    date_format: str | None,
    dayfirst: bool | None,
) -> tuple[nw.LazyFrame, list[tuple[str, nw.Expr]]]:
    """Parse ``column`` of a narwhals (engine) table into the naive datetime column ``out``.

    Returns the frame and the notes as ``(text, boolean expression)`` pairs to be
    counted by the caller in its one aggregate pass. Text is read with
    :data:`ISO_FORMATS` (or ``date_format``) inside the engine; numeric day/month
    text follows the same ambiguity rule as pandas (one small aggregate query).
    """
    dtype = lf.collect_schema()[column]
    notes: list[tuple[str, nw.Expr]] = []
    if isinstance(dtype, nw.Boolean):
        raise DataError(f"column {column!r} holds booleans, not dates. Fix: map the date column "
                        "with date='<your date column>'.")
    if isinstance(dtype, nw.Date):
        return lf.with_columns(nw.col(column).cast(nw.Datetime("us")).alias(out)), notes
    if isinstance(dtype, nw.Datetime):
        if dtype.time_zone is not None and _backend._kind(lf) != "pyspark":
            notes.append(("time-zone-aware dates converted to UTC (zone removed)",
                          ~nw.col(column).is_null()))
            return _backend.utc_naive(lf, column, out), notes
        return lf.with_columns(nw.col(column).alias(out)), notes
    if dtype.is_numeric():
        if dtype.is_float():
            frac = _backend.collect_one(lf.select(
                n=(nw.col(column) != nw.col(column).round(0)).cast(nw.Int64).sum()))["n"] or 0
            if frac:
                examples = _backend.collect_pandas(
                    lf.filter(nw.col(column) != nw.col(column).round(0)).select(column).head(5))
                raise bad_rows_error(
                    column, "numbers with a fraction where dates were expected", examples, frac,
                    "crmmine reads whole numbers as YYYYMMDD dates; convert other numbers in "
                    "the engine before cleaning.",
                )
        text = "__cm_date_text"
        lf = lf.with_columns(nw.col(column).cast(nw.Int64).cast(nw.String).alias(text))
        lf = _backend.try_parse_datetime(lf, text, out, [date_format or "%Y%m%d"]).drop(text)
        if date_format is None:
            notes.append(("whole-number dates read as YYYYMMDD", ~nw.col(out).is_null()))
        return lf, notes
    if not isinstance(dtype, nw.String):
        raise DataError(
            f"column {column!r} has type {dtype}, which crmmine cannot read as dates. Fix: cast "
            "it to a date, a timestamp or ISO text (YYYY-MM-DD) in the engine."
        )
    if date_format is not None:
        return _backend.try_parse_datetime(lf, column, out, [date_format]), notes
    formats = list(ISO_FORMATS)
    col = nw.col(column)
    stats = _backend.collect_one(lf.select(
        day=col.str.contains(DAY_FIRST_EVIDENCE).cast(nw.Int64).sum(),
        month=col.str.contains(MONTH_FIRST_EVIDENCE).cast(nw.Int64).sum(),
        amb=(col.str.contains(BOTH_MONTHS) & ~col.str.contains(EQUAL_PAIR)).cast(nw.Int64).sum(),
        dm=col.str.contains(_NUMERIC_DM).cast(nw.Int64).sum(),
    ))
    day, month, amb, dm = (int(stats[k] or 0) for k in ("day", "month", "amb", "dm"))
    if dm:
        order = dayfirst
        if order is None:
            if day and month:
                mask = col.str.contains(DAY_FIRST_EVIDENCE) | col.str.contains(MONTH_FIRST_EVIDENCE)
                shown = _backend.collect_pandas(lf.filter(mask).select(column).head(5))[column]
                raise _ambiguity_error(column, shown, day + month, True)
            if amb and not (day or month):
                mask = col.str.contains(BOTH_MONTHS) & ~col.str.contains(EQUAL_PAIR)
                shown = _backend.collect_pandas(lf.filter(mask).select(column).head(5))[column]
                raise _ambiguity_error(column, shown, amb, False)
            order = bool(day)
            if order:
                notes.append(("dates read day-first (a value such as 13/02/2020 shows it)",
                              col.str.contains(_NUMERIC_DM)))
        formats += _numeric_dm_formats(order)
    return _backend.try_parse_datetime(lf, column, out, formats), notes
