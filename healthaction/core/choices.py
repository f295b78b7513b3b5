"""Choices and statuses shared across apps: constants, never bare strings in code.

The values are the stable identifiers stored in the database and in the plan
interchange JSON; the labels are what users read.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from healthaction.core import formatting
from healthaction.core.choicesets import ChoiceSet


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village or community")
    CELL = "cell", _("Healthy-cell unit")


LEVEL_DEPTH = {Level.PROVINCE: 1, Level.CITY: 2, Level.COUNTY: 3, Level.TOWN: 4, Level.VILLAGE: 5, Level.CELL: 6}

# how Chinese documents name the units one level below an area's ("各县（市、区）推进办"); reports are written in Chinese
LOWER_UNITS_ZH = {
    Level.PROVINCE: "市（州）",
    Level.CITY: "县（市、区）",
    Level.COUNTY: "乡镇（街道）",
    Level.TOWN: "村（社区）",
    Level.VILLAGE: "单位",
    Level.CELL: "单位",
}


LOWER_UNITS = {
    Level.PROVINCE: _("Cities"),
    Level.CITY: _("Counties and districts"),
    Level.COUNTY: _("Towns and subdistricts"),
    Level.TOWN: _("Villages and communities"),
}


def lower_units_label(level: str) -> str:
    """Return the units below an area of this level in the reader's language (pages)."""
    return LOWER_UNITS.get(level, _("Lower areas"))


def lower_units_zh(level: str) -> str:
    """Return the Chinese name of the units below an area of this level: 县（市、区） below a city."""
    return LOWER_UNITS_ZH.get(level, "县（市、区）")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class IndicatorGroup(models.TextChoices):
    OUTCOME = "outcome", _("Outcome indicator")
    ADVOCACY = "advocacy", _("Personal and social advocacy indicator")
    GOVERNMENT = "government", _("Government work indicator")
    UNSPECIFIED = "", _("Unspecified")


class Nature(models.TextChoices):
    BINDING = "binding", _("Binding")
    EXPECTED = "expected", _("Expected")
    ADVOCACY = "advocacy", _("Advocacy")
    UNSPECIFIED = "", _("Unspecified")


class Direction(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")
    MAINTAIN = "maintain", _("Keep within target")
    UNSPECIFIED = "", _("Unspecified")


class TargetKind(models.TextChoices):
    NUMERIC = "numeric", _("Numeric")
    RELATIVE = "relative", _("Relative to a base year")
    DIRECTIONAL = "directional", _("Directional")
    QUALITATIVE = "qualitative", _("Qualitative")


class Comparator(ChoiceSet):
    """How a target's value is compared; the symbols come from core/formatting.py, which writes every target."""

    NAME = "comparator"

    GE = formatting.GE
    LE = formatting.LE
    LT = formatting.LT
    GT = formatting.GT
    EQ = formatting.EQ
    RANGE = formatting.RANGE
    NONE = formatting.NONE

    CHOICES = (
        (GE, formatting.SYMBOLS[GE]),
        (LE, formatting.SYMBOLS[LE]),
        (LT, formatting.SYMBOLS[LT]),
        (GT, formatting.SYMBOLS[GT]),
        (EQ, formatting.SYMBOLS[EQ]),
        (RANGE, _("within range")),
        (NONE, _("none")),
    )

    @classmethod
    def symbol(cls, value) -> str:
        """Return the symbol a target is written with ("≥"), "" for a range or no comparator."""
        return formatting.SYMBOLS.get(value, "")


class WarningKind(models.TextChoices):
    """What a parser warning is about; the parser (documents/, Django-free) writes these codes as strings."""

    UNPLACED = "unplaced", _("Content not placed")
    NO_TASKS = "no_tasks", _("Action without tasks")
    LOW_CONFIDENCE = "low_confidence", _("Low confidence")
    MISSING_ANNEX = "missing_annex", _("Missing annex")
    UNKNOWN_AREA = "unknown_area", _("Area outside the office's own")
    OTHER = "other", _("Other")
    UNSPECIFIED = "", _("Unspecified")


class DepartmentRole(models.TextChoices):
    LEAD = "lead", _("Lead department")
    CO = "co", _("Co-responsible department")


class CycleKind(models.TextChoices):
    TASK_PROGRESS = "task_progress", _("Task progress report")
    INDICATOR_VALUE = "indicator_value", _("Indicator value")
    MONITORING_REPORT = "monitoring_report", _("Annual monitoring report")


class Frequency(models.TextChoices):
    ANNUAL = "annual", _("Annual")
    SEMIANNUAL = "semiannual", _("Semi-annual")
    QUARTERLY = "quarterly", _("Quarterly")
    MONTHLY = "monthly", _("Monthly")


class Role(models.TextChoices):
    OFFICE_ADMIN = "office_admin", _("Committee office administrator")
    ACTION_LEAD = "action_lead", _("Action group lead")
    DEPARTMENT_LIAISON = "department_liaison", _("Department liaison")
    AREA_OFFICE = "area_office", _("County or town office")
    LEADER = "leader", _("Leader (read only)")


class ValueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # Translators: the state a reported value or progress report is in (已报送: sent and waiting for review)
    SUBMITTED = "submitted", pgettext_lazy("value status", "Submitted")
    # Translators: the state of a report the office sent back to be corrected
    RETURNED = "returned", pgettext_lazy("value status", "Returned")
    # Translators: the state of a report the office accepted
    APPROVED = "approved", pgettext_lazy("value status", "Approved")


class DueStatus(ChoiceSet):
    """Where a due item is: not yet reported, or the status of what was reported for it (ValueStatus's codes)."""

    NAME = "due_status"

    OPEN = "open"
    DRAFT = ValueStatus.DRAFT.value
    SUBMITTED = ValueStatus.SUBMITTED.value
    RETURNED = ValueStatus.RETURNED.value
    APPROVED = ValueStatus.APPROVED.value

    CHOICES = (
        (OPEN, _("Not yet reported"), "#e9ecef"),
        (DRAFT, ValueStatus.DRAFT.label, "#fff3bf"),
        (SUBMITTED, ValueStatus.SUBMITTED.label, "#cfe2ff"),
        (RETURNED, ValueStatus.RETURNED.label, "#e8590c"),
        (APPROVED, ValueStatus.APPROVED.label, "#1a7f37"),
    )


class DueKind(models.TextChoices):
    INDICATOR_VALUE = "indicator_value", _("Indicator value")
    TASK_PROGRESS = "task_progress", _("Task progress report")


class TaskProgress(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Completed")
    DELAYED = "delayed", _("Delayed")


class RevisionAction(models.TextChoices):
    SAVE = "save", _("Saved as draft")
    # Translators: a line of a report's history: what someone did (报送: the liaison sent it for review)
    SUBMIT = "submit", pgettext_lazy("revision action", "Submitted")
    # Translators: a line of a report's history: the office sent it back to be corrected
    RETURN = "return", pgettext_lazy("revision action", "Returned")
    # Translators: a line of a report's history: the office accepted it
    APPROVE = "approve", pgettext_lazy("revision action", "Approved")
    IMPORT = "import", _("Imported")
    REOPEN = "reopen", _("Reopened by the office")
    CORRECT = "correct", _("Corrected by the office")


class AccountEventKind(models.TextChoices):
    CREATED = "created", _("Account created")
    RESET = "reset", _("Password reset by the office")
    PASSWORD_SET = "password_set", _("Password set from an invitation link")
    DEACTIVATED = "deactivated", _("Deactivated by the office")
    ACTIVATED = "activated", _("Reactivated by the office")


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("Before the due date")
    DUE_TODAY = "due_today", _("On the due date")
    OVERDUE = "overdue", _("Overdue")


class JobStatus(ChoiceSet):
    """Where a background job is; the groups name the states pages poll for and the ones that are over."""

    NAME = "job_status"

    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"

    CHOICES = (
        (QUEUED, _("Queued"), "#e9ecef"),
        (RUNNING, _("Running"), "#cfe2ff"),
        (DONE, _("Done"), "#1a7f37"),
        (FAILED, _("Failed"), "#c92a2a"),
    )

    UNFINISHED = (QUEUED, RUNNING)
    FINISHED = (DONE, FAILED)


class RobotKind(models.TextChoices):
    """Group-robot webhooks that reminders can be posted to besides email."""

    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk group robot")


class ChartSeries(ChoiceSet):
    """The series of an indicator's trend chart, on pages (charts.js reads label and colour from the page's data)
    and in the annual report's figures (reports/charts.py)."""

    NAME = "chart_series"

    VALUE = "value"
    BASELINE = "baseline"
    TARGET = "target"
    FORECAST = "forecast"

    CHOICES = (
        (VALUE, _("Reported value"), "#0b5cab"),
        (BASELINE, _("Baseline"), "#868e96"),
        (TARGET, _("Target"), "#c92a2a"),
        (FORECAST, _("Trend forecast"), "#74a9e0"),
    )

    @classmethod
    def for_chart(cls) -> dict[str, dict[str, str]]:
        """Return {code: {label, color}} for a chart's JSON payload, labels in the active language."""
        return {value: {"label": str(label), "color": cls.colors[value]} for value, label in cls.choices}
