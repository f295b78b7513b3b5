"""The national indicator catalogue and the match of each plan indicator to it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.core.choices import Direction
from healthaction.plans.models import Indicator


class CatalogueIndicator(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    group = models.CharField(_("group"), max_length=16, blank=True)
    nature = models.CharField(_("nature"), max_length=16, blank=True)
    action = models.CharField(_("special action"), max_length=60, blank=True)
    number = models.PositiveSmallIntegerField(_("row in the national table"), null=True, blank=True)
    baseline = models.CharField(_("national baseline"), max_length=200, blank=True)
    national_2022 = models.CharField(_("national target 2022"), max_length=100, blank=True)
    national_2030 = models.CharField(_("national target 2030"), max_length=100, blank=True)
    # the numeric national targets as the data file states them: {"2022": {"comparator": ">=", "value": 22.0}}
    national_rules = models.JSONField(_("numeric national targets"), default=dict, blank=True)
    direction = models.CharField(_("direction"), max_length=16, choices=Direction.choices, blank=True)
    assessment = models.BooleanField(_("in the national assessment framework"), default=False)
    synonyms = models.JSONField(_("synonyms"), default=list, blank=True)
    provenance = models.TextField(_("provenance"), blank=True)

    class Meta:
        verbose_name = _("catalogue indicator")
        verbose_name_plural = _("catalogue indicators")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def national_targets(self) -> dict[int, str]:
        """{year: the national target as written}, years without one left out."""
        return {year: text for year, text in ((2022, self.national_2022), (2030, self.national_2030)) if text}

    def national_rule(self, year: int) -> tuple[str, float] | None:
        rule = self.national_rules.get(str(year))
        return (rule["comparator"], float(rule["value"])) if rule else None


class MatchStatus(models.TextChoices):
    MATCHED = "matched", _("Matched automatically")
    PROPOSED = "proposed", _("Proposed, waiting for a person")
    CONFIRMED = "confirmed", _("Confirmed by a person")
    NONE = "none", _("No national counterpart")


class IndicatorMatch(models.Model):
    """Which catalogue entry a plan indicator is a local version of; uncertain ones wait for a person."""

    indicator = models.OneToOneField(
        Indicator, models.CASCADE, related_name="catalogue_match", verbose_name=_("indicator")
    )
    catalogue = models.ForeignKey(
        CatalogueIndicator,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="matches",
        verbose_name=_("catalogue indicator"),
    )
    confidence = models.FloatField(_("confidence"), default=0.0)
    method = models.CharField(_("method"), max_length=32, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MatchStatus.choices, default=MatchStatus.PROPOSED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue match")
        verbose_name_plural = _("catalogue matches")

    def __str__(self) -> str:
        return f"{self.indicator} → {self.catalogue or '—'} ({self.get_status_display()})"

    @property
    def is_automatic(self) -> bool:
        return self.status == MatchStatus.MATCHED

    @property
    def applies(self) -> bool:
        """A match counts in comparisons only when it is certain or a person confirmed it."""
        return self.catalogue_id is not None and self.status in (MatchStatus.MATCHED, MatchStatus.CONFIRMED)
