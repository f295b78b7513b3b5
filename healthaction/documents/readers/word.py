"""Word (.docx) → document model, with real merged cells (gridSpan across, vMerge down) resolved."""

import io
import re

from healthaction.documents.errors import DocumentError
from healthaction.documents.model import Document, Paragraph, Table, grid_from_spans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_document(data: bytes, filename: str) -> Document:
    try:
        import docx
        from docx.text.paragraph import Paragraph as DocxParagraph

        package = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise DocumentError(f"无法读取 Word 文档“{filename}”：{type(exc).__name__}。")
    document = Document(kind="docx")
    for element in package.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = DocxParagraph(element, package).text
            for part in text.split("\n"):
                document.blocks.append(Paragraph(part))
        elif tag == "tbl":
            table = _table(element)
            if table is not None:
                document.blocks.append(table)
        elif tag == "sdt":  # content controls wrap ordinary paragraphs
            for p in element.iter(f"{W}p"):
                document.blocks.append(Paragraph("".join(t.text or "" for t in p.iter(f"{W}t"))))
    if not any(isinstance(b, Table) or b.text.strip() for b in document.blocks):
        raise DocumentError(f"Word 文档“{filename}”没有文字内容。")
    return document


def _cell_text(tc) -> str:
    paragraphs = []
    for p in tc.iter(f"{W}p"):
        paragraphs.append("".join(t.text or "" for t in p.iter(f"{W}t")))
    return re.sub(r"\s*\n\s*", "\n", "\n".join(paragraphs)).strip()


def _table(tbl) -> Table | None:
    """Walk w:tr/w:tc reading gridSpan and vMerge from the XML (python-docx's cell API hides vMerge origins)."""
    cells: list[list] = []  # [row, col, row_span, col_span, text]
    open_down: dict[int, list] = {}  # grid column → the cell a vMerge continues
    n_rows = n_cols = 0
    for r, tr in enumerate(tbl.findall(f"{W}tr")):
        c = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            c = int(before.get(f"{W}val", "0"))
        for tc in tr.findall(f"{W}tc"):
            props = tc.find(f"{W}tcPr")
            span = 1
            vmerge = None
            if props is not None:
                gs = props.find(f"{W}gridSpan")
                if gs is not None:
                    span = int(gs.get(f"{W}val", "1"))
                vm = props.find(f"{W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{W}val", "continue")
            if vmerge == "continue" and c in open_down:
                open_down[c][2] += 1
            else:
                cell = [r, c, 1, span, _cell_text(tc)]
                cells.append(cell)
                if vmerge == "restart":
                    open_down[c] = cell
                else:
                    open_down.pop(c, None)
            c += span
        n_cols = max(n_cols, c)
        n_rows = r + 1
    if not n_rows or not n_cols:
        return None
    table = grid_from_spans([tuple(cell) for cell in cells], n_rows, n_cols)
    table.source = "docx"
    return table
