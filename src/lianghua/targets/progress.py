"""Progress against targets: the actual value of every target, counted live from the registry.

`progress_compute(plan=…, region=…, year=…, as_of=…, children=…)` returns one `TargetProgress` per
target of the plan in that region and year (and in each child region). Each indicator's actual is
counted by its computation (declared once in targets/computations/, named by data/indicators.yaml;
rules in docs/progress.md) over the region's whole subtree, set-based: one grouped query per indicator ×
basis gives the figures of every region in the subtree at once (GROUP BY the row's region), which are
then added up per target region — a fold over a few dozen region rows, never a loop over projects,
reports or enterprises. The records page (targets/records.py) lists the rows behind a number with the
computation's own filters.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, Q, QuerySet

from lianghua.core.formatting import decimal_text
from lianghua.regions.models import Region

from . import progress_math as pm
from .computation import COMPUTED, NONE, REPORTED, Actuals, Measure, RegionFold, RegistrySource, keeper_path
from .computations import COMPUTATIONS
from .models import Indicator, Plan, ReportedActual, Target

JSON_PLACES = 4  # decimals of every figure in as_dict

__all__ = ["COMPUTED", "NONE", "REPORTED", "TargetProgress", "indicator_actuals", "progress_compute"]


# ── the result ────────────────────────────────────────────────────────────────────────────────────


@dataclass
class TargetProgress:
    plan: str
    region_code: str
    region_name: str
    indicator: str
    indicator_name: str
    unit: str
    year: int
    basis: str
    target: Decimal | None
    stretch: Decimal | None
    comparator: str
    actual: Decimal | None
    completion: Decimal | None
    time_progress: Decimal | None
    status: str
    status_label: str
    data_year: int | None
    window_start: dt.date
    window_end: dt.date
    actual_source: str
    note: str = ""
    rank: int | None = None
    is_stock: bool = False
    source_clause: str = ""

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (the API, `progress --format json`): every figure as exact decimal text rounded half-up
        to 4 decimals — actuals, targets, completion and time progress (fractions, 1 = 100%) — dates ISO."""
        return {
            "plan": self.plan,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "indicator": self.indicator,
            "indicator_name": self.indicator_name,
            "unit": self.unit,
            "year": self.year,
            "basis": self.basis,
            "target": decimal_text(self.target, JSON_PLACES),
            "stretch": decimal_text(self.stretch, JSON_PLACES),
            "comparator": self.comparator,
            "actual": decimal_text(self.actual, JSON_PLACES),
            "completion": decimal_text(self.completion, JSON_PLACES),
            "time_progress": decimal_text(self.time_progress, JSON_PLACES),
            "status": self.status,
            "status_label": self.status_label,
            "data_year": self.data_year,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "actual_source": self.actual_source,
            "note": self.note,
            "rank": self.rank,
            "is_stock": self.is_stock,
            "source_clause": self.source_clause,
        }


# ── does the registry hold an indicator's data for a region? (see computation.keeper_path) ──────


def registry_source(indicator: Indicator) -> RegistrySource | None:
    """The registry rows the indicator is counted from; None for yearly figures (whose data-year rule
    already says 无数据 where a region has none) and entered values."""
    computation = COMPUTATIONS.get(indicator.computation)
    return None if computation is None else computation.source(indicator.params or {})


Holdings = dict[tuple[tuple[str, ...], str], bool]


def holdings_fetch(indicators: Iterable[Indicator], regions: Iterable[Region], holdings: Holdings) -> None:
    """Answer into `holdings` whether each keeper of `regions` holds each kind of record `indicators` are
    counted from: one query per keeper with one EXISTS per kind, for what `holdings` does not know yet."""
    sources = {source.key: source for source in map(registry_source, indicators) if source is not None}
    for path in sorted({keeper_path(region) for region in regions}):
        wanted = [source for key, source in sources.items() if (key, path) not in holdings]
        if not wanted:
            continue
        subtree = Region.objects.filter(path__startswith=path).values("id")
        answers = (Region.objects.filter(path=path)
                   .annotate(**{f"h{i}": Exists(source.rows.filter(**{f"{source.region_lookup}__in": subtree}))
                                for i, source in enumerate(wanted)})
                   .values(*(f"h{i}" for i in range(len(wanted)))).get())
        for i, source in enumerate(wanted):
            holdings[(source.key, path)] = bool(answers[f"h{i}"])


def regions_without_records(indicator: Indicator, regions: Iterable[Region],
                            holdings: Holdings | None = None) -> list[Region]:
    """The regions whose keeper's registry holds none of `indicator`'s kind of record (none for
    indicators `registry_source` does not cover). `holdings` caches the answers (`holdings_fetch`)
    across the indicators of one computation."""
    source = registry_source(indicator)
    if source is None:
        return []
    regions = list(regions)
    holdings = {} if holdings is None else holdings
    holdings_fetch([indicator], regions, holdings)
    return [region for region in regions if not holdings[(source.key, keeper_path(region))]]


def reported_actuals_latest(*, plan: Plan, indicator: Indicator, regions: list[Region], year: int,
                            dates: Collection[dt.date]) -> dict[dt.date, dict[str, ReportedActual]]:
    """For each of `dates`, the latest 填报值 per region with as_of on or before it (one query)."""
    if not dates:
        return {}
    entries = (ReportedActual.objects.filter(plan=plan, indicator=indicator, region__in=regions, year=year,
                                             as_of__lte=max(dates))
               .select_related("region").order_by("region_id", "-as_of", "-reported_at", "-id"))
    latest: dict[dt.date, dict[str, ReportedActual]] = {day: {} for day in dates}
    for entry in entries:
        for day, found in latest.items():
            if entry.as_of <= day:
                found.setdefault(entry.region.code, entry)
    return latest


def indicator_is_stock(indicator: Indicator) -> bool:
    computation = COMPUTATIONS.get(indicator.computation)
    return computation is not None and computation.is_stock(indicator.params or {})


def _reported_measures(*, plan: Plan, indicator: Indicator, regions: list[Region], year: int,
                       dates: Collection[dt.date]) -> dict[dt.date, Actuals]:
    latest = reported_actuals_latest(plan=plan, indicator=indicator, regions=regions, year=year, dates=dates)
    return {day: {r.code: (Measure(value=found[r.code].value, source=REPORTED) if r.code in found
                           else Measure(value=None, source=NONE)) for r in regions}
            for day, found in latest.items()}


def indicator_actuals_at(*, plan: Plan, indicator: Indicator, asks: list[tuple[str, dt.date]], year: int,
                         regions: list[Region], fold: RegionFold | None = None,
                         holdings: Holdings | None = None) -> list[tuple[pm.Window, Actuals]]:
    """For each (basis, as-of date) asked: (window, actual of `indicator` for each of `regions`, each over
    its whole subtree). A flow answers every ask in one query (one filtered aggregate per window); a stock,
    read at a window's end, once per as-of date. A computed indicator's region whose registry holds none
    of its records gets its latest 填报值 instead, or 无数据 (`regions_without_records`)."""
    windows = [pm.progress_window(basis=b, year=year, plan_start_year=plan.start_year, as_of=d) for b, d in asks]
    computation = COMPUTATIONS.get(indicator.computation)
    if computation is None:
        return [(w, {r.code: Measure(value=None, source=NONE) for r in regions}) for w in windows]
    if computation.count is None:  # entered, not counted
        entered = _reported_measures(plan=plan, indicator=indicator, regions=regions, year=year,
                                     dates={d for _, d in asks})
        return [(w, entered[d]) for w, (_, d) in zip(windows, asks, strict=True)]
    fold = fold or RegionFold.of(regions)
    params = indicator.params or {}
    if computation.stock:  # one read per window end (both bases of one date share it)
        by_end: dict[dt.date, Actuals] = {}
        for window in windows:
            if window.end not in by_end:
                by_end[window.end] = computation.count(params, [window], year, fold)[0]
        answers = [by_end[w.end] for w in windows]
    else:
        answers = computation.count(params, windows, year, fold)
    unheld = regions_without_records(indicator, regions, holdings)
    if unheld:
        reported = _reported_measures(plan=plan, indicator=indicator, regions=unheld, year=year,
                                      dates={d for _, d in asks})
        answers = [{**actuals, **reported[d]} for actuals, (_, d) in zip(answers, asks, strict=True)]
    return [(w, {code: (m if m.value is not None else Measure(value=None, data_year=m.data_year, source=NONE))
                 for code, m in actuals.items()})
            for w, actuals in zip(windows, answers, strict=True)]


def indicator_actuals_by_basis(*, plan: Plan, indicator: Indicator, bases: list[str], year: int, as_of: dt.date,
                               regions: list[Region], fold: RegionFold | None = None,
                               holdings: Holdings | None = None) -> dict[str, tuple[pm.Window, Actuals]]:
    """basis → (window, actual of `indicator` for each of `regions`) at one as-of date (one query)."""
    answers = indicator_actuals_at(plan=plan, indicator=indicator, asks=[(b, as_of) for b in bases], year=year,
                                   regions=regions, fold=fold, holdings=holdings)
    return dict(zip(bases, answers, strict=True))


def indicator_actuals(*, plan: Plan, indicator: Indicator, basis: str, year: int, as_of: dt.date,
                      regions: list[Region], fold: RegionFold | None = None) -> tuple[pm.Window, Actuals]:
    """The actual of `indicator` on one basis for each of `regions` (each over its whole subtree)."""
    return indicator_actuals_by_basis(plan=plan, indicator=indicator, bases=[basis], year=year, as_of=as_of,
                                      regions=regions, fold=fold)[basis]


# ── the main entry point ──────────────────────────────────────────────────────────────────────────


def _targets(plan: Plan, region: Region, year: int, children: bool) -> QuerySet[Target]:
    where = Q(region=region)
    if children:
        where |= Q(region__parent=region, region__disabled_on__isnull=True)
    return (Target.objects.filter(plan=plan, year=year).filter(where).select_related("indicator", "region")
            .order_by("indicator__order", "indicator__code", "basis"))


def _progress_row(plan: Plan, target: Target, window: pm.Window, measure: Measure, as_of: dt.date) -> TargetProgress:
    indicator = target.indicator
    stock = indicator_is_stock(indicator)
    done = pm.completion(measure.value, target.value, better=indicator.better)
    elapsed = None if stock else pm.time_progress(window, as_of)
    status = pm.progress_status(actual=measure.value, target=target.value, comparator=target.comparator,
                                completion_value=done, time_progress_value=elapsed,
                                lagging_share=Decimal(settings.LIANGHUA_LAGGING_SHARE))
    return TargetProgress(
        plan=plan.code,
        region_code=target.region.code,
        region_name=target.region.name,
        indicator=indicator.code,
        indicator_name=indicator.name,
        unit=indicator.unit,
        year=target.year,
        basis=target.basis,
        target=target.value,
        stretch=target.stretch_value,
        comparator=target.comparator,
        actual=measure.value,
        completion=done,
        time_progress=elapsed,
        status=status,
        status_label=pm.STATUS_LABELS[status],
        data_year=measure.data_year,
        window_start=window.start,
        window_end=window.end,
        actual_source=measure.source if measure.value is not None else NONE,
        note=target.note,
        is_stock=stock,
        source_clause=target.source_clause,
    )


def progress_compute(*, plan: Plan, region: Region, year: int, as_of: dt.date,
                     children: bool = False) -> list[TargetProgress]:
    """Progress of every target of `plan` in `region` for `year` at `as_of` (with `children`, also of
    every child region's targets). The region's rows come first, then each child's (in the tree's
    order), each in indicator order; children are ranked per indicator × basis by completion."""
    return progress_series(plan=plan, region=region, year=year, dates=[as_of], children=children)[as_of]


def progress_series(*, plan: Plan, region: Region, year: int, dates: list[dt.date], children: bool = False,
                    stock_dates: Collection[dt.date] | None = None) -> dict[dt.date, list[TargetProgress]]:
    """`progress_compute` at each of `dates` (a month-by-month history), each indicator's flows counted
    for every date in one query: as-of date → the rows progress_compute gives for it. The level (stock)
    indicators, read once per date each, are read only at `stock_dates` when given (the other dates'
    rows leave them out): a history that draws the flows' curves asks for none."""
    targets = list(_targets(plan, region, year, children))
    by_indicator: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_indicator[target.indicator_id].append(target)

    rows: dict[tuple[dt.date, int], TargetProgress] = {}
    holdings: Holdings = {}  # asked once for every indicator and target region
    holdings_fetch({t.indicator_id: t.indicator for t in targets}.values(),
                   {t.region_id: t.region for t in targets}.values(), holdings)
    folds: dict[tuple[int, ...], RegionFold] = {}
    for group in by_indicator.values():
        indicator = group[0].indicator
        regions = list({t.region_id: t.region for t in group}.values())
        key = tuple(sorted(r.pk for r in regions))
        if key not in folds and getattr(COMPUTATIONS.get(indicator.computation), "count", None) is not None:
            folds[key] = RegionFold.of(regions)
        bases = sorted({t.basis for t in group})
        days = dates if stock_dates is None or not indicator_is_stock(indicator) else [
            d for d in dates if d in stock_dates]
        if not days:
            continue
        asks = [(basis, day) for day in days for basis in bases]
        answers = dict(zip(asks, indicator_actuals_at(plan=plan, indicator=indicator, asks=asks, year=year,
                                                      regions=regions, fold=folds.get(key), holdings=holdings),
                           strict=True))
        for day in days:
            for target in group:
                window, actuals = answers[(target.basis, day)]
                rows[(day, target.pk)] = _progress_row(plan, target, window, actuals[target.region.code], day)
            for basis in bases:
                child_rows = [rows[(day, t.pk)] for t in group if t.basis == basis and t.region_id != region.pk]
                for row, rank in zip(child_rows, pm.competition_ranks([r.completion for r in child_rows]),
                                     strict=True):
                    row.rank = rank

    # Stable sort: within a region the targets keep their indicator order.
    ordered = sorted(targets, key=lambda t: (t.region_id != region.pk, t.region.order, t.region.code))
    return {day: [rows[(day, t.pk)] for t in ordered if (day, t.pk) in rows] for day in dates}
