"""Completeness and timeliness of reporting: per department, lower unit and action, and per plan."""

from __future__ import annotations

import datetime as dt

from healthaction.collection.models import DueItem, received_on_time
from healthaction.core.choices import PlanStatus
from healthaction.plans.models import Plan


def completeness(plan: Plan, today: dt.date | None = None, year: int | None = None) -> dict[str, list[dict]]:
    """Return, per department, per lower-level unit and per action, the share of due items received and received on time (of one year, or all)."""
    today = today or dt.date.today()
    items = DueItem.objects.counting().filter(plan=plan, due_date__lte=today)
    if year is not None:
        items = items.filter(year=year)
    groups: dict[str, dict] = {"department": {}, "org_unit": {}, "action": {}}
    # plain tuples, not model objects: a province's plan has tens of thousands of items
    fields = ("department_id", "department__name", "org_unit_id", "org_unit__name", "received_at", "due_date")
    actions = ("indicator_id", "indicator__action_id", "indicator__action__number", "indicator__action__name")
    actions += ("task_id", "task__action_id", "task__action__number", "task__action__name")
    for dept, dept_name, unit, unit_name, received_at, due_date, *via in items.values_list(*fields, *actions):
        action = via[1:4] if via[0] else via[5:8] if via[4] else None
        keys = {
            "department": (dept, dept_name) if dept else None,
            "org_unit": (unit, unit_name) if dept is None else None,
            "action": (action[0], f"{action[1]}. {action[2]}") if action else None,
        }
        for group, key in keys.items():
            if key is None:
                continue
            row = groups[group].setdefault(key, {"id": key[0], "name": key[1], "due": 0, "received": 0, "on_time": 0})
            row["due"] += 1
            if received_at:
                row["received"] += 1
                row["on_time"] += bool(received_on_time(received_at, due_date))
    result = {}
    for group, rows in groups.items():
        out = []
        for row in rows.values():
            row["completeness"] = round(row["received"] / row["due"], 4) if row["due"] else None
            row["timeliness"] = round(row["on_time"] / row["due"], 4) if row["due"] else None
            out.append(row)
        result[group] = sorted(out, key=lambda r: (-(r["completeness"] or 0), r["name"]))
    return result


def reporting_totals(plan: Plan, year: int, today: dt.date) -> dict:
    """Return the due items of reporting year `year` due by `today`: how many, received, received on time, and the
    two shares (None when nothing is due).

    The one figure of completeness: the dashboard, the annual report and the circular all give this one (issue 24
    #11: the report counted every year's items due by the next June, the circular one year's by the day it was
    written, the dashboard every year's before today). It agrees with the sum of `completeness` over its departments
    and units."""
    due = received = on_time = 0
    rows = DueItem.objects.counting().filter(plan=plan, year=year, due_date__lte=today)
    for due_date, received_at in rows.values_list("due_date", "received_at").order_by():
        due += 1
        received += received_at is not None
        on_time += bool(received_on_time(received_at, due_date))
    return {
        "due": due,
        "received": received,
        "on_time": on_time,
        "completeness": received / due if due else None,
        "timeliness": on_time / due if due else None,
    }


def completeness_by_plan(plans, today: dt.date | None = None, year: int | None = None) -> dict[int, dict]:
    """Return each plan's totals as `completeness` counts them (items due by `today` that count, of one year or all;
    on time as received_on_time says), for many plans in one query."""
    today = today or dt.date.today()
    items = DueItem.objects.counting().filter(plan__in=plans, due_date__lte=today)
    if year is not None:
        items = items.filter(year=year)
    totals: dict[int, dict] = {}
    for plan_id, due_date, received_at in items.values_list("plan", "due_date", "received_at").order_by():
        row = totals.setdefault(plan_id, {"plan": plan_id, "due": 0, "received": 0, "on_time": 0})
        row["due"] += 1
        row["received"] += received_at is not None
        row["on_time"] += bool(received_on_time(received_at, due_date))
    for row in totals.values():
        row["completeness"] = round(row["received"] / row["due"], 4)
        row["timeliness"] = round(row["on_time"] / row["due"], 4)
    return totals


def lower_plan_completeness(plan: Plan, today: dt.date | None = None, year: int | None = None) -> list[dict]:
    """Rows like `completeness`'s per lower unit for the lower units that report in their own plan implementing
    this one (they owe this plan nothing, see units_with_own_plan): their own plan's totals, in two queries."""
    lower = list(
        Plan.objects.filter(parent=plan, status=PlanStatus.PUBLISHED, org_unit__parent=plan.org_unit_id)
        .select_related("org_unit")
        .order_by("org_unit__code", "-pk")
    )
    totals = completeness_by_plan(lower, today=today, year=year)
    rows, seen = [], set()
    for p in lower:
        if p.org_unit_id in seen or p.pk not in totals:
            continue
        seen.add(p.org_unit_id)
        rows.append({**totals[p.pk], "id": p.org_unit_id, "name": p.org_unit.name, "plan": p.pk})
    return rows
