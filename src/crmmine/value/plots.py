"""Plots for the buy-till-you-die models: frequency/recency matrices and cohort tracking."""

from __future__ import annotations

from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from crmmine._params import Interval, Options, validate_params

__all__ = ["frequency_recency_matrix", "plot_frequency_recency_matrix", "plot_tracking"]


@validate_params(
    {
        "kind": [Options({"expected", "p_alive"})],
        "max_frequency": [None, Interval(Integral, 0, None)],
        "n_recency": [Interval(Integral, 2, None)],
    }
)
def frequency_recency_matrix(
    model: Any,
    T: float,
    *,
    max_frequency: int | None = None,
    max_recency: float | None = None,
    kind: str = "expected",
    t: float = 1.0,
    n_recency: int = 40,
) -> pd.DataFrame:
    """Expected purchases in the next ``t`` units (``kind="expected"``) or P(alive)
    (``kind="p_alive"``) for a customer of age ``T`` over a grid of frequency and recency.

    Customers with no repeat purchase have recency 0 whatever the column, as in a customer
    summary, so the first row is constant.

    Parameters
    ----------
    model : fitted BGNBD, ParetoNBD or MBGNBD
        The model evaluated on the grid.
    T : float
        Customer age (time since the first purchase), in the model's time unit.
    max_frequency : int, optional
        Largest number of repeat purchases on the grid (default 20).
    max_recency : float, optional
        Largest recency on the grid, in the model's time unit (default ``T``; recency cannot
        exceed ``T``).
    kind : {"expected", "p_alive"}, default "expected"
        Expected purchases in the next ``t`` time units, or the probability of being alive.
    t : float, default 1
        Length of the forecast window for ``kind="expected"``, in the model's time unit.
    n_recency : int, default 40
        Number of recency values, evenly spaced from 0 to ``max_recency`` (at least 2).

    Returns
    -------
    pandas.DataFrame
        Rows: frequency 0..max_frequency; columns: recency values from 0 to ``max_recency``
        (rounded to 2 decimals).

    See Also
    --------
    plot_frequency_recency_matrix : draws it as a heat map.
    BGNBD.p_alive : P(alive) of actual customers.

    Examples
    --------
    >>> from crmmine.value import BGNBD
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> grid = frequency_recency_matrix(m, T=38.86, max_frequency=5, kind="p_alive", n_recency=5)
    >>> grid.shape
    (6, 5)
    >>> bool(grid.loc[5].is_monotonic_increasing)  # frequent buyers seen lately are alive
    True
    """
    max_frequency = int(max_frequency if max_frequency is not None else 20)
    max_recency = float(max_recency if max_recency is not None else T)
    freq = np.arange(max_frequency + 1, dtype="float64")
    rec = np.linspace(0.0, max_recency, n_recency)
    f_grid, r_grid = np.meshgrid(freq, rec, indexing="ij")
    frame = pd.DataFrame(
        {
            "frequency": f_grid.ravel(),
            "recency": np.where(f_grid.ravel() == 0, 0.0, r_grid.ravel()),
            "T": float(T),
        }
    )
    names = {"frequency": "frequency", "recency": "recency", "T": "T"}
    if kind == "p_alive":
        values = model.p_alive(frame, columns=names)
    else:
        values = model.expected_purchases(frame, t, columns=names)
    return pd.DataFrame(
        values.to_numpy().reshape(f_grid.shape), index=freq.astype(int), columns=np.round(rec, 2)
    )


def plot_frequency_recency_matrix(model: Any, T: float, *, kind: str = "p_alive", ax=None, **kwargs: Any):
    """Heat map of :func:`frequency_recency_matrix`; returns the Axes.

    Parameters
    ----------
    model : fitted BGNBD, ParetoNBD or MBGNBD
        The model evaluated on the grid.
    T : float
        Customer age, in the model's time unit.
    kind : {"p_alive", "expected"}, default "p_alive"
        What the colours show: P(alive), or expected purchases in the next ``t`` units.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    **kwargs
        Passed to :func:`frequency_recency_matrix` (``max_frequency``, ``max_recency``,
        ``t``, ``n_recency``).

    Returns
    -------
    matplotlib.axes.Axes
        The axes with the heat map and its colour bar.

    See Also
    --------
    frequency_recency_matrix : the numbers behind the plot.
    plot_tracking : the other diagnostic plot of a BTYD model.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from crmmine.value import BGNBD
    >>> m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    >>> ax = plot_frequency_recency_matrix(m, T=38.86, max_frequency=10)
    >>> ax.get_title(), ax.get_ylabel()
    ('P(alive) at T = 38.86', 'frequency (repeat purchases)')
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    grid = frequency_recency_matrix(model, T, kind=kind, **kwargs)
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 4.5))
    image = ax.imshow(
        grid.to_numpy(),
        aspect="auto",
        origin="lower",
        cmap="viridis",
        extent=(grid.columns[0], grid.columns[-1], grid.index[0] - 0.5, grid.index[-1] + 0.5),
    )
    ax.figure.colorbar(image, ax=ax, label="P(alive)" if kind == "p_alive" else "expected purchases")
    ax.set_xlabel("recency (last - first purchase)")
    ax.set_ylabel("frequency (repeat purchases)")
    ax.set_title(("P(alive)" if kind == "p_alive" else "Expected purchases") + f" at T = {T:g}")
    return ax


def plot_tracking(track: Any, ax=None):
    """Cumulative repeat purchases, actual vs expected, from :func:`crmmine.value.tracking`.

    A dotted line marks the end of the calibration period.

    Parameters
    ----------
    track : Tracking or pandas.DataFrame
        The :class:`~crmmine.value.Tracking` result, or its ``to_frame()`` (indexed by date,
        with ``actual``, ``expected`` and the bool ``calibration`` column).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.axes.Axes
        The axes with the two cumulative curves.

    See Also
    --------
    tracking : computes the curves.
    Tracking.plot : the same plot from the result.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import pandas as pd
    >>> days = pd.date_range("2020-01-06", periods=4, freq="W-MON")
    >>> track = pd.DataFrame({"actual": [1.0, 3.0, 4.0, 6.0], "expected": [1.5, 2.8, 4.2, 5.5],
    ...                       "calibration": [True, True, False, False]}, index=days)
    >>> ax = plot_tracking(track)
    >>> [line.get_label() for line in ax.get_lines()]
    ['actual', 'model', 'end of calibration']
    >>> plt.close(ax.figure)
    """
    import matplotlib.pyplot as plt

    if hasattr(track, "to_frame"):
        track = track.to_frame()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    ax.plot(track.index, track["actual"], "k-", label="actual")
    ax.plot(track.index, track["expected"], "--", color="#c0392b", label="model")
    cal = track.index[track["calibration"]]
    if len(cal):
        ax.axvline(cal[-1], color="grey", linestyle=":", label="end of calibration")
    ax.set_ylabel("cumulative repeat purchases")
    ax.set_title("Tracking: cumulative repeat purchases")
    ax.legend()
    return ax
