"""Query parameters of org unit and department lists (API); see core/filtersets.py."""

import django_filters

from healthaction.core.choices import Level
from healthaction.core.filtersets import IdFilter, choice_filter
from healthaction.registry.models import Department, OrgUnit


class OrgUnitFilterSet(django_filters.FilterSet):
    level = choice_filter(Level)
    parent = IdFilter(field_name="parent")
    code = django_filters.CharFilter(field_name="code", max_length=32)

    class Meta:
        model = OrgUnit
        fields = ["level", "parent", "code"]


class DepartmentFilterSet(django_filters.FilterSet):
    org_unit = IdFilter(field_name="org_unit")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)

    class Meta:
        model = Department
        fields = ["org_unit", "name"]
