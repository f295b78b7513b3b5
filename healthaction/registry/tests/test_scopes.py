"""registry/scopes.py on its own: every role, area (own city, other city, own county, other county) and plan state.

A small world of its own (codes T…, beside the demo): a province with cities A and B, county A1 under A and
county B1 under B; one plan of city A whose status each test sets, and a published plan of county A1.
"""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Q

from healthaction.collection.models import DueItem
from healthaction.core.choices import DueKind, Level, PlanStatus, Role
from healthaction.plans.models import Action, Indicator, Plan
from healthaction.registry import scopes
from healthaction.registry.models import Department, Membership, OrgUnit

STATES = [PlanStatus.DRAFT, PlanStatus.PUBLISHED, PlanStatus.ARCHIVED]


@pytest.fixture
def world(db):
    unit = {}
    unit["P"] = OrgUnit.objects.create(code="T00", name="测试省", level=Level.PROVINCE)
    unit["A"] = OrgUnit.objects.create(code="T10", name="甲市", level=Level.CITY, parent=unit["P"])
    unit["B"] = OrgUnit.objects.create(code="T20", name="乙市", level=Level.CITY, parent=unit["P"])
    unit["A1"] = OrgUnit.objects.create(code="T11", name="甲一县", level=Level.COUNTY, parent=unit["A"])
    unit["B1"] = OrgUnit.objects.create(code="T21", name="乙一县", level=Level.COUNTY, parent=unit["B"])
    health_a = Department.objects.create(org_unit=unit["A"], name="甲市卫生健康委")
    health_b = Department.objects.create(org_unit=unit["B"], name="乙市卫生健康委")
    plan = Plan.objects.create(
        org_unit=unit["A"], title="甲市方案", horizon_start=2024, horizon_end=2026, status=PlanStatus.PUBLISHED
    )
    county_plan = Plan.objects.create(
        org_unit=unit["A1"], title="甲一县方案", horizon_start=2024, horizon_end=2026, status=PlanStatus.PUBLISHED
    )
    action = Action.objects.create(plan=plan, number=1, name="控烟行动", lead_department=health_a)
    other_action = Action.objects.create(plan=county_plan, number=1, name="县控烟行动")
    indicator = Indicator.objects.create(plan=plan, action=action, number="1", name="吸烟率", unit="%")
    users = {}

    def member(name, role, area, department=None, act=None):
        user = get_user_model().objects.create_user(username=f"scope_{name}")  # no password: hashing one costs a second
        Membership.objects.create(user=user, role=role, org_unit=unit[area], department=department, action=act)
        users[name] = user

    member("office_A", Role.OFFICE_ADMIN, "A")
    member("office_B", Role.OFFICE_ADMIN, "B")
    member("office_A1", Role.OFFICE_ADMIN, "A1")
    member("leader_A", Role.LEADER, "A")
    member("leader_B", Role.LEADER, "B")
    member("leader_A1", Role.LEADER, "A1")
    member("leader_B1", Role.LEADER, "B1")
    member("lead_A", Role.ACTION_LEAD, "A", act=action)
    member("lead_A1", Role.ACTION_LEAD, "A1", act=other_action)
    member("liaison_A", Role.DEPARTMENT_LIAISON, "A", department=health_a)
    member("liaison_B", Role.DEPARTMENT_LIAISON, "B", department=health_b)
    member("county_A1", Role.AREA_OFFICE, "A1")
    member("county_B1", Role.AREA_OFFICE, "B1")
    users["nobody"] = get_user_model().objects.create_user(username="scope_nobody")
    items = {
        "department": DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=indicator,
            department=health_a,
            org_unit=unit["A"],
            year=2025,
            due_date=dt.date(2026, 6, 5),
        ),
        "county": DueItem.objects.create(
            plan=plan,
            kind=DueKind.INDICATOR_VALUE,
            indicator=indicator,
            org_unit=unit["A1"],
            year=2025,
            due_date=dt.date(2026, 6, 5),
        ),
    }
    return {
        "unit": unit,
        "plan": plan,
        "county_plan": county_plan,
        "users": users,
        "items": items,
        "departments": (health_a, health_b),
    }


def _fresh(user):
    """Drop the per-request membership cache so that each check reads the database."""
    user.__dict__.pop("_ha_memberships", None)
    return user


# who reads the reports (annual, circular, Excel export, completeness) of city A's plan, per status
READS_CITY_REPORTS = {
    "office_A": {PlanStatus.DRAFT, PlanStatus.PUBLISHED, PlanStatus.ARCHIVED},
    "leader_A": {PlanStatus.PUBLISHED, PlanStatus.ARCHIVED},
    "lead_A": {PlanStatus.PUBLISHED, PlanStatus.ARCHIVED},
}
USERS = [
    "office_A",
    "office_B",
    "office_A1",
    "leader_A",
    "leader_B",
    "leader_A1",
    "leader_B1",
    "lead_A",
    "lead_A1",
    "liaison_A",
    "liaison_B",
    "county_A1",
    "county_B1",
    "nobody",
]


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("name", USERS)
def test_who_reads_the_reports_of_a_city_plan(world, name, status):
    plan = world["plan"]
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    user = _fresh(world["users"][name])
    expected = status in READS_CITY_REPORTS.get(name, set())
    assert scopes.may_read_reports(user, plan) is expected
    assert scopes.report_plans(user, Plan.objects.filter(pk=plan.pk)).exists() is expected


@pytest.mark.parametrize(
    "name, expected",
    [
        ("office_A", True),
        ("office_A1", True),
        ("office_B", False),
        ("leader_A", True),
        ("leader_A1", True),
        ("leader_B", False),
        ("leader_B1", False),
        ("lead_A", False),
        ("lead_A1", True),
        ("liaison_A", False),
        ("county_A1", False),
        ("nobody", False),
    ],
)
def test_who_reads_the_reports_of_a_published_county_plan(world, name, expected):
    user = _fresh(world["users"][name])
    assert scopes.may_read_reports(user, world["county_plan"]) is expected
    assert scopes.report_plans(user, Plan.objects.filter(pk=world["county_plan"].pk)).exists() is expected


# who opens city A's plan (dashboard, pages), per status: the office always; others in or below the area once published
OPENS_CITY_PLAN = {
    "office_A": set(STATES),
    **{
        name: {PlanStatus.PUBLISHED}
        for name in ("leader_A", "leader_A1", "lead_A", "lead_A1", "liaison_A", "county_A1", "office_A1")
    },
}


@pytest.mark.parametrize("status", STATES)
@pytest.mark.parametrize("name", USERS)
def test_who_opens_a_city_plan(world, name, status):
    Plan.objects.filter(pk=world["plan"].pk).update(status=status)
    user = _fresh(world["users"][name])
    assert scopes.visible_plans(user, Plan.objects.filter(pk=world["plan"].pk)).exists() is (
        status in OPENS_CITY_PLAN.get(name, set())
    )


@pytest.mark.parametrize(
    "name, expected",
    [("office_A", True), ("office_A1", False), ("office_B", False), ("leader_A", False), ("nobody", False)],
)
def test_only_the_plans_own_office_or_above_is_its_office(world, name, expected):
    assert scopes.is_office(_fresh(world["users"][name]), world["plan"]) is expected


def test_a_superuser_is_office_everywhere_and_reads_every_report(world):
    admin = get_user_model().objects.create_superuser(username="scope_root", password="x" * 12)
    Plan.objects.filter(pk=world["plan"].pk).update(status=PlanStatus.DRAFT)
    world["plan"].refresh_from_db()
    assert scopes.is_office(admin, world["plan"]) and scopes.may_read_reports(admin, world["plan"])


def test_anonymous_visitors_see_only_public_published_plans(world):
    from django.contrib.auth.models import AnonymousUser

    Plan.objects.filter(pk=world["plan"].pk).update(is_public=True)
    assert list(
        scopes.visible_plans(AnonymousUser(), Plan.objects.filter(pk__in=[world["plan"].pk, world["county_plan"].pk]))
    ) == [world["plan"]]
    assert not scopes.may_read_reports(AnonymousUser(), world["plan"])
    assert scopes.round_filter(AnonymousUser()) == Q(pk__in=[])


# due items: who sees, reports and reviews the department's and the county's item of city A's plan
ITEMS = {
    "office_A": ({"department", "county"}, {"department", "county"}, {"department", "county"}),
    "leader_A": ({"department", "county"}, set(), set()),
    "lead_A": ({"department", "county"}, set(), {"department", "county"}),
    "liaison_A": ({"department"}, {"department"}, set()),
    "county_A1": ({"county"}, {"county"}, set()),
}


@pytest.mark.parametrize("name", USERS)
def test_who_sees_reports_and_reviews_each_due_item(world, name):
    user = _fresh(world["users"][name])
    sees, reports, reviews = ITEMS.get(name, (set(), set(), set()))
    visible = set(DueItem.objects.filter(scopes.due_item_filter(user), plan=world["plan"]).values_list("pk", flat=True))
    assert visible == {world["items"][k].pk for k in sees}
    assert {k for k, item in world["items"].items() if scopes.can_report(user, item)} == reports
    assert {k for k, item in world["items"].items() if scopes.can_review(user, item)} == reviews


def test_reminders_go_to_the_departments_liaisons_or_the_areas_office(world):
    health_a, _health_b = world["departments"]
    unit = world["unit"]
    assert [m.user.username for m in scopes.reporters(health_a.pk, unit["A"].pk)] == ["scope_liaison_A"]
    assert [m.user.username for m in scopes.reporters(None, unit["A1"].pk)] == ["scope_county_A1"]
    assert list(scopes.reporters(None, unit["B"].pk)) == []


def test_excel_template_units_are_the_offices_lower_units_or_the_countys_own(world):
    plan, unit = world["plan"], world["unit"]
    assert list(scopes.excel_units(_fresh(world["users"]["office_A"]), plan)) == [unit["A1"]]
    assert list(scopes.excel_units(_fresh(world["users"]["county_A1"]), plan)) == [unit["A1"]]
    assert list(scopes.excel_units(_fresh(world["users"]["liaison_A"]), plan)) == []


def test_supervision_rounds_and_findings_follow_area_and_inspectors(world):
    from healthaction.inspections.models import Checklist, Round

    checklist = Checklist.objects.create(key="scope-test", kind=Checklist.SUPERVISION, title="清单", pass_mark=60)
    rnd = Round.objects.create(
        plan=world["plan"],
        checklist=checklist,
        year=2025,
        title="督导",
        starts=dt.date(2025, 9, 1),
        ends=dt.date(2025, 9, 30),
    )
    inspector = get_user_model().objects.create_user(username="scope_inspector")
    rnd.inspectors.add(inspector)
    seen = {
        name
        for name, user in world["users"].items()
        if Round.objects.filter(scopes.round_filter(_fresh(user)), pk=rnd.pk).exists()
    }
    assert seen == {"office_A", "leader_A"}
    assert Round.objects.filter(scopes.round_filter(inspector), pk=rnd.pk).exists()
    health_a, health_b = world["departments"]
    unit = world["unit"]
    may = {
        name
        for name, user in world["users"].items()
        if scopes.may_rectify(_fresh(user), department_id=health_a.pk, org_unit_path=None, plan=world["plan"])
    }
    assert may == {"office_A", "liaison_A"}
    may = {
        name
        for name, user in world["users"].items()
        if scopes.may_rectify(_fresh(user), department_id=None, org_unit_path=unit["A1"].path, plan=world["plan"])
    }
    assert may == {"office_A", "county_A1"}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("office_A", {"P", "A", "A1"}),
        ("leader_A1", {"P", "A", "A1"}),
        ("county_B1", {"P", "B", "B1"}),
        ("leader_B", {"P", "B", "B1"}),
        ("nobody", set()),
    ],
)
def test_org_units_seen_are_the_users_area_below_and_above(world, name, expected):
    seen = OrgUnit.objects.filter(scopes.org_unit_filter(_fresh(world["users"][name])), code__startswith="T")
    assert {k for k, u in world["unit"].items() if u in seen} == expected
    departments = Department.objects.filter(
        scopes.org_unit_filter(_fresh(world["users"][name]), "org_unit__"),
        name__endswith="卫生健康委",
        org_unit__code__startswith="T",
    )
    assert {d.org_unit.code for d in departments} == {world["unit"][k].code for k in expected if k in ("A", "B")}
