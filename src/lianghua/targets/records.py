"""The records behind a progress number: the exact rows counted, each with what it contributed.

`progress_records(user=…, plan=…, indicator=…, region=…, year=…, basis=…, as_of=…)` applies the same
filters as `targets/progress.py` (it imports them) to the acting user's selectors, so the list a person
opens under a number is the set that made it, limited to what they may see. A user who may not see the
region gets PermissionDenied.

Every row carries `contribution` (its part of the numerator, in the unit of the row) and, for rates,
`weight` (its part of the denominator). `total` is the actual value and always equals
Σ contribution ÷ scale (counts and sums) or Σ contribution × factor ÷ Σ weight (rates).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery

from lianghua.accounts.scope import user_sees_region
from lianghua.core.months import last_reported_month
from lianghua.enterprises.models import Credential, CredentialKind, DigitalLevel
from lianghua.enterprises.selectors import (
    credentials_visible_to,
    enterprise_years_visible_to,
    enterprises_visible_to,
)
from lianghua.projects.selectors import activities_visible_to, projects_visible_to
from lianghua.projects.stages import STAGE_BY_CODE
from lianghua.regions.models import Region

from . import progress_math as pm
from .models import Indicator, Plan, ReportedActual
from .progress import (
    COVERAGE_POPULATION,
    RATIO_FIELDS,
    TCE_PER_WAN_TCE,
    WAN_PER_YI,
    activities_q,
    coverage_hit_q,
    credential_match_q,
    credential_specs,
    credential_valid_on_q,
    credentials_held_q,
    credentials_new_q,
    energy_saved_q,
    investment_expressions,
    keeper_path,
    projects_started_q,
    ratio_rows_q,
    regions_without_records,
    registry_source,
)

PROJECTS = "projects"
ENTERPRISES = "enterprises"
CREDENTIALS = "credentials"
ACTIVITIES = "activities"
REPORTED = "reported"

BASIS_LABELS = {pm.ANNUAL: "年度口径", pm.CUMULATIVE: "累计口径"}
CATEGORY_LABELS = {"digital": "数字化", "green": "绿色化"}
LEVEL_LABELS = dict(Credential.Level.choices)
ACTIVITY_LABELS = {"training": "培训", "diagnosis": "诊断", "meeting": "现场会", "other": "其他"}

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
                return pm.json_number(value, 4)
            if isinstance(value, dt.date):
                return value.isoformat()
            return value

        return {
            "kind": self.kind,
            "computation": self.computation,
            "columns": [{"key": k, "label": label} for k, label in self.columns],
            "rows": [{k: plain(v) for k, v in row.items()} for row in self.rows],
            "explanation": self.explanation,
            "total": pm.json_number(self.total),
            "unit": self.unit,
            "window_start": self.window_start.isoformat(),
            "window_end": self.window_end.isoformat(),
            "data_year": self.data_year,
        }


def _number(value: Decimal | None) -> str:
    if value is None:
        return "无数据"
    text = format(pm.round_half_up(value, 4).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _window_text(window: pm.Window, basis: str) -> str:
    if window.is_empty:
        return f"{BASIS_LABELS[basis]}窗口 {window.start} 起（截至日期早于窗口开始，窗口内尚无记录）"
    return f"{BASIS_LABELS[basis]}窗口 {window.start} 至 {window.end}"


def _enterprise_fields(prefix: str) -> dict[str, str]:
    return {"credit_code": f"{prefix}credit_code", "enterprise": f"{prefix}name", "region": f"{prefix}region__name"}


def _rows(queryset: Any, fields: dict[str, str]) -> list[dict[str, Any]]:
    """values() renamed to the column keys."""
    return [{key: row[lookup] for key, lookup in fields.items()}
            for row in queryset.values(*dict.fromkeys(fields.values()))]


def progress_records(*, user: Any, plan: Plan, indicator: Indicator, region: Region, year: int, basis: str,
                     as_of: dt.date) -> ProgressRecords:
    if not user_sees_region(user, region):
        raise PermissionDenied("无权查看该区域的数据")
    window = pm.progress_window(basis=basis, year=year, plan_start_year=plan.start_year, as_of=as_of)
    params: dict[str, Any] = indicator.params or {}
    computation = indicator.computation
    common = {"computation": computation, "unit": indicator.unit, "window_start": window.start,
              "window_end": window.end}
    where = _window_text(window, basis)
    in_region = {"enterprise__region__path__startswith": region.path}

    if regions_without_records(indicator, [region]):
        source = registry_source(indicator)
        keeper = Region.objects.get(path=keeper_path(region))
        assert source is not None  # regions_without_records answers only for covered indicators
        return _reported_records(plan, indicator, region, year, as_of, common, preface=(
            f"登记库中{keeper.name}（含下辖区域）尚无任何{source.label()}记录，无法按登记数据计算（不按 0 计）；"
            f"此指标取{region.name}的填报值。"))

    if computation == "projects_started":
        projects = projects_visible_to(user).filter(**in_region).filter(projects_started_q(params, window))
        rows = _rows(projects.order_by("actual_start", "code"),
                     {"code": "code", "name": "name", "enterprise": "enterprise__name",
                      "region": "enterprise__region__name", "stage": "stage", "actual_start": "actual_start"})
        for row in rows:
            row["stage"] = STAGE_BY_CODE[row["stage"]].name
            row["contribution"] = 1
        total = Decimal(len(rows))
        label = CATEGORY_LABELS.get(params.get("category", ""), "")
        return ProgressRecords(
            kind=PROJECTS, rows=rows, total=total,
            columns=[*PROJECT_COLUMNS, ("stage", "项目阶段"), ("actual_start", "实际开工日期")],
            explanation=(f"{where}内实际开工的{label}改造项目（已终止的不计），{region.name}（含下辖区域）"
                         f"共 {len(rows)} 个。"),
            **common)

    if computation == "investment_completed":
        moved, at_end, before_start = investment_expressions(window)
        projects = (projects_visible_to(user).filter(**in_region).filter(moved)
                    .annotate(at_end=at_end, before_start=before_start).order_by("code"))
        rows = _rows(projects, {"code": "code", "name": "name", "enterprise": "enterprise__name",
                                "region": "enterprise__region__name", "category": "category",
                                "cumulative_before_wan": "before_start", "cumulative_end_wan": "at_end"})
        for row in rows:
            row["category"] = CATEGORY_LABELS.get(row["category"], row["category"])
            row["contribution"] = row["cumulative_end_wan"] - row["cumulative_before_wan"]
        total_wan = pm.sum_decimals(r["contribution"] for r in rows)
        last_month = last_reported_month(window.end)
        return ProgressRecords(
            kind=PROJECTS, rows=rows, total=total_wan / WAN_PER_YI, scale=WAN_PER_YI,
            columns=[*PROJECT_COLUMNS, ("category", "项目类别"), ("cumulative_before_wan", "窗口前累计完成投资(万元)"),
                     ("cumulative_end_wan", "窗口末累计完成投资(万元)"), ("contribution", "窗口内完成投资(万元)")],
            explanation=(f"{where}内“两化”项目完成的投资：每个项目取 {last_month:%Y年%m月} 及以前最近一期月报的累计完成投资，"
                         f"减去 {window.start:%Y年%m月} 以前最近一期的累计值（月报按月末计，截至日期未到月末的当月不计）；"
                         f"合计 {_number(total_wan)} 万元 = {_number(total_wan / WAN_PER_YI)} 亿元。"),
            **common)

    if computation == "energy_saved_accepted":
        projects = projects_visible_to(user).filter(**in_region).filter(energy_saved_q(window)).order_by("accepted_on",
                                                                                                          "code")
        rows = _rows(projects, {"code": "code", "name": "name", "enterprise": "enterprise__name",
                                "region": "enterprise__region__name", "accepted_on": "accepted_on",
                                "contribution": "energy_saved_tce"})
        total_tce = pm.sum_decimals(r["contribution"] for r in rows)
        return ProgressRecords(
            kind=PROJECTS, rows=rows, total=total_tce / TCE_PER_WAN_TCE, scale=TCE_PER_WAN_TCE,
            columns=[*PROJECT_COLUMNS, ("accepted_on", "验收日期"), ("contribution", "年节能量(吨标准煤)")],
            explanation=(f"{where}内验收、节能量已确权的绿色化改造项目（已终止的不计）的年节能量之和："
                         f"{_number(total_tce)} 吨标准煤 = {_number(total_tce / TCE_PER_WAN_TCE)} 万吨标煤。"),
            **common)

    if computation in COVERAGE_POPULATION:
        return _coverage_records(user, computation, params, region, year, window, where, common)

    if computation in RATIO_FIELDS:
        return _ratio_records(user, computation, region, year, where, common)

    if computation in ("credentials_new", "credentials_held"):
        return _credential_records(user, computation, params, region, window, where, common)

    if computation == "activities":
        events = (activities_visible_to(user).filter(region__path__startswith=region.path)
                  .filter(activities_q(params, window)).order_by("date", "title"))
        rows = _rows(events, {"date": "date", "region": "region__name", "kind": "kind", "title": "title",
                              "attendance": "attendance"})
        for row in rows:
            row["kind"] = ACTIVITY_LABELS.get(row["kind"], row["kind"])
            row["contribution"] = 1
        kind = ACTIVITY_LABELS.get(params.get("kind", ""), "活动")
        return ProgressRecords(
            kind=ACTIVITIES, rows=rows, total=Decimal(len(rows)),
            columns=[("date", "日期"), ("region", "所属区域"), ("kind", "类型"), ("title", "名称"),
                     ("attendance", "参加人数")],
            explanation=f"{where}内{region.name}（含下辖区域）开展的{kind}共 {len(rows)} 场。",
            **common)

    if computation == "reported":
        return _reported_records(plan, indicator, region, year, as_of, common)

    return ProgressRecords(kind=REPORTED, rows=[], total=None, columns=[],
                           explanation=f"未知的计算方式“{computation}”，无数据。", **common)


def _reported_records(plan: Plan, indicator: Indicator, region: Region, year: int, as_of: dt.date,
                      common: dict[str, Any], preface: str = "") -> ProgressRecords:
    """Every 填报值 of the region up to the as-of date, the latest marked as the one counted."""
    entries = (ReportedActual.objects.filter(plan=plan, indicator=indicator, region=region, year=year,
                                             as_of__lte=as_of)
               .order_by("-as_of", "-reported_at", "-id"))
    rows = _rows(entries, {"as_of": "as_of", "value": "value", "source": "source",
                           "reported_by": "reported_by__username", "reported_at": "reported_at"})
    for position, row in enumerate(rows):
        row["counted"] = "是" if position == 0 else "否（已被更新的填报取代）"
        row["contribution"] = row["value"] if position == 0 else pm.ZERO
    total = rows[0]["value"] if rows else None
    explanation = (f"取截至 {as_of} 最近一次填报值：{_number(total)} {indicator.unit}。" if rows
                   else f"截至 {as_of} 无填报值，显示为无数据（不按 0 计）。")
    return ProgressRecords(
        kind=REPORTED, rows=rows, total=total,
        columns=[("as_of", "截至日期"), ("value", f"填报值({indicator.unit})"), ("source", "来源"),
                 ("reported_by", "填报人"), ("reported_at", "填报时间"), ("counted", "是否采用")],
        explanation=preface + explanation, **common)


def _coverage_records(user: Any, computation: str, params: dict[str, Any], region: Region, year: int,
                      window: pm.Window, where: str, common: dict[str, Any]) -> ProgressRecords:
    population = COVERAGE_POPULATION[computation]
    years = (enterprise_years_visible_to(user)
             .filter(enterprise__region__path__startswith=region.path, year__lte=year, **{population: True}))
    data_year = years.order_by("-year").values_list("year", flat=True).first()
    who = "规上工业企业" if population == "is_above_scale" else "重点用能企业"
    if data_year is None:
        return ProgressRecords(kind=ENTERPRISES, rows=[], total=None, columns=ENTERPRISE_COLUMNS,
                               explanation=f"{region.name}无{year}年及以前的{who}名单，无数据。",
                               factor=pm.HUNDRED, **common)
    chosen = years.filter(year=data_year)
    hit_ids = set(chosen.filter(coverage_hit_q(computation, params, window.end)).values_list("pk", flat=True))
    if computation == "digital_level_coverage":
        min_level = Decimal(str(params.get("min_level", "2.0")))
        latest = (DigitalLevel.objects.filter(enterprise=OuterRef("enterprise_id"), assessed_on__lte=window.end)
                  .order_by("-assessed_on"))
        chosen = chosen.annotate(level=Subquery(latest.values("level")[:1]),
                                 assessed_on=Subquery(latest.values("assessed_on")[:1]))
        extra_fields = {"level": "level", "assessed_on": "assessed_on"}
        extra_columns = [("level", "最近评定数字化水平"), ("assessed_on", "评定日期")]
        rule = f"数字化水平（{window.end} 及以前最近一次评定）达到 {min_level} 及以上"
    else:
        min_level = params.get("min_level", "municipal")
        best = (Credential.objects.filter(enterprise=OuterRef("enterprise_id"), kind__code="green_factory")
                .filter(credential_valid_on_q(window.end)).order_by("-level_rank"))
        chosen = chosen.annotate(level=Subquery(best.values("level")[:1]))
        extra_fields = {"level": "level"}
        extra_columns = [("level", "持有绿色工厂最高级别")]
        rule = f"{window.end} 持有{LEVEL_LABELS.get(min_level, min_level)}及以上绿色工厂认定"
    rows = _rows(chosen.order_by("enterprise__region__path", "enterprise__name"),
                 {**_enterprise_fields("enterprise__"), **extra_fields, "hit": "pk"})
    for row in rows:
        if computation == "green_factory_coverage" and row["level"]:
            row["level"] = LEVEL_LABELS.get(row["level"], row["level"])
        row["counted"] = "是" if row.pop("hit") in hit_ids else "否"
        row["contribution"] = 1 if row["counted"] == "是" else 0
        row["weight"] = 1
    hits = sum(r["contribution"] for r in rows)
    total = pm.ratio(Decimal(hits), Decimal(len(rows)), scale=pm.HUNDRED)
    fallback = "" if data_year == year else f"（{year}年无名单，取{data_year}年）"
    return ProgressRecords(
        kind=ENTERPRISES, rows=rows, total=total, data_year=data_year, factor=pm.HUNDRED,
        columns=[*ENTERPRISE_COLUMNS, *extra_columns, ("counted", "是否达标")],
        explanation=(f"{region.name}（含下辖区域）{data_year}年{who}{fallback}共 {len(rows)} 家，其中{rule}的 {hits} 家，"
                     f"覆盖率 {_number(total)}%。"),
        **common)


def _ratio_records(user: Any, computation: str, region: Region, year: int, where: str,
                   common: dict[str, Any]) -> ProgressRecords:
    numerator, denominator = RATIO_FIELDS[computation]
    years = (enterprise_years_visible_to(user).filter(enterprise__region__path__startswith=region.path, year__lte=year)
             .filter(ratio_rows_q(computation)))
    data_year = years.order_by("-year").values_list("year", flat=True).first()
    labels = {"value_added_wan": "工业增加值(万元)", "tax_wan": "税收(万元)", "land_mu": "用地面积(亩)",
              "employees": "年均职工人数"}
    if data_year is None:
        return ProgressRecords(kind=ENTERPRISES, rows=[], total=None, columns=ENTERPRISE_COLUMNS, factor=pm.ONE,
                               explanation=f"{region.name}无{year}年及以前可用的规上企业数据，无数据。", **common)
    rows = _rows(years.filter(year=data_year).order_by("enterprise__region__path", "enterprise__name"),
                 {**_enterprise_fields("enterprise__"), "contribution": numerator, "weight": denominator})
    num = pm.sum_decimals(Decimal(r["contribution"]) for r in rows)
    den = pm.sum_decimals(Decimal(r["weight"]) for r in rows)
    total = pm.ratio(num, den)
    fallback = "" if data_year == year else f"（{year}年无数据，取{data_year}年）"
    return ProgressRecords(
        kind=ENTERPRISES, rows=rows, total=total, data_year=data_year, factor=pm.ONE,
        columns=[*ENTERPRISE_COLUMNS, ("contribution", labels[numerator]), ("weight", labels[denominator])],
        explanation=(f"{region.name}（含下辖区域）{data_year}年{fallback}规上工业企业 {len(rows)} 家："
                     f"{labels[numerator]}合计 {_number(num)} ÷ {labels[denominator]}合计 {_number(den)} "
                     f"= {_number(total)} {common['unit']}。"),
        **common)


def credential_rule_text(params: dict[str, Any]) -> str:
    """"市级及以上企业技术中心", "省级绿色工厂（不含更高级别）"… for the explanation."""
    specs = credential_specs(params)
    names = dict(CredentialKind.objects.filter(code__in=[s["kind"] for s in specs]).values_list("code", "name"))
    parts = []
    for spec in specs:
        name = names.get(spec["kind"], spec["kind"])
        low = LEVEL_LABELS.get(spec["min_level"] or "county", "")
        if spec["max_level"] and spec["max_level"] == spec["min_level"]:
            parts.append(f"{low}{name}（不含更高级别）")
        elif spec["max_level"]:
            parts.append(f"{low}至{LEVEL_LABELS[spec['max_level']]}{name}")
        else:
            parts.append(f"{low}及以上{name}")
    return "或".join(parts)


def _credential_records(user: Any, computation: str, params: dict[str, Any], region: Region, window: pm.Window,
                        where: str, common: dict[str, Any]) -> ProgressRecords:
    enterprises = enterprises_visible_to(user).filter(region__path__startswith=region.path)
    if computation == "credentials_new":
        counted = enterprises.filter(credentials_new_q(params, window)).distinct()
        credentials = credentials_visible_to(user).filter(credential_match_q(params), enterprise__in=counted,
                                                          granted_on__gte=window.start, granted_on__lte=window.end)
        order = ("enterprise_id", "granted_on", "-level_rank")
    else:
        counted = enterprises.filter(credentials_held_q(params, window.end)).distinct()
        credentials = (credentials_visible_to(user).filter(credential_match_q(params), enterprise__in=counted)
                       .filter(credential_valid_on_q(window.end)))
        order = ("enterprise_id", "-level_rank", "granted_on")
    rows: list[dict[str, Any]] = []
    seen: set[int] = set()
    # One row per enterprise: its first (new) or highest (held) matching credential.
    for row in credentials.order_by(*order).values("enterprise_id", "enterprise__credit_code", "enterprise__name",
                                                   "enterprise__region__name", "kind__name", "level", "granted_on"):
        if row["enterprise_id"] in seen:
            continue
        seen.add(row["enterprise_id"])
        rows.append({"credit_code": row["enterprise__credit_code"], "enterprise": row["enterprise__name"],
                     "region": row["enterprise__region__name"], "credential": row["kind__name"],
                     "level": LEVEL_LABELS.get(row["level"], row["level"]), "granted_on": row["granted_on"],
                     "contribution": 1})
    rows.sort(key=lambda r: (r["granted_on"], r["credit_code"]))
    kinds = credential_rule_text(params)
    if computation == "credentials_new":
        rule = (f"{where}内首次获得（{kinds}）认定的企业（此前已有同类认定、窗口内仅升级的不算新增），"
                f"共 {len(rows)} 家。")
    else:
        rule = f"{window.end} 持有（{kinds}）认定（未到期、未撤销）的企业共 {len(rows)} 家。"
    return ProgressRecords(
        kind=CREDENTIALS, rows=rows, total=Decimal(len(rows)),
        columns=[*ENTERPRISE_COLUMNS, ("credential", "认定类型"), ("level", "级别"), ("granted_on", "认定日期")],
        explanation=rule, **common)
