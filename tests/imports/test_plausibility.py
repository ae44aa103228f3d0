"""Money that looks typed in 元 rather than 万元 but is not absurd enough to refuse: a warning at the
figure, the import still goes through."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from lianghua.accounts.models import ApiToken
from lianghua.enterprises.models import EnterpriseYear
from lianghua.imports.kinds import import_kind
from lianghua.imports.services import import_run, problem_text
from lianghua.projects.models import Project
from tests.factories import EnterpriseFactory, valid_credit_code

pytestmark = pytest.mark.django_db

CODE = valid_credit_code(1700)
HINT = "请核实是否按元填报（应为万元）"


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(credit_code=CODE)


def year_row(code=CODE, revenue="", value_added="", tax="", employees="", land="", year=2025) -> list:
    return [code, year, "是", "否", revenue, value_added, tax, employees, land, "", ""]


def warnings_of(batch) -> list[str]:
    return [problem_text(w) for w in batch.warnings]


def test_yearly_figures_typed_in_yuan_are_flagged_and_still_imported(sheet, county_officer, enterprise):
    # The audit's case: a firm of 50 people on 20 亩 with its figures in 元.
    path = sheet("enterprise-years", [year_row(revenue=50_000_000, value_added=12_000_000, tax=3_000_000,
                                               employees=50, land=20)])
    batch = import_run(kind="enterprise-years", path=path, by=county_officer)
    assert batch.status == "applied" and batch.errors == []
    assert warnings_of(batch) == [
        f"第2行 [营业收入(万元)] 50000000万元折合每人1000000万元、每亩2500000万元，远超实际企业水平，{HINT}",
        f"第2行 [工业增加值(万元)] 12000000万元折合每人240000万元、每亩600000万元，远超实际企业水平，{HINT}",
        f"第2行 [税收(万元)] 3000000万元折合每人60000万元、每亩150000万元，远超实际企业水平，{HINT}",
    ]
    assert EnterpriseYear.objects.get(enterprise=enterprise).revenue_wan == Decimal("50000000")


def test_real_figures_of_large_and_small_firms_pass_without_a_word(sheet, county_officer):
    """80 rows (the column-at-once path): a 200亿元 firm of 8,000 people on 1,500 亩 and a 3-person
    workshop put the big firm within reach of the limits, so its row is looked at, and passes; only
    the slipped row of a 40-person firm is flagged."""
    firms = [EnterpriseFactory(credit_code=valid_credit_code(1710 + i)) for i in range(80)]
    rows = [year_row(firm.credit_code, revenue=3000 + i, value_added=700, tax=150, employees=60 + i, land=25)
            for i, firm in enumerate(firms)]
    rows[0] = year_row(firms[0].credit_code, revenue=2_000_000, value_added=400_000, tax=90_000, employees=8000,
                       land=1500)
    rows[1] = year_row(firms[1].credit_code, revenue=120, value_added=30, tax=4, employees=3, land=0)
    rows[2] = year_row(firms[2].credit_code, revenue=28_000_000, value_added=700, tax=150, employees=40, land="")
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", rows), by=county_officer)
    assert batch.status == "applied" and batch.rows_created == 80
    assert warnings_of(batch) == [f"第4行 [营业收入(万元)] 28000000万元折合每人700000万元，远超实际企业水平，{HINT}"]


def test_zero_people_or_land_leave_the_other_measure(sheet, county_officer, enterprise):
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", [
        year_row(revenue=5_000_000, employees=0, land=20)]), by=county_officer)
    assert warnings_of(batch) == [f"第2行 [营业收入(万元)] 5000000万元折合每亩250000万元，远超实际企业水平，{HINT}"]


def test_an_absurd_figure_stays_an_error_without_a_warning_besides(sheet, county_officer, enterprise):
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", [
        year_row(revenue=350_000_000, employees=50, land=20)]), by=county_officer)
    assert [problem_text(e) for e in batch.errors] == [
        "第2行 [营业收入(万元)] 350000000万元过大，疑似以元为单位填写，应为万元"]
    assert batch.warnings == [] and not EnterpriseYear.objects.exists()


def project_row(**overrides) -> list:
    values = {"项目编号": "HY-800", "项目名称": "智能工厂改造", "统一社会信用代码": CODE, "项目类别": "数字化",
              "总投资(万元)": 952.31, "计划开工日期": "2025-01-01", "计划竣工日期": "2025-12-31", "项目阶段": "在库"}
    values.update(overrides)
    return [values.get(header, "") for header in import_kind("projects").headers]


def test_project_investment_of_a_billion_or_more_is_flagged(sheet, county_officer, enterprise):
    path = sheet("projects", [project_row(**{"总投资(万元)": 9_523_100, "设备投资(万元)": 99_999})])
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert batch.status == "applied"
    assert warnings_of(batch) == [f"第2行 [总投资(万元)] 9523100万元即952.31亿元，{HINT}"]
    assert Project.objects.get(code="HY-800").total_investment_wan == Decimal("9523100")
    fine = import_run(kind="projects", path=sheet("projects", [project_row()], name="fine.csv"), by=county_officer)
    assert fine.status == "applied" and fine.warnings == []


def test_page_api_and_command_show_the_warnings(sheet, client, capsys, county_officer, enterprise):
    path = sheet("projects", [project_row(**{"总投资(万元)": 9_523_100})])
    warning = f"第2行 [总投资(万元)] 9523100万元即952.31亿元，{HINT}"

    call_command("import", "projects", str(path), "--dry-run", "--user", county_officer.username)
    output = capsys.readouterr().out
    assert f"提醒：{warning}" in output and "试导入通过（未写入）" in output

    client.force_login(county_officer)
    upload = SimpleUploadedFile("项目.csv", path.read_bytes(), content_type="text/csv")
    page = client.post("/imports/", {"kind": "projects", "dry_run": "1", "file": upload}, follow=True).content.decode()
    assert "提醒（不影响导入，请核实）" in page and "9523100万元即952.31亿元" in page and "确认导入" in page

    key = ApiToken.new_key()
    ApiToken.objects.create(user=county_officer, name="脚本", key_hash=ApiToken.hash_key(key), prefix=key[:8])
    upload = SimpleUploadedFile("项目.csv", path.read_bytes(), content_type="text/csv")
    body = client.post("/api/v1/imports/projects", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert body["status"] == "applied"
    assert body["warnings"] == [{"row": 2, "column": "总投资(万元)", "message": f"9523100万元即952.31亿元，{HINT}"}]


def test_the_import_page_states_the_rule_from_the_settings(client, county_officer):
    client.force_login(county_officer)
    page = client.get("/imports/?kind=enterprise-years").content.decode()
    assert "企业年度金额折合每名职工≥10,000万元或每亩≥100,000万元、项目投资≥100,000万元" in page
    assert "企业年度金额≥100,000,000万元" in page
