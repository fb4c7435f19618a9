"""The mobi example runs on the shared data."""


def test_survey_example(shared_data, run_example):
    out = run_example("survey_mobi.py")
    assert "Image -> Expectation" not in out  # paths are printed as source/target columns
    assert "HTMT" in out and "NPS of 'would recommend'" in out and "mercenary" in out
