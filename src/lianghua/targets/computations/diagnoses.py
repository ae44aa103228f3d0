"""The diagnosis computation: enterprises that completed an online digital diagnosis in the window
(数字化改造在线诊断企业数, 001 二(一)2), each counted once however often it was diagnosed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Min, Q

from lianghua.evaluations.models import Diagnosis
from lianghua.evaluations.selectors import diagnoses_visible_to

from .. import progress_math as pm
from ..computation import (
    ENTERPRISE_COLUMNS,
    ENTERPRISES,
    Actuals,
    Computation,
    ProgressRecords,
    RecordsAsk,
    RegionFold,
    RegistrySource,
    enterprise_fields,
    per_window,
    rows_of,
)


def diagnosed_q(window: pm.Window, prefix: str = "") -> Q:
    return Q(**{f"{prefix}assessed_on__gte": window.start, f"{prefix}assessed_on__lte": window.end})


def actual_diagnosed_enterprises(params: dict[str, Any], windows: list[pm.Window], year: int,
                                 fold: RegionFold) -> list[Actuals]:
    rows = (Diagnosis.objects.filter(fold.enterprises_q("enterprise__")).values("enterprise__region_id")
            .annotate(**{f"n{i}": Count("enterprise_id", distinct=True, filter=diagnosed_q(w))
                         for i, w in enumerate(windows)})
            .order_by())
    return per_window(fold, rows, "enterprise__region_id", len(windows))


def diagnosed_records(ask: RecordsAsk) -> ProgressRecords:
    """The enterprises diagnosed in the window, each once, with their first diagnosis in it."""
    diagnosed = (diagnoses_visible_to(ask.user).filter(**ask.in_region).filter(diagnosed_q(ask.window))
                 .values("enterprise_id").annotate(first=Min("assessed_on"), times=Count("id"))
                 .order_by("enterprise__region__path", "enterprise__name"))
    rows = rows_of(diagnosed, {**enterprise_fields("enterprise__"), "first": "first", "times": "times"})
    for row in rows:
        row["contribution"] = 1
    return ProgressRecords(
        kind=ENTERPRISES, rows=rows, total=Decimal(len(rows)),
        columns=[*ENTERPRISE_COLUMNS, ("first", "窗口内首次诊断日期"), ("times", "窗口内诊断次数")],
        explanation=(f"{ask.where}内{ask.region.name}（含下辖区域）完成在线数字化诊断的企业共 {len(rows)} 家"
                     f"（一家企业多次诊断只计一次）。"),
        **ask.common)


def diagnosis_rows(params: dict[str, Any]) -> RegistrySource:
    return RegistrySource(("diagnoses",), Diagnosis.objects.all(), "enterprise__region_id")


COMPUTATIONS = (Computation("diagnosed_enterprises", actual_diagnosed_enterprises, diagnosed_records,
                            source=diagnosis_rows),)
