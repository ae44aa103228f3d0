"""The subsidy facts vocabulary (docs/subsidies.md): what a case says about its matter, and its
validation. Built on the rulebook's Vocabulary; the keys, kinds and values are the subsidy engine's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lianghua.rulebook.facts import FactsError, Vocabulary

MATTERS = ("project", "credential", "service", "finance")
CATEGORIES = (
    "digital_pure",
    "smart_renovation",
    "smart_factory",
    "green_energy",
    "green_water",
    "green_resource",
)
GREEN_CATEGORIES = frozenset({"green_energy", "green_water", "green_resource"})
GRADES = ("A", "B", "C", "D", "E")
CREDENTIALS = (
    "future_factory_demo",
    "future_factory_pilot",
    "smart_factory_provincial",
    "green_factory",
    "green_park",
    "green_supply_chain",
    "green_design_enterprise",
    "green_design_product",
    "water_saving_enterprise",
    "clean_production_voluntary",
    "innovation_center",
    "tech_center",
    "first_set",
    "tech_innovation_project",
    "industrial_new_product",
    "demo_industry",
    "micro_demo_zone",
    "demo_enterprise",
    "standard_lead",
    "identifier_node",
    "new_tech_demo",
    "industrial_internet_platform",
    "service_cluster",
    "training_platform",
    "apprenticeship_pilot",
)
LEVELS = (
    "international",
    "national",
    "domestic",
    "provincial",
    "municipal",
    "county",
    "industry",
    "enterprise",
    "public_service",
    "school_enterprise",
)
SERVICES = (
    "public_service_project",
    "diagnosis_implemented",
    "provider_revenue_award",
    "public_service_platform",
    "association_project",
)
FINANCES = ("first_set_insurance", "lease_risk_compensation", "lease_interest_subsidy")

LEVEL_NAMES = {
    "international": "国际",
    "national": "国家级",
    "domestic": "国内",
    "provincial": "省级",
    "municipal": "市级",
    "county": "县级",
    "industry": "行业级",
    "enterprise": "企业级",
    "public_service": "数字产业公共服务平台",
    "school_enterprise": "校企共建",
}

# The facts vocabulary: key -> kind. Kinds: "amount" (万元 or a physical quantity, ≥ 0),
# "ratio" (0–1), "bool", "int", "enum:<name>", "list:<name>".
FACT_KINDS: dict[str, str] = {
    "matter": "enum:matter",
    # project
    "categories": "list:category",
    "it_investment": "amount",
    "productive_investment": "amount",
    "equipment_investment": "amount",
    "investment": "amount",
    "first_set_price": "amount",
    "accepted": "bool",
    "grade": "enum:grade",
    "third_party_verified": "bool",
    "energy_saving_tce": "amount",
    "co2_reduction_t": "amount",
    "water_saving_t": "amount",
    "waste_utilization_rate": "ratio",
    "high_quality": "bool",
    "completed_within_one_year": "bool",
    "implementation_year": "int",
    # credential
    "credential": "enum:credential",
    "level": "enum:level",
    "count": "int",
    "year_index": "int",
    # service
    "service": "enum:service",
    "service_revenue": "amount",
    "approved_amount": "amount",
    # finance
    "finance": "enum:finance",
    "premium": "amount",
    "insured_amount": "amount",
    "avg_lease_balance": "amount",
    "lease_fees": "amount",
    # tax estimates (002 三、13), any matter
    "special_equipment_unit_value": "amount",
    "special_equipment_amount": "amount",
    "rd_expense": "amount",
    "rd_120_eligible": "bool",
}
ENUMS: dict[str, frozenset[str]] = {
    "matter": frozenset(MATTERS),
    "category": frozenset(CATEGORIES),
    "grade": frozenset(GRADES),
    "credential": frozenset(CREDENTIALS),
    "level": frozenset(LEVELS),
    "service": frozenset(SERVICES),
    "finance": frozenset(FINANCES),
}
TAX_KEYS = frozenset(
    {"special_equipment_unit_value", "special_equipment_amount", "rd_expense", "rd_120_eligible"}
)
KEYS_BY_MATTER: dict[str, frozenset[str]] = {
    "project": frozenset(
        {
            "categories",
            "it_investment",
            "productive_investment",
            "equipment_investment",
            "investment",
            "first_set_price",
            "accepted",
            "grade",
            "third_party_verified",
            "energy_saving_tce",
            "co2_reduction_t",
            "water_saving_t",
            "waste_utilization_rate",
            "high_quality",
            "completed_within_one_year",
            "implementation_year",
        }
    ),
    "credential": frozenset({"credential", "level", "count", "year_index"}),
    "service": frozenset({"service", "service_revenue", "count", "investment", "approved_amount"}),
    "finance": frozenset({"finance", "premium", "insured_amount", "avg_lease_balance", "lease_fees"}),
}
REQUIRED_BY_MATTER = {
    "project": "categories",
    "credential": "credential",
    "service": "service",
    "finance": "finance",
}
INT_BOUNDS = {"implementation_year": (1990, 2100), "count": (1, 100000), "year_index": (1, 100)}


VOCABULARY = Vocabulary(kinds=FACT_KINDS, enums=ENUMS, int_bounds=INT_BOUNDS)
_VALIDATORS = VOCABULARY.validators  # read directly in parse_case: a call fewer per fact (the hot path)


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    date: date
    facts: dict[str, Any]


CASE_FIELDS = frozenset({"id", "date", "facts"})


def parse_case(raw: Mapping[str, Any]) -> Case:
    """Validate one input case `{"id", "date", "facts"}`; raises FactsError naming the case and key."""
    case_id = str(raw.get("id", "?"))
    if not CASE_FIELDS.issuperset(raw):
        key = next(k for k in raw if k not in CASE_FIELDS)
        raise FactsError(case_id, str(key), "未知字段（案例只允许 id、date、facts）")
    if "id" not in raw:
        raise FactsError(case_id, "id", "缺少案例编号")
    when = raw.get("date")
    if type(when) is str:
        try:
            when = date.fromisoformat(when)
        except ValueError:
            raise FactsError(case_id, "date", f"日期格式应为 YYYY-MM-DD，实为 {when!r}") from None
    if not isinstance(when, date):
        raise FactsError(case_id, "date", "缺少或无效的事项日期")
    facts_in = raw.get("facts")
    if not isinstance(facts_in, Mapping):
        raise FactsError(case_id, "facts", "应为对象")
    matter = facts_in.get("matter")
    if matter not in KEYS_BY_MATTER:
        raise FactsError(case_id, "matter", f"取值 {matter!r} 无效，应为 {'/'.join(MATTERS)} 之一")
    allowed_keys = KEYS_BY_MATTER[matter]
    facts: dict[str, Any] = {"matter": matter}
    for key, value in facts_in.items():
        if key == "matter" or value is None:
            continue
        if key not in allowed_keys and key not in TAX_KEYS:
            if key not in FACT_KINDS:
                raise FactsError(case_id, str(key), "未知事实键")
            raise FactsError(case_id, key, f"该键不适用于 matter={matter}")
        facts[key] = _VALIDATORS[key](case_id, key, value)
    required = REQUIRED_BY_MATTER[matter]
    if required not in facts:
        raise FactsError(case_id, required, f"matter={matter} 时必填")
    price, equipment = facts.get("first_set_price"), facts.get("equipment_investment")
    if price is not None and equipment is not None and price > equipment:
        raise FactsError(
            case_id, "first_set_price", "首台（套）价格应包含在设备投资额内，不能大于 equipment_investment"
        )
    return Case(id=case_id, date=when, facts=facts)

