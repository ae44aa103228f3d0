"""三色预警: what lags in a region at a date, each warning red or yellow and linked to its records.

- targets: 红 严重滞后 / 黄 滞后 / 绿 on time or done, by the progress engine's status rule (its threshold
  the setting LIANGHUA_LAGGING_SHARE);
- projects past their planned start or completion without the actual date (红 after
  LIANGHUA_WARNING_OVERDUE_RED_DAYS days);
- projects without an approved report for the last month (红 once its deadline has passed unreported,
  黄 while awaiting review or before the deadline);
- projects under way whose completed-investment share trails their time progress by more than
  LIANGHUA_WARNING_INVESTMENT_MARGIN (红 beyond twice that);
- targets whose year-end forecast misses (红 when even the top of its range misses, 黄 otherwise).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.http import urlencode

from lianghua.core.formatting import number, percent
from lianghua.core.months import last_reported_month
from lianghua.projects.models import ProjectProgress
from lianghua.projects.selectors import projects_visible_to
from lianghua.regions.models import Region
from lianghua.regions.selectors import subtree_regions
from lianghua.reporting.discipline import MISSING, PENDING, month_discipline
from lianghua.targets.dashboard import records_query
from lianghua.targets.models import Plan
from lianghua.targets.progress import progress_compute
from lianghua.targets.progress_math import DONE, LAGGING, NODATA, NORMAL, SEVERE, target_met

from .compose import projects_behind
from .trends import trends_compute

RED, YELLOW, GREEN = "red", "yellow", "green"
LEVEL_TEXT = {RED: "红", YELLOW: "黄", GREEN: "绿"}
KINDS = {
    "target": "目标滞后",
    "overdue": "超过计划日期",
    "unreported": "上月进度未审核通过",
    "investment": "投资进度慢于时间进度",
    "forecast": "预计年底完不成",
}


@dataclass
class Warning:
    level: str
    kind: str
    region: str
    subject: str
    detail: str
    url: str

    @property
    def level_text(self) -> str:
        return LEVEL_TEXT[self.level]

    @property
    def kind_text(self) -> str:
        return KINDS[self.kind]


@dataclass
class Warnings:
    plan: Plan
    region: Region
    as_of: dt.date
    items: list[Warning] = field(default_factory=list)
    colours: dict[str, int] = field(default_factory=lambda: dict.fromkeys((RED, YELLOW, GREEN), 0))  # targets

    def count(self, kind: str, level: str | None = None) -> int:
        return sum(1 for w in self.items if w.kind == kind and (level is None or w.level == level))

    @property
    def counts(self) -> dict[str, dict[str, int]]:
        """kind → {"all": n, "red": n}, for the dashboard's card."""
        return {kind: {"all": self.count(kind), "red": self.count(kind, RED)} for kind in KINDS}

    @property
    def by_kind(self) -> list[tuple[str, str, list[Warning]]]:
        return [(kind, text, [w for w in self.items if w.kind == kind]) for kind, text in KINDS.items()]

    @property
    def rules(self) -> str:
        share = percent(Decimal(settings.LIANGHUA_LAGGING_SHARE), 0)
        margin = percent(Decimal(settings.LIANGHUA_WARNING_INVESTMENT_MARGIN), 0)
        return (f"目标：完成率低于时间进度（水平类指标低于目标）的{share}为红，{share}至时间进度之间为黄，其余为绿；"
                f"项目超过计划日期{settings.LIANGHUA_WARNING_OVERDUE_RED_DAYS}天以上为红；投资完成比例落后于时间进度"
                f"{margin}以上为黄、{percent(Decimal(settings.LIANGHUA_WARNING_INVESTMENT_MARGIN) * 2, 0)}以上为红。"
                "这些界线是本平台的设置，政策文件未规定。")


STATUS_LEVEL = {SEVERE: RED, LAGGING: YELLOW, NORMAL: GREEN, DONE: GREEN}


def _project_url(code: str) -> str:
    return reverse("projects:by_code", args=[code])


def _targets(out: Warnings, rows: list) -> None:
    for row in rows:
        level = STATUS_LEVEL.get(row.status)
        if row.status == NODATA or level is None:
            continue
        out.colours[level] += 1
        if level == GREEN:
            continue
        out.items.append(Warning(level, "target", row.region_name, f"{row.indicator_name}（{'累计' if row.basis == 'cumulative' else '年度'}）",
                                 f"完成率{percent(row.completion)}，时间进度{percent(row.time_progress) if not row.is_stock else '—'}",
                                 reverse("targets:records") + "?" + records_query(row, out.as_of)))


def _overdue(out: Warnings, user: Any, region: Region, as_of: dt.date) -> None:
    red_days = settings.LIANGHUA_WARNING_OVERDUE_RED_DAYS
    for late in projects_behind(user, region, as_of):  # the bulletin's own list of overdue projects
        p = late.project
        out.items.append(Warning(RED if late.days > red_days else YELLOW, "overdue", p.enterprise.region.name,
                                 f"{p.code} {p.name}",
                                 f"{p.enterprise.name}；计划{late.planned:%Y-%m-%d}，{late.reason}，超期{late.days}天",
                                 _project_url(p.code)))


def _unreported(out: Warnings, user: Any, region: Region, as_of: dt.date) -> None:
    month = last_reported_month(as_of)  # the last month ended by the cut-off
    discipline = month_discipline(user, region, month)
    for due in discipline.due:
        if due.status not in (MISSING, PENDING):
            continue
        late = due.status == MISSING and as_of > discipline.deadline
        p = due.project
        out.items.append(Warning(RED if late else YELLOW, "unreported", p.enterprise.region.name, f"{p.code} {p.name}",
                                 f"{p.enterprise.name}；{month:%Y年%-m月}进度{due.status_text}（截止{discipline.deadline:%-m月%-d日}）",
                                 _project_url(p.code)))


def _investment(out: Warnings, projects, as_of: dt.date) -> None:
    margin = Decimal(settings.LIANGHUA_WARNING_INVESTMENT_MARGIN)
    latest = ProjectProgress.objects.filter(project=OuterRef("pk"), month__lte=as_of).order_by("-month")
    under_way = (projects.filter(actual_start__lte=as_of, actual_end__isnull=True, planned_start__isnull=False,
                                 planned_end__isnull=False, total_investment_wan__gt=0)
                 .exclude(stage="terminated")
                 .annotate(done_wan=Subquery(latest.values("cumulative_investment_wan")[:1]))
                 .select_related("enterprise", "enterprise__region"))
    for p in under_way:
        span = (p.planned_end - p.planned_start).days
        if span <= 0:
            continue
        elapsed = min(Decimal(1), max(Decimal(0), Decimal((as_of - p.planned_start).days) / span))
        share = Decimal(p.done_wan or 0) / p.total_investment_wan
        gap = elapsed - share
        if gap > margin:
            out.items.append(Warning(RED if gap > 2 * margin else YELLOW, "investment", p.enterprise.region.name,
                                     f"{p.code} {p.name}",
                                     f"{p.enterprise.name}；完成投资{number(p.done_wan or 0, 2)}万元，占总投资{percent(share)}，"
                                     f"时间进度{percent(elapsed)}", _project_url(p.code)))


def _forecasts(out: Warnings, plan: Plan, region: Region, year: int, as_of: dt.date) -> None:
    trends = trends_compute(plan=plan, region=region, year=year, as_of=as_of, stocks=False)
    for line in trends.forecasts_missing:
        f = line.forecast
        assert f is not None and line.target is not None
        level = YELLOW if target_met(f.high, line.target, line.comparator) else RED
        basis = "累计" if line.basis == "cumulative" else "年度"
        out.items.append(Warning(level, "forecast", line.region_name, f"{line.indicator_name}（{basis}）",
                                 f"目标{number(line.target)}{line.unit}，预计{number(f.value)}{line.unit}"
                                 f"（{number(f.low)}—{number(f.high)}）；{f.method_text}",
                                 reverse("bulletins:trends") + "?" + urlencode(
                                     {"plan": plan.code, "region": region.code, "year": year})))


def warnings_compute(*, user: Any, plan: Plan, region: Region, as_of: dt.date, forecasts: bool = True) -> Warnings:
    out = Warnings(plan=plan, region=region, as_of=as_of)
    year = min(max(as_of.year, plan.start_year), plan.end_year)
    _targets(out, progress_compute(plan=plan, region=region, year=year, as_of=as_of, children=True))
    projects = projects_visible_to(user).filter(enterprise__region__in=subtree_regions(region))
    _overdue(out, user, region, as_of)
    _unreported(out, user, region, as_of)
    _investment(out, projects, as_of)
    if forecasts and year == as_of.year:
        _forecasts(out, plan, region, year, as_of)
    order = {RED: 0, YELLOW: 1}
    out.items.sort(key=lambda w: (order[w.level], list(KINDS).index(w.kind), w.region, w.subject))
    return out
