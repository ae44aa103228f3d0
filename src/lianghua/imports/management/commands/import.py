import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.imports.kinds import import_kinds
from lianghua.imports.services import ImportNotAllowed, import_run, problem_text


class Command(LianghuaCommand):
    help = ("导入 Excel（.xlsx）或 CSV（UTF-8 或 GBK）文件。整份文件有任何错误都不写入，列出全部错误并以状态 1 退出；"
            "键相同的行更新原记录：留空的单元格保持原值，填“清空”删除原值。类型：" + "、".join(f"{code}（{kind.name}）" for code, kind in import_kinds().items()))

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(import_kinds()), metavar="KIND", help="导入类型：" + "、".join(import_kinds()))
        parser.add_argument("file", metavar="FILE", help=".xlsx 或 .csv 文件")
        parser.add_argument("--dry-run", action="store_true", help="试导入：只检查并统计，列出每行将更新的字段（原值 → 新值），不写入")
        parser.add_argument("--user", metavar="USERNAME",
                            help="以该用户的身份和区域范围导入（默认：命令行操作员，不限区域）")

    def handle(self, *args, kind, file, dry_run=False, user=None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        by = None  # the command line's operator: every region, recorded as no user
        if user:
            by = get_user_model().objects.select_related("region").filter(username=user).first()
            if by is None:
                raise CommandError(f"找不到用户“{user}”")
        started = time.perf_counter()
        try:
            batch = import_run(kind=kind, path=path, original_name=path.name, by=by, dry_run=dry_run)
        except ImportNotAllowed as exc:
            raise CommandError(str(exc)) from None
        seconds = time.perf_counter() - started
        for warning in batch.warnings:
            self.stdout.write(self.style.WARNING(f"提醒：{problem_text(warning)}"))
        if batch.errors:
            for error in batch.errors:
                self.stderr.write(problem_text(error))
            unlisted = batch.errors_total - len(batch.errors)
            more = f"，另有 {unlisted:,} 处未列出" if unlisted else ""
            self.stderr.write(self.style.ERROR(
                f"共 {batch.errors_total:,} 处错误{more}，未写入任何数据（{batch.rows_total} 行，导入批次 {batch.pk}）"))
            sys.exit(1)
        for change in batch.changes if dry_run else ():
            fields = "；".join(f"{f['label']}：{f['before']} → {f['after']}" for f in change["fields"])
            self.stdout.write(f"第{change['row']}行 {fields}")
        if dry_run and batch.rows_updated > len(batch.changes):
            self.stdout.write(f"另有 {batch.rows_updated - len(batch.changes)} 行的更新未逐项列出")
        verb = "试导入通过（未写入）：将" if dry_run else "导入完成："
        self.stdout.write(self.style.SUCCESS(
            f"{verb}新增 {batch.rows_created} 行，更新 {batch.rows_updated} 行，未变化 {batch.rows_unchanged} 行"
            f"（共 {batch.rows_total} 行，{seconds:.1f} 秒，导入批次 {batch.pk}）"))
