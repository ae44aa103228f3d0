"""Writes of the targets app. Every write is audited (lianghua.audit.services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from lianghua.accounts.roles import Capability, user_may
from lianghua.accounts.scope import user_sees_region
from lianghua.audit.models import ChangeRecord
from lianghua.audit.services import change_record, domain_event_record
from lianghua.regions.models import Region

from .computation import KEEPER_DEPTH
from .models import Indicator, Plan, ReportedActual
from .progress import regions_without_records


@transaction.atomic
def reported_actual_record(*, plan: Plan, indicator: Indicator, region: Region, year: int, value: Any,
                           as_of: dt.date, source: str, by: Any) -> ReportedActual:
    """Enter a 填报值: the actual of an indicator the registry cannot count — computation `reported`,
    a computed indicator where the registry holds none of its records (`regions_without_records`), or a
    city's or the province's own figure of an additive indicator (counted only while none of its
    children has a figure: progress._rolled_up) —
    as of a date, with its source. Earlier entries are kept; progress reads the latest with
    as_of ≤ its as-of date. `by` must be able to write in the region (None for system loads)."""
    if not (user_may(by, Capability.WRITE) and user_sees_region(by, region)):
        raise PermissionDenied("无权为该区域填报")
    errors: dict[str, list[str]] = {}
    rolled_up = indicator.additive and region.depth < KEEPER_DEPTH  # its own entry counts without children's figures
    if indicator.computation != "reported" and not rolled_up and not regions_without_records(indicator, [region]):
        errors.setdefault("indicator", []).append(
            f"指标“{indicator.name}”由登记数据自动计算（登记库已有{region.name}的此类记录），不接受填报值")
    years = plan.reporting_years()
    if year not in years:
        errors.setdefault("year", []).append(
            f"年度 {year} 不在方案期 {plan.start_year}—{plan.end_year} 内" if years.start == plan.start_year else
            f"年度 {year} 不在可填报的 {years.start}—{plan.end_year} 年内（含增幅目标的基期）")
    try:
        amount = Decimal(str(value).strip())
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.setdefault("value", []).append(f"填报值“{value}”不是数字")
        amount = None
    if amount is not None and amount < 0:
        errors.setdefault("value", []).append("填报值不能为负数")
    if year in years and as_of < dt.date(year, 1, 1):
        errors.setdefault("as_of", []).append(f"截至日期 {as_of} 早于 {year} 年")
    if not (source or "").strip():
        errors.setdefault("source", []).append("请填写来源（如：县金融发展服务中心月报）")
    if errors:
        raise ValidationError(errors)
    entry = ReportedActual.objects.create(plan=plan, indicator=indicator, region=region, year=year, value=amount,
                                          as_of=as_of, source=source.strip(),
                                          reported_by=by if getattr(by, "pk", None) else None)
    change_record(actor=by, instance=entry, action=ChangeRecord.Action.CREATE)
    domain_event_record(kind="target.actual_reported", actor=by, region=region, plan=plan.code,
                        indicator=indicator.code, year=year, value=amount, as_of=as_of, source=entry.source)
    return entry
