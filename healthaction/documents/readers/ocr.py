"""Scanned PDF (no text layer) → document model by OCR, page by page.

Pages are rasterised with pypdfium2 and read by rapidocr-onnxruntime (its Chinese detection and
recognition models ship inside the wheel, so nothing is downloaded). Boxes are grouped into lines by
their vertical centre; a line whose boxes stand apart in several columns is a table row, and rows
under a header are laid out on the header's columns (a lone box under one column continues the cell
above it, the way wrapped cells look on paper).
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


def recognise(
    image, settings: OcrSettings = SETTINGS
) -> tuple[list[tuple[float, float, float, float, str]], list[tuple[int, int]]]:
    """Return (x0, top, x1, bottom, text) cells read from a PIL image, and the vertical spans of its ruled tables.

    The recogniser joins text that stands close on one line into one box even across a table rule; its
    character boxes are split again at the page's vertical rules and at wide gaps. Only the inked part of the
    page (plus a margin) is given to the engine; coordinates are the page's.
    """
    import numpy

    pixels = numpy.asarray(image.convert("L"))
    left, top = 0, 0
    if settings.crop_margins:
        ink = pixels < INK
        rows, columns = numpy.flatnonzero(ink.any(axis=1)), numpy.flatnonzero(ink.any(axis=0))
        if not len(rows):
            return [], []  # a blank page
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
            cells.append((min(xs), min(ys), max(xs), max(ys), text.strip()))
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
    return cells, [(top, bottom) for _, top, bottom in rules]


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

    dark = pixels < 128
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
    cells, bands = recognise(image, settings)
    return blocks_from_boxes(cells, page, bands)


def blocks_from_boxes(boxes, page: int | None = None, bands: list[tuple[int, int]] = ()) -> list:
    """Lines from boxes; inside a ruled table's span (or, without rules, lines of three or more cells) table rows."""
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
