"""The evaluation status and target verdict vocabularies: label and colour on top of the codes in rules.py.

rules.py keeps the codes (the engine is pure Python and must not import Django); everything that shows a
status (models, pages, charts, reports, the stylesheet) reads this class.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from healthaction.core.choicesets import ChoiceSet
from healthaction.evaluation import rules
from healthaction.evaluation import rules as R


class EvaluationStatus(ChoiceSet):
    NAME = "evaluation_status"
    CSS_PREFIX = "st-"  # the class pages and browser tests have always used: st-achieved, st-on_track …

    ACHIEVED = rules.ACHIEVED
    ON_TRACK = rules.ON_TRACK
    AT_RISK = rules.AT_RISK
    OFF_TRACK = rules.OFF_TRACK
    REGRESSING = rules.REGRESSING
    NO_DATA = rules.NO_DATA
    NOT_ASSESSABLE = rules.NOT_ASSESSABLE

    # In the engine's order (best to worst, then the two that stand apart); a test holds it to rules.STATUSES.
    CHOICES = (
        (ACHIEVED, _("Achieved"), "#1a7f37"),
        (ON_TRACK, _("On track"), "#6cc04a"),
        (AT_RISK, _("At risk"), "#f2b705"),
        (OFF_TRACK, _("Off track"), "#e8590c"),
        (REGRESSING, _("Regressing"), "#c92a2a"),
        (NO_DATA, _("No data"), "#adb5bd"),
        (NOT_ASSESSABLE, _("Not assessable"), "#dee2e6"),
    )

    LAGGING = rules.LAGGING
    SERIOUSLY_LAGGING = rules.SERIOUSLY_LAGGING


class Verdict(ChoiceSet):
    """What became of a target once its year came, in display order."""

    NAME = "verdict"

    ACHIEVED = R.VERDICT_ACHIEVED
    MISSED = R.VERDICT_MISSED
    NOT_REPORTED = R.VERDICT_NOT_REPORTED
    NOT_ASSESSABLE = R.VERDICT_NOT_ASSESSABLE

    CHOICES = (
        (ACHIEVED, _("Achieved"), "#2e7d32"),
        (MISSED, _("Missed"), "#c62828"),
        (NOT_REPORTED, _("Not reported"), "#757575"),
        (NOT_ASSESSABLE, _("Not assessable"), "#9e9e9e"),
    )


class AssessmentComponent(ChoiceSet):
    """The parts of an assessment score besides the binding indicators (a score sheet's line names its component)."""

    NAME = "assessment_component"

    TIMELINESS = "timeliness"
    SUPERVISION = "supervision"

    CHOICES = (
        # Translators: a part of a county's assessment score, beside its binding indicators
        (TIMELINESS, pgettext_lazy("assessment component", "Timely reporting")),
        # Translators: a part of a county's assessment score: the result of the annual supervision round
        (SUPERVISION, pgettext_lazy("assessment component", "Supervision")),
    )
