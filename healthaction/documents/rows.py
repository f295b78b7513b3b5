"""Small readers of table cells: unit in a name, compound rows (两项指标 | 100，70), notes, headings' nature."""

import re

from healthaction.core.units import normalize_unit
from healthaction.documents.normalize import compact


def _unique(items) -> list[str]:
    out = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


UNIT_PAREN = re.compile(r"（([^（）]{1,12})）$")


def split_unit(name: str) -> tuple[str, str]:
    """Return (name, unit): only the last parenthesis can hold the unit, and only a known unit counts."""
    name = compact(name)
    m = UNIT_PAREN.search(name)
    if m:
        unit = normalize_unit(m.group(1))
        if unit:
            return name[: m.start()], unit
    return name, ""


def _split_compound_name(name: str) -> list[str]:
    parts = re.split(r"(?<=）)[，,；;](?=\S)", name)
    return parts if len(parts) > 1 else [name]


def _split_compound_value(raw: str, parts: int) -> list[str]:
    if parts == 1:
        return [raw]
    pieces = [p.strip() for p in re.split(r"[，,；;、]", raw)]
    if len(pieces) == parts:
        return pieces
    return [raw] * parts if not re.search(r"\d", raw) or raw in ("—", "") else pieces


def _nature_of_heading(head: str) -> str:
    head = re.sub(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|\d+[.、．])", "", head)
    head = re.sub(r"(?:（\d+项）)?[：:。]?$", "", head)  # 1. 政府约束性工作指标（2项）：
    if not head.endswith("指标") or len(head) > 12:
        return ""
    for word, nature in (("约束性", "binding"), ("预期性", "expected"), ("倡导性", "advocacy")):
        if word in head:
            return nature
    return ""


def _notes(notes: list[str]) -> tuple[str, str, str, str]:
    definition, calculation = [], []
    for note in notes:
        body = re.sub(r"^(?:说明|注)\s*\d*[：:.、]?", "", note)
        if "计算方法" in body:
            before, _, after = body.partition("计算方法")
            if before.strip("：: "):
                definition.append(before.strip("：: "))
            calculation.append(after.lstrip("：:"))
        else:
            definition.append(body)
    calc = "".join(calculation)
    numerator = denominator = ""
    m = re.search(r"[=＝]?\s*([^=＝/÷]{2,60}?)\s*[/÷]\s*([^/÷×*]{2,60}?)\s*(?:[×*]\s*100\s*[%‰]?|$)", calc)
    if m:
        numerator, denominator = m.group(1).strip("（）() "), m.group(2).strip("（）()。 ")
    return "".join(definition), calc, numerator, denominator
