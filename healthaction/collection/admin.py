from django.contrib import admin

from healthaction.collection.models import IndicatorValue


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ["indicator", "org_unit", "year", "value", "qualitative", "status", "version"]
    list_filter = ["status", "year"]
    search_fields = ["indicator__name", "org_unit__name"]
    raw_id_fields = ["indicator", "org_unit", "submitted_by", "approved_by"]
