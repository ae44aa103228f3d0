import sys
from pathlib import Path

from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.setup.backup import BackupError, backup_restore


class Command(LianghuaCommand):
    help = ("从 lianghua backup 的备份文件恢复全部数据库和存储文件，覆盖现有数据，然后逐表、逐文件核对校验和。"
            "恢复前请停止网站和后台任务进程；须加 --yes 确认。核对一致时以状态 0 退出，否则列出不一致之处并以状态 1 退出。")

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="备份文件（.tar.gz）")
        parser.add_argument("--yes", action="store_true", help="确认覆盖本机现有的全部数据")

    def handle(self, *args, file, yes=False, **options):
        source = Path(file)
        if not source.is_file():
            raise CommandError(f"找不到备份文件：{source}")
        if not yes:
            raise CommandError("恢复会覆盖本机现有的全部数据和文件：确认无误后加 --yes 再执行")
        try:
            restored = backup_restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for mismatch in restored.mismatches:
            self.stderr.write(self.style.ERROR(mismatch))
        if restored.mismatches:
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS(
            f"已恢复并核对一致：{restored.tables} 张表、{restored.rows:,} 行，{restored.files:,} 个文件"))
