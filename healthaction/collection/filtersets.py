"""Filters of the reporting lists (inbox, review queue), with django-filter so that the form, the
validation of the query string and the queryset filter are declared once."""

import datetime as dt
from functools import partial

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Q
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override

from healthaction.collection.models import DueItem, IndicatorValue, TaskReport, period_text
from healthaction.core.choices import DueKind, DueStatus, TaskProgress, ValueStatus
from healthaction.core.filtersets import ModelFilterSet, SmallIntFilter, choice_filter

INBOX_HORIZON_DAYS = 60  # "due soon": due within this many days
PERIOD = r"^\d{4}(H[12])?$"  # 2025 (a year) or 2026H1 (a half)
REPORTER = r"^[du][1-9]\d{0,8}$"  # d<department id> or u<area id>
GROUPS = ("overdue", "due", "returned", "draft", "submitted", "approved", "history")  # the inbox tabs


def period_key(year: int, half: int) -> str:
    return f"{year}" if not half else f"{year}H{half}"


class DueItemFilterSet(ModelFilterSet):
    """Due items, for the inbox, the review queue and /api/due-items/. Besides one filter per field: `period`
    (2026H1, or 2025 for annual values), `reporter` (d<department id> or u<area id>), a text search `q`, and
    `group`, the inbox tabs (overdue, due soon, returned, …; see due_groups)."""

    period = django_filters.CharFilter(
        label=_("Period"), method="filter_period", validators=[RegexValidator(PERIOD)], widget=forms.Select
    )
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DueKind.choices, empty_label=_("All kinds"))
    reporter = django_filters.CharFilter(
        label=_("Reporter"), method="filter_reporter", validators=[RegexValidator(REPORTER)], widget=forms.Select
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text", max_length=100)
    group = django_filters.ChoiceFilter(choices=[(g, g) for g in GROUPS], method="filter_group")

    class Meta:
        model = DueItem
        fields = {
            "plan": ["exact"],
            "indicator": ["exact"],
            "task": ["exact"],
            "department": ["exact"],
            "org_unit": ["exact"],
            "year": ["exact"],
            "half": ["exact"],
            "status": ["exact"],
            "due_date": ["exact", "gte", "lte"],
            "received_at": ["gte", "lte"],
            "obsolete": ["exact"],
            "history": ["exact"],
        }

    # the filters the inbox and the review queue show in their forms; the others are read from links and the API
    PAGE_FIELDS = ("period", "kind", "reporter", "q")

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        # any well-formed period or reporter is accepted (one the rows lack gives an empty list, as an unknown id
        # does); the page's selects offer those the rows have, read only when the form is shown
        self.filters["period"].extra["widget"] = forms.Select(
            choices=_ChoicesOnce(_("All periods"), _period_choices, self.queryset)
        )
        self.filters["reporter"].extra["widget"] = forms.Select(
            choices=_ChoicesOnce(_("All reporters"), _reporter_choices, self.queryset)
        )

    def filter_period(self, queryset, name, value):
        year, _sep, half = value.partition("H")
        return queryset.filter(year=int(year), half=int(half or 0))

    def filter_reporter(self, queryset, name, value):
        if value.startswith("d"):
            return queryset.filter(department_id=int(value[1:]))
        return queryset.filter(org_unit_id=int(value[1:]), department__isnull=True)

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(indicator__name__icontains=value) | Q(task__content__icontains=value))

    def filter_group(self, queryset, name, value):
        return due_groups(queryset, dt.date.today())[value]


for _name, _pattern in (("period", PERIOD), ("reporter", REPORTER)):
    set_override(DueItemFilterSet.base_filters[_name], "field", {"type": "string", "pattern": _pattern})


class _ChoicesOnce(BaseChoiceIterator):
    """A select's options read from the database when first shown, and once only (a select reads its options
    more than once while it renders)."""

    def __init__(self, label, choices, queryset):
        self.make, self.rows = partial(choices, queryset), None
        self.label = label

    def __iter__(self):
        if self.rows is None:
            self.rows = [("", self.label), *self.make()]
        yield from self.rows


def _period_choices(queryset) -> list[tuple[str, str]]:
    periods = queryset.order_by().values_list("year", "half").distinct()
    return [(period_key(year, half), period_text(year, half)) for year, half in sorted(set(periods), reverse=True)]


def _reporter_choices(queryset) -> list[tuple[str, str]]:
    pairs = queryset.order_by().values_list("department_id", "department__name", "org_unit_id", "org_unit__name")
    reporters = {}
    for dept_id, dept_name, unit_id, unit_name in pairs.distinct():
        key, label = (f"d{dept_id}", dept_name) if dept_id else (f"u{unit_id}", unit_name)
        reporters.setdefault(key, label)
    return sorted(reporters.items(), key=lambda r: r[1])


def due_groups(items, today: dt.date) -> dict:
    """The inbox tabs as querysets; overdue and due soon count only items from the reporting start on."""
    counting = items.filter(history=False)
    order = ("year", "half", "due_date", "pk")
    latest_first = ("-year", "-half", "due_date", "pk")
    return {
        "overdue": counting.filter(received_at__isnull=True, due_date__lt=today).order_by(*order),
        "due": counting.filter(
            received_at__isnull=True, due_date__gte=today, due_date__lte=today + dt.timedelta(days=INBOX_HORIZON_DAYS)
        ).order_by(*order),
        "returned": items.filter(status=ValueStatus.RETURNED).order_by(*order),
        "draft": items.filter(status=ValueStatus.DRAFT).order_by(*order),
        "submitted": items.filter(status=ValueStatus.SUBMITTED).order_by(*latest_first),
        "approved": items.filter(status=ValueStatus.APPROVED).order_by(*latest_first),
        # earlier periods: may be entered or imported, never overdue
        "history": items.filter(history=True, received_at__isnull=True, status=DueStatus.OPEN).order_by(*latest_first),
    }


REVIEWED = {  # the review fields both kinds of report share (collection/models.py Reviewed)
    "status": ["exact"],
    "version": ["exact"],
    "submitted_by": ["exact"],
    "submitted_at": ["gte", "lte"],
    "approved_by": ["exact"],
    "approved_at": ["gte", "lte"],
    "updated_by": ["exact"],
    "updated_at": ["gte", "lte"],
}


class IndicatorValueFilterSet(ModelFilterSet):
    status = choice_filter(ValueStatus)

    class Meta:
        model = IndicatorValue
        fields = {
            **REVIEWED,
            "indicator": ["exact"],
            "org_unit": ["exact"],
            "year": ["exact"],
            "value": ["exact", "gte", "lte"],
            "numerator": ["exact"],
            "denominator": ["exact"],
            "qualitative": ["exact"],
            "source": ["exact", "icontains"],
            "outlier": ["exact"],
        }


class TaskReportFilterSet(ModelFilterSet):
    half = SmallIntFilter(field_name="half", max_value=2)
    status = choice_filter(ValueStatus)
    progress = choice_filter(TaskProgress)

    class Meta:
        model = TaskReport
        fields = {
            **REVIEWED,
            "task": ["exact"],
            "department": ["exact"],
            "org_unit": ["exact"],
            "year": ["exact"],
        }
