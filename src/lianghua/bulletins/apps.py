from django.apps import AppConfig


class BulletinsConfig(AppConfig):
    name = "lianghua.bulletins"
    verbose_name = "进度通报与赛马"
