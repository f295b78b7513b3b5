"""Table shapes the document model does not hold: headerless indicator rows and the seed 001 task table.

Every other table is read from the model's grids (grid.GridMixin, interpret.tables).
"""

import re

from healthaction.documents.normalize import compact

NATURE_CELLS = {
    "约束性": "binding",
    "预期性": "expected",
    "倡导性": "advocacy",
    "预期值": "expected",
    "约束值": "binding",
    "约束性指标": "binding",
    "预期性指标": "expected",
    "倡导性指标": "advocacy",
}


def loose_indicator_rows(lines: list[str], start: int, end: int) -> list[tuple[int, str, str, str]]:
    """Return (line, serial, name, nature) for headerless rows such as `1<TAB>…提高家居环境水平倡导性`."""
    found = []
    for i in range(start, end):
        m = re.match(r"^(\d{1,3})\t(.+?)\t?(约束性|预期性|倡导性)\s*$", lines[i])
        if m:
            found.append((i, m.group(1), m.group(2).strip(), NATURE_CELLS[m.group(3)]))
    return found


# ---- task decomposition tables (seed 001 shape) -------------------------------------------------

TASK_HEADER_WORDS = ("牵头部门", "责任部门", "牵头单位", "责任单位")


def is_task_header(line: str) -> bool:
    cells = [compact(c) for c in line.split("\t")]
    return "序号" in cells and any(w in cells for w in TASK_HEADER_WORDS)


def task_header_columns(line: str) -> list[str]:
    return [compact(c) for c in line.split("\t")]
