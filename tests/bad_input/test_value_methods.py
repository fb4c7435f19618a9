"""Bad inputs to the customer-value methods: each raises a crmmine error naming the column or
parameter and the fix (or follows a documented policy with a crmmine warning); inputs are never
modified."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError
from crmmine.value import (
    BGNBD,
    DwyerMigration,
    ShiftedBetaGeometric,
    ValueCurves,
    clv_components,
    event_schedule_value,
    event_value,
    historical_value,
    max_acquisition_cost,
    retention_budget,
    subscription_lifetimes,
    survivors_from_subscriptions,
)

CDNOW = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}


def _tx():
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "date": pd.to_datetime(["2020-01-06", "2020-03-02", "2020-02-03", "2020-02-10"]),
            "amount": [20.0, 40.0, 25.0, 10.0],
        }
    )


def _subs():
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 3],
            "start": pd.to_datetime(["2020-01-01", "2020-02-01", "2020-03-01"]),
            "end": pd.to_datetime(["2020-06-30", None, "2020-04-30"]),
        }
    )


def _unchanged(frame, call, error, *match):
    before = frame.copy()
    with pytest.raises(error) as info:
        call(frame)
    for pattern in match:
        assert pattern in str(info.value), str(info.value)
    pd.testing.assert_frame_equal(frame, before)


def test_negative_amounts_in_historical_value():
    tx = _tx()
    tx.loc[1, "amount"] = -40.0
    _unchanged(tx, lambda t: historical_value(t), DataError, "column 'amount'", "Fix:", "returns")


def test_infinite_amounts():
    tx = _tx()
    tx.loc[0, "amount"] = np.inf
    _unchanged(tx, lambda t: historical_value(t), DataError, "column 'amount'", "infinite", "Fix:")


def test_string_dates_are_refused_with_the_fix():
    tx = _tx()
    tx["date"] = tx["date"].dt.strftime("%d/%m/%Y")
    _unchanged(tx, lambda t: historical_value(t), DataError, "column 'date'", "clean_transactions")


def test_missing_customer_ids():
    tx = _tx().astype({"customer_id": "float64"})
    tx.loc[2, "customer_id"] = np.nan
    _unchanged(tx, lambda t: historical_value(t), DataError, "column 'customer_id'", "missing customer ids")


def test_missing_amount_column_suggests_the_mapping():
    tx = _tx().rename(columns={"amount": "Amount"})
    _unchanged(tx, lambda t: historical_value(t), SchemaError, "'amount'", "did you mean 'Amount'", "Fix")
    assert historical_value(tx, amount="Amount").sum() == pytest.approx(95.0)


def test_later_rows_are_not_history_and_are_counted():
    tx = _tx()
    before = tx.copy()
    with pytest.warns(DataWarning, match="1 transactions dated after as_of"):
        out = historical_value(tx, as_of="2020-03-01")
    assert out[1] == pytest.approx(20.0)
    pd.testing.assert_frame_equal(tx, before)


def test_components_summary_without_monetary_mean():
    tx = _tx()
    summary = cm.customer_summary(tx, time_unit="W", count="days").drop(columns="monetary_mean")
    _unchanged(
        summary,
        lambda s: clv_components(tx, s, BGNBD.from_params(**CDNOW), 30.0, horizon=10, min_peers=1),
        SchemaError,
        "monetary_mean",
        "Fix",
    )


def test_components_segment_for_other_customers():
    tx = _tx()
    summary = cm.customer_summary(tx, time_unit="W", count="days")
    seg = pd.Series(["a", "b"], index=[1, 99])
    _unchanged(
        summary,
        lambda s: clv_components(tx, s, BGNBD.from_params(**CDNOW), 30.0, horizon=10, segment=seg),
        DataError,
        "segment",
        "never by position",
    )


def test_components_horizon_string_without_a_unit():
    tx = _tx()
    summary = cm.customer_summary(tx, time_unit="W", count="days")
    summary.attrs.pop("time_unit")
    _unchanged(
        summary,
        lambda s: clv_components(tx, s, BGNBD.from_params(**CDNOW), 30.0, horizon="1Y", min_peers=1),
        ParameterError,
        "time_unit",
        "Fix",
    )


def test_sbg_survivors_that_grow():
    with pytest.raises(DataError, match=r"column 'survivors'.*larger than the period before") as info:
        ShiftedBetaGeometric().fit([1000, 800, 850, 600])
    assert "Fix:" in str(info.value)


def test_sbg_negative_survivors():
    with pytest.raises(DataError, match="column 'survivors'"):
        ShiftedBetaGeometric().fit([1000, -5])


def test_sbg_subscription_ends_before_start():
    subs = _subs()
    subs.loc[2, "end"] = pd.Timestamp("2019-12-31")
    _unchanged(
        subs, lambda s: ShiftedBetaGeometric().fit(s), DataError, "column 'end'", "before the start", "Fix:"
    )


def test_sbg_duplicate_subscribers():
    subs = _subs()
    subs.loc[2, "customer_id"] = 1
    _unchanged(
        subs,
        lambda s: ShiftedBetaGeometric().fit(s),
        DataError,
        "column 'customer_id'",
        "several subscriptions",
        "Fix:",
    )


def test_sbg_unparseable_start():
    subs = _subs().astype({"start": object})
    subs.loc[1, "start"] = "not a date"
    _unchanged(subs, lambda s: subscription_lifetimes(s), DataError, "column 'start'", "unparseable", "Fix:")


def test_sbg_start_after_as_of():
    subs = _subs()
    _unchanged(
        subs,
        lambda s: subscription_lifetimes(s, as_of="2020-02-15"),
        DataError,
        "column 'start'",
        "after as_of",
        "Fix:",
    )


def test_sbg_bad_period_parameter():
    with pytest.raises(ParameterError, match="period"):
        ShiftedBetaGeometric(period="fortnight").fit([100, 50, 30])
    with pytest.raises(ParameterError, match="'period'"):
        ShiftedBetaGeometric(period=-1).fit([100, 50, 30])


def test_event_rates_negative():
    rates = pd.DataFrame({"purchases": [1.0, -2.0]}, index=[1, 2])
    _unchanged(
        rates,
        lambda r: event_value(r, {"purchases": 10.0}, horizon=5),
        DataError,
        "column 'purchases'",
        "Fix:",
    )


def test_event_schedule_times_not_in_the_future():
    plan = pd.DataFrame({"customer_id": [1], "time": [0.0], "event": ["buy"], "count": [1.0]})
    _unchanged(plan, lambda p: event_schedule_value(p, {"buy": 1.0}), DataError, "column 'time'", "> 0")


def test_retention_budget_probability_out_of_range():
    v = pd.Series([10.0, 20.0], index=["a", "b"])
    with pytest.raises(DataError, match=r"column 'churn_probability'.*outside") as info:
        retention_budget(v, churn_probability=pd.Series([0.5, 1.5], index=["a", "b"]))
    assert "Fix:" in str(info.value)


def test_retention_budget_ids_that_do_not_match():
    v = pd.Series([10.0, 20.0], index=["a", "b"])
    with pytest.raises(DataError, match="same ids"):
        retention_budget(v, p_alive=pd.Series([0.5, 0.5], index=["a", "z"]))


def test_acquisition_cost_clv_with_nan():
    v = pd.Series([10.0, np.nan], index=["a", "b"])
    with pytest.raises(DataError, match="missing or infinite CLVs") as info:
        max_acquisition_cost(v, pd.Series(["x", "y"], index=["a", "b"]))
    assert "Fix:" in str(info.value)


def test_curves_single_period_history():
    tx = _tx()
    _unchanged(tx, lambda t: ValueCurves(period="Y").fit(t), DataError, "no curve", "Fix:")


def test_migration_history_too_short():
    tx = _tx()
    _unchanged(tx, lambda t: DwyerMigration(period="Y").fit(t), DataError, "two", "Fix:")


def test_survivors_beyond_the_observed_renewals():
    life = pd.DataFrame({"periods": [1, 2, 2], "churned": [True, False, False]})
    _unchanged(
        life,
        lambda x: survivors_from_subscriptions(x, n_periods=5),
        ParameterError,
        "n_periods=5",
        "only 2 renewals",
        "Fix: pass n_periods <= 2",
    )


def test_survivors_of_subscribers_observed_for_different_lengths_warn():
    # Two cohorts pooled: the counts stop at the shortest active history, with a DataWarning.
    life = pd.DataFrame({"periods": [1, 4, 2], "churned": [True, False, False]})
    before = life.copy()
    with pytest.warns(DataWarning, match=r"observed for 2 to 4 renewals.*Fix:"):
        out = survivors_from_subscriptions(life)
    assert out.tolist() == [3, 2, 2]
    pd.testing.assert_frame_equal(life, before)


def test_survivors_without_the_churned_column():
    life = pd.DataFrame({"periods": [1, 2]})
    _unchanged(life, survivors_from_subscriptions, SchemaError, "churned", "Fix:")


def test_event_rates_events_after_as_of_are_counted_in_a_warning():
    # customer 2's only event lies after as_of: she used to vanish from the rates without a word
    from crmmine.value import event_rates

    log = pd.DataFrame({"customer_id": [1, 1, 2], "event": ["purchase", "purchase", "purchase"],
                        "date": pd.to_datetime(["2020-01-01", "2020-06-01", "2021-03-01"])})
    before = log.copy()
    with pytest.warns(DataWarning, match=r"1 events dated after as_of.*1 customers have no event.*\[2\]"):
        rates = event_rates(log, as_of="2021-01-01")
    assert rates.index.tolist() == [1]
    pd.testing.assert_frame_equal(log, before)


def test_nullable_missing_clv_and_probability_are_refused():
    # pandas' Float64 <NA> slipped past the finiteness check: the customer was ranked and
    # selected with a missing value at risk (and a group's mean CLV became NaN).
    v = pd.Series([100.0, None, 50.0], index=["a", "b", "c"], dtype="Float64")
    alive = pd.Series([0.5, 0.9, 0.0], index=["c", "b", "a"])
    before = v.copy()
    with pytest.raises(DataError, match=r"column 'clv'.*missing or infinite CLVs(.|\n)*Fix:"):
        retention_budget(v, p_alive=alive)
    with pytest.raises(DataError, match=r"column 'clv'.*missing(.|\n)*Fix:"):
        max_acquisition_cost(v.rename("clv"), pd.Series(["x", "y", "x"], index=v.index))
    pd.testing.assert_series_equal(v, before)
    full = pd.Series([100.0, 300.0, 50.0], index=["a", "b", "c"])
    risky = pd.Series([0.5, None, 0.0], index=["c", "b", "a"], dtype="Float64")
    with pytest.raises(DataError, match=r"column 'p_alive'.*missing(.|\n)*Fix: pass probabilities"):
        retention_budget(full, p_alive=risky)
    with pytest.raises(DataError, match=r"column 'churn_probability'.*missing(.|\n)*Fix: pass probabilities"):
        retention_budget(full, churn_probability=risky)



def _long_tx():
    days = pd.to_datetime(
        ["2020-01-06", "2020-02-03", "2020-03-02", "2020-04-06", "2020-05-04", "2020-06-01"]
    )
    return pd.DataFrame(
        {
            "customer_id": [1] * 6 + [2] * 3 + [3],
            "date": list(days) + list(days[::2]) + [pd.Timestamp("2020-08-10")],
            "amount": [20.0, 40.0, 25.0, 10.0, 15.0, 30.0, 5.0, 7.0, 9.0, 50.0],
        }
    )


@pytest.mark.parametrize(
    "model",
    [DwyerMigration(period="M", lost_after=3), ValueCurves(period="M")],
    ids=["DwyerMigration", "ValueCurves"],
)
def test_customers_after_as_of_are_named(model):
    # Customer 3's only purchase (2020-08-10) is after as_of: she vanished from values_ without a
    # word. The documented policy (transactions after as_of are not used) now warns and names her.
    tx = _long_tx()
    before = tx.copy()
    pattern = r"1 transactions dated after as_of \(2020-06-30\).*1 customers.*\[3\].*Fix: pass a later as_of"
    with pytest.warns(DataWarning, match=pattern):
        fitted = model.fit(tx, as_of="2020-06-30")
    assert list(fitted.values_.index) == [1, 2]
    pd.testing.assert_frame_equal(tx, before)
