"""What departments and lower-level governments owe and report.

A DueItem is an obligation (this department owes progress on this task for
2024 H1; this county owes this indicator's 2023 value). What they send is an
IndicatorValue or a TaskReport, edited in place through the workflow
draft → submitted → approved | returned → submitted …; every change is kept
as a Revision, so nothing is ever lost and any value's history can be shown.
"""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from healthaction.collection.robots import validate_url as validate_robot_url
from healthaction.core.choices import (
    DueKind,
    DueStatus,
    ReminderKind,
    RevisionAction,
    RobotKind,
    TaskProgress,
    ValueStatus,
)
from healthaction.plans.models import Indicator, Plan, Task
from healthaction.registry.models import Department, OrgUnit


class WorkflowMixin(models.Model):
    status = models.CharField(_("status"), max_length=16, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @property
    def is_returned(self) -> bool:
        return self.status == ValueStatus.RETURNED


class IndicatorValue(WorkflowMixin):
    """The current value of an indicator for one org unit and year; `version` guards against lost updates."""

    # what a reporter writes (the form, Excel, the API, a computed value): compared, copied and inserted in this order
    DATA_FIELDS = ("value", "numerator", "denominator", "qualitative", "source", "note")

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="values", verbose_name=_("indicator"))
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="indicator_values", verbose_name=_("org unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    qualitative = models.CharField(_("qualitative value"), max_length=100, blank=True)
    source = models.CharField(_("source of the data"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    outlier = models.BooleanField(_("flagged as unusual against earlier years"), default=False)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "org_unit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "year"], name="value_one_per_unit_year")
        ]
        indexes = [
            models.Index(fields=["org_unit", "year"], name="value_unit_year_idx"),
            models.Index(fields=["submitted_at"], name="value_submitted_idx"),
        ]

    def __str__(self) -> str:
        shown = self.qualitative if self.value is None else f"{self.value:g}"
        return f"{self.indicator} · {self.org_unit} · {self.year}: {shown}"


class TaskReport(WorkflowMixin):
    """A department's (or a county's) progress on one task for one half-year."""

    task = models.ForeignKey(Task, models.CASCADE, related_name="reports", verbose_name=_("task"))
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="task_reports", verbose_name=_("department")
    )
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="task_reports", verbose_name=_("org unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=[(1, _("first half")), (2, _("second half"))])
    progress = models.CharField(
        _("progress"), max_length=16, choices=TaskProgress.choices, default=TaskProgress.IN_PROGRESS
    )
    text = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("task progress report")
        verbose_name_plural = _("task progress reports")
        ordering = ["task", "year", "half"]
        # department may be null (a county's report): coalesce so that SQLite enforces it too
        constraints = [
            models.UniqueConstraint(
                F("task"),
                Coalesce("department", Value(0)),
                F("org_unit"),
                F("year"),
                F("half"),
                name="task_report_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.department or self.org_unit} · {self.year}H{self.half}"


class DueItemQuerySet(models.QuerySet):
    def counting(self):
        """Items that count: still required and due from the plan's reporting start on (not history)."""
        return self.filter(obsolete=False, history=False)


def period_text(year: int, half: int | None) -> str:
    """Return a reporting period in the reader's language: "2025年上半年" or "2025, first half"."""
    if not half:
        return gettext("Year %(year)s") % {"year": year}
    if half == 1:
        return gettext("%(year)s, first half") % {"year": year}
    return gettext("%(year)s, second half") % {"year": year}


class DueItem(models.Model):
    """One obligation generated from a published plan and its reporting cycles.

    `history` marks an item due before the plan's reporting start: it may be entered or imported,
    but it is never overdue, reminded, or counted in completeness, the inbox, the task board or circulars.
    """

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="due_items", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=DueKind.choices)
    indicator = models.ForeignKey(
        Indicator, models.CASCADE, null=True, blank=True, related_name="due_items", verbose_name=_("indicator")
    )
    task = models.ForeignKey(
        Task, models.CASCADE, null=True, blank=True, related_name="due_items", verbose_name=_("task")
    )
    department = models.ForeignKey(
        Department, models.CASCADE, null=True, blank=True, related_name="due_items", verbose_name=_("department")
    )
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="due_items", verbose_name=_("org unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), default=0)  # 0 for annual items
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=DueStatus.choices, default=DueStatus.OPEN)
    received_at = models.DateTimeField(_("first received"), null=True, blank=True)
    obsolete = models.BooleanField(_("no longer required by the plan"), default=False)
    history = models.BooleanField(_("before the reporting start (history)"), default=False)

    objects = DueItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("due item")
        verbose_name_plural = _("due items")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                F("kind"),
                Coalesce("indicator", Value(0)),
                Coalesce("task", Value(0)),
                Coalesce("department", Value(0)),
                F("org_unit"),
                F("year"),
                F("half"),
                name="due_item_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["plan", "due_date"], name="due_plan_date_idx"),
            models.Index(fields=["department", "status"], name="due_department_status_idx"),
        ]

    def __str__(self) -> str:
        what = self.indicator or self.task
        period = f"{self.year}" if not self.half else f"{self.year}H{self.half}"
        return f"{what} · {self.department or self.org_unit} · {period}"

    @property
    def period_display(self) -> str:
        """The period in the reader's language, for pages (period_label stays Chinese for workbooks and emails)."""
        return period_text(self.year, self.half)

    @property
    def period_label(self) -> str:
        return f"{self.year}年" if not self.half else f"{self.year}年{'上' if self.half == 1 else '下'}半年"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        return self.received_at is None and self.due_date < today and not self.obsolete and not self.history

    @property
    def on_time(self) -> bool | None:
        return received_on_time(self.received_at, self.due_date)


def received_on_time(received_at, due_date) -> bool | None:
    """Return whether an item received at `received_at` came by its due date (None when not received)."""
    if received_at is None:
        return None
    return received_at.date() <= due_date


class Revision(models.Model):
    """One saved state of a value or report: who did what, when, with the full data."""

    content_type = models.ForeignKey(ContentType, models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=16, choices=RevisionAction.choices)
    data = models.JSONField(_("data"))
    comment = models.TextField(_("comment"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["content_type", "object_id", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="revision_subject_idx")]


class Evidence(models.Model):
    """A supporting file, stored outside the static files under a safe generated name."""

    value = models.ForeignKey(IndicatorValue, models.CASCADE, null=True, blank=True, related_name="evidence")
    task_report = models.ForeignKey(TaskReport, models.CASCADE, null=True, blank=True, related_name="evidence")
    file = models.FileField(upload_to="evidence/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")


class ReminderLog(models.Model):
    """A reminder sent; the unique constraint makes a second one for the same item, person and day impossible."""

    due_item = models.ForeignKey(DueItem, models.CASCADE, related_name="reminders")
    recipient = models.CharField(max_length=254)  # an email address, or robot:<id> for a group robot
    kind = models.CharField(max_length=16, choices=ReminderKind.choices)
    sent_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["due_item", "recipient", "sent_on"], name="reminder_once_a_day")]


class RobotWebhook(models.Model):
    """A WeCom or DingTalk group robot that receives the reminders of one department or one area.

    Reminders go to it beside email; the last failure is kept here so the office sees it on its page.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=RobotKind.choices)
    # robots.validate_url: HTTPS to an official (or operator-allowed) host, checked by every form and by save()
    url = models.URLField(_("webhook address"), max_length=500, validators=[validate_robot_url])
    secret = models.CharField(_("signing secret (DingTalk, optional)"), max_length=200, blank=True)
    department = models.ForeignKey(
        Department, models.CASCADE, null=True, blank=True, related_name="robots", verbose_name=_("department")
    )
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="robots", verbose_name=_("area"))
    active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(_("last sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)

    class Meta:
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        ordering = ["org_unit__path", "department__name", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.department or self.org_unit}"

    def save(self, *args, **kwargs):
        # a robot is never stored with an address the server may not call, whatever the door (form, shell, import)
        if kwargs.get("update_fields") is None or "url" in kwargs["update_fields"]:
            validate_robot_url(self.url)
        super().save(*args, **kwargs)

    @property
    def channel(self) -> str:
        """The recipient recorded in ReminderLog, so a robot is reminded once per item and day like a person."""
        return f"robot:{self.pk}"
