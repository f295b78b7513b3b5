"""Collection's background jobs: an Excel upload of values and task reports, a large API upload of value rows,
and the daily reminders (scheduled by the worker, core/schedule.py)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import PurePosixPath

from django.db import OperationalError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from healthaction.collection import excel
from healthaction.collection.services.reminders import send_reminders as send_due_reminders
from healthaction.core import jobs
from healthaction.plans.models import Plan
from healthaction.registry import scopes

SHOWN = 500  # row errors and warnings kept for the job page


def _remind(job, progress, plan_id: int | None = None) -> jobs.Outcome:
    # send_reminders claims each (item, person, day) through ReminderLog's unique constraint: a rerun sends nothing twice
    plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
    if plan_id and plan is None:
        raise jobs.JobError(_("The plan no longer exists."))
    if plan is not None and not scopes.is_office(job.user, plan):  # checked again when it runs: roles may have changed
        raise jobs.JobError(_("You no longer run this plan's office."))
    sent = send_due_reminders(plan=plan)
    back = f"{reverse('collection:completeness')}?plan={plan.pk}" if plan else ""
    return jobs.Outcome(_("Reminders sent to %(n)s people.") % {"n": sent}, back)


@task()
def send_reminders(job_id: int, plan_id: int | None = None) -> str:
    """Email and group-robot reminders, of every published plan or of one: always in the worker, since a robot is a
    call to another server that a web request must not wait for."""
    return jobs.execute(job_id, _remind, plan_id=plan_id)


def _busy(exc: OperationalError) -> jobs.JobError:
    """SQLite's "database is locked" as the user's message; any other database error is raised as it is."""
    if "locked" not in str(exc).lower() and "busy" not in str(exc).lower():
        raise exc
    return jobs.JobError(_("The database was busy with another save; nothing was saved. Upload the file again."))


def _details(result) -> dict:
    return {
        "saved": 0 if result.errors else result.saved,
        "unchanged": result.unchanged,
        # the page lists the first SHOWN (a returned workbook marks every one)
        "errors": [asdict(e) for e in result.errors[:SHOWN]],
        "more_errors": max(0, len(result.errors) - SHOWN),
        "warnings": [str(w) for w in result.warnings[:SHOWN]],
    }


def _refused(result) -> str:
    n = len(result.errors)
    return ngettext("%(n)s problem found; nothing was saved.", "%(n)s problems found; nothing was saved.", n) % {"n": n}


def _import_workbook(job, progress, path: str, name: str) -> jobs.Outcome:
    """Check and save a filled-in template, all rows or none (collection.excel.import_workbook, the same checks as
    every other door). A rejected file comes back with a comment on each bad cell as the job's file."""
    with jobs.staged_file(path, _("The uploaded file is no longer stored; upload it again.")) as data:
        progress(10, _("Reading the workbook…"))
        try:
            result = excel.import_workbook(job.user, data, name, progress=progress)
        except OperationalError as exc:
            raise _busy(exc)
    details = _details(result)
    if result.errors:
        if result.annotated is None:
            return jobs.Outcome(_refused(result), details=details)
        stem = PurePosixPath(name.replace("\\", "/")).stem[:80] or "upload"
        return jobs.Outcome(
            _refused(result),
            file_name=f"{stem}-{_('with-comments')}.xlsx",
            file_data=result.annotated,
            details=details,
        )
    return jobs.Outcome(
        _("%(saved)s rows submitted, %(same)s unchanged.") % {"saved": result.saved, "same": result.unchanged},
        reverse("collection:inbox"),
        details=details,
    )


@task()
def import_workbook(job_id: int, path: str, name: str) -> str:
    """`path` is the storage name of the upload (core.jobs.stage_upload), `name` the name the user gave it."""
    return jobs.execute(job_id, _import_workbook, path=path, name=name)


def _import_rows(job, progress, path: str, plan_id: int | None) -> jobs.Outcome:
    """Check and save value rows sent to the API (JSON kept in storage), all or none, as the API does in place."""
    with jobs.staged_file(path, _("The uploaded rows are no longer stored; send them again.")) as data:
        rows = json.loads(data.decode("utf-8"))
        progress(10, _("Checking the rows…"))
        plan = Plan.objects.filter(pk=plan_id).first() if plan_id else None
        try:
            result = excel.import_rows(job.user, rows, plan=plan)
        except OperationalError as exc:
            raise _busy(exc)
    details = _details(result)
    if result.errors:
        return jobs.Outcome(_refused(result), details=details)
    return jobs.Outcome(
        _("%(saved)s rows submitted, %(same)s unchanged.") % {"saved": result.saved, "same": result.unchanged},
        details=details,
    )


@task()
def import_value_rows(job_id: int, path: str, plan_id: int | None = None) -> str:
    return jobs.execute(job_id, _import_rows, path=path, plan_id=plan_id)
