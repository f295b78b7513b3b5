"""Query parameters of org unit and department lists (API); see core/filtersets.py."""

import django_filters

from healthaction.core.choices import Level
from healthaction.core.filtersets import IdFilter, ModelFilterSet, choice_filter
from healthaction.registry.models import Department, OrgUnit


class OrgUnitFilterSet(ModelFilterSet):
    level = choice_filter(Level)
    code = django_filters.CharFilter(field_name="code", max_length=32)
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)
    # within=<path of an area>: the area and every unit below it (paths are the codes from the top, joined)
    within = django_filters.CharFilter(field_name="path", lookup_expr="startswith", max_length=400)

    class Meta:
        model = OrgUnit
        fields = {"parent": ["exact"]}


class DepartmentFilterSet(ModelFilterSet):
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=100)
    code = django_filters.CharFilter(field_name="code", max_length=32)
    task = IdFilter(field_name="tasks", distinct=True)  # the departments a task names

    class Meta:
        model = Department
        fields = {"org_unit": ["exact"]}
