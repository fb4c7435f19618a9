"""The Chinese report (issue 13 item 6): headings, sentences, column labels and the analysis
packages' labels in Chinese; figure text in Chinese only when a CJK font is installed."""

from __future__ import annotations

import re
import string

import pytest

from crmmine.report import _figures
from crmmine.report._text import show_table, t, unit_words
from crmmine.report._zh import COLUMNS_ZH, ZH

CJK = re.compile(r"[\u4e00-\u9fff]")


def _fields(template: str) -> list[tuple[str, str]]:
    return sorted((name, spec) for _, name, spec, _ in string.Formatter().parse(template) if name is not None)


def test_page_language_headings_and_labels(zh_report):
    page = zh_report["report"].html
    assert page.startswith("<!DOCTYPE html><html lang='zh'>")
    for heading in ("报告设置", "数据质量", "客户汇总", "客户细分", "客户终身价值", "交叉销售与向上销售",
                    "欺诈与异常", "客户流失与挽留"):
        assert f"<h2>{heading}</h2>" in page
    # labels translated by the analysis packages' tables: segments, tiers, stages, actions
    for label in ("冠军客户", "沉睡客户", "成长期", "终止期", "积分会员制", "客户赢回"):
        assert label in page
    assert "<th>客户编号</th>" in page and "<th>客户终身价值</th>" in page


def test_every_sentence_and_column_label_has_a_translation(zh_report):
    assert zh_report["missing"] == set()
    page = zh_report["report"].html
    heads = re.findall(r"<thead><tr>(.*?)</tr></thead>", page)
    labels = [h for row in heads for h in re.findall(r"<th>([^<]*)</th>", row)]
    # English labels left: none in lower case (the example rows of the user's own table keep its column
    # names, Online Retail's CamelCase; codes such as T, AUC or P(alive) are the same in both languages)
    assert not [h for h in labels if re.fullmatch(r"[a-z][a-z_ ]*", h)]


def test_no_tofu_without_a_cjk_font(zh_report):
    assert not [w for w in zh_report["warnings"] if "missing from font" in w]
    if _figures.cjk_font() is None:
        assert "图中文字为英文" in zh_report["report"].html


def test_translations_keep_their_placeholders():
    for en, zh in ZH.items():
        assert _fields(en) == _fields(zh), en
        assert CJK.search(zh), en
    got = t("{n:,} customers have at least one rule-based offer.", "zh", n=1200)
    assert got == "1,200 位客户至少有一项基于规则的推荐。"
    assert unit_words("Q", "zh") == "季度" and unit_words("14D", "en") == "14-day periods"


def test_figure_locale_follows_the_font(monkeypatch):
    import matplotlib

    monkeypatch.setattr(_figures, "cjk_font", lambda: None)
    assert _figures.figure_locale("zh") == "en"
    monkeypatch.setattr(_figures, "cjk_font", lambda: "Noto Sans CJK SC")
    assert _figures.figure_locale("zh") == "zh"
    with _figures.figure_style("zh"):
        assert matplotlib.rcParams["font.sans-serif"][0] == "Noto Sans CJK SC"
    assert matplotlib.rcParams["font.sans-serif"][0] != "Noto Sans CJK SC"


def test_a_fallback_font_with_placeholder_boxes_is_not_a_cjk_font(tmp_path):
    from matplotlib import font_manager

    # "Last Resort" style fonts map every code point to a box: they must not count
    for entry in font_manager.fontManager.ttflist:
        if "Last Resort" in entry.name:
            assert not _figures._has_glyphs(entry.fname)
            break
    else:
        pytest.skip("no Last Resort font installed")


def test_ids_stay_ids_when_columns_are_translated():
    import pandas as pd

    frame = pd.DataFrame({"customer_id": [16446, 12415], "clv": [12345.6, 7.5]})
    html = show_table(frame.set_index("customer_id"), "zh")
    assert "<th>客户编号</th>" in html and "<th>16446</th>" in html and "16,446" not in html
    assert "12,346" in html  # amounts keep thousands separators
    assert COLUMNS_ZH["clv"] in html
