"""002_fcc87869217fd71d.txt: 嘉兴市推进制造业领域大规模设备更新专项行动实施方案 三、11 and 三、13 — data
file data/policies/jiaxing-2024-002.yaml. It sets no award of its own: its combination principle
(stack_capped, read from the data file) lets a project's renovation subsidies stack to a cap; it adds the
省级以上首台（套） uplift to the equipment base; and it gives the tax items (estimates, not awards).
"""

from __future__ import annotations

from typing import Any

from lianghua.rulebook.evaluation import fmt, pct, round_amount
from lianghua.rulebook.parameters import Document

from ..vocabulary import TAX_KEYS
from .common import SubsidyContext, SubsidyRules

DOCUMENT = "jiaxing-2024-002"
rules = SubsidyRules(DOCUMENT)


@rules.prepare
def first_set_uplift(ctx: SubsidyContext, document: Document) -> None:
    """三、11: 省级以上首台（套） count with an uplift in the equipment investment (from 002's start)."""
    price = ctx.facts.get("first_set_price")
    if not price:
        return
    if not document.in_force(ctx.ordinal):
        ctx.equipment_note = "（首台（套）加计须002生效，2024-04-25起，未加计）"
        return
    rate = ctx.num("first_set.equipment_uplift", document=document)
    ctx.equipment_extra = price * rate
    ctx.equipment_note = (
        f"（含省级以上首台（套）{fmt(price)}万元加计{pct(rate)}即{fmt(price * rate)}万元，002 三、11）"
    )


@rules.estimate
def tax_estimates(ctx: SubsidyContext, document: Document, warnings: list[str]) -> list[dict[str, Any]]:
    """三、13: the tax items a case's facts give (deduction amounts, not awards, not tax saved)."""
    facts = ctx.facts
    if not TAX_KEYS.intersection(facts):
        return []
    if not document.in_force(ctx.ordinal):
        warnings.append("税收估算依据002 三、13（2024-04-25起），事项日期不在其执行期内，未估算。")
        return []
    estimates: list[dict[str, Any]] = []
    doc = document
    amount = facts.get("special_equipment_amount")
    if amount is not None:
        unit_value = facts.get("special_equipment_unit_value")
        limit = ctx.num("tax.one_off_deduction_max_unit_value", document=doc)
        if unit_value is None:
            warnings.append("缺少 special_equipment_unit_value（设备单位价值），未估算一次性扣除。")
        elif unit_value <= limit:
            estimates.append(
                {
                    "item": "设备器具一次性税前扣除",
                    "document": doc.id,
                    "clause": "三、13",
                    "amount": round_amount(amount),
                    "explanation": (
                        f"节能节水、环境保护、安全生产等设备单位价值{fmt(unit_value)}万元≤{fmt(limit)}万元，"
                        f"{fmt(amount)}万元可一次性计入当期成本费用在计算应纳税所得额时扣除（为扣除额，非补助、非减税额）"
                    ),
                }
            )
        else:
            warnings.append(f"设备单位价值{fmt(unit_value)}万元超过{fmt(limit)}万元，不适用一次性扣除。")
    rd = facts.get("rd_expense")
    if rd is not None:
        key = (
            "tax.rd_super_deduction_rate_ic_machine_tool"
            if facts.get("rd_120_eligible")
            else "tax.rd_super_deduction_rate"
        )
        rate = ctx.num(key, document=doc)
        who = "集成电路、工业母机企业" if facts.get("rd_120_eligible") else "符合条件行业企业"
        estimates.append(
            {
                "item": "研发费用加计扣除",
                "document": doc.id,
                "clause": "三、13",
                "amount": round_amount(rd * rate),
                "explanation": f"{who}研发费用{fmt(rd)}万元×加计{pct(rate)}={fmt(rd * rate)}万元（应纳税所得额加计扣除额，非补助）",
            }
        )
    return estimates
