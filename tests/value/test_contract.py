"""The scikit-learn contract and the explicit time unit for every value estimator (issue 11)."""

from __future__ import annotations

import inspect
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SkNotFittedError
from sklearn.utils.estimator_checks import (
    check_get_params_invariance,
    check_no_attributes_set_in_init,
    check_parameters_default_constructible,
    check_set_params,
)

import crmmine.value as value
from crmmine._estimator import CRMMineEstimator
from crmmine.errors import NotFittedError, ParameterError
from crmmine.value import BGBB, BGNBD, MBGNBD, GammaGamma, MarkovCLV, ParetoNBD, clv

ESTIMATORS = [BGNBD, ParetoNBD, MBGNBD, BGBB, GammaGamma, MarkovCLV]


def test_every_exported_class_with_fit_is_a_crmmine_estimator():
    with_fit = [
        obj for name in value.__all__ if inspect.isclass(obj := getattr(value, name)) and hasattr(obj, "fit")
    ]
    assert set(ESTIMATORS) <= set(with_fit)  # the value-methods estimators are checked in their own tests
    assert all(issubclass(cls, CRMMineEstimator) for cls in with_fit)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_scikit_learn_checks(cls):
    est = cls()
    check_no_attributes_set_in_init(cls.__name__, est)
    check_parameters_default_constructible(cls.__name__, est)
    check_get_params_invariance(cls.__name__, est)
    check_set_params(cls.__name__, est)


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_clone_and_readable_repr(cls):
    name = "n_states" if cls is MarkovCLV else "n_starts"
    est = cls(**{name: 4})
    twin = clone(est)
    assert twin is not est and twin.get_params() == est.get_params()
    assert repr(est) == f"{cls.__name__}({name}=4)"
    assert repr(cls()) == f"{cls.__name__}()"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_unfitted_model_raises_not_fitted_error(cls):
    est = cls()
    method = "predict" if cls is MarkovCLV else "summary"
    with pytest.raises(NotFittedError, match=r"not fitted.*Fix") as info:
        getattr(est, method)()
    assert isinstance(info.value, SkNotFittedError)


def test_predictions_before_fit_raise_not_fitted(cdnow_summary):
    for call in (
        lambda: BGNBD().p_alive(cdnow_summary),
        lambda: ParetoNBD().expected_purchases(cdnow_summary, 10),
        lambda: MBGNBD().conditional_purchase_pmf(cdnow_summary, 0, 10),
        lambda: GammaGamma().expected_spend(cdnow_summary),
        lambda: BGNBD().simulate(10.0, n_customers=5),
        lambda: clv(BGNBD(), None, cdnow_summary, horizon=10),
    ):
        with pytest.raises(NotFittedError):
            call()


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"penalizer": -1.0}, "penalizer"),
        ({"n_starts": 0}, "n_starts"),
        ({"tol": 0.0}, "tol"),
        ({"max_iter": 1.5}, "max_iter"),
        ({"time_unit": "fortnight"}, "time unit"),
        ({"warm_start": [1.0, 2.0]}, "warm_start"),
        ({"warm_start": {"r": 1.0}}, "warm_start"),
        ({"n_jobs": 0}, "n_jobs"),
    ],
)
def test_declared_parameter_checks(cdnow_summary, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        BGNBD(**kwargs).fit(cdnow_summary)


def test_markov_and_gammagamma_parameter_checks():
    with pytest.raises(ParameterError, match="n_states"):
        MarkovCLV(n_states=1).values(np.eye(2), np.zeros(2))
    with pytest.raises(ParameterError, match="empty_states"):
        MarkovCLV(empty_states="ignore").values(np.eye(2), np.zeros(2))
    s = pd.DataFrame({"frequency": [1, 2], "repeat_monetary_mean": [3.0, 4.0]})
    with pytest.raises(ParameterError, match="nonpositive"):
        GammaGamma(nonpositive="exclude").fit(s)
    with pytest.raises(ParameterError, match="q_constraint"):
        GammaGamma(q_constraint="yes").fit(s)


@pytest.mark.parametrize("cls", [ParetoNBD, BGNBD])
def test_n_jobs_gives_the_same_numbers(cdnow_summary, cls):
    # the Pareto/NBD likelihood is computed by numba threads; its rows are summed serially, so the
    # fit does not depend on how many threads computed them
    one = cls(n_jobs=1).fit(cdnow_summary)
    two = cls(n_jobs=2).fit(cdnow_summary)
    np.testing.assert_array_equal(one.params_.to_numpy(), two.params_.to_numpy())
    np.testing.assert_array_equal(one.p_alive(cdnow_summary), two.p_alive(cdnow_summary))
    assert one.n_jobs == 1 and two.get_params()["n_jobs"] == 2


@pytest.mark.parametrize("n_jobs", [None, 1, 2, -1])
def test_numba_threads_follow_n_jobs_and_are_restored(cdnow_summary, n_jobs):
    import numba
    from threadpoolctl import threadpool_info

    from crmmine._threads import effective_n_jobs

    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    before = numba.get_num_threads()
    seen = []
    fit_kernel, alive_kernel = ParetoNBD._value_and_grad, ParetoNBD._p_alive

    def threads():
        blas = max((p["num_threads"] for p in threadpool_info()), default=1)
        return numba.get_num_threads(), blas

    def spy_fit(self, theta, f):
        seen.append(("fit", *threads()))
        return fit_kernel(self, theta, f)

    def spy_alive(self, x, tx, T):
        seen.append(("p_alive", *threads()))
        return alive_kernel(self, x, tx, T)

    with mock.patch.object(ParetoNBD, "_value_and_grad", spy_fit), \
            mock.patch.object(ParetoNBD, "_p_alive", spy_alive):
        model = ParetoNBD(n_jobs=n_jobs, n_starts=1).fit(cdnow_summary)
        assert numba.get_num_threads() == before
        model.p_alive(cdnow_summary.head(50))
    assert numba.get_num_threads() == before
    expected = min(effective_n_jobs(n_jobs), numba.config.NUMBA_NUM_THREADS)
    assert {step for step, *_ in seen} == {"fit", "p_alive"}
    assert {numba_threads for _, numba_threads, _ in seen} == {expected}
    assert {blas for *_, blas in seen} == {effective_n_jobs(n_jobs)}


def test_warm_start_is_a_parameter_and_reaches_the_same_optimum(cdnow_summary):
    full = BGNBD().fit(cdnow_summary)
    warm = BGNBD(warm_start=full.params_.to_dict(), n_starts=1).fit(cdnow_summary)
    np.testing.assert_allclose(warm.params_, full.params_, rtol=1e-6)
    assert warm.convergence_["runs"][0]["start"] == pytest.approx(full.params_.tolist())
    from_array = BGNBD(warm_start=full.params_.to_numpy(), n_starts=1).fit(cdnow_summary)
    np.testing.assert_allclose(from_array.params_, full.params_, rtol=1e-6)
    # the bootstrap uses the public parameter (no private attribute is set from outside)
    import crmmine.value.clv as clv_module

    assert "_warm_start" not in inspect.getsource(clv_module)


def test_time_unit_comes_from_the_summary_or_the_parameter(cdnow_summary):
    assert BGNBD().fit(cdnow_summary).time_unit_ == "W"
    bare = cdnow_summary.copy()
    bare.attrs = {}
    unknown = BGNBD().fit(bare)
    assert unknown.time_unit_ is None
    explicit = BGNBD(time_unit="W").fit(bare)
    assert explicit.time_unit_ == "W"
    # numbers never depend on attrs: the same data with and without attrs give the same fit
    np.testing.assert_allclose(unknown.params_, explicit.params_, rtol=0)
    with pytest.raises(ParameterError, match=r"(?s)contradicts.*Fix"):
        BGNBD(time_unit="D").fit(cdnow_summary)
    # "7D" is the same length as "W": no contradiction
    assert BGNBD(time_unit="7D").fit(cdnow_summary).time_unit_ == "7D"


def test_a_unit_is_needed_only_where_it_matters(cdnow_summary):
    bare = cdnow_summary.copy()
    bare.attrs = {}
    m = BGNBD().fit(bare)
    assert m.expected_purchases(bare, 10).notna().all()  # numbers are in the summary's own unit
    for call in (
        lambda: m.expected_purchases(bare, "13W"),
        lambda: clv(m, 30.0, bare, horizon="1Y"),
        lambda: clv(m, 30.0, bare, horizon=52, annual_discount_rate=0.1),
    ):
        with pytest.raises(ParameterError, match=r"(?s)time unit.*Fix: fit with BGNBD\(time_unit="):
            call()
    weekly = BGNBD(time_unit="W").fit(bare)
    np.testing.assert_allclose(
        weekly.expected_purchases(bare, "13W"), weekly.expected_purchases(bare, 13.0), rtol=1e-12
    )
    np.testing.assert_allclose(
        weekly.expected_purchases(bare, "91D"), weekly.expected_purchases(bare, 13.0), rtol=1e-12
    )


def test_clv_horizon_string_and_annual_rate_use_the_model_unit(cdnow_summary):
    weekly = BGNBD().fit(cdnow_summary)
    a = clv(weekly, 30.0, cdnow_summary, horizon="1Y", annual_discount_rate=0.1)
    b = clv(weekly, 30.0, cdnow_summary, horizon=365.25 / 7, annual_discount_rate=0.1)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs["time_unit"] == "W"
    assert a.attrs["discount_rate_per_unit"] == pytest.approx(1.1 ** (7 / 365.25) - 1, rel=1e-12)


def _declared_check_cases():
    from crmmine.value import (
        ShiftedBetaGeometric,
        alive_path,
        expected_frequency_counts,
        frequency_recency_matrix,
        per_unit_rate,
    )

    bgnbd = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259, time_unit="W")
    sbg = ShiftedBetaGeometric.from_params(0.704, 1.182, period="Y")
    chain = MarkovCLV.from_matrix([[0.6, 0.4], [0.2, 0.8]], [100.0, 0.0], annual_discount_rate=0.1)
    tx = pd.DataFrame({"customer_id": [1, 1], "date": pd.to_datetime(["2020-01-01", "2020-02-01"])})
    one = pd.DataFrame({"frequency": [1], "recency": [2.0], "T": [5.0]})
    return [
        ("annual_rate", "per_unit_rate()", lambda: per_unit_rate(-1.0, "W")),
        ("step", "alive_path()", lambda: alive_path(bgnbd, tx, step=0)),
        ("n_bootstrap", "clv()", lambda: clv(bgnbd, None, one, horizon=10, n_bootstrap=1.5)),
        ("horizon", "clv()", lambda: clv(bgnbd, None, one, horizon=-1)),
        ("alpha", "from_params()", lambda: ShiftedBetaGeometric.from_params(0.0, 1.0)),
        ("beta", "from_params()", lambda: ShiftedBetaGeometric.from_params(1.0, float("inf"))),
        ("n_periods", "curves()", lambda: sbg.curves(0)),
        ("annual_discount_rate", "derl()", lambda: sbg.derl(1, annual_discount_rate=-1.0)),
        ("annual_discount_rate", "discounted_expected_lifetime()",
         lambda: sbg.discounted_expected_lifetime(-2)),
        ("n_customers", "simulate()", lambda: chain.simulate(3, n_customers=0)),
        ("n_customers", "simulate()", lambda: bgnbd.simulate(10.0, n_customers=0)),
        ("kind", "frequency_recency_matrix()", lambda: frequency_recency_matrix(bgnbd, 10.0, kind="alive")),
        ("max_frequency", "expected_frequency_counts()", lambda: expected_frequency_counts(bgnbd, one, 0)),
    ]


@pytest.mark.parametrize("case", range(13))
def test_declared_checks_of_value_functions_name_parameter_and_caller(case):
    name, caller, call = _declared_check_cases()[case]
    with pytest.raises(ParameterError, match=rf"parameter '{name}' of {caller}"):
        call()
