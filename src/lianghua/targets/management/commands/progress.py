"""`lianghua progress --plan CODE --region CODE_OR_NAME --year YYYY [--as-of YYYY-MM-DD] [--children]
[--format table|json|xlsx] [-o FILE]`: targets vs actuals, computed live (targets/progress.py).

Exit status 2 with a Chinese message for an unknown plan or region, a year outside the plan or a bad
date. xlsx without -o writes 目标完成情况-PLAN-REGION-YEAR.xlsx in the current directory.
"""

import datetime as dt
import json

from django.core.management.base import CommandError
from django.utils import timezone

from lianghua.core.commands import LianghuaCommand
from lianghua.core.formatting import percent, quantity, signed_percent
from lianghua.core.text_table import text_table
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.targets.models import Plan
from lianghua.targets.progress import TargetProgress, progress_compute

BASIS_LABELS = {"annual": "年度", "cumulative": "累计"}
SOURCE_LABELS = {"computed": "计算", "reported": "填报", "rollup": "下级汇总", "none": "—"}
COMPARATOR_SIGNS = {"gte": "≥", "lte": "≤", "eq": "="}
# (key in TargetProgress.as_dict(), Chinese header) for table and xlsx.
COLUMNS = [
    ("region_name", "区域"), ("indicator_name", "指标"), ("unit", "单位"), ("basis", "口径"), ("year", "年度"),
    ("target", "目标"), ("actual", "实际"), ("completion", "完成率"), ("time_progress", "时间进度"),
    ("status_label", "状态"), ("rank", "排名"), ("data_year", "数据年度"), ("actual_source", "来源"),
]


def target_text(row: TargetProgress) -> str:
    """"≥4,000", "较2021年≥+8.0%", "未分解（嘉兴市≥4,000）", "无法识别"."""
    sign = COMPARATOR_SIGNS.get(row.comparator, "")
    if row.status == "undecomposed":
        figure = (signed_percent(row.reference_target) if row.measure == "change"
                  else quantity(row.reference_target, row.unit))
        return f"未分解（{row.reference_region_name}{sign}{figure}）"
    if row.target is None:
        return "无法识别"
    if row.measure == "change":
        return f"较{row.base_year}年{sign}{signed_percent(row.target)}"
    text = sign + quantity(row.target, row.unit)
    if row.stretch is not None:
        text += f"（力争{quantity(row.stretch, row.unit)}）"
    return text


def actual_text(row: TargetProgress) -> str:
    """The actual; a change target's with its base and change: "41.77（2020年 无基数）"."""
    text = quantity(row.actual, row.unit)
    if row.measure == "change":
        base = "无基数" if row.base_actual is None else quantity(row.base_actual, row.unit)
        text += f"（{row.base_year}年 {base}，变化 {signed_percent(row.change)}）"
    return text


def row_cells(row: TargetProgress) -> list[str]:
    return [
        row.region_name, row.indicator_name, row.unit, BASIS_LABELS.get(row.basis, row.basis), str(row.year),
        target_text(row), actual_text(row), percent(row.completion),
        "不适用" if row.is_stock or row.measure == "change" else percent(row.time_progress), row.status_label,
        "" if row.rank is None else str(row.rank), "" if row.data_year is None else str(row.data_year),
        SOURCE_LABELS.get(row.actual_source, row.actual_source),
    ]


class Command(LianghuaCommand):
    help = "计算目标完成情况：每项目标的实际值、完成率、时间进度与状态（已完成/正常/滞后/严重滞后/无数据）"

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, metavar="CODE", help="方案代码，如 haiyan-2024-2026")
        parser.add_argument("--region", required=True, metavar="区域",
                            help="区划代码或名称/简称/别名，如 330424、海盐县、百步镇、武原、开发区")
        parser.add_argument("--year", required=True, type=int, metavar="YYYY", help="目标年度")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD", help="截至日期（默认今天）")
        parser.add_argument("--children", action="store_true",
                            help="同时计算直属下级区域（市、县、镇、街道）并排名；上级目标未分解时列出各下级的实际值")
        parser.add_argument("--format", choices=["table", "json", "xlsx"], default="table",
                            help="输出格式：table 中文表格（默认），json，xlsx")
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="写入文件（json/table 缺省输出到屏幕；xlsx 缺省写入当前目录的 目标完成情况-方案-区划代码-年度.xlsx）")

    def handle(self, *args, **options):
        plan = Plan.objects.filter(code=options["plan"]).first()
        if plan is None:
            known = "、".join(Plan.objects.order_by("code").values_list("code", flat=True)) or "（无，请先运行 lianghua init）"
            raise CommandError(f"未知方案“{options['plan']}”。已有方案：{known}", returncode=2)
        try:
            region = region_resolve(options["region"])
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc.args[0] if exc.args else f"未知区域“{options['region']}”"),
                               returncode=2) from exc
        year = options["year"]
        if not plan.start_year <= year <= plan.end_year:
            raise CommandError(f"年度 {year} 不在方案 {plan.code} 的期限 {plan.start_year}—{plan.end_year} 内",
                               returncode=2)
        try:
            as_of = dt.date.fromisoformat(options["as_of"]) if options["as_of"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"截至日期“{options['as_of']}”格式应为 YYYY-MM-DD", returncode=2) from exc
        if options["format"] == "xlsx" and not options["output"]:
            options["output"] = f"目标完成情况-{plan.code}-{region.code}-{year}.xlsx"

        rows = progress_compute(plan=plan, region=region, year=year, as_of=as_of, children=options["children"],
                                undecomposed=True)
        if options["format"] == "xlsx":
            self.write_xlsx(rows, options["output"], plan, region, year, as_of)
            self.stdout.write(f"已写入 {options['output']}（{len(rows)} 行）")
            return
        if options["format"] == "json":
            text = json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2)
        else:
            text = self.table_text(rows, plan, region, year, as_of)
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"已写入 {options['output']}（{len(rows)} 行）")
        else:
            self.stdout.write(text)

    def table_text(self, rows, plan, region, year, as_of) -> str:
        lines = [f"方案 {plan.code}  {plan.name}", f"区域 {region.name}（{region.code}）  年度 {year}  截至 {as_of}"]
        if plan.status == Plan.Status.DRAFT:
            lines.append(f"注意：本方案为{plan.get_status_display()}，目标以正式印发文件为准。")
        if plan.assumptions:
            lines.append(f"载入时的推定：{plan.assumptions}")
        if not rows:
            lines.append("该区域在此方案、年度下没有目标。")
            return "\n".join(lines)
        counts = {}
        for row in rows:
            counts[row.status_label] = counts.get(row.status_label, 0) + 1
        lines.append("状态：" + "，".join(f"{label} {n}" for label, n in counts.items()))
        lines += text_table([h for _, h in COLUMNS], [row_cells(r) for r in rows], numeric={4, 6, 7, 8, 10, 11})
        notes = [f"  {r.region_name} {r.indicator_name}（{BASIS_LABELS.get(r.basis)}）：{r.note}"
                 for r in rows if r.target is None and r.note]
        if notes:
            lines += ["目标无法识别的说明：", *notes]
        parts = [f"  {r.region_name} {r.indicator_name}：{r.parts_summary}" for r in rows if r.actual_source == "rollup"]
        if parts:
            lines += ["下级汇总的数据来源：", *parts]
        lines.append("完成率 = 实际 ÷ 目标（增幅目标：变化 ÷ 目标变化）；时间进度 = 窗口内已过天数（含截至日）÷ 窗口总天数；"
                     "存量指标（覆盖率、亩均、劳动生产率、持有认定数）不看时间进度，直接与目标比较。")
        return "\n".join(lines)

    def write_xlsx(self, rows, path, plan, region, year, as_of) -> None:
        import xlsxwriter

        book = xlsxwriter.Workbook(path)
        sheet = book.add_worksheet("目标完成情况")
        bold = book.add_format({"bold": True})
        percent_format = book.add_format({"num_format": "0.0%"})
        sheet.write(0, 0, f"{plan.name}  {region.name}  {year}年  截至{as_of}", bold)
        headers = [h for _, h in COLUMNS] + ["备注"]
        sheet.write_row(2, 0, headers, bold)
        for index, row in enumerate(rows, start=3):
            data = row.as_dict()
            figures = {"target": row.target, "actual": row.actual, "completion": row.completion,
                       "time_progress": None if row.is_stock else row.time_progress}
            for col, (key, _) in enumerate(COLUMNS):
                value = data[key]
                if key == "basis":
                    value = BASIS_LABELS.get(value, value)
                elif key == "actual_source":
                    value = SOURCE_LABELS.get(value, value)
                elif key == "time_progress" and row.is_stock:
                    value = "不适用"
                if key in figures and figures[key] is not None:  # numeric cells, not text
                    sheet.write_number(index, col, float(figures[key]),
                                       percent_format if key in ("completion", "time_progress") else None)
                elif value is None:
                    sheet.write_blank(index, col, None)
                else:
                    sheet.write(index, col, value)
            sheet.write(index, len(COLUMNS), row.note)
        sheet.set_column(0, 1, 22)
        sheet.set_column(2, len(COLUMNS), 10)
        book.close()
