"""The first reporting cycle: reporting starts at a chosen period; earlier periods are history.

Counts are worked by hand from smallplan.py (18 due items: 2 indicators × 3 years, 2 tasks × 6 half-years).
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from healthaction.collection import services, views
from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import Role, ValueStatus
from healthaction.registry.models import Membership

TODAY = dt.date(2026, 11, 25)
START = dt.date(2025, 7, 1)  # 2025, second half


@pytest.fixture
def plan(db):
    return small_plan()


@pytest.fixture
def office(plan, client):
    user = get_user_model().objects.create_user("cd-office", password="office-pass-2026")
    Membership.objects.create(user=user, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    client.force_login(user)
    return client


def _overdue(plan, today=TODAY):
    return [i for i in DueItem.objects.filter(plan=plan) if i.is_overdue(today)]


def test_periods_before_the_start_are_history_and_never_overdue(plan):
    counts = services.publish_plan(plan, start=START)
    plan.refresh_from_db()
    assert plan.reporting_start == START
    assert counts["created"] == 18 and counts["history"] == 8 and counts["unassigned"] == 3
    history = DueItem.objects.filter(plan=plan, history=True)
    # the value of 2024 (due 2025-06-05) and the half-years 2024H1, 2024H2, 2025H1 (due 06-15/12-15)
    assert sorted((i.kind, i.year, i.half) for i in history if i.indicator_id and i.indicator.number == "1") == [
        ("indicator_value", 2024, 0)
    ]
    assert sorted((i.year, i.half) for i in history if i.task_id and i.task.number == "1.1") == [
        (2024, 1),
        (2024, 2),
        (2025, 1),
    ]
    # overdue on 2026-11-25: both 2025 values (due 2026-06-05), both tasks' 2025H2 and 2026H1
    assert len(_overdue(plan)) == 6
    assert DueItem.objects.counting().filter(plan=plan, received_at__isnull=True, due_date__lt=TODAY).count() == 6


def test_without_a_start_every_period_since_the_first_year_would_be_overdue(plan):
    services.generate_due_items(plan)  # no reporting_start: the old behaviour
    assert len(_overdue(plan)) == 14


def test_publishing_defaults_to_the_current_period_so_nothing_is_overdue(plan):
    counts = services.publish_plan(plan, today=TODAY)
    plan.refresh_from_db()
    assert plan.reporting_start == dt.date(2026, 7, 1)
    assert counts["history"] == 14
    assert _overdue(plan) == []
    assert DueItem.objects.counting().filter(plan=plan).count() == 4


def test_completeness_and_reminders_ignore_history(plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.publish_plan(plan, start=START)
    tables = services.completeness(plan, today=TODAY)
    health = next(r for r in tables["department"] if r["name"] == "市卫健局")
    county = next(r for r in tables["org_unit"] if r["name"] == "东湖县")
    assert (health["due"], health["received"]) == (3, 0)
    assert (county["due"], county["received"]) == (2, 0)
    liaison = get_user_model().objects.create_user("cd-health", email="health@cd.invalid", password="x" * 12)
    Membership.objects.create(
        user=liaison, role=Role.DEPARTMENT_LIAISON, org_unit=plan.org_unit, department_id=health["id"]
    )
    services.send_reminders(today=TODAY, plan=plan)
    from django.core import mail

    assert len(mail.outbox) == 1
    assert mail.outbox[0].body.count("\n- ") == 3  # 2025 value, 2025H2 and 2026H1 tasks; nothing of 2024


def test_regenerating_keeps_what_was_reported_also_in_history(plan):
    services.publish_plan(plan, start=START)
    office = get_user_model().objects.create_superuser("cd-root", password="x" * 12)
    old = DueItem.objects.get(plan=plan, task__number="1.1", year=2024, half=1)
    services.save_submission(
        office, old, {"progress": "done", "text": "2024年上半年开展宣传12场"}, submit=True, expected_version=None
    )
    old.refresh_from_db()
    received = old.received_at
    assert old.history and received is not None and not old.is_overdue(TODAY)
    plan.reporting_start = dt.date(2026, 7, 1)
    plan.save()
    counts = services.generate_due_items(plan)
    assert counts == {"created": 0, "updated": 6, "retired": 0, "deleted": 0}  # 2025H2-dated items become history
    old.refresh_from_db()
    assert old.received_at == received and old.status == ValueStatus.SUBMITTED
    assert services.generate_due_items(plan) == {"created": 0, "updated": 0, "retired": 0, "deleted": 0}


def test_a_start_period_is_read_in_its_written_forms():
    assert services.parse_period("2026H2") == dt.date(2026, 7, 1)
    assert services.parse_period("2025-1") == dt.date(2025, 1, 1)
    assert services.parse_period("2025-07-01") == dt.date(2025, 7, 1)
    assert services.parse_period("2025-03-01") is None and services.parse_period("soon") is None


def test_the_publish_form_offers_the_periods_up_to_the_current_one(plan):
    choices = services.period_choices(plan, today=TODAY)
    assert [c[0] for c in choices] == [
        "2024-01-01",
        "2024-07-01",
        "2025-01-01",
        "2025-07-01",
        "2026-01-01",
        "2026-07-01",
    ]


def test_the_inbox_counts_by_state_filters_by_period_and_pages(plan, office, monkeypatch):
    services.publish_plan(plan, start=START)
    html = office.get(f"/report/inbox/?plan={plan.pk}&group=overdue").content.decode()
    if dt.date.today() >= dt.date(2026, 6, 15) and dt.date.today() < dt.date(2026, 12, 15):
        assert 'data-group="overdue"' in html and '<span class="badge">6</span>' in html
    assert 'data-group="history"' in html and '<span class="badge">8</span>' in html
    html = office.get(f"/report/inbox/?plan={plan.pk}&group=history&period=2024H1").content.decode()
    assert html.count('href="/report/items/') == 2  # task 1.1 (市卫健局) and the county's 2.1 (东湖县)
    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 3)
    page1 = office.get(f"/report/inbox/?plan={plan.pk}&group=history").content.decode()
    page3 = office.get(f"/report/inbox/?plan={plan.pk}&group=history&page=3").content.decode()
    assert page1.count('href="/report/items/') == 3 and page3.count('href="/report/items/') == 2
    # newest period first: 2025H1 ×2, 2024H2 ×2, 2024H1 ×2, then the 2024 values ×2 on page 3
    assert '<h2 class="period">2024年</h2>' in page3 and '<h2 class="period">2025年上半年</h2>' in page1


def test_the_review_queue_shows_value_unit_previous_value_target_and_source(plan, office):
    services.publish_plan(plan, start=START)
    ind = plan.indicators.get(number="1")
    IndicatorValue.objects.create(
        indicator=ind, org_unit=plan.org_unit, year=2024, value=21.0, status=ValueStatus.APPROVED
    )
    item = DueItem.objects.get(plan=plan, indicator=ind, year=2025)
    root = get_user_model().objects.create_superuser("cd-root2", password="x" * 12)
    services.save_submission(
        root, item, {"value": 23.5, "source": "2025年健康素养监测"}, submit=True, expected_version=None
    )
    html = office.get(f"/report/review/?plan={plan.pk}").content.decode()
    row = html[html.index(f'id="review-{item.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "23.5%" in row and "21%" in row and "2025：≥25%" in row and "2025年健康素养监测" in row
    assert 'value="approve"' in row
    response = office.post(
        f"/report/items/{item.pk}/review/", {"action": "approve", "version": 1, "next": "/report/review/"}
    )
    assert response.status_code == 302 and response["Location"] == "/report/review/"
    item.refresh_from_db()
    assert item.status == ValueStatus.APPROVED


def test_the_excel_template_leaves_history_out_unless_asked(plan, office):
    import io

    import openpyxl

    from healthaction.collection import excel
    from healthaction.registry.models import Department

    services.publish_plan(plan, start=START)
    health = Department.objects.get(name="市卫健局", org_unit=plan.org_unit)
    for extra, values, tasks in (("", 2, 3), ("&history=1", 3, 6)):
        data = office.get(f"/report/excel/template/?plan={plan.pk}&department={health.pk}{extra}").getvalue()
        wb = openpyxl.load_workbook(io.BytesIO(data))
        # values: 2025 and 2026 (2024 is history); tasks: 2025H2, 2026H1, 2026H2 (and 2024H1–2025H1 with history)
        assert (wb[excel.VALUE_SHEET].max_row - 1, wb[excel.TASK_SHEET].max_row - 1) == (values, tasks)
