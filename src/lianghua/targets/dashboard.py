"""What the dashboard shows: the choice of plan × region × year × as-of date read from a request, and
the progress rows arranged as the page lays them out (indicator table, children matrix, chart series).

`progress_layout` is pure: TargetProgress rows in, plain structures out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied

from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.core.query_params import QueryValueError, query_date, query_year
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve

from .models import Plan
from .selectors import plans_visible_to, targets_visible_to


@dataclass
class DashboardChoice:
    plans: list[Plan]
    plan: Plan | None
    regions: list[Region]
    region: Region | None
    years: list[int]
    year: int | None
    as_of: dt.date
    chart_indicator: str = ""
    problems: list[str] = field(default_factory=list)


def default_year(plan: Plan, today: dt.date) -> int:
    """The latest plan year not after today: today's year inside the plan, else the nearer end."""
    return min(max(today.year, plan.start_year), plan.end_year)


def plan_year_read(plan: Plan, text, *, label: str = "年度", with_base_years: bool = False) -> int | None:
    """A year of the plan's period read from a query value (None when not given) — or, `with_base_years`,
    of its change targets' base years too (the records of a base figure); anything else raises
    QueryValueError with the Chinese message."""
    year = query_year(text, label=label)
    years = plan.reporting_years() if with_base_years else range(plan.start_year, plan.end_year + 1)
    if year is not None and year not in years:
        raise QueryValueError(f"{label}“{year}”不在方案期内（{years.start}—{plan.end_year}）")
    return year


def dashboard_choice(user, params, *, today: dt.date | None = None) -> DashboardChoice:
    """Read plan, region, year, as_of and chart from query parameters, defaulting sensibly; a region
    outside the user's scope raises PermissionDenied, an unreadable value is reported and defaulted."""
    today = today or dt.date.today()
    problems: list[str] = []
    plans = list(plans_visible_to(user))
    plan = next((p for p in plans if p.code == params.get("plan")), None)
    if params.get("plan") and plan is None:
        problems.append(f"没有可查看的目标方案“{params['plan']}”")
    plan = plan or (plans[0] if plans else None)
    as_of = today
    try:
        as_of = query_date(params.get("as_of"), label="截至日期") or today
    except QueryValueError as error:
        problems.append(str(error))
    if plan is None:
        return DashboardChoice(plans, None, [], None, [], None, as_of, problems=problems)

    region_ids = targets_visible_to(user).filter(plan=plan).values("region_id")
    regions = list(Region.objects.filter(pk__in=region_ids).order_by("path"))
    region = None
    if params.get("region"):
        try:
            region = region_resolve(params["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
        if region is not None and not user_sees_region(user, region):
            raise PermissionDenied("无权查看该区域")
    home = user_home_region(user)
    if region is None:
        region = next((r for r in regions if home and r.pk == home.pk), None)
        region = region or (regions[0] if regions else home)
    if home is not None and not regions and user_sees_region(user, home):
        regions = [home]  # a plan above the user's region (未分解 here): the user's own region
    years = list(range(plan.start_year, plan.end_year + 1))
    year = default_year(plan, today)
    try:
        year = plan_year_read(plan, params.get("year")) or year
    except QueryValueError as error:
        problems.append(str(error))
    return DashboardChoice(plans, plan, regions, region, years, year, as_of,
                           chart_indicator=params.get("chart") or "", problems=problems)


def records_query(row, as_of: dt.date, *, year: int | None = None) -> str:
    """The query string of /records/ for one progress row (with `year`: its base year's figure, as of the
    end of that year)."""
    industry = {"industry": row.industry} if row.industry else {}
    if year is not None:
        return urlencode({"plan": row.plan, "indicator": row.indicator, "region": row.region_code, "year": year,
                          "basis": "annual", "as_of": dt.date(year, 12, 31).isoformat(), **industry})
    return urlencode({"plan": row.plan, "indicator": row.indicator, "region": row.region_code,
                      "year": row.year, "basis": row.basis, "as_of": as_of.isoformat(), **industry})


def responsible_departments(rows) -> list[str]:
    """The departments named in the rows' 责任单位 (split at 、), in first-seen order, for the filter."""
    seen: dict[str, None] = {}
    for row in rows:
        for name in _departments(row.responsible or ""):
            seen.setdefault(name, None)
    return list(seen)


def _departments(text: str) -> list[str]:
    """"市经信局、各县〔市、区〕政府" → ["市经信局", "各县〔市、区〕政府"]: 、 inside brackets does not split."""
    names, current, depth = [], [], 0
    for char in text:
        depth += char in "〔（(" and 1 or 0
        depth -= char in "〕）)" and 1 or 0
        if char in "、，," and depth == 0:
            names.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    names.append("".join(current).strip())
    return [n for n in names if n]


@dataclass
class MatrixRow:
    indicator: str
    indicator_name: str
    unit: str
    basis: str
    own: object | None  # the TargetProgress of the chosen region itself
    cells: list  # one TargetProgress (or None) per child region, in column order


@dataclass
class ProgressLayout:
    own_rows: list  # TargetProgress of the chosen region, in indicator order
    children: list[tuple[str, str]]  # (code, name) columns
    matrix: list[MatrixRow]
    chart_indicators: list[tuple[str, str]]  # (indicator, label) that children have
    chart: dict  # series for the chosen indicator


def _percent(fraction: Decimal | None) -> float | None:
    # The chart draws; a float is fine here (the table shows the exact figure).
    return None if fraction is None else round(float(fraction) * 100, 1)


def progress_layout(rows: list, *, region_code: str, child_order: list[tuple[str, str]] | None = None,
                    chart_indicator: str = "") -> ProgressLayout:
    """Arrange progress rows of a region and its children for the page.

    Rows are keyed by (indicator, basis): a region can have an annual and a cumulative target for the
    same indicator. Child columns follow `child_order` (the tree order), else first appearance.
    """
    own = [r for r in rows if r.region_code == region_code]
    kids = [r for r in rows if r.region_code != region_code]
    children = list(child_order or [])
    known = {code for code, _ in children}
    for r in kids:
        if r.region_code not in known:
            known.add(r.region_code)
            children.append((r.region_code, r.region_name))
    present = {r.region_code for r in kids}
    children = [c for c in children if c[0] in present]

    keys: list[tuple[str, str]] = []
    meta: dict[tuple[str, str], object] = {}
    for r in own + kids:
        key = (r.indicator, r.basis)
        if key not in meta:
            keys.append(key)
            meta[key] = r
    own_by_key = {(r.indicator, r.basis): r for r in own}
    cell = {(r.indicator, r.basis, r.region_code): r for r in kids}
    matrix = []
    for key in keys:
        cells = [cell.get((*key, code)) for code, _ in children]
        if not any(cells):
            continue
        first = meta[key]
        matrix.append(MatrixRow(indicator=key[0], indicator_name=first.indicator_name, unit=first.unit,
                                basis=key[1], own=own_by_key.get(key), cells=cells))

    # The chart compares completion with time progress: only rows whose children have targets.
    charted = [m for m in matrix if any(c is not None and c.target is not None for c in m.cells)]
    chart_indicators = [(f"{m.indicator}:{m.basis}",
                         f"{m.indicator_name}（{'累计' if m.basis == 'cumulative' else '年度'}）") for m in charted]
    chosen = next((m for m in charted if f"{m.indicator}:{m.basis}" == chart_indicator), None)
    chosen = chosen or (charted[0] if charted else None)
    chart: dict = {}
    if chosen is not None:
        ranked = sorted(((name, c) for (code, name), c in zip(children, chosen.cells, strict=True) if c),
                        key=lambda pair: (pair[1].rank is None, pair[1].rank or 0, pair[0]))
        chart = {
            "key": f"{chosen.indicator}:{chosen.basis}",
            "title": f"{chosen.indicator_name}：各地完成率与时间进度",
            "regions": [name for name, _ in ranked],
            "completion": [_percent(c.completion) for _, c in ranked],
            "time_progress": [_percent(c.time_progress) for _, c in ranked],
            "status": [c.status for _, c in ranked],
        }
    return ProgressLayout(own_rows=own, children=children, matrix=matrix,
                          chart_indicators=chart_indicators, chart=chart)
