from rest_framework import serializers

from healthaction.collection.models import DueItem, IndicatorValue, TaskReport
from healthaction.evaluation.models import EvaluationResult, TargetVerdict
from healthaction.inspections.models import Finding, FindingEvent, Round, Visit
from healthaction.plans.models import Baseline, Indicator, Plan, Target
from healthaction.registry.models import Department, OrgUnit


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "level", "parent"]


class DepartmentSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = Department
        fields = ["id", "name", "code", "org_unit", "aliases"]


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "issuer",
            "doc_number",
            "issue_date",
            "horizon_start",
            "horizon_end",
            "org_unit",
            "status",
            "is_public",
        ]


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "indicator", *Target.RULE_FIELDS, "raw_text"]


class BaselineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Baseline
        fields = ["value", "qualitative", "year", "raw_text"]


class IndicatorSerializer(serializers.ModelSerializer):
    targets = TargetSerializer(many=True, read_only=True)
    baseline = BaselineSerializer(read_only=True, allow_null=True)
    action_number = serializers.IntegerField(source="action.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "plan",
            "action",
            "action_number",
            "number",
            "name",
            "unit",
            "group",
            "nature",
            "direction",
            "definition",
            "calculation",
            "numerator",
            "denominator",
            "baseline",
            "targets",
        ]


class DueItemSerializer(serializers.ModelSerializer):
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = DueItem
        fields = [
            "id",
            "plan",
            "kind",
            "indicator",
            "task",
            "department",
            "org_unit",
            "year",
            "half",
            "due_date",
            "status",
            "received_at",
            "overdue",
        ]

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue()


class IndicatorValueSerializer(serializers.ModelSerializer):
    submit = serializers.BooleanField(write_only=True, default=False, help_text="true to submit; false keeps a draft")

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "org_unit",
            "year",
            "value",
            "numerator",
            "denominator",
            "qualitative",
            "source",
            "note",
            "status",
            "version",
            "outlier",
            "submitted_at",
            "approved_at",
            "review_comment",
            "submit",
        ]
        read_only_fields = ["status", "outlier", "submitted_at", "approved_at", "review_comment"]
        validators = []  # uniqueness is the due item's business: the view finds it
        extra_kwargs = {
            "version": {
                "required": False,
                "help_text": "the version you read (0 for a value never saved); required once a value "
                "exists (400 without it); a different current version answers 409",
            }
        }


class TaskReportSerializer(serializers.ModelSerializer):
    submit = serializers.BooleanField(write_only=True, default=False)

    class Meta:
        model = TaskReport
        fields = [
            "id",
            "task",
            "department",
            "org_unit",
            "year",
            "half",
            "progress",
            "text",
            "status",
            "version",
            "submitted_at",
            "approved_at",
            "review_comment",
            "submit",
        ]
        read_only_fields = ["status", "submitted_at", "approved_at", "review_comment"]
        validators = []
        extra_kwargs = {
            "version": {
                "required": False,
                "help_text": "the version you read (0 for a report never saved); required once a "
                "report exists; a different current version answers 409",
            }
        }


class EvaluationResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationResult
        fields = [
            "id",
            "plan",
            "indicator",
            "org_unit",
            "year",
            "status",
            "value",
            "qualitative",
            "target_year",
            "target_value",
            "comparator",
            "expected",
            "base_value",
            "base_year",
            "base_from_first_value",
            "forecast",
            "forecast_low",
            "forecast_high",
            "forecast_year",
            "forecast_met",
            "opensdg_category",
            "opensdg_score",
            "explanation",
        ]


class TargetVerdictSerializer(serializers.ModelSerializer):
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = TargetVerdict
        fields = [
            "id",
            "plan",
            "indicator",
            "org_unit",
            "target_year",
            "verdict",
            "verdict_label",
            "rule",
            "target_text",
            "comparator",
            "target_value",
            "target_upper",
            "value",
            "qualitative",
            "explanation",
            "computed_at",
        ]


# ---- supervision and healthy cells -------------------------------------------------------------------


class InspectionRoundSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(source="checklist.kind", read_only=True)
    pass_mark = serializers.FloatField(source="checklist.pass_mark", read_only=True)

    class Meta:
        model = Round
        fields = ["id", "plan", "title", "year", "checklist", "kind", "pass_mark", "starts", "ends"]


class VisitSerializer(serializers.ModelSerializer):
    total = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = ["id", "round", "org_unit", "department", "visited_on", "signed_off_at", "total"]

    def get_total(self, obj) -> float:
        return round(sum(s.points for s in obj.scores.all()), 2)


class FindingEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FindingEvent
        fields = ["status", "comment", "evidence_name", "user", "created_at"]


class FindingSerializer(serializers.ModelSerializer):
    round = serializers.IntegerField(source="visit.round_id", read_only=True)
    item_number = serializers.CharField(source="item.number", read_only=True)
    events = FindingEventSerializer(many=True, read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "round",
            "visit",
            "item_number",
            "text",
            "department",
            "org_unit",
            "deadline",
            "status",
            "events",
        ]
