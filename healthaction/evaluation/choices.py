"""Target verdicts: the codes come from rules.py (the engine stays free of Django); labels and colours live here only."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from healthaction.evaluation import rules as R


class Verdict(models.TextChoices):
    """What became of a target once its year came, in display order."""

    ACHIEVED = R.VERDICT_ACHIEVED, _("Achieved")
    MISSED = R.VERDICT_MISSED, _("Missed")
    NOT_REPORTED = R.VERDICT_NOT_REPORTED, _("Not reported")
    NOT_ASSESSABLE = R.VERDICT_NOT_ASSESSABLE, _("Not assessable")

    @property
    def color(self) -> str:
        return VERDICT_COLORS[self.value]

    @classmethod
    def colors(cls) -> dict[str, str]:
        return dict(VERDICT_COLORS)


# one colour per verdict (Enum bodies cannot hold a plain dict, so it sits beside the class)
VERDICT_COLORS = {
    R.VERDICT_ACHIEVED: "#2e7d32",
    R.VERDICT_MISSED: "#c62828",
    R.VERDICT_NOT_REPORTED: "#757575",
    R.VERDICT_NOT_ASSESSABLE: "#9e9e9e",
}
