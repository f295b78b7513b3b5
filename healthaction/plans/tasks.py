"""Plan import as a background job: read an uploaded document (already stored), parse it, save a draft plan."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tasks import task

from healthaction.core import jobs
from healthaction.core.choices import PlanStatus
from healthaction.documents import DocumentError
from healthaction.documents.sandbox import read_bounded
from healthaction.plans.interchange import PlanFormatError, import_plan
from healthaction.plans.signals import plan_imported
from healthaction.registry import scopes


def _parse(data: bytes, name: str, progress) -> tuple[dict, list[str]]:
    """The single call site of the parser for uploads: in a child process with bounded memory and time.

    Returns the draft and the document's lines (for the review page) from that one reading: a scanned PDF is
    recognised once, in the child.
    """

    def pages(done: int, total: int, stage: str) -> None:
        if total:
            progress(10 + int(50 * done / total), _("Finding actions, indicators and tasks…"))

    return read_bounded(data, name, progress=pages)


def _import(job, progress, path: str, name: str) -> jobs.Outcome:
    try:
        with default_storage.open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise jobs.JobError(_("The uploaded document is no longer stored; upload it again."))
    progress(10, _("Reading the document…"))
    try:
        draft, lines = _parse(data, name, progress)
    except DocumentError as exc:
        raise jobs.JobError(str(exc))
    progress(70, _("Saving the draft plan…"))
    draft["plan"]["status"] = PlanStatus.DRAFT
    suffix = PurePosixPath(name).suffix
    try:
        with transaction.atomic():
            # only into the importing office's own area: an unknown or outside area is a warning, never a new unit
            plan = import_plan(
                draft,
                source_file=ContentFile(data, name=f"{hashlib.sha256(data).hexdigest()[:16]}{suffix}"),
                area=scopes.office_area(job.user),
                create_units=False,
            )
            plan.document_text = "\n".join(lines)
            plan.save(update_fields=["document_text"])
            progress(85, _("Matching to the national catalogue…"))
            plan_imported.send(sender=import_document, plan=plan)
    except PlanFormatError as exc:
        raise jobs.JobError(
            _("The document was read but the plan is not valid: %(e)s") % {"e": "; ".join(exc.errors[:5])}
        )
    default_storage.delete(path)  # the plan keeps its own copy as source_file
    counts = {"a": len(draft["actions"]), "i": len(draft["indicators"]), "t": len(draft["tasks"])}
    return jobs.Outcome(
        _("Read %(a)s actions, %(i)s indicators and %(t)s tasks.") % counts, reverse("plan-review", args=[plan.pk])
    )


@task()
def import_document(job_id: int, path: str, name: str) -> str:
    """`path` is the storage name of the upload (core.jobs.stage_upload), `name` the name the user gave it."""
    return jobs.execute(job_id, _import, path=path, name=name)
