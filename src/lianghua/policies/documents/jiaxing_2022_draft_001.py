"""001_b28e790ded4c5132.txt: 嘉兴市“两化”改造奖补政策（征求意见稿）三（一）（二）（三） — data file
data/policies/jiaxing-2022-draft-001.yaml. Each rule is declared once, beside its function."""

from __future__ import annotations

from decimal import Decimal

from lianghua.rulebook.evaluation import NotApplied, capped, fmt, pct

from ..vocabulary import GREEN_CATEGORIES, LEVEL_NAMES
from .common import SubsidyContext, SubsidyRules, award_by_level, credential_rule, flat_award, per_item

DOCUMENT = "jiaxing-2022-draft-001"
rules = SubsidyRules(DOCUMENT)
SMART = ("smart_renovation", "smart_factory")

# ── projects ──────────────────────────────────────────────────────────────────────────────────────


@rules.rule("001.digital_pure", clause="三（一）", title="纯数字化改造项目补助", matter="project", categories=["digital_pure"], stacks=True)
def digital_pure(ctx: SubsidyContext) -> tuple[Decimal, str]:
    it = ctx.need("it_investment", "信息化投入，万元")
    minimum = ctx.num("digital_pure.min_it_investment")
    if it < minimum:
        raise NotApplied(f"信息化投入{fmt(it)}万元，低于“不低于{fmt(minimum)}万元”的门槛")
    if not ctx.flag("accepted"):
        raise NotApplied("项目未经验收合格（accepted 不为 true）")
    rate, cap = ctx.num("digital_pure.rate"), ctx.num("digital_pure.cap")
    amount, text = capped(it * rate, cap, f"信息化投入{fmt(it)}万元×{pct(rate)}")
    return amount, f"纯数字化改造项目，信息化投入≥{fmt(minimum)}万元且经验收合格：{text}"


@rules.rule("001.smart_renovation", clause="三（一）", title="智能化技术改造项目分档补助", matter="project", categories=SMART, stacks=True)
def smart_renovation(ctx: SubsidyContext) -> tuple[Decimal, str]:
    productive = ctx.need("productive_investment", "生产性投入（不含土建），万元") + ctx.equipment_extra
    minimum = ctx.num("smart_renovation.min_productive_investment")
    if productive < minimum:
        raise NotApplied(
            f"生产性投入（不含土建）{fmt(productive)}万元{ctx.equipment_note}，低于“不低于{fmt(minimum)}万元”的门槛"
        )
    grade = ctx.facts.get("grade")
    if grade is None:
        raise NotApplied("缺少事实 grade（综合评价档次 A–E）")
    award = ctx.table("smart_renovation.award_by_grade")[grade]
    return award, (
        f"智能化技术改造项目，生产性投入（不含土建）{fmt(productive)}万元{ctx.equipment_note}≥{fmt(minimum)}万元，"
        f"综合评价{grade}档：补助{fmt(award)}万元"
    )


@rules.rule("001.green_project", clause="三（二）", title="绿色化改造项目补助", matter="project", categories=GREEN_CATEGORIES, stacks=True)
def green_project(ctx: SubsidyContext) -> tuple[Decimal, str]:
    equipment = ctx.need("equipment_investment", "设备投资额，万元") + ctx.equipment_extra
    minimum = ctx.num("green_project.min_equipment_investment")
    if equipment < minimum:
        raise NotApplied(
            f"设备投资额{fmt(equipment)}万元{ctx.equipment_note}，低于“不低于{fmt(minimum)}万元”的门槛"
        )
    if not ctx.flag("third_party_verified"):
        raise NotApplied("未经有资质的第三方检测机构认定（third_party_verified 不为 true）")
    categories: frozenset[str] = ctx.facts["categories"]
    met: list[str] = []
    short: list[str] = []

    def check(key: str, label: str, unit: str, param: str, scale: Decimal = Decimal(1)) -> None:
        threshold = ctx.num(param)
        value = ctx.facts.get(key)
        shown = f"{label}{'未填' if value is None else fmt(value * scale) + unit}（需≥{fmt(threshold * scale)}{unit}）"
        (met if value is not None and value >= threshold else short).append(shown)

    if "green_energy" in categories:
        check("energy_saving_tce", "年节能量", "吨标煤", "green_project.min_energy_saving_tce")
        check("co2_reduction_t", "二氧化碳年减排量", "吨", "green_project.min_co2_reduction_t")
    if "green_water" in categories:
        check("water_saving_t", "年节水量", "吨", "green_project.min_water_saving_t")
    if "green_resource" in categories:
        check(
            "waste_utilization_rate",
            "废弃物综合利用率",
            "%",
            "green_project.min_waste_utilization_rate",
            Decimal(100),
        )
    if not met:
        raise NotApplied("绿色化改造成效未达标准：" + "；".join(short))
    rate, cap = ctx.num("green_project.rate"), ctx.num("green_project.cap")
    amount, text = capped(
        equipment * rate, cap, f"设备投资额{fmt(equipment)}万元{ctx.equipment_note}×{pct(rate)}"
    )
    return amount, f"绿色化改造项目，经第三方认定{'、'.join(met)}：{text}"


# ── credentials ───────────────────────────────────────────────────────────────────────────────────



credential_rule(rules, "future_factory_demo", "三（一）", "省级未来工厂示范企业奖励",
                flat_award("future_factory_demo.award", "省级未来工厂示范企业", "provincial"))
credential_rule(rules, "future_factory_pilot", "三（一）", "省级未来工厂培育（试点）企业奖励",
                flat_award("future_factory_pilot.award", "省级未来工厂培育（试点）企业", "provincial"))
credential_rule(rules, "smart_factory_provincial", "三（一）", "省级智能工厂（数字化车间）奖励",
                flat_award("smart_factory_provincial.award", "省级智能工厂（数字化车间）", "provincial"))
credential_rule(rules, "green_factory", "三（二）", "绿色低碳工厂奖励",
                award_by_level("green_factory.award_by_level", "绿色低碳工厂"))
credential_rule(rules, "green_park", "三（二）", "绿色低碳园区奖励", award_by_level("green_park.award_by_level", "绿色低碳园区"))
credential_rule(rules, "green_supply_chain", "三（二）", "绿色供应链管理企业奖励",
                award_by_level("green_supply_chain.award_by_level", "绿色供应链管理企业"))
credential_rule(rules, "green_design_enterprise", "三（二）", "绿色设计示范企业奖励",
                award_by_level("green_design_enterprise.award_by_level", "绿色设计示范企业"))


@rules.rule("001.green_design_product", clause="三（二）", title="绿色设计产品奖励", matter="credential", kind="green_design_product")
def green_design_product(ctx: SubsidyContext) -> tuple[Decimal, str]:
    level = ctx.facts.get("level")
    if level is not None and level != "national":
        raise NotApplied(f"只奖励国家级绿色设计产品，实为{LEVEL_NAMES[level]}")
    count = int(ctx.facts.get("count", 1))
    each, cap = ctx.num("green_design_product.award_each"), ctx.num("green_design_product.cap")
    amount, text = capped(each * count, cap, f"{count}个×{fmt(each)}万元")
    return amount, f"国家级绿色设计产品：{text}"


credential_rule(rules, "water_saving_enterprise", "三（二）", "省级节水型企业奖励",
                flat_award("water_saving_enterprise.award", "省级节水型企业", "provincial"))
credential_rule(rules, "clean_production_voluntary", "三（二）", "自愿性清洁生产奖励",
                flat_award("clean_production_voluntary.award", "自愿开展清洁生产并经省审核验收合格企业"))
credential_rule(rules, "innovation_center", "三（三）", "制造业创新中心奖励",
                award_by_level("innovation_center.award_by_level", "制造业创新中心"))
credential_rule(rules, "tech_center", "三（三）", "企业技术中心奖励", award_by_level("tech_center.award_by_level", "制造业企业技术中心"))
credential_rule(rules, "first_set", "三（三）", "首台（套）奖励",
                award_by_level("first_set.award_by_level", "首台（套）装备（首批次新材料、首版次软件）"))
credential_rule(rules, "tech_innovation_project", "三（三）", "技术创新项目奖励",
                award_by_level("tech_innovation_project.award_by_level", "技术创新项目（产品）"))
credential_rule(rules, "industrial_new_product", "三（三）", "省级工业新产品奖励",
                award_by_level("industrial_new_product.award_by_level", "工业新产品"))

# ── services and finance ──────────────────────────────────────────────────────────────────────────

rules.add("001.public_service_project", clause="三（一）", title="“两化”改造公共服务项目补助", matter="service",
          kind="public_service_project",
          compute=per_item("public_service_project.award_each", "经认可的“两化”改造公共服务项目"))


@rules.rule("001.first_set_insurance", clause="三（三）", title="首台（套）保险保费补偿", matter="finance", kind="first_set_insurance")
def first_set_insurance(ctx: SubsidyContext) -> tuple[Decimal, str]:
    premium = ctx.need("premium", "年保费，万元")
    insured = ctx.need("insured_amount", "保险金额，万元")
    max_rate = ctx.num("first_set_insurance.max_premium_rate")
    rate = ctx.num("first_set_insurance.rate")
    cap = ctx.num("first_set_insurance.cap_per_set_per_year")
    counted = min(premium, insured * max_rate)
    basis = (
        f"保费{fmt(premium)}万元"
        if counted == premium
        else f"保费{fmt(premium)}万元超过费率上限，按{fmt(insured)}×{pct(max_rate)}={fmt(counted)}万元计"
    )
    amount, text = capped(counted * rate, cap, f"{fmt(counted)}×{pct(rate)}", "同一台（套）年补助上限")
    return amount, f"首台（套）装备保险补偿，{basis}：{text}"
