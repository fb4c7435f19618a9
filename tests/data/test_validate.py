"""Each class of bad input raises the documented error with a message naming the problem."""

import numpy as np
import pandas as pd
import pytest

import crmmine as cm
from crmmine.errors import DataError, ParameterError, SchemaError


@pytest.fixture
def tx():
    return pd.DataFrame(
        {
            "customer_id": [1, 1, 2, 3],
            "order_id": ["a", "b", "c", "d"],
            "date": ["2011-01-01", "2011-01-09", "2011-02-01", "2011-03-01"],
            "amount": [10.0, 12.5, 3.0, 8.0],
        }
    )


def test_valid_table_is_returned_parsed_and_input_untouched(tx):
    before = tx.copy()
    out = cm.validate_transactions(tx)
    assert out["date"].dtype.kind == "M"
    pd.testing.assert_frame_equal(tx, before)
    assert out is not tx


def test_empty_input(tx):
    with pytest.raises(DataError, match="empty"):
        cm.validate_transactions(tx.iloc[:0])


def test_missing_column_suggests_closest_name(tx):
    bad = tx.rename(columns={"customer_id": "CustomerID"})
    with pytest.raises(SchemaError) as info:
        cm.validate_transactions(bad)
    msg = str(info.value)
    assert "customer_id" in msg and "did you mean 'CustomerID'" in msg
    assert isinstance(info.value, KeyError)


def test_column_mapping_by_keyword_and_mapping(tx):
    bad = tx.rename(columns={"customer_id": "CustomerID", "date": "when"})
    out1 = cm.validate_transactions(bad, customer_id="CustomerID", date="when")
    out2 = cm.validate_transactions(bad, columns={"customer_id": "CustomerID", "date": "when"})
    pd.testing.assert_frame_equal(out1, out2)


def test_null_ids_shows_rows_and_count(tx):
    bad = tx.astype({"customer_id": "float64"})
    bad.loc[[1, 3], "customer_id"] = np.nan
    with pytest.raises(DataError) as info:
        cm.validate_transactions(bad)
    msg = str(info.value)
    assert "'customer_id'" in msg and "2 rows with missing customer id" in msg and "Fix:" in msg


def test_mixed_type_ids(tx):
    bad = tx.astype({"customer_id": object})
    bad.loc[2, "customer_id"] = "2"
    with pytest.raises(DataError, match="mixed types"):
        cm.validate_transactions(bad)


def test_unparseable_dates(tx):
    bad = tx.copy()
    bad.loc[2, "date"] = "31/31/2011"
    with pytest.raises(DataError) as info:
        cm.validate_transactions(bad)
    assert "cannot be parsed" in str(info.value) and "31/31/2011" in str(info.value)
    assert "row positions 2; file lines 4" in str(info.value)


def test_non_numeric_amounts(tx):
    bad = tx.astype({"amount": object})
    bad.loc[0, "amount"] = "ten"
    with pytest.raises(DataError, match="amounts that are missing, not numbers"):
        cm.validate_transactions(bad)


def test_negative_amounts_point_to_returns_policy(tx):
    bad = tx.copy()
    bad.loc[1, "amount"] = -5.0
    with pytest.raises(DataError, match="returns policy"):
        cm.validate_transactions(bad)
    assert len(cm.validate_transactions(bad, allow_negative=True)) == 4


def test_duplicate_rows(tx):
    bad = pd.concat([tx, tx.iloc[[0]]], ignore_index=True)
    with pytest.raises(DataError, match="1 row with exact duplicates"):
        cm.validate_transactions(bad)
    assert len(cm.validate_transactions(bad, duplicates="keep")) == 5


def test_future_dates(tx):
    with pytest.raises(DataError, match="after as_of"):
        cm.validate_transactions(tx, as_of="2011-02-15")


def test_bad_parameters_are_value_and_type_errors(tx):
    with pytest.raises(ParameterError) as info:
        cm.validate_transactions(tx, duplicates="maybe")
    assert isinstance(info.value, ValueError) and isinstance(info.value, TypeError)
    with pytest.raises(ParameterError):
        cm.validate_transactions(tx.to_dict())
    with pytest.raises(ParameterError, match="unknown column role"):
        cm.validate_transactions(tx, columns={"client": "x"})


def test_output_follows_input_and_reads_yyyymmdd(local_backend, tx):
    data = tx.assign(date=[20110101, 20110109, 20110201, 20110301])
    out = cm.validate_transactions(local_backend.table(data))
    assert local_backend.is_native(out)
    got = local_backend.to_pandas(out)
    assert got["date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2011-01-01", "2011-01-09", "2011-02-01", "2011-03-01"]
    with pytest.raises(DataError, match="after as_of"):
        cm.validate_transactions(local_backend.table(data), as_of="2011-02-15")


def test_ambiguous_dates_need_dayfirst(tx):
    data = tx.assign(date=["01/02/2011", "03/04/2011", "05/06/2011", "07/08/2011"])
    with pytest.raises(DataError, match=r"(?s)ambiguous dates.*dayfirst=True"):
        cm.validate_transactions(data)
    out = cm.validate_transactions(data, dayfirst=True)
    assert out["date"].dt.month.tolist() == [2, 4, 6, 8]
    out = cm.validate_transactions(data, date_format="%m/%d/%Y")
    assert out["date"].dt.month.tolist() == [1, 3, 5, 7]
