"""Query parameters of evaluation result lists (API); see core/filtersets.py."""

from healthaction.core.filtersets import ModelFilterSet, SmallIntFilter, choice_filter
from healthaction.evaluation.choices import EvaluationStatus, Verdict
from healthaction.evaluation.models import EvaluationResult, TargetVerdict

SERIES = {"plan": ["exact"], "indicator": ["exact"], "org_unit": ["exact"], "computed_at": ["gte", "lte"]}


class EvaluationResultFilterSet(ModelFilterSet):
    status = choice_filter(EvaluationStatus)

    class Meta:
        model = EvaluationResult
        fields = {
            **SERIES,
            "year": ["exact"],
            "value": ["exact", "gte", "lte"],
            "qualitative": ["exact"],
            "target_year": ["exact"],
            "target_value": ["exact"],
            "comparator": ["exact"],
            "expected": ["exact"],
            "base_value": ["exact"],
            "base_year": ["exact"],
            "base_from_first_value": ["exact"],
            "ratio": ["exact", "gte", "lte"],
            "forecast": ["exact"],
            "forecast_year": ["exact"],
            "forecast_low": ["exact"],
            "forecast_high": ["exact"],
            "forecast_met": ["exact"],
            "opensdg_category": ["exact"],
            "opensdg_score": ["exact", "gte", "lte"],
        }


class TargetVerdictFilterSet(ModelFilterSet):
    year = SmallIntFilter(field_name="target_year")
    verdict = choice_filter(Verdict)

    class Meta:
        model = TargetVerdict
        fields = {
            **SERIES,
            "rule": ["exact"],
            "target_text": ["exact"],
            "comparator": ["exact"],
            "target_value": ["exact"],
            "target_upper": ["exact"],
            "value": ["exact", "gte", "lte"],
            "qualitative": ["exact"],
        }
