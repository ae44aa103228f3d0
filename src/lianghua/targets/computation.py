"""What an indicator computation is: one object per computation, registered once (targets/computations/).

A computation says how its actual is counted for many regions at once (set-based, grouped by the rows'
region, folded into the target regions: `count`), which records lie behind the number, with the same
filters (`records`), whether it is a stock read at the window end or a flow over the window (`stock`),
which registry rows it is counted from (`source`: where the registry holds none of them, 填报值 stand
in), and what its parameters in data/indicators.yaml must be (`params_problems`). Progress, the records
page and the indicator loader all read the one declaration.

Also the pieces the computations share: a region's Measure, the RegionFold of region rows into target
regions, and the ProgressRecords a records function returns, with its text helpers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Q, QuerySet

from lianghua.core.formatting import datetime_iso, decimal_text, number
from lianghua.enterprises.models import Credential, CredentialKind
from lianghua.regions.models import Region
from lianghua.regions.selectors import subtree_regions

from . import progress_math as pm

WAN_PER_YI = Decimal(10000)  # 万元 → 亿元
TCE_PER_WAN_TCE = Decimal(10000)  # 吨标准煤 → 万吨标煤
MONEY_SUM: DecimalField[Decimal, Decimal] = DecimalField(max_digits=28, decimal_places=4)

COMPUTED = "computed"
REPORTED = "reported"
ROLLUP = "rollup"  # a parent's actual: the sum of its children's own actuals, whatever their source
NONE = "none"
SOURCE_LABELS = {COMPUTED: "按登记数据", REPORTED: "按填报值", ROLLUP: "按下级汇总", NONE: "无数据"}


@dataclass(frozen=True)
class MeasurePart:
    """One child's share of a rolled-up actual."""

    region_code: str
    region_name: str
    value: Decimal | None
    source: str


@dataclass(frozen=True)
class Measure:
    """The actual of one region: value None means 无数据; data_year where figures of a year are used.
    A rolled-up actual (source ROLLUP) lists its children's parts, and the region's own 填报值 (which
    counts only when no child has a figure)."""

    value: Decimal | None
    data_year: int | None = None
    source: str = COMPUTED
    parts: tuple[MeasurePart, ...] = ()
    own_reported: Decimal | None = None


Actuals = dict[str, Measure]


# ── which region rows belong to which target region ──────────────────────────────────────────────


FEW_TOPS = 16  # up to this many subtrees, a fold's queries name each (a province's cities)


@dataclass
class RegionFold:
    """The target regions and, for every region of their subtrees, the target regions it counts for
    (a town counts for itself and for its county when both have targets)."""

    regions: list[Region]
    member_of: dict[int, list[str]] = field(default_factory=dict)
    # A target of one industry counts only the enterprises of these GB/T 4754 divisions (None: all).
    divisions: tuple[str, ...] | None = None
    subtree: Q = field(default_factory=lambda: Q(pk__in=[]))  # the regions of the targets' subtrees
    # Answers a computation keeps for the other indicators of one progress computation over these regions.
    memo: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, regions: Iterable[Region], divisions: tuple[str, ...] | None = None) -> RegionFold:
        regions = list(regions)
        fold = cls(regions=regions, divisions=divisions)
        tops = [r for r in regions if not any(o.path != r.path and r.path.startswith(o.path) for o in regions)]
        if not tops:
            return fold
        subtree = Q()
        for top in tops:
            subtree |= Q(path__startswith=top.path)
        code_of = {r.path: r.code for r in regions}
        for region_id, path in Region.objects.filter(subtree).values_list("id", "path"):
            # the target regions a row region counts for: those whose path is a prefix of its path
            prefixes = ("/".join(path.split("/")[:i]) + "/" for i in range(1, path.count("/") + 1))
            fold.member_of[region_id] = [code_of[p] for p in prefixes if p in code_of]
        # The queries read the rows of the tops' subtrees; `member_of` alone decides what counts, so many
        # tops (a roll-up over every county of the province) are read through their parents' subtrees (and
        # theirs, while still many): the few rows beyond them are dropped when adding up, and the query
        # stays small.
        paths = {top.path for top in tops}
        while len(paths) > FEW_TOPS:
            parents = {path.rsplit("/", 2)[0] + "/" for path in paths if path.count("/") > 1}
            if len(parents) >= len(paths):
                break
            paths = parents
        if len(paths) < len(tops):
            subtree = Q()
            for path in sorted(paths):
                subtree |= Q(path__startswith=path)
        fold.subtree = subtree
        return fold

    @property
    def region_ids(self) -> list[int]:
        return list(self.member_of)

    def enterprises_q(self, prefix: str = "") -> Q:
        """Rows whose enterprise (reached by `prefix`, "" for enterprises, "enterprise__" for their rows)
        lies in the fold's regions and, for an industry's target, in its divisions."""
        # The subtree as a subquery, not its ids: the province's 1,500 ids in every query cost more to build
        # than the query takes (SQLite and PostgreSQL both answer the IN through the foreign key's index).
        where = Q(**{f"{prefix}region_id__in": Region.objects.filter(self.subtree).values("id")})
        if self.divisions is not None:
            where &= Q(**{f"{prefix}industry__code__in": self.divisions})
        return where

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


def per_window(fold: RegionFold, rows: Iterable[dict[str, Any]], key: str, count: int, *,
                divide_by: Decimal = pm.ONE) -> list[Actuals]:
    names = tuple(f"n{i}" for i in range(count))
    sums = fold.add_up(rows, key, names)
    return [{code: Measure(value=totals[name] / divide_by) for code, totals in sums.items()} for name in names]


# ── where a computation's data comes from ─────────────────────────────────────────────────────────
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
    # The field whose value is one of key[1:] on every row of `rows` (the credentials' kind): the sources of
    # one model differing only in their kinds are asked about in one query.
    kind_field: str = ""

    def label(self) -> str:
        """What the rows are, in Chinese."""
        if self.key[0] == "projects":
            return "改造项目"
        if self.key[0] == "credentials":
            names = CredentialKind.objects.filter(code__in=self.key[1:]).values_list("name", flat=True)
            return "、".join(names) + "认定"
        if self.key[0] == "inefficient":
            return "高耗低效整治记录"
        if self.key[0] == "diagnoses":
            return "在线诊断"
        return "活动"


# ── the records behind a number ───────────────────────────────────────────────────────────────────

# What the records are (ProgressRecords.kind); REPORTED: 填报值.
PROJECTS = "projects"
ENTERPRISES = "enterprises"
CREDENTIALS = "credentials"
ACTIVITIES = "activities"

BASIS_LABELS = {pm.ANNUAL: "年度口径", pm.CUMULATIVE: "累计口径"}
LEVEL_LABELS = dict(Credential.Level.choices)

ENTERPRISE_COLUMNS = [("credit_code", "统一社会信用代码"), ("enterprise", "企业名称"), ("region", "所属区域")]
PROJECT_COLUMNS = [("code", "项目编号"), ("name", "项目名称"), ("enterprise", "企业名称"), ("region", "所属区域")]

@dataclass
class ProgressRecords:
    kind: str
    computation: str
    rows: list[dict[str, Any]]
    columns: list[tuple[str, str]]
    explanation: str
    total: Decimal | None
    unit: str
    window_start: dt.date
    window_end: dt.date
    data_year: int | None = None
    scale: Decimal = pm.ONE  # total = Σ contribution ÷ scale (counts and sums)
    factor: Decimal | None = None  # rates: total = Σ contribution × factor ÷ Σ weight
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def contribution_total(self) -> Decimal:
        return pm.sum_decimals(Decimal(r["contribution"]) for r in self.rows)

    @property
    def weight_total(self) -> Decimal:
        return pm.sum_decimals(Decimal(r.get("weight") or 0) for r in self.rows)

    def as_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            if isinstance(value, Decimal):
                return decimal_text(value, 4)
            if isinstance(value, dt.datetime):
                return datetime_iso(value)
            if isinstance(value, dt.date):
                return value.isoformat()
            return value

        return {
            "kind": self.kind,
            "computation": self.computation,
            "columns": [{"key": k, "label": label} for k, label in self.columns],
            "rows": [{k: plain(v) for k, v in row.items()} for row in self.rows],
            "explanation": self.explanation,
            "total": decimal_text(self.total, 4),
            "unit": self.unit,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "data_year": self.data_year,
        }


def number_text(value: Decimal | None) -> str:
    """A figure in an explanation: up to 4 decimals, with separators ("12,345.6"); 无数据 when missing."""
    return "无数据" if value is None else number(decimal_text(value, 4))


def window_text(window: pm.Window, basis: str) -> str:
    if window.is_empty:
        return f"{BASIS_LABELS[basis]}窗口 {window.start} 起（截至日期早于窗口开始，窗口内尚无记录）"
    return f"{BASIS_LABELS[basis]}窗口 {window.start} 至 {window.end}"


def enterprise_fields(prefix: str) -> dict[str, str]:
    return {"credit_code": f"{prefix}credit_code", "enterprise": f"{prefix}name", "region": f"{prefix}region__name"}


def rows_of(queryset: Any, fields: dict[str, str]) -> list[dict[str, Any]]:
    """values() renamed to the column keys."""
    return [{key: row[lookup] for key, lookup in fields.items()}
            for row in queryset.values(*dict.fromkeys(fields.values()))]


@dataclass(frozen=True)
class RecordsAsk:
    """What a records function is asked: the acting user, the target's plan, indicator, region, year and
    basis, the window at the as-of date, and the window's text for the explanation."""

    user: Any
    plan: Any  # targets.models.Plan
    indicator: Any  # targets.models.Indicator
    region: Region
    year: int
    basis: str
    as_of: dt.date
    window: pm.Window
    divisions: tuple[str, ...] | None = None  # an industry's target: its divisions

    @property
    def params(self) -> dict[str, Any]:
        return self.indicator.params or {}

    @property
    def computation(self) -> str:
        return str(self.indicator.computation)

    @property
    def where(self) -> str:
        return window_text(self.window, self.basis)

    @property
    def common(self) -> dict[str, Any]:
        """The ProgressRecords fields every records function passes on."""
        return {"computation": self.computation, "unit": self.indicator.unit, "window_start": self.window.start,
                "window_end": self.window.end}

    @property
    def in_region(self) -> dict[str, Any]:
        """The lookup of rows whose enterprise lies in the region's subtree (and the target's industry)."""
        return self.enterprises_in("enterprise__")

    def enterprises_in(self, prefix: str) -> dict[str, Any]:
        """The same for rows reaching their enterprise by `prefix` ("" for enterprises themselves)."""
        lookups: dict[str, Any] = {f"{prefix}region__in": subtree_regions(self.region)}
        if self.divisions is not None:
            lookups[f"{prefix}industry__code__in"] = self.divisions
        return lookups


# ── the declaration ───────────────────────────────────────────────────────────────────────────────

# count(params, windows, year, fold) -> one Actuals per window: flows take every window of the indicator
# at once (annual and cumulative differ only in their start) and answer them in one query with one
# filtered aggregate per window.
FlowCount = Callable[[dict[str, Any], list[pm.Window], int, RegionFold], list[Actuals]]
# A stock reads only the window end, which both bases share: counted once, the answer serves every window.
StockCount = Callable[[dict[str, Any], pm.Window, int, RegionFold], Actuals]
# Several flows of one family over the same rows, each (computation code, params, windows), in one query:
# for each, what `count` would give. Progress asks it for every indicator of the family it will count.
TogetherCount = Callable[[list[tuple[str, dict[str, Any], list[pm.Window]]], int, RegionFold], list[list[Actuals]]]


def no_problems(params: dict[str, Any], credential_kinds: set[str] | None) -> list[str]:
    return []


def no_source(params: dict[str, Any]) -> RegistrySource | None:
    return None


@dataclass(frozen=True)
class Computation:
    code: str
    count: FlowCount | None  # None: the actual is entered (填报值), not counted — or composed (`parts`)
    # None for a composed computation: its records are the parts' actuals (targets/records.py).
    records: Callable[[RecordsAsk], ProgressRecords] | None
    stock: bool = False  # read at the window end: status against the target itself, no time progress
    stock_from_params: bool = False  # entered values: params.stock says whether they are a stock
    source: Callable[[dict[str, Any]], RegistrySource | None] = no_source
    # The problems of an indicator's params (Chinese), given the known credential kinds (None: not loaded).
    params_problems: Callable[[dict[str, Any], set[str] | None], list[str]] = no_problems
    # A composed actual (a share): the indicator codes it is made of, as (numerator, denominator).
    parts: Callable[[dict[str, Any]], tuple[str, str]] | None = None
    # Counts this computation's flows with others of its family in one query (see TogetherCount).
    count_together: TogetherCount | None = None

    def is_stock(self, params: dict[str, Any]) -> bool:
        return bool(params.get("stock", False)) if self.stock_from_params else self.stock


def stock_counted(compute: StockCount) -> FlowCount:
    """A stock read at the (shared) window end, answering every window."""
    def every_window(params: dict[str, Any], windows: list[pm.Window], year: int, fold: RegionFold) -> list[Actuals]:
        assert len({w.end for w in windows}) == 1, "windows of one year and as-of date share their end"
        return [compute(params, windows[0], year, fold)] * len(windows)
    return every_window
