"""亩均效益综合评价 of one county and year: groups, indicators, scores, ranks and classes (pure, exact).

The method's numbers are the rulebook's (data/evaluations/mujun-zhejiang.yaml, read through a tracing
Context, so each result carries the parameters it used with their dates and clauses):

- groups: 规上 enterprises, ranked; 规下 enterprises using at least `below.min_land_mu` 亩, ranked apart;
  规下 under that, listed and not ranked; enterprises exempt from ranking (in production for less than
  `exempt.min_years_in_production` years at the year's end, or an exemption an officer recorded) listed
  apart with the reason;
- indicator value = numerator ÷ denominator (亩均税收 = 税收 ÷ 用地面积 …); a zero or missing denominator
  gives no value;
- benchmark = the county's published 基准值 where set, else the group's own aggregate: Σ numerator ÷
  Σ denominator over the group's ranked enterprises that have both;
- term = weight × value ÷ benchmark, capped where a cap is set; an enterprise without emission data gets
  the group's average term for 单位排放增加值; any other weighted value missing leaves the enterprise
  unranked with the reason;
- score = Σ terms; ranked by score (to 4 places) descending, ties by 亩均税收 then credit code; with N ranked and rank
  r, class A if r ≤ round(share_A × N), B if r ≤ round(share_B × N), C if r ≤ round(share_C × N), else D
  (round half up).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from lianghua.rulebook.evaluation import Context, MissingSetting
from lianghua.rulebook.parameters import Document

ZERO = Decimal(0)
SCORE_QUANTUM = Decimal("0.0001")
ABOVE, BELOW, SMALL, EXEMPT = "above", "below", "small", "exempt"
GROUP_LABELS = {ABOVE: "规上企业", BELOW: "规下企业（用地达标）", SMALL: "规下企业（用地不足）", EXEMPT: "不参加排名"}
RANKED_GROUPS = (ABOVE, BELOW)
CLASSES = ("A", "B", "C", "D")
# The term that an enterprise without the data gets at the group's average (the method's rule), by code.
AVERAGED_WHEN_MISSING = ("emission_productivity",)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str
    numerator: str  # an EnterpriseInput field
    denominator: str
    numerator_label: str
    denominator_label: str


INDICATORS = (
    Indicator("mu_tax", "亩均税收", "万元/亩", "tax_wan", "land_mu", "税收(万元)", "用地面积(亩)"),
    Indicator("mu_value_added", "亩均增加值", "万元/亩", "value_added_wan", "land_mu", "工业增加值(万元)", "用地面积(亩)"),
    Indicator("energy_productivity", "单位能耗增加值", "万元/吨标准煤", "value_added_wan", "energy_tce",
              "工业增加值(万元)", "综合能耗(吨标准煤，等价值)"),
    Indicator("emission_productivity", "单位排放增加值", "万元/吨", "value_added_wan", "pollutant_t",
              "工业增加值(万元)", "主要污染物排放(吨)"),
    Indicator("labour_productivity", "全员劳动生产率", "万元/人", "value_added_wan", "employees",
              "工业增加值(万元)", "年均职工人数"),
    Indicator("rd_intensity", "R&D经费占营业收入比", "%", "rd_wan", "revenue_wan", "研发经费(万元)", "营业收入(万元)"),
    Indicator("electricity_tax", "单位电耗税收", "万元/万千瓦时", "tax_wan", "electricity_wan_kwh", "税收(万元)",
              "用电量(万千瓦时)"),
)
INDICATOR_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
SHARES = frozenset({"rd_intensity"})  # values that are shares of a whole, shown as percentages


@dataclass(frozen=True)
class EnterpriseInput:
    """One enterprise's figures for the year (None: not reported)."""

    enterprise_id: int
    credit_code: str
    name: str
    region: str
    is_above_scale: bool
    land_mu: Decimal | None = None
    tax_wan: Decimal | None = None
    value_added_wan: Decimal | None = None
    energy_tce: Decimal | None = None
    pollutant_t: Decimal | None = None
    employees: Decimal | None = None
    rd_wan: Decimal | None = None
    revenue_wan: Decimal | None = None
    electricity_wan_kwh: Decimal | None = None
    production_started_on: dt.date | None = None
    exemption: str = ""  # an officer's recorded reason not to rank the enterprise this year

    def figure(self, name: str) -> Decimal | None:
        value: Decimal | None = getattr(self, name)
        return value


@dataclass
class Term:
    indicator: str
    value: Decimal | None
    benchmark: Decimal | None
    weight: Decimal
    points: Decimal | None  # None: the enterprise is not ranked
    note: str = ""  # how the points were reached when not by the plain formula (averaged, capped…)


@dataclass
class MujunResult:
    enterprise: EnterpriseInput
    group: str
    terms: list[Term] = field(default_factory=list)
    score: Decimal | None = None
    rank: int | None = None
    klass: str | None = None
    reason: str = ""  # why the enterprise is not ranked

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    def term(self, code: str) -> Term | None:
        return next((t for t in self.terms if t.indicator == code), None)


@dataclass
class GroupMethod:
    weights: dict[str, Decimal]
    benchmarks: dict[str, Decimal]  # published 基准值 (empty: each from the group's aggregate)
    caps: dict[str, Decimal]
    shares: dict[str, Decimal]  # A, B, C: the cumulative share of ranks up to that class


@dataclass
class MujunMethod:
    year: int
    groups: dict[str, GroupMethod]
    min_land_mu: Decimal
    min_years_in_production: int
    class_names: dict[str, str]
    trace: list[dict[str, Any]]

    @property
    def placeholders(self) -> list[dict[str, Any]]:
        """The parameters used whose values are borrowed until the county sets its own."""
        return [row for row in self.trace if row.get("placeholder")]


@dataclass
class MujunEvaluation:
    method: MujunMethod
    results: list[MujunResult]
    benchmarks: dict[str, dict[str, Decimal | None]]  # group → indicator → benchmark used

    def of_group(self, group: str) -> list[MujunResult]:
        return [r for r in self.results if r.group == group]

    def class_counts(self, group: str) -> dict[str, int]:
        counts = dict.fromkeys(CLASSES, 0)
        for result in self.of_group(group):
            if result.klass:
                counts[result.klass] += 1
        return counts


def _optional_table(ctx: Context, key: str) -> dict[str, Decimal]:
    """A table parameter a county may leave unset (benchmarks, caps): {} when it has."""
    try:
        return dict(ctx.table(key))
    except MissingSetting:
        return {}


def method_read(document: Document, year: int, class_names: Mapping[str, str]) -> MujunMethod:
    """The method in force at the end of `year`, every parameter read through the tracing context."""
    ctx = Context({}, dt.date(year, 12, 31))
    ctx.doc = document
    groups = {
        group: GroupMethod(weights=dict(ctx.table(f"{group}.weights")),
                           benchmarks=_optional_table(ctx, f"{group}.benchmarks"),
                           caps=_optional_table(ctx, f"{group}.term_caps"),
                           shares=dict(ctx.table(f"{group}.class_shares")))
        for group in RANKED_GROUPS
    }
    for group, method in groups.items():
        unknown = set(method.weights) | set(method.benchmarks) | set(method.caps)
        unknown -= set(INDICATOR_BY_CODE)
        if unknown:
            raise ValueError(f"{GROUP_LABELS[group]}的评价参数含未知指标：{'、'.join(sorted(unknown))}")
        if set(method.shares) != {"A", "B", "C"}:
            raise ValueError(f"{GROUP_LABELS[group]}的分档比例须为 A、B、C 三项")
    return MujunMethod(
        year=year, groups=groups, min_land_mu=ctx.num("below.min_land_mu"),
        min_years_in_production=int(ctx.num("exempt.min_years_in_production")),
        class_names=dict(class_names), trace=ctx.trace_rows(),
    )


def _value(enterprise: EnterpriseInput, indicator: Indicator) -> Decimal | None:
    numerator, denominator = enterprise.figure(indicator.numerator), enterprise.figure(indicator.denominator)
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return numerator / denominator


def _group_of(enterprise: EnterpriseInput, method: MujunMethod) -> tuple[str, str]:
    """(group, reason it is not ranked, "" when it may be)."""
    if enterprise.exemption:
        return EXEMPT, enterprise.exemption
    started = enterprise.production_started_on
    years = method.min_years_in_production
    if started is not None and started > dt.date(method.year - years, 12, 31):
        return EXEMPT, f"{started:%Y年%-m月}投产，至{method.year}年末投产不满{years}年"
    if enterprise.is_above_scale:
        return ABOVE, ""
    land = enterprise.land_mu
    if land is None:
        return SMALL, "规下企业，缺少用地面积，无法确定是否参加排名"
    if land < method.min_land_mu:
        return SMALL, f"规下企业，用地{land.normalize():f}亩，不足{method.min_land_mu.normalize():f}亩，列出不排名"
    return BELOW, ""


def class_of(rank: int, ranked: int, shares: Mapping[str, Decimal]) -> str:
    for klass in ("A", "B", "C"):
        if rank <= int((shares[klass] * ranked).quantize(Decimal(1), rounding=ROUND_HALF_UP)):
            return klass
    return "D"


def _missing_text(enterprise: EnterpriseInput, indicator: Indicator) -> str:
    denominator = enterprise.figure(indicator.denominator)
    if enterprise.figure(indicator.numerator) is None:
        return f"缺少{indicator.numerator_label}"
    if denominator is None:
        return f"缺少{indicator.denominator_label}"
    return f"{indicator.denominator_label}为0"


def _score_group(results: list[MujunResult], method: GroupMethod) -> dict[str, Decimal | None]:
    weighted = [INDICATOR_BY_CODE[code] for code, weight in method.weights.items() if weight != 0]
    for result in results:
        missing = [_missing_text(result.enterprise, i) for i in weighted
                   if i.code not in AVERAGED_WHEN_MISSING and _value(result.enterprise, i) is None]
        if missing:
            result.reason = "数据不全，不参加排名：" + "、".join(missing)
    ranked = [r for r in results if not r.reason]
    benchmarks: dict[str, Decimal | None] = {}
    for indicator in weighted:
        if indicator.code in method.benchmarks:
            benchmarks[indicator.code] = method.benchmarks[indicator.code]
            continue
        having = [r.enterprise for r in ranked if _value(r.enterprise, indicator) is not None]
        total_numerator = sum((e.figure(indicator.numerator) or ZERO for e in having), ZERO)
        total_denominator = sum((e.figure(indicator.denominator) or ZERO for e in having), ZERO)
        benchmarks[indicator.code] = total_numerator / total_denominator if total_denominator > 0 else None
    for indicator in weighted:
        weight, benchmark, cap = method.weights[indicator.code], benchmarks[indicator.code], method.caps.get(indicator.code)
        scored: list[Term] = []
        for result in ranked:
            value = _value(result.enterprise, indicator)
            term = Term(indicator.code, value, benchmark, weight, ZERO)
            if value is not None and benchmark:
                term.points = weight * value / benchmark
                if cap is not None and term.points > cap:
                    term.points, term.note = cap, f"超过单项上限，按{cap.normalize():f}分计"
                scored.append(term)
            elif value is not None:
                term.note = "基准值为0或无基准值，本项不计分"
            result.terms.append(term)
        if indicator.code in AVERAGED_WHEN_MISSING:
            average = sum((t.points or ZERO for t in scored), ZERO) / len(scored) if scored else ZERO
            for result in ranked:
                term = result.terms[-1]
                if term.value is None:
                    term.points = average
                    term.note = ("无排放数据，按本组有数据企业的平均得分计" if scored
                                 else "本组企业均无排放数据，本项不计分")
    for result in ranked:
        result.score = sum((t.points or ZERO for t in result.terms), ZERO)
    for result in results:
        if result.reason:
            result.terms = _values_only(result.enterprise, method, benchmarks)
    # Scores compare as published (4 places), so a tie is one an officer sees; then 亩均税收, then the code.
    order = sorted(ranked, key=lambda r: (-(r.score or ZERO).quantize(SCORE_QUANTUM, rounding=ROUND_HALF_UP),
                                          -(_value(r.enterprise, INDICATOR_BY_CODE["mu_tax"]) or ZERO),
                                          r.enterprise.credit_code))
    for rank, result in enumerate(order, start=1):
        result.rank = rank
        result.klass = class_of(rank, len(order), method.shares)
    return benchmarks


def _values_only(enterprise: EnterpriseInput, method: GroupMethod,
                 benchmarks: Mapping[str, Decimal | None]) -> list[Term]:
    """An unranked enterprise's indicator values, shown beside the ranked ones (no points)."""
    return [Term(code, _value(enterprise, INDICATOR_BY_CODE[code]), benchmarks.get(code), weight, None)
            for code, weight in method.weights.items() if weight != 0]


def mujun_evaluate(enterprises: Iterable[EnterpriseInput], method: MujunMethod) -> MujunEvaluation:
    results = []
    for enterprise in enterprises:
        group, reason = _group_of(enterprise, method)
        results.append(MujunResult(enterprise=enterprise, group=group, reason=reason))
    benchmarks = {group: _score_group([r for r in results if r.group == group], method.groups[group])
                  for group in RANKED_GROUPS}
    for result in results:
        if result.group in (SMALL, EXEMPT):
            like = ABOVE if result.enterprise.is_above_scale else BELOW
            result.terms = _values_only(result.enterprise, method.groups[like], benchmarks[like])
    group_order = {group: i for i, group in enumerate((ABOVE, BELOW, SMALL, EXEMPT))}
    results.sort(key=lambda r: (group_order[r.group], r.rank is None, r.rank or 0, r.enterprise.credit_code))
    return MujunEvaluation(method=method, results=results, benchmarks=benchmarks)
