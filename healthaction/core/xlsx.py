"""Cells written to Excel or CSV files that users open: text is never read back as a formula (OWASP CSV injection).

Every writer of a spreadsheet passes its values through `safe_cell` (or `safe_row`). A text beginning with
= + - @ tab or carriage return gets a leading apostrophe, which spreadsheet programs show as plain text; numbers,
dates and None pass unchanged. Readers of our own templates undo it with `unescape_cell` so that a round trip
(download, fill in, upload) stores the text as it was.
"""

from __future__ import annotations

import io

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# the one spelling of the .xlsx media type: downloads, upload sniffing, tests
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
