from django.contrib import admin

from lianghua.core.admin_mixins import ReadOnlyAdmin

from .models import AuditChainHead, ChangeRecord, DomainEvent

# The audit log is read here and never added to, changed or erased through a page.


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "model", "object_repr", "import_batch_id"]
    list_filter = ["action", "model"]
    search_fields = ["object_repr", "object_pk"]


@admin.register(DomainEvent)
class DomainEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "kind", "region"]
    list_filter = ["kind"]


@admin.register(AuditChainHead)
class AuditChainHeadAdmin(ReadOnlyAdmin):
    """Each chain's end (its last number and hash, when last sealed): what `lianghua audit verify` checks
    the chain against, for the 审计管理员 to read and keep."""

    list_display = ["name", "seq", "hash", "sealed_at"]
