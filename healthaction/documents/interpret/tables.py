"""Tables of the document model → indicators and tasks, with a confidence and a reason for each.

One path for every format: tables continued over a page (same columns, header repeated) are joined,
two-up tables split, the header read by column meaning (interpret.header), and each row classified:
a repeated header, an action row such as （五）心理健康促进行动 (switches the current action, the table
goes on), a group row (结果性指标, 健康水平), a note (说明/注/计算方法, kept with the indicator above),
or a data row. Whatever looks like plan content and is not placed becomes a warning.
"""

import re
from dataclasses import dataclass, field

from healthaction.core.units import normalize_unit
from healthaction.documents import lexicon
from healthaction.documents.departments import is_all_lower, looks_like_department, split_names
from healthaction.documents.interpret.header import Header, read_header, two_up_split
from healthaction.documents.model import Document, Paragraph, Table
from healthaction.documents.normalize import compact, normalize_line
from healthaction.documents.vocab import GROUP_WORDS, NATURE_WORDS

ACTION_ROW = re.compile(
    r"^(?:[（(]([一二三四五六七八九十]{1,3})[）)]|([一二三四五六七八九十]{1,3})、|(\d{1,2})\s*[.、．])?\s*"
    r"(?:实施|开展|推进)?\s*([\u4e00-\u9fff（）、·]{2,30}?行动)(?:[（(][^）)]*[）)])?[。.]?$"
)
NUMBERED_WORK = re.compile(r"^(\d{1,2})\s*[.、．]\s*(?:开展|实施|推进)?\s*(.{2,30}?(?:行动|工作))[。.]?$")
NOTE_ROW = re.compile(r"^(?:注|说明|备注|计算方法|指标解释|资料来源)\s*\d*\s*[：:．.、]?")
NATURE_CELL = lexicon.NATURE_CELL
TEXT_SOURCES = ("tabs", "cells")  # tables rebuilt from a text file: no merge information
MEASURE_HEADS = lexicon.MEASURE_HEADS
DELIVERABLE_HEADS = lexicon.DELIVERABLE_HEADS
SKIP_BETWEEN = re.compile(r"^(?:[-—–]?\s*\d{1,3}\s*[-—–]?|第\s*\d+\s*页.*|（续表?）|续表\d*)$")


@dataclass
class TableRead:
    """What one table contributed; the parser turns rows into plan items."""

    header: Header
    tables: list[Table]
    indicators: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    warnings: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, kind, message, text
    lines: set[int] = field(default_factory=set)


def notes_after(document: Document, table: Table) -> list[tuple[int, str]]:
    """Return (line, text) of the 注/说明 paragraphs that follow a table (blank lines skipped)."""
    found = []
    k = document.blocks.index(table) + 1
    while k < len(document.blocks) and isinstance(document.blocks[k], Paragraph) and len(found) < 4:
        text = compact(document.blocks[k].text)
        if text and not NOTE_ROW.match(text):
            break
        if text:
            found.append((document.blocks[k].line, document.blocks[k].text))
        k += 1
    return found


def join_continued(document: Document) -> list[list[Table]]:
    """Group tables that continue one another: nothing but page furniture between, and the same width."""
    groups: list[list[Table]] = []
    gap_ok = False
    for block in document.blocks:
        if isinstance(block, Table):
            if (
                groups
                and gap_ok
                and groups[-1][-1].width == block.width
                and (read_header(block) is None or _same_header(groups[-1][0], block))
            ):
                groups[-1].append(block)
            else:
                groups.append([block])
            gap_ok = True
        elif isinstance(block, Paragraph):
            text = compact(block.text)
            if text and not SKIP_BETWEEN.match(text):
                gap_ok = False
    return groups


def _same_header(first: Table, other: Table) -> bool:
    return bool(first.rows and other.rows) and [compact(t) for t in first.rows[0]] == [
        compact(t) for t in other.rows[0]
    ]


@dataclass
class Row:
    table: Table
    index: int
    cells: list[str]
    line: int
    last: int  # its last line (a row of a one-cell-per-line text spans several)


def _rows(tables: list[Table]) -> list[Row]:
    rows: list[Row] = []
    for k, table in enumerate(tables):
        above_index = len(rows) - 1  # the last row before the page break
        first = 1 if k and _same_header(tables[0], table) else 0  # below a repeated header
        for r, cells in enumerate(table.rows):
            line = table.row_lines[r] if r < len(table.row_lines) else table.line
            last = table.row_ends[r] if r < len(table.row_ends) else line
            cells = [normalize_line(c).strip() for c in cells]
            filled = [c for c in cells if c]
            if k and r == first and rows and not cells[0] and filled and len(filled) <= max(1, len(cells) // 2):
                # a row cut by the page break: its rest, at the top of the next page, joins the cells above
                above = rows[above_index]
                above.cells = [a + b if b and b != a else a for a, b in zip(above.cells, cells)]
                continue
            rows.append(Row(table, r, cells, line, last))
    return rows


def action_of_row(text: str) -> tuple[int | None, str] | None:
    """Return (number or None, name) when a cell names an action (（五）心理健康促进行动, 3.合理膳食行动)."""
    from healthaction.documents.prose import cn_to_int

    m = ACTION_ROW.match(compact(text))
    if not m:
        return None
    numeral = m.group(1) or m.group(2) or m.group(3)
    name = re.sub(r"^(?:\d{4}年|实施|开展|推进)+", "", m.group(4))
    if len(name) < 4:
        return None
    return (cn_to_int(numeral) if numeral else None), name


def read_table_group(tables: list[Table]) -> list[TableRead]:
    """Return what a (joined) table says, one TableRead per two-up half; [] when the header is not understood."""
    halves = [two_up_split(t) for t in tables]
    reads = []
    for k in range(len(halves[0])):
        part = [h[k] if k < len(h) else h[0] for h in halves]
        header = read_header(part[0])
        if header is None:
            continue
        read = TableRead(header=header, tables=part)
        rows = _rows(part)
        body = rows[header.rows :]
        header_texts = [compact(t) for t in part[0].rows[0]]
        if header.kind == "indicator":
            _indicator_rows(read, body, header_texts)
        else:
            _task_rows(read, body, header_texts)
        for row in rows:
            read.lines.update(range(row.line, row.last + 1))
        reads.append(read)
    return reads


def _classify(row: Row, header: Header, header_texts: list[str]) -> tuple[str, object]:
    texts = [compact(t) for t in row.cells]
    filled = [t for t in texts if t]
    if not filled:
        return "empty", None
    if texts == header_texts or sum(1 for a, b in zip(texts, header_texts) if a and a == b) >= max(2, len(filled) - 1):
        return "header", None
    distinct = list(dict.fromkeys(filled))
    first = distinct[0]
    if NOTE_ROW.match(first) and (len(distinct) == 1 or row.table.full_width(row.index) or len(first) > 20):
        return "note", first
    if (len(distinct) == 1 and row.table.source not in TEXT_SOURCES) or row.table.full_width(row.index):
        # (a text copy has no merges: the same text in a few of its cells is a data row that repeats itself)
        action = action_of_row(first)
        if action:
            return "action", action
        group = next((v for w, v in GROUP_WORDS.items() if w in first), None)
        if group and len(first) <= 16:
            return "group", group
        return "label", first
    serial = header.first("serial")
    if serial is not None and texts[serial.index]:
        action = action_of_row(texts[serial.index])
        others = [t for k, t in enumerate(texts) if k != serial.index and t and t != texts[serial.index]]
        if action and not others:
            return "action", action
    return "data", None


def _indicator_rows(read: TableRead, rows: list[Row], header_texts: list[str]) -> None:
    h = read.header
    name_col = h.first("name") or h.first("domain")
    serial, unit_col, base_col, nature_col = h.first("serial"), h.first("unit"), h.first("baseline"), h.first("nature")
    domain = h.first("domain") if h.first("name") else None
    targets = h.all("target")
    group, label, action = "", "", None
    nature = ""  # from a row such as 约束性指标 / （二）预期性指标 over the rows below it
    for row in rows:
        kind, value = _classify(row, h, header_texts)
        if kind in ("empty", "header"):
            continue
        if kind == "action":
            action = value
            continue
        if kind in ("group", "label"):
            head = compact(" ".join(row.cells))
            named = next((v for w, v in NATURE_WORDS.items() if w in head), "") if len(head) <= 40 else ""
            nature = named or nature
        if kind == "group":
            group = value
            continue
        if kind == "label":
            label = value
            continue
        if kind == "note":
            _apply_note(read, value, base_col, attach=True)
            continue
        cells = row.cells
        name = compact(cells[name_col.index]) if name_col else ""
        name = re.sub(r"(?<=[\u4e00-\u9fff）)])[*＊※★☆▲△]+$", "", name)  # a footnote mark after the name
        if domain is not None:
            found = action_of_row(cells[domain.index])
            if found:
                action = found
        if not name:
            if any(compact(c) for c in cells):
                read.warnings.append(
                    (row.line, "unplaced", "表格行没有指标名称，未能读入", " | ".join(c for c in cells if c))
                )
            continue
        unit = normalize_unit(compact(cells[unit_col.index])) or "" if unit_col else ""
        merged = len(targets) > 1 and row.table.merged_across(row.index, targets[0].index, targets[-1].index)
        values = [compact(cells[c.index]) for c in targets]
        if row.table.source in ("tabs", "ocr") and len(values) > 1:
            # a text copy writes a merged cell once: a qualitative target (实现) left of empty year cells covers them;
            # in a tab copy (Word's plain text leaves a merged cell's other positions empty) any target does
            for k in range(1, len(values)):
                spread = row.table.source == "tabs" or not re.search(r"\d", values[k - 1])
                if not values[k] and values[k - 1] and spread:
                    values[k] = values[k - 1]
                    merged = True
        read.indicators.append(
            {
                "line": row.line,
                "last": row.last,
                "row": row.index + 1,
                "serial": compact(cells[serial.index]) if serial else "",
                "name": name,
                "unit": unit,
                "group": group,
                "label": label,
                "action": action,
                "nature": (NATURE_CELL.get(compact(cells[nature_col.index]), "") if nature_col else "") or nature,
                "nature_raw": compact(cells[nature_col.index]) if nature_col else "",
                "baseline_raw": compact(cells[base_col.index]) if base_col else "",
                "baseline_year": base_col.year if base_col else None,
                "baseline_header": base_col.text if base_col else "",
                "targets": [(c.year, v, c.text) for c, v in zip(targets, values)],
                "merged_targets": merged,
                "notes": [],
                "text": " | ".join(c for c in cells if c),
            }
        )


def _apply_note(read: TableRead, value: str, base_col, attach: bool) -> None:
    """A note about the whole table (基期为2017年数据) sets the baseline year; one under a row explains that indicator."""
    table_wide = re.search(r"基期|基线|本表|表中|“—”|数据来源", value)
    year = re.search(r"(\d{4})年(?:的)?数据", value)
    if table_wide:
        if year and base_col is not None and base_col.year is None:
            base_col.year = int(year.group(1))
            for item in read.indicators:
                if item["baseline_year"] is None:
                    item["baseline_year"] = base_col.year
    elif attach and read.indicators:
        read.indicators[-1]["notes"].append(value)


def apply_notes_after(read: TableRead, notes: list[tuple[int, str]]) -> None:
    """注 paragraphs right after an indicator table: read like its note rows."""
    if read.header.kind != "indicator":
        return
    base_col = read.header.first("baseline")
    for line, text in notes:
        _apply_note(read, compact(normalize_line(text)), base_col, attach=False)
        read.lines.add(line)


def _task_rows(read: TableRead, rows: list[Row], header_texts: list[str]) -> None:
    h = read.header
    task_cols = h.all("task")
    lead_col, co_col, deadline_col, domain = h.first("lead"), h.first("co"), h.first("deadline"), h.first("domain")
    serial, basic_col = h.first("serial"), h.first("name")  # 基本内容: the aim the tasks below it serve
    measure_col = task_cols[1].index if len(task_cols) > 1 else _column_headed(header_texts, MEASURE_HEADS)
    deliverable_col = _column_headed(header_texts, DELIVERABLE_HEADS)
    leads = h.all("lead")
    if co_col is None and len(leads) >= 2:  # 牵头部门 | 责任部门 (both read as lead words): the second shares the work
        co_col = leads[1]
    text_copy = bool(rows) and rows[0].table.source in TEXT_SOURCES
    action, basic, content_above, lead_above = None, "", "", ""
    for row in rows:
        kind, value = _classify(row, h, header_texts)
        if kind in ("empty", "header", "group"):
            continue
        if kind == "action":
            action, basic, content_above, lead_above = value, "", "", ""
            continue
        if kind in ("label", "note"):
            found = action_of_row(value) if isinstance(value, str) else None
            if found:
                action, basic, content_above, lead_above = found, "", "", ""
            elif kind == "label":
                read.warnings.append((row.line, "unplaced", "任务表中无法归类的整行文字", value))
            continue
        cells = row.cells
        for col in (serial, domain):
            found = _action_in_cell(cells[col.index]) if col is not None and cells[col.index] else None
            if found:  # 1. 开展健康知识普及行动。 in the serial cell of the action's first task row
                action, basic, content_above, lead_above = found, "", "", ""
        own_content = compact(cells[task_cols[0].index]) if task_cols else ""
        if text_copy and not own_content and sum(1 for c in cells if c) < 3:
            # a text copy writes a merged cell once: a row with one or two cells is the rest of a split cell
            read.warnings.append(
                (row.line, "unplaced", "任务分解表中单元格过少的行", " | ".join(c for c in cells if c))
            )
            continue
        own_basic = compact(cells[basic_col.index]) if basic_col else ""
        basic = own_basic or (basic if text_copy else "")
        content = own_content
        if text_copy:  # an empty task cell in a text copy is the task above, merged down
            content = content or content_above or basic
            content_above = content
        if not content:
            read.warnings.append((row.line, "unplaced", "任务表中没有任务内容的行", " | ".join(c for c in cells if c)))
            continue
        lead_raw = cells[lead_col.index] if lead_col else ""
        co_raw = cells[co_col.index] if co_col else ""
        # an empty lead cell in a text copy (Word's plain text) is the lead above, merged down; not in a row whose
        # shifted cells the text reader put back by meaning (its department list was the only one it had)
        carried = text_copy and not lead_raw.strip() and bool(lead_above) and row.index not in row.table.realigned
        if carried:
            lead_raw = lead_above
        lead_above = lead_raw
        read.tasks.append(
            {
                "line": row.line,
                "row": row.index + 1,
                "action": action,
                "content": content,
                "basic": own_basic,
                "measures": compact(cells[measure_col]) if measure_col is not None else "",
                "deliverables": compact(cells[deliverable_col]) if deliverable_col is not None else "",
                "lead_raw": lead_raw,
                "co_raw": co_raw,
                "lead_header": lead_col.text if lead_col else "",
                "co_header": co_col.text if co_col else "",
                "lead_merged": carried or (bool(lead_col) and row.table.merged_down(row.index, lead_col.index)),
                "deadline": compact(cells[deadline_col.index]) if deadline_col else "",
                "text": " | ".join(c for c in cells if c),
            }
        )


def _action_in_cell(text: str) -> tuple[int | None, str] | None:
    """An action named in a serial or 领域 cell; a numbered one may end in 工作 (15. 实施传染病及地方病防控工作)."""
    numbered = NUMBERED_WORK.match(compact(text))
    return (int(numbered.group(1)), numbered.group(2)) if numbered else action_of_row(text)


def _column_headed(header_texts: list[str], words: tuple[str, ...]) -> int | None:
    return next((k for k, t in enumerate(header_texts) if t in words), None)


def departments_of(raw: str) -> tuple[list[str], bool, float]:
    """Return (names, all lower units named, confidence) for a department cell."""
    names = split_names(compact(raw))
    all_lower = any(is_all_lower(n) for n in names)
    names = [n for n in names if not is_all_lower(n)]
    good = [n for n in names if looks_like_department(n)]
    confidence = 0.95 if names and len(good) == len(names) else (0.6 if names else 0.9)
    return names, all_lower, confidence
