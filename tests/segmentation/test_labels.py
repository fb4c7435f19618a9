"""Chinese labels: every label function takes locale="zh", the codes stay the same."""

from __future__ import annotations

import pandas as pd
import pytest

from crmmine._i18n import translate
from crmmine.errors import ParameterError
from crmmine.segmentation import (
    PRESETS,
    STAGES,
    abc_tiers,
    customer_pyramid,
    lifecycle_stages,
    rfm_segments,
    stage_actions,
    value_matrix,
    value_tiers,
)
from crmmine.segmentation._labels import ZH


def test_every_preset_label_has_a_chinese_name():
    labels = {r["name"] for make in PRESETS.values() for r in make().rules} | {"Other"}
    labels |= set(STAGES) | {"development", "growth", "maturity", "termination"}
    labels |= {"platinum", "gold", "iron", "lead", "Stars", "Develop", "Maintain", "Low priority"}
    labels |= set(stage_actions("crmmine")["action"]) | set(stage_actions("texts5")["action"])
    missing = sorted(x for x in labels if translate(x, "zh") == x)
    assert missing == []
    assert all(v.strip() for v in ZH.values())


def test_codes_are_stable_across_locales():
    scores = pd.DataFrame({"R": [5, 1, 3, 2], "F": [5, 5, 1, 2], "M": [4, 5, 2, 1]}, index=[7, 8, 9, 10])
    frame = pd.DataFrame({"monetary": [100.0, 50, 20, -5], "orders": [5, 1, 3, 1]}, index=[7, 8, 9, 10])
    tx = pd.DataFrame(
        {"customer_id": [7, 8, 8], "date": pd.to_datetime(["2020-01-01", "2020-05-01", "2020-06-01"])}
    )
    pairs = [
        (lambda loc: rfm_segments(scores, "putler", locale=loc)),
        (lambda loc: abc_tiers(frame, locale=loc)["tier"]),
        (lambda loc: value_tiers(frame, {"monetary": 1.0}, locale=loc)["grade"]),
        (lambda loc: customer_pyramid(frame, profit="monetary", locale=loc)["grade"]),
        (lambda loc: value_matrix(frame, "orders", "monetary", locale=loc)["cell"]),
        (lambda loc: lifecycle_stages(tx, as_of="2020-07-01", locale=loc)["stage"]),
    ]
    for make in pairs:
        en, zh = make("en"), make("zh")
        assert (en.cat.codes == zh.cat.codes).all()
        assert len(en.cat.categories) == len(zh.cat.categories)
        # joined on the customer id and the code, the two locales line up
        joined = pd.DataFrame({"en": en.cat.codes, "zh": zh.cat.codes})
        assert (joined["en"] == joined["zh"]).all()


def test_unknown_locale_is_refused():
    with pytest.raises(ParameterError, match="locale"):
        stage_actions(locale="fr")
