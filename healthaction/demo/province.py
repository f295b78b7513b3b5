"""The province demo: 山西省, three of its cities and four counties of each, every area with its own plan.

Area codes and names are the official ones (民政部 administrative division codes). Each area's plan is the demo
plan (demo/content.py) written for that area: its departments carry the area's prefix (省/市/县), a few counties
set a lower target than their city, and a few indicators are reported as numerator and denominator by the
counties only, so the cities' and the province's values of them are rolled up from the counties' reports.
Everything is deterministic: the random numbers are seeded by indicator and area.
"""

from __future__ import annotations

import copy
import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q

from healthaction.collection.models import IndicatorValue, TaskReport
from healthaction.collection.services import publish_plan
from healthaction.core.choices import Comparator, Level, Role, TargetKind, ValueStatus
from healthaction.demo import content
from healthaction.demo.build import BASE_YEAR, DEMO_REPORTING_START, VALUE_YEARS, department_reports, plan_data
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.plans.interchange import import_plan
from healthaction.plans.models import Plan
from healthaction.registry import divisions
from healthaction.registry.models import Department, Membership, OrgUnit

PROVINCE = ("140000", "山西省", "晋")
# city code, name, short name, document prefix, counties (code, name)
CITIES = [
    (
        "140400",
        "长治市",
        "长治",
        "长",
        [("140403", "潞州区"), ("140404", "上党区"), ("140423", "襄垣县"), ("140428", "长子县")],
    ),
    (
        "140500",
        "晋城市",
        "晋城",
        "晋市",
        [("140521", "沁水县"), ("140522", "阳城县"), ("140524", "陵川县"), ("140525", "泽州县")],
    ),
    (
        "140600",
        "朔州市",
        "朔州",
        "朔",
        [("140602", "朔城区"), ("140603", "平鲁区"), ("140621", "山阴县"), ("140622", "应县")],
    ),
]
PASSWORD = "demo-province-2026"

# indicators the counties report as numerator and denominator; the levels above report no value of their own
ROLLED_UP = {
    "居民健康素养水平": ("具备基本健康素养的调查对象数", "健康素养监测调查对象数", 400, 800),
    "农村卫生厕所普及率": ("使用卫生厕所的农户数", "农户总数", 30_000, 90_000),
    "高血压患者规范管理率": ("规范管理的高血压患者人数", "登记管理的高血压患者人数", 5_000, 15_000),
}
# the actions the tests' province keeps (quick to build): the three rolled-up indicators are among them
TEST_ACTIONS = frozenset({1, 4, 6, 11})
WEAKER_SHARE = 0.12  # share of a county's numeric targets set below its city's


def doc_number(code: str) -> str:
    return f"健推发〔2021〕{code}号"


def _areas() -> list[tuple[OrgUnit, OrgUnit | None]]:
    """Create or update the province, its cities and counties; return (area, the area above) from the top down.

    Names and levels come from the shipped division data (registry/data); only these areas are created, not
    every town below them, so that the demo stays the size of one province's chain.
    """

    def upsert(code, parent):
        division = divisions.get(code)
        unit, _ = OrgUnit.objects.update_or_create(
            code=code, defaults={"name": division.name, "level": division.level, "parent": parent}
        )
        return unit

    province = upsert(PROVINCE[0], None)
    areas = [(province, None)]
    for code, _name, _short, _prefix, counties in CITIES:
        city = upsert(code, province)
        areas.append((city, province))
        areas += [(upsert(c, city), city) for c, _n in counties]
    return areas


def _short(area: OrgUnit) -> str:
    if area.code == PROVINCE[0]:
        return "山西"
    for code, _name, short, _prefix, _counties in CITIES:
        if area.code == code:
            return short
    return area.name.removesuffix("县").removesuffix("区") if len(area.name) > 2 else area.name


def _department(name: str, level: str) -> str:
    """市卫生健康委 → 省卫生健康委 / 县卫生健康委; 团市委 → 团省委 / 团县委."""
    return name.replace("市", level_word(level), 1)


def area_plan_data(area: OrgUnit, actions: set[int] | None = None) -> dict:
    """Return the demo plan written for one area, in the interchange format (only some actions, if given)."""
    data = copy.deepcopy(plan_data())
    if actions:
        data["actions"] = [a for a in data["actions"] if a["number"] in actions]
        data["indicators"] = [i for i in data["indicators"] if i["action"] in actions]
        data["tasks"] = [t for t in data["tasks"] if t["action"] in actions]
    level = area.level
    rename = {name: _department(name, level) for name in content.DEPARTMENTS}
    short = _short(area)
    data["plan"].update(
        {
            "title": f"健康{short}行动实施方案（2021—2030年）",
            "issuer": f"{area.name}人民政府",
            "doc_number": doc_number(area.code),
            "org_unit": {"code": area.code, "name": area.name, "level": level},
        }
    )
    data["departments"] = [
        {"name": rename[d["name"]], "aliases": [_department(a, level) for a in d["aliases"]]}
        for d in data["departments"]
    ]
    for action in data["actions"]:
        action["lead_department"] = rename[action["lead_department"]]
    for task in data["tasks"]:
        task["lead_departments"] = [rename[d] for d in task["lead_departments"]]
        task["co_departments"] = [rename[d] for d in task["co_departments"]]
        task["content"] = task["content"].replace("全市", f"全{level_word(level)}")
    for ind in data["indicators"]:
        ind["name"] = ind["name"].replace("全市", f"全{level_word(level)}")
        if ind["name"] in ROLLED_UP:
            ind["numerator"], ind["denominator"] = ROLLED_UP[ind["name"]][:2]
        if level == Level.COUNTY:
            _maybe_weaker(ind, area)
    return data


def level_word(level: str) -> str:
    return {Level.PROVINCE: "省", Level.CITY: "市"}.get(level, "县")


def _maybe_weaker(ind: dict, area: OrgUnit) -> None:
    """Lower some of a county's "≥X" targets by a tenth: the comparison with the city's plan has something to flag."""
    rng = random.Random(f"weaker/{ind['number']}/{area.code}")
    if rng.random() >= WEAKER_SHARE:
        return
    for target in ind["targets"]:
        if target["kind"] == "numeric" and target["comparator"] == ">=" and target["value"]:
            target["value"] = round(target["value"] * 0.9, 1)
            target["raw"] = f"≥{target['value']:g}"


def _values(plan: Plan, area: OrgUnit) -> int:
    """Approved values of 2020–2025 for the plan's own area; rolled-up indicators only where a county reports."""
    rows = []
    for ind in (
        plan.indicators.exclude(name__in=content.MEASURED_BY_INSPECTION)
        .select_related("baseline")
        .prefetch_related("targets")
    ):
        targets = sorted(ind.targets.all(), key=lambda t: t.year)
        rng = random.Random(f"province-demo/{ind.number}/{area.code}")
        reported = {
            "status": ValueStatus.APPROVED,
            "source": f"{area.name}统计资料（演示）",
        }
        if ind.numerator:
            if area.level != Level.COUNTY:
                continue  # rolled up from the counties' numerators and denominators
            _num_name, _den_name, low, high = ROLLED_UP[ind.name]
            denominator = rng.randint(low, high)
            share = (ind.baseline.value if hasattr(ind, "baseline") and ind.baseline.value else 50.0) / 100
            for k, year in enumerate(VALUE_YEARS):
                s = min(share * (1 + 0.03 * k) * rng.uniform(0.95, 1.05), 0.99)
                numerator = round(denominator * s)
                rows.append(
                    IndicatorValue(
                        indicator=ind,
                        org_unit=area,
                        year=year,
                        numerator=numerator,
                        denominator=denominator,
                        value=round(numerator / denominator * 100, 2),
                        **reported,
                        **_times(rng, year),
                    )
                )
            continue
        if any(t.kind == TargetKind.QUALITATIVE for t in targets):
            achieved_from = rng.choice([2021, 2022, 2023, 2024, 2099])
            rows += [
                IndicatorValue(
                    indicator=ind,
                    org_unit=area,
                    year=year,
                    qualitative="实现" if year >= achieved_from else "未实现",
                    **reported,
                    **_times(rng, year),
                )
                for year in VALUE_YEARS
            ]
            continue
        baseline = getattr(ind, "baseline", None)
        start = baseline.value if baseline and baseline.value is not None else None
        goal = next((t.value for t in targets if t.value is not None and t.comparator != Comparator.RANGE), None)
        if start is None and goal is None:
            if ind.nature == "advocacy" or not ind.unit:
                continue
            start, goal = 50.0, 60.0
        start = start if start is not None else goal * (0.85 if ind.direction != "decrease" else 1.15)
        goal = goal if goal is not None else start * (1.1 if ind.direction != "decrease" else 0.9)
        start *= rng.uniform(0.92, 1.08)
        pace = rng.choice([1.3, 1.1, 1.0, 0.8, 0.5, 0.2, -0.3])
        for k, year in enumerate(VALUE_YEARS):
            value = start + (goal - start) * pace * k / 4 + rng.gauss(0, abs(goal - start) * 0.05 + 0.01)
            value = min(max(value, 0.0), 100.0) if ind.unit == "%" else max(value, 0.0)
            rows.append(
                IndicatorValue(
                    indicator=ind, org_unit=area, year=year, value=round(value, 2), **reported, **_times(rng, year)
                )
            )
    IndicatorValue.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _times(rng: random.Random, year: int) -> dict:
    submitted = dt.datetime(year + 1, 5, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=rng.choice([5, 12, 20, 28, 33, 45]))
    return {"submitted_at": submitted, "approved_at": submitted + dt.timedelta(days=3)}


def _task_reports(plan: Plan) -> int:
    """Progress reports of the plan's departments for past half-years, a few missing (overdue in the inbox)."""
    reports = []
    for task in plan.tasks.prefetch_related("task_departments"):
        for td in task.task_departments.all():
            rng = random.Random(f"province-task/{plan.org_unit.code}/{task.number}/{td.department_id}")
            reports += department_reports(task, td.department_id, plan.org_unit, rng)
    TaskReport.objects.bulk_create(reports, batch_size=2000)
    return len(reports)


def office_username(area: OrgUnit) -> str:
    return f"office{area.code}"


def liaison_username(area: OrgUnit, k: int) -> str:
    return f"liaison{area.code}_{k}"


def _accounts(plans: dict[str, Plan]) -> list[tuple[str, str, str]]:
    """An office account per area and a liaison per department that owes reports; one password hash for all."""
    User = get_user_model()
    hashed = make_password(PASSWORD)
    wanted: list[tuple[str, str, dict]] = []  # username, full name, membership
    for plan in plans.values():
        area = plan.org_unit
        wanted.append((office_username(area), f"{area.name}推进办", {"role": Role.OFFICE_ADMIN, "org_unit": area}))
        owing = Department.objects.filter(
            Q(task_roles__task__plan=plan) | Q(led_actions__plan=plan), org_unit=area
        ).distinct()
        for k, dept in enumerate(owing.order_by("name"), start=1):
            wanted.append(
                (
                    liaison_username(area, k),
                    f"{dept.name}联络员",
                    {"role": Role.DEPARTMENT_LIAISON, "org_unit": area, "department": dept},
                )
            )
    names = [w[0] for w in wanted]
    existing = {u.username: u for u in User.objects.filter(username__in=names)}
    fresh = [
        User(username=name, first_name=full, password=hashed, email=f"{name}@demo.invalid")
        for name, full, _m in wanted
        if name not in existing
    ]
    User.objects.bulk_create(fresh)
    User.objects.filter(username__in=names).update(password=hashed, is_active=True)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    Membership.objects.filter(user__in=users.values()).delete()
    Membership.objects.bulk_create([Membership(user=users[name], **m) for name, _full, m in wanted])
    return [(name, PASSWORD, full) for name, full, _m in wanted]


@transaction.atomic
def build_province(*, actions: set[int] | None = None) -> dict:
    """Create or refresh the province demo; running it again keeps exactly one copy. Return its plans and logins.

    `actions` keeps only those actions of every plan (tests use a few to stay quick); the demo has them all.
    """
    areas = _areas()
    numbers = [doc_number(area.code) for area, _above in areas]
    Plan.objects.filter(doc_number__in=numbers).delete()
    plans: dict[str, Plan] = {}
    values = 0
    for area, above in areas:
        plan = import_plan(area_plan_data(area, actions), area=area)
        plan.parent = plans[above.code] if above else None
        plan.save(update_fields=["parent"])
        plans[area.code] = plan
        values += _values(plan, area)
        _task_reports(plan)
    for area, _above in reversed(areas):  # publish lower plans first: their areas then owe nothing to the plan above
        publish_plan(plans[area.code], start=DEMO_REPORTING_START)
    for area, _above in reversed(areas):  # counties first: the levels above read their rolled-up values
        evaluate_plan(plans[area.code])
        assess_plan(plans[area.code], max(VALUE_YEARS))
    logins = _accounts(plans)
    return {
        "province": plans[PROVINCE[0]],
        "plans": plans,
        "values": values,
        "logins": logins,
        "base_year": BASE_YEAR,
    }
