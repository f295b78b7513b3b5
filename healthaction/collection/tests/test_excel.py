"""The Excel round trip: a real template, filled in with openpyxl, uploaded back. The upload is a background job
(collection/tasks.py): run in place here (the Immediate backend), queued for a worker in the last test."""

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.db.models import Q
from django_tasks_db.management.commands import db_worker

from healthaction.collection import excel
from healthaction.collection import tasks as collection_tasks
from healthaction.collection.models import DueItem, IndicatorValue, Revision, TaskReport
from healthaction.core import jobs
from healthaction.core.models import Job
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
    """Post the workbook; the view answers with a redirect to the upload's job page, which is followed."""
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = name
    response = client.post("/report/excel/", {"file": buf}, follow=True)
    job = Job.objects.filter(kind="values-excel").latest("pk")
    assert response.redirect_chain == [(f"/jobs/{job.pk}/", 302)]
    return response, job


def test_the_template_lists_what_the_department_owes_with_locks_and_drop_downs(template):
    _, wb = template
    ws = wb[excel.VALUE_SHEET]
    assert [c.value for c in ws[1]] == excel.VALUE_HEADERS
    # the periods open now (issue 24: not every year to 2030): a year's value from that year on
    today = dt.date.today()
    items = DueItem.objects.filter(
        department__name="市卫生健康委", kind="indicator_value", obsolete=False, history=False, year__lte=today.year
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
        == DueItem.objects.filter(department__name="市卫生健康委", kind="task_progress", obsolete=False, history=False)
        .filter(Q(year__lt=today.year) | Q(year=today.year, half__lte=1 if today.month <= 6 else 2))
        .count()
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
    # rows the template comes filled with (the demo's submitted and approved reports), sent back as they were,
    # count as unchanged: counted here in the file itself
    changed_values, changed_tasks = set(rows), {task_row}

    def filled(sheet, r, columns):
        return any(sheet.cell(r, c).value not in (None, "") for c in columns)

    # a value row is filled when any of 数值…备注 (columns 9–14) is, a task row when 进展 or 情况 (7–8) is
    prefilled = sum(1 for r in range(2, ws.max_row + 1) if r not in changed_values and filled(ws, r, range(9, 15)))
    prefilled += sum(1 for r in range(2, tasks.max_row + 1) if r not in changed_tasks and filled(tasks, r, (7, 8)))
    assert prefilled > 0
    response, job = _upload(client, wb)
    assert response.status_code == 200
    # five values and one task report
    assert (job.status, job.result["errors"], job.result["saved"]) == ("done", [], 6)
    assert f"已报送 6 行，{prefilled} 行未变化。" in response.content.decode()
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
    response, job = _upload(client, wb)
    assert (job.result["saved"], job.result["unchanged"]) == (0, prefilled + 6)
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
    before = (IndicatorValue.objects.count(), Revision.objects.count(), TaskReport.objects.count())
    response, job = _upload(client, wb)
    html = response.content.decode()
    assert (IndicatorValue.objects.count(), Revision.objects.count(), TaskReport.objects.count()) == before
    assert job.status == "done" and job.result["saved"] == 0
    assert [(e["sheet"], e["row"], e["column"]) for e in job.result["errors"]] == [(excel.VALUE_SHEET, bad, 9)]
    assert "未保存任何数据" in html and f"第 {bad} 行" in html and "140" in html
    assert 'id="job-errors"' in html and "hx-trigger" not in html
    returned = client.get(f"/jobs/{job.pk}/file/")
    annotated = openpyxl.load_workbook(io.BytesIO(b"".join(returned.streaming_content)))
    comment = annotated[excel.VALUE_SHEET].cell(bad, 9).comment
    assert comment is not None and "140" in comment.text
    assert annotated[excel.VALUE_SHEET].cell(rows[0], 9).comment is None


def test_the_job_page_lists_the_first_errors_and_counts_the_rest(template, monkeypatch):
    monkeypatch.setattr(collection_tasks, "SHOWN", 2)
    client, wb = template
    ws = wb[excel.VALUE_SHEET]
    rows = [r for r in _rows_2026(ws) if ws.cell(r, 4).value == "%"][:3]
    for r in rows:
        ws.cell(r, 9).value = 140  # three percentages above 100: three errors
        ws.cell(r, 13).value = "监测"
    response, job = _upload(client, wb)
    assert [e["row"] for e in job.result["errors"]] == rows[:2] and job.result["more_errors"] == 1
    assert job.message == "发现 3 处问题，未保存任何数据。"
    annotated = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(f"/jobs/{job.pk}/file/").streaming_content)))
    assert all(annotated[excel.VALUE_SHEET].cell(r, 9).comment is not None for r in rows)  # the file has all three


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
    response, job = _upload(client, wb)
    assert IndicatorValue.objects.count() == before
    # the education bureau's rows are refused to the health commission's liaison, by their 编号, the filled one too
    assert all("不是您可以报送的事项（编号" in e["message"] for e in job.result["errors"])
    assert (excel.VALUE_SHEET, r, 1) in [(e["sheet"], e["row"], e["column"]) for e in job.result["errors"]]
    assert f"第 {r} 行不是您可以报送的事项（编号 {ws.cell(r, 1).value}）" in response.content.decode()


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
    response = client.post("/report/excel/", {"file": buf}, follow=True)
    assert response.status_code == 200 and message in response.content.decode()
    assert IndicatorValue.objects.count() == before


def test_the_request_returns_before_the_file_is_read_and_a_worker_then_saves_it(
    template, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """On the real queue (django-tasks-db) the request only stores the file and queues the job; a worker run saves."""
    settings.TASKS = jobs.DATABASE
    client, wb = template
    ws = wb[excel.VALUE_SHEET]
    row = next(r for r in _rows_2026(ws) if ws.cell(r, 4).value == "%")
    ws.cell(row, 9).value = 61.5
    ws.cell(row, 13).value = "抽样调查"
    item = DueItem.objects.get(pk=ws.cell(row, 1).value)
    stored = IndicatorValue.objects.filter(indicator=item.indicator, org_unit=item.org_unit, year=2026)
    assert not stored.exists()
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    buf.name = "queued.xlsx"
    with django_capture_on_commit_callbacks(execute=True):  # the enqueue waits for the request's commit
        response = client.post("/report/excel/", {"file": buf})
    job = Job.objects.get(kind="values-excel")
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    # queued, not run: nothing saved yet, the file waits in storage, the page polls
    assert (job.status, job.progress, job.task_id != "") == ("queued", 0, True)
    assert not stored.exists() and default_storage.exists(job.params["path"])
    assert set(job.params) == {"path", "name"} and job.params["name"] == "queued.xlsx"
    assert 'hx-trigger="every 1s"' in client.get(f"/jobs/{job.pk}/").content.decode()

    # one pass of django-tasks-db's worker loop in this process (its connection check would close the test's
    # transaction, so it is left out); `healthaction worker` runs the same loop
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    db_worker.Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    job.refresh_from_db()
    assert (job.status, job.progress, job.attempts, job.result["saved"]) == ("done", 100, 1, 1)
    value = stored.get()
    assert (value.value, value.status, value.source) == (61.5, "submitted", "抽样调查")
    assert not default_storage.exists(job.params["path"])  # the staged upload is removed once read
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "已报送 1 行" in html and "hx-trigger" not in html
