"""The activity computation: trainings and the like held in the window (培训场次), of a kind or any."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q

from lianghua.projects.models import Activity
from lianghua.projects.selectors import activities_visible_to
from lianghua.regions.models import Region
from lianghua.regions.selectors import subtree_regions

from .. import progress_math as pm
from ..computation import (
    ACTIVITIES,
    Actuals,
    Computation,
    ProgressRecords,
    RecordsAsk,
    RegionFold,
    RegistrySource,
    per_window,
    rows_of,
)

ACTIVITY_LABELS = dict(Activity.Kind.choices)


def activities_q(params: dict[str, Any], window: pm.Window, prefix: str = "") -> Q:
    counted = Q(**{f"{prefix}date__gte": window.start, f"{prefix}date__lte": window.end})
    if params.get("kind"):
        counted &= Q(**{f"{prefix}kind": params["kind"]})
    return counted


def actual_activities(params: dict[str, Any], windows: list[pm.Window], year: int, fold: RegionFold) -> list[Actuals]:
    rows = (Activity.objects.filter(region_id__in=Region.objects.filter(fold.subtree).values("id")).values("region_id")
            .annotate(**{f"n{i}": Count("id", filter=activities_q(params, w)) for i, w in enumerate(windows)})
            .order_by())
    return per_window(fold, rows, "region_id", len(windows))


def activity_records(ask: RecordsAsk) -> ProgressRecords:
    """The events counted, each contributing 1."""
    events = (activities_visible_to(ask.user).filter(region__in=subtree_regions(ask.region))
              .filter(activities_q(ask.params, ask.window)).order_by("date", "title"))
    rows = rows_of(events, {"date": "date", "region": "region__name", "kind": "kind", "title": "title",
                          "attendance": "attendance"})
    for row in rows:
        row["kind"] = ACTIVITY_LABELS.get(row["kind"], row["kind"])
        row["contribution"] = 1
    kind = ACTIVITY_LABELS.get(ask.params.get("kind", ""), "活动")
    return ProgressRecords(
        kind=ACTIVITIES, rows=rows, total=Decimal(len(rows)),
        columns=[("date", "日期"), ("region", "所属区域"), ("kind", "类型"), ("title", "名称"),
                 ("attendance", "参加人数")],
        explanation=f"{ask.where}内{ask.region.name}（含下辖区域）开展的{kind}共 {len(rows)} 场。",
        **ask.common)


def activity_rows(params: dict[str, Any]) -> RegistrySource:
    kind = params.get("kind") or ""
    events = Activity.objects.filter(kind=kind) if kind else Activity.objects.all()
    return RegistrySource(("activities", kind), events, "region_id")


def kind_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    kind = params.get("kind")
    if kind and kind not in Activity.Kind.values:
        return [f"params.kind 应为 {'/'.join(Activity.Kind.values)}，而不是 {kind!r}"]
    return []


COMPUTATIONS = (Computation("activities", actual_activities, activity_records, source=activity_rows,
                            params_problems=kind_problems),)
