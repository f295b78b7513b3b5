"""Issue 24, finding 18 (the office's week): people named in history, row numbers on Excel errors, "accounts per unit"
meaning up to that many, /favicon.ico. Each fails on main at 05c271a."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model

from healthaction.collection import excel, services
from healthaction.collection.models import DueItem
from healthaction.collection.services import publish_plan
from healthaction.collection.tests.smallplan import small_plan
from healthaction.core.choices import Role
from healthaction.plans.models import Indicator
from healthaction.registry.models import Department, Membership

User = get_user_model()


def _liaison(username):
    user = User.objects.create_user(username, password="liaison-pass-2026", first_name="市卫生健康委联络员")
    Membership.objects.create(
        user=user,
        role=Role.DEPARTMENT_LIAISON,
        org_unit=Department.objects.get(name="市卫生健康委").org_unit,
        department=Department.objects.get(name="市卫生健康委"),
    )
    return user


def test_the_history_tells_two_liaisons_of_one_department_apart(demo, client):
    indicator = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    item = DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)
    first, second = _liaison("wjw-li"), _liaison("wjw-zhao")
    office = User.objects.get(username="office")
    services.save_submission(first, item, {"value": 30, "source": "监测"}, submit=True, expected_version=0)
    services.review(office, item, approve=False, comment="请复核", expected_version=1)
    services.save_submission(second, item, {"value": 31, "source": "监测"}, submit=True, expected_version=2)
    client.force_login(office)
    html = client.get(f"/report/items/{item.pk}/").content.decode()
    history = html[html.index('class="history"') :]
    assert "市卫生健康委联络员（wjw-li）" in history and "市卫生健康委联络员（wjw-zhao）" in history
    assert "推进办 王敏（office）" in history


def test_an_excel_error_names_its_row(demo):
    liaison = User.objects.get(username="liaison")
    indicator = Indicator.objects.get(plan=demo["plan"], name="居民健康素养水平")
    item = DueItem.objects.get(indicator=indicator, org_unit__code="990100", year=2026)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = excel.VALUE_SHEET
    ws.append(excel.VALUE_HEADERS)
    for _n in range(10):
        ws.append([None] * len(excel.VALUE_HEADERS))  # rows 2–11 left empty
    ws.append([item.pk, None, None, None, None, None, 2026, None, "九十五", None, None, None, "监测", None, None])
    buf = io.BytesIO()
    wb.save(buf)
    result = excel.import_workbook(liaison, buf.getvalue())
    assert [(e.row, e.column, e.message) for e in result.errors] == [(12, 9, "第 12 行：“九十五”不是数字。")]


@pytest.fixture
def plan(db):
    plan = small_plan()
    publish_plan(plan, start=dt.date(2025, 7, 1))
    return plan


def test_accounts_per_unit_means_up_to_that_many(plan, client):
    from healthaction.people import services as people

    office = User.objects.create_user("cd-office", password="office-pass-2026")
    Membership.objects.create(user=office, role=Role.OFFICE_ADMIN, org_unit=plan.org_unit)
    assert len(people.create_accounts(plan, 1)) == 2  # 市卫健局 and 东湖县, one each
    client.force_login(office)
    client.post(f"/people/plans/{plan.pk}/", {"what": "create", "per_reporter": 2})  # "only those without" unticked
    per_unit = sorted(
        Membership.objects.filter(
            role__in=[Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE], org_unit__path__startswith=plan.org_unit.path
        ).values_list("user__username", flat=True)
    )
    health = Department.objects.get(name="市卫健局")
    assert per_unit == [f"880100-d{health.pk}-1", f"880100-d{health.pk}-2", "880101-1", "880101-2"]


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg") and "max-age=86400" in response["Cache-Control"]


def test_a_job_whose_worker_went_silent_says_so(demo, login):
    from django.utils import timezone

    from healthaction.core.models import Job

    office = User.objects.get(username="office")
    job = Job.objects.create(
        user=office, kind="values-excel", status="running", progress=30, heartbeat_at=timezone.now()
    )
    client = login("office")
    assert 'id="job-silent"' not in client.get(f"/jobs/{job.pk}/").content.decode()  # a fresh heartbeat: no hint
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=40))
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "后台进程已有 40 秒没有响应" in page or "后台进程已有 41 秒没有响应" in page
