"""Save and load fitted models as versioned JSON (issue 13, item 8)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from crmmine.errors import DataError, NotFittedError, ParameterError
from crmmine.value import BGBB, BGNBD, MBGNBD, GammaGamma, MarkovCLV, ParetoNBD, load_model, save_model
from crmmine.value.persistence import FORMAT, FORMAT_VERSION


@pytest.fixture(scope="module")
def fitted(cdnow_summary_monetary, donations):
    s = cdnow_summary_monetary
    return {
        "BGNBD": (BGNBD(penalizer=0.0).fit(s), s),
        "MBGNBD": (MBGNBD().fit(s), s),
        "ParetoNBD": (
            ParetoNBD.from_params(r=0.5533, alpha=10.5786, s=0.6061, beta=11.6689, time_unit="W"),
            s,
        ),
        "BGBB": (BGBB(time_unit="Y").fit(donations, weights="weights"), donations),
        "GammaGamma": (GammaGamma(q_constraint=True).fit(s, spend="monetary_value"), s),
    }


@pytest.mark.parametrize("name", ["BGNBD", "MBGNBD", "ParetoNBD", "BGBB", "GammaGamma"])
def test_round_trip_keeps_parameters_diagnostics_and_predictions(fitted, tmp_path, name):
    model, data = fitted[name]
    path = tmp_path / f"{name}.json"
    model.save(path)
    document = json.loads(path.read_text())
    assert document["format"] == FORMAT and document["format_version"] == FORMAT_VERSION
    assert document["model_class"] == name and "params_" in document["fitted"]
    back = type(model).load(path)
    assert type(back) is type(model) and back.get_params() == model.get_params()
    pd.testing.assert_series_equal(back.params_, model.params_)
    for attr in ("time_unit_", "warnings_", "boundary_", "log_likelihood_", "n_obs_"):
        assert getattr(back, attr, None) == getattr(model, attr, None)
    if hasattr(model, "covariance_"):
        pd.testing.assert_frame_equal(back.covariance_, model.covariance_)
        assert back.convergence_ == model.convergence_
        pd.testing.assert_frame_equal(back.summary(), model.summary())
    if name == "GammaGamma":
        predict = {"spend": "monetary_value"}
        pd.testing.assert_series_equal(
            back.expected_spend(data, **predict), model.expected_spend(data, **predict)
        )
    else:
        pd.testing.assert_series_equal(back.p_alive(data), model.p_alive(data))


def test_markov_round_trip(tmp_path):
    tx = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "b", "c", "c", "c"],
            "date": pd.to_datetime(
                [
                    "2020-01-05",
                    "2020-04-10",
                    "2020-01-20",
                    "2020-12-01",
                    "2020-02-01",
                    "2020-05-02",
                    "2020-11-20",
                ]
            ),
            "amount": [10.0, 20.0, 5.0, 5.0, 8.0, 4.0, 6.0],
        }
    )
    model = MarkovCLV(n_states=3, annual_discount_rate=0.2, spend={"R0": 12.0, "R1": 1.0}).fit(
        tx, as_of="2021-01-10"
    )
    save_model(model, tmp_path / "m.json")
    back = load_model(tmp_path / "m.json")
    pd.testing.assert_frame_equal(back.transition_matrix_, model.transition_matrix_)
    pd.testing.assert_frame_equal(back.predict(), model.predict())
    assert back.spend == {"R0": 12.0, "R1": 1.0}


def test_non_finite_numbers_are_written_as_standard_json(tmp_path, fitted):
    model, _ = fitted["BGNBD"]
    odd = BGNBD.from_params(**model.params_.to_dict())
    odd.standard_errors_ = pd.Series([np.nan, np.inf, 1.0, 2.0], index=model.params_.index)
    odd.save(tmp_path / "odd.json")
    text = (tmp_path / "odd.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    back = BGNBD.load(tmp_path / "odd.json")
    assert np.isnan(back.standard_errors_["r"]) and np.isinf(back.standard_errors_["alpha"])


def test_loading_the_wrong_class_version_or_file_raises_clearly(tmp_path, fitted):
    model, _ = fitted["BGNBD"]
    path = tmp_path / "bgnbd.json"
    model.save(path)
    with pytest.raises(ParameterError, match=r"holds a BGNBD model, not a ParetoNBD.*BGNBD.load"):
        ParetoNBD.load(path)
    document = json.loads(path.read_text())
    document["format_version"] = 99
    (tmp_path / "future.json").write_text(json.dumps(document))
    with pytest.raises(DataError, match=r"format version 99.*reads version 1"):
        load_model(tmp_path / "future.json")
    document["format_version"] = FORMAT_VERSION
    document["model_class"] = "Prophet"
    (tmp_path / "other.json").write_text(json.dumps(document))
    with pytest.raises(DataError, match="unknown model class 'Prophet'"):
        load_model(tmp_path / "other.json")
    (tmp_path / "plain.json").write_text(json.dumps({"r": 1}))
    with pytest.raises(DataError, match="not a crmmine model file"):
        load_model(tmp_path / "plain.json")
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(DataError, match="not a crmmine model file"):
        load_model(tmp_path / "broken.json")


def test_saving_an_unfitted_model_or_another_object_raises(tmp_path):
    with pytest.raises(NotFittedError):
        BGNBD().save(tmp_path / "x.json")
    with pytest.raises(ParameterError, match=r"crmmine\.value models"):
        save_model(object(), tmp_path / "x.json")
