"""The calculator's form, described once over the engine's facts vocabulary.

The keys, their kinds and which matter each belongs to come from `vocabulary.FACT_KINDS`, `vocabulary.ENUMS`
and `vocabulary.KEYS_BY_MATTER`; this module adds only what a form needs on top: Chinese labels, units,
the scale of a percentage input, and Chinese names of enum values the engine names only in rule titles.
`tests/policies/test_calculator_form.py` checks that every engine key and value has a label here and
that nothing here is unknown to the engine.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from lianghua.rulebook.evaluation import fmt

from .engine import ALL_RULES
from .vocabulary import (
    ENUMS,
    FACT_KINDS,
    GRADES,
    KEYS_BY_MATTER,
    LEVEL_NAMES,
    LEVELS,
    MATTERS,
    REQUIRED_BY_MATTER,
    TAX_KEYS,
)

MATTER_NAMES = {"project": "项目", "credential": "认定荣誉", "service": "服务", "finance": "金融"}
CATEGORY_NAMES = {
    "digital_pure": "纯数字化项目",
    "smart_renovation": "智能化改造项目",
    "smart_factory": "智能工厂/数字化车间项目",
    "green_energy": "绿色节能",
    "green_water": "绿色节水",
    "green_resource": "资源综合利用",
}

# key -> (label, unit); unit "%" means the officer types a percentage and the engine gets a 0–1 ratio.
FACT_LABELS: dict[str, tuple[str, str]] = {
    "matter": ("事项类型", ""),
    "categories": ("项目类别", ""),
    "it_investment": ("信息化投入", "万元"),
    "productive_investment": ("生产性投入（不含土建）", "万元"),
    "equipment_investment": ("设备（实际）投资额", "万元"),
    "investment": ("投资额（项目：含设备、信息化；服务：平台投资）", "万元"),
    "first_set_price": ("其中省级以上首台（套）价格或租赁费", "万元"),
    "accepted": ("经验收合格", ""),
    "grade": ("综合评价档次", ""),
    "third_party_verified": ("经有资质的第三方检测机构认定", ""),
    "energy_saving_tce": ("年节能量", "吨标准煤/年"),
    "co2_reduction_t": ("年减排二氧化碳", "吨/年"),
    "water_saving_t": ("年节水量", "吨/年"),
    "waste_utilization_rate": ("废弃物综合利用率", "%"),
    "high_quality": ("高质量实施（003 三、1）", ""),
    "completed_within_one_year": ("1年内实施完成", ""),
    "implementation_year": ("实施年度", "年"),
    "credential": ("认定/荣誉类别", ""),
    "level": ("认定级别", ""),
    "count": ("数量（个）", "个"),
    "year_index": ("第几年（多年度奖励）", "年"),
    "service": ("服务事项", ""),
    "service_revenue": ("年服务营业收入", "万元"),
    "approved_amount": ("审核核定金额", "万元"),
    "finance": ("金融事项", ""),
    "premium": ("年保费", "万元"),
    "insured_amount": ("保险金额", "万元"),
    "avg_lease_balance": ("月均融资租赁余额", "万元"),
    "lease_fees": ("融资租赁费用", "万元"),
    "special_equipment_unit_value": ("专用设备单位价值", "万元"),
    "special_equipment_amount": ("专用设备投资额", "万元"),
    "rd_expense": ("研发费用", "万元"),
    "rd_120_eligible": ("集成电路/工业母机企业（加计120%）", ""),
}


def _kind_names(matter: str) -> dict[str, str]:
    """Credential/service/finance kinds named by the title of the rule that pays them (one rule each)."""
    return {rule.kind: f"{rule.title}（{rule.document.rsplit('-', 1)[-1]}）" for rule in ALL_RULES
            if rule.matter == matter}


ENUM_NAMES: dict[str, dict[str, str]] = {
    "matter": MATTER_NAMES,
    "category": CATEGORY_NAMES,
    "grade": {grade: f"{grade}档" for grade in GRADES},
    "credential": _kind_names("credential"),
    "level": LEVEL_NAMES,
    "service": _kind_names("service"),
    "finance": _kind_names("finance"),
}
# Display order of enum values: the engine's declaration order (ENUMS holds frozensets).
ENUM_ORDER: dict[str, tuple[str, ...]] = {
    "matter": MATTERS,
    "category": tuple(CATEGORY_NAMES),
    "grade": GRADES,
    "credential": tuple(_kind_names("credential")),
    "level": LEVELS,
    "service": tuple(_kind_names("service")),
    "finance": tuple(_kind_names("finance")),
}
PERCENT = Decimal(100)


@dataclass(frozen=True)
class FormField:
    key: str
    kind: str  # the engine's kind: amount, ratio, bool, int, enum:<name>, list:<name>
    label: str
    unit: str
    required: bool

    @property
    def name(self) -> str:
        return f"f_{self.key}"

    @property
    def widget(self) -> str:
        return self.kind.partition(":")[0]

    @property
    def choices(self) -> list[tuple[str, str]]:
        enum = self.kind.partition(":")[2]
        names = ENUM_NAMES.get(enum, {})
        return [(value, names[value]) for value in ENUM_ORDER.get(enum, ())]

    @property
    def input_max(self) -> str:
        return "100" if self.unit == "%" else ""


def _field(key: str, required: bool = False) -> FormField:
    label, unit = FACT_LABELS[key]
    return FormField(key, FACT_KINDS[key], label, unit, required)


def matter_fields(matter: str) -> list[FormField]:
    """The fields of one matter in the engine's declaration order, its required key first."""
    keys = KEYS_BY_MATTER[matter]
    required = REQUIRED_BY_MATTER[matter]
    ordered = [required] + [k for k in FACT_KINDS if k in keys and k != required]
    return [_field(key, key == required) for key in ordered]


def tax_fields() -> list[FormField]:
    return [_field(key) for key in FACT_KINDS if key in TAX_KEYS]


def field_label(key: str) -> str:
    if key == "date":
        return "事项日期"
    return FACT_LABELS.get(key, (key, ""))[0]


_KEY_PATTERN = re.compile(r"\b(" + "|".join(sorted(FACT_LABELS, key=len, reverse=True)) + r")\b")


def labelled(message: str) -> str:
    """An engine message with the fact keys it mentions replaced by their Chinese labels."""
    return _KEY_PATTERN.sub(lambda m: f"“{FACT_LABELS[m.group(1)][0]}”", message)


class FormErrors(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(f"{field_label(k)}：{m}" for k, m in errors.items()))
        self.errors = errors


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def facts_from_form(data: Any) -> dict[str, Any]:
    """The engine's facts from a POSTed form (a QueryDict); FormErrors names each bad field in Chinese.

    Only the chosen matter's fields and the tax fields are read; empty fields are left out (the engine
    treats a missing fact as unknown). Range checks beyond "is a number" are the engine's (parse_case).
    """
    matter = data.get("matter", "")
    if matter not in KEYS_BY_MATTER:
        raise FormErrors({"matter": "请选择事项类型"})
    facts: dict[str, Any] = {"matter": matter}
    errors: dict[str, str] = {}
    for field in matter_fields(matter) + tax_fields():
        if field.widget == "list":
            values = data.getlist(field.name)
            if values:
                facts[field.key] = values
            elif field.required:
                errors[field.key] = "请至少选择一项"
            continue
        text = (data.get(field.name) or "").strip()
        if not text:
            if field.required:
                errors[field.key] = "请选择"
            continue
        if field.widget == "bool":
            facts[field.key] = text == "yes"
        elif field.widget == "enum":
            facts[field.key] = text
        elif field.widget == "int":
            if not text.isdigit():
                errors[field.key] = f"应为整数，实为“{text}”"
            else:
                facts[field.key] = int(text)
        else:
            value = _number(text.removesuffix("%") if field.unit == "%" else text)
            if value is None:
                errors[field.key] = f"应为数值（单位{field.unit}），实为“{text}”"
            elif field.unit == "%":
                if not Decimal(0) <= value <= PERCENT:
                    errors[field.key] = f"应在0～100%之间，实为{text}%"
                else:
                    facts[field.key] = value / PERCENT
            else:
                facts[field.key] = value
    if errors:
        raise FormErrors(errors)
    return facts


def form_values(facts: dict[str, Any]) -> dict[str, Any]:
    """Inverse of facts_from_form: the form's field values (by field name) for a facts dict."""
    values: dict[str, Any] = {}
    for key, value in facts.items():
        if key == "matter" or key not in FACT_KINDS:
            continue
        name = f"f_{key}"
        if isinstance(value, bool):
            values[name] = "yes" if value else "no"
        elif isinstance(value, list | tuple | set | frozenset):
            values[name] = sorted(value)
        elif isinstance(value, Decimal):
            values[name] = fmt(value * PERCENT if FACT_LABELS[key][1] == "%" else value)
        else:
            values[name] = str(value)
    return values


def enum_names_complete() -> bool:
    """Every enum value of the engine has a Chinese name here, and no name is for an unknown value."""
    return all(set(ENUM_NAMES[name]) == set(values) for name, values in ENUMS.items())


def bound_fields(fields: list[FormField], values: dict[str, Any], errors: dict[str, str]) -> list[dict[str, Any]]:
    """Rows for the template: each field with its current value, error and options marked selected."""
    rows = []
    for field in fields:
        value = values.get(field.name, [] if field.widget == "list" else "")
        chosen = set(value) if field.widget == "list" else {value}
        rows.append(
            {
                "field": field,
                "value": value,
                "error": errors.get(field.key, ""),
                "options": [(v, label, v in chosen) for v, label in field.choices],
            }
        )
    return rows
