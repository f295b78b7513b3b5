"""Query parameters of reporting lists (API and pages); see core/filtersets.py."""

import django_filters

from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.core.choices import DueKind, ValueStatus
from healthaction.core.filtersets import IdFilter, SmallIntFilter, choice_filter


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
