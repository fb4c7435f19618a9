"""The value section: one-year CLV whatever the time unit, holdout notes, the P(alive) caveat."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import BoundaryFitWarning
from crmmine.report import ReportContext, ReportSettings
from crmmine.report.sections.value import clv_by_group, holdout_table, report_section
from crmmine.value import BGNBD, holdout_validation


@pytest.fixture(scope="module")
def tx():
    return cm.datasets.load_online_retail_clean()[0]


@pytest.mark.parametrize(("unit", "periods"), [("Q", 4.0), ("14D", 365.25 / 14)])
def test_one_year_clv_is_one_year_whatever_the_time_unit(tx, unit, periods):
    # issue 10: with --time-unit Q the "one-year CLV" covered three years, with 14D 168 days
    reference = ReportContext.from_transactions(tx, settings=ReportSettings(time_unit="D", holdout="30W"))
    ctx = ReportContext.from_transactions(tx, settings=ReportSettings(time_unit=unit, holdout="30W"))
    with pytest.warns(BoundaryFitWarning):  # the sample's BG/NBD fit collapses in every unit
        report_section(reference)
        section = report_section(ctx)
    assert ctx.clv.attrs["horizon"] == pytest.approx(periods)
    assert f"next 1Y ({periods:g} " in section.html
    # BG/NBD's likelihood is invariant to the time scale, so the expected purchases over 365.25 days
    # agree; the fits end at different points of the same collapsed boundary (a -> 0, b -> inf), so
    # they agree to 0.4% rather than to rounding (4,285.6 in days, 4,288.6 in quarters, 4,273.9 in
    # 14-day periods). The bug this guards against was a factor of 3 (Q) and 0.46 (14D).
    np.testing.assert_allclose(ctx.clv["expected_purchases"].sum(),
                               reference.clv["expected_purchases"].sum(), rtol=0.01)
    assert "Holdout check skipped" in section.html  # a 30-week holdout leaves too little calibration


def test_value_section_fills_the_context_and_names_the_components(tx):
    ctx = ReportContext.from_transactions(tx)
    with pytest.warns(BoundaryFitWarning):
        section = report_section(ctx)
    assert section.n_figures == 3
    assert ctx.clv.index.equals(ctx.btyd_summary.index) and (ctx.clv["clv"] >= 0).all()
    assert isinstance(ctx.btyd_model, BGNBD) and ctx.btyd_model.time_unit_ == "D"
    assert "CLV components by CLV decile (D1 = top)" in section.html  # no segmentation ran before
    assert "Holdout check: calibration to 2011-09-09, holdout 13W" in section.html


def test_clv_by_group_flags_one_time_buyers_only_where_p_alive_is_one():
    values = pd.DataFrame({"clv": [10.0, 5.0, 0.5, 0.4, 0.3], "p_alive": [0.7, 0.9, 1.0, 1.0, 0.4]},
                          index=[1, 2, 3, 4, 5])
    summary = pd.DataFrame({"frequency": [3, 2, 0, 0, 0]}, index=[1, 2, 3, 4, 5])
    groups = pd.Series(["loyal", "loyal", "new", "new", "lapsed"], index=[1, 2, 3, 4, 5])
    table = clv_by_group(values, summary, groups)
    assert table["alive_by_construction"].to_dict() == {"loyal": False, "new": True, "lapsed": False}
    assert table.loc["new", "share_one_time_buyers"] == 1.0


def test_holdout_table_says_when_two_models_collapsed_to_the_same_nbd():
    cal = pd.DataFrame({"frequency": [2, 0, 5, 1], "recency": [30.0, 0.0, 35.0, 10.0], "T": [39.0] * 4})
    hold = pd.DataFrame({"purchases": [1, 0, 3, 1], "duration": [39.0] * 4}, index=cal.index)
    nbd_a = BGNBD.from_params(r=0.5, alpha=10.0, a=1e-8, b=1e4)
    nbd_b = BGNBD.from_params(r=0.5, alpha=10.0, a=1e-8, b=1e4)
    fine = BGNBD.from_params(r=0.24, alpha=4.4, a=0.79, b=2.43)
    for model in (nbd_a, nbd_b):
        model.boundary_ = {p: "drop-out collapsed (nobody leaves)" for p in ("a", "b")}
    models = {"one": nbd_a, "two": nbd_b, "fine": fine}
    table = holdout_table(holdout_validation(models, cal, hold), models)
    assert table.loc["one", "note"] == (
        "at a boundary: drop-out collapsed (nobody leaves); identical to two: both reduced to the NBD "
        "model (no drop-out)")
    assert "identical to one" in table.loc["two", "note"]
    assert table.loc["fine", "note"] == ""


def test_cdnow_example_runs(shared_data, run_example):
    assert "Holdout (39 weeks)" in run_example("value_cdnow.py")
