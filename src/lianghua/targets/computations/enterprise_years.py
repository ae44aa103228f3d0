"""The computations over the enterprises' yearly figures: coverage rates (数字化水平覆盖率 and 在线诊断覆盖率 of
规上 enterprises, 绿色工厂覆盖率 of 重点用能 enterprises) and the ratios 亩均增加值, 亩均税收, 全员劳动生产率.
Each reads the latest year up to the target's year that has figures (the data year) and is a stock.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.lookups import GreaterThanOrEqual

from lianghua.enterprises.models import Credential, DigitalLevel, EnterpriseYear
from lianghua.enterprises.selectors import enterprise_years_visible_to
from lianghua.evaluations.models import Diagnosis

from .. import progress_math as pm
from ..computation import (
    ENTERPRISE_COLUMNS,
    ENTERPRISES,
    LEVEL_LABELS,
    MONEY_SUM,
    Actuals,
    Computation,
    FlowCount,
    Measure,
    ProgressRecords,
    RecordsAsk,
    RegionFold,
    enterprise_fields,
    number_text,
    rows_of,
    stock_counted,
)
from .credentials import credential_valid_on_q, level_rank


def latest_digital_level_at_least_q(min_level: Decimal, day: dt.date) -> Q:
    """The enterprise's latest digital level assessed on or before `day` is ≥ min_level (for rows
    with an `enterprise_id`).

    A scalar subquery (ORDER BY date DESC LIMIT 1) is looked up per row through the (enterprise, date)
    index on both databases (PostgreSQL would otherwise hash every assessment of the province). Levels
    have one decimal, so they are compared in tenths as integers: no text/number affinity questions in
    SQLite, where a bound Decimal is text.
    """
    latest_tenths = Subquery(
        DigitalLevel.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__lte=day)
        .order_by("-assessed_on").annotate(tenths=F("level") * 10).values("tenths")[:1],
        output_field=IntegerField())
    return Q(GreaterThanOrEqual(latest_tenths, Value(int(min_level * 10), output_field=IntegerField())))


def green_factory_held_q(min_level: str, day: dt.date) -> Q:
    """The enterprise-year's enterprise holds a green-factory credential ≥ min on `day` (a join:
    count distinct rows)."""
    prefix = "enterprise__credentials__"
    return (Q(**{f"{prefix}kind__code": "green_factory", f"{prefix}level_rank__gte": level_rank(min_level)})
            & credential_valid_on_q(day, prefix))


def diagnosed_in_year_q(day: dt.date) -> Q:
    """The enterprise-year's enterprise had an online diagnosis in `day`'s year, on or before `day`."""
    return Q(Exists(Diagnosis.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__year=day.year,
                                             assessed_on__lte=day)))


COVERAGE_POPULATION = {"digital_level_coverage": "is_above_scale", "green_factory_coverage": "is_key_energy",
                       "diagnosis_coverage": "is_above_scale"}


def coverage_hit_q(computation: str, params: dict[str, Any], day: dt.date) -> Q:
    if computation == "digital_level_coverage":
        return latest_digital_level_at_least_q(Decimal(str(params.get("min_level", "2.0"))), day)
    if computation == "diagnosis_coverage":
        return diagnosed_in_year_q(day)
    return green_factory_held_q(params.get("min_level", "municipal"), day)


# 亩均 and productivity: (numerator field, denominator field).
RATIO_FIELDS = {
    "mujun_value_added": ("value_added_wan", "land_mu"),
    "mujun_tax": ("tax_wan", "land_mu"),
    "labour_productivity": ("value_added_wan", "employees"),
    "energy_intensity": ("energy_tce", "value_added_wan"),  # 吨标煤 / 万元 (万元增加值能耗)
    "rd_intensity": ("rd_wan", "revenue_wan"),  # % (研发费用相当于营业收入的比重)
}
RATIO_SCALE = {"rd_intensity": pm.HUNDRED}  # the others are plain quotients
RATIO_LABELS = {"value_added_wan": "工业增加值(万元)", "tax_wan": "税收(万元)", "land_mu": "用地面积(亩)",
                "employees": "年均职工人数", "energy_tce": "综合能耗(吨标准煤)", "rd_wan": "研发费用(万元)",
                "revenue_wan": "营业收入(万元)"}


def ratio_rows_q(computation: str) -> Q:
    numerator, denominator = RATIO_FIELDS[computation]
    return Q(is_above_scale=True, **{f"{numerator}__isnull": False, f"{denominator}__gt": 0})


def data_year_pick(per_year: dict[int, dict[str, Decimal]], denominator: str) -> int | None:
    """The latest year (≤ the target's year; rows were filtered so) whose denominator is positive."""
    years = [y for y, sums in per_year.items() if sums[denominator] > 0]
    return max(years) if years else None


# ── counts ──

def _ratio_by_data_year(totals: dict[str, dict[int, dict[str, Decimal]]], scale: Decimal,
                        numerator: str = "num", denominator: str = "den") -> Actuals:
    """Each target region's numerator ÷ denominator in its data year (`data_year_pick`)."""
    result: Actuals = {}
    for code, per_year in totals.items():
        data_year = data_year_pick(per_year, denominator)
        if data_year is None:
            result[code] = Measure(value=None)
        else:
            sums = per_year[data_year]
            result[code] = Measure(value=pm.ratio(sums[numerator], sums[denominator], scale=scale), data_year=data_year)
    return result


def _coverage(computation: str, params: dict[str, Any], window: pm.Window, year: int, fold: RegionFold) -> Actuals:
    population = COVERAGE_POPULATION[computation]
    rows = (EnterpriseYear.objects
            .filter(fold.enterprises_q("enterprise__"), year__lte=year, **{population: True})
            .values("enterprise__region_id", "year")
            .annotate(den=Count("id", distinct=True),
                      num=Count("id", distinct=True, filter=coverage_hit_q(computation, params, window.end)))
            .order_by())
    return _ratio_by_data_year(fold.add_up_by_year(rows, "enterprise__region_id", ("num", "den")), pm.HUNDRED)


def _ratio_totals(year: int, fold: RegionFold) -> dict[str, dict[int, dict[str, Decimal]]]:
    """Per target region and year up to `year`, every ratio's numerator and denominator summed over its
    rows (`ratio_rows_q`): one query and one pass for all the ratios, kept on the fold, which serves the
    other ratio indicators of one progress computation and their base years."""
    kept = fold.memo.get("ratio_totals")
    if kept is None or kept[0] < year:
        sums = {}
        for name, (numerator, denominator) in RATIO_FIELDS.items():
            sums[f"{name}__num"] = Sum(numerator, filter=ratio_rows_q(name), output_field=MONEY_SUM)
            sums[f"{name}__den"] = Sum(denominator, filter=ratio_rows_q(name), output_field=MONEY_SUM)
        rows = (EnterpriseYear.objects.filter(fold.enterprises_q("enterprise__"), year__lte=year, is_above_scale=True)
                .values("enterprise__region_id", "year").annotate(**sums).order_by())
        kept = fold.memo["ratio_totals"] = (year, fold.add_up_by_year(rows, "enterprise__region_id", tuple(sums)))
    return {code: {y: sums for y, sums in per_year.items() if y <= year} for code, per_year in kept[1].items()}


def _per_land_or_head(computation: str, year: int, fold: RegionFold) -> Actuals:
    return _ratio_by_data_year(_ratio_totals(year, fold), RATIO_SCALE.get(computation, pm.ONE),
                               f"{computation}__num", f"{computation}__den")


# ── records ──

def coverage_records(ask: RecordsAsk) -> ProgressRecords:
    """The region's population that year (规上 or 重点用能 enterprises), each marked whether it counts."""
    user, computation, params, region, year, window = (ask.user, ask.computation, ask.params, ask.region,
                                                       ask.year, ask.window)
    common = ask.common
    population = COVERAGE_POPULATION[computation]
    years = (enterprise_years_visible_to(user)
             .filter(**ask.in_region, year__lte=year, **{population: True}))
    data_year = years.order_by("-year").values_list("year", flat=True).first()
    who = "规上工业企业" if population == "is_above_scale" else "重点用能企业"
    if data_year is None:
        return ProgressRecords(kind=ENTERPRISES, rows=[], total=None, columns=ENTERPRISE_COLUMNS,
                               explanation=f"{region.name}无{year}年及以前的{who}名单，无数据。",
                               factor=pm.HUNDRED, **common)
    chosen = years.filter(year=data_year)
    hit_ids = set(chosen.filter(coverage_hit_q(computation, params, window.end)).values_list("pk", flat=True))
    if computation == "digital_level_coverage":
        min_level = Decimal(str(params.get("min_level", "2.0")))
        latest = (DigitalLevel.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__lte=window.end)
                  .order_by("-assessed_on"))
        chosen = chosen.annotate(level=Subquery(latest.values("level")[:1]),
                                 assessed_on=Subquery(latest.values("assessed_on")[:1]))
        extra_fields = {"level": "level", "assessed_on": "assessed_on"}
        extra_columns = [("level", "最近评定数字化水平"), ("assessed_on", "评定日期")]
        rule = f"数字化水平（{window.end} 及以前最近一次评定）达到 {min_level} 及以上"
    elif computation == "diagnosis_coverage":
        diagnosed = (Diagnosis.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__year=window.end.year,
                                              assessed_on__lte=window.end).order_by("-assessed_on"))
        chosen = chosen.annotate(assessed_on=Subquery(diagnosed.values("assessed_on")[:1]),
                                 score=Subquery(diagnosed.values("score")[:1]))
        extra_fields = {"assessed_on": "assessed_on", "score": "score"}
        extra_columns = [("assessed_on", "诊断日期"), ("score", "诊断得分")]
        rule = f"{window.end.year}年（至{window.end}）完成在线数字化诊断"
    else:
        min_level = params.get("min_level", "municipal")
        best = (Credential.objects.filter(enterprise=OuterRef("enterprise_id"), kind__code="green_factory")
                .filter(credential_valid_on_q(window.end)).order_by("-level_rank"))
        chosen = chosen.annotate(level=Subquery(best.values("level")[:1]))
        extra_fields = {"level": "level"}
        extra_columns = [("level", "持有绿色工厂最高级别")]
        rule = f"{window.end} 持有{LEVEL_LABELS.get(min_level, min_level)}及以上绿色工厂认定"
    rows = rows_of(chosen.order_by("enterprise__region__path", "enterprise__name"),
                 {**enterprise_fields("enterprise__"), **extra_fields, "hit": "pk"})
    for row in rows:
        if computation == "green_factory_coverage" and row["level"]:
            row["level"] = LEVEL_LABELS.get(row["level"], row["level"])
        row["counted"] = "是" if row.pop("hit") in hit_ids else "否"
        row["contribution"] = 1 if row["counted"] == "是" else 0
        row["weight"] = 1
    hits = sum(r["contribution"] for r in rows)
    total = pm.ratio(Decimal(hits), Decimal(len(rows)), scale=pm.HUNDRED)
    fallback = "" if data_year == year else f"（{year}年无名单，取{data_year}年）"
    return ProgressRecords(
        kind=ENTERPRISES, rows=rows, total=total, data_year=data_year, factor=pm.HUNDRED,
        columns=[*ENTERPRISE_COLUMNS, *extra_columns, ("counted", "是否达标")],
        explanation=(f"{region.name}（含下辖区域）{data_year}年{who}{fallback}共 {len(rows)} 家，其中{rule}的 {hits} 家，"
                     f"覆盖率 {number_text(total)}%。"),
        **common)


def ratio_records(ask: RecordsAsk) -> ProgressRecords:
    """The 规上 enterprises of the data year with their numerator and denominator figures."""
    user, computation, region, year, common = ask.user, ask.computation, ask.region, ask.year, ask.common
    numerator, denominator = RATIO_FIELDS[computation]
    years = (enterprise_years_visible_to(user).filter(**ask.in_region, year__lte=year)
             .filter(ratio_rows_q(computation)))
    data_year = years.order_by("-year").values_list("year", flat=True).first()
    labels = RATIO_LABELS
    scale = RATIO_SCALE.get(computation, pm.ONE)
    if data_year is None:
        return ProgressRecords(kind=ENTERPRISES, rows=[], total=None, columns=ENTERPRISE_COLUMNS, factor=scale,
                               explanation=f"{region.name}无{year}年及以前可用的规上企业数据，无数据。", **common)
    rows = rows_of(years.filter(year=data_year).order_by("enterprise__region__path", "enterprise__name"),
                 {**enterprise_fields("enterprise__"), "contribution": numerator, "weight": denominator})
    num = pm.sum_decimals(Decimal(r["contribution"]) for r in rows)
    den = pm.sum_decimals(Decimal(r["weight"]) for r in rows)
    total = pm.ratio(num, den, scale=scale)
    fallback = "" if data_year == year else f"（{year}年无数据，取{data_year}年）"
    times = "" if scale == pm.ONE else f" × {number_text(scale)}"
    return ProgressRecords(
        kind=ENTERPRISES, rows=rows, total=total, data_year=data_year, factor=scale,
        columns=[*ENTERPRISE_COLUMNS, ("contribution", labels[numerator]), ("weight", labels[denominator])],
        explanation=(f"{region.name}（含下辖区域）{data_year}年{fallback}规上工业企业 {len(rows)} 家："
                     f"{labels[numerator]}合计 {number_text(num)} ÷ {labels[denominator]}合计 {number_text(den)}{times} "
                     f"= {number_text(total)} {common['unit']}。"),
        **common)


# ── the declarations ──


def _coverage_count(computation: str) -> FlowCount:
    return stock_counted(lambda p, w, y, f: _coverage(computation, p, w, y, f))


def _ratio_count(computation: str) -> FlowCount:
    return stock_counted(lambda p, w, y, f: _per_land_or_head(computation, y, f))


# Yearly figures need no registry source: the data-year rule already says 无数据 where a region has none.
COMPUTATIONS = (
    *(Computation(code, _coverage_count(code), coverage_records, stock=True) for code in COVERAGE_POPULATION),
    *(Computation(code, _ratio_count(code), ratio_records, stock=True) for code in RATIO_FIELDS),
)
