"""The month's loop in real Chromium: the enterprise reports May's investment, the officer approves it,
and only then does the dashboard move; and the pages at a phone's 375 px."""

import datetime as dt
from decimal import Decimal

from lianghua.core.formatting import quantity
from tests.browser.conftest import BROWSER_MARKS, logged_in_page
from tests.factories import UserFactory

pytestmark = BROWSER_MARKS

DASHBOARD = "/?plan=haiyan-2024-2026&region=330424001&year=2026&as_of=2026-06-30"


def investment_shown(page, live_server) -> str:
    page.goto(f"{live_server.url}{DASHBOARD}")
    page.wait_for_selector("#indicator-table")
    row = page.locator("#indicator-table tr", has_text="直接拉动技改投资").first
    return row.locator("a.actual").text_content().strip()


def test_enterprise_submits_officer_approves_and_the_dashboard_moves(reference_data, live_server, two_towns,
                                                                    chromium, tmp_path):
    UserFactory(username="wuyuan_browser", role="officer", region_code="330424001")
    officer = logged_in_page(chromium, live_server, "wuyuan_browser")
    enterprise = logged_in_page(chromium, live_server, two_towns.enterprise_user.username)
    pages = {"officer": officer, "enterprise": enterprise}
    try:
        # 武原 in 2026 to June: HY-W-1's April report, 450万元 = 0.045亿元.
        before = investment_shown(officer, live_server)
        assert before == quantity(Decimal("0.045"), "亿元")  # shown "0.05"

        enterprise.goto(f"{live_server.url}/reporting/")
        enterprise.locator("tr", has_text="HY-W-1").locator("a:text('填报进度')").click()
        enterprise.fill("input[name=month]", "2026-05")
        enterprise.fill("input[name=cumulative_investment_wan]", "620")
        enterprise.fill("input[name=note]", "含五月设备款")
        enterprise.click("button:text('提交审核')")
        enterprise.wait_for_selector("text=待审核")
        assert investment_shown(officer, live_server) == before  # not approved: not counted

        officer.goto(f"{live_server.url}/reporting/")
        officer.click("a:text('HY-W-1 2026-05 月度进度')")
        officer.wait_for_selector("text=审核通过后将写入")
        assert "620" in officer.text_content("table")
        officer.click("button:text('审核通过')")
        officer.wait_for_selector("text=已审核通过")
        assert investment_shown(officer, live_server) == quantity(Decimal("0.062"), "亿元")  # 620万元

        enterprise.goto(f"{live_server.url}/reporting/")
        assert "已通过" in enterprise.text_content("#submissions")
        two_towns.w1.refresh_from_db()
        report = two_towns.w1.progress_reports.get(month=dt.date(2026, 5, 1))
        assert report.locked and report.cumulative_investment_wan == Decimal("620")
    except Exception:
        for who, page in pages.items():
            page.screenshot(path=str(tmp_path / f"failure-{who}.png"), full_page=True)
        print(f"screenshots of the failing step: {tmp_path}")
        raise


def test_the_pages_work_at_phone_width(reference_data, live_server, two_towns, chromium, tmp_path):
    """At 375 px the menu folds behind a button, nothing widens the page, wide tables scroll in their box."""
    UserFactory(username="haiyan_phone", role="officer", region_code="330424")
    phone = logged_in_page(chromium, live_server, "haiyan_phone", width=375, height=800)
    for path in ("/", "/projects/", "/enterprises/", f"/projects/{two_towns.w1.pk}/", "/reporting/",
                 "/reporting/discipline/?month=2026-05", "/subsidies/", "/imports/", "/bulletins/?period=2026-06",
                 "/bulletins/trends/?year=2026", "/bulletins/warnings/?as_of=2026-06-30", "/bulletins/archive/",
                 "/notifications/", "/evaluations/mujun/?year=2025", "/evaluations/method/",
                 "/evaluations/exemptions/?year=2025", "/evaluations/carbon/?year=2025", "/evaluations/diagnosis/",
                 "/evaluations/ladder/", "/evaluations/inefficient/?year=2025"):
        phone.goto(f"{live_server.url}{path}")
        phone.wait_for_load_state("networkidle")
        name = path.strip("/").replace("/", "_").replace("?", "_") or "dashboard"
        phone.screenshot(path=str(tmp_path / f"phone-{name}.png"), full_page=True)
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} is {width}px wide at 375px"
        assert not phone.is_visible("nav.mainnav"), path
    phone.goto(f"{live_server.url}/projects/")
    phone.click("label.menu-button")
    assert phone.is_visible("nav.mainnav a:text('项目')")
    phone.click("nav.mainnav a:text('企业')")
    phone.wait_for_selector("h1:text('企业')")
    # The project list's table is wider than the phone: it scrolls inside its box.
    phone.goto(f"{live_server.url}/projects/")
    box = phone.evaluate("(() => { const t = document.querySelector('table.list');"
                         " return [t.scrollWidth, t.clientWidth, t.parentElement.scrollWidth]; })()")
    assert box[0] > box[1] and box[1] <= 375 and box[2] <= 375  # wider inside, the box itself fits
