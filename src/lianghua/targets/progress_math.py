"""Pure arithmetic of progress against targets: windows, time progress, completion, status, ranking.

No Django here: plain dates and Decimals in, plain values out, so every rule is tested without a
database (and the module is `mypy --strict` clean). The counting of actual values lives in
`targets/progress.py`; the rules are written out in docs/progress.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

ANNUAL = "annual"
CUMULATIVE = "cumulative"

DONE = "done"
NORMAL = "normal"
LAGGING = "lagging"
SEVERE = "severe"
NODATA = "nodata"
NOBASE = "nobase"  # a change target whose base-year figure is missing (or 0): no change can be computed
UNDECOMPOSED = "undecomposed"  # the region has no target of its own: a parent's target was not split
STATUS_LABELS: dict[str, str] = {
    DONE: "已完成",
    NORMAL: "正常",
    LAGGING: "滞后",
    SEVERE: "严重滞后",
    NODATA: "无数据",
    NOBASE: "无基数",
    UNDECOMPOSED: "未分解",
}
# 滞后 while completion is at least this share of the reference (time progress, or 1 for stocks): the
# default of the platform setting LIANGHUA_LAGGING_SHARE (the 黄/红 line of 三色预警; no seed gives one).
LAGGING_SHARE = Decimal("0.8")

ONE = Decimal(1)
ZERO = Decimal(0)
HUNDRED = Decimal(100)
SIX_PLACES = Decimal("0.000001")


@dataclass(frozen=True)
class Window:
    """The dates an actual value is counted over.

    start: Jan 1 of the year (annual) or of the plan's first year (cumulative);
    period_end: Dec 31 of the target's year; end: period_end cut at the as-of date. When the as-of date
    lies before `start`, end < start: the window is empty and flows count nothing.
    """

    start: dt.date
    period_end: dt.date
    end: dt.date

    @property
    def is_empty(self) -> bool:
        return self.end < self.start


def progress_window(*, basis: str, year: int, plan_start_year: int, as_of: dt.date) -> Window:
    if basis == ANNUAL:
        start = dt.date(year, 1, 1)
    elif basis == CUMULATIVE:
        start = dt.date(min(plan_start_year, year), 1, 1)
    else:
        raise ValueError(f"unknown basis {basis!r}")
    period_end = dt.date(year, 12, 31)
    return Window(start=start, period_end=period_end, end=min(period_end, as_of))


def time_progress(window: Window, as_of: dt.date) -> Decimal:
    """Elapsed share of the whole window (start → Dec 31 of the target year) at `as_of`, in days,
    counting the as-of day itself: 0 before the window, 1 on or after its last day."""
    if as_of < window.start:
        return ZERO
    if as_of >= window.period_end:
        return ONE
    elapsed = (as_of - window.start).days + 1
    total = (window.period_end - window.start).days + 1
    return Decimal(elapsed) / Decimal(total)


def ratio(numerator: Decimal, denominator: Decimal, *, scale: Decimal = ONE) -> Decimal | None:
    """numerator × scale ÷ denominator, or None (无数据) when the denominator is not positive."""
    if denominator <= 0:
        return None
    return numerator * scale / denominator


def target_met(actual: Decimal, target: Decimal, comparator: str) -> bool:
    if comparator == "lte":
        return actual <= target
    if comparator == "eq":
        return actual == target
    return actual >= target


def completion(actual: Decimal | None, target: Decimal | None, *, better: str = "higher") -> Decimal | None:
    """How much of the target the actual covers, as a fraction (1 = exactly met).

    Higher-is-better: actual ÷ target. Lower-is-better: target ÷ actual, so that beating a ceiling
    also reads as ≥ 1 (an actual of 0 against a ceiling counts as fully met, 1). None when either
    number is missing or the target is 0 (nothing to divide by; the status then only asks whether the
    target is met).
    """
    if actual is None or target is None:
        return None
    if better == "lower":
        if actual <= 0:
            return ONE if target >= 0 else None
        return target / actual
    if target == 0:
        return None
    return actual / target


def progress_status(
    *,
    actual: Decimal | None,
    target: Decimal | None,
    comparator: str,
    completion_value: Decimal | None,
    time_progress_value: Decimal | None,
    lagging_share: Decimal = LAGGING_SHARE,
) -> str:
    """已完成 / 正常 / 滞后 / 严重滞后 / 无数据.

    - 无数据: no actual (nobody can compute or report it) or no target value (unreadable cell).
    - 已完成: the actual meets the target by its comparator (≥ by default), whatever the date.
    - flows (time_progress_value given): 正常 when completion ≥ time progress, 滞后 when completion ≥
      `lagging_share` (80%) of time progress, 严重滞后 below that.
    - stocks (time_progress_value None): the reference is the target itself, i.e. time progress 1:
      滞后 when completion ≥ 80%, 严重滞后 below; a stock is never "正常" until it is met.
    """
    if actual is None or target is None:
        return NODATA
    if target_met(actual, target, comparator):
        return DONE
    reference = ONE if time_progress_value is None else time_progress_value
    if completion_value is None:
        # A target of 0 not met (only possible with lte/eq): nothing to be "on track" against.
        return SEVERE
    if time_progress_value is not None and completion_value >= reference:
        return NORMAL
    if completion_value >= lagging_share * reference:
        return LAGGING
    return SEVERE


def change_percent(current: Decimal | None, base: Decimal | None) -> Decimal | None:
    """(current − base) ÷ base × 100: the % change on a base figure. None when either figure is missing
    (无数据 / 无基数) or the base is not positive (a change on 0 means nothing; never read as 0)."""
    if current is None or base is None or base <= 0:
        return None
    return (current - base) * HUNDRED / base


def change_completion(change: Decimal | None, target: Decimal | None) -> Decimal | None:
    """How much of a change target the actual change covers: change ÷ target, so +6% on a +8% goal is
    0.75 and −12% on a −15% goal 0.8 (both signs agree). A change the wrong way is negative; None when
    either is missing or the target is 0 (the status then only asks whether it is met)."""
    if change is None or target is None or target == 0:
        return None
    return change / target


def competition_ranks(values: Sequence[Decimal | None]) -> list[int | None]:
    """Rank by value, highest first, 1 = best; ties share a rank and the next rank skips (1, 1, 3).
    None values are not ranked."""
    ranked = sorted((v for v in values if v is not None), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ranked, start=1):
        first_position.setdefault(value, position)
    return [None if v is None else first_position[v] for v in values]


def sum_decimals(values: Iterable[Decimal]) -> Decimal:
    total = ZERO
    for value in values:
        total += value
    return total
