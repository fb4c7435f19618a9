"""Dataset loaders: the embedded sample, the public files, and clear errors when absent."""

import pandas as pd
import pytest

import crmmine as cm
from crmmine.datasets import DatasetNotFoundError


def test_embedded_sample_shape_and_attribution():
    raw = cm.datasets.load_online_retail()
    assert raw.shape == (123_526, 8)
    assert raw["InvoiceDate"].dtype.kind == "M"
    # the two enormous cancelled orders are kept in the sample for the anomaly examples
    assert {12346.0, 16446.0} <= set(raw["CustomerID"].dropna())
    assert "CC BY 4.0" in cm.datasets.__doc__


def test_clean_sample_uses_default_names():
    tx, log = cm.datasets.load_online_retail_clean()
    assert {"customer_id", "order_id", "date", "amount", "item", "quantity"} <= set(tx.columns)
    assert (tx["amount"] > 0).all()
    assert log.n_output == len(tx)


def test_cdnow_and_donations(shared_data):
    tx = cm.datasets.load_cdnow()
    assert tx.shape == (6_919, 4) and tx["customer_id"].nunique() == 2_357
    master = cm.datasets.load_cdnow(master=True)
    assert master["customer_id"].nunique() == 23_570 and len(master) == 69_659
    summary = cm.datasets.load_cdnow("summary")
    assert summary.attrs["time_unit"] == "W" and len(summary) == 2_357
    don = cm.datasets.load_donations()
    assert don["weights"].sum() == 11_104 and (don["periods"] == 6).all()


def test_missing_file_says_where_it_looked(tmp_path):
    with pytest.raises(DatasetNotFoundError, match="CRMMINE_DATA"):
        cm.datasets.load_donations(tmp_path / "nope.csv")
    with pytest.raises(cm.ParameterError):
        cm.datasets.load_cdnow("weekly")


def test_data_home_env(monkeypatch, tmp_path):
    (tmp_path / "donations").mkdir()
    pd.DataFrame({"frequency": [0], "recency": [0], "periods": [6], "weights": [1]}).to_csv(
        tmp_path / "donations" / "donations.csv", index=False
    )
    monkeypatch.setenv("CRMMINE_DATA", str(tmp_path))
    assert len(cm.datasets.load_donations()) == 1
