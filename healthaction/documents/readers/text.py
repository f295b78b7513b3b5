"""Plain text → document model.

A text file keeps one paragraph per source line (so line numbers stay the file's own). Tables are
rebuilt from two shapes: runs of tab-separated rows (a header row gives the column count; blank
lines and repeated headers inside the run are kept for the interpreter), and one-cell-per-line runs
(a line starting with a tab opens a cell, the header's cells fix the width).
"""

import re

from healthaction.documents.model import Document, Paragraph, Table

_HEADER_WORD = re.compile(r"序号|指标|任务|牵头|责任|目标|基线|现状|单位|属性|性质|完成时限")


def text_document(lines: list[str], kind: str = "txt") -> Document:
    document = Document(kind=kind)
    document._lines = lines
    i, n = 0, len(lines)
    while i < n:
        if _is_tab_row(lines[i]) and not lines[i].startswith("\t") and _HEADER_WORD.search(lines[i]):
            table, i = _tab_run(lines, i)
            document.blocks.append(table)
            continue
        if lines[i].startswith("\t") and _HEADER_WORD.search(lines[i]) and i + 1 < n and lines[i + 1].startswith("\t"):
            table, end = _cell_run(lines, i)
            if table is not None:
                document.blocks.append(table)
                i = end
                continue
        document.blocks.append(Paragraph(lines[i], line=i))
        i += 1
    return document


def _is_tab_row(line: str) -> bool:
    return line.count("\t") >= 1 and len([c for c in line.split("\t") if c.strip()]) >= 2


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _tab_run(lines: list[str], start: int) -> tuple[Table, int]:
    """Read tab rows from start; blank lines inside are skipped when a tab row follows."""
    rows, row_lines = [], []
    i = start
    while i < len(lines):
        line = lines[i]
        if "\t" in line and line.strip():
            rows.append(_cells(line))
            row_lines.append(i)
            i += 1
            continue
        if not line.strip():
            j = i
            while j < len(lines) and not lines[j].strip():
                j += 1
            if j < len(lines) and "\t" in lines[j] and not _new_header(rows[0], lines[j]):
                i = j
                continue
        elif len(line.strip()) <= 40 and i + 1 < len(lines) and _is_tab_row(lines[i + 1]):
            rows.append([line.strip()])  # a full-width row (an action or group) written on its own line
            row_lines.append(i)
            i += 1
            continue
        break
    width = len(rows[0])
    table = Table(rows=[r + [""] * (width - len(r)) if len(r) < width else r for r in rows], line=start, source="tabs")
    table.row_lines = row_lines
    return table, i


def _new_header(first: list[str], line: str) -> bool:
    """True when a tab row after a blank line is another table's header (not the first one repeated)."""
    cells = _cells(line)
    return cells != first and len(_HEADER_WORD.findall(line)) >= 2


def _cell_run(lines: list[str], start: int) -> tuple[Table | None, int]:
    """Rebuild a grid from one cell per line: the header's cells (up to the first numeric cell) give the width."""
    cells, cell_lines = [], []
    i = start
    while i < len(lines):
        line = lines[i]
        if line.startswith("\t"):
            cells.append(line.strip())
            cell_lines.append(i)
        elif line.strip():
            if not cells:
                break
            if len(line.strip()) > 60 and not line.strip().startswith(("说明", "注")):
                break
            cells[-1] += line.strip()  # a wrapped cell continues on a line without a tab
        elif i + 1 < len(lines) and not lines[i + 1].startswith("\t") and lines[i + 1].strip() != "":
            if not (i + 2 < len(lines) and lines[i + 2].startswith("\t")):
                break
        i += 1
    width = next((k for k, c in enumerate(cells) if re.fullmatch(r"\d{1,3}", c)), 0)
    if width < 3:
        return None, start
    rows = [cells[k : k + width] for k in range(0, len(cells), width)]
    table = Table(rows=rows, line=start, source="cells")
    table.row_lines = [cell_lines[k] for k in range(0, len(cells), width)]
    return table, i
