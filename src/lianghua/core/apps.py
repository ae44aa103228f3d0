from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "lianghua.core"
    verbose_name = "平台"
