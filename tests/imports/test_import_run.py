"""import_run end to end: what it writes, what it refuses, and what every run leaves behind."""

import datetime
import hashlib
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.audit.services import snapshot
from lianghua.enterprises.models import Credential, DigitalLevel, Enterprise, EnterpriseYear
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import ImportNotAllowed, import_run, import_template_write, problem_text
from lianghua.projects.models import Activity, Project, ProjectProgress, ProjectStageLog
from tests.factories import EnterpriseFactory, UserFactory, valid_credit_code

pytestmark = pytest.mark.django_db

A, B = valid_credit_code(700), valid_credit_code(701)


def test_clean_file_applies_and_keeps_its_batch(sheet, county_officer):
    path = sheet("enterprises", [[A, "甲公司", "武原", "C34"], [B, "乙公司", "开发区", "34"]])
    batch = import_run(kind="enterprises", path=path, by=county_officer)
    assert (batch.status, batch.rows_total, batch.rows_created, batch.rows_updated) == ("applied", 2, 2, 0)
    assert batch.errors == [] and batch.by == county_officer and batch.finished_at is not None
    # 武原 and 开发区 are aliases of 武原街道 and 西塘桥街道 (海盐经济开发区); 34 is C34 without its letter.
    assert dict(Enterprise.objects.filter(credit_code__in=[A, B]).values_list("credit_code", "region__code")) == {
        A: "330424001", B: "330424002"}
    assert Enterprise.objects.get(credit_code=B).industry.code == "C34"
    assert batch.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    with batch.file.open("rb") as stored:
        assert stored.read() == path.read_bytes()
    records = ChangeRecord.objects.filter(import_batch_id=batch.pk)
    assert records.count() == 2 and {r.action for r in records} == {"create"}
    assert records.get(object_pk=str(Enterprise.objects.get(credit_code=A).pk)).after["name"] == "甲公司"
    event = DomainEvent.objects.get(kind="import.applied")
    assert event.payload["batch"] == batch.pk and event.payload["created"] == 2 and event.actor == county_officer


def test_dry_run_writes_nothing_but_counts_and_keeps_the_file(sheet, county_officer):
    batch = import_run(kind="enterprises", path=sheet("enterprises", [[A, "甲公司", "武原", "C34"]]),
                       by=county_officer, dry_run=True)
    assert (batch.status, batch.rows_created) == ("dry_run", 1)
    assert not Enterprise.objects.filter(credit_code=A).exists()
    assert not ChangeRecord.objects.filter(import_batch_id=batch.pk).exists()
    assert not DomainEvent.objects.filter(kind="import.applied").exists()
    assert batch.file.name


def test_a_bad_row_anywhere_means_nothing_is_written(sheet, county_officer):
    rows = [[valid_credit_code(710 + i), f"企业{i}", "武原", "C34"] for i in range(50)]
    rows[37][2] = "火星"
    batch = import_run(kind="enterprises", path=sheet("enterprises", rows), by=county_officer)
    assert batch.status == "rejected" and [problem_text(e) for e in batch.errors] == ["第39行 [所属区域] 未知区域“火星”"]
    assert batch.rows_created == 0
    assert not Enterprise.objects.filter(credit_code__startswith="91330424MA0000").exists()
    assert not ChangeRecord.objects.filter(import_batch_id=batch.pk).exists()


def test_reimport_updates_by_key_and_records_before_and_after(sheet, county_officer):
    enterprise = EnterpriseFactory(credit_code=A)
    row = [A, 2025, "是", "否", 5000, 1200, 300, 80, 20, 1500, 100]
    import_run(kind="enterprise-years", path=sheet("enterprise-years", [row]), by=county_officer)
    row[4] = 6400.5
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", [row, [A, 2024, "否", "否", 1800,
                                                                                    "", "", "", "", "", ""]]),
                       by=county_officer)
    assert (batch.rows_created, batch.rows_updated) == (1, 1)
    year = EnterpriseYear.objects.get(enterprise=enterprise, year=2025)
    assert year.revenue_wan == Decimal("6400.5") and year.employees == 80 and year.is_above_scale
    assert not EnterpriseYear.objects.get(enterprise=enterprise, year=2024).is_above_scale
    update = ChangeRecord.objects.get(import_batch_id=batch.pk, action="update")
    assert Decimal(update.before["revenue_wan"]) == Decimal("5000")
    assert Decimal(update.after["revenue_wan"]) == Decimal("6400.5")
    # The same file again changes nothing.
    again = import_run(kind="enterprise-years", path=sheet("enterprise-years", [row]), by=county_officer)
    assert (again.rows_created, again.rows_updated, again.rows_total) == (0, 0, 1)


def test_yuan_slip_in_progress_is_caught_and_a_real_value_passes(sheet, county_officer):
    project = Project.objects.create(code="HY-100", name="改造", category="digital", stage="reserve",
                                     enterprise=EnterpriseFactory(), total_investment_wan=Decimal("800"))
    slipped = import_run(kind="progress", path=sheet("progress", [["HY-100", "2025-03", 2_400_000]]),
                         by=county_officer)
    assert [problem_text(e) for e in slipped.errors] == [
        "第2行 [累计完成投资(万元)] 2400000万元超过总投资（800.0000万元）的1000倍，疑似以元为单位填写，应为万元"]
    fine = import_run(kind="progress", path=sheet("progress", [["HY-100", "2025年3月", 240]]), by=county_officer)
    assert fine.status == "applied"
    assert ProjectProgress.objects.get(project=project).month == datetime.date(2025, 3, 1)


def test_town_officer_cannot_import_outside_their_town(sheet, baibu_officer):
    wuyuan_enterprise = EnterpriseFactory(credit_code=A, region_code="330424001")
    Project.objects.create(code="HY-200", name="武原项目", category="green", enterprise=wuyuan_enterprise)
    errors = lambda kind, rows: [problem_text(e) for e in  # noqa: E731
                                 import_run(kind=kind, path=sheet(kind, rows), by=baibu_officer).errors]
    assert errors("enterprises", [[B, "新企业", "武原街道", "C34"], [A, "改名", "百步", "C34"]]) == [
        "第2行 [所属区域] 武原街道不在您的管辖范围（百步镇）内",
        "第3行 [统一社会信用代码] 该统一社会信用代码已在您管辖范围以外登记，不能在此导入",
    ]
    assert errors("enterprise-years", [[A, 2025, "是", "否", 1, "", "", "", "", "", ""]]) == [
        f"第2行 [统一社会信用代码] 在您的管辖范围（百步镇）内未找到统一社会信用代码为“{A}”的企业（请先导入企业名录）"]
    assert errors("progress", [["HY-200", "2025-03", 10]]) == [
        "第2行 [项目编号] 在您的管辖范围（百步镇）内未找到项目“HY-200”（请先导入项目）"]
    assert errors("activities", [["2025-05-01", "武原", "培训", "培训班", 10]]) == [
        "第2行 [所属区域] 武原街道不在您的管辖范围（百步镇）内"]
    assert Enterprise.objects.get(credit_code=A).name == wuyuan_enterprise.name
    # Inside their town they may: 百步 resolves to 百步镇.
    assert import_run(kind="enterprises", path=sheet("enterprises", [[B, "新企业", "百步", "C34"]]),
                      by=baibu_officer).status == "applied"


@pytest.mark.parametrize("role", ["leader", "enterprise"])
def test_leaders_and_enterprise_users_cannot_import(sheet, role):
    user = UserFactory(role=role, region_code="330424" if role == "leader" else None,
                       enterprise=EnterpriseFactory() if role == "enterprise" else None)
    with pytest.raises(ImportNotAllowed):
        import_run(kind="enterprises", path=sheet("enterprises", [[A, "甲", "武原", "C34"]]), by=user)
    assert not ImportBatch.objects.exists()


def test_projects_write_stage_log_dated_by_the_stage(sheet, county_officer):
    EnterpriseFactory(credit_code=A)
    header = ["项目编号", "项目名称", "统一社会信用代码", "项目类别", "总投资(万元)", "计划开工日期", "计划竣工日期",
              "实际开工日期", "项目阶段"]
    first = sheet("projects", [["HY-300", "产线改造", A, "绿色化", 500, "2025-01-01", "2025-12-31", "", "在库"]],
                  headers=header, name="p1.csv")
    import_run(kind="projects", path=first, by=county_officer)
    second = sheet("projects", [["HY-300", "产线改造", A, "绿色化", 500, "2025-01-01", "2025-12-31", "2025-03-15",
                                 "在建"]], headers=header, name="p2.csv")
    batch = import_run(kind="projects", path=second, by=county_officer)
    assert batch.rows_updated == 1
    log = list(ProjectStageLog.objects.filter(project__code="HY-300").order_by("id").values_list("from_stage", "to_stage",
                                                                                  "changed_on"))
    assert log[0][:2] == ("", "pooled")
    assert log[1] == ("pooled", "in_progress", datetime.date(2025, 3, 15))
    project = Project.objects.get(code="HY-300")
    assert (project.category, project.stage, project.health) == ("green", "in_progress", "normal")


def _snapshot_equal(recorded: dict, instance) -> None:
    """The history the database wrote is the stored row in audit.services.snapshot's form: every concrete
    field by attname, Decimal as text (compared as numbers: SQLite keeps 500, PostgreSQL 500.0000),
    datetimes in ISO 8601 (PostgreSQL drops trailing zeros of the fraction), the rest exactly."""
    expected = snapshot(instance)
    assert set(recorded) == set(expected)
    for f in type(instance)._meta.concrete_fields:
        value, stored = recorded[f.attname], getattr(instance, f.attname)
        if stored is None:
            assert value is None, f.attname
        elif isinstance(stored, Decimal):
            assert isinstance(value, str) and Decimal(value) == stored, f.attname
        elif isinstance(stored, datetime.datetime):
            assert datetime.datetime.fromisoformat(value) == stored, f.attname
        elif isinstance(stored, bool):
            assert value is stored, f.attname  # true/false in the JSON, not 1/0
        else:
            assert value == expected[f.attname], f.attname


def test_history_is_the_stored_row_before_and_after(sheet, county_officer):
    EnterpriseFactory(credit_code=A)
    header = ["项目编号", "项目名称", "统一社会信用代码", "项目类别", "总投资(万元)", "计划开工日期", "计划竣工日期",
              "项目阶段", "节能量已确权"]
    # Quotes, a backslash and Chinese in text: the database escapes them in the JSON it writes.
    name = '“智能”产线 "A\\B" 改造'
    first = sheet("projects", [["HY-400", name, A, "数字化", 1234.5, "2025-01-01", "2025-12-31", "在库", "是"]],
                  headers=header, name="p1.csv")
    created_batch = import_run(kind="projects", path=first, by=county_officer)
    project = Project.objects.get(code="HY-400")
    created = ChangeRecord.objects.get(import_batch_id=created_batch.pk)
    assert (created.action, created.before, created.object_pk, created.actor) == (
        "create", None, str(project.pk), county_officer)
    assert created.after["name"] == name and created.after["energy_saving_verified"] is True
    _snapshot_equal(created.after, project)
    before = snapshot(project)
    second = sheet("projects", [["HY-400", name, A, "数字化", 2000, "2025-01-01", "2025-12-31", "在库", "否"]],
                   headers=header, name="p2.csv")
    updated_batch = import_run(kind="projects", path=second, by=county_officer)
    update = ChangeRecord.objects.get(import_batch_id=updated_batch.pk)
    assert update.action == "update" and update.object_repr == f"HY-400 {name}"
    _snapshot_equal(update.before, project)
    assert update.before["energy_saving_verified"] is True and update.before["name"] == before["name"] == name
    project.refresh_from_db()
    _snapshot_equal(update.after, project)
    assert Decimal(update.after["total_investment_wan"]) == 2000 and update.after["energy_saving_verified"] is False


@pytest.mark.parametrize(("kind", "row", "model"), [
    ("enterprises", [B, '他"们"的\\公司', "开发区", "C34"], Enterprise),
    ("enterprise-years", [A, 2025, "是", "否", 5000.5, "", 300, 80, 20.25, "", 0], EnterpriseYear),
    ("credentials", [A, "绿色工厂", "省级", "", "2025-03-01", "", "第一批"], Credential),
    ("digital-levels", [A, 2.5, "2025-04-30"], DigitalLevel),
    ("progress", ["HY-600", "2025-03", 123.45], ProjectProgress),
    ("activities", ["2025-05-01", "武原", "培训", "两化改造“数字化”培训", 45], Activity),
])
def test_every_kind_records_the_stored_row_as_history(sheet, county_officer, kind, row, model):
    """The database writes the history of every kind (booleans, empty figures, dates, escaped text):
    each created row's record equals the stored row, on SQLite and on PostgreSQL."""
    enterprise = EnterpriseFactory(credit_code=A)
    Project.objects.create(code="HY-600", name="改造", category="digital", stage="reserve", enterprise=enterprise)
    batch = import_run(kind=kind, path=sheet(kind, [row]), by=county_officer)
    assert batch.status == "applied", batch.errors
    record = ChangeRecord.objects.get(import_batch_id=batch.pk)
    instance = model.objects.get(pk=record.object_pk)
    assert (record.action, record.model, record.before) == ("create", model._meta.label_lower, None)
    _snapshot_equal(record.after, instance)


def test_xlsx_round_trip_from_the_template(tmp_path, county_officer):
    template = import_template_write(kind="projects", path=tmp_path / "projects.xlsx")
    workbook = openpyxl.load_workbook(template)
    sheet, help_sheet = workbook.worksheets[0], workbook["填写说明"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["项目编号", "项目名称", "统一社会信用代码", "项目类别"]
    assert any("在建" in str(v.formula1) for v in sheet.data_validations.dataValidation)
    assert [r[0].value for r in help_sheet.iter_rows(min_row=6, max_row=7)] == ["项目编号", "项目名称"]
    EnterpriseFactory(credit_code=A)
    values = {"项目编号": "HY-400", "项目名称": "智能工厂", "统一社会信用代码": A, "项目类别": "数字化",
              "总投资(万元)": 1200.5, "计划开工日期": datetime.datetime(2025, 1, 1), "计划竣工日期": "2025/12/31",
              "实际开工日期": "2025年2月1日", "项目阶段": "在建", "节能量已确权": "否", "新增工业机器人(台)": 12}
    for column, header in enumerate(headers, start=1):
        if header in values:
            sheet.cell(row=2, column=column, value=values[header])
    workbook.save(template)
    batch = import_run(kind="projects", path=template, by=county_officer)
    assert batch.status == "applied", batch.errors
    project = Project.objects.get(code="HY-400")
    assert project.total_investment_wan == Decimal("1200.5") and project.robots_added == 12
    assert (project.planned_start, project.planned_end, project.actual_start) == (
        datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), datetime.date(2025, 2, 1))


def test_credential_template_lists_kinds_from_the_database(tmp_path):
    path = import_template_write(kind="credentials", path=tmp_path / "c.xlsx")
    workbook = openpyxl.load_workbook(path)
    formulas = [str(v.formula1) for v in workbook.worksheets[0].data_validations.dataValidation]
    assert any("国家级,省级,市级,县级" in f for f in formulas)
    assert any("数字化车间,智能工厂" in f and "绿色工厂" in f and "企业技术中心" in f for f in formulas)
    assert workbook["填写说明"]["A1"].value == "认定（荣誉）导入模板（类型 credentials）"


def test_gbk_csv_from_excel_on_chinese_windows(sheet, county_officer):
    path = sheet("activities", [["2025/5/1", "武原", "培训", "两化改造培训", 45]], encoding="gbk")
    assert path.read_bytes().decode("gbk")  # really GBK, not UTF-8
    batch = import_run(kind="activities", path=path, by=county_officer)
    assert batch.status == "applied", batch.errors
    activity = Activity.objects.get(title="两化改造培训")
    assert (activity.date, activity.region.code, activity.kind, activity.attendance) == (
        datetime.date(2025, 5, 1), "330424001", "training", 45)


def test_full_width_parentheses_in_headers(sheet, county_officer):
    EnterpriseFactory(credit_code=A)
    headers = ["统一社会信用代码", "年度", "营业收入（万元）"]
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", [[A, 2025, 3000]], headers=headers),
                       by=county_officer)
    assert batch.status == "applied", batch.errors
    assert EnterpriseYear.objects.get(enterprise__credit_code=A).revenue_wan == Decimal("3000")


def test_unreadable_file_is_rejected_with_a_reason(tmp_path, county_officer):
    path = tmp_path / "data.pdf"
    path.write_bytes(b"%PDF-1.4")
    batch = import_run(kind="enterprises", path=path, by=county_officer)
    assert [problem_text(e) for e in batch.errors] == ["第1行 [文件] 不支持的文件类型“.pdf”，请上传 .xlsx 或 .csv 文件"]


def test_command_exit_codes_and_output(sheet, tmp_path, capsys, county_officer):
    good = sheet("enterprises", [[A, "甲公司", "武原", "C34"]], name="good.csv")
    call_command("import", "enterprises", str(good), "--dry-run")
    assert "试导入通过（未写入）：将新增 1 行" in capsys.readouterr().out
    assert not Enterprise.objects.filter(credit_code=A).exists()
    call_command("import", "enterprises", str(good), "--user", county_officer.username)
    assert "导入完成：新增 1 行，更新 0 行，未变化 0 行" in capsys.readouterr().out
    bad = sheet("enterprises", [[B, "", "火星", "C34"]], name="bad.csv")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import", "enterprises", str(bad))
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert "第2行 [企业名称] 不能为空" in err and "第2行 [所属区域] 未知区域“火星”" in err
    assert "共 2 处错误，未写入任何数据" in err
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import", "enterprises", str(tmp_path / "none.csv"))
    call_command("template", "activities", "-o", str(tmp_path / "a.xlsx"))
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").worksheets[0]["A1"].value == "日期"


def test_chunk_boundaries_of_the_bulk_writer(sheet, county_officer, monkeypatch):
    from lianghua.audit import bulk as audited
    from lianghua.core import bulk

    for name in ("FETCH_CHUNK", "WRITE_BATCH"):
        monkeypatch.setattr(bulk, name, 2)
    monkeypatch.setattr(audited, "WRITE_BATCH", 2)
    rows = [[valid_credit_code(900 + i), f"企业{i}", "武原", "C34"] for i in range(7)]
    first = import_run(kind="enterprises", path=sheet("enterprises", rows, name="a.csv"), by=county_officer)
    assert (first.rows_created, first.rows_updated) == (7, 0)
    for i in (0, 3, 6):
        rows[i][1] = f"企业{i}（更名）"
    second = import_run(kind="enterprises", path=sheet("enterprises", rows, name="b.csv"), by=county_officer)
    assert (second.rows_created, second.rows_updated) == (0, 3)
    names = dict(Enterprise.objects.filter(credit_code__in=[r[0] for r in rows]).values_list("credit_code", "name"))
    assert names == {r[0]: r[1] for r in rows}
    created = ChangeRecord.objects.filter(import_batch_id=first.pk)
    assert sorted(int(r.object_pk) for r in created) == sorted(
        Enterprise.objects.filter(credit_code__in=names).values_list("id", flat=True))
    assert {r.after["name"] for r in ChangeRecord.objects.filter(import_batch_id=second.pk)} == {
        "企业0（更名）", "企业3（更名）", "企业6（更名）"}


def test_a_long_column_of_figures_reads_as_cell_by_cell(sheet, county_officer):
    """Columns of 65+ figures are read in bulk (Decimal over the whole column); hand-typed forms — a
    thousands separator, full-width digits, spaces — must still read as they do one cell at a time,
    and a non-number must still be the error of its own row."""
    enterprises = [EnterpriseFactory(credit_code=valid_credit_code(1000 + i)) for i in range(80)]
    rows = [[e.credit_code, 2025, "是", "否", f"{1000 + i}.5", 100 + i, 10 + i, 50, 20, 300 + i, 1]
            for i, e in enumerate(enterprises)]
    rows[10][4], rows[20][4], rows[30][4] = "1,234.5", "１２", " 77 "
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", rows), by=county_officer)
    assert batch.errors == [] and batch.rows_created == 80
    revenue = dict(EnterpriseYear.objects.filter(enterprise__in=enterprises).values_list(
        "enterprise__credit_code", "revenue_wan"))
    assert [revenue[enterprises[i].credit_code] for i in (0, 10, 20, 30, 79)] == [
        Decimal("1000.5"), Decimal("1234.5"), Decimal("12"), Decimal("77"), Decimal("1079.5")]
    rows[69][9] = "NaN"
    rejected = import_run(kind="enterprise-years", path=sheet("enterprise-years", rows, name="nan.csv"),
                          by=county_officer)
    assert [problem_text(e) for e in rejected.errors] == ["第71行 [综合能耗(吨标准煤)] “NaN”不是数字"]


def test_deleting_a_user_keeps_their_history_without_them(sheet, county_officer):
    """Who made a change is provenance without a database constraint (imports write it per row): Django
    still clears it when the user goes, and the records stay."""
    EnterpriseFactory(credit_code=A)
    header = ["项目编号", "项目名称", "统一社会信用代码", "项目类别", "项目阶段"]
    batch = import_run(kind="projects", path=sheet("projects", [["HY-500", "改造", A, "数字化", "储备"]],
                                                   headers=header), by=county_officer)
    assert ChangeRecord.objects.get(import_batch_id=batch.pk).actor == county_officer
    assert ProjectStageLog.objects.get(project__code="HY-500").by == county_officer
    county_officer.delete()
    record = ChangeRecord.objects.get(import_batch_id=batch.pk)
    assert record.actor_id is None and record.after["code"] == "HY-500"
    log = ProjectStageLog.objects.get(project__code="HY-500")
    assert log.by_id is None and log.import_batch_id == batch.pk


def test_project_health_is_kept_when_absent_or_blank_and_reset_by_the_clear_marker(sheet, county_officer):
    EnterpriseFactory(credit_code=A)
    with_health = ["项目编号", "项目名称", "统一社会信用代码", "项目类别", "项目阶段", "运行状态"]
    without = with_health[:-1]
    import_run(kind="projects", path=sheet("projects", [["HY-700", "改造", A, "数字化", "储备", "滞后"]],
                                           headers=with_health, name="a.csv"), by=county_officer)
    assert Project.objects.get(code="HY-700").health == "lagging"
    import_run(kind="projects", path=sheet("projects", [["HY-700", "改造（更名）", A, "数字化", "储备"]],
                                           headers=without, name="b.csv"), by=county_officer)
    assert Project.objects.values_list("name", "health").get(code="HY-700") == ("改造（更名）", "lagging")
    import_run(kind="projects", path=sheet("projects", [["HY-700", "改造", A, "数字化", "储备", ""]],
                                           headers=with_health, name="c.csv"), by=county_officer)
    assert Project.objects.get(code="HY-700").health == "lagging"
    import_run(kind="projects", path=sheet("projects", [["HY-700", "改造", A, "数字化", "储备", "清空"]],
                                           headers=with_health, name="c2.csv"), by=county_officer)
    assert Project.objects.get(code="HY-700").health == "normal"
    bad = import_run(kind="projects", path=sheet("projects", [["HY-700", "改造", A, "数字化", "储备", "很慢"]],
                                                 headers=with_health, name="d.csv"), by=county_officer)
    assert [problem_text(e) for e in bad.errors] == ["第2行 [运行状态] “很慢”不是可选值（可选：正常、滞后、停滞）"]


def test_health_choices_are_the_models():
    from lianghua.projects.import_kinds import PROJECT_HEALTH

    assert PROJECT_HEALTH == {label: value for value, label in Project.Health.choices}


def test_credentials_without_the_item_column_update_as_before_and_items_add_rows(sheet, county_officer):
    """An old file (no 名称/编号 column) keeps updating the one credential of its kind and level; a file that
    names items stores each workshop, even of the same kind and level."""
    from lianghua.enterprises.models import Credential

    EnterpriseFactory(credit_code=A)
    old_headers = ["统一社会信用代码", "认定类型", "级别", "认定日期", "到期/撤销日期", "备注"]
    for note in ("第一批", "更正"):
        batch = import_run(kind="credentials", by=county_officer, path=sheet(
            "credentials", [[A, "数字化车间", "市级", "2025-03-01", "", note]], headers=old_headers, name="old.csv"))
        assert batch.status == "applied", batch.errors
    assert list(Credential.objects.values_list("item", "note")) == [("", "更正")]
    batch = import_run(kind="credentials", by=county_officer, path=sheet("credentials", [
        [A, "数字化车间", "市级", "一号冲压车间", "2025-05-01", "", ""],
        [A, "数字化车间", "市级", "二号装配车间", "2025-06-01", "", ""]]))
    assert batch.status == "applied", batch.errors
    assert sorted(Credential.objects.values_list("item", flat=True)) == ["", "一号冲压车间", "二号装配车间"]
    twice = import_run(kind="credentials", by=county_officer, path=sheet("credentials", [
        [A, "数字化车间", "市级", "一号冲压车间", "2025-05-01", "", ""],
        [A, "数字化车间", "市级", "一号冲压车间", "2025-05-02", "", ""]], name="twice.csv"))
    assert twice.status == "rejected" and "第3行" in problem_text(twice.errors[0])
