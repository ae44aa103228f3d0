from django.apps import AppConfig


class EvaluationsConfig(AppConfig):
    name = "lianghua.evaluations"
    verbose_name = "企业评价"
