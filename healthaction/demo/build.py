"""Build the demo data set: org units, departments, a published plan with values, demo users."""

import copy
import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from healthaction.catalogue.services import load_catalogue, match_plan
from healthaction.collection.models import IndicatorValue, TaskReport
from healthaction.collection.services import publish_plan
from healthaction.core.choices import Comparator, Level, PlanStatus, TargetKind, TaskProgress, ValueStatus
from healthaction.demo import content
from healthaction.demo import inspections as demo_inspections
from healthaction.documents.targets import infer_direction, parse_baseline, parse_target, settle_implicit
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.plans.interchange import import_plan
from healthaction.plans.models import Plan
from healthaction.registry.models import Department, DepartmentAlias, Membership, OrgUnit

DEMO_DOC_NUMBER = "青健推发〔2021〕1号"
BASE_YEAR = 2020
VALUE_YEARS = range(2020, 2026)
# the demo city has reported live since 2025: earlier periods are history, never overdue
DEMO_REPORTING_START = dt.date(2025, 1, 1)


def _org_units() -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}

    def upsert(code, name, level, parent):
        unit, _ = OrgUnit.objects.update_or_create(code=code, defaults={"name": name, "level": level, "parent": parent})
        units[code] = unit
        return unit

    province = upsert(*content.PROVINCE, Level.PROVINCE, None)
    city = upsert(*content.CITY, Level.CITY, province)
    for code, name, towns in content.COUNTIES:
        county = upsert(code, name, Level.COUNTY, city)
        for t, town_name in enumerate(towns, start=1):
            town = upsert(f"{code}{t:03d}", town_name, Level.TOWN, county)
            for c, community in enumerate(content.COMMUNITIES_PER_TOWN, start=1):
                upsert(f"{town.code}{c:03d}", f"{town_name}{community}", Level.VILLAGE, town)
    demo_inspections.healthy_cell_units(units, content.COUNTIES)
    return units


def _departments(city: OrgUnit) -> None:
    for name, aliases in content.DEPARTMENTS.items():
        dept, _ = Department.objects.get_or_create(org_unit=city, name=name)
        for alias in aliases:
            DepartmentAlias.objects.get_or_create(department=dept, alias=alias, defaults={"org_unit": city})


TASK_TEXTS = {
    TaskProgress.DONE: "已完成年度工作方案制定并组织实施，相关佐证材料已归档。",
    TaskProgress.IN_PROGRESS: "按计划推进，已召开专题会议部署，部分活动已开展。",
    TaskProgress.DELAYED: "受经费和人员影响，进度滞后，已制定整改措施。",
}


def department_reports(task, department_id: int, org_unit, rng: random.Random) -> list[TaskReport]:
    """Approved progress reports of one department for the half-years 2021–2025, about one in eight missing (and the
    last half-year always), so the inbox has overdue items; `rng` makes them deterministic."""
    reports = []
    for year in range(2021, 2026):
        for half in (1, 2):
            if (year, half) == (2025, 2) or rng.random() < 0.12:
                continue
            progress = rng.choice(
                [TaskProgress.DONE, TaskProgress.IN_PROGRESS, TaskProgress.IN_PROGRESS, TaskProgress.DELAYED]
            )
            submitted = dt.datetime(year, 6 if half == 1 else 12, rng.choice([2, 8, 14, 20]), 10, tzinfo=dt.UTC)
            reports.append(
                TaskReport(
                    task=task,
                    department_id=department_id,
                    org_unit=org_unit,
                    year=year,
                    half=half,
                    progress=progress,
                    text=TASK_TEXTS[progress],
                    status=ValueStatus.APPROVED,
                    submitted_at=submitted,
                    approved_at=submitted + dt.timedelta(days=2),
                )
            )
    return reports


def _task_reports(plan: Plan) -> None:
    """Create approved progress reports for past half-years, leaving some missing so the inbox has overdue items."""
    reports = []
    for task in plan.tasks.prefetch_related("task_departments"):
        for td in task.task_departments.all():
            rng = random.Random(f"task/{task.pk}/{td.department_id}")
            reports += department_reports(task, td.department_id, plan.org_unit, rng)
        if task.all_lower_units:
            for county in plan.org_unit.children.all():
                rng = random.Random(f"task/{task.pk}/{county.code}")
                for year in range(2021, 2026):
                    for half in (1, 2):
                        if (year, half) == (2025, 2) or rng.random() < 0.15:
                            continue
                        progress = rng.choice([TaskProgress.DONE, TaskProgress.IN_PROGRESS, TaskProgress.DELAYED])
                        submitted = dt.datetime(
                            year, 6 if half == 1 else 12, rng.choice([5, 12, 18]), 10, tzinfo=dt.UTC
                        )
                        reports.append(
                            TaskReport(
                                task=task,
                                department=None,
                                org_unit=county,
                                year=year,
                                half=half,
                                progress=progress,
                                text=TASK_TEXTS[progress],
                                status=ValueStatus.APPROVED,
                                submitted_at=submitted,
                                approved_at=submitted + dt.timedelta(days=2),
                            )
                        )
    TaskReport.objects.bulk_create(reports, batch_size=2000)


def _demo_targets(t22: str, t30: str) -> list[dict]:
    """Return the 2022 and 2030 targets of one content row (relative ones measured from the base year or 2022)."""
    targets = []
    for year, raw in ((2022, t22), (2030, t30)):
        target = parse_target(raw)
        if target is None:
            continue
        target.pop("unit", None)
        if target["kind"] == "relative" and target["base_year"] is None and not target["change_unit"].endswith("/yr"):
            target["base_year"] = BASE_YEAR if year == 2022 else 2022
        targets.append({"year": year, **target})
    return targets


def _demo_indicator(number: str, i: int, row: str) -> dict:
    """Return indicator `i` of action `number` from its content row in the interchange format."""
    ind_name, unit, group, nature, base_raw, t22, t30 = row.split("|")
    baseline = parse_baseline(base_raw)
    targets = _demo_targets(t22, t30)
    direction = infer_direction(ind_name, targets, baseline)
    settle_implicit(targets, direction)
    return {
        "number": f"{number}.{i}",
        "action": number,
        "name": ind_name,
        "unit": unit,
        "group": content.GROUPS[group],
        "nature": content.NATURES[nature],
        "direction": direction,
        "definition": "",
        "calculation": "",
        "numerator": "",
        "denominator": "",
        "baseline": None if baseline is None else {**baseline, "year": BASE_YEAR},
        "targets": targets,
        "source": {"lines": None, "text": ""},
    }


def _demo_tasks(number: str, name: str, lead: str) -> list[dict]:
    """Return the tasks of one action, one per task template, in the interchange format."""
    co = content.CO_DEPARTMENTS[number]
    return [
        {
            "number": f"{number}.{t}",
            "action": number,
            "content": template.format(area=name.removesuffix("行动")),
            "measures": "",
            "deliverables": "工作方案、活动记录及照片等佐证材料",
            "lead_departments": [lead],
            "co_departments": co[: 1 + t],
            "all_lower_units": t != 2,
            "reporting_cycle": "task-progress",
            "source": {"lines": None, "text": ""},
        }
        for t, template in enumerate(content.TASK_TEMPLATES, start=1)
    ]


DEMO_REPORTING_CYCLES = [
    {
        "key": "task-progress",
        "name": "任务进展半年报",
        "kind": "task_progress",
        "frequency": "semiannual",
        "due_dates": ["06-15", "12-15"],
        "source_text": "",
    },
    {
        "key": "indicator-values",
        "name": "指标年度监测",
        "kind": "indicator_value",
        "frequency": "annual",
        "due_dates": ["06-05"],
        "source_text": "",
    },
    {
        "key": "monitoring-report",
        "name": "年度监测评估报告",
        "kind": "monitoring_report",
        "frequency": "annual",
        "due_dates": ["06-05"],
        "source_text": "",
    },
]


def plan_data() -> dict:
    """Return the demo plan in the interchange format."""
    indicators, tasks = [], []
    for number, name, lead, rows in content.ACTIONS:
        indicators += [_demo_indicator(number, i, row) for i, row in enumerate(rows, start=1)]
        tasks += _demo_tasks(number, name, lead)
    return {
        "format": "healthaction.plan",
        "version": 1,
        "plan": {
            "title": "健康青川行动实施方案（2021—2030年）",
            "issuer": "青川市人民政府",
            "doc_number": DEMO_DOC_NUMBER,
            "issue_date": "2021-03-18",
            "horizon": {"start": BASE_YEAR, "end": 2030},
            "org_unit": {"code": content.CITY[0], "name": content.CITY[1], "level": "city"},
            "status": PlanStatus.PUBLISHED,
            "is_public": True,
            "source": {"file": "", "sha256": ""},
        },
        "departments": [{"name": n, "aliases": a} for n, a in content.DEPARTMENTS.items()],
        "reporting_cycles": copy.deepcopy(DEMO_REPORTING_CYCLES),
        "actions": [
            {"number": n, "name": name, "lead_department": lead, "source": {"lines": None, "text": ""}}
            for n, name, lead, _ in content.ACTIONS
        ],
        "indicators": indicators,
        "tasks": tasks,
        "roster": [],
        "warnings": [],
    }


def _reported(rng: random.Random, year: int) -> dict:
    """Return submission and approval times around the 06-05 deadline of the following year (a few late)."""
    submitted = dt.datetime(year + 1, 5, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=rng.choice([5, 12, 20, 28, 33, 45]))
    return {"submitted_at": submitted, "approved_at": submitted + dt.timedelta(days=3)}


def _values(plan: Plan, units: list[OrgUnit]) -> int:
    """Create plausible approved values for 2020–2025: most indicators move toward target, some lag or regress."""
    rows = []
    for ind in (
        plan.indicators.exclude(name__in=content.MEASURED_BY_INSPECTION)
        .select_related("baseline")
        .prefetch_related("targets")
    ):
        targets = {t.year: t for t in ind.targets.all()}
        qualitative = any(t.kind == TargetKind.QUALITATIVE for t in targets.values())
        baseline = getattr(ind, "baseline", None)
        for unit in units:
            rng = random.Random(f"{ind.number}/{unit.code}")
            if qualitative:
                achieved_from = rng.choice([2021, 2022, 2023, 2024, 2099])
                for year in VALUE_YEARS:
                    rows.append(
                        IndicatorValue(
                            indicator=ind,
                            org_unit=unit,
                            year=year,
                            qualitative="实现" if year >= achieved_from else "未实现",
                            status=ValueStatus.APPROVED,
                            **_reported(rng, year),
                        )
                    )
                continue
            start = baseline.value if baseline and baseline.value is not None else None
            goal = next(
                (
                    t.value
                    for y, t in sorted(targets.items())
                    if t.value is not None and t.comparator != Comparator.RANGE
                ),
                None,
            )
            if start is None and goal is None:
                if ind.nature == "advocacy" or not ind.unit:
                    continue
                start, goal = 50.0, 60.0
            if start is None:
                start = goal * (0.85 if ind.direction != "decrease" else 1.15)
            if goal is None:
                goal = start * (1.1 if ind.direction != "decrease" else 0.9)
            start *= rng.uniform(0.92, 1.08)
            pace = rng.choice([1.3, 1.1, 1.0, 0.8, 0.5, 0.2, -0.3])
            for k, year in enumerate(VALUE_YEARS):
                value = start + (goal - start) * pace * k / 4 + rng.gauss(0, abs(goal - start) * 0.05 + 0.01)
                if ind.unit == "%":
                    value = min(max(value, 0.0), 100.0)
                value = max(value, 0.0)
                rows.append(
                    IndicatorValue(
                        indicator=ind,
                        org_unit=unit,
                        year=year,
                        value=round(value, 2),
                        status=ValueStatus.APPROVED,
                        source="青川市统计年鉴（演示）",
                        **_reported(rng, year),
                    )
                )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


@transaction.atomic
def build_demo() -> dict:
    """Create or refresh the demo; running it again keeps exactly one copy. Return counts and logins."""
    Plan.objects.filter(doc_number=DEMO_DOC_NUMBER).delete()
    units = _org_units()
    city = units[content.CITY[0]]
    _departments(city)
    plan = import_plan(plan_data())
    reporting_units = [city] + [units[code] for code, _, _ in content.COUNTIES]
    value_count = _values(plan, reporting_units)
    _task_reports(plan)
    publish_plan(plan, start=DEMO_REPORTING_START)

    User = get_user_model()
    logins = []
    for username, password, full_name, role, unit_code, dept_name, action_number in content.USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": full_name,
                "is_staff": False,
                "is_superuser": False,  # an ordinary office account: the office's rights come from its role
                "email": f"{username}@demo.invalid",
            },
        )
        user.set_password(password)
        user.save()
        user.memberships.all().delete()
        Membership.objects.create(
            user=user,
            role=role,
            org_unit=units[unit_code],
            department=Department.objects.get(org_unit=city, name=dept_name) if dept_name else None,
            action=plan.actions.get(number=action_number) if action_number else None,
        )
        logins.append((username, password, full_name))
    admin, _ = User.objects.update_or_create(
        username=content.ADMIN[0],
        defaults={
            "first_name": content.ADMIN[2],
            "is_staff": True,
            "is_superuser": True,
            "email": f"{content.ADMIN[0]}@demo.invalid",
        },
    )
    admin.set_password(content.ADMIN[1])
    admin.save()
    admin.memberships.all().delete()
    logins.append(content.ADMIN)

    load_catalogue()
    match_plan(plan)
    inspections = demo_inspections.build(plan)
    logins.append(inspections["login"])
    results = evaluate_plan(plan)
    assess_plan(plan, max(VALUE_YEARS))
    return {
        "plan": plan,
        "results": results,
        "actions": plan.actions.count(),
        "indicators": plan.indicators.count(),
        "tasks": plan.tasks.count(),
        "departments": Department.objects.filter(org_unit=city).count(),
        "org_units": OrgUnit.objects.filter(path__startswith=city.path).count(),
        "values": value_count,
        "logins": logins,
        "healthy_community_share": inspections["share"],
    }
