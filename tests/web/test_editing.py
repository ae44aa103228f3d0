"""Every record is edited on the web, through the services, with history: the forms as an officer uses
them, their Chinese errors, the 修改记录 tab, deletions with a reason, and no lost update when two
people (or a person and an import) change the same record."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from lianghua.audit.models import ChangeRecord
from lianghua.enterprises.models import Credential, DigitalLevel, Enterprise, EnterpriseYear
from lianghua.imports.services import import_run
from lianghua.projects.models import Activity, Project, ProjectProgress, ProjectStageLog
from tests.factories import UserFactory, valid_credit_code
from tests.imports.conftest import sheet_write

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return UserFactory(username="zhang", display_name="张科长", role="officer", region_code="330424")


@pytest.fixture
def colleague(db):
    return UserFactory(username="li", display_name="李主任", role="officer", region_code="330424")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_officer_registers_an_enterprise_by_region_code_and_industry_name(officer, two_towns):
    client = logged_in(officer)
    form = client.get(reverse("enterprises:create")).content.decode()
    assert '<option value="百步镇（330424102）">' in form and "C34 通用设备制造业" in form
    code = valid_credit_code(900)
    response = client.post(reverse("enterprises:create"), {
        "credit_code": code, "name": "海盐新材料有限公司", "region": "330424102", "industry": "通用设备",
        "contact_person": "王工", "contact_phone": "0573-86001234", "address": "百步镇经济开发区1号"})
    enterprise = Enterprise.objects.get(credit_code=code)
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
    assert (enterprise.region.name, enterprise.industry.code, enterprise.contact_person) == ("百步镇", "C34", "王工")
    record = ChangeRecord.objects.get(model="enterprises.enterprise", object_pk=str(enterprise.pk))
    assert (record.action, record.actor, record.source) == ("create", officer, "企业信息页")
    # As the searchable list offers it, too.
    client.post(reverse("enterprises:edit", args=[enterprise.pk]), {
        "name": "海盐新材料股份有限公司", "region": "武原街道（330424001）", "industry": "C34 通用设备制造业",
        "version": record.pk})
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.region.code) == ("海盐新材料股份有限公司", "330424001")


def test_the_history_tab_says_who_when_which_fields_and_from_where(officer, two_towns):
    client = logged_in(officer)
    enterprise = two_towns.wuyuan
    client.post(reverse("enterprises:edit", args=[enterprise.pk]), {
        "name": "武原精密机械股份有限公司", "region": "武原街道", "industry": "C34", "contact_person": "赵经理",
        "version": "0"})
    year = enterprise.years.get(year=2025)
    client.post(reverse("enterprises:part_edit", args=[enterprise.pk, "years", year.pk]), {
        "year": "2025", "is_above_scale": "on", "revenue_wan": "5200", "value_added_wan": "1200", "tax_wan": "300",
        "employees": "100", "land_mu": "20", "energy_tce": "800", "rd_wan": "150", "version": "0"})
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]), {"tab": "history"}).content.decode()
    assert "张科长" in page and "zhang" not in page
    assert "企业名称：武原精密机械有限公司 → 武原精密机械股份有限公司" in page
    assert "联系人：— → 赵经理" in page and "营业收入(万元)：5000 → 5200" in page
    assert "企业信息页" in page
    stamp = ChangeRecord.objects.filter(model="enterprises.enterprise").latest("id").at
    assert stamp.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M") in page  # local time


def test_an_import_shows_in_the_history_with_its_batch(officer, two_towns, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    path = sheet_write(tmp_path / "e.csv", "enterprises", [[two_towns.wuyuan.credit_code, "武原机械（导入）"]],
                       headers=["统一社会信用代码", "企业名称"])
    batch = import_run(kind="enterprises", path=path, by=officer)
    page = logged_in(officer).get(reverse("enterprises:detail", args=[two_towns.wuyuan.pk]),
                                  {"tab": "history"}).content.decode()
    assert f"导入批次 {batch.pk}" in page and "企业名称：武原精密机械有限公司 → 武原机械（导入）" in page


def test_yearly_figures_credentials_and_levels_with_their_chinese_errors(officer, two_towns):
    client = logged_in(officer)
    enterprise = two_towns.wuyuan
    add_year = reverse("enterprises:part_add", args=[enterprise.pk, "years"])
    again = client.post(add_year, {"year": "2025", "revenue_wan": "1"})
    assert again.status_code == 400 and "该企业已有这一年度的数据，请修改原记录" in again.content.decode()
    negative = client.post(add_year, {"year": "2024", "revenue_wan": "-5"})
    assert negative.status_code == 400 and EnterpriseYear.objects.filter(year=2024).count() == 0
    assert client.post(add_year, {"year": "2024", "revenue_wan": "4300.5"}).status_code == 302
    assert enterprise.years.get(year=2024).revenue_wan == Decimal("4300.5")

    credential = enterprise.credentials.get()
    end = reverse("enterprises:credential_end", args=[enterprise.pk, credential.pk])
    early = client.post(end, {"ends_on": "2020-01-01", "version": "0"})
    assert early.status_code == 400 and "到期/撤销日期早于认定日期" in early.content.decode()
    assert client.post(end, {"ends_on": "2026-05-31", "note": "复核未通过撤销", "version": "0"}).status_code == 302
    credential.refresh_from_db()
    assert credential.ends_on == dt.date(2026, 5, 31) and credential.note == "复核未通过撤销"
    add_credential = reverse("enterprises:part_add", args=[enterprise.pk, "credentials"])
    client.post(add_credential, {"kind": credential.kind_id, "level": "national", "granted_on": "2026-06-01"})
    upgraded = enterprise.credentials.get(level="national")
    assert upgraded.level_rank == Credential.LEVEL_RANK["national"]

    add_level = reverse("enterprises:part_add", args=[enterprise.pk, "levels"])
    wrong = client.post(add_level, {"level": "4.5", "assessed_on": "2026-06-01"})
    assert wrong.status_code == 400 and "数字化水平应在1.0–4.0之间" in wrong.content.decode()
    assert client.post(add_level, {"level": "3.0", "assessed_on": "2026-06-01"}).status_code == 302
    assert enterprise.digital_levels.get(assessed_on=dt.date(2026, 6, 1)).source == DigitalLevel.Source.PAGE


def test_deleting_asks_for_a_reason_and_keeps_everything_in_the_history(officer, two_towns):
    client = logged_in(officer)
    enterprise = two_towns.wuyuan
    level = enterprise.digital_levels.get()
    delete = reverse("enterprises:part_delete", args=[enterprise.pk, "levels", level.pk])
    refused = client.post(delete, {"reason": " "})
    assert refused.status_code == 400 and "删除须填写原因" in refused.content.decode()
    assert client.post(delete, {"reason": "评定结果录入错误"}).status_code == 302
    assert not DigitalLevel.objects.filter(pk=level.pk).exists()
    record = ChangeRecord.objects.get(model="enterprises.digitallevel", action="delete")
    assert record.before["level"] == "2.5" and record.reason == "评定结果录入错误"
    page = client.get(reverse("enterprises:detail", args=[enterprise.pk]), {"tab": "history"}).content.decode()
    assert "原因：评定结果录入错误" in page
    # An enterprise with projects is not deleted.
    blocked = client.post(reverse("enterprises:delete", args=[enterprise.pk]), {"reason": "重复登记"})
    assert blocked.status_code == 400 and "还有3条关联的用户、项目记录，不能删除" in blocked.content.decode()


def test_a_project_is_registered_corrected_and_moved_through_its_stages(officer, two_towns):
    client = logged_in(officer)
    response = client.post(reverse("projects:create"), {
        "code": "HY-2026-SZ-09", "name": "数字化车间改造", "enterprise": two_towns.baibu.credit_code,
        "category": "digital", "subtype": "数字化车间", "total_investment_wan": "1800", "equipment_investment_wan": "1200",
        "planned_start": "2026-03-01", "planned_end": "2026-12-31", "stage": "pooled", "robots_added": "6"})
    project = Project.objects.get(code="HY-2026-SZ-09")
    assert response.status_code == 302 and (project.stage, project.robots_added) == ("pooled", 6)
    assert ProjectStageLog.objects.get(project=project).note == "页面新建"

    stage = reverse("projects:stage", args=[project.pk])
    missing = client.post(stage, {"to_stage": "in_progress"})
    assert missing.status_code == 400 and "进入“在建”阶段前须填写：实际开工日期" in missing.content.decode()
    detail = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "尚缺：<strong>实际开工日期</strong>" in detail
    client.post(reverse("projects:edit", args=[project.pk]), {
        "code": "ignored", "name": "数字化车间改造", "enterprise": two_towns.baibu.credit_code, "category": "digital",
        "total_investment_wan": "1800", "planned_start": "2026-03-01", "planned_end": "2026-12-31",
        "actual_start": "2026-03-15", "version": ChangeRecord.objects.filter(object_pk=str(project.pk),
                                                                           model="projects.project").latest("id").pk})
    project.refresh_from_db()
    assert project.code == "HY-2026-SZ-09" and project.actual_start == dt.date(2026, 3, 15)
    assert project.equipment_investment_wan is None  # the form held every field: a cleared box clears it
    assert client.post(stage, {"to_stage": "in_progress"}).status_code == 302
    log = ProjectStageLog.objects.filter(project=project).latest("id")
    assert (log.from_stage, log.to_stage, log.changed_on, log.by) == ("pooled", "in_progress", dt.date(2026, 3, 15),
                                                                     officer)
    back = client.post(stage, {"to_stage": "pooled"})
    assert back.status_code == 400 and "更正项目阶段须填写说明" in back.content.decode()
    assert client.post(stage, {"to_stage": "pooled", "note": "实际尚未开工，误报"}).status_code == 302
    terminate = client.post(stage, {"to_stage": "terminated"})
    assert terminate.status_code == 400 and "终止项目须填写说明" in terminate.content.decode()

    health = reverse("projects:health", args=[project.pk])
    assert client.post(health, {"health": "lagging"}).status_code == 400
    assert client.post(health, {"health": "lagging", "reason": "设备到货延迟两个月"}).status_code == 302
    record = ChangeRecord.objects.filter(model="projects.project", object_pk=str(project.pk)).latest("id")
    assert record.reason == "设备到货延迟两个月" and record.after["health"] == "lagging"


def test_monthly_progress_keeps_its_rule_and_activities_take_a_region_by_name(officer, two_towns):
    client = logged_in(officer)
    project = two_towns.w1
    add = reverse("projects:progress_add", args=[project.pk])
    lower = client.post(add, {"month": "2026-05", "cumulative_investment_wan": "400"})
    assert lower.status_code == 400 and "累计完成投资低于2026-04的450万元（累计数不应减少）" in lower.content.decode()
    assert client.post(add, {"month": "2026-05", "cumulative_investment_wan": "620"}).status_code == 302
    report = ProjectProgress.objects.get(project=project, month=dt.date(2026, 5, 1))
    assert report.cumulative_investment_wan == Decimal("620")
    page = client.get(reverse("projects:detail", args=[project.pk]), {"tab": "history"}).content.decode()
    assert "2026-05 累计完成投资" in page

    assert client.post(reverse("projects:activity_create"), {
        "date": "2026-06-12", "region": "百步", "kind": "training", "title": "两化改造政策培训", "attendance": "85",
    }).status_code == 302
    activity = Activity.objects.get(title="两化改造政策培训")
    assert (activity.region.code, activity.attendance) == ("330424102", 85)


def test_the_second_of_two_saves_is_refused_and_shown_not_lost(officer, colleague, two_towns):
    """Two officers open the same project; both change its name; the second sees the conflict."""
    project = two_towns.w1
    url = reverse("projects:edit", args=[project.pk])
    first, second = logged_in(officer), logged_in(colleague)
    version = first.get(url).context["version"]
    assert second.get(url).context["version"] == version
    fields = {"name": project.name, "enterprise": two_towns.wuyuan.credit_code, "category": "digital",
              "total_investment_wan": "1000", "planned_start": "2026-01-01", "planned_end": "2026-12-31",
              "actual_start": "2026-03-10"}
    assert first.post(url, {**fields, "name": "武原数字化车间改造（一期）", "version": version}).status_code == 302
    refused = second.post(url, {**fields, "name": "武原数字化车间改造（二期）", "version": version})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert "未保存：在您打开此页之后，这条记录已被修改" in page
    assert "<td>项目名称</td><td>武原数字化车间改造（二期）</td><td>武原数字化车间改造（一期）</td>" in page
    assert "张科长" in page and "项目名称 武原数字化车间改造 → 武原数字化车间改造（一期）" in page
    assert Project.objects.get(pk=project.pk).name == "武原数字化车间改造（一期）"
    # Saving again from the conflict page is a deliberate choice, with the version it was shown.
    again = second.post(url, {**fields, "name": "武原数字化车间改造（二期）", "version": refused.context["version"]})
    assert again.status_code == 302 and Project.objects.get(pk=project.pk).name == "武原数字化车间改造（二期）"


def test_an_import_between_opening_and_saving_is_a_conflict_too(officer, two_towns, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    enterprise = two_towns.baibu
    client = logged_in(officer)
    url = reverse("enterprises:edit", args=[enterprise.pk])
    version = client.get(url).context["version"]
    path = sheet_write(tmp_path / "e.csv", "enterprises", [[enterprise.credit_code, "13800000000"]],
                       headers=["统一社会信用代码", "联系电话"])
    import_run(kind="enterprises", path=path, by=None)
    refused = client.post(url, {"name": enterprise.name, "region": "百步镇", "contact_phone": "0573-1",
                                "version": version})
    assert refused.status_code == 409 and "<td>联系电话</td><td>0573-1</td><td>13800000000</td>" in refused.content.decode()
    assert Enterprise.objects.get(pk=enterprise.pk).contact_phone == "13800000000"


def test_imported_reports_are_named_by_their_project_code_in_the_history(officer, two_towns, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    path = sheet_write(tmp_path / "p.csv", "progress", [["HY-W-1", "2026-05", "600"]],
                       headers=["项目编号", "月份", "累计完成投资(万元)"])
    import_run(kind="progress", path=path, by=officer)
    page = logged_in(officer).get(reverse("projects:detail", args=[two_towns.w1.pk]),
                                  {"tab": "history"}).content.decode()
    assert "HY-W-1 2026-05 累计600万元" in page and f"项目{two_towns.w1.pk} " not in page
