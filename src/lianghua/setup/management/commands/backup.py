import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.setup.backup import BackupError, backup_write


class Command(LianghuaCommand):
    help = ("备份全部数据库（SQLite 在线备份；PostgreSQL 用 pg_dump）和全部存储文件（导入文件、通报等）到一个 .tar.gz 文件，"
            "并记下每张表的行数和校验和、每个文件的 SHA-256，恢复时逐一核对。网站运行中也可备份。")

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="备份文件（默认 var/backups/lianghua-年月日-时分秒.tar.gz）")

    def handle(self, *args, output=None, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(output) if output else Path(settings.VAR_DIR) / "backups" / f"lianghua-{stamp}.tar.gz"
        try:
            manifest = backup_write(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        tables = sum(len(d["tables"]) for d in manifest["databases"].values())
        rows = sum(t["rows"] for d in manifest["databases"].values() for t in d["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"已备份：{len(manifest['databases'])} 个数据库、{tables} 张表、{rows:,} 行，{len(manifest['files']):,} 个文件 → {target}"))
