"""lianghua subsidy calc FILE.json | estimate --region CODE --year YYYY | settings | set NAME VALUE | unset NAME"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.core.text_table import text_table
from lianghua.policies.engine import evaluate_cases, to_jsonable
from lianghua.policies.estimates import budget_estimate, budget_estimate_xlsx
from lianghua.policies.rules import policy_set_current
from lianghua.policies.services import policy_setting_clear, policy_setting_set
from lianghua.policies.settings_open import open_settings, setting_value_read, setting_value_text
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve
from lianghua.rulebook.evaluation import fmt


class Command(LianghuaCommand):
    help = ("奖补测算：calc 按案例文件逐项测算并说明依据；estimate 测算某区域某年度全部项目和认定的奖补预算；"
            "settings / set / unset 查看、设置、清除文件未明确的参数（管理员）")

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
        sub.add_parser("settings", help="列出文件未明确、须由管理员设置的参数及其当前取值",
                       description="列出政策文件未明确的数值（分档、最高比例、起始日等）、出处与当前设置。")
        setter = sub.add_parser("set", help="设置一个参数：lianghua subsidy set 参数名 取值 [--note 依据]",
                                description="设置文件未明确的参数（留痕）；之后的测算结果列出所用的设置值。")
        setter.add_argument("name", help="参数名，如 jiaxing-2020-003.other_smart.min_investment（见 settings）")
        setter.add_argument("value", help="取值：数字；比例如 30%%；日期 YYYY-MM-DD；分档用“下限 奖励;下限 奖励”")
        setter.add_argument("--note", default="", help="设置依据，如会议纪要文号")
        setter.add_argument("--user", metavar="USERNAME", help="以该管理员的身份设置（默认：命令行操作员）")
        unsetter = sub.add_parser("unset", help="清除一个参数的设置", description="清除设置（留痕）；相关规则恢复为不予补助。")
        unsetter.add_argument("name", help="参数名")
        unsetter.add_argument("--user", metavar="USERNAME", help="以该管理员的身份清除（默认：命令行操作员）")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "calc":
            return self.calc(options)
        if action == "estimate":
            return self.estimate(options)
        if action == "settings":
            return self.settings_list()
        return self.settings_change(options)

    def settings_list(self) -> None:
        rows = [[s.name, s.document_title[:18], s.clause, s.value_shown,
                 s.stored.note if s.stored else ""] for s in open_settings()]
        for line in text_table(["参数", "文件", "条款", "当前取值", "依据"], rows, numeric=set()):
            self.stdout.write(line)

    def settings_change(self, options: dict[str, Any]) -> None:
        found = {s.name: s for s in open_settings()}.get(options["name"])
        if found is None:
            raise CommandError(f"未知参数“{options['name']}”（lianghua subsidy settings 列出可设置的参数）")
        by = None  # the command line's operator
        if options.get("user"):
            by = get_user_model().objects.filter(username=options["user"]).first()
            if by is None:
                raise CommandError(f"找不到用户“{options['user']}”")
        try:
            if options["action"] == "unset":
                policy_setting_clear(name=found.name, by=by)
                self.stdout.write(f"已清除：{found.name}（{found.note}）")
                return
            typed = options["value"].replace(";", "\n").replace("；", "\n")
            value = setting_value_read(found, typed)
            policy_setting_set(name=found.name, value=value, by=by, note=options["note"])
        except ValueError as exc:
            raise CommandError(f"{found.name}：{exc}") from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"已设置：{found.name} = {setting_value_text(found.form, value)}（{found.note}）")

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
            for used in result["settings_used"]:
                self.stdout.write(f"  = 设置值 {used['parameter']} = {to_jsonable(used['value'])}")
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
