"""Holdout validation on CDNOW (Fader, Hardie & Lee 2005, 39-week calibration and holdout)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from crmmine.errors import DataError
from crmmine.value import (
    BGNBD,
    ParetoNBD,
    expected_frequency_counts,
    frequency_recency_matrix,
    holdout_validation,
    plot_frequency_recency_matrix,
    plot_tracking,
    tracking,
)


@pytest.fixture(scope="module")
def cdnow(shared_data):
    import crmmine as cm

    tx = cm.datasets.load_cdnow(path=shared_data / "cdnow" / "CDNOW_sample.txt")
    cal, hold = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W", count="days")
    return tx, cal, hold


def test_holdout_table_on_cdnow(cdnow):
    _, cal, hold = cdnow
    models = {"BG/NBD": BGNBD().fit(cal), "Pareto/NBD": ParetoNBD().fit(cal)}
    res = holdout_validation(models, cal, hold)
    table = res.to_frame()
    assert table.loc["BG/NBD", "actual"] == hold["purchases"].sum()
    assert np.isclose(
        table.loc["BG/NBD", "predicted"], models["BG/NBD"].expected_purchases(cal, hold["duration"]).sum()
    )
    # both models land within 15% of the actual holdout total (FHL 2005 report both close, slightly low)
    assert ((table["predicted"] / table["actual"] - 1).abs() < 0.15).all()
    assert np.isclose(table.loc["BG/NBD", "log_likelihood"], -9582.43, atol=0.01)
    assert res.by_frequency["customers"].sum() == len(cal)
    # the expected frequency histogram sums to the number of customers
    assert np.isclose(res.frequency_fit["BG/NBD"].sum(), len(cal))
    assert list(res.summary().index) == ["BG/NBD", "Pareto/NBD"]
    assert "BG/NBD" in repr(res) and "<table" in res._repr_html_()
    assert isinstance(res.plot(), matplotlib.axes.Axes)


def test_expected_frequency_counts_match_pmf_sum(cdnow):
    _, cal, _ = cdnow
    m = BGNBD().fit(cal)
    counts = expected_frequency_counts(m, cal, 5)
    direct = np.array([m.purchase_pmf(k, cal["T"].to_numpy()).sum() for k in range(5)])
    assert np.allclose(counts[:5], direct)
    assert np.isclose(counts.sum(), len(cal))


def test_tracking_totals_are_consistent(cdnow):
    tx, cal, hold = cdnow
    m = BGNBD().fit(cal)
    result = tracking(m, tx, calibration_end="1997-09-30", observation_end="1998-06-30", count="days")
    track = result.to_frame()
    last_cal = track[track["calibration"]].iloc[-1]
    assert last_cal["actual"] == cal["frequency"].sum()
    assert track["actual"].iloc[-1] == cal["frequency"].sum() + hold["purchases"].sum()
    assert track["expected"].is_monotonic_increasing
    assert isinstance(plot_tracking(track), matplotlib.axes.Axes)
    assert isinstance(result.plot(), matplotlib.axes.Axes)
    assert result.summary().loc["end of observation", "actual"] == track["actual"].iloc[-1]


def test_frequency_recency_matrix_is_monotone():
    m = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)
    grid = frequency_recency_matrix(m, T=38.86, max_frequency=10, kind="p_alive", n_recency=12)
    # for a given frequency > 0, a more recent last purchase means more likely alive
    assert (np.diff(grid.iloc[1:].to_numpy(), axis=1) >= -1e-12).all()
    assert isinstance(plot_frequency_recency_matrix(m, 38.86, max_frequency=10), matplotlib.axes.Axes)


def test_misaligned_holdout_is_refused(cdnow):
    _, cal, hold = cdnow
    with pytest.raises(DataError, match="same ids"):
        holdout_validation(BGNBD.from_params(r=0.24, alpha=4.4, a=0.79, b=2.4), cal, hold.iloc[:-3])
