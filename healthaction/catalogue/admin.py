from django.contrib import admin

from healthaction.catalogue.models import CatalogueIndicator, IndicatorMatch


@admin.register(CatalogueIndicator)
class CatalogueIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit", "nature", "national_2022", "national_2030"]
    search_fields = ["code", "name", "synonyms"]
    list_filter = ["nature", "group"]


@admin.register(IndicatorMatch)
class IndicatorMatchAdmin(admin.ModelAdmin):
    list_display = ["indicator", "catalogue", "confidence", "status", "method"]
    list_filter = ["status", "method"]
    raw_id_fields = ["indicator", "catalogue", "decided_by"]
