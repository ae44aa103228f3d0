"""The records behind a progress number: the exact rows counted, each with what it contributed.

`progress_records(user=…, plan=…, indicator=…, region=…, year=…, basis=…, as_of=…)` asks the indicator's
computation (targets/computations/) for its records, which apply the same filters as its count to the
acting user's selectors, so the list a person opens under a number is the set that made it, limited to
what they may see. A user who may not see the region gets PermissionDenied.

Every row carries `contribution` (its part of the numerator, in the unit of the row) and, for rates,
`weight` (its part of the denominator). `total` is the actual value and always equals
Σ contribution ÷ scale (counts and sums) or Σ contribution × factor ÷ Σ weight (rates).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

from lianghua.accounts.scope import user_sees_region
from lianghua.regions.models import Region

from . import progress_math as pm
from .computation import (
    KEEPER_DEPTH,
    NONE,
    REPORTED,
    ROLLUP,
    SOURCE_LABELS,
    Measure,
    ProgressRecords,
    RecordsAsk,
    keeper_path,
    number_text,
)
from .computations import COMPUTATIONS
from .computations.reported import reported_records
from .models import Indicator, Plan
from .progress import indicator_actuals_at, industry_divisions, regions_without_records, registry_source

PARTS = "parts"  # the records of a rolled-up or composed actual: its parts, not registry rows

__all__ = ["ProgressRecords", "progress_records"]


def progress_records(*, user: Any, plan: Plan, indicator: Indicator, region: Region, year: int, basis: str,
                     as_of: dt.date, industry: str = "") -> ProgressRecords:
    if not user_sees_region(user, region):
        raise PermissionDenied("无权查看该区域的数据")
    window = pm.progress_window(basis=basis, year=year, plan_start_year=plan.start_year, as_of=as_of)
    ask = RecordsAsk(user=user, plan=plan, indicator=indicator, region=region, year=year, basis=basis,
                     as_of=as_of, window=window, divisions=industry_divisions(industry))
    computation = COMPUTATIONS.get(indicator.computation)
    if computation is not None and computation.parts is not None:
        return _share_records(ask)
    if indicator.additive and region.depth < KEEPER_DEPTH:
        return _rollup_records(ask)
    if regions_without_records(indicator, [region]):
        source = registry_source(indicator)
        keeper = Region.objects.get(path=keeper_path(region))
        assert source is not None  # regions_without_records answers only for covered indicators
        return reported_records(ask, preface=(
            f"登记库中{keeper.name}（含下辖区域）尚无任何{source.label()}记录，无法按登记数据计算（不按 0 计）；"
            f"此指标取{region.name}的填报值。"))
    if computation is None:
        return ProgressRecords(kind=REPORTED, rows=[], total=None, columns=[],
                               explanation=f"未知的计算方式“{indicator.computation}”，无数据。", **ask.common)
    assert computation.records is not None  # composed computations returned above
    return computation.records(ask)


def _measure_of(ask: RecordsAsk, indicator: Indicator) -> Measure:
    [(_, actuals)] = indicator_actuals_at(plan=ask.plan, indicator=indicator, asks=[(ask.basis, ask.as_of)],
                                          year=ask.year, regions=[ask.region], divisions=ask.divisions)
    return actuals[ask.region.code]


def _rollup_records(ask: RecordsAsk) -> ProgressRecords:
    """A city's or the province's actual: each child's own actual and where it comes from; each row opens
    that child's records."""
    measure = _measure_of(ask, ask.indicator)
    rows = [{"region": part.region_name, "region_code": part.region_code, "source": SOURCE_LABELS[part.source],
             "value": part.value, "contribution": part.value if part.value is not None else pm.ZERO}
            for part in measure.parts]
    own = measure.own_reported
    if measure.source == ROLLUP:
        unused = (f"{ask.region.name}本级填报值 {number_text(own)} {ask.indicator.unit}未采用（下级已有数据，按下级合计）。"
                  if own is not None else "")
        explanation = (f"{ask.region.name}的实际值为各下级区域实际值之和（各按其数据来源）："
                       f"{number_text(measure.value)} {ask.indicator.unit}。{unused}")
    elif own is not None:
        explanation = (f"下级区域均无数据，采用{ask.region.name}本级填报值 {number_text(own)} {ask.indicator.unit}"
                       f"（截至 {ask.as_of}）。")
    else:
        explanation = f"下级区域均无数据，{ask.region.name}也无本级填报值：无数据（不按 0 计）。"
    return ProgressRecords(
        kind=PARTS, rows=rows, total=measure.value,
        columns=[("region", "下级区域"), ("source", "数据来源"), ("value", f"实际值({ask.indicator.unit})")],
        explanation=explanation, **ask.common)


def _share_records(ask: RecordsAsk) -> ProgressRecords:
    """A share: its numerator and denominator, each the region's own actual."""
    computation = COMPUTATIONS[ask.indicator.computation]
    assert computation.parts is not None
    codes = computation.parts(ask.params)
    parts = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    numerator, denominator = (_measure_of(ask, parts[code]) for code in codes)
    rows = [{"part": label, "indicator": parts[code].name, "indicator_code": code,
             "source": SOURCE_LABELS[m.source if m.value is not None else NONE], "value": m.value,
             "unit": parts[code].unit, "contribution": m.value if m.value is not None else pm.ZERO}
            for label, code, m in (("分子", codes[0], numerator), ("分母", codes[1], denominator))]
    total = (None if numerator.value is None or denominator.value is None
             else pm.ratio(numerator.value, denominator.value, scale=pm.HUNDRED))
    explanation = (f"{parts[codes[0]].name} {number_text(numerator.value)} ÷ {parts[codes[1]].name} "
                   f"{number_text(denominator.value)} × 100% = {number_text(total)}%。" if total is not None else
                   "分子或分母无数据（或分母为 0），占比无数据。")
    return ProgressRecords(
        kind=PARTS, rows=rows, total=total,
        columns=[("part", ""), ("indicator", "指标"), ("source", "数据来源"), ("value", "实际值"), ("unit", "单位")],
        explanation=explanation, **ask.common)
