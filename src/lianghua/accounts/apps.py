from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "lianghua.accounts"
    verbose_name = "账户"

    def ready(self) -> None:
        from .logins import login_recording_connect

        login_recording_connect()
