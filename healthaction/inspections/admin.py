from django.contrib import admin

from healthaction.inspections.models import Checklist, ChecklistItem, Finding, FindingEvent, Round, Score, Visit


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    raw_id_fields = ["indicator", "task"]


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


admin.site.register(Visit)
admin.site.register(Score)
