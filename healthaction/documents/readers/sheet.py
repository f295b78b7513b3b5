"""Spreadsheets (.xlsx, .xlsm, .xls, .et, .ods) → the document model: each sheet a heading and one table grid.

Offices circulate indicator tables and task breakdowns (任务分解表, 责任清单) as workbooks. python-calamine reads
all of these formats (an .et file from WPS is an .xls or .xlsx inside); merged cells come from calamine's merge
ranges for .xlsx and .xls, and from the cells' spans in content.xml for .ods, which calamine does not report.
Every sheet goes through the same grid interpretation as Word and PDF tables, so a table pasted into a workbook
reads as it did in the document.
"""

import io
import re
import zipfile
from datetime import date, datetime, time
from xml.etree.ElementTree import iterparse

from python_calamine import CalamineWorkbook

from healthaction.core import limits
from healthaction.documents.errors import DocumentError
from healthaction.documents.model import Document, Paragraph, grid_from_spans

SHEET_EXTENSIONS = (".xlsx", ".xlsm", ".xls", ".et", ".ods")
MAX_SHEETS = 60
MAX_SHEET_CELLS = 400_000  # rows × columns laid out for one sheet; a real 任务分解表 is a few thousand
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def sheet_document(data: bytes, filename: str) -> Document:
    """Return one heading paragraph (the sheet's name) and one resolved table per non-empty sheet."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":  # .xlsx, .xlsm, .ods (and an .et saved as .xlsx) are zip packages
        _check_package(data, filename)
    ods_spans = _ods_spans(data, filename) if name.endswith(".ods") else None
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(workbook.sheet_names)
    except Exception as exc:  # calamine raises its own error types for a damaged or foreign file
        raise DocumentError(
            f"无法读取电子表格“{filename}”：文件已损坏或不是 Excel/WPS/ODS 表格（{type(exc).__name__}）。"
        )
    if len(names) > MAX_SHEETS:
        raise DocumentError(f"电子表格“{filename}”有 {len(names)} 个工作表，最多读取 {MAX_SHEETS} 个。")
    document = Document(kind="sheet")
    for index, title in enumerate(names):
        try:
            sheet = workbook.get_sheet_by_index(index)
            end = sheet.end
            if end is None:
                continue
            if (end[0] + 1) * (end[1] + 1) > MAX_SHEET_CELLS:
                raise DocumentError(
                    f"电子表格“{filename}”的工作表“{title}”有 {end[0] + 1} 行 × {end[1] + 1} 列，"
                    f"超过 {MAX_SHEET_CELLS} 个单元格的上限。"
                )
            rows = sheet.to_python(skip_empty_area=False)
            merges = sheet.merged_cell_ranges if ods_spans is None else ods_spans.get(index, [])
        except DocumentError:
            raise
        except Exception as exc:
            raise DocumentError(f"无法读取电子表格“{filename}”的工作表“{title}”（{type(exc).__name__}）。")
        rows = [[_text(v) for v in row] for row in rows]
        document.blocks.append(Paragraph(title))
        # a title or 单位 line above the table (one text, often merged across) is a paragraph, as in a document
        while len(rows) > 1 and len({c for c in rows[0] if c.strip()}) <= 1:
            line = next((c for c in rows[0] if c.strip()), "")
            if line:
                document.blocks.append(Paragraph(line))
            rows.pop(0)
            merges = [((r0 - 1, c0), (r1 - 1, c1)) for (r0, c0), (r1, c1) in merges or [] if r0 > 0]
        table = _table(rows, merges or [])
        if table is not None and table.width > 1:
            document.blocks.append(table)
        elif table is not None:  # one column of text: lines, not a table
            document.blocks += [Paragraph(row[0]) for row in table.rows if row[0].strip()]
    if not document.tables and len(document.blocks) <= len(names):  # nothing but the sheets' names
        raise DocumentError(f"电子表格“{filename}”没有内容。")
    return document


def _check_package(data: bytes, filename: str) -> None:
    """Refuse a zip bomb, or an .xlsx sheet reaching beyond the limits (core/limits.py), before calamine lays
    anything out: a cell at XFD1048576 would make it allocate every cell up to there."""
    try:
        names = limits.check_zip(data, filename, limits.WORKBOOK_UNPACKED_BYTES)
        if any(n.startswith("xl/worksheets/") for n in names):
            limits.check_xlsx(data, filename)
    except limits.LimitExceeded as exc:
        raise DocumentError(str(exc))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise DocumentError(f"文件“{filename}”不是完整的电子表格，可能已损坏或被截断。")


def _text(value) -> str:
    """A cell as the text a person sees: whole numbers without “.0”, dates as 2023-06-15."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return re.sub(r"[ \t]*\r?\n[ \t]*", "\n", str(value)).strip()


def _table(rows: list[list[str]], merges) -> object | None:
    """Trim empty trailing rows and columns, then resolve merged ranges ((r0, c0), (r1, c1)), inclusive."""
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        return None
    width = max((max((c + 1 for c, cell in enumerate(row) if cell.strip()), default=0) for row in rows), default=0)
    if not width:
        return None
    covered = {}
    for (r0, c0), (r1, c1) in merges:
        if r0 < len(rows) and c0 < width:
            covered[(r0, c0)] = (min(r1, len(rows) - 1) - r0 + 1, min(c1, width - 1) - c0 + 1)
    inside = {
        (r, c)
        for (r0, c0), (rs, cs) in covered.items()
        for r in range(r0, r0 + rs)
        for c in range(c0, c0 + cs)
        if (r, c) != (r0, c0)
    }
    cells = []
    for r, row in enumerate(rows):
        for c in range(width):
            if (r, c) in inside:
                continue
            rs, cs = covered.get((r, c), (1, 1))
            cells.append((r, c, rs, cs, row[c] if c < len(row) else ""))
    table = grid_from_spans(cells, len(rows), width)
    table.source = "sheet"
    return table


def _ods_spans(data: bytes, filename: str) -> dict[int, list]:
    """{sheet index: [((r0, c0), (r1, c1)), …]} from content.xml's number-rows/columns-spanned attributes.

    Streams the XML, counting repeated rows and cells, and stops counting a sheet's positions once they pass
    the cell limit (a repeated empty row at the end of a sheet can declare a million rows)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        content = archive.open("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        raise DocumentError(f"文件“{filename}”不是完整的 ODS 表格，可能已损坏或被截断。")
    spans: dict[int, list] = {}
    sheet, row, col = -1, 0, 0
    with content:
        for event, element in iterparse(content, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{TABLE}table":
                    sheet, row = sheet + 1, 0
                elif tag == f"{TABLE}table-row":
                    col = 0
                continue
            if tag == f"{TABLE}table-row":
                row += int(element.get(f"{TABLE}number-rows-repeated", "1"))
                element.clear()
            elif tag in (f"{TABLE}table-cell", f"{TABLE}covered-table-cell"):
                rows_spanned = int(element.get(f"{TABLE}number-rows-spanned", "1"))
                cols_spanned = int(element.get(f"{TABLE}number-columns-spanned", "1"))
                if tag == f"{TABLE}table-cell" and (rows_spanned > 1 or cols_spanned > 1) and row < 1_000_000:
                    spans.setdefault(sheet, []).append(((row, col), (row + rows_spanned - 1, col + cols_spanned - 1)))
                col += int(element.get(f"{TABLE}number-columns-repeated", "1"))
    return spans
