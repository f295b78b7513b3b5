"""Plan import as background jobs: read an uploaded document (already stored), parse it, save a draft plan; apply a
corrected review workbook to a draft plan, all rows or none."""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from healthaction.core import jobs
from healthaction.core.choices import PlanStatus
from healthaction.documents import DocumentError
from healthaction.documents.sandbox import read_bounded
from healthaction.plans import excel
from healthaction.plans.interchange import PlanFormatError, import_plan
from healthaction.plans.models import Plan
from healthaction.plans.signals import plan_imported
from healthaction.registry import scopes
from healthaction.registry.models import OrgUnit


def _parse(data: bytes, name: str, progress) -> tuple[dict, list[str]]:
    """The single call site of the parser for uploads: in a child process with bounded memory and time.

    Returns the draft and the document's lines (for the review page) from that one reading: a scanned PDF is
    recognised once, in the child.
    """

    def pages(done: int, total: int, stage: str) -> None:
        if total:
            progress(10 + int(50 * done / total), _("Finding actions, indicators and tasks…"))

    return read_bounded(data, name, progress=pages)


def _import(job, progress, path: str, name: str, area: str = "") -> jobs.Outcome:
    # the staged file goes once the plan is saved (the plan keeps its own copy as source_file) or refused
    with jobs.staged_file(path, _("The uploaded document is no longer stored; upload it again.")) as data:
        chosen = None
        if area:  # the area chosen on upload, checked again: the user's role may have changed since
            chosen = OrgUnit.objects.filter(code=area).first()
            if chosen is None or not scopes.may_attach_plan(job.user, chosen):
                raise jobs.JobError(_("You cannot attach a plan to that area: it is not within yours."))
        progress(10, _("Reading the document…"))
        try:
            draft, lines = _parse(data, name, progress)
        except DocumentError as exc:
            raise jobs.JobError(str(exc))
        progress(70, _("Saving the draft plan and matching it to the national catalogue…"))
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
                    org_unit=chosen,
                )
                plan.document_text = "\n".join(lines)
                plan.save(update_fields=["document_text"])
                plan_imported.send(sender=import_document, plan=plan)
        except PlanFormatError as exc:
            raise jobs.JobError(
                _("The document was read but the plan is not valid: %(e)s") % {"e": "; ".join(exc.errors[:5])}
            )
    counts = {"a": len(draft["actions"]), "i": len(draft["indicators"]), "t": len(draft["tasks"])}
    return jobs.Outcome(
        _("Read %(a)s actions, %(i)s indicators and %(t)s tasks.") % counts, reverse("plan-review", args=[plan.pk])
    )


@task()
def import_document(job_id: int, path: str, name: str, area: str = "") -> str:
    """`path` is the storage name of the upload (core.jobs.stage_upload), `name` the name the user gave it, `area` the
    code of the area chosen for the plan ("" for the one the document names)."""
    return jobs.execute(job_id, _import, path=path, name=name, area=area)


def _apply_workbook(job, progress, plan_id: int, path: str) -> jobs.Outcome:
    with jobs.staged_file(path, _("The uploaded file is no longer stored; upload it again.")) as data:
        plan = Plan.objects.select_related("org_unit").filter(pk=plan_id).first()
        if plan is None:
            raise jobs.JobError(_("The plan no longer exists."))
        if not scopes.can_correct_plan(job.user, plan):  # published since the upload, or the user's role changed
            raise jobs.JobError(_("Only a draft plan can be corrected here."))
        back = reverse("plan-review", args=[plan.pk])
        try:
            progress(10, _("Reading the workbook…"))
            counts = excel.import_workbook(plan, data)
        except excel.WorkbookRefused as exc:
            errors = [{"sheet": "", "row": 0, "column": None, "message": str(e)} for e in exc.errors]
            message = ngettext(
                "%(n)s problem found; nothing was saved.", "%(n)s problems found; nothing was saved.", len(errors)
            ) % {"n": len(errors)}
            return jobs.Outcome(message, back, details={"saved": 0, "errors": errors})
    changed = sum(counts.values())
    message = (
        _("Imported the workbook: %(n)s rows changed.") % {"n": changed}
        if changed
        else _("The workbook matches the plan; nothing changed.")
    )
    return jobs.Outcome(message, back, details={"saved": changed, "counts": counts})


@task()
def apply_workbook(job_id: int, plan_id: int, path: str) -> str:
    """`path` is the storage name of the corrected workbook (core.jobs.stage_upload)."""
    return jobs.execute(job_id, _apply_workbook, plan_id=plan_id, path=path)
