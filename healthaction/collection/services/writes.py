"""The write rule and the writes of reported values and task reports (drafts, submissions, corrections)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from healthaction.collection.models import DueItem, IndicatorValue
from healthaction.collection.services.approvals import values_approved
from healthaction.collection.services.checks import Check, check_report, check_value
from healthaction.collection.services.errors import Fixed, NotAllowed
from healthaction.collection.services.versions import (
    guard_version,
    locked_submission,
    previous_value,
    record,
    save_versioned,
    update_item,
)
from healthaction.core.choices import DueKind, RevisionAction, ValueStatus
from healthaction.plans.models import Plan
from healthaction.registry import scopes

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
    item, obj = locked_submission(item)
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
    guard_version(obj, expected_version)  # after the rule: a fixed item says so rather than "someone else saved"
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
    save_versioned(obj)
    if rule == CORRECTION:
        action = RevisionAction.CORRECT
    record(obj, action or (RevisionAction.SUBMIT if submit else RevisionAction.SAVE), user)
    update_item(item, obj, now if submit else None)
    return obj, check


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
        item, obj = locked_submission(item)
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
    save_versioned(obj)
    record(obj, RevisionAction.SUBMIT, user, _("Computed by healthaction: %(s)s") % {"s": data["source"]})
    if item is not None:
        update_item(item, obj, now)
    values_approved(plan.pk, [(obj.indicator_id, obj.org_unit_id)])
    return obj
