"""A bulletin (进度晾晒通报) of a plan for a region and a period, composed from the progress engine.

`bulletin_compose(user=…, plan=…, region=…, period=…)` reads what a dashboard reads at the period's last
day — `targets.progress.progress_compute` with the region's children — and adds what a bulletin says:
each child region's 赛马 score and rank (bulletins/scoring.py) and its change against the previous
period, the reporting rate of the period's last month (reporting/discipline.py), the projects behind
their plan, and a short paragraph of numbers. Every figure is the engine's: the bulletin never counts
anything itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from lianghua.accounts.scope import user_sees_region
from lianghua.core.formatting import number, percent
from lianghua.projects.models import Project
from lianghua.projects.selectors import projects_visible_to, schedule_overdue
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_children, subtree_regions
from lianghua.reporting.discipline import MonthDiscipline, RegionDiscipline, month_discipline
from lianghua.targets.dashboard import ProgressLayout, progress_layout
from lianghua.targets.models import Plan
from lianghua.targets.progress import TargetProgress, progress_compute, progress_series
from lianghua.targets.progress_math import competition_ranks

from .periods import Period
from .scoring import ScoreRule, region_score
from .trends import Line, month_ends, series_lines

LEADERS_NAMED = 3  # regions named at the head and the tail of the ranking in the paragraph


class BulletinError(ValueError):
    """A bulletin that cannot be composed (its period outside the plan, a region out of scope)."""


@dataclass
class RegionStanding:
    code: str
    name: str
    score: Decimal | None
    counted: int  # targets counted in the score
    rank: int | None = None
    previous_rank: int | None = None
    lagging: int = 0  # targets 滞后 or 严重滞后
    reporting: RegionDiscipline | None = None

    @property
    def rank_change(self) -> int | None:
        """Places gained since the previous period (negative: lost); None when either rank is missing."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def places_moved(self) -> int:
        return abs(self.rank_change or 0)


@dataclass
class BehindProject:
    project: Project
    reason: str  # 未开工 / 未竣工
    planned: dt.date
    days: int  # days past the planned date at the cut-off


@dataclass
class Bulletin:
    plan: Plan
    region: Region
    period: Period
    rows: list[TargetProgress]
    layout: ProgressLayout
    standings: list[RegionStanding]  # by rank, unranked last
    rule: ScoreRule
    discipline: MonthDiscipline
    behind: list[BehindProject]
    history: list[Line] = field(default_factory=list)  # the region's own flow targets, month by month
    composed_at: dt.datetime = field(default_factory=timezone.now)
    summary: str = ""

    @property
    def as_of(self) -> dt.date:
        return self.period.as_of

    @property
    def title(self) -> str:
        return f"{self.region.name}“两化”改造{self.period.label}进度通报"

    @property
    def own_rows(self) -> list[TargetProgress]:
        return self.layout.own_rows


def _standings_of(rows: list[TargetProgress], region: Region, children: list[Region],
                  rule: ScoreRule) -> list[RegionStanding]:
    by_child: dict[str, list[TargetProgress]] = {}
    names: dict[str, str] = {}
    for row in rows:
        if row.region_code != region.code:
            by_child.setdefault(row.region_code, []).append(row)
            names[row.region_code] = row.region_name
    standings = []
    for code in [c.code for c in children if c.code in by_child]:
        score, counted = region_score(by_child[code], rule)
        lagging = sum(1 for r in by_child[code] if r.status in ("lagging", "severe"))
        standings.append(RegionStanding(code=code, name=names[code], score=score, counted=counted, lagging=lagging))
    for standing, rank in zip(standings, competition_ranks([s.score for s in standings]), strict=True):
        standing.rank = rank
    return standings


def _standings(plan: Plan, region: Region, children: list[Region], period: Period, rule: ScoreRule
               ) -> tuple[list[TargetProgress], list[RegionStanding], list[RegionStanding] | None, list[Line]]:
    """The period's rows and standings, the previous period's standings (None outside the plan) and the
    region's own flow targets month by month (the curves). The month ends of the year so far, the two
    cut-offs among them when they fall in one year, are counted together: one query per flow indicator;
    level indicators are read at the cut-offs only."""
    previous = period.previous()
    ends = month_ends(period.year, period.as_of)
    cutoffs = {period.as_of} | ({previous.as_of} if previous.year == period.year else set())
    series = progress_series(plan=plan, region=region, year=period.year, dates=sorted(set(ends) | cutoffs),
                             children=True, stock_dates=cutoffs)
    rows = series[period.as_of]
    before = None
    if previous.year == period.year:
        before = _standings_of(series[previous.as_of], region, children, rule)
    elif plan.start_year <= previous.year <= plan.end_year:
        before = _standings_of(progress_compute(plan=plan, region=region, year=previous.year,
                                                as_of=previous.as_of, children=True), region, children, rule)
    history = [line for line in series_lines(series, ends)
               if line.region_code == region.code and not line.is_stock and line.target is not None]
    return rows, _standings_of(rows, region, children, rule), before, history


def projects_behind(user: Any, region: Region, as_of: dt.date) -> list[BehindProject]:
    """The projects of `region` the user sees that are past their planned start or completion at `as_of`,
    the longest overdue first."""
    late = []
    projects = (projects_visible_to(user).filter(schedule_overdue(as_of), enterprise__region__in=subtree_regions(region))
                .select_related("enterprise", "enterprise__region"))
    for project in projects:
        if project.actual_start is None and project.planned_start and project.planned_start < as_of:
            late.append(BehindProject(project, "未开工", project.planned_start, (as_of - project.planned_start).days))
        elif project.planned_end:
            late.append(BehindProject(project, "未竣工", project.planned_end, (as_of - project.planned_end).days))
    return sorted(late, key=lambda b: (-b.days, b.project.code))


def _summary(bulletin: Bulletin) -> str:
    """The paragraph under the title: who leads, who lags, by how much, and how well the month was reported."""
    ranked = [s for s in bulletin.standings if s.rank is not None]
    parts = []
    if ranked:
        head = "、".join(f"{s.name}（{number(s.score, 2)}）" for s in ranked[:LEADERS_NAMED])
        parts.append(f"{bulletin.region.name}{len(ranked)}个下辖区域参加赛马，综合得分前{min(LEADERS_NAMED, len(ranked))}位为{head}")
        if len(ranked) > LEADERS_NAMED:
            tail = "、".join(f"{s.name}（{number(s.score, 2)}）" for s in ranked[-LEADERS_NAMED:])
            parts.append(f"后{LEADERS_NAMED}位为{tail}")
        movers = sorted((s for s in ranked if s.rank_change), key=lambda s: -abs(s.rank_change or 0))[:2]
        if movers:
            parts.append("较上期" + "、".join(
                f"{s.name}{'上升' if (s.rank_change or 0) > 0 else '下降'}{abs(s.rank_change or 0)}位" for s in movers))
    own = bulletin.own_rows
    behind_time = [r for r in own if r.status in ("lagging", "severe")]
    if own:
        parts.append(f"本级{len(own)}项目标中{sum(1 for r in own if r.status == 'done')}项已完成、"
                     f"{len(behind_time)}项低于时间进度")
    total = bulletin.discipline.total
    if total.owed:
        parts.append(f"{bulletin.period.last_month:%Y年%-m月}项目进度应报{total.owed}个，填报率"
                     f"{percent(total.reported_rate)}、及时率{percent(total.timely_rate)}")
    if bulletin.behind:
        parts.append(f"{len(bulletin.behind)}个项目超过计划开工或竣工日期仍未开工、竣工")
    return f"截至{bulletin.as_of:%Y年%-m月%-d日}，" + ("；".join(parts) or f"{bulletin.region.name}本期没有可通报的目标") + "。"


def bulletin_compose(*, user: Any, plan: Plan, region: Region, period: Period,
                     rule: ScoreRule | None = None) -> Bulletin:
    if not user_sees_region(user, region):
        raise BulletinError(f"您的账号不能查看{region.name}的通报")
    if not plan.start_year <= period.year <= plan.end_year:
        raise BulletinError(f"通报期{period.label}不在方案“{plan.name}”的期限{plan.start_year}—{plan.end_year}年内")
    rule = rule or ScoreRule.from_settings()
    children = list(region_children(region))
    rows, standings, before, history = _standings(plan, region, children, period, rule)
    if before is not None:
        earlier = {s.code: s.rank for s in before}
        for standing in standings:
            standing.previous_rank = earlier.get(standing.code)
    discipline = month_discipline(user, region, period.last_month)
    parts = {p.region.code: p for p in discipline.parts}
    for standing in standings:
        standing.reporting = parts.get(standing.code)
    standings.sort(key=lambda s: (s.rank is None, s.rank or 0, s.code))
    layout = progress_layout(rows, region_code=region.code,
                             child_order=[(c.code, c.name) for c in children])
    bulletin = Bulletin(plan=plan, region=region, period=period, rows=rows, layout=layout, standings=standings,
                        rule=rule, discipline=discipline, behind=projects_behind(user, region, period.as_of),
                        history=history)
    bulletin.summary = _summary(bulletin)
    return bulletin
