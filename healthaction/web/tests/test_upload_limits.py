"""Hostile uploads through every door (core/limits.py): each is refused before a reader lays it out, the job fails
with the reason in Chinese, and nothing is saved. The jobs run in place here; test_serve_bombs runs the same files
through the real server and worker."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler

from healthaction.api.tokens import issue
from healthaction.core.models import Job
from healthaction.core.tests import bombs
from healthaction.inspections.models import Round
from healthaction.plans.models import Plan
from healthaction.plans.tests.drafts import make_draft

XFD = (
    "“{name}”的工作表“Sheet”用到单元格 XFD1048576（1048576 行 × 16384 列），超过读取上限"
    "（最多 101000 行、256 列、2000000 个单元格）。请删除数据以外的单元格后重新上传。"
)


@pytest.fixture(autouse=True)
def in_place(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.LANGUAGE_CODE = "zh-hans"


@pytest.fixture(scope="module")
def xfd():
    return bombs.workbook_with_cell("XFD1048576")


def _failed(response) -> str:
    assert response.status_code == 302 and response["Location"].startswith("/jobs/"), response.status_code
    job = Job.objects.get(pk=int(response["Location"].split("/")[2]))
    assert job.status == Job.FAILED, (job.status, job.message)
    return job.message


def test_the_review_workbook_door(login, demo, xfd):
    draft = make_draft()
    office = login("office")
    response = office.post(f"/plans/{draft.pk}/review/workbook/", {"workbook": SimpleUploadedFile("审核.xlsx", xfd)})
    assert _failed(response) == XFD.format(name="审核工作簿")
    response = office.post(
        f"/plans/{draft.pk}/review/workbook/",
        {"workbook": SimpleUploadedFile("审核.xlsx", bombs.workbook_with_cell("Z1000000"))},
    )
    assert "用到单元格 Z1000000（1000000 行 × 26 列）" in _failed(response)


def test_the_values_workbook_door(login, demo, xfd):
    response = login("liaison").post("/report/excel/", {"file": SimpleUploadedFile("报送.xlsx", xfd)})
    assert _failed(response) == XFD.format(name="报送.xlsx")
    response = login("liaison").post(
        "/report/excel/", {"file": SimpleUploadedFile("报送.xlsx", bombs.zip_bomb_workbook())}
    )
    assert "疑似压缩炸弹" in _failed(response)


def test_the_inspection_results_door(login, demo, xfd):
    rnd = Round.objects.filter(plan=demo["plan"], inspectors__username="inspector").first()
    response = login("inspector").post(f"/inspections/rounds/{rnd.pk}/", {"file": SimpleUploadedFile("结果.xlsx", xfd)})
    assert _failed(response) == XFD.format(name="结果.xlsx")


def test_the_plan_document_door(login, demo):
    office = login("office")
    before = Plan.objects.count()
    response = office.post("/plans/import/", {"document": SimpleUploadedFile("方案.docx", bombs.docx_bomb())})
    assert "疑似压缩炸弹" in _failed(response)
    response = office.post("/plans/import/", {"document": SimpleUploadedFile("方案.pdf", bombs.pdf_bomb())})
    assert _failed(response) == "PDF“方案.pdf”含有解压后超过 128 MB 的压缩内容，疑似解压炸弹，已拒绝。"
    assert Plan.objects.count() == before


def test_the_api_bulk_door_reads_no_more_than_its_limit(client, demo):
    key = issue(get_user_model().objects.get(username="liaison"))[1]
    body = b"indicator_id,org_unit,year,value\n" + b"1,990100,2026,1\n" * (51 * 1024 * 1024 // 16)
    response = client.post("/api/values/bulk/", body, content_type="text/csv", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 400
    assert response.json()["detail"] == "“请求正文”有 51 MB，超过 50 MB 的上限。"


def test_an_oversized_upload_is_not_stored_while_it_streams_in(login, demo, monkeypatch):
    stored = []
    original = TemporaryFileUploadHandler.receive_data_chunk

    def spy(self, raw_data, start):
        stored.append(len(raw_data))
        return original(self, raw_data, start)

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", spy)
    big = SimpleUploadedFile("大.xlsx", b"PK\x03\x04" + b"\0" * (31 * 1024 * 1024))
    response = login("liaison").post("/report/excel/", {"file": big})
    assert response.status_code == 200 and not Job.objects.filter(kind="values-excel").exists()
    assert "“大.xlsx”有 31 MB，超过 30 MB 的上限。" in response.content.decode()
    assert sum(stored) <= 30 * 1024 * 1024  # the rest was thrown away as it arrived
