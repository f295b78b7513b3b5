"""Validation rules, due-item regeneration, completeness, reminders and the bulk API."""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from healthaction.api import views as api_views
from healthaction.api.tokens import issue
from healthaction.collection import services
from healthaction.collection.models import (
    DueItem,
    IndicatorValue,
    ReminderLog,
    TaskReport,
)
from healthaction.core.choices import DueKind, DueStatus, Role
from healthaction.plans.models import Indicator, Task, TaskDepartment
from healthaction.registry.models import Department, Membership


class FakeIndicator:
    def __init__(self, unit="%", nature="expected", numerator="", qualitative=False):
        self.unit, self.nature, self.numerator = unit, nature, numerator
        self._qualitative = qualitative

    @property
    def targets(self):
        return self

    def all(self):
        return [type("T", (), {"kind": "qualitative"})()] if self._qualitative else []


CHECKS = [
    # (indicator, data, previous, evidence, submitting, error fields, outlier)
    (FakeIndicator(), {"value": 45.0}, None, False, True, set(), False),
    (FakeIndicator(), {"value": 101.0}, None, False, True, {"value"}, False),
    (FakeIndicator(), {"value": -1.0}, None, False, True, {"value"}, False),
    (FakeIndicator(unit="‰"), {"value": 999.0}, None, False, True, set(), False),
    (FakeIndicator(unit="‰"), {"value": 1001.0}, None, False, True, {"value"}, False),
    (FakeIndicator(unit="人/千人"), {"value": 2500.0}, None, False, True, set(), False),
    (FakeIndicator(), {"value": None}, None, False, True, {"value"}, False),
    (FakeIndicator(), {"value": None}, None, False, False, set(), False),  # a draft may be empty
    (
        FakeIndicator(numerator="x"),
        {"value": None, "numerator": 120.0, "denominator": 100.0},
        None,
        False,
        True,
        {"numerator"},
        False,
    ),
    (
        FakeIndicator(numerator="x"),
        {"value": None, "numerator": 30.0, "denominator": 0.0},
        None,
        False,
        True,
        {"denominator"},
        False,
    ),
    (
        FakeIndicator(numerator="x"),
        {"value": None, "numerator": 30.0, "denominator": None},
        None,
        False,
        True,
        {"denominator"},
        False,
    ),
    (FakeIndicator(), {"value": 60.0}, 30.0, False, True, set(), True),  # doubled: flagged, not blocked
    (FakeIndicator(), {"value": 31.0}, 30.0, False, True, set(), False),
    (FakeIndicator(nature="binding"), {"value": 40.0, "source": ""}, None, False, True, {"evidence"}, False),
    (FakeIndicator(nature="binding"), {"value": 40.0, "source": "统计年鉴"}, None, False, True, set(), False),
    (FakeIndicator(nature="binding"), {"value": 40.0}, None, True, True, set(), False),
    (FakeIndicator(qualitative=True), {"qualitative": "实现"}, None, False, True, set(), False),
    (FakeIndicator(qualitative=True), {"qualitative": ""}, None, False, True, {"qualitative"}, False),
    (FakeIndicator(qualitative=True), {"qualitative": "也许"}, None, False, True, {"qualitative"}, False),
]


@pytest.mark.parametrize(("indicator", "data", "previous", "evidence", "submitting", "errors", "outlier"), CHECKS)
def test_value_checks(indicator, data, previous, evidence, submitting, errors, outlier):
    check = services.check_value(indicator, dict(data), previous=previous, has_evidence=evidence, submitting=submitting)
    assert set(check.errors) == errors
    assert check.outlier == outlier


def test_numerator_and_denominator_give_the_value():
    data = {"value": None, "numerator": 45.0, "denominator": 180.0}
    assert services.check_value(FakeIndicator(numerator="x"), data, submitting=True).ok
    assert data["value"] == 25.0


def test_due_items_follow_the_plan_and_regeneration_loses_nothing(demo):
    plan = demo["plan"]
    counties = plan.org_unit.children.count()
    years = plan.horizon_end - plan.horizon_start + 1
    literacy = Indicator.objects.get(plan=plan, name="居民健康素养水平")
    assert DueItem.objects.filter(indicator=literacy).count() == (1 + counties) * years
    city_item = DueItem.objects.get(indicator=literacy, org_unit=plan.org_unit, year=2024)
    assert city_item.department.name == "市卫生健康委" and city_item.due_date == dt.date(2025, 6, 5)
    task = Task.objects.filter(plan=plan, all_lower_units=True).first()
    halves = DueItem.objects.filter(task=task, department=task.lead_departments()[0], year=2024).order_by("half")
    assert [i.due_date for i in halves] == [dt.date(2024, 6, 15), dt.date(2024, 12, 15)]

    # the plan changes: a department leaves the task; its reported items stay (obsolete), unreported ones go.
    # Set up by hand so the test cannot pass with nothing reported: exactly its two 2024 reports exist.
    link = TaskDepartment.objects.filter(task=task, role="co").first()
    mine = DueItem.objects.filter(task=task, department=link.department)
    TaskReport.objects.filter(task=task, department=link.department).delete()
    mine.update(received_at=None, status=DueStatus.OPEN)
    for half in (1, 2):
        TaskReport.objects.create(
            task=task,
            department=link.department,
            org_unit=plan.org_unit,
            year=2024,
            half=half,
            status=DueStatus.SUBMITTED,
        )
    mine.filter(year=2024).update(received_at=timezone.now(), status=DueStatus.SUBMITTED)
    link.delete()
    counts = services.generate_due_items(plan)
    left = DueItem.objects.filter(task=task, department=link.department)
    assert sorted((i.year, i.half, i.obsolete) for i in left) == [(2024, 1, True), (2024, 2, True)]
    assert counts["retired"] == 2
    assert TaskReport.objects.filter(task=task, department=link.department).count() == 2
    # and running it again changes nothing
    assert services.generate_due_items(plan) == {"created": 0, "updated": 0, "retired": 0, "deleted": 0}


def test_completeness_and_timeliness(demo):
    plan = demo["plan"]
    office = Department.objects.create(org_unit=plan.org_unit, name="市测试统计局")
    literacy = plan.indicators.get(name="居民健康素养水平")
    june = dt.date(2026, 6, 30)

    def due(year, received, due_date=june):
        at = timezone.make_aware(dt.datetime.combine(received, dt.time(10))) if received else None
        DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=literacy,
            department=office,
            org_unit=plan.org_unit,
            year=year,
            due_date=due_date,
            received_at=at,
        )

    due(2022, dt.date(2026, 6, 20))  # early
    due(2023, june)  # on the day: on time
    due(2024, dt.date(2026, 7, 15))  # late
    due(2025, None)  # never received
    due(2026, None, due_date=dt.date(2026, 12, 31))  # not yet due on the day counted
    tables = services.completeness(plan, today=dt.date(2026, 11, 23))
    row = next(r for r in tables["department"] if r["name"] == "市测试统计局")
    assert (row["due"], row["received"], row["on_time"], row["completeness"], row["timeliness"]) == (4, 3, 2, 0.75, 0.5)
    assert {r["name"] for r in tables["org_unit"]} == set(demo["plan"].org_unit.children.values_list("name", flat=True))


def test_reminders_are_sent_once_per_item_person_and_day(demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    today = dt.date(2026, 6, 8)
    sent = services.send_reminders(today=today, plan=demo["plan"])
    to = {m.to[0] for m in mail.outbox}
    assert sent == len(mail.outbox) == len(to)  # one mail per person and day, listing all they owe
    assert "liaison@demo.invalid" in to and "county@demo.invalid" in to
    liaison_mail = next(m for m in mail.outbox if m.to == ["liaison@demo.invalid"])
    assert "截止" in liaison_mail.body
    logged = ReminderLog.objects.count()
    assert services.send_reminders(today=today, plan=demo["plan"]) == 0
    assert ReminderLog.objects.count() == logged and len(mail.outbox) == sent
    call_command("send_reminders", "--today", "2026-06-09")
    again = [m.to[0] for m in mail.outbox[sent:]]  # a new day: whoever still owes overdue items is reminded again
    assert {"liaison@demo.invalid", "county@demo.invalid"} <= set(again) and len(again) == len(set(again))


def test_a_liaison_gets_one_mail_a_day_listing_exactly_what_is_due_soon_today_or_overdue(demo, settings):
    """A new department with one liaison and five items of its own; every date and line is counted by hand.

    On 2026-06-08 (reminders 7 days before): 2025 due 06-15 is "before", 2026 due 06-08 is "due today", 2024
    due 05-31 is overdue, 2027 due 06-20 is not yet reminded, 2023 due 05-01 was received. The next day only
    the two overdue ones are listed (06-15 is then 6 days away, not 7).
    """
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    plan = demo["plan"]
    office = Department.objects.create(org_unit=plan.org_unit, name="市测试统计局")
    user = get_user_model().objects.create_user("stats", email="stats@demo.invalid", password="x-Stats-2026")
    Membership.objects.create(user=user, role=Role.DEPARTMENT_LIAISON, org_unit=plan.org_unit, department=office)
    literacy = plan.indicators.get(name="居民健康素养水平")
    for year, due_date, received in [
        (2023, dt.date(2026, 5, 1), True),
        (2024, dt.date(2026, 5, 31), False),
        (2025, dt.date(2026, 6, 15), False),
        (2026, dt.date(2026, 6, 8), False),
        (2027, dt.date(2026, 6, 20), False),
    ]:
        DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=literacy,
            department=office,
            org_unit=plan.org_unit,
            year=year,
            due_date=due_date,
            received_at=timezone.now() if received else None,
        )

    services.send_reminders(today=dt.date(2026, 6, 8), plan=plan)
    mine = [m for m in mail.outbox if m.to == ["stats@demo.invalid"]]
    assert len(mine) == 1
    lines = [line for line in mine[0].body.splitlines() if line.startswith("- ")]
    assert [line.split("截止 ")[1][:10] for line in lines] == ["2026-05-31", "2026-06-08", "2026-06-15"]
    assert ReminderLog.objects.filter(recipient="stats@demo.invalid").count() == 3

    services.send_reminders(today=dt.date(2026, 6, 8), plan=plan)  # the same day again: nothing new
    assert len([m for m in mail.outbox if m.to == ["stats@demo.invalid"]]) == 1

    services.send_reminders(today=dt.date(2026, 6, 9), plan=plan)
    mine = [m for m in mail.outbox if m.to == ["stats@demo.invalid"]]
    assert len(mine) == 2
    lines = [line for line in mine[1].body.splitlines() if line.startswith("- ")]
    assert [line.split("截止 ")[1][:10] for line in lines] == ["2026-05-31", "2026-06-08"]


def test_the_office_reminder_button(login, demo, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert login("liaison").post("/report/reminders/send/", {"plan": demo["plan"].pk}).status_code == 403
    # set by hand: everything the demo owes is received but two items of a new department with one liaison, one
    # five days overdue and one due today, so the button sends one mail, to that liaison, listing both
    DueItem.objects.update(received_at=timezone.now())
    plan = demo["plan"]
    office = Department.objects.create(org_unit=plan.org_unit, name="市测试统计局")
    user = get_user_model().objects.create_user("stats", email="stats@demo.invalid", password="x-Stats-2026")
    Membership.objects.create(user=user, role=Role.DEPARTMENT_LIAISON, org_unit=plan.org_unit, department=office)
    literacy = plan.indicators.get(name="居民健康素养水平")
    today = dt.date.today()
    for year, due_date in [(2024, today - dt.timedelta(days=5)), (2025, today)]:
        DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=literacy,
            department=office,
            org_unit=plan.org_unit,
            year=year,
            due_date=due_date,
        )
    response = login("office").post("/report/reminders/send/", {"plan": plan.pk, "next": "/report/completeness/"})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [["stats@demo.invalid"]]
    lines = [line for line in mail.outbox[0].body.splitlines() if line.startswith("- ")]
    assert [line.split("截止 ")[1][:10] for line in lines] == [
        (today - dt.timedelta(days=5)).isoformat(),
        today.isoformat(),
    ]


def _rows(plan, year=2026, values=(41.5, 12.0)):
    indicators = list(
        Indicator.objects.filter(plan=plan, unit="%", action__lead_department__name="市卫生健康委", nature="expected")[
            :2
        ]
    )
    return [
        {"indicator_id": ind.pk, "org_unit": "990100", "year": year, "value": v, "source": "接口"}
        for ind, v in zip(indicators, values)
    ]


def test_bulk_import_by_api_json_and_csv(demo, client):
    from django.contrib.auth import get_user_model

    _token, key = issue(get_user_model().objects.get(username="liaison"))
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    rows = _rows(demo["plan"])
    response = client.post("/api/values/bulk/", json.dumps(rows), content_type="application/json", **auth)
    assert response.status_code == 200, response.content
    assert response.json()["saved"] == 2
    assert sorted(IndicatorValue.objects.filter(year=2026, status="submitted").values_list("value", flat=True)) == [
        12.0,
        41.5,
    ]
    # the same rows again change nothing
    assert client.post("/api/values/bulk/", json.dumps(rows), content_type="application/json", **auth).json() == {
        "saved": 0,
        "unchanged": 2,
        "warnings": [],
    }
    csv_body = "indicator_id,org_unit,year,value,source\n" + "\n".join(
        f"{r['indicator_id']},990100,2027,{r['value'] + 1},csv" for r in rows
    )
    response = client.post("/api/values/bulk/", csv_body, content_type="text/csv", **auth)
    assert response.status_code == 200 and response.json()["saved"] == 2


def test_bulk_import_as_a_job_on_request_and_its_status_for_its_owner_only(demo, client, monkeypatch):
    """`Prefer: respond-async` (or more rows than are saved in place) answers 202 with the job's URL; the job saves the
    two rows (41.5 and 12.0) as submitted, or, with 140 % in row 2, saves nothing and keeps row 2's error."""
    liaison = get_user_model().objects.get(username="liaison")
    _token, key = issue(liaison)
    auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
    rows = _rows(demo["plan"])
    response = client.post(
        "/api/values/bulk/", json.dumps(rows), content_type="application/json", HTTP_PREFER="respond-async", **auth
    )
    assert response.status_code == 202, response.content
    url = response["Location"]
    assert url == response.json()["url"] == f"/api/jobs/{response.json()['job']}/"
    job = client.get(url, **auth).json()
    assert job["status"] == "done" and job["kind"] == "values-api"
    assert (job["result"]["saved"], job["result"]["errors"]) == (2, [])
    assert sorted(IndicatorValue.objects.filter(year=2026, status="submitted").values_list("value", flat=True)) == [
        12.0,
        41.5,
    ]

    # more rows than are saved in place go to a job without asking; here the limit is lowered to one row
    monkeypatch.setattr(api_views, "IN_PLACE_ROWS", 1)
    before = IndicatorValue.objects.count()
    bad = _rows(demo["plan"], year=2027, values=(41.5, 140.0))
    response = client.post("/api/values/bulk/", json.dumps(bad), content_type="application/json", **auth)
    assert response.status_code == 202
    result = client.get(response["Location"], **auth).json()["result"]
    assert result["saved"] == 0 and result["errors"][0]["row"] == 2 and "140" in result["errors"][0]["message"]
    assert IndicatorValue.objects.count() == before

    _other, other_key = issue(get_user_model().objects.get(username="liaison_edu"))
    assert client.get(url, HTTP_AUTHORIZATION=f"Token {other_key}").status_code == 404


def test_bulk_import_is_all_or_nothing(demo, client):
    client.login(username="liaison", password="demo-liaison-2026")
    rows = _rows(demo["plan"], values=(41.5, 140.0))
    before = IndicatorValue.objects.count()
    response = client.post("/api/values/bulk/", json.dumps(rows), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors[0]["row"] == 2 and "140" in errors[0]["message"]
    assert IndicatorValue.objects.count() == before


def test_bulk_import_refuses_rows_outside_the_users_scope(demo, client):
    client.login(username="liaison_edu", password="demo-liaison-2026")
    before = IndicatorValue.objects.count()
    response = client.post("/api/values/bulk/", json.dumps(_rows(demo["plan"])), content_type="application/json")
    assert response.status_code == 400 and IndicatorValue.objects.count() == before
    assert client.post("/api/values/bulk/", "not json", content_type="application/json").status_code == 400
    client.logout()
    assert client.post(
        "/api/values/bulk/", json.dumps(_rows(demo["plan"])), content_type="application/json"
    ).status_code in (401, 403)
