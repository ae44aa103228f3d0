from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "lianghua.audit"
    verbose_name = "留痕"
