from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "lianghua.projects"
    verbose_name = "项目"
