"""No function outside tests and migrations is longer than 100 lines (issue 26).

Walks every module with ast. STILL_LONG held the functions that were longer when the rule came, each to be split
along its steps (it could not grow, and left the list once under the limit); the last of them, prose.py's
targets_in_paragraph, was split in issue 26's second round, so the list is empty and a long function fails at once.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
LIMIT = 100

# module: {function: its length when the rule came}
STILL_LONG: dict[str, dict[str, int]] = {}


def function_lengths(source: str) -> dict[str, int]:
    """Return {qualified name: lines} of every function and method in `source` (nested ones by their own name)."""
    lengths = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            lengths[node.name] = max(lengths.get(node.name, 0), node.end_lineno - node.lineno + 1)
    return lengths


def test_no_function_is_longer_than_the_limit():
    new, grown, split = [], [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel:
            continue
        known = STILL_LONG.get(rel, {})
        lengths = function_lengths(path.read_text(encoding="utf-8"))
        for name, lines in lengths.items():
            if lines > LIMIT and name not in known:
                new.append(f"{rel} {name}: {lines} lines")
            elif name in known and lines > known[name]:
                grown.append(f"{rel} {name}: {known[name]} → {lines} lines")
        for name in known:
            if lengths.get(name, 0) <= LIMIT:
                split.append(f"{rel} {name}")
    assert new == [], "split these along their steps"
    assert grown == [], "a long function may not grow while it waits to be split"
    assert split == [], "now under the limit (or gone): take it out of STILL_LONG"


def test_lengths_are_counted_from_def_to_the_last_line():
    source = "def short():\n    return 1\n\n\nclass A:\n    def method(self):\n        x = 1\n\n        return x\n"
    assert function_lengths(source) == {"short": 2, "method": 4}
