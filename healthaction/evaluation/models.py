"""Stored evaluation results, so pages never recompute on a request."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.evaluation.choices import EvaluationStatus, Verdict
from healthaction.plans.models import Indicator, Plan
from healthaction.registry.models import Department, OrgUnit


class EvaluationResult(models.Model):
    plan = models.ForeignKey(Plan, models.CASCADE, related_name="results", verbose_name=_("plan"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="results", verbose_name=_("indicator"))
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="results", verbose_name=_("org unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=16, choices=EvaluationStatus.choices)
    value = models.FloatField(_("value"), null=True, blank=True)
    qualitative = models.CharField(_("qualitative value"), max_length=100, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    comparator = models.CharField(_("comparator"), max_length=8, blank=True)
    expected = models.FloatField(_("expected by the linear trajectory"), null=True, blank=True)
    base_value = models.FloatField(_("baseline value"), null=True, blank=True)
    base_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    base_from_first_value = models.BooleanField(_("first reported value used as baseline"), default=False)
    ratio = models.FloatField(_("progress ratio"), null=True, blank=True)
    forecast = models.FloatField(_("forecast for the final target year"), null=True, blank=True)
    forecast_year = models.PositiveSmallIntegerField(_("forecast year"), null=True, blank=True)
    forecast_low = models.FloatField(_("lower end of the 80 % prediction interval"), null=True, blank=True)
    forecast_high = models.FloatField(_("upper end of the 80 % prediction interval"), null=True, blank=True)
    forecast_met = models.BooleanField(_("forecast meets the target"), null=True, blank=True)
    opensdg_category = models.CharField(_("Open SDG category"), max_length=32, blank=True)
    opensdg_score = models.FloatField(_("Open SDG score"), null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["indicator", "org_unit", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "year"], name="result_one_per_unit_year")
        ]
        indexes = [models.Index(fields=["plan", "year", "status"], name="result_plan_year_status_idx")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.org_unit} · {self.year}: {self.get_status_display()}"


class TargetVerdict(models.Model):
    """A target judged once its year came: achieved, missed, not reported or not assessable, kept as it was judged.

    The verdict reads only values up to its target year, so later years never change it.
    """

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="verdicts", verbose_name=_("plan"))
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="verdicts", verbose_name=_("indicator"))
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, related_name="verdicts", verbose_name=_("org unit"))
    target_year = models.PositiveSmallIntegerField(_("target year"))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    rule = models.CharField(_("kind of target"), max_length=16, blank=True)
    target_text = models.CharField(_("target as written"), max_length=500, blank=True)
    comparator = models.CharField(_("comparator"), max_length=8, blank=True)
    target_value = models.FloatField(_("target value"), null=True, blank=True)
    target_upper = models.FloatField(_("upper value"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)
    qualitative = models.CharField(_("qualitative value"), max_length=100, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target verdict")
        verbose_name_plural = _("target verdicts")
        ordering = ["indicator", "org_unit", "target_year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "org_unit", "target_year"], name="verdict_one_per_unit_target")
        ]
        indexes = [models.Index(fields=["plan", "target_year", "verdict"], name="verdict_plan_year_idx")]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.org_unit} · {self.target_year}: {self.get_verdict_display()}"

    def get_verdict_color(self) -> str:
        return Verdict.color(self.verdict)


class AssessmentScheme(models.Model):
    """How binding indicators are scored (考核): weights, points per status, optional timeliness and supervision shares."""

    plan = models.OneToOneField(Plan, models.CASCADE, related_name="assessment_scheme", verbose_name=_("plan"))
    points_achieved = models.FloatField(_("share of the weight for achieved"), default=1.0)
    points_on_track = models.FloatField(_("share of the weight for on track (partly)"), default=0.5)
    timeliness_weight = models.FloatField(_("share of the total for timely reporting"), default=0.0)
    supervision_weight = models.FloatField(_("share of the total for the annual supervision"), default=0.0)

    class Meta:
        verbose_name = _("assessment scheme")
        verbose_name_plural = _("assessment schemes")

    def __str__(self) -> str:
        return f"{self.plan} · {_('assessment scheme')}"

    def clean(self) -> None:
        for field in ("timeliness_weight", "supervision_weight"):
            if not 0 <= getattr(self, field) <= 1:
                raise ValidationError({field: _("Give a share between 0 and 1.")})
        if self.timeliness_weight + self.supervision_weight > 1:
            raise ValidationError(
                _("Timely reporting and supervision together cannot carry more than the whole score.")
            )


class AssessmentWeight(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, models.CASCADE, related_name="weights")
    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="+", verbose_name=_("indicator"))
    weight = models.FloatField(_("weight"), default=1.0)

    class Meta:
        verbose_name = _("assessment weight")
        verbose_name_plural = _("assessment weights")
        constraints = [models.UniqueConstraint(fields=["scheme", "indicator"], name="assessment_weight_unique")]


class AssessmentScore(models.Model):
    """One org unit's or department's total for a year, with the contributions that make it up."""

    plan = models.ForeignKey(Plan, models.CASCADE, related_name="assessment_scores")
    year = models.PositiveSmallIntegerField(_("year"))
    org_unit = models.ForeignKey(OrgUnit, models.CASCADE, null=True, blank=True, related_name="+")
    department = models.ForeignKey(Department, models.CASCADE, null=True, blank=True, related_name="+")
    score = models.FloatField(_("score"))
    rank = models.PositiveIntegerField(_("rank"))
    contributions = models.JSONField(_("score sheet"), default=list)

    class Meta:
        verbose_name = _("assessment score")
        verbose_name_plural = _("assessment scores")
        ordering = ["plan", "year", "rank"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(org_unit__isnull=False) ^ models.Q(department__isnull=False),
                name="score_unit_xor_department",
            ),
        ]


class EvaluationSummary(models.Model):
    """What pages need to know about a plan's stored results without counting them on every request."""

    plan = models.OneToOneField(Plan, models.CASCADE, related_name="evaluation_summary")
    years = models.JSONField(default=list)  # years with results, newest first
    latest_year = models.PositiveSmallIntegerField(
        null=True, blank=True
    )  # newest year with a substantial share of data
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("evaluation summary")
        verbose_name_plural = _("evaluation summaries")
