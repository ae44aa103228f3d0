"""A plan's month-by-month history in a region for one year, and its year-end forecasts.

Every figure is the progress engine's at each month's last day (`progress_series`, which is
`progress_compute` for many dates at once), so a month of the
history equals that month's dashboard and bulletin; each child region's 赛马 rank per month follows the
bulletin's rule. Forecasts (bulletins/forecast.py) use the region's own earlier years through the same
engine (`indicator_actuals_at`, yearly basis), where the registry has them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from lianghua.core.months import month_add
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children
from lianghua.targets.models import Indicator, Plan
from lianghua.targets.progress import TargetProgress, indicator_actuals_at, progress_series
from lianghua.targets.progress_math import ANNUAL, competition_ranks, target_met

from .forecast import Forecast, year_end_forecast
from .scoring import ScoreRule, region_score

EARLIER_YEARS = 3  # the seasonal shape is read from at most this many earlier years


def month_ends(year: int, as_of: dt.date) -> list[dt.date]:
    """The last day of each month of `year` that has ended by `as_of`."""
    ends = []
    month = dt.date(year, 1, 1)
    while month.year == year:
        end = month_add(month, 1) - dt.timedelta(days=1)
        if end > as_of:
            break
        ends.append(end)
        month = month_add(month, 1)
    return ends


@dataclass
class Point:
    as_of: dt.date
    actual: Decimal | None
    change: Decimal | None  # against the month before (None for January or a missing figure)
    completion: Decimal | None
    time_progress: Decimal | None


@dataclass
class Line:
    """One target's history: the region's own (or a child's) indicator × basis."""

    region_code: str
    region_name: str
    indicator: str
    indicator_name: str
    unit: str
    basis: str
    target: Decimal | None
    comparator: str
    is_stock: bool
    points: list[Point] = field(default_factory=list)
    forecast: Forecast | None = None

    @property
    def forecast_misses(self) -> bool | None:
        if self.forecast is None or self.target is None:
            return None
        return not target_met(self.forecast.value, self.target, self.comparator)

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


@dataclass
class RankLine:
    code: str
    name: str
    ranks: list[int | None]
    scores: list[Decimal | None]


@dataclass
class Trends:
    plan: Plan
    region: Region
    year: int
    months: list[dt.date]
    lines: list[Line]  # the region's own targets
    child_lines: list[Line]
    ranks: list[RankLine]

    @property
    def forecasts_missing(self) -> list[Line]:
        return [line for line in [*self.lines, *self.child_lines] if line.forecast_misses]


def _key(row: TargetProgress) -> tuple[str, str, str]:
    return (row.region_code, row.indicator, row.basis)


def _line(row: TargetProgress) -> Line:
    return Line(region_code=row.region_code, region_name=row.region_name, indicator=row.indicator,
                indicator_name=row.indicator_name, unit=row.unit, basis=row.basis, target=row.target,
                comparator=row.comparator, is_stock=row.is_stock)


def _flows_of_year(plan: Plan, indicator: Indicator, regions: list[Region], year: int,
                   ends: list[dt.date]) -> dict[str, list[Decimal | None]]:
    """Each region's within-year flow (the yearly basis) at each of `ends`."""
    answers = indicator_actuals_at(plan=plan, indicator=indicator, asks=[(ANNUAL, end) for end in ends], year=year,
                                   regions=regions)
    return {r.code: [actuals[r.code].value for _, actuals in answers] for r in regions}


def _forecasts(plan: Plan, year: int, month_end: dt.date, lines: list[Line], regions: dict[str, Region]) -> None:
    """Fill each flow line's forecast from the months of `year` to `month_end` and the earlier years."""
    month = month_end.month
    by_indicator: dict[str, list[Line]] = {}
    for line in lines:
        if not line.is_stock and line.target is not None:
            by_indicator.setdefault(line.indicator, []).append(line)
    indicators = {i.code: i for i in Indicator.objects.filter(code__in=by_indicator)}
    for code, group in by_indicator.items():
        indicator = indicators[code]
        wanted = list({line.region_code: regions[line.region_code] for line in group}.values())
        this_year = _flows_of_year(plan, indicator, wanted, year, month_ends(year, month_end))
        shares: dict[str, dict[int, Decimal]] = {r.code: {} for r in wanted}
        for earlier in range(year - EARLIER_YEARS, year):
            same_month = month_add(dt.date(earlier, month, 1), 1) - dt.timedelta(days=1)
            flows_then = _flows_of_year(plan, indicator, wanted, earlier, [same_month, dt.date(earlier, 12, 31)])
            for region in wanted:
                part, whole = flows_then[region.code]
                if part is not None and whole:
                    shares[region.code][earlier] = Decimal(part) / Decimal(whole)
        for line in group:
            flows = this_year[line.region_code]
            current = line.latest.actual if line.latest else None
            if current is None or not flows or flows[-1] is None:
                continue
            base = Decimal(current) - Decimal(flows[-1]) if line.basis != ANNUAL else Decimal(0)
            line.forecast = year_end_forecast(month=month, flows=flows, base=base,
                                              earlier_shares=shares[line.region_code])


def series_lines(series: dict[dt.date, list[TargetProgress]], ends: list[dt.date]) -> list[Line]:
    """Each target's line through `ends` from a `progress_series` (a row missing at a date, as a level
    indicator read only at some dates, has no point there)."""
    lines: dict[tuple[str, str, str], Line] = {}
    for end in ends:
        for row in series[end]:
            line = lines.setdefault(_key(row), _line(row))
            before = line.latest.actual if line.latest else None
            change = row.actual - before if row.actual is not None and before is not None else None
            line.points.append(Point(end, row.actual, change, row.completion, row.time_progress))
    return list(lines.values())


def trends_compute(*, plan: Plan, region: Region, year: int, as_of: dt.date, children: bool = True,
                   rule: ScoreRule | None = None, forecasts: bool = True, stocks: bool = True) -> Trends:
    """The months of `year` ended by `as_of`; `stocks` False leaves out the level indicators (whose
    history costs one read per month each) where only the flows' curves are wanted."""
    rule = rule or ScoreRule.from_settings()
    ends = month_ends(year, as_of)
    ranks: dict[str, RankLine] = {}
    kids = list(region_children(region)) if children else []
    history = progress_series(plan=plan, region=region, year=year, dates=ends, children=children,
                              stock_dates=None if stocks else ())
    for end in ends:
        by_child: dict[str, list[TargetProgress]] = {}
        for row in history[end]:
            if row.region_code != region.code:
                by_child.setdefault(row.region_code, []).append(row)
        scores = {code: region_score(child_rows, rule)[0] for code, child_rows in by_child.items()}
        codes = [c.code for c in kids]
        for child, rank in zip(kids, competition_ranks([scores.get(c) for c in codes]), strict=True):
            entry = ranks.setdefault(child.code, RankLine(child.code, child.name, [], []))
            entry.ranks.append(rank)
            entry.scores.append(scores.get(child.code))
    lines = series_lines(history, ends)
    own = [line for line in lines if line.region_code == region.code]
    theirs = [line for line in lines if line.region_code != region.code]
    if forecasts and ends and ends[-1].month < 12:
        _forecasts(plan, year, ends[-1], own + theirs, {region.code: region, **{c.code: c for c in kids}})
    return Trends(plan=plan, region=region, year=year, months=ends, lines=own, child_lines=theirs,
                  ranks=[r for r in ranks.values() if any(x is not None for x in r.ranks)])
