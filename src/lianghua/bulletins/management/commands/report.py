"""`lianghua report bulletin --plan CODE --region 区域 (--month YYYY-MM | --quarter YYYY-QN | --year YYYY)
-o FILE.pdf|FILE.xlsx|FILE.html`: a region's 进度通报 for a period, as the web page shows it (bulletins/compose.py).

Exit status 2 with a Chinese message for an unknown plan or region, a period outside the plan or a file
type it does not write.
"""

from pathlib import Path

from django.core.management.base import CommandError
from django.utils import timezone

from lianghua.bulletins.compose import BulletinError, bulletin_compose
from lianghua.bulletins.document import bulletin_document
from lianghua.bulletins.pdf import bulletin_pdf
from lianghua.bulletins.periods import MONTH, period_read
from lianghua.bulletins.workbook import bulletin_workbook
from lianghua.core.commands import LianghuaCommand
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.targets.models import Plan

WRITERS = {".pdf": bulletin_pdf, ".xlsx": bulletin_workbook, ".html": lambda b: bulletin_document(b).encode("utf-8")}


class Command(LianghuaCommand):
    help = "进度通报：lianghua report bulletin --plan CODE --region 区域 --month YYYY-MM -o 通报.pdf"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="子命令", required=True,
                                        help="bulletin 生成一个区域一期的进度通报；drafts 生成一个月各区域的通报草稿")
        drafts = actions.add_parser("drafts", help="生成一个月各区域的通报草稿并通知各区域经信部门（与每月自动任务相同）")
        drafts.add_argument("--month", metavar="YYYY-MM", help="月份，默认为已过填报截止日的上个月")
        drafts.add_argument("--region", metavar="区域", help="只生成该区域及其下级的草稿，默认全部")
        bulletin = actions.add_parser("bulletin", help="生成进度通报（赛马排名、目标完成、填报情况、超期项目）")
        bulletin.add_argument("--plan", required=True, metavar="CODE", help="方案代码，如 haiyan-2024-2026")
        bulletin.add_argument("--region", required=True, metavar="区域", help="区划代码或名称，如 330424、海盐县")
        period = bulletin.add_mutually_exclusive_group(required=True)
        period.add_argument("--month", metavar="YYYY-MM", help="月度通报，如 2026-11")
        period.add_argument("--quarter", metavar="YYYY-QN", help="季度通报，如 2026-Q3")
        period.add_argument("--year", metavar="YYYY", help="年度通报，如 2026")
        bulletin.add_argument("-o", "--output", required=True, metavar="FILE",
                              help="写入的文件：.pdf（A4 打印版）、.xlsx（Excel，每部分一个工作表）或 .html（网页）")

    def handle(self, *args, **options):
        if options["action"] == "drafts":
            return self._drafts(options)
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            known = "、".join(Plan.objects.order_by("code").values_list("code", flat=True)) or "（无，请先运行 lianghua init）"
            raise CommandError(f"未知方案“{options['plan']}”。已有方案：{known}", returncode=2)
        try:
            region = region_resolve(options["region"])
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc.args[0] if exc.args else f"未知区域“{options['region']}”"),
                               returncode=2) from exc
        try:
            period = period_read(options["month"] or options["quarter"] or options["year"])
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        output = Path(options["output"])
        writer = WRITERS.get(output.suffix.lower())
        if writer is None:
            raise CommandError(f"不支持的文件类型“{output.suffix or output.name}”，请用 .pdf、.xlsx 或 .html", returncode=2)
        try:
            bulletin = bulletin_compose(user=None, plan=plan, region=region, period=period)
        except BulletinError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(writer(bulletin))
        self.stdout.write(f"已写入 {output}：{bulletin.title}（截至{bulletin.as_of:%Y-%m-%d}）")
        self.stdout.write(bulletin.summary)

    def _drafts(self, options):
        from lianghua.bulletins.jobs import draft_run_execute, month_due
        from lianghua.bulletins.models import DraftRun
        from lianghua.regions.selectors import home_region

        if options["month"]:
            try:
                period = period_read(options["month"])
            except ValueError as exc:
                raise CommandError(str(exc), returncode=2) from exc
            if period.kind != MONTH:
                raise CommandError("--month 请写月份，如 2026-11", returncode=2)
            month = period.last_month
        else:
            month = month_due(timezone.localdate())
            if month is None:
                raise CommandError("上个月的填报截止日还没过；要提前生成请用 --month 指定月份", returncode=2)
        try:
            region = region_resolve(options["region"]) if options["region"] else home_region()
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc.args[0] if exc.args else f"未知区域“{options['region']}”"), returncode=2) from exc
        if region is None:
            raise CommandError("没有区域，请先运行 lianghua init", returncode=2)
        run = draft_run_execute(DraftRun.objects.create(month=month, region=region))
        self.stdout.write(f"{region.name}{month:%Y年%-m月}通报草稿：{run.message}")
