from django.contrib import admin

from lianghua.audit.admin_mixins import AuditedAdmin

from .models import Activity, Project, ProjectProgress


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["code", "name", "enterprise", "category", "stage", "health"]
    list_filter = ["category", "stage", "health"]
    search_fields = ["code", "name"]
    raw_id_fields = ["enterprise"]
    # Stage changes go through projects.services (they write the stage log), not through this form.
    readonly_fields = ["stage"]


@admin.register(ProjectProgress)
class ProjectProgressAdmin(AuditedAdmin):
    list_display = ["project", "month", "cumulative_investment_wan"]
    raw_id_fields = ["project"]


@admin.register(Activity)
class ActivityAdmin(AuditedAdmin):
    list_display = ["date", "region", "kind", "title", "attendance"]
    raw_id_fields = ["region"]
