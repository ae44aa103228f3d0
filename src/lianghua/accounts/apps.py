from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lianghua.accounts"
    verbose_name = "账户"
