"""Hostile uploads for the limit tests, each built here in a moment and kept small on disk.

- a workbook of about 3 KB whose one cell sits at XFD1048576 (a reader laying the sheet out would allocate
  17 billion cells), and one at Z1000000 (26 million);
- a workbook with a packed member that unpacks about 1,000-fold (a zip bomb), and one whose member unpacks to more
  than its header declares;
- a Word document whose text unpacks 1,000-fold;
- a PDF whose one Flate stream unpacks to 200 MB (a decompression bomb; documents/tests/builders.py).
"""

from __future__ import annotations

import io
import struct
import zipfile

from openpyxl import Workbook

from healthaction.documents.tests import builders


def workbook_with_cell(ref: str, sheets=("Sheet",)) -> bytes:
    wb = Workbook()
    wb.active.title = sheets[0]
    for name in sheets[1:]:
        wb.create_sheet(name)
    wb[sheets[0]][ref] = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _zeros_member(archive: zipfile.ZipFile, name: str, megabytes: int) -> None:
    info = zipfile.ZipInfo(name)
    info.compress_type = zipfile.ZIP_DEFLATED
    with archive.open(info, "w", force_zip64=True) as member:
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            member.write(block)


def zip_bomb_workbook(megabytes: int = 50) -> bytes:
    """A real workbook with one more member, xl/media/image1.bin, of `megabytes` MB of zeros."""
    buf = io.BytesIO(workbook_with_cell("A1"))
    with zipfile.ZipFile(buf, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.compression = zipfile.ZIP_DEFLATED
        _zeros_member(archive, "xl/media/image1.bin", megabytes)
    return buf.getvalue()


def lying_workbook() -> bytes:
    """A workbook whose sheet member declares 100 bytes but unpacks to its real length (the CRC is of the real data)."""
    data = bytearray(workbook_with_cell("A1"))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        real = info.file_size
    assert real > 100
    # the size in the member's local header (offset 22) and in its central directory entry (offset 24)
    local = info.header_offset
    data[local + 22 : local + 26] = struct.pack("<I", 100)
    name = b"xl/worksheets/sheet1.xml"
    central = bytes(data).index(b"PK\x01\x02", local)
    while bytes(data[central + 46 : central + 46 + len(name)]) != name:
        central = bytes(data).index(b"PK\x01\x02", central + 4)
    data[central + 24 : central + 28] = struct.pack("<I", 100)
    return bytes(data)


def docx_bomb(megabytes: int = 50) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        _zeros_member(archive, "word/document.xml", megabytes)
    return buf.getvalue()


def pdf_bomb(megabytes: int = 200) -> bytes:
    """A one-page PDF whose content stream is `megabytes` MB, Flate-compressed (about 0.2 MB)."""
    return builders.pdf_bomb(megabytes)
