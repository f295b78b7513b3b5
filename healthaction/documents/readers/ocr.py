"""Scanned PDF (no text layer) → document model by OCR, page by page.

Pages are rasterised with pypdfium2 and read by rapidocr-onnxruntime (its Chinese detection and
recognition models ship inside the wheel, so nothing is downloaded). Boxes are grouped into lines by
their vertical centre; a line whose boxes stand apart in several columns is a table row, and rows
under a header are laid out on the header's columns (a lone box under one column continues the cell
above it, the way wrapped cells look on paper).
"""

import io
from functools import lru_cache

from healthaction.documents.errors import DocumentError
from healthaction.documents.model import Document, Paragraph, Table

OCR_SCALE = 1.75  # 126 dpi: reads 10.5 pt CJK text and ‰ reliably; about 3 s a page on two cores
MAX_OCR_PAGES = 60


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    # two threads per session: the machine has two cores; more threads only contend
    return RapidOCR(intra_op_num_threads=2, inter_op_num_threads=1)


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
        image = pdf[k].render(scale=OCR_SCALE).to_pil()
        document.blocks.extend(page_blocks(image, k + 1))
        if progress:
            progress(k + 1, total, "ocr")
    pdf.close()
    if not any((isinstance(b, Paragraph) and b.text.strip()) or isinstance(b, Table) for b in document.blocks):
        raise DocumentError(f"PDF“{filename}”没有文字层，文字识别（OCR）也未识别出文字；请上传 Word/文本版本。")
    return document


def recognise(image) -> tuple[list[tuple[float, float, float, float, str]], list[tuple[int, int]]]:
    """Return (x0, top, x1, bottom, text) cells read from a PIL image, and the vertical spans of its ruled tables.

    The recogniser joins text that stands close on one line into one box even across a table rule; its
    character boxes are split again at the page's vertical rules and at wide gaps.
    """
    import numpy

    pixels = numpy.asarray(image.convert("L"))
    result, _ = _engine()(numpy.asarray(image.convert("RGB")), use_cls=False, return_word_box=True)
    result = result or []
    heights = sorted(max(p[1] for p in item[0]) - min(p[1] for p in item[0]) for item in result) or [20]
    char_height = heights[len(heights) // 2]
    rules = vertical_rules(pixels, char_height)
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


def page_blocks(image, page: int) -> list:
    cells, bands = recognise(image)
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
