"""Background jobs: long operations (parsing a document, a full evaluation, a report) run off the request."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.core.choices import JobStatus


class Job(models.Model):
    QUEUED, RUNNING, DONE, FAILED = JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.DONE, JobStatus.FAILED
    STATUS_CHOICES = JobStatus.choices

    kind = models.CharField(_("kind"), max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="jobs")
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    message = models.TextField(_("message"), blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"
