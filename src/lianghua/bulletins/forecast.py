"""Year-end forecasts of a flow indicator from its monthly trajectory — pure arithmetic, no Django.

Given this year's within-year flow at the end of month m (x_m, what the year has added so far) and, for
earlier years, the share of their year's flow reached by the end of the same month (s = x_m ÷ x_12):

- **seasonal** (季节形态, where earlier years exist): the year-end flow is x_m ÷ s̄, s̄ the mean share of the
  earlier years; the range spans the estimate of every single earlier year and the linear one.
- **linear** (线性外推, else): x_m × 12 ÷ m, the year's average monthly pace continued; the range spans
  that and the pace of the last three months continued.

A forecast is an estimate: the page names its method and shows its range, never a single certain figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

SEASONAL = "seasonal"
LINEAR = "linear"
METHOD_TEXT = {
    SEASONAL: "季节形态法：按本区域往年同月累计占全年的比例推算全年",
    LINEAR: "线性外推：按本年已过月份的平均月增量推算全年（无往年数据）",
}
RECENT_MONTHS = 3
PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Forecast:
    value: Decimal  # the year-end figure on the row's own basis (flow + what came before the year)
    low: Decimal
    high: Decimal
    method: str  # SEASONAL / LINEAR
    years_used: tuple[int, ...] = ()  # the earlier years whose shape was used

    @property
    def method_text(self) -> str:
        text = METHOD_TEXT[self.method]
        if self.years_used:
            text += f"（{'、'.join(str(y) for y in self.years_used)}年）"
        return text


def _q(value: Decimal) -> Decimal:
    return value.quantize(PLACES)


def year_end_forecast(*, month: int, flows: Sequence[Decimal | None], base: Decimal = Decimal(0),
                      earlier_shares: dict[int, Decimal] | None = None) -> Forecast | None:
    """`flows`: this year's within-year flow at the end of months 1..month (None where unknown);
    `base`: what the row's basis counts from before the year (0 for a yearly basis); `earlier_shares`:
    year → share of that year's flow reached by the end of `month` (only years with a flow > 0).
    None when the month's flow is unknown or the year is over."""
    if not 1 <= month < 12 or len(flows) < month or flows[month - 1] is None:
        return None
    now = Decimal(flows[month - 1])  # type: ignore[arg-type]
    linear = now * 12 / month
    back = month - RECENT_MONTHS
    earlier = flows[back - 1] if back >= 1 else Decimal(0) if back == 0 else None
    recent = None if earlier is None else now + (now - Decimal(earlier)) / RECENT_MONTHS * (12 - month)
    shares = {y: s for y, s in (earlier_shares or {}).items() if s > 0}
    if shares:
        mean = sum(shares.values(), Decimal(0)) / len(shares)
        value = now / mean
        candidates = [now / s for s in shares.values()] + [linear]
        method, years = SEASONAL, tuple(sorted(shares))
    else:
        value = linear
        candidates = [linear] + ([recent] if recent is not None else [])
        method, years = LINEAR, ()
    candidates = [max(c, now) for c in candidates]  # a flow does not shrink: the year ends at least where it is
    return Forecast(value=_q(base + max(value, now)), low=_q(base + min(candidates)),
                    high=_q(base + max(candidates)), method=method, years_used=years)
