"""Bad inputs at the survey entry points: each raises a crmmine error naming the column (or the
parameter) and the fix, or warns under a documented policy, and leaves the input untouched."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from crmmine.datasets import load_mobi
from crmmine.errors import DataError, DataWarning, ParameterError, SchemaError
from crmmine.survey import (
    ECSI_BLOCKS,
    ECSI_PATHS,
    PLSPathModel,
    complaint_statistics,
    make_survey,
    net_promoter_score,
)


@pytest.fixture(scope="module")
def mobi():
    return load_mobi(Path(__file__).parents[1] / "survey" / "data" / "mobi.csv")


@pytest.fixture
def survey():
    return make_survey(300, random_state=0)


def test_unknown_column_in_a_block(survey):
    blocks = {**survey.blocks, "Image": ["IMAG1", "IMAG2", "IMAGE3"]}
    with pytest.raises(SchemaError,
        match=r"'IMAGE3' of block 'Image' is not a column \(did you mean 'IMAG3'\?\).*Fix"):
        PLSPathModel(blocks, survey.paths).fit(survey.data)


def test_indicators_with_nan(survey):
    data = survey.data.copy()
    data.loc[[3, 9], "CUSA2"] = np.nan
    keep = data.copy()
    with pytest.raises(DataError, match=r"(?s)column 'CUSA2': 2 rows with missing answers.*missing='drop'"):
        PLSPathModel(survey.blocks, survey.paths).fit(data)
    with pytest.warns(DataWarning, match=r"2 respondents with missing answers were dropped"):
        model = PLSPathModel(survey.blocks, survey.paths, missing="drop").fit(data)
    assert model.n_dropped_ == 2 and len(model.scores_) == 298
    assert any("dropped" in w for w in model.warnings_)
    pd.testing.assert_frame_equal(keep, data)


def test_constant_indicator(survey):
    data = survey.data.assign(PERV2=5)
    with pytest.raises(DataError,
        match=r"(?s)column 'PERV2'.*same answer from every respondent.*Fix: drop 'PERV2'"):
        PLSPathModel(survey.blocks, survey.paths).fit(data)


def test_text_indicator(survey):
    data = survey.data.assign(CUEX1=survey.data["CUEX1"].astype(str))
    with pytest.raises(SchemaError, match=r"indicator 'CUEX1' is not numeric.*Fix: code the answers"):
        PLSPathModel(survey.blocks, survey.paths).fit(data)


def test_path_to_a_latent_without_block(survey):
    paths = {**survey.paths, "Loyalty": ["Satisfaction", "Trust"]}
    with pytest.raises(ParameterError, match=r"names \['Trust'\], which have no block.*Fix: add a block"):
        PLSPathModel(survey.blocks, paths).fit(survey.data)


def test_cyclic_paths(survey):
    paths = {**survey.paths, "Image": ["Loyalty"]}
    with pytest.raises(ParameterError, match=r"form a cycle.*Fix: remove one path"):
        PLSPathModel(survey.blocks, paths).fit(survey.data)


def test_indicator_in_two_blocks(survey):
    blocks = {**survey.blocks, "Value": ["PERV1", "PERV2", "PERQ1"]}
    with pytest.raises(ParameterError, match=r"'PERQ1' is in the blocks of both 'Quality' and 'Value'.*Fix"):
        PLSPathModel(blocks, survey.paths).fit(survey.data)


def test_isolated_block_and_bad_mode(survey):
    blocks = {**survey.blocks, "Extra": ["recommend"]}
    with pytest.raises(ParameterError, match=r"\['Extra'\] have a block but no path.*Fix: connect"):
        PLSPathModel(blocks, survey.paths).fit(survey.data)
    with pytest.raises(ParameterError, match=r"modes must be 'A' or 'B'"):
        PLSPathModel(survey.blocks, survey.paths, modes={"Image": "C"}).fit(survey.data)


def test_answers_outside_the_scale(mobi):
    with pytest.raises(DataError, match=r"outside scale=\(0, 5\).*Fix: pass the scale"):
        PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, scale=(0, 5)).fit(mobi)


def test_too_few_respondents(mobi):
    with pytest.raises(DataError, match=r"5 complete respondents.*Fix: collect more"):
        PLSPathModel(ECSI_BLOCKS, ECSI_PATHS).fit(mobi.head(5))


def test_nps_bad_ratings():
    with pytest.raises(DataError,
        match=r"(?s)column 'nps_q': 2 rows with answers that are not whole numbers.*Fix"):
        net_promoter_score(pd.Series([10, 7.5, 11, 3], name="nps_q"))
    with pytest.raises(DataError, match=r"(?s)column 'nps_q': 1 row with missing answers.*dropna"):
        net_promoter_score(pd.Series([10, None, 3], name="nps_q"))
    with pytest.raises(ParameterError, match=r"scale must be \(0, 10\) or \(1, 10\)"):
        net_promoter_score([1, 2, 3], scale=(1, 5))


def test_complaints_bad_flags_and_times():
    frame = pd.DataFrame({"complained": ["yes", "no", "yes"], "resolution_days": [2.0, np.nan, 3.0],
                          "loyalty": [50.0, 70.0, 40.0]})
    keep = frame.copy()
    with pytest.raises(DataError, match=r"(?s)column 'complained'.*not True/False or 1/0.*Fix: code"):
        complaint_statistics(frame)
    pd.testing.assert_frame_equal(keep, frame)
    frame2 = frame.assign(complained=[True, False, True], resolution_days=[2.0, 4.0, -1.0])
    with pytest.raises(DataError, match=r"(?s)column 'resolution_days'.*negative or infinite.*Fix"):
        complaint_statistics(frame2)
    frame3 = frame2.assign(resolution_days=[2.0, 4.0, 1.0])
    with pytest.raises(DataError,
        match=r"(?s)'resolution_days'.*resolution time but no complaint.*Fix: check"):
        complaint_statistics(frame3)
    with pytest.raises(SchemaError, match=r"missing column 'churned'.*Fix"):
        complaint_statistics(frame2, complained="churned")


def test_nps_refuses_yes_no_flags_and_tables():
    # True/False were read as 1/0 answers: every respondent a detractor, NPS -100 without a word
    flags = pd.Series([True, False, True], name="would_recommend")
    keep = flags.copy()
    with pytest.raises(DataError,
                       match=r"(?s)column 'would_recommend': 3 rows with True/False.*Fix: pass the raw"):
        net_promoter_score(flags, n_bootstrap=0)
    pd.testing.assert_series_equal(keep, flags)
    with pytest.raises(ParameterError, match=r"ratings must be one column.*Fix: pass the recommendation"):
        net_promoter_score(pd.DataFrame({"a": [9, 10], "b": [1, 2]}), n_bootstrap=0)
    with pytest.raises(ParameterError, match=r"ratings must be one answer per respondent.*Fix: pass"):
        net_promoter_score(np.full((2, 3), 9), n_bootstrap=0)


def test_complaints_missing_flag_in_nullable_booleans():
    # a pandas "boolean" column with <NA> raised pandas' ValueError from inside crmmine
    frame = pd.DataFrame({"complained": pd.array([True, False, None, True], dtype="boolean"),
                          "loyalty": [50.0, 70.0, 60.0, 40.0]})
    keep = frame.copy()
    with pytest.raises(DataError, match=r"(?s)column 'complained': 1 row with values that are not True.*"
                                        r"Fix: code 'complained'"):
        complaint_statistics(frame)
    pd.testing.assert_frame_equal(keep, frame)


def test_complaints_text_resolution_times():
    # "x" became NaN: the complaint left the resolution figures without a word
    frame = pd.DataFrame({"complained": [1, 0, 1], "resolution_days": ["2", None, "x"],
                          "resolved": [1, 0, 0]})
    keep = frame.copy()
    with pytest.raises(DataError, match=r"(?s)column 'resolution_days': 1 row with resolution times that are "
                                        r"not numbers.*Fix: give days as numbers"):
        complaint_statistics(frame)
    pd.testing.assert_frame_equal(keep, frame)


def test_complaints_resolved_may_be_empty_for_customers_who_never_complained():
    # the usual layout leaves 'resolved' empty where there was no complaint; it raised before
    from crmmine.survey import complaint_statistics

    t = pd.DataFrame({"complained": [True, True, False, False],
                      "resolved": [True, False, None, None],
                      "loyalty": [8.0, 3.0, 7.0, 9.0]})
    before = t.copy()
    stats = complaint_statistics(t)
    pd.testing.assert_frame_equal(t, before)
    assert stats.loyalty.loc["complained, resolved", "mean_loyalty"] == 8.0
    assert stats.loyalty.loc["complained, unresolved", "mean_loyalty"] == 3.0
    assert stats.loyalty.loc["no complaint", "customers"] == 2
    # a complainer without a resolved flag still raises, naming the column
    with pytest.raises(DataError, match=r"(?s)'resolved'.*1 row"):
        complaint_statistics(t.assign(resolved=[True, None, None, None]))
