"""Core's background jobs: the weekly backup and the daily removal of staged uploads no job will read (scheduled by
the worker, core/schedule.py)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from healthaction.core import backup, jobs


def _backup(job, progress) -> jobs.Outcome:
    folder = Path(settings.VAR_DIR) / "backups"
    path = backup.write_backup(backup.default_path(folder))
    # keep the newest BACKUP_KEEP scheduled backups; hand-made ones elsewhere are never touched
    old = sorted(folder.glob("healthaction-*.zip"))[: -settings.BACKUP_KEEP or None]
    for stale in old:
        stale.unlink(missing_ok=True)
    return jobs.Outcome(_("Backup written to %(path)s.") % {"path": path})


@task()
def scheduled_backup(job_id: int) -> str:
    return jobs.execute(job_id, _backup)


def _prune(job, progress) -> jobs.Outcome:
    n = jobs.prune_staged()
    return jobs.Outcome(_("%(n)s leftover uploaded files removed.") % {"n": n})


@task()
def prune_staged(job_id: int) -> str:
    return jobs.execute(job_id, _prune)
