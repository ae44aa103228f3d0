"""Every column of a file must be one of its kind's: figures under a header the import does not know
would otherwise vanish while the import reports success."""

from decimal import Decimal

import pytest
import xlsxwriter
from django.core.management import call_command

from lianghua.enterprises.models import Enterprise, EnterpriseYear
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import import_run, problem_text
from tests.factories import EnterpriseFactory, valid_credit_code

OPERATOR = None  # the command line's operator: every region

pytestmark = pytest.mark.django_db

CODE = valid_credit_code(1600)


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(credit_code=CODE)


def errors(batch: ImportBatch) -> list[str]:
    return [problem_text(e) for e in batch.errors]


def test_figures_in_yuan_under_their_own_headers_are_refused_not_dropped(sheet, enterprise, capsys):
    path = sheet("enterprise-years", [[CODE, 2025, 50_000_000, 3_000_000]],
                 headers=["统一社会信用代码", "年度", "营业收入(元)", "税收"])
    batch = import_run(kind="enterprise-years", path=path, by=OPERATOR)
    assert errors(batch) == ["第1行 [营业收入(元)] 无法识别的列；模板中为“营业收入(万元)”（请按万元填报）",
                             "第1行 [税收] 无法识别的列；模板中为“税收(万元)”（请按万元填报）"]
    assert not EnterpriseYear.objects.exists()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "enterprise-years", str(path))
    assert exit_info.value.code == 1
    assert "第1行 [营业收入(元)] 无法识别的列；模板中为“营业收入(万元)”（请按万元填报）" in capsys.readouterr().err


@pytest.mark.parametrize("header, message", [
    ("营业收入（元）", "无法识别的列；模板中为“营业收入(万元)”（请按万元填报）"),  # full-width parentheses too
    ("用地面积(平方米)", "无法识别的列；模板中为“用地面积(亩)”（请按亩填报）"),
    ("年均职工人数(人)", "无法识别的列；模板中为“年均职工人数”"),  # the unit is right: only the name differs
    ("年均职工数", "无法识别的列；模板中为“年均职工人数”"),  # a near spelling
    ("信用代码", "无法识别的列；模板中为“统一社会信用代码”"),  # part of exactly one column's name
    ("备注", "无法识别的列（模板中没有此列，请删除此列或改用模板中的列名）"),
    ("工业产值(万元)", "无法识别的列（模板中没有此列，请删除此列或改用模板中的列名）"),  # not 工业增加值
])
def test_unknown_header_names_the_template_column_it_likely_means(sheet, enterprise, header, message):
    path = sheet("enterprise-years", [[CODE, 2025, 5000, 12]], headers=["统一社会信用代码", "年度", "营业收入(万元)", header])
    shown = header.replace("（", "(").replace("）", ")")
    assert errors(import_run(kind="enterprise-years", path=path, by=OPERATOR)) == [f"第1行 [{shown}] {message}"]


def test_a_leading_row_number_column_is_ignored(sheet, enterprise):
    path = sheet("enterprise-years", [[1, CODE, 2025, 5000], [2, CODE, 2024, 4200]],
                 headers=["序号", "统一社会信用代码", "年度", "营业收入(万元)"])
    batch = import_run(kind="enterprise-years", path=path, by=OPERATOR)
    assert batch.status == "applied", batch.errors
    assert sorted(EnterpriseYear.objects.values_list("year", "revenue_wan")) == [
        (2024, Decimal("4200")), (2025, Decimal("5000"))]


def test_row_numbers_elsewhere_than_first_are_an_unknown_column(sheet, enterprise):
    path = sheet("enterprise-years", [[CODE, 1, 2025]], headers=["统一社会信用代码", "序号", "年度"])
    assert errors(import_run(kind="enterprise-years", path=path, by=OPERATOR)) == [
        "第1行 [序号] 无法识别的列（模板中没有此列，请删除此列或改用模板中的列名）"]


def test_trailing_empty_columns_from_excel_and_csv_still_import(sheet, tmp_path):
    # Excel keeps columns a user once typed a space into; a CSV row may end with commas.
    path = tmp_path / "企业.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    table = workbook.add_worksheet()
    table.write_row(0, 0, ["统一社会信用代码", "企业名称", "所属区域", "行业代码", " ", ""])
    table.write_row(1, 0, [CODE, "甲公司", "武原", "C34", " ", ""])
    table.write_string(1, 6, " ")
    workbook.close()
    assert import_run(kind="enterprises", path=path, by=OPERATOR).status == "applied"
    csv_path = tmp_path / "企业.csv"
    csv_path.write_text(f"统一社会信用代码,企业名称,所属区域,行业代码,,\n{CODE},甲公司（更名）,武原,C34,,\n",
                        encoding="utf-8-sig")
    assert import_run(kind="enterprises", path=csv_path, by=OPERATOR).status == "applied"
    assert Enterprise.objects.get(credit_code=CODE).name == "甲公司（更名）"


def test_data_under_a_blank_header_is_an_error_naming_the_column_letter(sheet, tmp_path):
    path = tmp_path / "企业.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    table = workbook.add_worksheet()
    table.write_row(0, 0, ["统一社会信用代码", "企业名称", "所属区域", "行业代码"])
    table.write_row(1, 0, [CODE, "甲公司", "武原", "C34", "", 12000])
    workbook.close()
    assert errors(import_run(kind="enterprises", path=path, by=OPERATOR)) == [
        "第1行 [F列] 此列有数据但没有列名（请填写模板中的列名，或删除此列）"]
    assert not Enterprise.objects.filter(credit_code=CODE).exists()
