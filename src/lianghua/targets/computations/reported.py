"""Entered actuals (填报值): the computation `reported`, for indicators the registry cannot count, and
the records of any computed indicator in a region whose registry holds none of its records."""

from __future__ import annotations

from .. import progress_math as pm
from ..computation import REPORTED, Computation, ProgressRecords, RecordsAsk, number_text, rows_of
from ..models import ReportedActual


def reported_records(ask: RecordsAsk, preface: str = "") -> ProgressRecords:
    """Every 填报值 of the region up to the as-of date, the latest marked as the one counted."""
    plan, indicator, region, year, as_of = ask.plan, ask.indicator, ask.region, ask.year, ask.as_of
    entries = (ReportedActual.objects.filter(plan=plan, indicator=indicator, region=region, year=year,
                                             as_of__lte=as_of)
               .order_by("-as_of", "-reported_at", "-id"))
    rows = rows_of(entries, {"as_of": "as_of", "value": "value", "source": "source",
                           "reported_by": "reported_by__username", "reported_by_name": "reported_by__display_name",
                           "reported_at": "reported_at"})
    for position, row in enumerate(rows):
        row["reported_by"] = row.pop("reported_by_name") or row["reported_by"] or "系统"
        row["counted"] = "是" if position == 0 else "否（已被更新的填报取代）"
        row["contribution"] = row["value"] if position == 0 else pm.ZERO
    total = rows[0]["value"] if rows else None
    explanation = (f"取截至 {as_of} 最近一次填报值：{number_text(total)} {indicator.unit}。" if rows
                   else f"截至 {as_of} 无填报值，显示为无数据（不按 0 计）。")
    return ProgressRecords(
        kind=REPORTED, rows=rows, total=total,
        columns=[("as_of", "截至日期"), ("value", f"填报值({indicator.unit})"), ("source", "来源"),
                 ("reported_by", "填报人"), ("reported_at", "填报时间"), ("counted", "是否采用")],
        explanation=preface + explanation, **ask.common)


COMPUTATIONS = (Computation("reported", None, reported_records, stock_from_params=True),)
