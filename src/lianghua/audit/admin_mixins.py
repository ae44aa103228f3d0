"""Django admin edits leave the same trace as the services (DESIGN §7: every change is attributable)."""

from django.contrib import admin
from django.contrib.admin.utils import NestedObjects
from django.db import router, transaction

from .services import change_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made through this admin writes a ChangeRecord. A delete records each
    row it removes, the cascaded ones included (a project's monthly reports, an enterprise's years)."""

    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        change_record(actor=request.user, instance=obj, action="update" if change else "create", before=before)

    def _deletions_record(self, request, objs) -> None:
        """One delete ChangeRecord per row that deleting `objs` removes, found as Django's delete finds
        them (NestedObjects is the admin's own collector, without fast deletes)."""
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(list(objs))
        for instances in collector.data.values():
            for instance in sorted(instances, key=lambda o: str(o.pk)):
                change_record(actor=request.user, instance=instance, action="delete", before=snapshot(instance))

    def delete_model(self, request, obj):
        with transaction.atomic(using=router.db_for_write(self.model)):
            self._deletions_record(request, [obj])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        """The changelist's bulk 删除所选 action: every row recorded, in one transaction with the delete."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            self._deletions_record(request, queryset)
            super().delete_queryset(request, queryset)
