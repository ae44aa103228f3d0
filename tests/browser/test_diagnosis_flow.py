"""The online digital diagnosis in real Chromium: the enterprise answers the questionnaire and sees its
score, level and 数字化水平; the county officer then sees the year's diagnosis coverage move, on the
diagnosis page and on the dashboard, and turns a suggested direction into a 储备 project."""

from lianghua.enterprises.models import DigitalLevel
from lianghua.projects.models import Project
from lianghua.targets.models import Indicator, Plan, Target
from tests.browser.conftest import BROWSER_MARKS, logged_in_page
from tests.factories import EnterpriseYearFactory
from tests.web.scenario import two_towns  # noqa: F401

pytestmark = BROWSER_MARKS


def test_the_enterprise_diagnoses_itself_and_the_coverage_moves(reference_data, live_server, two_towns,  # noqa: F811
                                                                county_officer, chromium, tmp_path):
    from django.utils import timezone

    year = timezone.localdate().year
    for enterprise in (two_towns.wuyuan, two_towns.baibu):
        EnterpriseYearFactory(enterprise=enterprise, year=year)
    Target.objects.create(plan=Plan.objects.get(code="haiyan-2024-2026"), region=two_towns.wuyuan.region.parent,
                          indicator=Indicator.objects.get(code="diagnosis_coverage"), year=year, basis="annual",
                          value=100, comparator="gte")
    firm = logged_in_page(chromium, live_server, two_towns.enterprise_user.username)
    officer = logged_in_page(chromium, live_server, county_officer.username)
    try:
        officer.goto(f"{live_server.url}/evaluations/diagnosis/?year={year}")
        assert "0.0%" in officer.text_content("#diagnosis-coverage tr.total")

        firm.goto(f"{live_server.url}/evaluations/mine/")
        firm.click("#diagnosis-link")
        firm.click("#start-diagnosis")
        questions = firm.locator(".question")
        for index in range(questions.count()):  # the second option everywhere, the best for the first three
            choice = 3 if index < 3 else 1
            questions.nth(index).locator("input[type=radio]").nth(choice).check()
        firm.click("#submit-diagnosis")
        firm.wait_for_selector("#diagnosis-result")
        result = firm.text_content("#diagnosis-result")
        # 10 + 8 + 7 in 数字化基础, then the second options: 4 + 3 + 3 + 3 + 3 + 3 + 4 + 3 + 2 = 28 → 53, 二级.
        assert "53" in result and "二级" in result and "2.0" in result
        level = DigitalLevel.objects.get(enterprise=two_towns.wuyuan, source="diagnosis")
        assert level.level == 2

        officer.goto(f"{live_server.url}/evaluations/diagnosis/?year={year}")
        assert "50.0%" in officer.text_content("#diagnosis-coverage tr.total")
        officer.goto(f"{live_server.url}/?plan=haiyan-2024-2026&region=330424&year={year}")
        row = officer.locator("tr", has_text="规上工业企业数字化诊断覆盖率").first
        assert "50" in row.text_content()

        officer.goto(f"{live_server.url}/evaluations/diagnosis/?year={year}")
        officer.click("#diagnoses a")
        officer.wait_for_selector("#weak-areas")
        officer.locator("#weak-areas button:text('转为储备项目')").first.click()
        officer.wait_for_selector("text=已生成储备项目")
        project = Project.objects.get(diagnosis_link__isnull=False)
        assert (project.enterprise, project.stage) == (two_towns.wuyuan, "reserve")
        assert "在线数字化诊断的改造建议" in officer.text_content(".facts")  # the project page links back
    except Exception:
        for who, page in (("firm", firm), ("officer", officer)):
            page.screenshot(path=str(tmp_path / f"failure-{who}.png"), full_page=True)
        print(f"screenshots of the failing step: {tmp_path}")
        raise
