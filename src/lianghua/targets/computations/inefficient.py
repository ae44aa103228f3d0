"""The 高耗低效 closed loop as plan indicators (004 二(五)14: 整治提升高耗低效企业5000家左右，腾出用地5万亩、用能120万
吨标煤): cases closed (提升销号 or 关停退出) in the window, and the land and energy they freed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from lianghua.evaluations.models import InefficientCase

from .. import progress_math as pm
from ..computation import (
    ENTERPRISE_COLUMNS,
    ENTERPRISES,
    MONEY_SUM,
    Actuals,
    Computation,
    ProgressRecords,
    RecordsAsk,
    RegionFold,
    RegistrySource,
    enterprise_fields,
    number_text,
    per_window,
    rows_of,
)

# params.measure → (what is summed, its label, 10,000 of the field's unit per indicator unit)
MEASURES = {
    "count": (None, "家数", pm.ONE),
    "land": ("land_freed_mu", "腾出用地(亩)", Decimal(10_000)),  # 万亩
    "energy": ("energy_freed_tce", "腾出用能(吨标准煤)", Decimal(10_000)),  # 万吨标煤
}


def closed_q(window: pm.Window, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": InefficientCase.CLOSED, f"{prefix}closed_on__gte": window.start,
                f"{prefix}closed_on__lte": window.end})


def actual_inefficient_closed(params: dict[str, Any], windows: list[pm.Window], year: int,
                              fold: RegionFold) -> list[Actuals]:
    field, _, divide_by = MEASURES[params.get("measure", "count")]
    aggregates = {f"n{i}": Count("id", filter=closed_q(w)) if field is None
                  else Sum(field, filter=closed_q(w), output_field=MONEY_SUM) for i, w in enumerate(windows)}
    rows = (InefficientCase.objects.filter(fold.enterprises_q("enterprise__")).values("enterprise__region_id")
            .annotate(**aggregates).order_by())
    return per_window(fold, rows, "enterprise__region_id", len(windows), divide_by=divide_by)


def inefficient_records(ask: RecordsAsk) -> ProgressRecords:
    """The cases closed in the window, each with what it contributes."""
    field, label, divide_by = MEASURES[ask.params.get("measure", "count")]
    cases = (InefficientCase.objects.filter(**ask.in_region)
             .filter(closed_q(ask.window)).order_by("closed_on", "enterprise__name"))
    rows = rows_of(cases, {**enterprise_fields("enterprise__"), "status": "status", "closed_on": "closed_on",
                           "land": "land_freed_mu", "energy": "energy_freed_tce"})
    statuses = dict(InefficientCase.Status.choices)
    for row in rows:
        row["status"] = statuses.get(row["status"], row["status"])
        value = 1 if field is None else row["land" if field == "land_freed_mu" else "energy"]
        row["contribution"] = value or 0
    total = pm.sum_decimals(Decimal(r["contribution"]) for r in rows) / divide_by
    return ProgressRecords(
        kind=ENTERPRISES, rows=rows, total=total, scale=divide_by,
        columns=[*ENTERPRISE_COLUMNS, ("status", "结果"), ("closed_on", "销号日期"), ("land", "腾出用地(亩)"),
                 ("energy", "腾出用能(吨标准煤)")],
        explanation=(f"{ask.where}内{ask.region.name}（含下辖区域）提升销号或关停退出的高耗低效整治企业共 {len(rows)} 家"
                     + ("" if field is None else f"，{label}合计 {number_text(total * divide_by)}") + "。"),
        **ask.common)


def inefficient_rows(params: dict[str, Any]) -> RegistrySource:
    return RegistrySource(("inefficient",), InefficientCase.objects.all(), "enterprise__region_id")


def measure_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    measure = params.get("measure", "count")
    return [] if measure in MEASURES else [f"params.measure 应为 {'/'.join(MEASURES)}，而不是 {measure!r}"]


COMPUTATIONS = (Computation("inefficient_closed", actual_inefficient_closed, inefficient_records,
                            source=inefficient_rows, params_problems=measure_problems),)
