"""亩均效益综合评价 of one county and year: groups, indicators, scores, ranks and classes (pure).

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
- score = Σ terms; ranked by score (to 4 places) descending, ties by 亩均税收 then credit code; with N
  ranked and rank r, class A if r ≤ round(share_A × N), B if r ≤ round(share_B × N), C if r ≤
  round(share_C × N), else D (round half up, exact).

Figures and scores are binary floating point (double): they are ratios, published rounded to 4 places
(about 15 significant digits are exact), and a province-wide evaluation of 60,000 enterprises must run
in well under a second, which Decimal arithmetic in Python does not. The cuts between classes are exact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import Any, NamedTuple

from lianghua.core.collector import collector_paused
from lianghua.rulebook.evaluation import Context, MissingSetting, trace_placeholders
from lianghua.rulebook.parameters import Document

SCORE_PLACES = 4  # scores are published to 4 places, and compared at that precision
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


Figure = float | None


class EnterpriseInput(NamedTuple):
    """One enterprise's figures for the year (None: not reported). A named tuple: a province-wide read
    makes 60,000 of them straight from the database's rows (selectors.mujun_inputs, in this field order:
    a test checks)."""

    enterprise_id: int
    credit_code: str
    name: str
    region: str
    is_above_scale: bool
    land_mu: Figure = None
    tax_wan: Figure = None
    value_added_wan: Figure = None
    energy_tce: Figure = None
    pollutant_t: Figure = None
    employees: Figure = None
    rd_wan: Figure = None
    revenue_wan: Figure = None
    electricity_wan_kwh: Figure = None
    production_started_on: dt.date | None = None
    exemption: str = ""  # an officer's recorded reason not to rank the enterprise this year

    def figure(self, name: str) -> Figure:
        value: Figure = getattr(self, name)
        return value


@dataclass(slots=True)
class Term:
    indicator: str
    value: Figure
    benchmark: Figure
    weight: float
    points: Figure  # None: the enterprise is not ranked
    note: str = ""  # how the points were reached when not by the plain formula (averaged, capped…)


@dataclass(slots=True)
class Scheme:
    """What the terms of one group share: its weighted indicators, their weights and the benchmarks used."""

    codes: list[str]
    weights: list[float]
    benchmarks: list[Figure]


@dataclass(slots=True)
class MujunResult:
    enterprise: EnterpriseInput
    group: str
    reason: str = ""  # why the enterprise is not ranked
    score: Figure = None
    rank: int | None = None
    klass: str | None = None
    scheme: Scheme | None = None
    points: tuple[Figure, ...] = ()  # aligned with scheme.codes; empty: not ranked
    notes: dict[str, str] | None = None  # indicator → how its points were reached, where not plain

    @property
    def ranked(self) -> bool:
        return self.rank is not None

    def value(self, code: str) -> Figure:
        """The enterprise's value of an indicator: numerator ÷ denominator (None without a positive one)."""
        indicator = INDICATOR_BY_CODE[code]
        numerator, denominator = self.enterprise.figure(indicator.numerator), self.enterprise.figure(indicator.denominator)
        return numerator / denominator if numerator is not None and denominator is not None and denominator > 0 else None

    @property
    def terms(self) -> list[Term]:
        """Each weighted indicator's value, benchmark, weight and points (built when asked: a province-wide
        evaluation keeps plain columns)."""
        scheme = self.scheme
        if scheme is None:
            return []
        notes = self.notes or {}
        return [Term(code, self.value(code), scheme.benchmarks[i], scheme.weights[i],
                     self.points[i] if self.points else None, notes.get(code, ""))
                for i, code in enumerate(scheme.codes)]

    def term(self, code: str) -> Term | None:
        return next((t for t in self.terms if t.indicator == code), None)

    def note(self, code: str, text: str) -> None:
        if self.notes is None:
            self.notes = {}
        self.notes[code] = text


@dataclass
class GroupMethod:
    weights: dict[str, float]
    benchmarks: dict[str, float]  # published 基准值 (empty: each from the group's aggregate)
    caps: dict[str, float]
    shares: dict[str, Decimal]  # A, B, C: the cumulative share of ranks up to that class (exact: it cuts ranks)


@dataclass
class MujunMethod:
    year: int
    groups: dict[str, GroupMethod]
    min_land_mu: float
    min_years_in_production: int
    class_names: dict[str, str]
    trace: list[dict[str, Any]]

    @property
    def placeholders(self) -> list[dict[str, Any]]:
        """The parameters used whose values are borrowed until the county sets its own."""
        return trace_placeholders(self.trace)


@dataclass
class MujunEvaluation:
    method: MujunMethod
    results: list[MujunResult]
    benchmarks: dict[str, dict[str, Figure]]  # group → indicator → benchmark used

    def of_group(self, group: str) -> list[MujunResult]:
        return [r for r in self.results if r.group == group]

    def class_counts(self, group: str) -> dict[str, int]:
        counts = dict.fromkeys(CLASSES, 0)
        for result in self.of_group(group):
            if result.klass:
                counts[result.klass] += 1
        return counts


def _floats(table: Mapping[str, Decimal]) -> dict[str, float]:
    return {key: float(value) for key, value in table.items()}


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
        group: GroupMethod(weights=_floats(ctx.table(f"{group}.weights")),
                           benchmarks=_floats(_optional_table(ctx, f"{group}.benchmarks")),
                           caps=_floats(_optional_table(ctx, f"{group}.term_caps")),
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
        year=year, groups=groups, min_land_mu=float(ctx.num("below.min_land_mu")),
        min_years_in_production=int(ctx.num("exempt.min_years_in_production")),
        class_names=dict(class_names), trace=ctx.trace_rows(),
    )


def _text(value: float) -> str:
    return f"{value:g}"


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
        return SMALL, f"规下企业，用地{_text(land)}亩，不足{_text(method.min_land_mu)}亩，列出不排名"
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


Column = list[Figure]


def _column(enterprises: list[EnterpriseInput], indicator: Indicator) -> Column:
    """The indicator's value for each enterprise: numerator ÷ denominator, None without a positive
    denominator (one list comprehension per indicator: the hot loop of a province-wide evaluation)."""
    numerators = map(attrgetter(indicator.numerator), enterprises)
    denominators = map(attrgetter(indicator.denominator), enterprises)
    return [n / d if n is not None and d is not None and d > 0 else None for n, d in zip(numerators, denominators, strict=True)]


def _benchmark(enterprises: list[EnterpriseInput], values: Column, indicator: Indicator) -> Figure:
    """The group's aggregate: Σ numerator ÷ Σ denominator over the ranked enterprises with a value."""
    having = [e for e, v in zip(enterprises, values, strict=True) if v is not None]
    total_denominator = sum(map(attrgetter(indicator.denominator), having))
    return sum(map(attrgetter(indicator.numerator), having)) / total_denominator if total_denominator > 0 else None


def _points(ranked: list[MujunResult], values: Column, code: str, weight: float, benchmark: Figure,
            cap: float | None) -> list[float]:
    """One indicator's points for every ranked enterprise (notes where the plain formula did not apply)."""
    if not benchmark:
        for result, value in zip(ranked, values, strict=True):
            if value is not None:
                result.note(code, "基准值为0或无基准值，本项不计分")
        return [0.0] * len(ranked)
    scale = weight / benchmark
    column = [0.0 if v is None else v * scale for v in values]
    if cap is not None:
        for i, points in enumerate(column):
            if points > cap:
                column[i] = cap
                ranked[i].note(code, f"超过单项上限，按{_text(cap)}分计")
    if code in AVERAGED_WHEN_MISSING:
        having = [p for p, v in zip(column, values, strict=True) if v is not None]
        average = sum(having) / len(having) if having else 0.0
        note = "无排放数据，按本组有数据企业的平均得分计" if having else "本组企业均无排放数据，本项不计分"
        for i, value in enumerate(values):
            if value is None:
                column[i] = average
                ranked[i].note(code, note)
    return column


def _score_group(results: list[MujunResult], method: GroupMethod) -> tuple[Scheme, list[MujunResult]]:
    """Score, rank and class the group's results in place; returns what their terms share and the ranked
    results in rank order."""
    weighted = [INDICATOR_BY_CODE[code] for code, weight in method.weights.items() if weight != 0]
    enterprises = [r.enterprise for r in results]
    columns = {i.code: _column(enterprises, i) for i in weighted}
    tax_per_mu = columns["mu_tax"] if "mu_tax" in columns else _column(enterprises, INDICATOR_BY_CODE["mu_tax"])
    for indicator in weighted:
        if indicator.code in AVERAGED_WHEN_MISSING:
            continue
        for index in [i for i, value in enumerate(columns[indicator.code]) if value is None]:
            result = results[index]
            missing = _missing_text(result.enterprise, indicator)
            result.reason = f"{result.reason}、{missing}" if result.reason else f"数据不全，不参加排名：{missing}"
    at = [i for i, r in enumerate(results) if not r.reason]
    ranked = [results[i] for i in at]
    ranked_enterprises = [r.enterprise for r in ranked]
    ranked_columns = columns if len(at) == len(results) else {code: [column[i] for i in at]
                                                              for code, column in columns.items()}
    benchmarks = {i.code: method.benchmarks[i.code] if i.code in method.benchmarks
                  else _benchmark(ranked_enterprises, ranked_columns[i.code], i) for i in weighted}
    scheme = Scheme(codes=[i.code for i in weighted], weights=[method.weights[i.code] for i in weighted],
                    benchmarks=[benchmarks[i.code] for i in weighted])
    points = [_points(ranked, ranked_columns[i.code], i.code, method.weights[i.code], benchmarks[i.code],
                      method.caps.get(i.code)) for i in weighted]
    rows = list(zip(*points, strict=True)) if points else [()] * len(ranked)
    scores = list(map(sum, rows))
    # Scores compare as published (4 places), so a tie is one an officer sees; then 亩均税收, then the code.
    order = sorted(zip([-round(x, SCORE_PLACES) for x in scores], [-(tax_per_mu[i] or 0.0) for i in at],
                       [e.credit_code for e in ranked_enterprises], range(len(ranked)), strict=True))
    cuts = [int((method.shares[k] * len(ranked)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for k in "ABC"]
    in_order = []
    for rank, (_, _, _, position) in enumerate(order, start=1):
        result = ranked[position]
        result.points, result.score, result.rank, result.scheme = rows[position], scores[position], rank, scheme
        result.klass = "A" if rank <= cuts[0] else "B" if rank <= cuts[1] else "C" if rank <= cuts[2] else "D"
        in_order.append(result)
    for result in results:
        if result.reason:
            result.scheme = scheme
    return scheme, in_order


def mujun_evaluate(enterprises: Iterable[EnterpriseInput], method: MujunMethod) -> MujunEvaluation:
    with collector_paused():  # tens of thousands of acyclic results: see core/collector.py
        return _evaluate(enterprises, method)


def _evaluate(enterprises: Iterable[EnterpriseInput], method: MujunMethod) -> MujunEvaluation:
    by_group: dict[str, list[MujunResult]] = {ABOVE: [], BELOW: [], SMALL: [], EXEMPT: []}
    for enterprise in enterprises:
        group, reason = _group_of(enterprise, method)
        by_group[group].append(MujunResult(enterprise, group, reason))
    schemes, results = {}, []
    for group in RANKED_GROUPS:
        schemes[group], in_order = _score_group(by_group[group], method.groups[group])
        results += in_order + sorted((r for r in by_group[group] if r.rank is None), key=_code)
    for group in (SMALL, EXEMPT):
        listed = sorted(by_group[group], key=_code)
        for result in listed:  # their values of the indicators weighed in the group they would be in
            result.scheme = schemes[ABOVE if result.enterprise.is_above_scale else BELOW]
        results += listed
    benchmarks = {group: dict(zip(scheme.codes, scheme.benchmarks, strict=True)) for group, scheme in schemes.items()}
    return MujunEvaluation(method=method, results=results, benchmarks=benchmarks)


def _code(result: MujunResult) -> str:
    return result.enterprise.credit_code
