"""The project computations: 实施项目 (projects started), 拉动投资 (completed investment), 节约用能 (verified
savings of accepted green projects). Counts and records use the same filters (`*_q`), written from the
enterprise's side ("projects__…") for the grouped counts: they start from the region's enterprises
(region index) and reach their rows through the enterprise foreign-key indexes, a plan the database
keeps whether or not it has table statistics.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from lianghua.core.months import last_reported_month
from lianghua.enterprises.models import Enterprise
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


def projects_started_q(params: dict[str, Any], window: pm.Window, prefix: str = "") -> Q:
    return Q(**{f"{prefix}category": params["category"], f"{prefix}actual_start__gte": window.start,
                f"{prefix}actual_start__lte": window.end, f"{prefix}stage__in": ACTIVE_STAGES})


def energy_saved_q(window: pm.Window, prefix: str = "") -> Q:
    return Q(**{f"{prefix}category": Project.Category.GREEN, f"{prefix}energy_saving_verified": True,
                f"{prefix}energy_saved_tce__isnull": False, f"{prefix}accepted_on__gte": window.start,
                f"{prefix}accepted_on__lte": window.end, f"{prefix}stage__in": ACTIVE_STAGES})


def _cumulative_investment(month_filter: dict[str, dt.date]) -> Coalesce:
    latest = (ProjectProgress.objects.filter(project=OuterRef("pk"), **month_filter)
              .order_by("-month").values("cumulative_investment_wan")[:1])
    return Coalesce(Subquery(latest, output_field=MONEY_SUM), Value(pm.ZERO), output_field=MONEY_SUM)


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

def actual_projects_started(params: dict[str, Any], windows: list[pm.Window], year: int,
                            fold: RegionFold) -> list[Actuals]:
    rows = (Enterprise.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(**{f"n{i}": Count("projects", filter=projects_started_q(params, w, "projects__"))
                         for i, w in enumerate(windows)}).order_by())
    return per_window(fold, rows, "region_id", len(windows))


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
    rows = (Project.objects.filter(enterprise__region_id__in=fold.region_ids).filter(moved)
            .values("enterprise__region_id").annotate(**sums).order_by())
    answers = iter(per_window(fold, rows, "enterprise__region_id", len(live), divide_by=WAN_PER_YI))
    return [next(answers) if not w.is_empty else {r.code: Measure(value=pm.ZERO) for r in fold.regions}
            for w in windows]


def actual_energy_saved_accepted(params: dict[str, Any], windows: list[pm.Window], year: int,
                                 fold: RegionFold) -> list[Actuals]:
    rows = (Enterprise.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(**{f"n{i}": Sum("projects__energy_saved_tce", filter=energy_saved_q(w, "projects__"))
                         for i, w in enumerate(windows)}).order_by())
    return per_window(fold, rows, "region_id", len(windows), divide_by=TCE_PER_WAN_TCE)


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
    label = CATEGORY_LABELS.get(ask.params.get("category", ""), "")
    return ProgressRecords(
        kind=PROJECTS, rows=rows, total=total,
        columns=[*PROJECT_COLUMNS, ("stage", f"{ask.as_of:%Y-%m-%d}时的项目阶段"), ("actual_start", "实际开工日期")],
        explanation=(f"{ask.where}内实际开工的{label}改造项目（已终止的不计），{ask.region.name}（含下辖区域）"
                     f"共 {len(rows)} 个。"),
        **ask.common)


def investment_completed_records(ask: RecordsAsk) -> ProgressRecords:
    """Each project's completed investment in the window (万元; the total in 亿元)."""
    moved, at_end, before_start = investment_expressions(ask.window)
    projects = (projects_visible_to(ask.user).filter(**ask.in_region).filter(moved)
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
        explanation=(f"{ask.where}内“两化”项目完成的投资：每个项目取 {last_month:%Y年%m月} 及以前最近一期月报的累计完成投资，"
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


def category_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    if params.get("category") not in Project.Category.values:
        return [f"需要 params.category（{' 或 '.join(Project.Category.values)}）"]
    return []


COMPUTATIONS = (
    Computation("projects_started", actual_projects_started, projects_started_records, source=project_rows,
                params_problems=category_problems),
    Computation("investment_completed", actual_investment_completed, investment_completed_records,
                source=project_rows),
    Computation("energy_saved_accepted", actual_energy_saved_accepted, energy_saved_records, source=project_rows),
)
