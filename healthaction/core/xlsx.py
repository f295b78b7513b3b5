"""Cells written to Excel or CSV files that users open: text is never read back as a formula (OWASP CSV injection).

Every writer of a spreadsheet passes its values through `safe_cell` (or `safe_row`), and every .xlsx the project
writes is saved by `workbook_bytes`, which puts every text cell of every sheet through `safe_cell` once more: a sheet
whose writer forgot (the Excel export's 附表1/附表2 did) is safe all the same, and a test forbids saving a workbook
any other way. A text beginning with
= + - @ tab or carriage return gets a leading apostrophe, which spreadsheet programs show as plain text; numbers,
dates and None pass unchanged. Readers of our own templates undo it with `unescape_cell` so that a round trip
(download, fill in, upload) stores the text as it was.
"""

from __future__ import annotations

import io

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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
