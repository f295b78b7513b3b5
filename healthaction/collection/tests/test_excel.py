"""The Excel round trip: a real template, filled in with openpyxl, uploaded back."""

import io

import openpyxl
import pytest

from healthaction.collection import excel
from healthaction.collection.models import DueItem, IndicatorValue, Revision, TaskReport
from healthaction.registry.models import Department


@pytest.fixture
def template(login, demo):
    """Download the health commission's template as the liaison; return (client, workbook)."""
    client = login("liaison")
    department = Department.objects.get(name="市卫生健康委")
    response = client.get(f"/report/excel/template/?plan={demo['plan'].pk}&department={department.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return client, openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def _rows_2026(ws):
    return [r for r in range(2, ws.max_row + 1) if ws.cell(r, 7).value == 2026]


def _upload(client, wb, name="filled.xlsx"):
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    return client.post("/report/excel/", {"file": buf})


def test_the_template_lists_what_the_department_owes_with_locks_and_drop_downs(template):
    _, wb = template
    ws = wb[excel.VALUE_SHEET]
    assert [c.value for c in ws[1]] == excel.VALUE_HEADERS
    items = DueItem.objects.filter(
        department__name="市卫生健康委", kind="indicator_value", obsolete=False, history=False
    )
    assert ws.max_row - 1 == items.count()
    literacy_rows = [r for r in range(2, ws.max_row + 1) if ws.cell(r, 3).value == "居民健康素养水平"]
    row = literacy_rows[0]
    assert ws.cell(row, 4).value == "%" and ws.cell(row, 5).value == "2022年≥22；2030年≥30"
    assert ws.protection.sheet is True
    assert ws.cell(row, 3).protection.locked is True and ws.cell(row, 9).protection.locked is False
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert lists and "实现" in lists[0].formula1
    tasks = wb[excel.TASK_SHEET]
    assert (
        tasks.max_row - 1
        == DueItem.objects.filter(
            department__name="市卫生健康委", kind="task_progress", obsolete=False, history=False
        ).count()
    )


def test_a_filled_template_uploads_and_the_values_appear(template):
    client, wb = template
    ws = wb[excel.VALUE_SHEET]
    rows = [r for r in _rows_2026(ws) if ws.cell(r, 4).value == "%"][:5]
    for k, r in enumerate(rows):
        ws.cell(r, 9).value = 50 + k
        ws.cell(r, 13).value = "2026年监测"
    tasks = wb[excel.TASK_SHEET]
    task_row = next(r for r in range(2, tasks.max_row + 1) if tasks.cell(r, 5).value == "2026年上半年")
    tasks.cell(task_row, 7).value = "推进中"
    tasks.cell(task_row, 8).value = "已完成半年度工作部署。"
    response = _upload(client, wb)
    assert response.status_code == 200
    result = response.context["result"]
    assert (result.errors, result.saved) == ([], 6)
    for k, r in enumerate(rows):
        item = DueItem.objects.get(pk=ws.cell(r, 1).value)
        value = IndicatorValue.objects.get(indicator=item.indicator, org_unit=item.org_unit, year=2026)
        assert (value.value, value.status, value.source) == (50 + k, "submitted", "2026年监测")
        assert item.status == "submitted" and item.received_at is not None
    task_item = DueItem.objects.get(pk=tasks.cell(task_row, 1).value)
    report = TaskReport.objects.get(task=task_item.task, department=task_item.department, year=2026, half=1)
    assert (report.progress, report.text) == ("in_progress", "已完成半年度工作部署。")

    # the same file again changes nothing: no new version, no new revision
    revisions = Revision.objects.count()
    versions = list(IndicatorValue.objects.filter(year=2026).values_list("version", flat=True))
    response = _upload(client, wb)
    assert Revision.objects.count() == revisions
    assert list(IndicatorValue.objects.filter(year=2026).values_list("version", flat=True)) == versions


def test_one_bad_row_imports_nothing_and_is_reported_with_a_comment(template):
    client, wb = template
    ws = wb[excel.VALUE_SHEET]
    rows = [r for r in _rows_2026(ws) if ws.cell(r, 4).value == "%"][:3]
    for r in rows:
        ws.cell(r, 9).value = 40
        ws.cell(r, 13).value = "监测"
    bad = rows[1]
    ws.cell(bad, 9).value = 140  # a percentage above 100
    before = (IndicatorValue.objects.count(), Revision.objects.count())
    response = _upload(client, wb)
    html = response.content.decode()
    assert (IndicatorValue.objects.count(), Revision.objects.count()) == before
    assert f"{bad}" in html and "140" in html
    token = response.context["result"].token
    returned = client.get(f"/report/excel/returned/{token}/")
    annotated = openpyxl.load_workbook(io.BytesIO(b"".join(returned.streaming_content)))
    comment = annotated[excel.VALUE_SHEET].cell(bad, 9).comment
    assert comment is not None and "140" in comment.text
    assert annotated[excel.VALUE_SHEET].cell(rows[0], 9).comment is None


def test_rows_outside_the_users_scope_are_refused(login, demo):
    office = login("office")
    department = Department.objects.get(name="市教育局")
    wb = openpyxl.load_workbook(
        io.BytesIO(office.get(f"/report/excel/template/?plan={demo['plan'].pk}&department={department.pk}").getvalue())
    )
    ws = wb[excel.VALUE_SHEET]
    r = _rows_2026(ws)[0]
    ws.cell(r, 9).value = 10
    ws.cell(r, 13).value = "x"
    client = login("liaison")
    before = IndicatorValue.objects.count()
    response = _upload(client, wb)
    assert IndicatorValue.objects.count() == before
    assert "编号" in response.content.decode()


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"not a workbook at all", "不是"),
        (b"PK\x03\x04broken zip", "不是"),
    ],
)
def test_malformed_uploads_are_clear_errors(login, demo, payload, message):
    client = login("liaison")
    buf = io.BytesIO(payload)
    buf.name = "x.xlsx"
    before = IndicatorValue.objects.count()
    response = client.post("/report/excel/", {"file": buf})
    assert response.status_code == 200 and message in response.content.decode()
    assert IndicatorValue.objects.count() == before
