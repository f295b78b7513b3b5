from django.contrib import admin

from healthaction.collection.models import DueItem, Evidence, IndicatorValue, ReminderLog, Revision, TaskReport


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "org_unit", "year", "value", "qualitative", "status", "version"]
    list_filter = ["status", "year"]
    search_fields = ["indicator__name", "org_unit__name"]
    raw_id_fields = ["indicator", "org_unit", "submitted_by", "approved_by", "updated_by"]


@admin.register(TaskReport)
class TaskReportAdmin(admin.ModelAdmin):
    list_display = ["task", "department", "org_unit", "year", "half", "progress", "status"]
    list_filter = ["status", "progress", "year"]
    raw_id_fields = ["task", "department", "org_unit", "submitted_by", "approved_by", "updated_by"]


@admin.register(DueItem)
class DueItemAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "due_date", "status", "received_at", "obsolete"]
    list_filter = ["kind", "status", "year", "obsolete"]
    raw_id_fields = ["indicator", "task", "department", "org_unit", "plan"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["content_type", "object_id", "version", "action", "user", "created_at"]
    list_filter = ["action"]

    def has_change_permission(self, request, obj=None):
        return False  # history is never edited

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(Evidence)
admin.site.register(ReminderLog)
