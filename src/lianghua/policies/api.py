"""Subsidy API: compute cases, list claims (scoped), estimate a region's budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import OuterRef, Subquery
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from lianghua.accounts.scope import user_sees_region
from lianghua.core.query_params import ApiPages, YearText, api_query, query_year
from lianghua.regions.models import Region
from lianghua.rulebook.evaluation import fmt

from .engine import evaluate_cases, to_jsonable
from .estimates import budget_estimate
from .models import SubsidyResult
from .rules import policy_set_current
from .selectors import subsidy_applications_visible_to

router = Router(tags=["subsidies"])


class CaseIn(Schema):
    id: str = Field(description="案例编号")
    date: dt.date = Field(description="事项日期：按当日有效的文件测算")
    facts: dict[str, Any] = Field(
        description="事实，键见 docs/subsidies.md（matter、categories、it_investment…）"
    )


class CalcIn(Schema):
    cases: list[CaseIn]


@router.post(
    "/calc", summary="奖补测算", description="逐个案例测算，金额单位万元（以字符串表示的十进制数）。"
)
def calc(request, payload: CalcIn):
    raw = [{"id": c.id, "date": c.date, "facts": c.facts} for c in payload.cases]
    batch = evaluate_cases(policy_set_current(), raw)
    if batch.errors:
        raise HttpError(422, "；".join(str(e) for e in batch.errors))
    return {"rule_version": batch.rule_version, "results": to_jsonable(batch.results)}


class ApplicationOut(Schema):
    id: int
    enterprise: str = Field(description="企业名称")
    region_code: str = Field(description="所属区域代码")
    subject: str = Field(description="事项：项目或认定")
    matter_date: dt.date = Field(description="事项日期")
    status: str = Field(
        description="状态：submitted 申报 / reviewing 审核 / publicized 公示 / paid 拨付 / rejected 驳回"
    )
    latest_total_wan: str | None = Field(description="最近测算金额(万元)")
    rule_version: str | None = Field(description="最近测算所用规则版本")

    @staticmethod
    def resolve_enterprise(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_subject(obj) -> str:
        if obj.project_id:
            return f"项目 {obj.project.code}"
        return f"认定 {obj.credential.kind.name}（{obj.credential.get_level_display()}）"

    @staticmethod
    def resolve_latest_total_wan(obj):
        return None if obj.latest_total is None else fmt(obj.latest_total)

    @staticmethod
    def resolve_rule_version(obj):
        return obj.latest_version


@router.get("/applications", response=list[ApplicationOut], summary="奖补申报清单（按用户区域范围）")
@paginate(ApiPages, page_size=50)
def applications(request, status: str | None = None):
    latest = SubsidyResult.objects.filter(application=OuterRef("pk")).order_by("-computed_at", "-id")
    queryset = subsidy_applications_visible_to(request.user)
    queryset = queryset.annotate(
        latest_total=Subquery(latest.values("total_wan")[:1]),
        latest_version=Subquery(latest.values("rule_version")[:1]),
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


@router.get("/estimate", summary="区域年度奖补预算测算（按规则和镇）")
def estimate(request, region: str, year: YearText):
    user = request.user
    year_read = api_query(query_year, year)
    if year_read is None:
        raise HttpError(400, "请给出年度 year（四位数字，如 2025）")
    found = Region.objects.filter(code=region).first()
    if found is None:
        raise HttpError(404, f"未知区域代码 {region}")
    if not user_sees_region(user, found):
        raise HttpError(403, "无权查看该区域")
    return budget_estimate(region=found, year=year_read).as_json()
