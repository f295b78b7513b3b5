"""Every spreadsheet healthaction writes shows a text beginning with = + - @ tab or CR as text, never as a formula."""

import csv
import io

import openpyxl
import pytest

from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.core.xlsx import safe_cell, unescape_cell
from healthaction.plans.models import Indicator
from healthaction.registry.models import Department, OrgUnit

EVIL = '=HYPERLINK("http://x","y")'


def _body(response) -> bytes:
    """The bytes of a download, whether written at once or streamed from a file (FileResponse)."""
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(content: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]


def _assert_neutral(content: bytes):
    cells = _cells(content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no formula anywhere
    assert any(c.value == "'" + EVIL for c in cells), "the text is in the file, shown as text"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("正常文字", "正常文字"),
        (-5, -5),
        (3.5, 3.5),
        (None, None),
        ("", ""),
    ],
)
def test_safe_cell_follows_the_owasp_rule_and_keeps_numbers(value, expected):
    assert safe_cell(value) == expected
    assert unescape_cell(safe_cell(value)) == value


@pytest.fixture
def literacy(demo):
    return Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")


def test_the_reporting_template(login, demo, literacy):
    item = DueItem.objects.get(indicator=literacy, org_unit__code="990100", year=2026)
    IndicatorValue.objects.create(
        indicator=literacy, org_unit=item.org_unit, year=2026, value=30, note=EVIL, status="draft"
    )
    client = login("liaison")
    department = Department.objects.get(name="市卫生健康委")
    response = client.get(f"/report/excel/template/?plan={demo['plan'].pk}&department={department.pk}")
    _assert_neutral(_body(response))


def test_the_reporting_template_round_trip_keeps_the_text(login, demo, literacy):
    from django.contrib.auth import get_user_model

    from healthaction.collection import excel

    client = login("liaison")
    department = Department.objects.get(name="市卫生健康委")
    wb = openpyxl.load_workbook(
        io.BytesIO(_body(client.get(f"/report/excel/template/?plan={demo['plan'].pk}&department={department.pk}")))
    )
    ws = wb[excel.VALUE_SHEET]
    row = next(
        r
        for r in range(2, ws.max_row + 1)
        if ws.cell(r, 1).value == DueItem.objects.get(indicator=literacy, org_unit__code="990100", year=2026).pk
    )
    ws.cell(row, 9).value, ws.cell(row, 13).value, ws.cell(row, 14).value = 30, "统计", "'-3 个样本点缺失"
    buf = io.BytesIO()
    wb.save(buf)
    result = excel.import_workbook(get_user_model().objects.get(username="liaison"), buf.getvalue())
    assert not result.errors, result.errors
    assert IndicatorValue.objects.get(indicator=literacy, org_unit__code="990100", year=2026).note == "-3 个样本点缺失"


def test_the_results_export(login, demo, literacy):
    Indicator.objects.filter(pk=literacy.pk).update(name=EVIL)
    _assert_neutral(_body(login("office").get(f"/reports/{demo['plan'].pk}/excel/")))


def test_the_catalogue_export(login, demo, literacy):
    from healthaction.catalogue.services import load_catalogue

    load_catalogue()
    Indicator.objects.filter(pk=literacy.pk).update(name=EVIL)
    _assert_neutral(_body(login("leader").get("/catalogue/export/")))


def test_the_checklist_and_round_exports(login, demo):
    from healthaction.inspections.models import Round, Score

    rnd = Round.objects.get(title="2025年度健康青川行动专项督导")
    rnd.checklist.items.filter(pk=rnd.checklist.items.first().pk).update(text=EVIL)
    office = login("office")
    _assert_neutral(_body(office.get(f"/inspections/checklists/{rnd.checklist.pk}/export/")))
    Score.objects.filter(pk=Score.objects.filter(visit__round=rnd).first().pk).update(note="@" + EVIL[1:], points=0)
    content = _body(office.get(f"/inspections/rounds/{rnd.pk}/export/"))
    cells = _cells(content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert any(c.value == "'" + EVIL for c in cells) and any(c.value == "'@" + EVIL[1:] for c in cells)


def test_the_county_comparison_csv(login, demo):
    OrgUnit.objects.filter(code="990121").update(name=EVIL)
    response = login("office").get(f"/plans/{demo['plan'].pk}/compare/?format=csv")
    rows = list(csv.reader(io.StringIO(_body(response).decode("utf-8-sig"))))
    assert [r[0] for r in rows if "HYPERLINK" in r[0]] == ["'" + EVIL]


def test_the_export_annexes_of_overdue_items_and_rectifications(login, demo):
    """Issue 24, finding 6: an inspector's note =HYPERLINK(…) became a live formula in 附表2 (and 附表1 wrote its cells
    raw too). Fails on main at 05c271a."""
    import datetime as dt

    from healthaction.inspections.models import Finding
    from healthaction.reports.export import OVERDUE_SHEET, RECTIFICATION_SHEET

    finding = Finding.objects.filter(visit__round__plan=demo["plan"], status="open").first()
    Finding.objects.filter(pk=finding.pk).update(text=EVIL, deadline=dt.date(2025, 1, 31))
    overdue = DueItem.objects.filter(
        plan=demo["plan"],
        history=False,
        received_at__isnull=True,
        due_date__lt=dt.date.today(),
        task__isnull=False,
        department__isnull=False,
    ).first()
    overdue.task.__class__.objects.filter(pk=overdue.task_id).update(content="+86 健康热线")
    Department.objects.filter(pk=overdue.department_id).update(name="-卫健委")
    content = _body(login("office").get(f"/reports/{demo['plan'].pk}/excel/"))
    wb = openpyxl.load_workbook(io.BytesIO(content))
    annexes = [c for name in (OVERDUE_SHEET, RECTIFICATION_SHEET) for row in wb[name].iter_rows() for c in row]
    assert [c.coordinate for c in annexes if c.data_type == "f"] == []
    texts = {c.value for c in annexes if isinstance(c.value, str)}
    assert {"'" + EVIL, "'+86 健康热线", "'-卫健委"} <= texts
    assert not {EVIL, "+86 健康热线", "-卫健委"} & texts


def test_the_sign_in_sheet(login, demo):
    from healthaction.people import services as people

    plan = demo["plan"]
    plan.title = "@SUM(A1:A9)"
    content = people.sheet_xlsx(plan, [])
    cells = _cells(content)
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    assert cells[0].value == "'@SUM(A1:A9)"


def test_no_workbook_is_saved_but_through_workbook_bytes():
    """The one writer: every .xlsx the project writes goes through core.xlsx.workbook_bytes (safe_cell on every cell)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    saving = re.compile(r"\b(?:wb|book|workbook|out_wb)\.save\(|Workbook\(.*\)\.save\(")
    found = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        if "tests" not in path.parts and path.name != "xlsx.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if saving.search(line)
    ]
    assert found == []
