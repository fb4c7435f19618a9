"""Customer value as the CRM texts define it: historical + current + potential value.

For customer ``i`` at the reference date ``as_of`` with margin ``m`` and annual discount rate ``a``:

- **historical value** ``H_i = m * sum_j amount_ij * (1 + a) ** (days_ij / 365.25)``: the margin
  already brought, each purchase ``j`` compounded from its day to ``as_of`` (``days_ij`` whole
  days before ``as_of``; a purchase on ``as_of`` counts at face value). This is Kumar's
  "past customer value".
- **current value** ``C_i``: the discounted value of the next ``horizon`` if the customer goes
  on as she is, i.e. crmmine's :func:`~crmmine.value.clv` (BTYD expected purchases per
  period, P(alive) included, times expected spend, times ``m``, discounted by compounding).
- **potential value** ``P_i = m * max(0, W_g - s_i) * D_i``: what more she could bring if
  cross- and up-selling raised each of her expected future purchases to the spend of the
  best comparable customers. ``s_i`` is her observed mean spend per purchase
  (``monetary_mean``); ``W_g`` her peer group's wallet, the ``wallet_quantile`` (0.9) quantile
  of ``monetary_mean`` among the customers of her group ``g``; ``D_i`` her discounted
  expected purchases over the horizon from the same transaction model (so the gap is
  weighted by P(alive) and by how often she is expected to buy). ``s_i / W_g`` is reported
  as her share of wallet (capped at 1).

Peer groups are the ``segment`` you pass (an RFM segment, region, industry ...) or, by
default, bands of purchase frequency (customers who buy as often as she does), cut at
quantiles of ``frequency`` so that equal frequencies always share a band. Groups with fewer
than ``min_peers`` customers use the whole base's quantile (a ``DataWarning`` lists them).

Limits of the potential estimate: it assumes the cross-sectional spread of spend among peers
is wallet the firm could win, not differences in need or taste; it is an upper bound that
ignores what campaigns cost and how often they succeed; it reads the spend per purchase only
(not more frequent purchases, which the current value already forecasts); and a quantile of
a small group is noisy. Treat it as a ranking of opportunity, not a forecast.

References
----------
Kumar, V. and Reinartz, W. (2012). *Customer Relationship Management: Concept, Strategy, and
Tools*, 2nd ed. Springer (past customer value).
Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). RFM and CLV: using iso-value curves for
customer base analysis. *Journal of Marketing Research* 42(4), 415-430.
Du, R. Y., Kamakura, W. A. and Mela, C. F. (2007). Size and share of customer wallet.
*Journal of Marketing* 71(2), 94-113.
Perlich, C., Rosset, S., Lawrence, R. D. and Zadrozny, B. (2007). High-quantile modeling for
customer wallet estimation and other applications. *Proceedings of KDD '07*, 977-985.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from crmmine._align import align_to
from crmmine._params import Interval, validate_params
from crmmine._results import Result
from crmmine._roles import resolve_roles
from crmmine.errors import DataError, DataWarning, ParameterError, bad_rows_error
from crmmine.value._methods_common import (
    as_timestamp,
    check_numeric_column,
    require_frame,
    unique_index,
    utc_days,
)

__all__ = ["CLVComponents", "clv_components", "historical_value", "peer_groups"]

_TX_ROLES = {"customer_id": "customer_id", "date": "date", "amount": "amount"}
COMPONENTS = ("historical", "current", "potential")


@validate_params(
    {
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, 0, 1, closed="both")],
        "as_of": [None, "date"],
    }
)
def historical_value(
    tx: Any,
    *,
    as_of: Any = None,
    annual_discount_rate: float = 0.0,
    margin: float = 1.0,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> pd.Series:
    """Margin each customer has already brought, compounded to ``as_of``.

    ``H_i = margin * sum_j amount_ij * (1 + annual_discount_rate) ** (days_ij / 365.25)`` over
    the customer's transactions dated on or before ``as_of``; ``days_ij`` counts whole days
    from the purchase day to ``as_of``.

    Parameters
    ----------
    tx : table of transactions
        ``customer_id``, ``date``, ``amount`` (clean: see :func:`crmmine.clean_transactions`).
    as_of : date, optional
        Reference date; default the last transaction date. Later rows are not history: they
        are left out and a ``DataWarning`` counts them.
    annual_discount_rate : float, default 0
        Rate at which past margin is compounded (the firm's cost of capital).
    margin : float, default 1
        Profit share of revenue.
    columns, customer_id, date, amount
        Column mapping and role keywords.

    Returns
    -------
    pandas.Series
        ``historical`` indexed by customer id (every customer with a transaction up to ``as_of``).

    Raises
    ------
    DataError
        Missing ids, unparseable dates, missing, infinite or negative amounts (returns must
        be handled first: ``clean_transactions(returns="drop")``).

    See Also
    --------
    clv_components : historical, current and potential value together.
    crmmine.clean_transactions : prepares the log (returns, bad dates, missing ids).

    Examples
    --------
    >>> import pandas as pd
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [100.0, 50.0, 10.0],
    ...                    "date": pd.to_datetime(["2019-12-31", "2020-12-30", "2020-12-30"])})
    >>> historical_value(tx, as_of="2020-12-30", annual_discount_rate=0.10).round(2).tolist()
    [160.0, 10.0]
    """
    roles = resolve_roles(columns, _TX_ROLES, customer_id=customer_id, date=date, amount=amount)
    frame = require_frame(tx, list(roles.values()), what="transactions")
    cid, dcol, acol = roles["customer_id"], roles["date"], roles["amount"]
    ids = frame[cid]
    if ids.isna().any():
        raise bad_rows_error(
            cid,
            "missing customer ids",
            frame[ids.isna()],
            int(ids.isna().sum()),
            "drop or fill them (clean_transactions(missing_customer='drop'))",
        )
    dates = frame[dcol]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise bad_rows_error(
            dcol,
            f"{dates.dtype} values where dates are needed",
            frame[[dcol]].head(),
            len(frame),
            "parse the dates first (crmmine.clean_transactions)",
        )
    if dates.isna().any():
        raise bad_rows_error(
            dcol,
            "missing dates",
            frame[dates.isna()],
            int(dates.isna().sum()),
            "drop or fix them (clean_transactions(bad_dates='drop'))",
        )
    amounts = check_numeric_column(
        frame,
        acol,
        what="amounts",
        minimum=0.0,
        fix="historical value counts purchases: drop returns and bad amounts first "
        "(crmmine.clean_transactions(returns='drop'))",
    )
    day = utc_days(dates)
    ref = as_timestamp(as_of, "as_of").normalize() if as_of is not None else day.max()
    keep = (day <= ref).to_numpy()
    if not keep.all():
        warnings.warn(
            f"historical_value: {int((~keep).sum()):,} transactions dated after as_of ({ref.date()}) "
            "are not history and were left out. Fix: pass a later as_of to include them.",
            DataWarning,
            stacklevel=3,
        )
    days = ((ref - day[keep]).dt.days).to_numpy(dtype="float64")
    factor = (1.0 + annual_discount_rate) ** (days / 365.25)
    out = pd.Series(margin * amounts[keep] * factor, index=ids[keep].to_numpy()).groupby(level=0).sum()
    out.index.name = cid
    out.name = "historical"
    return out


def peer_groups(summary: pd.DataFrame, *, bins: int = 5, frequency: str = "frequency") -> pd.Series:
    """Default peer groups: bands of purchase frequency, equal frequencies always together.

    Band edges are the distinct ``bins``-quantiles of ``frequency``; each band is labelled
    with its range of repeat purchases. Ties at an edge never split a frequency over two
    bands, so there may be fewer than ``bins`` bands (one band when every customer has the
    same frequency).

    Parameters
    ----------
    summary : pandas.DataFrame
        Customer summary with a repeat-purchase count per customer (any index; it is kept).
    bins : int, default 5
        Number of quantile bands asked for; an upper bound on the bands returned.
    frequency : str, default "frequency"
        Column holding the number of repeat purchases (non-negative numbers).

    Returns
    -------
    pandas.Series
        ``peer_group`` labels such as ``"frequency 2-9"`` (object dtype), indexed like
        ``summary``.

    Raises
    ------
    DataError
        Missing, non-numeric or negative values in the ``frequency`` column.

    See Also
    --------
    clv_components : uses these bands as the default peer groups of the potential value.
    crmmine.customer_summary : builds the summary with its ``frequency`` column.

    Examples
    --------
    >>> s = pd.DataFrame({"frequency": [0, 0, 0, 1, 2, 5, 9]})
    >>> peer_groups(s, bins=3).value_counts(sort=False).to_dict()
    {'frequency 0-1': 4, 'frequency 2-9': 3}
    """
    freq = check_numeric_column(
        summary,
        frequency,
        what="repeat purchases",
        minimum=0.0,
        fix="build the summary with crmmine.customer_summary",
    )
    edges = np.unique(np.quantile(freq, np.linspace(0, 1, bins + 1)))
    codes = np.clip(np.searchsorted(edges, freq, side="right") - 1, 0, max(len(edges) - 2, 0))
    if len(edges) == 1:
        codes = np.zeros(freq.shape, dtype=int)
    labels = []
    for k in range(max(len(edges) - 1, 1)):
        members = freq[codes == k]
        lo, hi = (members.min(), members.max()) if members.size else (edges[k], edges[k])
        labels.append(f"frequency {lo:g}" if lo == hi else f"frequency {lo:g}-{hi:g}")
    return pd.Series(np.asarray(labels, dtype=object)[codes], index=summary.index, name="peer_group")


@dataclass(repr=False)
class CLVComponents(Result):
    """Historical, current and potential value per customer (see :func:`clv_components`).

    Returned by :func:`clv_components`; the fields below are its attributes.
    ``by_segment()`` totals the components per peer group, ``summary()`` over all customers,
    and ``plot()`` draws them as stacked bars per segment.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer: ``historical``, ``current``, ``potential``, ``clv`` (their sum),
        ``p_alive`` (when the model has it), ``discounted_purchases``, ``spend_per_purchase``,
        ``wallet``, ``share_of_wallet``, ``segment``.
    settings : dict
        The horizon, time unit, rate, margin, quantile and as_of used.
    notes : list of str
        What the reader should know (small peer groups, left-out rows).

    See Also
    --------
    clv_components : builds it.
    historical_value : the historical component alone.
    peer_groups : the default segments.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"historical": [60.0, 25.0], "current": [30.0, 10.0],
    ...                       "potential": [0.0, 4.2], "clv": [90.0, 39.2],
    ...                       "segment": ["a", "b"]}, index=pd.Index([1, 2], name="customer_id"))
    >>> parts = CLVComponents(table=table)
    >>> parts.summary().loc["clv", ["total", "share"]].tolist()
    [129.2, 1.0]
    >>> parts.by_segment()["customers"].to_dict()
    {'a': 1, 'b': 1}
    """

    table: pd.DataFrame
    settings: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """The per-customer table (a copy)."""
        return self.table.copy()

    def by_segment(self) -> pd.DataFrame:
        """Per segment: customers, totals and means of the three components, share of the total."""
        grouped = self.table.groupby("segment", observed=True, sort=True)
        out = grouped[list(COMPONENTS)].sum()
        out.insert(0, "customers", grouped.size())
        out["clv"] = out[list(COMPONENTS)].sum(axis=1)
        for c in COMPONENTS:
            out[f"mean_{c}"] = out[c] / out["customers"]
        total = out["clv"].sum()
        out["share_of_total"] = out["clv"] / total if total else np.nan
        return out.sort_values("clv", ascending=False)

    def summary(self) -> pd.DataFrame:
        """Totals, means and shares of each component over all customers."""
        t = self.table
        totals = t[[*list(COMPONENTS), "clv"]].sum()
        return pd.DataFrame(
            {
                "total": totals,
                "mean": t[[*list(COMPONENTS), "clv"]].mean(),
                "share": totals / totals["clv"] if totals["clv"] else np.nan,
            }
        )

    def _repr_items(self) -> dict[str, Any]:
        s = self.table[list(COMPONENTS)].sum()
        return {
            "customers": len(self.table),
            "historical": float(s["historical"]),
            "current": float(s["current"]),
            "potential": float(s["potential"]),
        }

    def plot(self, ax: Any = None, *, per_customer: bool = True, **kwargs: Any) -> Any:
        """Stacked bars of the three components by segment; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(7, 4))
        table = self.by_segment()
        cols = [f"mean_{c}" for c in COMPONENTS] if per_customer else list(COMPONENTS)
        bottom = np.zeros(len(table))
        for col, name in zip(cols, COMPONENTS, strict=True):
            ax.bar(table.index.astype(str), table[col], bottom=bottom, label=name, **kwargs)
            bottom += table[col].to_numpy()
        ax.set_ylabel("value per customer" if per_customer else "total value")
        ax.set_title("Customer value: historical + current + potential")
        ax.tick_params(axis="x", labelrotation=45)
        ax.legend()
        return ax


@validate_params(
    {
        "horizon": ["duration"],
        "annual_discount_rate": [Interval(Real, -1, None, closed="neither")],
        "margin": [Interval(Real, 0, 1, closed="both")],
        "wallet_quantile": [Interval(Real, 0.5, 1, closed="both")],
        "min_peers": [Interval(int, 1, None)],
        "as_of": [None, "date"],
    }
)
def clv_components(
    tx: Any,
    summary: pd.DataFrame,
    transaction_model: Any,
    spend_model: Any = None,
    *,
    horizon: float | str,
    annual_discount_rate: float = 0.0,
    margin: float = 1.0,
    segment: Any = None,
    wallet_quantile: float = 0.9,
    min_peers: int = 20,
    as_of: Any = None,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
    amount: str | None = None,
) -> CLVComponents:
    """Historical, current and potential value of every customer (formulas in the module docs).

    Parameters
    ----------
    tx : table of transactions
        The clean log the summary was built from (``customer_id``, ``date``, ``amount``).
    summary : pandas.DataFrame
        Customer summary (``frequency``, ``recency``, ``T``, ``monetary_mean`` and what the
        models read), indexed by customer id; the models are fitted on it.
    transaction_model : fitted BGNBD, ParetoNBD or MBGNBD
        Forecasts each customer's discounted purchases over ``horizon`` (P(alive) included).
    spend_model : fitted GammaGamma, float or None, default None
        As in :func:`crmmine.value.clv`.
    horizon : float or str
        Length of the future window of the current value (a number in the transaction model's
        time unit ``time_unit_``, or a string such as ``"1Y"``).
    annual_discount_rate : float, default 0
        Compounds past margin and discounts future margin.
    margin : float, default 1
        Profit share of revenue, for all three components.
    segment : Series, optional
        Peer group (and reporting segment) per customer, aligned on the summary's index.
        Default: bands of purchase frequency (:func:`peer_groups`).
    wallet_quantile : float, default 0.9
        Quantile of peers' spend per purchase taken as the attainable wallet.
    min_peers : int, default 20
        Groups smaller than this use the whole base's quantile.
    as_of : date, optional
        Reference date; default the last transaction date, which must agree with the date
        the summary was built for.
    columns, customer_id, date, amount
        Column mapping of ``tx``.

    Returns
    -------
    CLVComponents
        ``table`` has one row per summary customer (same index) with ``historical``,
        ``current``, ``potential``, their sum ``clv`` and the inputs of the potential value;
        ``settings`` and ``notes`` record what was used and what to know.

    Raises
    ------
    DataError
        Customers in the summary without transactions or the other way round; duplicated ids.
    ParameterError
        ``as_of`` that contradicts the summary's reference date.

    See Also
    --------
    historical_value : the historical component.
    clv : the current component (discounted expected value over the horizon).
    peer_groups : the default peer groups of the potential component.
    CLVComponents : the result, with per-segment totals and a plot.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> tx = pd.DataFrame({"customer_id": [1, 1, 2], "amount": [20.0, 40.0, 25.0],
    ...                    "date": pd.to_datetime(["2020-01-06", "2020-03-02", "2020-02-03"])})
    >>> s = pd.DataFrame({"frequency": [1, 0], "recency": [8.0, 0.0], "T": [8.0, 4.0],
    ...                   "monetary_mean": [30.0, 25.0]}, index=pd.Index([1, 2], name="customer_id"))
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    >>> one = pd.Series("all", index=s.index)
    >>> parts = clv_components(tx, s, m, 30.0, horizon=52, segment=one, min_peers=1)
    >>> parts.to_frame()[["historical", "wallet", "potential"]].round(2)
                 historical  wallet  potential
    customer_id
    1                  60.0    29.5        0.0
    2                  25.0    29.5        4.2
    """
    if not isinstance(summary, pd.DataFrame):
        raise ParameterError(
            f"summary must be a pandas DataFrame (customer_summary output), got {type(summary).__name__}."
        )
    unique_index(summary.index, what="summary")
    if len(summary) == 0:
        raise DataError("summary has no customers. Fix: build it from a non-empty transaction log.")
    from crmmine.errors import missing_columns_error

    if "monetary_mean" not in summary.columns:
        raise missing_columns_error(["monetary_mean"], summary.columns, role="customer summary")
    spend = check_numeric_column(
        summary,
        "monetary_mean",
        what="spend per purchase",
        minimum=0.0,
        fix="build the summary with crmmine.customer_summary on clean data",
    )
    roles = resolve_roles(columns, _TX_ROLES, customer_id=customer_id, date=date, amount=amount)
    frame = require_frame(tx, list(roles.values()), what="transactions")
    last_day = utc_days(frame[roles["date"]]).max()
    ref = as_timestamp(as_of, "as_of").normalize() if as_of is not None else last_day
    built = summary.attrs.get("as_of")
    if built is not None and pd.Timestamp(built).normalize() != ref:
        raise ParameterError(
            f"as_of: the summary was built as of {pd.Timestamp(built).date()} but the historical value "
            f"would be computed as of {ref.date()}. Fix: pass as_of={str(pd.Timestamp(built).date())!r} "
            "(or rebuild the summary with the same as_of)."
        )
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        hist = historical_value(
            frame, as_of=ref, annual_discount_rate=annual_discount_rate, margin=margin, columns=roles
        )
    for w in caught:
        notes.append(str(w.message))
        warnings.warn(str(w.message), w.category, stacklevel=2)
    historical = align_to(
        hist, summary.index, name="historical value (customers in tx)", target="the summary"
    )

    current_table = _current_value(
        transaction_model, spend_model, summary, horizon, annual_discount_rate, margin
    )
    discounted = current_table["discounted_purchases"].to_numpy(dtype="float64")

    groups = (
        peer_groups(summary)
        if segment is None
        else align_to(segment, summary.index, name="segment", target="the summary")
    )
    if groups.isna().any():
        missing = groups[groups.isna()]
        raise bad_rows_error(
            "segment",
            "customers without a segment",
            missing,
            len(missing),
            "give every customer a segment (e.g. 'other')",
        )
    wallet = _wallets(spend, groups, wallet_quantile, min_peers, notes)
    gap = np.maximum(wallet - spend, 0.0)
    potential = margin * gap * discounted
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(wallet > 0, np.minimum(spend / wallet, 1.0), np.nan)
    table = pd.DataFrame(index=summary.index)
    table["historical"] = historical.to_numpy(dtype="float64")
    table["current"] = current_table["clv"].to_numpy(dtype="float64")
    table["potential"] = potential
    table["clv"] = table["historical"] + table["current"] + table["potential"]
    if "p_alive" in current_table:
        table["p_alive"] = current_table["p_alive"].to_numpy()
    table["discounted_purchases"] = discounted
    table["spend_per_purchase"] = spend
    table["wallet"] = wallet
    table["share_of_wallet"] = share
    table["segment"] = groups.to_numpy()
    settings = {
        "as_of": ref,
        "horizon": horizon,
        "time_unit": current_table.attrs.get("time_unit"),
        "annual_discount_rate": annual_discount_rate,
        "margin": margin,
        "wallet_quantile": wallet_quantile,
        "min_peers": min_peers,
    }
    return CLVComponents(table=table, settings=settings, notes=notes)


def _current_value(
    tm: Any, sm: Any, summary: pd.DataFrame, horizon: Any, rate: float, margin: float
) -> pd.DataFrame:
    """:func:`crmmine.value.clv` computed once per distinct (frequency, recency, T), then spread.

    Discounted expected purchases depend on those three columns only, so the BTYD model runs on
    the distinct rows (a million customers are a few hundred thousand rows) and each customer's
    current value is ``margin x her expected spend x her discounted purchases``, clv's formula.
    """
    from crmmine.value.clv import clv

    keys = ["frequency", "recency", "T"]
    from crmmine.errors import missing_columns_error

    missing = [k for k in keys if k not in summary.columns]
    if missing:
        raise missing_columns_error(missing, summary.columns, role="customer summary")
    for k in keys:
        check_numeric_column(
            summary, k, what="BTYD inputs", minimum=0.0, fix="build the summary with crmmine.customer_summary"
        )
    codes = summary.groupby(keys, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(summary))).groupby(codes).first().to_numpy()
    distinct = summary.iloc[first][keys].copy()
    distinct.attrs = dict(summary.attrs)
    table = clv(
        tm,
        None,
        distinct,
        horizon=horizon,
        annual_discount_rate=rate,
        margin=1.0,
    )
    if sm is None:
        spend = np.ones(len(summary))
    elif isinstance(sm, Real) and not isinstance(sm, bool):
        spend = np.full(len(summary), float(sm))
    else:
        spend = sm.expected_spend(summary).to_numpy(dtype="float64")
    out = pd.DataFrame(index=summary.index)
    if "p_alive" in table:
        out["p_alive"] = table["p_alive"].to_numpy()[codes]
    out["discounted_purchases"] = table["discounted_purchases"].to_numpy()[codes]
    out["expected_spend"] = spend
    out["clv"] = margin * spend * out["discounted_purchases"].to_numpy()
    out.attrs.update(table.attrs)
    return out


def _wallets(spend: np.ndarray, groups: pd.Series, q: float, min_peers: int, notes: list[str]) -> np.ndarray:
    """Per customer: the ``q`` quantile of spend in her group (whole base for small groups)."""
    codes, labels = pd.factorize(groups, sort=True)
    sizes = np.bincount(codes, minlength=len(labels))
    order = np.lexsort((spend, codes))
    per_group = np.full(len(labels), np.nan)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    sorted_spend = spend[order]
    for k in range(len(labels)):  # loop over groups (few), vectorised within each
        if sizes[k] >= min_peers:
            per_group[k] = np.quantile(sorted_spend[starts[k] : starts[k] + sizes[k]], q)
    small = np.flatnonzero(sizes < min_peers)
    if small.size:
        overall = float(np.quantile(spend, q))
        per_group[small] = overall
        names = ", ".join(f"{labels[k]!s} ({sizes[k]})" for k in small[:5])
        message = (
            f"{small.size} peer group(s) have fewer than min_peers={min_peers} customers ({names}"
            f"{', ...' if small.size > 5 else ''}); their wallet is the whole base's "
            f"{q:.0%} quantile of spend per purchase ({overall:,.2f}). Fix: merge small segments "
            "or lower min_peers."
        )
        notes.append(message)
        warnings.warn(message, DataWarning, stacklevel=3)
    return per_group[codes]
