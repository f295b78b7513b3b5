"""Query parameters of plan register lists (API and pages); see core/filtersets.py."""

import django_filters

from healthaction.core.choices import IndicatorGroup, Nature, PlanStatus, TargetKind, TaskProgress
from healthaction.core.filtersets import IdFilter, SmallIntFilter, choice_filter
from healthaction.plans.models import Indicator, Plan, Target, Task


class PlanFilterSet(django_filters.FilterSet):
    status = choice_filter(PlanStatus)
    org_unit = IdFilter(field_name="org_unit")

    class Meta:
        model = Plan
        fields = ["status", "org_unit"]


class IndicatorFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    action = SmallIntFilter(field_name="action__number", label="action number")
    nature = choice_filter(Nature)
    group = choice_filter(IndicatorGroup)

    class Meta:
        model = Indicator
        fields = ["plan", "action", "nature", "group"]


class TargetFilterSet(django_filters.FilterSet):
    indicator = IdFilter(field_name="indicator")
    year = SmallIntFilter(field_name="year")
    kind = choice_filter(TargetKind)

    class Meta:
        model = Target
        fields = ["indicator", "year", "kind"]


class TaskFilterSet(django_filters.FilterSet):
    """The task board's filters. `progress` concerns each department's latest report, so the board applies it
    line by line (queries.task_board); here it is only validated."""

    action = SmallIntFilter(field_name="action__number")
    department = IdFilter(field_name="task_departments__department", distinct=True)
    progress = choice_filter(TaskProgress, method="by_report")

    class Meta:
        model = Task
        fields = ["action", "department", "progress"]

    def by_report(self, queryset, name, value):
        return queryset
