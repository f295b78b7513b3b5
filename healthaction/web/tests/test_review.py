"""Import a plan document, review it beside its source, correct it, publish it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from healthaction.collection.models import DueItem
from healthaction.documents.tests.seeds import SEEDS
from healthaction.plans.models import Plan

pytestmark = pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the seed documents are not at {SEEDS}")


@pytest.fixture
def imported(login, demo, settings):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue (core/tests/test_worker.py runs real workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("office")
    path = next(SEEDS.glob("004_*.txt"))
    response = client.post("/plans/import/", {"document": SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/plain")})
    assert response.status_code == 302
    job = client.get(response["Location"] + "?format=json").json()
    assert job["status"] == "done", job
    plan = Plan.objects.get(pk=int(job["url"].strip("/").split("/")[1]))
    return client, plan


def test_an_uploaded_document_becomes_a_draft_with_its_source(imported):
    client, plan = imported
    assert plan.status == "draft" and plan.org_unit.name == "云浮市"
    assert plan.indicators.count() == 34 and plan.actions.count() == 19
    html = client.get(f"/plans/{plan.pk}/review/").content.decode()
    assert 'id="L63"' in html and "居民健康素养水平（%）" in html
    literacy = plan.indicators.get(name="居民健康素养水平")
    assert f'data-lines="{literacy.source_line_start}-{literacy.source_line_end}"' in html


def test_correct_a_field_then_publish_creates_due_items(imported):
    client, plan = imported
    literacy = plan.indicators.get(name="居民健康素养水平")
    response = client.post(f"/plans/{plan.pk}/review/indicators/{literacy.pk}/", {
        "name": "居民健康素养水平", "unit": "%", "group": "outcome", "nature": "binding", "direction": "increase", "targets_text": "2022: ≥26; 2030: ≥36",
    })
    assert response.status_code == 302
    literacy.refresh_from_db()
    assert literacy.nature == "binding" and literacy.group == "outcome"
    assert [(t.year, t.comparator, t.value) for t in literacy.targets.all()] == [(2022, ">=", 26.0), (2030, ">=", 36.0)]
    bad = client.post(f"/plans/{plan.pk}/review/indicators/{literacy.pk}/", {"name": "居民健康素养水平", "unit": "furlongs", "targets_text": "2040: ≥50"})
    assert bad.status_code == 200 and "furlongs" in bad.content.decode()
    for warning in plan.parse_warnings.all():
        client.post(f"/plans/{plan.pk}/review/warnings/{warning.pk}/", {"resolved": "1"})
    response = client.post(f"/plans/{plan.pk}/publish/", {"public": "1"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "published" and plan.is_public
    assert DueItem.objects.filter(plan=plan, kind="indicator_value", indicator=literacy).exists()
    assert DueItem.objects.filter(plan=plan, kind="task_progress").count() > 0


def test_a_bad_document_fails_with_a_clear_message_and_writes_nothing(login, demo, settings):
    """Jobs run in place on django-tasks' Immediate backend: this proves the work, not the queue (core/tests/test_worker.py runs real workers)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client = login("office")
    before = Plan.objects.count()
    response = client.post("/plans/import/", {"document": SimpleUploadedFile("scan.pdf", b"%PDF-1.4 no text here", content_type="application/pdf")})
    job = client.get(response["Location"] + "?format=json").json()
    assert job["status"] == "failed" and "PDF" in job["message"]
    assert Plan.objects.count() == before
    response = client.post("/plans/import/", {"document": SimpleUploadedFile("plan.exe", b"MZ", content_type="application/octet-stream")})
    assert response.status_code == 200 and Plan.objects.count() == before


def test_only_the_office_may_import_or_review(login, demo, imported):
    _, plan = imported
    for user in ("liaison", "leader", "county"):
        client = login(user)
        assert client.get("/plans/import/").status_code == 403
        assert client.get(f"/plans/{plan.pk}/review/").status_code == 403
        assert client.post(f"/plans/{plan.pk}/publish/").status_code == 403
    plan.refresh_from_db()
    assert plan.status == "draft"
