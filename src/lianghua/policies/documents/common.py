"""What the subsidy documents' rules share: their context, and the rule functions several rules are
built from (a flat award, an award by level, per item, per year)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, cast

from lianghua.rulebook.evaluation import Context, NotApplied, RuleFn, RuleSet, capped, fmt, pct

from ..vocabulary import LEVEL_NAMES

__all__ = ["Context", "NotApplied", "RuleSet", "SubsidyContext", "SubsidyRules", "capped", "credential_rule", "fmt",
           "pct"]


class SubsidyContext(Context):
    """A subsidy case's context: also the equipment base a document adds to (002's 首台（套） uplift)."""

    __slots__ = ("equipment_extra", "equipment_note")

    def __init__(self, facts: dict[str, Any], day: date) -> None:
        super().__init__(facts, day)
        self.equipment_extra = Decimal(0)
        self.equipment_note = ""


SubsidyRules = RuleSet[SubsidyContext]
SubsidyRule = RuleFn[SubsidyContext]


def credential_rule(rules: SubsidyRules, kind: str, clause: str, title: str, compute: SubsidyRule) -> None:
    """A rule for holders of a credential kind, id "<document number>.<kind>" (001.tech_center)."""
    number = rules.document.rsplit("-", 1)[-1]
    rules.add(f"{number}.{kind}", clause=clause, title=title, matter="credential", kind=kind, compute=compute)


def credential_level(ctx: SubsidyContext) -> str:
    level = ctx.facts.get("level")
    if level is None:
        raise NotApplied("缺少事实 level（认定级别）")
    return cast(str, level)


def count_warning(ctx: SubsidyContext) -> None:
    if ctx.facts.get("count", 1) != 1:
        ctx.flags.add("count_ignored")


def flat_award(param: str, title: str, required_level: str | None = None) -> SubsidyRule:
    def compute(ctx: SubsidyContext) -> tuple[Decimal, str]:
        level = ctx.facts.get("level")
        if required_level and level is not None and level != required_level:
            raise NotApplied(f"该奖励只针对{LEVEL_NAMES[required_level]}认定，实为{LEVEL_NAMES[level]}")
        count_warning(ctx)
        award = ctx.num(param)
        return award, f"经认定的{title}：奖励{fmt(award)}万元"

    return compute


def award_by_level(param: str, title: str) -> SubsidyRule:
    def compute(ctx: SubsidyContext) -> tuple[Decimal, str]:
        level = credential_level(ctx)
        table = ctx.table(param)
        if level not in table:
            offered = "、".join(LEVEL_NAMES[k] for k in table)
            raise NotApplied(f"{LEVEL_NAMES[level]}{title}不在奖励范围（仅{offered}）")
        count_warning(ctx)
        award = table[level]
        return award, f"经认定的{LEVEL_NAMES[level]}{title}：奖励{fmt(award)}万元"

    return compute


def per_year_award(param: str, years_param: str | None, title: str) -> SubsidyRule:
    def compute(ctx: SubsidyContext) -> tuple[Decimal, str]:
        index = int(ctx.facts.get("year_index", 1))
        award = ctx.num(param)
        years = ctx.num(years_param) if years_param else Decimal(2)
        if index > years:
            raise NotApplied(f"{title}专项激励连续{fmt(years)}年，第{index}年不再给予")
        return award, f"{title}（竞争性分配）第{index}年专项激励{fmt(award)}万元（连续{fmt(years)}年）"

    return compute


def per_item(param: str, title: str) -> SubsidyRule:
    def compute(ctx: SubsidyContext) -> tuple[Decimal, str]:
        count = int(ctx.facts.get("count", 1))
        each = ctx.num(param)
        return each * count, f"{title}：{count}个×{fmt(each)}万元={fmt(each * count)}万元"

    return compute
