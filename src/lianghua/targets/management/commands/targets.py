"""`lianghua targets check [--plan CODE] [--format table|json] [--all]`: the decomposition check.

Subcommands live under one `targets` command so later ones (list, show…) can be added beside `check`.
The check only reads; it exits 0 whatever it finds (it reports), and 2 when a plan code is unknown.
"""

import json
from decimal import Decimal

from django.core.management.base import CommandError

from lianghua.core.commands import LianghuaCommand
from lianghua.core.formatting import decimal_text, percent
from lianghua.core.text_table import text_table
from lianghua.targets.decomposition import (
    BASIS_LABELS,
    MISMATCH,
    OK,
    ROUNDING,
    STATUS_LABELS,
    UNREADABLE,
    DecompositionCheck,
)
from lianghua.targets.models import Plan
from lianghua.targets.selectors import plan_decomposition_check, plan_undecomposed

RULE = ("舍入容差 = 下级个数 × 0.5 × 10^-d，d 为下级目标公布的小数位数（取该行最多者）；"
        "整数目标视为精确，容差为 0。")


def _number(value: Decimal | None) -> str:
    """A published target or sum as exact text (the check compares published decimals)."""
    return decimal_text(value) or ""


def _percent(value: Decimal | None) -> str:
    return percent(value, 2, empty="")


def check_as_dict(check: DecompositionCheck) -> dict:
    return {
        "indicator": check.indicator,
        "indicator_name": check.extra.get("indicator_name", ""),
        "unit": check.extra.get("unit", ""),
        "year": check.year,
        "basis": check.basis,
        "region_code": check.region,
        "region_name": check.region_name,
        "target": _number(check.target) or None,
        "children_sum": _number(check.children_sum) or None,
        "difference": _number(check.difference) or None,
        "relative": _number(check.relative.quantize(Decimal("0.000001"))) if check.relative is not None else None,
        "decimals": check.decimals,
        "tolerance": _number(check.tolerance),
        "status": check.status,
        "children": [{"region_code": c.region, "region_name": c.region_name, "target": _number(c.value) or None}
                     for c in check.children],
        "missing_children": [{"region_code": code, "region_name": name} for code, name in check.missing],
    }


class Command(LianghuaCommand):
    help = "目标任务：check 检查目标分解（下级目标之和与上级目标是否一致，只报告，不修改目标）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", metavar="子命令", required=True, help="check 检查目标分解")
        check = actions.add_parser(
            "check",
            help="检查可加指标的目标分解：上级目标与直属下级目标之和比较，报告差额及其判定",
            description=("对每个方案的每个可加指标 × 年度 × 口径，比较上级区域目标与直属下级区域目标之和，"
                         "报告差额、相对差额和判定（rounding 舍入误差 / mismatch 不一致）。" + RULE
                         + "只报告，不修改任何目标；发现不一致时退出码仍为 0，方案代码不存在时为 2。"),
        )
        check.add_argument("--plan", metavar="CODE", help="方案代码（如 haiyan-2024-2026）；缺省检查全部方案")
        check.add_argument("--format", choices=["table", "json"], default="table",
                           help="输出格式：table 中文表格（默认），json 机器可读")
        check.add_argument("--all", action="store_true", help="表格中同时列出一致的分解（json 总是全部列出）")

    def handle(self, *args, **options):
        if options["action"] == "check":
            self.decomposition_check(options)

    def decomposition_check(self, options):
        plans = Plan.objects.all().order_by("code")
        if options["plan"]:
            plans = plans.filter(code=options["plan"])
            if not plans:
                known = "、".join(Plan.objects.order_by("code").values_list("code", flat=True)) or "（无，请先运行 lianghua init）"
                raise CommandError(f"未知方案“{options['plan']}”。已有方案：{known}", returncode=2)
        results = [(plan, plan_decomposition_check(plan)) for plan in plans]
        if options["format"] == "json":
            payload = [{
                "plan": plan.code,
                "plan_name": plan.name,
                "checked": len(checks),
                "counts": {s: sum(c.status == s for c in checks) for s in (OK, ROUNDING, MISMATCH, UNREADABLE)},
                "checks": [check_as_dict(c) for c in checks],
                "undecomposed": [{"indicator": t.indicator.code, "indicator_name": t.indicator.name, "year": t.year,
                                  "basis": t.basis, "target": _number(t.value) or None}
                                 for t in plan_undecomposed(plan)],
            } for plan, checks in results]
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        for index, (plan, checks) in enumerate(results):
            if index:
                self.stdout.write("")
            self.stdout.write(self.table_text(plan, checks, show_all=options["all"]))

    def table_text(self, plan, checks: list[DecompositionCheck], show_all: bool) -> str:
        counts = {s: sum(c.status == s for c in checks) for s in (OK, ROUNDING, MISMATCH, UNREADABLE)}
        lines = [
            f"方案 {plan.code}  {plan.name}",
            f"校核 {len(checks)} 组（可加指标：上级目标 vs 直属下级目标之和）：一致 {counts[OK]}，"
            f"舍入误差 {counts[ROUNDING]}，不一致 {counts[MISMATCH]}，无法校核 {counts[UNREADABLE]}。",
        ]
        undecomposed = plan_undecomposed(plan)
        if undecomposed:
            lines.append(f"未分解：{plan.region.name}的 {len(undecomposed)} 项目标没有下级区域目标（原文只给{plan.region.name}的数）。")
        shown = [c for c in checks if show_all or c.is_issue]
        if not shown:
            lines.append("未发现差异。")
            return "\n".join(lines)
        headers = ["指标", "单位", "口径", "年度", "上级区域", "上级目标", "下级合计", "差额", "相对差额", "容差",
                   "下级数", "判定", "缺少下级"]
        rows = [[
            c.extra.get("indicator_name", c.indicator), c.extra.get("unit", ""), BASIS_LABELS.get(c.basis, c.basis),
            str(c.year), c.region_name, _number(c.target) or "—", _number(c.children_sum) or "—",
            _number(c.difference) or "—", _percent(c.relative) or "—", _number(c.tolerance), str(len(c.children)),
            f"{STATUS_LABELS[c.status]} {c.status}", "、".join(name for _, name in c.missing),
        ] for c in shown]
        lines += text_table(headers, rows, numeric={3, 5, 6, 7, 8, 9, 10})
        lines.append(RULE)
        return "\n".join(lines)
