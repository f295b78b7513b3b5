"""Query parameters of evaluation result lists (API); see core/filtersets.py."""

import django_filters

from healthaction.core.filtersets import IdFilter, SmallIntFilter, choice_filter
from healthaction.evaluation.choices import EvaluationStatus, Verdict
from healthaction.evaluation.models import EvaluationResult, TargetVerdict


class EvaluationResultFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    indicator = IdFilter(field_name="indicator")
    org_unit = IdFilter(field_name="org_unit")
    year = SmallIntFilter(field_name="year")
    status = choice_filter(EvaluationStatus)

    class Meta:
        model = EvaluationResult
        fields = ["plan", "indicator", "org_unit", "year", "status"]


class TargetVerdictFilterSet(django_filters.FilterSet):
    plan = IdFilter(field_name="plan")
    indicator = IdFilter(field_name="indicator")
    org_unit = IdFilter(field_name="org_unit")
    year = SmallIntFilter(field_name="target_year")
    verdict = choice_filter(Verdict)

    class Meta:
        model = TargetVerdict
        fields = ["plan", "indicator", "org_unit", "year", "verdict"]
