"""Imports take their lock late: the rows are checked outside any transaction (a save elsewhere does not wait behind a
long upload), the write happens in a short one, and a value saved between the check and the write is not lost."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from healthaction.collection import excel, services
from healthaction.collection.models import DueItem, IndicatorValue, Revision
from healthaction.core.choices import DueKind, Level, PlanStatus, Role
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry.models import Department, Membership, OrgUnit

pytestmark = [pytest.mark.flushes, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    city = OrgUnit.objects.create(code="L90", name="锁市", level=Level.CITY)
    health = Department.objects.create(org_unit=city, name="锁市卫生健康委")
    plan = Plan.objects.create(
        org_unit=city, title="锁方案", horizon_start=2025, horizon_end=2026, status=PlanStatus.PUBLISHED
    )
    action = Action.objects.create(plan=plan, number=1, name="行动", lead_department=health)
    indicator = Indicator.objects.create(
        plan=plan, action=action, number="1", name="健康素养水平", unit="%", nature="expected"
    )
    items = [
        DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=indicator,
            department=health,
            org_unit=city,
            year=year,
            due_date=dt.date(year + 1, 6, 5),
        )
        for year in (2025, 2026)
    ]
    users = []
    for name in ("importer", "colleague"):
        user = get_user_model().objects.create_user(username=f"lock_{name}", password="x" * 12)
        Membership.objects.create(user=user, role=Role.DEPARTMENT_LIAISON, org_unit=city, department=health)
        users.append(user)
    return {"indicator": indicator, "items": items, "importer": users[0], "colleague": users[1]}


def _rows(world, value_2025, value_2026):
    return [
        {"indicator_id": world["indicator"].pk, "org_unit": "L90", "year": 2025, "value": value_2025, "source": "导入"},
        {"indicator_id": world["indicator"].pk, "org_unit": "L90", "year": 2026, "value": value_2026, "source": "导入"},
    ]


def test_the_rows_are_checked_outside_any_transaction_and_written_in_one(world, monkeypatch):
    seen = {}
    collect, write = excel._collect, excel._write

    def watched_collect(*args, **kwargs):
        seen["check"] = connection.in_atomic_block
        return collect(*args, **kwargs)

    def watched_write(*args, **kwargs):
        seen["write"] = connection.in_atomic_block
        return write(*args, **kwargs)

    monkeypatch.setattr(excel, "_collect", watched_collect)
    monkeypatch.setattr(excel, "_write", watched_write)
    result = excel.import_rows(world["importer"], _rows(world, 31.5, 33.0))
    assert not result.errors and result.saved == 2
    assert seen == {"check": False, "write": True}
    assert sorted(
        IndicatorValue.objects.filter(indicator=world["indicator"]).values_list("year", "value", "version")
    ) == [(2025, 31.5, 1), (2026, 33.0, 1)]


def test_a_value_submitted_between_the_check_and_the_write_is_checked_again_and_not_overwritten(world, monkeypatch):
    """Issue 24 (#1): a submitted value is fixed until the office returns it, so the import may no longer replace the
    colleague's submission (it used to, as version 2): the row is refused on the second check and, all or nothing,
    nothing is written."""
    lock = excel._lock_items

    def colleague_saves_first(user, ids):
        # the colleague submits 2025 after the import checked its rows (it then saw no value) and before it writes
        services.save_submission(
            world["colleague"],
            world["items"][0],
            {"value": 29.0, "numerator": None, "denominator": None, "qualitative": "", "source": "手填", "note": ""},
            submit=True,
            expected_version=0,
        )
        return lock(user, ids)

    monkeypatch.setattr(excel, "_lock_items", colleague_saves_first)
    result = excel.import_rows(world["importer"], _rows(world, 31.5, 33.0))
    # without the second check the import would insert a second 2025 row (refused by the database: a 500)
    assert [e.message for e in result.errors] == [
        "第 1 行：该项已报送，正在等待委办审核，现在不能修改。如需修改，请联系委办退回，再修改并重新报送。"
    ]
    assert result.saved == 0
    assert sorted(
        IndicatorValue.objects.filter(indicator=world["indicator"]).values_list("year", "value", "version")
    ) == [(2025, 29.0, 1)]
    value = IndicatorValue.objects.get(indicator=world["indicator"], year=2025)
    assert list(
        Revision.objects.filter(object_id=value.pk, content_type__model="indicatorvalue")
        .order_by("version")
        .values_list("version", "action", "user__username")
    ) == [(1, "submit", "lock_colleague")]


def test_an_approval_between_the_check_and_the_write_refuses_the_row(world, monkeypatch):
    # the colleague's 29.0 was returned by the office: the import may correct it when it checks its rows…
    services.save_submission(
        world["colleague"],
        world["items"][0],
        {"value": 29.0, "numerator": None, "denominator": None, "qualitative": "", "source": "手填", "note": ""},
        submit=True,
        expected_version=0,
    )
    offices = []
    for name in ("lock_office", "lock_office2"):
        office = get_user_model().objects.create_user(username=name, password="x" * 12)
        Membership.objects.create(user=office, role=Role.OFFICE_ADMIN, org_unit=OrgUnit.objects.get(code="L90"))
        offices.append(office)
    services.review(offices[0], world["items"][0], approve=False, comment="请核对", expected_version=1)
    lock = excel._lock_items

    def resubmitted_and_approved_first(user, ids):
        # …but before it writes, the colleague resubmits and the office approves (each at the version it saw)
        services.save_submission(
            world["colleague"],
            world["items"][0],
            {"value": 29.0, "numerator": None, "denominator": None, "qualitative": "", "source": "手填", "note": ""},
            submit=True,
            expected_version=2,
        )
        services.review(offices[1], world["items"][0], approve=True, expected_version=3)
        return lock(user, ids)

    monkeypatch.setattr(excel, "_lock_items", resubmitted_and_approved_first)
    result = excel.import_rows(world["importer"], _rows(world, 31.5, 33.0))
    # checked again under the lock: 2025 is approved now, so nothing is written (all or nothing)
    assert [e.message for e in result.errors] == [
        "第 1 行：该项已审核通过，不能再修改；如需更正，请委办说明理由后重新打开。"
    ]
    assert result.saved == 0
    assert sorted(
        IndicatorValue.objects.filter(indicator=world["indicator"]).values_list("year", "value", "status")
    ) == [(2025, 29.0, "approved")]
