"""The plan interchange format (JSON): export a plan, import a plan.

`export_plan(plan)` then `import_plan(data)` reproduces the plan exactly; the
document parser emits the same format. The schema is plan.schema.json beside
this file; docs/plan-format.md explains each field.
"""

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import jsonschema
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from healthaction.core.choices import DepartmentRole, Level, PlanStatus, WarningKind
from healthaction.plans.chain import default_parent, parent_candidates
from healthaction.plans.models import (
    Action,
    Baseline,
    Indicator,
    ParseWarning,
    Plan,
    ReportingCycle,
    RosterEntry,
    Target,
    Task,
    TaskDepartment,
)
from healthaction.registry.models import Department, DepartmentAlias, OrgUnit, normalize_department_name

FORMAT = "healthaction.plan"
VERSION = 1
SCHEMA_PATH = Path(__file__).with_name("plan.schema.json")


class PlanFormatError(ValueError):
    """The JSON is not a valid plan; `errors` lists every problem as a readable sentence."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@lru_cache(maxsize=1)
def plan_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _source(obj) -> dict:
    lines = [obj.source_line_start, obj.source_line_end] if obj.source_line_start else None
    return {"lines": lines, "text": obj.source_text}


def _set_source(obj, source: dict | None) -> None:
    source = source or {}
    lines = source.get("lines") or [None, None]
    obj.source_line_start, obj.source_line_end = lines
    obj.source_text = source.get("text", "")


def _confidence(obj, prefix: str = "") -> dict:
    """Return the parser's confidence and reason of obj as optional keys (absent when a person entered it)."""
    out = {}
    confidence = getattr(obj, f"{prefix}confidence")
    reason = getattr(obj, f"{prefix}reason")
    if confidence is not None:
        out[f"{prefix}confidence"] = confidence
    if reason:
        out[f"{prefix}reason"] = reason
    return out


def _set_confidence(obj, spec: dict, prefix: str = "") -> None:
    setattr(obj, f"{prefix}confidence", spec.get(f"{prefix}confidence"))
    setattr(obj, f"{prefix}reason", spec.get(f"{prefix}reason", ""))


def _warning(w: ParseWarning) -> dict:
    out = {"line": w.line, "message": w.message, "text": w.text, "resolved": w.resolved}
    for key in ("kind", "ref", "dismissal_reason"):
        if getattr(w, key):
            out[key] = getattr(w, key)
    return out


def _export_head(plan: Plan) -> dict:
    """The plan's own fields in the interchange format."""
    return {
        "title": plan.title,
        "issuer": plan.issuer,
        "doc_number": plan.doc_number,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else None,
        "horizon": {"start": plan.horizon_start, "end": plan.horizon_end},
        "org_unit": {"code": plan.org_unit.code, "name": plan.org_unit.name, "level": plan.org_unit.level},
        "status": plan.status,
        "is_public": plan.is_public,
        "source": {"file": plan.source_name, "sha256": plan.source_sha256},
    }


def _export_cycle(c: ReportingCycle) -> dict:
    return {
        "key": c.key,
        "name": c.name,
        "kind": c.kind,
        "frequency": c.frequency,
        "due_dates": list(c.due_dates),
        "source_text": c.source_text,
    }


def _export_target(t: Target) -> dict:
    return {
        "year": t.year,
        "kind": t.kind,
        "comparator": t.comparator,
        "value": t.value,
        "upper_value": t.upper_value,
        "base_year": t.base_year,
        "change": t.change,
        "change_unit": t.change_unit,
        "trend": t.trend,
        "qualitative": t.qualitative,
        "raw": t.raw_text,
        **_confidence(t),
    }


def _export_indicator(ind: Indicator, action_number: dict[int, int]) -> dict:
    """An indicator with its baseline and targets; its action by number."""
    baseline = getattr(ind, "baseline", None)
    return {
        "number": ind.number,
        "action": action_number.get(ind.action_id),
        "name": ind.name,
        "unit": ind.unit,
        "group": ind.group,
        "nature": ind.nature,
        "direction": ind.direction,
        "definition": ind.definition,
        "calculation": ind.calculation,
        "numerator": ind.numerator,
        "denominator": ind.denominator,
        "baseline": None
        if baseline is None
        else {
            "value": baseline.value,
            "qualitative": baseline.qualitative,
            "year": baseline.year,
            "raw": baseline.raw_text,
        },
        "targets": [_export_target(t) for t in ind.targets.all()],
        "source": _source(ind),
        **_confidence(ind),
    }


def _export_task(task: Task, action_number: dict[int, int], dept_name) -> dict:
    """A task; its action by number, its departments by name (`dept_name` also notes them for the department list)."""
    return {
        "number": task.number,
        "action": action_number.get(task.action_id),
        "content": task.content,
        "measures": task.measures,
        "deliverables": task.deliverables,
        "lead_departments": [dept_name(d) for d in task.lead_departments()],
        "co_departments": [dept_name(d) for d in task.co_departments()],
        "all_lower_units": task.all_lower_units,
        "reporting_cycle": task.reporting_cycle.key if task.reporting_cycle else None,
        "source": _source(task),
        **_confidence(task),
        **({"deadline": task.deadline} if task.deadline else {}),
        **_confidence(task, "department_"),
    }


def export_plan(plan: Plan) -> dict:
    """Return the plan as a dict in the interchange format."""
    departments: dict[int, Department] = {}

    def dept_name(dept: Department | None) -> str | None:
        if dept is None:
            return None
        departments[dept.pk] = dept
        return dept.name

    actions = list(plan.actions.select_related("lead_department"))
    action_number = {a.pk: a.number for a in actions}
    data = {
        "format": FORMAT,
        "version": VERSION,
        "plan": _export_head(plan),
        "departments": [],
        "reporting_cycles": [_export_cycle(c) for c in plan.reporting_cycles.all()],
        "actions": [
            {
                "number": a.number,
                "name": a.name,
                "lead_department": dept_name(a.lead_department),
                "source": _source(a),
                **_confidence(a),
            }
            for a in actions
        ],
        "indicators": [],
        "tasks": [],
        "roster": [
            {"role": r.role, "person": r.person, "post": r.post, "source": _source(r)} for r in plan.roster.all()
        ],
        "warnings": [_warning(w) for w in plan.parse_warnings.all()],
    }
    indicators = plan.indicators.select_related("baseline").prefetch_related("targets")
    data["indicators"] = [_export_indicator(ind, action_number) for ind in indicators]
    tasks = plan.tasks.select_related("reporting_cycle").prefetch_related("task_departments__department")
    data["tasks"] = [_export_task(task, action_number, dept_name) for task in tasks]
    for dept in sorted(departments.values(), key=lambda d: d.name):
        data["departments"].append({"name": dept.name, "aliases": sorted(a.alias for a in dept.aliases.all())})
    return data


def validate_plan_data(data: dict) -> None:
    """Raise PlanFormatError listing every schema violation, each with its JSON path."""
    validator = jsonschema.Draft202012Validator(plan_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise PlanFormatError(
            [f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}" for e in errors[:50]]
        )


def _org_unit_for(spec: dict, area: OrgUnit | None, create_units: bool, notes: list[str]) -> tuple[OrgUnit, bool]:
    """Return the org unit the plan belongs to and whether it lies outside what the document named.

    With an `area` (an office importing through the site) the unit is looked up only inside that
    subtree, by code and then by name; a document naming any other area is attached to the office's own
    area and the caller adds a warning, so an office never writes into another city. Without one (the
    operator's command line) any unit may match and, with `create_units`, a missing one is created.
    """
    code = spec.get("code")
    units = OrgUnit.objects.all() if area is None else area.get_descendants()
    unit = units.filter(code=code).first() if code else None
    if unit is None:
        named = units.filter(name=spec["name"]).order_by("path")
        unit = named.filter(level=spec["level"]).first() or (named.first() if area is not None else None)
    if unit is not None:
        return unit, False
    if area is not None:
        return area, True
    if not create_units:
        raise PlanFormatError(
            [_("The area “%(name)s” is not known; ask an administrator to add it.") % {"name": spec["name"]}]
        )
    unit = OrgUnit.objects.create(code=code or f"X-{spec['name']}", name=spec["name"], level=Level(spec["level"]))
    notes.append(
        _(
            "Created the org unit “%(name)s” (code %(code)s, %(level)s) at the top level; move it under its parent in the admin."
        )
        % {"name": unit.name, "code": unit.code, "level": unit.get_level_display()}
    )
    return unit, False


class _DepartmentBook:
    """Resolves department names of one plan to registry departments, creating missing ones."""

    def __init__(self, org_unit: OrgUnit, specs: list[dict]):
        self.org_unit = org_unit
        self.by_name: dict[str, Department] = {}
        for spec in specs:
            dept = self.get(spec["name"])
            for alias in spec.get("aliases", []):
                alias = normalize_department_name(alias)
                if alias and alias != dept.name:
                    DepartmentAlias.objects.get_or_create(
                        department=dept, alias=alias, defaults={"org_unit": self.org_unit}
                    )
                    self.by_name[alias] = dept

    def get(self, name: str | None) -> Department | None:
        if not name:
            return None
        clean = normalize_department_name(name)
        if clean not in self.by_name:
            dept = Department.objects.filter(org_unit=self.org_unit, name=clean).first()
            if dept is None:
                alias = (
                    DepartmentAlias.objects.filter(org_unit=self.org_unit, alias=clean)
                    .select_related("department")
                    .first()
                )
                dept = alias.department if alias else Department.objects.create(org_unit=self.org_unit, name=clean)
            self.by_name[clean] = dept
        return self.by_name[clean]


def _full_clean(obj, label: str, errors: list[str], exclude: list[str] | None = None) -> bool:
    """Validate obj; append readable messages to errors and return False when it is invalid."""
    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            name = obj._meta.get_field(field).verbose_name if field != "__all__" else ""
            errors.extend(f"{label} {name}: {m}".replace("  ", " ") for m in messages)
        return False
    return True


DEFAULT = object()  # the parent plan chosen by the chain: the published plan of the nearest area above


def _checked_parent(parent, org_unit):
    """The plan a new plan implements: by default the published plan of the nearest area above; one named explicitly
    must be a published plan of an area above (never a sibling's or another province's)."""
    if parent is DEFAULT:
        return default_parent(org_unit)
    if parent is not None and parent.pk not in {p.pk for p in parent_candidates(org_unit)}:
        message = _(
            "“%(title)s” is not a published plan of an area above %(unit)s: it cannot be the plan this one implements."
        )
        raise PlanFormatError([message % {"title": parent.title, "unit": org_unit.name}])
    return parent


def _plan_area(spec: dict, area: OrgUnit | None, org_unit: OrgUnit | None, create_units: bool, notes: list[str]):
    """Return the plan's org unit and whether the document named an area outside the office's (see _org_unit_for).

    An `org_unit` chosen for the plan must lie within `area` when both are given.
    """
    if org_unit is None:
        return _org_unit_for(spec["org_unit"], area, create_units, notes)
    if area is not None and not org_unit.path.startswith(area.path):
        raise PlanFormatError(
            [
                _("%(unit)s is not within %(area)s: a plan is attached only inside your own area.")
                % {"unit": org_unit.name, "area": area.name}
            ]
        )
    return org_unit, False


def _new_plan(spec: dict, org_unit: OrgUnit, parent) -> Plan:
    """Save the plan's own fields; raise PlanFormatError (nothing saved) when they are invalid."""
    plan = Plan(
        parent=parent,
        org_unit=org_unit,
        issuer=spec.get("issuer", ""),
        title=spec["title"],
        doc_number=spec.get("doc_number", ""),
        issue_date=dt.date.fromisoformat(spec["issue_date"]) if spec.get("issue_date") else None,
        horizon_start=spec["horizon"]["start"],
        horizon_end=spec["horizon"]["end"],
        status=spec.get("status", PlanStatus.DRAFT),
        is_public=spec.get("is_public", False),
        source_name=spec.get("source", {}).get("file", ""),
        source_sha256=spec.get("source", {}).get("sha256", ""),
    )
    errors: list[str] = []
    _full_clean(plan, _("Plan"), errors, exclude=["org_unit", "source_file"])
    if errors:
        raise PlanFormatError(errors)
    plan.save()
    return plan


def _import_cycles(plan: Plan, specs: list[dict], errors: list[str]) -> dict[str, ReportingCycle]:
    """Save the valid reporting cycles and return them by key."""
    cycles = {}
    for c in specs:
        cycle = ReportingCycle(
            plan=plan,
            key=c["key"],
            name=c.get("name", c["key"]),
            kind=c["kind"],
            frequency=c["frequency"],
            due_dates=c["due_dates"],
            source_text=c.get("source_text", ""),
        )
        if _full_clean(cycle, _("Reporting cycle %(key)s") % {"key": c["key"]}, errors, exclude=["plan"]):
            cycle.save()
            cycles[c["key"]] = cycle
    return cycles


def _import_actions(plan: Plan, specs: list[dict], book: _DepartmentBook, errors: list[str]) -> dict[int, Action]:
    """Save the actions and return them by number (a number given twice is an error)."""
    actions = {}
    for a in specs:
        if a["number"] in actions:
            errors.append(_("Action %(number)s appears twice.") % {"number": a["number"]})
            continue
        action = Action(
            plan=plan, number=a["number"], name=a["name"], lead_department=book.get(a.get("lead_department"))
        )
        _set_source(action, a.get("source"))
        _set_confidence(action, a)
        action.save()
        actions[a["number"]] = action
    return actions


def _import_targets(ind: Indicator, specs: list[dict], label: str, errors: list[str]) -> None:
    """Save the valid targets of a saved indicator (two for one year is an error)."""
    years = set()
    for t in specs:
        if t["year"] in years:
            errors.append(_("%(label)s: two targets for %(year)s.") % {"label": label, "year": t["year"]})
            continue
        years.add(t["year"])
        target = Target(
            indicator=ind,
            year=t["year"],
            kind=t["kind"],
            comparator=t.get("comparator", ""),
            value=t.get("value"),
            upper_value=t.get("upper_value"),
            base_year=t.get("base_year"),
            change=t.get("change"),
            change_unit=t.get("change_unit", ""),
            trend=t.get("trend", ""),
            qualitative=t.get("qualitative", ""),
            raw_text=t.get("raw", ""),
        )
        _set_confidence(target, t)
        if _full_clean(target, f"{label} {_('target')} {t['year']}", errors, exclude=["indicator"]):
            target.save()


def _import_indicator(plan: Plan, i: dict, position: int, actions: dict[int, Action], label: str, errors: list[str]):
    """Save one indicator with its baseline and targets, unless it is invalid (then only `errors` grows)."""
    ind = Indicator(
        plan=plan,
        action=actions.get(i.get("action")),
        number=i["number"],
        name=i["name"],
        unit=i.get("unit", ""),
        group=i.get("group", ""),
        nature=i.get("nature", ""),
        direction=i.get("direction", ""),
        definition=i.get("definition", ""),
        calculation=i.get("calculation", ""),
        numerator=i.get("numerator", ""),
        denominator=i.get("denominator", ""),
        position=position,
    )
    _set_source(ind, i.get("source"))
    _set_confidence(ind, i)
    if not _full_clean(ind, label, errors, exclude=["plan", "action"]):
        return
    ind.save()
    b = i.get("baseline")
    if b is not None:
        Baseline.objects.create(
            indicator=ind,
            value=b.get("value"),
            qualitative=b.get("qualitative", ""),
            year=b.get("year"),
            raw_text=b.get("raw", ""),
        )
    _import_targets(ind, i.get("targets", []), label, errors)


def _import_indicators(plan: Plan, specs: list[dict], actions: dict[int, Action], errors: list[str]) -> None:
    """Save the indicators in order (a number given twice, or an action the plan lacks, is an error)."""
    seen_numbers = set()
    for position, i in enumerate(specs):
        label = _("Indicator %(number)s “%(name)s”") % {"number": i["number"], "name": i["name"]}
        if i["number"] in seen_numbers:
            errors.append(_("%(label)s: the number appears twice.") % {"label": label})
            continue
        seen_numbers.add(i["number"])
        if i.get("action") is not None and i["action"] not in actions:
            errors.append(
                _("%(label)s: refers to action %(action)s, which the plan does not have.")
                % {"label": label, "action": i["action"]}
            )
            continue
        _import_indicator(plan, i, position, actions, label, errors)


def _task_departments(task: Task, t: dict, book: _DepartmentBook) -> None:
    """Link a saved task to its lead and co departments by name, each once a role, in the order given."""
    links = []
    for role, names in (
        (DepartmentRole.LEAD, t.get("lead_departments", [])),
        (DepartmentRole.CO, t.get("co_departments", [])),
    ):
        seen = set()
        for pos, name in enumerate(names):
            dept = book.get(name)
            if dept.pk in seen:
                continue
            seen.add(dept.pk)
            links.append(TaskDepartment(task=task, department=dept, role=role, position=pos))
    TaskDepartment.objects.bulk_create(links)


def _import_tasks(plan: Plan, specs: list[dict], actions: dict, cycles: dict, book: _DepartmentBook, errors: list[str]):
    """Save the valid tasks with their departments (an action or reporting cycle the plan lacks is an error)."""
    for position, t in enumerate(specs):
        if t.get("action") is not None and t["action"] not in actions:
            errors.append(
                _("Task %(number)s: refers to action %(action)s, which the plan does not have.")
                % {"number": t["number"], "action": t["action"]}
            )
            continue
        cycle_key = t.get("reporting_cycle")
        if cycle_key and cycle_key not in cycles:
            errors.append(
                _("Task %(number)s: unknown reporting cycle “%(key)s”.") % {"number": t["number"], "key": cycle_key}
            )
            continue
        task = Task(
            plan=plan,
            action=actions.get(t.get("action")),
            number=t["number"],
            content=t["content"],
            measures=t.get("measures", ""),
            deliverables=t.get("deliverables", ""),
            all_lower_units=t.get("all_lower_units", False),
            reporting_cycle=cycles.get(cycle_key),
            position=position,
            deadline=t.get("deadline", ""),
        )
        _set_source(task, t.get("source"))
        _set_confidence(task, t)
        _set_confidence(task, t, "department_")
        if not _full_clean(
            task, _("Task %(number)s") % {"number": t["number"]}, errors, exclude=["plan", "action", "reporting_cycle"]
        ):
            continue
        task.save()
        _task_departments(task, t, book)


def _import_roster(plan: Plan, specs: list[dict]) -> None:
    roster = []
    for pos, r in enumerate(specs):
        entry = RosterEntry(plan=plan, role=r["role"], person=r["person"], post=r.get("post", ""), position=pos)
        _set_source(entry, r.get("source"))
        roster.append(entry)
    RosterEntry.objects.bulk_create(roster)


def _import_warnings(plan: Plan, specs: list[dict], named_outside: dict | None) -> None:
    """Save the parser's warnings, and one more when the document named an area outside the office's."""
    warnings = [
        ParseWarning(
            plan=plan,
            line=w.get("line"),
            message=w["message"][:300],
            text=w.get("text", ""),
            resolved=w.get("resolved", False),
            kind=w.get("kind", "")[:20],
            ref=w.get("ref", "")[:40],
            dismissal_reason=w.get("dismissal_reason", "")[:300],
            position=pos,
        )
        for pos, w in enumerate(specs)
    ]
    if named_outside is not None:
        warnings.append(
            ParseWarning(
                plan=plan,
                kind=WarningKind.UNKNOWN_AREA,
                position=len(warnings),
                text=named_outside["name"],
                message=(
                    _(
                        "The document names “%(named)s”, which is not within %(area)s; the plan was attached to %(area)s. "
                        "Check that this is your plan."
                    )
                    % {"named": named_outside["name"], "area": plan.org_unit.name}
                )[:300],
            )
        )
    ParseWarning.objects.bulk_create(warnings)


@transaction.atomic
def import_plan(
    data: dict,
    source_file=None,
    *,
    area: OrgUnit | None = None,
    create_units: bool = True,
    notes: list[str] | None = None,
    org_unit: OrgUnit | None = None,
    parent=DEFAULT,
) -> Plan:
    """Create a plan from interchange data and return it; nothing is written when anything is invalid.

    `area` is the importing office's own org unit: the plan is attached inside it (see _org_unit_for).
    `org_unit` is the area chosen for the plan (issue 23); it must lie within `area` when both are given. Without it
    the area the document names is looked up (within `area`).
    `parent` is the plan this one implements; by default the published plan of the nearest area above.
    `notes` collects what the import did beyond the plan itself (an org unit created), for the operator.

    Each part is saved in turn and its problems collected; the transaction rolls back when there are any.
    """
    validate_plan_data(data)
    spec = data["plan"]
    errors: list[str] = []
    notes = notes if notes is not None else []
    org_unit, outside = _plan_area(spec, area, org_unit, create_units, notes)
    plan = _new_plan(spec, org_unit, _checked_parent(parent, org_unit))
    if source_file is not None:
        plan.source_file.save(plan.source_name or "source", source_file, save=True)
    book = _DepartmentBook(org_unit, data.get("departments", []))
    cycles = _import_cycles(plan, data.get("reporting_cycles", []), errors)
    actions = _import_actions(plan, data["actions"], book, errors)
    _import_indicators(plan, data["indicators"], actions, errors)
    _import_tasks(plan, data["tasks"], actions, cycles, book, errors)
    _import_roster(plan, data.get("roster", []))
    _import_warnings(plan, data.get("warnings", []), spec["org_unit"] if outside else None)
    if errors:
        raise PlanFormatError(errors)
    return plan
