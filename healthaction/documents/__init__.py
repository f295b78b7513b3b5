"""Policy text → plan draft. Pure Python: importable and testable without Django.

One entry: `parse_document(data, filename)` returns a plan draft as a dict in
the plan interchange format (docs/plan-format.md), with every item carrying
its source lines and text, and the warnings for what could not be placed.
"""

from healthaction.documents.errors import DocumentError


def parse_document(data: bytes, filename: str, progress=None) -> dict:
    """Return the plan draft read from a .txt, .docx, .pdf, .doc or .wps document's or a workbook's bytes.

    `progress(done, total, stage)` is called page by page for PDFs (stage "text", or "ocr" for scanned pages).
    In a server, prefer `parse_bounded` (healthaction.documents.sandbox): same result, bounded memory and time.
    """
    from healthaction.documents.pipeline import parse_bytes

    return parse_bytes(data, filename, progress)


def parse_bounded(data: bytes, filename: str, progress=None, **limits) -> dict:
    """parse_document in a child process with a memory ceiling and a time limit (see documents/sandbox.py)."""
    from healthaction.documents.sandbox import parse_bounded as bounded

    return bounded(data, filename, progress, **limits)


def read_bounded(data: bytes, filename: str, progress=None, **limits) -> tuple[dict, list[str]]:
    """parse_bounded, also returning the document's text lines from the same reading (one OCR pass when scanned)."""
    from healthaction.documents.sandbox import read_bounded as bounded

    return bounded(data, filename, progress, **limits)


__all__ = ["DocumentError", "parse_bounded", "parse_document", "read_bounded"]
