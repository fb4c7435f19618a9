"""CLV components: each formula against a hand computation; alignment and completeness."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import DataError, DataWarning, ParameterError
from crmmine.value import BGNBD, CLVComponents, clv, clv_components, historical_value, peer_groups

# BG/NBD parameters of Fader, Hardie & Lee (2005a) for CDNOW (weekly): the model is only a
# vehicle here; the tests check how the components combine, not the fit.
CDNOW = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}


def _small():
    tx = pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3, 3, 3],
            "date": pd.to_datetime(
                ["2020-01-06", "2020-03-02", "2020-02-03", "2020-01-13", "2020-02-10", "2020-03-02"]
            ),
            "amount": [20.0, 40.0, 25.0, 10.0, 10.0, 100.0],
            "order_id": [1, 2, 3, 4, 5, 6],
        }
    )
    summary = cm.customer_summary(tx, time_unit="W", count="days")
    return tx, summary


def test_historical_value_by_hand():
    # 100 bought exactly one year (366 days, 2020 is a leap year) before as_of at 10%:
    # 100 x 1.1^(366/365.25); 50 on as_of counts at face value.
    tx = pd.DataFrame(
        {"customer_id": [1, 1], "amount": [100.0, 50.0], "date": pd.to_datetime(["2019-12-31", "2020-12-31"])}
    )
    got = historical_value(tx, as_of="2020-12-31", annual_discount_rate=0.10, margin=0.3)
    assert got[1] == pytest.approx(0.3 * (100 * 1.1 ** (366 / 365.25) + 50))


def test_components_add_up_and_match_their_formulas():
    tx, summary = _small()
    before_tx, before_s = tx.copy(), summary.copy()
    model = BGNBD.from_params(**CDNOW, time_unit="W")
    seg = pd.Series(["a", "a", "a"], index=summary.index[::-1])  # another order: aligned by id
    parts = clv_components(
        tx, summary, model, 30.0, horizon=52, annual_discount_rate=0.1, margin=0.5, segment=seg, min_peers=1
    )
    pd.testing.assert_frame_equal(tx, before_tx)
    pd.testing.assert_frame_equal(summary, before_s)
    t = parts.to_frame()
    assert list(t.index) == list(summary.index)
    assert np.allclose(t["clv"], t["historical"] + t["current"] + t["potential"])
    # current value = crmmine's clv with the same settings
    ref = clv(model, 30.0, summary, horizon=52, annual_discount_rate=0.1, margin=0.5)
    assert np.allclose(t["current"], ref["clv"])
    # historical: compounded to as_of = 2020-03-02
    as_of = pd.Timestamp("2020-03-02")
    for cid, g in tx.groupby("customer_id"):
        days = (as_of - g["date"]).dt.days.to_numpy()
        assert t.loc[cid, "historical"] == pytest.approx(
            0.5 * float((g["amount"] * 1.1 ** (days / 365.25)).sum())
        )
    # potential: wallet = 90% quantile of monetary_mean over the one segment, gap x discounted purchases
    spend = summary["monetary_mean"].to_numpy()
    wallet = np.quantile(spend, 0.9)
    expected = 0.5 * np.maximum(wallet - spend, 0) * ref["discounted_purchases"].to_numpy()
    assert np.allclose(t["potential"], expected)
    assert np.allclose(t["share_of_wallet"], np.minimum(spend / wallet, 1))


def test_by_segment_and_summary_totals():
    tx, summary = _small()
    seg = pd.Series(["x", "y", "x"], index=summary.index)
    parts = clv_components(
        tx, summary, BGNBD.from_params(**CDNOW, time_unit="W"), 30.0, horizon=10, segment=seg, min_peers=1
    )
    by = parts.by_segment()
    assert by["customers"].sum() == 3
    assert by["clv"].sum() == pytest.approx(parts.to_frame()["clv"].sum())
    assert parts.summary().loc["clv", "share"] == pytest.approx(1.0)
    assert "CLVComponents(customers=3" in repr(parts)
    assert "<div>" in parts._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    assert parts.plot().get_ylabel() == "value per customer"


def test_small_peer_groups_use_the_whole_base_and_warn():
    tx, summary = _small()
    with pytest.warns(DataWarning, match="fewer than min_peers"):
        parts = clv_components(tx, summary, BGNBD.from_params(**CDNOW, time_unit="W"), 30.0, horizon=10)
    assert isinstance(parts, CLVComponents)
    assert parts.notes and "min_peers" in parts.notes[0]
    assert np.allclose(parts.to_frame()["wallet"], np.quantile(summary["monetary_mean"], 0.9))


def test_peer_groups_keep_ties_together():
    s = pd.DataFrame({"frequency": [0] * 50 + [1] * 30 + [2, 3, 5, 8, 13] * 4})
    groups = peer_groups(s)
    for f in s["frequency"].unique():
        assert groups[s["frequency"] == f].nunique() == 1


def test_as_of_must_agree_with_the_summary():
    tx, summary = _small()
    with pytest.raises(ParameterError, match="as_of"):
        clv_components(
            tx,
            summary,
            BGNBD.from_params(**CDNOW, time_unit="W"),
            30.0,
            horizon=10,
            as_of="2020-02-01",
            min_peers=1,
        )


def test_customers_missing_from_tx_raise():
    tx, summary = _small()
    with pytest.raises(DataError, match="same ids"):
        clv_components(
            tx[tx["customer_id"] != 2],
            summary,
            BGNBD.from_params(**CDNOW, time_unit="W"),
            30.0,
            horizon=10,
            min_peers=1,
        )


def test_online_retail_sample_every_customer_accounted_for():
    tx, _ = cm.datasets.load_online_retail_clean()
    summary = cm.customer_summary(tx, time_unit="W", count="days")
    model = BGNBD.from_params(**CDNOW, time_unit="W")  # fixed parameters: the sample's own fit is degenerate
    parts = clv_components(tx, summary, model, 50.0, horizon="1Y", annual_discount_rate=0.1, margin=0.3)
    t = parts.to_frame()
    assert len(t) == len(summary) and t.index.equals(summary.index)
    assert np.isfinite(t[["historical", "current", "potential", "clv"]].to_numpy()).all()
    assert (t[["historical", "current", "potential"]] >= 0).all().all()
    # every customer's history is compounded margin: at least 30% of what she spent
    assert (t["historical"] >= 0.3 * summary["monetary"] - 1e-9).all()


def test_current_value_on_distinct_rows_equals_clv_per_customer():
    # Customers sharing (frequency, recency, T) are valued once and spread back: the result must be
    # clv() customer by customer, with a Gamma-Gamma spend that differs between them.
    from crmmine.value import GammaGamma

    rng = np.random.default_rng(0)
    n = 400
    freq = rng.integers(0, 4, n)
    rec = np.where(freq > 0, rng.integers(1, 20, n), 0).astype(float)
    summary = pd.DataFrame(
        {
            "frequency": freq,
            "recency": rec,
            "T": 20.0,
            "monetary_mean": rng.uniform(5, 50, n),
            "repeat_monetary_mean": np.where(freq > 0, rng.uniform(5, 50, n), 0.0),
        },
        index=pd.Index(np.arange(n) * 7, name="customer_id"),
    )
    summary.attrs["time_unit"] = "W"
    tx = pd.DataFrame(
        {
            "customer_id": summary.index,
            "date": pd.Timestamp("2020-06-01"),
            "amount": summary["monetary_mean"].to_numpy(),
        }
    )
    bg = BGNBD.from_params(**CDNOW, time_unit="W")
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    parts = clv_components(
        tx,
        summary,
        bg,
        gg,
        horizon=26,
        annual_discount_rate=0.1,
        margin=0.4,
        segment=pd.Series("all", index=summary.index),
    )
    ref = clv(bg, gg, summary, horizon=26, annual_discount_rate=0.1, margin=0.4)
    assert np.allclose(parts.to_frame()["current"], ref["clv"], rtol=1e-12)
    assert np.allclose(parts.to_frame()["p_alive"], ref["p_alive"], rtol=1e-12)
