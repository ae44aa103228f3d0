import datetime as dt

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from lianghua.core.api_types import DecimalText
from lianghua.core.formatting import decimal_text
from lianghua.core.pages import PAGE_SIZE
from lianghua.core.query_params import ApiPages, FlagText, YearText

from .listing import project_list_filter, projects_listed

router = Router(tags=["projects"])


class ProjectOut(Schema):
    id: int = Field(description="内部编号（网页地址 /projects/<id>/）")
    code: str = Field(description="项目编号")
    name: str = Field(description="项目名称")
    credit_code: str = Field(description="企业统一社会信用代码")
    enterprise_name: str = Field(description="企业名称")
    region_code: str = Field(description="企业所属区域代码")
    category: str = Field(description="项目类别：digital 数字化 / green 绿色化")
    subtype: str = Field(description="项目子类")
    stage: str = Field(description="项目阶段：reserve 储备 / pooled 在库 / in_progress 在建 / completed 竣工 / "
                                    "accepted 验收 / evaluated 评价 / terminated 终止")
    health: str = Field(description="运行状态：normal 正常 / lagging 滞后 / stalled 停滞")
    total_investment_wan: DecimalText = Field(description="总投资(万元)")
    actual_start: dt.date | None = Field(description="实际开工日期")
    actual_end: dt.date | None = Field(description="实际竣工日期")
    accepted_on: dt.date | None = Field(description="验收日期")
    latest_cumulative_wan: DecimalText = Field(description="最近月报累计完成投资(万元)")
    latest_month: dt.date | None = Field(description="最近月报月份（当月1日）")

    @staticmethod
    def resolve_credit_code(obj) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.enterprise.region.code


class ProgressOut(Schema):
    month: str = Field(description="月份 YYYY-MM")
    cumulative_investment_wan: str = Field(description="累计完成投资(万元)")


class StageLogOut(Schema):
    from_stage: str = Field(description="原阶段")
    to_stage: str = Field(description="新阶段")
    changed_on: dt.date = Field(description="变更日期")


class ProjectDetailOut(ProjectOut):
    planned_start: dt.date | None = Field(description="计划开工日期")
    planned_end: dt.date | None = Field(description="计划竣工日期")
    equipment_investment_wan: DecimalText = Field(description="设备投资(万元)")
    it_investment_wan: DecimalText = Field(description="信息化投资(万元)")
    civil_investment_wan: DecimalText = Field(description="土建投资(万元)")
    energy_saved_tce: DecimalText = Field(description="年节能量(吨标准煤)")
    energy_saving_verified: bool = Field(description="节能量已确权")
    co2_cut_t: DecimalText = Field(description="年减排二氧化碳(吨)")
    water_saved_t: DecimalText = Field(description="年节水量(吨)")
    robots_added: int | None = Field(description="新增工业机器人(台)")
    progress: list[ProgressOut] = Field(description="月度进度")
    stage_log: list[StageLogOut] = Field(description="阶段变更记录")

    @staticmethod
    def resolve_progress(obj):
        return [{"month": r.month.strftime("%Y-%m"), "cumulative_investment_wan": decimal_text(r.cumulative_investment_wan)}
                for r in obj.progress_reports.all()]

    @staticmethod
    def resolve_stage_log(obj):
        return [{"from_stage": s.from_stage, "to_stage": s.to_stage, "changed_on": s.changed_on}
                for s in obj.stage_log.all()]


@router.get("/", response=list[ProjectOut], summary="项目清单（按当前用户区域范围；可按区域子树、类别、阶段、状态、开工年度、关键词筛选，overdue=1 逾期未开工/未竣工，unreported=1 上月未填报）")
@paginate(ApiPages, page_size=PAGE_SIZE)
def project_list(request, region: str | None = None, category: str | None = None, stage: str | None = None,
                 health: str | None = None, start_year: YearText = None, q: str | None = None,
                 sort: str | None = None, overdue: FlagText = None, unreported: FlagText = None):
    spec = project_list_filter({"region": region, "category": category, "stage": stage, "health": health,
                                "start_year": start_year, "q": q, "sort": sort, "overdue": overdue,
                                "unreported": unreported})
    if spec.problems:
        raise HttpError(400, "；".join(spec.problems))
    return projects_listed(request.user, spec)


@router.get("/{code}", response=ProjectDetailOut, summary="一个项目（项目编号），含月度进度和阶段记录")
def project_detail(request, code: str):
    spec = project_list_filter({})
    project = (projects_listed(request.user, spec).filter(code=code)
               .prefetch_related("progress_reports", "stage_log").first())
    if project is None:
        raise HttpError(404, "项目不存在或无权查看")
    return project
