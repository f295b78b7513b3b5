"""The plan register: plan, reporting cycles, actions, indicators, baselines, targets, tasks."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.core import formatting
from healthaction.core.choices import (
    Comparator,
    CycleKind,
    DepartmentRole,
    Direction,
    Frequency,
    IndicatorGroup,
    Nature,
    PlanStatus,
    TargetKind,
    WarningKind,
)
from healthaction.core.units import KNOWN_UNITS, normalize_unit
from healthaction.registry.models import Department, OrgUnit


class SourceMixin(models.Model):
    """Where an item came from in the plan document: first and last line and the exact text."""

    source_line_start = models.PositiveIntegerField(_("source first line"), null=True, blank=True)
    source_line_end = models.PositiveIntegerField(_("source last line"), null=True, blank=True)
    source_text = models.TextField(_("source text"), blank=True)

    class Meta:
        abstract = True


class ConfidenceMixin(models.Model):
    """How sure the document parser was of an item and why; empty for items a person entered or fixed."""

    confidence = models.FloatField(
        _("parser confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    reason = models.TextField(_("parser reason"), blank=True)

    class Meta:
        abstract = True


class Plan(models.Model):
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="plans", verbose_name=_("issuing org unit"))
    # the plan this one implements: by default the published plan of the nearest area above (issue 23)
    parent = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("plan it implements"),
    )
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300)
    doc_number = models.CharField(_("document number"), max_length=100, blank=True)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    horizon_start = models.PositiveSmallIntegerField(_("first year"))
    horizon_end = models.PositiveSmallIntegerField(_("last year"))
    source_file = models.FileField(_("source document"), upload_to="plans/", blank=True)
    source_name = models.CharField(_("source file name"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("source SHA-256"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    document_text = models.TextField(_("text of the source document"), blank=True, editable=False)
    is_public = models.BooleanField(_("shown in the public view"), default=False)
    # first day of the first period reported live; items due before it are history (entered, never overdue)
    reporting_start = models.DateField(_("reporting starts"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["-issue_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(horizon_end__gte=models.F("horizon_start")), name="plan_horizon_ordered"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == PlanStatus.PUBLISHED

    def clean(self) -> None:
        if self.horizon_start and self.horizon_end and self.horizon_end < self.horizon_start:
            raise ValidationError({"horizon_end": _("The last year must not be before the first year.")})


class ReportingCycle(models.Model):
    """When something is reported: e.g. task progress semi-annually by 06-15 and 12-15."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="reporting_cycles", verbose_name=_("plan"))
    key = models.CharField(_("key"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=32, choices=CycleKind.choices)
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    due_dates = models.JSONField(_("due dates (MM-DD)"), default=list)
    source_text = models.TextField(_("source text"), blank=True)

    class Meta:
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        ordering = ["plan", "key"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="reporting_cycle_unique_key")]

    def __str__(self) -> str:
        return f"{self.name} ({', '.join(self.due_dates)})"

    def clean(self) -> None:
        from datetime import date

        for due in self.due_dates or []:
            try:
                month, day = (int(p) for p in str(due).split("-"))
                date(2024, month, day)
            except (ValueError, TypeError):
                raise ValidationError({"due_dates": _("“%(due)s” is not a month-day such as 06-15.") % {"due": due}})


class Action(SourceMixin, ConfidenceMixin):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="actions", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=200)
    lead_department = models.ForeignKey(
        Department,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        verbose_name=_("lead department"),
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="action_unique_number")]

    def __str__(self) -> str:
        return self.name


class Indicator(SourceMixin, ConfidenceMixin):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    action = models.ForeignKey(
        Action, models.SET_NULL, null=True, blank=True, related_name="indicators", verbose_name=_("action")
    )
    number = models.CharField(_("number"), max_length=20)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    group = models.CharField(_("group"), max_length=16, choices=IndicatorGroup.choices, blank=True)
    nature = models.CharField(_("nature"), max_length=16, choices=Nature.choices, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, blank=True)
    definition = models.TextField(_("definition"), blank=True)
    calculation = models.TextField(_("calculation method"), blank=True)
    numerator = models.CharField(_("numerator"), max_length=300, blank=True)
    denominator = models.CharField(_("denominator"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    report_by_lower_units = models.BooleanField(_("lower-level governments report it too"), default=True)
    # measurement tolerance: movements within it count as no change (empty: half the target's last written digit)
    tolerance = models.FloatField(_("tolerance"), null=True, blank=True, validators=[MinValueValidator(0.0)])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "position"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="indicator_unique_number")]

    def __str__(self) -> str:
        return self.name

    def targets_text(self) -> str:
        """Return the indicator's targets as one line (uses prefetched targets when there are some)."""
        return targets_text(self.targets.all())

    def clean(self) -> None:
        if self.unit and self.unit not in KNOWN_UNITS:
            canonical = normalize_unit(self.unit)
            if not canonical:
                raise ValidationError(
                    {
                        "unit": _("Unknown unit “%(unit)s”. Use one of: %(known)s.")
                        % {"unit": self.unit, "known": "、".join(sorted(KNOWN_UNITS))}
                    }
                )
            self.unit = canonical
        if self.numerator and not self.denominator:
            raise ValidationError({"denominator": _("An indicator with a numerator needs a denominator.")})


def target_text(target, unit: str = "", language: str = "zh") -> str:
    """Return one target: a numeric one from its comparator and value through core/formatting.py ("≥14.5/10万"
    with `unit`), any other as the plan wrote it ("在2019年基础上提高10%", "持续下降")."""
    if target.kind == TargetKind.NUMERIC and target.value is not None:
        return formatting.target_text(target.comparator, target.value, target.upper_value, unit, language)
    return target.raw_text


def targets_text(targets, unit: str = "", language: str = "zh") -> str:
    """Return targets as one line, "2022年≥25；2030年≥35" (English "2022: ≥25; 2030: ≥35"), in the order given.

    The one way targets are shown as text: pages, workbooks, exports and the review form (which reads it back).
    """
    if language.startswith("en"):
        return "; ".join(f"{t.year}: {target_text(t, unit, language)}" for t in targets)
    return "；".join(f"{t.year}年{target_text(t, unit, language)}" for t in targets)


class Baseline(models.Model):
    indicator = models.OneToOneField(Indicator, models.CASCADE, related_name="baseline", verbose_name=_("indicator"))
    value = models.FloatField(_("value"), null=True, blank=True)
    qualitative = models.CharField(_("qualitative value"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    raw_text = models.CharField(_("as written"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")

    def __str__(self) -> str:
        return self.raw_text or (str(self.value) if self.value is not None else "—")


class Target(ConfidenceMixin):
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="targets", verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    comparator = models.CharField(_("comparator"), max_length=8, choices=Comparator.choices, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    upper_value = models.FloatField(_("upper value"), null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    change = models.FloatField(_("relative change"), null=True, blank=True)
    change_unit = models.CharField(_("change unit"), max_length=16, blank=True)
    trend = models.CharField(_("direction of the trend"), max_length=16, choices=Direction.choices, blank=True)
    qualitative = models.CharField(_("qualitative target"), max_length=100, blank=True)
    raw_text = models.CharField(_("as written"), max_length=500, blank=True)

    # the fields that make up the rule a value is judged by (the API shows them, the engine loads them)
    RULE_FIELDS = (
        "year",
        "kind",
        "comparator",
        "value",
        "upper_value",
        "base_year",
        "change",
        "change_unit",
        "trend",
        "qualitative",
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_one_per_year"),
            models.CheckConstraint(
                condition=~models.Q(kind=TargetKind.NUMERIC) | models.Q(value__isnull=False),
                name="target_numeric_has_value",
            ),
            models.CheckConstraint(
                condition=models.Q(comparator=Comparator.NONE) | models.Q(value__isnull=False),
                name="target_comparator_has_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.raw_text}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.comparator and self.value is None:
            errors["value"] = _("A target with a comparator needs a value.")
        if self.kind == TargetKind.NUMERIC and not self.comparator:
            errors["comparator"] = _("A numeric target needs a comparator (≥, ≤, <, >, = or a range).")
        if self.comparator == Comparator.RANGE and (
            self.upper_value is None or self.value is None or self.upper_value < self.value
        ):
            errors["upper_value"] = _("A range target needs a lower and a higher value.")
        if self.kind == TargetKind.RELATIVE and self.change is None:
            errors["change"] = _("A relative target needs a change.")
        if self.kind == TargetKind.RELATIVE and self.base_year is None and not self.change_unit.endswith("/yr"):
            errors["base_year"] = _("A relative target needs the base year it is measured from.")
        if self.kind == TargetKind.DIRECTIONAL and not self.trend:
            errors["trend"] = _("A directional target needs a direction.")
        plan = self.indicator.plan if self.indicator_id else None
        if plan and self.year and not (plan.horizon_start <= self.year <= plan.horizon_end):
            errors["year"] = _("Target year %(year)s is outside the plan's horizon %(start)s–%(end)s.") % {
                "year": self.year,
                "start": plan.horizon_start,
                "end": plan.horizon_end,
            }
        if errors:
            raise ValidationError(errors)


class Task(SourceMixin, ConfidenceMixin):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="tasks", verbose_name=_("plan"))
    action = models.ForeignKey(
        Action, models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("action")
    )
    number = models.CharField(_("number"), max_length=20)
    content = models.TextField(_("content"))
    measures = models.TextField(_("measures"), blank=True)
    deliverables = models.TextField(_("expected deliverables"), blank=True)
    all_lower_units = models.BooleanField(_("all lower-level governments are responsible"), default=False)
    reporting_cycle = models.ForeignKey(
        ReportingCycle, models.SET_NULL, null=True, blank=True, related_name="tasks", verbose_name=_("reporting cycle")
    )
    departments = models.ManyToManyField(
        Department, through="TaskDepartment", related_name="tasks", verbose_name=_("departments")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    deadline = models.CharField(_("deadline as written"), max_length=100, blank=True)
    department_confidence = models.FloatField(
        _("parser confidence in the departments"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    department_reason = models.TextField(_("parser reason for the departments"), blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "position"]

    def __str__(self) -> str:
        return self.content[:60]

    def lead_departments(self) -> list[Department]:
        """Return the lead departments in the order the document names them."""
        return [td.department for td in self.task_departments.all() if td.role == DepartmentRole.LEAD]

    def co_departments(self) -> list[Department]:
        """Return the co-responsible departments in document order."""
        return [td.department for td in self.task_departments.all() if td.role == DepartmentRole.CO]


class TaskDepartment(models.Model):
    task = models.ForeignKey(Task, models.CASCADE, related_name="task_departments")
    department = models.ForeignKey(Department, models.PROTECT, related_name="task_roles")
    role = models.CharField(_("role"), max_length=8, choices=DepartmentRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("task department")
        verbose_name_plural = _("task departments")
        ordering = ["task", "role", "position"]
        constraints = [models.UniqueConstraint(fields=["task", "department", "role"], name="task_department_unique")]


class RosterEntry(SourceMixin):
    """A member of the plan's leading group (组长/副组长/成员) with the post they hold."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="roster", verbose_name=_("plan"))
    role = models.CharField(_("role in the group"), max_length=40)
    person = models.CharField(_("name"), max_length=60)
    post = models.CharField(_("post"), max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("leading group member")
        verbose_name_plural = _("leading group members")
        ordering = ["plan", "position"]


class ParseWarning(models.Model):
    """Something the document parser could not place; the reviewer resolves it before publishing."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="parse_warnings", verbose_name=_("plan"))
    line = models.PositiveIntegerField(_("line"), null=True, blank=True)
    message = models.CharField(_("message"), max_length=300)
    text = models.TextField(_("source text"), blank=True)
    resolved = models.BooleanField(_("resolved"), default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=WarningKind.choices, blank=True)
    ref = models.CharField(
        _("refers to"), max_length=40, blank=True, help_text=_("indicator:<number>, task:<number> or action:<number>")
    )
    dismissal_reason = models.CharField(_("why it was dismissed"), max_length=300, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("parser warning")
        verbose_name_plural = _("parser warnings")
        ordering = ["plan", "position"]
