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
from .computation import REPORTED, ProgressRecords, RecordsAsk, keeper_path
from .computations import COMPUTATIONS
from .computations.reported import reported_records
from .models import Indicator, Plan
from .progress import regions_without_records, registry_source

__all__ = ["ProgressRecords", "progress_records"]


def progress_records(*, user: Any, plan: Plan, indicator: Indicator, region: Region, year: int, basis: str,
                     as_of: dt.date) -> ProgressRecords:
    if not user_sees_region(user, region):
        raise PermissionDenied("无权查看该区域的数据")
    window = pm.progress_window(basis=basis, year=year, plan_start_year=plan.start_year, as_of=as_of)
    ask = RecordsAsk(user=user, plan=plan, indicator=indicator, region=region, year=year, basis=basis,
                     as_of=as_of, window=window)
    if regions_without_records(indicator, [region]):
        source = registry_source(indicator)
        keeper = Region.objects.get(path=keeper_path(region))
        assert source is not None  # regions_without_records answers only for covered indicators
        return reported_records(ask, preface=(
            f"登记库中{keeper.name}（含下辖区域）尚无任何{source.label()}记录，无法按登记数据计算（不按 0 计）；"
            f"此指标取{region.name}的填报值。"))
    computation = COMPUTATIONS.get(indicator.computation)
    if computation is None:
        return ProgressRecords(kind=REPORTED, rows=[], total=None, columns=[],
                               explanation=f"未知的计算方式“{indicator.computation}”，无数据。", **ask.common)
    return computation.records(ask)
