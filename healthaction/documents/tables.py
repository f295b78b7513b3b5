"""Headerless indicator rows (`1<TAB>…提高家居环境水平<TAB>倡导性`, a table that lost its header).

Every table with a header is read from the document model's grids (grid.GridMixin, interpret.tables).
"""

import re

from healthaction.documents.vocab import NATURE_WORDS

LOOSE_ROW = re.compile(r"^(\d{1,3})\t(.+?)\t?(约束性|预期性|倡导性)\s*$")


def loose_indicator_rows(lines: list[str], start: int, end: int) -> list[tuple[int, str, str, str]]:
    """Return (line, serial, name, nature) for headerless rows such as `1<TAB>…提高家居环境水平倡导性`."""
    found = []
    for i in range(start, end):
        m = LOOSE_ROW.match(lines[i])
        if m:
            found.append((i, m.group(1), m.group(2).strip(), NATURE_WORDS[m.group(3)]))
    return found


# a table row a web page flattened into one line: its serial glued to the name, the unit's bracket emptied (% lost),
# then the values: `105岁以下儿童死亡率()9.5` is row 10, 5岁以下儿童死亡率, 9.5
FLAT_ROW = re.compile(
    r"^(?P<rest>\S.*?)[（(](?P<unit>[^（）()]{0,8})[）)]\s*(?P<values>[-—≥≤<>\d.%‰/\s]*\d[-—≥≤<>\d.%‰/\s]*)$"
)
FLAT_HEADER_YEAR = re.compile(r"(\d{4})\s*年")


def flattened_rows(lines: list[str], skip: set[int] = frozenset()) -> list[tuple[int, str, str, str, list[str]]]:
    """Return (line, serial, name, unit, values) for runs of at least three flattened rows numbered 1, 2, 3 … in
    order (the serial is the next number expected, so 105岁以下… after row 9 is row 10 named 5岁以下…)."""
    found: list[tuple[int, str, str, str, list[str]]] = []
    run: list[tuple[int, str, str, str, list[str]]] = []
    expected = 1
    for i, line in enumerate(lines):
        text = line.strip()
        m = FLAT_ROW.match(text) if "\t" not in line and i not in skip else None
        serial = str(expected)
        if m and m.group("rest").startswith(serial) and len(m.group("rest")) > len(serial) + 1:
            name = m.group("rest")[len(serial) :].strip()
            values = [v for v in re.split(r"\s+", m.group("values").strip()) if v]
            run.append((i, serial, name, m.group("unit"), values))
            expected += 1
            continue
        if text.startswith("1") and m and m.group("rest")[1:2] and not m.group("rest")[1].isdigit():
            if len(run) >= 3:
                found.extend(run)
            run = []
            expected = 1
            name = m.group("rest")[1:].strip()
            values = [v for v in re.split(r"\s+", m.group("values").strip()) if v]
            run.append((i, "1", name, m.group("unit"), values))
            expected = 2
            continue
        if text:
            if len(run) >= 3:
                found.extend(run)
            run, expected = [], 1
    if len(run) >= 3:
        found.extend(run)
    return found
