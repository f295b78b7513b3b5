"""Vocabularies of the catalogue: what a comparison of a plan's targets with the level above and the nation flags."""

from django.utils.translation import gettext_lazy as _

from healthaction.core.choicesets import ChoiceSet


class CompareFlag(ChoiceSet):
    NAME = "compare_flag"

    WEAKER_THAN_NATIONAL = "weaker_than_national"
    WEAKER_THAN_PARENT = "weaker_than_parent"
    MISSING_WHERE_PARENT_HAS = "missing_where_parent_has"
    YEAR_NOT_IN_PARENT = "year_not_in_parent"

    CHOICES = (
        (WEAKER_THAN_NATIONAL, _("Weaker than the national target"), "#b3261e"),
        (WEAKER_THAN_PARENT, _("Weaker than the level above"), "#c05600"),
        (MISSING_WHERE_PARENT_HAS, _("No target where the level above sets one"), "#8a6d00"),
        (YEAR_NOT_IN_PARENT, _("A year the level above does not set"), "#5f6368"),
    )
