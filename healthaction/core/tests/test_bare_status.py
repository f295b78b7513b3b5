"""No bare status string: code compares and filters statuses through their vocabulary's constants, templates through
a model property or the choicesets tags, so a renamed or new status is one row in a ChoiceSet.

Python is read with ast: a comparison (==, !=, in) of a `status`, `verdict` or `comparator` (attribute or name)
with a string literal, or a keyword argument `status=`/`status__in=`… given one, fails; so does `kind` when the
literal is a code of a kind vocabulary. Templates fail on `.status == "…"` and the like. The pure modules (the
document parser and the evaluation engine, which must not import Django) write codes from their own constants
modules and are left out.
"""

import ast
import re
from pathlib import Path

from healthaction.core.choices import CycleKind, DueKind, TargetKind

PACKAGE = Path(__file__).resolve().parents[2]
FIELDS = {"status", "verdict", "comparator"}
KIND_CODES = {str(v) for v in [*TargetKind.values, *DueKind.values, *CycleKind.values] if v}
PURE = ("documents/", "evaluation/engine.py", "evaluation/rules.py")
TEMPLATE = re.compile(
    r"\b\w+\.(status|verdict|comparator|kind)\s*(==|!=)\s*[\"']|[\"']\s*(==|!=)\s*\w+\.(status|verdict)\b"
)


def _python_files():
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel.startswith(PURE):
            continue
        yield rel, path


def _name(node) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _literals(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [v for elt in node.elts for v in _literals(elt)]
    return []


def _bare(field: str, literals: list[str]) -> bool:
    if not literals:
        return False
    if field in FIELDS:
        return True
    return field == "kind" and any(v in KIND_CODES for v in literals)


def offenders_in(source: str, rel: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            for a, b in zip(sides, sides[1:]):
                for field_side, value_side in ((a, b), (b, a)):
                    if _bare(_name(field_side), _literals(value_side)):
                        found.append(f"{rel}:{node.lineno}")
        elif isinstance(node, ast.Call):
            for kw in node.keywords:
                field = (kw.arg or "").split("__")[0]
                if _bare(field, _literals(kw.value)):
                    found.append(f"{rel}:{node.lineno} {kw.arg}=")
    return found


def test_no_bare_status_strings_in_code():
    offenders = [o for rel, path in _python_files() for o in offenders_in(path.read_text(encoding="utf-8"), rel)]
    assert offenders == []


def test_no_bare_status_strings_in_templates():
    offenders = []
    for path in sorted(PACKAGE.rglob("templates/**/*.html")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if TEMPLATE.search(line):
                offenders.append(f"{path.relative_to(PACKAGE)}:{n}")
    assert offenders == []


def test_the_check_finds_what_it_is_for():
    """Each form the rule forbids is caught, each allowed form passes (so the two tests above can fail)."""
    assert offenders_in('x = items.filter(status="open")', "a.py") == ["a.py:1 status="]
    assert offenders_in('ok = obj.status == "submitted"', "a.py") == ["a.py:1"]
    assert offenders_in('ok = "draft" != plan.status', "a.py") == ["a.py:1"]
    assert offenders_in('q = Plan.objects.filter(status__in=("draft", "published"))', "a.py") == ["a.py:1 status__in="]
    assert offenders_in('q = Target.objects.filter(kind="qualitative")', "a.py") == ["a.py:1 kind="]
    assert offenders_in('ok = r.kind == "county"', "a.py") == []  # not a kind vocabulary's code
    assert offenders_in("ok = obj.status == ValueStatus.SUBMITTED", "a.py") == []
    assert TEMPLATE.search('{% if plan.status == "draft" %}')
    assert TEMPLATE.search("{% if job.status != 'failed' %}")
    assert not TEMPLATE.search("{% if plan.is_draft %}")
