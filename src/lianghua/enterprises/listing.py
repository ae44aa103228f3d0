"""The enterprise list as the page, its export and the API filter it: one function over the selector."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from lianghua.core.pages import list_order
from lianghua.core.query_params import QueryValueError, query_flag, query_year
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve, subtree_regions

from .models import EnterpriseYear, Industry
from .selectors import enterprises_visible_to

SORTS = {
    "name": ("name", "企业名称"),
    "credit_code": ("credit_code", "统一社会信用代码"),
    "region": ("region__path", "所属区域"),
    "industry": ("industry__code", "行业"),
    "revenue": ("year_revenue_wan", "营业收入"),
    "projects": ("project_count", "项目数"),
}


@dataclass
class EnterpriseListFilter:
    region: Region | None = None
    industry: Industry | None = None
    year: int = 0  # the year whose figures and 规上 flag the list shows
    above_scale: bool | None = None  # 规上 in `year`: True, False or either
    q: str = ""
    sort: str = "name"
    problems: tuple[str, ...] = ()


def enterprise_list_filter(params, *, today: date | None = None) -> EnterpriseListFilter:
    """Read the filter from query parameters (region, industry, year, above_scale, q, sort); a value that
    cannot be read is reported in `problems` and the list is then empty, never widened or guessed."""
    problems = []
    found = EnterpriseListFilter(year=(today or date.today()).year - 1)
    if params.get("region"):
        try:
            found.region = region_resolve(params["region"])
        except Region.DoesNotExist as error:
            problems.append(str(error.args[0]) if error.args else "未知区域")
    if params.get("industry"):
        found.industry = Industry.objects.filter(code=params["industry"]).first()
        if found.industry is None:
            problems.append(f"未知行业“{params['industry']}”")
    try:
        found.year = query_year(params.get("year")) or found.year
    except QueryValueError as error:
        problems.append(str(error))
    try:
        found.above_scale = query_flag(params.get("above_scale"), label="是否规上")
    except QueryValueError as error:
        problems.append(str(error))
    found.q = (params.get("q") or "").strip()
    sort = params.get("sort") or "name"
    found.sort = sort if sort.lstrip("-") in SORTS else "name"
    found.problems = tuple(problems)
    return found


def enterprises_listed(user, spec: EnterpriseListFilter) -> QuerySet:
    """The user's enterprises narrowed by `spec`, with the year's 规上 flag and revenue and the project
    count annotated (no query per row)."""
    year_row = EnterpriseYear.objects.filter(enterprise=OuterRef("pk"), year=spec.year)
    queryset = (
        enterprises_visible_to(user)
        .select_related("region", "industry")
        .annotate(
            year_above_scale=Subquery(year_row.values("is_above_scale")[:1]),
            year_revenue_wan=Subquery(year_row.values("revenue_wan")[:1]),
            project_count=Coalesce(Count("projects", distinct=True), 0),
            listed_year=Value(spec.year, output_field=IntegerField()),
        )
    )
    if spec.problems:
        # An unreadable region or industry must not silently widen the list to everything.
        return queryset.none()
    if spec.region is not None:
        queryset = queryset.filter(region__in=subtree_regions(spec.region))
    if spec.industry is not None:
        queryset = queryset.filter(industry=spec.industry)
    if spec.above_scale is not None:
        above = EnterpriseYear.objects.filter(year=spec.year, is_above_scale=True).values("enterprise_id")
        queryset = queryset.filter(pk__in=above) if spec.above_scale else queryset.exclude(pk__in=above)
    if spec.q:
        queryset = queryset.filter(Q(name__icontains=spec.q) | Q(credit_code__icontains=spec.q.upper()))
    return queryset.order_by(*list_order(spec.sort, SORTS), "pk")
