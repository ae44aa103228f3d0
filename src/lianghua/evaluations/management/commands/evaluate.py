"""`lianghua evaluate mujun --region 区域 --year YYYY [--format table|json|xlsx] [-o FILE]`: a county's
亩均效益综合评价 for a year, computed live from the registry (evaluations/mujun.py): each enterprise's
group, indicator values and terms, score, rank and class (or why it is not ranked), with the parameters
used — their dates, clauses, and which are placeholders.

Exit status 2 with a Chinese message for an unknown region or a method the settings leave incomplete.
"""

import json

from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.core.text_table import text_table
from lianghua.evaluations.export import mujun_workbook, table_rows
from lianghua.evaluations.mujun import CLASSES, GROUP_LABELS, RANKED_GROUPS
from lianghua.evaluations.selectors import method_data, mujun_compute, result_data
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.rulebook.evaluation import MissingSetting


class Command(LianghuaCommand):
    help = "企业评价：lianghua evaluate mujun --region 海盐县 --year 2025 [--format table|json|xlsx] [-o 文件]"

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", metavar="评价", required=True,
                                      help="mujun 亩均效益综合评价")
        mujun = kinds.add_parser("mujun", help="亩均效益综合评价：分组、各项指标得分、综合得分、排名与档次（A/B/C/D）")
        mujun.add_argument("--region", required=True, metavar="区域", help="县（市、区）的区划代码或名称，如 330424、海盐县")
        mujun.add_argument("--year", required=True, type=int, metavar="YYYY", help="评价年度（企业年度数据的年度）")
        mujun.add_argument("--format", choices=["table", "json", "xlsx"], default="table",
                           help="输出格式：table 中文表格（默认），json，xlsx")
        mujun.add_argument("-o", "--output", metavar="FILE",
                           help="写入文件（table/json 缺省输出到屏幕；xlsx 缺省写入 亩均效益评价-区划代码-年度.xlsx）")

    def handle(self, *args, **options):
        try:
            region = region_resolve(options["region"])
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc.args[0] if exc.args else f"未知区域“{options['region']}”"),
                               returncode=2) from exc
        year = options["year"]
        try:
            evaluation = mujun_compute(region, year)
        except MissingSetting as exc:
            raise CommandError(f"评价参数“{exc.parameter.name}”尚未设置：{exc.parameter.note}", returncode=2) from exc
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        class_names = evaluation.method.class_names
        results = [result_data(r, class_names) for r in evaluation.results]
        method = method_data(evaluation, region)
        title = f"{region.name}{year}年度亩均效益综合评价"
        output = options["output"]
        if options["format"] == "xlsx":
            output = output or f"亩均效益评价-{region.code}-{year}.xlsx"
            with open(output, "wb") as handle:
                handle.write(mujun_workbook(title=title, results=results, method=method))
            self.stdout.write(f"已写入 {output}（{len(results)} 家企业）")
            return
        if options["format"] == "json":
            text = json.dumps({"region": {"code": region.code, "name": region.name}, "year": year,
                               "method": method, "enterprises": results}, ensure_ascii=False, indent=2)
        else:
            text = self._table(title, evaluation, results, method)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"已写入 {output}（{len(results)} 家企业）")
        else:
            self.stdout.write(text)

    def _table(self, title, evaluation, results, method) -> str:
        lines = [title]
        if not results:
            lines.append("该区域本年度没有企业年度数据。")
            return "\n".join(lines)
        for group in RANKED_GROUPS:
            counts = evaluation.class_counts(group)
            ranked = sum(counts.values())
            listed = len(evaluation.of_group(group)) - ranked
            lines.append(f"{GROUP_LABELS[group]}：参加排名 {ranked} 家（" +
                         "，".join(f"{k} {counts[k]}" for k in CLASSES) + "）" + (f"，数据不全不排名 {listed} 家" if listed else ""))
        for group in ("small", "exempt"):
            if evaluation.of_group(group):
                lines.append(f"{GROUP_LABELS[group]}：{len(evaluation.of_group(group))} 家（列出，不排名）")
        headers, rows = table_rows(results)
        lines += text_table(headers, rows, numeric={1, 5})
        if method["placeholders"]:
            lines.append("注意：以下参数为占位值（借用他地公开方案），须由本县（市、区）设定后结果方可作准：")
            lines += [f"  {row.get('label', row['parameter'])}：{row['placeholder']}" for row in method["parameters"] if row.get("placeholder")]
        lines.append("综合得分 = Σ 权重 × 指标值 ÷ 基准值；基准值未公布的取本组企业汇总值（Σ分子 ÷ Σ分母）。")
        return "\n".join(lines)
