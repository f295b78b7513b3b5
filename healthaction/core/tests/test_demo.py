from django.contrib.auth import get_user_model

from healthaction.collection.models import IndicatorValue
from healthaction.core.choices import Role
from healthaction.demo.build import DEMO_DOC_NUMBER, build_demo
from healthaction.plans.models import Plan, Target
from healthaction.registry.models import Department, OrgUnit


def test_the_demo_has_a_city_plan_with_every_target_kind(demo):
    plan = demo["plan"]
    # demo/content.py lists 17 actions with 103 indicators among them, and 32 city departments
    assert plan.actions.count() == 17
    assert plan.indicators.count() == 103
    assert set(Target.objects.filter(indicator__plan=plan).values_list("kind", flat=True)) == {
        "numeric",
        "relative",
        "directional",
        "qualitative",
    }
    assert Department.objects.filter(org_unit__code="990100").count() == 32
    levels = set(OrgUnit.objects.values_list("level", flat=True))
    assert {"province", "city", "county", "town", "village"} <= levels
    years = set(IndicatorValue.objects.filter(indicator__plan=plan).values_list("year", flat=True))
    assert years == {2020, 2021, 2022, 2023, 2024, 2025}


def test_running_the_demo_twice_keeps_one_copy(demo):
    counts = (Plan.objects.count(), OrgUnit.objects.count(), Department.objects.count(), IndicatorValue.objects.count())
    build_demo()
    assert (
        Plan.objects.count(),
        OrgUnit.objects.count(),
        Department.objects.count(),
        IndicatorValue.objects.count(),
    ) == counts
    assert Plan.objects.filter(doc_number=DEMO_DOC_NUMBER).count() == 1


def test_the_demo_has_a_user_for_each_role(demo):
    roles = set(get_user_model().objects.values_list("memberships__role", flat=True))
    assert {Role.OFFICE_ADMIN, Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE, Role.LEADER, Role.ACTION_LEAD} <= roles
    liaison = get_user_model().objects.get(username="liaison")
    assert liaison.memberships.get().department.name == "市卫生健康委"
    assert liaison.check_password("demo-liaison-2026")


def test_values_stay_within_the_range_of_percentages(demo):
    assert not IndicatorValue.objects.filter(indicator__unit="%", value__gt=100).exists()
    assert not IndicatorValue.objects.filter(value__lt=0).exists()
