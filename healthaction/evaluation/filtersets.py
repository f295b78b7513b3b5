"""Query parameters of evaluation result lists (API); see core/filtersets.py."""

import django_filters

from healthaction.core.filtersets import IdFilter, SmallIntFilter, choice_filter
from healthaction.evaluation.choices import EvaluationStatus
from healthaction.evaluation.models import EvaluationResult


class EvaluationResultFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    indicator = IdFilter(field_name="indicator")
    org_unit = IdFilter(field_name="org_unit")
    year = SmallIntFilter(field_name="year")
    status = choice_filter(EvaluationStatus)

    class Meta:
        model = EvaluationResult
        fields = ["plan", "indicator", "org_unit", "year", "status"]
