from django.apps import AppConfig


class TargetsConfig(AppConfig):
    name = "lianghua.targets"
    verbose_name = "目标任务"
