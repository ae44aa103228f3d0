from django.contrib import admin

from lianghua.core.admin_mixins import LoadedDataAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(LoadedDataAdmin):
    """The tree is loaded from data/regions/ by `lianghua init`: read here, changed in the data files."""

    list_display = ["code", "name", "kind", "parent"]
    search_fields = ["code", "name"]
    list_filter = ["kind"]
    readonly_fields = ["path", "depth"]
    raw_id_fields = ["parent"]
