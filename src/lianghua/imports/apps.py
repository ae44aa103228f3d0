from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "lianghua.imports"
    verbose_name = "数据导入"
