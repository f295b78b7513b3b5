"""Accuracy of a parse against a careful person's transcription (issue 14's measure).

A transcription is JSON: {"indicators": [{"name", "baseline", "baseline_year", "targets": {"2022": [cmp, value]},
"nature", "action"}], "tasks": [{"task", "lead": [...], "co": [...]}]}; keys left out are not checked.
Indicator checks: the name found, the baseline (value and year), each year's target (comparator and value,
or ["qualitative", word] / ["relative", change] / ["directional", trend]), the nature. Task checks: the task
found, each lead and each co-responsible department (department spellings compared by canonical_key).
"""

import re
from dataclasses import dataclass, field

from healthaction.documents.departments import canonical_key, is_all_lower
from healthaction.documents.normalize import compact, normalize_line, to_simplified


@dataclass
class Score:
    indicator_checks: int = 0
    indicator_passed: int = 0
    target_checks: int = 0
    target_passed: int = 0
    task_checks: int = 0
    task_passed: int = 0
    department_checks: int = 0
    department_passed: int = 0
    misses: list[str] = field(default_factory=list)

    @staticmethod
    def _ratio(passed: int, checks: int) -> float:
        return passed / checks if checks else 1.0

    @property
    def indicators(self) -> float:
        return self._ratio(self.indicator_passed, self.indicator_checks)

    @property
    def targets(self) -> float:
        return self._ratio(self.target_passed, self.target_checks)

    @property
    def tasks(self) -> float:
        return self._ratio(self.task_passed, self.task_checks)

    @property
    def departments(self) -> float:
        return self._ratio(self.department_passed, self.department_checks)

    def check(self, area: str, ok: bool, what: str) -> None:
        setattr(self, f"{area}_checks", getattr(self, f"{area}_checks") + 1)
        if ok:
            setattr(self, f"{area}_passed", getattr(self, f"{area}_passed") + 1)
        else:
            self.misses.append(what)


def _simplified(text: str) -> str:
    """The reader gives a Traditional-character text in Simplified characters; a transcription kept in the
    characters the page used is compared in Simplified too."""
    return to_simplified(text)


def _key(name: str) -> str:
    return re.sub(r"[（(][^（）()]{0,12}[）)]$", "", compact(normalize_line(_simplified(name))))


def _find_indicator(draft: dict, expected: dict) -> dict | None:
    key = _key(expected["name"])
    candidates = [i for i in draft["indicators"] if "action" not in expected or i["action"] == expected["action"]]
    for item in candidates:
        if _key(item["name"]) == key:
            return item
    for item in candidates:
        other = _key(item["name"])
        if len(other) >= 4 and (other in key or key in other) and abs(len(other) - len(key)) <= 4:
            return item
    return None


def _target_ok(target: dict | None, expected: list) -> bool:
    if target is None:
        return False
    kind, value, *upper = expected
    if kind == "range":  # ["range", low, high]
        return (
            target["kind"] == "numeric"
            and target["comparator"] == "range"
            and target["value"] is not None
            and abs(target["value"] - value) < 1e-9
            and target["upper_value"] is not None
            and abs(target["upper_value"] - upper[0]) < 1e-9
        )
    if kind == "qualitative":
        return target["kind"] == "qualitative"
    if kind == "relative":
        return target["kind"] == "relative" and target["change"] is not None and abs(target["change"] - value) < 1e-9
    if kind == "directional":
        return target["kind"] == "directional" and target["trend"] == value
    return (
        target["kind"] == "numeric"
        and target["comparator"] == kind
        and target["value"] is not None
        and abs(target["value"] - value) < 1e-9
    )


def _find_task(draft: dict, expected: dict, used: set) -> dict | None:
    """The first unused task whose content (or, for task tables, 推进措施 `measures`) starts with the transcription's."""
    field_name = "measures" if "measures" in expected else "content"
    key = compact(normalize_line(_simplified(expected.get("measures") or expected["task"])))
    for k, task in enumerate(draft["tasks"]):
        text = compact(normalize_line(task[field_name]))
        if k not in used and (text.startswith(key[:20]) or (field_name == "content" and key in text)):
            used.add(k)
            return task
    return None


def score(draft: dict, transcription: dict, result: Score | None = None) -> Score:
    """Return the checks a parse passes against a hand transcription (added to `result` when given)."""
    result = result or Score()
    for expected in transcription.get("indicators", []):
        name = expected["name"]
        found = _find_indicator(draft, expected)
        result.check("indicator", found is not None, f"indicator {name}: not found")
        if "baseline" in expected:
            got = found and found["baseline"]
            ok = (
                (got is None)
                if expected["baseline"] is None
                else bool(
                    got
                    and got["value"] is not None
                    and abs(got["value"] - expected["baseline"]) < 1e-9
                    and ("baseline_year" not in expected or got["year"] == expected["baseline_year"])
                )
            )
            result.check("indicator", bool(found) and ok, f"indicator {name}: baseline {got} ≠ {expected['baseline']}")
        for year, target in expected.get("targets", {}).items():
            got = next((t for t in (found or {}).get("targets", []) if t["year"] == int(year)), None)
            ok = _target_ok(got, target)
            result.check(
                "indicator",
                ok,
                f"indicator {name} {year}: {got and (got['kind'], got['comparator'], got['value'])} ≠ {target}",
            )
            result.check("target", ok, f"target {name} {year}")
        if "nature" in expected:
            result.check(
                "indicator", bool(found) and found["nature"] == expected["nature"], f"indicator {name}: nature"
            )
    used: set = set()
    for expected in transcription.get("tasks", []):
        label = (expected.get("task") or expected.get("measures"))[:20]
        found = _find_task(draft, expected, used)
        result.check("task", found is not None, f"task {label}: not found")
        for role, field_name in (("lead", "lead_departments"), ("co", "co_departments")):
            got = {canonical_key(n) for n in (found or {}).get(field_name, [])}
            if role == "co":
                # a 责任部门 cell that repeats the lead: the reader names a department once, as the lead
                got |= {canonical_key(n) for n in (found or {}).get("lead_departments", [])}
            for name in expected.get(role, []):
                # 各乡镇 / 各县（市、区） are read as the task's all_lower_units flag, not as a department
                ok = canonical_key(_simplified(name)) in got or bool(
                    is_all_lower(name) and (found or {}).get("all_lower_units")
                )
                result.check("task", ok, f"task {label} {role} {name}: got {sorted(got)}")
                result.check("department", ok, f"department {role} {name}")
    return result
