"""Complaint statistics: how often customers complain, how fast they are answered, and what it
does to their loyalty."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from crmmine._backend import to_pandas
from crmmine._results import Result
from crmmine._roles import resolve_roles
from crmmine.errors import DataError, bad_rows_error, missing_columns_error

__all__ = ["COMPLAINT_ROLES", "ComplaintStatistics", "complaint_statistics"]

#: Column roles of a complaints table and their default names.
COMPLAINT_ROLES = {
    "complained": "complained",
    "resolution_time": "resolution_days",
    "resolved": "resolved",
    "loyalty": "loyalty",
}

_SPEED_BANDS = [(-np.inf, 1, "within 1 day"), (1, 7, "2-7 days"), (7, 30, "8-30 days"),
                (30, np.inf, "over 30 days")]


@dataclass(repr=False)
class ComplaintStatistics(Result):
    """Complaint rate, resolution times and the loyalty of complainers.

    Returned by :func:`complaint_statistics`; the fields below are its attributes.

    Parameters
    ----------
    rate : float
        Share of customers who complained.
    rate_interval : (float, float)
        Wilson 95% interval of ``rate``.
    n, n_complaints : int
        Customers, and customers who complained.
    resolution : DataFrame or None
        ``mean, median, p90`` resolution time of complaints (time column given).
    loyalty : DataFrame or None
        Mean loyalty of non-complainers, of complainers (resolved, unresolved) and by resolution
        speed, with counts.
    loyalty_gap : float or None
        Mean loyalty of complainers minus non-complainers (needs two of each).
    loyalty_gap_interval : (float, float) or None
        Welch 95% interval of ``loyalty_gap``.

    See Also
    --------
    complaint_statistics : builds it.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"complained": [True, True, False, False, False, True, False, False],
    ...                   "resolution_days": [2.0, 10.0, None, None, None, 0.5, None, None],
    ...                   "loyalty": [60, 40, 80, 75, 70, 65, 85, 90]})
    >>> res = complaint_statistics(t)
    >>> res.rate, res.n_complaints, res.loyalty_gap
    (0.375, 3, -25.0)
    >>> res.loyalty["mean_loyalty"].head(2).to_dict()
    {'no complaint': 80.0, 'complained': 55.0}
    >>> res.resolution["value"].round(2).tolist()  # mean, median, p90 of the days
    [4.17, 2.0, 8.4]
    """

    rate: float
    rate_interval: tuple[float, float]
    n: int
    n_complaints: int
    resolution: pd.DataFrame | None
    loyalty: pd.DataFrame | None
    loyalty_gap: float | None
    loyalty_gap_interval: tuple[float, float] | None

    def to_frame(self) -> pd.DataFrame:
        return self.loyalty.copy() if self.loyalty is not None else self.summary()

    def summary(self) -> pd.DataFrame:
        rows: dict[str, Any] = {"customers": self.n, "complaints": self.n_complaints,
                                "complaint_rate": self.rate, "rate_lower": self.rate_interval[0],
                                "rate_upper": self.rate_interval[1]}
        if self.resolution is not None:
            for k, v in self.resolution["value"].items():
                rows[f"resolution_{k}"] = v
        if self.loyalty_gap is not None and self.loyalty_gap_interval is not None:
            rows["loyalty_gap"] = self.loyalty_gap
            rows["loyalty_gap_lower"], rows["loyalty_gap_upper"] = self.loyalty_gap_interval
        return pd.DataFrame({"value": rows}).rename_axis("measure")

    def _repr_items(self) -> dict[str, Any]:
        return {"rate": self.rate, "complaints": self.n_complaints, "loyalty_gap": self.loyalty_gap}


def _boolean(series: pd.Series, role: str) -> pd.Series:
    if pd.api.types.is_bool_dtype(series) and not series.isna().any():
        return series.astype(bool)
    values = pd.to_numeric(series.astype("object") if pd.api.types.is_bool_dtype(series) else series,
                           errors="coerce")
    bad = values.isna() | ~values.isin([0, 1])
    if bad.any():
        raise bad_rows_error(
            str(series.name), f"values that are not True/False or 1/0 (role {role!r})", series[bad],
            int(bad.sum()), f"code {series.name!r} as booleans, e.g. df[{series.name!r}] == 'yes'.",
        )
    return values.astype(bool)


def complaint_statistics(
    table: Any,
    *,
    columns: Mapping[str, str] | None = None,
    complained: str | None = None,
    resolution_time: str | None = None,
    resolved: str | None = None,
    loyalty: str | None = None,
) -> ComplaintStatistics:
    """Complaint rate, resolution time and the effect of complaints on loyalty.

    Parameters
    ----------
    table : DataFrame
        One row per customer (or respondent). Roles (``columns=`` or keywords):
        ``complained`` (bool or 0/1, required), ``resolution_time`` (days to resolve, for
        complainers, as numbers or durations; optional), ``resolved`` (bool or 0/1, optional;
        may be empty for customers who did not complain),
        ``loyalty`` (a number, e.g. the loyalty index of :meth:`PLSPathModel.index_scores`;
        optional). Optional roles whose
        default column is absent are skipped.
    columns : mapping, optional
        ``{role: column name}`` for the roles above.
    complained, resolution_time, resolved, loyalty : str, optional
        Column names by role (override ``columns``); defaults in :data:`COMPLAINT_ROLES`.

    Returns
    -------
    ComplaintStatistics
        The complaint rate with its Wilson interval, resolution-time figures, and mean
        loyalty by group (no complaint, complained, resolved or not, by resolution speed)
        with the complainers' loyalty gap.

    See Also
    --------
    PLSPathModel : its ``index_scores_`` give a loyalty index per respondent.
    net_promoter_score : the recommendation score of the same respondents.

    Examples
    --------
    >>> from crmmine.survey import make_survey
    >>> s = make_survey(2000, random_state=0)
    >>> stats_ = complaint_statistics(s.data.assign(loyalty=s.data["CUSL1"]))
    >>> abs(stats_.rate - s.complaint_rate) < 0.03, stats_.loyalty_gap < 0
    (True, True)

    References
    ----------
    Fornell, C. and Wernerfelt, B. (1987). Defensive marketing strategy by customer complaint
    management. *Journal of Marketing Research* 24(4), 337-346.
    Tax, S. S., Brown, S. W. and Chandrashekaran, M. (1998). Customer evaluations of service
    complaint experiences. *Journal of Marketing* 62(2), 60-76.
    """
    frame = table if isinstance(table, pd.DataFrame) else to_pandas(table, what="complaints table")
    given = {k for k, v in {**(columns or {}), "complained": complained, "resolution_time": resolution_time,
                            "resolved": resolved, "loyalty": loyalty}.items() if v is not None}
    roles = resolve_roles(columns, COMPLAINT_ROLES, complained=complained, resolution_time=resolution_time,
                          resolved=resolved, loyalty=loyalty)
    if roles["complained"] not in frame.columns:
        raise missing_columns_error([roles["complained"]], frame.columns, role="the complaints table")
    for role in ("resolution_time", "resolved", "loyalty"):
        if roles[role] not in frame.columns:
            if role in given:
                raise missing_columns_error([roles[role]], frame.columns, role="the complaints table")
            roles[role] = None  # optional role absent
    if len(frame) == 0:
        raise DataError("the complaints table is empty. Fix: pass one row per customer.")
    flag = _boolean(frame[roles["complained"]], "complained")
    n, k = len(flag), int(flag.sum())
    rate = k / n
    z = 1.959963984540054
    centre = (rate + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    resolution = None
    days = None
    if roles["resolution_time"] is not None:
        col = roles["resolution_time"]
        raw = frame[col]
        if pd.api.types.is_timedelta64_dtype(raw):
            days = raw / pd.Timedelta(days=1)  # durations in days (to_numeric gives nanoseconds)
        else:
            days = pd.to_numeric(raw, errors="coerce")
            text = days.isna() & raw.notna()
            if text.any():
                raise bad_rows_error(col, "resolution times that are not numbers", frame.loc[text, col],
                                     int(text.sum()), "give days as numbers (leave unresolved ones empty).")
        bad = (days < 0) | (np.isinf(days))
        if bad.any():
            raise bad_rows_error(col, "negative or infinite resolution times", frame.loc[bad, col],
                                 int(bad.sum()), "times are days from complaint to resolution, >= 0.")
        missing = flag & days.isna()
        if missing.any() and roles["resolved"] is None:
            raise bad_rows_error(
                col, "complaints without a resolution time", frame.loc[missing, [roles["complained"], col]],
                int(missing.sum()), "give the time, or a resolved column marking them unresolved.",
            )
        extra = ~flag & days.notna()
        if extra.any():
            raise bad_rows_error(
                col, "a resolution time but no complaint", frame.loc[extra, [roles["complained"], col]],
                int(extra.sum()), f"check {roles['complained']!r}: a time means the customer complained.",
            )
        d = days[flag].dropna()
        resolution = pd.DataFrame({"value": {"mean": d.mean(), "median": d.median(),
                                             "p90": d.quantile(0.9)}}) if len(d) else None
    res_flag = None
    if roles["resolved"] is not None:
        # customers who never complained may leave 'resolved' empty (the usual layout); where it is
        # given, and for every complainer, it must be a flag
        rcol = frame[roles["resolved"]]
        given_flag = (flag | rcol.notna()).to_numpy()
        res_flag = pd.Series(False, index=frame.index)
        res_flag[given_flag] = _boolean(rcol[given_flag], "resolved").to_numpy()
    loyalty_table = None
    gap = gap_ci = None
    if roles["loyalty"] is not None:
        col = roles["loyalty"]
        loy = pd.to_numeric(frame[col], errors="coerce")
        bad = loy.isna() | np.isinf(loy)
        if bad.any():
            raise bad_rows_error(col, "missing or non-numeric loyalty values", frame.loc[bad, col],
                                 int(bad.sum()), "drop those rows or fill them before comparing loyalty.")
        groups: dict[str, pd.Series] = {"no complaint": loy[~flag], "complained": loy[flag]}
        if res_flag is not None:
            groups["complained, resolved"] = loy[flag & res_flag]
            groups["complained, unresolved"] = loy[flag & ~res_flag]
        if days is not None:
            for lo, hi, label in _SPEED_BANDS:
                groups[f"resolved {label}"] = loy[flag & (days > lo) & (days <= hi)]
        loyalty_table = pd.DataFrame({"customers": {g: len(v) for g, v in groups.items()},
                                      "mean_loyalty": {g: v.mean() if len(v) else np.nan
                                                       for g, v in groups.items()}}).rename_axis("group")
        a, b = loy[flag], loy[~flag]
        if len(a) >= 2 and len(b) >= 2:
            gap = float(a.mean() - b.mean())
            va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
            se = np.sqrt(va + vb)
            dof = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1)) if se > 0 else np.inf
            t = float(stats.t.ppf(0.975, dof)) if np.isfinite(dof) else z
            gap_ci = (float(gap - t * se), float(gap + t * se))
    return ComplaintStatistics(rate=rate, rate_interval=(float(centre - half), float(centre + half)), n=n,
                               n_complaints=k, resolution=resolution, loyalty=loyalty_table,
                               loyalty_gap=gap, loyalty_gap_interval=gap_ci)
