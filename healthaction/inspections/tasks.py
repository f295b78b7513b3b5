"""Inspections' background job: a round's filled-in results workbook (得分明细), read and recorded all or nothing."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from healthaction.core import jobs
from healthaction.inspections import excel
from healthaction.inspections.models import Round


def _import_results(job, progress, round_id: int, path: str, name: str) -> jobs.Outcome:
    with jobs.staged_file(path, _("The uploaded file is no longer stored; upload it again.")) as data:
        rnd = Round.objects.select_related("checklist").filter(pk=round_id).first()
        if rnd is None:
            raise jobs.JobError(_("The round no longer exists."))
        back = reverse("inspections:round", args=[rnd.pk])
        try:
            progress(10, _("Reading the workbook…"))
            n = excel.import_results(job.user, rnd, data, name)
        except excel.WorkbookError as exc:
            errors = [{"sheet": "", "row": e[1], "column": None, "message": excel.format_error(e)} for e in exc.errors]
            message = ngettext(
                "%(n)s problem found; nothing was saved.", "%(n)s problems found; nothing was saved.", len(errors)
            ) % {"n": len(errors)}
            return jobs.Outcome(message, back, details={"saved": 0, "errors": errors})
    return jobs.Outcome(_("%(n)s scores recorded.") % {"n": n}, back, details={"saved": n})


@task()
def import_results(job_id: int, round_id: int, path: str, name: str) -> str:
    """`path` is the storage name of the upload (core.jobs.stage_upload), `name` the name the user gave it."""
    return jobs.execute(job_id, _import_results, round_id=round_id, path=path, name=name)
