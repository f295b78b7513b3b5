"""Query parameters of plan register lists (API and pages); see core/filtersets.py."""

import django_filters

from healthaction.core.choices import IndicatorGroup, Nature, PlanStatus, TargetKind, TaskProgress
from healthaction.core.filtersets import IdFilter, ModelFilterSet, SmallIntFilter, choice_filter
from healthaction.plans.models import Indicator, Plan, Target, Task

PARSED = {  # what the parser records of each parsed row (plans/models.py Parsed)
    "confidence": ["exact", "gte", "lte"],
}
FROM_SOURCE = {**PARSED, "source_line_start": ["exact", "gte"], "source_line_end": ["exact", "lte"]}


class PlanFilterSet(ModelFilterSet):
    status = choice_filter(PlanStatus)
    title = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Plan
        fields = {
            "org_unit": ["exact"],
            "parent": ["exact"],
            "issuer": ["exact"],
            "doc_number": ["exact"],
            "issue_date": ["exact", "gte", "lte"],
            "horizon_start": ["exact"],
            "horizon_end": ["exact"],
            "source_name": ["exact"],
            "source_sha256": ["exact"],
            "is_public": ["exact"],
            "reporting_start": ["exact", "gte", "lte"],
            "created_at": ["gte", "lte"],
            "updated_at": ["gte", "lte"],
        }


class IndicatorFilterSet(ModelFilterSet):
    action = SmallIntFilter(field_name="action__number", label="action number")
    nature = choice_filter(Nature)
    group = choice_filter(IndicatorGroup)
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=200)

    class Meta:
        model = Indicator
        fields = {
            **FROM_SOURCE,
            "plan": ["exact"],
            "number": ["exact"],
            "unit": ["exact"],
            "direction": ["exact"],
            "numerator": ["exact"],
            "denominator": ["exact"],
            "position": ["exact"],
            "report_by_lower_units": ["exact"],
            "tolerance": ["exact"],
        }


class TargetFilterSet(ModelFilterSet):
    kind = choice_filter(TargetKind)

    class Meta:
        model = Target
        fields = {
            **PARSED,
            "indicator": ["exact"],
            "year": ["exact"],
            "comparator": ["exact"],
            "value": ["exact", "gte", "lte"],
            "upper_value": ["exact"],
            "base_year": ["exact"],
            "change": ["exact"],
            "change_unit": ["exact"],
            "trend": ["exact"],
            "qualitative": ["exact"],
            "raw_text": ["exact"],
        }


class TaskFilterSet(ModelFilterSet):
    """The task board's filters. `progress` concerns each department's latest report, so the board applies it
    line by line (queries.task_board); here it is only validated."""

    action = SmallIntFilter(field_name="action__number")
    department = IdFilter(field_name="departments", distinct=True)
    progress = choice_filter(TaskProgress, method="by_report")

    class Meta:
        model = Task
        fields = {
            **FROM_SOURCE,
            "plan": ["exact"],
            "number": ["exact"],
            "all_lower_units": ["exact"],
            "reporting_cycle": ["exact"],
            "position": ["exact"],
            "deadline": ["exact"],
            "department_confidence": ["exact", "gte", "lte"],
        }

    def by_report(self, queryset, name, value):
        return queryset
