from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import ApiToken, User


@admin.register(User)
class PlatformUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "region", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region", "enterprise"]
    fieldsets = [*UserAdmin.fieldsets, ("平台角色", {"fields": ["display_name", "role", "region", "enterprise"]})]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash", "prefix"]
