"""A province-scale data set for tests and benchmarks: generated, deterministic, sized by a `Scale`.

At full size (`FULL`): 1 province, 14 cities, 120 counties, 2,500 liaison accounts, a provincial plan and one plan
per city with 125 indicators each, 6 years of values (the last two with their revision histories: submitted,
returned, resubmitted, approved), task progress reports, evidence records, a supervision round per plan with
scored, signed-off visits and findings, due items from the real publishing path and stored evaluation results.

Everything is bulk-created; one password hash is computed once and shared by every account. The same seed gives
the same data. Tests build it small (`SMALL`, `MEDIUM`) to check that a page's queries do not grow with the data;
`healthaction demo --province-scale` and bench/web_load.py --province build it at full size (`healthaction demo
--province` is the smaller province demo of demo/province.py, each area with its own plan).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from healthaction.collection.models import DueItem, Evidence, IndicatorValue, Revision, TaskReport
from healthaction.collection.services import desired_due_items
from healthaction.core.choices import (
    Comparator,
    CycleKind,
    DepartmentRole,
    Direction,
    DueKind,
    Frequency,
    IndicatorGroup,
    Level,
    Nature,
    PlanStatus,
    RevisionAction,
    Role,
    TargetKind,
    TaskProgress,
    ValueStatus,
)
from healthaction.evaluation.services import assess_plan, evaluate_plan
from healthaction.inspections import services as inspections
from healthaction.inspections.models import Finding, Visit
from healthaction.plans.models import Action, Baseline, Indicator, Plan, ReportingCycle, Target, Task, TaskDepartment
from healthaction.registry.models import Department, Membership, OrgUnit


@dataclass(frozen=True)
class Scale:
    cities: int = 14
    counties: int = 120  # spread over the cities in turn
    liaisons: int = 2500  # department liaisons and county offices, spread over the departments and counties in turn
    indicators: int = 125  # per plan
    tasks: int = 30  # per plan
    actions: int = 10  # per plan
    departments: int = 25  # per plan-issuing unit (the province and each city)
    years: int = 6  # of values, ending in LAST_YEAR


FULL = Scale()
SMALL = Scale(cities=2, counties=4, liaisons=12, indicators=6, tasks=3, actions=2, departments=3, years=2)
MEDIUM = Scale(cities=3, counties=9, liaisons=30, indicators=12, tasks=6, actions=3, departments=4, years=3)

PROVINCE = ("PS", "江岭省")
PASSWORD = "province-scale-2026"
LAST_YEAR = 2025
HORIZON = (2020, 2030)
REPORTING_START = dt.date(2025, 1, 1)
EVIDENCE_NAME = "evidence/province-scale/proof.pdf"
EVIDENCE_BYTES = b"%PDF-1.4\n% healthaction province-scale evidence\n%%EOF\n"

CITY_NAMES = [
    "江安",
    "北岭",
    "东华",
    "南屏",
    "西川",
    "临海",
    "青原",
    "石门",
    "云阳",
    "丰泽",
    "安平",
    "白河",
    "金川",
    "玉泉",
]
COUNTY_FIRST = [
    "长",
    "平",
    "安",
    "永",
    "新",
    "清",
    "兴",
    "宁",
    "东",
    "西",
    "南",
    "北",
    "龙",
    "凤",
    "石",
    "柳",
    "桃",
    "松",
    "梅",
    "兰",
]
COUNTY_SECOND = ["河", "山", "源", "阳", "川", "林", "江", "溪", "桥", "岭", "湖", "原"]
DEPARTMENT_NAMES = [
    "卫生健康委",
    "教育局",
    "体育局",
    "市场监管局",
    "生态环境局",
    "民政局",
    "财政局",
    "人力资源社会保障局",
    "住房城乡建设局",
    "农业农村局",
    "公安局",
    "交通运输局",
    "水利局",
    "文化和旅游局",
    "医保局",
    "委宣传部",
    "妇联",
    "总工会",
    "科技局",
    "工业和信息化局",
    "商务局",
    "应急管理局",
    "统计局",
    "残联",
    "红十字会",
    "中医药局",
    "发展改革委",
    "司法局",
    "自然资源局",
    "广播电视局",
]
ACTION_NAMES = [
    "健康知识普及",
    "合理膳食",
    "全民健身",
    "控烟",
    "心理健康促进",
    "健康环境促进",
    "妇幼健康促进",
    "中小学健康促进",
    "职业健康保护",
    "老年健康促进",
    "心脑血管疾病防治",
    "癌症防治",
    "慢性呼吸系统疾病防治",
    "糖尿病防治",
    "传染病及地方病防控",
]
MEASURES = [
    "居民健康素养水平",
    "经常参加体育锻炼人数比例",
    "成人吸烟率",
    "孕产妇死亡率",
    "学生体质健康标准达标优良率",
    "重大慢性病过早死亡率",
]


@dataclass
class Province:
    """What was built: the units, plans and the logins tests and benchmarks use (all with PASSWORD)."""

    scale: Scale
    province: OrgUnit
    cities: list[OrgUnit]
    counties: list[OrgUnit]
    plans: list[Plan]  # the provincial plan first, then one per city
    logins: dict[str, str] = field(default_factory=dict)  # role → username (office, leader, liaison, county, …)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def plan(self) -> Plan:
        return self.plans[0]

    @property
    def city_plan(self) -> Plan:
        return self.plans[1]


def _county_name(k: int) -> str:
    first, second = COUNTY_FIRST[k % len(COUNTY_FIRST)], COUNTY_SECOND[(k // len(COUNTY_FIRST)) % len(COUNTY_SECOND)]
    round_ = k // (len(COUNTY_FIRST) * len(COUNTY_SECOND))
    return f"{first}{second}{round_ + 1 if round_ else ''}{'县' if k % 3 else '区'}"


def _units(scale: Scale) -> tuple[OrgUnit, list[OrgUnit], list[OrgUnit]]:
    code, name = PROVINCE
    province = OrgUnit.objects.create(code=code, name=name, level=Level.PROVINCE)
    cities = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"{code}{c + 1:02d}",
                name=f"{CITY_NAMES[c % len(CITY_NAMES)]}{c // len(CITY_NAMES) or ''}市",
                level=Level.CITY,
                parent=province,
                path=f"{province.path}{code}{c + 1:02d}/",
            )
            for c in range(scale.cities)
        ]
    )
    counties = []
    for k in range(scale.counties):
        city = cities[k % len(cities)]
        county_code = f"{city.code}{k // len(cities) + 1:02d}"
        counties.append(
            OrgUnit(
                code=county_code,
                name=_county_name(k),
                level=Level.COUNTY,
                parent=city,
                path=f"{city.path}{county_code}/",
            )
        )
    return province, cities, OrgUnit.objects.bulk_create(counties)


def _departments(scale: Scale, unit: OrgUnit) -> list[Department]:
    prefix = "省" if unit.level == Level.PROVINCE else unit.name.removesuffix("市")
    return Department.objects.bulk_create(
        [
            Department(org_unit=unit, name=f"{prefix}{DEPARTMENT_NAMES[d % len(DEPARTMENT_NAMES)]}{d // 30 or ''}")
            for d in range(scale.departments)
        ]
    )


def _plan(scale: Scale, unit: OrgUnit, departments: list[Department], number: int) -> Plan:
    """A published plan of `unit` with actions, indicators (baseline 2020, targets 2022 and 2030) and tasks."""
    plan = Plan.objects.create(
        org_unit=unit,
        issuer=f"{unit.name}人民政府",
        title=f"健康{unit.name.removesuffix('省').removesuffix('市')}行动实施方案（规模测试）",
        doc_number=f"规模〔2021〕{number}号",
        issue_date=dt.date(2021, 3, 1),
        horizon_start=HORIZON[0],
        horizon_end=HORIZON[1],
        status=PlanStatus.PUBLISHED,
        is_public=True,
    )
    cycles = ReportingCycle.objects.bulk_create(
        [
            ReportingCycle(
                plan=plan,
                key="task-progress",
                name="任务进展半年报",
                kind=CycleKind.TASK_PROGRESS,
                frequency=Frequency.SEMIANNUAL,
                due_dates=["06-15", "12-15"],
            ),
            ReportingCycle(
                plan=plan,
                key="indicator-values",
                name="指标年度监测",
                kind=CycleKind.INDICATOR_VALUE,
                frequency=Frequency.ANNUAL,
                due_dates=["06-05"],
            ),
        ]
    )
    actions = Action.objects.bulk_create(
        [
            Action(
                plan=plan,
                number=a + 1,
                name=f"{ACTION_NAMES[a % len(ACTION_NAMES)]}行动",
                lead_department=departments[a % len(departments)],
            )
            for a in range(scale.actions)
        ]
    )
    _plan_indicators(scale, plan, actions)
    _plan_tasks(scale, plan, actions, cycles[0], departments)
    return plan


def _plan_indicators(scale: Scale, plan: Plan, actions: list[Action]) -> None:
    """The indicators of `plan`, spread over its actions, with a 2020 baseline and targets for 2022 and 2030."""
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                plan=plan,
                action=actions[i % len(actions)],
                number=f"{i % len(actions) + 1}.{i // len(actions) + 1}",
                name=f"{MEASURES[i % len(MEASURES)]}（{i + 1}）",
                unit="%",
                group=IndicatorGroup.OUTCOME,
                nature=Nature.BINDING if i % 3 == 0 else Nature.EXPECTED,
                direction=Direction.DECREASE if i % 4 == 1 else Direction.INCREASE,
                position=i,
            )
            for i in range(scale.indicators)
        ]
    )
    Baseline.objects.bulk_create(
        [Baseline(indicator=ind, value=_start(ind), year=HORIZON[0], raw_text=f"{_start(ind):g}") for ind in indicators]
    )
    targets = []
    for ind in indicators:
        for year, step in ((2022, 4), (2030, 12)):
            down = ind.direction == Direction.DECREASE
            value = _start(ind) + (-step if down else step)
            comparator = Comparator.LE if down else Comparator.GE
            targets.append(
                Target(
                    indicator=ind,
                    year=year,
                    kind=TargetKind.NUMERIC,
                    comparator=comparator,
                    value=value,
                    raw_text=f"{'≤' if down else '≥'}{value:g}",
                )
            )
    Target.objects.bulk_create(targets)


def _plan_tasks(
    scale: Scale, plan: Plan, actions: list[Action], cycle: ReportingCycle, departments: list[Department]
) -> None:
    """The tasks of `plan`, spread over its actions, each with a lead department and (mostly) a co-department."""
    tasks = Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                action=actions[t % len(actions)],
                number=f"{t % len(actions) + 1}.{t // len(actions) + 1}",
                content=f"组织开展{ACTION_NAMES[t % len(ACTION_NAMES)]}重点工作（{t + 1}），按年度计划推进并报送进展。",
                deliverables="工作方案、活动记录及照片等佐证材料",
                all_lower_units=t % 3 != 1,
                reporting_cycle=cycle,
                position=t,
            )
            for t in range(scale.tasks)
        ]
    )
    roles = []
    for t, task in enumerate(tasks):
        lead = departments[t % len(departments)]
        roles.append(TaskDepartment(task=task, department=lead, role=DepartmentRole.LEAD, position=0))
        co = departments[(t + 1) % len(departments)]
        if co.pk != lead.pk:
            roles.append(TaskDepartment(task=task, department=co, role=DepartmentRole.CO, position=0))
    TaskDepartment.objects.bulk_create(roles)


def _start(ind: Indicator) -> float:
    return 40.0 + (ind.position % 7) * 5


def _accounts(scale: Scale, province, cities, counties, departments: dict[int, list[Department]]) -> dict:
    """Offices and leaders of the province and every city, an inspector, and `scale.liaisons` reporters."""
    password = make_password(PASSWORD)  # hashed once: every account shares it
    User = get_user_model()
    users, roles = [], []

    def add(username, name, role, unit, department=None):
        user = User(username=username, first_name=name, email=f"{username}@scale.invalid", password=password)
        users.append(user)
        roles.append((user, role, unit, department))
        return user

    add("ps_office", "省办公室", Role.OFFICE_ADMIN, province)
    add("ps_leader", "省领导", Role.LEADER, province)
    add("ps_inspector", "省督导组", None, None)
    for k, city in enumerate(cities, start=1):
        add(f"ps_office_{k:02d}", f"{city.name}办公室", Role.OFFICE_ADMIN, city)
        add(f"ps_leader_{k:02d}", f"{city.name}领导", Role.LEADER, city)
    reporters = [(d.org_unit, d) for unit in [province, *cities] for d in departments[unit.pk]]
    reporters += [(county, None) for county in counties]
    for k in range(scale.liaisons):
        unit, department = reporters[k % len(reporters)]
        who = department.name if department else f"{unit.name}办公室"
        add(
            f"ps_l{k + 1:04d}",
            f"{who}联络员{k // len(reporters) + 1}",
            Role.DEPARTMENT_LIAISON if department else Role.AREA_OFFICE,
            unit,
            department,
        )
    User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create(
        [
            Membership(user=u, role=role, org_unit=unit, department=department)
            for u, role, unit, department in roles
            if role
        ],
        batch_size=1000,
    )
    # the first reporter of each department and area answers for it in the data (submitted_by)
    first = {}
    for u, role, unit, department in roles:
        if role in (Role.DEPARTMENT_LIAISON, Role.AREA_OFFICE):
            first.setdefault(department.pk if department else ("unit", unit.pk), u)
    offices = {unit.pk: u for u, role, unit, _d in roles if role == Role.OFFICE_ADMIN}
    county_liaison = next(u for u, role, unit, _d in roles if role == Role.AREA_OFFICE)
    department_liaison = next(u for u, role, unit, _d in roles if role == Role.DEPARTMENT_LIAISON)
    return {
        "reporter": first,
        "offices": offices,
        "inspector": users[2],
        "logins": {
            "office": "ps_office",
            "leader": "ps_leader",
            "inspector": "ps_inspector",
            "city_office": "ps_office_01",
            "city_leader": "ps_leader_01",
            "liaison": department_liaison.username,
            "county": county_liaison.username,
        },
    }


def _moment(year: int, rng: random.Random, month: int = 5) -> dt.datetime:
    return dt.datetime(year, month, 1, 9, tzinfo=dt.UTC) + dt.timedelta(days=rng.choice([3, 12, 20, 28, 33, 41]))


def _latest_status(rng: random.Random) -> str | None:
    """The state of a value or report of the latest period: most approved, some waiting, some missing."""
    roll = rng.random()
    if roll < 0.70:
        return ValueStatus.APPROVED
    if roll < 0.82:
        return ValueStatus.SUBMITTED
    if roll < 0.88:
        return ValueStatus.RETURNED
    if roll < 0.93:
        return ValueStatus.DRAFT
    return None


def _history(obj, status: str, rng: random.Random, reporter, office, data: dict) -> list[tuple]:
    """The revisions that led to `status`: (version, action, data, comment, user); one in ten approved was first returned."""
    steps = []
    if status == ValueStatus.DRAFT:
        return [(1, RevisionAction.SAVE, {**data, "status": "draft"}, "", reporter)]
    if status == ValueStatus.APPROVED and rng.random() < 0.1:
        first = {**data, "status": "submitted"}
        if "value" in data and data["value"] is not None:
            first["value"] = round(data["value"] * 1.3, 2)
        steps += [
            (1, RevisionAction.SUBMIT, first, "", reporter),
            (2, RevisionAction.RETURN, {**first, "status": "returned"}, "数值与上年差异较大，请核实", office),
        ]
    version = len(steps) + 1
    steps.append((version, RevisionAction.SUBMIT, {**data, "status": "submitted"}, "", reporter))
    if status == ValueStatus.APPROVED:
        steps.append((version + 1, RevisionAction.APPROVE, {**data, "status": "approved"}, "", office))
    elif status == ValueStatus.RETURNED:
        steps.append((version + 1, RevisionAction.RETURN, {**data, "status": "returned"}, "请补充佐证材料", office))
    return steps


def _values(scale: Scale, plan: Plan, lower: list[OrgUnit], people: dict, evidence_file: str) -> tuple[list, dict]:
    years = range(LAST_YEAR - scale.years + 1, LAST_YEAR + 1)
    office = people["offices"][plan.org_unit_id]
    rows, histories = [], []
    for ind in plan.indicators.select_related("action").order_by("position"):
        lead = ind.action.lead_department_id
        start, down = _start(ind), ind.direction == Direction.DECREASE
        for unit in [plan.org_unit, *lower]:
            rng = random.Random(f"value/{ind.pk}/{unit.code}")
            reporter = people["reporter"].get(lead if unit.pk == plan.org_unit_id else ("unit", unit.pk))
            pace = rng.choice([1.3, 1.0, 0.8, 0.5, 0.2, -0.3])
            for k, year in enumerate(years):
                status = ValueStatus.APPROVED if year < LAST_YEAR else _latest_status(rng)
                if year == LAST_YEAR and ind.position == 0:
                    status = ValueStatus.SUBMITTED  # every review queue has values waiting, whatever the size
                value = round(start + (-1 if down else 1) * pace * (year - HORIZON[0]) + rng.gauss(0, 0.4), 2)
                if status is None:
                    continue
                submitted = _moment(year + 1, rng) if status != ValueStatus.DRAFT else None
                row = IndicatorValue(
                    indicator=ind,
                    org_unit=unit,
                    year=year,
                    value=value,
                    status=status,
                    source="统计年鉴（规模测试）",
                    submitted_by=reporter if submitted else None,
                    submitted_at=submitted,
                    approved_by=office if status == ValueStatus.APPROVED else None,
                    approved_at=submitted + dt.timedelta(days=3) if status == ValueStatus.APPROVED else None,
                    updated_by=reporter,
                )
                steps = _history(row, status, rng, reporter, office, {"value": value, "source": row.source})
                row.version = steps[-1][0] if k >= len(years) - 2 else 1
                rows.append(row)
                histories.append(steps if k >= len(years) - 2 else [])
    _bulk(IndicatorValue, rows)
    revisions = _revisions(rows, histories, IndicatorValue)
    evidence = _evidence(rows, "value", evidence_file, latest_only=True)
    return rows, {"values": len(rows), "revisions": revisions, "evidence": evidence}


def _revisions(rows, histories, model) -> int:
    kind = ContentType.objects.get_for_model(model).pk
    now = timezone.now()
    return _rows(
        Revision,
        ["content_type_id", "object_id", "version", "action", "data", "comment", "user_id", "created_at"],
        (
            [kind, row.pk, v, a, d, c, u.pk if u else None, now]
            for row, steps in zip(rows, histories, strict=True)
            for v, a, d, c, u in steps
        ),
    )


def _evidence(rows, field_name: str, name: str, latest_only: bool) -> int:
    size, digest = len(EVIDENCE_BYTES), hashlib.sha256(EVIDENCE_BYTES).hexdigest()
    chosen = [
        r
        for r in rows
        if r.status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
        and (not latest_only or r.year == LAST_YEAR)
        and r.pk % 4 == 0
    ]
    _bulk(
        Evidence,
        [
            Evidence(
                **{field_name: r},
                file=name,
                original_name="佐证材料.pdf",
                content_type="application/pdf",
                size=size,
                sha256=digest,
                uploaded_by=r.submitted_by,
            )
            for r in chosen
        ],
    )
    return len(chosen)


TASK_TEXTS = {
    TaskProgress.DONE: "已完成年度工作方案制定并组织实施，相关佐证材料已归档。",
    TaskProgress.IN_PROGRESS: "按计划推进，已召开专题会议部署，部分活动已开展。",
    TaskProgress.DELAYED: "受经费和人员影响，进度滞后，已制定整改措施。",
}


def _task_reports(
    scale: Scale, plan: Plan, lower: list[OrgUnit], people: dict, evidence_file: str
) -> tuple[list, dict]:
    years = range(LAST_YEAR - scale.years + 1, LAST_YEAR + 1)
    office = people["offices"][plan.org_unit_id]
    rows, histories = [], []
    for task in plan.tasks.prefetch_related("task_departments").order_by("position"):
        responsible = [(plan.org_unit, td.department_id) for td in task.task_departments.all()]
        if task.all_lower_units:
            responsible += [(unit, None) for unit in lower]
        for unit, department in responsible:
            rng = random.Random(f"task/{task.pk}/{unit.code}/{department}")
            reporter = people["reporter"].get(department or ("unit", unit.pk))
            for year in years:
                for half in (1, 2):
                    latest = (year, half) == (LAST_YEAR, 2)
                    status = _latest_status(rng) if latest else ValueStatus.APPROVED
                    if latest and task.position == 0:
                        status = ValueStatus.SUBMITTED  # and reports waiting
                    if status is None or (not latest and rng.random() < 0.08):
                        continue
                    progress = rng.choice(list(TASK_TEXTS))
                    submitted = _moment(year, rng, 6 if half == 1 else 11) if status != ValueStatus.DRAFT else None
                    row = TaskReport(
                        task=task,
                        department_id=department,
                        org_unit=unit,
                        year=year,
                        half=half,
                        progress=progress,
                        text=TASK_TEXTS[progress],
                        status=status,
                        submitted_by=reporter if submitted else None,
                        submitted_at=submitted,
                        approved_by=office if status == ValueStatus.APPROVED else None,
                        approved_at=submitted + dt.timedelta(days=2) if status == ValueStatus.APPROVED else None,
                        updated_by=reporter,
                    )
                    steps = _history(row, status, rng, reporter, office, {"progress": progress, "text": row.text})
                    row.version = steps[-1][0] if year == LAST_YEAR else 1
                    rows.append(row)
                    histories.append(steps if year == LAST_YEAR else [])
    _bulk(TaskReport, rows)
    revisions = _revisions(rows, histories, TaskReport)
    evidence = _evidence(rows, "task_report", evidence_file, latest_only=True)
    return rows, {"task_reports": len(rows), "revisions": revisions, "evidence": evidence}


def _inspections(plan: Plan, lower: list[OrgUnit], people: dict) -> dict:
    """The annual supervision of LAST_YEAR: every lower unit visited, scored and signed off; some findings overdue."""
    inspector, office = people["inspector"], people["offices"][plan.org_unit_id]
    checklist = inspections.supervision_checklist(plan)
    rnd = inspections.plan_round(
        plan,
        checklist,
        LAST_YEAR,
        f"{LAST_YEAR}年度{plan.org_unit.name}专项督导",
        dt.date(LAST_YEAR, 9, 1),
        dt.date(LAST_YEAR, 9, 30),
        [inspector, office],
        org_units=lower,
    )
    items = list(checklist.items.all())
    visits = list(rnd.visits.order_by("org_unit__code"))
    entries = {}
    for visit in visits:
        rng = random.Random(f"visit/{plan.pk}/{visit.org_unit_id}")
        entries[visit.pk] = {
            item.pk: (
                {"points": round(item.points / 2, 2), "note": "台账资料不完整"}
                if rng.random() < 0.2
                else {"points": item.points, "note": ""}
            )
            for item in items
        }
    errors = inspections.record_scores(inspector, rnd, entries)
    assert not errors, errors
    findings = 0
    for visit in visits:
        findings += len(inspections.sign_off(inspector, visit))
    signed = timezone.make_aware(dt.datetime(LAST_YEAR, 9, 20, 17))
    Visit.objects.filter(round=rnd).update(visited_on=dt.date(LAST_YEAR, 9, 15), signed_off_at=signed)
    # half the findings were due at the end of October and are overdue; the others are due next month
    found = list(Finding.objects.filter(visit__round=rnd).order_by("pk").values_list("pk", flat=True))
    Finding.objects.filter(pk__in=found[::2]).update(deadline=dt.date(LAST_YEAR, 10, 31))
    Finding.objects.filter(pk__in=found[1::2]).update(deadline=timezone.localdate() + dt.timedelta(days=30))
    return {"visits": len(visits), "findings": findings}


def _publish(plan: Plan, values: list[IndicatorValue], reports: list[TaskReport]) -> int:
    """Publish the plan with reporting from REPORTING_START: the due items collection.services.desired_due_items
    implies, each with the state of its answer, as publish_plan followed by sync_due_items leaves them (a test
    checks that running those afterwards changes nothing), written in one pass instead of created then updated."""
    plan.reporting_start = REPORTING_START
    plan.save(update_fields=["reporting_start", "updated_at"])
    answers = {(DueKind.INDICATOR_VALUE, v.indicator_id, None, v.org_unit_id, v.year, 0): v for v in values}
    answers |= {(DueKind.TASK_PROGRESS, r.task_id, r.department_id, r.org_unit_id, r.year, r.half): r for r in reports}

    wanted = desired_due_items(plan)  # read before the COPY starts: the connection is busy while it runs

    def rows():
        for (kind, indicator, task, department, unit, year, half), fields in wanted.items():
            answer = answers.get((kind, indicator or task, department if task else None, unit, year, half))
            received = None
            if answer is not None and answer.status != ValueStatus.DRAFT:
                received = answer.submitted_at or answer.approved_at or answer.updated_at
            status = answer.status if answer is not None else "open"
            due = fields["due_date"]
            yield [
                plan.pk,
                kind,
                indicator,
                task,
                department,
                unit,
                year,
                half,
                due,
                status,
                received,
                False,
                due < start,
            ]

    start = REPORTING_START
    names = ["plan_id", "kind", "indicator_id", "task_id", "department_id", "org_unit_id", "year", "half"]
    return _rows(DueItem, [*names, "due_date", "status", "received_at", "obsolete", "history"], rows())


def _bulk(model, objs: list) -> list:
    """Insert many new model instances: bulk_create, or on PostgreSQL one COPY with their ids drawn from the table's
    sequence first (several times faster than bulk_create's INSERTs for the hundreds of thousands of rows at full
    size). Returns the instances, with their ids."""
    if connection.vendor != "postgresql" or not objs:
        return model.objects.bulk_create(objs, batch_size=2000)
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    now = timezone.now()
    fields = meta.concrete_fields
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False) or (getattr(f, "auto_now_add", False) and getattr(obj, f.attname) is None):
                setattr(obj, f.attname, now)
    _copy(model, [f.attname for f in fields], ([getattr(obj, f.attname) for f in fields] for obj in objs))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


def _rows(model, names: list[str], rows) -> int:
    """Insert rows given as lists of values in the order of `names` (attribute names), without making model
    instances on PostgreSQL; returns how many."""
    if connection.vendor != "postgresql":
        objs = model.objects.bulk_create([model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=2000)
        return len(objs)
    counted = [0]

    def counting():
        for row in rows:
            counted[0] += 1
            yield row

    _copy(model, names, counting())
    return counted[0]


def _copy(model, names: list[str], rows) -> None:
    """COPY rows (lists of Python values in the order of `names`, attribute names of `model`) into its table.
    `rows` must not query the database: the connection is busy with the COPY while they are read."""
    meta = model._meta
    by_attname = {f.attname: f for f in meta.concrete_fields}
    fields = [by_attname[n] for n in names]
    adapt = [
        i for i, f in enumerate(fields) if f.get_internal_type() in ("JSONField", "FileField") and not f.is_relation
    ]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    statement = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            for i in adapt:
                row[i] = fields[i].get_db_prep_save(row[i], connection)
            copy.write_row(row)


def _evidence_file() -> str:
    if not default_storage.exists(EVIDENCE_NAME):
        return default_storage.save(EVIDENCE_NAME, ContentFile(EVIDENCE_BYTES))
    return EVIDENCE_NAME


@transaction.atomic
def build_province(scale: Scale = FULL) -> Province:
    """Build the province-scale data set in an empty area of the database (its province code must be free)."""
    if OrgUnit.objects.filter(code=PROVINCE[0]).exists():
        raise ValueError(f"the province-scale data set is already in this database (org unit {PROVINCE[0]})")
    province, cities, counties = _units(scale)
    departments = {unit.pk: _departments(scale, unit) for unit in [province, *cities]}
    plans = [_plan(scale, unit, departments[unit.pk], k + 1) for k, unit in enumerate([province, *cities])]
    people = _accounts(scale, province, cities, counties, departments)
    lower_of = {province.pk: cities} | {city.pk: [c for c in counties if c.parent_id == city.pk] for city in cities}
    evidence_file = _evidence_file()
    counts: dict[str, int] = {}

    def add(more: dict[str, int]) -> None:
        for key, n in more.items():
            counts[key] = counts.get(key, 0) + n

    for plan in plans:
        lower = lower_of[plan.org_unit_id]
        values, counted = _values(scale, plan, lower, people, evidence_file)
        add(counted)
        reports, counted = _task_reports(scale, plan, lower, people, evidence_file)
        add(counted)
        add({"due_items": _publish(plan, values, reports)})
        add(_inspections(plan, lower, people))
    for plan in plans:
        add({"results": evaluate_plan(plan)})
        assess_plan(plan, LAST_YEAR)
    counts |= {
        "org_units": 1 + len(cities) + len(counties),
        "plans": len(plans),
        "indicators": scale.indicators * len(plans),
        "accounts": get_user_model().objects.filter(username__startswith="ps_").count(),
        "liaisons": scale.liaisons,
    }
    return Province(scale, province, cities, counties, plans, people["logins"], counts)
