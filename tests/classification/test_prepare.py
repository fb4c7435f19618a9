"""prepare_table: targets, customer ids as the index, numbers and dates in text, empty columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmmine.classification import prepare_table
from crmmine.errors import DataError, DataWarning, SchemaError


def test_ids_become_the_index_and_text_is_read():
    t = pd.DataFrame(
        {
            "cust": ["a", "b", "c", "d"],
            "phone": ["1-1", "1-2", "1-3", "1-4"],
            "charges": ["1.5", " ", "3", "4.25"],
            "since": ["2020-01-31", "2021-06-01", "", "2019-12-24"],
            "plan": ["x", "y", "x", "x"],
            "Churn": ["Yes", "No", "No", "yes"],
        }
    )
    before = t.copy()
    X, y = prepare_table(t, "Churn")
    pd.testing.assert_frame_equal(t, before)
    assert X.index.tolist() == ["a", "b", "c", "d"] and X.index.name == "cust"
    assert y.index.equals(X.index) and y.tolist() == [1, 0, 0, 1] and y.name == "Churn"
    assert list(X.columns) == ["charges", "since", "plan"]
    assert X.attrs == {
        "customer_id": "cust",
        "coerced": {"charges": 1},
        "dropped": ["phone"],
        "parsed_dates": ["since"],
    }
    assert np.isnan(X.loc["b", "charges"]) and X.loc["d", "charges"] == 4.25
    assert X.loc["a", "since"] == pd.Timestamp("2020-01-31") and pd.isna(X.loc["c", "since"])
    X2, _ = prepare_table(t, "Churn", customer_id="phone")
    assert X2.index.name == "phone" and "cust" in X2.attrs["dropped"]


def test_an_index_the_caller_set_is_kept():
    t = pd.DataFrame(
        {"v": [1.0, 2.0, 3.0], "bought": [True, False, True]}, index=pd.Index([7, 8, 9], name="id")
    )
    X, y = prepare_table(t, "bought")
    assert X.index.tolist() == [7, 8, 9] and y.tolist() == [1, 0, 1] and X.attrs["customer_id"] == "id"
    X, _ = prepare_table(t.reset_index(drop=True), "bought")
    assert X.attrs["customer_id"] == "row number"


def test_empty_columns_are_dropped_with_a_warning_and_a_log(caplog):
    t = pd.DataFrame({"v": [1.0, 2.0, 3.0], "blank": [np.nan] * 3, "y": [0, 1, 0]})
    with (
        caplog.at_level("INFO", logger="crmmine.classification.prepare"),
        pytest.warns(DataWarning, match="blank"),
    ):
        X, _ = prepare_table(t, "y")
    assert list(X.columns) == ["v"] and X.attrs["dropped"] == ["blank"]
    assert "blank" in caplog.text


def test_bad_targets_and_ids():
    with pytest.raises(DataError, match=r"(?s)column 'y'.*maybe.*Fix: map the target"):
        prepare_table(pd.DataFrame({"x": [1, 2], "y": ["maybe", "no"]}), "y")
    with pytest.raises(DataError, match=r"(?s)column 'y'.*1 row.*Fix"):
        prepare_table(pd.DataFrame({"x": [1, 2], "y": [1, None]}), "y")
    with pytest.raises(DataError, match=r"(?s)column 'id'.*repeated.*Fix"):
        prepare_table(pd.DataFrame({"id": [1, 1], "y": [0, 1]}), "y", customer_id="id")
    with pytest.raises(SchemaError, match="Churn"):
        prepare_table(pd.DataFrame({"x": [1], "churn": [0]}), "Churn")


def test_public_tables(shared_data):
    telco, _ = prepare_table(pd.read_csv(shared_data / "churn" / "telco_customer_churn.csv"), "Churn")
    assert telco.index.name == "customerID" and telco.index.is_unique and len(telco) == 7043
    telecom, y = prepare_table(pd.read_csv(shared_data / "churn" / "telecom_churn_3333.csv"), "Churn?")
    assert telecom.index.name == "Phone" and int(y.sum()) == 483
