"""The reporting cycle end to end through the web pages, on SQLite and PostgreSQL."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from healthaction.collection.models import DueItem, IndicatorValue, Revision, TaskReport
from healthaction.collection.services import history
from healthaction.plans.models import Indicator
from healthaction.registry.models import OrgUnit


@pytest.fixture
def open_item(demo):
    """A 2026 value the city health commission owes for health literacy (not reported yet)."""
    indicator = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    return DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)


def test_submit_return_correct_approve_keeps_every_version(login, open_item):
    liaison = login("liaison")
    url = f"/report/items/{open_item.pk}/"
    assert liaison.get(url).status_code == 200
    response = liaison.post(
        url, {"value": "26.4", "source": "2026年居民健康素养监测", "note": "", "version": "0", "action": "submit"}
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026)
    assert (value.value, value.status, value.version) == (26.4, "submitted", 1)

    office = login("office")
    response = office.post(f"{url}review/", {"action": "return", "comment": "请核对监测样本量", "version": "1"})
    assert response.status_code == 302
    value.refresh_from_db()
    assert (value.status, value.review_comment) == ("returned", "请核对监测样本量")

    liaison = login("liaison")
    page = liaison.get(url).content.decode()
    assert "请核对监测样本量" in page
    liaison.post(
        url,
        {
            "value": "27.1",
            "source": "2026年居民健康素养监测（复核）",
            "version": str(value.version),
            "action": "submit",
        },
    )
    value.refresh_from_db()
    assert (value.value, value.status) == (27.1, "submitted")

    office = login("office")
    office.post(f"{url}review/", {"action": "approve", "comment": "", "version": str(value.version)})
    value.refresh_from_db()
    assert value.status == "approved" and value.approved_by.username == "office"
    revisions = history(value)
    assert [(r.action, r.data["value"], r.user.username) for r in revisions] == [
        ("submit", 26.4, "liaison"),
        ("return", 26.4, "office"),
        ("submit", 27.1, "liaison"),
        ("approve", 27.1, "office"),
    ]
    assert revisions[1].comment == "请核对监测样本量"
    open_item.refresh_from_db()
    assert open_item.status == "approved" and open_item.received_at is not None
    page = office.get(url).content.decode()
    assert "26.4" in page and "27.1" in page  # the history on the page shows the earlier version too


def test_a_validation_error_keeps_what_was_typed(login, open_item):
    liaison = login("liaison")
    response = liaison.post(
        f"/report/items/{open_item.pk}/",
        {"value": "126", "source": "抽样调查", "note": "第二次录入的说明", "version": "0", "action": "submit"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "126" in html and "第二次录入的说明" in html
    assert "超出" in html  # the range warning, in the default language
    assert not IndicatorValue.objects.filter(
        indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026
    ).exists()


def test_binding_indicators_need_evidence(login, open_item):
    liaison = login("liaison")
    response = liaison.post(
        f"/report/items/{open_item.pk}/", {"value": "26", "source": "", "version": "0", "action": "submit"}
    )
    assert response.status_code == 200
    assert not IndicatorValue.objects.filter(
        indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026
    ).exists()
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile(
        "监测报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", content_type="application/pdf"
    )
    response = liaison.post(
        f"/report/items/{open_item.pk}/",
        {"value": "26", "source": "", "version": "0", "action": "submit", "evidence": pdf},
    )
    assert response.status_code == 302
    value = IndicatorValue.objects.get(indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026)
    evidence = value.evidence.get()
    assert evidence.original_name == "监测报告.pdf" and evidence.content_type == "application/pdf"
    assert not evidence.file.name.endswith("监测报告.pdf")  # stored under a generated name
    download = liaison.get(f"/report/evidence/{evidence.pk}/")
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert login("county").get(f"/report/evidence/{evidence.pk}/").status_code == 404


def test_a_disguised_file_is_refused(login, open_item):
    from django.core.files.uploadedfile import SimpleUploadedFile

    liaison = login("liaison")
    fake = SimpleUploadedFile("report.pdf", b"MZ\x90\x00 this is an executable", content_type="application/pdf")
    response = liaison.post(
        f"/report/items/{open_item.pk}/",
        {"value": "26", "source": "x", "version": "0", "action": "submit", "evidence": fake},
    )
    assert response.status_code == 200
    assert not IndicatorValue.objects.filter(
        indicator=open_item.indicator, year=2026, org_unit=open_item.org_unit
    ).exists()


def test_a_liaison_cannot_see_or_submit_another_departments_items(login, open_item):
    education = login("liaison_edu")
    assert education.get(f"/report/items/{open_item.pk}/").status_code == 404
    response = education.post(
        f"/report/items/{open_item.pk}/", {"value": "99", "source": "x", "version": "0", "action": "submit"}
    )
    assert response.status_code == 404
    assert education.post(f"/report/items/{open_item.pk}/autosave/", {"value": "99"}).status_code == 404
    assert not IndicatorValue.objects.filter(
        indicator=open_item.indicator, year=2026, org_unit=open_item.org_unit
    ).exists()
    inbox = (
        education.get("/report/inbox/?group=due").content.decode()
        + education.get("/report/inbox/?group=overdue").content.decode()
    )
    assert "居民健康素养水平" not in inbox


def test_a_county_sees_only_its_own_area(login, demo):
    county = login("county")
    linjiang = OrgUnit.objects.get(code="990121")
    other = DueItem.objects.filter(org_unit__code="990122", department__isnull=True).first()
    own = DueItem.objects.filter(org_unit=linjiang, department__isnull=True, year=2026, kind="indicator_value").first()
    assert county.get(f"/report/items/{other.pk}/").status_code == 404
    assert county.get(f"/report/items/{own.pk}/").status_code == 200


def test_two_people_saving_the_same_item_see_a_conflict(login, open_item):
    liaison = login("liaison")
    url = f"/report/items/{open_item.pk}/"
    liaison.post(url, {"value": "25", "source": "a", "version": "0", "action": "save"})
    office = login("office")
    office.post(url, {"value": "25.5", "source": "b", "version": "1", "action": "save"})
    liaison = login("liaison")
    response = liaison.post(url, {"value": "26", "source": "stale", "version": "1", "action": "save"})
    assert response.status_code == 409
    assert "26" in response.content.decode()  # what the user typed is still on the page
    value = IndicatorValue.objects.get(indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026)
    assert (value.value, value.source, value.version) == (25.5, "b", 2)


def test_autosave_keeps_a_draft(login, open_item):
    liaison = login("liaison")
    response = liaison.post(
        f"/report/items/{open_item.pk}/autosave/", {"value": "24.9", "note": "还在核对", "version": "0"}
    )
    assert response.status_code == 200
    value = IndicatorValue.objects.get(indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026)
    assert (value.value, value.note, value.status) == (24.9, "还在核对", "draft")
    assert Revision.objects.filter(object_id=value.pk, action="save").count() == 1


def test_task_progress_reports(login, demo):
    item = DueItem.objects.filter(
        plan=demo["plan"], kind="task_progress", department__name="市卫生健康委", year=2026, half=1
    ).first()
    liaison = login("liaison")
    response = liaison.post(
        f"/report/items/{item.pk}/",
        {
            "progress": "in_progress",
            "text": "已印发年度工作方案，开展健康科普活动12场。",
            "version": "0",
            "action": "submit",
        },
    )
    assert response.status_code == 302
    report = TaskReport.objects.get(task=item.task, department=item.department, year=2026, half=1)
    assert (report.progress, report.status) == ("in_progress", "submitted")
    empty = DueItem.objects.filter(
        plan=demo["plan"], kind="task_progress", department__name="市卫生健康委", year=2026, half=2
    ).first()
    assert (
        liaison.post(
            f"/report/items/{empty.pk}/", {"progress": "done", "text": "", "version": "0", "action": "submit"}
        ).status_code
        == 200
    )


def test_the_inbox_lists_overdue_items_in_scope(login, demo):
    """The liaison's department has everything received but three items set by hand: two past their due date
    (overdue), one due in ten days (due soon). Another department's overdue item is not theirs."""
    DueItem.objects.update(received_at=timezone.now())
    mine = DueItem.objects.filter(department__name="市卫生健康委", history=False, obsolete=False).order_by("pk")
    today = dt.date.today()
    for item, due in zip(
        mine[:3], (today - dt.timedelta(days=30), today - dt.timedelta(days=1), today + dt.timedelta(days=10))
    ):
        DueItem.objects.filter(pk=item.pk).update(received_at=None, due_date=due)
    other = DueItem.objects.exclude(department__name="市卫生健康委").filter(history=False, obsolete=False).first()
    DueItem.objects.filter(pk=other.pk).update(received_at=None, due_date=today - dt.timedelta(days=5))
    html = login("liaison").get("/report/inbox/?group=overdue").content.decode()
    badges = re.findall(r'data-group="(\w+)">\s*[^<]*<span class="badge">(\d+)</span>', html)
    assert dict(badges)["overdue"] == "2" and dict(badges)["due"] == "1"


def test_approval_announces_the_approved_series_once_after_the_commit(
    login, open_item, django_capture_on_commit_callbacks
):
    """The approval service calls the "values approved" hook: a return announces nothing, the approval announces
    the one series (plan, indicator, org unit) after its transaction commits, and a direct save of an approved
    value (no service) announces nothing: the evaluation follows approvals, not saves."""
    from healthaction.collection.signals import values_approved

    sent = []
    values_approved.connect(lambda **kw: sent.append(kw["series"]), weak=False, dispatch_uid="test-approved")
    try:
        url = f"/report/items/{open_item.pk}/"
        login("liaison").post(url, {"value": "26.4", "source": "监测", "version": "0", "action": "submit"})
        with django_capture_on_commit_callbacks(execute=True):
            login("office").post(f"{url}review/", {"action": "return", "comment": "请核对", "version": "1"})
        assert sent == []
        login("liaison").post(url, {"value": "27.1", "source": "监测", "version": "2", "action": "submit"})
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            login("office").post(f"{url}review/", {"action": "approve", "comment": "", "version": "3"})
        value = IndicatorValue.objects.get(indicator=open_item.indicator, org_unit=open_item.org_unit, year=2026)
        assert value.status == "approved"
        assert sent == [{open_item.plan_id: ({open_item.indicator_id}, {open_item.org_unit_id})}]
        assert len([c for c in callbacks if "_announce_approved" in c.__qualname__]) == 1
        with django_capture_on_commit_callbacks(execute=True):
            value.note = "备注"
            value.save()
        assert len(sent) == 1
    finally:
        values_approved.disconnect(dispatch_uid="test-approved")
