"""No upload can hurt the server (docs/imports.md, "Limits"): each file an attacker or an unlucky officer
once used to take the server down or to store something that broke a page, generated here, small.

Every one is refused with a Chinese message, nothing is written, and this process (the web server's,
in production) is still up to run the next assertion.
"""

import re
import zipfile
from decimal import Decimal

import pytest
import xlsxwriter
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianghua.enterprises.models import Enterprise, EnterpriseYear
from lianghua.imports.models import ImportBatch
from lianghua.imports.reading import FileUnreadable, ReadLimits, table_read
from lianghua.imports.selectors import import_batches_listed
from lianghua.imports.services import import_run, problem_text
from tests.factories import EnterpriseFactory, valid_credit_code

pytestmark = pytest.mark.django_db

CODE = valid_credit_code(700)
HAS_CJK = re.compile(r"[\u4e00-\u9fff]")


def far_cell_workbook(path, *, row: int, column: int, dimension: bool = True):
    """A header and one cell far down and right: a few KB that a dense reader would size as
    row × column cells. Without `dimension`, the sheet does not declare its range (Excel's own files do;
    a hand-made one need not), so only the reader's memory cap stands in the way."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称", "所属区域", "行业代码"])
    sheet.write(row, column, "x")
    workbook.close()
    if not dimension:
        part_rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    return path


def part_rewrite(path, part, change):
    with zipfile.ZipFile(path) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def refusal(path, by, kind="enterprises"):
    batch = import_run(kind=kind, path=path, by=by)
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.finished_at is not None
    assert Enterprise.objects.count() == 0
    (message,) = [problem_text(e) for e in batch.errors]
    assert message.startswith("第1行 [文件] "), message  # a problem of the whole file, as every one is shown
    message = message.removeprefix("第1行 [文件] ")
    assert HAS_CJK.search(message) and not re.search(r"[A-Za-z]{6,}", message), message  # Chinese, no English
    return message


def test_a_cell_at_the_last_column_and_row_is_refused_by_the_declared_range(tmp_path, county_officer):
    path = far_cell_workbook(tmp_path / "far.xlsx", row=1_048_575, column=16_383)
    assert path.stat().st_size < 8_000
    assert refusal(path, county_officer) == ("工作表范围为 A1:XFD1048576（1,048,576 行 × 16,384 列），超过导入上限"
                                             "（2,000,000 行 × 100 列）：请删除表格下方和右侧多余的行列后另存再导入")


def test_a_far_cell_without_a_declared_range_stops_the_reader_not_the_server(tmp_path, county_officer):
    # calamine would ask for 512 GB here and abort its process: it is the reader's child that dies.
    path = far_cell_workbook(tmp_path / "far.xlsx", row=1_048_575, column=16_383, dimension=False)
    assert b"dimension" not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    message = refusal(path, county_officer)
    assert message.startswith("文件内容过多，读取所需内存超过上限（3,072 MB）")
    # … and the next file reads as ever.
    far_cell_workbook(tmp_path / "fine.xlsx", row=1, column=3)
    assert len(table_read(tmp_path / "fine.xlsx").rows) == 1


def test_twenty_six_columns_to_the_last_row_are_refused_before_a_gigabyte_is_taken(tmp_path, county_officer):
    declared = far_cell_workbook(tmp_path / "z.xlsx", row=1_048_575, column=25)
    assert "（1,048,576 行 × 26 列）" in refusal(declared, county_officer)
    undeclared = far_cell_workbook(tmp_path / "z2.xlsx", row=1_048_575, column=25, dimension=False)
    with pytest.raises(FileUnreadable, match=r"^文件内容过多，读取所需内存超过上限（256 MB）"):
        table_read(undeclared, ReadLimits(memory_bytes=256 * 1024 * 1024))
    with pytest.raises(FileUnreadable, match=r"^工作表有 1,048,576 行 × 26 列，超过导入上限（2,000,000 行 × 100 列）"):
        table_read(undeclared, ReadLimits(cells=20_000_000 // 4))  # room to read it: refused by its shape


def bomb(path, rows: int, width: int):
    """Rows of one long text each, written inline: deflate packs the repetition into a small file."""
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, ["统一社会信用代码", "企业名称"])
    text = "甲" * width
    for number in range(1, rows + 1):
        sheet.write_string(number, 1, text)
    workbook.close()
    return path


def test_a_compression_bomb_is_refused_by_its_unpacked_size_before_it_is_read(tmp_path, county_officer, settings):
    path = bomb(tmp_path / "bomb.xlsx", rows=20_000, width=400)
    unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert path.stat().st_size * 10 < unpacked  # packed tight, as the 6.3 MB file that read as 3 GB
    settings.LIANGHUA_IMPORT_MAX_UNCOMPRESSED_MB = 1
    assert refusal(path, county_officer).startswith(f"文件解压后达 {unpacked / 1024 / 1024:,.0f} MB，超过导入上限 1 MB")


def test_text_beyond_the_limit_of_characters_is_refused_as_it_is_read(tmp_path, county_officer, settings):
    path = bomb(tmp_path / "bomb.xlsx", rows=3_000, width=400)  # 1.2 million characters, shared strings
    settings.LIANGHUA_IMPORT_MAX_TEXT_CHARS = 1_000_000
    assert refusal(path, county_officer).startswith("文件内容过多（读到第2,501行已超过导入上限：20,000,000 个单元格、1,000,000 个字）")


def test_rows_beyond_the_limit_are_refused(sheet, county_officer, settings):
    settings.LIANGHUA_IMPORT_MAX_ROWS = 3
    rows = [[valid_credit_code(710 + n), f"企业{n}", "武原", "C34"] for n in range(4)]
    assert refusal(sheet("enterprises", rows), county_officer) == "数据超过导入上限 3 行（第5行起）：请拆分后分批导入"


def test_a_csv_cell_beyond_the_csv_readers_limit_is_a_message_not_a_500(tmp_path, county_officer):
    path = tmp_path / "long.csv"
    path.write_text("统一社会信用代码,企业名称\n" f'{CODE},"{"长" * 140_000}"\n', encoding="utf-8")
    assert refusal(path, county_officer) == "第2行单元格内容过长（超过 131,072 个字）或引号不配对"


def test_a_cell_longer_than_excel_holds_is_refused(sheet, county_officer):
    path = sheet("enterprises", [[CODE, "长" * 40_000, "武原", "C34"]])
    assert refusal(path, county_officer) == "第2行有一个单元格长 40,000 个字，超过上限 32,767 个字（Excel 单元格的上限）"


def test_too_many_columns_are_refused(sheet, county_officer):
    headers = ["统一社会信用代码", "企业名称", "所属区域", "行业代码"] + [f"备用{n}" for n in range(100)]
    path = sheet("enterprises", [[CODE, "甲", "武原", "C34"] + ["x"] * 100], headers=headers)
    assert refusal(path, county_officer) == "第1行有 104 列，超过导入上限 100 列：请删除多余的列"


@pytest.mark.parametrize("name, content, expected", [
    ("not-a-zip.xlsx", b"this is not a spreadsheet",
     "文件已损坏，或不是 Excel 文件（.xlsx 文件应为 ZIP 压缩包）：请用 Excel 打开后另存为 .xlsx 再导入"),
    ("truncated.xlsx", None,  # the first half of a real workbook: calamine's "Could not find EOCD"
     "文件已损坏，或不是 Excel 文件（.xlsx 文件应为 ZIP 压缩包）：请用 Excel 打开后另存为 .xlsx 再导入"),
    ("garbage.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 600,
     "无法读取该 Excel 文件（文件可能已损坏或格式不受支持）：请用 Excel 打开后另存为 .xlsx 再导入"),
])
def test_every_unreadable_file_is_said_in_chinese(tmp_path, county_officer, name, content, expected):
    path = tmp_path / name
    if content is None:
        far_cell_workbook(tmp_path / "whole.xlsx", row=1, column=3)
        whole = (tmp_path / "whole.xlsx").read_bytes()
        content = whole[: len(whole) // 2]
    path.write_bytes(content)
    assert refusal(path, county_officer) == expected


def enterprise_year_errors(sheet, by, **values):
    row = {"统一社会信用代码": CODE, "年度": 2025, "是否规上": "是", "是否重点用能": "否", "营业收入(万元)": 5000}
    row.update(values)
    headers = list(row)
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", [list(row.values())], headers=headers),
                       by=by)
    assert batch.status == ImportBatch.Status.REJECTED
    assert not EnterpriseYear.objects.exists()
    return [problem_text(e) for e in batch.errors]


@pytest.fixture
def stored(db):
    return EnterpriseFactory(credit_code=CODE, region_code="330424001")


def test_an_integer_beyond_what_the_database_holds_is_refused(sheet, county_officer, stored):
    assert enterprise_year_errors(sheet, county_officer, 年均职工人数=str(2**63)) == [
        "第2行 [年均职工人数] 数值超出可保存的范围（填的是9223372036854775808，最大为2147483647）"]


@pytest.mark.parametrize("column, value, expected", [
    ("用地面积(亩)", "1E+20", "第2行 [用地面积(亩)] 数值超出可保存的范围（填的是1E+20，最大为99999999999999.9999）"),
    ("综合能耗(吨标准煤)", "1" * 30, f"第2行 [综合能耗(吨标准煤)] “{'1' * 30}”超出可填写的数值范围"),
    ("税收(万元)", "1E+999999999", "第2行 [税收(万元)] “1E+999999999”超出可填写的数值范围"),  # before int() hangs
])
def test_a_decimal_beyond_its_field_is_refused_not_stored_to_break_a_page(sheet, county_officer, stored, column,
                                                                            value, expected):
    assert enterprise_year_errors(sheet, county_officer, **{column: value}) == [expected]


@pytest.mark.parametrize("text, point", [("甲\x00乙", "U+0000"), ("甲\u202e乙", "U+202E"), ("甲\x1b乙", "U+001B")])
def test_control_characters_and_bidirectional_overrides_are_refused(sheet, county_officer, text, point):
    path = sheet("enterprises", [[CODE, text, "武原", "C34"]], name="names.xlsx")
    batch = import_run(kind="enterprises", path=path, by=county_officer)
    assert batch.status == ImportBatch.Status.REJECTED and not Enterprise.objects.exists()
    (message,) = [problem_text(e) for e in batch.errors]
    assert message.startswith(f"第2行 [企业名称] 含有不可见的控制字符（{point}，常见于复制粘贴）")


def test_a_nul_byte_in_a_csv_is_refused(tmp_path, county_officer):
    path = tmp_path / "nul.csv"
    path.write_bytes("统一社会信用代码,企业名称,所属区域,行业代码\n".encode() + f"{CODE},甲\x00乙,武原,C34\n".encode())
    batch = import_run(kind="enterprises", path=path, by=county_officer)
    assert batch.status == ImportBatch.Status.REJECTED and not Enterprise.objects.exists()
    assert "U+0000" in problem_text(batch.errors[0]) or "空字符" in problem_text(batch.errors[0])


@pytest.mark.parametrize("value", ["9999-12-31", "1899-12-31"])
def test_dates_outside_a_plausible_range_are_refused(sheet, county_officer, value):
    path = sheet("enterprises", [[CODE, "甲", "武原", "C34", "", "", "", value]])
    batch = import_run(kind="enterprises", path=path, by=county_officer)
    assert batch.status == ImportBatch.Status.REJECTED and not Enterprise.objects.exists()
    assert [problem_text(e) for e in batch.errors] == [f"第2行 [投产日期] “{value}”不在合理的日期范围内（1900–2100年）"]


def test_errors_are_kept_up_to_a_cap_with_the_total_counted(sheet, county_officer, settings, client):
    settings.LIANGHUA_IMPORT_ERRORS_KEPT = 5
    rows = [[valid_credit_code(720 + n), "甲", "火星镇", "C34"] for n in range(30)]
    batch = import_run(kind="enterprises", path=sheet("enterprises", rows), by=county_officer)
    assert batch.status == ImportBatch.Status.REJECTED
    assert batch.errors_total == 30
    assert [e["row"] for e in batch.errors] == [2, 3, 4, 5, 6]  # the first rows, in the order of the file
    client.force_login(county_officer)
    page = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "另有 25 处错误未列出" in page
    listed = client.get("/imports/").content.decode()
    assert ">30<" in re.sub(r"\s+", "", listed)  # the list counts all of them


def test_the_batch_list_never_loads_error_lists(sheet, county_officer, settings):
    rows = [[valid_credit_code(760 + n), "甲", "火星镇", "C34"] for n in range(3)]
    import_run(kind="enterprises", path=sheet("enterprises", rows), by=county_officer)
    with CaptureQueriesContext(connection) as queries:
        listed = list(import_batches_listed(county_officer))
    assert [b.errors_total for b in listed] == [3]
    batch_query = next(q["sql"] for q in queries.captured_queries if "imports_importbatch" in q["sql"])
    selected = batch_query.split(" FROM ")[0]
    for heavy in ('"errors"', '"warnings"', '"changes"'):
        assert heavy not in selected, batch_query


def test_decimal_maximum_is_what_the_field_holds():
    from lianghua.imports.validation import field_range

    assert field_range(EnterpriseYear, "land_mu") == (Decimal("-99999999999999.9999"), Decimal("99999999999999.9999"))
