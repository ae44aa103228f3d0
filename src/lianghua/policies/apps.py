from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "lianghua.policies"
    verbose_name = "奖补政策"
