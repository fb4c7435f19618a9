"""Holdout validation on CDNOW (Fader, Hardie & Lee 2005, 39-week calibration and holdout)."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest

from crmmine.errors import DataError
from crmmine.value import (
    BGBB,
    BGNBD,
    ParetoNBD,
    expected_frequency_counts,
    frequency_recency_matrix,
    holdout_validation,
    period_transactions,
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


def test_period_transactions_match_the_simulated_histogram(cdnow_summary):
    # The model column is exact (sum of P(X(T_i) = x)); simulating every customer at her own age
    # many times must give the same histogram up to Monte Carlo error.
    model = BGNBD().fit(cdnow_summary)
    res = period_transactions(model, cdnow_summary, max_frequency=5)
    table = res.to_frame()
    assert list(table.index) == ["0", "1", "2", "3", "4", "5+"]
    observed = np.bincount(np.minimum(cdnow_summary["frequency"].to_numpy(), 5), minlength=6)
    assert table["actual"].tolist() == observed.tolist()
    assert table["model"].sum() == pytest.approx(len(cdnow_summary))
    ages = np.tile(cdnow_summary["T"].to_numpy(), 40)
    sim = model.simulate(ages, random_state=0)
    simulated = np.bincount(np.minimum(sim["frequency"].to_numpy(), 5), minlength=6) / 40
    se = np.sqrt(table["model"].to_numpy() / 40)
    assert (np.abs(simulated - table["model"].to_numpy()) < 4 * se + 1).all()
    assert res.summary().loc[0, "customers"] == len(cdnow_summary) and 0 <= res.chi2_p <= 1
    assert isinstance(res.plot(), matplotlib.axes.Axes)


def test_period_transactions_for_bgbb(donations):
    model = BGBB.from_params(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)
    expanded = donations.loc[donations.index.repeat(donations["weights"])].reset_index(drop=True)
    table = period_transactions(model, expanded, max_frequency=6).to_frame()
    # FHS (2010) fit the donations histogram closely: every bin within 3% of the donors
    assert table["model"].sum() == pytest.approx(11104)
    assert (np.abs(table["model"] - table["actual"]) < 0.03 * 11104).all()
