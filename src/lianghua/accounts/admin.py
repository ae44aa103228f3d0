"""Users and API tokens in the admin: every change of a user, their role or scope, and every token
revocation leaves a change record (passwords and token hashes never enter the log)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from lianghua.audit.admin_mixins import AuditedAdmin
from lianghua.audit.services import change_record, domain_event_record, snapshot
from lianghua.core.admin_mixins import ReadOnlyAdmin

from .models import ApiToken, LoginRecord, User
from .roles import ADMINISTRATOR_ROLES, ROLE_CHOICES
from .services import api_token_revoke


@admin.register(User)
class PlatformUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "display_name", "role", "region", "enterprise", "is_active"]
    list_filter = ["role", "is_active"]
    raw_id_fields = ["region", "enterprise"]
    fieldsets = [*UserAdmin.fieldsets, ("平台角色", {"fields": ["display_name", "role", "region", "enterprise"]})]
    # A new user is made with their role and scope on the same page (without them the database refuses
    # a role that needs a region; User.clean says which field is missing).
    add_fieldsets = [*UserAdmin.add_fieldsets, ("平台角色", {"fields": ["display_name", "role", "region", "enterprise"]})]
    actions = ["deactivate"]

    def has_delete_permission(self, request, obj=None):
        """Users are deactivated, never deleted: their change records, events and batches keep their actor."""
        return False

    def has_change_permission(self, request, obj=None):
        """A 系统管理员 manages the users of the programme, not the administrators (三员分立: only the
        installation's administrator gives or changes an administrator role)."""
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.role in ADMINISTRATOR_ROLES):
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "groups", "user_permissions"]
        return fields

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role" and not request.user.is_superuser:
            kwargs["choices"] = [(code, label) for code, label in ROLE_CHOICES if code not in ADMINISTRATOR_ROLES]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    @admin.action(description="停用所选用户（保留其全部操作记录）", permissions=["change"])
    def deactivate(self, request, queryset):
        count = 0
        for user in queryset.filter(is_active=True):
            before = snapshot(user)
            user.is_active = False
            user.save(update_fields=["is_active"])
            change_record(actor=request.user, instance=user, action="update", before=before)
            count += 1
        self.message_user(request, f"已停用 {count} 个用户；其登录和操作记录全部保留。", messages.SUCCESS)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:  # the form was valid and saved
            user = User.objects.get(pk=id)
            domain_event_record(kind="user.password_changed", actor=request.user, region=user.region,
                                user=user.username)
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdmin):
    """Tokens are made by `lianghua createtoken` (the key is shown once); here they are read and revoked."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="撤销所选令牌", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = [api_token_revoke(token=token, by=request.user) for token in queryset if token.revoked_at is None]
        messages.success(request, f"已撤销 {len(revoked)} 个令牌")


@admin.register(LoginRecord)
class LoginRecordAdmin(ReadOnlyAdmin):
    """Read only: a login record is evidence, written by the login itself and never changed."""

    list_display = ["at", "username", "result", "ip", "user_agent"]
    list_filter = ["result"]
    search_fields = ["username", "ip"]
    date_hierarchy = "at"
