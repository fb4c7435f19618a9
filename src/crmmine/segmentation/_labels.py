"""Chinese labels of the segmentation package and the helpers that apply a locale.

Labels are *codes* in English (segment, tier, grade, stage and action names);
``locale="zh"`` changes only what is shown. Functions return ordered
categoricals whose category order (and so ``.cat.codes``) is the same in every
locale, so results in two locales join on the customer id and on the codes.
The Chinese terms are the usual ones of Chinese CRM textbooks (e.g. the eight
RFM classes 重要价值客户 ... 一般挽留客户, the lifecycle 潜在期 ... 终止期).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from crmmine._i18n import check_locale, register, translate

__all__ = ["ZH", "localize", "localized_categorical"]

#: English label -> Chinese label, registered with :mod:`crmmine._i18n`.
ZH: dict[str, str] = {
    # RFM presets: eight classes (the standard Chinese RFM model)
    "Important value": "重要价值客户",
    "Important development": "重要发展客户",
    "Important retention": "重要保持客户",
    "Important win-back": "重要挽留客户",
    "General value": "一般价值客户",
    "General development": "一般发展客户",
    "General retention": "一般保持客户",
    "General win-back": "一般挽留客户",
    # crm4
    "High value": "高价值客户",
    "Important to retain": "重点保持客户",
    "New": "新客户",
    "Low value": "低价值客户",
    # rf_grid and putler
    "Champions": "冠军客户",
    "Loyal customers": "忠诚客户",
    "Potential loyalists": "潜在忠诚客户",
    "Potential loyalist": "潜在忠诚客户",
    "New customers": "新客户",
    "Recent customers": "近期客户",
    "Promising": "有潜力客户",
    "Need attention": "需要关注客户",
    "Customers needing attention": "需要关注客户",
    "About to sleep": "即将沉睡客户",
    "Can't lose them": "不能失去的客户",
    "At risk": "有流失风险客户",
    "Hibernating": "沉睡客户",
    "Lost": "流失客户",
    "Other": "其他客户",
    # count tiers
    "Top 20%": "前20%客户",
    "Next 30%": "其后30%客户",
    "Rest": "其余客户",
    # customer pyramid (Zeithaml, Rust & Lemon 2001)
    "platinum": "铂金客户",
    "gold": "黄金客户",
    "iron": "钢铁客户",
    "lead": "铅质客户",
    # value matrix cells
    "Stars": "明星客户",
    "Develop": "发展客户",
    "Maintain": "维持客户",
    "Low priority": "低优先级客户",
    # lifecycle stages (crmmine's finer stages and the texts' five)
    "prospect": "潜在期",
    "new": "新客期",
    "growing": "上升期",
    "mature": "稳定期",
    "declining": "衰退期",
    "lost": "流失期",
    "development": "开发期",
    "growth": "成长期",
    "maturity": "成熟期",
    "termination": "终止期",
    # lifecycle actions
    "advertising": "广告宣传",
    "welcome and first cross-sell": "欢迎关怀与首次交叉销售",
    "cross-selling through partners": "通过合作伙伴交叉销售",
    "points membership": "积分会员制",
    "one-to-one service": "一对一服务",
    "retention offer": "挽留优惠",
    "win-back": "客户赢回",
    # cluster-name words
    "recent": "近期活跃",
    "lapsed": "久未购买",
    "frequent": "高频",
    "occasional": "低频",
    "high-spend": "高消费",
    "low-spend": "低消费",
    "typical": "一般",
    "high": "高",
    "low": "低",
    "cluster": "类",
    "mostly": "多为",
}

register(ZH)


def localized_categorical(
    values: Sequence[str] | pd.Series | np.ndarray,
    categories: Sequence[str],
    *,
    index: pd.Index,
    name: str,
    locale: str = "en",
    codes: bool = False,
) -> pd.Series:
    """An ordered categorical Series of English codes, shown in ``locale``.

    The category order is ``categories`` in every locale, so ``.cat.codes`` are stable. With
    ``codes=True``, ``values`` are integer positions in ``categories`` (fast path).
    """
    check_locale(locale)
    cats = list(dict.fromkeys(categories))
    if codes:
        cat = pd.Categorical.from_codes(np.asarray(values, dtype=np.int64), categories=cats, ordered=True)
    else:
        cat = pd.Categorical(values, categories=cats, ordered=True)
    return localize(pd.Series(cat, index=index, name=name), locale)


def localize(series: pd.Series, locale: str = "en") -> pd.Series:
    """Translate a categorical (or string) Series of English codes; codes stay the same."""
    check_locale(locale)
    if locale == "en":
        return series
    if isinstance(series.dtype, pd.CategoricalDtype):
        new = [translate(c, locale) for c in series.cat.categories]
        if len(set(new)) < len(new):  # two codes share a translation: keep them apart
            new = [f"{t} ({c})" if new.count(t) > 1 else t for t, c in zip(new, series.cat.categories)]
        return series.cat.rename_categories(new)
    return series.map(lambda v: translate(v, locale))
