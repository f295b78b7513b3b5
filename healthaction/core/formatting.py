"""The one way a value and a target are written: comparator, number, unit with the right separator, both languages.

Pure Python (no Django): the evaluation engine builds its sentences with it too. Pages, reports, exports and the
catalogue call `value_text` and `target_text`; templates reach them through the `targets` tag library.

The rule for units, applied everywhere:
- a rate unit written "1/N" (1/10万, 1/万) replaces its leading 1 by the value: 12 in 1/10万 is "12/10万";
- in Chinese every other unit follows the number directly: "12%", "78岁", "12人", "2.5平方米";
- in English % and ‰ follow the number directly, every other unit after a space in its English name:
  "12 per 100,000", "78 years", "12 people", "2.5 m²".
"""

from __future__ import annotations

# the comparator codes stored in Target.comparator and in the interchange JSON, and the symbol each is written with
GE, LE, LT, GT, EQ, RANGE, NONE = ">=", "<=", "<", ">", "=", "range", ""
SYMBOLS = {GE: "≥", LE: "≤", LT: "<", GT: ">", EQ: "="}
RANGE_MARK = {"zh": "～", "en": "–"}

# the English name of each canonical unit (core/units.py); a test holds it to KNOWN_UNITS
UNIT_EN = {
    "%": "%",
    "‰": "‰",
    "1/10万": "per 100,000",
    "1/万": "per 10,000",
    "岁": "years",
    "人": "people",
    "人/千人": "per 1,000 people",
    "人/万人": "per 10,000 people",
    "张": "beds",
    "张/千人": "beds per 1,000 people",
    "小时": "hours",
    "分钟": "minutes",
    "天": "days",
    "次": "times",
    "个": "units",
    "所": "institutions",
    "家": "institutions",
    "项": "items",
    "例": "cases",
    "种": "kinds",
    "g": "g",
    "g/日": "g/day",
    "kg/m²": "kg/m²",
    "cm": "cm",
    "平方米": "m²",
    "平方米/人": "m² per person",
    "万人": "×10,000 people",
    "人次": "visits",
    "万人次": "×10,000 visits",
    "公里": "km",
    "元": "yuan",
    "万元": "×10,000 yuan",
    "亿元": "×100 million yuan",
}
GLUED_EN = ("%", "‰")


def _lang(language: str | None) -> str:
    return "en" if (language or "zh").lower().startswith("en") else "zh"


def number(value: float | None, places: int = 4) -> str:
    """Return `value` with at most `places` decimals and no trailing zeros ("12", "14.5", "0.3333"; "" for None)."""
    if value is None:
        return ""
    text = f"{round(float(value), places):.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def unit_suffix(unit: str | None, language: str | None = "zh") -> str:
    """Return what follows a number of `unit`: "/10万" for 1/10万, "岁" for 岁 (Chinese), " years" (English)."""
    if not unit:
        return ""
    if _lang(language) == "en":
        if unit in GLUED_EN:
            return unit
        if unit.startswith("1/") and unit not in UNIT_EN:
            return unit[1:]
        return " " + UNIT_EN.get(unit, unit)
    return unit[1:] if unit.startswith("1/") else unit


def value_text(value: float | None, unit: str | None = "", language: str | None = "zh", places: int = 4) -> str:
    """Return a value with its unit, "12/10万", "78岁", "12 per 100,000" ("" for None)."""
    if value is None:
        return ""
    return number(value, places) + unit_suffix(unit, language)


def target_text(
    comparator: str | None,
    value: float | None,
    upper: float | None = None,
    unit: str | None = "",
    language: str | None = "zh",
) -> str:
    """Return a numeric target: "≥14.5/10万", "7～8小时", "≤14.5 per 100,000" ("" without a value)."""
    if value is None:
        return ""
    if comparator == RANGE:
        return number(value) + RANGE_MARK[_lang(language)] + value_text(upper, unit, language)
    return SYMBOLS.get(comparator or "", "") + value_text(value, unit, language)
