"""Plans, targets, progress, the records behind a number, and the decomposition check."""

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema
from ninja.errors import HttpError

from lianghua.accounts.scope import user_home_region, user_sees_region
from lianghua.core.api_types import DecimalText
from lianghua.core.formatting import decimal_text
from lianghua.core.query_params import (
    DateText,
    FlagText,
    YearText,
    api_query,
    query_date,
    query_flag,
    query_year,
)
from lianghua.regions.models import Region
from lianghua.regions.selectors import region_resolve, subtree_regions

from .dashboard import default_year, plan_year_read
from .models import Indicator, Plan, Target
from .progress import progress_compute
from .records import progress_records
from .selectors import plan_decomposition_check, plans_visible_to, targets_visible_to

router = Router(tags=["targets"])


class PlanOut(Schema):
    code: str = Field(description="方案代码，如 haiyan-2024-2026")
    name: str = Field(description="方案名称")
    issuer: str = Field(description="发文单位")
    doc_number: str = Field(description="文号")
    issued_on: dt.date | None = Field(description="印发日期")
    effective_from: dt.date | None = Field(description="施行日期")
    effective_to: dt.date | None = Field(description="有效期至")
    start_year: int = Field(description="起始年度")
    end_year: int = Field(description="终止年度")
    region_code: str = Field(description="方案所属区域代码")
    source_file: str = Field(description="来源文件")
    status: str = Field(default="issued", description="文件状态：issued 正式印发 / draft 征求意见稿")
    assumptions: str = Field(default="", description="载入时的推定（执行期、基期等原文未写明之处）")


class TargetOut(Schema):
    indicator: str = Field(description="指标代码")
    indicator_name: str = Field(description="指标名称")
    unit: str = Field(description="单位")
    region_code: str = Field(description="区域代码")
    region_name: str = Field(description="区域名称")
    year: int = Field(description="年度")
    basis: str = Field(description="口径：annual 年度 / cumulative 自方案起始年累计")
    value: DecimalText = Field(description="目标值（十进制字符串；无法识别时为空）")
    comparator: str = Field(description="比较方式：gte ≥（“以上”）/ lte ≤ / eq =")
    stretch_value: DecimalText = Field(description="力争值")
    source_clause: str = Field(description="出处（文件与条款）")
    note: str = Field(description="备注（原文含糊或缺失之处）")
    measure: str = Field(default="level", description="目标类型：level 数值 / change 较基期增减幅度（%）")
    base_year: int | None = Field(default=None, description="基期年度（增减幅度目标）")
    industry: str = Field(default="", description="行业（空 = 全部行业）")
    responsible: str = Field(default="", description="责任单位")


class TargetProgressOut(Schema):
    plan: str = Field(description="方案代码")
    region_code: str = Field(description="区域代码")
    region_name: str = Field(description="区域名称")
    indicator: str = Field(description="指标代码")
    indicator_name: str = Field(description="指标名称")
    unit: str = Field(description="单位")
    year: int = Field(description="年度")
    basis: str = Field(description="口径：annual 年度 / cumulative 累计")
    target: DecimalText = Field(description="目标值（十进制字符串，四舍五入到4位小数；下同）")
    stretch: DecimalText = Field(description="力争值")
    comparator: str = Field(description="比较方式")
    actual: DecimalText = Field(description="实际值（无数据为空，不是 0）")
    completion: DecimalText = Field(description="完成率（小数，1 = 100%）")
    time_progress: DecimalText = Field(description="时间进度（小数）")
    status: str = Field(description="状态：done 已完成 / normal 正常 / lagging 滞后 / severe 严重滞后 / nodata 无数据 / "
                                    "nobase 无基数 / undecomposed 未分解")
    status_label: str = Field(description="状态（中文）")
    data_year: int | None = Field(description="实际值所用数据年度")
    window_start: dt.date = Field(description="统计窗口起")
    window_end: dt.date = Field(description="统计窗口止（截至日期截断）")
    actual_source: str = Field(description="实际值来源：computed 系统计算 / reported 填报值 / rollup 下级汇总 / none 无")
    note: str = Field(description="备注")
    rank: int | None = Field(description="在同级区域中的名次（仅下级区域）")
    is_stock: bool = Field(default=False, description="是否存量指标（状态与目标本身比较）")
    source_clause: str = Field(default="", description="目标出处")
    measure: str = Field(default="level", description="目标类型：level 数值 / change 较基期增减幅度（目标、完成率、状态都针对 change）")
    base_year: int | None = Field(default=None, description="基期年度")
    base_actual: DecimalText = Field(default=None, description="基期实际值（无基数为空）")
    change: DecimalText = Field(default=None, description="较基期变化（百分点数，如 8 = +8%）")
    parts: list[dict[str, Any]] = Field(default_factory=list, description="下级汇总的各组成部分：区域、实际值、来源")
    parts_summary: str = Field(default="", description="下级数据来源概况，如“5 个县（市、区）：3 个按登记数据，2 个按填报值”")
    own_reported: DecimalText = Field(default=None, description="本级填报值（有下级数据时不采用）")
    responsible: str = Field(default="", description="责任单位")
    industry: str = Field(default="", description="行业")
    reference_target: DecimalText = Field(default=None, description="未分解：上级的目标值")
    reference_region_name: str = Field(default="", description="未分解：上级区域名称")
    plan_status: str = Field(default="issued", description="方案文件状态：issued / draft（征求意见稿）")


class RecordColumn(Schema):
    key: str = Field(description="字段")
    label: str = Field(description="列名")


class RecordsOut(Schema):
    kind: str = Field(description="明细类型：projects / enterprises / credentials / activities / reported")
    computation: str = Field(description="计算方式（指标的 computation）")
    unit: str = Field(description="单位")
    window_start: dt.date = Field(description="统计窗口起")
    window_end: dt.date = Field(description="统计窗口止")
    data_year: int | None = Field(description="所用数据年度")
    explanation: str = Field(description="计数口径说明")
    total: DecimalText = Field(description="合计（即该实际值；十进制字符串，四舍五入到4位小数）")
    columns: list[RecordColumn] = Field(description="列")
    rows: list[dict[str, Any]] = Field(description="计入的记录，每行一条（金额等数值为十进制字符串，日期 YYYY-MM-DD，时间为北京时间 ISO 8601）")


class CheckOut(Schema):
    indicator: str = Field(description="指标代码")
    indicator_name: str = Field(description="指标名称")
    year: int = Field(description="年度")
    basis: str = Field(description="口径")
    region_code: str = Field(description="上级区域代码")
    region_name: str = Field(description="上级区域名称")
    target: DecimalText = Field(description="上级目标")
    children_sum: DecimalText = Field(description="下级目标之和")
    difference: DecimalText = Field(description="差额（下级之和 − 上级）")
    tolerance: str = Field(description="允许的舍入误差")
    status: str = Field(description="ok 一致 / rounding 舍入误差 / mismatch 不一致 / unreadable 无法校核")
    children: dict[str, str | None] = Field(description="下级区域代码 → 目标值")



def _plan(request, code: str) -> Plan:
    plan = plans_visible_to(request.user).filter(code=code).first()
    if plan is None:
        raise HttpError(404, "目标方案不存在或无权查看")
    return plan


def _region(request, text: str | None) -> Region:
    """The region asked for (code, name or alias), default the user's home region; 403 outside scope."""
    if not text:
        region = user_home_region(request.user)
        if region is None:
            raise HttpError(403, "当前用户没有区域范围")
        return region
    try:
        region = region_resolve(text)
    except Region.DoesNotExist as error:
        raise HttpError(404, str(error.args[0]) if error.args else "未知区域") from error
    if not user_sees_region(request.user, region):
        raise HttpError(403, "无权查看该区域")
    return region


def _year(plan: Plan, text: str | None) -> int:
    """The year asked for, which must lie in the plan's period (400 otherwise), default today's plan year."""
    return api_query(plan_year_read, plan, text) or default_year(plan, dt.date.today())


def _as_of(text: str | None) -> dt.date:
    return api_query(query_date, text, label="截至日期") or dt.date.today()


@router.get("/", response=list[PlanOut], summary="目标方案列表")
def plan_list(request):
    return [
        {"code": p.code, "name": p.name, "issuer": p.issuer, "doc_number": p.doc_number, "issued_on": p.issued_on,
         "effective_from": p.effective_from, "effective_to": p.effective_to, "start_year": p.start_year,
         "end_year": p.end_year, "region_code": p.region.code, "source_file": p.source_file, "status": p.status,
         "assumptions": p.assumptions}
        for p in plans_visible_to(request.user).order_by("-start_year", "code")
    ]


@router.get("/{code}/targets", response=list[TargetOut], summary="方案的目标任务（可按区域子树、年度筛选）")
def plan_targets(request, code: str, region: str | None = None, year: YearText = None):
    plan = _plan(request, code)
    year_wanted = api_query(query_year, year)
    targets = targets_visible_to(request.user).filter(plan=plan).select_related("indicator", "region")
    if region:
        targets = targets.filter(region__in=subtree_regions(_region(request, region)))
    if year_wanted is not None:
        targets = targets.filter(year=year_wanted)
    return [
        {"indicator": t.indicator.code, "indicator_name": t.indicator.name, "unit": t.indicator.unit,
         "region_code": t.region.code, "region_name": t.region.name, "year": t.year, "basis": t.basis,
         "value": decimal_text(t.value), "comparator": t.comparator, "stretch_value": decimal_text(t.stretch_value),
         "source_clause": t.source_clause, "note": t.note, "measure": t.measure, "base_year": t.base_year,
         "industry": t.industry, "responsible": t.responsible}
        for t in targets.order_by("indicator__order", "indicator__code", "region__path", "year", "basis")
    ]


@router.get("/{code}/progress", response=list[TargetProgressOut],
            summary="目标完成情况（区域默认为当前用户所属区域，年度默认为当前方案年度，截至日期默认今天）")
def plan_progress(request, code: str, region: str | None = None, year: YearText = None,
                  as_of: DateText = None, children: FlagText = None):
    plan = _plan(request, code)
    year_read, as_of_read = _year(plan, year), _as_of(as_of)
    with_children = bool(api_query(query_flag, children, label="children（含下级区域）"))
    rows = progress_compute(plan=plan, region=_region(request, region), year=year_read, as_of=as_of_read,
                            children=with_children, undecomposed=True)
    return [r.as_dict() for r in rows]


@router.get("/{code}/records", response=RecordsOut, summary="实际值背后的明细记录（项目、企业、认定、活动）")
def plan_records(request, code: str, indicator: str, region: str | None = None, year: YearText = None,
                 basis: str = "annual", as_of: DateText = None):
    from django.core.exceptions import PermissionDenied

    plan = _plan(request, code)
    found_indicator = Indicator.objects.filter(code=indicator).first()
    if found_indicator is None:
        raise HttpError(404, f"未知指标“{indicator}”")
    if basis not in Target.Basis.values:
        raise HttpError(400, f"口径“{basis}”无法识别，应为 annual（年度）或 cumulative（累计）")
    year_read, as_of_read = _year(plan, year), _as_of(as_of)
    try:
        found = progress_records(user=request.user, plan=plan, indicator=found_indicator,
                                 region=_region(request, region), year=year_read, basis=basis, as_of=as_of_read)
    except PermissionDenied as error:
        raise HttpError(403, "无权查看该区域") from error
    return found.as_dict()


@router.get("/{code}/check", response=list[CheckOut], summary="目标分解校核：下级目标之和与上级目标比较")
def plan_check(request, code: str):
    plan = _plan(request, code)
    visible = set(targets_visible_to(request.user).filter(plan=plan).values_list("region__code", flat=True))
    return [
        {"indicator": c.indicator, "indicator_name": c.extra.get("indicator_name", ""), "year": c.year,
         "basis": c.basis, "region_code": c.region, "region_name": c.region_name, "target": decimal_text(c.target),
         "children_sum": decimal_text(c.children_sum), "difference": decimal_text(c.difference), "tolerance": decimal_text(c.tolerance),
         "status": c.status, "children": {k.region: decimal_text(k.value) for k in c.children}}
        for c in plan_decomposition_check(plan) if c.region in visible
    ]
