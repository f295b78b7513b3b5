"""Demo supervision and healthy-cell rounds: scored visits, findings at each step of rectification, one overdue."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.utils import timezone

from healthaction.collection import services as collection_services
from healthaction.collection.models import DueItem
from healthaction.core.choices import DueKind, Level
from healthaction.inspections import services
from healthaction.inspections.models import Checklist, Finding, FindingEvent, Visit
from healthaction.plans.models import Plan
from healthaction.registry.models import Department, OrgUnit

INSPECTOR = ("inspector", "demo-inspector-2026", "督导组 周检查员")
SCHOOLS = ["中心小学", "第一中学"]
NOTES = ["台账资料不完整", "工作推进滞后于年度计划", "佐证材料缺失", "宣传覆盖面不足"]


def healthy_cell_units(units: dict[str, OrgUnit], counties) -> None:
    """Schools as healthy-cell units under the first town of each county."""
    for code, _name, _towns in counties:
        town = units[f"{code}001"]
        for k, school in enumerate(SCHOOLS, start=1):
            OrgUnit.objects.update_or_create(
                code=f"{town.code}9{k:02d}",
                defaults={"name": f"{town.name}{school}", "level": Level.CELL, "parent": town},
            )


def _score_all(user, visit: Visit, rng: random.Random, deduct: float) -> None:
    items = list(visit.round.checklist.items.all())
    for item in items:
        take = min(item.points, deduct) if deduct > 0 and rng.random() < 0.5 else 0.0
        deduct -= take
        services.record_score(user, visit, item, round(item.points - take, 2), note=rng.choice(NOTES) if take else "")


def build(plan: Plan) -> dict:
    User = get_user_model()
    inspector, _ = User.objects.update_or_create(
        username=INSPECTOR[0], defaults={"first_name": INSPECTOR[2], "email": f"{INSPECTOR[0]}@demo.invalid"}
    )
    inspector.set_password(INSPECTOR[1])
    inspector.save()
    office = User.objects.get(username="office")
    county_user = User.objects.get(username="county")
    liaison = User.objects.get(username="liaison")
    rng = random.Random("inspections")

    # the annual supervision of 2025: six counties and two departments, signed off in September 2025
    checklist = services.supervision_checklist(plan)
    counties = list(plan.org_unit.children.order_by("code"))
    departments = list(Department.objects.filter(org_unit=plan.org_unit, name__in=["市卫生健康委", "市教育局"]))
    rnd = services.plan_round(
        plan,
        checklist,
        2025,
        "2025年度健康青川行动专项督导",
        dt.date(2025, 9, 1),
        dt.date(2025, 9, 30),
        [inspector, office],
        org_units=counties,
        departments=departments,
    )
    visits = list(rnd.visits.order_by("org_unit__code", "department__name"))
    for k, visit in enumerate(visits):
        _score_all(inspector, visit, rng, deduct=rng.choice([0, 4, 8, 15, 25]) if k else 12)
        Visit.objects.filter(pk=visit.pk).update(visited_on=dt.date(2025, 9, 2 + k))
        if k == len(visits) - 1:
            continue  # one visit still in progress
        services.sign_off(inspector, visit)
        Visit.objects.filter(pk=visit.pk).update(signed_off_at=timezone.make_aware(dt.datetime(2025, 9, 2 + k, 17)))
    Finding.objects.filter(visit__round=rnd).update(deadline=dt.date(2025, 10, 31))
    FindingEvent.objects.filter(finding__visit__round=rnd).update(
        created_at=timezone.make_aware(dt.datetime(2025, 9, 20, 17))
    )
    linjiang = Finding.objects.filter(visit__round=rnd, org_unit__code="990121").order_by("pk")
    health = Finding.objects.filter(visit__round=rnd, department__name="市卫生健康委").order_by("pk")
    steps = [(linjiang, county_user), (health, liaison)]
    for findings, answerer in steps:
        found = list(findings)
        if found:  # one verified after a reopening, one submitted, the rest left open (and so overdue)
            first = found[0]
            services.advance(answerer, first, Finding.RECTIFYING, "已制定整改方案，明确责任人")
            services.advance(answerer, first, Finding.SUBMITTED, "已补齐台账资料")
            services.advance(inspector, first, Finding.REOPENED, "佐证材料仍缺会议纪要")
            services.advance(answerer, first, Finding.SUBMITTED, "补充了会议纪要和签到表")
            services.advance(inspector, first, Finding.VERIFIED, "整改到位")
        if len(found) > 1:
            services.advance(answerer, found[1], Finding.SUBMITTED, "已完成整改，见说明")
    # the rectification steps happened in October 2025, a few days apart
    for k, event in enumerate(
        FindingEvent.objects.filter(finding__visit__round=rnd).exclude(status=Finding.OPEN).order_by("pk")
    ):
        FindingEvent.objects.filter(pk=event.pk).update(
            created_at=timezone.make_aware(dt.datetime(2025, 10, 8, 10) + dt.timedelta(days=2 * k))
        )

    # healthy-community assessment of 2025 over every community
    Checklist.objects.filter(key="healthy-community", rounds__isnull=True).delete()  # left by an earlier demo build
    community = services.healthy_community_checklist()
    communities = list(
        OrgUnit.objects.filter(level=Level.VILLAGE, path__startswith=plan.org_unit.path).order_by("code")
    )
    cells = services.plan_round(
        plan,
        community,
        2025,
        "2025年健康社区评估",
        dt.date(2025, 10, 8),
        dt.date(2025, 11, 28),
        [inspector, office],
        org_units=communities,
    )
    for k, visit in enumerate(cells.visits.order_by("org_unit__code")):
        _score_all(inspector, visit, rng, deduct=rng.choice([0, 5, 10, 15, 22, 30]))
        services.sign_off(inspector, visit, deadline_days=90)
        day = dt.date(2025, 10, 8) + dt.timedelta(days=k)
        Visit.objects.filter(pk=visit.pk).update(
            visited_on=day, signed_off_at=timezone.make_aware(dt.datetime(day.year, day.month, day.day, 17))
        )
    Finding.objects.filter(visit__round=cells).update(
        deadline=dt.date.today() + dt.timedelta(days=60)
    )  # still open, not yet overdue, whenever the demo is built
    indicator = plan.indicators.filter(name="健康社区达标比例").first()
    share = None
    if indicator is not None:
        cells.indicator = indicator
        cells.save(update_fields=["indicator"])
        share = services.record_share(cells, office)  # submitted by one office member, approved by another
        item = DueItem.objects.get(kind=DueKind.INDICATOR_VALUE, indicator=indicator, org_unit=plan.org_unit, year=2025)
        share = collection_services.review(
            User.objects.get(username="office2"), item, approve=True, expected_version=share.version
        )
    return {"rounds": 2, "share": share.value if share else None, "login": INSPECTOR}
