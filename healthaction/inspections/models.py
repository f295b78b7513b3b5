"""Supervision (专项督导) and healthy-cell assessment: versioned checklists, rounds, visits, findings, rectification."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.inspections.choices import ChecklistKind, FindingStatus
from healthaction.plans.models import Indicator, Plan, Task
from healthaction.registry.models import Department, OrgUnit


class Checklist(models.Model):
    """One version of a checklist; a round keeps the version it used, so later edits never change old results."""

    SUPERVISION, HEALTHY_CELL = ChecklistKind.SUPERVISION, ChecklistKind.HEALTHY_CELL
    KIND_CHOICES = ChecklistKind.choices

    key = models.CharField(_("key"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    kind = models.CharField(_("kind"), max_length=16, choices=KIND_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    plan = models.ForeignKey(Plan, models.CASCADE, null=True, blank=True, related_name="checklists")
    pass_mark = models.FloatField(_("points needed to meet the norm"), default=80)
    frozen = models.BooleanField(_("in use by a round (edit a new version instead)"), default=False)

    class Meta:
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="checklist_version_unique")]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    def max_points(self) -> float:
        return sum(i.points for i in self.items.all())


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, models.CASCADE, related_name="items")
    number = models.CharField(_("number"), max_length=20)
    text = models.TextField(_("requirement"))
    points = models.FloatField(_("points"))
    evidence_required = models.BooleanField(_("evidence required"), default=False)
    indicator = models.ForeignKey(Indicator, models.SET_NULL, null=True, blank=True, related_name="+")
    task = models.ForeignKey(Task, models.SET_NULL, null=True, blank=True, related_name="+")
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["checklist", "position"]


class Round(models.Model):
    """An inspection round: a year, a checklist version, who is visited, by whom, when."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="inspection_rounds")
    checklist = models.ForeignKey(Checklist, models.RESTRICT, related_name="rounds")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    starts = models.DateField(_("first day"))
    ends = models.DateField(_("last day"))
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="inspection_rounds", verbose_name=_("inspectors")
    )
    # a healthy-cell round's share of units meeting the norm is submitted as this indicator's value, and only this one
    indicator = models.ForeignKey(
        Indicator,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicator this round measures"),
    )

    class Meta:
        verbose_name = _("inspection round")
        verbose_name_plural = _("inspection rounds")

    def __str__(self) -> str:
        return self.title


class Visit(models.Model):
    """One inspected county, department or healthy-cell unit within a round."""

    round = models.ForeignKey(Round, models.CASCADE, related_name="visits")
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, null=True, blank=True, related_name="visits")
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="visits")
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org_unit__isnull=False) | models.Q(department__isnull=False),
                name="visit_has_subject",
            )
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.org_unit or self.department}"


class Score(models.Model):
    visit = models.ForeignKey(Visit, models.CASCADE, related_name="scores")
    item = models.ForeignKey(ChecklistItem, models.RESTRICT, related_name="+")
    points = models.FloatField(_("points given"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "item"], name="score_once_per_item")]


class ScoreFile(models.Model):
    """A photo or document taken for a scored item; a later upload adds to them, never replaces one."""

    score = models.ForeignKey(Score, models.CASCADE, related_name="files")
    file = models.FileField(upload_to="inspections/%Y/")
    name = models.CharField(_("file name"), max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["score", "pk"]


class Finding(models.Model):
    """An item that fell short, followed until it is verified as rectified (整改)."""

    OPEN, RECTIFYING, SUBMITTED = FindingStatus.OPEN, FindingStatus.RECTIFYING, FindingStatus.SUBMITTED
    VERIFIED, REOPENED = FindingStatus.VERIFIED, FindingStatus.REOPENED
    STATUS_CHOICES = FindingStatus.choices
    NEXT = {
        OPEN: {RECTIFYING, SUBMITTED},
        RECTIFYING: {SUBMITTED},
        SUBMITTED: {VERIFIED, REOPENED},
        REOPENED: {RECTIFYING, SUBMITTED},
        VERIFIED: set(),
    }

    visit = models.ForeignKey(Visit, models.CASCADE, related_name="findings")
    item = models.ForeignKey(ChecklistItem, models.RESTRICT, related_name="+")
    text = models.TextField(_("finding"))
    department = models.ForeignKey(Department, models.PROTECT, null=True, blank=True, related_name="findings")
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, null=True, blank=True, related_name="findings")
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=16, choices=STATUS_CHOICES, default=OPEN)

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")


class FindingEvent(models.Model):
    """Every step of a finding, with its evidence: the history is never overwritten."""

    finding = models.ForeignKey(Finding, models.CASCADE, related_name="events")
    status = models.CharField(max_length=16, choices=Finding.STATUS_CHOICES)
    comment = models.TextField(blank=True)
    evidence = models.FileField(upload_to="rectification/%Y/", blank=True)
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["finding", "pk"]
