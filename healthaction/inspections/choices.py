"""Vocabularies of supervision: checklist kinds and the steps of a finding's rectification."""

from django.utils.translation import gettext_lazy as _

from healthaction.core.choicesets import ChoiceSet


class ChecklistKind(ChoiceSet):
    NAME = "checklist_kind"

    SUPERVISION = "supervision"
    HEALTHY_CELL = "healthy_cell"

    CHOICES = (
        (SUPERVISION, _("Annual supervision")),
        (HEALTHY_CELL, _("Healthy-cell assessment")),
    )


class FindingStatus(ChoiceSet):
    NAME = "finding_status"

    OPEN = "open"
    RECTIFYING = "rectifying"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REOPENED = "reopened"

    CHOICES = (
        (OPEN, _("Open"), "#ffd2b8"),
        (RECTIFYING, _("Rectifying"), "#ffe8a3"),
        (SUBMITTED, _("Rectification submitted"), "#cfe2ff"),
        (VERIFIED, _("Verified"), "#1a7f37"),
        (REOPENED, _("Reopened"), "#c92a2a"),
    )

    UNRESOLVED = (
        OPEN,
        RECTIFYING,
        SUBMITTED,
        REOPENED,
    )  # everything short of verified counts as open and can be overdue
