"""P(alive) of each customer over time, recomputed from her history at every step."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import narwhals as nw
import numpy as np
import pandas as pd

from crmmine._backend import collect_pandas, to_lazy
from crmmine._params import validate_params
from crmmine._results import Result
from crmmine._units import time_unit_days
from crmmine.data.columns import require_columns, resolve_columns
from crmmine.errors import DataError, ParameterError
from crmmine.value._methods_common import as_timestamp, utc_days

__all__ = ["AlivePath", "alive_path"]

#: Largest customer x time grid computed at once (rows); larger requests must name customers.
MAX_GRID = 5_000_000


@dataclass(repr=False)
class AlivePath(Result):
    """Result of :func:`alive_path`.

    The fields below are its attributes. ``summary()`` gives, per customer, her purchases,
    last purchase, P(alive) at the last time point and its lowest value on the path;
    ``plot(customers=...)`` draws the paths with the purchases marked.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per customer and time point: ``customer_id``, ``date``, ``frequency``,
        ``recency``, ``T`` (the summary as of that date) and ``p_alive``.
    purchases : pandas.DataFrame
        The purchase days (``customer_id``, ``date``).
    time_unit : str or float, optional
        The model's time unit (the unit of ``recency`` and ``T``).

    See Also
    --------
    alive_path : builds it.
    BGNBD.p_alive : P(alive) of every customer at one date.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"customer_id": [7, 7, 7],
    ...                       "date": pd.to_datetime(["2020-01-01", "2020-01-08", "2020-01-15"]),
    ...                       "frequency": [0.0, 0.0, 1.0], "recency": [0.0, 0.0, 2.0],
    ...                       "T": [0.0, 1.0, 2.0], "p_alive": [1.0, 1.0, 0.9]})
    >>> buys = pd.DataFrame({"customer_id": [7, 7],
    ...                      "date": pd.to_datetime(["2020-01-01", "2020-01-15"])})
    >>> AlivePath(table, buys, "W").summary().loc[7, ["purchases", "p_alive_now"]].tolist()
    [2.0, 0.9]
    """

    table: pd.DataFrame
    purchases: pd.DataFrame
    time_unit: Any = None

    def to_frame(self) -> pd.DataFrame:
        """The path: one row per customer and time point."""
        return self.table.copy()

    def summary(self) -> pd.DataFrame:
        """Per customer: purchases, P(alive) at the last time point and its lowest value on the path."""
        cid = self.table.columns[0]
        grouped = self.table.groupby(cid, sort=False)
        out = pd.DataFrame(
            {
                "purchases": self.purchases.groupby(self.purchases.columns[0], sort=False).size(),
                "last_purchase": self.purchases.groupby(self.purchases.columns[0], sort=False)["date"].max(),
                "p_alive_now": grouped["p_alive"].last(),
                "p_alive_min": grouped["p_alive"].min(),
            }
        )
        out.index.name = cid
        return out

    def _repr_items(self) -> dict[str, Any]:
        return {"customers": int(self.table.iloc[:, 0].nunique()), "points": len(self.table)}

    def plot(self, ax=None, customers: Iterable[Any] | None = None, **kwargs: Any):
        """P(alive) against the date, one line per customer, purchases marked; returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(8, 3.5))
        cid = self.table.columns[0]
        chosen = list(customers) if customers is not None else list(pd.unique(self.table[cid]))[:10]
        for i, c in enumerate(chosen):
            path = self.table[self.table[cid] == c]
            if path.empty:
                raise ParameterError(f"customer {c!r} is not in this path.")
            line = ax.step(path["date"], path["p_alive"], where="post", label=str(c), **kwargs)[0]
            days = self.purchases.loc[self.purchases[self.purchases.columns[0]] == c, "date"]
            ax.plot(days, np.full(len(days), 1.02 + 0.02 * i), "|", color=line.get_color(), markersize=10)
        ax.set_ylim(0, 1.05 + 0.02 * len(chosen))
        ax.set_ylabel("P(alive)")
        ax.set_title("P(alive) over time (ticks: purchases)")
        if len(chosen) > 1:
            ax.legend(title=str(cid), fontsize=8)
        return ax


@validate_params({"step": ["duration"]})
def alive_path(
    model: Any,
    transactions: Any,
    *,
    customers: Iterable[Any] | None = None,
    as_of: Any = None,
    step: Any = 1.0,
    columns: Mapping[str, str] | None = None,
    customer_id: str | None = None,
    date: str | None = None,
) -> AlivePath:
    """Each customer's P(alive) over time, from her first purchase to ``as_of``.

    At every time point the customer's summary is recomputed from the purchases made up to that
    day (purchases are distinct days, as ``count="days"``) and the model's P(alive) evaluated:
    it jumps up at each purchase and decays while she is silent.

    Parameters
    ----------
    model : fitted BGNBD, ParetoNBD or MBGNBD
        Its ``time_unit_`` must be known (it sets the unit of ``recency`` and ``T``).
    transactions : table
        Transactions (any backend): ``customer_id`` and ``date`` are read.
    customers : iterable of ids, optional
        Customers to follow (default all; a large grid asks you to choose).
    as_of : date-like, optional
        End of the path (default the last transaction date of the whole table); a later date
        shows the decay after the data end.
    step : number or str, default 1
        Distance between time points: a number of the model's time units, or ``"1D"``.
    columns : mapping, optional
        Role -> column name for ``customer_id`` and ``date``.
    customer_id, date : str, optional
        Column names (override ``columns``).

    Returns
    -------
    AlivePath
        ``table``: one row per customer and time point (every ``step`` from her first
        purchase, the last on ``as_of``) with her summary then and ``p_alive``;
        ``purchases``: her purchase days.

    Raises
    ------
    ParameterError
        A model without P(alive) in continuous time, or a grid larger than ``MAX_GRID``
        points (choose customers or a larger step).
    DataError
        Missing ids or dates, customers not in the transactions, purchases after ``as_of``.

    See Also
    --------
    BGNBD.p_alive : P(alive) of every customer at one date.
    frequency_recency_matrix : P(alive) over a grid of frequency and recency.
    crmmine.customer_summary : the summary the path recomputes at each time point.

    Examples
    --------
    >>> import pandas as pd
    >>> from crmmine.value import BGNBD
    >>> tx = pd.DataFrame({"customer_id": [7, 7, 7],
    ...                    "date": pd.to_datetime(["2020-01-01", "2020-01-15", "2020-02-12"])})
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    >>> path = alive_path(m, tx, as_of="2020-06-01")
    >>> path.to_frame()[["frequency", "p_alive"]].iloc[[0, 3, -1]].round(3).values.tolist()
    [[0.0, 1.0], [1.0, 0.719], [2.0, 0.354]]

    References
    ----------
    Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005). "Counting your customers" the easy way.
    *Marketing Science* 24(2) (P(alive) given x, t_x, T).
    """
    if not hasattr(model, "_p_alive") or not hasattr(model, "_survival"):
        raise ParameterError(
            "alive_path needs a continuous-time model (BGNBD, ParetoNBD, MBGNBD), got "
            f"{type(model).__name__}."
        )
    unit = model._unit("alive_path()")
    unit_days = time_unit_days(unit)
    step_units = float(model._horizon(step, name="step")) if isinstance(step, str) else float(step)
    cols = resolve_columns(columns, customer_id=customer_id, date=date)
    lf = to_lazy(transactions, what="transactions")
    require_columns(lf.collect_schema().names(), [cols.customer_id, cols.date], role="transactions",
                    parameters=cols.keywords())
    date_col = nw.col(cols.date)
    if getattr(lf.collect_schema()[cols.date], "time_zone", None) is not None:
        # as customer_summary: time-zone-aware dates are read in UTC, so days are UTC days
        date_col = date_col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    days = collect_pandas(
        lf.select(
            nw.col(cols.customer_id).alias("customer_id"), date_col.dt.truncate("1d").alias("date")
        ).unique()
    )
    if days.isna().any().any():
        raise DataError(
            "some transactions have a missing customer id or date. Fix: clean the log first "
            "with clean_transactions(...)."
        )
    days["date"] = utc_days(days["date"])
    last_date = days["date"].max()  # as_of defaults to the data's last day
    if customers is not None:
        wanted = pd.Index(list(customers))
        missing = wanted.difference(pd.Index(days["customer_id"].unique()))
        if len(missing):
            raise DataError(
                f"{len(missing)} customers are not in the transactions, e.g. {list(missing[:5])}."
            )
        days = days[days["customer_id"].isin(wanted)]
    if days.empty:
        raise DataError("no transactions to follow. Fix: check the table and customers=.")
    dates = pd.to_datetime(days["date"])
    end = as_timestamp(as_of, "as_of").normalize() if as_of is not None else last_date
    if (dates > end).any():
        raise DataError(f"transactions after as_of={end.date()}: pass a later as_of or filter the log.")
    epoch = dates.min().normalize()
    day_num = ((dates - epoch) / pd.Timedelta(days=1)).to_numpy(dtype="float64")
    # customers in the order asked for, else sorted: never the engine's arbitrary row order
    if customers is not None:
        ids = wanted.unique()
        codes = ids.get_indexer(days["customer_id"])
    else:
        try:
            codes, ids = pd.factorize(days["customer_id"], sort=True)
        except TypeError:  # ids of mixed types
            codes, ids = pd.factorize(days["customer_id"])
    order = np.lexsort((day_num, codes))
    codes, day_num = codes[order], day_num[order]
    n_cust = len(ids)
    first = np.full(n_cust, np.inf)
    np.minimum.at(first, codes, day_num)
    start_idx = np.searchsorted(codes, np.arange(n_cust), side="left")
    end_day = (end - epoch) / pd.Timedelta(days=1)
    step_days = step_units * unit_days
    # points every step from the first purchase, the last one on as_of itself
    n_points = np.ceil((end_day - first) / step_days - 1e-9).astype(int) + 1
    if int(n_points.sum()) > MAX_GRID:
        raise ParameterError(
            f"the path has {int(n_points.sum()):,} points (customers x time points), more than {MAX_GRID:,}. "
            "Fix: pass customers=[...] or a larger step."
        )
    grid_code = np.repeat(np.arange(n_cust), n_points)
    offsets = np.arange(grid_code.shape[0]) - np.repeat(np.cumsum(n_points) - n_points, n_points)
    grid_day = np.minimum(first[grid_code] + offsets * step_days, end_day)
    # purchases up to and including each grid day, per customer, by one sorted search
    scale = float(end_day - day_num.min() + 2.0)
    keys = codes * scale + (day_num - day_num.min())
    found = np.searchsorted(keys, grid_code * scale + (grid_day - day_num.min()) + 1e-9, side="right")
    count = found - start_idx[grid_code]
    last = day_num[found - 1]
    frame = pd.DataFrame(
        {
            "frequency": (count - 1).astype("float64"),
            "recency": (last - first[grid_code]) / unit_days,
            "T": (grid_day - first[grid_code]) / unit_days,
        }
    )
    p = model.p_alive(frame, columns={"frequency": "frequency", "recency": "recency", "T": "T"}).to_numpy()
    id_name = cols.customer_id
    table = pd.DataFrame(
        {
            id_name: ids[grid_code],
            "date": epoch + pd.to_timedelta(grid_day, unit="D"),
            **{k: frame[k].to_numpy() for k in ("frequency", "recency", "T")},
            "p_alive": p,
        }
    )
    purchases = pd.DataFrame({id_name: ids[codes], "date": epoch + pd.to_timedelta(day_num, unit="D")})
    return AlivePath(table=table, purchases=purchases, time_unit=unit)
