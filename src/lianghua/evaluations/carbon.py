"""工业碳效码 of a region's 规上 enterprises for a year (pure).

Per enterprise: its CO2 — given (二氧化碳排放), or computed from its energy use by carrier with the dated,
cited factors of data/evaluations/emission-factors.yaml (electricity at the year's published grid
factor; coal, natural gas, diesel, bought heat at theirs), saying which; L = CO2 ÷ 工业增加值 (吨/万元);
the industry's L over the evaluated region's enterprises of the same GB/T 4754 division (Σ CO2 ÷ Σ 增加值);
K = L ÷ industry L; the grade 1 (best) to 5 by K and the band 低碳 / 中碳 / 高碳 by L, with the cuts of
data/evaluations/carbon-zhejiang.yaml (DB33/T 1347-2023 governs; its table is replaceable).
An enterprise without CO2 (given or computable), without value added or without an industry is listed
with the reason. Figures are doubles (ratios published to 4 places), as in the 亩均 evaluation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from lianghua.core.collector import collector_paused
from lianghua.rulebook.evaluation import Context, trace_placeholders
from lianghua.rulebook.parameters import Document

Figure = float | None
MWH_PER_WAN_KWH = 10.0  # 1 万千瓦时 = 10 MWh
GRADES = (1, 2, 3, 4, 5)
# By grade, dark green → red: the usual display (domain-facts §2 [U]: no source fixes the colours).
GRADE_COLOURS = {1: "#1b7f3b", 2: "#66b032", 3: "#e0b000", 4: "#ec7a08", 5: "#c62828"}
# The energy carriers a CO2 figure may be computed from: (input field, factor parameter, label).
CARRIERS = (
    ("electricity_wan_kwh", "electricity", "用电"),
    ("coal_t", "coal", "原煤"),
    ("natural_gas_wan_m3", "natural_gas", "天然气"),
    ("diesel_t", "diesel", "柴油"),
    ("heat_gj", "heat", "外购热力"),
)


@dataclass(frozen=True, slots=True)
class CarbonInput:
    """One 规上 enterprise's figures for the year (None: not reported)."""

    enterprise_id: int
    credit_code: str
    name: str
    region: str
    industry: str  # GB/T 4754 division code, "" when unknown
    industry_name: str
    value_added_wan: Figure = None
    co2_t: Figure = None
    electricity_wan_kwh: Figure = None
    coal_t: Figure = None
    natural_gas_wan_m3: Figure = None
    diesel_t: Figure = None
    heat_gj: Figure = None


@dataclass(slots=True)
class CarbonResult:
    enterprise: CarbonInput
    co2: Figure = None
    co2_source: str = ""  # 企业填报 / 按能耗折算（用电、天然气）
    intensity: Figure = None  # L, 吨/万元
    industry_intensity: Figure = None
    k: Figure = None
    grade: int | None = None
    band: str | None = None
    reason: str = ""  # why it has no grade


@dataclass
class CarbonMethod:
    year: int
    factors: dict[str, float]  # factor parameter → value (electricity in t/MWh)
    k_bounds: list[tuple[int, float]]  # (grade, upper bound of K), ascending
    l_bounds: list[tuple[str, float]]  # (band, upper bound of L), ascending; above the last: 高碳
    trace: list[dict[str, Any]]

    @property
    def placeholders(self) -> list[dict[str, Any]]:
        """The parameters used whose values are borrowed until the county sets its own."""
        return trace_placeholders(self.trace)


@dataclass
class IndustryFigure:
    code: str
    name: str
    intensity: Figure
    enterprises: int
    grades: dict[int, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))


@dataclass
class CarbonEvaluation:
    method: CarbonMethod
    results: list[CarbonResult]
    industries: dict[str, IndustryFigure]

    def grade_counts(self) -> dict[int, int]:
        counts = dict.fromkeys(GRADES, 0)
        for result in self.results:
            if result.grade is not None:
                counts[result.grade] += 1
        return counts


def carbon_method_read(grading: Document, factors: Document, year: int) -> CarbonMethod:
    """The cuts and the factors in force at the end of `year`, read through the tracing context (the
    electricity factor of the year itself, or the latest one published before it)."""
    ctx = Context({}, dt.date(year, 12, 31))
    ctx.doc = grading
    k_table = ctx.table("grade.k_upper_bounds")
    l_table = ctx.table("level.l_upper_bounds")
    ctx.doc = factors
    read = {parameter: float(ctx.num(parameter)) for _, parameter, _ in CARRIERS}
    k_bounds = sorted(((int(grade), float(bound)) for grade, bound in k_table.items()), key=lambda g: g[1])
    if [grade for grade, _ in k_bounds] != [1, 2, 3, 4]:
        raise ValueError("碳效等级的K上限须为 1、2、3、4 级四项（5级为其余）")
    l_bounds = sorted(((band, float(bound)) for band, bound in l_table.items()), key=lambda b: b[1])
    return CarbonMethod(year=year, factors=read, k_bounds=k_bounds, l_bounds=l_bounds, trace=ctx.trace_rows())


def _co2(enterprise: CarbonInput, factors: dict[str, float]) -> tuple[Figure, str]:
    if enterprise.co2_t is not None:
        return enterprise.co2_t, "企业填报"
    total, used = 0.0, []
    for attribute, parameter, label in CARRIERS:
        amount = getattr(enterprise, attribute)
        if amount is None:
            continue
        factor = factors[parameter] * (MWH_PER_WAN_KWH if parameter == "electricity" else 1.0)
        total += amount * factor
        used.append(label)
    if not used:
        return None, ""
    return total, f"按能耗折算（{'、'.join(used)}）"


def _grade(k: float, bounds: list[tuple[int, float]]) -> int:
    for grade, upper in bounds:
        if k <= upper:
            return grade
    return 5


def _band(intensity: float, bounds: list[tuple[str, float]]) -> str:
    for band, upper in bounds:
        if intensity <= upper:
            return band
    return "高碳"


def carbon_evaluate(enterprises: list[CarbonInput], method: CarbonMethod) -> CarbonEvaluation:
    with collector_paused():  # tens of thousands of acyclic results: see core/collector.py
        return _evaluate(enterprises, method)


def _evaluate(enterprises: list[CarbonInput], method: CarbonMethod) -> CarbonEvaluation:
    results = []
    sums: dict[str, list[float]] = {}  # industry → [Σ CO2, Σ value added, enterprises]
    names: dict[str, str] = {}
    for enterprise in enterprises:
        co2, source = _co2(enterprise, method.factors)
        result = CarbonResult(enterprise, co2, source)
        value_added = enterprise.value_added_wan
        if co2 is None:
            result.reason = "缺少二氧化碳排放，也无分品种能耗可折算"
        elif value_added is None or value_added <= 0:
            result.reason = "缺少工业增加值（或不大于0）"
        else:
            result.intensity = co2 / value_added
            result.band = _band(result.intensity, method.l_bounds)
            if not enterprise.industry:
                result.reason = "缺少行业代码，无法与行业平均比较"
            else:
                totals = sums.setdefault(enterprise.industry, [0.0, 0.0, 0.0])
                totals[0] += co2
                totals[1] += value_added
                totals[2] += 1
                names[enterprise.industry] = enterprise.industry_name
        results.append(result)
    industries = {code: IndustryFigure(code, names[code], co2 / value_added if value_added > 0 else None, int(n))
                  for code, (co2, value_added, n) in sums.items()}
    for result in results:
        industry = industries.get(result.enterprise.industry)
        intensity = result.intensity
        if industry is None or intensity is None or result.reason:
            continue
        result.industry_intensity = industry.intensity
        if not industry.intensity:
            result.reason = "本行业单位增加值碳排放为0，无法计算碳效值"
            continue
        result.k = k = intensity / industry.intensity
        result.grade = _grade(k, method.k_bounds)
        industry.grades[result.grade] += 1
    results.sort(key=lambda r: (r.grade is None, r.enterprise.industry, r.k if r.k is not None else 0.0,
                                r.enterprise.credit_code))
    return CarbonEvaluation(method=method, results=results,
                            industries=dict(sorted(industries.items())))


def grade_label(grade: int | None) -> str:
    return f"{grade}级" if grade else "未评级"

