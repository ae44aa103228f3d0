from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "lianghua.enterprises"
    verbose_name = "企业"
