"""Every Word document the tests build, in the copies an office may receive it as (issue 27): the .docx itself,
its PDF (LibreOffice), its LibreOffice text export (one cell per line) and Word's plain-text shape (tab-separated
rows, merged cells left empty), and each of its tables pasted into a workbook (.xlsx, and .ods by LibreOffice) with
its merged cells kept. test_copies.py parses them and compares the plans field by field.

`python -m healthaction.documents.tests.copies` prints every difference.
"""

import inspect
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.oxml.ns import qn
from openpyxl import Workbook

from healthaction.documents import parse_document
from healthaction.documents.tests import builders, builders_blind, builders_unseen


def word_documents() -> dict[str, bytes]:
    """Every builder function of the three builder modules that takes no argument and returns .docx bytes."""
    found = {}
    for module in (builders, builders_blind, builders_unseen):
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or not name.endswith("_docx"):
                continue
            if any(p.default is inspect.Parameter.empty for p in inspect.signature(function).parameters.values()):
                continue
            data = function()
            if isinstance(data, bytes) and data[:2] == b"PK":
                found[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = data
    return found


def _tc_text(tc) -> str:
    """A cell's text, its paragraphs joined by a space (Word writes a cell's paragraphs on one line of the row)."""
    return " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.findall(qn("w:p"))).strip()


def _cell_texts(row) -> list[str]:
    """A table row as Word's plain text writes it: each cell once, a cell merged across (gridSpan) followed by empty
    positions, a cell merged down (vMerge continued) empty."""
    out = []
    for tc in row._tr.findall(qn("w:tc")):
        props = tc.find(qn("w:tcPr"))
        span, continued = 1, False
        if props is not None:
            grid = props.find(qn("w:gridSpan"))
            span = int(grid.get(qn("w:val"))) if grid is not None else 1
            merge = props.find(qn("w:vMerge"))
            continued = merge is not None and merge.get(qn("w:val")) in (None, "continue")
        text = "" if continued else _tc_text(tc)
        out.extend([text] + [""] * (span - 1))
    return out


def _blocks(document):
    """Paragraphs and tables of the body in reading order."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield "p", "".join(t.text or "" for t in child.iter(qn("w:t")))
        elif child.tag == qn("w:tbl"):
            yield "t", docx.table.Table(child, document._body)


def word_plain_text(data: bytes) -> bytes:
    """Word's "plain text" of a .docx: one line per paragraph, one tab-separated line per table row."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for kind, block in _blocks(document):
        if kind == "p":
            lines.append(block)
        else:
            lines.extend("\t".join(_cell_texts(row)) for row in block.rows)
    return "\r\n".join(lines).encode("utf-8")


def table_grids(data: bytes) -> list[tuple[list[list[str]], list[tuple[int, int, int, int]]]]:
    """Each table of a .docx as its rows of texts and its merged ranges (first row, first column, last row, last
    column; 0-based), for pasting into a workbook."""
    document = docx.Document(io.BytesIO(data))
    result = []
    for kind, table in _blocks(document):
        if kind != "t":
            continue
        rows: list[list[str]] = []
        origins: list[list[tuple[int, int]]] = []
        for r, row in enumerate(table.rows):
            texts, origin = [], []
            for tc in row._tr.findall(qn("w:tc")):
                props = tc.find(qn("w:tcPr"))
                span, continued = 1, False
                if props is not None:
                    grid = props.find(qn("w:gridSpan"))
                    span = int(grid.get(qn("w:val"))) if grid is not None else 1
                    merge = props.find(qn("w:vMerge"))
                    continued = merge is not None and merge.get(qn("w:val")) in (None, "continue")
                text = _tc_text(tc)
                c = len(texts)
                top = origins[r - 1][c] if continued and r > 0 and c < len(origins[r - 1]) else (r, c)
                texts.extend([text] + [""] * (span - 1))
                origin.extend([top] * span)
            rows.append(texts)
            origins.append(origin)
        width = max(len(r) for r in rows)
        merges: dict[tuple[int, int], list[int]] = {}
        for r, origin in enumerate(origins):
            for c, top in enumerate(origin):
                box = merges.setdefault(top, [top[0], top[1], r, c])
                box[2], box[3] = max(box[2], r), max(box[3], c)
        ranges = [tuple(b) for b in merges.values() if (b[0], b[1]) != (b[2], b[3])]
        result.append(([r + [""] * (width - len(r)) for r in rows], ranges))
    return result


def xlsx_of(rows: list[list[str]], ranges: list[tuple[int, int, int, int]]) -> bytes:
    """A workbook with the table pasted at A1, its merged ranges merged (the covered cells left empty)."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = "表1"
    covered = {(r, c) for r0, c0, r1, c1 in ranges for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)} - {
        (r0, c0) for r0, c0, _, _ in ranges
    }
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text and (r, c) not in covered:
                sheet.cell(row=r + 1, column=c + 1, value=text)
    for r0, c0, r1, c1 in ranges:
        sheet.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def convert_all(files: dict[str, bytes], source_ext: str, target: str) -> dict[str, bytes]:
    """Convert many files with one LibreOffice run (one start-up for all); missing outputs are left out."""
    exe = builders.soffice()
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for k, (name, data) in enumerate(files.items()):
            path = Path(tmp) / f"f{k}.{source_ext}"
            path.write_bytes(data)
            names[name] = path
        out = Path(tmp) / "out"
        subprocess.run(
            [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", target]
            + ["--outdir", str(out)]
            + [str(p) for p in names.values()],
            capture_output=True,
            timeout=900,
            check=True,
        )
        ext = target.split(":")[0]
        return {
            name: (out / f"{path.stem}.{ext}").read_bytes()
            for name, path in names.items()
            if (out / f"{path.stem}.{ext}").is_file()
        }


def plan_summary(draft: dict) -> dict:
    """The fields compared between copies: actions, indicators with baseline, targets and nature, tasks with lead and
    co-responsible departments."""
    return {
        "actions": sorted((a["number"], a["name"]) for a in draft["actions"]),
        "indicators": sorted(
            (
                i["name"],
                None if i["baseline"] is None else (i["baseline"]["value"], i["baseline"].get("year")),
                tuple(sorted((t["year"], t["kind"], t["comparator"], t["value"]) for t in i["targets"])),
                i["nature"],
            )
            for i in draft["indicators"]
        ),
        "tasks": sorted(
            (t["content"].rstrip("。；; "), tuple(t["lead_departments"]), tuple(t["co_departments"]))
            for t in draft["tasks"]
        ),
    }


def differences(first: dict, second: dict) -> list[str]:
    out = []
    for field in ("actions", "indicators", "tasks"):
        a, b = first[field], second[field]
        out += [f"{field} only in the Word reading: {x}" for x in a if x not in b]
        out += [f"{field} only in the copy: {x}" for x in b if x not in a]
    return out


def text_exports(documents: dict[str, bytes]) -> dict[str, bytes]:
    return convert_all(documents, "docx", "txt:Text (encoded):UTF8")


def main() -> None:  # pragma: no cover - a report for people
    documents = word_documents()
    have = shutil.which("soffice") or shutil.which("libreoffice")
    pdfs = convert_all(documents, "docx", "pdf") if have else {}
    texts = text_exports(documents) if have else {}
    for name, data in documents.items():
        base = plan_summary(parse_document(data, "plan.docx"))
        copies = {"word text": (word_plain_text(data), "plan.txt")}
        if name in pdfs:
            copies["pdf"] = (pdfs[name], "plan.pdf")
        if name in texts:
            copies["libreoffice text"] = (texts[name], "plan.txt")
        for copy, (payload, filename) in copies.items():
            found = differences(base, plan_summary(parse_document(payload, filename)))
            print(f"{name} / {copy}: {len(found)} differences")
            for line in found[:12]:
                print("   ", line)


if __name__ == "__main__":  # pragma: no cover
    main()
