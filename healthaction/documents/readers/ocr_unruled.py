"""Scanned tables without ruling lines, rebuilt from the geometry of the recognised boxes (issue 27).

A run of lines holding three or more boxes apart is a table candidate. Its columns are the x-gaps that stay
blank down the run (a gap crossed by one glued box in a few rows still counts; a gap left blank in the header
counts while it is blank in half the rows); a box crossing a column gap is cut there, its characters shared out by
their widths (a CJK character is twice as wide as a digit). Lines join into rows by their pitch: a line closer to
the one above than a text line and a third is the wrapped continuation of the row's cells (or, when it fills only
cells still empty, the same row's cells set lower, vertically centred). A table is emitted only when at least
three rows fill at least three columns; otherwise the lines stay paragraphs as before.
"""

import re
from dataclasses import dataclass

from healthaction.documents.interpret.header import role_of
from healthaction.documents.model import Table

MIN_ROWS = 3  # rows of at least MIN_COLUMNS filled cells before a run is a table
MIN_COLUMNS = 3
WRAP_PITCH = 1.35  # line pitch (in text heights) below which a line continues the row above
RUN_GAP = 3.0  # a vertical gap (in text heights) that ends a run
GLUED_SHARE = 0.15  # a column gap may be crossed by glued boxes in this share of the run's lines
HEADER_SHARE = 0.5  # ... and in this share when the header leaves it blank
SERIAL = re.compile(r"^\d{1,3}[.、]?$")
YEAR = re.compile(r"(?:19|20)\d{2}年")
NARROW = 0.5  # a gap narrower than this many text heights is the space inside a cell, not a column gap


@dataclass
class Run:
    start: int  # index of the run's first line
    end: int  # index after its last line
    table: Table


def unruled_tables(lines: list[list], page: int | None) -> list[Run]:
    """Tables found among the page's lines (each a list of (x0, y0, x1, y1, text) boxes, left to right)."""
    if not lines:
        return []
    heights = sorted(b[3] - b[1] for line in lines for b in line)
    h = max(heights[len(heights) // 2], 1)
    runs: list[Run] = []
    k = 0
    while k < len(lines):
        if len(lines[k]) < MIN_COLUMNS:
            k += 1
            continue
        end = _run_end(lines, k, h)
        table = _table(lines[k:end], h, page)
        if table is None:
            k += 1
            continue
        runs.append(Run(k, end, table))
        k = end
    return runs


def _centre(line) -> float:
    return sum((b[1] + b[3]) / 2 for b in line) / len(line)


def _run_end(lines, start: int, h: float) -> int:
    """The index after the run of table-like lines that starts at `start` (trailing lone lines left out)."""
    left = min(b[0] for b in lines[start])
    right = max(b[2] for b in lines[start])
    end = last_multi = start + 1
    for k in range(start + 1, len(lines)):
        line = lines[k]
        if min(b[1] for b in line) - max(b[3] for b in lines[k - 1]) > RUN_GAP * h:
            break
        if len(line) == 1:
            box = line[0]
            # a lone box wider than half the table, or outside it, is prose after the table
            if box[2] - box[0] > (right - left) / 2 or box[0] < left - h or box[2] > right + 2 * h:
                break
        else:
            last_multi = k + 1
            left, right = min(left, line[0][0]), max(right, line[-1][2])
        end = k + 1
    # lone lines after the last multi-box line belong to the table only when they continue its last row
    while end > last_multi and _centre(lines[end - 1]) - _centre(lines[end - 2]) > WRAP_PITCH * h:
        end -= 1
    while end > last_multi and not _continues(lines, last_multi, end, h):
        end -= 1
    return end


def _continues(lines, last_multi: int, end: int, h: float) -> bool:
    return all(_centre(lines[k]) - _centre(lines[k - 1]) <= WRAP_PITCH * h for k in range(last_multi, end))


def _columns(lines, h: float) -> list[tuple[float, float]]:
    """Column gaps (x from, x to) of a run: intervals blank in nearly every line, or blank in the header and in
    half the lines. Lone boxes (wrapped lines) count too: a cell's wrapped lines stay within its column."""
    left = int(min(b[0] for line in lines for b in line))
    right = int(max(b[2] for line in lines for b in line)) + 1
    width = right - left
    covered = [0] * width
    for line in lines:
        seen = [False] * width
        for b in line:
            for x in range(max(int(b[0]) - left, 0), min(int(b[2]) - left + 1, width)):
                seen[x] = True
        for x in range(width):
            covered[x] += seen[x]
    header = [False] * width
    for b in lines[0]:
        for x in range(max(int(b[0]) - left, 0), min(int(b[2]) - left + 1, width)):
            header[x] = True
    n = len(lines)
    blank = [covered[x] <= GLUED_SHARE * n or (not header[x] and covered[x] <= HEADER_SHARE * n) for x in range(width)]
    gaps: list[tuple[float, float]] = []
    x = 0
    while x < width:
        if not blank[x]:
            x += 1
            continue
        start = x
        while x < width and blank[x]:
            x += 1
        if x - start >= NARROW * h and start > 0 and x < width:
            # the gap's core: where the fewest lines have ink (the short names of a left-aligned column do not
            # reach the column's end, the long ones do)
            least = min(covered[start:x])
            core = [k for k in range(start, x) if covered[k] == least]
            gaps.append((left + core[0], left + core[-1] + 1))
    return gaps


def _weight(ch: str) -> float:
    return 0.55 if ch.isascii() else 1.0


def _units(text: str) -> float:
    return sum(_weight(c) for c in text)


def _char_width(lines) -> float:
    """Pixels per width unit (a CJK character) on this page: the median over boxes of two or more characters."""
    widths = sorted((b[2] - b[0]) / _units(b[4]) for line in lines for b in line if len(b[4]) >= 2 and _units(b[4]))
    return widths[len(widths) // 2] if widths else 0.0


def _cut(box, gaps, unit: float, header: bool = False) -> list:
    """A box glued across one column gap, cut in it. The recogniser's box is tight around the ink: the text before
    the gap starts at the box's left and ends before the gap, the text after it ends at the box's right and starts
    after the gap, at the page's width per character (CJK 1, ASCII 0.55; give or take half a character). The cut is
    made only where one character boundary (or two neighbouring ones) fits; in the header line, where the text
    either side is a year's header (2025年目标 | 2030年目标); otherwise the box is left whole."""
    x0, y0, x1, y1, text = box
    inside = [g for g in gaps if x0 < g[0] and g[1] < x1]
    if len(inside) != 1 or len(text) < 2 or unit <= 0:
        return [box]
    g0, g1 = inside[0]
    cumulative = [0.0]
    for c in text:
        cumulative.append(cumulative[-1] + _weight(c))
    total = cumulative[-1]
    before, after = (g0 - x0) / unit + 0.5, (x1 - g1) / unit + 0.5
    fits = [k for k in range(1, len(text)) if cumulative[k] <= before and total - cumulative[k] <= after]
    if (not fits or fits[-1] - fits[0] > 1) and header:
        # year columns whose header words are wider than their numbers: cut where each side is a header of its
        # own year (2025年目标 | 2030年目标), never inside a number
        fits = [
            k
            for k in range(1, len(text))
            if not text[k - 1].isdigit() and YEAR.search(text[:k]) and YEAR.match(text[k:]) and role_of(text[:k])
        ]
    if not fits or fits[-1] - fits[0] > 1:
        return [box]
    share = (g0 - x0) / ((g0 - x0) + (x1 - g1)) * total
    cut = min(fits, key=lambda k: abs(cumulative[k] - share))
    pieces = [(x0, y0, g0, y1, text[:cut].strip()), (g1, y0, x1, y1, text[cut:].strip())]
    return [p for p in pieces if p[4]]


def _slots(line, gaps, unit: float, header: bool) -> dict[int, list]:
    """The line's boxes by column (index of the first gap right of the box's centre)."""
    out: dict[int, list] = {}
    for box in line:
        for piece in _cut(box, gaps, unit, header):
            centre = (piece[0] + piece[2]) / 2
            col = next((k for k, g in enumerate(gaps) if centre < (g[0] + g[1]) / 2), len(gaps))
            out.setdefault(col, []).append(piece)
    return out


def _join(text: str, piece: str) -> str:
    if text and text[-1].isascii() and text[-1].isalnum() and piece[:1].isascii() and piece[:1].isalnum():
        return text + " " + piece
    return text + piece


def _rows(lines, gaps, h: float, unit: float) -> list[list[str]]:
    """Lines into rows: a line near the one above (pitch under WRAP_PITCH text heights) continues the row when it
    has few boxes, when the row so far has few cells (the first line of a wrapped name above cells set vertically
    centred), or when it fills only the row's empty cells; otherwise it starts a row. Under a 序号 header a line
    with a number in that column starts a row (unless the row has no number yet), and a near line without one
    continues the row however many of its cells wrap (a task table's task, lead and co-departments together)."""
    width = len(gaps) + 1
    rows: list[list[str]] = []
    previous = None
    serials = False  # the first column is headed 序号
    for line in lines:
        slots = _slots(line, gaps, unit, header=not rows)
        texts = {c: "".join(b[4] for b in sorted(boxes, key=lambda b: b[0])) for c, boxes in slots.items()}
        near = previous is not None and _centre(line) - previous <= WRAP_PITCH * h
        previous = _centre(line)
        numbered = bool(SERIAL.match(texts.get(0, "")))
        if rows and near and not (serials and numbered and rows[-1][0]):
            row = rows[-1]
            few = len(texts) < MIN_COLUMNS
            begun = sum(1 for t in row if t) < MIN_COLUMNS  # a row begun by a lone line (cells set lower)
            unnumbered = serials and row[0] and 0 not in texts
            if few or begun or unnumbered or not any(row[c] for c in texts):
                for c, t in texts.items():
                    row[c] = _join(row[c], t)
                continue
        row = [""] * width
        for c, t in texts.items():
            row[c] = t
        rows.append(row)
        if len(rows) == 1:
            serials = (role_of(row[0]) or ("",))[0] == "serial"
    return rows


def _table(lines, h: float, page) -> Table | None:
    gaps = _columns(lines, h)
    if len(gaps) + 1 < MIN_COLUMNS:
        return None
    rows = _rows(lines, gaps, h, _char_width(lines))
    used = [c for c in range(len(gaps) + 1) if any(r[c] for r in rows)]
    rows = [[r[c] for c in used] for r in rows]
    full = [r for r in rows if sum(1 for t in r if t) >= MIN_COLUMNS]
    if len(used) < MIN_COLUMNS or len(full) < MIN_ROWS:
        return None
    if not any(role_of(t) for t in rows[0] if t) and len(full) < len(rows) / 2:
        return None  # no header and mostly sparse lines: not a table
    return Table(rows=rows, page=page, source="ocr")
