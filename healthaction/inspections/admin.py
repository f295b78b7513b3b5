from django.contrib import admin

from healthaction.inspections.models import (
    Checklist,
    ChecklistItem,
    Finding,
    FindingEvent,
    Round,
    Score,
    ScoreFile,
    Visit,
)


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    raw_id_fields = ["indicator", "task"]

    def _editable(self, obj) -> bool:
        return obj is None or not obj.frozen  # a version in use by a round keeps its items; make a new version instead

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["title", "key", "version", "kind", "pass_mark", "frozen"]
    inlines = [ChecklistItemInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "year", "checklist", "starts", "ends"]
    filter_horizontal = ["inspectors"]


class FindingEventInline(admin.TabularInline):
    model = FindingEvent
    extra = 0
    readonly_fields = ["status", "comment", "evidence", "user", "created_at"]


@admin.register(Finding)
class FindingAdmin(admin.ModelAdmin):
    list_display = ["visit", "item", "status", "deadline"]
    list_filter = ["status"]
    inlines = [FindingEventInline]


class ScoreFileInline(admin.TabularInline):
    model = ScoreFile
    extra = 0
    readonly_fields = ["file", "name", "uploaded_by", "uploaded_at"]


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ["visit", "item", "points"]
    inlines = [ScoreFileInline]


admin.site.register(Visit)
