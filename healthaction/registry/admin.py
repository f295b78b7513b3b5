from django.contrib import admin

from healthaction.registry.models import Department, DepartmentAlias, Membership, OrgUnit


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]


class DepartmentAliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1
    exclude = ["org_unit"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "org_unit", "code"]
    list_filter = ["org_unit__level"]
    search_fields = ["name", "aliases__alias"]
    autocomplete_fields = ["org_unit"]
    inlines = [DepartmentAliasInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "org_unit", "department", "action"]
    list_filter = ["role"]
    search_fields = ["user__username", "department__name"]
    autocomplete_fields = ["user", "org_unit", "department", "action"]
