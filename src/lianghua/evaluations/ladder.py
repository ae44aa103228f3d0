"""The cultivation ladder 数字化车间 → 智能工厂 → 未来工厂（试点） (pure): for an enterprise, the next rung it
does not hold yet, whether it qualifies, and what is missing — from its credentials, its latest digital
level and its software and hardware investment (设备 + 信息化, not civil works) of the last years, with the
thresholds of data/evaluations/ladder-zhejiang.yaml read through the tracing context."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lianghua.core.formatting import number
from lianghua.rulebook.evaluation import Context, trace_placeholders
from lianghua.rulebook.parameters import Document


@dataclass(frozen=True)
class Rung:
    kind: str  # the credential kind that marks it held
    name: str
    level_key: str
    investment_key: str | None


RUNGS = (
    Rung("digital_workshop", "数字化车间", "workshop.min_level", "workshop.min_investment"),
    Rung("smart_factory", "智能工厂", "factory.min_level", "factory.min_investment"),
    Rung("future_factory_pilot", "未来工厂（试点）", "future.min_level", None),
)
RUNG_BY_KIND = {rung.kind: rung for rung in RUNGS}
# Holding a higher rung (or the full 未来工厂) means the lower ones are behind the enterprise.
HELD_ABOVE = {"future_factory": 3}


@dataclass(frozen=True)
class LadderInput:
    enterprise_id: int
    credit_code: str
    name: str
    region: str
    held: frozenset[str]  # credential kinds held on the day
    level: Decimal | None  # latest digital level on or before the day
    investment_wan: Decimal  # 设备 + 信息化 investment of projects started in the window


@dataclass(frozen=True)
class LadderMethod:
    day: dt.date
    levels: dict[str, Decimal]
    investments: dict[str, Decimal]
    window_years: int
    trace: list[dict[str, Any]]

    @property
    def placeholders(self) -> list[dict[str, Any]]:
        """The parameters used whose values are borrowed until the county sets its own."""
        return trace_placeholders(self.trace)


@dataclass(frozen=True)
class LadderStep:
    enterprise: LadderInput
    held: str | None  # the highest rung held, by name
    next: Rung | None  # None: the top of the ladder is held
    qualifies: bool
    missing: tuple[str, ...]


def ladder_method_read(document: Document, day: dt.date) -> LadderMethod:
    ctx = Context({}, day)
    ctx.doc = document
    levels = {rung.kind: ctx.num(rung.level_key) for rung in RUNGS}
    investments = {rung.kind: ctx.num(rung.investment_key) for rung in RUNGS if rung.investment_key}
    window = int(ctx.num("investment.window_years"))
    return LadderMethod(day=day, levels=levels, investments=investments, window_years=window, trace=ctx.trace_rows())


def _level(value: Decimal) -> str:
    return f"{value:.1f}"


def ladder_step(enterprise: LadderInput, method: LadderMethod) -> LadderStep:
    top = max([index + 1 for index, rung in enumerate(RUNGS) if rung.kind in enterprise.held]
              + [HELD_ABOVE[kind] for kind in enterprise.held if kind in HELD_ABOVE], default=0)
    held = RUNGS[top - 1].name if top else None
    if top >= len(RUNGS):
        return LadderStep(enterprise, held, None, False, ())
    rung = RUNGS[top]
    missing = []
    needed_level = method.levels[rung.kind]
    if enterprise.level is None or enterprise.level < needed_level:
        now = "无评定" if enterprise.level is None else f"现为{_level(enterprise.level)}"
        missing.append(f"数字化水平需达到{_level(needed_level)}（{now}）")
    needed_investment = method.investments.get(rung.kind)
    if needed_investment is not None and enterprise.investment_wan < needed_investment:
        missing.append(f"近{method.window_years}年软硬件投资需达到{number(needed_investment, 0)}万元"
                       f"（现为{number(enterprise.investment_wan, 2)}万元）")
    return LadderStep(enterprise, held, rung, not missing, tuple(missing))
