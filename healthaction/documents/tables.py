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
