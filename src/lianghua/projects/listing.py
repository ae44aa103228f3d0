"""The project list as the page, its export and the API filter it: one function over the selector."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, NullIf
from django.utils import timezone

from lianghua.core.months import last_reported_month
from lianghua.core.pages import list_order
from lianghua.core.query_params import QueryValueError, query_flag, query_year
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve, subtree_regions

from .models import Project, ProjectProgress
from .selectors import month_report_owed, projects_visible_to, schedule_overdue
from .stages import STAGE_BY_CODE

SORTS = {
    "code": ("code", "项目编号"),
    "name": ("name", "项目名称"),
    "enterprise": ("enterprise__name", "企业"),
    "region": ("enterprise__region__path", "所属区域"),
    "investment": ("total_investment_wan", "总投资"),
    "completed": ("latest_cumulative_wan", "累计完成投资"),
    "rate": ("investment_completion", "投资完成率"),
    "start": ("actual_start", "实际开工"),
    "planned_end": ("planned_end", "计划竣工"),
    "reported": ("latest_reported_at", "最近填报"),
}

# The two "what needs chasing" filters of the list.
OVERDUE_TEXT = "逾期未开工或未竣工（已过计划开工/竣工日期仍无实际日期）"
UNREPORTED_TEXT = "上月未填报进度（在建项目）"


@dataclass
class ProjectListFilter:
    region: Region | None = None
    category: str = ""
    stage: str = ""
    health: str = ""
    start_year: int | None = None
    q: str = ""
    sort: str = "code"
    overdue: bool = False
    unreported: bool = False
    today: date | None = None  # the day "overdue" and "last month" are read on (default: today)
    problems: tuple[str, ...] = ()


def project_list_filter(params) -> ProjectListFilter:
    """Read the filter from query parameters (region, category, stage, health, start_year, q, sort);
    a value that cannot be read is reported in `problems` and the list is then empty, never widened."""
    problems = []
    found = ProjectListFilter()
    if params.get("region"):
        try:
            found.region = region_resolve(params["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
    for name, label, allowed in (("category", "项目类别", Project.Category.values),
                                 ("stage", "项目阶段", list(STAGE_BY_CODE)),
                                 ("health", "运行状态", Project.Health.values)):
        value = params.get(name) or ""
        if value and value not in allowed:
            problems.append(f"未知的{label}“{value}”")
        else:
            setattr(found, name, value)
    try:
        found.start_year = query_year(params.get("start_year"), label="开工年度")
    except QueryValueError as error:
        problems.append(str(error))
    for name, label in (("overdue", "逾期筛选"), ("unreported", "未填报筛选")):
        try:
            setattr(found, name, bool(query_flag(params.get(name), label=label)))
        except QueryValueError as error:
            problems.append(str(error))
    found.q = (params.get("q") or "").strip()
    sort = params.get("sort") or "code"
    found.sort = sort if sort.lstrip("-") in SORTS else "code"
    found.problems = tuple(problems)
    return found


def projects_listed(user, spec: ProjectListFilter) -> QuerySet:
    """The user's projects narrowed by `spec`, with the latest monthly report annotated (no query per row)."""
    latest = ProjectProgress.objects.filter(project=OuterRef("pk")).order_by("-month")
    queryset = (
        projects_visible_to(user)
        .select_related("enterprise", "enterprise__region")
        .annotate(
            latest_cumulative_wan=Subquery(latest.values("cumulative_investment_wan")[:1]),
            latest_month=Subquery(latest.values("month")[:1]),
            latest_reported_at=Subquery(latest.values("reported_at")[:1]),
        )
    )
    if spec.problems:
        return queryset.none()
    today = spec.today or timezone.localdate()
    queryset = queryset.annotate(
        is_overdue=ExpressionWrapper(schedule_overdue(today), output_field=BooleanField()),
        # As a float: SQLite divides two whole-valued decimals as integers (450 / 1000 = 0).
        investment_completion=ExpressionWrapper(
            Cast("latest_cumulative_wan", FloatField())
            / NullIf(Cast("total_investment_wan", FloatField()), Value(0.0)),
            output_field=FloatField()),
    )
    if spec.region is not None:
        queryset = queryset.filter(enterprise__region__in=subtree_regions(spec.region))
    for name in ("category", "stage", "health"):
        if getattr(spec, name):
            queryset = queryset.filter(**{name: getattr(spec, name)})
    if spec.start_year is not None:
        queryset = queryset.filter(actual_start__gte=date(spec.start_year, 1, 1),
                                   actual_start__lt=date(spec.start_year + 1, 1, 1))
    if spec.overdue:
        queryset = queryset.filter(is_overdue=True)
    if spec.unreported:
        # The projects under construction last month (as the reporting discipline counts them) without its report.
        month = last_reported_month(today)
        queryset = queryset.filter(month_report_owed(month)).exclude(
            Exists(ProjectProgress.objects.filter(project=OuterRef("pk"), month=month)))
    if spec.q:
        queryset = queryset.filter(Q(code__icontains=spec.q) | Q(name__icontains=spec.q)
                                   | Q(enterprise__name__icontains=spec.q))
    order = list_order(spec.sort, SORTS)
    return queryset.order_by(*order, "pk")
