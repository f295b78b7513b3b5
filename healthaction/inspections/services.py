"""Checklists, rounds, scoring, sign-off, findings and rectification, healthy-cell results."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from healthaction.collection import services as collection_services
from healthaction.collection.models import IndicatorValue
from healthaction.collection.uploads import UploadRejected, evidence_from_upload
from healthaction.inspections.choices import FindingStatus
from healthaction.inspections.models import (
    Checklist,
    ChecklistItem,
    Finding,
    FindingEvent,
    Round,
    Score,
    ScoreFile,
    Visit,
)
from healthaction.plans.models import Plan
from healthaction.registry import scopes

RECTIFY_DAYS = 30
# A rectification is "due soon" when its deadline falls within this many days from today (today included);
# only findings still waiting for the responsible unit (open, rectifying, reopened) are due soon or overdue:
# a submitted rectification waits for the inspectors, not for the unit.
DUE_SOON_DAYS = 14
AWAITING_RECTIFICATION = (Finding.OPEN, Finding.RECTIFYING, Finding.REOPENED)

# The healthy-community checklist written by the healthaction team (100 points).
HEALTHY_COMMUNITY = [
    ("1", "社区成立健康社区建设领导小组，有年度工作计划和总结", 8, True),
    ("2", "设立健康教育宣传栏，每季度至少更新一次内容", 8, True),
    ("3", "每年开展健康讲座或健康活动不少于6次，有记录和照片", 10, True),
    ("4", "建有健康小屋或自助健康检测点，免费提供血压、体重等测量", 8, False),
    ("5", "健身场地和设施完好，满足居民日常锻炼需要", 8, False),
    ("6", "环境整洁，生活垃圾分类收集，无卫生死角", 10, False),
    ("7", "公共场所全面禁烟，有明显禁烟标识", 8, False),
    ("8", "65岁及以上老年人健康管理率达到当地要求", 10, True),
    ("9", "高血压、糖尿病患者规范管理，家庭医生签约服务覆盖重点人群", 10, True),
    ("10", "有心理健康服务场所或转介渠道", 6, False),
    ("11", "开展健康家庭评选，有评选记录", 6, True),
    ("12", "居民对健康社区建设满意度调查不低于80%", 8, True),
]


class InspectionError(Exception):
    pass


def _file(upload) -> dict:
    """Check an uploaded photo or document like any evidence (size, type by content, safe name)."""
    if not upload:
        return {}
    try:
        fields = evidence_from_upload(upload)
    except UploadRejected as exc:
        raise InspectionError(str(exc)) from exc
    return {"evidence": fields["file"], "evidence_name": fields["original_name"]}


def _next_version(key: str) -> int:
    return (Checklist.objects.filter(key=key).aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def supervision_checklist(plan: Plan) -> Checklist:
    """Return a new checklist version built from the plan's binding indicators and the tasks of each action (100 points)."""
    binding = list(plan.indicators.filter(nature="binding").order_by("position"))
    tasks = [
        t
        for t in (plan.tasks.filter(action=a).order_by("position").first() for a in plan.actions.order_by("number"))
        if t
    ]
    entries = [("indicator", i) for i in binding] + [("task", t) for t in tasks]
    if not entries:
        raise InspectionError(_("The plan has no binding indicators or tasks to supervise."))
    key = f"supervision-plan-{plan.pk}"
    checklist = Checklist.objects.create(
        key=key,
        version=_next_version(key),
        kind=Checklist.SUPERVISION,
        title=f"{plan.title} 年度专项督导清单",
        plan=plan,
        pass_mark=60,
    )
    each = round(100 / len(entries), 2)
    items = []
    for position, (kind, obj) in enumerate(entries):
        text = f"约束性指标“{obj.name}”达到年度目标" if kind == "indicator" else f"重点任务落实：{obj.content[:80]}"
        items.append(
            ChecklistItem(
                checklist=checklist,
                number=str(position + 1),
                text=text,
                points=each,
                evidence_required=True,
                indicator=obj if kind == "indicator" else None,
                task=obj if kind == "task" else None,
                position=position,
            )
        )
    items[-1].points = round(100 - each * (len(items) - 1), 2)
    ChecklistItem.objects.bulk_create(items)
    return checklist


@transaction.atomic
def healthy_community_checklist() -> Checklist:
    key = "healthy-community"
    checklist = Checklist.objects.filter(key=key).order_by("-version").first()
    if checklist and not checklist.frozen:
        return checklist
    checklist = Checklist.objects.create(
        key=key, version=_next_version(key), kind=Checklist.HEALTHY_CELL, title="健康社区评估标准", pass_mark=80
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(checklist=checklist, number=n, text=t, points=p, evidence_required=e, position=k)
            for k, (n, t, p, e) in enumerate(HEALTHY_COMMUNITY)
        ]
    )
    return checklist


@transaction.atomic
def plan_round(
    plan: Plan,
    checklist: Checklist,
    year: int,
    title: str,
    starts: dt.date,
    ends: dt.date,
    inspectors,
    org_units=(),
    departments=(),
    indicator=None,
) -> Round:
    rnd = Round.objects.create(
        plan=plan, checklist=checklist, year=year, title=title, starts=starts, ends=ends, indicator=indicator
    )
    rnd.inspectors.set(inspectors)
    Visit.objects.bulk_create(
        [Visit(round=rnd, org_unit=u) for u in org_units] + [Visit(round=rnd, department=d) for d in departments]
    )
    checklist.frozen = True  # results refer to this version from now on: edits make a new version
    checklist.save(update_fields=["frozen"])
    return rnd


@transaction.atomic
def change_round(
    rnd: Round,
    *,
    title: str,
    starts: dt.date,
    ends: dt.date,
    inspectors,
    org_units=(),
    departments=(),
    remove=(),
    indicator=None,
) -> tuple[int, int]:
    """Change a round's title, dates, inspectors and measured indicator, add visits and drop visits nothing was
    recorded for. Return (added, dropped)."""
    rnd = Round.objects.select_for_update().get(pk=rnd.pk)
    rnd.title, rnd.starts, rnd.ends, rnd.indicator = title, starts, ends, indicator
    rnd.save(update_fields=["title", "starts", "ends", "indicator"])
    rnd.inspectors.set(inspectors)
    have_units = set(rnd.visits.exclude(org_unit=None).values_list("org_unit_id", flat=True))
    have_departments = set(rnd.visits.exclude(department=None).values_list("department_id", flat=True))
    added = Visit.objects.bulk_create(
        [Visit(round=rnd, org_unit=u) for u in org_units if u.pk not in have_units]
        + [Visit(round=rnd, department=d) for d in departments if d.pk not in have_departments]
    )
    _total, deleted = Visit.objects.filter(
        round=rnd, pk__in=[v.pk for v in remove], scores__isnull=True, signed_off_at__isnull=True
    ).delete()
    return len(added), deleted.get("inspections.Visit", 0)


def may_record(user, visit: Visit) -> bool:
    return visit.round.inspectors.filter(pk=user.pk).exists() or scopes.is_office(user, visit.round.plan)


@transaction.atomic
def record_score(user, visit: Visit, item: ChecklistItem, points: float, note: str = "", evidence=None) -> Score:
    visit = Visit.objects.select_for_update(of=("self",)).select_related("round__plan__org_unit").get(pk=visit.pk)
    if not may_record(user, visit):
        raise InspectionError(_("Only this round's inspectors may record its visits."))
    if visit.signed_off_at:
        raise InspectionError(_("The visit is signed off; its scores can no longer change."))
    if item.checklist_id != visit.round.checklist_id:
        raise InspectionError(_("The item is not on this round's checklist."))
    problem = _score_problem(
        item, points, note, bool(evidence) or ScoreFile.objects.filter(score__visit=visit, score__item=item).exists()
    )
    if problem:
        raise InspectionError(problem)
    stored = _file(evidence)
    score, _created = Score.objects.update_or_create(visit=visit, item=item, defaults={"points": points, "note": note})
    if stored:
        ScoreFile.objects.create(score=score, file=stored["evidence"], name=stored["evidence_name"], uploaded_by=user)
    Visit.objects.filter(pk=visit.pk).update(version=visit.version + 1)
    return score


def _score_problem(item: ChecklistItem, points: float, note: str, has_file: bool) -> str | None:
    if not 0 <= points <= item.points:
        return _("Give between 0 and %(max)s points.") % {"max": f"{item.points:g}"}
    if item.evidence_required and points < item.points and not (note or has_file):
        return _("Say why points were deducted (a note or a file).")
    return None


@transaction.atomic
def record_scores(user, rnd: Round, entries: dict[int, dict[int, dict]]) -> dict[tuple[int, int], str]:
    """Record many visits' scores of one round in a few queries (the results workbook): all or nothing.

    entries: visit id → item id → {points, note}. Return the errors per (visit id, item id); when there is
    any, nothing is saved.
    """
    visits = {
        v.pk: v
        for v in Visit.objects.select_for_update(of=("self",))
        .select_related("round__plan__org_unit")
        .filter(round=rnd, pk__in=list(entries))
    }
    if visits and not may_record(user, next(iter(visits.values()))):
        raise InspectionError(_("Only this round's inspectors may record its visits."))
    items = {i.pk: i for i in rnd.checklist.items.all()}
    held = {
        (s.visit_id, s.item_id): s for s in Score.objects.filter(visit_id__in=list(visits)).prefetch_related("files")
    }
    errors: dict[tuple[int, int], str] = {}
    new, changed = [], []
    for visit_pk, per_item in entries.items():
        visit = visits.get(visit_pk)
        for item_pk, entry in per_item.items():
            item = items.get(item_pk)
            if visit is None or item is None:
                errors[(visit_pk, item_pk)] = _("The item is not on this round's checklist.")
                continue
            if visit.signed_off_at:
                errors[(visit_pk, item_pk)] = _("The visit is signed off; its scores can no longer change.")
                continue
            score = held.get((visit_pk, item_pk))
            problem = _score_problem(item, entry["points"], entry.get("note", ""), bool(score and score.files.all()))
            if problem:
                errors[(visit_pk, item_pk)] = problem
            elif score is None:
                new.append(
                    Score(visit_id=visit_pk, item_id=item_pk, points=entry["points"], note=entry.get("note", ""))
                )
            elif (score.points, score.note) != (entry["points"], entry.get("note", "")):
                score.points, score.note = entry["points"], entry.get("note", "")
                changed.append(score)
    if errors:
        return errors
    Score.objects.bulk_create(new, batch_size=2000)
    Score.objects.bulk_update(changed, ["points", "note"], batch_size=2000)
    Visit.objects.filter(pk__in=list(visits)).update(version=F("version") + 1)
    return {}


def visit_total(visit: Visit) -> float:
    return round(sum(s.points for s in visit.scores.all()), 2)


@transaction.atomic
def sign_off(user, visit: Visit, deadline_days: int = RECTIFY_DAYS) -> list[Finding]:
    """Close a visit: every item scored below its full points becomes a finding to rectify."""
    visit = (
        Visit.objects.select_for_update(of=("self",))
        .select_related("round__checklist", "round__plan__org_unit")
        .get(pk=visit.pk)
    )
    if not may_record(user, visit):
        raise InspectionError(_("Only this round's inspectors may sign off its visits."))
    items = list(visit.round.checklist.items.all())
    scored = {s.item_id: s for s in visit.scores.all()}
    missing = [i.number for i in items if i.pk not in scored]
    if missing:
        raise InspectionError(
            _("Score every item before signing off (missing: %(items)s).") % {"items": "、".join(missing)}
        )
    now = timezone.now()
    visit.signed_off_by, visit.signed_off_at = user, now
    visit.save(update_fields=["signed_off_by", "signed_off_at"])
    findings = []
    for item in items:
        score = scored[item.pk]
        if score.points < item.points:
            finding = Finding.objects.create(
                visit=visit,
                item=item,
                text=score.note or item.text,
                department=visit.department,
                org_unit=visit.org_unit,
                deadline=now.date() + dt.timedelta(days=deadline_days),
            )
            FindingEvent.objects.create(
                finding=finding,
                status=Finding.OPEN,
                comment=_("Found at the visit: %(p)s of %(m)s points.")
                % {"p": f"{score.points:g}", "m": f"{item.points:g}"},
                user=user,
            )
            findings.append(finding)
    return findings


def may_rectify(user, finding: Finding) -> bool:
    path = finding.org_unit.path if finding.org_unit_id else None
    return scopes.may_rectify(
        user, department_id=finding.department_id, org_unit_path=path, plan=finding.visit.round.plan
    )


@transaction.atomic
def advance(user, finding: Finding, status: str, comment: str = "", evidence=None) -> Finding:
    """Move a finding on (open → rectifying → submitted → verified or reopened), keeping every step."""
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("visit__round__plan__org_unit", "org_unit")
        .get(pk=finding.pk)
    )
    if status not in Finding.NEXT[finding.status]:
        raise InspectionError(
            _("A finding cannot go from “%(a)s” to “%(b)s”.")
            % {"a": finding.get_status_display(), "b": FindingStatus.label(status, status)}
        )
    if status in (Finding.VERIFIED, Finding.REOPENED):
        if not may_record(user, finding.visit):
            raise InspectionError(_("Only the inspectors or the office verify a rectification."))
    elif not may_rectify(user, finding):
        raise InspectionError(_("Only the responsible department or area reports its rectification."))
    if status == Finding.SUBMITTED and not (comment or evidence):
        raise InspectionError(_("Describe the rectification or attach evidence."))
    if status == Finding.REOPENED and not comment:
        raise InspectionError(_("Say why the finding is reopened."))
    finding.status = status
    finding.save(update_fields=["status"])
    FindingEvent.objects.create(finding=finding, status=status, comment=comment, user=user, **_file(evidence))
    return finding


def overdue_findings(today: dt.date | None = None, user=None, plan: Plan | None = None):
    """Rectifications past their deadline still awaiting the responsible unit: all of them, those a user answers for
    or follows, or a plan's."""
    today = today or dt.date.today()
    qs = visible_findings(user) if user is not None else Finding.objects.all()
    if plan is not None:
        qs = qs.filter(visit__round__plan=plan)
    return (
        qs.filter(status__in=AWAITING_RECTIFICATION, deadline__lt=today)
        .select_related("visit__round", "item", "department", "org_unit__parent__parent")
        .order_by("deadline", "pk")
    )


def due_soon_findings(qs, today: dt.date | None = None):
    """Of some findings, those awaiting rectification whose deadline is within DUE_SOON_DAYS from today."""
    today = today or dt.date.today()
    return qs.filter(
        status__in=AWAITING_RECTIFICATION, deadline__gte=today, deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS)
    )


def ancestor(unit, level: str):
    """The unit itself or its nearest ancestor of a level (a school may sit under a town or directly under a county)."""
    while unit is not None and unit.level != level:
        unit = unit.parent
    return unit


def healthy_cell_results(rnd: Round) -> dict:
    """Units meeting the norm, counts per town and per county, and the share meeting it."""
    visits = list(rnd.visits.select_related("org_unit__parent__parent__parent").prefetch_related("scores"))
    rows = []
    for visit in visits:
        total = visit_total(visit)
        rows.append({"unit": visit.org_unit, "total": total, "meets": total >= rnd.checklist.pass_mark})
    per_town, per_county = Counter(), Counter()
    for row in rows:
        if row["meets"] and row["unit"] is not None:
            town, county = ancestor(row["unit"], "town"), ancestor(row["unit"], "county")
            if town is not None:
                per_town[f"{county.name}·{town.name}" if county else town.name] += (
                    1  # town names repeat across counties
                )
            if county is not None:
                per_county[county.name] += 1
    share = sum(r["meets"] for r in rows) / len(rows) * 100 if rows else None
    return {
        "rows": sorted(rows, key=lambda r: -r["total"]),
        "per_town": dict(per_town),
        "per_county": dict(per_county),
        "share": share,
    }


def record_share(rnd: Round, user=None) -> IndicatorValue:
    """Submit the share of units meeting the norm as the value of the indicator the round measures (evaluation picks it
    up once someone other than the submitter approves it).

    It goes through the reporting workflow's own path (checks, the write rule, a new version, a revision, the due
    item's status): it writes no other indicator, never replaces a value someone submitted or one that is approved,
    and is never approved in the same step.
    """
    if rnd.indicator_id is None:
        raise InspectionError(
            _("Choose the indicator this round measures (edit the round) before recording its share.")
        )
    share = healthy_cell_results(rnd)["share"]
    if share is None:
        raise InspectionError(_("The round has no visits."))
    try:
        return collection_services.submit_computed_value(
            user, rnd.plan, rnd.indicator, rnd.plan.org_unit, rnd.year, round(share, 2), f"{rnd.title}（健康细胞评估）"
        )
    except (collection_services.NotAllowed, collection_services.Conflict) as exc:
        raise InspectionError(str(exc)) from exc


def supervision_shares(plan: Plan, year: int) -> tuple[dict[int, float], dict[int, float]]:
    """Share of the checklist's points each county and department earned at the year's signed-off supervision (latest visit counts)."""
    units: dict[int, float] = {}
    departments: dict[int, float] = {}
    visits = (
        Visit.objects.filter(
            round__plan=plan,
            round__year=year,
            round__checklist__kind=Checklist.SUPERVISION,
            signed_off_at__isnull=False,
        )
        .select_related("round__checklist")
        .prefetch_related("scores", "round__checklist__items")
        .order_by("signed_off_at")
    )
    for visit in visits:
        full = sum(i.points for i in visit.round.checklist.items.all()) or 1.0
        share = min(visit_total(visit) / full, 1.0)
        if visit.department_id:
            departments[visit.department_id] = share
        else:
            units[visit.org_unit_id] = share
    return units, departments


@transaction.atomic
def new_version(checklist: Checklist, title: str | None = None) -> Checklist:
    """Copy a checklist into its next version, which may be edited while the old one stays as rounds used it."""
    copy = Checklist.objects.create(
        key=checklist.key,
        version=_next_version(checklist.key),
        kind=checklist.kind,
        title=title or checklist.title,
        plan=checklist.plan,
        pass_mark=checklist.pass_mark,
    )
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                checklist=copy,
                number=i.number,
                text=i.text,
                points=i.points,
                evidence_required=i.evidence_required,
                indicator=i.indicator,
                task=i.task,
                position=i.position,
            )
            for i in checklist.items.all()
        ]
    )
    return copy


@transaction.atomic
def record_visit(user, visit: Visit, entries: dict[int, dict], visited_on: dt.date | None = None) -> dict[int, str]:
    """Record several items' scores at once: all or nothing. entries: item id → {points, note, evidence}.

    Return the errors per item id; when there is any, nothing is saved.
    """
    items = {i.pk: i for i in visit.round.checklist.items.all()}
    errors: dict[int, str] = {}
    for item_id, entry in entries.items():
        try:
            record_score(user, visit, items[item_id], entry["points"], entry.get("note", ""), entry.get("evidence"))
        except InspectionError as exc:
            errors[item_id] = str(exc)
    if errors:
        transaction.set_rollback(True)  # the items already written go too
        return errors
    if visited_on:
        Visit.objects.filter(pk=visit.pk).update(visited_on=visited_on)
    return {}


def visible_rounds(user):
    """Rounds a user may open: the office's over its plans, an inspector's own, a leader's within the area."""
    return Round.objects.filter(scopes.round_filter(user)).distinct()


def visible_visits(user):
    """Visits a user may open: those of rounds they may open, and those of their own department or area (read only)."""
    return Visit.objects.filter(Q(round__in=visible_rounds(user)) | scopes.answers_for_filter(user)).distinct()


def visible_findings(user):
    """Findings a user may see: of rounds they may open, and those their department or area answers for."""
    return Finding.objects.filter(scopes.finding_filter(user)).distinct()


def allowed_steps(user, finding: Finding) -> list[str]:
    """The statuses this user may move the finding to now."""
    steps = []
    for status in sorted(Finding.NEXT[finding.status], key=FindingStatus.sort_key):
        if status in (Finding.VERIFIED, Finding.REOPENED):
            if may_record(user, finding.visit):
                steps.append(status)
        elif may_rectify(user, finding):
            steps.append(status)
    return steps
