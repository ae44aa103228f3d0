from django.contrib import admin

from lianghua.audit.admin_mixins import AuditedAdmin
from lianghua.core.admin_mixins import LoadedDataAdmin

from .models import Credential, CredentialKind, DigitalLevel, Enterprise, EnterpriseYear, Industry


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    list_display = ["credit_code", "name", "region", "industry"]
    search_fields = ["credit_code", "name"]
    raw_id_fields = ["region"]


@admin.register(EnterpriseYear)
class EnterpriseYearAdmin(AuditedAdmin):
    list_display = ["enterprise", "year", "is_above_scale", "is_key_energy", "revenue_wan"]
    list_filter = ["year", "is_above_scale"]
    raw_id_fields = ["enterprise"]


@admin.register(Credential)
class CredentialAdmin(AuditedAdmin):
    list_display = ["enterprise", "kind", "level", "granted_on"]
    list_filter = ["kind", "level"]
    raw_id_fields = ["enterprise"]
    exclude = ["level_rank"]

    def save_model(self, request, obj, form, change):
        obj.level_rank = Credential.LEVEL_RANK[obj.level]
        super().save_model(request, obj, form, change)


@admin.register(DigitalLevel)
class DigitalLevelAdmin(AuditedAdmin):
    list_display = ["enterprise", "level", "assessed_on", "source"]
    raw_id_fields = ["enterprise"]


@admin.register(Industry)
class IndustryAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "disabled_on"]


@admin.register(CredentialKind)
class CredentialKindAdmin(LoadedDataAdmin):
    list_display = ["code", "name", "category", "source", "disabled_on"]
