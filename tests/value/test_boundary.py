"""Trust (issue 10, items 4 and 5): boundary fits warn, nothing-to-learn raises, same-day repeats.

The README tour fitted BG/NBD on the embedded Online Retail calibration summary and came back with
a = 1.97e-06, b = 2.49e+04 and NaN standard errors without a word: the drop-out process had
collapsed (the model is an NBD, P(alive) = 1 for everyone). These tests pin the warning, its place
in ``warnings_`` / ``summary()``, and the other silent cases of the issue.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import BoundaryFitWarning, DataError, DataWarning
from crmmine.value import BGBB, BGNBD, MBGNBD, GammaGamma, ParetoNBD


@pytest.fixture(scope="module")
def retail_calibration():
    """The README tour's calibration summary (embedded Online Retail sample), purchases as days."""
    raw = cm.datasets.load_online_retail()
    tx, _ = cm.clean_transactions(
        raw, columns=cm.datasets.ONLINE_RETAIL_COLUMNS, unit_price="UnitPrice", returns="drop"
    )
    cal, _ = cm.calibration_holdout(tx, "2011-09-09", "2011-12-09", time_unit="W", count="days")
    return cal


@pytest.mark.parametrize(
    "cls,collapsed", [(BGNBD, ("a", "b")), (ParetoNBD, ("s", "beta")), (MBGNBD, ("a", "b"))]
)
def test_collapsed_dropout_warns_and_is_kept(retail_calibration, cls, collapsed):
    with pytest.warns(
        BoundaryFitWarning, match=r"(?s)drop-out process collapsed.*NBD model.*P\(alive\) is 1"
    ):
        model = cls().fit(retail_calibration)
    assert any(w.startswith("BoundaryFitWarning") for w in model.warnings_)
    assert set(model.boundary_) == set(collapsed)
    table = model.summary()
    assert "note" in table.columns
    for p in collapsed:
        assert "drop-out collapsed" in table.loc[p, "note"]
    # what it means for the predictions, as the message says: everybody is alive
    assert model.p_alive(retail_calibration).min() > 0.999


def test_regular_fit_has_no_warning_and_no_note_column(cdnow_summary):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = BGNBD().fit(cdnow_summary)
    assert model.warnings_ == [] and model.boundary_ == {}
    assert list(model.summary().columns) == ["coef", "se", "lower 95%", "upper 95%"]


def test_wald_intervals_are_on_the_log_scale(cdnow_summary):
    table = BGNBD().fit(cdnow_summary).summary()
    # delta method on log(theta): theta * exp(+-1.96 se / theta); both bounds positive, asymmetric
    z = 1.959963984540054
    expected_lower = table["coef"] * np.exp(-z * table["se"] / table["coef"])
    np.testing.assert_allclose(table["lower 95%"], expected_lower, rtol=1e-12)
    np.testing.assert_allclose(table["lower 95%"] * table["upper 95%"], table["coef"] ** 2, rtol=1e-12)
    assert (table["lower 95%"] > 0).all()


def test_wald_lower_bound_stays_positive_where_the_linear_one_went_negative():
    # a = 0.25 with se 0.3: the linear interval would start at 0.25 - 1.96 * 0.3 = -0.338
    m = BGNBD.from_params(r=0.5, alpha=2.0, a=0.25, b=3.0)
    m.standard_errors_ = pd.Series([0.05, 0.3, 0.3, 1.0], index=m.params_.index)
    table = m.summary()
    assert table.loc["a", "lower 95%"] == pytest.approx(0.25 * np.exp(-1.959963984540054 * 0.3 / 0.25))
    assert (table["lower 95%"] > 0).all()


@pytest.mark.parametrize("cls", [BGNBD, ParetoNBD, MBGNBD])
def test_nothing_to_learn_raises(cls):
    zero_freq = pd.DataFrame({"frequency": [0, 0, 0], "recency": [0.0] * 3, "T": [3.0, 5.0, 8.0]})
    with pytest.raises(DataError, match=r"(?s)'frequency'.*nobody made a repeat purchase.*Fix"):
        cls().fit(zero_freq)
    zero_age = pd.DataFrame({"frequency": [0, 0], "recency": [0.0, 0.0], "T": [0.0, 0.0]})
    with pytest.raises(DataError, match=r"(?s)'T'.*T = 0 for every customer.*Fix"):
        cls().fit(zero_age)


def test_nothing_to_learn_for_bgbb_and_gammagamma():
    with pytest.raises(DataError, match=r"(?s)'frequency'.*no transaction at all"):
        BGBB().fit(pd.DataFrame({"frequency": [0, 0], "recency": [0, 0], "periods": [6, 6]}))
    with pytest.raises(DataError, match=r"(?s)'frequency'.*no repeat purchase"):
        GammaGamma().fit(pd.DataFrame({"frequency": [0, 0], "repeat_monetary_mean": [0.0, 0.0]}))


def test_zero_weight_rows_do_not_count_as_something_to_learn():
    s = pd.DataFrame({"frequency": [0, 3], "recency": [0.0, 4.0], "T": [5.0, 6.0], "w": [10.0, 0.0]})
    with pytest.raises(DataError, match="nobody made a repeat purchase"):
        BGNBD().fit(s, weights="w")


def test_homogeneous_purchase_rates_warn():
    # Everyone buys exactly every 4 weeks and nobody leaves: the counts are less dispersed than any
    # gamma mixture allows, so r and alpha run off together (one Poisson rate for all) and so do a, b.
    T = np.repeat([40.0, 44.0, 48.0, 52.0], 500)
    x = np.floor(T / 4.0)
    s = pd.DataFrame({"frequency": x, "recency": x * 4.0, "T": T})
    with pytest.warns(BoundaryFitWarning) as record:
        model = BGNBD().fit(s)
    messages = [str(w.message) for w in record]
    assert any("heterogeneity of purchase rate vanished" in m and "r/alpha = 0.25" in m for m in messages)
    assert any("drop-out process collapsed" in m for m in messages)
    assert set(model.boundary_) == {"r", "alpha", "a", "b"}
    # an over-dispersion that the sample happens to show is not a boundary: r = 521 (se 619) is interior
    rng = np.random.default_rng(3)
    x = rng.poisson(0.3 * 52.0, 4000)
    tx = np.where(x > 0, 52.0 * rng.beta(np.maximum(x, 1), 1), 0.0)
    with pytest.warns(BoundaryFitWarning) as record:
        poisson = BGNBD().fit(pd.DataFrame({"frequency": x, "recency": tx, "T": 52.0}))
    assert set(poisson.boundary_) == {"a", "b"}


def test_same_day_repeats_warn_and_day_counting_fixes_them(shared_data):
    # CDNOW master customer 2 bought twice on 1997-01-12. Counted as separate orders the BG/NBD
    # calls her nearly dead; counted as days (the literature's summary) she has no repeat purchase
    # and P(alive) = 1.
    tx = cm.datasets.load_cdnow(master=True, path=shared_data / "cdnow" / "CDNOW_master.txt")
    assert (tx.loc[tx["customer_id"] == 2, "date"] == pd.Timestamp("1997-01-12")).sum() == 2
    orders = tx.assign(order_id=np.arange(len(tx)))
    cal_o, _ = cm.calibration_holdout(orders, "1997-09-30", "1998-06-30", time_unit="W", count="orders")
    assert cal_o.loc[2, "frequency"] == 1 and cal_o.loc[2, "recency"] == 0
    with pytest.warns(DataWarning, match=r"(?s)repeat purchases but recency 0.*count='days'"):
        by_orders = BGNBD().fit(cal_o)
    assert by_orders.p_alive(cal_o).loc[2] < 0.5
    cal_d, _ = cm.calibration_holdout(tx, "1997-09-30", "1998-06-30", time_unit="W", count="days")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        by_days = BGNBD().fit(cal_d)
    assert by_days.p_alive(cal_d).loc[2] == 1.0
    # Gamma-Gamma fits the master calibration summary built with count="days"; the one customer whose
    # only repeat purchase is worth $0 (10244) is left out of the spend fit with a DataWarning.
    with pytest.warns(DataWarning, match=r"(?s)zero or negative spend.*10244"):
        gg = GammaGamma().fit(cal_d)
    assert gg.n_excluded_nonpositive_ == 1
    assert gg.n_obs_ == int((cal_d["frequency"] > 0).sum()) - 1
    assert gg.params_["q"] > 1 and np.isfinite(gg.expected_spend(cal_d)).all()
    with pytest.raises(DataError, match=r"(?s)repeat_monetary_mean.*10244.*Fix"):
        GammaGamma(nonpositive="raise").fit(cal_d)
