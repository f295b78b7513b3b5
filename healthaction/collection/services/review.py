"""Review of what was submitted: approve, return, reopen, bulk approval and the review queue rows."""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from healthaction.collection import validation
from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.collection.services.approvals import approving, values_approved
from healthaction.collection.services.errors import Conflict, NotAllowed, VersionMissing
from healthaction.collection.services.versions import (
    last_action,
    locked_submission,
    record,
    save_versioned,
    update_item,
)
from healthaction.core.choices import DueKind, RevisionAction, ValueStatus
from healthaction.registry import scopes


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
    item, obj = locked_submission(item)
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
    own_history = history and scopes.is_office(user, item.plan) and last_action(obj) == RevisionAction.IMPORT
    if approve and obj.submitted_by_id == user.pk and not own_history:
        raise NotAllowed(_("You submitted this item yourself; someone else must approve it."))
    obj.review_comment = comment
    obj.updated_by = user
    if approve:
        obj.status, obj.approved_by, obj.approved_at = ValueStatus.APPROVED, user, timezone.now()
    else:
        obj.status = ValueStatus.RETURNED
    save_versioned(obj)
    record(obj, RevisionAction.APPROVE if approve else RevisionAction.RETURN, user, comment)
    update_item(item, obj, None)
    if approve and item.indicator_id:
        values_approved(item.plan_id, [(obj.indicator_id, obj.org_unit_id)])
    return obj


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
    item, obj = locked_submission(item)
    if obj.pk is None or obj.status != ValueStatus.APPROVED:
        raise NotAllowed(_("Only an approved item can be reopened."))
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(_("The item changed (version %(v)s) since you opened it; reload it.") % {"v": obj.version})
    comment = _comment(comment)
    if not comment:
        raise NotAllowed(_("Say why the item is reopened."))
    obj.status, obj.review_comment, obj.updated_by = ValueStatus.RETURNED, comment, user
    obj.approved_by = obj.approved_at = None
    save_versioned(obj)
    record(obj, RevisionAction.REOPEN, user, comment)
    update_item(item, obj, None)
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
