"""Units of measure that indicators may carry.

Plans write the same unit in several ways (`1/10 万`, `/10万`, `每10万人口`);
`normalize_unit` maps each spelling to one canonical form, and a unit that
maps to nothing is unknown: models reject it, the parser leaves it in the
indicator name and warns.
"""

import re

# canonical unit -> accepted spellings (after whitespace removal)
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "%": ("%", "％", "百分比"),
    "‰": ("‰",),
    "1/10万": ("1/10万", "/10万", "每10万", "1/十万", "/10万人", "1/10万人", "每10万人口"),
    "1/万": ("1/万", "/万", "每万人"),
    "岁": ("岁", "年龄"),
    "人": ("人", "名"),
    "人/千人": ("人/千人", "人/千人口", "每千人口"),
    "人/万人": ("人/万人", "每万人口"),
    "张": ("张",),
    "张/千人": ("张/千人",),
    "小时": ("小时", "h"),
    "分钟": ("分钟", "min"),
    "天": ("天", "日"),
    "次": ("次",),
    "个": ("个",),
    "所": ("所",),
    "家": ("家",),
    "项": ("项",),
    "例": ("例",),
    "种": ("种",),
    "g": ("g", "克"),
    "g/日": ("g/日", "g/天", "克/日", "克/天"),
    "kg/m²": ("kg/m²", "kg/m2", "千克/平方米"),
    "cm": ("cm", "厘米"),
    "平方米": ("平方米", "m²", "㎡", "m2"),
    "平方米/人": ("平方米/人",),
    "万人": ("万人",),
    "元": ("元",),
    "万元": ("万元",),
    "亿元": ("亿元",),
    "人次": ("人次",),
    "万人次": ("万人次",),
    "公里": ("公里", "千米", "km"),
}

_LOOKUP = {spelling.lower(): canonical for canonical, spellings in UNIT_SPELLINGS.items() for spelling in spellings}
KNOWN_UNITS = frozenset(UNIT_SPELLINGS)


def normalize_unit(text: str | None) -> str | None:
    """Return the canonical spelling of a unit, '' for no unit, None when unknown."""
    if text is None:
        return ""
    compact = re.sub(r"\s+", "", text)
    if not compact:
        return ""
    return _LOOKUP.get(compact.lower())


def percent_like(unit: str) -> bool:
    """Return True when values of this unit are shares bounded by 100."""
    return unit == "%"
