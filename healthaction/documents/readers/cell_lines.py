"""Tables a word processor saved as plain text: one cell per line with no tab before it, an empty or merged-down
cell written as a blank line (Word's and LibreOffice's "save as text").

The run is recognised by a header written down the page (序号, then at least two more column names), copied
with a tab before every line (a blank line becoming an empty cell) and read by the one-cell-per-line reader of
readers/text.py. A two-row header (目标值 over 2022年 / 2025年 / 2030年, the years after a gap of blank lines)
is put into one row first.
"""

import re

from healthaction.documents.interpret.header import role_of
from healthaction.documents.model import Table

SERIAL = re.compile(r"^\d{1,3}$")
NATURE = re.compile(r"^(?:约束|预期|倡导)性?(?:指标)?$")
YEAR_HEAD = re.compile(r"^\d{4}年(?:底|末)?(?:目标值?|预期值?)?$")
# an action, group or note line is a full-width row, never a cell of the row above
ROW_OF_ITS_OWN = re.compile(
    r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、|注\s*\d*[：:]|说明[：:])"
)
ANNEX_LINE = re.compile(r"^附件\s*\d{0,2}\s*[：:]?$")
SERIAL_HEAD = re.compile(r"^(?:序号|编号)$")
SECTION = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d{1,2}\s*[.、．](?!\d))")


def header_here(lines: list[str], i: int) -> bool:
    """True when line i starts a header written one cell per line without tabs: 序号 and three more column
    names, or (a table without serial numbers) six names among them an indicator, a value and a nature."""
    if lines[i].startswith("\t") or "\t" in lines[i]:
        return False
    first = (role_of(lines[i]) or ("",))[0]
    if first not in ("serial", "name", "domain"):
        return False
    roles = []
    for line in lines[i : i + 12]:
        found = role_of(line) if "\t" not in line and line.strip() else None
        if found is None:
            break
        roles.append(found[0])
    domain_first = (
        first == "domain" and len(lines[i].strip()) <= 6 and roles[1:2] == ["serial"] and _one_row_header(lines, i)
    )
    if first == "serial" or domain_first:
        return len(roles) >= 4
    return (
        len(roles) >= 5
        and "serial" not in roles  # a serial column further right: not this reader's shape
        and {"name", "nature"} <= set(roles)
        and bool({"baseline", "target"} & set(roles))
    )


def _one_row_header(lines: list[str], i: int) -> bool:
    """领域 | 序号 | … written in one row: no blank line before the first row's 领域 cell and its serial 1."""
    j = i + 2
    while j + 1 < min(len(lines), i + 16) and lines[j].strip():
        if lines[j + 1].strip() == "1":
            return True
        j += 1
    return False


def untabbed_run(lines: list[str], start: int, cells: set[int] = frozenset()) -> tuple[Table | None, int]:
    """Rebuild the grid of the run from `start`: every line is one cell, in order (blank = empty).

    A serial number (the next one expected) opens a row once the row before has about the header's width;
    a line outside a row (an action such as （二）合理膳食行动, a group, a 注 line) is a full-width row. A row
    with fewer cells than the header had a cell merged across: one target cell stands for every target year.
    A blank lead-department cell was merged down: the lead above carries on.
    """
    end = _run_end(lines, start, cells)
    copy = [line.strip() for line in lines[start:end]]
    header, body = _header(copy)
    if header is None:
        return None, start
    width = len(header)
    roles = [(role_of(h) or ("", None))[0] for h in header]
    targets = [k for k, r in enumerate(roles) if r == "target"]
    rows, row_lines, full = [header], [start], [False]
    row: list[str] = []
    first = 0
    expected = 1

    def flush() -> None:
        if not row:
            return
        cells = list(row)
        if len(cells) < width and targets and len(cells) > targets[0]:
            at = targets[0]
            cells[at + 1 : at + 1] = [cells[at]] * min(width - len(cells), len(targets) - 1)
        cells = (cells + [""] * width)[:width]
        rows.append(cells)
        row_lines.append(start + first)
        full.append(False)
        row.clear()

    serial = roles[0] == "serial"
    closing = roles[-1] == "nature"
    task_table = "task" in roles and ("lead" in roles or "co" in roles)
    continued: dict[int, int] = {}  # row index → how many leading cells were merged down from the row above
    for k in range(body, len(copy)):
        text = copy[k]
        if serial and task_table and not text and len(row) >= width and (k == body or copy[k - 1]):
            # a full row, then blank lines and no serial number: a row whose first cells (序号, 工作任务) were merged
            # down from the row above, one blank line each
            j = k
            while j < len(copy) and not copy[j]:
                j += 1
            if j < len(copy) and copy[j] != str(expected) and not ROW_OF_ITS_OWN.match(copy[j]) and j - k < width:
                flush()
                continued[len(rows)] = j - k
                first = k
                row.append("")
                continue
        if not serial:
            # no serial numbers: a row is the header's width of cells, or ends at its nature cell (last column)
            if not row and ROW_OF_ITS_OWN.match(text):
                rows.append([text] * width)
                row_lines.append(start + k)
                full.append(True)
                continue
            if not row:
                first = k
            row.append(text)
            if len(row) >= width or (closing and NATURE.match(text) and len(row) >= width - len(targets)):
                flush()
            continue
        if all(full[1:]) and not row and SERIAL.match(text) and expected == 1 and text != "0":
            expected = int(text)  # a table whose header was repeated on the page goes on at its own serial (8)
        if text == str(expected) and (not row or len(row) >= width - len(targets)):
            flush()
            row.append(text)
            first = k
            expected += 1
        elif row and len(row) < width and not ROW_OF_ITS_OWN.match(text):
            row.append(text)
        elif text:
            flush()
            rows.append([text] * width)
            row_lines.append(start + k)
            full.append(True)
    flush()
    if len(rows) < 2:
        return None, start
    lead = roles.index("lead") if "lead" in roles else None
    for r in range(2, len(rows)):
        if lead is not None and not full[r] and not rows[r][lead] and not full[r - 1]:
            rows[r][lead] = rows[r - 1][lead]
    origin = [[(r, 0)] * width if full[r] else [(r, c) for c in range(width)] for r in range(len(rows))]
    for r, count in continued.items():
        for c in range(count):
            rows[r][c] = rows[r - 1][c]
            origin[r][c] = origin[r - 1][c]
    table = Table(rows=rows, origin=origin, line=start, source="text")
    table.row_lines = row_lines
    table.span = range(start, end)
    return table, end


def _run_end(lines: list[str], start: int, cells: set[int] = frozenset()) -> int:
    """The table goes on while its lines are short cells; a long line or a heading that no row follows ends it (a
    line a web copy marked as one cell goes on however long)."""
    j = start
    n = len(lines)
    while j < n:
        text = lines[j].strip()
        if len(text) > 60 and not text.startswith(("注", "说明")) and j not in cells:
            break
        if SECTION.match(text) and not _row_follows(lines, j + 1):
            break
        if j > start + 3 and (ANNEX_LINE.match(text) or (SERIAL_HEAD.match(text) and header_here(lines, j))):
            break  # the next annex, or the header of the next table (附件2 … 序号 重点任务 牵头单位)
        j += 1
    while j > start and not lines[j - 1].strip():
        j -= 1
    return j


def _row_follows(lines: list[str], i: int) -> bool:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i < len(lines) and bool(SERIAL.match(lines[i].strip()))


def _header(copy: list[str]) -> tuple[list[str] | None, int]:
    """The header cells and where the body starts; 序号 | 指标 | 基线 | 目标值 | 性质, blank lines, 2022年 | 2025年 |
    2030年 (a two-row header) becomes one row with the years in place of 目标值."""
    k = 0
    seen: list[str] = []
    while k < len(copy) and copy[k] and not SERIAL.match(copy[k]) and not ROW_OF_ITS_OWN.match(copy[k]):
        if seen[:2] == ["domain", "serial"] and k + 1 < len(copy) and copy[k + 1] == "1":
            break  # 领域 | 序号 | …: the first row opens with its 领域 cell (结果性指标), then serial 1
        found = role_of(copy[k])
        repeats = ("baseline", "target", "task", "lead", "co")
        if found is not None and seen and copy[k : k + len(seen)] == copy[: len(seen)]:
            k += len(seen)  # the header written twice side by side (a two-up table): one row of both halves
            break
        if found is None or (found[0] in seen and found[0] not in repeats and "级" not in copy[k]):
            break  # 结果性指标 after 指标: a group row, not another column
        seen.append(found[0])
        k += 1
    # a column head the vocabulary does not know (类型, 备注…) right before the first row still belongs to it
    j = k
    while j < len(copy) and j - k < 2 and copy[j] and len(copy[j]) <= 8 and not SERIAL.match(copy[j]):
        if seen[:2] == ["domain", "serial"]:
            break  # 结果性指标 before serial 1 is the first row's 领域 cell
        j += 1
    if j > k and j < len(copy) and copy[j] == "1" and not any(ROW_OF_ITS_OWN.match(t) for t in copy[k:j]):
        k = j
    first = copy[:k]
    if len(first) < 3:
        return None, 0
    j = k
    while j < len(copy) and not copy[j]:
        j += 1
    years = []
    while j < len(copy) and YEAR_HEAD.match(copy[j]):
        years.append(copy[j])
        j += 1
    spans = [p for p, c in enumerate(first) if (role_of(c) or ("", None)) == ("target", None)]
    if len(years) >= 2 and len(spans) == 1:
        at = spans[0]
        return first[:at] + [y + first[at] for y in years] + first[at + 1 :], j
    return first, k
