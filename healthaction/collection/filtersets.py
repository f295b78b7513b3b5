"""Filters of the reporting lists (inbox, review queue), with django-filter so that the form, the
validation of the query string and the queryset filter are declared once."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from healthaction.collection.models import DueItem, IndicatorValue, TaskReport, period_text
from healthaction.core.choices import DueKind, ValueStatus
from healthaction.core.filtersets import IdFilter, SmallIntFilter, choice_filter


def period_key(year: int, half: int) -> str:
    return f"{year}" if not half else f"{year}H{half}"


class DueItemFilter(django_filters.FilterSet):
    """Period (2026H1, or 2025 for annual values), kind, responsible department or area, and a text search."""

    period = django_filters.ChoiceFilter(label=_("Period"), method="filter_period", empty_label=_("All periods"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DueKind.choices, empty_label=_("All kinds"))
    reporter = django_filters.ChoiceFilter(
        label=_("Reporter"), method="filter_reporter", empty_label=_("All reporters")
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")

    class Meta:
        model = DueItem
        fields = ["period", "kind", "reporter", "q"]

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset=queryset, **kwargs)
        periods = queryset.order_by().values_list("year", "half").distinct() if queryset is not None else []
        choices = []
        for year, half in sorted(set(periods), reverse=True):
            choices.append((period_key(year, half), period_text(year, half)))
        self.filters["period"].extra["choices"] = choices
        reporters = []
        if queryset is not None:
            pairs = (
                queryset.order_by()
                .values_list("department_id", "department__name", "org_unit_id", "org_unit__name")
                .distinct()
            )
            seen = set()
            for dept_id, dept_name, unit_id, unit_name in pairs:
                key, label = (f"d{dept_id}", dept_name) if dept_id else (f"u{unit_id}", unit_name)
                if key not in seen:
                    seen.add(key)
                    reporters.append((key, label))
        self.filters["reporter"].extra["choices"] = sorted(reporters, key=lambda r: r[1])

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


# ---- API list filters (one per model; the inbox pages use DueItemFilter above) ----


class DueItemFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    kind = choice_filter(DueKind)
    status = django_filters.ChoiceFilter(choices=DueItem._meta.get_field("status").choices)
    year = SmallIntFilter(field_name="year")
    department = IdFilter(field_name="department")
    org_unit = IdFilter(field_name="org_unit")

    class Meta:
        model = DueItem
        fields = ["plan", "kind", "status", "year", "department", "org_unit"]


class IndicatorValueFilterSet(django_filters.FilterSet):
    indicator = IdFilter(field_name="indicator")
    org_unit = IdFilter(field_name="org_unit")
    year = SmallIntFilter(field_name="year")
    status = choice_filter(ValueStatus)

    class Meta:
        model = IndicatorValue
        fields = ["indicator", "org_unit", "year", "status"]


class TaskReportFilterSet(django_filters.FilterSet):
    task = IdFilter(field_name="task")
    department = IdFilter(field_name="department")
    org_unit = IdFilter(field_name="org_unit")
    year = SmallIntFilter(field_name="year")
    half = SmallIntFilter(field_name="half", max_value=2)
    status = choice_filter(ValueStatus)

    class Meta:
        model = TaskReport
        fields = ["task", "department", "org_unit", "year", "half", "status"]
