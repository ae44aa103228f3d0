"""Subsidy data in the admin: the administrator's settings are shown here and changed on their page
(/subsidies/settings/, or `lianghua subsidy set`), which checks the value against the data files and
records the change."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from lianghua.core.admin_mixins import LoadedDataAdmin

from .models import PolicySetting


@admin.register(PolicySetting)
class PolicySettingAdmin(LoadedDataAdmin):
    list_display = ["name", "value", "note", "set_by", "set_at", "where_to_change"]

    @admin.display(description="修改")
    def where_to_change(self, obj):
        return format_html('<a href="{}">在参数设置页修改</a>', reverse("policies:settings"))
