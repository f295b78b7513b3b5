"""Department names as plans write them: split lists, read lead/co roles, merge aliases."""

import re
from collections import Counter, defaultdict

from healthaction.documents import lexicon
from healthaction.documents.lexicon import alternation

# Common abbreviations of Chinese government department names → the full form (general naming practice).
_ABBREVIATIONS = lexicon.DEPARTMENT_ABBREVIATIONS
_ALL_LOWER = re.compile(
    r"^各(?:县|旗|区|乡|镇)[（(]?(?:市|区|县|旗)?[、,，]?(?:区|市|县)?[）)]?(?:人民政府|政府)?$|^各县市区$|^各县（市、区）$|^各旗县市区$|^各乡镇(?:（街道）)?$|^各功能区$"
    r"|^各?(?:乡镇|街道|镇街|乡镇（街道）|乡（镇）|镇（街道）)(?:人民政府|政府|办事处|办)?$"
)
_DEPT_SUFFIX = re.compile(f"(?:{alternation(lexicon.DEPARTMENT_ENDINGS)})$")
_SPLIT = re.compile(r"[、，,；;](?![市区县]）)|(?<=[局委办部会院台联协])及|(?<=[局委办部会院台联协])和")
_ROLE_WORDS = re.compile(f"(?:{alternation(lexicon.ROLE_PHRASES)})$")


def is_all_lower(name: str) -> bool:
    """Return True for phrases meaning every lower-level government (各县（市、区）, 各县市区 …)."""
    return bool(_ALL_LOWER.match(name.replace(" ", "")))


def clean_name(name: str) -> str:
    """Return a department name without spaces, role words and a trailing 等."""
    text = re.sub(r"\s+", "", name)
    text = re.sub(r"^由(?=\S{3})", "", text)  # 由市卫生健康委牵头
    text = _ROLE_WORDS.sub("", text)
    text = re.sub(r"等$", "", text).strip("：:。")
    # a bracket of the list around the name goes, the name's own (各镇（街道）) stays
    while text and text[0] in "（(" and not re.search(r"[）)]", text):
        text = text[1:]
    while text and text[-1] in "）)" and not re.search(r"[（(]", text):
        text = text[:-1]
    return text.strip("：:。")


def split_names(text: str) -> list[str]:
    """Return the department names in a list such as `市教育局、市体育局等`."""
    names = []
    for part in _SPLIT.split(text):
        name = clean_name(part)
        if name:
            names.append(name)
    return names


def looks_like_department(name: str) -> bool:
    """Return True when the text reads as one department or agency name."""
    name = clean_name(name)
    if not name or len(name) > 24 or "。" in name:
        return False
    return bool(_DEPT_SUFFIX.search(name)) or is_all_lower(name)


def looks_like_department_list(text: str) -> bool:
    names = split_names(text)
    return bool(names) and all(looks_like_department(n) for n in names)


def _trailing_parenthesis(text: str) -> tuple[str, str] | None:
    """Return (inner text, whole parenthesis) of the parenthesis that closes the text, nested ones included."""
    stripped = re.sub(r"[。；;\s]+$", "", text)
    if not stripped.endswith("）"):
        return None
    depth = 0
    for pos in range(len(stripped) - 1, -1, -1):
        ch = stripped[pos]
        if ch == "）":
            depth += 1
        elif ch == "（":
            depth -= 1
            if depth == 0:
                inner = stripped[pos + 1 : -1]
                return (inner, text[pos:]) if 2 <= len(inner) <= 300 else None
    return None


def responsibility_from_text(text: str) -> dict | None:
    """Return {'lead': [...], 'co': [...], 'all_lower': bool, 'raw': ...} from the departments that close a text.

    Read, in this order: a trailing parenthesis (（市卫健委牵头，市教育局配合）, （牵头单位：…；配合单位：…）),
    a trailing labelled clause (…。责任单位：市卫健委、市教育局), a trailing sentence naming departments with a
    role word (…。市卫健委牵头，市教育局配合。).
    """
    found = _trailing_parenthesis(text.strip())
    if found:
        inner, whole = found
        # （A、B按职责分工负责。以下责任单位均包括…，不再列出）: a remark after the clause's own sentence
        inner = inner.split("。", 1)[0] if "。" in inner[:-1] else inner
        result = _labelled(inner, whole) or _from_inner(inner, whole)
        if result:
            return result
    return (
        _trailing_label(text)
        or _trailing_sentence(text)
        or _inner_parenthesis(text)
        or _led_by(text)
        or _cut_parenthesis(text)
    )


def _cut_parenthesis(text: str) -> dict | None:
    """A department parenthesis the copy cut off at the end (`…融合创新发展。（省卫生健康委、省委宣传部、省教育厅`):
    read like a closed one, marked `cut` so the reader warns that more names may be missing."""
    m = re.search(r"[。；;]\s*（([^（）]{2,300})$", text.strip())
    if not m:
        return None
    inner = re.sub(r"[、，,；;]+$", "", m.group(1).strip())
    names = split_names(inner)
    if len(names) >= 2 and not looks_like_department(names[-1]):
        names = names[:-1]  # the last name itself was cut (…、省人力资源社)
        inner = "、".join(names)
    if not names or not all(looks_like_department(n) for n in names):
        return None
    result = _labelled(inner, m.group(0)) or _from_inner(inner, m.group(0))
    if result is None:
        result = _split_all_lower(names[:1], names[1:], m.group(0))
    return {**result, "cut": True}


_LED_BY = re.compile(
    r"(?:^|(?<=[。；，,]))由(?P<lead>[^。；，,（）]{3,60}?)牵头(?:[，,、]?(?P<co>[^。；（）]{3,160}?)"
    r"(?:配合|参与|协助|按职责分工负责|按职责负责|共同负责))?"
)


def _led_by(text: str) -> dict | None:
    """A 由…牵头 clause inside the text: `…设施。由市体育局牵头，市住建局配合，到2025年实现…`."""
    for m in _LED_BY.finditer(text):
        leads = split_names(m.group("lead"))
        cos = split_names(m.group("co") or "")
        if leads and all(looks_like_department(n) for n in leads + cos):
            return _split_all_lower(leads, cos, m.group(0))
    return None


_LABEL = re.compile(r"(牵头|主责|责任|配合|协办|参与|协助|实施)(?:单位|部门)?\s*[：:]")
_LEAD_LABELS = lexicon.LEAD_LABELS
_CO_LABELS = lexicon.CO_LABELS


def _labelled(inner: str, whole: str) -> dict | None:
    """Read `牵头单位：A；配合单位：B、C` or `责任单位：A、B` (the first named leads when no label says 牵头)."""
    inner = re.sub(r"\s+", "", inner)
    labels = list(_LABEL.finditer(inner))
    if not labels or labels[0].start() != 0:
        return None
    has_lead = any(m.group(1) in _LEAD_LABELS for m in labels)
    leads: list[str] = []
    cos: list[str] = []
    for k, m in enumerate(labels):
        end = labels[k + 1].start() if k + 1 < len(labels) else len(inner)
        segment = inner[m.end() : end].strip("；;，,。、 ")
        if not segment:
            return None
        if m.group(1) not in _LEAD_LABELS + _CO_LABELS and re.search(r"牵头|配合", segment):
            part = _from_inner(segment, whole)
            if part is None:
                return None
            leads += part["lead"]
            cos += part["co"]
            continue
        names = split_names(segment)
        # the label says these are units: a name without a department's ending (融媒体) is one too
        if not names or not all(looks_like_department(n) or _unit_like(n) for n in names):
            return None
        if not any(looks_like_department(n) for n in names):
            return None
        if m.group(1) in _LEAD_LABELS:
            leads += names
        elif m.group(1) in _CO_LABELS or has_lead:
            cos += names
        else:
            leads += names[:1]
            cos += names[1:]
    if not leads and cos:
        leads, cos = cos[:1], cos[1:]
    return _split_all_lower(leads, cos, whole)


def _trailing_label(text: str) -> dict | None:
    """A labelled clause closing the text without a parenthesis: `…活动。责任单位：县卫生健康局、县融媒体中心`."""
    stripped = re.sub(r"[。；;\s]+$", "", text)
    for m in _LABEL.finditer(stripped):
        if m.start() and stripped[m.start() - 1] not in "。；;，, \t":
            continue
        result = _labelled(stripped[m.start() :], text[m.start() :])
        if result and (result["lead"] or result["co"] or result["all_lower"]):
            return result
    return None


def _trailing_sentence(text: str) -> dict | None:
    """A last sentence or clause that only names departments and their roles: `…。市卫健委牵头，市教育局配合。`,
    `…活动，县文旅体局牵头，县总工会配合。` (the longest such tail after a 。；or ，)."""
    stripped = re.sub(r"[。；;\s]+$", "", text)
    cut = max(stripped.rfind("。"), stripped.rfind("；"))
    for pos in [cut] + [m.start() for m in re.finditer(r"[，,]", stripped) if m.start() > cut]:
        if pos < 0:
            continue
        sentence = stripped[pos + 1 :].strip()
        if not sentence or len(sentence) > 80 or not re.search(r"(?:牵头|负责|配合)", sentence):
            continue
        if sentence.count("（") > sentence.count("）"):
            continue  # a parenthesis not closed yet: the clause goes on in the next line (_cut_parenthesis)
        if pos != cut and "牵头" not in sentence:
            continue  # after a comma only an explicit 牵头 marks the clause as departments
        result = _from_inner(sentence, text[pos + 1 :])
        if result and result["lead"]:
            return result
    return None


def _inner_parenthesis(text: str) -> dict | None:
    """A department parenthesis inside the text: `建立专家库（县卫健局牵头，县科协配合），每年开展…`."""
    for m in reversed(list(re.finditer(r"（([^（）]{2,120})）", text))):
        inner = m.group(1)
        if not (re.search(r"牵头|配合|负责", inner) or _LABEL.match(inner)):
            continue
        result = _labelled(inner, m.group(0)) or _from_inner(inner, m.group(0))
        if result and result["lead"]:
            return result
    return None


def _from_inner(inner: str, whole: str) -> dict | None:
    """Read `A牵头，B、C配合` / `A、B负责` (the text inside a department parenthesis)."""
    compact = re.sub(r"\s+", "", inner)
    compact = re.sub(r"[（(]牵头[）)][、，,；;]?", "牵头，", compact)  # 市卫健委（牵头）、市民政局
    # a remark after the list (…负责，排在第一位的为牵头单位，下同) is not a department
    remark = re.search(r"((?:分别|分工|共同)?负责)[，,；;](.*)$", compact)
    if remark and not re.search(r"(?:参与|配合|协助|协办)$", remark.group(2)):  # …牵头负责，B参与 is no remark
        compact = compact[: remark.end(1)]
    if "牵头" in compact:
        lead_part, _, co_part = compact.partition("牵头")
        co_part = co_part.lstrip("，,、；;")
    elif (
        re.search(r"(负责|配合|参与)$", compact)
        or looks_like_department_list(compact)
        or re.match(r"^[^，,、]+[，,]", compact)  # 卫健委，旗危重孕产妇、危重新生儿救治中心: a unit, then others
        and looks_like_department(re.split(r"[，,]", compact, maxsplit=1)[0])
    ):
        lead_part, co_part = compact, ""
    else:
        return None
    lead_names = split_names(lead_part)
    co_names = split_names(co_part)
    if "牵头" not in compact and len(lead_names) > 1:
        # "（A、B负责）": the first named leads, the others share the responsibility
        lead_names, co_names = lead_names[:1], lead_names[1:]
    if not lead_names or not all(looks_like_department(n) for n in lead_names):
        return None
    if not all(looks_like_department(n) for n in co_names):
        # after an explicit 牵头, or a first unit and a comma (卫健委，旗危重孕产妇、危重新生儿救治中心), a short
        # unusual name among the co-responsible (朔州车务段, 旗人民医院) is still a unit
        first_then_comma = re.match(r"^[^，,、]+[，,]", compact) is not None
        if not ("牵头" in compact or first_then_comma) or not all(
            looks_like_department(n) or _unit_like(n) for n in co_names
        ):
            return None
    return _split_all_lower(lead_names, co_names, whole)


_NOT_A_UNIT = re.compile(r"^(?:含|包括|以下|下同|简称|如|即|指|其中|不含|除)|[。\d：:]")


def _unit_like(name: str) -> bool:
    """A short name that may be a unit although it lacks a department's ending (融媒体, 旗危重孕产妇…救治中心)."""
    return 2 <= len(name) <= 15 and not _NOT_A_UNIT.search(name)


_SUBJECT_NAME = r"[\u4e00-\u9fff]{1,12}?(?:局|委员会|委|办|中心|协|联|院|部)"
_SUBJECT = re.compile(rf"^((?:{_SUBJECT_NAME}[，,、])*{_SUBJECT_NAME})(?=[\u4e00-\u9fff])(?![局委办部会院])")


def responsibility_from_subject(text: str) -> dict | None:
    """Departments written as the subject of the task's sentence: `奈曼旗卫生健康委，发展改革委、财政局逐步将肺功能
    检查纳入…` (the first named leads). Only when every name reads as a department and a verb follows."""
    m = _SUBJECT.match(re.sub(r"\s+", "", text))
    if not m:
        return None
    names = split_names(m.group(1))
    rest = text[m.end() :] if text.startswith(m.group(1)) else ""
    if len(names) < 2 or not all(looks_like_department(n) for n in names) or rest[:1] in ("的", "和", "与", "及"):
        return None  # one name (继续推进三个中心建设) is too easily a verb phrase ending in 中心
    return {**_split_all_lower(names[:1], names[1:], m.group(1)), "subject": True}


def _split_all_lower(leads: list[str], cos: list[str], raw: str) -> dict:
    all_lower = any(is_all_lower(n) for n in leads + cos)
    leads = [n for n in leads if not is_all_lower(n)]
    cos = [n for n in cos if not is_all_lower(n) and n not in leads]
    return {"lead": leads, "co": cos, "all_lower": all_lower, "raw": raw}


def responsibility_from_cell(cell: str, first_leads: bool) -> dict | None:
    """One department cell that says the roles itself (`A牵头，B、C配合`, `A（牵头）、B`); with `first_leads`
    (a lone 责任单位 column) a plain list `A、B` is led by A. None when the cell is a plain list otherwise."""
    text = re.sub(r"\s+", "", cell)
    if not text:
        return None
    if re.search(r"牵头|配合|负责", text) or _LABEL.match(text):
        result = _labelled(text, cell) or _from_inner(text, cell)
        if result and (result["lead"] or result["all_lower"]):
            return result
    if first_leads:
        names = split_names(text)
        if len(names) > 1 and all(looks_like_department(n) for n in names):
            return _split_all_lower(names[:1], names[1:], cell)
    return None


def canonical_key(name: str) -> str:
    """Return the key under which spellings of one department meet (市卫健委 = 市卫生健康委员会)."""
    key = clean_name(name)
    for short, full in _ABBREVIATIONS:
        if short != full and short in key and full not in key:
            key = key.replace(short, full)
    key = re.sub(r"委员会$", "委", key)
    return key


class DepartmentBook:
    """Collects every department spelling of one plan and merges aliases."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter] = defaultdict(Counter)

    def add(self, name: str) -> None:
        self.counts[canonical_key(name)][clean_name(name)] += 1

    def display(self, name: str) -> str:
        """Return the name used for this department throughout the plan: its most frequent spelling, longest on ties."""
        spellings = self.counts.get(canonical_key(name))
        if not spellings:
            return clean_name(name)
        return max(spellings.items(), key=lambda kv: (kv[1], len(kv[0])))[0]

    def as_list(self) -> list[dict]:
        result = []
        for spellings in self.counts.values():
            display = max(spellings.items(), key=lambda kv: (kv[1], len(kv[0])))[0]
            result.append({"name": display, "aliases": sorted(s for s in spellings if s != display)})
        return sorted(result, key=lambda d: d["name"])
