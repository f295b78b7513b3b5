from django.contrib import admin

from healthaction.evaluation.models import AssessmentScheme, AssessmentWeight, TargetVerdict


class AssessmentWeightInline(admin.TabularInline):
    model = AssessmentWeight
    extra = 0
    raw_id_fields = ["indicator"]


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    """The office sets the points per status and the optional shares of timely reporting and supervision here."""

    list_display = ["plan", "points_achieved", "points_on_track", "timeliness_weight", "supervision_weight"]
    inlines = [AssessmentWeightInline]


@admin.register(TargetVerdict)
class TargetVerdictAdmin(admin.ModelAdmin):
    """Read only: verdicts come from the evaluation, never from typing."""

    list_display = ["indicator", "org_unit", "target_year", "verdict", "value", "target_text"]
    list_filter = ["verdict", "target_year", "plan"]
    search_fields = ["indicator__name", "org_unit__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
