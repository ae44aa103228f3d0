"""From the registry to the engine's facts vocabulary (docs/subsidies.md).

What the registry does not hold (the 综合评价 grade, 首台（套） price, 003's "high quality" finding,
waste utilisation) comes from the claim's `extra_facts`, which override the derived values.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lianghua.rulebook.evaluation import fmt

from .vocabulary import FACT_KINDS

# Project subtypes are free text in imports; these words decide the engine category.
DIGITAL_SUBTYPE_WORDS = (
    ("纯数字化", "digital_pure"),
    ("信息化", "digital_pure"),
    ("智能工厂", "smart_factory"),
    ("数字化车间", "smart_factory"),
    ("数字车间", "smart_factory"),
)
GREEN_SUBTYPE_WORDS = (
    ("节水", "green_water"),
    ("资源综合利用", "green_resource"),
    ("综合利用", "green_resource"),
    ("固废", "green_resource"),
)
ENGINE_CATEGORIES = {
    "digital_pure",
    "smart_renovation",
    "smart_factory",
    "green_energy",
    "green_water",
    "green_resource",
}

# Registry credential kinds (data/reference/credential_kinds.csv) → engine credentials. Kinds without an
# award in the seeds are absent; `clean_production` is absent on purpose: 001 rewards only the
# voluntary audit, which the registry does not distinguish (claim it with extra_facts.credential).
CREDENTIAL_KIND_TO_ENGINE = {
    "future_factory": "future_factory_demo",
    "future_factory_pilot": "future_factory_pilot",
    "smart_factory": "smart_factory_provincial",
    "digital_workshop": "smart_factory_provincial",
    "green_factory": "green_factory",
    "green_park": "green_park",
    "green_supply_chain": "green_supply_chain",
    "water_saving": "water_saving_enterprise",
    "tech_center": "tech_center",
    "first_set": "first_set",
}


def project_categories(category: str, subtype: str) -> list[str]:
    subtype = subtype or ""
    if subtype in ENGINE_CATEGORIES:
        return [subtype]
    words = DIGITAL_SUBTYPE_WORDS if category == "digital" else GREEN_SUBTYPE_WORDS
    for word, engine_category in words:
        if word in subtype:
            return [engine_category]
    return ["smart_renovation" if category == "digital" else "green_energy"]


def project_matter_date(project: Any) -> dt.date | None:
    """The date a project's claim is judged on: acceptance, else completion, else planned completion."""
    return project.accepted_on or project.actual_end or project.planned_end


def project_facts(project: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    facts: dict[str, Any] = {
        "matter": "project",
        "categories": project_categories(project.category, project.subtype),
    }

    def put(key: str, value: Decimal | None) -> None:
        if value is not None:
            facts[key] = value

    put("it_investment", project.it_investment_wan)
    put("equipment_investment", project.equipment_investment_wan)
    put("investment", project.total_investment_wan)
    if project.total_investment_wan is not None:
        productive = project.total_investment_wan - (project.civil_investment_wan or Decimal(0))
        facts["productive_investment"] = max(productive, Decimal(0))
    facts["accepted"] = project.accepted_on is not None or project.stage in ("accepted", "evaluated")
    facts["third_party_verified"] = bool(project.energy_saving_verified)
    put("energy_saving_tce", project.energy_saved_tce)
    put("co2_reduction_t", project.co2_cut_t)
    put("water_saving_t", project.water_saved_t)
    if project.actual_start:
        facts["implementation_year"] = project.actual_start.year
        if project.actual_end:
            # "在1年内实施完成" read as: finished no later than one year after the actual start.
            one_year_on = _add_one_year(project.actual_start)
            facts["completed_within_one_year"] = project.actual_end <= one_year_on
    facts.update(extra or {})
    return facts


def _add_one_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def credential_facts(credential: Any, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    facts: dict[str, Any] = {"matter": "credential"}
    engine_kind = CREDENTIAL_KIND_TO_ENGINE.get(credential.kind.code)
    if engine_kind:
        facts["credential"] = engine_kind
        level = credential.level
        if engine_kind == "first_set" and level == "national":
            level = "domestic"  # 001 三（三）grades 首台（套） 国际/国内/省内/市内
        facts["level"] = level
    facts.update(extra or {})
    return facts


def facts_jsonable(facts: dict[str, Any]) -> dict[str, Any]:
    """Facts as stored in JSON: Decimals as numbers-in-text keep their exact digits."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, Decimal):
            out[key] = fmt(value)
        elif isinstance(value, frozenset | set):
            out[key] = sorted(value)
        else:
            out[key] = value
    return out


def facts_from_json(facts: dict[str, Any]) -> dict[str, Any]:
    """Inverse of facts_jsonable for amounts stored as text."""
    out: dict[str, Any] = {}
    for key, value in facts.items():
        if FACT_KINDS.get(key) in ("amount", "ratio") and isinstance(value, str):
            try:
                out[key] = Decimal(value)
                continue
            except ArithmeticError:
                pass
        out[key] = value
    return out
