"""Versions and revisions of values and reports: the lock every writer takes, the version guard, the history."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from healthaction.collection.models import DueItem, IndicatorValue, Revision, TaskReport
from healthaction.collection.services.errors import Conflict, VersionMissing
from healthaction.core.choices import DueKind


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


def last_action(obj) -> str | None:
    last = (
        Revision.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .order_by("-pk")
        .first()
    )
    return last.action if last else None


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


def locked_submission(item: DueItem):
    """Lock the due item (the per-value lock every writer takes first), then read its value or report."""
    item = (
        DueItem.objects.select_for_update(of=("self",))
        .select_related("plan__org_unit", "indicator", "task")
        .get(pk=item.pk)
    )
    return item, submission_for(item, create=True)


def guard_version(obj, expected_version: int | None) -> None:
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


def save_versioned(obj) -> None:
    """Save with the next version; a row created meanwhile by another writer (unique constraint) is a conflict."""
    obj.version = (obj.version if obj.pk else 0) + 1
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise Conflict(_("Someone else saved this item at the same moment. Reload to see their changes.")) from exc


def update_item(item: DueItem, obj, received: dt.datetime | None) -> None:
    """Copy a saved value's or report's status onto its due item, and the time it was first received."""
    item.status = obj.status
    if received and item.received_at is None:
        item.received_at = received
    item.save(update_fields=["status", "received_at"])
