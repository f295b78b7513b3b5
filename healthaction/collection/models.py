"""What departments and lower-level governments report: indicator values per org unit and year."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.core.choices import ValueStatus
from healthaction.plans.models import Indicator
from healthaction.registry.models import OrgUnit


class IndicatorValue(models.Model):
    """The current value of an indicator for one org unit and year.

    `version` increases on every save so two people editing the same value see
    a conflict instead of silently overwriting each other.
    """

    indicator = models.ForeignKey(Indicator, models.CASCADE, related_name="values", verbose_name=_("indicator"))
    org_unit = models.ForeignKey(OrgUnit, models.PROTECT, related_name="indicator_values", verbose_name=_("org unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    qualitative = models.CharField(_("qualitative value"), max_length=100, blank=True)
    source = models.CharField(_("source of the data"), max_length=300, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ValueStatus.choices, default=ValueStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "org_unit", "year"]
        constraints = [models.UniqueConstraint(fields=["indicator", "org_unit", "year"], name="value_one_per_unit_year")]
        indexes = [models.Index(fields=["org_unit", "year"], name="value_unit_year_idx")]

    def __str__(self) -> str:
        shown = self.qualitative if self.value is None else f"{self.value:g}"
        return f"{self.indicator} · {self.org_unit} · {self.year}: {shown}"
