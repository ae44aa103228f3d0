from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]
    readonly_fields = ["path", "depth"]
    raw_id_fields = ["parent"]
