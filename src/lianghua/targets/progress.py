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
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Exists, Q, QuerySet

from lianghua.core.formatting import decimal_text
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children

from . import progress_math as pm
from .computation import (
    COMPUTED,
    KEEPER_DEPTH,
    NONE,
    REPORTED,
    ROLLUP,
    SOURCE_LABELS,
    Actuals,
    Measure,
    MeasurePart,
    RegionFold,
    RegistrySource,
    keeper_path,
)
from .computations import COMPUTATIONS
from .models import Indicator, KeyIndustry, Plan, ReportedActual, Target

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
    measure: str = "level"  # or "change": target, completion and status are about `change` (%)
    base_year: int | None = None
    base_actual: Decimal | None = None
    change: Decimal | None = None  # % change of the actual on the base year's figure
    parts: list[dict[str, Any]] = field(default_factory=list)  # a rolled-up actual's children
    parts_summary: str = ""
    own_reported: Decimal | None = None  # a parent's own 填报值 (counted only without children's figures)
    responsible: str = ""
    industry: str = ""
    reference_target: Decimal | None = None  # 未分解: the target that was not split
    reference_region_name: str = ""
    plan_status: str = "issued"

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
            "measure": self.measure,
            "base_year": self.base_year,
            "base_actual": decimal_text(self.base_actual, JSON_PLACES),
            "change": decimal_text(self.change, JSON_PLACES),
            "parts": [{**p, "value": decimal_text(p["value"], JSON_PLACES)} for p in self.parts],
            "parts_summary": self.parts_summary,
            "own_reported": decimal_text(self.own_reported, JSON_PLACES),
            "responsible": self.responsible,
            "industry": self.industry,
            "reference_target": decimal_text(self.reference_target, JSON_PLACES),
            "reference_region_name": self.reference_region_name,
            "plan_status": self.plan_status,
        }


# ── does the registry hold an indicator's data for a region? (see computation.keeper_path) ──────


def registry_source(indicator: Indicator) -> RegistrySource | None:
    """The registry rows the indicator is counted from; None for yearly figures (whose data-year rule
    already says 无数据 where a region has none) and entered values."""
    computation = COMPUTATIONS.get(indicator.computation)
    return None if computation is None else computation.source(indicator.params or {})


Holdings = dict[tuple[tuple[str, ...], str], bool]
# What one progress computation keeps across its indicators: region folds by (region ids…, divisions),
# roll-up trees by ("tree", …), the plan's 填报值 of a year by ("reported", …).
Folds = dict[tuple[object, ...], Any]
FEW_KEEPERS = 3  # up to this many keepers, one EXISTS query each beats a scan of every region holding rows


def holdings_fetch(indicators: Iterable[Indicator], regions: Iterable[Region], holdings: Holdings) -> None:
    """Answer into `holdings` whether each keeper of `regions` holds each kind of record `indicators` are
    counted from, for what `holdings` does not know yet: for a few keepers one query each with one EXISTS
    per kind; for many (a city's or the province's roll-up) one query per kind (per model for kinds
    told apart by a field, `RegistrySource.kind_field`), the paths of the regions holding such records,
    whose prefixes are the keepers that hold them."""
    sources = {source.key: source for source in map(registry_source, indicators) if source is not None}
    paths = sorted({keeper_path(region) for region in regions})
    if len(paths) > FEW_KEEPERS:
        wanted = [source for key, source in sources.items() if any((key, path) not in holdings for path in paths)]
        if not wanted:
            return
        # The same answer serves every keeper below a city or the province asked about: their roll-ups ask next.
        uppers, within = Q(), Q()
        for path in paths:
            if not any(other != path and path.startswith(other) for other in paths):
                within |= Q(path__startswith=path)
            if path.count("/") <= KEEPER_DEPTH:
                uppers |= Q(path__startswith=path)
        if uppers:
            paths = sorted({*paths, *Region.objects.filter(uppers, depth__lte=KEEPER_DEPTH).values_list("path", flat=True)})
        for key, held_paths in _paths_holding(wanted, within).items():
            prefixes: set[str] = set()
            for held_path in held_paths:
                codes = held_path.split("/")[:-1]
                prefixes.update("/".join(codes[:i]) + "/" for i in range(1, len(codes) + 1))
            for path in paths:
                holdings.setdefault((key, path), path in prefixes)
        return
    for path in paths:
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


def _paths_holding(sources: list[RegistrySource], within: Q) -> dict[tuple[str, ...], set[str]]:
    """The paths of the regions `within` holding rows of each source."""
    batches: dict[tuple[object, ...], list[RegistrySource]] = defaultdict(list)
    for source in sources:
        batches[(source.rows.model, source.kind_field, source.region_lookup) if source.kind_field
                else source.key].append(source)
    held: dict[tuple[str, ...], set[str]] = {}
    for batch in batches.values():
        first = batch[0]
        if not first.kind_field:
            # as a semi-join on the regions: cheaper than a DISTINCT over every row
            held[first.key] = set(Region.objects.filter(within, pk__in=first.rows.values(first.region_lookup))
                                  .values_list("path", flat=True))
            continue
        region = first.region_lookup.removesuffix("_id")  # "enterprise__region"
        by_kind: dict[str, set[str]] = defaultdict(set)
        kinds = {kind for source in batch for kind in source.key[1:]}
        rows = first.rows.model.objects.filter(**{f"{first.kind_field}__in": kinds, f"{region}__in": Region.objects.filter(within)})
        for kind, path in rows.order_by().values_list(first.kind_field, f"{region}__path").distinct():
            by_kind[kind].add(path)
        for source in batch:
            held[source.key] = set().union(*(by_kind[kind] for kind in source.key[1:]))
    return held


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
                            dates: Collection[dt.date],
                            folds: Folds | None = None) -> dict[dt.date, dict[str, ReportedActual]]:
    """For each of `dates`, the latest 填报值 per region with as_of on or before it (one query; with
    `folds`, one query for every indicator of the plan's year, kept there for the others)."""
    if not dates:
        return {}
    code_of = {r.pk: r.code for r in regions}
    order = ("region_id", "-as_of", "-reported_at", "-id")
    if folds is None:
        entries: Iterable[ReportedActual] = (
            ReportedActual.objects.filter(plan=plan, indicator=indicator, region_id__in=list(code_of), year=year,
                                          as_of__lte=max(dates)).order_by(*order))
    else:
        key = ("reported", plan.pk, year, max(dates))
        if key not in folds:
            by_indicator: dict[int, list[ReportedActual]] = defaultdict(list)
            for entry in ReportedActual.objects.filter(plan=plan, year=year, as_of__lte=max(dates)).order_by(*order):
                by_indicator[entry.indicator_id].append(entry)
            folds[key] = by_indicator
        entries = (entry for entry in folds[key].get(indicator.pk, ()) if entry.region_id in code_of)
    latest: dict[dt.date, dict[str, ReportedActual]] = {day: {} for day in dates}
    for entry in entries:
        for day, found in latest.items():
            if entry.as_of <= day:
                found.setdefault(code_of[entry.region_id], entry)
    return latest


def indicator_is_stock(indicator: Indicator) -> bool:
    computation = COMPUTATIONS.get(indicator.computation)
    return computation is not None and computation.is_stock(indicator.params or {})


def _reported_measures(*, plan: Plan, indicator: Indicator, regions: list[Region], year: int,
                       dates: Collection[dt.date], folds: Folds | None = None) -> dict[dt.date, Actuals]:
    latest = reported_actuals_latest(plan=plan, indicator=indicator, regions=regions, year=year, dates=dates,
                                     folds=folds)
    return {day: {r.code: (Measure(value=found[r.code].value, source=REPORTED) if r.code in found
                           else Measure(value=None, source=NONE)) for r in regions}
            for day, found in latest.items()}


def indicator_actuals_at(*, plan: Plan, indicator: Indicator, asks: list[tuple[str, dt.date]], year: int,
                         regions: list[Region], fold: RegionFold | None = None,
                         holdings: Holdings | None = None,
                         divisions: tuple[str, ...] | None = None,
                         folds: Folds | None = None) -> list[tuple[pm.Window, Actuals]]:
    """For each (basis, as-of date) asked: (window, actual of `indicator` for each of `regions`). A region
    at or below county level (a keeper, `keeper_path`) is counted over its whole subtree: a flow answers
    every ask in one query (one filtered aggregate per window); a stock, read at a window's end, once per
    as-of date; where the registry holds none of the indicator's records, its latest 填报值, or 无数据.
    A city's or the province's actual of an additive indicator is rolled up (`_rolled_up`); a share is
    composed of its two parts (`_share`). With `divisions` (an industry's target), only the enterprises
    of those GB/T 4754 divisions count. `folds` keeps the region folds (and roll-up trees) of one
    computation across its indicators."""
    computation = COMPUTATIONS.get(indicator.computation)
    holdings = {} if holdings is None else holdings
    if computation is not None and computation.parts is not None:
        return _share(plan=plan, indicator=indicator, asks=asks, year=year, regions=regions, holdings=holdings,
                      divisions=divisions, folds={} if folds is None else folds)
    if indicator.additive and any(r.depth < KEEPER_DEPTH for r in regions):
        return _rolled_up(plan=plan, indicator=indicator, asks=asks, year=year, regions=regions, holdings=holdings,
                          divisions=divisions, folds={} if folds is None else folds)
    return _own_actuals(plan=plan, indicator=indicator, asks=asks, year=year, regions=regions, fold=fold,
                        holdings=holdings, divisions=divisions, folds=folds)


def _share(*, plan: Plan, indicator: Indicator, asks: list[tuple[str, dt.date]], year: int, regions: list[Region],
           holdings: Holdings, divisions: tuple[str, ...] | None, folds: Folds) -> list[tuple[pm.Window, Actuals]]:
    """numerator ÷ denominator × 100 for each region and ask, each part the region's own actual."""
    computation = COMPUTATIONS[indicator.computation]
    assert computation.parts is not None
    codes = computation.parts(indicator.params or {})
    parts = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    numerator, denominator = (indicator_actuals_at(plan=plan, indicator=parts[code], asks=asks, year=year,
                                                   regions=regions, holdings=holdings, divisions=divisions,
                                                   folds=folds)
                              for code in codes)
    answers = []
    for (window, top), (_, bottom) in zip(numerator, denominator, strict=True):
        actuals = {}
        for region in regions:
            a, b = top[region.code], bottom[region.code]
            value = None if a.value is None or b.value is None else pm.ratio(a.value, b.value, scale=pm.HUNDRED)
            source = NONE if value is None else (COMPUTED if a.source == b.source == COMPUTED else REPORTED)
            actuals[region.code] = Measure(value=value, source=source, data_year=a.data_year or b.data_year)
        answers.append((window, actuals))
    return answers


def _rolled_up(*, plan: Plan, indicator: Indicator, asks: list[tuple[str, dt.date]], year: int,
               regions: list[Region], holdings: Holdings, divisions: tuple[str, ...] | None,
               folds: Folds) -> list[tuple[pm.Window, Actuals]]:
    """A parent's actual is the sum over its children of each child's own actual, whatever its source: a
    county (a keeper) by its registry records or, where the registry holds none, its 填报值; a city by its
    counties; the province by its cities. A parent with no figure from any child takes its own 填报值
    (else 无数据); with children's figures, its own 填报值 is kept on the measure but not counted."""
    uppers = [r for r in regions if r.depth < KEEPER_DEPTH]
    tops = [u for u in uppers if not any(o.pk != u.pk and u.path.startswith(o.path) for o in uppers)]
    tree_key = ("tree", *sorted(t.pk for t in tops))
    if tree_key not in folds:
        within = Q()
        for top in tops:
            within |= Q(path__startswith=top.path)
        folds[tree_key] = list(Region.objects.filter(within, depth__lte=KEEPER_DEPTH, disabled_on__isnull=True)
                               .order_by("depth", "order", "code"))
    tree: list[Region] = folds[tree_key]
    tree_ids = {r.pk for r in tree}
    direct = list({r.pk: r for r in [*(r for r in tree if r.depth == KEEPER_DEPTH),
                                      *(r for r in regions if r.depth >= KEEPER_DEPTH)]}.values())
    middles = [r for r in tree if r.depth < KEEPER_DEPTH]
    middles += [u for u in uppers if u.pk not in tree_ids]  # a disabled region asked for by a target
    fold_key = (*sorted(r.pk for r in direct), divisions)
    if direct and fold_key not in folds and getattr(COMPUTATIONS.get(indicator.computation), "count", None):
        folds[fold_key] = RegionFold.of(direct, divisions)
    counted = (_own_actuals(plan=plan, indicator=indicator, asks=asks, year=year, regions=direct,
                            fold=folds.get(fold_key), holdings=holdings, divisions=divisions, folds=folds)
               if direct else [(pm.progress_window(basis=b, year=year, plan_start_year=plan.start_year, as_of=d), {})
                               for b, d in asks])
    own = _reported_measures(plan=plan, indicator=indicator, regions=middles, year=year, dates={d for _, d in asks},
                             folds=folds)
    children: dict[int, list[Region]] = defaultdict(list)
    for region in tree:
        if region.parent_id in tree_ids and region.depth <= KEEPER_DEPTH:
            children[region.parent_id].append(region)
    answers = []
    for (window, actuals), (_, day) in zip(counted, asks, strict=True):
        measures = dict(actuals)
        for middle in sorted(middles, key=lambda r: -r.depth):  # the deepest first: a city before the province
            parts = tuple(MeasurePart(region_code=c.code, region_name=c.name, value=measures[c.code].value,
                                      source=measures[c.code].source if measures[c.code].value is not None else NONE)
                          for c in children.get(middle.pk, ()) if c.code in measures)
            figures = [p.value for p in parts if p.value is not None]
            entered = own[day].get(middle.code, Measure(value=None, source=NONE))
            if figures:
                measures[middle.code] = Measure(value=pm.sum_decimals(figures), source=ROLLUP, parts=parts,
                                                own_reported=entered.value)
            else:
                measures[middle.code] = Measure(value=entered.value, source=entered.source, parts=parts,
                                                own_reported=entered.value)
        answers.append((window, {r.code: measures.get(r.code, Measure(value=None, source=NONE)) for r in regions}))
    return answers


def _own_actuals(*, plan: Plan, indicator: Indicator, asks: list[tuple[str, dt.date]], year: int,
                 regions: list[Region], fold: RegionFold | None = None, holdings: Holdings | None = None,
                 divisions: tuple[str, ...] | None = None,
                 folds: Folds | None = None) -> list[tuple[pm.Window, Actuals]]:
    """Each region's actual over its own subtree (see indicator_actuals_at)."""
    windows = [pm.progress_window(basis=b, year=year, plan_start_year=plan.start_year, as_of=d) for b, d in asks]
    computation = COMPUTATIONS.get(indicator.computation)
    if computation is None:
        return [(w, {r.code: Measure(value=None, source=NONE) for r in regions}) for w in windows]
    if computation.count is None:  # entered, not counted
        entered = _reported_measures(plan=plan, indicator=indicator, regions=regions, year=year,
                                     dates={d for _, d in asks}, folds=folds)
        return [(w, entered[d]) for w, (_, d) in zip(windows, asks, strict=True)]
    fold = fold or RegionFold.of(regions, divisions)
    params = indicator.params or {}
    if computation.stock:  # one read per window end (both bases of one date share it)
        by_end: dict[dt.date, Actuals] = {}
        for window in windows:
            if window.end not in by_end:
                by_end[window.end] = computation.count(params, [window], year, fold)[0]
        answers = [by_end[w.end] for w in windows]
    else:
        answers = _counted(indicator, windows, year, fold, folds)
    unheld = regions_without_records(indicator, regions, holdings)
    if unheld:
        reported = _reported_measures(plan=plan, indicator=indicator, regions=unheld, year=year,
                                      dates={d for _, d in asks}, folds=folds)
        answers = [{**actuals, **reported[d]} for actuals, (_, d) in zip(answers, asks, strict=True)]
    return [(w, {code: (m if m.value is not None else Measure(value=None, data_year=m.data_year, source=NONE))
                 for code, m in actuals.items()})
            for w, actuals in zip(windows, answers, strict=True)]


def _counted(indicator: Indicator, windows: list[pm.Window], year: int, fold: RegionFold,
             folds: Folds | None) -> list[Actuals]:
    """The flow's count over `fold` for each window. A computation that counts with others of its family
    (`Computation.count_together`) counts, at its first ask on a fold, every indicator of the family the
    computation has planned for that year and industry, in one query, and keeps the answers in `folds`."""
    computation = COMPUTATIONS[indicator.computation]
    assert computation.count is not None
    if computation.count_together is None or folds is None:
        return computation.count(indicator.params or {}, windows, year, fold)
    key = ("counted", id(fold), indicator.pk, tuple(windows))
    if key not in folds:
        family = [(other, other_windows) for other, other_windows, planned_year, divisions in folds.get(("planned",), ())
                  if COMPUTATIONS.get(other.computation) is not None
                  and COMPUTATIONS[other.computation].count_together is computation.count_together
                  and planned_year == year and divisions == fold.divisions
                  and ("counted", id(fold), other.pk, tuple(other_windows)) not in folds]
        if (indicator, windows) not in family:
            family.append((indicator, windows))
        answers = computation.count_together([(other.computation, other.params or {}, other_windows)
                                              for other, other_windows in family], year, fold)
        for (other, other_windows), counts in zip(family, answers, strict=True):
            folds[("counted", id(fold), other.pk, tuple(other_windows))] = counts
    counted: list[Actuals] = folds[key]
    return counted


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


@dataclass(frozen=True)
class Slot:
    """One row to compute: a target of the region, or — 未分解 — a region without a target of its own
    where `reference` (its parent's or an ancestor's target of the same indicator) was not split."""

    target: Target | None
    region: Region
    indicator: Indicator
    basis: str
    industry: str
    reference: Target | None = None

    @property
    def defining(self) -> Target:
        return self.target or self.reference  # type: ignore[return-value]

    @property
    def key(self) -> tuple[int, str, str]:
        return self.indicator.pk, self.basis, self.industry


def _targets(plan: Plan, region: Region, year: int, children: bool) -> QuerySet[Target]:
    where = Q(region=region)
    if children:
        where |= Q(region__parent=region, region__disabled_on__isnull=True)
    return (Target.objects.filter(plan=plan, year=year).filter(where).select_related("indicator", "region")
            .order_by("indicator__order", "indicator__code", "basis"))


def _slots(plan: Plan, region: Region, year: int, children: bool, undecomposed: bool) -> list[Slot]:
    targets = list(_targets(plan, region, year, children))
    slots = [Slot(t, t.region, t.indicator, t.basis, t.industry) for t in targets]
    if not undecomposed:
        return slots
    own = {(t.indicator_id, t.basis, t.industry): t for t in targets if t.region_id == region.pk}
    ancestors = [code for code in region.path.split("/")[:-1] if code != region.code]
    if ancestors:  # the nearest ancestor's target of each key the region lacks
        above = (Target.objects.filter(plan=plan, year=year, region__code__in=ancestors)
                 .select_related("indicator", "region").order_by("-region__depth", "indicator__order", "basis"))
        for target in above:
            key = (target.indicator_id, target.basis, target.industry)
            if key not in own:
                own[key] = target
                slots.append(Slot(None, region, target.indicator, target.basis, target.industry, target))
    if children:
        # Only where no child has any target of the indicator: a county's annual row beside its towns'
        # cumulative ones is split in the other basis, and the matrix shows that one.
        split = {(t.indicator_id, t.industry) for t in targets if t.region_id != region.pk}
        kids = list(region_children(region))
        for (indicator_id, _, industry), target in own.items():
            if (indicator_id, industry) not in split:  # every child's row says 未分解
                slots += [Slot(None, kid, target.indicator, target.basis, target.industry, target) for kid in kids]
    return slots


def industry_divisions(industry: str) -> tuple[str, ...] | None:
    """The GB/T 4754 divisions a target's industry counts: a division itself, or a key industry's
    divisions (data/reference/key-industries.yaml); None for every industry."""
    if not industry:
        return None
    key = KeyIndustry.objects.filter(code=industry).values_list("divisions", flat=True).first()
    return tuple(key) if key is not None else (industry,)


def _base_day(as_of: dt.date, year: int, base_year: int, stock: bool) -> dt.date:
    """The as-of date of a change target's base: the end of the base year for a level, the same point of
    the base year for a flow (growth of the year so far on the same months of the base year)."""
    if stock or as_of >= dt.date(year, 12, 31):
        return dt.date(base_year, 12, 31)
    if as_of < dt.date(year, 1, 1):
        return dt.date(base_year, 1, 1)
    try:
        return as_of.replace(year=base_year)
    except ValueError:  # 29 February
        return dt.date(base_year, 2, 28)


def _parts_summary(parts: tuple[MeasurePart, ...], depth: int) -> str:
    """"3 个县（市、区）按登记数据，2 个按填报值" — how the children of a rolled-up actual report."""
    if not parts:
        return ""
    unit = CHILD_UNITS.get(depth, "下级区域")
    counts = Counter(part.source for part in parts)
    pieces = [f"{counts[source]} 个{SOURCE_LABELS[source]}" for source in (COMPUTED, REPORTED, ROLLUP, NONE)
              if counts[source]]
    return f"{len(parts)} 个{unit}：" + "，".join(pieces)


CHILD_UNITS = {0: "市", 1: "县（市、区）", 2: "乡镇（街道）"}


def _progress_row(plan: Plan, slot: Slot, window: pm.Window, measure: Measure, as_of: dt.date,
                  base: Measure | None) -> TargetProgress:
    indicator, target, defining = slot.indicator, slot.target, slot.defining
    stock = indicator_is_stock(indicator)
    change = base_value = None
    value = target.value if target is not None else None
    if defining.measure == Target.Measure.CHANGE:
        base_year = defining.base_year
        base_value = base.value if base is not None and base.data_year in (None, base_year) else None
        current = measure.value if measure.data_year in (None, defining.year) else None
        change = pm.change_percent(current, base_value)
        done = pm.change_completion(change, value)
        elapsed = None
        if target is None:
            status = pm.UNDECOMPOSED
        elif base_value is None or base_value <= 0:
            status = pm.NOBASE
        else:
            status = pm.progress_status(actual=change, target=value, comparator=target.comparator,
                                        completion_value=done, time_progress_value=None,
                                        lagging_share=Decimal(settings.LIANGHUA_LAGGING_SHARE))
    else:
        done = pm.completion(measure.value, value, better=indicator.better)
        elapsed = None if stock else pm.time_progress(window, as_of)
        status = pm.UNDECOMPOSED if target is None else pm.progress_status(
            actual=measure.value, target=value, comparator=target.comparator, completion_value=done,
            time_progress_value=elapsed, lagging_share=Decimal(settings.LIANGHUA_LAGGING_SHARE))
    return TargetProgress(
        plan=plan.code,
        region_code=slot.region.code,
        region_name=slot.region.name,
        indicator=indicator.code,
        indicator_name=indicator.name,
        unit=indicator.unit,
        year=defining.year,
        basis=slot.basis,
        target=value,
        stretch=target.stretch_value if target is not None else None,
        comparator=defining.comparator,
        actual=measure.value,
        completion=done if target is not None else None,
        time_progress=elapsed,
        status=status,
        status_label=pm.STATUS_LABELS[status],
        data_year=measure.data_year,
        window_start=window.start,
        window_end=window.end,
        actual_source=measure.source if measure.value is not None else NONE,
        note=target.note if target is not None else "",
        is_stock=stock,
        source_clause=defining.source_clause,
        measure=defining.measure,
        base_year=defining.base_year,
        base_actual=base_value,
        change=change,
        parts=[{"region_code": p.region_code, "region_name": p.region_name, "value": p.value, "source": p.source,
                 "source_label": SOURCE_LABELS[p.source]} for p in measure.parts],
        parts_summary=_parts_summary(measure.parts, slot.region.depth),
        own_reported=measure.own_reported,
        responsible=defining.responsible,
        industry=slot.industry,
        reference_target=slot.reference.value if slot.reference is not None else None,
        reference_region_name=slot.reference.region.name if slot.reference is not None else "",
        plan_status=plan.status,
    )


def _rank_value(row: TargetProgress, better: str) -> Decimal | None:
    """What children are ranked by: completion against their own targets; 未分解, their change (a change
    target) or their actual, the better direction first."""
    if row.target is not None or row.status != pm.UNDECOMPOSED:
        return row.completion
    value = row.change if row.measure == Target.Measure.CHANGE else row.actual
    if value is None:
        return None
    return -value if better == "lower" else value


def progress_compute(*, plan: Plan, region: Region, year: int, as_of: dt.date, children: bool = False,
                     undecomposed: bool = False) -> list[TargetProgress]:
    """Progress of every target of `plan` in `region` for `year` at `as_of` (with `children`, also of
    every child region's targets). The region's rows come first, then each child's (in the tree's
    order), each in indicator order; children are ranked per indicator × basis by completion. With
    `undecomposed`, a target of the region (or of an ancestor) that was not split gives 未分解 rows to
    the region and to each child, with their actuals (ranked by them)."""
    return progress_series(plan=plan, region=region, year=year, dates=[as_of], children=children,
                           undecomposed=undecomposed)[as_of]


def progress_series(*, plan: Plan, region: Region, year: int, dates: list[dt.date], children: bool = False,
                    stock_dates: Collection[dt.date] | None = None,
                    undecomposed: bool = False) -> dict[dt.date, list[TargetProgress]]:
    """`progress_compute` at each of `dates` (a month-by-month history), each indicator's flows counted
    for every date in one query: as-of date → the rows progress_compute gives for it. The level (stock)
    indicators, read once per date each, are read only at `stock_dates` when given (the other dates'
    rows leave them out): a history that draws the flows' curves asks for none."""
    slots = _slots(plan, region, year, children, undecomposed)
    groups: dict[tuple[int, str], list[Slot]] = defaultdict(list)
    for slot in slots:
        groups[(slot.indicator.pk, slot.industry)].append(slot)

    rows: dict[tuple[dt.date, int], TargetProgress] = {}
    holdings: Holdings = {}  # asked once for every indicator and target region
    holdings_fetch({s.indicator.pk: s.indicator for s in slots}.values(),
                   {s.region.pk: s.region for s in slots}.values(), holdings)
    folds: Folds = {}
    asked = []  # (slots, stock, dates, bases, divisions) of each indicator and industry
    for (_, industry), group in groups.items():
        stock = indicator_is_stock(group[0].indicator)
        days = dates if stock_dates is None or not stock else [d for d in dates if d in stock_dates]
        if days:
            asked.append((group, stock, days, sorted({s.basis for s in group}), industry_divisions(industry)))
    # What will be counted, for the computations that count several indicators in one query (`_counted`).
    folds[("planned",)] = [
        (group[0].indicator, [pm.progress_window(basis=basis, year=year, plan_start_year=plan.start_year, as_of=day)
                              for day in days for basis in bases], year, divisions)
        for group, _, days, bases, divisions in asked]
    for group, stock, days, bases, divisions in asked:
        indicator = group[0].indicator
        regions = list({s.region.pk: s.region for s in group}.values())
        key = (*sorted(r.pk for r in regions), divisions)
        if key not in folds and getattr(COMPUTATIONS.get(indicator.computation), "count", None) is not None:
            folds[key] = RegionFold.of(regions, divisions)
        asks = [(basis, day) for day in days for basis in bases]
        answers = dict(zip(asks, indicator_actuals_at(plan=plan, indicator=indicator, asks=asks, year=year,
                                                      regions=regions, fold=folds.get(key), holdings=holdings,
                                                      divisions=divisions, folds=folds),
                           strict=True))
        based: dict[tuple[int, dt.date], Actuals] = {}
        for base_year in sorted({s.defining.base_year for s in group if s.defining.base_year is not None}):
            base_asks = [(pm.ANNUAL, _base_day(day, year, base_year, stock)) for day in days]
            for day, (_, actuals) in zip(days, indicator_actuals_at(
                    plan=plan, indicator=indicator, asks=base_asks, year=base_year, regions=regions,
                    fold=folds.get(key), holdings=holdings, divisions=divisions, folds=folds), strict=True):
                based[(base_year, day)] = actuals
        for day in days:
            for slot in group:
                window, actuals = answers[(slot.basis, day)]
                slot_base = slot.defining.base_year
                base = based[(slot_base, day)][slot.region.code] if slot_base is not None else None
                rows[(day, id(slot))] = _progress_row(plan, slot, window, actuals[slot.region.code], day, base)
            for basis in bases:
                child_rows = [rows[(day, id(s))] for s in group if s.basis == basis and s.region.pk != region.pk]
                ranks = pm.competition_ranks([_rank_value(r, indicator.better) for r in child_rows])
                for row, rank in zip(child_rows, ranks, strict=True):
                    row.rank = rank

    # Stable sort: within a region the targets keep their indicator order.
    ordered = sorted(slots, key=lambda s: (s.region.pk != region.pk, s.region.order, s.region.code))
    return {day: [rows[(day, id(s))] for s in ordered if (day, id(s)) in rows] for day in dates}
