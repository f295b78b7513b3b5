"""Scanned PDF (no text layer) → document model by OCR, page by page.

Pages are rasterised with pypdfium2 and read by rapidocr-onnxruntime (its Chinese detection and
recognition models ship inside the wheel, so nothing is downloaded). A page scanned askew is first turned
upright (projection profile, deskew()). A ruled table is rebuilt from its rules: its horizontal and vertical
rules give the grid, each recognised box goes to the cell its centre falls in (the lines of a wrapped cell
joined in order), a box running over a column rule is cut there, and a missing rule inside a row merges the
cells on either side. Inside the span of vertical rules that make no grid, boxes are grouped into lines by their
vertical centre and laid out on the first row's columns (a lone box under one column continues the cell above
it). On a page without rules, tables are rebuilt from the boxes' geometry (ocr_unruled.py: columns from the
x-gaps blank down a run of lines, rows by line pitch); lines that make no table stay paragraphs.
"""

import io
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from healthaction.core import limits
from healthaction.documents.errors import DocumentError
from healthaction.documents.model import Document, Paragraph, Table
from healthaction.documents.readers.ocr_unruled import unruled_tables

MAX_OCR_PAGES = 60


@dataclass(frozen=True)
class OcrSettings:
    """How pages are rasterised and recognised (docs/parser.md, "OCR settings", gives the measurements)."""

    scale: float = 1.75  # 126 dpi: 1.5 loses characters and table cells in 10.5 pt text; 2.0 reads no better
    rec_min_width: int = 160  # recogniser input padded to at least this width (rapidocr's default 320)
    threads: int = 0  # onnxruntime intra-op threads; 0: the cores this process may run on
    spinning: bool = False  # onnxruntime's idle threads spin for work; on a shared machine that only burns CPU
    crop_margins: bool = True  # detect text on the inked part of the page only (blank margins cost detection time)


SETTINGS = OcrSettings()
# what the reader used before these settings were tuned; bench/ocr_pages.py measures both in one run
BASELINE = OcrSettings(rec_min_width=320, threads=2, spinning=True, crop_margins=False)
INK = 128  # a grey level darker than this is ink (text or rules)
MARGIN = 16  # pixels of white kept around the inked area
DETECT_MIN_SIDE = 736  # rapidocr's detector scales up an image whose shorter side is below this (its limit_side_len)
# the detector's network works on a 32-pixel grid: a crop that starts on that grid is seen as the whole page is
DETECT_GRID = 32


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def _session_options(spinning: bool):
    """rapidocr builds its onnxruntime SessionOptions itself; add the spinning choice while the engine is built."""
    try:
        from rapidocr_onnxruntime.utils import infer_engine

        original = infer_engine.OrtInferSession._init_sess_opts
    except (ImportError, AttributeError):  # another rapidocr layout: its own defaults
        yield
        return

    def options(config):
        result = original(config)
        value = "1" if spinning else "0"
        result.add_session_config_entry("session.intra_op.allow_spinning", value)
        result.add_session_config_entry("session.inter_op.allow_spinning", value)
        return result

    infer_engine.OrtInferSession._init_sess_opts = staticmethod(options)
    try:
        yield
    finally:
        infer_engine.OrtInferSession._init_sess_opts = staticmethod(original)


_building = threading.Lock()


@lru_cache(maxsize=2)
def _engine(settings: OcrSettings = SETTINGS):
    """One engine per process and settings: loading the three models takes about a second."""
    from rapidocr_onnxruntime import RapidOCR

    with _building, _session_options(settings.spinning):
        return RapidOCR(
            intra_op_num_threads=settings.threads or cpu_count(),
            inter_op_num_threads=1,
            use_cls=False,  # pages are upright: the angle classifier is not run
            rec_img_shape=[3, 48, settings.rec_min_width],
        )


def rasterise(page, settings: OcrSettings = SETTINGS):
    """A pypdfium2 page as a greyscale PIL image at the OCR resolution."""
    return page.render(scale=settings.scale, grayscale=True).to_pil()


def ocr_document(data: bytes, filename: str, progress=None) -> Document:
    try:
        import pypdfium2
    except ImportError:
        raise DocumentError(f"PDF“{filename}”没有文字层（可能是扫描件），本服务器未安装文字识别（OCR）组件。")
    try:
        pdf = pypdfium2.PdfDocument(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"无法打开 PDF“{filename}”：{type(exc).__name__}。")
    if len(pdf) > MAX_OCR_PAGES:
        raise DocumentError(
            f"扫描版 PDF“{filename}”有 {len(pdf)} 页，超过文字识别 {MAX_OCR_PAGES} 页的上限；请分册上传。"
        )
    document = Document(kind="ocr", pages=len(pdf))
    total = len(pdf)
    for k in range(total):
        width, height = pdf[k].get_size()
        try:
            limits.check_page_render(width, height, SETTINGS.scale, k + 1, filename)
        except limits.LimitExceeded as exc:
            raise DocumentError(str(exc))
        document.blocks.extend(page_blocks(rasterise(pdf[k]), k + 1))
        if progress:
            progress(k + 1, total, "ocr")
    pdf.close()
    if not any((isinstance(b, Paragraph) and b.text.strip()) or isinstance(b, Table) for b in document.blocks):
        raise DocumentError(f"PDF“{filename}”没有文字层，文字识别（OCR）也未识别出文字；请上传 Word/文本版本。")
    return document


def recognise(image, settings: OcrSettings = SETTINGS) -> tuple[list, list[tuple[int, int]], list["Grid"]]:
    """Return (x0, top, x1, bottom, text) cells read from a PIL image, the vertical spans of its ruled tables and
    the ruled grids found on the page (a page scanned slightly askew is first turned upright, see deskew()).

    The recogniser joins text that stands close on one line into one box even across a table rule; its
    character boxes are split again at the page's vertical rules and at wide gaps. Only the inked part of the
    page (plus a margin) is given to the engine; coordinates are the page's.
    """
    import numpy

    pixels = deskew(numpy.asarray(image.convert("L")))
    page_pixels = pixels
    left, top = 0, 0
    if settings.crop_margins:
        ink = pixels < INK
        rows, columns = numpy.flatnonzero(ink.any(axis=1)), numpy.flatnonzero(ink.any(axis=0))
        if not len(rows):
            return [], [], []  # a blank page
        top = max(int(rows[0]) - MARGIN, 0) // DETECT_GRID * DETECT_GRID
        left = max(int(columns[0]) - MARGIN, 0) // DETECT_GRID * DETECT_GRID
        pixels = _framed(pixels[top : int(rows[-1]) + MARGIN + 1, left : int(columns[-1]) + MARGIN + 1])
    result, _ = _engine(settings)(pixels, use_cls=False, return_word_box=True)
    result = [_shift(item, left, top) for item in result or []]
    heights = sorted(max(p[1] for p in item[0]) - min(p[1] for p in item[0]) for item in result) or [20]
    char_height = heights[len(heights) // 2]
    rules = [(x + left, y0 + top, y1 + top) for x, y0, y1 in vertical_rules(pixels, char_height)]
    cells = []
    for item in result:
        points, text = item[0], item[1]
        chars = item[3] if len(item) > 3 and item[3] and len(item[3]) == len(item[4]) else None
        if not chars:
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            cells.extend(_split_at_rules((min(xs), min(ys), max(xs), max(ys), text.strip()), rules))
            continue
        group: list = []
        for box, ch in zip(chars, item[4]):
            x0, x1 = min(p[0] for p in box), max(p[0] for p in box)
            y0, y1 = min(p[1] for p in box), max(p[1] for p in box)
            if group:
                # character boxes are estimates: a rule between the centres of two characters separates cells
                left, right = (group[-1][0] + group[-1][2]) / 2, (x0 + x1) / 2
                middle = (y0 + y1) / 2
                crosses = any(left < x < right and top <= middle <= bottom for x, top, bottom in rules)
                if crosses or x0 - group[-1][2] > char_height * 1.5:
                    cells.append(_join(group))
                    group = []
            group.append((x0, y0, x1, y1, ch))
        if group:
            cells.append(_join(group))
    return cells, [(top, bottom) for _, top, bottom in rules], ruled_grids(page_pixels, rules)


def _framed(pixels):
    """The crop padded with white (right and bottom) to a size the detector takes as it is: both sides multiples
    of DETECT_GRID, the shorter at least DETECT_MIN_SIDE. Otherwise the detector would resize it, a little
    differently for every crop size, and what it finds would depend on where the page's ink happens to end.
    """
    import numpy

    height, width = pixels.shape
    target_h, target_w = -(-height // DETECT_GRID) * DETECT_GRID, -(-width // DETECT_GRID) * DETECT_GRID
    if min(target_h, target_w) < DETECT_MIN_SIDE:
        if target_h <= target_w:
            target_h = DETECT_MIN_SIDE
        else:
            target_w = DETECT_MIN_SIDE
    framed = numpy.full((target_h, target_w), 255, dtype=pixels.dtype)
    framed[:height, :width] = pixels
    return framed


def _shift(item, left: int, top: int) -> list:
    """A rapidocr result item (box, text, score[, char boxes, chars]) moved by (left, top)."""
    if not left and not top:
        return list(item)
    item = list(item)
    item[0] = [[p[0] + left, p[1] + top] for p in item[0]]
    if len(item) > 3 and item[3]:
        item[3] = [[[p[0] + left, p[1] + top] for p in box] for box in item[3]]
    return item


def _join(group) -> tuple[float, float, float, float, str]:
    return (
        min(g[0] for g in group),
        min(g[1] for g in group),
        max(g[2] for g in group),
        max(g[3] for g in group),
        "".join(g[4] for g in group).strip(),
    )


def vertical_rules(pixels, char_height: float) -> list[tuple[int, int, int]]:
    """(x, top, bottom) of vertical table rules: dark runs much taller than a line of text."""
    import numpy

    dark = pixels < RULE_INK
    run = numpy.zeros(dark.shape[1], dtype=numpy.int32)
    longest = numpy.zeros(dark.shape[1], dtype=numpy.int32)
    end = numpy.zeros(dark.shape[1], dtype=numpy.int32)
    for y, row in enumerate(dark):
        run = (run + 1) * row
        grew = run > longest
        longest[grew] = run[grew]
        end[grew] = y
    xs = numpy.nonzero(longest >= max(char_height * 2.2, 30))[0]
    rules: list[tuple[int, int, int]] = []
    for x in xs.tolist():
        if rules and x - rules[-1][0] <= 3:
            continue
        rules.append((x, int(end[x] - longest[x]), int(end[x])))
    return rules


def page_blocks(image, page: int, settings: OcrSettings = SETTINGS) -> list:
    cells, bands, grids = recognise(image, settings)
    return blocks_from_grids(cells, page, bands, grids)


def blocks_from_boxes(boxes, page: int | None = None, bands: list[tuple[int, int]] = ()) -> list:
    """Lines from boxes; inside a ruled table's span table rows; without rules, tables found from the boxes'
    geometry (ocr_unruled: columns by the x-gaps blank down the run, rows by line pitch), other lines paragraphs."""
    if bands:
        return _banded_blocks(boxes, page, bands)
    lines = _lines(boxes)
    blocks: list = []
    done = 0
    for run in unruled_tables(lines, page):
        blocks.extend(Paragraph("".join(b[4] for b in line), page=page) for line in lines[done : run.start])
        blocks.append(run.table)
        done = run.end
    blocks.extend(Paragraph("".join(b[4] for b in line), page=page) for line in lines[done:])
    return blocks


def _banded_blocks(boxes, page: int | None, bands: list[tuple[int, int]]) -> list:
    """Lines inside a ruled span (vertical rules without a full grid) as table rows on the first row's columns."""
    lines = _lines(boxes)
    blocks: list = []
    table: list | None = None  # [anchors, rows]
    for line in lines:
        cells = _cells(line)
        middle = sum((b[1] + b[3]) / 2 for b in line) / len(line)
        inside = any(top <= middle <= bottom for top, bottom in bands)
        if bands and not inside:
            if table is not None:
                blocks.append(_table(table, page))
                table = None
            blocks.append(Paragraph("".join(c[4] for c in cells), page=page))
            continue
        if len(cells) >= 3:
            if table is None:
                table = [[(c[0], c[2]) for c in cells], []]
            table[1].append(_place(cells, table[0]))
            continue
        if table is not None and cells and len(cells) <= 2 and table[1]:
            row = _place(cells, table[0])
            if len([t for t in row if t]) == 1 and not row[0]:
                # a wrapped cell: continue the cell above in the same column
                col = next(k for k, t in enumerate(row) if t)
                table[1][-1][col] += row[col]
                continue
            if len(cells) == 2:
                table[1].append(row)
                continue
        if table is not None:
            blocks.append(_table(table, page))
            table = None
        blocks.append(Paragraph("".join(c[4] for c in cells), page=page))
    if table is not None:
        blocks.append(_table(table, page))
    return blocks


def _table(table, page) -> Table:
    result = Table(rows=table[1], page=page, source="ocr")
    return result


def _lines(boxes):
    boxes = sorted(boxes, key=lambda b: (b[1] + b[3]) / 2)
    lines: list[list] = []
    for box in boxes:
        centre, height = (box[1] + box[3]) / 2, box[3] - box[1]
        if lines:
            last = lines[-1]
            lc = sum((b[1] + b[3]) / 2 for b in last) / len(last)
            lh = max(b[3] - b[1] for b in last)
            if abs(centre - lc) < max(height, lh) * 0.5:
                last.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b[0]) for line in lines]


def _cells(line):
    """The line's cells, left to right (recognise() has already split at rules and wide gaps)."""
    return [list(box) for box in line]


def _place(cells, anchors) -> list[str]:
    row = [""] * len(anchors)
    for cell in cells:
        centre = (cell[0] + cell[2]) / 2
        best = min(range(len(anchors)), key=lambda k: _distance(centre, cell, anchors[k]))
        row[best] = (row[best] + cell[4]) if row[best] else cell[4]
    return row


def _distance(centre, cell, anchor) -> float:
    overlap = min(cell[2], anchor[1]) - max(cell[0], anchor[0])
    if overlap > 0:
        return -overlap
    return abs(centre - (anchor[0] + anchor[1]) / 2)


# ---- scanned tables from the page's geometry ---------------------------------------------------------------

RULE_INK = 170  # a thin rule scanned and turned upright greys; a grey level darker than this is rule ink
SKEW_LIMIT = 2.0  # degrees searched either way for a page scanned askew
SKEW_STEP = 0.1
SKEW_MIN = 0.15  # a smaller skew is left alone (it moves a rule by under 3 px over a page)


def skew_angle(pixels) -> float:
    """The angle (degrees, counter-clockwise) by which the page's ink lies askew.

    Projection profile: the ink's rows are summed along lines of each trial slope; text lines and table rules
    give the sharpest profile (largest sum of squares) when the slope matches the page's.
    """
    import numpy

    ys, xs = numpy.nonzero(pixels[::2, ::2] < INK)
    if len(ys) < 50:
        return 0.0
    best, best_score = 0.0, -1.0
    for angle in numpy.arange(-SKEW_LIMIT, SKEW_LIMIT + SKEW_STEP / 2, SKEW_STEP):
        shifted = numpy.rint(ys + xs * numpy.tan(numpy.radians(angle))).astype(numpy.int64)
        profile = numpy.bincount(shifted - shifted.min()).astype(numpy.float64)
        score = float((profile * profile).sum())
        if score > best_score:
            best, best_score = float(angle), score
    return round(best, 2)


def deskew(pixels):
    """The page turned upright when it was scanned askew by more than SKEW_MIN degrees (rules then run straight)."""
    import numpy
    from PIL import Image

    angle = skew_angle(pixels)
    if abs(angle) < SKEW_MIN:
        return pixels
    turned = Image.fromarray(pixels).rotate(-angle, resample=Image.BILINEAR, fillcolor=255)
    return numpy.asarray(turned)


@dataclass
class Grid:
    """A ruled table on the page: its column edges (x) and row edges (y), and which edges are drawn per row."""

    xs: list[int]
    ys: list[int]
    # for each row, for each interior column edge: is the rule drawn there (else the two cells are one)
    drawn: list[list[bool]]

    def contains(self, box) -> bool:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return self.xs[0] <= cx <= self.xs[-1] and self.ys[0] <= cy <= self.ys[-1]


def _edges(fraction, threshold: float) -> list[int]:
    """Positions where a dark fraction reaches the threshold, neighbours within 4 px taken as one edge."""
    import numpy

    edges: list[list[int]] = []
    for k in numpy.flatnonzero(fraction >= threshold).tolist():
        if edges and k - edges[-1][-1] <= 4:
            edges[-1].append(k)
        else:
            edges.append([k])
    return [round(sum(e) / len(e)) for e in edges]


def ruled_grids(pixels, rules: list[tuple[int, int, int]]) -> list[Grid]:
    """Ruled tables: vertical rules overlapping in height make a table's region; inside it, rows whose pixels
    are mostly dark across the region are its horizontal rules, and columns dark over much of its height its
    column edges. A table needs at least three column edges and three row edges."""

    dark = pixels < RULE_INK
    clusters: list[list[tuple[int, int, int]]] = []
    for rule in sorted(rules, key=lambda r: r[1]):
        if clusters and rule[1] <= max(r[2] for r in clusters[-1]):
            clusters[-1].append(rule)
        else:
            clusters.append([rule])
    grids = []
    for cluster in clusters:
        if len(cluster) < 3:
            continue
        x0, x1 = min(r[0] for r in cluster), max(r[0] for r in cluster)
        top, bottom = min(r[1] for r in cluster), max(r[2] for r in cluster)
        for x in (x0, x1):  # the table's outer rules, followed over small breaks (a scan greys thin lines)
            top, bottom = _followed(dark[:, max(x - 1, 0) : x + 2].any(axis=1), top, bottom)
        region = dark[max(top - 4, 0) : bottom + 5, x0 : x1 + 1]
        ys = [y + max(top - 4, 0) for y in _edges(region.mean(axis=1), 0.5)]
        band = dark[top : bottom + 1, max(x0 - 3, 0) : x1 + 4]
        near = band.copy()  # a rule one pixel off its column after deskewing still counts
        near[:, 1:] |= band[:, :-1]
        near[:, :-1] |= band[:, 1:]
        xs = [x + max(x0 - 3, 0) for x in _edges(near.mean(axis=0), 0.6)]
        if len(xs) < 3 or len(ys) < 3:
            continue
        drawn = [[_drawn(dark, x, ys[r], ys[r + 1]) for x in xs] for r in range(len(ys) - 1)]
        # a column edge is a rule drawn down most rows; text repeated in every row (预期性) is not
        keep = [k for k in range(len(xs)) if sum(row[k] for row in drawn) * 2 >= len(drawn)]
        if len(keep) < 3:
            continue
        xs = [xs[k] for k in keep]
        drawn = [[row[k] for k in keep[1:-1]] for row in drawn]
        grids.append(Grid(xs=xs, ys=ys, drawn=drawn))
    return grids


def _drawn(dark, x: int, top: int, bottom: int) -> bool:
    """Whether a rule runs down at x (±2 px) between two row edges: dark over 0.8 of the row's height."""
    y0, y1 = top + 3, bottom - 3
    if y1 <= y0:
        return True
    return bool(dark[y0:y1, max(x - 2, 0) : x + 3].any(axis=1).mean() >= 0.8)


def _followed(column, top: int, bottom: int, gap: int = 4) -> tuple[int, int]:
    """(top, bottom) of a dark run in a column of booleans grown from [top, bottom] over breaks up to `gap` px."""
    import numpy

    dark = numpy.flatnonzero(column)
    if not len(dark):
        return top, bottom
    k = int(numpy.searchsorted(dark, top))
    while k > 0 and dark[k - 1] >= top - gap:
        k -= 1
        top = int(dark[k])
    k = int(numpy.searchsorted(dark, bottom, side="right")) - 1
    while 0 <= k < len(dark) - 1 and dark[k + 1] <= bottom + gap:
        k += 1
        bottom = int(dark[k])
    return top, bottom


def _split_at_rules(box, rules):
    """A text box crossing vertical rules (no character boxes known) cut there, its characters shared out in
    proportion to the widths on either side."""
    x0, y0, x1, y1, text = box
    middle = (y0 + y1) / 2
    cuts = sorted(x for x, top, bottom in rules if x0 < x < x1 and top <= middle <= bottom)
    if not cuts or len(text) < 2:
        return [box]
    pieces, start, last = [], x0, 0
    for x in [*cuts, x1]:
        end = len(text) if x == x1 else round(len(text) * (x - x0) / (x1 - x0))
        part = text[last:end].strip()
        if part:
            pieces.append((start, y0, x, y1, part))
        start, last = x, end
    return pieces


def _grid_table(grid: Grid, boxes, page) -> Table:
    """The grid's cells filled with the boxes whose centres fall in them, lines of a wrapped cell joined in order;
    positions not separated by a drawn rule are one merged cell."""
    n_rows, n_cols = len(grid.ys) - 1, len(grid.xs) - 1
    found: dict[tuple[int, int], list] = {}
    for box in boxes:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        r = next((k for k in range(n_rows) if grid.ys[k] <= cy < grid.ys[k + 1]), None)
        c = next((k for k in range(n_cols) if grid.xs[k] <= cx < grid.xs[k + 1]), None)
        if r is not None and c is not None:
            while c > 0 and not grid.drawn[r][c - 1]:  # a merged cell's text belongs to its first position
                c -= 1
            found.setdefault((r, c), []).append(box)
    cells = []
    for r in range(n_rows):
        c = 0
        while c < n_cols:
            span = 1
            while c + span < n_cols and not grid.drawn[r][c + span - 1]:
                span += 1
            cells.append((r, c, span, " ".join(line for line in _cell_lines(found.get((r, c), [])))))
            c += span
    rows = [[""] * n_cols for _ in range(n_rows)]
    origin = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    for r, c0, span, text in cells:
        for c in range(c0, c0 + span):
            rows[r][c] = text
            origin[r][c] = (r, c0)
    keep = [r for r in range(n_rows) if any(t.strip() for t in rows[r])]
    rows = [rows[r] for r in keep]
    origin = [[(keep.index(o[0]), o[1]) for o in origin[r]] for r in keep]
    return Table(rows=rows, origin=origin, page=page, source="ocr")


def _cell_lines(boxes) -> list[str]:
    """A cell's boxes as its lines, top to bottom; the lines of a wrapped CJK cell join without a space."""
    text = ""
    for line in _lines(boxes):
        piece = "".join(b[4] for b in line)
        if text and text[-1].isascii() and text[-1].isalnum() and piece[:1].isascii() and piece[:1].isalnum():
            text += " "
        text += piece
    return [text] if text else []


def blocks_from_grids(boxes, page: int | None, bands, grids: list[Grid]) -> list:
    """Ruled grids become tables laid out by their rules; the boxes around them are read as before."""
    if not grids:
        return blocks_from_boxes(boxes, page, bands)
    grids = sorted(grids, key=lambda g: g.ys[0])
    # the rules of a grid are spent on it; boxes elsewhere are read as on a page without those rules
    bands = [b for b in bands if not any(g.ys[0] - 8 <= b[0] and b[1] <= g.ys[-1] + 8 for g in grids)]
    blocks: list = []
    rest = [b for b in boxes if not any(g.contains(b) for g in grids)]
    above = float("-inf")
    for grid in grids:
        before = [b for b in rest if above <= (b[1] + b[3]) / 2 < grid.ys[0]]
        blocks.extend(blocks_from_boxes(before, page, bands))
        table = _grid_table(grid, [b for b in boxes if grid.contains(b)], page)
        if table.rows:
            blocks.append(table)
        above = grid.ys[-1]
    blocks.extend(blocks_from_boxes([b for b in rest if (b[1] + b[3]) / 2 >= above], page, bands))
    return blocks
