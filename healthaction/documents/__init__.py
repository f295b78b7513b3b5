"""Policy text → plan draft. Pure Python: importable and testable without Django.

One entry: `parse_document(data, filename)` returns a plan draft as a dict in
the plan interchange format (docs/plan-format.md), with every item carrying
its source lines and text, and the warnings for what could not be placed.
"""

from healthaction.documents.errors import DocumentError


def parse_document(data: bytes, filename: str) -> dict:
    """Return the plan draft read from a .txt, .docx or .pdf document's bytes."""
    from healthaction.documents.pipeline import parse_bytes

    return parse_bytes(data, filename)


__all__ = ["DocumentError", "parse_document"]
