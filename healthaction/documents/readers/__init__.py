"""Readers: a document's bytes → the document model (healthaction.documents.model) and its text stream.

Every format reduces to the same model: paragraphs and resolved table grids in reading order; the
stream renders it as lines (a table row is one tab-separated line, the shape of seed 001). Each reader
guards its input (size, zip bombs, missing text layer, encodings) and raises DocumentError with a reason
the user can act on.
"""

import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from healthaction.core import limits
from healthaction.documents.errors import DocumentError
from healthaction.documents.model import Document

# the limits live in core/limits.py, one place for every reader
MAX_INPUT_BYTES = limits.DOCUMENT_BYTES
MAX_TEXT_CHARS = limits.TEXT_CHARS
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f]")  # control characters other than \t \n \v \f \r
SHEETS = (".xlsx", ".xlsm", ".xls", ".et", ".ods")  # the spreadsheet reader's (readers/sheet.py)
SUPPORTED = (".txt", ".docx", ".pdf", ".doc", ".wps", *SHEETS)


@dataclass
class Stream:
    lines: list[str]
    kind: str  # "txt", "docx", "pdf" or "ocr"
    document: Document | None = None


def read_document(data: bytes, filename: str, progress=None) -> Stream:
    """Return the document model and text stream of a .txt, .docx, .pdf, .doc or .wps document or a workbook.

    `progress(done, total, message)` is called page by page while a scanned PDF is recognised.
    """
    name = filename.lower()
    ext = next((e for e in SUPPORTED if name.endswith(e)), None)
    if ext is None:
        raise DocumentError(
            f"不支持的文件类型“{filename}”：请上传 .txt、.docx、.pdf、.doc、.wps 文件，或 .xlsx、.xls、.et、.ods 表格。"
        )
    if not data:
        raise DocumentError(f"文件“{filename}”是空的。")
    if len(data) > MAX_INPUT_BYTES:
        raise DocumentError(
            f"文件“{filename}”有 {len(data) / 1048576:.0f} MB，超过 {MAX_INPUT_BYTES // 1048576} MB 的上限。"
        )
    if ext == ".txt":
        from healthaction.documents.readers.text import text_document

        document = text_document(_split(decode_text(data, filename)))
    elif ext in (".doc", ".wps"):
        from healthaction.documents.readers.convert import legacy_word_document

        document = legacy_word_document(data, filename)
    elif ext in SHEETS:
        from healthaction.documents.readers.sheet import sheet_document

        document = sheet_document(data, filename)
    elif ext == ".docx":
        from healthaction.documents.readers.word import docx_document

        _open_zip(data, filename)
        document = docx_document(data, filename)
    else:
        from healthaction.documents.readers.pdf import pdf_document

        document = pdf_document(data, filename, progress)
    return Stream(document.lines(), document.kind, document)


def _split(text: str) -> list[str]:
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(f"文本有 {len(text)} 个字符，超过 {MAX_TEXT_CHARS} 个字符的上限，不像是一份实施方案。")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def decode_text(data: bytes, filename: str) -> str:
    """Return the text of a plain-text file: UTF-8 (with or without BOM), else GB18030/GBK or what detection finds."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16", filename)
    sample = data[:65536]
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return _utf16(data, utf16, filename)
    if b"\x00" in sample:
        raise DocumentError(f"文件“{filename}”是二进制文件，不是文本。")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            best = from_bytes(data[:1_000_000]).best()
            if best is None:
                raise DocumentError(f"无法识别文件“{filename}”的文字编码。")
            text = str(data.decode(best.encoding, errors="replace"))
    controls = len(_CONTROL_CHAR.findall(text, 0, 65536))
    if controls > len(text[:65536]) // 50:
        raise DocumentError(f"文件“{filename}”含大量控制字符，不是文本文件。")
    if not text.strip():
        raise DocumentError(f"文件“{filename}”没有文字内容。")
    return text


def _utf16_without_bom(sample: bytes) -> str | None:
    """Return utf-16-le/-be when the bytes hold NULs (never in UTF-8/GB text) and read as plausible text that way."""
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) - len(sample) % 2]
    best, share = None, 0.0
    for encoding in ("utf-16-le", "utf-16-be"):
        text = sample.decode(encoding, errors="replace")
        plausible = sum(
            1
            for ch in text
            if ch in "\n\r\t"
            or " " <= ch <= "~"
            or "\u3000" <= ch <= "\u9fff"
            or "\uff00" <= ch <= "\uffef"
            or ch in "‰≥≤—“”…·"
        )
        if plausible / max(len(text), 1) > share:
            best, share = encoding, plausible / max(len(text), 1)
    return best if share > 0.9 else None


def _utf16(data: bytes, encoding: str, filename: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"文件“{filename}”标明为 UTF-16 编码，但第 {exc.start} 字节处内容已损坏，无法读取；请重新导出为 UTF-8 文本。"
        )
    if not text.strip():
        raise DocumentError(f"文件“{filename}”没有文字内容。")
    return text


def _open_zip(data: bytes, filename: str) -> None:
    try:
        names = limits.check_zip(data, filename)
    except limits.LimitExceeded as exc:
        raise DocumentError(str(exc))
    except (zipfile.BadZipFile, OSError, EOFError):
        raise DocumentError(f"文件“{filename}”不是完整的 Word 文档（.docx），可能已损坏或被截断。")
    if "word/document.xml" not in names:
        raise DocumentError(f"文件“{filename}”不是 Word 文档（缺少 word/document.xml）。")
