"""Collection's background jobs: the daily reminders (scheduled by the worker, core/schedule.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django_tasks import task

from healthaction.collection.services import send_reminders as send_due_reminders
from healthaction.core import jobs


def _remind(job, progress) -> jobs.Outcome:
    # send_reminders claims each (item, person, day) through ReminderLog's unique constraint: a rerun sends nothing twice
    sent = send_due_reminders()
    return jobs.Outcome(_("Reminders sent to %(n)s people.") % {"n": sent})


@task()
def send_reminders(job_id: int) -> str:
    return jobs.execute(job_id, _remind)
