"""One reading for every copy of a document (issue 27): each Word document the tests build, as .docx, as its PDF
(LibreOffice), as LibreOffice's text export and in Word's plain-text shape, gives the same plan field by field; each
of its tables pasted into a workbook (.xlsx with its merges, and that workbook as .ods) reads the same rows.

The copies are made by tests/copies.py, the PDFs, text exports and .ods files in one LibreOffice run each; without
LibreOffice those tests are skipped with the reason (the Word plain-text copy and the .xlsx are always checked).
"""

import io

import docx
import pytest

from healthaction.documents import parse_document
from healthaction.documents.readers import read_document
from healthaction.documents.tests import copies

DOCUMENTS = copies.word_documents()
NAMES = sorted(DOCUMENTS)


def _tables(data: bytes, filename: str) -> list:
    return [block for block in read_document(data, filename).document.blocks if hasattr(block, "rows")]


@pytest.fixture(scope="module")
def office_copies() -> dict[str, dict[str, bytes]]:
    """The PDF and the LibreOffice text export of every document, by document name."""
    return {
        "pdf": copies.convert_all(DOCUMENTS, "docx", "pdf"),
        "libreoffice text": copies.text_exports(DOCUMENTS),
    }


@pytest.fixture(scope="module")
def workbooks() -> dict[str, bytes]:
    """Every table of every document pasted into its own .xlsx, by `document#table`."""
    found = {}
    for name, data in DOCUMENTS.items():
        for k, (rows, ranges) in enumerate(copies.table_grids(data)):
            found[f"{name}#{k}"] = copies.xlsx_of(rows, ranges)
    return found


def test_every_builder_of_a_word_document_is_covered():
    # the three builder modules' Word documents, counted by hand: 5 in builders.py, 5 in builders_blind.py and 9 in
    # builders_unseen.py
    assert len(NAMES) == 19
    assert "builders.national_docx" in NAMES and "builders_unseen.annual_plan_docx" in NAMES


def test_word_plain_text_leaves_merged_positions_empty():
    document = docx.Document()
    document.add_paragraph("标题")
    table = document.add_table(rows=3, cols=3)
    for r, texts in enumerate([["序号", "目标值", ""], ["1", "实现", ""], ["", "甲", "乙"]]):
        for c, text in enumerate(texts):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 2))  # across
    table.cell(1, 0).merge(table.cell(2, 0))  # down
    buf = io.BytesIO()
    document.save(buf)
    text = copies.word_plain_text(buf.getvalue()).decode("utf-8").split("\r\n")
    # 目标值 is written once and the position it covers left empty; 1 is written once and the row below left empty
    assert text == ["标题", "序号\t目标值\t", "1\t实现\t", "\t甲\t乙"]
    rows, ranges = copies.table_grids(buf.getvalue())[0]
    assert rows == [["序号", "目标值", ""], ["1", "实现", ""], ["", "甲", "乙"]]
    assert sorted(ranges) == [(0, 1, 0, 2), (1, 0, 2, 0)]


def test_a_word_document_and_its_plain_text_copy_read_the_same_national_table():
    # anchor with values read from the source table (builders.TABLE_A_ROWS): the copy gives them, not just "the same"
    draft = parse_document(copies.word_plain_text(DOCUMENTS["builders.national_docx"]), "plan.txt")
    infant = next(i for i in draft["indicators"] if i["name"] == "婴儿死亡率")
    assert (infant["baseline"]["value"], infant["baseline"]["year"]) == (6.8, 2017)
    assert [(t["year"], t["comparator"], t["value"]) for t in infant["targets"]] == [
        (2022, "<=", 7.5),
        (2030, "<=", 5.0),
    ]
    library = next(i for i in draft["indicators"] if i["name"] == "建立并完善健康科普专家库和资源库")
    assert [(t["year"], t["kind"]) for t in library["targets"]] == [(2022, "qualitative"), (2030, "qualitative")]


@pytest.mark.parametrize("name", NAMES)
def test_word_plain_text_reads_the_same_plan(name):
    data = DOCUMENTS[name]
    word = copies.plan_summary(parse_document(data, "plan.docx"))
    assert word["indicators"] or word["tasks"]
    copy = copies.plan_summary(parse_document(copies.word_plain_text(data), "plan.txt"))
    assert copies.differences(word, copy) == []


@pytest.mark.parametrize("copy", ["pdf", "libreoffice text"])
@pytest.mark.parametrize("name", NAMES)
def test_pdf_and_libreoffice_text_read_the_same_plan(office_copies, name, copy):
    data = DOCUMENTS[name]
    word = copies.plan_summary(parse_document(data, "plan.docx"))
    payload = office_copies[copy].get(name)
    assert payload, f"LibreOffice made no {copy} of {name}"
    read = copies.plan_summary(parse_document(payload, "plan.pdf" if copy == "pdf" else "plan.txt"))
    assert copies.differences(word, read) == []


@pytest.mark.parametrize("name", NAMES)
def test_each_table_pasted_into_xlsx_reads_the_same_rows(workbooks, name):
    word_tables = _tables(DOCUMENTS[name], "plan.docx")
    for k, table in enumerate(word_tables):
        sheet = _tables(workbooks[f"{name}#{k}"], "table.xlsx")
        assert len(sheet) == 1
        assert sheet[0].rows == table.rows


def test_each_table_as_ods_reads_the_same_rows_and_merges(workbooks):
    ods = copies.convert_all(workbooks, "xlsx", "ods")
    assert sorted(ods) == sorted(workbooks)
    for key, xlsx in workbooks.items():
        expected = _tables(xlsx, "table.xlsx")[0]
        found = _tables(ods[key], "table.ods")
        assert len(found) == 1, key
        assert (found[0].rows, found[0].origin) == (expected.rows, expected.origin), key
