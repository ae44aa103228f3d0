"""003_fa8d476d994e14c1.txt: 嘉兴市推进智能化改造的若干政策（2020—2021）三、1–6 — data file
data/policies/jiaxing-2020-003.yaml. Each rule is declared once, beside its function; the order of the
two smart-factory rules matters (the first that pays flags the case, and the "other" rule then stands
aside).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from lianghua.rulebook.evaluation import NotApplied, capped, fmt, pct

from .common import (
    SubsidyContext,
    SubsidyRules,
    award_by_level,
    credential_rule,
    flat_award,
    per_item,
    per_year_award,
)

DOCUMENT = "jiaxing-2020-003"
rules = SubsidyRules(DOCUMENT)
SMART = ("smart_renovation", "smart_factory")

# ── projects ──────────────────────────────────────────────────────────────────────────────────────


def _implementation_ordinal(ctx: SubsidyContext) -> tuple[int, str]:
    year = ctx.facts.get("implementation_year")
    note = ""
    if year is None:
        year = ctx.day.year
        note = "（未填实施年份，按事项日期年份）"
    return date(year, 12, 31).toordinal(), f"{year}年实施{note}"


def _year_rate(ctx: SubsidyContext, key: str) -> tuple[Decimal, str]:
    ordinal, label = _implementation_ordinal(ctx)
    try:
        return ctx.num(key, ordinal), label
    except NotApplied:
        raise NotApplied(f"{label}，003只对2020年、2021年实施的项目规定比例") from None


@rules.rule("003.smart_factory", clause="三、1", title="智能工厂/数字车间投资项目补助", matter="project", categories=["smart_factory"])
def smart_factory_2020(ctx: SubsidyContext) -> tuple[Decimal, str]:
    investment = ctx.need("investment", "投资额（含设备和信息化投资），万元")
    minimum = ctx.num("smart_factory.min_investment")
    if investment < minimum:
        raise NotApplied(f"投资额{fmt(investment)}万元，低于“{fmt(minimum)}万元以上”的门槛")
    if not ctx.flag("high_quality"):
        raise NotApplied("未认定为前瞻性、引领性等高质量项目（high_quality 不为 true）")
    if not ctx.flag("completed_within_one_year"):
        raise NotApplied("未在1年内实施完成（completed_within_one_year 不为 true）")
    rate, label = _year_rate(ctx, "smart_factory.rate_by_implementation_year")
    cap = ctx.num("smart_factory.cap")
    ctx.flags.add("smart_factory_2020")
    amount, text = capped(investment * rate, cap, f"投资额{fmt(investment)}万元×{pct(rate)}", "最高补助")
    return amount, f"智能工厂/数字车间投资项目，高质量、1年内完成，{label}：{text}"


@rules.rule("003.other_smart", clause="三、1", title="其他智能化改造投资项目补助", matter="project", categories=SMART)
def other_smart_2020(ctx: SubsidyContext) -> tuple[Decimal, str]:
    if "smart_factory_2020" in ctx.flags:
        raise NotApplied("已按智能工厂/数字车间投资项目（三、1）计算，不属“其他智能化改造投资项目”")
    investment = ctx.need("investment", "投资额，万元")
    minimum = ctx.num("other_smart.min_investment")
    if investment < minimum:
        raise NotApplied(f"投资额{fmt(investment)}万元，低于设置的最低投资额{fmt(minimum)}万元")
    rate, label = _year_rate(ctx, "other_smart.rate_by_implementation_year")
    cap = ctx.num("other_smart.cap")
    amount, text = capped(investment * rate, cap, f"投资额{fmt(investment)}万元×{pct(rate)}", "最高补助")
    return amount, f"其他智能化改造投资项目，{label}（最低投资额为设置值{fmt(minimum)}万元）：{text}"


# ── credentials ───────────────────────────────────────────────────────────────────────────────────



credential_rule(rules, "demo_industry", "三、1", "智能化改造示范行业专项激励",
                per_year_award("demo_industry.award_per_year", "demo_industry.years", "智能化改造示范行业"))
credential_rule(rules, "micro_demo_zone", "三、1", "小微企业智能化改造示范区专项激励",
                per_year_award("micro_demo_zone.award_per_year", "demo_industry.years", "小微企业智能化改造示范区"))
credential_rule(rules, "demo_enterprise", "三、1", "智能化改造示范企业奖励",
                flat_award("demo_enterprise.award", "大、中、小三类企业智能化改造示范企业"))


@rules.rule("003.service_cluster", clause="三、2", title="智能制造服务商集聚区专项激励", matter="credential", kind="service_cluster")
def service_cluster(ctx: SubsidyContext) -> tuple[Decimal, str]:
    index = int(ctx.facts.get("year_index", 1))
    table = ctx.table("service_cluster.award_by_year_index")
    if str(index) not in table:
        raise NotApplied(f"服务商集聚区专项激励连续{len(table)}年，第{index}年不再给予")
    award = table[str(index)]
    return award, f"市级智能制造服务商集聚区第{index}年专项激励{fmt(award)}万元（500万元、300万元连续2年）"


credential_rule(rules, "standard_lead", "三、3", "牵头制订智能制造标准奖励",
                award_by_level("standard_lead.award_by_level", "智能制造标准（牵头制订、排名第一）"))
credential_rule(rules, "identifier_node", "三、3", "工业互联网标识解析二级节点奖励",
                flat_award("identifier_node.award", "工业互联网标识解析二级节点"))
credential_rule(rules, "new_tech_demo", "三、3", "新技术深度应用示范企业奖励",
                flat_award("new_tech_demo.award", "新技术与智能制造深度应用示范企业"))
credential_rule(rules, "training_platform", "三、5", "智能制造实训平台奖励",
                award_by_level("training_platform.award_by_level", "智能制造实训平台"))
credential_rule(rules, "apprenticeship_pilot", "三、5", "现代学徒制试点院校奖励",
                flat_award("apprenticeship_pilot.award", "市级现代学徒制试点院校", "municipal"))
credential_rule(rules, "industrial_internet_platform", "三、6", "工业互联网平台奖励",
                award_by_level("industrial_internet_platform.award_by_level", "云平台"))

# ── services ──────────────────────────────────────────────────────────────────────────────────────

rules.add("003.diagnosis_implemented", clause="三、2", title="诊断报告落地实施补贴", matter="service",
          kind="diagnosis_implemented", compute=per_item("diagnosis_implemented.award_each", "诊断报告落地实施项目"))


@rules.rule("003.provider_revenue_award", clause="三、2", title="智能制造服务商分档奖励", matter="service", kind="provider_revenue_award")
def provider_revenue_award(ctx: SubsidyContext) -> tuple[Decimal, str]:
    revenue = ctx.need("service_revenue", "年服务营业收入，万元")
    tiers = ctx.tiers("provider_revenue_award.tiers")
    low, high = ctx.num("provider_revenue_award.min_amount"), ctx.num("provider_revenue_award.max_amount")
    if any(not low <= amount <= high for _, amount in tiers):
        raise NotApplied(f"设置的分档金额超出文件规定的{fmt(low)}～{fmt(high)}万元")
    reached = [tier for tier in tiers if revenue >= tier[0]]
    if not reached:
        raise NotApplied(f"年服务营业收入{fmt(revenue)}万元，未达最低一档（{fmt(tiers[0][0])}万元）")
    threshold, award = reached[-1]
    return award, (
        f"智能制造服务商，年服务营业收入{fmt(revenue)}万元≥{fmt(threshold)}万元档（分档为设置值）：奖励{fmt(award)}万元"
    )


@rules.rule("003.public_service_platform", clause="三、6", title="公共服务平台项目支持", matter="service", kind="public_service_platform")
def public_service_platform(ctx: SubsidyContext) -> tuple[Decimal, str]:
    investment = ctx.need("investment", "平台项目投资额，万元")
    minimum = ctx.num("public_service_platform.min_investment")
    if investment <= minimum:
        raise NotApplied(f"投资额{fmt(investment)}万元，未“超过{fmt(minimum)}万元”")
    rate = ctx.num("public_service_platform.rate")
    maximum = ctx.num("public_service_platform.max_rate")
    if rate > maximum:
        raise NotApplied(f"设置的支持比例{pct(rate)}超过文件规定的最高{pct(maximum)}")
    amount = investment * rate
    return amount, (
        f"智能制造公共服务平台项目，投资额{fmt(investment)}万元>{fmt(minimum)}万元："
        f"{fmt(investment)}×{pct(rate)}（设置值，最高{pct(maximum)}，市、区两级合计）={fmt(amount)}万元"
    )


@rules.rule("003.association_project", clause="三、6", title="行业协会等公共服务项目资助", matter="service", kind="association_project")
def association_project(ctx: SubsidyContext) -> tuple[Decimal, str]:
    approved = ctx.need("approved_amount", "评审核定的资助额，万元")
    cap = ctx.num("association_project.cap")
    amount, text = capped(approved, cap, f"核定资助{fmt(approved)}万元", "单个项目最高")
    return amount, f"行业协会、产业联盟等公共服务项目：{text}"


# ── finance ───────────────────────────────────────────────────────────────────────────────────────


@rules.rule("003.lease_risk_compensation", clause="三、4", title="融资租赁风险补偿", matter="finance", kind="lease_risk_compensation")
def lease_risk_compensation(ctx: SubsidyContext) -> tuple[Decimal, str]:
    balance = ctx.need("avg_lease_balance", "月均融资租赁余额，万元")
    rate, cap = ctx.num("lease_risk_compensation.rate"), ctx.num("lease_risk_compensation.cap_per_year")
    amount, text = capped(
        balance * rate, cap, f"月均融资租赁余额{fmt(balance)}万元×{pct(rate)}", "单户当年最高"
    )
    return amount, f"融资租赁机构风险补偿：{text}"


@rules.rule("003.lease_interest_subsidy", clause="三、4", title="融资租赁贴息", matter="finance", kind="lease_interest_subsidy")
def lease_interest_subsidy(ctx: SubsidyContext) -> tuple[Decimal, str]:
    fees = ctx.need("lease_fees", "融资租赁费用，万元")
    rate, cap = ctx.num("lease_interest_subsidy.rate"), ctx.num("lease_interest_subsidy.cap_per_set")
    amount, text = capped(fees * rate, cap, f"融资租赁费用{fmt(fees)}万元×{pct(rate)}", "单套设备最高")
    return amount, f"名单内企业融资租赁一次性贴息（按单套设备计）：{text}"
