import argparse
import datetime as dt
import time

from django.core.management.base import CommandError
from django.utils import timezone

from lianghua.core.commands import LianghuaCommand
from lianghua.setup.demo import DEMO_SEED, DemoImportError, demo_load, demo_present, demo_users_ensure


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别，应为 YYYY-MM-DD") from error


class Command(LianghuaCommand):
    help = ("生成海盐县演示数据（约600家企业及其2023—2026年度数据、认定、数字化水平、项目及月报、培训），"
            "经导入功能写入，并创建演示账号（密码仅供演示）。")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEMO_SEED, help=f"随机种子（默认 {DEMO_SEED}；同一种子生成相同数据）")
        parser.add_argument("--skip-if-present", action="store_true",
                            help="演示数据已存在时不再生成，只打印演示账号")
        parser.add_argument("--as-of", type=_date, default=None, metavar="YYYY-MM-DD",
                            help="数据截至日期 YYYY-MM-DD（默认今天；月报只到已结束的月份）")
        parser.add_argument("--size", type=float, default=1.0,
                            help="规模系数（默认 1.0 = 600家企业；测试可用更小的值）")

    def handle(self, *args, seed, skip_if_present, as_of, size, **options):
        if size <= 0:
            raise CommandError("--size 必须大于 0")
        if skip_if_present and demo_present():
            self.stdout.write("演示数据已存在，跳过生成。")
            self._print_logins(demo_users_ensure())
            return
        as_of = as_of or timezone.localdate()
        started = time.perf_counter()
        self.stdout.write(f"正在生成海盐县演示数据（截至 {as_of:%Y-%m-%d}，种子 {seed}）…")
        try:
            result = demo_load(seed=seed, as_of=as_of, size=size, log=self.stdout.write)
        except DemoImportError as error:
            raise CommandError(str(error)) from error
        except LookupError as error:
            raise CommandError(str(error)) from error
        labels = {"enterprises": "企业", "enterprise-years": "企业年度数据", "credentials": "认定",
                  "digital-levels": "数字化水平评定", "projects": "项目", "progress": "项目月报",
                  "activities": "培训等活动"}
        counts = "，".join(f"{labels[k]} {v}" for k, v in result["counts"].items())
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成（{time.perf_counter() - started:.1f} 秒）：{counts}"))
        self._print_logins(result["logins"])

    def _print_logins(self, logins):
        self.stdout.write("")
        self.stdout.write("演示账号（密码仅供演示，切勿用于正式环境）：")
        width = max(len(login.username) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.username.ljust(width)}  密码 {login.password}  {login.role_label}（{login.scope}）")
        self.stdout.write("")
