"""CLV: agreement with lifetimes' customer_lifetime_value, discounting, bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import ParameterError
from crmmine.value import BGNBD, GammaGamma, clv, per_unit_rate


@pytest.fixture(scope="module")
def fitted(cdnow_summary_monetary):
    data = cdnow_summary_monetary.assign(repeat_monetary_mean=cdnow_summary_monetary["monetary_value"])
    data.attrs["time_unit"] = "W"
    return data, BGNBD().fit(data), GammaGamma().fit(data)


def test_matches_lifetimes_customer_lifetime_value(fitted):
    # lifetimes 0.11.3 (utils._customer_lifetime_value) sums 12 "months" of 4.345 weeks for freq="W",
    # discounting each month at 1% per month at its end. We reproduce it exactly with step=4.345
    # and the equivalent annual rate 1.01 ** (52.18 / 4.345) - 1 (weekly rate 1.01 ** (1/4.345) - 1).
    lifetimes = pytest.importorskip("lifetimes")  # the reference library itself
    assert lifetimes.__version__ == "0.11.3"
    data, m, gg = fitted
    step = 4.345
    annual = 1.01 ** ((365.25 / 7) / step) - 1
    ours = clv(m, gg, data, horizon=12 * step, step=step, annual_discount_rate=annual)
    theirs = gg.to_lifetimes().customer_lifetime_value(
        m.to_lifetimes(),
        data["frequency"],
        data["recency"],
        data["T"],
        data["monetary_value"],
        time=12,
        discount_rate=0.01,
        freq="W",
    )
    assert np.allclose(ours["clv"].to_numpy(), theirs.to_numpy(), rtol=1e-10)


def test_discounting_and_units(fitted):
    data, m, gg = fitted
    flat = clv(m, gg, data, horizon=52)
    assert np.allclose(clv(m, gg, data, horizon="364D")["clv"], flat["clv"])
    disc = clv(m, gg, data, horizon=52, annual_discount_rate=0.10)
    assert (disc["clv"] <= flat["clv"] + 1e-12).all()
    assert np.allclose(flat["discounted_purchases"], flat["expected_purchases"])
    assert np.allclose(flat["expected_purchases"], m.expected_purchases(data, 52))
    assert disc.attrs["discount_rate_per_unit"] == pytest.approx(per_unit_rate(0.10, "W"))
    # a longer horizon never lowers CLV
    assert (clv(m, gg, data, horizon=104)["clv"] >= flat["clv"] - 1e-12).all()
    # every customer is valued
    assert disc.index.equals(data.index) and disc["clv"].notna().all()


def test_annual_rate_needs_a_time_unit(fitted):
    data, m, gg = fitted
    bare = data.copy()
    bare.attrs = {}
    m2 = BGNBD.from_params(**m.params_.to_dict())
    with pytest.raises(ParameterError, match=r"(?s)time unit.*Fix"):
        clv(m2, gg.expected_spend_new(), bare, horizon=10, annual_discount_rate=0.1)
    with pytest.raises(ParameterError, match=r"(?s)time unit.*Fix"):
        clv(m2, gg.expected_spend_new(), bare, horizon="1Y")
    # without discounting and with a numeric horizon the unit is not needed
    assert clv(m2, gg.expected_spend_new(), bare, horizon=10)["clv"].notna().all()


def test_bootstrap_quantiles_are_ordered_and_reproducible(fitted):
    data, m, gg = fitted
    a = clv(m, gg, data, horizon=52, n_bootstrap=8, random_state=3)
    b = clv(m, gg, data, horizon=52, n_bootstrap=8, random_state=3)
    pd.testing.assert_frame_equal(a, b)
    assert (a["clv_q05"] <= a["clv_q50"] + 1e-9).all() and (a["clv_q50"] <= a["clv_q95"] + 1e-9).all()
    # the point estimate sits inside its interval for nearly everyone
    inside = (a["clv"] >= a["clv_q05"] - 1e-6) & (a["clv"] <= a["clv_q95"] + 1e-6)
    assert inside.mean() > 0.9
