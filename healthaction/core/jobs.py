"""Background jobs on a real queue: django-tasks (Django 6.0's Tasks API) with django-tasks-db's database backend.

Why this queue: it keeps its rows in the database healthaction already has, SQLite or PostgreSQL, so a single
machine needs no other service and several machines need only the shared PostgreSQL (docs/deploy.md).

How a job runs:
- A view stores what the job needs first (an uploaded file goes to storage) and calls `start(task, ...)` with
  ids and paths only. `start` saves a `Job` row (what the page polls) and enqueues the task when the
  transaction commits, so a worker never sees a job whose data is not there yet.
- Each task is a module-level function in its app's tasks.py that calls `execute(job_id, body, **params)`.
  `execute` claims the Job with a conditional UPDATE (queued → running, so a duplicate delivery does nothing),
  takes the job's lock if it has one (one evaluation per plan), calls `body(job, progress, **params)`, and
  records done or failed; a failure is logged with its traceback and the page shows the reason.
- The worker (`healthaction worker`, core/worker.py) beats a heartbeat for its running jobs; any worker
  sweeps Jobs whose heartbeat stopped (the process was killed or the machine restarted): they are queued
  again up to JOB_MAX_ATTEMPTS times, then marked failed with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from healthaction.core import limits
from healthaction.core.models import Job, JobLock
from healthaction.core.xlsx import OFFICE_MIME

log = logging.getLogger("healthaction.jobs")

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
LOCK_RETRY_SECONDS = 5

# Set by the worker process; a job run in place (Immediate backend) is tagged with its process instead.
WORKER_ID = ""


def worker_id() -> str:
    return WORKER_ID or f"inline-{os.getpid()}"


class JobError(Exception):
    """A failure whose message is meant for the user (shown on the job page as it is)."""


@dataclass
class Outcome:
    """What a job body returns: a message, where to go next, optionally a file to download, and details for the job
    page (JSON-able: an upload's counts and row errors)."""

    message: str
    url: str = ""
    file_name: str = ""
    file_data: bytes | None = field(default=None, repr=False)
    details: dict = field(default_factory=dict)


class Progress:
    def __init__(self, job: Job):
        self.job = job

    def __call__(self, percent: int, message: str = "") -> None:
        Job.objects.filter(pk=self.job.pk, status=Job.RUNNING).update(
            progress=max(0, min(100, percent)), message=message, heartbeat_at=timezone.now()
        )


def _immediate(task) -> bool:
    from django_tasks.backends.immediate import ImmediateBackend

    return isinstance(task.get_backend(), ImmediateBackend)


STAGED = "uploads/jobs"  # where stage_upload keeps files until their job reads them


def stage_upload(upload, folder: str = STAGED) -> str:
    """Store an uploaded file before its job starts; the job receives this storage name, never the bytes."""
    name = upload.name or "upload"
    suffix = PurePosixPath(name).suffix.lower()[:10]
    upload.seek(0)
    return default_storage.save(f"{folder}/{uuid.uuid4().hex}{suffix}", ContentFile(upload.read()))


@contextmanager
def staged_file(path: str, missing: str) -> Iterator[bytes]:
    """The bytes of a staged upload for a job body; the file is deleted however the body leaves the block (done,
    refused, failed). Only a worker killed inside keeps it, so that the retried job finds it. `missing` is the
    message when the file is gone."""
    try:
        try:
            with default_storage.open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            raise JobError(missing)
        yield data
    finally:
        default_storage.delete(path)


def prune_staged(now: dt.datetime | None = None, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Delete staged uploads older than `older_than` that no queued or running job will read (a job given up after
    its worker died, a request that failed between staging and starting). Returns how many were deleted."""
    now = now or timezone.now()
    waiting = {
        str(v)
        for params in Job.objects.filter(status__in=Job.ACTIVE).values_list("params", flat=True)
        for v in params.values()
    }
    try:
        _dirs, names = default_storage.listdir(STAGED)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in names:
        path = f"{STAGED}/{name}"
        if path in waiting or default_storage.get_modified_time(path) > now - older_than:
            continue
        default_storage.delete(path)
        deleted += 1
    return deleted


def start(task, *, kind: str, user=None, lock_key: str = "", **params) -> Job:
    """Save a Job and enqueue `task(job_id=…, **params)` once the current transaction commits.

    With a `lock_key`, a job of that key still queued or running is returned instead of a second one.
    """
    with transaction.atomic():
        if lock_key:
            JobLock.objects.get_or_create(key=lock_key)
            # serialise concurrent starts on the lock row, then look for a job already waiting or running
            list(JobLock.objects.select_for_update().filter(key=lock_key).values_list("pk", flat=True))
            existing = Job.objects.filter(lock_key=lock_key, status__in=Job.ACTIVE).order_by("pk").first()
            if existing is not None:
                return existing
        job = Job.objects.create(
            kind=kind,
            user=user,
            task_path=task.module_path,
            params=params,
            lock_key=lock_key,
            language=translation.get_language() or "",
        )
    if _immediate(task):
        # runs in place, in this transaction: it sees the Job row without waiting for a commit
        _enqueue(job.pk, task, params)
    else:
        transaction.on_commit(lambda: _enqueue(job.pk, task, params))
    job.refresh_from_db()
    return job


def _enqueue(job_id: int, task, params: dict, run_after: dt.datetime | None = None) -> None:
    if run_after is not None:
        task = task.using(run_after=run_after)
    result = task.enqueue(job_id=job_id, **params)
    Job.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def requeue(job: Job, run_after: dt.datetime | None = None) -> None:
    """Enqueue a Job's task again (after a crash, or while its lock is held); the Job must be queued."""
    _enqueue(job.pk, import_string(job.task_path), job.params, run_after)


def _claim(job_id: int) -> Job | None:
    now = timezone.now()
    changed = Job.objects.filter(pk=job_id, status=Job.QUEUED).update(
        status=Job.RUNNING, worker_id=worker_id(), started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    return Job.objects.get(pk=job_id) if changed == 1 else None


def acquire(job: Job) -> bool:
    """Take the job's lock with a conditional UPDATE: of several workers exactly one changes the row.

    Works alike on SQLite (one writer at a time) and PostgreSQL (the second UPDATE waits on the row lock,
    then re-checks `job IS NULL` and changes nothing)."""
    if not job.lock_key:
        return True
    JobLock.objects.get_or_create(key=job.lock_key)
    return JobLock.objects.filter(key=job.lock_key, job__isnull=True).update(job=job, acquired_at=timezone.now()) == 1


def release(job: Job) -> None:
    if job.lock_key:
        JobLock.objects.filter(key=job.lock_key, job=job).update(job=None, acquired_at=None)


def _finish(job: Job, status: str, message: str, **fields) -> None:
    Job.objects.filter(pk=job.pk, status=Job.RUNNING, worker_id=job.worker_id).update(
        status=status, message=message[:5000], finished_at=timezone.now(), **fields
    )


def execute(job_id: int, body: Callable[..., Outcome], **params) -> str:
    """Run one job: claim, lock, run `body(job, progress, **params)`, record the outcome. Returns the status.

    In a worker the body runs in a child process (core/jobchild.py) with bounded memory and time, so that a job
    which crashes, aborts or runs out of memory fails with that reason and never takes its worker down."""
    language = Job.objects.filter(pk=job_id).values_list("language", flat=True).first()
    with translation.override(language or settings.LANGUAGE_CODE):
        return _execute(job_id, body, params, isolated=bool(WORKER_ID) and settings.JOB_ISOLATION)


def _execute(job_id: int, body: Callable[..., Outcome], params: dict, isolated: bool = False) -> str:
    job = _claim(job_id)
    if job is None:
        log.info("job %s is not queued any more (done, failed or taken by another worker): skipped", job_id)
        return "skipped"
    if not acquire(job):
        if _immediate(import_string(job.task_path)):
            _finish(job, Job.FAILED, _("Another job of this kind is already running for this plan; try again later."))
            return Job.FAILED
        # someone else holds the lock: wait our turn rather than run two at once
        Job.objects.filter(pk=job.pk, status=Job.RUNNING).update(
            status=Job.QUEUED,
            worker_id="",
            attempts=F("attempts") - 1,
            message=_("Waiting for the running job to finish…"),
        )
        requeue(job, run_after=timezone.now() + dt.timedelta(seconds=LOCK_RETRY_SECONDS))
        return "waiting"
    if isolated:
        try:
            return _in_child(job, body, params)
        finally:
            release(job)
    try:
        return run_body(job, body, params)
    finally:
        release(job)


def run_body(job: Job, body: Callable[..., Outcome], params: dict) -> str:
    """Run a claimed job's body and record its outcome (in the worker's child process, or in place)."""
    try:
        outcome = body(job, Progress(job), **params)
        fields = {"progress": 100, "result_url": outcome.url, "result": outcome.details}
        if outcome.file_data is not None:
            job.result_file.save(outcome.file_name, ContentFile(outcome.file_data), save=False)
            fields["result_file"] = job.result_file.name
            fields["result_url"] = outcome.url or reverse_download(job)
        _finish(job, Job.DONE, outcome.message, **fields)
        log.info("job %s (%s) done: %s", job.pk, job.kind, outcome.message)
        return Job.DONE
    except (JobError, limits.LimitExceeded) as exc:  # a reason meant for the user, e.g. an upload beyond a limit
        log.warning("job %s (%s) failed: %s", job.pk, job.kind, exc)
        _finish(job, Job.FAILED, str(exc))
        return Job.FAILED
    except MemoryError:
        log.warning("job %s (%s) ran out of memory", job.pk, job.kind)
        _finish(job, Job.FAILED, memory_message())
        return Job.FAILED
    except Exception as exc:
        log.exception("job %s (%s) failed with an unexpected error", job.pk, job.kind)
        _finish(job, Job.FAILED, _("The job failed: %(error)s") % {"error": str(exc) or type(exc).__name__})
        return Job.FAILED


def memory_message() -> str:
    return _(
        "The job needed more than %(mb)s MB of memory and was stopped; the file may be too large or malformed."
    ) % {"mb": settings.JOB_MEMORY_MB}


def _in_child(job: Job, body: Callable[..., Outcome], params: dict) -> str:
    """Run the body in `python -m healthaction.core.jobchild` and wait; a child that dies fails its job with the
    reason (and only its job: it is not queued again, since running it again would end the same way)."""
    spec = {
        "job": job.pk,
        "body": f"{body.__module__}.{body.__qualname__}",
        "params": params,
        "worker": worker_id(),
        "memory_mb": settings.JOB_MEMORY_MB,
        "language": translation.get_language() or "",
    }
    child = subprocess.Popen([sys.executable, "-m", "healthaction.core.jobchild"], stdin=subprocess.PIPE)
    try:
        child.communicate(json.dumps(spec).encode(), timeout=settings.JOB_TIMEOUT_SECONDS)
        reason = None
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        reason = _("The job ran longer than %(min)s minutes and was stopped.") % {
            "min": settings.JOB_TIMEOUT_SECONDS // 60
        }
    code = child.returncode
    if reason is None and code == 0:
        return Job.objects.filter(pk=job.pk).values_list("status", flat=True).first() or Job.FAILED
    if reason is None:
        if code == MEMORY_EXIT or code in (-signal.SIGKILL, -signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS):
            reason = (
                memory_message()
                if code == MEMORY_EXIT
                else _(
                    "The job's process ended abruptly (signal %(sig)s), most likely out of memory (at most %(mb)s MB); "
                    "the file may be too large or malformed."
                )
                % {"sig": -code, "mb": settings.JOB_MEMORY_MB}
            )
        else:
            reason = _("The job's process ended abruptly (exit status %(code)s).") % {"code": code}
    log.warning("job %s (%s): its process ended with status %s: %s", job.pk, job.kind, code, reason)
    _finish(job, Job.FAILED, reason)
    return Job.FAILED


MEMORY_EXIT = 75  # the child's exit status when it ran out of memory and could not even record it


def reverse_download(job: Job) -> str:
    from django.urls import reverse

    return reverse("job-file", args=[job.pk])


def sweep(now: dt.datetime | None = None) -> list[int]:
    """Requeue or fail Jobs whose worker stopped beating. Any number of workers may sweep at once: each Job is
    taken by a conditional UPDATE on the heartbeat it was seen with, so only one sweeper acts on it."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)
    swept = []
    for job in Job.objects.filter(status=Job.RUNNING, heartbeat_at__lt=stale_before):
        retry = job.attempts < settings.JOB_MAX_ATTEMPTS and bool(job.task_path)
        if retry:
            message = _("The worker running this job stopped (restart or crash); it is being tried again.")
            changes = {"status": Job.QUEUED, "worker_id": "", "progress": 0, "message": message}
        else:
            message = _("The worker running this job stopped (restart or crash) %(n)s times; the job was given up.") % {
                "n": job.attempts
            }
            changes = {"status": Job.FAILED, "message": message, "finished_at": now}
        taken = Job.objects.filter(
            pk=job.pk, status=Job.RUNNING, heartbeat_at=job.heartbeat_at, worker_id=job.worker_id
        ).update(**changes)
        if taken != 1:
            continue
        log.warning(
            "job %s (%s) of worker %s had no heartbeat since %s: %s",
            job.pk,
            job.kind,
            job.worker_id,
            job.heartbeat_at,
            "queued again" if retry else "failed",
        )
        release(job)
        _fail_task_row(job.task_id, now)
        if retry:
            requeue(job)
        swept.append(job.pk)
    return swept


def _fail_task_row(task_id: str, now: dt.datetime) -> None:
    """django-tasks-db leaves a killed worker's row RUNNING for ever; record it as failed."""
    if not task_id:
        return
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    try:
        DBTaskResult.objects.filter(id=task_id, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="healthaction.core.jobs.WorkerLost",
            traceback="the worker process stopped without finishing this task",
        )
    except Exception:  # a malformed id from an older row: nothing to mark
        log.debug("could not mark task row %s failed", task_id, exc_info=True)


def beat(worker: str) -> int:
    """Record that `worker` is alive for each job it runs."""
    return Job.objects.filter(status=Job.RUNNING, worker_id=worker).update(heartbeat_at=timezone.now())


def file_response(job: Job):
    from django.http import FileResponse

    # FileResponse writes Content-Disposition itself (filename*=utf-8'' for a Chinese name); the Office types are
    # named here, as the system's MIME table may not know them
    name = PurePosixPath(job.result_file.name).name
    return FileResponse(
        job.result_file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=OFFICE_MIME.get(PurePosixPath(name).suffix.lower()),
    )


def respond(job: Job):
    """After `start`: the file when the job has already finished (the Immediate backend runs it in place),
    otherwise the job page that polls until it ends."""
    from django.shortcuts import redirect

    if job.status == Job.DONE and job.result_file:
        return file_response(job)
    return redirect("job", job_id=job.pk)
