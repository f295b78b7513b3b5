"""The filters filter: hand-made rows with counts worked out by hand, through the FilterSet the pages use, the
inbox page and the API (the same class)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from healthaction.api.tokens import issue
from healthaction.collection.filtersets import DueItemFilterSet
from healthaction.collection.models import DueItem
from healthaction.core.choices import DueKind, Role
from healthaction.plans.filtersets import PlanFilterSet
from healthaction.plans.models import Plan
from healthaction.registry.filtersets import OrgUnitFilterSet
from healthaction.registry.models import Department, Membership, OrgUnit

TODAY = dt.date.today()


@pytest.fixture
def office_items(demo):
    """A new department owing four values of 居民健康素养水平: 2024 overdue, 2025 received (submitted), 2026 due in
    ten days (due soon), 2027 due in two hundred days (neither)."""
    plan = demo["plan"]
    office = Department.objects.create(org_unit=plan.org_unit, name="市测试统计局")
    literacy = plan.indicators.get(name="居民健康素养水平")
    for year, due, received, status in [
        (2024, TODAY - dt.timedelta(days=30), False, "open"),
        (2025, TODAY - dt.timedelta(days=3), True, "submitted"),
        (2026, TODAY + dt.timedelta(days=10), False, "open"),
        (2027, TODAY + dt.timedelta(days=200), False, "open"),
    ]:
        DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=literacy,
            department=office,
            org_unit=plan.org_unit,
            year=year,
            due_date=due,
            received_at=timezone.now() if received else None,
            status=status,
        )
    return office


def _count(data, office) -> int:
    filters = DueItemFilterSet(data, queryset=DueItem.objects.filter(department=office))
    assert filters.is_valid(), filters.errors
    return filters.qs.count()


def test_the_due_item_filters_narrow_to_the_hand_counted_rows(office_items):
    office = office_items
    assert _count({}, office) == 4
    assert _count({"period": "2025"}, office) == 1
    assert _count({"group": "overdue"}, office) == 1
    assert _count({"group": "due"}, office) == 1
    assert _count({"group": "submitted"}, office) == 1
    assert _count({"q": "健康素养"}, office) == 4
    assert _count({"q": "无此指标"}, office) == 0
    assert _count({"reporter": f"d{office.pk}"}, office) == 4
    assert _count({"year": "2026", "status": "open"}, office) == 1
    assert _count({"due_date__gte": TODAY.isoformat()}, office) == 2
    # a period the rows do not have gives nothing; one that is not a period is an error
    assert _count({"period": "2031H2"}, office) == 0
    refused = DueItemFilterSet({"period": "2031H3"}, queryset=DueItem.objects.filter(department=office))
    assert not refused.is_valid() and list(refused.errors) == ["period"]


def test_the_inbox_and_the_api_read_the_same_filters(office_items, client):
    office = office_items
    user = get_user_model().objects.create_user("stats", password="x-Stats-2026")
    Membership.objects.create(user=user, role=Role.DEPARTMENT_LIAISON, org_unit=office.org_unit, department=office)
    client.force_login(user)
    html = client.get("/report/inbox/?group=overdue&period=2024").content.decode()
    overdue = DueItem.objects.get(department=office, year=2024)
    assert re.findall(r'href="/report/items/(\d+)/"', html) == [str(overdue.pk)]
    # the tabs count with the other filters: in 2024 one item is overdue and none is due soon
    badges = dict(re.findall(r'data-group="(\w+)">\s*[^<]*<span class="badge">(\d+)</span>', html))
    assert (badges["overdue"], badges["due"]) == ("1", "0")
    # the period select offers the liaison's four years, the asked one chosen
    periods = re.search(r'<select name="period"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="(\d*)"', periods) == ["", "2027", "2026", "2025", "2024"]
    assert '<option value="2024" selected>' in periods
    _token, key = issue(user)
    api = client.get("/api/due-items/?period=2026&group=due", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert [item["year"] for item in api["results"]] == [2026]
    api = client.get("/api/due-items/?group=overdue", HTTP_AUTHORIZATION=f"Token {key}").json()
    assert [item["year"] for item in api["results"]] == [2024]


def test_org_units_within_an_area(demo):
    """临江县 (990121): itself, three towns, two communities under each town and two schools under its first
    town (demo/build.py, demo/inspections.py): 1 + 3 + 6 + 2 = 12."""
    linjiang = OrgUnit.objects.get(code="990121")
    filters = OrgUnitFilterSet({"within": linjiang.path}, queryset=OrgUnit.objects.all())
    assert filters.qs.count() == 12
    assert OrgUnitFilterSet({"within": linjiang.path, "level": "town"}, queryset=OrgUnit.objects.all()).qs.count() == 3


def test_an_instant_with_any_iso_offset_is_asked_in_utc(demo):
    """ISO 8601 allows an offset of +20:11, PostgreSQL refuses one beyond 15:59: the filter asks in UTC. No plan
    was made before the year 245; year 1 at +05:00 is before the calendar in UTC, an error."""
    early = PlanFilterSet({"created_at__lte": "0245-02-22T22:30:51+20:11"}, queryset=Plan.objects.all())
    assert early.is_valid() and early.qs.count() == 0
    refused = PlanFilterSet({"created_at__gte": "0001-01-01T00:00:00+05:00"}, queryset=Plan.objects.all())
    assert not refused.is_valid() and list(refused.errors) == ["created_at__gte"]
