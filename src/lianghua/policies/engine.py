"""Subsidy rules as code: dated parameters from data/policies/*.yaml, rules as small pure functions.

Pure Python on purpose (no Django): the engine is exact (Decimal), fast (parameters are compiled once
into sorted date tables; a case does only bisects and arithmetic) and testable without a database.
Amounts are 万元. See docs/subsidies.md for the facts vocabulary and the readings adopted.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

import yaml

DEFAULT_POLICY_DIR = Path(
    os.environ.get("LIANGHUA_POLICY_DIR", Path(__file__).resolve().parents[3] / "data" / "policies")
)

# Rounded once: after rates, caps and the stacking cap, each award is rounded half-up to the yuan;
# the total is the sum of the rounded awards so the parts always add up to it.
AMOUNT_QUANTUM = Decimal("0.0001")
ROUNDING_RULE = (
    "各项金额在套用比例、上限与叠加上限之后一次性四舍五入到元（0.0001万元）；合计为各项舍入后之和。"
)

ZERO = Decimal(0)
Table = dict[str, Decimal]
Tiers = tuple[tuple[Decimal, Decimal], ...]  # (min service revenue 万元, award 万元), ascending
ParamValue = Decimal | Table | Tiers

STACKING_DOCUMENT = "jiaxing-2024-002"

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


# --------------------------------------------------------------------------------------------------
# Errors


class PolicyDataError(Exception):
    """The policy data files or the settings are malformed."""


class FactsError(ValueError):
    """A case's input is invalid; names the case and the offending key."""

    def __init__(self, case_id: str, key: str, message: str) -> None:
        self.case_id = case_id
        self.key = key
        self.message = message
        super().__init__(f"案例 {case_id}：{key} — {message}")


class NotApplied(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason


class MissingSetting(Exception):
    def __init__(self, parameter: Parameter) -> None:
        self.parameter = parameter


# --------------------------------------------------------------------------------------------------
# Parameters and documents


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    key: str
    document: str
    unit: str
    clause: str
    setting: bool
    note: str
    starts: tuple[int, ...]  # ordinals, ascending
    values: tuple[ParamValue | None, ...]
    start_isos: tuple[str, ...]  # the same dates as text, for the trace
    # One read-only trace row per dated value (index -1: read before the first value), built once
    # at load so a case only appends references.
    trace_rows: tuple[dict[str, Any], ...]

    def at(self, ordinal: int) -> tuple[ParamValue | None, int]:
        """The value in force on the day and the index of its start (-1: before the first value)."""
        index = bisect.bisect_right(self.starts, ordinal) - 1
        if index < 0:
            return None, -1
        return self.values[index], index


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    id: str
    title: str
    source: str
    status: str
    start: date
    end: date | None
    start_is_setting: bool
    start_note: str
    period_clause: str
    combination: str
    combination_clause: str
    parameters: dict[str, Parameter]
    start_ordinal: int
    end_ordinal: int
    short: str  # the seed number, "001"
    period_label: str
    assumption: str

    def in_force(self, ordinal: int) -> bool:
        return self.start_ordinal <= ordinal <= self.end_ordinal


def _to_decimal(raw: object, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
        raise PolicyDataError(f"{where}: 数值无效 {raw!r}")
    try:
        return Decimal(str(raw))
    except InvalidOperation as exc:
        raise PolicyDataError(f"{where}: 数值无效 {raw!r}") from exc


def _compile_value(raw: object, where: str) -> ParamValue | None:
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        return {str(k): _to_decimal(v, f"{where}.{k}") for k, v in raw.items()}
    if isinstance(raw, list):
        tiers: list[tuple[Decimal, Decimal]] = []
        for item in raw:
            if not isinstance(item, Mapping) or set(item) != {"min_revenue", "amount"}:
                raise PolicyDataError(f"{where}: 分档须为 [{{min_revenue, amount}}] 列表")
            tiers.append((_to_decimal(item["min_revenue"], where), _to_decimal(item["amount"], where)))
        return tuple(sorted(tiers))
    return _to_decimal(raw, where)


def _as_date(raw: object, where: str) -> date:
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError as exc:
            raise PolicyDataError(f"{where}: 日期无效 {raw!r}") from exc
    raise PolicyDataError(f"{where}: 日期无效 {raw!r}")


def _trace_rows(
    name: str, unit: str, clause: str, ordered: list[tuple[date, ParamValue | None]]
) -> tuple[dict[str, Any], ...]:
    rows = [
        {
            "parameter": name,
            "value": _value_json(value),
            "effective": day.isoformat(),
            "unit": unit,
            "clause": clause,
        }
        for day, value in ordered
    ]
    rows.append({"parameter": name, "value": None, "effective": None, "unit": unit, "clause": clause})
    return tuple(rows)  # rows[-1] answers index -1


def _compile_document(raw: Mapping[str, Any], settings: Mapping[str, object], origin: str) -> PolicyDocument:
    doc_id = str(raw["id"])
    period = raw["period"]
    start_setting = period.get("start_setting")
    start_is_setting = period.get("start") is None
    if start_is_setting:
        if not start_setting:
            raise PolicyDataError(f"{origin}: period.start 为空但没有 start_setting")
        start = _as_date(settings.get(f"{doc_id}.start", start_setting["default"]), f"{doc_id}.start")
    else:
        start = _as_date(period["start"], f"{origin} period.start")
    end = _as_date(period["end"], f"{origin} period.end") if period.get("end") else None

    parameters: dict[str, Parameter] = {}
    for key, spec in raw["parameters"].items():
        name = f"{doc_id}.{key}"
        dated: dict[date, ParamValue | None] = {}
        for when, value in spec["values"].items():
            day = start if when == "start" else _as_date(when, name)
            dated[day] = _compile_value(value, name)
        is_setting = bool(spec.get("setting", False))
        if name in settings:
            if not is_setting:
                raise PolicyDataError(f"{name} 不是设置项，不能覆盖文件中的数值")
            first = min(dated)
            dated = {first: _compile_value(settings[name], name)}
        ordered = sorted(dated.items())
        parameters[key] = Parameter(
            name=name,
            key=key,
            document=doc_id,
            unit=str(spec.get("unit", "")),
            clause=str(spec.get("clause", "")),
            setting=is_setting,
            note=str(spec.get("note", spec.get("text", ""))),
            starts=tuple(day.toordinal() for day, _ in ordered),
            values=tuple(value for _, value in ordered),
            start_isos=tuple(day.isoformat() for day, _ in ordered),
            trace_rows=_trace_rows(name, str(spec.get("unit", "")), str(spec.get("clause", "")), ordered),
        )
    combination = raw.get("combination", {})
    short = doc_id.rsplit("-", 1)[-1]
    return PolicyDocument(
        id=doc_id,
        title=str(raw["title"]),
        source=str(raw["source"]),
        status=str(raw["status"]),
        start=start,
        end=end,
        start_is_setting=start_is_setting,
        start_note=str((start_setting or {}).get("note", "")),
        period_clause=str(period.get("clause", "")),
        combination=str(combination.get("principle", "highest_only")),
        combination_clause=str(combination.get("clause", "")),
        parameters=parameters,
        start_ordinal=start.toordinal(),
        end_ordinal=end.toordinal() if end else date.max.toordinal(),
        short=short,
        period_label=(
            f"{start.isoformat()}{'（设置值，假设）' if start_is_setting else ''}至"
            f"{end.isoformat() if end else '未规定截止'}"
        ),
        assumption=(
            f"{short}《{raw['title']}》为{'征求意见稿' if raw['status'] == 'draft' else '正式文件'}，"
            f"执行起始日文件未载明，按设置取{start.isoformat()}（假设）。"
        ),
    )


@dataclass(frozen=True)
class PolicySet:
    documents: dict[str, PolicyDocument]
    version: str  # sha256 of the data files and the settings: stored with every result
    settings: dict[str, object] = field(default_factory=dict)


def load_policy_set(directory: Path | None = None, settings: Mapping[str, object] | None = None) -> PolicySet:
    """Read and compile every `*.yaml` in `directory`. `settings` fills parameters a document leaves
    open (`<document>.<parameter>`) and the draft's start date (`<document>.start`)."""
    directory = directory or DEFAULT_POLICY_DIR
    settings = dict(settings or {})
    digest = hashlib.sha256()
    documents: dict[str, PolicyDocument] = {}
    for path in sorted(directory.glob("*.yaml")):
        text = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + text + b"\0")
        raw = yaml.safe_load(text)
        document = _compile_document(raw, settings, path.name)
        documents[document.id] = document
    for key in settings:
        doc_id, _, param = key.partition(".")
        if doc_id not in documents or (param != "start" and param not in documents[doc_id].parameters):
            raise PolicyDataError(f"未知设置项 {key}")
    digest.update(repr(sorted((k, str(v)) for k, v in settings.items())).encode())
    missing = {rule.document for rule in ALL_RULES} - set(documents)
    if missing:
        raise PolicyDataError(f"缺少政策文件: {', '.join(sorted(missing))}")
    return PolicySet(documents=documents, version=digest.hexdigest()[:16], settings=settings)


# --------------------------------------------------------------------------------------------------
# Cases and facts


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    date: date
    facts: dict[str, Any]


def _fact_error(case_id: str, key: str, message: str) -> FactsError:
    return FactsError(case_id, key, message)


def _enum_message(allowed: frozenset[str], raw: object) -> str:
    return f"取值 {raw!r} 无效，应为 {'/'.join(sorted(allowed))} 之一"


def _amount_fact(case_id: str, key: str, raw: object) -> Decimal:
    raw_type = type(raw)
    if raw_type is int:
        value = Decimal(cast(int, raw))
    elif raw_type is Decimal or raw_type is float:
        value = cast(Decimal, raw) if raw_type is Decimal else Decimal(repr(raw))
        if not value.is_finite():
            raise _fact_error(case_id, key, f"应为有限数值，实为 {raw}")
    else:
        # bool is an int subclass: the exact type checks above keep true/false out of amounts.
        raise _fact_error(case_id, key, f"应为数值，实为 {raw_type.__name__}")
    if value < 0:
        raise _fact_error(case_id, key, f"应为非负数，实为 {raw}")
    return value


def _ratio_fact(case_id: str, key: str, raw: object) -> Decimal:
    value = _amount_fact(case_id, key, raw)
    if value > 1:
        raise _fact_error(case_id, key, f"应为0～1之间的比率，实为 {raw}")
    return value


def _bool_fact(case_id: str, key: str, raw: object) -> bool:
    if type(raw) is not bool:
        raise _fact_error(case_id, key, f"应为 true/false，实为 {raw!r}")
    return raw


def _int_fact(case_id: str, key: str, raw: object) -> int:
    if type(raw) is not int:
        raise _fact_error(case_id, key, f"应为整数，实为 {raw!r}")
    low, high = INT_BOUNDS[key]
    if not low <= raw <= high:
        raise _fact_error(case_id, key, f"应在 {low}～{high} 之间，实为 {raw}")
    return raw


def _enum_fact(allowed: frozenset[str]) -> Callable[[str, str, object], object]:
    def check(case_id: str, key: str, raw: object) -> object:
        if raw not in allowed:
            raise _fact_error(case_id, key, _enum_message(allowed, raw))
        return raw

    return check


def _list_fact(allowed: frozenset[str]) -> Callable[[str, str, object], object]:
    def check(case_id: str, key: str, raw: object) -> object:
        if not isinstance(raw, list | tuple) or not raw:
            raise _fact_error(case_id, key, "应为非空列表")
        for item in raw:
            if item not in allowed:
                raise _fact_error(case_id, key, _enum_message(allowed, item))
        return frozenset(raw)

    return check


def _fact_validator(kind: str) -> Callable[[str, str, object], object]:
    simple: dict[str, Callable[[str, str, object], object]] = {
        "amount": _amount_fact,
        "ratio": _ratio_fact,
        "bool": _bool_fact,
        "int": _int_fact,
    }
    if kind in simple:
        return simple[kind]
    form, _, enum_name = kind.partition(":")
    return _enum_fact(ENUMS[enum_name]) if form == "enum" else _list_fact(ENUMS[enum_name])


FACT_VALIDATORS = {key: _fact_validator(kind) for key, kind in FACT_KINDS.items()}


CASE_FIELDS = frozenset({"id", "date", "facts"})


def parse_case(raw: Mapping[str, Any]) -> Case:
    """Validate one input case `{"id", "date", "facts"}`; raises FactsError naming the case and key."""
    case_id = str(raw.get("id", "?"))
    if not CASE_FIELDS.issuperset(raw):
        key = next(k for k in raw if k not in CASE_FIELDS)
        raise _fact_error(case_id, str(key), "未知字段（案例只允许 id、date、facts）")
    if "id" not in raw:
        raise _fact_error(case_id, "id", "缺少案例编号")
    when = raw.get("date")
    if type(when) is str:
        try:
            when = date.fromisoformat(when)
        except ValueError:
            raise _fact_error(case_id, "date", f"日期格式应为 YYYY-MM-DD，实为 {when!r}") from None
    if not isinstance(when, date):
        raise _fact_error(case_id, "date", "缺少或无效的事项日期")
    facts_in = raw.get("facts")
    if not isinstance(facts_in, Mapping):
        raise _fact_error(case_id, "facts", "应为对象")
    matter = facts_in.get("matter")
    if matter not in KEYS_BY_MATTER:
        raise _fact_error(case_id, "matter", f"取值 {matter!r} 无效，应为 {'/'.join(MATTERS)} 之一")
    allowed_keys = KEYS_BY_MATTER[matter]
    facts: dict[str, Any] = {"matter": matter}
    for key, value in facts_in.items():
        if key == "matter" or value is None:
            continue
        if key not in allowed_keys and key not in TAX_KEYS:
            if key not in FACT_KINDS:
                raise _fact_error(case_id, str(key), "未知事实键")
            raise _fact_error(case_id, key, f"该键不适用于 matter={matter}")
        facts[key] = FACT_VALIDATORS[key](case_id, key, value)
    required = REQUIRED_BY_MATTER[matter]
    if required not in facts:
        raise _fact_error(case_id, required, f"matter={matter} 时必填")
    price, equipment = facts.get("first_set_price"), facts.get("equipment_investment")
    if price is not None and equipment is not None and price > equipment:
        raise _fact_error(
            case_id, "first_set_price", "首台（套）价格应包含在设备投资额内，不能大于 equipment_investment"
        )
    return Case(id=case_id, date=when, facts=facts)


# --------------------------------------------------------------------------------------------------
# Rule context and helpers


_FMT_CACHE: dict[Decimal, str] = {}
_PCT_CACHE: dict[Decimal, str] = {}
_CACHE_LIMIT = 100_000  # amounts repeat a lot (thresholds, caps, round inputs); formatting is the hot spot


def fmt(value: Decimal) -> str:
    """Plain decimal text without exponent or trailing zeros: 3000, 12.5."""
    text = _FMT_CACHE.get(value)
    if text is None:
        text = f"{value:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if len(_FMT_CACHE) < _CACHE_LIMIT:
            _FMT_CACHE[value] = text
    return text


def pct(rate: Decimal) -> str:
    text = _PCT_CACHE.get(rate)
    if text is None:
        text = f"{fmt(rate * 100)}%"
        if len(_PCT_CACHE) < _CACHE_LIMIT:
            _PCT_CACHE[rate] = text
    return text


class Ctx:
    """What a rule sees: the facts, the case date and a parameter reader that records the trace."""

    __slots__ = ("facts", "ordinal", "day", "doc", "trace", "equipment_extra", "equipment_note", "flags")

    def __init__(self, facts: dict[str, Any], day: date) -> None:
        self.facts = facts
        self.day = day
        self.ordinal = day.toordinal()
        self.doc: PolicyDocument | None = None
        self.trace: dict[str, tuple[Parameter, ParamValue | None, int]] = {}
        self.equipment_extra = ZERO
        self.equipment_note = ""
        self.flags: set[str] = set()

    def _read(self, key: str, ordinal: int, document: PolicyDocument | None = None) -> ParamValue:
        doc = document or self.doc
        assert doc is not None
        param = doc.parameters[key]
        starts = param.starts
        # Most parameters have one dated value: skip the bisect for them.
        if len(starts) == 1:
            index = 0 if ordinal >= starts[0] else -1
        else:
            index = bisect.bisect_right(starts, ordinal) - 1
        value = param.values[index] if index >= 0 else None
        self.trace[param.name] = (param, value, index)
        if value is None:
            if param.setting:
                raise MissingSetting(param)
            raise NotApplied(f"参数「{param.name}」在 {date.fromordinal(ordinal).isoformat()} 无有效值")
        return value

    def num(self, key: str, ordinal: int | None = None, document: PolicyDocument | None = None) -> Decimal:
        return self._read(key, self.ordinal if ordinal is None else ordinal, document)  # type: ignore[return-value]

    def table(self, key: str) -> Table:
        return cast(Table, self._read(key, self.ordinal))

    def tiers(self, key: str) -> Tiers:
        return cast(Tiers, self._read(key, self.ordinal))

    def need(self, key: str, label: str) -> Decimal:
        value = self.facts.get(key)
        if value is None:
            raise NotApplied(f"缺少事实 {key}（{label}）")
        return cast(Decimal, value)

    def flag(self, key: str) -> bool:
        return bool(self.facts.get(key, False))


def _capped(raw: Decimal, cap: Decimal, formula: str, cap_label: str = "最高限额") -> tuple[Decimal, str]:
    if raw > cap:
        return cap, f"{formula}={fmt(raw)}万元，超过{cap_label}，按{fmt(cap)}万元"
    return raw, f"{formula}={fmt(raw)}万元（{cap_label}{fmt(cap)}万元）"


def _level(ctx: Ctx) -> str:
    level = ctx.facts.get("level")
    if level is None:
        raise NotApplied("缺少事实 level（认定级别）")
    return cast(str, level)


def _count_warning(ctx: Ctx) -> None:
    if ctx.facts.get("count", 1) != 1:
        ctx.flags.add("count_ignored")


# --------------------------------------------------------------------------------------------------
# Rules. Each returns (exact amount 万元, Chinese explanation) or raises NotApplied / MissingSetting.

RuleFn = Callable[[Ctx], tuple[Decimal, str]]


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    document: str
    clause: str
    title: str
    matter: str
    kind: str  # the credential/service/finance kind, or "" for project rules
    categories: frozenset[str]  # project rules: the categories that make the rule relevant
    stackable: bool  # a project renovation subsidy that may stack under 002 三、11
    compute: RuleFn


D001 = "jiaxing-2022-draft-001"
D003 = "jiaxing-2020-003"
D002 = "jiaxing-2024-002"


def digital_pure(ctx: Ctx) -> tuple[Decimal, str]:
    it = ctx.need("it_investment", "信息化投入，万元")
    minimum = ctx.num("digital_pure.min_it_investment")
    if it < minimum:
        raise NotApplied(f"信息化投入{fmt(it)}万元，低于“不低于{fmt(minimum)}万元”的门槛")
    if not ctx.flag("accepted"):
        raise NotApplied("项目未经验收合格（accepted 不为 true）")
    rate, cap = ctx.num("digital_pure.rate"), ctx.num("digital_pure.cap")
    amount, text = _capped(it * rate, cap, f"信息化投入{fmt(it)}万元×{pct(rate)}")
    return amount, f"纯数字化改造项目，信息化投入≥{fmt(minimum)}万元且经验收合格：{text}"


def smart_renovation(ctx: Ctx) -> tuple[Decimal, str]:
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


def green_project(ctx: Ctx) -> tuple[Decimal, str]:
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
    amount, text = _capped(
        equipment * rate, cap, f"设备投资额{fmt(equipment)}万元{ctx.equipment_note}×{pct(rate)}"
    )
    return amount, f"绿色化改造项目，经第三方认定{'、'.join(met)}：{text}"


def _implementation_ordinal(ctx: Ctx) -> tuple[int, str]:
    year = ctx.facts.get("implementation_year")
    note = ""
    if year is None:
        year = ctx.day.year
        note = "（未填实施年份，按事项日期年份）"
    return date(year, 12, 31).toordinal(), f"{year}年实施{note}"


def _year_rate(ctx: Ctx, key: str) -> tuple[Decimal, str]:
    ordinal, label = _implementation_ordinal(ctx)
    try:
        return ctx.num(key, ordinal), label
    except NotApplied:
        raise NotApplied(f"{label}，003只对2020年、2021年实施的项目规定比例") from None


def smart_factory_2020(ctx: Ctx) -> tuple[Decimal, str]:
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
    amount, text = _capped(investment * rate, cap, f"投资额{fmt(investment)}万元×{pct(rate)}", "最高补助")
    return amount, f"智能工厂/数字车间投资项目，高质量、1年内完成，{label}：{text}"


def other_smart_2020(ctx: Ctx) -> tuple[Decimal, str]:
    if "smart_factory_2020" in ctx.flags:
        raise NotApplied("已按智能工厂/数字车间投资项目（三、1）计算，不属“其他智能化改造投资项目”")
    investment = ctx.need("investment", "投资额，万元")
    minimum = ctx.num("other_smart.min_investment")
    if investment < minimum:
        raise NotApplied(f"投资额{fmt(investment)}万元，低于设置的最低投资额{fmt(minimum)}万元")
    rate, label = _year_rate(ctx, "other_smart.rate_by_implementation_year")
    cap = ctx.num("other_smart.cap")
    amount, text = _capped(investment * rate, cap, f"投资额{fmt(investment)}万元×{pct(rate)}", "最高补助")
    return amount, f"其他智能化改造投资项目，{label}（最低投资额为设置值{fmt(minimum)}万元）：{text}"


def flat_award(param: str, title: str, required_level: str | None = None) -> RuleFn:
    def compute(ctx: Ctx) -> tuple[Decimal, str]:
        level = ctx.facts.get("level")
        if required_level and level is not None and level != required_level:
            raise NotApplied(f"该奖励只针对{LEVEL_NAMES[required_level]}认定，实为{LEVEL_NAMES[level]}")
        _count_warning(ctx)
        award = ctx.num(param)
        return award, f"经认定的{title}：奖励{fmt(award)}万元"

    return compute


def award_by_level(param: str, title: str) -> RuleFn:
    def compute(ctx: Ctx) -> tuple[Decimal, str]:
        level = _level(ctx)
        table = ctx.table(param)
        if level not in table:
            offered = "、".join(LEVEL_NAMES[k] for k in table)
            raise NotApplied(f"{LEVEL_NAMES[level]}{title}不在奖励范围（仅{offered}）")
        _count_warning(ctx)
        award = table[level]
        return award, f"经认定的{LEVEL_NAMES[level]}{title}：奖励{fmt(award)}万元"

    return compute


def green_design_product(ctx: Ctx) -> tuple[Decimal, str]:
    level = ctx.facts.get("level")
    if level is not None and level != "national":
        raise NotApplied(f"只奖励国家级绿色设计产品，实为{LEVEL_NAMES[level]}")
    count = int(ctx.facts.get("count", 1))
    each, cap = ctx.num("green_design_product.award_each"), ctx.num("green_design_product.cap")
    amount, text = _capped(each * count, cap, f"{count}个×{fmt(each)}万元")
    return amount, f"国家级绿色设计产品：{text}"


def per_year_award(param: str, years_param: str | None, title: str) -> RuleFn:
    def compute(ctx: Ctx) -> tuple[Decimal, str]:
        index = int(ctx.facts.get("year_index", 1))
        award = ctx.num(param)
        years = ctx.num(years_param) if years_param else Decimal(2)
        if index > years:
            raise NotApplied(f"{title}专项激励连续{fmt(years)}年，第{index}年不再给予")
        return award, f"{title}（竞争性分配）第{index}年专项激励{fmt(award)}万元（连续{fmt(years)}年）"

    return compute


def service_cluster(ctx: Ctx) -> tuple[Decimal, str]:
    index = int(ctx.facts.get("year_index", 1))
    table = ctx.table("service_cluster.award_by_year_index")
    if str(index) not in table:
        raise NotApplied(f"服务商集聚区专项激励连续{len(table)}年，第{index}年不再给予")
    award = table[str(index)]
    return award, f"市级智能制造服务商集聚区第{index}年专项激励{fmt(award)}万元（500万元、300万元连续2年）"


def per_item(param: str, title: str) -> RuleFn:
    def compute(ctx: Ctx) -> tuple[Decimal, str]:
        count = int(ctx.facts.get("count", 1))
        each = ctx.num(param)
        return each * count, f"{title}：{count}个×{fmt(each)}万元={fmt(each * count)}万元"

    return compute


def provider_revenue_award(ctx: Ctx) -> tuple[Decimal, str]:
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


def public_service_platform(ctx: Ctx) -> tuple[Decimal, str]:
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


def association_project(ctx: Ctx) -> tuple[Decimal, str]:
    approved = ctx.need("approved_amount", "评审核定的资助额，万元")
    cap = ctx.num("association_project.cap")
    amount, text = _capped(approved, cap, f"核定资助{fmt(approved)}万元", "单个项目最高")
    return amount, f"行业协会、产业联盟等公共服务项目：{text}"


def first_set_insurance(ctx: Ctx) -> tuple[Decimal, str]:
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
    amount, text = _capped(counted * rate, cap, f"{fmt(counted)}×{pct(rate)}", "同一台（套）年补助上限")
    return amount, f"首台（套）装备保险补偿，{basis}：{text}"


def lease_risk_compensation(ctx: Ctx) -> tuple[Decimal, str]:
    balance = ctx.need("avg_lease_balance", "月均融资租赁余额，万元")
    rate, cap = ctx.num("lease_risk_compensation.rate"), ctx.num("lease_risk_compensation.cap_per_year")
    amount, text = _capped(
        balance * rate, cap, f"月均融资租赁余额{fmt(balance)}万元×{pct(rate)}", "单户当年最高"
    )
    return amount, f"融资租赁机构风险补偿：{text}"


def lease_interest_subsidy(ctx: Ctx) -> tuple[Decimal, str]:
    fees = ctx.need("lease_fees", "融资租赁费用，万元")
    rate, cap = ctx.num("lease_interest_subsidy.rate"), ctx.num("lease_interest_subsidy.cap_per_set")
    amount, text = _capped(fees * rate, cap, f"融资租赁费用{fmt(fees)}万元×{pct(rate)}", "单套设备最高")
    return amount, f"名单内企业融资租赁一次性贴息（按单套设备计）：{text}"


def _project(
    rule_id: str, doc: str, clause: str, title: str, categories: Iterable[str], fn: RuleFn, stackable: bool
) -> Rule:
    return Rule(rule_id, doc, clause, title, "project", "", frozenset(categories), stackable, fn)


def _kind(rule_id: str, doc: str, clause: str, title: str, matter: str, kind: str, fn: RuleFn) -> Rule:
    return Rule(rule_id, doc, clause, title, matter, kind, frozenset(), False, fn)


SMART = ("smart_renovation", "smart_factory")
ALL_RULES: tuple[Rule, ...] = (
    # projects — order matters only for 003's smart-factory / other exclusivity
    _project(
        "001.digital_pure", D001, "三（一）", "纯数字化改造项目补助", ["digital_pure"], digital_pure, True
    ),
    _project(
        "001.smart_renovation", D001, "三（一）", "智能化技术改造项目分档补助", SMART, smart_renovation, True
    ),
    _project(
        "001.green_project", D001, "三（二）", "绿色化改造项目补助", GREEN_CATEGORIES, green_project, True
    ),
    _project(
        "003.smart_factory",
        D003,
        "三、1",
        "智能工厂/数字车间投资项目补助",
        ["smart_factory"],
        smart_factory_2020,
        False,
    ),
    _project("003.other_smart", D003, "三、1", "其他智能化改造投资项目补助", SMART, other_smart_2020, False),
    # credentials (001)
    _kind(
        "001.future_factory_demo",
        D001,
        "三（一）",
        "省级未来工厂示范企业奖励",
        "credential",
        "future_factory_demo",
        flat_award("future_factory_demo.award", "省级未来工厂示范企业", "provincial"),
    ),
    _kind(
        "001.future_factory_pilot",
        D001,
        "三（一）",
        "省级未来工厂培育（试点）企业奖励",
        "credential",
        "future_factory_pilot",
        flat_award("future_factory_pilot.award", "省级未来工厂培育（试点）企业", "provincial"),
    ),
    _kind(
        "001.smart_factory_provincial",
        D001,
        "三（一）",
        "省级智能工厂（数字化车间）奖励",
        "credential",
        "smart_factory_provincial",
        flat_award("smart_factory_provincial.award", "省级智能工厂（数字化车间）", "provincial"),
    ),
    _kind(
        "001.green_factory",
        D001,
        "三（二）",
        "绿色低碳工厂奖励",
        "credential",
        "green_factory",
        award_by_level("green_factory.award_by_level", "绿色低碳工厂"),
    ),
    _kind(
        "001.green_park",
        D001,
        "三（二）",
        "绿色低碳园区奖励",
        "credential",
        "green_park",
        award_by_level("green_park.award_by_level", "绿色低碳园区"),
    ),
    _kind(
        "001.green_supply_chain",
        D001,
        "三（二）",
        "绿色供应链管理企业奖励",
        "credential",
        "green_supply_chain",
        award_by_level("green_supply_chain.award_by_level", "绿色供应链管理企业"),
    ),
    _kind(
        "001.green_design_enterprise",
        D001,
        "三（二）",
        "绿色设计示范企业奖励",
        "credential",
        "green_design_enterprise",
        award_by_level("green_design_enterprise.award_by_level", "绿色设计示范企业"),
    ),
    _kind(
        "001.green_design_product",
        D001,
        "三（二）",
        "绿色设计产品奖励",
        "credential",
        "green_design_product",
        green_design_product,
    ),
    _kind(
        "001.water_saving_enterprise",
        D001,
        "三（二）",
        "省级节水型企业奖励",
        "credential",
        "water_saving_enterprise",
        flat_award("water_saving_enterprise.award", "省级节水型企业", "provincial"),
    ),
    _kind(
        "001.clean_production_voluntary",
        D001,
        "三（二）",
        "自愿性清洁生产奖励",
        "credential",
        "clean_production_voluntary",
        flat_award("clean_production_voluntary.award", "自愿开展清洁生产并经省审核验收合格企业"),
    ),
    _kind(
        "001.innovation_center",
        D001,
        "三（三）",
        "制造业创新中心奖励",
        "credential",
        "innovation_center",
        award_by_level("innovation_center.award_by_level", "制造业创新中心"),
    ),
    _kind(
        "001.tech_center",
        D001,
        "三（三）",
        "企业技术中心奖励",
        "credential",
        "tech_center",
        award_by_level("tech_center.award_by_level", "制造业企业技术中心"),
    ),
    _kind(
        "001.first_set",
        D001,
        "三（三）",
        "首台（套）奖励",
        "credential",
        "first_set",
        award_by_level("first_set.award_by_level", "首台（套）装备（首批次新材料、首版次软件）"),
    ),
    _kind(
        "001.tech_innovation_project",
        D001,
        "三（三）",
        "技术创新项目奖励",
        "credential",
        "tech_innovation_project",
        award_by_level("tech_innovation_project.award_by_level", "技术创新项目（产品）"),
    ),
    _kind(
        "001.industrial_new_product",
        D001,
        "三（三）",
        "省级工业新产品奖励",
        "credential",
        "industrial_new_product",
        award_by_level("industrial_new_product.award_by_level", "工业新产品"),
    ),
    # credentials (003)
    _kind(
        "003.demo_industry",
        D003,
        "三、1",
        "智能化改造示范行业专项激励",
        "credential",
        "demo_industry",
        per_year_award("demo_industry.award_per_year", "demo_industry.years", "智能化改造示范行业"),
    ),
    _kind(
        "003.micro_demo_zone",
        D003,
        "三、1",
        "小微企业智能化改造示范区专项激励",
        "credential",
        "micro_demo_zone",
        per_year_award("micro_demo_zone.award_per_year", "demo_industry.years", "小微企业智能化改造示范区"),
    ),
    _kind(
        "003.demo_enterprise",
        D003,
        "三、1",
        "智能化改造示范企业奖励",
        "credential",
        "demo_enterprise",
        flat_award("demo_enterprise.award", "大、中、小三类企业智能化改造示范企业"),
    ),
    _kind(
        "003.service_cluster",
        D003,
        "三、2",
        "智能制造服务商集聚区专项激励",
        "credential",
        "service_cluster",
        service_cluster,
    ),
    _kind(
        "003.standard_lead",
        D003,
        "三、3",
        "牵头制订智能制造标准奖励",
        "credential",
        "standard_lead",
        award_by_level("standard_lead.award_by_level", "智能制造标准（牵头制订、排名第一）"),
    ),
    _kind(
        "003.identifier_node",
        D003,
        "三、3",
        "工业互联网标识解析二级节点奖励",
        "credential",
        "identifier_node",
        flat_award("identifier_node.award", "工业互联网标识解析二级节点"),
    ),
    _kind(
        "003.new_tech_demo",
        D003,
        "三、3",
        "新技术深度应用示范企业奖励",
        "credential",
        "new_tech_demo",
        flat_award("new_tech_demo.award", "新技术与智能制造深度应用示范企业"),
    ),
    _kind(
        "003.training_platform",
        D003,
        "三、5",
        "智能制造实训平台奖励",
        "credential",
        "training_platform",
        award_by_level("training_platform.award_by_level", "智能制造实训平台"),
    ),
    _kind(
        "003.apprenticeship_pilot",
        D003,
        "三、5",
        "现代学徒制试点院校奖励",
        "credential",
        "apprenticeship_pilot",
        flat_award("apprenticeship_pilot.award", "市级现代学徒制试点院校", "municipal"),
    ),
    _kind(
        "003.industrial_internet_platform",
        D003,
        "三、6",
        "工业互联网平台奖励",
        "credential",
        "industrial_internet_platform",
        award_by_level("industrial_internet_platform.award_by_level", "云平台"),
    ),
    # services
    _kind(
        "001.public_service_project",
        D001,
        "三（一）",
        "“两化”改造公共服务项目补助",
        "service",
        "public_service_project",
        per_item("public_service_project.award_each", "经认可的“两化”改造公共服务项目"),
    ),
    _kind(
        "003.diagnosis_implemented",
        D003,
        "三、2",
        "诊断报告落地实施补贴",
        "service",
        "diagnosis_implemented",
        per_item("diagnosis_implemented.award_each", "诊断报告落地实施项目"),
    ),
    _kind(
        "003.provider_revenue_award",
        D003,
        "三、2",
        "智能制造服务商分档奖励",
        "service",
        "provider_revenue_award",
        provider_revenue_award,
    ),
    _kind(
        "003.public_service_platform",
        D003,
        "三、6",
        "公共服务平台项目支持",
        "service",
        "public_service_platform",
        public_service_platform,
    ),
    _kind(
        "003.association_project",
        D003,
        "三、6",
        "行业协会等公共服务项目资助",
        "service",
        "association_project",
        association_project,
    ),
    # finance
    _kind(
        "001.first_set_insurance",
        D001,
        "三（三）",
        "首台（套）保险保费补偿",
        "finance",
        "first_set_insurance",
        first_set_insurance,
    ),
    _kind(
        "003.lease_risk_compensation",
        D003,
        "三、4",
        "融资租赁风险补偿",
        "finance",
        "lease_risk_compensation",
        lease_risk_compensation,
    ),
    _kind(
        "003.lease_interest_subsidy",
        D003,
        "三、4",
        "融资租赁贴息",
        "finance",
        "lease_interest_subsidy",
        lease_interest_subsidy,
    ),
)
RULES_BY_ID = {rule.id: rule for rule in ALL_RULES}
PROJECT_RULES = tuple(rule for rule in ALL_RULES if rule.matter == "project")
RULES_BY_KIND: dict[str, tuple[Rule, ...]] = {}
for _rule in ALL_RULES:
    if _rule.kind:
        RULES_BY_KIND[_rule.kind] = (*RULES_BY_KIND.get(_rule.kind, ()), _rule)
KIND_KEY = {"credential": "credential", "service": "service", "finance": "finance"}


def relevant_rules(facts: Mapping[str, Any]) -> tuple[Rule, ...]:
    matter = facts["matter"]
    if matter == "project":
        categories: frozenset[str] = facts["categories"]
        return tuple(rule for rule in PROJECT_RULES if rule.categories & categories)
    return RULES_BY_KIND.get(facts[KIND_KEY[matter]], ())


# --------------------------------------------------------------------------------------------------
# Evaluation


@dataclass(slots=True)
class _Award:
    rule: Rule
    amount: Decimal
    explanation: str


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(AMOUNT_QUANTUM, rounding=ROUND_HALF_UP)


def _first_set_uplift(ctx: Ctx, stacking_doc: PolicyDocument | None) -> None:
    price = ctx.facts.get("first_set_price")
    if not price:
        return
    if stacking_doc is None or not stacking_doc.in_force(ctx.ordinal):
        ctx.equipment_note = "（首台（套）加计须002生效，2024-04-25起，未加计）"
        return
    rate = ctx.num("first_set.equipment_uplift", document=stacking_doc)
    ctx.equipment_extra = price * rate
    ctx.equipment_note = (
        f"（含省级以上首台（套）{fmt(price)}万元加计{pct(rate)}即{fmt(price * rate)}万元，002 三、11）"
    )


def _tax_estimates(
    ctx: Ctx, stacking_doc: PolicyDocument | None, warnings: list[str]
) -> list[dict[str, Any]]:
    facts = ctx.facts
    if not TAX_KEYS.intersection(facts):
        return []
    if stacking_doc is None or not stacking_doc.in_force(ctx.ordinal):
        warnings.append("税收估算依据002 三、13（2024-04-25起），事项日期不在其执行期内，未估算。")
        return []
    estimates: list[dict[str, Any]] = []
    doc = stacking_doc
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
                    "amount": _round(amount),
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
                "amount": _round(rd * rate),
                "explanation": f"{who}研发费用{fmt(rd)}万元×加计{pct(rate)}={fmt(rd * rate)}万元（应纳税所得额加计扣除额，非补助）",
            }
        )
    return estimates


def _combine(
    awards: list[_Award],
    stacking: bool,
    ctx: Ctx,
    stacking_doc: PolicyDocument | None,
    not_applied: list[dict[str, str]],
) -> list[_Award]:
    """就高不重复 by default; under 002 三、11 the project renovation subsidies stack, capped per project."""
    if len(awards) <= 1 and not stacking:
        return awards
    units: list[list[_Award]] = []
    if stacking and stacking_doc is not None:
        bundle = sorted((a for a in awards if a.rule.stackable), key=lambda a: a.amount, reverse=True)
        if bundle:
            cap = ctx.num("renovation_stacking.cap_per_project", document=stacking_doc)
            running = ZERO
            kept: list[_Award] = []
            for award in bundle:
                room = cap - running
                if room <= 0:
                    not_applied.append(
                        {
                            "rule": award.rule.id,
                            "reason": f"叠加后已达单个项目上限{fmt(cap)}万元（002 三、11），本项核减为0（原{fmt(award.amount)}万元）",
                        }
                    )
                    continue
                if award.amount > room:
                    award.explanation += f"；叠加受单个项目{fmt(cap)}万元上限（002 三、11），核减{fmt(award.amount - room)}万元，按{fmt(room)}万元"
                    award.amount = room
                elif len(bundle) > 1:
                    award.explanation += "；与本项目其他技改补助叠加享受（002 三、11）"
                running += award.amount
                kept.append(award)
            if kept:
                units.append(kept)
        units.extend([a] for a in awards if not a.rule.stackable)
    else:
        units = [[a] for a in awards]
    if len(units) <= 1:
        return units[0] if units else []
    best = max(units, key=lambda unit: sum((a.amount for a in unit), ZERO))
    best_total = sum((a.amount for a in best), ZERO)
    best_names = "、".join(a.rule.title for a in best)
    for unit in units:
        if unit is best:
            continue
        for award in unit:
            not_applied.append(
                {
                    "rule": award.rule.id,
                    "reason": (
                        f"就高不重复：本项可得{fmt(_round(award.amount))}万元，"
                        f"已按更高的「{best_names}」{fmt(_round(best_total))}万元执行"
                    ),
                }
            )
    return best


def evaluate_case(policy_set: PolicySet, case: Case) -> dict[str, Any]:
    """Evaluate every rule relevant to the case against the documents in force on its date."""
    documents = policy_set.documents
    stacking_doc = documents.get(STACKING_DOCUMENT)
    ctx = Ctx(case.facts, case.date)
    awards: list[_Award] = []
    not_applied: list[dict[str, str]] = []
    warnings: list[str] = []
    assumptions: list[str] = []
    out_of_force: list[Rule] = []
    assumed_docs: set[str] = set()
    day_iso = case.date.isoformat()

    if case.facts["matter"] == "project":
        _first_set_uplift(ctx, stacking_doc)
    rules = relevant_rules(case.facts)
    for rule in rules:
        doc = documents[rule.document]
        if doc.start_is_setting:
            assumed_docs.add(doc.id)
        if not doc.in_force(ctx.ordinal):
            out_of_force.append(rule)
            continue
        ctx.doc = doc
        try:
            amount, explanation = rule.compute(ctx)
        except NotApplied as exc:
            not_applied.append({"rule": rule.id, "reason": exc.reason})
        except MissingSetting as exc:
            param = exc.parameter
            warnings.append(f"缺少参数「{param.name}」：{param.note}")
            not_applied.append(
                {"rule": rule.id, "reason": f"参数「{param.name}」文件未明确、尚未设置，本规则暂不补助"}
            )
        else:
            awards.append(_Award(rule, amount, explanation))
    for rule in out_of_force:
        doc = documents[rule.document]
        not_applied.append(
            {
                "rule": rule.id,
                "reason": f"事项日期{day_iso}不在{doc.short}《{doc.title}》执行期（{doc.period_label}）内",
            }
        )
    if not rules:
        not_applied.append({"rule": "-", "reason": "没有与该事项对应的奖补规则"})

    stacking = (
        case.facts["matter"] == "project" and stacking_doc is not None and stacking_doc.in_force(ctx.ordinal)
    )
    chosen = _combine(awards, stacking, ctx, stacking_doc, not_applied)
    if "count_ignored" in ctx.flags:
        warnings.append("count 仅用于按个计奖的规则，本项按1项计。")
    tax = _tax_estimates(ctx, stacking_doc, warnings)
    for doc_id in sorted(assumed_docs):
        assumptions.append(documents[doc_id].assumption)

    award_rows = []
    total = ZERO
    for award in chosen:
        amount = _round(award.amount)
        total += amount
        rule = award.rule
        award_rows.append(
            {
                "rule": rule.id,
                "title": rule.title,
                "document": rule.document,
                "source": documents[rule.document].source,
                "clause": rule.clause,
                "amount": amount,
                "explanation": award.explanation,
            }
        )
    trace = [param.trace_rows[index] for param, _value, index in ctx.trace.values()]
    return {
        "id": case.id,
        "date": day_iso,
        "total": total,
        "awards": award_rows,
        "not_applied": not_applied,
        "warnings": warnings,
        "assumptions": assumptions,
        "tax_estimates": tax,
        "trace": trace,
    }


def _value_json(value: ParamValue | None) -> Any:
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, dict):
        return dict(value)
    return [{"min_revenue": low, "amount": amount} for low, amount in value]


@dataclass
class BatchResult:
    results: list[dict[str, Any]]
    errors: list[FactsError]
    rule_version: str


def evaluate_cases(policy_set: PolicySet, raw_cases: Sequence[Mapping[str, Any]]) -> BatchResult:
    """Validate all cases first (every error is reported), then evaluate the valid ones."""
    cases: list[Case] = []
    errors: list[FactsError] = []
    # Results are acyclic dicts and lists: the cyclic collector only rescans them (about a fifth of
    # the run time on big batches), so it is paused for the batch.
    collector_was_on = gc.isenabled()
    gc.disable()
    try:
        for raw in raw_cases:
            try:
                cases.append(parse_case(raw))
            except FactsError as exc:
                errors.append(exc)
        results = [evaluate_case(policy_set, case) for case in cases]
    finally:
        if collector_was_on:
            gc.enable()
    return BatchResult(results=results, errors=errors, rule_version=policy_set.version)


def to_jsonable(value: Any) -> Any:
    """Decimals become strings ("12.5") so no amount passes through float."""
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
