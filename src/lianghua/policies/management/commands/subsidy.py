"""lianghua subsidy calc FILE.json | estimate --region CODE --year YYYY"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.policies.engine import evaluate_cases, to_jsonable
from lianghua.policies.estimates import budget_estimate, budget_estimate_xlsx
from lianghua.policies.rules import policy_set_current
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.rulebook.evaluation import fmt


class Command(LianghuaCommand):
    help = "奖补测算：calc 按案例文件逐项测算并说明依据；estimate 测算某区域某年度全部项目和认定的奖补预算"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, title="子命令", help="calc 按案例测算；estimate 按区域年度估算")
        calc = sub.add_parser(
            "calc",
            help='按 JSON 文件测算：{"cases": [{"id", "date", "facts"}]}，金额单位万元',
            description="逐个案例测算奖补金额，给出规则、文件条款、说明、未适用原因和提示。",
        )
        calc.add_argument("file", help="案例文件（JSON），“-”表示标准输入")
        calc.add_argument(
            "--format", choices=["json", "table"], default="json", help="输出格式：json（默认）或 table 表格"
        )
        estimate = sub.add_parser(
            "estimate",
            help="测算某区域某年度全部项目和认定可获奖补（按规则和镇汇总）",
            description="按登记数据测算区域内当年验收（或竣工）项目和当年认定可获奖补，按规则和镇（街道）汇总。",
        )
        estimate.add_argument("--region", required=True, help="区域代码或名称，如 330424 或 海盐县")
        estimate.add_argument("--year", required=True, type=int, help="年度，如 2024")
        estimate.add_argument(
            "--format", choices=["json", "xlsx"], default="json", help="输出格式：json（默认）或 xlsx"
        )
        estimate.add_argument("-o", "--output", help="输出文件；xlsx 必填，json 缺省输出到屏幕")

    def handle(self, *args, **options):
        if options["action"] == "calc":
            return self.calc(options)
        return self.estimate(options)

    def calc(self, options: dict[str, Any]) -> None:
        path = options["file"]
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
            data = json.loads(text, parse_float=Decimal)
        except FileNotFoundError as exc:
            raise CommandError(f"找不到文件 {path}") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列 {exc.msg}") from exc
        cases = data.get("cases") if isinstance(data, dict) else None
        if not isinstance(cases, list):
            raise CommandError('文件须为 {"cases": [...]}')
        batch = evaluate_cases(policy_set_current(), cases)
        if batch.errors:
            for error in batch.errors:
                self.stderr.write(f"错误：{error}")
            raise CommandError(f"{len(batch.errors)} 个案例数据有误，全部未输出；请修正后重试")
        if options["format"] == "json":
            payload = {"rule_version": batch.rule_version, "results": to_jsonable(batch.results)}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for result in batch.results:
            self.stdout.write(f"案例 {result['id']}（{result['date']}）合计 {fmt(result['total'])} 万元")
            for award in result["awards"]:
                self.stdout.write(
                    f"  + {award['rule']:<34} {fmt(award['amount']):>12} 万元  "
                    f"[{award['document']} {award['clause']}] {award['explanation']}"
                )
            for item in result["not_applied"]:
                self.stdout.write(f"  - {item['rule']:<34} 未适用：{item['reason']}")
            for warning in result["warnings"]:
                self.stdout.write(f"  ! {warning}")
            for assumption in result["assumptions"]:
                self.stdout.write(f"  ? {assumption}")
            for tax in result["tax_estimates"]:
                self.stdout.write(
                    f"  * 税收估算（不计入合计）{tax['item']} {fmt(tax['amount'])} 万元：{tax['explanation']}"
                )
        self.stdout.write(f"规则版本 {batch.rule_version}；金额单位万元，每项一次性四舍五入到元。")

    def estimate(self, options: dict[str, Any]) -> None:
        try:
            region = region_resolve(options["region"])
        except Region.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        estimate = budget_estimate(region=region, year=options["year"])
        output = options.get("output")
        if options["format"] == "xlsx":
            if not output:
                raise CommandError("xlsx 格式须用 -o 指定输出文件")
            Path(output).write_bytes(budget_estimate_xlsx(estimate))
            self.stdout.write(
                f"已写入 {output}：{len(estimate.details)} 个事项，合计 {fmt(estimate.total)} 万元"
            )
            return
        text = json.dumps(estimate.as_json(), ensure_ascii=False, indent=2)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"已写入 {output}")
        else:
            self.stdout.write(text)
