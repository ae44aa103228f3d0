from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "lianghua.regions"
    verbose_name = "行政区划"
