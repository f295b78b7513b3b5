"""A plan small enough to count its due items by hand (used by the cycle, people and robot tests).

城东市 (one county 东湖县), plan 2024–2026, default cycles: an indicator value for year Y is due on
06-05 of Y+1 (city only: not reported by lower units); a task is reported per half-year on 06-15 and 12-15
by one department (市卫健局). A second action has an indicator but no lead department (unassigned).
"""

from healthaction.core.choices import Level
from healthaction.plans.models import Action, Indicator, Plan, Target, Task, TaskDepartment
from healthaction.registry.models import Department, OrgUnit


def small_plan(lead: bool = True) -> Plan:
    city = OrgUnit.objects.create(code="880100", name="城东市", level=Level.CITY)
    OrgUnit.objects.create(code="880101", name="东湖县", level=Level.COUNTY, parent=city)
    health = Department.objects.create(org_unit=city, name="市卫健局")
    Department.objects.create(org_unit=city, name="市教育局")
    plan = Plan.objects.create(org_unit=city, title="健康城东行动", horizon_start=2024, horizon_end=2026)
    one = Action.objects.create(plan=plan, number=1, name="健康知识普及行动", lead_department=health if lead else None)
    two = Action.objects.create(plan=plan, number=2, name="中小学健康促进行动")
    ind = Indicator.objects.create(
        plan=plan,
        action=one,
        number="1",
        name="居民健康素养水平",
        unit="%",
        nature="binding",
        report_by_lower_units=False,
    )
    Target.objects.create(indicator=ind, year=2025, kind="absolute", comparator=">=", value=25, raw_text="≥25%")
    Target.objects.create(indicator=ind, year=2026, kind="absolute", comparator=">=", value=30, raw_text="≥30%")
    Indicator.objects.create(
        plan=plan,
        action=two,
        number="2",
        name="中小学生体质健康标准达标优良率",
        unit="%",
        nature="expected",
        report_by_lower_units=False,
    )
    task = Task.objects.create(plan=plan, action=one, number="1.1", content="开展健康知识进万家活动")
    TaskDepartment.objects.create(task=task, department=health, role="lead")
    county_task = Task.objects.create(
        plan=plan, action=two, number="2.1", content="各县推进健康学校建设", all_lower_units=True, position=1
    )
    assert county_task.task_departments.count() == 0
    return plan
