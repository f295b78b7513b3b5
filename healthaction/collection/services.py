"""Due items, validation, the approval workflow, completeness and reminders."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from healthaction.collection import robots, signals, validation
from healthaction.collection.models import (
    DueItem,
    IndicatorValue,
    ReminderLog,
    Revision,
    RobotWebhook,
    TaskReport,
    received_on_time,
)
from healthaction.core.choices import (
    CycleKind,
    DueKind,
    DueStatus,
    PlanStatus,
    ReminderKind,
    RevisionAction,
    TargetKind,
    TaskProgress,
    ValueStatus,
)
from healthaction.plans.models import Plan
from healthaction.registry import scopes

DEFAULT_TASK_DUE = ["06-15", "12-15"]
DEFAULT_VALUE_DUE = "06-05"
QUALITATIVE_CHOICES = ["实现", "基本实现", "推进中", "未实现"]
OUTLIER_FACTOR = 0.5  # a value more than 50 % away from the previous year's is flagged for the reviewer
RANGES = {"%": (0.0, 100.0), "‰": (0.0, 1000.0)}


class Conflict(Exception):
    """Someone else saved this item since it was opened."""


class VersionMissing(Conflict):
    """A write to an existing value that does not say which version it read."""


class NotAllowed(Exception):
    """The user's role and area do not allow this."""


# ---- due items --------------------------------------------------------------------------------


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


# ---- reporting periods ------------------------------------------------------------------------


def period_start(year: int, half: int) -> dt.date:
    """Return the first day of a half-year period."""
    return dt.date(year, 1 if half == 1 else 7, 1)


def current_period(today: dt.date | None = None) -> tuple[int, int]:
    today = today or dt.date.today()
    return today.year, 1 if today.month <= 6 else 2


def period_label(year: int, half: int) -> str:
    return _("%(y)s, first half") % {"y": year} if half == 1 else _("%(y)s, second half") % {"y": year}


def period_choices(plan: Plan, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Return (start date ISO, label) for every half-year from the plan's first year to the current period."""
    last = max(current_period(today), (plan.horizon_start, 1))
    choices = []
    for year in range(plan.horizon_start, min(last[0], plan.horizon_end) + 1):
        for half in (1, 2):
            if (year, half) <= last:
                choices.append((period_start(year, half).isoformat(), period_label(year, half)))
    return choices


def parse_period(text: str) -> dt.date | None:
    """Read a start period written as 2026H2, 2026-2 or an ISO date of a period's first day."""
    text = (text or "").strip().upper()
    m = re.fullmatch(r"(\d{4})\s*(?:H|-)\s*([12])", text)
    if m:
        return period_start(int(m.group(1)), int(m.group(2)))
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if (day.month, day.day) in ((1, 1), (7, 1)) else None


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


# ---- validation --------------------------------------------------------------------------------


@dataclass
class Check:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    outlier: bool = False

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors


def qualitative_indicator(indicator) -> bool:
    return any(t.kind == TargetKind.QUALITATIVE for t in indicator.targets.all())


def _text_fields(data: dict, fields: tuple[str, ...], check: Check) -> None:
    """Normalise the texts in `data` in place and record what the shared rules refuse."""
    for name in fields:
        data[name] = validation.normalise_text(data.get(name), name)
        problem = validation.text_problem(data[name], name)
        if problem:
            check.error(name, problem)


def check_value(
    indicator, data: dict, *, previous: float | None = None, has_evidence: bool = False, submitting: bool = False
) -> Check:
    """Return the problems of a reported value: errors block (a draft too), warnings go to the reviewer.

    Every door (page, API, bulk JSON/CSV, Excel, healthy-cell share) calls this before it writes anything; texts in
    `data` are normalised in place (stripped, CRLF as LF) so that what is checked is what is stored.
    """
    check = Check()
    _text_fields(data, ("qualitative", "source", "note"), check)
    for name in ("value", "numerator", "denominator"):
        problem = validation.number_problem(data.get(name))
        if problem:
            check.error(name, problem)
    if not check.ok:
        return check
    value, numerator, denominator = data.get("value"), data.get("numerator"), data.get("denominator")
    qualitative = data.get("qualitative") or ""
    if qualitative_indicator(indicator):
        if submitting and not qualitative:
            check.error("qualitative", _("Choose whether the target was met."))
        if qualitative and qualitative not in QUALITATIVE_CHOICES:
            check.error(
                "qualitative",
                _("“%(v)s” is not one of: %(choices)s.")
                % {"v": qualitative, "choices": "、".join(QUALITATIVE_CHOICES)},
            )
    else:
        if numerator is not None and numerator < 0:
            check.error("numerator", _("A count cannot be negative."))
        if numerator is not None and denominator is not None:
            if denominator <= 0:
                check.error("denominator", _("The denominator must be greater than 0."))
            elif numerator > denominator and indicator.unit in RANGES:
                check.error(
                    "numerator",
                    _("The numerator (%(n)s) must not exceed the denominator (%(d)s).")
                    % {"n": f"{numerator:g}", "d": f"{denominator:g}"},
                )
            elif value is None and numerator >= 0:
                factor = {"%": 100, "‰": 1000, "1/10万": 100000}.get(indicator.unit, 1)
                value = numerator / denominator * factor
                data["value"] = value
        elif denominator is not None and denominator <= 0:
            check.error("denominator", _("The denominator must be greater than 0."))
        if (numerator is None) != (denominator is None) and indicator.numerator:
            check.error(
                "denominator" if denominator is None else "numerator", _("Give both the numerator and the denominator.")
            )
        if submitting and value is None and numerator is None and denominator is None:
            check.error("value", _("Enter a number."))
        if value is not None:
            low, high = RANGES.get(indicator.unit, (0.0, None))
            if value < low or (high is not None and value > high):
                check.error(
                    "value",
                    _("%(v)s%(u)s is outside the possible range %(lo)s–%(hi)s%(u)s.")
                    % {
                        "v": f"{value:g}",
                        "u": indicator.unit,
                        "lo": f"{low:g}",
                        "hi": f"{high:g}" if high is not None else "∞",
                    },
                )
            if previous not in (None, 0) and abs(value - previous) / abs(previous) > OUTLIER_FACTOR:
                check.outlier = True
                check.warnings.append(
                    _("%(v)s differs from last year's %(p)s by more than half; the reviewer will check it.")
                    % {"v": f"{value:g}", "p": f"{previous:g}"}
                )
    if submitting and indicator.nature == "binding" and not has_evidence and not (data.get("source") or "").strip():
        check.error("evidence", _("A binding indicator needs evidence: attach a file or name the source of the data."))
    return check


def check_report(data: dict, *, submitting: bool = False) -> Check:
    """Return the problems of a task progress report (the same text rules as values)."""
    check = Check()
    _text_fields(data, ("text",), check)
    progress = data.get("progress") or TaskProgress.IN_PROGRESS
    if progress not in TaskProgress.values:
        check.error("progress", _("Choose a progress status from the list."))
    data["progress"] = progress
    if submitting and check.ok and not data["text"]:
        check.error("text", _("Describe the progress made."))
    return check


# ---- the workflow ------------------------------------------------------------------------------


def _snapshot(obj) -> dict:
    if isinstance(obj, IndicatorValue):
        fields = ["value", "numerator", "denominator", "qualitative", "source", "note", "status", "outlier"]
    else:
        fields = ["progress", "text", "status"]
    data = {f: getattr(obj, f) for f in fields}
    data["evidence"] = sorted(e.original_name for e in obj.evidence.all()) if obj.pk else []
    return data


def record(obj, action: str, user, comment: str = "") -> Revision:
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        version=obj.version,
        action=action,
        data=_snapshot(obj),
        comment=comment,
        user=user,
    )


def history(obj) -> list[Revision]:
    return list(
        Revision.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("user")
        .order_by("pk")
    )


def submission_for(item: DueItem, create: bool = False):
    """Return the value or report that answers a due item (created as a draft when asked)."""
    if item.kind == DueKind.INDICATOR_VALUE:
        lookup = {"indicator_id": item.indicator_id, "org_unit_id": item.org_unit_id, "year": item.year}
        model = IndicatorValue
    else:
        lookup = {
            "task_id": item.task_id,
            "department_id": item.department_id,
            "org_unit_id": item.org_unit_id,
            "year": item.year,
            "half": item.half,
        }
        model = TaskReport
    obj = model.objects.filter(**lookup).first()
    if obj is None and create:
        obj = model(**lookup)
    return obj


def previous_value(item: DueItem) -> float | None:
    prev = (
        IndicatorValue.objects.filter(
            indicator_id=item.indicator_id, org_unit_id=item.org_unit_id, year__lt=item.year, value__isnull=False
        )
        .order_by("-year")
        .first()
    )
    return prev.value if prev else None


def _locked_submission(item: DueItem):
    """Lock the due item (the per-value lock every writer takes first), then read its value or report."""
    item = (
        DueItem.objects.select_for_update(of=("self",))
        .select_related("plan__org_unit", "indicator", "task")
        .get(pk=item.pk)
    )
    return item, submission_for(item, create=True)


def _guard_version(obj, expected_version: int | None) -> None:
    """Refuse a write made from a stale read. A never-saved item is version 0: a create that finds a row is a conflict."""
    current = obj.version if obj.pk else 0
    if expected_version is None:
        if obj.pk:
            raise VersionMissing(
                _("Send the version you read (currently %(v)s): the item already has a saved value.") % {"v": current}
            )
        return
    if expected_version != current:
        raise Conflict(
            _(
                "Someone else saved this item (version %(v)s) after you opened it. Reload to see their changes; your text is kept below."
            )
            % {"v": current}
        )


def _save_versioned(obj) -> None:
    """Save with the next version; a row created meanwhile by another writer (unique constraint) is a conflict."""
    obj.version = (obj.version if obj.pk else 0) + 1
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(_("Someone else saved this item at the same moment. Reload to see their changes.")) from exc


class Fixed(NotAllowed):
    """A submitted or approved value or report that this writer may not change now."""


# how a write to a value or report proceeds (write_rule)
OPEN = "open"  # nothing submitted (new, draft, returned): the reporter saves or submits
UNCHANGED = "unchanged"  # the same content again: nothing is written (an upload sent twice)
CORRECTION = "correction"  # the office changes a submission: a recorded revision that someone else approves


def write_rule(user, item, status: str | None, submitted_by_id: int | None, *, unchanged: bool) -> str:
    """Return how a write to what answers `item` proceeds, or raise Fixed: the one rule every door applies.

    A submitted value is fixed until the office returns it (the reporter then corrects and resubmits) or, once
    approved, reopens it with a reason. While it waits for review only the office may change it, as a correction
    submitted in the office's name, so that someone else approves it; an approved value changes for nobody.
    `status` is None when nothing is stored yet; `unchanged` says the write carries exactly what is stored.
    """
    if not status or status in (ValueStatus.DRAFT, ValueStatus.RETURNED):
        return OPEN
    if unchanged:
        return UNCHANGED
    if status == ValueStatus.APPROVED:
        raise Fixed(_("This item is approved and can no longer be changed; the office can reopen it with a reason."))
    if scopes.is_office(user, item.plan) and submitted_by_id != user.pk:
        return CORRECTION
    raise Fixed(
        _(
            "This item was submitted and waits for the office's review, so it cannot be changed now. "
            "Ask the office to return it; then correct it and submit it again."
        )
    )


VALUE_CONTENT = IndicatorValue.DATA_FIELDS
REPORT_CONTENT = ("progress", "text")


def same_content(obj, data: dict) -> bool:
    names = VALUE_CONTENT if isinstance(obj, IndicatorValue) else REPORT_CONTENT
    return obj.pk is not None and all(getattr(obj, n) == data.get(n) for n in names)


@transaction.atomic
def save_submission(
    user,
    item: DueItem,
    data: dict,
    *,
    submit: bool,
    expected_version: int | None,
    evidence_count: int = 0,
    action: str | None = None,
):
    """Save a draft or submit; return (object, Check). Nothing is written when the check has errors (draft or submit).

    `expected_version` is the version the user's form was opened at (0 for a never-saved item): a different current
    version means someone else saved in between, and the save is refused (Conflict). None is accepted only while
    nothing is saved yet. A submitted or approved item follows `write_rule` (Fixed when it may not change).
    """
    if not scopes.can_report(user, item):
        raise NotAllowed(_("You may not report for this item."))
    item, obj = _locked_submission(item)
    status = obj.status if obj.pk else None
    # a correction of a submission is itself a submission: the same checks as submitting
    submitting = submit or status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED)
    data = dict(data)
    if item.kind == DueKind.INDICATOR_VALUE:
        has_evidence = evidence_count > 0 or (obj.pk is not None and obj.evidence.exists())
        check = check_value(
            item.indicator, data, previous=previous_value(item), has_evidence=has_evidence, submitting=submitting
        )
    else:
        check = check_report(data, submitting=submitting)
    # texts are normalised by the check even when it finds errors: what is compared is what would be stored
    unchanged = evidence_count == 0 and same_content(obj, data)
    rule = write_rule(user, item, status, obj.submitted_by_id, unchanged=unchanged)
    _guard_version(obj, expected_version)  # after the rule: a fixed item says so rather than "someone else saved"
    if rule == UNCHANGED:
        return obj, Check()
    if not check.ok:
        return obj, check
    if item.kind == DueKind.INDICATOR_VALUE:
        for name in VALUE_CONTENT:
            setattr(obj, name, data.get(name))
        obj.outlier = check.outlier
    else:
        obj.progress, obj.text = data["progress"], data["text"]
    now = timezone.now()
    obj.updated_by = user
    submit = submit or rule == CORRECTION
    if submit:
        obj.status = ValueStatus.SUBMITTED
        obj.submitted_by, obj.submitted_at = user, now
    elif obj.status != ValueStatus.RETURNED:
        obj.status = ValueStatus.DRAFT
    _save_versioned(obj)
    if rule == CORRECTION:
        action = RevisionAction.CORRECT
    record(obj, action or (RevisionAction.SUBMIT if submit else RevisionAction.SAVE), user)
    _update_item(item, obj, now if submit else None)
    return obj, check


def _update_item(item: DueItem, obj, received: dt.datetime | None) -> None:
    item.status = obj.status
    if received and item.received_at is None:
        item.received_at = received
    item.save(update_fields=["status", "received_at"])


@transaction.atomic
def review(
    user, item: DueItem, *, approve: bool, comment: str = "", expected_version: int | None = None, history: bool = False
):
    """Approve or return what was submitted for a due item; a return needs a comment; nobody approves their own submission.

    `history=True` is the office loading its own earlier years from the command line (`healthaction values import
    --approve`): the office may approve what it imported itself, and only what it imported.
    """
    if not scopes.can_review(user, item):
        raise NotAllowed(_("You may not review this item."))
    item, obj = _locked_submission(item)
    if obj.pk is None or obj.status != ValueStatus.SUBMITTED:
        raise NotAllowed(_("Only a submitted item can be approved or returned."))
    # the version is part of the decision: what is approved is exactly the version the reviewer saw
    if expected_version is None:
        raise VersionMissing(_("Send the version you reviewed (currently %(v)s).") % {"v": obj.version})
    if obj.version != expected_version:
        raise Conflict(_("The item changed (version %(v)s) since you opened it; reload it.") % {"v": obj.version})
    comment = _comment(comment)
    if not approve and not comment:
        raise NotAllowed(_("Say why the item is returned."))
    own_history = history and scopes.is_office(user, item.plan) and _last_action(obj) == RevisionAction.IMPORT
    if approve and obj.submitted_by_id == user.pk and not own_history:
        raise NotAllowed(_("You submitted this item yourself; someone else must approve it."))
    obj.review_comment = comment
    obj.updated_by = user
    if approve:
        obj.status, obj.approved_by, obj.approved_at = ValueStatus.APPROVED, user, timezone.now()
    else:
        obj.status = ValueStatus.RETURNED
    _save_versioned(obj)
    record(obj, RevisionAction.APPROVE if approve else RevisionAction.RETURN, user, comment)
    _update_item(item, obj, None)
    if approve and item.indicator_id:
        values_approved(item.plan_id, [(obj.indicator_id, obj.org_unit_id)])
    return obj


# ---- the "values approved" hook -------------------------------------------------------------------

_approval_batch: ContextVar[dict | None] = ContextVar("approval_batch", default=None)


@contextmanager
def approving():
    """Announce every value approved inside the block together, once its transaction commits (a bulk approval, an
    import with --approve): one evaluation of all the series instead of one per value. Nothing is announced when
    the block raises."""
    if _approval_batch.get() is not None:  # an outer block announces
        yield
        return
    series: dict = {}
    token = _approval_batch.set(series)
    try:
        yield
    finally:
        _approval_batch.reset(token)
    _announce_approved(series)


def values_approved(plan_id: int, pairs) -> None:
    """The hook every approval calls with the (indicator_id, org_unit_id) of the values it approved: evaluation
    recomputes those series after the commit (collection.signals.values_approved). Costs no query."""
    batch = _approval_batch.get()
    series = batch if batch is not None else {}
    indicators, units = series.setdefault(plan_id, (set(), set()))
    for indicator_id, org_unit_id in pairs:
        indicators.add(indicator_id)
        units.add(org_unit_id)
    if batch is None:
        _announce_approved(series)


def _announce_approved(series: dict) -> None:
    if series:
        # outside a transaction this sends at once; a rollback discards it with the approvals
        transaction.on_commit(lambda: signals.values_approved.send(sender=IndicatorValue, series=series))


def approve_many(user, chosen: list[tuple[DueItem, int | None]]) -> tuple[int, list[str]]:
    """Approve the chosen items, each at the version the reviewer saw, through `review` (one transaction each): a stale,
    own or not submitted one is left as it is and named in the returned problems; the others are approved."""
    approved, problems = 0, []
    with approving():  # one evaluation of every series approved, after the last commit
        for item, version in chosen:
            try:
                review(user, item, approve=True, expected_version=version)
            except (NotAllowed, Conflict) as exc:
                problems.append(f"{item}：{exc}")
            else:
                approved += 1
    return approved, problems


def _last_action(obj) -> str | None:
    last = (
        Revision.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .order_by("-pk")
        .first()
    )
    return last.action if last else None


def _comment(comment: str) -> str:
    comment = validation.normalise_text(comment, "comment")
    problem = validation.text_problem(comment, "comment")
    if problem:
        raise NotAllowed(problem)
    return comment


@transaction.atomic
def reopen(user, item: DueItem, *, comment: str, expected_version: int | None = None):
    """The office reopens an approved value or report (recorded with its reason); it goes back to the reporter as returned."""
    if not scopes.is_office(user, item.plan):
        raise NotAllowed(_("Only the office can reopen an approved item."))
    item, obj = _locked_submission(item)
    if obj.pk is None or obj.status != ValueStatus.APPROVED:
        raise NotAllowed(_("Only an approved item can be reopened."))
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(_("The item changed (version %(v)s) since you opened it; reload it.") % {"v": obj.version})
    comment = _comment(comment)
    if not comment:
        raise NotAllowed(_("Say why the item is reopened."))
    obj.status, obj.review_comment, obj.updated_by = ValueStatus.RETURNED, comment, user
    obj.approved_by = obj.approved_at = None
    _save_versioned(obj)
    record(obj, RevisionAction.REOPEN, user, comment)
    _update_item(item, obj, None)
    return obj


@transaction.atomic
def submit_computed_value(user, plan: Plan, indicator, org_unit, year: int, value: float, source: str):
    """Submit a value healthaction computed itself (a healthy-cell share) through the same checks, rule, versions and
    revisions as a reporter's: it is submitted in the office's name and someone else approves it, never in one step.

    It never replaces what someone else submitted or what is approved (the same figure changes nothing).
    """
    if not scopes.is_office(user, plan):
        raise NotAllowed(_("Only the office can record this value."))
    item = DueItem.objects.filter(
        kind=DueKind.INDICATOR_VALUE, indicator=indicator, org_unit=org_unit, year=year
    ).first()
    if item is not None:
        item, obj = _locked_submission(item)
    else:  # the plan asks no one for this value (e.g. not yet published): still one row, versioned
        obj = (
            IndicatorValue.objects.select_for_update().filter(indicator=indicator, org_unit=org_unit, year=year).first()
        )
        obj = obj or IndicatorValue(indicator=indicator, org_unit=org_unit, year=year)
    data = {"value": value, "numerator": None, "denominator": None, "qualitative": "", "source": source, "note": ""}
    check = check_value(indicator, data, submitting=True, has_evidence=True)
    if not check.ok:
        raise NotAllowed("；".join(m for ms in check.errors.values() for m in ms))
    status = obj.status if obj.pk else None
    if status in (ValueStatus.SUBMITTED, ValueStatus.APPROVED) and obj.value == data["value"]:
        return obj
    if status == ValueStatus.SUBMITTED:
        raise Fixed(
            _("The %(y)s value (%(v)s) was submitted and waits for review; return it before recording another.")
            % {"y": year, "v": f"{obj.value:g}" if obj.value is not None else obj.qualitative}
        )
    if status == ValueStatus.APPROVED:
        raise Fixed(
            _("The %(y)s value is already approved (%(v)s); reopen it before recording another.")
            % {"y": year, "v": f"{obj.value:g}" if obj.value is not None else obj.qualitative}
        )
    for name in VALUE_CONTENT:
        setattr(obj, name, data[name])
    now = timezone.now()
    obj.outlier = False
    obj.status, obj.submitted_by, obj.submitted_at, obj.updated_by = ValueStatus.SUBMITTED, user, now, user
    obj.approved_by = obj.approved_at = None
    _save_versioned(obj)
    record(obj, RevisionAction.SUBMIT, user, _("Computed by healthaction: %(s)s") % {"s": data["source"]})
    if item is not None:
        _update_item(item, obj, now)
    values_approved(plan.pk, [(obj.indicator_id, obj.org_unit_id)])
    return obj


def target_for(indicator, year: int):
    """The target that applies to a year: the first one due in or after it, else the last one."""
    targets = sorted(indicator.targets.all(), key=lambda t: t.year)
    return next((t for t in targets if t.year >= year), targets[-1] if targets else None)


def review_rows(items: list[DueItem]) -> list[dict]:
    """For the review queue: each submitted item with its value or report, unit, previous value, target, evidence.

    A page of items takes a fixed number of queries: their values, reports, evidence, earlier values and targets
    are each read in one query for the whole page.
    """
    value_items = [i for i in items if i.kind == DueKind.INDICATOR_VALUE]
    report_items = [i for i in items if i.kind != DueKind.INDICATOR_VALUE]
    answers: dict[tuple, object] = {}
    history: dict[tuple, list] = defaultdict(list)
    if value_items:
        wanted = Q()
        for i in value_items:
            wanted |= Q(indicator_id=i.indicator_id, org_unit_id=i.org_unit_id, year=i.year)
        for v in IndicatorValue.objects.filter(wanted).prefetch_related("evidence"):
            answers[(DueKind.INDICATOR_VALUE, v.indicator_id, v.org_unit_id, v.year)] = v
        earlier = Q()
        for i in value_items:
            earlier |= Q(indicator_id=i.indicator_id, org_unit_id=i.org_unit_id, year__lt=i.year)
        for indicator_id, org_unit_id, year, value in (
            IndicatorValue.objects.filter(earlier, value__isnull=False)
            .order_by("-year")
            .values_list("indicator_id", "org_unit_id", "year", "value")
        ):
            history[(indicator_id, org_unit_id)].append((year, value))
        prefetch_related_objects(value_items, "indicator__targets")
    if report_items:
        wanted = Q()
        for i in report_items:
            wanted |= Q(
                task_id=i.task_id, department_id=i.department_id, org_unit_id=i.org_unit_id, year=i.year, half=i.half
            )
        for r in TaskReport.objects.filter(wanted).prefetch_related("evidence"):
            answers[(DueKind.TASK_PROGRESS, r.task_id, r.department_id, r.org_unit_id, r.year, r.half)] = r
    rows = []
    for item in items:
        if item.kind == DueKind.INDICATOR_VALUE:
            obj = answers.get((item.kind, item.indicator_id, item.org_unit_id, item.year))
        else:
            obj = answers.get((item.kind, item.task_id, item.department_id, item.org_unit_id, item.year, item.half))
        row = {"item": item, "obj": obj, "evidence": list(obj.evidence.all()) if obj is not None else []}
        if item.indicator_id:
            row["unit"] = item.indicator.unit
            row["previous"] = next(
                (v for y, v in history[(item.indicator_id, item.org_unit_id)] if y < item.year), None
            )
            row["target"] = target_for(item.indicator, item.year)
        rows.append(row)
    return rows


# ---- completeness and timeliness ---------------------------------------------------------------


def completeness(plan: Plan, today: dt.date | None = None, year: int | None = None) -> dict[str, list[dict]]:
    """Return, per department, per lower-level unit and per action, the share of due items received and received on time (of one year, or all)."""
    today = today or dt.date.today()
    items = (
        DueItem.objects.counting()
        .filter(plan=plan, due_date__lte=today)
        .select_related("department", "org_unit", "indicator__action", "task__action")
    )
    if year is not None:
        items = items.filter(year=year)
    groups: dict[str, dict] = {"department": {}, "org_unit": {}, "action": {}}
    for item in items:
        action = (
            (item.indicator.action if item.indicator_id else item.task.action)
            if (item.indicator_id or item.task_id)
            else None
        )
        keys = {
            "department": (item.department_id, item.department.name) if item.department_id else None,
            "org_unit": (item.org_unit_id, item.org_unit.name) if item.department_id is None else None,
            "action": (action.pk, f"{action.number}. {action.name}") if action else None,
        }
        for group, key in keys.items():
            if key is None:
                continue
            row = groups[group].setdefault(key, {"id": key[0], "name": key[1], "due": 0, "received": 0, "on_time": 0})
            row["due"] += 1
            if item.received_at:
                row["received"] += 1
                row["on_time"] += bool(item.on_time)
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


# ---- reminders ---------------------------------------------------------------------------------

REMINDER_DAYS_BEFORE = 7


def recipients(item: DueItem):
    """Return the users who answer for a due item (its department's liaisons, or its area's office)."""
    members = scopes.reporters(item.department_id, item.org_unit_id)
    return [m.user for m in members.select_related("user") if m.user.email and m.user.is_active]


def send_reminders(
    today: dt.date | None = None, plan: Plan | None = None, days_before: int = REMINDER_DAYS_BEFORE
) -> int:
    """Email reminders N days before, on the due date and when overdue; never twice for one item, person and day."""
    today = today or dt.date.today()
    items = (
        DueItem.objects.counting()
        .filter(received_at__isnull=True, plan__status=PlanStatus.PUBLISHED)
        .filter(Q(due_date=today + dt.timedelta(days=days_before)) | Q(due_date=today) | Q(due_date__lt=today))
        .select_related("indicator", "task", "department", "org_unit", "plan")
    )
    if plan is not None:
        items = items.filter(plan=plan)
    per_person: dict[str, list[tuple[DueItem, str]]] = {}
    everything = []
    for item in items:
        kind = (
            ReminderKind.OVERDUE
            if item.due_date < today
            else ReminderKind.DUE_TODAY
            if item.due_date == today
            else ReminderKind.BEFORE
        )
        everything.append((item, kind))
        for user in recipients(item):
            per_person.setdefault(user.email, []).append((item, kind))
    sent = 0
    for email, entries in per_person.items():
        fresh = []
        for item, kind in entries:
            try:
                with transaction.atomic():
                    ReminderLog.objects.create(due_item=item, recipient=email, kind=kind, sent_on=today)
                fresh.append((item, kind))
            except IntegrityError:
                continue  # already reminded today
        if not fresh:
            continue
        lines = [
            f"- {item} （{item.period_label}，截止 {item.due_date:%Y-%m-%d}，{ReminderKind(kind).label}）"
            for item, kind in fresh
        ]
        send_mail(
            subject=_("healthaction: %(n)s item(s) to report") % {"n": len(fresh)},
            message=_("The following items are due or overdue:") + "\n" + "\n".join(lines),
            from_email=None,
            recipient_list=[email],
        )
        sent += 1
    send_robot_reminders(everything, today)  # after email: a robot that fails never holds email back
    return sent


def robots_for(item: DueItem) -> list:
    """The active group robots of an item's department, or of its area when no department answers for it."""
    robots = RobotWebhook.objects.filter(active=True)
    if item.department_id:
        return list(robots.filter(department_id=item.department_id))
    return list(robots.filter(department__isnull=True, org_unit_id=item.org_unit_id))


def send_robot_reminders(items: list[tuple[DueItem, str]], today: dt.date) -> int:
    """Post the reminders of the day to group robots, once per item, robot and day; return messages accepted.

    A failed post keeps nothing in ReminderLog, so a later run the same day tries again.
    """
    by_department, by_area = {}, {}
    for robot in RobotWebhook.objects.filter(active=True):
        if robot.department_id:
            by_department.setdefault(robot.department_id, []).append(robot)
        else:
            by_area.setdefault(robot.org_unit_id, []).append(robot)
    per_robot: dict[int, tuple] = {}
    for item, kind in items:
        found = by_department.get(item.department_id, []) if item.department_id else by_area.get(item.org_unit_id, [])
        for robot in found:
            per_robot.setdefault(robot.pk, (robot, []))[1].append((item, kind))
    accepted = 0
    for robot, entries in per_robot.values():
        fresh = []
        for item, kind in entries:
            try:
                with transaction.atomic():
                    fresh.append(
                        ReminderLog.objects.create(due_item=item, recipient=robot.channel, kind=kind, sent_on=today)
                    )
            except IntegrityError:
                continue
        if not fresh:
            continue
        title = _("%(n)s item(s) to report") % {"n": len(fresh)}
        lines = [
            f"- {log.due_item} （{log.due_item.period_label}，截止 {log.due_item.due_date:%Y-%m-%d}，{ReminderKind(log.kind).label}）"
            for log in fresh
        ]
        text = f"### {title}\n" + "\n".join(lines)
        if robots.deliver(robot, str(title), text):
            accepted += 1
        else:
            ReminderLog.objects.filter(pk__in=[log.pk for log in fresh]).delete()
    return accepted
