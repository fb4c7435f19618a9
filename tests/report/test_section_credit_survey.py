"""The credit and survey report sections build from German credit and mobi (vendored copies)."""

from pathlib import Path

import numpy as np

from crmmine.credit import Scorecard, population_stability
from crmmine.datasets import load_german_credit, load_mobi
from crmmine.report.sections.credit import credit_section
from crmmine.report.sections.survey import survey_section
from crmmine.survey import ECSI_BLOCKS, ECSI_PATHS, PLSPathModel

TESTS = Path(__file__).parents[1]


def test_credit_section_from_german_credit():
    X = load_german_credit(TESTS / "credit" / "data" / "germancredit.csv.xz")
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
    mobi = load_mobi(TESTS / "survey" / "data" / "mobi.csv")
    model = PLSPathModel(ECSI_BLOCKS, ECSI_PATHS, scale=(1, 10), n_bootstrap=50, random_state=0).fit(mobi)
    section = survey_section(model)
    assert section.n_figures == 1 and section.html.count("<img") == 1
    assert "Satisfaction trap" in section.html and "Quality" in section.html
    assert f"{model.index_['Satisfaction']:.1f}" in section.html
