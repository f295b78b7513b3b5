"""Query parameters of supervision lists (API); see core/filtersets.py."""

import django_filters

from healthaction.core.filtersets import IdFilter, SmallIntFilter, choice_filter
from healthaction.inspections.choices import FindingStatus
from healthaction.inspections.models import Finding, Round, Visit


class RoundFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    year = SmallIntFilter(field_name="year")

    class Meta:
        model = Round
        fields = ["plan", "year"]


class VisitFilterSet(django_filters.FilterSet):
    round = IdFilter(field_name="round")
    org_unit = IdFilter(field_name="org_unit")
    department = IdFilter(field_name="department")

    class Meta:
        model = Visit
        fields = ["round", "org_unit", "department"]


class FindingFilterSet(django_filters.FilterSet):
    round = IdFilter(field_name="visit__round")
    status = choice_filter(FindingStatus)
    org_unit = IdFilter(field_name="org_unit")
    department = IdFilter(field_name="department")

    class Meta:
        model = Finding
        fields = ["round", "status", "org_unit", "department"]
