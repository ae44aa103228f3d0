"""Re-imports change only what the file says: a blank cell keeps the stored value, `清空` removes it,
a file may carry only the key and the columns to change, the dry run lists each change, and the lists'
exports import back as they are."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import Enterprise
from lianghua.imports.kinds import import_kind
from lianghua.imports.models import ImportBatch
from lianghua.imports.services import import_run, problem_text
from lianghua.projects.models import Project, ProjectStageLog
from tests.factories import EnterpriseFactory, ProjectFactory, ProjectProgressFactory, valid_credit_code

pytestmark = pytest.mark.django_db

CODE = valid_credit_code(700)


@pytest.fixture
def project(db):
    """HYUX2025SZ01 as the issue found it: 在建, with a subtype, three investment parts and robots."""
    enterprise = EnterpriseFactory(credit_code=CODE, name="海盐恒源机械有限公司", region_code="330424001")
    return ProjectFactory(
        code="HYUX2025SZ01", name="智能产线改造", enterprise=enterprise, category="digital", subtype="智能制造",
        stage="in_progress", total_investment_wan=Decimal("3820.018"), equipment_investment_wan=Decimal("2600"),
        it_investment_wan=Decimal("700.5"), civil_investment_wan=Decimal("519.518"), robots_added=12,
        planned_start=datetime.date(2025, 1, 1), planned_end=datetime.date(2025, 12, 31),
        actual_start=datetime.date(2025, 2, 1))


def full_row(**cells):
    """A projects row in the template's order: the given cells, every other cell blank."""
    return [cells.get(header, "") for header in import_kind("projects").headers]


def test_blank_cells_keep_stored_values_when_only_the_stage_changes(sheet, county_officer, project):
    row = full_row(**{"项目编号": "HYUX2025SZ01", "项目名称": "智能产线改造", "统一社会信用代码": CODE,
                      "项目类别": "数字化", "项目阶段": "竣工", "实际竣工日期": "2025-11-20"})
    batch = import_run(kind="projects", path=sheet("projects", [row]), by=county_officer)
    assert batch.status == ImportBatch.Status.APPLIED and batch.rows_updated == 1
    stored = Project.objects.get(code="HYUX2025SZ01")
    assert (stored.stage, stored.actual_end) == ("completed", datetime.date(2025, 11, 20))
    assert (stored.subtype, stored.equipment_investment_wan, stored.it_investment_wan, stored.civil_investment_wan,
            stored.robots_added) == ("智能制造", Decimal("2600"), Decimal("700.5"), Decimal("519.518"), 12)
    assert stored.total_investment_wan == Decimal("3820.018") and stored.planned_start == datetime.date(2025, 1, 1)


def test_a_file_of_the_key_and_the_columns_to_change(sheet, county_officer, project):
    path = sheet("projects", [["HYUX2025SZ01", "竣工", "2025-11-20"]], headers=["项目编号", "项目阶段", "实际竣工日期"])
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    stored = Project.objects.get(code="HYUX2025SZ01")
    assert stored.stage == "completed" and stored.subtype == "智能制造" and stored.robots_added == 12
    log = ProjectStageLog.objects.filter(project=stored).latest("id")
    assert (log.from_stage, log.to_stage, log.changed_on, log.import_batch_id) == (
        "in_progress", "completed", datetime.date(2025, 11, 20), batch.pk)


def test_an_update_is_checked_as_the_record_will_be(sheet, county_officer, project):
    # 竣工 needs an actual end date: neither stored nor in the file.
    path = sheet("projects", [["HYUX2025SZ01", "竣工"]], headers=["项目编号", "项目阶段"])
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert [problem_text(e) for e in batch.errors] == ["第2行 [实际竣工日期] 项目阶段为“竣工”时必填"]
    # The stored 实际开工日期 (2025-02-01) against a 竣工 date before it.
    path = sheet("projects", [["HYUX2025SZ01", "2025-01-15"]], headers=["项目编号", "实际竣工日期"], name="b.csv")
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert [problem_text(e) for e in batch.errors] == ["第2行 [实际竣工日期] 实际竣工日期早于实际开工日期（2025-02-01）"]
    # A new project must fill every required column.
    path = sheet("projects", [["HY-NEW-1", "储备"]], headers=["项目编号", "项目阶段"], name="c.csv")
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert [problem_text(e) for e in batch.errors] == [
        "第2行 [项目名称] 新增记录须填写此列（文件中没有此列）",
        "第2行 [统一社会信用代码] 新增记录须填写此列（文件中没有此列）",
        "第2行 [项目类别] 新增记录须填写此列（文件中没有此列）"]
    assert Project.objects.get(code="HYUX2025SZ01").stage == "in_progress"


def test_the_clear_marker_removes_a_value_and_a_required_one_cannot_be_cleared(sheet, county_officer, project):
    path = sheet("projects", [["HYUX2025SZ01", "清空", "清空", " 清空 "]],
                 headers=["项目编号", "项目子类", "土建投资(万元)", "新增工业机器人(台)"])
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    stored = Project.objects.get(code="HYUX2025SZ01")
    assert (stored.subtype, stored.civil_investment_wan, stored.robots_added) == ("", None, None)
    assert stored.equipment_investment_wan == Decimal("2600")
    path = sheet("projects", [["HYUX2025SZ01", "清空"]], headers=["项目编号", "计划开工日期"], name="b.csv")
    batch = import_run(kind="projects", path=path, by=county_officer)
    # 在建 requires its planned dates: clearing one is refused as a missing one would be.
    assert [problem_text(e) for e in batch.errors] == ["第2行 [计划开工日期] 项目阶段为“在建”时必填"]
    path = sheet("projects", [["HYUX2025SZ01", "清空"]], headers=["项目编号", "项目类别"], name="c.csv")
    batch = import_run(kind="projects", path=path, by=county_officer)
    assert [problem_text(e) for e in batch.errors] == ["第2行 [项目类别] 必填项，不能清空"]


def test_blank_and_cleared_cells_of_every_type_on_yearly_figures(sheet, county_officer, project):
    headers = ["统一社会信用代码", "年度", "是否规上", "营业收入(万元)", "税收(万元)", "年均职工人数"]
    import_run(kind="enterprise-years", path=sheet("enterprise-years", [[CODE, 2025, "是", 5200, 310, 88]],
                                                   headers=headers), by=county_officer)
    batch = import_run(kind="enterprise-years", path=sheet("enterprise-years", [[CODE, 2025, "", "", "清空", 90]],
                                                           headers=headers, name="b.csv"), by=county_officer)
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    year = project.enterprise.years.get(year=2025)
    assert (year.is_above_scale, year.revenue_wan, year.tax_wan, year.employees) == (True, Decimal("5200"), None, 90)


def test_the_dry_run_lists_each_change_before_and_after(sheet, county_officer, project, capsys):
    other = ProjectFactory(code="HY-SAME", enterprise=project.enterprise, subtype="节能")
    path = sheet("projects", [["HYUX2025SZ01", "竣工", "2025-11-20", "智能工厂"], ["HY-SAME", "", "", "节能"]],
                 headers=["项目编号", "项目阶段", "实际竣工日期", "项目子类"])
    batch = import_run(kind="projects", path=path, by=county_officer, dry_run=True)
    assert batch.status == ImportBatch.Status.DRY_RUN
    assert (batch.rows_updated, batch.rows_unchanged) == (1, 1)
    assert batch.changes == [{"row": 2, "fields": [
        {"field": "subtype", "label": "项目子类", "before": "智能制造", "after": "智能工厂"},
        {"field": "actual_end", "label": "实际竣工日期", "before": "—", "after": "2025-11-20"},
        {"field": "stage", "label": "项目阶段", "before": "在建", "after": "竣工"},
    ]}]
    assert Project.objects.get(code="HYUX2025SZ01").stage == "in_progress" and other.subtype == "节能"
    call_command("import", "projects", str(path), "--dry-run")
    out = capsys.readouterr().out
    assert "第2行 项目子类：智能制造 → 智能工厂；实际竣工日期：— → 2025-11-20；项目阶段：在建 → 竣工" in out
    assert "新增 0 行，更新 1 行，未变化 1 行" in out


def test_the_batch_page_and_api_show_the_changes(client, sheet, county_officer, project):
    path = sheet("projects", [["HYUX2025SZ01", "900"]], headers=["项目编号", "土建投资(万元)"])
    batch = import_run(kind="projects", path=path, by=county_officer, dry_run=True)
    client.force_login(county_officer)
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "将更新的内容" in page and "<td>土建投资(万元)</td><td>519.518</td><td>900</td>" in page
    body = client.get(f"/api/v1/imports/batches/{batch.pk}").json()
    assert body["rows_unchanged"] == 0 and body["changes"][0]["fields"][0]["after"] == "900"


def test_a_foreign_key_change_shows_names_not_ids(sheet, county_officer, project):
    path = sheet("enterprises", [[CODE, "百步镇", "C35"]], headers=["统一社会信用代码", "所属区域", "行业代码"])
    batch = import_run(kind="enterprises", path=path, by=county_officer, dry_run=True)
    fields = {f["label"]: (f["before"], f["after"]) for f in batch.changes[0]["fields"]}
    assert fields["所属区域"] == ("武原街道", "百步镇")
    assert fields["行业代码"][1].startswith("C35 ")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_list_exports_import_back_unchanged_and_one_edit_changes_one_field(client, tmp_path, county_officer,
                                                                                  project, fmt):
    ProjectProgressFactory(project=project, month=datetime.date(2025, 6, 1), cumulative_investment_wan=Decimal("1200"))
    EnterpriseFactory(name="百步电子科技有限公司", region_code="330424102", contact_person="王工",
                      contact_phone="0573-86000000", address="百步镇工业园1号")
    ProjectFactory(code="HY-GREEN-1", enterprise=project.enterprise, category="green", stage="reserve",
                   energy_saved_tce=Decimal("120.5"), energy_saving_verified=True)
    client.force_login(county_officer)
    for kind, url in (("enterprises", "enterprises:export"), ("projects", "projects:export")):
        exported = tmp_path / f"{kind}.{fmt}"
        exported.write_bytes(client.get(reverse(url), {"format": fmt}).content)
        batch = import_run(kind=kind, path=exported, by=county_officer)
        assert batch.status == ImportBatch.Status.APPLIED, batch.errors
        assert (batch.rows_created, batch.rows_updated, batch.rows_unchanged) == (0, 0, batch.rows_total)
        assert batch.rows_total >= 2
    records = ChangeRecord.objects.count()
    # One edited cell: the export as a CSV whose 项目子类 of one project is changed.
    exported = tmp_path / "projects-edited.csv"
    text = client.get(reverse("projects:export"), {"format": "csv"}).content.decode("utf-8-sig")
    exported.write_text(text.replace("智能制造", "智能工厂"), encoding="utf-8-sig")
    batch = import_run(kind="projects", path=exported, by=county_officer)
    assert batch.rows_updated == 1 and [f["field"] for f in batch.changes[0]["fields"]] == ["subtype"]
    assert ChangeRecord.objects.count() == records + 1
    assert Enterprise.objects.get(name="百步电子科技有限公司").address == "百步镇工业园1号"
