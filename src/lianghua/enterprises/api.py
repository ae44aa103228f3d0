import datetime as dt

from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from lianghua.core.api_types import DecimalText
from lianghua.core.formatting import decimal_text
from lianghua.core.pages import PAGE_SIZE
from lianghua.core.query_params import ApiPages, FlagText, YearText

from .listing import enterprise_list_filter, enterprises_listed
from .selectors import enterprises_visible_to

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int = Field(description="内部编号（网页地址 /enterprises/<id>/）")
    credit_code: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    region_code: str = Field(description="所属区域代码")
    region_name: str = Field(description="所属区域")
    industry_code: str | None = Field(description="行业代码（GB/T 4754-2017）")
    year: int = Field(description="下列年度数据所属年度（参数 year，默认上一年）")
    above_scale: bool | None = Field(description="该年度是否规上（无年度数据为空）")
    revenue_wan: str | None = Field(description="该年度营业收入(万元)")
    project_count: int = Field(description="项目数")

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region.code

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_industry_code(obj) -> str | None:
        return obj.industry.code if obj.industry else None

    @staticmethod
    def resolve_above_scale(obj) -> bool | None:
        return obj.year_above_scale

    @staticmethod
    def resolve_revenue_wan(obj) -> str | None:
        return decimal_text(obj.year_revenue_wan)

    @staticmethod
    def resolve_year(obj) -> int:
        return obj.listed_year


class EnterpriseYearOut(Schema):
    year: int = Field(description="年度")
    is_above_scale: bool = Field(description="是否规上")
    is_key_energy: bool = Field(description="是否重点用能")
    revenue_wan: DecimalText = Field(description="营业收入(万元)")
    value_added_wan: DecimalText = Field(description="工业增加值(万元)")
    tax_wan: DecimalText = Field(description="税收(万元)")
    employees: int | None = Field(description="年均职工人数")
    land_mu: DecimalText = Field(description="用地面积(亩)")
    energy_tce: DecimalText = Field(description="综合能耗(吨标准煤)")
    rd_wan: DecimalText = Field(description="研发经费(万元)")


class CredentialOut(Schema):
    kind: str = Field(description="认定类型代码")
    kind_name: str = Field(description="认定类型")
    level: str = Field(description="级别：national / provincial / municipal / county")
    granted_on: dt.date = Field(description="认定日期")
    ends_on: dt.date | None = Field(description="到期/撤销日期")


class DigitalLevelOut(Schema):
    level: str = Field(description="数字化水平（1.0–4.0）")
    assessed_on: dt.date = Field(description="评定日期")
    source: str = Field(description="来源")


class EnterpriseDetailOut(Schema):
    id: int
    credit_code: str = Field(description="统一社会信用代码")
    name: str = Field(description="企业名称")
    region_code: str = Field(description="所属区域代码")
    region_name: str = Field(description="所属区域")
    industry_code: str | None = Field(description="行业代码")
    years: list[EnterpriseYearOut] = Field(description="分年度数据")
    credentials: list[CredentialOut] = Field(description="认定")
    digital_levels: list[DigitalLevelOut] = Field(description="数字化水平评定")
    project_codes: list[str] = Field(description="项目编号")



@router.get("/", response=list[EnterpriseOut], summary="企业名单（按当前用户区域范围；可按区域子树、行业、规上、关键词筛选）")
@paginate(ApiPages, page_size=PAGE_SIZE)
def enterprise_list(request, region: str | None = None, industry: str | None = None, year: YearText = None,
                    above_scale: FlagText = None, q: str | None = None, sort: str | None = None):
    params = {"region": region, "industry": industry, "year": year, "above_scale": above_scale, "q": q,
              "sort": sort}
    spec = enterprise_list_filter(params)
    if spec.problems:
        raise HttpError(400, "；".join(spec.problems))
    return enterprises_listed(request.user, spec)


@router.get("/{credit_code}", response=EnterpriseDetailOut, summary="一家企业（统一社会信用代码）")
def enterprise_detail(request, credit_code: str):
    enterprise = (enterprises_visible_to(request.user).select_related("region", "industry")
                  .prefetch_related("years", "credentials__kind", "digital_levels", "projects")
                  .filter(credit_code=credit_code.upper()).first())
    if enterprise is None:
        raise HttpError(404, "企业不存在或无权查看")
    return {
        "id": enterprise.pk, "credit_code": enterprise.credit_code, "name": enterprise.name,
        "region_code": enterprise.region.code, "region_name": enterprise.region.name,
        "industry_code": enterprise.industry.code if enterprise.industry else None,
        "years": [{"year": y.year, "is_above_scale": y.is_above_scale, "is_key_energy": y.is_key_energy,
                   "revenue_wan": decimal_text(y.revenue_wan), "value_added_wan": decimal_text(y.value_added_wan),
                   "tax_wan": decimal_text(y.tax_wan), "employees": y.employees, "land_mu": decimal_text(y.land_mu),
                   "energy_tce": decimal_text(y.energy_tce), "rd_wan": decimal_text(y.rd_wan)}
                  for y in sorted(enterprise.years.all(), key=lambda y: y.year)],
        "credentials": [{"kind": c.kind.code, "kind_name": c.kind.name, "level": c.level,
                         "granted_on": c.granted_on, "ends_on": c.ends_on}
                        for c in sorted(enterprise.credentials.all(), key=lambda c: c.granted_on)],
        "digital_levels": [{"level": decimal_text(d.level), "assessed_on": d.assessed_on, "source": d.source}
                           for d in sorted(enterprise.digital_levels.all(), key=lambda d: d.assessed_on)],
        "project_codes": sorted(p.code for p in enterprise.projects.all()),
    }
