"""A small in-process job runner: a thread per job, progress in the database, pages poll it.

Enough for one server process; docs/deploy.md explains moving these to workers on a real
queue when running several. With JOBS_INLINE (tests) the work runs in the request.
"""

from __future__ import annotations

import threading
import traceback
from typing import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from healthaction.core.models import Job


class Progress:
    def __init__(self, job: Job):
        self.job = job

    def __call__(self, percent: int, message: str = "") -> None:
        Job.objects.filter(pk=self.job.pk).update(progress=max(0, min(100, percent)), message=message, status=Job.RUNNING)


def start(kind: str, user, work: Callable[[Progress], tuple[str, str]]) -> Job:
    """Create a job and run `work(progress)`; it returns (message, result_url) or raises with a user-facing message."""
    job = Job.objects.create(kind=kind, user=user)

    def run(threaded: bool):
        if threaded:
            close_old_connections()
        try:
            message, url = work(Progress(job))
            Job.objects.filter(pk=job.pk).update(status=Job.DONE, progress=100, message=message, result_url=url, finished_at=timezone.now())
        except Exception as exc:  # the message is shown to the user; the trace goes to the log
            if settings.DEBUG:
                traceback.print_exc()
            Job.objects.filter(pk=job.pk).update(status=Job.FAILED, message=str(exc) or type(exc).__name__, finished_at=timezone.now())
        finally:
            if threaded:
                close_old_connections()  # the thread's own connection; never the request's

    if getattr(settings, "JOBS_INLINE", False):
        run(threaded=False)
    else:
        threading.Thread(target=run, args=(True,), name=f"job-{job.pk}", daemon=True).start()
    job.refresh_from_db()
    return job
