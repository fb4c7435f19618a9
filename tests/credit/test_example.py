"""The German-credit example runs on the shared data."""


def test_credit_example(shared_data, run_example):
    out = run_example("credit_german.py")
    assert "Holdout: KS" in out and "PSI" in out and "status_of_existing_checking_account" in out
