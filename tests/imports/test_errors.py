"""Every kind of bad input, each with the exact message a user reads: `第N行 [列名] 原因`.

Row numbers are what the spreadsheet shows: the header is row 1, the first data row is row 2.
"""

import datetime
from decimal import Decimal

import pytest

from lianghua.enterprises.models import Enterprise
from lianghua.imports.kinds import import_kind
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import import_run, problem_text
from tests.factories import EnterpriseFactory, ProjectFactory, ProjectProgressFactory, valid_credit_code

pytestmark = pytest.mark.django_db

CODE = valid_credit_code(500)  # stored, in 武原街道
OTHER = valid_credit_code(501)  # never stored
BAD_CHECK = CODE[:17] + ("0" if CODE[17] != "0" else "1")


@pytest.fixture
def stored(db):
    enterprise = EnterpriseFactory(credit_code=CODE, region_code="330424001")
    project = ProjectFactory(code="HY-001", enterprise=enterprise, total_investment_wan=Decimal("1000"))
    ProjectProgressFactory(project=project, month=datetime.date(2025, 3, 1), cumulative_investment_wan=Decimal("300"))
    return enterprise


def errors_of(sheet, user, kind, rows, **kwargs):
    batch = import_run(kind=kind, path=sheet(kind, rows, **kwargs), by=user)
    assert batch.status == ImportBatch.Status.REJECTED
    return [problem_text(e) for e in batch.errors]


def project_row(**overrides):
    row = {"项目编号": "HY-002", "项目名称": "数字化车间改造", "统一社会信用代码": CODE, "项目类别": "数字化",
           "项目子类": "", "总投资(万元)": 800, "设备投资(万元)": 500, "信息化投资(万元)": 200, "土建投资(万元)": 100,
           "计划开工日期": "2025-01-01", "计划竣工日期": "2025-12-31", "实际开工日期": "2025-02-01",
           "实际竣工日期": "", "验收日期": "", "项目阶段": "在建", "运行状态": "正常", "年节能量(吨标准煤)": "",
           "节能量已确权": "否",
           "年减排二氧化碳(吨)": "", "年节水量(吨)": "", "新增工业机器人(台)": "", "列入省级重点技改项目年度": "",
           "列入市级重点项目年度": ""}
    row.update(overrides)
    return [row[header] for header in import_kind("projects").headers]  # the template's column order


CASES = [
    # (id, kind, rows, expected errors)
    ("missing required on a new row", "enterprises", [[OTHER, "", "武原", "C34"]],
     ["第2行 [企业名称] 不能为空"]),
    ("required cleared", "enterprises", [[CODE, "清空", "武原", "C34"]],
     ["第2行 [企业名称] 必填项，不能清空"]),
    ("bad credit code length", "enterprises", [["91330424MA0000", "甲", "武原", "C34"]],
     ["第2行 [统一社会信用代码] “91330424MA0000”应为18位，实际14位"]),
    ("bad check character", "enterprises", [[BAD_CHECK, "甲", "武原", "C34"]],
     [f"第2行 [统一社会信用代码] “{BAD_CHECK}”校验位错误（应为{CODE[17]}）"]),
    ("duplicate credit code", "enterprises", [[OTHER, "甲", "武原", "C34"], [OTHER, "乙", "百步", "C34"]],
     ["第3行 [统一社会信用代码] 与第2行重复（统一社会信用代码相同）"]),
    ("unknown region", "enterprises", [[OTHER, "甲", "火星镇", "C34"]],
     ["第2行 [所属区域] 未知区域“火星镇”"]),
    ("unknown industry", "enterprises", [[OTHER, "甲", "武原", "C99"]],
     ["第2行 [行业代码] 未知行业代码“C99”（应为 GB/T 4754 制造业大类，如 C34）"]),
    ("unknown enterprise", "enterprise-years", [[OTHER, 2025, "是", "否", 5000, "", "", "", "", "", ""]],
     [f"第2行 [统一社会信用代码] 在您的管辖范围（海盐县）内未找到统一社会信用代码为“{OTHER}”的企业（请先导入企业名录）"]),
    ("not a number", "enterprise-years", [[CODE, 2025, "是", "否", "五千", "", "", "", "", "", ""]],
     ["第2行 [营业收入(万元)] “五千”不是数字"]),
    ("not a whole number", "enterprise-years", [[CODE, 2025, "是", "否", 5000, "", "", "100.5", "", "", ""]],
     ["第2行 [年均职工人数] 应为整数（填的是100.5）"]),
    ("negative money", "enterprise-years", [[CODE, 2025, "是", "否", -5, "", "", "", "", "", ""]],
     ["第2行 [营业收入(万元)] 金额不能为负数"]),
    ("not yes or no", "enterprise-years", [[CODE, 2025, "也许", "否", 5000, "", "", "", "", "", ""]],
     ["第2行 [是否规上] 应为“是”或“否”（填的是“也许”）"]),
    ("year out of range", "enterprise-years", [[CODE, 1999, "是", "否", 5000, "", "", "", "", "", ""]],
     ["第2行 [年度] 应在2000–2100之间（填的是1999）"]),
    ("revenue in yuan", "enterprise-years", [[CODE, 2025, "是", "否", 350000000, "", "", "", "", "", ""]],
     ["第2行 [营业收入(万元)] 350000000万元过大，疑似以元为单位填写，应为万元"]),
    ("duplicate year", "enterprise-years", [[CODE, 2025, "是", "否", 1, "", "", "", "", "", ""],
                                            [CODE, 2025, "是", "否", 2, "", "", "", "", "", ""]],
     ["第3行 [统一社会信用代码] 与第2行重复（统一社会信用代码 + 年度相同）"]),
    ("unknown credential kind", "credentials", [[CODE, "黄金工厂", "省级", "", "2025-03-01", ""]],
     None),  # message lists every kind; checked below
    ("unknown level", "credentials", [[CODE, "绿色工厂", "乡级", "", "2025-03-01", ""]],
     ["第2行 [级别] “乡级”不是可选值（可选：国家级、省级、市级、县级）"]),
    ("bad date", "credentials", [[CODE, "绿色工厂", "省级", "", "2025-02-30", ""]],
     ["第2行 [认定日期] “2025-02-30”不是有效日期"]),
    ("not a date", "credentials", [[CODE, "绿色工厂", "省级", "", "去年", ""]],
     ["第2行 [认定日期] “去年”不是日期（应如 2025-03-01）"]),
    ("digital level above 4", "digital-levels", [[CODE, 4.5, "2025-03-01"]],
     ["第2行 [数字化水平] 应在1.0–4.0之间（填的是4.5）"]),
    ("digital level below 1", "digital-levels", [[CODE, 0.5, "2025-03-01"]],
     ["第2行 [数字化水平] 应在1.0–4.0之间（填的是0.5）"]),
    ("digital level two decimals", "digital-levels", [[CODE, 2.25, "2025-03-01"]],
     ["第2行 [数字化水平] 最多保留一位小数（填的是2.25）"]),
    ("planned dates out of order", "projects", [project_row(**{"计划竣工日期": "2024-12-31"})],
     ["第2行 [计划竣工日期] 计划竣工日期早于计划开工日期（2025-01-01）"]),
    ("actual dates out of order", "projects",
     [project_row(**{"实际竣工日期": "2025-01-15", "项目阶段": "竣工"})],
     ["第2行 [实际竣工日期] 实际竣工日期早于实际开工日期（2025-02-01）"]),
    ("acceptance before completion", "projects",
     [project_row(**{"实际竣工日期": "2025-10-01", "验收日期": "2025-09-01", "项目阶段": "验收"})],
     ["第2行 [验收日期] 验收日期早于实际竣工日期（2025-10-01）"]),
    ("stage without its fields", "projects", [project_row(**{"实际开工日期": "", "总投资(万元)": ""})],
     ["第2行 [总投资(万元)] 项目阶段为“在建”时必填", "第2行 [实际开工日期] 项目阶段为“在建”时必填"]),
    ("unknown stage", "projects", [project_row(**{"项目阶段": "施工中"})],
     ["第2行 [项目阶段] “施工中”不是可选值（可选：储备、在库、在建、竣工、验收、评价、终止）"]),
    ("unknown category", "projects", [project_row(**{"项目类别": "智能化"})],
     ["第2行 [项目类别] “智能化”不是可选值（可选：数字化、绿色化）"]),
    ("project investment in yuan", "projects",
     [project_row(**{"总投资(万元)": 80000000, "设备投资(万元)": 50000000})],
     ["第2行 [总投资(万元)] 80000000万元过大，疑似以元为单位填写，应为万元",
      "第2行 [设备投资(万元)] 50000000万元过大，疑似以元为单位填写，应为万元"]),
    ("unknown project", "progress", [["HY-999", "2025-04", 100]],
     ["第2行 [项目编号] 在您的管辖范围（海盐县）内未找到项目“HY-999”（请先导入项目）"]),
    ("bad month", "progress", [["HY-001", "2025-13", 100]],
     ["第2行 [月份] “2025-13”不是有效月份"]),
    ("cumulative going down in the file", "progress", [["HY-001", "2025-04", 400], ["HY-001", "2025-05", 350]],
     ["第3行 [累计完成投资(万元)] 累计完成投资低于2025-04的400万元（累计数不应减少）"]),
    ("cumulative below the stored month before", "progress", [["HY-001", "2025-04", 250]],
     ["第2行 [累计完成投资(万元)] 累计完成投资低于2025-03的300万元（累计数不应减少）"]),
    ("cumulative above the stored month after", "progress", [["HY-001", "2025-02", 350]],
     ["第2行 [累计完成投资(万元)] 累计完成投资高于已报的2025-03的300万元（累计数不应减少）"]),
    ("cumulative in yuan", "progress", [["HY-001", "2025-04", 3500000]],
     ["第2行 [累计完成投资(万元)] 3500000万元超过总投资（1000.0000万元）的1000倍，疑似以元为单位填写，应为万元"]),
    ("duplicate month", "progress", [["HY-001", "2025-04", 400], ["HY-001", "2025-04", 410]],
     ["第3行 [项目编号] 与第2行重复（项目编号 + 月份相同）"]),
    ("unknown activity kind", "activities", [["2025-05-01", "武原", "讲座", "两化培训", 30]],
     ["第2行 [类型] “讲座”不是可选值（可选：培训、诊断、现场会、其他）"]),
    ("same activity twice by alias and code", "activities",
     [["2025-05-01", "武原", "培训", "两化培训", 30], ["2025/5/1", "330424001", "培训", "两化培训", 40]],
     ["第3行 [日期] 与第2行重复（日期 + 所属区域 + 名称相同）"]),
]


@pytest.mark.parametrize("kind, rows, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_error_message(sheet, county_officer, stored, kind, rows, expected):
    errors = errors_of(sheet, county_officer, kind, rows)
    if expected is None:
        assert len(errors) == 1 and errors[0].startswith("第2行 [认定类型] “黄金工厂”不是可选值（可选：数字化车间、")
    else:
        assert errors == expected


def test_missing_columns_are_errors_of_new_rows_and_missing_keys_of_the_header(sheet, county_officer):
    # 行业代码 is optional: a file without it is fine (and a header with stray spaces still matches).
    path = sheet("enterprises", [[OTHER, "甲", "武原"]], headers=["统一社会信用代码", " 企业名称", "所属区域 "])
    assert import_run(kind="enterprises", path=path, by=county_officer).status == ImportBatch.Status.APPLIED
    # A new enterprise needs its region; a key column can never be left out.
    new = valid_credit_code(502)
    errors = errors_of(sheet, county_officer, "enterprises", [[new, "乙"]], headers=["统一社会信用代码", "企业名称"])
    assert errors == ["第2行 [所属区域] 新增记录须填写此列（文件中没有此列）"]
    errors = errors_of(sheet, county_officer, "enterprises", [["甲", "武原"]], headers=["企业名称", "所属区域"])
    assert errors == ["第1行 [统一社会信用代码] 缺少此列（请使用导入模板）"]


def test_ambiguous_region_name_says_so(sheet, admin_user, settings):
    # Read names across the whole province: 城东街道 and the like then name towns in several counties.
    from lianghua.regions.models import Region

    settings.LIANGHUA_HOME_REGION = "330000"
    names = list(Region.objects.values_list("name", flat=True))
    shared = next(n for n in names if names.count(n) > 1)
    errors = errors_of(sheet, admin_user, "enterprises", [[OTHER, "甲", shared, "C34"]])
    assert errors == [f"第2行 [所属区域] 区域“{shared}”不唯一，请填写区划代码"]


def test_every_error_of_every_row_is_listed_and_nothing_written(sheet, county_officer):
    rows = [[valid_credit_code(600), "好企业", "武原", "C34"],
            ["123", "", "火星", "C99"],
            [valid_credit_code(601), "另一家好企业", "百步", "C35"]]
    errors = errors_of(sheet, county_officer, "enterprises", rows)
    assert errors == ["第3行 [统一社会信用代码] “123”应为18位，实际3位", "第3行 [企业名称] 不能为空",
                      "第3行 [所属区域] 未知区域“火星”", "第3行 [行业代码] 未知行业代码“C99”（应为 GB/T 4754 制造业大类，如 C34）"]
    assert not Enterprise.objects.filter(credit_code__in=[rows[0][0], rows[2][0]]).exists()


def test_overrun_above_one_and_a_half_times_is_a_warning_not_an_error(sheet, county_officer, stored):
    batch = import_run(kind="progress", path=sheet("progress", [["HY-001", "2025-04", 1600]]), by=county_officer)
    assert batch.status == ImportBatch.Status.APPLIED
    assert [problem_text(w) for w in batch.warnings] == [
        "第2行 [累计完成投资(万元)] 超过总投资（1000.0000万元）的1.5倍，请核实"]
