from django.contrib import admin

from lianghua.audit.admin_mixins import AuditedAdmin, LoadedDataAdmin

from .models import Indicator, Plan, ReportedActual, Target


@admin.register(Target)
class TargetAdmin(AuditedAdmin):
    list_display = ["plan", "indicator", "region", "year", "basis", "value", "comparator", "stretch_value"]
    list_filter = ["plan", "indicator", "year", "basis"]
    raw_id_fields = ["region"]


@admin.register(ReportedActual)
class ReportedActualAdmin(AuditedAdmin):
    list_display = ["plan", "indicator", "region", "year", "value", "as_of", "source", "reported_by"]
    raw_id_fields = ["region"]


@admin.register(Plan)
class PlanAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "doc_number", "start_year", "end_year", "region", "source_file"]


@admin.register(Indicator)
class IndicatorAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "unit", "computation", "additive", "source"]
