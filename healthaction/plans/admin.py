from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from healthaction.plans.models import (
    Action,
    Baseline,
    Indicator,
    ParseWarning,
    Plan,
    ReportingCycle,
    RosterEntry,
    Target,
    Task,
    TaskDepartment,
)


class ReportingCycleInline(admin.TabularInline):
    model = ReportingCycle
    extra = 0


class ParseWarningInline(admin.TabularInline):
    model = ParseWarning
    extra = 0
    fields = ["line", "kind", "ref", "message", "text", "resolved", "dismissal_reason"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "doc_number", "org_unit", "issue_date", "status", "is_public"]
    list_filter = ["status", "is_public"]
    search_fields = ["title", "doc_number"]
    autocomplete_fields = ["org_unit"]
    inlines = [ReportingCycleInline, ParseWarningInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "plan", "lead_department", "confidence"]
    list_filter = ["plan"]
    search_fields = ["name"]
    autocomplete_fields = ["lead_department"]


class BaselineInline(admin.StackedInline):
    model = Baseline
    extra = 0


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "unit", "group", "nature", "action", "plan", "confidence"]
    list_filter = ["plan", "nature", "group"]
    readonly_fields = ["confidence", "reason"]
    search_fields = ["name"]
    inlines = [BaselineInline, TargetInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["indicator", "year", "kind", "comparator", "value", "raw_text", "confidence"]
    list_filter = ["kind", "year"]
    search_fields = ["indicator__name", "raw_text"]


class TaskDepartmentInline(admin.TabularInline):
    model = TaskDepartment
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["number", "short_content", "action", "plan", "deadline", "confidence", "department_confidence"]
    list_filter = ["plan"]
    readonly_fields = ["confidence", "reason", "department_confidence", "department_reason"]
    search_fields = ["content"]
    inlines = [TaskDepartmentInline]

    @admin.display(description=_("content"))
    def short_content(self, obj: Task) -> str:
        return obj.content[:50]


@admin.register(ReportingCycle)
class ReportingCycleAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "kind", "frequency", "due_dates"]


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "post", "plan"]


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ["indicator", "value", "year", "raw_text"]


@admin.register(ParseWarning)
class ParseWarningAdmin(admin.ModelAdmin):
    list_display = ["plan", "line", "kind", "ref", "message", "resolved"]
    list_filter = ["resolved", "kind"]
