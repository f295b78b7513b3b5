"""The document model every reader produces: blocks in reading order, each a paragraph or a table.

A table is a resolved grid: every position holds the text of the cell that covers it, so a cell merged
over two target years or down five 领域 rows reads the same at each position it spans; `origin` tells
which positions belong to one merged cell, and a row whose positions all share one cell is full-width.
`Document.lines()` renders the blocks as the text stream the line-based extractors and the review page
read (a table row becomes one tab-separated line, each merged cell written once), and records on each
block the index of its first line so items can cite their source lines.
"""

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    page: int | None = None
    line: int = 0  # index of its first line in Document.lines()


@dataclass
class Table:
    rows: list[list[str]]
    origin: list[list[tuple[int, int]]] = field(default_factory=list)
    page: int | None = None
    line: int = 0
    row_lines: list[int] = field(default_factory=list)  # line index of each row in Document.lines()
    row_ends: list[int] = field(default_factory=list)  # a text table's last line of each row (a row may span lines)
    source: str = ""  # how it was read: docx, pdf, tabs, cells, ocr
    realigned: set[int] = field(default_factory=set)  # rows of a text copy put back in their columns by meaning

    def __post_init__(self) -> None:
        width = max((len(r) for r in self.rows), default=0)
        self.rows = [list(r) + [""] * (width - len(r)) for r in self.rows]
        if not self.origin:
            self.origin = [[(r, c) for c in range(width)] for r in range(len(self.rows))]

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def full_width(self, r: int) -> bool:
        """True when one cell spans the whole row, or only one distinct text fills it (a group or action row)."""
        row = self.rows[r]
        if self.width <= 1:
            return False
        if len(set(self.origin[r])) == 1:
            return True
        filled = [t.strip() for t in row if t.strip()]
        # a text-only source (tabs, OCR) has no merge information: one lone cell in a wide row is full-width too
        return len(set(filled)) == 1 and (len(filled) == self.width or (len(filled) == 1 and self.width > 2))

    def merged_across(self, r: int, c1: int, c2: int) -> bool:
        return self.origin[r][c1] == self.origin[r][c2]

    def merged_down(self, r: int, c: int) -> bool:
        return r > 0 and self.origin[r][c] == self.origin[r - 1][c]

    def row_text(self, r: int) -> str:
        """The row as one tab-separated line, each merged cell written once (at its top-left position)."""
        cells = []
        for c, text in enumerate(self.rows[r]):
            cells.append(text if self.origin[r][c] == (r, c) else "")
        return "\t".join(t.replace("\n", " ").replace("\t", " ") for t in cells).rstrip("\t") or "\t"


@dataclass
class Document:
    blocks: list = field(default_factory=list)
    kind: str = ""  # txt, docx, pdf, ocr
    pages: int = 0
    _lines: list[str] | None = None

    def lines(self) -> list[str]:
        if self._lines is not None:
            return self._lines
        out: list[str] = []
        for block in self.blocks:
            block.line = len(out)
            if isinstance(block, Paragraph):
                out.extend(block.text.split("\n"))
            else:
                block.row_lines = []
                for r in range(len(block.rows)):
                    block.row_lines.append(len(out))
                    out.append(block.row_text(r))
                out.append("")
        self._lines = out
        return out

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


def grid_from_spans(cells: list[tuple[int, int, int, int, str]], n_rows: int, n_cols: int) -> Table:
    """Return a resolved Table from (row, col, row_span, col_span, text) cells; uncovered positions stay empty."""
    rows = [[""] * n_cols for _ in range(n_rows)]
    origin = [[(r, c) for c in range(n_cols)] for r in range(n_rows)]
    for r0, c0, rs, cs, text in cells:
        for r in range(r0, min(r0 + rs, n_rows)):
            for c in range(c0, min(c0 + cs, n_cols)):
                rows[r][c] = text
                origin[r][c] = (r0, c0)
    return Table(rows=rows, origin=origin)
