"""The project computations: 实施项目 (projects started: of one category or several, optionally by size,
list membership or equipment share), 拉动投资 (completed investment), 节约用能 (verified savings of accepted
green projects), 新增工业机器人 (robots of projects completed) and 设备投资 (of projects started). Counts and
records use the same filters (`*_q`), written from the project's side: a grouped count reads only the
projects meeting some window's filter, not every enterprise of the regions with all their projects
(at province scale, every project).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from decimal import Decimal
from functools import reduce
from typing import Any

from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lianghua.core.months import last_reported_month
from lianghua.projects.models import Project, ProjectProgress
from lianghua.projects.selectors import projects_visible_to, stage_on
from lianghua.projects.stages import STAGE_BY_CODE, STAGE_CHOICES

from .. import progress_math as pm
from ..computation import (
    MONEY_SUM,
    PROJECT_COLUMNS,
    PROJECTS,
    TCE_PER_WAN_TCE,
    WAN_PER_YI,
    Actuals,
    Computation,
    Measure,
    ProgressRecords,
    RecordsAsk,
    RegionFold,
    RegistrySource,
    number_text,
    per_window,
    rows_of,
)

CATEGORY_LABELS = dict(Project.Category.choices)


ACTIVE_STAGES = [code for code, _ in STAGE_CHOICES if code != "terminated"]


# A list a project may be on, by params.listed: the project's field holding the list's year.
LISTS = {"provincial_key": ("provincial_key_year", "省级重点技改项目"), "municipal_key": ("municipal_key_year", "市级重点项目")}


def counted_categories(params: dict[str, Any]) -> list[str]:
    """params.category, or params.categories for a count over several ("两化" = [digital, green])."""
    return list(params.get("categories") or [params["category"]])


def project_filter_q(params: dict[str, Any], window: pm.Window) -> Q:
    """What a project must be to count, besides its dates: of the categories, at least the size (总投资 ≥
    min_total_investment_wan), on the list of a year inside the window (listed), with an equipment share
    (设备投资 ÷ 总投资 ≥ min_equipment_share)."""
    where = Q(category__in=counted_categories(params), stage__in=ACTIVE_STAGES)
    if params.get("min_total_investment_wan") is not None:
        where &= Q(total_investment_wan__gte=Decimal(str(params["min_total_investment_wan"])))
    if params.get("listed"):
        field = LISTS[params["listed"]][0]
        where &= Q(**{f"{field}__gte": window.start.year, f"{field}__lte": window.end.year})
    if params.get("min_equipment_share") is not None:
        share = Decimal(str(params["min_equipment_share"]))
        where &= Q(total_investment_wan__gt=0, equipment_investment_wan__gte=F("total_investment_wan") * share)
    return where


def project_filter_text(params: dict[str, Any]) -> str:
    """The filter in words, for the records' explanation: "数字化、绿色化", "总投资1亿元以上的" …"""
    parts = []
    if params.get("min_total_investment_wan") is not None:
        parts.append(f"总投资{number_text(Decimal(str(params['min_total_investment_wan'])))}万元及以上")
    if params.get("listed"):
        parts.append(f"列入{LISTS[params['listed']][1]}")
    if params.get("min_equipment_share") is not None:
        parts.append(f"设备投资占比{number_text(Decimal(str(params['min_equipment_share'])) * 100)}%及以上")
    categories = "、".join(CATEGORY_LABELS[c] for c in counted_categories(params))
    return ("、".join(parts) + "的" if parts else "") + categories


def projects_started_q(params: dict[str, Any], window: pm.Window) -> Q:
    return project_filter_q(params, window) & Q(actual_start__gte=window.start, actual_start__lte=window.end)


def robots_added_q(params: dict[str, Any], window: pm.Window) -> Q:
    """Robots count when their project is completed (实际竣工) in the window."""
    return project_filter_q({"categories": list(Project.Category.values), **params}, window) & Q(
        actual_end__gte=window.start, actual_end__lte=window.end, robots_added__isnull=False)


def energy_saved_q(window: pm.Window) -> Q:
    return Q(category=Project.Category.GREEN, energy_saving_verified=True, energy_saved_tce__isnull=False,
             accepted_on__gte=window.start, accepted_on__lte=window.end, stage__in=ACTIVE_STAGES)


def _cumulative_investment(month_filter: dict[str, dt.date]) -> Coalesce:
    latest = (ProjectProgress.objects.filter(project=OuterRef("pk"), **month_filter)
              .order_by("-month").values("cumulative_investment_wan")[:1])
    return Coalesce(Subquery(latest, output_field=MONEY_SUM), Value(pm.ZERO), output_field=MONEY_SUM)


def _categories_q(params: dict[str, Any]) -> Q:
    """The projects of params.category(ies) when given (digital_investment, green_investment), else all."""
    if params.get("category") or params.get("categories"):
        return Q(category__in=counted_categories(params))
    return Q()


def _categories_text(params: dict[str, Any]) -> str:
    if params.get("category") or params.get("categories"):
        return "、".join(CATEGORY_LABELS[c] for c in counted_categories(params)) + "改造"
    return "“两化”"


def investment_moved(start: dt.date, end: dt.date) -> Q:
    """Projects with a counted report in (start month … the last month counted at `end`]."""
    return Q(Exists(ProjectProgress.objects.filter(project=OuterRef("pk"), month__gte=start,
                                                   month__lte=last_reported_month(end))))


def investment_expressions(window: pm.Window) -> tuple[Q, Coalesce, Coalesce]:
    """(which projects, cumulative at the window end, cumulative before the window).

    Only months whose end is on or before the window end count (`last_reported_month`). A project
    without a report inside (start month … last counted month] contributed nothing, so it is left out.
    """
    return (investment_moved(window.start, window.end),
            _cumulative_investment({"month__lte": last_reported_month(window.end)}),
            _cumulative_investment({"month__lt": window.start}))


# ── counts ──

def _count(where: Q) -> Aggregate:
    return Count("id", filter=where)


def _every_category(params: dict[str, Any]) -> dict[str, Any]:
    return {"categories": list(Project.Category.values), **params}


# The flows summed straight from the projects' rows: per computation, (the projects counted in a window,
# what each adds, the divisor to the indicator's unit).
ProjectFlow = tuple[Callable[[pm.Window], Q], Callable[[Q], Aggregate], Decimal]


def _project_flow(computation: str, params: dict[str, Any]) -> ProjectFlow:
    if computation == "projects_started":
        return (lambda w: projects_started_q(params, w)), _count, pm.ONE
    if computation == "robots_added":
        return (lambda w: robots_added_q(params, w)), (lambda where: Sum("robots_added", filter=where)), pm.ONE
    if computation == "equipment_investment":  # Σ 设备投资 of the projects started in the window (亿元)
        return ((lambda w: projects_started_q(_every_category(params), w)),
                (lambda where: Sum("equipment_investment_wan", output_field=MONEY_SUM, filter=where)), WAN_PER_YI)
    if computation == "energy_saved_accepted":
        return energy_saved_q, (lambda where: Sum("energy_saved_tce", filter=where)), TCE_PER_WAN_TCE
    raise KeyError(computation)


def count_project_flows(asks: list[tuple[str, dict[str, Any], list[pm.Window]]], year: int,
                        fold: RegionFold) -> list[list[Actuals]]:
    """Every ask's aggregate per window in one query over the projects meeting some window's condition,
    grouped by their enterprise's region (the TogetherCount of the project flows)."""
    conditions: list[Q] = []
    aggregates: dict[str, Aggregate] = {}
    divisors: list[Decimal] = []
    for i, (computation, params, windows) in enumerate(asks):
        condition, aggregate, divide_by = _project_flow(computation, params)
        divisors.append(divide_by)
        for j, window in enumerate(windows):
            conditions.append(condition(window))
            aggregates[f"n{i}_{j}"] = aggregate(conditions[-1])
    if not conditions:
        return [[] for _ in asks]
    rows = (Project.objects.filter(fold.enterprises_q("enterprise__")).filter(reduce(operator.or_, conditions))
            .values("enterprise__region_id").annotate(**aggregates).order_by())
    sums = fold.add_up(rows, "enterprise__region_id", tuple(aggregates))
    return [[{code: Measure(value=totals[f"n{i}_{j}"] / divisors[i]) for code, totals in sums.items()}
             for j in range(len(windows))]
            for i, (_, _, windows) in enumerate(asks)]


def _project_flow_count(computation: str) -> Callable[[dict[str, Any], list[pm.Window], int, RegionFold], list[Actuals]]:
    def count(params: dict[str, Any], windows: list[pm.Window], year: int, fold: RegionFold) -> list[Actuals]:
        return count_project_flows([(computation, params, windows)], year, fold)[0]
    return count


actual_projects_started = _project_flow_count("projects_started")
actual_robots_added = _project_flow_count("robots_added")
actual_equipment_investment = _project_flow_count("equipment_investment")
actual_energy_saved_accepted = _project_flow_count("energy_saved_accepted")


def actual_investment_completed(params: dict[str, Any], windows: list[pm.Window], year: int,
                                fold: RegionFold) -> list[Actuals]:
    """Σ (cumulative at the last counted month − cumulative before the window start), every window in one
    query (one cumulative per distinct end and per distinct start). A project without a report inside a
    (non-empty) window has equal terms and adds 0 to it, so one filter on the span of all windows
    suffices. An empty window (as-of before its start) is 0 without asking."""
    live = [w for w in windows if not w.is_empty]
    if not live:
        return [{r.code: Measure(value=pm.ZERO) for r in fold.regions} for _ in windows]
    at_end = {end: _cumulative_investment({"month__lte": last_reported_month(end)}) for end in {w.end for w in live}}
    before = {start: _cumulative_investment({"month__lt": start}) for start in {w.start for w in live}}
    sums = {f"n{i}": Sum(at_end[w.end] - before[w.start], output_field=MONEY_SUM) for i, w in enumerate(live)}
    moved = investment_moved(min(w.start for w in live), max(w.end for w in live))
    rows = (Project.objects.filter(fold.enterprises_q("enterprise__")).filter(moved, _categories_q(params))
            .values("enterprise__region_id").annotate(**sums).order_by())
    answers = iter(per_window(fold, rows, "enterprise__region_id", len(live), divide_by=WAN_PER_YI))
    return [next(answers) if not w.is_empty else {r.code: Measure(value=pm.ZERO) for r in fold.regions}
            for w in windows]


# ── records ──

def projects_started_records(ask: RecordsAsk) -> ProgressRecords:
    """The projects counted, each contributing 1."""
    projects = (projects_visible_to(ask.user).filter(**ask.in_region).filter(projects_started_q(ask.params, ask.window))
                .annotate(stage_then=stage_on(ask.as_of)))
    rows = rows_of(projects.order_by("actual_start", "code"),
                 {"code": "code", "name": "name", "enterprise": "enterprise__name",
                  "region": "enterprise__region__name", "stage": "stage_then", "actual_start": "actual_start"})
    for row in rows:
        row["stage"] = STAGE_BY_CODE[row["stage"]].name
        row["contribution"] = 1
    total = Decimal(len(rows))
    return ProgressRecords(
        kind=PROJECTS, rows=rows, total=total,
        columns=[*PROJECT_COLUMNS, ("stage", f"{ask.as_of:%Y-%m-%d}时的项目阶段"), ("actual_start", "实际开工日期")],
        explanation=(f"{ask.where}内实际开工的{project_filter_text(ask.params)}改造项目（已终止的不计），"
                     f"{ask.region.name}（含下辖区域）共 {len(rows)} 个。"),
        **ask.common)


def robots_added_records(ask: RecordsAsk) -> ProgressRecords:
    """The projects completed in the window with the robots each added."""
    projects = (projects_visible_to(ask.user).filter(**ask.in_region).filter(robots_added_q(ask.params, ask.window))
                .order_by("actual_end", "code"))
    rows = rows_of(projects, {"code": "code", "name": "name", "enterprise": "enterprise__name",
                            "region": "enterprise__region__name", "actual_end": "actual_end",
                            "contribution": "robots_added"})
    total = pm.sum_decimals(Decimal(r["contribution"]) for r in rows)
    return ProgressRecords(
        kind=PROJECTS, rows=rows, total=total,
        columns=[*PROJECT_COLUMNS, ("actual_end", "实际竣工日期"), ("contribution", "新增工业机器人(台)")],
        explanation=(f"{ask.where}内实际竣工的改造项目（已终止的不计）新增的工业机器人，{ask.region.name}（含下辖区域）"
                     f"共 {number_text(total)} 台。"),
        **ask.common)


def equipment_investment_records(ask: RecordsAsk) -> ProgressRecords:
    """The projects started in the window with their 设备投资 (万元; the total in 亿元)."""
    every = _every_category(ask.params)
    projects = (projects_visible_to(ask.user).filter(**ask.in_region).filter(projects_started_q(every, ask.window))
                .exclude(equipment_investment_wan__isnull=True).order_by("actual_start", "code"))
    rows = rows_of(projects, {"code": "code", "name": "name", "enterprise": "enterprise__name",
                            "region": "enterprise__region__name", "actual_start": "actual_start",
                            "contribution": "equipment_investment_wan"})
    total_wan = pm.sum_decimals(r["contribution"] for r in rows)
    return ProgressRecords(
        kind=PROJECTS, rows=rows, total=total_wan / WAN_PER_YI, scale=WAN_PER_YI,
        columns=[*PROJECT_COLUMNS, ("actual_start", "实际开工日期"), ("contribution", "设备投资(万元)")],
        explanation=(f"{ask.where}内实际开工的{project_filter_text(every)}改造项目（已终止的不计）的设备投资之和："
                     f"{number_text(total_wan)} 万元 = {number_text(total_wan / WAN_PER_YI)} 亿元。"),
        **ask.common)


def investment_completed_records(ask: RecordsAsk) -> ProgressRecords:
    """Each project's completed investment in the window (万元; the total in 亿元)."""
    moved, at_end, before_start = investment_expressions(ask.window)
    projects = (projects_visible_to(ask.user).filter(**ask.in_region).filter(moved, _categories_q(ask.params))
                .annotate(at_end=at_end, before_start=before_start).order_by("code"))
    rows = rows_of(projects, {"code": "code", "name": "name", "enterprise": "enterprise__name",
                            "region": "enterprise__region__name", "category": "category",
                            "cumulative_before_wan": "before_start", "cumulative_end_wan": "at_end"})
    for row in rows:
        row["category"] = CATEGORY_LABELS.get(row["category"], row["category"])
        row["contribution"] = row["cumulative_end_wan"] - row["cumulative_before_wan"]
    total_wan = pm.sum_decimals(r["contribution"] for r in rows)
    last_month = last_reported_month(ask.window.end)
    return ProgressRecords(
        kind=PROJECTS, rows=rows, total=total_wan / WAN_PER_YI, scale=WAN_PER_YI,
        columns=[*PROJECT_COLUMNS, ("category", "项目类别"), ("cumulative_before_wan", "窗口前累计完成投资(万元)"),
                 ("cumulative_end_wan", "窗口末累计完成投资(万元)"), ("contribution", "窗口内完成投资(万元)")],
        explanation=(f"{ask.where}内{_categories_text(ask.params)}项目完成的投资：每个项目取 {last_month:%Y年%m月} 及以前最近一期月报的累计完成投资，"
                     f"减去 {ask.window.start:%Y年%m月} 以前最近一期的累计值（月报按月末计，截至日期未到月末的当月不计）；"
                     f"合计 {number_text(total_wan)} 万元 = {number_text(total_wan / WAN_PER_YI)} 亿元。"),
        **ask.common)


def energy_saved_records(ask: RecordsAsk) -> ProgressRecords:
    """The accepted, verified green projects and their yearly savings (tce; the total in 万吨标煤)."""
    projects = projects_visible_to(ask.user).filter(**ask.in_region).filter(energy_saved_q(ask.window)).order_by("accepted_on",
                                                                                                      "code")
    rows = rows_of(projects, {"code": "code", "name": "name", "enterprise": "enterprise__name",
                            "region": "enterprise__region__name", "accepted_on": "accepted_on",
                            "contribution": "energy_saved_tce"})
    total_tce = pm.sum_decimals(r["contribution"] for r in rows)
    return ProgressRecords(
        kind=PROJECTS, rows=rows, total=total_tce / TCE_PER_WAN_TCE, scale=TCE_PER_WAN_TCE,
        columns=[*PROJECT_COLUMNS, ("accepted_on", "验收日期"), ("contribution", "年节能量(吨标准煤)")],
        explanation=(f"{ask.where}内验收、节能量已确权的绿色化改造项目（已终止的不计）的年节能量之和："
                     f"{number_text(total_tce)} 吨标准煤 = {number_text(total_tce / TCE_PER_WAN_TCE)} 万吨标煤。"),
        **ask.common)


# ── the declarations ──


def project_rows(params: dict[str, Any]) -> RegistrySource:
    return RegistrySource(("projects",), Project.objects.all(), "enterprise__region_id")


def _filter_problems(params: dict[str, Any]) -> list[str]:
    problems = []
    if params.get("listed") and params["listed"] not in LISTS:
        problems.append(f"params.listed 应为 {'/'.join(LISTS)}，而不是 {params['listed']!r}")
    for name in ("min_total_investment_wan", "min_equipment_share"):
        if params.get(name) is not None:
            try:
                Decimal(str(params[name]))
            except ArithmeticError:
                problems.append(f"params.{name} 应为数值，而不是 {params[name]!r}")
    return problems


def category_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    given = params.get("categories") or ([params["category"]] if params.get("category") else [])
    if not given or any(c not in Project.Category.values for c in given):
        return [f"需要 params.category 或 params.categories（{' / '.join(Project.Category.values)}）"]
    return _filter_problems(params)


def optional_category_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    """Robots and equipment count every category unless the params narrow them."""
    if params.get("category") or params.get("categories"):
        return category_problems(params, credential_kinds)
    return _filter_problems(params)


COMPUTATIONS = (
    Computation("projects_started", actual_projects_started, projects_started_records,
                source=project_rows, params_problems=category_problems, count_together=count_project_flows),
    Computation("investment_completed", actual_investment_completed, investment_completed_records,
                source=project_rows, params_problems=optional_category_problems),
    Computation("energy_saved_accepted", actual_energy_saved_accepted, energy_saved_records,
                source=project_rows, count_together=count_project_flows),
    Computation("robots_added", actual_robots_added, robots_added_records, source=project_rows,
                params_problems=optional_category_problems, count_together=count_project_flows),
    Computation("equipment_investment", actual_equipment_investment, equipment_investment_records,
                source=project_rows, params_problems=optional_category_problems, count_together=count_project_flows),
)
