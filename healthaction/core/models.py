"""Background jobs: long operations (parsing a document, a full evaluation, a report) run off the request.

`Job` is what pages poll; the queue itself is django-tasks' database backend (core/jobs.py explains why).
`JobLock` keeps one job per key running (one evaluation per plan); `ScheduledRun` records which slot of a
periodic job (daily reminders, nightly evaluation, weekly backup) some worker has claimed.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from healthaction.core.choices import JobStatus


class Job(models.Model):
    QUEUED, RUNNING, DONE, FAILED = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED
    STATUS_CHOICES = JobStatus.choices
    ACTIVE = (QUEUED, RUNNING)  # still to be polled
    ENDED = (DONE, FAILED)

    kind = models.CharField(_("kind"), max_length=32)
    # null for scheduled jobs that no user started
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs", null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m", max_length=300, blank=True)
    # what the job page shows besides the message (an upload's counts and row errors): JSON, set when the job ends
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # what the queue needs to run it again after a crash: a task path and JSON-able ids, never a closure
    task_path = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    lock_key = models.CharField(max_length=100, blank=True, db_index=True)
    worker_id = models.CharField(max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    language = models.CharField(max_length=15, blank=True)  # messages and files in the language of who started it

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="core_job_status_beat")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def ended(self) -> bool:
        return self.status in self.ENDED

    @property
    def unfinished(self) -> bool:
        """Still queued or running: the page keeps polling."""
        return self.status in self.ACTIVE

    @property
    def succeeded(self) -> bool:
        return self.status == self.DONE

    @property
    def failed(self) -> bool:
        return self.status == self.FAILED

    @property
    def silent_seconds(self) -> int | None:
        """Seconds since a running job's worker last said it was alive (None when the job is not running): more than
        three heartbeats means the worker may have died, and the page says so instead of "running" for ever."""
        if self.status != JobStatus.RUNNING or self.heartbeat_at is None:
            return None
        return int((timezone.now() - self.heartbeat_at).total_seconds())

    @property
    def worker_silent(self) -> bool:
        silent = self.silent_seconds
        return silent is not None and silent > 3 * settings.JOB_HEARTBEAT_SECONDS


class JobLock(models.Model):
    """One row per lock key; `job` is set by a conditional UPDATE (WHERE job IS NULL), so only one job holds it."""

    key = models.CharField(max_length=100, unique=True)
    job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="+")
    acquired_at = models.DateTimeField(null=True, blank=True)


class ScheduledRun(models.Model):
    """A periodic job's slot, claimed by inserting it: the unique constraint lets exactly one worker win."""

    name = models.CharField(max_length=50)
    slot = models.CharField(max_length=40)
    claimed_at = models.DateTimeField(auto_now_add=True)
    worker_id = models.CharField(max_length=64, blank=True)
    job = models.ForeignKey(Job, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "slot"], name="core_scheduledrun_once")]
