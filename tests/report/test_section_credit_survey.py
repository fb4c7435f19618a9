"""The credit and survey sections from German credit and mobi (vendored copies), in Python and
through the command line's --applications/--target and --survey options."""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pytest

from crmmine.credit import Scorecard, population_stability
from crmmine.datasets import load_german_credit, load_mobi
from crmmine.errors import DataError
from crmmine.report.cli import main
from crmmine.report.sections.credit import coded_target, credit_section, split_applications
from crmmine.report.sections.survey import survey_section
from crmmine.survey import ECSI_BLOCKS, ECSI_PATHS, PLSPathModel

TESTS = Path(__file__).parents[1]
GERMAN = TESTS / "credit" / "data" / "germancredit.csv.xz"
MOBI = TESTS / "survey" / "data" / "mobi.csv"


def test_credit_section_from_german_credit():
    X = load_german_credit(GERMAN)
    y = (X.pop("creditability") == "bad").astype(int)
    holdout = np.arange(len(X)) % 3 == 0
    card = Scorecard().fit(X[~holdout], y[~holdout])
    ev = card.evaluate(X[holdout], y[holdout])
    psi = population_stability(card.points(X[~holdout]), card.points(X[holdout]))
    section = credit_section(card, ev, stability=psi)
    assert section.n_figures == 1 and section.html.count("<img") == 1
    assert f"KS {ev.ks:.3f}" in section.html and "status_of_existing_checking_account" in section.html
    assert "PSI" in section.html and "<script" not in section.html


def test_survey_section_from_mobi():
    mobi = load_mobi(MOBI)
    model = PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, scale=(1, 10), n_bootstrap=50, random_state=0).fit(mobi)
    section = survey_section(model)
    assert section.n_figures == 1 and section.html.count("<img") == 1
    assert "Satisfaction trap" in section.html and "Quality" in section.html
    assert f"{model.index_['Satisfaction']:.1f}" in section.html


def test_split_is_stratified_and_seeded():
    apps = load_german_credit(GERMAN)
    X_dev, y_dev, X_hold, y_hold = split_applications(apps, "creditability", bad_value="bad", random_state=3)
    assert len(X_hold) == 333 and int(y_hold.sum()) == 100 and int(y_dev.sum()) == 200
    assert X_dev.index.intersection(X_hold.index).empty and "creditability" not in X_dev
    again = split_applications(apps, "creditability", bad_value="bad", random_state=3)[2]
    assert again.index.equals(X_hold.index)
    with pytest.raises(DataError, match=r"'creditability'.*--bad-value"):
        coded_target(apps, "creditability")


def test_cli_credit_and_survey_options(tmp_path, capsys):
    apps, survey = tmp_path / "apps.csv", tmp_path / "mobi.csv"
    load_german_credit(GERMAN).to_csv(apps, index=False)
    load_mobi(MOBI).to_csv(survey, index=False)
    out = tmp_path / "r.html"
    code = main(["report", "-o", str(out), "--quiet", "--sections", "credit,survey",
                 "--applications", str(apps), "--target", "creditability", "--bad-value", "bad",
                 "--survey", str(survey), "--survey-scale", "1,10"])
    assert code == 0, capsys.readouterr().err
    page = html.unescape(out.read_text(encoding="utf-8"))
    assert "<h2>Credit scorecard</h2>" in page and "<h2>Customer satisfaction</h2>" in page
    assert "1,000 applications (300 bad, target column 'creditability')" in page
    assert "Satisfaction trap" in page and "<h2>Segmentation</h2>" not in page
    # text labels without --bad-value: the error names the flag
    code = main(["report", "-o", str(out), "--quiet", "--applications", str(apps),
                 "--target", "creditability"])
    assert code == 2 and "--bad-value" in capsys.readouterr().err
