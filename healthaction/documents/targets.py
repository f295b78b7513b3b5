"""The grammar of targets and baselines as plans write them.

`parse_target("≥25")`, `parse_target("在2019年基础上提高10%")`, `parse_target("持续下降")`
each return a dict in the interchange format's target shape (without the year),
or None when the text says nothing that can be judged. `parse_baseline` does
the same for baseline cells. Both are pure functions over one normalised string.
"""

import re

from healthaction.core.units import normalize_unit
from healthaction.documents import lexicon
from healthaction.documents.vocab import (
    CMP_EQ,
    CMP_GE,
    CMP_GT,
    CMP_LE,
    CMP_LT,
    CMP_RANGE,
    DIR_DECREASE,
    DIR_INCREASE,
    KIND_DIRECTIONAL,
    KIND_NUMERIC,
    KIND_QUALITATIVE,
    KIND_RELATIVE,
)

NUMBER = r"\d+(?:\.\s?\d+)?"
_NUM_RE = re.compile(NUMBER)
MISSING = set(lexicon.EMPTY_CELLS)

# Comparator words, longest first so 不低于 wins over 低于.
_PREFIX_WORDS = lexicon.COMPARATOR_PREFIXES  # longest first so 不低于 wins over 低于
_SUFFIX_WORDS = lexicon.COMPARATOR_SUFFIXES

_DIRECTIONAL = lexicon.TREND_PHRASES
_QUALITATIVE = lexicon.QUALITATIVE_WORDS
_RELATIVE = re.compile(
    rf"(?:在\s*(?:(?P<year>\d{{4}})\s*年|(?P<current>现有|现状|目前|当前|基期))(?:的)?(?:水平)?基础上|"
    rf"(?:比|较)\s*(?:(?P<year2>\d{{4}})\s*年(?:底|末)?|(?P<current2>现有|现状|目前|当前|基期))(?:水平)?)\s*"
    rf"(?:分别|均)?(?P<verb>提高|提升|增加|增长|上升|下降|降低|减少)\s*(?P<num>{NUMBER})\s*(?P<unit>%|个百分点)?"
)
# a change with no base named (降低10%, 提高5个百分点): relative to the baseline
_BARE_RELATIVE = re.compile(
    rf"^(?:力争|争取)?(?P<verb>提高|提升|增加|增长|上升|下降|降低|减少)\s*(?P<num>{NUMBER})\s*(?P<unit>%|个百分点)"
)
_ANNUAL = re.compile(
    rf"每年(?:平均)?\s*(?P<verb>提高|提升|增加|增长|上升|下降|降低|减少)\s*(?P<num>{NUMBER})\s*(?P<unit>%|个百分点)"
)
_RANGE = re.compile(
    rf"^(?P<low>{NUMBER})\s*(?P<u1>[^\d\s～~\-至]*)\s*(?:～|~|-|至|到)\s*(?P<high>{NUMBER})\s*(?P<unit>.*)$"
)
# a comparison with an average instead of a number: 高于全省平均水平, 达到全国平均水平, 优于全国平均水平
_RELATIONS = {
    "达到或超过": ">=",
    "达到或高于": ">=",
    "不低于": ">=",
    "不高于": "<=",
    "不超过": "<=",
    "高于": ">",
    "优于": ">",
    "好于": ">",
    "超过": ">",
    "低于": "<",
    "达到": ">=",
    "保持": "=",
    "接近": "=",
}
_COMPARATIVE = re.compile(
    r"(?P<rel>"
    + "|".join(_RELATIONS)
    + r")\s*(?P<ref>(?:全国|全省|全区|全市|全自治区|全州|全盟|国家|省|市|自治区)(?:的)?"
    r"(?:平均|同期|先进)?水平)(?:以上|以下)?"
)
_NUMBER_WITH_UNIT = re.compile(rf"^(?P<num>{NUMBER})\s*(?P<unit>.*?)$")


def to_number(text: str) -> float:
    """Return the float written in text (tolerating a space after the decimal point, as in `6. 33`)."""
    return float(text.replace(" ", ""))


def _strip_wrappers(text: str) -> str:
    text = text.strip().rstrip("。；;，,")
    text = re.sub(r"^(?:到\s*\d{4}\s*年(?:底)?[，,]?|\d{4}\s*年(?:底)?|全年|均|分别|各)\s*", "", text).strip()
    return re.sub(r"^在(?!\s*\d{4}\s*年)(?=\s*\d)", "", text)  # 在1%以下 (not 在2019年基础上)


def _split_comparator(text: str) -> tuple[str, str, bool]:
    """Return (comparator, rest, explicit) after reading comparator words around a number."""
    comparator = ""
    rest = text
    for word, cmp in _PREFIX_WORDS:
        pos = rest.find(word)
        if pos != -1 and _NUM_RE.search(rest[pos + len(word) :][:12]) and not _NUM_RE.search(rest[:pos]):
            comparator = cmp
            rest = rest[pos + len(word) :]
            break
    for word, cmp in _SUFFIX_WORDS:
        if rest.rstrip().endswith(word) or re.search(rf"{NUMBER}\s*\S{{0,6}}?{word}", rest):
            if not comparator or comparator in (CMP_GE, CMP_LE) or comparator == CMP_EQ:
                comparator = cmp
            rest = rest.replace(word, "", 1)
            break
    return comparator, rest.strip(), bool(comparator)


def parse_target(raw: str, unit_hint: str = "") -> dict | None:
    """Return the target written in `raw` as a dict, or None when it states nothing.

    A bare number gets no comparator (`comparator: ""`, `implicit: True`): the
    caller decides ≥ or ≤ from the indicator's direction.
    """
    text = _strip_wrappers(raw or "")
    if text in MISSING:
        return None
    base = {
        "raw": (raw or "").strip(),
        "kind": KIND_NUMERIC,
        "comparator": "",
        "value": None,
        "upper_value": None,
        "base_year": None,
        "change": None,
        "change_unit": "",
        "trend": "",
        "qualitative": "",
        "unit": "",
    }

    m = _COMPARATIVE.search(text)
    if m and not _NUM_RE.search(text):
        # 高于全省平均水平: judged against an average the plan does not state (see docs/plan-format.md)
        return {
            **base,
            "kind": KIND_QUALITATIVE,
            "qualitative": m.group(0),
            "reference": m.group("ref"),
            "relation": _RELATIONS[m.group("rel")],
        }

    m = _RELATIVE.search(text) or _BARE_RELATIVE.match(text)
    if m:
        sign = -1 if m.group("verb") in ("下降", "降低", "减少") else 1
        return {
            **base,
            "kind": KIND_RELATIVE,
            "base_year": _base_year(m),
            "change": sign * to_number(m.group("num")),
            "change_unit": "pp" if m.group("unit") == "个百分点" else "%",
            "trend": DIR_DECREASE if sign < 0 else DIR_INCREASE,
        }

    m = _ANNUAL.search(text)
    if m:
        sign = -1 if m.group("verb") in ("下降", "降低", "减少") else 1
        return {
            **base,
            "kind": KIND_RELATIVE,
            "change": sign * to_number(m.group("num")),
            "change_unit": "pp/yr" if m.group("unit") == "个百分点" else "%/yr",
            "trend": DIR_DECREASE if sign < 0 else DIR_INCREASE,
        }

    m = _RANGE.match(text) or _RANGE.match(re.sub(r"^(?:达到|保持在|控制在|为)", "", text))  # 达到7～8小时
    if m and (not m.group("u1") or normalize_unit(m.group("u1")) is not None):
        low, high = to_number(m.group("low")), to_number(m.group("high"))
        if high >= low:
            return {
                **base,
                "comparator": CMP_RANGE,
                "value": low,
                "upper_value": high,
                "unit": _unit_of(m.group("unit")),
            }

    if _NUM_RE.search(text):
        comparator, rest, explicit = _split_comparator(text)
        m = _NUMBER_WITH_UNIT.match(rest)
        if m and (not m.group("unit") or normalize_unit(m.group("unit")) is not None or len(m.group("unit")) <= 4):
            result = {
                **base,
                "comparator": comparator,
                "value": to_number(m.group("num")),
                "unit": _unit_of(m.group("unit")),
            }
            if not explicit:
                result["implicit"] = True
            return result
        # a number inside words (e.g. 每10万人口4.4名): take the last number after the comparator
        numbers = _NUM_RE.findall(rest)
        if numbers and comparator:
            return {**base, "comparator": comparator, "value": to_number(numbers[-1])}

    for word, trend in _DIRECTIONAL:
        if word in text:
            result = {**base, "kind": KIND_DIRECTIONAL, "trend": trend}
            if word.endswith("改善"):  # 死亡率持续改善 improves downwards: the indicator's direction decides
                result["improve"] = True
            return result
    for word in _QUALITATIVE:
        if word in text:
            return {**base, "kind": KIND_QUALITATIVE, "qualitative": word}
    return None


def _base_year(m: re.Match) -> int | None:
    groups = m.groupdict()
    year = groups.get("year") or groups.get("year2")
    return int(year) if year else None


def _unit_of(text: str) -> str:
    unit = normalize_unit(text)
    return unit or ""


def parse_baseline(raw: str) -> dict | None:
    """Return {'value', 'qualitative', 'raw'} for a baseline cell, or None when it is missing."""
    text = (raw or "").strip()
    if text in MISSING:
        return None
    # 35(邵阳市): the value of another area, given as the baseline; the value is read, the cell kept as written
    area = re.match(r"^(.*?\d)\s*[（(][^（）()]{0,10}(?:省|市|县|区|旗|州|盟|全国)[）)]$", text)
    if area:
        found = parse_baseline(area.group(1))
        return {**found, "raw": text} if found else None
    m = re.match(rf"^(?:约|近)?\s*(?P<num>{NUMBER})\s*(?P<unit>(?:[^\d]|/\d).*)?$", text)
    if m and (not (m.group("unit") or "").strip() or normalize_unit(m.group("unit")) is not None):
        return {"value": to_number(m.group("num")), "qualitative": "", "raw": text}
    return {"value": None, "qualitative": text, "raw": text}


DECREASE_NAME_HINTS = lexicon.DECREASE_NAME_HINTS


def infer_direction(name: str, targets: list[dict], baseline: dict | None) -> str:
    """Return whether higher or lower is better, from explicit comparators, then the name, then the numbers."""
    for target in targets:
        if target.get("comparator") in (CMP_GE, CMP_GT) and not target.get("implicit"):
            return DIR_INCREASE
        if target.get("comparator") in (CMP_LE, CMP_LT) and not target.get("implicit"):
            return DIR_DECREASE
        if target.get("improve"):
            continue
        if target.get("kind") in (KIND_DIRECTIONAL, KIND_RELATIVE) and target.get("trend") in (
            DIR_INCREASE,
            DIR_DECREASE,
        ):
            return target["trend"]
    if any(hint in name for hint in DECREASE_NAME_HINTS):
        return DIR_DECREASE
    numeric = [t["value"] for t in targets if t.get("value") is not None]
    if baseline and baseline.get("value") is not None and numeric:
        return DIR_DECREASE if numeric[-1] < baseline["value"] else DIR_INCREASE
    if any(t.get("kind") == KIND_QUALITATIVE for t in targets):
        return ""
    return DIR_INCREASE if numeric else ""


def settle_implicit(targets: list[dict], direction: str) -> None:
    """Give bare-number targets the comparator their indicator's direction implies (in place)."""
    for target in targets:
        if target.pop("implicit", False):
            target["comparator"] = CMP_LE if direction == DIR_DECREASE else CMP_GE
        if target.pop("improve", False):
            target["trend"] = DIR_DECREASE if direction == DIR_DECREASE else DIR_INCREASE
