"""Contractual settings: the shifted-beta-geometric (sBG) model of retention.

A subscriber renews at the end of every period with a probability that is fixed for her
but varies across subscribers: her churn probability ``theta`` is Beta(alpha, beta).
Lifetime ``T`` (periods paid for) is then shifted-beta-geometric (Fader & Hardie 2007):

- ``P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta)``, ``t = 1, 2, ...``
- survival ``S(t) = P(T > t) = B(alpha, beta + t) / B(alpha, beta)``
- retention rate in period ``t``: ``r_t = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1)``,
  rising with ``t`` because the subscribers who churn easily leave first.

With a discount rate ``d`` per period and payments at the start of each period
(Fader & Hardie 2010):

- discounted expected lifetime of a new subscriber ``DEL = 2F1(1, beta; alpha + beta; 1 / (1 + d))``;
- discounted expected residual lifetime of a subscriber who has made ``n - 1`` renewals, valued
  just before her ``n``-th renewal decision,
  ``DERL(n) = (beta + n - 1) / (alpha + beta + n - 1) * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))``.

Multiplying by the margin per period gives the expected CLV of a new subscriber and the
residual value of a current one.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from numbers import Integral, Real
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from threadpoolctl import threadpool_limits

from crmmine._estimator import CRMMineEstimator
from crmmine._params import Interval, validate_params
from crmmine._roles import resolve_roles
from crmmine._units import naive_utc
from crmmine.errors import BoundaryFitWarning, DataError, ParameterError, bad_rows_error
from crmmine.value._methods_common import (
    as_timestamp,
    check_ids,
    discount_per,
    period_days,
    require_frame,
)

__all__ = ["ShiftedBetaGeometric", "subscription_lifetimes", "survivors_from_subscriptions"]

SUBSCRIPTION_ROLES = {"customer_id": "customer_id", "start": "start", "end": "end"}

#: alpha or beta below _SMALL, or alpha + beta above _LARGE (churn probabilities then have a
#: standard deviation below 0.5 percentage point: no heterogeneity left), is a boundary fit.
_SMALL, _LARGE = 1e-4, 1e4


def _log_pmf(alpha: float, beta: float, t: np.ndarray) -> np.ndarray:
    return special.betaln(alpha + 1.0, beta + t - 1.0) - special.betaln(alpha, beta)


def _log_survival(alpha: float, beta: float, t: np.ndarray) -> np.ndarray:
    return special.betaln(alpha, beta + t) - special.betaln(alpha, beta)


def _check_survivors(survivors: Any) -> np.ndarray:
    """Survivor counts n_0 >= n_1 >= ... >= n_T >= 0 with n_0 > 0 (a cohort followed over time)."""
    if isinstance(survivors, pd.DataFrame):
        if survivors.shape[1] != 1:
            raise ParameterError(
                "survivor counts must be one column (a Series or a list); for a subscription table "
                "pass the start and end columns: fit(table, start=..., end=...)."
            )
        survivors = survivors.iloc[:, 0]
    values = pd.to_numeric(pd.Series(np.asarray(survivors, dtype=object).ravel()), errors="coerce")
    arr = values.to_numpy(dtype="float64")
    if arr.size < 2:
        raise DataError(
            f"survivor counts need at least two periods (the cohort size and one renewal), got "
            f"{arr.size}. Fix: pass [n_0, n_1, ...], the customers still active at each period start."
        )
    bad = ~np.isfinite(arr) | (arr < 0)
    if bad.any():
        raise bad_rows_error(
            "survivors",
            "missing, non-numeric or negative counts",
            pd.Series(arr[bad], index=np.flatnonzero(bad)),
            int(bad.sum()),
            "pass the number of customers still active at the start of each period",
        )
    rising = np.flatnonzero(np.diff(arr) > 0) + 1
    if rising.size:
        raise bad_rows_error(
            "survivors",
            "counts larger than the period before (a cohort can only shrink)",
            pd.Series(arr[rising], index=rising),
            int(rising.size),
            "survivor counts follow one cohort of customers acquired together; new customers "
            "belong to another cohort (fit on a subscription table for several cohorts)",
        )
    if arr[0] <= 0:
        raise DataError(
            "survivors[0] (the cohort size) must be positive. Fix: start with the customers acquired."
        )
    return arr


def subscription_lifetimes(
    table: Any,
    *,
    period: str | float = "M",
    as_of: Any = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Periods paid for by each subscriber, and whether she has churned, from start/end dates.

    A subscription that started on ``start`` and ended on ``end`` (its last covered day) paid
    for the periods from ``start`` to the day after ``end``, a part period counting as one
    (at least one) and churned. One without an end (missing ``end``, or an end after
    ``as_of``) is active: it has completed as many renewals as whole periods from ``start``
    to ``as_of``. Months, quarters and years are counted on the calendar; other periods
    in days.

    Parameters
    ----------
    table : pandas (or polars, DuckDB, Spark) table
        One row per subscription: ``customer_id``, ``start``, ``end`` (missing while active).
    period : str or float, default "M"
        Contract period (``"M"``, ``"Q"``, ``"Y"`` or a number of days).
    as_of : date, optional
        Observation date; default the latest start or end date in the table.
    columns : mapping, optional
        Role -> column name for ``customer_id``, ``start`` and ``end``.
    customer_id, start, end : str, optional
        Column names of the roles (override ``columns``).

    Returns
    -------
    pandas.DataFrame
        Indexed by customer id: ``periods`` (paid periods if churned, completed renewals if
        active), ``churned`` (bool), ``start``; ``attrs`` records ``period`` and ``as_of``.

    Raises
    ------
    DataError
        Duplicated ids, unparseable or missing start dates, starts after ``as_of``, ends
        before starts.

    See Also
    --------
    survivors_from_subscriptions : one cohort's survivor counts from this table.
    ShiftedBetaGeometric : fitted on the subscription table (active subscribers censored).

    Examples
    --------
    >>> import pandas as pd
    >>> subs = pd.DataFrame({"customer_id": [1, 2], "start": ["2020-01-01", "2020-01-01"],
    ...                      "end": ["2020-03-15", None]})
    >>> subscription_lifetimes(subs, period="M", as_of="2020-12-31")[["periods", "churned"]]
                 periods  churned
    customer_id
    1                  3     True
    2                 11    False
    """
    roles = resolve_roles(columns, SUBSCRIPTION_ROLES, customer_id=customer_id, start=start, end=end)
    frame = require_frame(table, list(roles.values()), what="subscription table")
    check_ids(frame, roles["customer_id"], fix="every subscription needs a customer id")
    ids = frame[roles["customer_id"]]
    if ids.duplicated().any():
        dup = ids.duplicated(keep=False)
        raise bad_rows_error(
            roles["customer_id"],
            "customers with several subscriptions",
            frame[dup],
            int(dup.sum()),
            "the sBG model follows one subscription per customer: keep each customer's first "
            "(or current) subscription, or give each subscription its own id",
        )
    starts = _dates(frame, roles["start"], allow_missing=False)
    ends = _dates(frame, roles["end"], allow_missing=True)
    horizon = (
        as_timestamp(as_of, "as_of")
        if as_of is not None
        else max(starts.max(), ends.max() if ends.notna().any() else starts.max())
    )
    late = starts > horizon
    if late.any():
        raise bad_rows_error(
            roles["start"],
            f"starts after as_of ({horizon.date()})",
            frame[late],
            int(late.sum()),
            "pass a later as_of or drop subscriptions not yet started",
        )
    backwards = ends.notna() & (ends < starts)
    if backwards.any():
        raise bad_rows_error(
            roles["end"],
            "ends before the start",
            frame[backwards],
            int(backwards.sum()),
            "swap or correct the dates",
        )
    period_days(period)
    churned = (ends.notna() & (ends <= horizon)).to_numpy()
    day_after_end = (ends.fillna(horizon) + pd.Timedelta(days=1)).dt.normalize()
    paid_whole, paid_rest = _whole_periods(starts, day_after_end, period)
    paid = np.maximum(paid_whole + paid_rest, 1)
    renewals, _ = _whole_periods(starts, pd.Series(horizon, index=starts.index), period)
    periods = np.where(churned, paid, renewals).astype("int64")
    out = pd.DataFrame(
        {"periods": periods, "churned": churned, "start": starts.to_numpy()},
        index=pd.Index(ids.to_numpy(), name=roles["customer_id"]),
    )
    out.attrs.update({"period": period, "as_of": horizon})
    return out


def _whole_periods(first: pd.Series, last: pd.Series, period: str | float) -> tuple[np.ndarray, np.ndarray]:
    """Whole periods from ``first`` to ``last`` and whether a part period is left.

    Months, quarters and years (``"M"``, ``"3M"``, ``"Q"``, ``"Y"``) are counted on the calendar
    (Jan 31 + one month is the last day of February); other periods in days.
    """
    text = period.strip().upper() if isinstance(period, str) else ""
    unit = text.lstrip("0123456789.")
    prefix = text[: len(text) - len(unit)]
    if unit in ("M", "Q", "Y") and (prefix == "" or prefix.isdigit()):
        count = int(prefix or 1) * {"M": 1, "Q": 3, "Y": 12}[unit]
        if count > 0:
            a = first.dt.normalize()
            b = last.dt.normalize()
            y1, m1, d1 = a.dt.year.to_numpy(), a.dt.month.to_numpy(), a.dt.day.to_numpy()
            y2, m2, d2 = b.dt.year.to_numpy(), b.dt.month.to_numpy(), b.dt.day.to_numpy()
            anchor = np.minimum(d1, b.dt.days_in_month.to_numpy())
            months = (y2 - y1) * 12 + (m2 - m1) - (d2 < anchor)
            rest = (d2 != anchor) | (months % int(count) != 0)
            return (months // int(count)).astype("int64"), rest.astype("int64")
    days = (last - first).dt.total_seconds().to_numpy() / 86400.0 / period_days(period)
    whole = np.floor(np.round(days, 9))
    return whole.astype("int64"), (np.round(days - whole, 9) > 0).astype("int64")


def _dates(frame: pd.DataFrame, column: str, *, allow_missing: bool) -> pd.Series:
    raw = frame[column]
    if pd.api.types.is_numeric_dtype(raw) and not pd.api.types.is_bool_dtype(raw):
        text = raw.astype("Int64").astype(str)
        parsed = pd.to_datetime(text.where(raw.notna()), format="%Y%m%d", errors="coerce")
    else:
        parsed = pd.to_datetime(raw, errors="coerce", format="mixed") if raw.dtype == object else raw
        if not pd.api.types.is_datetime64_any_dtype(parsed):
            parsed = pd.to_datetime(parsed, errors="coerce")
    parsed = naive_utc(parsed)  # time-zone-aware: read in UTC
    bad = parsed.isna() & raw.notna()
    if not allow_missing:
        bad |= raw.isna()
    if bad.any():
        raise bad_rows_error(
            column,
            "missing or unparseable dates" if not allow_missing else "unparseable dates",
            frame.loc[bad, [column]],
            int(bad.sum()),
            "give dates as YYYY-MM-DD (a missing end means the subscription is still active)",
        )
    return pd.Series(parsed.to_numpy(), index=frame.index)


@validate_params({"n_periods": [None, Interval(Integral, 0, None)]})
def survivors_from_subscriptions(lifetimes: pd.DataFrame, *, n_periods: int | None = None) -> pd.Series:
    """Survivor counts n_0, n_1, ... of one cohort from :func:`subscription_lifetimes` output.

    ``n_t`` counts the subscribers known to have renewed ``t`` times: everyone at ``t = 0``,
    then everyone but those who churned after paying for ``t`` periods or fewer. An active
    subscriber with ``R`` completed renewals is known to have survived up to ``R`` only, so
    the counts stop at the smallest ``R`` among the active subscribers (at the largest
    ``periods`` when everyone has churned): beyond it a survivor count would take an
    undecided renewal for a renewal. For one cohort, whose active subscribers were all
    observed equally long, this is its whole history; subscribers observed for different
    lengths (several cohorts) shorten the counts to the shortest observation, with a
    ``DataWarning``. :class:`ShiftedBetaGeometric` fitted on the subscription table itself
    uses every subscriber's full history instead (active ones censored).

    Parameters
    ----------
    lifetimes : pandas.DataFrame
        One row per subscriber with ``periods`` (paid periods if churned, completed
        renewals if active) and ``churned`` (bool), as :func:`subscription_lifetimes` returns.
    n_periods : int, optional
        Last period counted (default: the last period known for everyone, as above). It may
        be shorter than the known history; a longer one raises, since those counts are not
        observed.

    Returns
    -------
    pandas.Series
        ``survivors`` indexed by ``period`` 0, 1, ..., ``n_periods`` (int64, non-increasing);
        the input of ``ShiftedBetaGeometric().fit``.

    Raises
    ------
    ParameterError
        ``n_periods`` beyond the renewals observed for an active subscriber.
    SchemaError
        ``lifetimes`` without the ``periods`` or ``churned`` column.

    See Also
    --------
    subscription_lifetimes : builds ``lifetimes`` from start and end dates.
    ShiftedBetaGeometric : fitted on these counts (or on the subscription table).

    Examples
    --------
    Four subscribers: one churned after one period, one after two, two still active after
    three renewals.

    >>> life = pd.DataFrame({"periods": [1, 2, 3, 3], "churned": [True, True, False, False]})
    >>> survivors_from_subscriptions(life).tolist()
    [4, 3, 2, 2]
    >>> survivors_from_subscriptions(life, n_periods=2).tolist()
    [4, 3, 2]
    """
    from crmmine.errors import DataWarning, missing_columns_error

    missing = [c for c in ("periods", "churned") if c not in lifetimes.columns]
    if missing:
        raise missing_columns_error(missing, lifetimes.columns, role="subscription lifetimes")
    if len(lifetimes) == 0:
        raise DataError(
            "lifetimes has no subscribers. Fix: pass subscription_lifetimes(...) of a non-empty table."
        )
    periods = lifetimes["periods"].to_numpy(dtype="int64")
    churned = lifetimes["churned"].to_numpy(dtype=bool)
    active = periods[~churned]
    known = int(active.min()) if active.size else None  # beyond it an active renewal is undecided
    if n_periods is None:
        last = known if known is not None else int(periods.max())
        if known is not None and int(active.max()) > known:
            warnings.warn(
                f"survivors_from_subscriptions: active subscribers were observed for {known} to "
                f"{int(active.max())} renewals, so the counts stop at period {known}, the last one "
                "known for all of them. Fix: pass one cohort's subscriptions, or fit "
                "ShiftedBetaGeometric on the subscription table, which uses every history.",
                DataWarning,
                stacklevel=2,
            )
    else:
        last = int(n_periods)
        if known is not None and last > known:
            raise ParameterError(
                f"n_periods={last}: some active subscribers have completed only {known} renewals, so "
                f"survivors after period {known} are not observed yet. Fix: pass n_periods <= {known} "
                "(or leave it out)."
            )
    gone_at = np.bincount(np.where(churned, periods, last + 1), minlength=last + 2)[: last + 1]
    counts = len(periods) - np.cumsum(np.concatenate([[0], gone_at[1:]]))
    return pd.Series(counts, index=pd.RangeIndex(last + 1, name="period"), name="survivors")


#: Declared check of an annual discount rate (converted to the period by compounding).
_RATE: dict[str, list[Any]] = {"annual_discount_rate": [Interval(Real, -1, None, closed="neither")]}


class ShiftedBetaGeometric(CRMMineEstimator):
    """Shifted-beta-geometric model of contract renewals (Fader & Hardie 2007).

    Fitted by maximum likelihood either from the survivor counts of one cohort
    (``fit([1000, 631, 468, ...])``) or from a subscription table with start and end dates
    (any number of cohorts; active subscriptions are right-censored).

    Parameters
    ----------
    period : str or float, default "M"
        The contract period: it turns dates into periods and annual discount rates into
        per-period rates (``"M"``, ``"Q"``, ``"Y"`` or a number of days). Survivor counts
        are taken to be per ``period``.
    tol : float, default 1e-10
        Convergence tolerance of L-BFGS-B on the log-parameters.
    max_iter : int, default 1000
        Iteration limit per start.
    warm_start : array-like of two positive numbers, optional
        ``(alpha, beta)`` to start from (e.g. a previous fit); otherwise three fixed starts.

    Attributes
    ----------
    params_ : pandas.Series
        ``alpha`` and ``beta``.
    standard_errors_ : pandas.Series
        Standard errors of ``log(alpha)`` and ``log(beta)`` (the scale of the Wald intervals).
    log_likelihood_ : float
        Log-likelihood at the optimum, summed over subscribers.
    n_obs_ : int
        Subscribers (or cohort size) in the fit.
    observed_ : pandas.DataFrame
        ``lost`` and ``censored`` counts by period: what the likelihood saw.
    warnings_ : list of str
        Boundary warnings raised while fitting.

    See Also
    --------
    subscription_lifetimes : periods paid for and churn from start and end dates.
    survivors_from_subscriptions : one cohort's survivor counts.
    retention_clv : value under a retention rate that is the same for everyone.
    BGBB : the non-contractual counterpart, where churn is not observed.

    Examples
    --------
    >>> m = ShiftedBetaGeometric(period="Y").fit([1000, 869, 743, 653, 593, 551, 517, 491])
    >>> m.params_.round(3).tolist()
    [0.668, 3.806]
    >>> round(float(m.retention_rate(1)), 3)
    0.851

    References
    ----------
    Fader, P. S. and Hardie, B. G. S. (2007). How to project customer retention.
    *Journal of Interactive Marketing* 21(1), 76-90.
    Fader, P. S. and Hardie, B. G. S. (2010). Customer-base valuation in a contractual setting:
    the perils of ignoring heterogeneity. *Marketing Science* 29(1), 85-93.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        "period": [str, Interval(Real, 0, None, closed="neither")],
        "tol": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None)],
        "warm_start": [None, "array-like"],
    }
    _fitted_attributes: ClassVar[tuple[str, ...]] = ("params_",)

    def __init__(
        self, period: str | float = "M", tol: float = 1e-10, max_iter: int = 1000, warm_start: Any = None
    ) -> None:
        self.period = period
        self.tol = tol
        self.max_iter = max_iter
        self.warm_start = warm_start

    # -- fitting ------------------------------------------------------------------------
    def fit(
        self,
        X: Any,
        y: None = None,
        *,
        as_of: Any = None,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> ShiftedBetaGeometric:
        """Fit by maximum likelihood.

        Parameters
        ----------
        X : list, array or Series of survivor counts, or a subscription table
            Survivor counts ``n_0 >= n_1 >= ...`` of one cohort at the start of periods
            0, 1, ...; or a table with one row per subscription (``customer_id``, ``start``,
            ``end``; a missing end means active), see :func:`subscription_lifetimes`.
        y : None
            Ignored (scikit-learn's signature).
        as_of, columns, customer_id, start, end
            For a subscription table: observation date and column roles.

        Returns
        -------
        self

        Raises
        ------
        DataError
            Nothing to learn: nobody churned (retention is 1 and the model has no finite
            estimate), or everybody churned at the first renewal with no one observed longer.
        """
        self._validate_params()
        period_days(self.period)
        if _is_table(X):
            life = subscription_lifetimes(
                X,
                period=self.period,
                as_of=as_of,
                columns=columns,
                customer_id=customer_id,
                start=start,
                end=end,
            )
            lost, censored = _counts_from_lifetimes(life)
        else:
            if any(v is not None for v in (as_of, columns, customer_id, start, end)):
                raise ParameterError(
                    "as_of, columns, customer_id, start and end apply to a subscription table; "
                    "survivor counts take none of them."
                )
            surv = _check_survivors(X)
            lost = np.concatenate([[0.0], surv[:-1] - surv[1:]])
            censored = np.zeros_like(lost)
            censored[-1] = surv[-1]
        self._fit_counts(lost, censored)
        return self

    def _fit_counts(self, lost: np.ndarray, censored: np.ndarray) -> None:
        t_all = np.arange(lost.shape[0], dtype="float64")
        if lost[1:].sum() <= 0:
            raise DataError(
                "no subscriber churned in the data: retention is 1 and the sBG model has no finite "
                "estimate (beta / alpha grows without bound). Fix: observe the cohort for longer, "
                "or report retention as 1 for the observed periods."
            )
        if lost[1] == lost.sum() and censored[1:].sum() == 0:
            raise DataError(
                "every subscriber churned at the first renewal and none was observed longer: the "
                "sBG model collapses to a churn probability of 1 (beta -> 0). Fix: check the "
                "period (a monthly contract read with period='Y' looks like this) or the end dates."
            )
        t_lost = t_all[lost > 0]
        w_lost = lost[lost > 0]
        t_cens = t_all[censored > 0]
        w_cens = censored[censored > 0]
        n = float(lost.sum() + censored.sum())

        def nll(log_theta: np.ndarray) -> float:
            a, b = np.exp(log_theta)
            value = -(w_lost @ _log_pmf(a, b, t_lost) + w_cens @ _log_survival(a, b, t_cens))
            return float(value) / n

        def grad(log_theta: np.ndarray) -> np.ndarray:
            a, b = np.exp(log_theta)
            dab = special.digamma(a + b)
            # d/da, d/db of log P(T=t) and log S(t) (digamma identities of the beta function)
            pa = special.digamma(a + 1) - special.digamma(a + b + t_lost) - special.digamma(a) + dab
            pb = special.digamma(b + t_lost - 1) - special.digamma(a + b + t_lost) - special.digamma(b) + dab
            sa = special.digamma(a) - special.digamma(a + b + t_cens) - special.digamma(a) + dab
            sb = special.digamma(b + t_cens) - special.digamma(a + b + t_cens) - special.digamma(b) + dab
            ga = w_lost @ pa + w_cens @ sa
            gb = w_lost @ pb + w_cens @ sb
            return -np.array([ga * a, gb * b]) / n

        starts = [np.log([1.0, 1.0]), np.log([0.5, 3.0]), np.log([3.0, 0.5])]
        if self.warm_start is not None:
            warm = np.asarray(self.warm_start, dtype="float64")
            if warm.shape != (2,) or not np.all(np.isfinite(warm)) or np.any(warm <= 0):
                raise ParameterError(f"warm_start must be two positive numbers (alpha, beta), got {warm!r}.")
            starts = [np.log(warm), *starts[:1]]
        best = None
        runs = []
        with np.errstate(all="ignore"), threadpool_limits(limits=1):
            for x0 in starts:
                if len(runs) >= 2 and abs(runs[-1]["fun"] - runs[-2]["fun"]) < 1e-10:
                    break  # two starts agree: the optimum is found, skip the rest
                res = optimize.minimize(
                    nll,
                    x0,
                    jac=grad,
                    method="L-BFGS-B",
                    bounds=[(-25.0, 25.0)] * 2,
                    options={"ftol": self.tol, "gtol": 1e-9, "maxiter": self.max_iter},
                )
                runs.append(
                    {
                        "start": np.exp(x0).round(4).tolist(),
                        "fun": float(res.fun),
                        "success": bool(res.success),
                        "iterations": int(res.nit),
                    }
                )
                if np.isfinite(res.fun) and (best is None or res.fun < best.fun - 1e-12):
                    best = res
        if best is None:  # pragma: no cover - the objective is finite everywhere in the box
            from crmmine.errors import ConvergenceError

            raise ConvergenceError(f"the sBG fit did not converge from any start: {runs}")
        a, b = np.exp(best.x)
        self.params_ = pd.Series([a, b], index=["alpha", "beta"], name="coef")
        self.log_likelihood_ = -float(best.fun) * n
        self.n_obs_ = round(n)
        self.observed_ = pd.DataFrame(
            {"lost": lost, "censored": censored}, index=pd.RangeIndex(lost.shape[0], name="period")
        )
        self.convergence_ = {"runs": runs, "iterations": int(best.nit)}
        hess = _numeric_hessian(lambda x: nll(x) * n, best.x)
        with np.errstate(all="ignore"):
            try:
                cov = np.linalg.inv(hess)
                se = np.sqrt(np.where(np.diag(cov) > 0, np.diag(cov), np.nan))
            except np.linalg.LinAlgError:
                se = np.full(2, np.nan)
        self.standard_errors_ = pd.Series(se, index=["alpha", "beta"], name="se_log")
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            self._boundary_check(a, b)
        self._record_warnings(record)

    def _boundary_check(self, a: float, b: float) -> None:
        if a + b > _LARGE:
            warnings.warn(
                f"sBG fit at the boundary: alpha={a:.3g} and beta={b:.3g} grow without bound, so "
                f"the churn probability no longer varies across subscribers (heterogeneity "
                f"collapsed). The model has reduced to a geometric lifetime with constant "
                f"retention {b / (a + b):.4f}; retention will not rise with tenure and "
                f"standard errors are meaningless.",
                BoundaryFitWarning,
                stacklevel=4,
            )
        elif a < _SMALL or b < _SMALL:
            which = "alpha" if a < _SMALL else "beta"
            warnings.warn(
                f"sBG fit at the boundary: {which}={min(a, b):.3g} is close to 0, so the churn "
                f"probabilities pile up at {'0 (never churn)' if which == 'alpha' else '1 (churn at once)'}"
                f" for part of the base; projections far beyond the data are unreliable.",
                BoundaryFitWarning,
                stacklevel=4,
            )

    @classmethod
    @validate_params(
        {
            "alpha": [Interval(Real, 0, float("inf"), closed="neither")],
            "beta": [Interval(Real, 0, float("inf"), closed="neither")],
        }
    )
    def from_params(cls, alpha: float, beta: float, *, period: str | float = "M") -> ShiftedBetaGeometric:
        """A model with known parameters (e.g. published ones), without fitting.

        Examples
        --------
        >>> ShiftedBetaGeometric.from_params(0.704, 1.182, period="Y").params_.tolist()
        [0.704, 1.182]
        """
        model = cls(period=period)
        model.params_ = pd.Series([float(alpha), float(beta)], index=["alpha", "beta"], name="coef")
        model.warnings_ = []
        return model

    # -- quantities ---------------------------------------------------------------------
    def _ab(self) -> tuple[float, float]:
        self._check_fitted()
        return float(self.params_["alpha"]), float(self.params_["beta"])

    def survival(self, t: Any) -> np.ndarray:
        """``S(t) = P(T > t)``: share of a new cohort still subscribed after ``t`` renewals."""
        a, b = self._ab()
        t = _periods(t)
        return np.exp(_log_survival(a, b, t))

    def churn_probability(self, t: Any) -> np.ndarray:
        """``P(T = t)``: share of a new cohort whose last paid period is ``t`` (t >= 1)."""
        a, b = self._ab()
        t = _periods(t, minimum=1)
        return np.exp(_log_pmf(a, b, t))

    def retention_rate(self, t: Any) -> np.ndarray:
        """``r_t = (beta + t - 1) / (alpha + beta + t - 1)``: renewal rate at the end of period ``t``."""
        a, b = self._ab()
        t = _periods(t, minimum=1)
        return (b + t - 1.0) / (a + b + t - 1.0)

    @validate_params({"n_periods": [Interval(Integral, 1, None)]})
    def curves(self, n_periods: int = 12) -> pd.DataFrame:
        """Survival and retention curves for periods 0..``n_periods``, with the observed ones.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``period``: ``survival``, ``retention`` (NaN at 0), and where the model
            was fitted on data, ``observed_survival`` and ``observed_retention`` (Kaplan-Meier,
            so censored subscribers count while observed).
        """
        t = np.arange(n_periods + 1, dtype="float64")
        out = pd.DataFrame({"survival": self.survival(t)}, index=pd.RangeIndex(n_periods + 1, name="period"))
        ret = np.full(t.shape, np.nan)
        ret[1:] = self.retention_rate(t[1:])
        out["retention"] = ret
        if hasattr(self, "observed_"):
            lost = self.observed_["lost"].to_numpy()
            cens = self.observed_["censored"].to_numpy()
            at_risk = lost[::-1].cumsum()[::-1] + cens[::-1].cumsum()[::-1]
            with np.errstate(divide="ignore", invalid="ignore"):
                r_obs = np.where(at_risk > 0, 1.0 - lost / at_risk, np.nan)
            r_obs[0] = np.nan
            km = np.cumprod(np.where(np.isnan(r_obs), 1.0, r_obs))
            k = min(len(km), n_periods + 1)
            obs_s = np.full(t.shape, np.nan)
            obs_r = np.full(t.shape, np.nan)
            obs_s[:k] = km[:k]
            obs_r[:k] = r_obs[:k]
            out["observed_survival"] = obs_s
            out["observed_retention"] = obs_r
        return out

    @validate_params(_RATE)
    def discounted_expected_lifetime(self, annual_discount_rate: float) -> float:
        """DEL: expected discounted number of payments of a new subscriber (first one included).

        ``2F1(1, beta; alpha + beta; 1 / (1 + d))`` with ``d`` the per-period rate equivalent to
        ``annual_discount_rate`` (Fader & Hardie 2010, eq. 4).
        """
        a, b = self._ab()
        d = discount_per(annual_discount_rate, self.period)
        return float(_hyp_sum(b, a + b, 1.0 / (1.0 + d)))

    @validate_params(_RATE)
    def derl(
        self,
        X: Any,
        *,
        annual_discount_rate: float,
        as_of: Any = None,
        columns: Mapping[str, str] | None = None,
        customer_id: str | None = None,
        start: str | None = None,
        end: str | None = None,
    ) -> Any:
        """Discounted expected residual lifetime (Fader & Hardie 2010, eq. 6).

        Parameters
        ----------
        X : int, array of ints, or a subscription table
            ``n``: the period a subscriber is in (she has made ``n - 1`` renewals and faces her
            ``n``-th renewal decision). For a subscription table, active subscribers are in
            period ``renewals + 1``; churned subscribers get 0.
        annual_discount_rate : float
            Converted to the model's ``period`` by compounding.

        Returns
        -------
        float, ndarray or pandas.Series
            A Series named ``derl`` indexed by customer id for a table (every subscriber
            included), otherwise an array shaped like ``X``.

        Examples
        --------
        >>> m = ShiftedBetaGeometric.from_params(0.704, 1.182, period="Y")
        >>> float(m.derl(1, annual_discount_rate=0.10)) < float(m.derl(5, annual_discount_rate=0.10))
        True
        """
        a, b = self._ab()
        d = discount_per(annual_discount_rate, self.period)
        if _is_table(X):
            life = subscription_lifetimes(
                X,
                period=self.period,
                as_of=as_of,
                columns=columns,
                customer_id=customer_id,
                start=start,
                end=end,
            )
            n = life["periods"].to_numpy(dtype="float64") + 1.0
            values = _derl(a, b, n, d)
            values = np.where(life["churned"].to_numpy(), 0.0, values)
            return pd.Series(values, index=life.index, name="derl")
        n = _periods(X, minimum=1)
        return _derl(a, b, n, d)

    def summary(self) -> pd.DataFrame:
        """Coefficients with 95% Wald intervals on the log scale, LL and any boundary warning."""
        self._check_fitted()
        theta = self.params_
        se = getattr(self, "standard_errors_", pd.Series(np.nan, index=theta.index))
        z = stats.norm.ppf(0.975)
        out = pd.DataFrame(
            {
                "coef": theta,
                "se_log": se,
                "lower 95%": np.exp(np.log(theta) - z * se),
                "upper 95%": np.exp(np.log(theta) + z * se),
            }
        )
        out["log_likelihood"] = getattr(self, "log_likelihood_", np.nan)
        out["warning"] = "; ".join(getattr(self, "warnings_", [])) or ""
        return out

    def plot(self, ax: Any = None, n_periods: int = 12, **kwargs: Any) -> Any:
        """Survival curve: model vs observed (Kaplan-Meier); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        table = self.curves(n_periods)
        ax.plot(table.index, table["survival"], "--", label="sBG", **kwargs)
        if "observed_survival" in table:
            ax.plot(table.index, table["observed_survival"], "k-o", label="observed")
        ax.set_xlabel(f"period ({self.period})")
        ax.set_ylabel("share still subscribed")
        ax.set_ylim(0, 1.02)
        ax.set_title("Survival: shifted-beta-geometric")
        ax.legend()
        return ax


def _is_table(X: Any) -> bool:
    if isinstance(X, pd.DataFrame):
        return X.shape[1] > 1
    module = type(X).__module__.split(".")[0]
    return module in ("polars", "duckdb", "pyspark", "pyarrow")


def _periods(t: Any, minimum: int = 0) -> np.ndarray:
    arr = np.asarray(t, dtype="float64")
    if not np.all(np.isfinite(arr)) or np.any(arr < minimum) or np.any(arr != np.floor(arr)):
        raise ParameterError(f"periods must be whole numbers >= {minimum}, got {t!r}.")
    return arr


def _hyp_sum(b: float | np.ndarray, c: float | np.ndarray, x: float) -> np.ndarray:
    """``2F1(1, b; c; x)`` for ``c > b > 0`` and ``0 < x < 1``, a convergent series of positive terms."""
    value = special.hyp2f1(1.0, b, c, x)
    bad = ~np.isfinite(value)
    if np.any(bad):  # pragma: no cover - scipy is accurate here; the series is the fallback
        k = np.arange(0, 20000)[:, None]
        bb, cc = np.broadcast_arrays(np.asarray(b, float), np.asarray(c, float))
        terms = np.exp(
            special.gammaln(bb + k)
            - special.gammaln(bb)
            - special.gammaln(cc + k)
            + special.gammaln(cc)
            + k * np.log(x)
        )
        value = np.where(bad, terms.sum(axis=0), value)
    return value


def _derl(a: float, b: float, n: np.ndarray, d: float) -> np.ndarray:
    """DERL per entry of ``n``, the hypergeometric function evaluated once per distinct ``n``."""
    distinct, inverse = np.unique(np.asarray(n, dtype="float64"), return_inverse=True)
    values = (
        (b + distinct - 1.0)
        / (a + b + distinct - 1.0)
        * _hyp_sum(b + distinct, a + b + distinct, 1.0 / (1.0 + d))
    )
    return values[inverse].reshape(np.shape(n))


def _counts_from_lifetimes(life: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    periods = life["periods"].to_numpy(dtype="int64")
    churned = life["churned"].to_numpy(dtype=bool)
    size = int(periods.max()) + 1 if periods.size else 1
    lost = np.bincount(periods[churned], minlength=size).astype("float64")
    censored = np.bincount(periods[~churned], minlength=size).astype("float64")
    return lost, censored


def _numeric_hessian(f: Any, x: np.ndarray, step: float = 1e-4) -> np.ndarray:
    """Central-difference Hessian of ``f`` at ``x`` (two parameters: 9 evaluations)."""
    p = x.shape[0]
    hess = np.empty((p, p))
    with np.errstate(all="ignore"):
        for i in range(p):
            for j in range(i, p):
                ei = np.zeros(p)
                ej = np.zeros(p)
                ei[i] = step
                ej[j] = step
                val = (f(x + ei + ej) - f(x + ei - ej) - f(x - ei + ej) + f(x - ei - ej)) / (4 * step * step)
                hess[i, j] = hess[j, i] = val
    return hess
