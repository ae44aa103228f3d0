from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.imports.kinds import import_kinds
from lianghua.imports.services import import_template_write


class Command(LianghuaCommand):
    help = "生成导入模板（.xlsx：表头、下拉选项和“填写说明”页）。类型：" + "、".join(
        f"{code}（{kind.name}）" for code, kind in import_kinds().items())

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(import_kinds()), metavar="KIND", help="导入类型：" + "、".join(import_kinds()))
        parser.add_argument("-o", "--output", metavar="FILE.xlsx", help="输出文件（默认 导入模板-KIND.xlsx）")

    def handle(self, *args, kind, output=None, **options):
        path = output or f"导入模板-{kind}.xlsx"
        if not str(path).lower().endswith(".xlsx"):
            raise CommandError("模板文件应以 .xlsx 结尾")
        written = import_template_write(kind=kind, path=path)
        self.stdout.write(self.style.SUCCESS(f"已生成{import_kinds()[kind].name}导入模板：{written}"))
