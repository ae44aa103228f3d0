from django.contrib import admin

from .models import AuditChainHead, ChangeRecord, DomainEvent


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "model", "object_repr", "import_batch_id"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "object_pk"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DomainEvent)
class DomainEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "kind", "region"]
    list_filter = ["kind"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit log is never erased through a page


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(admin.ModelAdmin):
    """Each chain's end (its last number and hash, when last sealed): what `lianghua audit verify` checks
    the chain against, for the 审计管理员 to read and keep."""

    list_display = ["name", "seq", "hash", "sealed_at"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
