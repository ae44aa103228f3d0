from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "lianghua.reporting"
    verbose_name = "企业填报与审核"
