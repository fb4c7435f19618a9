"""Customer-event method: hand computations, alignment on the index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import ParameterError
from crmmine.value import event_rates, event_schedule_value, event_value


def test_constant_rates_by_hand_with_discounting_and_retention():
    # Two customers, monthly steps for 3 months; rate per month; monthly discount from 12% a year.
    rates = pd.DataFrame(
        {"purchases": [2.0, 0.5], "calls": [1.0, 0.0]}, index=pd.Index(["a", "b"], name="cid")
    )
    d = 1.12 ** ((365.25 / 12) / 365.25) - 1
    out = event_value(
        rates,
        {"purchases": 30.0, "calls": -5.0},
        horizon=3,
        time_unit="M",
        annual_discount_rate=0.12,
        retention=pd.Series([0.9, 0.8], index=["b", "a"]),
        p_alive=0.5,
    )
    # customer a: retention 0.8 (aligned by id), value per month 2 x 30 - 5 = 55
    expected_a = sum(55 * 0.5 * 0.8**k / (1 + d) ** k for k in (1, 2, 3))
    expected_b = sum(15 * 0.5 * 0.9**k / (1 + d) ** k for k in (1, 2, 3))
    assert out.loc["a", "value"] == pytest.approx(expected_a)
    assert out.loc["b", "value"] == pytest.approx(expected_b)
    assert out.loc["a", "calls"] == pytest.approx(-5 * expected_a / 55)


def test_partial_last_step():
    rates = pd.DataFrame({"x": [1.0]})
    out = event_value(rates, {"x": 1.0}, horizon=2.5, time_unit="D")
    assert out["value"].iloc[0] == pytest.approx(2.5)


def test_per_customer_values_align_on_index():
    rates = pd.DataFrame({"purchases": [1.0, 1.0]}, index=[10, 20])
    spend = pd.Series([100.0, 50.0], index=[20, 10])
    out = event_value(rates, {"purchases": spend}, horizon=1, time_unit="Y")
    assert out["value"].tolist() == [50.0, 100.0]


def test_schedule_by_hand():
    plan = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "time": [1, 2, 1],
            "event": ["buy", "buy", "call"],
            "count": [1.0, 0.5, 2.0],
        }
    )
    out = event_schedule_value(plan, {"buy": 110.0, "call": -5.5}, time_unit="Y", annual_discount_rate=0.1)
    assert out.loc[1, "value"] == pytest.approx(110 / 1.1 + 0.5 * 110 / 1.21)
    assert out.loc[2, "value"] == pytest.approx(-10.0)


def test_event_rates_from_a_log():
    log = pd.DataFrame(
        {
            "customer_id": [1, 1, 2],
            "event": ["call", "visit", "call"],
            "date": pd.to_datetime(["2020-01-01", "2020-01-11", "2020-01-06"]),
        }
    )
    rates = event_rates(log, as_of="2020-01-11", time_unit="D")
    assert rates.loc[1, "call"] == pytest.approx(1 / 10)
    assert rates.loc[2, "visit"] == 0.0
    assert rates.loc[2, "call"] == pytest.approx(1 / 5)


def test_values_must_match_events():
    rates = pd.DataFrame({"purchases": [1.0]})
    with pytest.raises(ParameterError, match="no value for"):
        event_value(rates, {"calls": 1.0}, horizon=1)


def test_zero_rates_give_zero():
    rates = pd.DataFrame({"a": np.zeros(3)})
    assert event_value(rates, {"a": 9.0}, horizon=10)["value"].eq(0).all()
