"""Reporting discipline: who owes a month's progress report, who came on time, late or not at all, the
rates per town, the 催报 the enterprise sees, and the project list's chasing filters."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from lianghua.audit.models import DomainEvent
from lianghua.projects.listing import project_list_filter, projects_listed
from lianghua.regions.models import Region
from lianghua.reporting.discipline import month_discipline, report_deadline
from lianghua.reporting.models import Reminder, Submission
from lianghua.reporting.services import submission_submit
from tests.factories import ProjectFactory, ProjectProgressFactory, UserFactory

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_deadline_is_the_settings_day_of_the_next_month(settings):
    assert report_deadline(MAY) == dt.date(2026, 6, 5)
    assert report_deadline(dt.date(2026, 12, 1)) == dt.date(2027, 1, 5)
    settings.LIANGHUA_REPORT_DEADLINE_DAY = 10
    assert report_deadline(MAY) == dt.date(2026, 6, 10)


def test_on_time_late_pending_and_missing_per_town(two_towns, county_officer):
    # May 2026 is owed by HY-W-1 (started 2026-03-10) and HY-B-1 (started 2026-04-01); HY-W-2 was completed
    # in 2025 and a project started in June owes nothing for May.
    ProjectFactory(code="HY-W-6", enterprise=two_towns.wuyuan, stage="in_progress", actual_start=dt.date(2026, 6, 2))
    late = ProjectFactory(code="HY-W-3", enterprise=two_towns.wuyuan, stage="in_progress",
                          actual_start=dt.date(2026, 1, 5))
    ProjectFactory(code="HY-W-4", enterprise=two_towns.wuyuan, stage="terminated", actual_start=dt.date(2026, 1, 5))
    ProjectProgressFactory(project=two_towns.w1, month=MAY, cumulative_investment_wan=Decimal("600"),
                           reported_at=at(dt.date(2026, 6, 5), 23))  # the deadline's last hour, local time
    ProjectProgressFactory(project=late, month=MAY, cumulative_investment_wan=Decimal("10"),
                           reported_at=at(dt.date(2026, 6, 6), 0))

    county = month_discipline(county_officer, Region.objects.get(code="330424"), MAY)
    assert county.deadline == dt.date(2026, 6, 5)
    assert county.total.counts == {"on_time": 1, "late": 1, "pending": 0, "missing": 1}
    assert county.total.owed == 3
    assert county.total.reported_rate == Decimal(2) / 3 and county.total.timely_rate == Decimal(1) / 3
    towns = {part.region.name: part for part in county.parts}
    assert towns["武原街道"].counts == {"on_time": 1, "late": 1, "pending": 0, "missing": 0}
    assert towns["百步镇"].counts == {"on_time": 0, "late": 0, "pending": 0, "missing": 1}
    assert [d.project.code for d in county.missing] == ["HY-B-1"]

    # 百步's enterprise submits: awaiting review counts as reported, not yet as timely.
    baibu_user = UserFactory(username="baibu_enterprise", role="enterprise", region=None, enterprise=two_towns.baibu)
    submission_submit(by=baibu_user, kind=Submission.Kind.PROGRESS, project=two_towns.b1,
                      values={"month": "2026-05", "cumulative_investment_wan": "80"})
    county = month_discipline(county_officer, Region.objects.get(code="330424"), MAY)
    assert county.total.counts == {"on_time": 1, "late": 1, "pending": 1, "missing": 0}
    assert county.total.reported_rate == 1


def test_the_page_lists_the_missing_and_one_click_reminds_them(two_towns, county_officer, baibu_officer):
    client = logged_in(county_officer)
    page = client.get(reverse("reporting:discipline"), {"region": "330424", "month": "2026-05"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "海盐县 2026年5月项目进度填报情况" in text and "2026年6月5日" in text
    assert "HY-W-1" in text and "HY-B-1" in text and "50.0%" not in text  # 0 of 2 reported: 0.0%
    assert "0.0%" in text

    response = client.post(reverse("reporting:remind"), {"region": "330424", "month": "2026-05"})
    assert response.status_code == 302
    assert sorted(Reminder.objects.values_list("project__code", flat=True)) == ["HY-B-1", "HY-W-1"]
    assert DomainEvent.objects.filter(kind="report.reminded").count() == 1
    client.post(reverse("reporting:remind"), {"region": "330424", "month": "2026-05",
                                              "project": two_towns.w1.pk})
    assert Reminder.objects.get(project=two_towns.w1).times == 2

    # The enterprise sees it on its 填报 page, with a link to the month owed, until it reports.
    home = logged_in(two_towns.enterprise_user).get(reverse("reporting:home")).content.decode()
    assert "经信部门催报" in home and "HY-W-1" in home and "2026年5月" in home and "HY-B-1" not in home
    assert f"?project={two_towns.w1.pk}&month=2026-05" in home
    ProjectProgressFactory(project=two_towns.w1, month=MAY, cumulative_investment_wan=Decimal("600"))
    assert "经信部门催报" not in logged_in(two_towns.enterprise_user).get(reverse("reporting:home")).content.decode()

    # A town officer reminds only their own town; a leader sees the page but cannot remind.
    assert logged_in(baibu_officer).post(reverse("reporting:remind"),
                                         {"region": "330424001", "month": "2026-05"}).status_code == 403
    leader = UserFactory(username="haiyan_leader_d", role="leader", region_code="330424")
    leader_page = logged_in(leader).get(reverse("reporting:discipline"), {"month": "2026-05"}).content.decode()
    assert "海盐县" in leader_page and "一键催报" not in leader_page
    assert logged_in(leader).post(reverse("reporting:remind"), {"month": "2026-05"}).status_code == 403
    assert logged_in(two_towns.enterprise_user).get(reverse("reporting:discipline")).status_code == 403


def test_a_bad_month_is_named(county_officer, two_towns):
    page = logged_in(county_officer).get(reverse("reporting:discipline"), {"month": "2026-13"})
    assert page.status_code == 400
    assert "月份“2026-13”无法识别" in page.content.decode()


def test_project_list_columns_and_chasing_filters(two_towns, county_officer):
    behind = ProjectFactory(code="HY-W-5", enterprise=two_towns.wuyuan, stage="pooled",
                            planned_start=dt.date(2026, 4, 1), planned_end=dt.date(2027, 4, 1), actual_start=None, total_investment_wan=Decimal("800"))
    ProjectProgressFactory(project=two_towns.b1, month=dt.date(2026, 6, 1), cumulative_investment_wan=Decimal("90"))

    def codes(**params):
        spec = project_list_filter(params)
        spec.today = dt.date(2026, 7, 10)  # last month is June
        return sorted(projects_listed(county_officer, spec).values_list("code", flat=True))

    # On 2026-07-10 HY-W-5 is past its planned start without an actual one; HY-W-1 and HY-B-1 are past the
    # factory's planned completion 2025-12-31 without an actual one; HY-W-2 was completed.
    assert codes(overdue="1") == ["HY-B-1", "HY-W-1", behind.code]
    # In construction in June: HY-W-1 (reported through April) and HY-B-1 (reported June).
    assert codes(unreported="1") == ["HY-W-1"]
    assert project_list_filter({"overdue": "也许"}).problems == ("逾期筛选“也许”无法识别，应为 1（是）或 0（否）",)

    page = logged_in(county_officer).get(reverse("projects:list"), {"q": "HY-W-1"}).content.decode()
    assert "投资完成率" in page and "计划竣工" in page and "最近填报" in page
    w1 = projects_listed(county_officer, project_list_filter({"q": "HY-W-1"})).get()
    assert w1.latest_month == dt.date(2026, 4, 1)
    assert w1.investment_completion == pytest.approx(0.45)  # 450 of 1000 万元


def test_the_enterprise_page_asks_only_for_months_owed(two_towns):
    """On its 填报 page, HY-W-1 (under construction) is asked for the month just ended; a project completed
    in February is listed (it may still correct its reports) but owes nothing."""
    from django.utils import timezone

    from lianghua.core.months import last_reported_month

    done = ProjectFactory(code="HY-W-7", name="武原已竣工项目", enterprise=two_towns.wuyuan, stage="completed",
                          actual_start=dt.date(2025, 9, 1), actual_end=dt.date(2026, 2, 10))
    due = last_reported_month(timezone.localdate())
    page = logged_in(two_towns.enterprise_user).get(reverse("reporting:home")).content.decode()
    rows = {code: page[page.index(code):page.index("</tr>", page.index(code))] for code in ("HY-W-1", done.code)}
    assert f"待填报{due.year}年{due.month}月" in rows["HY-W-1"]
    assert "待填报" not in rows[done.code]
    submission_submit(by=two_towns.enterprise_user, kind=Submission.Kind.PROGRESS, project=two_towns.w1,
                      values={"month": f"{due:%Y-%m}", "cumulative_investment_wan": "600"})
    page = logged_in(two_towns.enterprise_user).get(reverse("reporting:home")).content.decode()
    row = page[page.index("HY-W-1"):page.index("</tr>", page.index("HY-W-1"))]
    assert f"{due.year}年{due.month}月已提交，待审核" in row and "待填报" not in row


def test_the_sheet_to_phone_down_and_the_count_in_the_menu(two_towns, county_officer):
    two_towns.baibu.contact_person, two_towns.baibu.contact_phone = "沈主任", "13905731234"
    two_towns.baibu.save()
    client = logged_in(county_officer)
    sheet = client.get(reverse("reporting:discipline_export"), {"region": "330424", "month": "2026-05",
                                                                "format": "csv"})
    lines = sheet.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("所属区域,项目编号,项目名称,企业,联系人,联系电话,填报情况")
    baibu = next(line for line in lines if ",HY-B-1," in line)
    assert baibu.startswith("百步镇,HY-B-1,") and "沈主任,13905731234,未填报" in baibu
    assert len(lines) == 3  # HY-W-1 and HY-B-1 owe May
    assert "filename" in sheet["Content-Disposition"]

    assert 'class="badge"' not in client.get(reverse("reporting:home")).content.decode()
    submission_submit(by=two_towns.enterprise_user, kind=Submission.Kind.PROGRESS, project=two_towns.w1,
                      values={"month": "2026-05", "cumulative_investment_wan": "600"})
    assert '<span class="badge" title="待审核">1</span>' in client.get(reverse("reporting:home")).content.decode()
