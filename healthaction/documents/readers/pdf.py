"""PDF → document model: text lines and ruled tables in reading order, page by page (pdfplumber).

Merged cells come back from pdfplumber as missing positions; each is filled from the cell whose box
covers it, so a target merged over both years or a 领域 merged down reads at every position. Tables
side by side ("two-up") are read left before right; a table continued on the next page is joined by
the interpreter (same columns, repeated header). A PDF without a text layer goes to OCR.
"""

import io
import re

from healthaction.core import limits
from healthaction.documents.errors import DocumentError
from healthaction.documents.model import Document, Paragraph, Table


def pdf_document(data: bytes, filename: str, progress=None) -> Document:
    if not data.startswith(b"%PDF"):
        raise DocumentError(f"文件“{filename}”不是 PDF 文件。")
    try:
        limits.check_pdf(data, filename)  # compressed streams unpacked and counted before pdfminer keeps any
    except limits.LimitExceeded as exc:
        raise DocumentError(str(exc))
    try:
        import pdfplumber

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"无法打开 PDF“{filename}”：{type(exc).__name__}。")
    document = Document(kind="pdf")
    with pdf:
        try:
            limits.check_pdf_pages(len(pdf.pages), filename)
        except limits.LimitExceeded as exc:
            raise DocumentError(str(exc))
        document.pages = len(pdf.pages)
        for page in pdf.pages:
            try:
                document.blocks.extend(_page_blocks(page))
            except MemoryError:
                raise
            except Exception as exc:
                if _caused_by_memory(exc):
                    raise MemoryError from exc  # the sandbox reports it as a memory overrun
                raise DocumentError(f"无法读取 PDF“{filename}”第 {page.page_number} 页：{type(exc).__name__}。")
            if progress:
                progress(page.page_number, len(pdf.pages), "text")
    document.blocks = _join_wrapped(document.blocks)
    text = sum(len(b.text.strip()) for b in document.blocks if isinstance(b, Paragraph))
    text += sum(len("".join(r)) for b in document.blocks if isinstance(b, Table) for r in b.rows)
    if text < 20:
        from healthaction.documents.readers.ocr import ocr_document

        return ocr_document(data, filename, progress)
    return document


PAGE_FURNITURE = re.compile(r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|\d{1,3}|第\s*\d+\s*页.*)$")
PARAGRAPH_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}\s*[.、．](?!\d)|[①-⑳]|——|附件|注[：:]|说明[：:])"
)
CLOSING = "。；：！？）」”"


def _join_wrapped(blocks: list) -> list:
    """Join the lines a PDF wrapped one paragraph into: a line that reaches the right margin goes on in the next.

    A line is full when less than about two characters' room is left before the body's right edge (1.5 when it
    ends in 。；）… which may end a paragraph); the next line does not join when it is indented or starts as a
    heading or numbered item would after a closing mark. Page numbers between pages are skipped over, so a
    paragraph running over a page break is joined too.
    """
    lines = [b for b in blocks if isinstance(b, Paragraph) and getattr(b, "box", None) and b.text.strip()]
    if not lines:
        return blocks
    wide = sorted(b.box[1] for b in lines if len(b.text.strip()) >= 10)
    if len(wide) < 3:
        return blocks
    right = wide[int(len(wide) * 0.9)]
    left = min(b.box[0] for b in lines)
    result: list = []
    open_paragraph: Paragraph | None = None  # the last paragraph, while its last line was full
    for block in blocks:
        if not isinstance(block, Paragraph):
            open_paragraph = None
            result.append(block)
            continue
        text = block.text.strip()
        box = getattr(block, "box", None)
        if open_paragraph is not None and text and PAGE_FURNITURE.match(text.replace(" ", "")):
            result.append(block)  # a page number between the two halves of a paragraph
            continue
        if open_paragraph is not None and box and text:
            size = box[2] or 10
            indented = box[0] > left + size * 0.8
            heading = (
                PARAGRAPH_START.match(text) and open_paragraph.text.rstrip().endswith(tuple(CLOSING))
            ) or _next_item(open_paragraph.text, text)
            if not indented and not heading:
                open_paragraph.text = open_paragraph.text.rstrip() + text
                open_paragraph.box = box
                open_paragraph = open_paragraph if _full(open_paragraph, right) else None
                continue
        result.append(block)
        open_paragraph = block if box and text and _full(block, right) else None
    return result


_ITEM_NUMBER = re.compile(
    r"^\s*(?:[（(]([一二三四五六七八九十\d]{1,3})[）)]|(\d{1,2})\s*[.、．](?!\d)|([一二三四五六七八九十]{1,3})、)"
)
_CN = {c: k for k, c in enumerate("一二三四五六七八九十", start=1)}


def _item_number(text: str) -> tuple[int, int] | None:
    """(style, number) of a numbered item's opening mark: （3） or （三）, 3． or 3、, 三、."""
    m = _ITEM_NUMBER.match(text)
    if not m:
        return None
    for style, group in enumerate(m.groups()):
        if group:
            value = int(group) if group.isdigit() else (_CN.get(group) if len(group) == 1 else None)
            return (style, value) if value else None
    return None


def _next_item(paragraph: str, line: str) -> bool:
    """True when the line opens the item numbered right after the paragraph's own (4．… then 5．…): a new item even
    when the paragraph before ended without a closing mark (…责任单位：县教育局、县体育局)."""
    own, new = _item_number(paragraph), _item_number(line)
    return bool(own and new and own[0] == new[0] and new[1] == own[1] + 1)


def _full(paragraph: Paragraph, right: float) -> bool:
    x1, size = paragraph.box[1], paragraph.box[2] or 10
    room = 1.5 if paragraph.text.rstrip().endswith(tuple(CLOSING)) else 2.2
    return x1 >= right - room * size


def _caused_by_memory(exc: BaseException) -> bool:
    """pdfminer wraps a MemoryError from decompression in its own exception; look down the chain and the args."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, MemoryError) or any(isinstance(a, MemoryError) for a in getattr(exc, "args", ())):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def _page_blocks(page) -> list:
    tables = [t for t in page.find_tables() if len(t.rows) >= 1 and len(t.rows[0].cells) >= 2]
    boxes = [t.bbox for t in tables]

    def outside(obj):
        x, y = (obj.get("x0", 0) + obj.get("x1", 0)) / 2, (obj.get("top", 0) + obj.get("bottom", 0)) / 2
        return not any(b[0] - 1 <= x <= b[2] + 1 and b[1] - 1 <= y <= b[3] + 1 for b in boxes)

    placed: list[tuple[float, float, object]] = []
    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=False):
        paragraph = Paragraph(line["text"], page=page.page_number)
        # where the line sits, for joining lines a paragraph was wrapped into (_join_wrapped)
        paragraph.box = (line["x0"], line["x1"], line["bottom"] - line["top"])
        placed.append((line["top"], line["x0"], paragraph))
    for t in tables:
        table = _resolve(t)
        table.page = page.page_number
        placed.append((t.bbox[1], t.bbox[0], table))
    # two tables side by side: the one on the left first, whatever their tops
    ordered = []
    for top, x0, block in sorted(placed, key=lambda p: (p[0], p[1])):
        ordered.append((top, x0, block))
    side = _side_by_side(ordered, tables)
    return [b for _, _, b in side]


def _side_by_side(ordered, tables):
    result = list(ordered)
    boxes = {id(b): None for _, _, b in ordered}
    table_items = [(top, x0, b) for top, x0, b in ordered if isinstance(b, Table)]
    for k, (top, x0, block) in enumerate(table_items):
        for top2, x02, block2 in table_items[k + 1 :]:
            if x02 < x0 and abs(top2 - top) < 40:
                i, j = result.index((top, x0, block)), result.index((top2, x02, block2))
                result[i], result[j] = result[j], result[i]
    del boxes
    return result


def _resolve(t) -> Table:
    """Return the table's grid with every merged position filled from the cell covering it."""
    raw = t.extract()
    rows = [[_clean(c) for c in row] for row in raw]
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    rows = [r + [None] * (n_cols - len(r)) for r in rows]
    bboxes = [list(r.cells) + [None] * (n_cols - len(r.cells)) for r in t.rows]
    xs = []
    for c in range(n_cols):
        col = [b[c] for b in bboxes if b[c] is not None]
        xs.append(((min(b[0] for b in col) + min(b[2] for b in col)) / 2) if col else None)
    ys = [((r.bbox[1] + r.bbox[3]) / 2) for r in t.rows]
    cells = [(r, c, bboxes[r][c]) for r in range(n_rows) for c in range(n_cols) if bboxes[r][c] is not None]
    grid = [[""] * n_cols for _ in range(n_rows)]
    origin = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    for r in range(n_rows):
        for c in range(n_cols):
            if bboxes[r][c] is not None:
                grid[r][c] = rows[r][c] or ""
                continue
            x, y = xs[c], ys[r]
            if x is None:
                continue
            for r0, c0, b in cells:
                if b[0] - 0.5 <= x <= b[2] + 0.5 and b[1] - 0.5 <= y <= b[3] + 0.5:
                    grid[r][c] = rows[r0][c0] or ""
                    origin[r][c] = (r0, c0)
                    break
    return Table(rows=grid, origin=origin, source="pdf")


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    # Word wraps long cells; CJK text wrapped in a PDF must not gain spaces
    return re.sub(r"(?<=[^\x00-\x7f])\s*\n\s*(?=[^\x00-\x7f])", "", text).replace("\n", "")
