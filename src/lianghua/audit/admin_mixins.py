"""Django admin edits leave the same trace as the services (DESIGN §7: every change is attributable)."""

from django.contrib import admin

from .services import change_record, snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.get(pk=obj.pk)) if change else None
        super().save_model(request, obj, form, change)
        change_record(actor=request.user, instance=obj, action="update" if change else "create", before=before)

    def delete_model(self, request, obj):
        before = snapshot(obj)
        change_record(actor=request.user, instance=obj, action="delete", before=before)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            change_record(actor=request.user, instance=obj, action="delete", before=snapshot(obj))
        super().delete_queryset(request, queryset)
