"""Due items: what a plan asks whom to report and when, generated on publishing and kept in step with it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.collection.services.periods import current_period, period_start
from healthaction.core.choices import CycleKind, DueKind, DueStatus, PlanStatus, ValueStatus
from healthaction.plans.models import Plan

DEFAULT_TASK_DUE = ["06-15", "12-15"]


DEFAULT_VALUE_DUE = "06-05"


def _date(year: int, month_day: str) -> dt.date:
    month, day = (int(p) for p in month_day.split("-"))
    return dt.date(year, month, day)


def _cycle_dates(plan: Plan, kind: str, default):
    cycle = plan.reporting_cycles.filter(kind=kind).first()
    return list(cycle.due_dates) if cycle and cycle.due_dates else default


def units_with_own_plan(plan: Plan):
    """The lower units that run a published plan implementing this one (a values list of their ids).

    They report in their own plan and what they report there rolls up into this one, so they owe it nothing.
    """
    return Plan.objects.filter(parent=plan, status=PlanStatus.PUBLISHED, org_unit__parent=plan.org_unit_id).values_list(
        "org_unit_id", flat=True
    )


def desired_due_items(plan: Plan) -> dict[tuple, dict]:
    """Return natural key → fields of every due item the plan implies."""
    wanted: dict[tuple, dict] = {}
    lower_units = list(plan.org_unit.children.exclude(pk__in=units_with_own_plan(plan)))
    years = range(plan.horizon_start, plan.horizon_end + 1)
    value_due = _cycle_dates(plan, CycleKind.INDICATOR_VALUE, [DEFAULT_VALUE_DUE])[0]
    for ind in plan.indicators.select_related("action"):
        if ind.nature == "advocacy" and not ind.targets.exists():
            continue  # advocacy statements without a measure are promoted, not reported
        lead = ind.action.lead_department_id if ind.action else None
        units = [(plan.org_unit, lead)] + ([(u, None) for u in lower_units] if ind.report_by_lower_units else [])
        for unit, department in units:
            for year in years:
                key = (DueKind.INDICATOR_VALUE, ind.pk, None, department, unit.pk, year, 0)
                wanted[key] = {"due_date": _date(year + 1, value_due)}
    task_due = _cycle_dates(plan, CycleKind.TASK_PROGRESS, DEFAULT_TASK_DUE)
    for task in plan.tasks.prefetch_related("task_departments"):
        due = (
            list(task.reporting_cycle.due_dates)
            if task.reporting_cycle and task.reporting_cycle.due_dates
            else task_due
        )
        responsible = [(plan.org_unit.pk, td.department_id) for td in task.task_departments.all()]
        if task.all_lower_units:
            responsible += [(u.pk, None) for u in lower_units]
        for unit_id, department in responsible:
            for year in years:
                for half, month_day in enumerate(due[:2], start=1):
                    key = (DueKind.TASK_PROGRESS, None, task.pk, department, unit_id, year, half)
                    wanted[key] = {"due_date": _date(year, month_day)}
    return wanted


def _key(item: DueItem) -> tuple:
    return (item.kind, item.indicator_id, item.task_id, item.department_id, item.org_unit_id, item.year, item.half)


@transaction.atomic
def generate_due_items(plan: Plan) -> dict[str, int]:
    """Create the due items a plan implies; update due dates; retire items the plan no longer implies.

    Regenerating never loses a report: a retired item that already received something is kept (obsolete).
    """
    wanted = desired_due_items(plan)
    start = plan.reporting_start
    for fields in wanted.values():
        fields["history"] = start is not None and fields["due_date"] < start
    existing = {_key(i): i for i in DueItem.objects.filter(plan=plan)}
    create, update, retire, delete = [], [], [], []
    values, reports = _submissions(plan) if len(existing) < len(wanted) else ({}, {})
    for key, fields in wanted.items():
        item = existing.get(key)
        if item is None:
            kind, ind, task, dept, unit, year, half = key
            new = DueItem(
                plan=plan,
                kind=kind,
                indicator_id=ind,
                task_id=task,
                department_id=dept,
                org_unit_id=unit,
                year=year,
                half=half,
                **fields,
            )
            # created with what was already reported (an imported history), so the sync below has nothing to write
            new.status, new.received_at = _state(new, values, reports)
            create.append(new)
        elif item.due_date != fields["due_date"] or item.obsolete or item.history != fields["history"]:
            item.due_date, item.obsolete, item.history = fields["due_date"], False, fields["history"]
            update.append(item)
    for key, item in existing.items():
        if key not in wanted and not item.obsolete:
            (retire if item.received_at else delete).append(item)
    DueItem.objects.bulk_create(create, batch_size=2000)
    DueItem.objects.bulk_update(update, ["due_date", "obsolete", "history"], batch_size=2000)
    DueItem.objects.filter(pk__in=[i.pk for i in retire]).update(obsolete=True)
    DueItem.objects.filter(pk__in=[i.pk for i in delete]).delete()
    sync_due_items(plan)
    return {"created": len(create), "updated": len(update), "retired": len(retire), "deleted": len(delete)}


def _submissions(plan: Plan) -> tuple[dict, dict]:
    """Return the plan's values and task reports by the natural key of the due item they answer."""
    values = {
        (v["indicator_id"], v["org_unit_id"], v["year"]): v
        for v in IndicatorValue.objects.filter(indicator__plan=plan).values(
            "indicator_id", "org_unit_id", "year", "status", "submitted_at", "approved_at", "updated_at"
        )
    }
    reports = {
        (r["task_id"], r["department_id"], r["org_unit_id"], r["year"], r["half"]): r
        for r in TaskReport.objects.filter(task__plan=plan).values(
            "task_id",
            "department_id",
            "org_unit_id",
            "year",
            "half",
            "status",
            "submitted_at",
            "approved_at",
            "updated_at",
        )
    }
    return values, reports


def _state(item: DueItem, values: dict, reports: dict) -> tuple[str, dt.datetime | None]:
    """Return the status and first-received time a due item takes from what was reported for it."""
    if item.kind == DueKind.INDICATOR_VALUE:
        found = values.get((item.indicator_id, item.org_unit_id, item.year))
    else:
        found = reports.get((item.task_id, item.department_id, item.org_unit_id, item.year, item.half))
    status = found["status"] if found else DueStatus.OPEN
    received = None
    if found and found["status"] != ValueStatus.DRAFT:
        received = found["submitted_at"] or found["approved_at"] or found["updated_at"]
    return status, received


def sync_due_items(plan: Plan) -> None:
    """Copy the status of existing values and reports onto their due items (e.g. after an import)."""
    values, reports = _submissions(plan)
    changed = []
    for item in DueItem.objects.filter(plan=plan):
        status, received = _state(item, values, reports)
        if item.status != status or item.received_at != received:
            item.status, item.received_at = status, received
            changed.append(item)
    DueItem.objects.bulk_update(changed, ["status", "received_at"], batch_size=2000)


@transaction.atomic
def publish_plan(plan: Plan, start: dt.date | None = None, today: dt.date | None = None) -> dict[str, int]:
    """Publish a reviewed plan and create what it asks people to report.

    Reporting starts with the period beginning on `start` (default: the current half-year); what was due
    before is history. Counts include `history` (items before the start) and `unassigned` (no department
    at the plan's own level, so no liaison answers for them).
    """
    plan.status = PlanStatus.PUBLISHED
    plan.reporting_start = start or period_start(*current_period(today))
    plan.save(update_fields=["status", "reporting_start", "updated_at"])
    counts = generate_due_items(plan)
    parent = plan.parent
    if parent is not None and parent.status == PlanStatus.PUBLISHED:
        generate_due_items(parent)  # this plan's area now reports here, not to the plan above
    counts["history"] = DueItem.objects.filter(plan=plan, history=True, obsolete=False).count()
    counts["unassigned"] = unassigned_items(plan).count()
    return counts


def unassigned_items(plan: Plan):
    """Due items of the plan's own level with no responsible department (e.g. an action without a lead)."""
    return DueItem.objects.filter(plan=plan, obsolete=False, department__isnull=True, org_unit=plan.org_unit)
