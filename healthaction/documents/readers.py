"""Readers: a document's bytes → one stream of text lines.

Every format reduces to the same stream: paragraphs become lines, table rows
become one line with cells separated by tabs (the shape of seed 001), so the
extractors see .txt, .docx and .pdf alike. Each reader guards its input
(size, zip bombs, missing text layer) and raises DocumentError with a reason
the user can act on.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from charset_normalizer import from_bytes

from healthaction.documents.errors import DocumentError

MAX_INPUT_BYTES = 20 * 1024 * 1024  # a plan is at most a few MB; 20 MB leaves room for PDFs with images
MAX_TEXT_CHARS = 4 * 1024 * 1024  # the text of the largest real plans is well under 1 million characters
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MAX_PDF_PAGES = 400
SUPPORTED = (".txt", ".docx", ".pdf")


@dataclass
class Stream:
    lines: list[str]
    kind: str  # "txt", "docx" or "pdf"


def read_document(data: bytes, filename: str) -> Stream:
    """Return the text stream of a .txt, .docx or .pdf document."""
    name = filename.lower()
    ext = next((e for e in SUPPORTED if name.endswith(e)), None)
    if ext is None:
        raise DocumentError(f"不支持的文件类型“{filename}”：请上传 .txt、.docx 或 .pdf 文件。")
    if not data:
        raise DocumentError(f"文件“{filename}”是空的。")
    if len(data) > MAX_INPUT_BYTES:
        raise DocumentError(f"文件“{filename}”有 {len(data) / 1048576:.0f} MB，超过 {MAX_INPUT_BYTES // 1048576} MB 的上限。")
    if ext == ".txt":
        return Stream(_split(decode_text(data, filename)), "txt")
    if ext == ".docx":
        return Stream(_docx_lines(data, filename), "docx")
    return Stream(_pdf_lines(data, filename), "pdf")


def _split(text: str) -> list[str]:
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(f"文本有 {len(text)} 个字符，超过 {MAX_TEXT_CHARS} 个字符的上限，不像是一份实施方案。")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def decode_text(data: bytes, filename: str) -> str:
    """Return the text of a plain-text file: UTF-8 (with or without BOM), else GB18030/GBK or what detection finds."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    sample = data[:65536]
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
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls > len(text[:65536]) // 50:
        raise DocumentError(f"文件“{filename}”含大量控制字符，不是文本文件。")
    if not text.strip():
        raise DocumentError(f"文件“{filename}”没有文字内容。")
    return text


def zip_members(data: bytes) -> tuple[list[str], int]:
    """Return the member names and the unpacked size of a zip package (.docx, .xlsx) without unpacking it.

    Raises zipfile.BadZipFile (or OSError/EOFError) for a damaged or truncated archive. Every place that
    accepts Office files checks the size with it before any library opens the package (zip bombs).
    """
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    return [m.filename for m in members], sum(m.file_size for m in members)


def zip_too_big(data: bytes, unpacked: int, max_unpacked: int = MAX_UNZIPPED_BYTES, max_ratio: int = MAX_ZIP_RATIO) -> bool:
    return unpacked > max_unpacked or unpacked / max(len(data), 1) > max_ratio


def _open_zip(data: bytes, filename: str) -> None:
    try:
        names, total = zip_members(data)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise DocumentError(f"文件“{filename}”不是完整的 Word 文档（.docx），可能已损坏或被截断。")
    if zip_too_big(data, total):
        raise DocumentError(f"文件“{filename}”解压后过大（{total / 1048576:.0f} MB），已拒绝处理。")
    if "word/document.xml" not in names:
        raise DocumentError(f"文件“{filename}”不是 Word 文档（缺少 word/document.xml）。")


def _docx_lines(data: bytes, filename: str) -> list[str]:
    _open_zip(data, filename)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for a broken package
        raise DocumentError(f"无法读取 Word 文档“{filename}”：{type(exc).__name__}。")
    lines: list[str] = []
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.extend(Paragraph(block, document).text.split("\n"))
        elif tag == "tbl":
            lines.extend(_table_rows(Table(block, document)))
            lines.append("")
    if not any(line.strip() for line in lines):
        raise DocumentError(f"Word 文档“{filename}”没有文字内容。")
    return lines


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, last = [], None
        for cell in row.cells:
            # a horizontally merged cell comes back once per grid column: keep it once
            if last is not None and cell._tc is last:
                continue
            last = cell._tc
            cells.append(re.sub(r"\s*\n\s*", " ", cell.text).strip())
        rows.append("\t".join(cells))
    return rows


def _pdf_lines(data: bytes, filename: str) -> list[str]:
    if not data.startswith(b"%PDF"):
        raise DocumentError(f"文件“{filename}”不是 PDF 文件。")
    try:
        import pdfplumber

        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise DocumentError(f"无法打开 PDF“{filename}”：{type(exc).__name__}。")
    lines: list[str] = []
    with pdf:
        if len(pdf.pages) > MAX_PDF_PAGES:
            raise DocumentError(f"PDF“{filename}”有 {len(pdf.pages)} 页，超过 {MAX_PDF_PAGES} 页的上限。")
        for page in pdf.pages:
            try:
                tables = page.find_tables()
                boxes = [t.bbox for t in tables]

                def outside(obj, boxes=boxes):
                    return not any(b[0] <= obj.get("x0", 0) <= b[2] and b[1] <= obj.get("top", 0) <= b[3] for b in boxes)

                blocks: list[tuple[float, list[str]]] = []
                text_page = page.filter(outside) if boxes else page
                for line in text_page.extract_text_lines():
                    blocks.append((line["top"], [line["text"]]))
                for table in tables:
                    rows = ["\t".join(re.sub(r"\s*\n\s*", "", c or "") for c in row) for row in table.extract()]
                    blocks.append((table.bbox[1], rows + [""]))
            except Exception as exc:
                raise DocumentError(f"无法读取 PDF“{filename}”第 {page.page_number} 页：{type(exc).__name__}。")
            for _, block in sorted(blocks, key=lambda b: b[0]):
                lines.extend(block)
            lines.append("")
    if sum(len(line.strip()) for line in lines) < 20:
        raise DocumentError(f"PDF“{filename}”没有文字层（可能是扫描件），请先进行文字识别（OCR）或上传 Word/文本版本。")
    return lines
