"""Progress against targets: the actual value of every target, counted live from the registry.

`progress_compute(plan=…, region=…, year=…, as_of=…, children=…)` returns one `TargetProgress` per
target of the plan in that region and year (and in each child region). Each indicator's actual is
counted by its `computation` (data/indicators.yaml; rules in docs/progress.md) over the region's whole
subtree, set-based: one grouped query per indicator × basis gives the figures of every region in the
subtree at once (GROUP BY the row's region), which are then added up per target region — a fold over a
few dozen region rows, never a loop over projects, reports or enterprises.

The filters that decide which rows count are built here once (`*_q` functions) and reused by
`targets/records.py`, so the records listed behind a number are the rows that made it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from lianghua.core.months import last_reported_month
from lianghua.enterprises.models import Credential, CredentialKind, DigitalLevel, Enterprise, EnterpriseYear
from lianghua.projects.models import Activity, Project, ProjectProgress
from lianghua.projects.stages import STAGE_CHOICES
from lianghua.regions.models import Region

from . import progress_math as pm
from .models import Indicator, Plan, ReportedActual, Target

WAN_PER_YI = Decimal(10000)  # 万元 → 亿元
TCE_PER_WAN_TCE = Decimal(10000)  # 吨标准煤 → 万吨标煤
MONEY_SUM = DecimalField(max_digits=28, decimal_places=4)

COMPUTED = "computed"
REPORTED = "reported"
NONE = "none"


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
        """JSON-ready: actuals and targets rounded half-up to 4 decimals, completion and time progress
        (fractions, 1 = 100%) to 4 decimals, dates ISO."""
        return {
            "plan": self.plan,
            "region_code": self.region_code,
            "region_name": self.region_name,
            "indicator": self.indicator,
            "indicator_name": self.indicator_name,
            "unit": self.unit,
            "year": self.year,
            "basis": self.basis,
            "target": pm.json_number(self.target),
            "stretch": pm.json_number(self.stretch),
            "comparator": self.comparator,
            "actual": pm.json_number(self.actual),
            "completion": pm.json_number(self.completion),
            "time_progress": pm.json_number(self.time_progress),
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


@dataclass(frozen=True)
class Measure:
    """The actual of one region: value None means 无数据; data_year where figures of a year are used."""

    value: Decimal | None
    data_year: int | None = None
    source: str = COMPUTED


# ── which region rows belong to which target region ──────────────────────────────────────────────


@dataclass
class RegionFold:
    """The target regions and, for every region of their subtrees, the target regions it counts for
    (a town counts for itself and for its county when both have targets)."""

    regions: list[Region]
    member_of: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def of(cls, regions: Iterable[Region]) -> RegionFold:
        regions = list(regions)
        fold = cls(regions=regions)
        tops = [r for r in regions if not any(o.path != r.path and r.path.startswith(o.path) for o in regions)]
        if not tops:
            return fold
        subtree = Q()
        for top in tops:
            subtree |= Q(path__startswith=top.path)
        for region_id, path in Region.objects.filter(subtree).values_list("id", "path"):
            fold.member_of[region_id] = [r.code for r in regions if path.startswith(r.path)]
        return fold

    @property
    def region_ids(self) -> list[int]:
        return list(self.member_of)

    def add_up(self, rows: Iterable[dict[str, Any]], key: str, fields: tuple[str, ...]) -> dict[str, dict[str, Decimal]]:
        """Sum each field of grouped rows (one per region id) into the target regions they belong to."""
        totals: dict[str, dict[str, Decimal]] = {r.code: dict.fromkeys(fields, pm.ZERO) for r in self.regions}
        for row in rows:
            for code in self.member_of.get(row[key], ()):
                for name in fields:
                    totals[code][name] += Decimal(row[name] or 0)
        return totals

    def add_up_by_year(
        self, rows: Iterable[dict[str, Any]], key: str, fields: tuple[str, ...]
    ) -> dict[str, dict[int, dict[str, Decimal]]]:
        totals: dict[str, dict[int, dict[str, Decimal]]] = {r.code: {} for r in self.regions}
        for row in rows:
            for code in self.member_of.get(row[key], ()):
                per_year = totals[code].setdefault(row["year"], dict.fromkeys(fields, pm.ZERO))
                for name in fields:
                    per_year[name] += Decimal(row[name] or 0)
        return totals


# ── the filters that decide which rows count (shared with records.py) ─────────────────────────────


def level_rank(level: str | None) -> int | None:
    return None if level in (None, "") else Credential.LEVEL_RANK[str(level)]


def levels_between(min_level: str | None, max_level: str | None) -> list[str]:
    low, high = level_rank(min_level) or 0, level_rank(max_level) or 99
    return [level for level, rank in Credential.LEVEL_RANK.items() if low <= rank <= high]


def credential_specs(params: dict[str, Any]) -> list[dict[str, Any]]:
    """[{kind, min_level, max_level}] from an indicator's params ({kind, min_level} or any_of)."""
    specs = params.get("any_of") or [params]
    return [{"kind": s["kind"], "min_level": s.get("min_level"),
             "max_level": s.get("max_level", params.get("max_level"))} for s in specs]


def credential_match_q(params: dict[str, Any], prefix: str = "") -> Q:
    """Credentials of the kind(s) at or above the minimum level (and, with max_level, at most it)."""
    matched = None
    for spec in credential_specs(params):
        one = Q(**{f"{prefix}kind__code": spec["kind"]})
        if spec["min_level"]:
            one &= Q(**{f"{prefix}level_rank__gte": level_rank(spec["min_level"])})
        if spec["max_level"]:
            one &= Q(**{f"{prefix}level_rank__lte": level_rank(spec["max_level"])})
        matched = one if matched is None else matched | one
    return matched if matched is not None else Q(pk__in=[])


def credential_valid_on_q(day: dt.date, prefix: str = "") -> Q:
    """Held on `day`: granted on or before it and not ended (ends_on after it, or none)."""
    return Q(**{f"{prefix}granted_on__lte": day}) & (Q(**{f"{prefix}ends_on__isnull": True})
                                                     | Q(**{f"{prefix}ends_on__gt": day}))


# The credential, project and coverage conditions below are written from the enterprise's side
# ("credentials__…", "projects__…"): the grouped queries start from the region's enterprises (region
# index) and reach their rows through the enterprise foreign-key indexes, a plan the database keeps
# whether or not it has table statistics. Records use the same conditions with .filter(…).distinct().


def credentials_new_q(params: dict[str, Any], window: pm.Window) -> Q:
    """Enterprises whose FIRST matching credential was granted in the window: one granted in it and
    none before its start (an upgrade of a centre held before is not new)."""
    in_window = credential_match_q(params, "credentials__") & Q(credentials__granted_on__gte=window.start,
                                                                credentials__granted_on__lte=window.end)
    specs = credential_specs(params)
    if len(specs) == 1:
        # One kind: the earlier credential is of the joined row's kind, so the lookup goes through the
        # (enterprise, kind) index instead of scanning every credential of that kind.
        # The level is named by `level` (not level_rank) so all three columns of that index apply.
        earlier = Credential.objects.filter(enterprise=OuterRef("pk"), kind=OuterRef("credentials__kind"),
                                            granted_on__lt=window.start,
                                            level__in=levels_between(specs[0]["min_level"], specs[0]["max_level"]))
    else:
        earlier = Credential.objects.filter(credential_match_q(params), enterprise=OuterRef("pk"),
                                            granted_on__lt=window.start)
    return in_window & ~Q(Exists(earlier))


def credentials_held_q(params: dict[str, Any], day: dt.date) -> Q:
    """Enterprises holding a matching credential on `day`; with max_level, not also a higher one."""
    held = None
    for spec in credential_specs(params):
        one = (Q(credentials__kind__code=spec["kind"], credentials__level_rank__gte=level_rank(spec["min_level"]) or 0)
               & credential_valid_on_q(day, "credentials__"))
        if spec["max_level"]:
            above = [level for level, rank in Credential.LEVEL_RANK.items() if rank > (level_rank(spec["max_level"]) or 0)]
            higher = (Credential.objects.filter(enterprise=OuterRef("pk"), kind=OuterRef("credentials__kind"),
                                                level__in=above)
                      .filter(credential_valid_on_q(day)))
            one &= ~Q(Exists(higher))
        held = one if held is None else held | one
    return held if held is not None else Q(pk__in=[])


ACTIVE_STAGES = [code for code, _ in STAGE_CHOICES if code != "terminated"]


def projects_started_q(params: dict[str, Any], window: pm.Window, prefix: str = "") -> Q:
    return Q(**{f"{prefix}category": params["category"], f"{prefix}actual_start__gte": window.start,
                f"{prefix}actual_start__lte": window.end, f"{prefix}stage__in": ACTIVE_STAGES})


def energy_saved_q(window: pm.Window, prefix: str = "") -> Q:
    return Q(**{f"{prefix}category": Project.Category.GREEN, f"{prefix}energy_saving_verified": True,
                f"{prefix}energy_saved_tce__isnull": False, f"{prefix}accepted_on__gte": window.start,
                f"{prefix}accepted_on__lte": window.end, f"{prefix}stage__in": ACTIVE_STAGES})


def _cumulative_investment(month_filter: dict[str, dt.date]) -> Coalesce:
    latest = (ProjectProgress.objects.filter(project=OuterRef("pk"), **month_filter)
              .order_by("-month").values("cumulative_investment_wan")[:1])
    return Coalesce(Subquery(latest, output_field=MONEY_SUM), Value(pm.ZERO), output_field=MONEY_SUM)


def investment_expressions(window: pm.Window) -> tuple[Q, Coalesce, Coalesce]:
    """(which projects, cumulative at the window end, cumulative before the window).

    Only months whose end is on or before the window end count (`last_reported_month`). A project
    without a report inside (start month … last counted month] contributed nothing, so it is left out.
    """
    last_month = last_reported_month(window.end)
    moved = Q(Exists(ProjectProgress.objects.filter(project=OuterRef("pk"), month__gte=window.start,
                                                    month__lte=last_month)))
    return (moved, _cumulative_investment({"month__lte": last_month}),
            _cumulative_investment({"month__lt": window.start}))


def latest_digital_level_at_least_q(min_level: Decimal, day: dt.date) -> Q:
    """The enterprise's latest digital level assessed on or before `day` is ≥ min_level (for rows
    with an `enterprise_id`).

    A scalar subquery (ORDER BY date DESC LIMIT 1) is looked up per row through the (enterprise, date)
    index on both databases (PostgreSQL would otherwise hash every assessment of the province). Levels
    have one decimal, so they are compared in tenths as integers: no text/number affinity questions in
    SQLite, where a bound Decimal is text.
    """
    latest_tenths = Subquery(
        DigitalLevel.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__lte=day)
        .order_by("-assessed_on").annotate(tenths=F("level") * 10).values("tenths")[:1],
        output_field=IntegerField())
    return Q(GreaterThanOrEqual(latest_tenths, Value(int(min_level * 10), output_field=IntegerField())))


def green_factory_held_q(min_level: str, day: dt.date) -> Q:
    """The enterprise-year's enterprise holds a green-factory credential ≥ min on `day` (a join:
    count distinct rows)."""
    prefix = "enterprise__credentials__"
    return (Q(**{f"{prefix}kind__code": "green_factory", f"{prefix}level_rank__gte": level_rank(min_level)})
            & credential_valid_on_q(day, prefix))


COVERAGE_POPULATION = {"digital_level_coverage": "is_above_scale", "green_factory_coverage": "is_key_energy"}


def coverage_hit_q(computation: str, params: dict[str, Any], day: dt.date) -> Q:
    if computation == "digital_level_coverage":
        return latest_digital_level_at_least_q(Decimal(str(params.get("min_level", "2.0"))), day)
    return green_factory_held_q(params.get("min_level", "municipal"), day)


# 亩均 and productivity: (numerator field, denominator field).
RATIO_FIELDS = {
    "mujun_value_added": ("value_added_wan", "land_mu"),
    "mujun_tax": ("tax_wan", "land_mu"),
    "labour_productivity": ("value_added_wan", "employees"),
}


def ratio_rows_q(computation: str) -> Q:
    numerator, denominator = RATIO_FIELDS[computation]
    return Q(is_above_scale=True, **{f"{numerator}__isnull": False, f"{denominator}__gt": 0})


def data_year_pick(per_year: dict[int, dict[str, Decimal]], denominator: str) -> int | None:
    """The latest year (≤ the target's year; rows were filtered so) whose denominator is positive."""
    years = [y for y, sums in per_year.items() if sums[denominator] > 0]
    return max(years) if years else None


# ── one function per computation: (params, windows, year, fold) → [{region code: Measure}] per window ──
#
# Flows take every window of the indicator at once (annual and cumulative differ only in their start)
# and answer them in one query with one filtered aggregate per window. Stocks read only the window end,
# which both bases share, so they are counted once and the answer serves every window.

Actuals = dict[str, Measure]


def _per_window(fold: RegionFold, rows: Iterable[dict[str, Any]], key: str, count: int, *,
                divide_by: Decimal = pm.ONE) -> list[Actuals]:
    names = tuple(f"n{i}" for i in range(count))
    sums = fold.add_up(rows, key, names)
    return [{code: Measure(value=totals[name] / divide_by) for code, totals in sums.items()} for name in names]


def actual_projects_started(params: dict[str, Any], windows: list[pm.Window], year: int,
                            fold: RegionFold) -> list[Actuals]:
    rows = (Enterprise.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(**{f"n{i}": Count("projects", filter=projects_started_q(params, w, "projects__"))
                         for i, w in enumerate(windows)}).order_by())
    return _per_window(fold, rows, "region_id", len(windows))


def actual_investment_completed(params: dict[str, Any], windows: list[pm.Window], year: int,
                                fold: RegionFold) -> list[Actuals]:
    """Σ (cumulative at the last counted month − cumulative before the window start). The windows share
    their end, so the first term is one subquery; a project without a report inside a (non-empty)
    window has equal terms and adds 0, so one filter on the widest window suffices. An empty window
    (as-of before its start) is 0 without asking."""
    live = [w for w in windows if not w.is_empty]
    if not live:
        return [{r.code: Measure(value=pm.ZERO) for r in fold.regions} for _ in windows]
    widest = min(live, key=lambda w: w.start)
    moved, at_end, _ = investment_expressions(widest)
    sums = {f"n{i}": Sum(at_end - investment_expressions(w)[2], output_field=MONEY_SUM) for i, w in enumerate(live)}
    rows = (Project.objects.filter(enterprise__region_id__in=fold.region_ids).filter(moved)
            .values("enterprise__region_id").annotate(**sums).order_by())
    answers = iter(_per_window(fold, rows, "enterprise__region_id", len(live), divide_by=WAN_PER_YI))
    return [next(answers) if not w.is_empty else {r.code: Measure(value=pm.ZERO) for r in fold.regions}
            for w in windows]


def actual_energy_saved_accepted(params: dict[str, Any], windows: list[pm.Window], year: int,
                                 fold: RegionFold) -> list[Actuals]:
    rows = (Enterprise.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(**{f"n{i}": Sum("projects__energy_saved_tce", filter=energy_saved_q(w, "projects__"))
                         for i, w in enumerate(windows)}).order_by())
    return _per_window(fold, rows, "region_id", len(windows), divide_by=TCE_PER_WAN_TCE)


def _ratio_by_data_year(fold: RegionFold, rows: Iterable[dict[str, Any]], scale: Decimal) -> Actuals:
    result: Actuals = {}
    for code, per_year in fold.add_up_by_year(rows, "enterprise__region_id", ("num", "den")).items():
        data_year = data_year_pick(per_year, "den")
        if data_year is None:
            result[code] = Measure(value=None)
        else:
            sums = per_year[data_year]
            result[code] = Measure(value=pm.ratio(sums["num"], sums["den"], scale=scale), data_year=data_year)
    return result


def _coverage(computation: str, params: dict[str, Any], window: pm.Window, year: int, fold: RegionFold) -> Actuals:
    population = COVERAGE_POPULATION[computation]
    rows = (EnterpriseYear.objects
            .filter(enterprise__region_id__in=fold.region_ids, year__lte=year, **{population: True})
            .values("enterprise__region_id", "year")
            .annotate(den=Count("id", distinct=True),
                      num=Count("id", distinct=True, filter=coverage_hit_q(computation, params, window.end)))
            .order_by())
    return _ratio_by_data_year(fold, rows, pm.HUNDRED)


def _per_land_or_head(computation: str, year: int, fold: RegionFold) -> Actuals:
    numerator, denominator = RATIO_FIELDS[computation]
    rows = (EnterpriseYear.objects.filter(enterprise__region_id__in=fold.region_ids, year__lte=year)
            .filter(ratio_rows_q(computation))
            .values("enterprise__region_id", "year")
            .annotate(num=Sum(numerator, output_field=MONEY_SUM), den=Sum(denominator, output_field=MONEY_SUM))
            .order_by())
    return _ratio_by_data_year(fold, rows, pm.ONE)


def actual_credentials_new(params: dict[str, Any], windows: list[pm.Window], year: int,
                           fold: RegionFold) -> list[Actuals]:
    rows = (Enterprise.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(**{f"n{i}": Count("id", distinct=True, filter=credentials_new_q(params, w))
                         for i, w in enumerate(windows)}).order_by())
    return _per_window(fold, rows, "region_id", len(windows))


def _credentials_held(params: dict[str, Any], window: pm.Window, year: int, fold: RegionFold) -> Actuals:
    rows = (Enterprise.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(n0=Count("id", distinct=True, filter=credentials_held_q(params, window.end))).order_by())
    return _per_window(fold, rows, "region_id", 1)[0]


def activities_q(params: dict[str, Any], window: pm.Window, prefix: str = "") -> Q:
    counted = Q(**{f"{prefix}date__gte": window.start, f"{prefix}date__lte": window.end})
    if params.get("kind"):
        counted &= Q(**{f"{prefix}kind": params["kind"]})
    return counted


def actual_activities(params: dict[str, Any], windows: list[pm.Window], year: int, fold: RegionFold) -> list[Actuals]:
    rows = (Activity.objects.filter(region_id__in=fold.region_ids).values("region_id")
            .annotate(**{f"n{i}": Count("id", filter=activities_q(params, w)) for i, w in enumerate(windows)})
            .order_by())
    return _per_window(fold, rows, "region_id", len(windows))


# ── does the registry hold an indicator's data for a region? ─────────────────────────────────────
#
# A count of 0 from an empty registry would claim "none" where the truth is "nobody loaded them" (a
# county of the city plan whose projects live in another system). So a computed indicator counts only
# where the registry holds its kind of record; elsewhere its actual is the region's latest 填报值, or
# 无数据. The keeper of a region's records is its county (or county-level zone): the county's 经信局
# loads its towns' registry, so once the county holds projects a town without any has a real 0. A city
# or the province keeps its own subtree.

KEEPER_DEPTH = 2  # province 0, city 1, county / county-level zone 2, town 3


def keeper_path(region: Region) -> str:
    """The path of the region whose registry `region`'s figures come from (see above)."""
    if region.depth <= KEEPER_DEPTH:
        return region.path
    return "/".join(region.path.split("/")[:KEEPER_DEPTH + 1]) + "/"


@dataclass(frozen=True)
class RegistrySource:
    """The registry rows an indicator is counted from, of any date, stage or level."""

    key: tuple[str, ...]  # the kind of record: ("projects",), ("credentials", kinds…), ("activities", kind)
    rows: QuerySet[Any]
    region_lookup: str  # the rows' region id

    def label(self) -> str:
        """What the rows are, in Chinese."""
        if self.key[0] == "projects":
            return "改造项目"
        if self.key[0] == "credentials":
            names = CredentialKind.objects.filter(code__in=self.key[1:]).values_list("name", flat=True)
            return "、".join(names) + "认定"
        return "活动"


def registry_source(indicator: Indicator) -> RegistrySource | None:
    """None for yearly figures, whose data-year rule already says 无数据 when a region has none, and for
    reported indicators."""
    params = indicator.params or {}
    computation = indicator.computation
    if computation in ("projects_started", "investment_completed", "energy_saved_accepted"):
        return RegistrySource(("projects",), Project.objects.all(), "enterprise__region_id")
    if computation in ("credentials_new", "credentials_held"):
        kinds = tuple(sorted({spec["kind"] for spec in credential_specs(params)}))
        return RegistrySource(("credentials", *kinds), Credential.objects.filter(kind__code__in=kinds),
                              "enterprise__region_id")
    if computation == "activities":
        kind = params.get("kind") or ""
        events = Activity.objects.filter(kind=kind) if kind else Activity.objects.all()
        return RegistrySource(("activities", kind), events, "region_id")
    return None


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


StockComputation = Callable[[dict[str, Any], pm.Window, int, RegionFold], Actuals]
FlowComputation = Callable[[dict[str, Any], list[pm.Window], int, RegionFold], list[Actuals]]


def _stock(compute: StockComputation) -> FlowComputation:
    """A stock read at the (shared) window end, answering every window."""
    def every_window(params: dict[str, Any], windows: list[pm.Window], year: int, fold: RegionFold) -> list[Actuals]:
        assert len({w.end for w in windows}) == 1, "windows of one year and as-of date share their end"
        return [compute(params, windows[0], year, fold)] * len(windows)
    return every_window


COMPUTATIONS: dict[str, FlowComputation] = {
    "projects_started": actual_projects_started,
    "investment_completed": actual_investment_completed,
    "energy_saved_accepted": actual_energy_saved_accepted,
    "digital_level_coverage": _stock(lambda p, w, y, f: _coverage("digital_level_coverage", p, w, y, f)),
    "green_factory_coverage": _stock(lambda p, w, y, f: _coverage("green_factory_coverage", p, w, y, f)),
    "mujun_value_added": _stock(lambda p, w, y, f: _per_land_or_head("mujun_value_added", y, f)),
    "mujun_tax": _stock(lambda p, w, y, f: _per_land_or_head("mujun_tax", y, f)),
    "labour_productivity": _stock(lambda p, w, y, f: _per_land_or_head("labour_productivity", y, f)),
    "credentials_new": actual_credentials_new,
    "credentials_held": _stock(_credentials_held),
    "activities": actual_activities,
}


def reported_actuals_latest(*, plan: Plan, indicator: Indicator, regions: list[Region], year: int,
                            as_of: dt.date) -> dict[str, ReportedActual]:
    """The latest 填报值 per region with as_of on or before the as-of date (one query)."""
    latest: dict[str, ReportedActual] = {}
    entries = (ReportedActual.objects.filter(plan=plan, indicator=indicator, region__in=regions, year=year,
                                             as_of__lte=as_of)
               .select_related("region").order_by("region_id", "-as_of", "-reported_at", "-id"))
    for entry in entries:
        latest.setdefault(entry.region.code, entry)
    return latest


def indicator_is_stock(indicator: Indicator) -> bool:
    if indicator.computation == "reported":
        return bool((indicator.params or {}).get("stock", False))
    return indicator.computation in pm.STOCK_COMPUTATIONS


def _reported_measures(*, plan: Plan, indicator: Indicator, regions: list[Region], year: int,
                       as_of: dt.date) -> Actuals:
    latest = reported_actuals_latest(plan=plan, indicator=indicator, regions=regions, year=year, as_of=as_of)
    return {r.code: (Measure(value=latest[r.code].value, source=REPORTED) if r.code in latest
                     else Measure(value=None, source=NONE)) for r in regions}


def indicator_actuals_by_basis(*, plan: Plan, indicator: Indicator, bases: list[str], year: int, as_of: dt.date,
                               regions: list[Region], fold: RegionFold | None = None,
                               holdings: Holdings | None = None) -> dict[str, tuple[pm.Window, Actuals]]:
    """basis → (window, actual of `indicator` for each of `regions`, each over its whole subtree).
    All bases are answered by one query; `fold` may be passed when already built for these regions.
    A computed indicator's region whose registry holds none of its records gets its
    latest 填报值 instead, or 无数据 (`regions_without_records`)."""
    windows = [pm.progress_window(basis=b, year=year, plan_start_year=plan.start_year, as_of=as_of) for b in bases]
    if indicator.computation == "reported":
        actuals = _reported_measures(plan=plan, indicator=indicator, regions=regions, year=year, as_of=as_of)
        return {b: (w, actuals) for b, w in zip(bases, windows, strict=True)}
    compute = COMPUTATIONS.get(indicator.computation)
    if compute is None:
        return {b: (w, {r.code: Measure(value=None, source=NONE) for r in regions})
                for b, w in zip(bases, windows, strict=True)}
    unheld = regions_without_records(indicator, regions, holdings)
    answers = compute(indicator.params or {}, windows, year, fold or RegionFold.of(regions))
    if unheld:
        reported = _reported_measures(plan=plan, indicator=indicator, regions=unheld, year=year, as_of=as_of)
        answers = [{**actuals, **reported} for actuals in answers]
    return {b: (w, {code: (m if m.value is not None else Measure(value=None, data_year=m.data_year, source=NONE))
                    for code, m in actuals.items()})
            for b, w, actuals in zip(bases, windows, answers, strict=True)}


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
                                completion_value=done, time_progress_value=elapsed)
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
    targets = list(_targets(plan, region, year, children))
    by_indicator: dict[int, list[Target]] = defaultdict(list)
    for target in targets:
        by_indicator[target.indicator_id].append(target)

    rows: dict[int, TargetProgress] = {}
    folds: dict[tuple[int, ...], RegionFold] = {}
    holdings: Holdings = {}  # asked once for every indicator and target region
    holdings_fetch({t.indicator_id: t.indicator for t in targets}.values(),
                   {t.region_id: t.region for t in targets}.values(), holdings)
    for group in by_indicator.values():
        indicator = group[0].indicator
        regions = list({t.region_id: t.region for t in group}.values())
        key = tuple(sorted(r.pk for r in regions))
        if key not in folds and indicator.computation != "reported":
            folds[key] = RegionFold.of(regions)
        bases = sorted({t.basis for t in group})
        answers = indicator_actuals_by_basis(plan=plan, indicator=indicator, bases=bases, year=year, as_of=as_of,
                                             regions=regions, fold=folds.get(key), holdings=holdings)
        for target in group:
            window, actuals = answers[target.basis]
            rows[target.pk] = _progress_row(plan, target, window, actuals[target.region.code], as_of)
        for basis in bases:
            child_rows = [rows[t.pk] for t in group if t.basis == basis and t.region_id != region.pk]
            for row, rank in zip(child_rows, pm.competition_ranks([r.completion for r in child_rows]), strict=True):
                row.rank = rank

    # Stable sort: within a region the targets keep their indicator order.
    return [rows[t.pk] for t in sorted(targets, key=lambda t: (t.region_id != region.pk, t.region.order, t.region.code))]
