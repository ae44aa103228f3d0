from django.core.management import call_command

from lianghua.core.commands import LianghuaCommand
from lianghua.core.databases import database_aliases
from lianghua.setup.reference import reference_data_load


class Command(LianghuaCommand):
    help = "建库（migrate）并加载参考数据：区划、行业、认定类型、指标和目标方案。可重复执行，不会重复写入。"

    def handle(self, *args, **options):
        for alias in database_aliases():  # on SQLite also the security database (sessions, logins)
            call_command("migrate", database=alias, interactive=False, verbosity=0)
        counts = reference_data_load()
        labels = {"regions": "区划（新增或变更）", "industries": "行业", "credential_kinds": "认定类型",
                  "key_industries": "重点产业（新增或变更）", "indicators": "指标", "plans": "目标（方案内）"}
        for key, count in counts.items():
            self.stdout.write(f"{labels[key]}：{count}")
        self.stdout.write(self.style.SUCCESS("初始化完成"))
