"""What must always hold of a project and its monthly reports, stated once.

The database holds what it can, as CheckConstraints built from these declarations (date order, the
fields each stage requires, no negative money or savings); what spans rows — a cumulative figure never
goes down from month to month — is one function. Imports, the admin and every form use the same ones,
with the same Chinese messages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from itertools import pairwise
from typing import Any, TypeVar

from django.db import models

from lianghua.core.formatting import decimal_plain

from .stages import FIELD_LABELS, STAGE_BY_CODE, STAGES

DATE_ORDER = (  # (earlier, later, message at the later field)
    ("planned_start", "planned_end", "计划竣工日期早于计划开工日期"),
    ("actual_start", "actual_end", "实际竣工日期早于实际开工日期"),
    ("actual_end", "accepted_on", "验收日期早于实际竣工日期"),
)
PROJECT_MONEY = ("total_investment_wan", "equipment_investment_wan", "it_investment_wan", "civil_investment_wan")
NON_NEGATIVE = (*PROJECT_MONEY, "energy_saved_tce", "co2_cut_t", "water_saved_t")
NEGATIVE_LABELS = {"energy_saved_tce": "年节能量", "co2_cut_t": "年减排二氧化碳", "water_saved_t": "年节水量"}


def stage_requirement_message(stage_code: str) -> str:
    return f"项目阶段为“{STAGE_BY_CODE[stage_code].name}”时必填"


def project_problems(values: Mapping[str, Any], *, skip: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(field, message) for each date out of order and each field the stage requires that is empty, among
    `values` (field -> value; absent fields are not judged). Fields in `skip` (cells that failed to read
    and already have their error) are not reported again."""
    skipped = set(skip)
    problems = []
    for earlier, later, message in DATE_ORDER:
        if values.get(earlier) and values.get(later) and values[later] < values[earlier]:
            problems.append((later, f"{message}（{values[earlier].isoformat()}）"))
    stage = values.get("stage")
    if stage in STAGE_BY_CODE and "stage" not in skipped:
        for field in STAGE_BY_CODE[stage].required_fields:
            if values.get(field) in (None, "") and field not in skipped:
                problems.append((field, stage_requirement_message(stage)))
    return problems


def _either_null(*fields: str) -> models.Q:
    condition = models.Q()
    for field in fields:
        condition |= models.Q(**{f"{field}__isnull": True})
    return condition


def project_constraints() -> list[models.CheckConstraint]:
    """The project invariants the database can hold (Project.Meta.constraints)."""
    constraints = [
        models.CheckConstraint(
            name=f"project_{later}_not_before_{earlier}",
            condition=models.Q(**{f"{later}__gte": models.F(earlier)}) | _either_null(earlier, later),
            violation_error_message=message,
        )
        for earlier, later, message in DATE_ORDER
    ]
    required = sorted({field for stage in STAGES for field in stage.required_fields})
    for field in required:
        stages = [stage.code for stage in STAGES if field in stage.required_fields]
        constraints.append(models.CheckConstraint(
            name=f"project_{field}_required_by_stage",
            condition=~models.Q(stage__in=stages) | models.Q(**{f"{field}__isnull": False}),
            violation_error_message=f"项目阶段为{'、'.join(STAGE_BY_CODE[s].name for s in stages)}时须填写"
                                    f"{FIELD_LABELS[field]}",
        ))
    for field in NON_NEGATIVE:
        constraints.append(models.CheckConstraint(
            name=f"project_{field}_not_negative",
            condition=models.Q(**{f"{field}__gte": 0}) | _either_null(field),
            violation_error_message="金额不能为负数" if field in PROJECT_MONEY else f"{NEGATIVE_LABELS[field]}不能为负数",
        ))
    return constraints


def progress_constraints() -> list[models.CheckConstraint]:
    """ProjectProgress.Meta.constraints: a cumulative figure is never negative."""
    return [models.CheckConstraint(name="project_progress_cumulative_not_negative",
                                   condition=models.Q(cumulative_investment_wan__gte=0),
                                   violation_error_message="金额不能为负数")]


Marker = TypeVar("Marker")


def cumulative_problems(points: Iterable[tuple[dt.date, Decimal, Marker | None]]) -> list[tuple[Marker, str]]:
    """Cumulative completed investment never goes down: for a project's monthly figures (month, value,
    marker), each new one (marker not None: a file row, a form) compared with the nearest month before
    it, and with the nearest stored month after it (a later new one is compared in its own turn).
    Returns (marker, message) per problem."""
    ordered = sorted(points, key=lambda point: point[0])
    problems: list[tuple[Marker, str]] = []
    for (prev_month, prev_value, _), (_month, value, marker) in pairwise(ordered):
        if marker is not None and value < prev_value:
            problems.append((marker, f"累计完成投资低于{prev_month:%Y-%m}的{decimal_plain(prev_value)}万元（累计数不应减少）"))
    for (_month, value, marker), (next_month, next_value, next_marker) in pairwise(ordered):
        if marker is not None and next_marker is None and value > next_value:
            problems.append((marker, f"累计完成投资高于已报的{next_month:%Y-%m}的{decimal_plain(next_value)}万元"
                                     f"（累计数不应减少）"))
    return problems
