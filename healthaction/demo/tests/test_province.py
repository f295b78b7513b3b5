"""The province demo: official areas, one plan per area chained to the plan above, accounts, idempotence."""

import pytest
from django.contrib.auth import get_user_model

from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.core.choices import Level, PlanStatus, Role
from healthaction.demo.province import PASSWORD, TEST_ACTIONS, build_province, doc_number
from healthaction.plans.models import Plan
from healthaction.registry.models import Department, Membership, OrgUnit

pytestmark = pytest.mark.django_db

# official names of the 民政部 division codes (checked against the published code list)
OFFICIAL = {
    "140000": ("山西省", Level.PROVINCE, None),
    "140400": ("长治市", Level.CITY, "140000"),
    "140403": ("潞州区", Level.COUNTY, "140400"),
    "140500": ("晋城市", Level.CITY, "140000"),
    "140521": ("沁水县", Level.COUNTY, "140500"),
    "140525": ("泽州县", Level.COUNTY, "140500"),
    "140600": ("朔州市", Level.CITY, "140000"),
    "140622": ("应县", Level.COUNTY, "140600"),
}


def test_areas_have_official_codes_names_and_parents(province_demo):
    for code, (name, level, parent) in OFFICIAL.items():
        unit = OrgUnit.objects.get(code=code)
        assert (unit.name, unit.level, unit.parent.code if unit.parent else None) == (name, level, parent)
    # 1 province, 3 cities, 4 counties under each
    assert len(province_demo["plans"]) == 16
    assert OrgUnit.objects.get(code="140500").children.count() == 4


def test_every_area_has_its_published_plan_implementing_the_one_above(province_demo):
    plans = province_demo["plans"]
    assert plans["140000"].parent is None
    assert plans["140500"].parent == plans["140000"]
    assert plans["140521"].parent == plans["140500"]
    assert plans["140622"].parent == plans["140600"]
    assert {p.status for p in plans.values()} == {PlanStatus.PUBLISHED}
    assert plans["140521"].title == "健康沁水行动实施方案（2021—2030年）"
    assert plans["140521"].issuer == "沁水县人民政府"
    assert plans["140521"].org_unit.code == "140521"
    # actions 1, 4, 6, 11 of the demo content: 6 + 5 + 7 + 7 indicators
    assert plans["140000"].indicators.count() == 25
    assert sorted(plans["140521"].actions.values_list("number", flat=True)) == sorted(TEST_ACTIONS)


def test_departments_carry_the_level_of_their_area(province_demo):
    qinshui = OrgUnit.objects.get(code="140521")
    names = set(Department.objects.filter(org_unit=qinshui).values_list("name", flat=True))
    assert "县卫生健康委" in names and "市卫生健康委" not in names
    assert province_demo["plans"]["140000"].actions.get(number=1).lead_department.name == "省卫生健康委"


def test_an_office_per_area_and_a_liaison_per_department(province_demo, client):
    office = Membership.objects.get(user__username="office140521")
    assert (office.role, office.org_unit.code) == (Role.OFFICE_ADMIN, "140521")
    health = Membership.objects.get(department__name="县卫生健康委", department__org_unit__code="140521")
    assert health.role == Role.DEPARTMENT_LIAISON
    assert client.login(username="office140600", password=PASSWORD)
    assert not get_user_model().objects.get(username="office140000").is_superuser


def test_lower_areas_with_their_own_plan_owe_nothing_to_the_plan_above(province_demo):
    plans = province_demo["plans"]
    jincheng = plans["140500"]
    assert not DueItem.objects.filter(plan=jincheng, org_unit__parent=jincheng.org_unit).exists()
    assert not DueItem.objects.filter(plan=plans["140000"]).exclude(org_unit__code="140000").exists()
    assert DueItem.objects.filter(plan=plans["140521"], org_unit__code="140521").exists()


def test_counted_indicators_are_reported_by_the_counties_only(province_demo):
    literacy = IndicatorValue.objects.filter(
        indicator__name="居民健康素养水平", indicator__plan__in=province_demo["plans"].values()
    )
    assert set(literacy.values_list("org_unit__level", flat=True)) == {Level.COUNTY}
    # 12 counties × 2020–2025
    assert literacy.count() == 72
    assert not literacy.filter(numerator__isnull=True).exists()


def test_building_twice_keeps_one_copy(province_demo):
    def counts():
        plans = Plan.objects.filter(doc_number__in=[doc_number(code) for code in province_demo["plans"]])
        return (
            plans.count(),
            IndicatorValue.objects.filter(indicator__plan__in=plans).count(),
            DueItem.objects.filter(plan__in=plans).count(),
            OrgUnit.objects.filter(path__startswith="/140000/").count(),
            Membership.objects.filter(org_unit__path__startswith="/140000/").count(),
        )

    before = counts()
    again = build_province(actions=TEST_ACTIONS)
    assert counts() == before
    assert before[0] == 16 and before[3] == 16
    assert again["values"] == province_demo["values"]
