"""Bad inputs at the public entry points of crmmine.value (issue 10).

Every case asserts a crmmine error that names the column (or parameter) and says the fix, or a
documented policy with a crmmine warning; and that the input was not modified.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import (
    BoundaryFitWarning,
    CRMMineError,
    DataError,
    DataWarning,
    NotFittedError,
    ParameterError,
    SchemaError,
)
from crmmine.value import (
    BGBB,
    BGNBD,
    GammaGamma,
    MarkovCLV,
    ParetoNBD,
    alive_path,
    clv,
    holdout_validation,
    load_model,
    period_transactions,
    tracking,
)

BG = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}


def summary(**changes) -> pd.DataFrame:
    base = pd.DataFrame(
        {
            "frequency": [2, 0, 5, 1, 0, 3],
            "recency": [30.4, 0.0, 35.0, 2.0, 0.0, 12.0],
            "T": [38.9, 20.0, 38.9, 10.0, 5.0, 30.0],
            "repeat_monetary_mean": [20.0, 0.0, 35.0, 12.0, 0.0, 18.0],
        },
        index=pd.Index([11, 12, 13, 14, 15, 16], name="customer_id"),
    )
    for column, (row, value) in changes.items():
        base[column] = base[column].astype(object if isinstance(value, str) else "float64")
        base.loc[row, column] = value
    base.attrs["time_unit"] = "W"
    return base


def transactions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 3, 3, 3],
            "date": pd.to_datetime(
                [
                    "2020-01-05",
                    "2020-02-10",
                    "2020-05-01",
                    "2020-01-20",
                    "2020-04-01",
                    "2020-01-02",
                    "2020-03-02",
                    "2020-06-20",
                ]
            ),
            "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 4.0, 6.0, 3.0],
        }
    )


def raises(call: Callable, frame: pd.DataFrame | None, error: type, *patterns: str) -> str:
    """Assert ``call`` raises ``error`` whose message matches every pattern; the input is unchanged."""
    before = frame.copy(deep=True) if frame is not None else None
    with pytest.raises(error) as info:
        call()
    message = str(info.value)
    for pattern in patterns:
        assert re.search(pattern, message, flags=re.S), f"{pattern!r} not in: {message}"
    assert isinstance(info.value, CRMMineError)
    if frame is not None:
        pd.testing.assert_frame_equal(frame, before)
    return message


WEIGHTED = BGNBD.from_params(**BG, time_unit="W")

SUMMARY_CASES = [
    ("missing column", summary().drop(columns="recency"), SchemaError, ("'recency'", "Fix")),
    (
        "misspelt column",
        summary().rename(columns={"frequency": "frequncy"}),
        SchemaError,
        ("did you mean 'frequncy'", "Fix"),
    ),
    ("NaN frequency", summary(frequency=(12, np.nan)), DataError, ("'frequency'", "1 row", "Fix")),
    ("negative recency", summary(recency=(11, -1.0)), DataError, ("'recency'", "negative", "Fix")),
    ("infinite T", summary(T=(13, np.inf)), DataError, ("'T'", "infinite", "Fix")),
    ("text in frequency", summary(frequency=(11, "two")), DataError, ("'frequency'", "non-numeric", "Fix")),
    ("fractional frequency", summary(frequency=(11, 2.5)), DataError, ("'frequency'", "non-integer", "Fix")),
    ("recency after T", summary(recency=(13, 50.0)), DataError, ("'recency'", "later than T", "Fix")),
    ("recency without repeats", summary(recency=(12, 3.0)), DataError, ("'recency'", "recency > 0", "Fix")),
    (
        "all frequency zero",
        summary().assign(frequency=0, recency=0.0),
        DataError,
        ("'frequency'", "nobody made a repeat purchase", "Fix"),
    ),
    ("all T zero", summary().assign(frequency=0, recency=0.0, T=0.0), DataError, ("'T'", "T = 0", "Fix")),
    ("empty summary", summary().iloc[:0], DataError, ("empty", "Fix")),
    (
        "duplicated columns",
        pd.concat([summary(), summary()[["T"]]], axis=1),
        SchemaError,
        ("duplicated columns", "'T'", "Fix"),
    ),
]


@pytest.mark.parametrize("case,frame,error,patterns", SUMMARY_CASES, ids=[c[0] for c in SUMMARY_CASES])
@pytest.mark.parametrize("cls", [BGNBD, ParetoNBD], ids=lambda c: c.__name__)
def test_transaction_model_fit(cls, case, frame, error, patterns):
    raises(lambda: cls().fit(frame), frame, error, *patterns)


@pytest.mark.parametrize(
    "method",
    [
        lambda m, s: m.p_alive(s),
        lambda m, s: m.expected_purchases(s, 10),
        lambda m, s: m.conditional_purchase_pmf(s, 1, 10),
    ],
    ids=["p_alive", "expected_purchases", "conditional_purchase_pmf"],
)
@pytest.mark.parametrize("case", ["NaN frequency", "recency after T", "misspelt column"])
def test_predictions_check_the_summary_too(method, case):
    _, frame, error, patterns = next(c for c in SUMMARY_CASES if c[0] == case)
    raises(lambda: method(WEIGHTED, frame), frame, error, *patterns)


@pytest.mark.parametrize("engine", ["polars", "duckdb"])
def test_engine_summary_checked_inside_the_engine(engine):
    # a summary in an engine is checked there: the error shows the customer ids and counts customers
    frame = summary(recency=(13, 50.0)).reset_index()
    if engine == "polars":
        pl = pytest.importorskip("polars")
        table = pl.from_pandas(frame)
    else:
        duckdb = pytest.importorskip("duckdb")
        table = duckdb.from_df(frame)
    for call in (lambda: BGNBD().fit(table), lambda: BGNBD.from_params(**BG).p_alive(table)):
        pattern = r"(?s)column 'recency': 1 row with recency later than T.*13.*Fix"
        with pytest.raises(DataError, match=pattern):
            call()


def test_engine_summary_weights_and_horizons_need_columns():
    pl = pytest.importorskip("polars")
    table = pl.from_pandas(summary().reset_index())
    with pytest.raises(ParameterError, match=r"weights must name a column.*Fix: add the weights as a column"):
        BGNBD().fit(table, weights=np.ones(6))
    horizons = pd.Series(1.0, index=summary().index)
    with pytest.raises(ParameterError, match=r"t as a Series.*Fix: pass a number or a list"):
        BGNBD.from_params(**BG).expected_purchases(table, horizons)


def test_weights():
    frame = summary()
    raises(
        lambda: BGNBD().fit(frame, weights=[1, 1, -1, 1, 1, 1]),
        frame,
        DataError,
        "'weights'",
        "negative",
        "Fix",
    )
    raises(lambda: BGNBD().fit(frame, weights="nope"), frame, SchemaError, "'nope'")
    raises(
        lambda: BGNBD().fit(frame, weights=pd.Series(1.0, index=[1, 2, 3])),
        frame,
        DataError,
        "weights",
        "same ids",
        "Fix",
    )
    raises(lambda: BGNBD().fit(frame, weights=[1.0, 2.0]), frame, DataError, "weights", "6 rows", "Fix")
    raises(lambda: BGNBD().fit(frame, weights=np.zeros(6)), frame, DataError, "every weight is 0")


def test_column_mapping():
    frame = summary().rename(columns={"frequency": "次数"})
    with pytest.warns(BoundaryFitWarning):  # six customers: the drop-out process is not identified
        model = BGNBD().fit(frame, columns={"frequency": "次数"})  # unicode names are fine
    assert model.input_columns_["frequency"] == "次数" and model.p_alive(frame).notna().all()
    raises(
        lambda: BGNBD().fit(frame, columns={"freq": "次数"}),
        frame,
        ParameterError,
        "unknown column role 'freq'",
        "Fix",
    )


def test_time_unit_contradiction():
    frame = summary()
    raises(
        lambda: BGNBD(time_unit="D").fit(frame), frame, ParameterError, "time_unit='D'", "contradicts", "Fix"
    )
    raises(lambda: BGNBD(time_unit="fortnight").fit(frame), frame, ParameterError, "time_unit")


def test_same_day_repeats_are_a_documented_warning():
    frame = summary(recency=(14, 0.0))  # one repeat purchase, recency 0: same-day orders
    before = frame.copy()
    # six customers cannot pin the model down either: the fit also warns that it is at a boundary
    with (
        pytest.warns(DataWarning, match=r"(?s)'recency'.*14.*count='days'"),
        pytest.warns(BoundaryFitWarning),
    ):
        BGNBD().fit(frame)
    pd.testing.assert_frame_equal(frame, before)


def test_not_fitted_and_bad_prediction_arguments():
    frame = summary()
    raises(lambda: BGNBD().p_alive(frame), frame, NotFittedError, "not fitted", "Fix")
    raises(lambda: WEIGHTED.expected_purchases(frame, -3), frame, ParameterError, "t must be")
    raises(lambda: WEIGHTED.expected_purchases(frame, "soon"), frame, ParameterError, "t='soon'")
    raises(lambda: WEIGHTED.conditional_purchase_pmf(frame, -1, 5), frame, ParameterError, "n must be")
    dup = pd.Series(1.0, index=[11, 11, 12, 13, 14, 15])
    raises(lambda: WEIGHTED.expected_purchases(frame, dup), frame, DataError, "duplicated ids", "Fix")


def test_gammagamma_inputs():
    frame = summary(repeat_monetary_mean=(13, -5.0))
    before = frame.copy()
    with (
        pytest.warns(DataWarning, match=r"(?s)'repeat_monetary_mean'.*13.*Fix"),
        pytest.warns(BoundaryFitWarning),
    ):
        GammaGamma(n_starts=1).fit(frame)  # and four customers leave the spread of spend unidentified
    pd.testing.assert_frame_equal(frame, before)
    raises(
        lambda: GammaGamma(nonpositive="raise").fit(frame),
        frame,
        DataError,
        "'repeat_monetary_mean'",
        "zero or negative",
        "Fix",
    )
    nan = summary(repeat_monetary_mean=(11, np.nan))
    raises(lambda: GammaGamma().fit(nan), nan, DataError, "'repeat_monetary_mean'", "missing", "Fix")
    none = summary().assign(frequency=0)
    raises(lambda: GammaGamma().fit(none), none, DataError, "'frequency'", "no repeat purchase", "Fix")
    missing = summary().drop(columns="repeat_monetary_mean")
    raises(lambda: GammaGamma().fit(missing), missing, SchemaError, "'repeat_monetary_mean'", "Fix")
    raises(lambda: GammaGamma().fit(frame, spend="spend"), frame, SchemaError, "'spend'")
    one = summary().iloc[[0]]  # one customer: the spread of spend across customers is not identified
    with pytest.warns(BoundaryFitWarning) as record:
        GammaGamma().fit(one)
    assert any("heterogeneity of spend level vanished" in str(w.message) for w in record)


def test_gammagamma_transactions():
    tx = transactions()
    tx.loc[2, "amount"] = np.nan
    raises(lambda: GammaGamma().fit_transactions(tx), tx, DataError, "'amount'", "missing", "Fix")
    tx = transactions().drop(columns="amount")
    raises(lambda: GammaGamma().fit_transactions(tx), tx, SchemaError, "'amount'", "Fix")
    only_first = transactions().drop_duplicates("customer_id")
    raises(
        lambda: GammaGamma().fit_transactions(only_first),
        only_first,
        DataError,
        "'date'",
        "no repeat purchase",
        "Fix",
    )


def test_bgbb_inputs():
    good = pd.DataFrame({"frequency": [2, 0, 3], "recency": [4, 0, 6], "periods": [6, 6, 6]})
    for column, row, value, pattern in (
        ("frequency", 0, 5, "frequency <= recency"),
        ("recency", 2, 9, "recency <= n_periods"),
        ("recency", 0, 2.5, "whole numbers"),
    ):
        bad = good.copy()
        bad[column] = bad[column].astype(float)
        bad.loc[row, column] = value
        raises(lambda bad=bad: BGBB().fit(bad), bad, DataError, "'frequency'", pattern, "Fix")
    raises(lambda: BGBB().fit(good.assign(frequency=0, recency=0)), None, DataError, "no transaction at all")
    model = BGBB.from_params(alpha=1.2, beta=0.75, gamma=0.66, delta=2.8)
    raises(lambda: model.p_alive(good, 0.5), good, ParameterError, "whole numbers of opportunities")
    raises(lambda: model.expected_purchases(good.drop(columns="periods"), 1), None, SchemaError, "'periods'")


def test_clv_arguments():
    frame = summary()
    gg = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    raises(lambda: clv(WEIGHTED, gg, frame, horizon=-1), frame, ParameterError, "horizon", "positive")
    raises(lambda: clv(WEIGHTED, gg, frame, horizon="a while"), frame, ParameterError, "horizon")
    raises(
        lambda: clv(WEIGHTED, gg, frame, horizon=10, annual_discount_rate=-2),
        frame,
        ParameterError,
        "annual_discount_rate",
    )
    raises(lambda: clv(WEIGHTED, GammaGamma(), frame, horizon=10), frame, NotFittedError, "GammaGamma")
    raises(
        lambda: clv(BGNBD.from_params(**BG), gg, frame, horizon="1Y"),
        frame,
        ParameterError,
        "time unit",
        "Fix",
    )
    raises(lambda: clv(WEIGHTED, gg, frame, horizon=10, n_bootstrap=-1), frame, ParameterError, "n_bootstrap")
    raises(lambda: clv("model", gg, frame, horizon=10), frame, ParameterError, "transaction_model")


def test_holdout_tracking_and_period_transactions():
    cal = summary()
    hold = pd.DataFrame({"purchases": [1, 0, 3, 0, 0, 1], "duration": 39.0}, index=cal.index)
    raises(lambda: holdout_validation(WEIGHTED, cal, hold.iloc[:4]), cal, DataError, "same ids", "Fix")
    raises(
        lambda: holdout_validation(WEIGHTED, cal, hold.drop(columns="duration")),
        cal,
        SchemaError,
        "'duration'",
    )
    raises(lambda: holdout_validation({}, cal, hold), cal, ParameterError, "at least one")
    tx = transactions()
    raises(
        lambda: tracking(
            WEIGHTED, tx, calibration_end="2020-03-01", observation_end="2020-06-30", count="lines"
        ),
        tx,
        ParameterError,
        "'count'",
    )
    raises(
        lambda: tracking(
            WEIGHTED, tx.drop(columns="date"), calibration_end="2020-03-01", observation_end="2020-06-30"
        ),
        None,
        SchemaError,
        "'date'",
    )
    raises(
        lambda: tracking(
            BGNBD.from_params(**BG), tx, calibration_end="2020-03-01", observation_end="2020-06-30"
        ),
        tx,
        ParameterError,
        "time unit",
        "Fix",
    )
    raises(lambda: period_transactions(WEIGHTED, cal, max_frequency=0), cal, ParameterError, "max_frequency")



HOLDOUT_CASES = [
    ("NaN purchases", (12, np.nan)),
    ("negative purchases", (13, -2.0)),
    ("text purchases", (11, "three")),
]


@pytest.mark.parametrize("case,change", HOLDOUT_CASES, ids=[c[0] for c in HOLDOUT_CASES])
def test_holdout_purchases_are_checked(case, change):
    # They flowed into the totals: a NaN made every error measure NaN, a negative count lowered
    # the actual total, both without a word.
    cal = summary()
    hold = pd.DataFrame({"purchases": [1.0, 0, 3, 0, 0, 1], "duration": 39.0}, index=cal.index)
    row, value = change
    hold["purchases"] = hold["purchases"].astype(object if isinstance(value, str) else "float64")
    hold.loc[row, "purchases"] = value
    raises(lambda: holdout_validation(WEIGHTED, cal, hold), hold, DataError, "column 'purchases'",
           "1 row", "Fix: purchases counts")


def test_holdout_purchases_nullable_missing():
    cal = summary()
    hold = pd.DataFrame({"purchases": pd.array([1, None, 3, 0, 0, 1], dtype="Int64"), "duration": 39.0},
                        index=cal.index)
    raises(lambda: holdout_validation(WEIGHTED, cal, hold), hold, DataError, "column 'purchases'", "Fix")


def test_holdout_models_and_max_frequency_checked_first():
    # A spend model or a negative max_frequency raised AttributeError / numpy's ValueError.
    cal = summary()
    hold = pd.DataFrame({"purchases": [1, 0, 3, 0, 0, 1], "duration": 39.0}, index=cal.index)
    spend = GammaGamma.from_params(p=6.25, q=3.74, gamma=15.44)
    raises(lambda: holdout_validation({"spend": spend}, cal, hold), cal, ParameterError,
           r"models\['spend'\].*not a transaction model", "Fix: pass a fitted BGNBD")
    raises(lambda: holdout_validation(WEIGHTED, cal, hold, max_frequency=-1), cal, ParameterError,
           "'max_frequency'")


PERIOD_CASES = [
    ("NaN frequency", summary(frequency=(12, np.nan)), ("'frequency'", "missing", "Fix")),
    ("negative frequency", summary(frequency=(12, -1.0)), ("'frequency'", "negative", "Fix")),
    ("fractional frequency", summary(frequency=(11, 2.5)), ("'frequency'", "non-integer", "Fix")),
    ("text frequency", summary(frequency=(11, "two")), ("'frequency'", "non-numeric", "Fix")),
    ("NaN T", summary(T=(13, np.nan)), ("'T'", "missing", "Fix")),
]


@pytest.mark.parametrize("case,frame,patterns", PERIOD_CASES, ids=[c[0] for c in PERIOD_CASES])
def test_period_transactions_checks_the_summary(case, frame, patterns):
    # NaN or negative counts raised numpy's ValueError from bincount, a fractional count was
    # truncated, a NaN age made the expected histogram NaN.
    raises(lambda: period_transactions(WEIGHTED, frame), frame, DataError, *patterns)


def test_markov_inputs():
    tx = transactions()
    raises(lambda: MarkovCLV().fit(tx.drop(columns="amount")), None, SchemaError, "'amount'", "Fix")
    nan = transactions()
    nan.loc[1, "date"] = pd.NaT
    raises(lambda: MarkovCLV(period="M").fit(nan), nan, DataError, "missing", "Fix")
    raises(lambda: MarkovCLV(period="Y").fit(tx), tx, DataError, "fewer than two complete periods", "shorter")
    raises(lambda: MarkovCLV(period="M", n_states=4).fit(tx), tx, DataError, "no observed transition", "Fix")
    raises(lambda: MarkovCLV(period="M").fit(tx.iloc[:0]), None, DataError, "empty", "Fix")
    raises(lambda: MarkovCLV(period="soon").fit(tx), tx, ParameterError, "'period'")
    raises(
        lambda: MarkovCLV.from_matrix([[0.5, 0.6], [0.1, 0.9]], [1.0, 0.0]), None, ParameterError, "sum to 1"
    )


def test_alive_path_and_files(tmp_path):
    tx = transactions()
    raises(lambda: alive_path(WEIGHTED, tx, customers=[99]), tx, DataError, "not in the transactions")
    raises(lambda: alive_path(WEIGHTED, tx, as_of="2020-02-01"), tx, DataError, "after as_of", "pass a later")
    raises(
        lambda: alive_path(BGBB.from_params(alpha=1, beta=1, gamma=1, delta=1), tx),
        tx,
        ParameterError,
        "continuous-time",
    )
    path = tmp_path / "model.json"
    WEIGHTED.save(path)
    doc = json.loads(path.read_text())
    doc["format_version"] = 0
    path.write_text(json.dumps(doc))
    raises(lambda: load_model(path), None, DataError, "format version 0", "Fix")


def test_tracking_names_the_bad_column():
    # A missing id or date was counted without naming the column; text dates raised pandas' error.
    tx = transactions()
    tx["customer_id"] = tx["customer_id"].astype("float64")
    tx.loc[2, "customer_id"] = np.nan
    raises(lambda: tracking(WEIGHTED, tx, calibration_end="2020-03-01", observation_end="2020-06-30"),
           tx, DataError, "column 'customer_id'", "1 row", "Fix: clean the log")
    text = transactions().astype({"date": object})
    text.loc[3, "date"] = "soon"
    raises(lambda: tracking(WEIGHTED, text, calibration_end="2020-03-01", observation_end="2020-06-30"),
           text, DataError, "column 'date'", "not dates", "Fix: parse the dates")
    raises(lambda: tracking(WEIGHTED, transactions(), calibration_end="2020-03-01", observation_end="later"),
           None, ParameterError, "observation_end='later' is not a date", "Fix")


def test_missing_spend_column_fix_names_the_spend_keyword():
    # lifetimes' summaries call the spend column monetary_value; the fix used to say
    # "pass repeat_monetary_mean=", which is no keyword of GammaGamma.fit
    from crmmine.value import GammaGamma

    s = pd.DataFrame({"frequency": [1, 2, 3], "recency": [5.0, 8.0, 9.0], "T": [10.0, 10.0, 10.0],
                      "monetary_value": [10.0, 20.0, 15.0]})
    before = s.copy()
    with pytest.raises(SchemaError, match=r"'repeat_monetary_mean'.*pass spend='<your column>'"):
        GammaGamma().fit(s)
    pd.testing.assert_frame_equal(s, before)
    # the keyword named in the fix works (three customers collapse to one spend level: expected)
    with pytest.warns(BoundaryFitWarning):
        assert GammaGamma().fit(s, spend="monetary_value").params_.notna().all()
