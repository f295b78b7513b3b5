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

OCR_SCALE = 2.0  # 144 dpi: enough for 10.5 pt CJK text, small enough for about 2 s a page on two cores
MAX_OCR_PAGES = 60


@lru_cache(maxsize=1)
def _engine():
    from rapidocr_onnxruntime import RapidOCR

    return RapidOCR()


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
        raise DocumentError(f"扫描版 PDF“{filename}”有 {len(pdf)} 页，超过文字识别 {MAX_OCR_PAGES} 页的上限；请分册上传。")
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


def recognise(image) -> list[tuple[float, float, float, float, str]]:
    """Return (x0, top, x1, bottom, text) boxes read from a PIL image."""
    import numpy

    result, _ = _engine()(numpy.asarray(image.convert("RGB")))
    boxes = []
    for points, text, _score in result or []:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        boxes.append((min(xs), min(ys), max(xs), max(ys), text.strip()))
    return boxes


def page_blocks(image, page: int) -> list:
    return blocks_from_boxes(recognise(image), page)


def blocks_from_boxes(boxes, page: int | None = None) -> list:
    lines = _lines(boxes)
    blocks: list = []
    table: list | None = None  # [anchors, rows]
    for line in lines:
        cells = _cells(line)
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
    """Join boxes closer than about two characters into one cell."""
    cells: list[list] = []
    for box in line:
        height = box[3] - box[1]
        if cells and box[0] - cells[-1][2] < height * 1.5:
            last = cells[-1]
            cells[-1] = [last[0], min(last[1], box[1]), box[2], max(last[3], box[3]), last[4] + box[4]]
        else:
            cells.append(list(box))
    return cells


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
