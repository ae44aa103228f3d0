"""Enterprises report; officers approve. A submission counts nowhere until an officer of its town or
county approves it; a return carries the reason back; an approved month is locked until reopened."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lianghua.audit.models import ChangeRecord, DomainEvent
from lianghua.imports.services import import_run
from lianghua.projects.models import Project, ProjectProgress
from lianghua.regions.models import Region
from lianghua.reporting.models import Submission
from lianghua.reporting.services import (
    progress_reopen,
    submission_approve,
    submission_return,
    submission_submit,
)
from lianghua.targets.models import Plan
from lianghua.targets.progress import progress_compute
from tests.factories import UserFactory
from tests.imports.conftest import sheet_write

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 6, 30)


def investment_of_wuyuan() -> Decimal | None:
    """The plan's 技改投资 of 武原街道 in 2026, as the dashboard shows it."""
    rows = progress_compute(plan=Plan.objects.get(code="haiyan-2024-2026"), region=Region.objects.get(code="330424001"),
                            year=2026, as_of=AS_OF)
    return next(r.actual for r in rows if r.indicator == "investment")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reporter(two_towns):
    return two_towns.enterprise_user


def test_only_approved_figures_count(two_towns, reporter, wuyuan_officer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    before = investment_of_wuyuan()
    client = logged_in(reporter)
    response = client.post(f"{reverse('reporting:new', args=['progress'])}?project={two_towns.w1.pk}", {
        "month": "2026-05", "cumulative_investment_wan": "620", "note": "含设备款",
        "attachment": SimpleUploadedFile("五月发票汇总.xlsx", b"PK fake xlsx")})
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.status, submission.month, submission.values["cumulative_investment_wan"]) == (
        "pending", dt.date(2026, 5, 1), "620")
    assert not ProjectProgress.objects.filter(project=two_towns.w1, month=dt.date(2026, 5, 1)).exists()
    assert investment_of_wuyuan() == before  # pending: not counted

    officer = logged_in(wuyuan_officer)
    queue = officer.get(reverse("reporting:home")).content.decode()
    assert "待审核（1）" in queue and "HY-W-1 2026-05 月度进度" in queue
    detail = officer.get(reverse("reporting:detail", args=[submission.pk])).content.decode()
    assert "<td>累计完成投资(万元)</td><td>—</td><td>620</td>" in detail and "下载附件" in detail
    assert officer.get(reverse("reporting:attachment", args=[submission.pk])).status_code == 200
    assert officer.post(reverse("reporting:approve", args=[submission.pk])).status_code == 302
    report = ProjectProgress.objects.get(project=two_towns.w1, month=dt.date(2026, 5, 1))
    submission.refresh_from_db()
    assert (report.cumulative_investment_wan, report.locked, report.reported_at) == (
        Decimal("620"), True, submission.submitted_at)
    assert submission.status == "approved" and submission.decided_by == wuyuan_officer
    assert investment_of_wuyuan() == before + Decimal("0.017")  # 亿元: 620 万元 in May against 450 in April
    assert ChangeRecord.objects.filter(model="projects.projectprogress", source="企业填报审核").exists()
    assert DomainEvent.objects.filter(kind="report.approved").count() == 1


def test_a_return_carries_its_reason_and_the_enterprise_submits_again(two_towns, reporter, baibu_officer,
                                                                     county_officer):
    submission = submission_submit(by=reporter, kind="year", values={
        "year": "2026", "revenue_wan": "5600", "tax_wan": "320", "is_above_scale": "on"})
    with pytest.raises(PermissionDenied):  # 百步镇 may not decide on a 武原 enterprise
        submission_return(submission=submission, by=baibu_officer, reason="不是本镇企业")
    with pytest.raises(ValidationError, match="退回须填写原因"):
        submission_return(submission=submission, by=county_officer, reason=" ")
    submission_return(submission=submission, by=county_officer, reason="税收与税务部门数据不符，请核对")
    page = logged_in(reporter).get(reverse("reporting:home")).content.decode()
    assert "已退回" in page and "税收与税务部门数据不符，请核对" in page
    assert not two_towns.wuyuan.years.filter(year=2026).exists()
    again = submission_submit(by=reporter, kind="year", values={"year": "2026", "revenue_wan": "5600",
                                                                "tax_wan": "298", "is_above_scale": "on"})
    submission_approve(submission=again, by=county_officer)
    year = two_towns.wuyuan.years.get(year=2026)
    assert (year.tax_wan, year.is_above_scale) == (Decimal("298"), True)


def test_an_approved_month_is_locked_until_an_officer_reopens_it(two_towns, reporter, county_officer, tmp_path,
                                                                  settings):
    settings.MEDIA_ROOT = tmp_path
    submission = submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                                   values={"month": "2026-05", "cumulative_investment_wan": "620"})
    submission_approve(submission=submission, by=county_officer)
    with pytest.raises(ValidationError, match="已审核锁定"):
        submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                          values={"month": "2026-05", "cumulative_investment_wan": "640"})
    report = ProjectProgress.objects.get(project=two_towns.w1, month=dt.date(2026, 5, 1))
    client = logged_in(county_officer)
    edit = client.post(reverse("projects:progress_edit", args=[two_towns.w1.pk, report.pk]),
                       {"cumulative_investment_wan": "640", "version": "0"})
    assert edit.status_code == 400 and "该月进度已审核锁定" in edit.content.decode()
    path = sheet_write(tmp_path / "p.csv", "progress", [["HY-W-1", "2026-05", "640"]])
    batch = import_run(kind="progress", path=path, by=county_officer)
    assert [e["message"] for e in batch.errors] == ["该月进度已审核锁定，须先由经信部门在项目页解锁后才能修改"]
    with pytest.raises(ValidationError, match="解锁须填写原因"):
        progress_reopen(report=report, by=county_officer, reason="")
    assert client.post(reverse("reporting:reopen", args=[report.pk]), {"reason": "企业发现漏计一张发票"}).status_code == 302
    report.refresh_from_db()
    assert not report.locked
    assert ChangeRecord.objects.filter(model="projects.projectprogress", reason="企业发现漏计一张发票").exists()
    again = submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                              values={"month": "2026-05", "cumulative_investment_wan": "640"})
    submission_approve(submission=again, by=county_officer)
    report.refresh_from_db()
    assert (report.cumulative_investment_wan, report.locked) == (Decimal("640"), True)


def test_the_same_checks_as_a_page_and_only_reporting_stages(two_towns, reporter):
    with pytest.raises(ValidationError, match="累计完成投资低于2026-04的450万元"):
        submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                          values={"month": "2026-05", "cumulative_investment_wan": "300"})
    with pytest.raises(ValidationError, match="在建和竣工的项目才按月填报"):
        submission_submit(by=reporter, kind="progress", project=two_towns.w2,
                          values={"month": "2026-05", "cumulative_investment_wan": "300"})
    with pytest.raises(ValidationError, match="只能为本企业的项目填报"):
        submission_submit(by=reporter, kind="progress", project=two_towns.b1,
                          values={"month": "2026-05", "cumulative_investment_wan": "300"})
    with pytest.raises(ValidationError, match="附件“发票.exe”的类型不支持"):
        submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                          values={"month": "2026-05", "cumulative_investment_wan": "600"},
                          attachment=SimpleUploadedFile("发票.exe", b"MZ"))
    assert not Submission.objects.exists()
    # A second submission of a month awaiting review replaces the first.
    first = submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                              values={"month": "2026-05", "cumulative_investment_wan": "600"})
    second = submission_submit(by=reporter, kind="progress", project=two_towns.w1,
                               values={"month": "2026-05", "cumulative_investment_wan": "610"})
    assert first.pk == second.pk and Submission.objects.get().values["cumulative_investment_wan"] == "610"


def test_a_proposed_project_enters_the_reserve_under_the_officers_code(two_towns, reporter, county_officer):
    proposal = submission_submit(by=reporter, kind="project", values={
        "name": "光伏屋顶节能改造", "category": "green", "total_investment_wan": "860", "planned_start": "2026-09-01",
        "planned_end": "2027-06-30"})
    with pytest.raises(ValidationError, match="请为新项目编写项目编号"):
        submission_approve(submission=proposal, by=county_officer)
    submission_approve(submission=proposal, by=county_officer, code="HY-2026-LS-12")
    project = Project.objects.get(code="HY-2026-LS-12")
    assert (project.stage, project.enterprise, project.total_investment_wan) == ("reserve", two_towns.wuyuan,
                                                                                   Decimal("860"))


def test_who_sees_and_decides(client, two_towns, reporter, baibu_officer, county_leader, wuyuan_officer):
    submission = submission_submit(by=reporter, kind="year", values={"year": "2026", "revenue_wan": "1"})
    detail = reverse("reporting:detail", args=[submission.pk])
    client.force_login(baibu_officer)
    assert "武原精密" not in client.get(reverse("reporting:home")).content.decode()
    assert client.get(detail).status_code == 404
    assert client.post(reverse("reporting:approve", args=[submission.pk])).status_code == 404
    client.force_login(county_leader)
    assert client.get(detail).status_code == 200
    assert client.post(reverse("reporting:approve", args=[submission.pk])).status_code == 403
    other = UserFactory(username="other_enterprise", role="enterprise", region=None, enterprise=two_towns.baibu)
    client.force_login(other)
    assert client.get(detail).status_code == 404
    with pytest.raises(PermissionDenied):
        submission_submit(by=wuyuan_officer, kind="year", values={"year": "2026"})
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_yearly_figures_start_from_the_registry_and_a_blank_keeps_the_value(two_towns, reporter, county_officer):
    """The 2025 form opens with the registry's figures; what the enterprise leaves blank is not wiped on
    approval (工业增加值 1200, 用地 20亩 stay), what it changes is written."""
    client = logged_in(reporter)
    form = client.get(reverse("reporting:new", args=["year"]), {"year": "2025"}).content.decode()
    assert 'name="revenue_wan" value="5000"' in form and 'name="value_added_wan" value="1200"' in form  # not 5000.0000
    response = client.post(f"{reverse('reporting:new', args=['year'])}?year=2025", {
        "year": "2025", "is_above_scale": "on", "revenue_wan": "5000", "tax_wan": "320"})
    assert response.status_code == 302
    submission = Submission.objects.get(kind="year")
    detail = logged_in(county_officer).get(reverse("reporting:detail", args=[submission.pk])).content.decode()
    assert "<td>税收(万元)</td><td>300</td><td>320</td>" in detail and "工业增加值(万元)" not in detail
    submission_approve(submission=submission, by=county_officer)
    year = two_towns.wuyuan.years.get(year=2025)
    assert (year.tax_wan, year.value_added_wan, year.land_mu, year.is_above_scale) == (
        Decimal("320"), Decimal("1200"), Decimal("20"), True)
