"""Tables in the text stream: indicator tables and task decomposition tables.

Tables arrive in two shapes: one cell per line (a line starting with a tab
opens a cell; following lines without a tab continue it; blank lines are
layout), and one row per line with tab-separated cells. Both become a stream
of cells; indicator rows are then found by meaning (a serial number opens a
row, the nature word closes it), which survives blank lines, merged cells
and missing values.
"""

import re
from dataclasses import dataclass, field

from healthaction.documents.normalize import compact
from healthaction.documents.vocab import GROUP_WORDS

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
HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|附件\s*\d+|（[一二三四五六七八九十]+）\S|第[一二三四五六七八九十]+[章节部分])"
)


@dataclass
class Cell:
    text: str  # normalised, stripped
    line: int  # index of the line that opened it
    last: int  # index of its last line


@dataclass
class IndicatorRow:
    serial: Cell
    cells: list[Cell]
    nature: str = ""
    group: str = ""
    notes: list[Cell] = field(default_factory=list)


def cells_of(lines: list[str], start: int, end: int) -> list[Cell]:
    """Return the cells in lines[start:end] (normalised lines)."""
    cells: list[Cell] = []
    for i in range(start, end):
        line = lines[i]
        if "\t" in line:
            parts = line.split("\t")
            if parts[0].strip() == "":
                parts = parts[1:]
            for part in parts:
                cells.append(Cell(part.strip(), i, i))
        elif line.strip():
            if cells:
                prev = cells[-1]
                joiner = "" if _cjk_edge(prev.text, line.strip()) else " "
                prev.text = (prev.text + joiner + line.strip()).strip()
                prev.last = i
            else:
                cells.append(Cell(line.strip(), i, i))
    return cells


def _cjk_edge(a: str, b: str) -> bool:
    return not a or not b or ord(a[-1]) > 0x2E80 or ord(b[0]) > 0x2E80


@dataclass
class Column:
    role: str  # "baseline", "target", "nature", "name", "serial", "domain"
    year: int | None = None


def _column_of(text: str) -> Column | None:
    t = compact(text)
    year = re.search(r"(\d{4})年", t)
    y = int(year.group(1)) if year else None
    if t == "序号":
        return Column("serial")
    if t in ("领域", "类别", "分类", "行动"):
        return Column("domain")
    if "性质" in t or t == "属性":
        return Column("nature")
    if any(w in t for w in ("基期", "现状", "基线", "基数")):
        return Column("baseline", y)
    if any(w in t for w in ("目标", "预期值", "期望值")) or (y and len(t) <= 8):
        return Column("target", y)
    if t in ("指标", "名称", "指标名称", "主要指标", "指标内容"):
        return Column("name")
    return None


@dataclass
class IndicatorTable:
    header_line: int
    end_line: int
    columns: list[Column]
    rows: list[IndicatorRow]
    warnings: list[tuple[int, str, str]]


def find_indicator_tables(lines: list[str]) -> list[IndicatorTable]:
    """Return every indicator table in the (normalised) lines."""
    tables = []
    i = 0
    n = len(lines)
    while i < n:
        if (
            compact(lines[i].replace("\t", " ")).startswith("序号")
            or "\t序号" in lines[i]
            or lines[i].strip().startswith("序号")
        ):
            table = _read_table(lines, i)
            if table is not None:
                tables.append(table)
                i = table.end_line
                continue
        i += 1
    return tables


def _header(lines: list[str], start: int) -> tuple[list[Column], int] | None:
    # the header may begin a few cells before 序号 (领域) and runs over up to ~12 cells
    begin = start
    while (
        begin > 0
        and start - begin < 3
        and lines[begin - 1].strip()
        and "\t" in lines[begin - 1]
        and _column_of(lines[begin - 1]) is not None
    ):
        begin -= 1
    cells = cells_of(lines, begin, min(len(lines), start + 30))
    columns: list[Column] = []
    last_line = start
    for cell in cells[:12]:
        column = _column_of(cell.text)
        if column is None:
            if columns and compact(cell.text) in ("目标值", "预期值"):
                continue
            break
        columns.append(column)
        last_line = cell.last
    roles = [c.role for c in columns]
    if "name" not in roles or not ({"target", "baseline", "nature"} & set(roles)):
        return None
    return columns, last_line + 1


def _read_table(lines: list[str], start: int) -> IndicatorTable | None:
    header = _header(lines, start)
    if header is None:
        return None
    columns, body = header
    end = body
    while end < len(lines):
        text = lines[end]
        if text.strip() and not text.startswith("\t") and HEADING.match(text.strip()):
            break
        if text.strip() and "\t" not in text and len(text.strip()) > 80 and not text.strip().startswith(("说明", "注")):
            break
        end += 1
    value_columns = [c for c in columns if c.role in ("baseline", "target")]
    has_nature = any(c.role == "nature" for c in columns)
    rows: list[IndicatorRow] = []
    warnings: list[tuple[int, str, str]] = []
    group = ""
    row: IndicatorRow | None = None
    expected_serial = 1
    width = len(value_columns) + 1  # name + values

    def close(current: IndicatorRow) -> None:
        rows.append(current)

    for cell in cells_of(lines, body, end):
        t = compact(cell.text)
        if row is not None:
            if t in NATURE_CELLS:
                row.nature = NATURE_CELLS[t]
                close(row)
                row = None
                continue
            if t.startswith(("说明", "计算方法", "注：", "注:")) or not has_nature and len(row.cells) >= width:
                close(row)
                row = None
            else:
                row.cells.append(cell)
                continue
        # outside a row
        if not t:
            continue
        group_word = next((v for k, v in GROUP_WORDS.items() if k in t), None)
        if group_word and t.endswith("指标") and len(t) <= 14:
            group = group_word
            continue
        if t.startswith(("说明", "计算方法", "注：", "注:")):
            if rows:
                rows[-1].notes.append(cell)
            continue
        if re.fullmatch(r"\d{1,3}", t):
            serial = int(t)
            if serial != expected_serial and rows:
                warnings.append((cell.line, f"序号 {serial} 与预期的 {expected_serial} 不连续", cell.text))
            expected_serial = serial + 1
            row = IndicatorRow(serial=cell, cells=[], group=group)
            continue
        loose = re.match(r"^(\d{1,3})\s+(.+?)(约束性|预期性|倡导性)$", cell.text)
        if loose:
            rows.append(
                IndicatorRow(
                    serial=Cell(loose.group(1), cell.line, cell.line),
                    cells=[Cell(loose.group(2), cell.line, cell.line)],
                    nature=NATURE_CELLS[loose.group(3)],
                    group=group,
                )
            )
            continue
        if "行动" in t and len(t) <= 20 or t in ("领域",):
            continue  # the 领域 column repeats the action name
        warnings.append((cell.line, "表格中无法归入任何指标行的单元格", cell.text))
    if row is not None:
        close(row)
    return IndicatorTable(header_line=start, end_line=end, columns=columns, rows=rows, warnings=warnings)


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
