"""P(alive) paths per customer over time (issue 13, item 8), checked by hand."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import polars as pl
import pytest

from crmmine.errors import DataError, ParameterError
from crmmine.value import BGNBD, ParetoNBD, alive_path

BG = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}


@pytest.fixture
def tx():
    return pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "a", "b"],
            "date": pd.to_datetime(
                [
                    "2020-01-01 10:00",
                    "2020-01-15 09:00",
                    "2020-01-15 18:00",
                    "2020-02-12 12:00",
                    "2020-03-01 08:30",
                ]
            ),
            "amount": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )


def _bg_p_alive(x, tx_, T):
    r, alpha, a, b = BG.values()
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + tx_)) ** (r + x))


def test_path_recomputes_the_summary_at_every_step(tx):
    model = BGNBD.from_params(**BG, time_unit="W")
    before = tx.copy()
    path = alive_path(model, tx, as_of="2020-03-10")
    pd.testing.assert_frame_equal(tx, before)
    table = path.to_frame()
    a = table[table["customer_id"] == "a"].set_index("date")
    # weekly points from the first purchase day; the last point is as_of itself
    assert a.index[0] == pd.Timestamp("2020-01-01") and a.index[-1] == pd.Timestamp("2020-03-10")
    assert np.allclose(np.diff(a.index[:-1].to_numpy()).astype("timedelta64[D]").astype(int), 7)
    # two orders on 2020-01-15 are one purchase day: x = 1 from that day on
    assert a.loc["2020-01-15", "frequency"] == 1 and a.loc["2020-01-08", "frequency"] == 0
    row = a.loc["2020-01-22"]  # by hand: x = 1, t_x = 2 weeks, T = 3 weeks
    assert (row["recency"], row["T"]) == (2.0, 3.0)
    assert row["p_alive"] == pytest.approx(_bg_p_alive(1, 2.0, 3.0), rel=1e-12)
    end = a.iloc[-1]  # x = 2 (2020-02-12), t_x = 6 weeks, T = 69 days
    assert end["frequency"] == 2 and end["recency"] == 6.0 and end["T"] == pytest.approx(69 / 7)
    assert end["p_alive"] == pytest.approx(_bg_p_alive(2, 6.0, 69 / 7), rel=1e-12)
    # P(alive) decays while the customer is silent and jumps at a purchase
    silent = a.loc["2020-01-22":"2020-02-05", "p_alive"]
    assert (np.diff(silent) < 0).all() and a.loc["2020-02-12", "p_alive"] > a.loc["2020-02-05", "p_alive"]
    b = table[table["customer_id"] == "b"]
    assert len(b) == 3 and (b["p_alive"] == 1.0).all()  # 03-01, 03-08, 03-10; a one-time buyer stays alive


def test_result_protocol_and_plot(tx):
    path = alive_path(ParetoNBD.from_params(r=0.55, alpha=10.6, s=0.61, beta=11.7, time_unit="W"), tx)
    summary = path.summary()
    assert list(summary.index) == ["a", "b"] and summary.loc["a", "purchases"] == 3
    assert summary.loc["a", "p_alive_min"] <= summary.loc["a", "p_alive_now"] <= 1
    assert "AlivePath(customers=2" in repr(path)
    assert isinstance(path.plot(), matplotlib.axes.Axes)
    assert isinstance(path.plot(customers=["a"]), matplotlib.axes.Axes)
    with pytest.raises(ParameterError, match="not in this path"):
        path.plot(customers=["zz"])


def test_other_backends_and_daily_steps(tx):
    model = BGNBD.from_params(**BG, time_unit="W")
    pandas_path = alive_path(model, tx, step="1D", customers=["a"]).to_frame()
    polars_path = alive_path(model, pl.from_pandas(tx), step="1D", customers=["a"]).to_frame()
    pd.testing.assert_frame_equal(pandas_path, polars_path)
    assert len(pandas_path) == (pd.Timestamp("2020-03-01") - pd.Timestamp("2020-01-01")).days + 1


def test_bad_requests(tx):
    model = BGNBD.from_params(**BG)
    with pytest.raises(ParameterError, match=r"(?s)time unit.*Fix"):
        alive_path(model, tx)
    weekly = BGNBD.from_params(**BG, time_unit="W")
    with pytest.raises(DataError, match="not in the transactions"):
        alive_path(weekly, tx, customers=["zz"])
    with pytest.raises(DataError, match="after as_of"):
        alive_path(weekly, tx, as_of="2020-02-01")
