from django.contrib import admin

from lianghua.audit.admin_mixins import AuditedAdmin
from lianghua.core.admin_mixins import LoadedDataAdmin

from .models import Indicator, Plan, ReportedActual, Target


@admin.register(Target)
class TargetAdmin(LoadedDataAdmin):
    """Targets change through their plan's data file and `lianghua init` (which records every change);
    an edit here would be put back by the next init, so the admin only shows them."""

    list_display = ["plan", "indicator", "region", "year", "basis", "value", "comparator", "stretch_value"]
    list_filter = ["plan", "indicator", "year", "basis"]
    raw_id_fields = ["region"]


@admin.register(ReportedActual)
class ReportedActualAdmin(AuditedAdmin):
    """填报值 are entered on the records page (targets.services.reported_actual_record checks the indicator,
    the years, the value and the writer's region, and records the event); here they are read, and a
    mistaken one deleted (audited)."""

    list_display = ["plan", "indicator", "region", "year", "value", "as_of", "source", "reported_by"]
    raw_id_fields = ["region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Plan)
class PlanAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "doc_number", "start_year", "end_year", "region", "source_file"]


@admin.register(Indicator)
class IndicatorAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "unit", "computation", "additive", "source"]
