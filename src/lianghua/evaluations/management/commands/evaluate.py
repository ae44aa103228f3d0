"""`lianghua evaluate mujun|carbon --region 区域 --year YYYY [--format table|json|xlsx] [-o FILE]`, computed live
from the registry: a county's 亩均效益综合评价 (evaluations/mujun.py: each enterprise's group, indicator values
and terms, score, rank and class, or why it is not ranked) or a region's 工业碳效码 (evaluations/carbon.py:
each 规上 enterprise's CO2 and where it comes from, L, the industry's L, K, grade and band), with the
parameters used — their dates, clauses, and which are placeholders.

Exit status 2 with a Chinese message for an unknown region or a method the settings leave incomplete.
"""

import json

from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.core.formatting import number
from lianghua.core.text_table import text_table
from lianghua.evaluations.carbon import GRADES
from lianghua.evaluations.export import (
    CARBON_HEADERS,
    carbon_rows,
    carbon_workbook,
    mujun_workbook,
    table_rows,
)
from lianghua.evaluations.mujun import CLASSES, GROUP_LABELS, RANKED_GROUPS
from lianghua.evaluations.selectors import (
    carbon_compute,
    carbon_method_data,
    carbon_result_data,
    method_data,
    mujun_compute,
    result_data,
)
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.rulebook.evaluation import MissingSetting


class Command(LianghuaCommand):
    help = "企业评价：lianghua evaluate mujun|carbon --region 海盐县 --year 2025 [--format table|json|xlsx] [-o 文件]"

    def add_arguments(self, parser):
        kinds = parser.add_subparsers(dest="kind", metavar="评价", required=True,
                                      help="mujun 亩均效益综合评价；carbon 工业碳效码")
        for kind, text, file_name in (
                ("mujun", "亩均效益综合评价：分组、各项指标得分、综合得分、排名与档次（A/B/C/D）", "亩均效益评价"),
                ("carbon", "工业碳效码：规上企业的二氧化碳排放、单位增加值碳排放L、行业平均、碳效值K、碳效等级（1—5级）与碳效水平",
                 "工业碳效评价")):
            sub = kinds.add_parser(kind, help=text)
            sub.add_argument("--region", required=True, metavar="区域", help="区划代码或名称，如 330424、海盐县")
            sub.add_argument("--year", required=True, type=int, metavar="YYYY", help="评价年度（企业年度数据的年度）")
            sub.add_argument("--format", choices=["table", "json", "xlsx"], default="table",
                             help="输出格式：table 中文表格（默认），json，xlsx")
            sub.add_argument("-o", "--output", metavar="FILE",
                             help=f"写入文件（table/json 缺省输出到屏幕；xlsx 缺省写入 {file_name}-区划代码-年度.xlsx）")

    def handle(self, *args, **options):
        try:
            region = region_resolve(options["region"])
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc.args[0] if exc.args else f"未知区域“{options['region']}”"),
                               returncode=2) from exc
        year = options["year"]
        carbon = options["kind"] == "carbon"
        try:
            evaluation = (carbon_compute if carbon else mujun_compute)(region, year)
        except MissingSetting as exc:
            raise CommandError(f"评价参数“{exc.parameter.name}”尚未设置：{exc.parameter.note}", returncode=2) from exc
        except ValueError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        if carbon:
            results = [carbon_result_data(r) for r in evaluation.results]
            method = carbon_method_data(evaluation, region)
            title, file_name, who, workbook = f"{region.name}{year}年度工业碳效评价", "工业碳效评价", "家规上企业", carbon_workbook
        else:
            results = [result_data(r, evaluation.method.class_names) for r in evaluation.results]
            method = method_data(evaluation, region)
            title, file_name, who, workbook = f"{region.name}{year}年度亩均效益综合评价", "亩均效益评价", "家企业", mujun_workbook
        output = options["output"]
        if options["format"] == "xlsx":
            output = output or f"{file_name}-{region.code}-{year}.xlsx"
            with open(output, "wb") as handle:
                handle.write(workbook(title=title, results=results, method=method))
            self.stdout.write(f"已写入 {output}（{len(results)} {who}）")
            return
        if options["format"] == "json":
            text = json.dumps({"region": {"code": region.code, "name": region.name}, "year": year,
                               "method": method, "enterprises": results}, ensure_ascii=False, indent=2)
        else:
            text = (self._carbon_table if carbon else self._table)(title, evaluation, results, method)
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text + "\n")
            self.stdout.write(f"已写入 {output}（{len(results)} {who}）")
        else:
            self.stdout.write(text)

    def _carbon_table(self, title, evaluation, results, method) -> str:
        counts = evaluation.grade_counts()
        lines = [title, "碳效等级：" + "，".join(f"{g}级 {counts[g]}" for g in GRADES)
                 + f"；未评级 {sum(1 for r in results if r['grade'] is None)} 家"]
        lines += text_table(CARBON_HEADERS, [[("" if v is None else number(v, 4) if isinstance(v, float) else str(v))
                                              for v in row] for row in carbon_rows(results)], numeric={7, 9, 10, 11})
        lines += _placeholder_lines(method)
        lines.append("L = 二氧化碳排放 ÷ 工业增加值（吨/万元）；行业平均 L = 本区域同一行业大类的 Σ排放 ÷ Σ增加值；K = L ÷ 行业平均 L。")
        return "\n".join(lines)

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
        lines += _placeholder_lines(method)
        lines.append("综合得分 = Σ 权重 × 指标值 ÷ 基准值；基准值未公布的取本组企业汇总值（Σ分子 ÷ Σ分母）。")
        return "\n".join(lines)


def _placeholder_lines(method) -> list[str]:
    placeholders = [row for row in method["parameters"] if row.get("placeholder")]
    if not placeholders:
        return []
    return ["注意：以下参数为占位值（借用他地公开方案或待核对），须由本县（市、区）设定或核对后结果方可作准：",
            *(f"  {row.get('label', row['parameter'])}：{row['placeholder']}" for row in placeholders)]
