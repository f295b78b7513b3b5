"""How large an upload may be, and the checks that every reader of one applies before a library allocates.

One place for every limit: the upload handler (while the request streams in), the workbook readers (openpyxl in
collection and inspections, python-calamine for the plan's review workbook), the document readers (Word, PDF,
text, in the sandbox child), the API's CSV and JSON rows and the command-line CSV all take their numbers and
their checks from here.

What is checked, each before anything is unpacked or parsed:
- the size of the file (UPLOAD_BYTES while it streams in; then the door's own, smaller limit);
- a zip package (.xlsx, .docx): the number of members, the sum of their declared unpacked sizes and its ratio
  to the file's size, and then the actual unpacked size of every member, read in chunks and thrown away (a
  member that unpacks to more than it declares fails its CRC and is refused);
- a worksheet: its declared `<dimension ref=…>` and the actual extent of its cells (the r="…" of every row and
  cell, or their count where the position is implied), its merged ranges, in rows, columns and cells;
- a PDF: pages, the size of a page to be rendered for OCR, and the unpacked size of its Flate streams.

This module needs no Django settings at load time: the sandbox child (documents/sandbox.py) uses it before
Django is set up, and then translates through the same compiled catalogue with the standard library.
"""

from __future__ import annotations

import functools
import io
import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from healthaction.core.env import env_int


def gettext_noop(message: str) -> str:
    """Mark a message for translation without touching Django's settings (Django's own gettext_noop asks for
    USE_I18N), so the readers, the sandbox child and the benchmarks import this module without settings."""
    return message


MB = 1024 * 1024

# ---- sizes of a whole file
UPLOAD_BYTES = env_int("UPLOAD_MAX_MB", 30, minimum=1) * MB  # any one file in a request; the rest is discarded
WORKBOOK_BYTES = 30 * MB  # a filled-in template, a results workbook, the plan's review workbook
DOCUMENT_BYTES = 20 * MB  # a plan document: a plan is a few MB; 20 MB leaves room for PDFs with images
EVIDENCE_BYTES = 10 * MB
ROWS_BYTES = 50 * MB  # value rows sent to the API as JSON or CSV in one request, or a CSV given to the command
# ---- zip packages
UNPACKED_BYTES = 200 * MB  # a document's members together
WORKBOOK_UNPACKED_BYTES = 100 * MB
EVIDENCE_UNPACKED_BYTES = 100 * MB
ZIP_RATIO = 200  # unpacked ÷ packed; real Office files stay under 30
ZIP_MEMBERS = 5000
# ---- worksheets
SHEET_ROWS = 101_000  # 100,000 values (a province's import, bench/import_excel.py) below their header, and notes
SHEET_COLUMNS = 256  # the templates use under 20; Excel allows 16,384 (XFD)
SHEET_CELLS = 2_000_000  # rows × columns of the area a reader lays out
# ---- documents and rows
TEXT_CHARS = 4 * MB  # the text of the largest real plans is well under 1 million characters
PDF_PAGES = 400
PDF_STREAM_BYTES = 128 * MB  # one compressed stream of a PDF, unpacked (a scanned A4 page in colour is about 26 MB)
PDF_UNPACKED_BYTES = 1024 * MB  # all of them together
PAGE_PIXELS = 40_000_000  # a page rendered for OCR (an A4 page at the OCR scale is about 8 million)
ROWS = 200_000  # value rows in one CSV or JSON request


TOO_LARGE = gettext_noop("“%(f)s” is %(mb)s MB; at most %(max)s MB is accepted.")
TOO_MANY_MEMBERS = gettext_noop("“%(f)s” holds %(n)s packed files; at most %(max)s are read.")
UNPACKS_TOO_LARGE = gettext_noop(
    "“%(f)s” unpacks to %(mb)s MB (%(ratio)s times its size); at most %(max)s MB and %(max_ratio)s times are "
    "read. It is refused as a possible zip bomb."
)
MEMBER_LIES = gettext_noop(
    "“%(f)s” holds a packed file (%(m)s) larger than it declares; it is refused as a possible zip bomb."
)
SHEET_TOO_LARGE = gettext_noop(
    "“%(f)s”: the sheet “%(s)s” reaches cell %(cell)s (%(rows)s rows × %(cols)s columns); at most %(max_rows)s rows, "
    "%(max_cols)s columns and %(max_cells)s cells are read. Delete the cells beyond your data and upload it again."
)
MERGE_TOO_LARGE = gettext_noop(
    "“%(f)s”: the sheet “%(s)s” merges the range %(ref)s, larger than %(max_cells)s cells. Unmerge it and upload "
    "it again."
)
PDF_TOO_MANY_PAGES = gettext_noop("The PDF “%(f)s” has %(n)s pages; at most %(max)s are read.")
PDF_UNPACKS_TOO_LARGE = gettext_noop(
    "The PDF “%(f)s” holds compressed content unpacking to more than %(max)s MB; it is refused as a possible "
    "decompression bomb."
)
PAGE_TOO_LARGE = gettext_noop(
    "Page %(page)s of the PDF “%(f)s” measures %(w)s × %(h)s points, too large to be read by OCR; save it at a "
    "normal paper size."
)
TOO_MANY_ROWS = gettext_noop("At most %(n)s rows per request.")


class LimitExceeded(ValueError):
    """A file beyond a limit; str() is the reason in the user's language."""


def message(msgid: str, **params) -> str:
    """Translate one of the messages above: through Django once it is set up, else straight from the catalogue."""
    try:
        from django.apps import apps

        ready = apps.ready
    except ImportError:  # pragma: no cover - Django is always installed
        ready = False
    if ready:
        from django.utils.translation import gettext

        text = gettext(msgid)
    else:
        text = _catalogue().gettext(msgid)
    return text % params if params else text


@functools.cache
def _catalogue():
    import gettext as stdlib

    language = os.environ.get("HEALTHACTION_LANGUAGE", "zh_Hans")
    return stdlib.translation(
        "django", localedir=Path(__file__).resolve().parents[1] / "locale", languages=[language], fallback=True
    )


def refuse(msgid: str, **params):
    raise LimitExceeded(message(msgid, **params))


def check_size(size: int, limit: int, name: str) -> None:
    if size > limit:
        refuse(TOO_LARGE, f=name, mb=f"{size / MB:.0f}", max=limit // MB)


# ---- zip packages ----------------------------------------------------------------------------------------


def check_zip(data: bytes, name: str, max_unpacked: int = UNPACKED_BYTES, max_ratio: int = ZIP_RATIO) -> list[str]:
    """Check a zip package before any library opens it; return its member names.

    Raises LimitExceeded for too many members, too much declared or actual unpacked content; zipfile.BadZipFile
    (or OSError/EOFError) for a damaged archive, which each door words for its own file type.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
        if len(members) > ZIP_MEMBERS:
            refuse(TOO_MANY_MEMBERS, f=name, n=len(members), max=ZIP_MEMBERS)
        declared = sum(m.file_size for m in members)
        if declared > max_unpacked or declared / max(len(data), 1) > max_ratio:
            refuse(
                UNPACKS_TOO_LARGE,
                f=name,
                mb=f"{declared / MB:.0f}",
                ratio=f"{declared / max(len(data), 1):.0f}",
                max=max_unpacked // MB,
                max_ratio=max_ratio,
            )
        for member in members:  # the actual sizes: zipfile stops at the declared size and checks the CRC
            try:
                with archive.open(member) as stream:
                    while stream.read(MB):
                        pass
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                if "CRC" in str(exc) or isinstance(exc, zlib.error):
                    refuse(MEMBER_LIES, f=name, m=member.filename[:80])
                raise zipfile.BadZipFile(str(exc)) from exc
        return [m.filename for m in members]


# ---- worksheets ------------------------------------------------------------------------------------------

_SHEET_TOKENS = re.compile(rb"<(?:[A-Za-z]\w*:)?(?P<tag>row|c|dimension|mergeCell)(?=[\s/>])(?P<attrs>[^>]*)>", re.S)
_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]{0,4})(\d{0,8})["']""")
_REF = re.compile(rb"""\sref\s*=\s*["']([^"']*)["']""")
_CELL = re.compile(r"^\$?([A-Za-z]{1,4})\$?(\d{1,8})$")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def _corner(ref: str) -> tuple[int, int]:
    """(row, column) of the far corner of a reference like A1:XFD1048576 (0, 0 when it cannot be read)."""
    far = ref.split(":")[-1].strip()
    m = _CELL.match(far)
    return (int(m[2]), column_number(m[1])) if m else (0, 0)


@dataclass
class Extent:
    rows: int = 0
    columns: int = 0

    def too_large(self) -> bool:
        return self.rows > SHEET_ROWS or self.columns > SHEET_COLUMNS or self.rows * self.columns > SHEET_CELLS


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet member path → the sheet's name, from xl/workbook.xml and its relationships (best effort)."""
    try:
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile):
        return {}
    targets = {}
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
        rid, target = re.search(r'\bId="([^"]*)"', tag), re.search(r'\bTarget="([^"]*)"', tag)
        if rid and target:
            path = target[1].lstrip("/")
            targets[rid[1]] = path if path.startswith("xl/") else f"xl/{path}"
    names = {}
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
        name, rid = re.search(r'\bname="([^"]*)"', tag), re.search(r'\b(?:\w+:)?id="([^"]*)"', tag)
        if name and rid and rid[1] in targets:
            names[targets[rid[1]]] = name[1]
    return names


def check_xlsx(data: bytes, name: str, max_unpacked: int = WORKBOOK_UNPACKED_BYTES) -> list[str]:
    """Check an .xlsx before openpyxl or calamine lays it out; return its member names.

    On top of check_zip, every worksheet is scanned as it unpacks, in chunks: its declared dimension, the
    furthest row and column any cell reaches (explicitly, or by count where positions are implied) and each
    merged range must stay within SHEET_ROWS, SHEET_COLUMNS and SHEET_CELLS.
    """
    names = check_zip(data, name, max_unpacked)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        titles = _sheet_names(archive)
        for member in names:
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                _check_sheet(archive, member, name, titles.get(member, member))
    return names


def _check_sheet(archive: zipfile.ZipFile, member: str, name: str, title: str) -> None:
    extent, row, column, carry = Extent(), 0, 0, b""
    numbers: dict[bytes, int] = {}  # column letters → number

    def over(rows: int, columns: int) -> None:
        if Extent(rows, columns).too_large():
            refuse(
                SHEET_TOO_LARGE,
                f=name,
                s=title,
                cell=f"{column_letters(max(columns, 1))}{max(rows, 1)}",
                rows=rows,
                cols=columns,
                max_rows=SHEET_ROWS,
                max_cols=SHEET_COLUMNS,
                max_cells=SHEET_CELLS,
            )

    with archive.open(member) as stream:
        while True:
            chunk = stream.read(MB)
            buffer = carry + chunk
            if not chunk:
                cut = len(buffer)
            else:
                cut = buffer.rfind(b"<")  # a tag is never split between two rounds
                if cut <= 0:
                    cut = len(buffer) if len(buffer) > 4 * MB else 0  # a long text without tags
            # once per cell: plain comparisons and a column looked up by its letters (a sheet uses a few)
            for m in _SHEET_TOKENS.finditer(buffer, 0, cut):
                tag, attrs = m["tag"], m["attrs"]
                if tag == b"c":
                    r = _R.search(attrs)
                    if r and r[1]:
                        column = numbers.get(r[1]) or numbers.setdefault(r[1], column_number(r[1].decode()))
                    else:
                        column += 1
                    if r and r[2] and int(r[2]) > row:
                        row = int(r[2])
                    if column > extent.columns or row > extent.rows:  # checked only when the extent grows
                        extent.columns, extent.rows = max(extent.columns, column), max(extent.rows, row)
                        over(extent.rows, extent.columns)
                elif tag == b"row":
                    r = _R.search(attrs)
                    row = int(r[2]) if r and r[2] else row + 1
                    column = 0
                    if row > extent.rows:
                        extent.rows = row
                        over(extent.rows, extent.columns)
                else:
                    ref = _REF.search(attrs)
                    if ref is None:
                        continue
                    text = ref[1].decode("ascii", "replace")
                    rows, columns = _corner(text)
                    if tag == b"dimension":
                        over(rows, columns)  # what the sheet declares
                    else:
                        first = _corner(text.split(":")[0])
                        area = (rows - first[0] + 1) * (columns - first[1] + 1)
                        if area > SHEET_CELLS or rows > SHEET_ROWS or columns > SHEET_COLUMNS:
                            refuse(MERGE_TOO_LARGE, f=name, s=title, ref=text[:40], max_cells=SHEET_CELLS)
                over(extent.rows, extent.columns)
            carry = buffer[cut:]
            if not chunk:
                break
    over(extent.rows, extent.columns)


# ---- PDF -------------------------------------------------------------------------------------------------

_STREAM = re.compile(rb"stream\r?\n")


def check_pdf(data: bytes, name: str) -> None:
    """Refuse a PDF with a Flate stream unpacking to more than PDF_STREAM_BYTES, or all of them to more than
    PDF_UNPACKED_BYTES, counted without keeping them.

    Each stream is unpacked in pieces of at most 1 MB that are thrown away; a stream that is not zlib (an image,
    an encrypted stream) is skipped here: the sandbox's memory ceiling still bounds what a reader does with it."""
    total = 0
    for m in _STREAM.finditer(data):
        start = m.end()
        if start >= len(data) or data[start] & 0x0F != 8:  # not a zlib header (deflate): an image, encrypted
            continue
        unpacker, offset, size = zlib.decompressobj(), start, 0
        try:
            while offset < len(data) and not unpacker.eof:
                pending = data[offset : offset + MB]
                offset += len(pending)
                while pending:
                    size += len(unpacker.decompress(pending, MB))
                    pending = unpacker.unconsumed_tail
                    if size > PDF_STREAM_BYTES or total + size > PDF_UNPACKED_BYTES:
                        refuse(PDF_UNPACKS_TOO_LARGE, f=name, max=min(PDF_STREAM_BYTES, PDF_UNPACKED_BYTES) // MB)
        except zlib.error:
            pass  # not zlib after all, or damaged: pdfminer says what it makes of it
        total += size


def check_pdf_pages(pages: int, name: str) -> None:
    if pages > PDF_PAGES:
        refuse(PDF_TOO_MANY_PAGES, f=name, n=pages, max=PDF_PAGES)


def check_page_render(width_pt: float, height_pt: float, scale: float, page: int, name: str) -> None:
    if width_pt * scale * height_pt * scale > PAGE_PIXELS:
        refuse(PAGE_TOO_LARGE, f=name, page=page, w=f"{width_pt:.0f}", h=f"{height_pt:.0f}")


# ---- rows ------------------------------------------------------------------------------------------------


def check_rows(n: int) -> None:
    if n > ROWS:
        refuse(TOO_MANY_ROWS, n=ROWS)
