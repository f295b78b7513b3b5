"""Plain text → document model.

A text file keeps one paragraph per source line (so line numbers stay the file's own). Tables are
rebuilt from two shapes: runs of tab-separated rows (a header row gives the column count; blank
lines and repeated headers inside the run are kept for the interpreter), and one-cell-per-line runs
(a line starting with a tab opens a cell, the header's cells fix the width).
"""

import re

from healthaction.documents.departments import looks_like_department_list
from healthaction.documents.interpret.header import role_of
from healthaction.documents.model import Document, Paragraph, Table
from healthaction.documents.normalize import normalize_line
from healthaction.documents.readers.cell_lines import header_here, untabbed_run
from healthaction.documents.targets import MISSING

_HEADER_WORD = re.compile(r"序号|领域|指标|任务|牵头|责任|目标|基线|现状|单位|属性|性质|完成时限")


_CELL_MARK = re.compile(r"\s*\|\s*$")


def _without_cell_marks(lines: list[str]) -> tuple[list[str], set[int]]:
    """A table copied from a web page writes one cell per line, each ending in ` |`: without the marks it is the
    one-cell-per-line shape (a lone `|` is an empty cell). Only in a text with a run of five such lines. Also returns
    the marked lines: each is one cell, however long (a 责任单位 cell listing fifteen units)."""
    marked = [bool(_CELL_MARK.search(line)) and line.count("|") == 1 for line in lines]
    if not any(all(marked[k : k + 5]) for k in range(max(len(lines) - 4, 0))):
        return lines, set()
    cells = {k for k, mark in enumerate(marked) if mark}
    return [_CELL_MARK.sub("", line) if mark else line for line, mark in zip(lines, marked)], cells


def _spaced_cells(lines: list[str]) -> list[str]:
    """A table copied from a web page may write one cell per line with a blank line after every line (the page's
    paragraph spacing), so a blank line is no empty cell. From a header written so (领域, 序号, 指标 … each on its
    own line, one blank line between), the run's lines get the tab of the one-cell-per-line shape (_cell_run: a
    serial number opens a row, the nature cell closes it). The run ends at a long line that is no note."""
    out = list(lines)
    i, n = 0, len(lines)
    while i < n:
        compact = [lines[k] for k in range(i, min(n, i + 24), 2)]
        spaced = all(not lines[k].strip() for k in range(i + 1, min(n, i + 12), 2))
        if not (lines[i].strip() and spaced and header_here(compact, 0)):
            i += 1
            continue
        while i < n:
            text = lines[i].strip()
            if len(text) > 60 and not NOTE_CELL.match(text):
                break
            if text and not lines[i].startswith("\t"):
                out[i] = "\t" + text
            i += 1
    return out


_RUN_ON_ITEM = re.compile(
    r"\s+(?=[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}\s*[.、．](?!\d)[\u4e00-\u9fff“《])"
)


def _split_run_on(lines: list[str]) -> list[str]:
    """A web page copied as one run-on line (its paragraphs joined by spaces): a long line with three numbered
    items after a space (` 一、…` ` （一）…` ` 1.…`) is split before each, so the headings and tasks are lines of
    their own again (the document's lines are then these, as the review shows them)."""
    out: list[str] = []
    for line in lines:
        if len(line) > 300 and len(_RUN_ON_ITEM.findall(line)) >= 3:
            out.extend(piece for piece in _RUN_ON_ITEM.split(line) if piece.strip())
        else:
            out.append(line)
    return out


def text_document(lines: list[str], kind: str = "txt") -> Document:
    document = Document(kind=kind)
    lines = _split_run_on(lines)
    document._lines = lines
    lines, cells = _without_cell_marks(lines)
    lines = _spaced_cells(lines)
    i, n = 0, len(lines)
    while i < n:
        if _is_tab_row(lines[i]) and not lines[i].startswith("\t") and _HEADER_WORD.search(lines[i]):
            table, i = _tab_run(lines, i)
            document.blocks.append(table)
            continue
        if header_here(lines, i):  # one cell per line without tabs (a word processor's "save as text")
            try:
                table, end = untabbed_run(lines, i, cells)
            except (IndexError, ValueError):  # an odd run: left to the line readers rather than failing the file
                table, end = None, i
            if table is not None:
                document.blocks.append(table)
                i = end
                continue
        if lines[i].startswith("\t") and _HEADER_WORD.search(lines[i]) and _cell_follows(lines, i + 1):
            table, end = _cell_run(lines, i)
            if table is not None:
                document.blocks.append(table)
                i = end
                continue
        document.blocks.append(Paragraph(lines[i], line=i))
        i += 1
    return document


def _cell_follows(lines: list[str], i: int) -> bool:
    """The next line is a cell (a tab opens it), or a blank line then one (a double-spaced copy)."""
    if i < len(lines) and not lines[i].strip():
        i += 1
    return i < len(lines) and lines[i].startswith("\t")


def _is_tab_row(line: str) -> bool:
    return line.count("\t") >= 1 and len([c for c in line.split("\t") if c.strip()]) >= 2


def _cells(line: str) -> list[str]:
    cells = [c.strip() for c in line.split("\t")]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _tab_run(lines: list[str], start: int) -> tuple[Table, int]:
    """Read tab rows from start; blank lines and page furniture (- 3 -, 续表) inside are skipped when a tab row
    follows."""
    rows, row_lines = [], []
    i = start
    while i < len(lines):
        line = lines[i]
        if "\t" in line and line.strip():
            rows.append(_cells(line))
            row_lines.append(i)
            i += 1
            continue
        if not line.strip() or _furniture(line):
            j = i
            while j < len(lines) and (not lines[j].strip() or _furniture(lines[j])):
                j += 1
            if j < len(lines) and "\t" in lines[j] and not _new_header(rows[0], lines[j]):
                i = j
                continue
        elif (
            len(line.strip()) <= 40
            and i + 1 < len(lines)
            and _is_tab_row(lines[i + 1])
            # a title over the next table's header (二、重点任务, or （二）控烟行动 over the same header again) ends this one
            and not _new_header(rows[0], lines[i + 1])
            and _cells(lines[i + 1]) != rows[0]
        ):
            rows.append([line.strip()])  # a full-width row (an action or group) written on its own line
            row_lines.append(i)
            i += 1
            continue
        break
    placed = _realign_shifted(rows)
    realigned = {k for k, (before, after) in enumerate(zip(rows, placed)) if before is not after}
    rows = placed
    width = len(rows[0])
    table = Table(rows=[r + [""] * (width - len(r)) if len(r) < width else r for r in rows], line=start, source="tabs")
    table.row_lines = row_lines
    table.realigned = realigned  # rows put back in their columns by meaning
    return table, i


SCHEDULE = re.compile(r"每年.{0,6}月.{0,6}日")


def _realign_shifted(rows: list[list[str]]) -> list[list[str]]:
    """Put the cells of shifted task rows back in their columns (seed 001: a text copy that lost or added cells).

    Only for a header `序号 | body columns… | schedule | lead | co`: a row is shifted when its reporting
    schedule (每年6月15日…前上报) is not in the column left of the departments, or its department cells are
    not in the department columns. Such a row is placed by meaning: the department cells after the schedule
    (or the department lists at its end) go to lead and co; the cells between the serial and a schedule end
    right before it (a copy drops empty cells at the front), and without one they keep their places; cells
    beyond the body columns join the last of them.
    """
    roles = [(role_of(t) or ("", None))[0] for t in rows[0]]
    depts = [k for k, r in enumerate(roles) if r in ("lead", "co")]
    if len(depts) < 2 or roles[0] != "serial" or depts[0] < 3:
        return rows
    schedule, lead, co = depts[0] - 1, depts[0], depts[1]
    out = [rows[0]]
    width = len(rows[0])
    for row in rows[1:]:
        due = next((j for j, c in enumerate(row) if SCHEDULE.search(c)), None)
        if due == schedule and len(row) <= width:
            out.append(row)
            continue
        tail = [
            j
            for j in (len(row) - 1, len(row) - 2)
            if j > 0 and row[j] and looks_like_department_list(normalize_line(row[j]).strip())
        ]
        if due is None and len(row) <= width and all(j in (lead, co) for j in tail):
            out.append(row)
            continue
        if due is not None:
            after = [c for c in row[due + 1 :] if c]
            lead_cell, co_cell, schedule_cell = (after + ["", ""])[0], (after + ["", ""])[1], row[due]
            body = [""] * (schedule - due) + row[1:due]  # the cells left of the schedule end right before it
        else:
            lead_cell, co_cell = (row[tail[1]], row[tail[0]]) if len(tail) == 2 else ("", row[tail[0]])
            body, schedule_cell = row[1 : min(tail)], ""  # no schedule to anchor them: they keep their places
        body = body + [""] * (schedule - 1 - len(body))
        if len(body) > schedule - 1:  # more cells than columns: the overflow joins the last body column
            body = body[: schedule - 2] + ["".join(body[schedule - 2 :])]
        placed = [row[0], *body, schedule_cell] + [""] * (len(rows[0]) - schedule - 1)
        placed[lead], placed[co] = lead_cell, co_cell
        out.append(placed)
    return out


def _new_header(first: list[str], line: str) -> bool:
    """True when a tab row after a blank line is another table's header (not the first one repeated)."""
    cells = _cells(line)
    return cells != first and len(_HEADER_WORD.findall(line)) >= 2


NATURE_CELL = re.compile(r"^(?:约束|预期|倡导)(?:性|值)?(?:指标)?$")
NOTE_CELL = re.compile(r"^(?:说明|注\s*\d*[：:]|计算方法)")
SERIAL_CELL = re.compile(r"^\d{1,3}$")
LOOSE_ROW = re.compile(r"^(\d{1,3})\s+(.+?)((?:约束|预期|倡导)性)$")
COMPARATOR = re.compile(r"^(?:≥|≤|<|>|＜|＞|不低于|不少于|达到|低于|高于)")
HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|附件\s*\d+|第[一二三四五六七八九十]+[章节部分])")
VALUE_ROLES = ("baseline", "target")
NUMBERED = re.compile(r"^(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+\s*[.、．])")


def _run_cells(lines: list[str], start: int) -> tuple[list[tuple[str, int, int]], int]:
    """Return the (text, first line, last line) cells of a one-cell-per-line run from start, and where it ends.

    A line starting with a tab opens a cell; a following line without one continues it (a wrapped cell, or
    the text of a cell whose tab stood alone); blank lines and page furniture are layout unless a paragraph
    follows them.
    """
    cells: list[list] = []
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        text = line.strip()
        if line.startswith("\t"):
            cells.append([text, i, i])
        elif text and not _furniture(line):
            if not cells or HEADING.match(text) or (len(text) > 60 and not text.startswith(("说明", "注"))):
                break
            cells[-1][0] += text
            cells[-1][2] = i
        elif not _cells_go_on(lines, i + 1):
            break
        i += 1
    return [tuple(c) for c in cells], i


FURNITURE = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d+\s*页(?:\s*[，,/]?\s*共\s*\d+\s*页)?|（续表?）|续表\d*)$")


def _furniture(line: str) -> bool:
    """A page number or 续表 line a PDF copy leaves between the rows of a table (never a cell: no tab)."""
    return not line.startswith("\t") and FURNITURE.match(line.strip()) is not None


def _cells_go_on(lines: list[str], i: int) -> bool:
    """After a blank line: the run goes on when the next text is a cell, or a short line a cell soon follows."""
    n = len(lines)
    while i < n and (not lines[i].strip() or _furniture(lines[i])):
        i += 1
    if i >= n:
        return False
    text = lines[i].strip()
    if lines[i].startswith("\t"):
        return True
    if HEADING.match(text) or len(text) > 60:
        return False
    return any(lines[j].startswith("\t") for j in range(i + 1, min(n, i + 4)))


def _header_roles(cells: list[tuple[str, int, int]]) -> list[str]:
    """The roles of the leading header cells: they run while each cell names a column not named before
    (a numbered cell such as （一）健康知识普及行动 is a row, not a header)."""
    roles: list[str] = []
    for text, _, _ in cells[:14]:
        found = role_of(text) if text.strip() and not NUMBERED.match(text.strip()) else None
        if found is None or (found[0] in roles and found[0] not in VALUE_ROLES):
            break
        roles.append(found[0])
    return roles


def _cell_run(lines: list[str], start: int) -> tuple[Table | None, int]:
    """Rebuild a grid from one cell per line; the header's cells give the width and each column's meaning.

    An indicator table's text copy loses the empty and merged cells, so rows are found by meaning: a serial number opens a
    row, the nature cell (约束性/预期性/倡导性) closes it, and the cells between are the name and the values,
    placed by the header (a row that lost its baseline cell starts with a comparator; one target cell for
    several target years was merged across them). Group words, notes and action names between rows
    become full-width rows; an action name in a 领域 column is merged down over the rows that follow; a
    header repeated after a page break is skipped. A task table's rows are its serial numbers (_task_cells).
    """
    cells, end = _run_cells(lines, start)
    roles = _header_roles(cells)
    if "serial" not in roles:
        return None, start
    width = len(roles)
    if "name" in roles and set(roles) & {"baseline", "target", "nature"}:
        grid = _CellGrid(roles, cells[:width])
        for cell in cells[width:]:
            grid.feed(cell)
        grid.close()
    elif "task" in roles and set(roles) & {"lead", "co"}:
        grid = _task_cells(roles, cells[:width], cells[width:])
    else:
        return None, start
    table = Table(rows=grid.rows, origin=grid.origin, line=start, source="cells")
    table.row_lines, table.row_ends = grid.row_lines, grid.row_ends
    return table, end


def _task_cells(roles: list[str], header: list, body: list) -> "_CellGrid":
    """Rows of a one-cell-per-line task table: each serial number opens a row of the header's width (empty
    cells are written as a lone tab); a cell outside a row (an action such as （二）合理膳食行动) is a
    full-width row."""
    grid = _CellGrid(roles, header)
    span = grid.width - grid.serial
    row: list = []

    def flush() -> None:
        if row:
            texts = [""] * grid.serial + [c[0] for c in row] + [""] * (span - len(row))
            grid._add(texts, [(len(grid.rows), c) for c in range(grid.width)], row[0][1], row[-1][2])
            row.clear()

    for cell in body:
        if SERIAL_CELL.match(cell[0]) and (not row or len(row) >= 2):
            flush()
            row.append(cell)
        elif row and len(row) < span:
            row.append(cell)
        else:
            flush()
            if cell[0]:
                grid._add([cell[0]] * grid.width, [(len(grid.rows), 0)] * grid.width, cell[1], cell[2])
    flush()
    return grid


class _CellGrid:
    """Rows of a one-cell-per-line table, built cell by cell (see _cell_run)."""

    def __init__(self, roles: list[str], header: list[tuple[str, int, int]]):
        self.roles = roles
        self.width = len(roles)
        self.serial = roles.index("serial")
        self.name = roles.index("name") if "name" in roles else self.serial + 1
        self.nature = roles.index("nature") if "nature" in roles else None
        self.domain = roles.index("domain") if "domain" in roles else None
        self.values = [k for k, r in enumerate(roles) if r in VALUE_ROLES]
        self.rows = [[c[0] for c in header]]
        self.origin = [[(0, c) for c in range(self.width)]]
        self.row_lines, self.row_ends = [header[0][1]], [max(c[2] for c in header)]
        self.open: list | None = None  # [serial cell, cells after it, nature text]
        self.domain_text, self.domain_row = "", None
        self.header_keys = [re.sub(r"\s+", "", c[0]) for c in header]
        self.repeated = 0  # how many cells of a repeated header have been seen

    def feed(self, cell: tuple[str, int, int]) -> None:
        text = cell[0]
        key = re.sub(r"\s+", "", text)
        if self.open is not None:
            if NATURE_CELL.match(text):
                self.open[2] = text
                self.open[1].append(cell)
                self.close()
                return
            if NOTE_CELL.match(text) or (self.nature is None and len(self.open[1]) > len(self.values)):
                self.close()
            else:
                self.open[1].append(cell)
                return
        if not text:
            return
        if key == self.header_keys[self.repeated]:  # the header repeated after a page break: skipped
            self.repeated = (self.repeated + 1) % self.width
            return
        self.repeated = 0
        if SERIAL_CELL.match(text):
            self.open = [cell, [], ""]
            return
        loose = LOOSE_ROW.match(text)
        if loose:
            self.open = [(loose.group(1), cell[1], cell[1]), [(loose.group(2), cell[1], cell[1])], loose.group(3)]
            self.close()
            return
        if self.domain is not None and "行动" in key and len(key) <= 20:
            self.domain_text, self.domain_row = text, None  # merged down over the data rows below
            return
        self._add([text] * self.width, [(len(self.rows), 0)] * self.width, cell[1], cell[2])

    def close(self) -> None:
        if self.open is None:
            return
        (serial, first, last), after, nature = self.open
        self.open = None
        row = [""] * self.width
        r = len(self.rows)
        origin = [(r, c) for c in range(self.width)]
        row[self.serial] = serial
        body = after[:-1] if nature else after
        if body:
            row[self.name] = body[0][0]
        values = [c[0] for c in body[1:]]
        for text, k in zip(values, self._value_columns(values)):
            row[k] = text
        targets = [k for k in self.values if self.roles[k] == "target"]
        if len(targets) > 1 and row[targets[0]] and not any(row[k] for k in targets[1:]):
            for k in targets[1:]:  # one target cell merged over every target year
                row[k], origin[k] = row[targets[0]], (r, targets[0])
        if self.nature is not None:
            row[self.nature] = nature
        if self.domain is not None and self.domain_text:
            self.domain_row = r if self.domain_row is None else self.domain_row
            row[self.domain], origin[self.domain] = self.domain_text, (self.domain_row, self.domain)
        self._add(row, origin, first, max([last] + [c[2] for c in after]))

    def _value_columns(self, values: list[str]) -> list[int]:
        """The columns the value cells of a row fill, left to right: all of them, or the targets when the
        baseline cell was left out (one cell fewer, the first one a target with its comparator; or fewer cells, the
        first one a word without a number, `实现`: a baseline is a measured state)."""
        columns = self.values
        if not (columns and values and self.roles[columns[0]] == "baseline"):
            return columns
        if len(values) == len(columns) - 1 and COMPARATOR.match(values[0]):
            return columns[1:]
        if len(values) < len(columns) and values[0] not in MISSING and not re.search(r"\d", values[0]):
            return columns[1:]
        return columns

    def _add(self, row: list[str], origin: list[tuple[int, int]], first: int, last: int) -> None:
        self.rows.append(row)
        self.origin.append(origin)
        self.row_lines.append(first)
        self.row_ends.append(last)
