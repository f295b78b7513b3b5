"""The evaluation status vocabulary: label and colour on top of the codes and order in rules.py.

rules.py keeps the codes (the engine is pure Python and must not import Django); everything that shows a
status (models, pages, charts, reports, the stylesheet) reads this class.
"""

from django.utils.translation import gettext_lazy as _

from healthaction.core.choicesets import ChoiceSet
from healthaction.evaluation import rules


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
