"""Spreadsheets: the one reader of every uploaded workbook, and cells written so that text is never read back as a
formula (OWASP CSV injection).

`read_sheets` reads every .xlsx a user gives us (values and task reports, inspection results and checklists, the
plan's review workbook, `healthaction values import`) with python-calamine, several times faster than openpyxl and
never evaluating formulas; openpyxl stays for writing. The limits of core/limits.py (size, zip package, sheet
extent) are checked in that one function before calamine unpacks anything, so they hold for every upload.

Every writer of a spreadsheet passes its values through `safe_cell` (or `safe_row`), and every .xlsx the project
writes is saved by `workbook_bytes`, which puts every text cell of every sheet through `safe_cell` once more: a sheet
whose writer forgot (the Excel export's 附表1/附表2 did) is safe all the same, and a test forbids saving a workbook
any other way. A text beginning with
= + - @ tab or carriage return gets a leading apostrophe, which spreadsheet programs show as plain text; numbers,
dates and None pass unchanged. Readers of our own templates undo it with `unescape_cell` so that a round trip
(download, fill in, upload) stores the text as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook

from healthaction.core import limits

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# the one spelling of the Office media types: downloads, upload sniffing, tests
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
OFFICE_MIME = {".xlsx": XLSX_MIME, ".docx": DOCX_MIME}


def xlsx_download(data: bytes, filename: str):
    """Return a workbook as a download: FileResponse writes Content-Disposition (RFC 6266, any file name)."""
    from django.http import FileResponse  # this module stays importable without Django settings

    return FileResponse(io.BytesIO(data), as_attachment=True, filename=filename, content_type=XLSX_MIME)


def safe_cell(value):
    """Return `value` safe to put in a spreadsheet cell."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]


def unescape_cell(value):
    """Undo `safe_cell` on a value read back from one of our workbooks."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def workbook_bytes(wb) -> bytes:
    """Return the .xlsx bytes of a workbook the project wrote, every text cell of every sheet through `safe_cell`."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, str):
                    safe = safe_cell(value)
                    if safe is not value:
                        cell.value = safe
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_EXACT = 2**53  # beyond this a float does not hold every whole number: left as the float openpyxl would give too


class WorkbookUnreadable(ValueError):
    """An upload that is not read: too large, a possible zip bomb, not an .xlsx workbook or damaged.
    str() is the reason in the user's language."""


def _cell(value):
    # as openpyxl reads a cell (data_only): an empty cell is None, a whole number an int, a date a datetime
    if value == "":
        return None
    if type(value) is float:
        return int(value) if value.is_integer() and -_EXACT < value < _EXACT else value
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value


def read_sheets(
    data: bytes,
    filename: str,
    sheets: Iterable[str] | None = None,
    *,
    max_bytes: int = limits.WORKBOOK_BYTES,
    max_unpacked: int = limits.WORKBOOK_UNPACKED_BYTES,
) -> dict[str, list[tuple]]:
    """Return {sheet name: rows} for the named sheets the workbook has (every sheet, in order, when `sheets` is None).

    Rows run from the sheet's first row (row r of the list is row r + 1 in Excel), each a tuple as wide as the
    sheet's used area; cells read as openpyxl reads them with data_only (None for empty, int for whole numbers,
    datetime for dates, the cached value of a formula). Before calamine unpacks anything, core/limits.py checks the
    file's size (`max_bytes`), its zip package (`max_unpacked`) and every sheet's extent, raising
    limits.LimitExceeded with the reason; a file that is not a readable .xlsx raises WorkbookUnreadable.
    """
    limits.check_size(len(data), max_bytes, filename)  # `filename` as the user knows it: the limits' messages name it
    try:
        members = limits.check_xlsx(data, filename, max_unpacked)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise WorkbookUnreadable(_("The file is not an .xlsx workbook (or it is damaged)."))
    if not any(m.startswith("xl/") for m in members):
        raise WorkbookUnreadable(_("The file is not an .xlsx workbook (or it is damaged)."))
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names if sheets is None else [n for n in sheets if n in book.sheet_names]
        return {
            title: [tuple(map(_cell, row)) for row in book.get_sheet_by_name(title).to_python(skip_empty_area=False)]
            for title in names
        }
    except Exception as exc:  # CalamineError, or what a damaged package makes it raise (a bad XML part, a bad date)
        raise WorkbookUnreadable(_("The workbook cannot be read: %(e)s") % {"e": exc}) from exc
    except BaseException as exc:  # a panic inside the Rust reader arrives as pyo3's PanicException (a BaseException)
        if type(exc).__name__ != "PanicException":
            raise
        raise WorkbookUnreadable(_("The file is not an .xlsx workbook (or it is damaged).")) from exc
