from django.apps import AppConfig


class SetupConfig(AppConfig):
    """The roof: the installation's own setup (init, serve, demo) and the data synthesiser. It may import
    every app; no app imports it."""

    name = "lianghua.setup"
    verbose_name = "安装与演示"
