from django.contrib import admin

from healthaction.evaluation.models import AssessmentScheme, AssessmentWeight


class AssessmentWeightInline(admin.TabularInline):
    model = AssessmentWeight
    extra = 0
    raw_id_fields = ["indicator"]


@admin.register(AssessmentScheme)
class AssessmentSchemeAdmin(admin.ModelAdmin):
    """The office sets the points per status and the optional shares of timely reporting and supervision here."""

    list_display = ["plan", "points_achieved", "points_on_track", "timeliness_weight", "supervision_weight"]
    inlines = [AssessmentWeightInline]
