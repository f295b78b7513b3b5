"""An office above sees a lower area's plan but does not run it once that area has an office of its own (review
finding: the 晋城市 office could approve 沁水县's values and edit its draft)."""

import pytest
from django.contrib.auth import get_user_model

from healthaction.core.choices import Role
from healthaction.plans.models import Plan
from healthaction.registry import scopes
from healthaction.registry.models import Membership, OrgUnit
from healthaction.registry.services import add_area


@pytest.fixture
def offices(db):
    add_area("140521")
    city, county = OrgUnit.objects.get(code="140500"), OrgUnit.objects.get(code="140521")
    users = {}
    for name, unit in (("jincheng", city), ("qinshui", county)):
        users[name] = get_user_model().objects.create_user(name)
        Membership.objects.create(user=users[name], role=Role.OFFICE_ADMIN, org_unit=unit)
    plan = Plan.objects.create(org_unit=county, title="沁水县方案", horizon_start=2023, horizon_end=2030)
    return users, plan


def test_the_office_above_runs_a_lower_plan_only_while_its_area_has_no_office(offices):
    users, plan = offices
    city_office, county_office = users["jincheng"], users["qinshui"]
    assert scopes.is_office(county_office, plan)
    assert not scopes.is_office(city_office, Plan.objects.get(pk=plan.pk))  # 沁水县 has its own office
    assert scopes.oversees(city_office, plan)  # but reads it
    assert plan in scopes.visible_plans(city_office, Plan.objects.all())
    # a town below 沁水县 without an office: the county office drafts and runs its plan
    town = Plan.objects.create(
        org_unit=OrgUnit.objects.get(code="140521104"), title="嘉峰镇方案", horizon_start=2023, horizon_end=2030
    )
    assert scopes.is_office(county_office, town) and scopes.is_office(city_office, Plan.objects.get(pk=town.pk))
    # once 嘉峰镇 has its own office, only that office runs it
    Membership.objects.create(
        user=get_user_model().objects.create_user("jiafeng"), role=Role.OFFICE_ADMIN, org_unit=town.org_unit
    )
    assert not scopes.is_office(county_office, Plan.objects.get(pk=town.pk))


def test_the_office_above_cannot_open_a_lower_draft_for_editing(offices, client):
    users, plan = offices
    client.force_login(users["jincheng"])
    assert client.get(f"/plans/{plan.pk}/review/plan/").status_code in (403, 404)
    client.force_login(users["qinshui"])
    assert client.get(f"/plans/{plan.pk}/review/plan/").status_code == 200
